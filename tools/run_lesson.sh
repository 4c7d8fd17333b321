#!/bin/sh
# run_lesson.sh: what `make lessonNN` runs once the binaries are built: every suite in the
# normal (count) build, then the correct and task suites under ASan+UBSan. Exit 0 iff all pass.
# usage: tools/run_lesson.sh LESSON_DIR BUILD_DIR 'SANITIZER_RUN' [criterion flags...]
set -u
lesson_dir=$1 out=$2 sanitizer_run=$3
shift 3
status=0
printf '\n== %s: every suite (%s) ==\n' "$lesson_dir" "$out/test"
# a last-resort bound: the suites time out their own tests, Valgrind runs have their own limit
timeout -k 5 900 "$out/test" "$@" || status=1
printf '\n== %s: correct and task suites under AddressSanitizer + UBSan ==\n' "$lesson_dir"
# shellcheck disable=SC2086 # sanitizer_run is a command with its arguments
timeout -k 5 900 $sanitizer_run "$out/test-asan" --filter '@(correct|task)/*' "$@" || status=1
if [ $status -ne 0 ]; then
	printf '\n%s: some tests fail (above). The budget lines say what to read next in %s/README.md\n' \
		"$lesson_dir" "$lesson_dir"
else
	printf '\n%s: every suite passes. Next: make grade\n' "$lesson_dir"
fi
exit $status
