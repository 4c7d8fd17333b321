# shellcheck shell=bash
# tools/checks/10-bad-submissions.sh: bad submissions and bad command lines, each of which must
# give a clear status and reason (or exit 2), never hang, never score.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).
bad=grader/tests/submissions/01
check "grader-missing-file-is-build-failed" grade_expect_status 01 build_failed 'missing student file' \
	--impl "$bad/no_such_file.c"
check "grader-compile-error-is-build-failed" grade_expect_status 01 build_failed 'build failed' \
	--impl "$bad/compile_error.c"
check "grader-crash-names-the-signal" grade_expect_status 01 crashed 'SIGSEGV' --impl "$bad/crash.c"
check "grader-wrong-output-is-tests-failed" grade_expect_status 01 tests_failed 'tests fail' \
	--impl "$bad/wrong.c"
check "grader-endless-loop-is-timed-out" grade_expect_status 01 timed_out 'timed out' \
	--impl "$bad/hang.c"
check "grader-symlink-is-refused" grade_expect_status 01 build_failed 'symbolic link' \
	--impl build/test/symlink/logfmt.c
check "grader-unknown-option-exits-2" grade_usage_error --lesson 01 --bogus
check "grader-unknown-lesson-exits-2" grade_usage_error --lesson 77
check "grader-missing-lesson-exits-2" grade_usage_error --format json
mkdir -p build/test/symlink
ln -sf "$PWD/solutions/01-zero-allocation/logfmt.c" build/test/symlink/logfmt.c
