#!/bin/bash
# edition_test.sh: `make test` of the student edition (make dist-student), which has no solution
# sources, so tools/course_test.sh's checks of partial solutions, cheats and racy variants cannot
# run there. These are the checks that mean something to a student, in under 5 minutes on two
# cores:
#   toolchain                 make doctor: compiler, Valgrind, Criterion, cmocka, sanitizers
#   lessonNN-skeleton-...     the untouched skeleton builds and fails a budget test
#   lessonNN-reference-...    the shipped reference objects pass every suite (ASan+UBSan, the
#                             race and alloc-fail gates) and grade >= 95 (build/grade --reference,
#                             --no-wall: counts only, the wall-time runs would take minutes)
#   tools-...                 hint, progress, next step, compare (with the reference's column
#                             filled), the HTML report, reset and watch run, on state of their own
#   readme-commands           every command README.md, course.md and the lesson READMEs show
#                             (tools/check_readme_commands.sh)
# Results never touch your own .course/ or your lesson files. LESSONS="01 04" limits the lesson
# checks; logs go to build/test/edition/logs/. Ends with "N passed, N failed"; exit 0 iff all pass.
set -u
cd "$(dirname "$0")/.." || exit 2
# shellcheck source=tools/json_holds.sh
. tools/json_holds.sh

JOBS=${JOBS:-2}
OUT=build/test/edition
LOGS=$OUT/logs
RESULTS=$OUT/results
GRADE=build/grade
SANITIZER_RUN="setarch $(uname -m) -R"
rm -rf "$OUT"
mkdir -p "$LOGS" "$RESULTS"
export COURSE_STATE=$PWD/$OUT/state # the tools' state, never the student's .course/

# {=== checks: each a function returning 0 for pass; its output goes to its log ===}

skeleton_fails_a_budget() { # skeleton_fails_a_budget NN
	local tap=$RESULTS/$1-skeleton-budget.tap
	if "build/lessons/$1/skeleton/test" --filter 'budget/*' --tap="$tap"; then
		echo "want a failing budget test on the skeleton, but every budget test passed"
		return 1
	fi
	cat "$tap"
	grep -q '^not ok - budget::' "$tap" || { echo "no budget test failed (an error instead?)"; return 1; }
}

reference_passes_every_suite() { # reference_passes_every_suite NN LESSON_DIR
	local bin=build/lessons/$1/reference
	"$bin/test" && $SANITIZER_RUN "$bin/test-asan" --filter '@(correct|task)/*' || return 1
	if [ -f "$2/race_test.c" ]; then
		TSAN_OPTIONS='halt_on_error=1 exitcode=66' $SANITIZER_RUN "$bin/race" || return 1
	fi
	if [ -f "$2/alloc_fail_test.c" ]; then
		"$bin/alloc-fail" || return 1
	fi
}

reference_grades_95() { # reference_grades_95 NN
	local json=$RESULTS/$1-reference.json
	"$GRADE" --lesson "$1" --reference --no-wall --format json >"$json"
	local rc=$?
	cat "$json"
	[ $rc -eq 0 ] && json_holds '.status == "graded" and .score >= 95' "$json" >/dev/null ||
		{ echo "want the shipped reference graded with a score >= 95"; return 1; }
}

# a copy of lesson 01's student file and skeleton with the tools, for the tools that write
sandbox() { # sandbox NAME: prints the folder (its build/grade, which reads lesson.ini, is ours)
	local d=$PWD/$OUT/sandbox-$1
	mkdir -p "$d/tools" "$d/lessons" "$d/solutions/01-zero-allocation" "$d/build" || return 1
	ln -sf "$PWD/build/grade" "$d/build/grade" &&
		cp -r tools/student tools/course_lang.sh tools/lesson_id.sh "$d/tools/" && cp -r lessons/01-zero-allocation "$d/lessons/" &&
		cp -r solutions/01-zero-allocation/skeleton "$d/solutions/01-zero-allocation/" &&
		cp solutions/01-zero-allocation/skeleton/* "$d/lessons/01-zero-allocation/" &&
		echo "$d"
}

tools_hint_progress_next_step() {
	tools/student/hint.sh 01 | tee "$RESULTS/hint.out" && grep -q '^Hint 1 of ' "$RESULTS/hint.out" ||
		{ echo "want make hint to show hint 1"; return 1; }
	tools/student/progress.sh | tee "$RESULTS/progress.out" &&
		grep -q "^01 " "$RESULTS/progress.out" || { echo "want lesson 01's row"; return 1; }
	grep -qxF "Next: $(tools/student/next_step.sh --short)" "$RESULTS/progress.out" ||
		{ echo "want progress's Next: to be next_step.sh's"; return 1; }
}

tools_compare_has_the_reference_column() { # the shipped reference names its functions
	IMPL=skeleton tools/student/compare.sh 01 | tee "$RESULTS/compare.out" || return 1
	grep -Eq '^  logfmt_render +[0-9.]+M +[0-9.]+M +[0-9.]+x' "$RESULTS/compare.out" ||
		{ echo "want logfmt_render's instructions, yours and the reference's"; return 1; }
}

tools_html_report() {
	"$GRADE" --lesson 01 --impl solutions/01-zero-allocation/skeleton --no-wall --format html \
		>"$RESULTS/report.html" || return 1
	grep -c '<svg' "$RESULTS/report.html"
	grep -q 'class="metric-chart"' "$RESULTS/report.html" || { echo "want metric charts"; return 1; }
	grep -q '>reference [0-9]' "$RESULTS/report.html" ||
		{ echo "want the reference's value beside a hot function"; return 1; }
}

tools_reset_and_watch() { # on a sandbox: reset backs up and restores, watch --once runs
	local s f
	s=$(sandbox reset) || return 1
	f=$s/lessons/01-zero-allocation/logfmt.c
	echo '/* my work */' >>"$f"
	COURSE_STATE=$s/.course "$s/tools/student/reset.sh" 01 || return 1
	cmp -s "$f" "$s/solutions/01-zero-allocation/skeleton/logfmt.c" ||
		{ echo "want the skeleton back"; return 1; }
	grep -rq 'my work' "$s/.course/backup/" || { echo "want the file backed up"; return 1; }
	# watch --once runs the suites of the reference build: all pass, exit 0
	IMPL=reference tools/student/watch.sh --once 01 | tee "$RESULTS/watch.out"
}

# }===

# shellcheck source=tools/check_runner.sh
. tools/check_runner.sh

check toolchain tools/student/doctor.sh
for dir in lessons/[0-9][0-9]-*/; do
	dir=${dir%/}
	id=${dir#lessons/}
	id=${id%%-*}
	[ -n "${LESSONS:-}" ] && case " $LESSONS " in *" $id "*) ;; *) continue ;; esac
	check "lesson$id-skeleton-fails-a-budget" skeleton_fails_a_budget "$id"
	check "lesson$id-reference-passes-every-suite" reference_passes_every_suite "$id" "$dir"
	check "lesson$id-reference-grades-95" reference_grades_95 "$id"
done
check tools-hint-progress-next-step tools_hint_progress_next_step
check tools-compare-has-the-reference-column tools_compare_has_the_reference_column
check tools-html-report tools_html_report
check tools-reset-and-watch tools_reset_and_watch
check readme-commands tools/check_readme_commands.sh

run_checks "edition tests"
