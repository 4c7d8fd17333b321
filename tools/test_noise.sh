#!/bin/bash
# test_noise.sh: `make test-noise`, the proof that a busy machine cannot buy or take a grade
# (issue 17). Grades every lesson's partial RUNS times on the machine as it is ("quiet"), then
# RUNS times again while two CPU hogs and a memory-bandwidth hog run ("loaded"; this script
# starts them and stops them however it ends), and checks:
#   - every score stays inside lesson.ini's partial_band;
#   - the RUNS scores of one file under one condition spread by at most MAX_SPREAD points;
#   - a reference made 2x slower (lesson 09's crc32c doing its work twice, built here from
#     the reference with sed) never earns full wall_ratio points, quiet or loaded.
# It prints a table: lesson, condition, the scores, their spread, the band, and how the wall
# time went (the range of wall_ratio, and in how many gradings the machine was busy: there a
# threaded lesson's wall time earns nothing, grader/wall.h). Not part of `make test` (about an
# hour); tools/checks/90-noise-and-lint.sh keeps a short version (one lesson, loaded, 3 gradings).
#   LESSONS="05 09"  limit the lessons      RUNS=5       gradings per file and condition
#   CONDITIONS="loaded"  skip the quiet run  SLOW=0       skip the 2x-slower check
#   SLOW_RUNS=N      gradings of it (RUNS)   NOISE_WORK=D where the reports go
set -u
cd "$(dirname "$0")/.." || exit 2

RUNS=${RUNS:-5}
MAX_SPREAD=${MAX_SPREAD:-5}
CONDITIONS=${CONDITIONS:-quiet loaded}
SLOW=${SLOW:-1}
SLOW_RUNS=${SLOW_RUNS:-$RUNS}
GRADE=build/grade
WORK=${NOISE_WORK:-build/test/noise}
HOG=$WORK/hog
LESSONS=${LESSONS:-$(find lessons -maxdepth 1 -name '[0-9][0-9]-*' -printf '%f\n' | cut -c1-2 | sort)}

# {=== the load ===}

HOG_PIDS=()
start_load() { # two CPU hogs and one memory hog, at the graders' own priority
	"$HOG" cpu & HOG_PIDS+=($!)
	"$HOG" cpu & HOG_PIDS+=($!)
	"$HOG" mem & HOG_PIDS+=($!)
	sleep 2 # let the load average and the caches feel them
}

stop_load() {
	local pid
	for pid in "${HOG_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${HOG_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	HOG_PIDS=()
}
trap stop_load EXIT
trap 'exit 130' INT TERM

# }===

[ -x "$GRADE" ] || { echo "test-noise: $GRADE is missing: run 'make build'" >&2; exit 2; }
command -v jq >/dev/null || { echo "test-noise: jq is missing: run 'make deps'" >&2; exit 2; }
mkdir -p "$WORK"
${CC:-gcc} -std=c11 -O2 -Wall -Wextra -Werror tools/noise/hog.c -o "$HOG" || exit 2

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# grade_scores LESSON TAG IMPL...: grades RUNS times, keeps each JSON report, prints the scores
grade_scores() {
	local lesson=$1 tag=$2 i json
	shift 2
	local impls=()
	for f in "$@"; do impls+=(--impl "$f"); done
	rm -f "$WORK/$lesson-$tag-"*.json # a row's summary reads only this run's reports
	for i in $(seq 1 "$RUNS"); do
		json=$WORK/$lesson-$tag-$i.json
		"$GRADE" --lesson "$lesson" --format json "${impls[@]}" >"$json" 2>"${json%.json}.err"
		jq -r 'if .status == "graded" then (.score | tostring) else .status end' "$json" \
			2>/dev/null || echo error
	done
}

wall_summary() { # wall_summary LESSON TAG: "1.6x-1.7x, busy 0/5" over the reports of a row
	local files=("$WORK/$1-$2-"*.json)
	jq -rs '[.[] | .metrics[]? | select(.name == "wall_ratio") | .ratio] as $r |
		[.[] | select(.wall.busy == true)] as $b |
		if ($r | length) == 0 then "no wall time"
		else "\($r | min)x-\($r | max)x, busy \($b | length)/\(length)" end' "${files[@]}" 2>/dev/null ||
		echo "no reports"
}

spread() { # the largest minus the smallest of the numbers on stdin
	awk 'NR == 1 { lo = $1; hi = $1 } { if ($1 < lo) lo = $1; if ($1 > hi) hi = $1 }
		END { printf "%.1f\n", hi - lo }'
}

check_partial() { # check_partial LESSON CONDITION: one row of the table
	local lesson=$1 condition=$2 dir slug band lo hi scores s row_spread partial
	dir=$(find lessons -maxdepth 1 -name "$lesson-*" | head -n 1)
	slug=$(basename "$dir")
	band=$("$GRADE" ini "$dir/lesson.ini" lesson.partial_band)
	read -r lo hi <<<"$band"
	# the partial solution is a variant (tools/variant.sh); the reference's files stand for
	# the student files it leaves as they are
	partial=$(tools/variant.sh "solutions/$slug/$("$GRADE" ini "$dir/lesson.ini" variants.partial)" \
		"$WORK/variants/$lesson") || { fail "lesson $lesson: the partial variant"; return; }
	scores=$(grade_scores "$lesson" "partial-$condition" "$partial" "solutions/$slug")
	row_spread=$(echo "$scores" | spread)
	printf '%-6s %-7s %-36s %6s   [%s, %s]   %s\n' "$lesson" "$condition" "$(tr "\n" " " <<<"$scores")" \
		"$row_spread" "$lo" "$hi" "$(wall_summary "$lesson" "partial-$condition")"
	for s in $scores; do
		awk -v s="$s" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(s + 0 == s && s >= lo && s <= hi) }' ||
			fail "lesson $lesson $condition: partial scored $s, outside its band [$lo, $hi]"
	done
	awk -v d="$row_spread" -v m="$MAX_SPREAD" 'BEGIN { exit !(d <= m) }' ||
		fail "lesson $lesson $condition: five gradings spread by $row_spread points (at most $MAX_SPREAD)"
}

# A reference made 2x slower: lesson 09's crc32c computes every digest twice. Its wall_ratio
# must be measured about 2x and earn less than its maximum (or be marked unreliable, which
# scores nothing), never the full points.
check_slow() { # check_slow CONDITION
	local condition=$1 src=solutions/09-assembly dir=$WORK/09-twice json i
	mkdir -p "$dir"
	sed 's|^\treturn f(crc, buf, len);$|\tvolatile uint32_t twice = f(crc, buf, len); /* the work twice */\n\t(void)twice;\n\treturn f(crc, buf, len);|' \
		"$src/crc32c.c" >"$dir/crc32c.c"
	grep -q 'the work twice' "$dir/crc32c.c" || { fail "09-twice: the sed no longer applies to $src/crc32c.c"; return; }
	for i in $(seq 1 "$SLOW_RUNS"); do
		json=$WORK/09-twice-$condition-$i.json
		"$GRADE" --lesson 09 --format json --impl "$dir/crc32c.c" --impl "$src/crc32c_x86.S" \
			>"$json" 2>"${json%.json}.err"
		local line ratio points max reliable
		line=$(jq -r '.metrics[] | select(.name == "wall_ratio") |
			"\(.ratio) \(.points) \(.max_points) \(.reliable // true)"' "$json" 2>/dev/null)
		read -r ratio points max reliable <<<"$line"
		[ -n "${reliable:-}" ] || { fail "09-twice $condition: no wall_ratio in $json"; continue; }
		printf '09-twice %-7s run %d: wall_ratio %sx, %s of %s points%s\n' "$condition" "$i" \
			"$ratio" "$points" "$max" "$([ "$reliable" = true ] || echo ', unreliable: not scored')"
		awk -v r="$ratio" 'BEGIN { exit !(r >= 1.7) }' ||
			fail "09-twice $condition: measured ${ratio}x, not about 2x: the variant is broken"
		awk -v p="$points" -v m="$max" -v ok="$reliable" 'BEGIN { exit !(ok != "true" || p < m - 0.05) }' ||
			fail "09-twice $condition: ${ratio}x slower earned full wall points ($points of $max)"
	done
}

started=$SECONDS
printf '%-6s %-7s %-36s %6s   %-9s  %s\n' lesson load "scores ($RUNS gradings)" spread band "wall_ratio"
# lesson by lesson, each quiet then loaded, so that a run cut short still has both rows of
# the lessons it reached
for lesson in $LESSONS; do
	for condition in $CONDITIONS; do
		[ "$condition" = loaded ] && start_load
		check_partial "$lesson" "$condition"
		[ "$condition" = loaded ] && stop_load
	done
done
if [ "$SLOW" = 1 ]; then
	for condition in $CONDITIONS; do
		[ "$condition" = loaded ] && start_load
		check_slow "$condition"
		[ "$condition" = loaded ] && stop_load
	done
fi
echo "test-noise took $((SECONDS - started)) s; reports in $WORK/"
if [ "$failures" -gt 0 ]; then
	echo "test-noise: $failures check(s) failed"
	exit 1
fi
echo "test-noise: every check passed"
