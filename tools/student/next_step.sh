#!/bin/bash
# next_step.sh: the next step for whoever types `make` with no target, from what they did last:
# nothing built yet: make lesson01; the last lesson failing: make lessonNN, make hint; passing:
# make grade; graded well: the next lesson. It only reads files (build/last-lesson, .course/).
# usage: tools/student/next_step.sh [--short]   (--short: the step alone, no "Next step:")
set -u
. "$(dirname "$0")/common.sh"

# the lesson worked on last: build/last-lesson, else (after make clean) the newest results
last=$(cat "$BUILD/last-lesson" 2>/dev/null)
if [ -z "$last" ]; then
	# shellcheck disable=SC2012 # NN-tests.tap names, newest first
	newest=$(ls -t "$STATE"/[0-9][0-9]-tests.tap 2>/dev/null | head -n 1)
	[ -n "$newest" ] && last=$(basename "$newest" | cut -c1-2)
fi

if [ -z "$last" ] || [ -z "$(ls -d lessons/"$last"-* 2>/dev/null)" ]; then
	first=$(lesson_ids | head -n 1)
	first=${first:-01}
	# shellcheck disable=SC2012 # lesson folders are named NN-slug
	step="make lesson$first, then read $(in_course_lang "$(ls -d lessons/"$first"-* 2>/dev/null | head -n 1)/README.md")"
else
	lesson_state "$last"
	following=$(lesson_ids | awk -v id="$last" 'found { print; exit } $0 == id { found = 1 }')
	if [ "$LS_TESTS" = none ]; then
		step="make lesson$last"
	elif [ "$LS_STALE" = 1 ]; then
		step="make lesson$last (your file changed since its last run)"
	elif [ "$LS_TESTS" = fail ]; then
		step="make lesson$last until every suite passes (stuck? make hint LESSON=$last)"
	elif [ "$LS_GRADE" = none ] || [ "$STATE/$last-tests.tap" -nt "$STATE/$last-grade.json" ]; then
		step="make grade (lesson $last passes every suite)"
	elif [ "$LS_STATUS" = graded ] && awk -v s="$LS_GRADE" 'BEGIN { exit !(s >= 95) }'; then
		step=${following:+make lesson$following (lesson $last scored $LS_GRADE)}
		step=${step:-make progress (lesson $last scored $LS_GRADE: the last lesson)}
	else
		step="make compare LESSON=$last shows where lesson $last loses points (score $LS_GRADE)"
		[ -n "$following" ] && step="$step; or go on: make lesson$following"
	fi
fi

if [ "${1:-}" = --short ]; then
	echo "$step"
else
	echo "Next step: $step"
fi
