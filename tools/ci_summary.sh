#!/usr/bin/env bash
# ci_summary.sh [DIR]: a Markdown table of the grade reports in DIR (default .course/, where
# make grade keeps them), for a CI job summary ($GITHUB_STEP_SUMMARY): one row per lesson.
set -euo pipefail
dir=${1:-.course}
echo "## Grades"
echo
echo "| Lesson | Status | Score | Tests | Main metrics | Reason |"
echo "|---|---|---:|---:|---|---|"
for f in "$dir"/[0-9][0-9]-grade.json; do
	[ -e "$f" ] || continue
	jq -r '[.lesson, .status, (.score | tostring), "\(.correctness.passed)/\(.correctness.total)",
		([.metrics[] | select(.kind == "scored" and .student != null)
		  | "\(.name) \(.ratio)x"] | join(", ")),
		((.reason // "") | gsub("\\|"; "/") | .[0:120])]
	       | "| " + join(" | ") + " |"' "$f"
done
echo
echo "Local scores are estimates; the official score comes from your instructor's batch."
