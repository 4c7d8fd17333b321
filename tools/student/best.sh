#!/bin/bash
# best.sh: keeps the best score of each lesson: after `make grade` (or report, or compare) wrote
# $COURSE_STATE/NN-grade.json, a graded score above $COURSE_STATE/NN-best replaces it.
# usage: tools/student/best.sh NN
set -u
. "$(dirname "$0")/common.sh"

use_lesson best "${1:-}"
report=$STATE/$LESSON_ID-grade.json
[ -f "$report" ] || exit 0
read -r status score <<<"$(grade_score "$report")"
[ "$status" = graded ] || exit 0
best_file=$STATE/$LESSON_ID-best
best=$(cat "$best_file" 2>/dev/null)
case "$best" in '' | *[!0-9.]*) best=-1 ;; esac
if awk -v s="$score" -v b="$best" 'BEGIN { exit !(s > b) }'; then
	echo "$score" >"$best_file"
	[ "$best" = -1 ] && best=none
	echo "grade: lesson $LESSON_ID: best score now $score (was $best); make progress shows every lesson"
fi
