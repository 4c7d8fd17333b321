#!/bin/sh
# run_lesson.sh: what `make lessonNN` runs once the binaries are built: every suite in the
# normal (count) build, then the correct and task suites under ASan+UBSan. Exit 0 iff all pass.
# usage: tools/run_lesson.sh LESSON_DIR BUILD_DIR 'SANITIZER_RUN' [criterion flags...]
# Results: Criterion's TAP and JSON beside the binaries (tests.tap, tests.json, tests-asan.*);
# for the student's own code also in $COURSE_STATE (default .course/) as NN-tests.json,
# NN-tests.tap, NN-tests-asan.json and NN-tests-asan.tap, which `make progress`, `make watch`
# and the help's next step read. The tools read the TAP: Criterion 2.4.1's JSON leaves quotes
# inside messages unescaped.
set -u
lesson_dir=$1 out=$2 sanitizer_run=$3
shift 3
status=0
lang=$("$(dirname "$0")/course_lang.sh")
# run_tests CMD...: runs a test binary; when the tools speak Thai its output goes through
# readme_pointers.sh, which points `see README "Section"` to the Thai README's section.
run_tests() {
	[ "$lang" = th ] || { "$@"; return; }
	{ "$@" 2>&1; echo $? >"$out/tests.rc"; } | "$(dirname "$0")/student/readme_pointers.sh" "$lesson_dir"
	rc=$(cat "$out/tests.rc")
	rm -f "$out/tests.rc"
	return "$rc"
}
rm -f "$out/tests.tap" "$out/tests.json" "$out/tests-asan.tap" "$out/tests-asan.json"

printf '\n== %s: every suite (%s) ==\n' "$lesson_dir" "$out/test"
# Criterion prints nothing for a passing test: say why the first run after an edit is slower.
printf '   (budget tests run the bench under Valgrind: a few seconds after each change)\n'
# a last-resort bound: the suites time out their own tests, Valgrind runs have their own limit
run_tests timeout -k 5 900 "$out/test" --tap="$out/tests.tap" --json="$out/tests.json" "$@" || status=1
printf '\n== %s: correct and task suites under AddressSanitizer + UBSan ==\n' "$lesson_dir"
# shellcheck disable=SC2086 # sanitizer_run is a command with its arguments
run_tests timeout -k 5 900 $sanitizer_run "$out/test-asan" --filter '@(correct|task)/*' \
	--tap="$out/tests-asan.tap" --json="$out/tests-asan.json" "$@" || status=1

# The cmocka gates, when the lesson has them (tools/lesson.mk): data races under ThreadSanitizer
# (Criterion aborts under TSan) and allocation-failure injection. The source decides, not a
# binary a removed race_test.c may have left in the build folder.
if [ -f "$lesson_dir/race_test.c" ] && [ -x "$out/race" ]; then
	printf '\n== %s: data-race tests under ThreadSanitizer (%s) ==\n' "$lesson_dir" "$out/race"
	# shellcheck disable=SC2086
	TSAN_OPTIONS='halt_on_error=1 exitcode=66 second_deadlock_stack=1' \
		timeout -k 5 300 $sanitizer_run "$out/race" || status=1
fi
if [ -f "$lesson_dir/alloc_fail_test.c" ] && [ -x "$out/alloc-fail" ]; then
	printf '\n== %s: allocation-failure tests (%s) ==\n' "$lesson_dir" "$out/alloc-fail"
	timeout -k 5 300 "$out/alloc-fail" || status=1
fi

# The grader's static checks (refused symbols, static data, asm, start-up code) on the student's
# own code, so a refusal shows up here and not first in make grade. GRADE is the grader binary
# (the Makefile passes it); IMPL=reference or skeleton is the course's own code. GRADE_IMPL, a
# file or folder, is checked instead of the lesson folder's files (the course's own tests).
if [ "$(basename "$out")" = student ] && [ -x "${GRADE:-}" ]; then
	id=$(basename "$lesson_dir" | cut -c1-2)
	printf '\n== %s: the static checks of make grade ==\n' "$lesson_dir"
	"$GRADE" --lesson "$id" --static-only --quiet ${GRADE_IMPL:+--impl "$GRADE_IMPL"} || status=1
fi

# Only the student's own code is the student's progress (not IMPL=reference or skeleton).
if [ "$(basename "$out")" = student ]; then
	state=${COURSE_STATE:-.course}
	id=$(basename "$lesson_dir" | cut -c1-2)
	mkdir -p "$state" &&
		for f in tests.tap tests.json tests-asan.tap tests-asan.json; do
			rm -f "$state/$id-$f"
			[ -f "$out/$f" ] && cp "$out/$f" "$state/$id-$f"
		done
fi

if [ $status -ne 0 ] && [ "$lang" = th ]; then
	readme=README.th.md
	[ -f "$lesson_dir/$readme" ] || readme=README.md
	printf '\n%s: มีเทสต์ที่ยังไม่ผ่าน (ดูด้านบน) บรรทัดของ budget บอกว่าควรอ่านส่วนไหนต่อใน %s/%s\n' \
		"$lesson_dir" "$lesson_dir" "$readme"
	printf 'ติดอยู่? make hint แสดงคำใบ้ทีละข้อ ส่วน make watch จะรันเทสต์ใหม่ทุกครั้งที่คุณบันทึกไฟล์\n'
elif [ $status -ne 0 ]; then
	printf '\n%s: some tests fail (above). The budget lines say what to read next in %s/README.md\n' \
		"$lesson_dir" "$lesson_dir"
	printf 'Stuck? make hint shows a hint; make watch reruns the tests whenever you save.\n'
else
	printf '\n%s: every suite passes. Next: make grade\n' "$lesson_dir"
fi
exit $status
