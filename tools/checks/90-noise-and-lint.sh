# shellcheck shell=bash
# tools/checks/90-noise-and-lint.sh: noise and the course's code style.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).
# {=== noise: the short version of `make test-noise` (issue 17). Lesson 09, with two CPU hogs
# and a memory hog running: its partial twice (inside partial_band, within 5 points of each
# other) and its reference doing the work twice, once (measured about 2x, never full wall
# points). About 30 s. Not named grade_*: the check holds the wall lock shared, so no timing that
# needs the machine alone runs beside its hogs; lesson 09 compares CPU time, which needs no
# exclusive hold, so its own gradings never wait for it. ===}

noise_short() {
	NOISE_WORK=build/test/noise-short LESSONS=09 CONDITIONS=loaded RUNS=2 SLOW_RUNS=1 \
		tools/test_noise.sh
}
check "grader-noise-short-lesson09-loaded" noise_short

# the course's own code style, as make lint checks it (tools/lint.sh): .shellcheckrc's checks on
# every shell script, .clang-format on every C file
check "lint-shell-scripts-pass-shellcheck" tools/lint.sh shell
check "lint-c-files-follow-clang-format" tools/lint.sh c
