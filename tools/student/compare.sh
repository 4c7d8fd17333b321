#!/bin/bash
# compare.sh: `make compare LESSON=NN`: where your code spends, beside the reference: the
# instructions of each function of your file (the grader's JSON report, `functions`), then the
# allocation stack at your peak heap (massif on your bench driver, ms_print's peak snapshot).
# usage: tools/student/compare.sh [NN]   (the lesson's binaries must be built: make does it)
# The report is the last `make grade` ($COURSE_STATE/NN-grade.json) unless your file changed
# since; then it grades first, which records the score as `make grade` does. IMPL=reference or
# skeleton compares that code instead (as make lessonNN IMPL=...), and records nothing.
set -u
. "$(dirname "$0")/common.sh"

use_lesson compare "${1:-}"
impl=${IMPL:-student}
report=$STATE/$LESSON_ID-grade.json
bench=$BUILD/lessons/$LESSON_ID/$impl/bench
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
case "$impl" in
student) grade_args=() ;;
reference) grade_args=(--reference) report=$work/grade.json ;; # sources or shipped objects
skeleton) grade_args=(--impl "solutions/$LESSON_SLUG/skeleton") report=$work/grade.json ;;
*) die compare "IMPL must be student, reference or skeleton, not '$impl'" "drop IMPL=" ;;
esac
# the course's tests hand in a report of their own, and it is never regraded
if [ -n "${COMPARE_REPORT:-}" ]; then
	[ -f "$COMPARE_REPORT" ] || die compare "no report '$COMPARE_REPORT'" "COMPARE_REPORT names a JSON report"
	report=$COMPARE_REPORT
fi

# {=== instructions per function, from the JSON report ===}

report_is_current() {
	[ -f "$report" ] && [ "$report" -nt "$BUILD/grade" ] || return 1
	local f
	for f in $STUDENT_FILES; do
		[ "$LESSON_DIR/$f" -nt "$report" ] && return 1
	done
	return 0
}

if [ -z "${COMPARE_REPORT:-}" ] && ! report_is_current; then
	echo "compare: grading lesson $LESSON_ID ($impl) first (no report newer than the code)" >&2
	mkdir -p "$STATE"
	"$BUILD/grade" --lesson "$LESSON_ID" "${grade_args[@]}" --format json --json-out "$report" \
		>/dev/null
	[ $? -le 1 ] || die compare "lesson $LESSON_ID: the grader failed (above)" \
		"run 'make grade LESSON=$LESSON_ID' to see its messages"
	[ "$impl" = student ] && tools/student/best.sh "$LESSON_ID"
fi

printf 'lesson %s · %s · score %s (%s)\n\n' "$LESSON_ID" "$LESSON_TITLE" \
	"$(jq -r '.score' "$report")" "$(jq -r '.status' "$report")"
printf 'instructions per function of %s (inclusive: the function and what it calls)\n' \
	"$STUDENT_FILES"
if [ "$(jq '.functions | length' "$report")" -eq 0 ]; then
	printf '  not measured: %s\n' "$(jq -r '.reason // "no function of your file ran"' "$report")"
else
	# counts in millions past a million, exact below; the ratio where the reference has one
	jq -r '.functions[] | [.name, .student, (.reference // "")] | @tsv' "$report" |
		awk -F '\t' '
		function count(v) { return v == "" ? "-" : v >= 1e6 ? sprintf("%.1fM", v / 1e6) : sprintf("%d", v) }
		BEGIN { printf "  %-32s %12s %12s %9s\n", "function", "yours", "reference", "ratio" }
		{
			ratio = $3 == "" ? "-" : $3 == 0 ? "-" : sprintf("%.2fx", $2 / $3)
			note = $3 == "" ? "  (not in the reference)" : ""
			printf "  %-32s %12s %12s %9s%s\n", $1, count($2), count($3), ratio, note
		}'
fi

# }===

# {=== the peak-heap allocation stack, from massif ===}

ini=$LESSON_DIR/lesson.ini
args=$(ini_get "$ini" workload.args) || exit
seed=$(ini_get "$ini" workload.seed) || exit
limit=$(ini_get "$ini" workload.time_limit) || exit
[ -x "$bench" ] || die compare "lesson $LESSON_ID: no bench driver at '$bench'" \
	"run 'make lesson$LESSON_ID' first: it builds it"
printf '\npeak heap: massif on %s %s --seed %s\n' "$bench" "$args" "$seed"
# the same clean environment the grader measures in: counts move with the environment's size
# shellcheck disable=SC2086 # args is the lesson's argument list
env -i PATH=/usr/bin:/bin LC_ALL=C timeout -k 5 "$((${limit:-20} * 4))" \
	valgrind --tool=massif --time-unit=B --vgdb=no --massif-out-file="$work/massif.out" \
	"$bench" $args --seed "$seed" >"$work/bench.out" 2>"$work/valgrind.err"
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$work/massif.out" ]; then
	tail -n 5 "$work/valgrind.err" >&2
	die compare "massif on '$bench' failed (exit $rc)" "run 'make lesson$LESSON_ID' to check it"
fi
ms_print "$work/massif.out" >"$work/ms.txt" || die compare "ms_print failed" "is valgrind installed?"

# The peak is the snapshot ms_print marks "(peak)"; its table row, then its allocation tree.
peak=$(grep '^ *Detailed snapshots:' "$work/ms.txt" | grep -o '[0-9]* (peak)' | cut -d' ' -f1)
[ -n "$peak" ] || die compare "no peak snapshot in ms_print's output" "the bench allocated nothing?"
awk -v peak="$peak" -v max=15 '
	$1 == peak && $2 ~ /^[0-9,]+$/ && !shown {
		printf "  snapshot %s: %s B on the heap (%s B asked for, %s B of allocator overhead)\n",
			$1, $3, $4, $5
		tree = 1; shown = 1; next
	}
	tree && (/^-+$/ || /^$/) { tree = 0 }
	tree && lines < max { sub(/0x[0-9A-Fa-f]+: /, ""); print "  " $0; lines++ }
	tree && lines == max { print "  ... (the whole tree: ms_print on a massif.out of your own)"; lines++ }
' "$work/ms.txt"
ref_peak=$(jq -r '.metrics[] | select(.name == "peak_heap") | .reference // empty' "$report")
[ -n "$ref_peak" ] && printf '  the reference peaks at %s B\n' "$ref_peak"
echo
echo "next: the biggest ratio above is where to look; make report LESSON=$LESSON_ID draws it"

# }===
