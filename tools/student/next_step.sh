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
	step=$(say 'make lesson%s, then read %s' 'make lesson%s แล้วอ่าน %s' "$first" \
		"$(in_course_lang "$(ls -d lessons/"$first"-* 2>/dev/null | head -n 1)/README.md")")
else
	lesson_state "$last"
	following=$(lesson_ids | awk -v id="$last" 'found { print; exit } $0 == id { found = 1 }')
	if [ "$LS_TESTS" = none ]; then
		step="make lesson$last"
	elif [ "$LS_STALE" = 1 ]; then
		step=$(say 'make lesson%s (your file changed since its last run)' \
			'make lesson%s (ไฟล์ของคุณเปลี่ยนไปหลังการรันครั้งล่าสุด)' "$last")
	elif [ "$LS_TESTS" = fail ]; then
		step=$(say 'make lesson%s until every suite passes (stuck? make hint LESSON=%s)' \
			'make lesson%s จนผ่านทุก suite (ติดอยู่? make hint LESSON=%s)' "$last" "$last")
	elif [ "$LS_GRADE" = none ] || [ "$STATE/$last-tests.tap" -nt "$STATE/$last-grade.json" ]; then
		step=$(say 'make grade (lesson %s passes every suite)' 'make grade (บทที่ %s ผ่านทุก suite แล้ว)' "$last")
	elif [ "$LS_STATUS" = graded ] && awk -v s="$LS_GRADE" 'BEGIN { exit !(s >= 95) }'; then
		if [ -n "$following" ]; then
			step=$(say 'make lesson%s (lesson %s scored %s)' 'make lesson%s (บทที่ %s ได้ %s)' \
				"$following" "$last" "$LS_GRADE")
		else
			step=$(say 'make progress (lesson %s scored %s: the last lesson)' \
				'make progress (บทที่ %s ได้ %s: บทสุดท้ายแล้ว)' "$last" "$LS_GRADE")
		fi
	else
		step=$(say 'make compare LESSON=%s shows where lesson %s loses points (score %s)' \
			'make compare LESSON=%s แสดงว่าบทที่ %s เสียแต้มตรงไหน (คะแนน %s)' "$last" "$last" "$LS_GRADE")
		[ -n "$following" ] && step="$step$(say '; or go on: make lesson%s' '; หรือไปต่อ: make lesson%s' "$following")"
	fi
fi

if [ "${1:-}" = --short ]; then
	echo "$step"
else
	say 'Next step: %s\n' 'ขั้นถัดไป: %s\n' "$step"
fi
