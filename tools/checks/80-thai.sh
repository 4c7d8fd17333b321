# shellcheck shell=bash
# tools/checks/80-thai.sh: the course in Thai.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).
# {=== the course in Thai (issue 20): every English teaching file has a Thai counterpart that
# check_translation.sh finds in step with it, that check can fail, and the student tools speak
# Thai when COURSE_LANG=th or the locale asks for it ===}

check "translations-match-the-english" tools/check_translation.sh

# translation_scratch NAME: a folder with check_translation.sh and lesson 04's README.md beside a
# "translation" that is the English itself with the Thai link line: the rules hold for it, so
# each case changes one thing and expects the one failure. Built here, so the check does not
# depend on the Thai text of the day.
translation_scratch() {
	local d
	d=$(student_scratch "translation-$1") || return 1
	mkdir -p "$d/tools" "$d/lessons/04-lock-free" &&
		cp tools/check_translation.sh "$d/tools/" &&
		cp lessons/04-lock-free/README.md "$d/lessons/04-lock-free/" &&
		{ echo '[English](README.md) · ภาษาไทย'; tail -n +2 lessons/04-lock-free/README.md; } \
			>"$d/lessons/04-lock-free/README.th.md" && echo "$d"
}

# expect_translation_failure DIR WHAT REGEX: check_translation.sh on DIR exits 1 with a line
# matching REGEX
expect_translation_failure() {
	local rc
	(cd "$1" && tools/check_translation.sh lessons/04-lock-free/README.md) >"$1/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] || { echo "$2: want exit 1, got $rc:"; sed 's/^/  | /' "$1/out"; return 1; }
	expect_line "$1/out" "$3" "$2"
}

translation_check_can_fail() {
	local d row section
	d=$(translation_scratch same) || return 1
	(cd "$d" && tools/check_translation.sh lessons/04-lock-free/README.md) ||
		{ echo "the English with a Thai link line must pass"; return 1; }
	# one number in the first table row that has a number; its section is the heading above it
	d=$(translation_scratch number) || return 1
	row=$(grep -n '^|.*| [0-9]' "$d/lessons/04-lock-free/README.th.md" | head -n 1 | cut -d: -f1)
	section=$(awk -v row="$row" '/^```/ { fenced = !fenced } !fenced && /^#+ / { h = $0 }
		NR == row { sub(/^#+ +/, "", h); print h; exit }' "$d/lessons/04-lock-free/README.th.md")
	sed -i "${row}s/| \([0-9]\)/| 9\1/" "$d/lessons/04-lock-free/README.th.md"
	expect_translation_failure "$d" 'a changed table number named with its line and section' \
		"^FAIL  lessons/04-lock-free/README.th.md:$row: section \"$section\" .*table row differs" ||
		return 1
	# a heading the English does not have
	d=$(translation_scratch heading) || return 1
	sed -i '0,/^## /s/^## /## An extra section\n\n## /' "$d/lessons/04-lock-free/README.th.md"
	expect_translation_failure "$d" 'a heading added' 'English: [0-9]+ headings.*Thai: [0-9]+ headings' ||
		return 1
	# one byte of a code block
	d=$(translation_scratch code) || return 1
	sed -i '0,/^make /s/^make /make  /' "$d/lessons/04-lock-free/README.th.md"
	expect_translation_failure "$d" 'a changed code line' 'code block line differs' || return 1
	# a missing counterpart
	d=$(translation_scratch missing) || return 1
	rm "$d/lessons/04-lock-free/README.th.md"
	expect_translation_failure "$d" 'a missing Thai file' 'README.th.md: missing' || return 1
	# a translated '## Hint N' heading: hint.sh would not find the hint
	d=$(translation_scratch hints) || return 1
	printf '[English](hints.md) · ภาษาไทย\n\n## คำใบ้ 1\n\nx\n' >"$d/lessons/04-lock-free/hints.th.md"
	printf 'English · [ภาษาไทย](hints.th.md)\n\n## Hint 1\n\nx\n' >"$d/lessons/04-lock-free/hints.md"
	(cd "$d" && tools/check_translation.sh lessons/04-lock-free/hints.md) >"$d/out" 2>&1 &&
		{ echo "a translated Hint heading must fail"; return 1; }
	expect_line "$d/out" "0 '## Hint N' sections" 'the hint count named'
}
check "translation-check-fails-naming-file-and-section" translation_check_can_fail

student_hint_speaks_thai() { # the Thai hint under COURSE_LANG=th and a Thai locale, English else
	local d want
	d=$(student_scratch hint-thai) || return 1
	want=$(awk '/^## Hint 1/ { on = 1; next } on && NF { print; exit }' lessons/04-lock-free/hints.th.md)
	COURSE_STATE=$d COURSE_LANG=th make -s --no-print-directory hint LESSON=04 >"$d/th" 2>&1 ||
		{ cat "$d/th"; return 1; }
	expect_line "$d/th" '^คำใบ้ 1 จาก [0-9]+ \(บทที่ 04 · ' 'the Thai heading of hint 1' &&
		grep -qF -- "$want" "$d/th" || { echo "want hint 1 of hints.th.md: $want"; cat "$d/th"; return 1; }
	COURSE_STATE=$d LANG=th_TH.UTF-8 COURSE_LANG='' LC_ALL='' LC_MESSAGES='' \
		tools/student/hint.sh 04 >"$d/locale" 2>&1 &&
		expect_line "$d/locale" '^คำใบ้ 2 จาก ' 'a Thai locale to show the Thai hint 2' || return 1
	COURSE_STATE=$d LANG=th_TH.UTF-8 COURSE_LANG=en tools/student/hint.sh 04 >"$d/en" 2>&1 &&
		expect_line "$d/en" '^Hint 3 of ' 'COURSE_LANG=en to keep English in a Thai locale'
}
check "student-hint-speaks-thai" student_hint_speaks_thai

student_help_thai_titles() { # make help: lesson.ini's title_th under COURSE_LANG=th, as env or argument
	local d dir id title
	d=$(student_scratch help-thai) || return 1
	COURSE_LANG=th make -s --no-print-directory help >"$d/env" 2>&1 &&
		make -s --no-print-directory help COURSE_LANG=th >"$d/arg" 2>&1 &&
		make -s --no-print-directory help >"$d/en" 2>&1 || { cat "$d/env" "$d/arg"; return 1; }
	for dir in lessons/[0-9][0-9]-*/; do
		id=$(basename "$dir" | cut -c1-2)
		title=$(ini_get "$dir/lesson.ini" lesson.title_th)
		[ -n "$title" ] || { echo "$dir/lesson.ini: no title_th"; return 1; }
		grep -qF "  lesson$id  $title" "$d/env" && grep -qF "  lesson$id  $title" "$d/arg" ||
			{ echo "want 'lesson$id  $title' in make help under COURSE_LANG=th"; cat "$d/env"; return 1; }
		grep -qF "  lesson$id  $(ini_get "$dir/lesson.ini" lesson.title)" "$d/en" ||
			{ echo "want lesson $id's English title without COURSE_LANG"; return 1; }
	done
}
check "student-help-shows-thai-lesson-titles" student_help_thai_titles

# A test's `see README "Section"` becomes the Thai README's section at the same position, and
# stays as it is in English. The READMEs are fixtures, so the check does not wait on the text.
student_readme_pointers_follow_the_language() {
	local d
	d=$(student_scratch pointers) || return 1
	printf 'English · [ภาษาไทย](README.th.md)\n\n# 04 · X\n\n## Intro\n\n```sh\n# not a heading\n```\n\n## What'"'"'s slow\n\n### ABA, and the stack\n' \
		>"$d/README.md"
	printf '[English](README.md) · ภาษาไทย\n\n# 04 · X\n\n## บทนำ\n\n```sh\n# not a heading\n```\n\n## อะไรที่ช้า\n\n### ABA และ stack\n' \
		>"$d/README.th.md"
	local line='budget::x: 5 (budget: 0) — see README "What'"'"'s slow"; (README "Intro") README "Nowhere" README "ABA"'
	printf '%s\n' "$line" | COURSE_LANG=th tools/student/readme_pointers.sh "$d" >"$d/th" &&
		printf '%s\n' "$line" | COURSE_LANG=en tools/student/readme_pointers.sh "$d" >"$d/en" || return 1
	expect_line "$d/th" '— ดู README\.th\.md "อะไรที่ช้า"; \(README\.th\.md "บทนำ"\) README\.th\.md "Nowhere" README\.th\.md "ABA และ stack"$' \
		'each pointer to the Thai section at the same position, a heading named by its first words too' &&
		[ "$(cat "$d/en")" = "$line" ] || { echo "want the English output unchanged:"; cat "$d/en"; return 1; }
}
check "student-readme-pointers-follow-the-language" student_readme_pointers_follow_the_language

# make lessonNN in Thai: run_lesson.sh sends the suites' output through readme_pointers.sh and
# keeps their exit status. Fake suites that print a budget failure stand in for a lesson's.
student_run_lesson_points_to_thai() {
	local d rc
	d=$(student_scratch run-lesson-thai) || return 1
	mkdir -p "$d/lesson" "$d/reference" || return 1
	printf '# 01 · X\n\n## Pre-sizing\n' >"$d/lesson/README.md"
	printf '# 01 · X\n\n## จองขนาดล่วงหน้า\n' >"$d/lesson/README.th.md"
	printf '#!/bin/sh\necho "budget::allocations: 9 (budget: 2) — see README \\"Pre-sizing\\""\nexit 1\n' \
		>"$d/reference/test"
	printf '#!/bin/sh\nexit 0\n' >"$d/reference/test-asan"
	chmod +x "$d/reference/test" "$d/reference/test-asan"
	COURSE_LANG=th tools/run_lesson.sh "$d/lesson" "$d/reference" env >"$d/th" 2>&1
	rc=$?
	[ $rc -eq 1 ] || { echo "want exit 1 from a failing suite, got $rc"; cat "$d/th"; return 1; }
	expect_line "$d/th" '— ดู README\.th\.md "จองขนาดล่วงหน้า"$' 'the budget line pointing to the Thai section' &&
		expect_line "$d/th" 'README\.th\.md$' 'the closing line naming README.th.md' || return 1
	COURSE_LANG=en tools/run_lesson.sh "$d/lesson" "$d/reference" env >"$d/en" 2>&1
	expect_line "$d/en" '— see README "Pre-sizing"$' 'the English line unchanged'
}
check "student-run-lesson-points-to-the-thai-readme" student_run_lesson_points_to_thai
