# shellcheck shell=bash
# tools/checks/20-student-tools.sh: the self-learner tools (tools/student/) and the student's
# reports.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).
# {=== self-learner tools (tools/student/): hint, watch, progress, next step, reset, compare,
# doctor, the HTML report, the dev container. They run on fixtures (tools/student/tests/) with
# their state in build/test/student/, never in a student's own .course/ or build/last-lesson:
# tools that read build/last-lesson run in a sandbox copy of the course ===}

STUDENT_FIXTURES=tools/student/tests

student_scratch() { # student_scratch NAME: prints a fresh, empty folder build/test/student/NAME
	local d=build/test/student/$1
	rm -rf "$d" && mkdir -p "$d" && echo "$d"
}

# student_sandbox NAME: prints a folder holding a small copy of the course (the student tools,
# lesson 01's lesson.ini and student file, its skeleton) with a build/ and .course/ of its own;
# build/grade is the course's, which reads lesson.ini for the tools.
student_sandbox() {
	local d
	d=$(student_scratch "$1")/course || return 1
	mkdir -p "$d/tools" "$d/lessons/01-zero-allocation" "$d/solutions/01-zero-allocation/skeleton" \
		"$d/build" || return 1
	# the student tools and the scripts they call (the language, the lesson number)
	cp -r tools/student tools/course_lang.sh tools/lesson_id.sh "$d/tools/" &&
		ln -s "$PWD/build/grade" "$d/build/grade" &&
		cp lessons/01-zero-allocation/lesson.ini "$d/lessons/01-zero-allocation/" &&
		cp solutions/01-zero-allocation/skeleton/logfmt.c "$d/lessons/01-zero-allocation/" &&
		cp solutions/01-zero-allocation/skeleton/logfmt.c "$d/solutions/01-zero-allocation/skeleton/" &&
		touch -d '1 hour ago' "$d/lessons/01-zero-allocation/logfmt.c" && echo "$d"
}

expect_line() { # expect_line FILE REGEX WHAT: fails, showing FILE, unless a line matches REGEX
	grep -Eq -- "$2" "$1" && return 0
	echo "want $3: no line of $1 matches /$2/; it holds:"
	sed 's/^/  | /' "$1"
	return 1
}

expect_no_line() { # expect_no_line FILE REGEX WHAT
	grep -Eq -- "$2" "$1" || return 0
	echo "want $3: $1 has a line matching /$2/:"
	grep -E -- "$2" "$1" | sed 's/^/  | /'
	return 1
}

student_hint_one_per_call() { # the fixture's three hints, one per call, then "all shown"
	local d i
	d=$(student_scratch hint) || return 1
	for i in 1 2 3 4; do
		COURSE_STATE=$d HINTS_FILE=$STUDENT_FIXTURES/hints.md tools/student/hint.sh 01 \
			>"$d/call$i" 2>&1 || { echo "call $i exited non-zero"; cat "$d/call$i"; return 1; }
	done
	expect_line "$d/call1" '^Hint 1 of 3 ' 'the first call to show hint 1 of 3' &&
		expect_line "$d/call1" '^Measure first' "hint 1's text" &&
		expect_no_line "$d/call1" 'asprintf|doubling|never shown' 'only hint 1 in the first call' &&
		expect_line "$d/call2" '^Hint 2 of 3 ' 'the second call to show hint 2' &&
		expect_line "$d/call2" '^Count them per record' "every line of hint 2" &&
		expect_line "$d/call3" '^Hint 3 of 3 ' 'the third call to show hint 3' &&
		expect_line "$d/call3" 'last hint' 'the third call to say it was the last' &&
		expect_line "$d/call4" 'all 3 hints shown' 'the fourth call to say all are shown' ||
		return 1
	[ "$(cat "$d/01-hints")" = 3 ] || { echo "want 3 in $d/01-hints (hints seen)"; return 1; }
}

student_hint_refuses_bad_lessons() { # exit 1 and `hint: ...` for a bad or missing lesson
	local d
	d=$(student_scratch hint-errors) || return 1
	! COURSE_STATE=$d tools/student/hint.sh 77 >"$d/77" 2>&1 &&
		expect_line "$d/77" '^hint: no lesson 77' 'an error naming lesson 77' &&
		! COURSE_STATE=$d tools/student/hint.sh x1 >"$d/x1" 2>&1 &&
		expect_line "$d/x1" '^hint: not a lesson number' 'an error for x1' &&
		! COURSE_STATE=$d HINTS_FILE=$d/none.md tools/student/hint.sh 01 >"$d/none" 2>&1 &&
		expect_line "$d/none" '^hint: lesson 01: no hints yet' 'an error for a missing hints.md'
}

student_lesson_hints_are_well_formed() { # every lessons/*/hints.md: 4 to 6 `## Hint N` per student file (at least 4)
	local d dir id n files found=0
	d=$(student_scratch hints-real) || return 1
	for dir in lessons/[0-9][0-9]-*/; do
		[ -f "$dir/hints.md" ] || continue
		found=1
		id=$(basename "$dir" | cut -c1-2)
		n=$(grep -c '^## Hint [0-9]' "$dir/hints.md")
		COURSE_STATE=$d tools/student/hint.sh "$id" >"$d/$id" 2>&1 || { cat "$d/$id"; return 1; }
		expect_line "$d/$id" "^Hint 1 of $n " "lesson $id's first hint" || return 1
		# up to 6 per student file: the capstone's two cases have a set each
		files=$(ini_get "$dir/lesson.ini" lesson.student_files | wc -w)
		[ "$n" -ge 4 ] && [ "$n" -le $((6 * files)) ] ||
			{ echo "$dir/hints.md: $n hints, want 4 to $((6 * files))"; return 1; }
		echo "lesson $id: $n hints"
		# the Thai hints: the same count (check_translation.sh), shown by the same script
		[ -f "$dir/hints.th.md" ] || continue
		COURSE_STATE=$d/th COURSE_LANG=th tools/student/hint.sh "$id" >"$d/$id.th" 2>&1 ||
			{ cat "$d/$id.th"; return 1; }
		expect_line "$d/$id.th" "^คำใบ้ 1 จาก $n " "lesson $id's first Thai hint" || return 1
	done
	[ $found = 1 ] || echo "no lesson has a hints.md yet"
}

# watch_in_tmux DIR MODE: make watch on the reference in tmux: the summary, a rerun when a file
# in the watched folder changes, h for a hint, q to quit. MODE: inotify or poll.
watch_in_tmux() {
	local d=$1 mode=$2 sock="nl-watch-$$-$2" pane="$1/pane-$2" i
	mkdir -p "$d/watched-$mode"
	local poll=0
	[ "$mode" = poll ] && poll=1
	TERM=xterm tmux -L "$sock" new-session -d -x 160 -y 60 \
		"env COURSE_STATE=$d/state-$mode IMPL=reference WATCH_PATHS=$d/watched-$mode \
		WATCH_POLL=$poll HINTS_FILE=$STUDENT_FIXTURES/hints.md tools/student/watch.sh 01; \
		echo WATCH-EXITED \$?; sleep 60" || { echo "tmux cannot start"; return 1; }
	wait_pane() { # wait_pane REGEX SECONDS
		for ((i = 0; i < $2 * 4; i++)); do
			tmux -L "$sock" capture-pane -p -t 0 >"$pane" 2>/dev/null
			grep -Eq -- "$1" "$pane" && return 0
			sleep 0.25
		done
		echo "$mode: waited $2 s for /$1/ on the screen; it shows:"
		sed 's/^/  | /' "$pane"
		return 1
	}
	local rc=0
	# the footer comes last: once it shows, the whole summary is on the screen
	{ wait_pane 'h: next hint' 90 &&
		expect_line "$pane" '^budgets ' 'the budget suite first' &&
		expect_line "$pane" 'every suite passes' 'the reference to pass' &&
		expect_line "$pane" "watching .*\\((inotify|polling every second)\\)" 'the watch mode' &&
		touch "$d/watched-$mode/logfmt.c" && wait_pane 'run 2 at' 90 && wait_pane 'h: next hint' 30 &&
		tmux -L "$sock" send-keys -t 0 h && wait_pane '^Hint 1 of 3 ' 20 &&
		tmux -L "$sock" send-keys -t 0 q && wait_pane '^WATCH-EXITED 0' 20; } || rc=1
	[ "$mode" = poll ] || [ $rc = 1 ] || expect_line "$pane" '\(inotify\)' 'inotify mode' || rc=1
	tmux -L "$sock" kill-server 2>/dev/null
	[ $rc = 0 ] && echo "$mode: the summary, a rerun on a change, h and q all work"
	return $rc
}

student_watch() { # --once on the skeleton and the reference, then the keys in tmux
	local d rc
	d=$(student_scratch watch) || return 1
	COURSE_STATE=$d/state IMPL=skeleton tools/student/watch.sh --once 01 >"$d/skeleton" 2>&1
	rc=$?
	cat "$d/skeleton"
	[ $rc -eq 1 ] || { echo "watch --once on the skeleton: want exit 1, got $rc"; return 1; }
	# line 1 is the header; the budget suite comes first, a failing budget test under it
	sed -n 2p "$d/skeleton" | grep -q '^budgets ' || { echo "want 'budgets' on line 2"; return 1; }
	awk '/^budgets /{b=NR} /^  FAIL /&&!f{f=NR} /^correct /{c=NR} /^asan\+ubsan /{a=NR}
		END { exit !(b && f > b && c > f && a > c) }' "$d/skeleton" ||
		{ echo "want budgets, a FAIL line, then correct, then asan+ubsan"; return 1; }
	COURSE_STATE=$d/state IMPL=reference tools/student/watch.sh --once 01 >"$d/reference" 2>&1 ||
		{ cat "$d/reference"; echo "watch --once on the reference: want exit 0"; return 1; }
	expect_line "$d/reference" 'every suite passes' 'the reference to pass' || return 1
	[ ! -e "$d/state" ] || { echo "the reference's and skeleton's results went to the state"; return 1; }
	if ! command -v tmux >/dev/null 2>&1; then
		echo "SKIP: the keys: tmux is not installed (make deps installs it)"
		return 0
	fi
	watch_in_tmux "$d" poll || return 1
	if command -v inotifywait >/dev/null 2>&1; then
		watch_in_tmux "$d" inotify
	else
		echo "SKIP: inotify mode: inotifywait is not installed (make deps installs inotify-tools)"
	fi
}

student_run_lesson_keeps_results() { # make lessonNN's runner copies the student's TAP and JSON
	local d f
	d=$(student_scratch run-lesson) || return 1
	COURSE_STATE=$d tools/run_lesson.sh lessons/01-zero-allocation build/lessons/01/student \
		"$SANITIZER_RUN" >"$d/log" 2>&1
	for f in 01-tests.tap 01-tests.json 01-tests-asan.tap 01-tests-asan.json; do
		[ -s "$d/$f" ] || { cat "$d/log"; echo "want $d/$f"; return 1; }
	done
	expect_line "$d/01-tests.tap" '^1\.\.[0-9]+$' 'a TAP plan' &&
		expect_line "$d/01-tests.tap" '^(not )?ok - budget::' 'budget results' &&
		expect_line "$d/01-tests-asan.tap" '^ok - correct::' 'sanitizer results'
}

make_lesson_runs_the_static_checks() { # make lessonNN says what make grade would refuse
	local d
	d=$(student_scratch run-lesson-static) || return 1
	COURSE_STATE=$d GRADE=$GRADE tools/run_lesson.sh lessons/01-zero-allocation \
		build/lessons/01/student "$SANITIZER_RUN" >"$d/pass.log" 2>&1
	expect_line "$d/pass.log" '^lesson 01: static checks pass' 'the static checks passing' || return 1
	if COURSE_STATE=$d GRADE=$GRADE GRADE_IMPL=grader/tests/submissions/01/calls_system.c \
		tools/run_lesson.sh lessons/01-zero-allocation build/lessons/01/student \
		"$SANITIZER_RUN" >"$d/refused.log" 2>&1; then
		echo "want a failing exit with a refused symbol"
		return 1
	fi
	expect_line "$d/refused.log" "static checks: refused: .*'system'" 'the refusal of system()'
}

# progress_row SANDBOX REGEX WHAT: the lesson 01 row of make progress in the sandbox
progress_row() {
	"$1/tools/student/progress.sh" >"$1/progress.out" 2>&1 || { cat "$1/progress.out"; return 1; }
	expect_line "$1/progress.out" "$2" "$3"
}

student_progress() { # every state of lesson 01 gives its row and next step, in under a second
	local s st f start ms
	s=$(student_sandbox progress) || return 1
	st=$s/.course
	progress_row "$s" '^01 +Zero allocation +- +- +- +- +make lesson01$' 'an untouched lesson' &&
		expect_line "$s/progress.out" '^Next: make lesson01, then read' 'the next step' || return 1
	mkdir -p "$st"
	cp "$STUDENT_FIXTURES/01-skeleton.tap" "$st/01-tests.tap"
	cp "$STUDENT_FIXTURES/01-skeleton-asan.tap" "$st/01-tests-asan.tap"
	cp "$STUDENT_FIXTURES/01-partial-grade.json" "$st/01-grade.json"
	echo 70.5 >"$st/01-best"
	touch -d '1 minute ago' "$st/01-grade.json"
	progress_row "$s" '^01 +Zero allocation +2/3 +1/4 +58\.2 +70\.5 +make lesson01; make hint LESSON=01$' \
		'the skeleton: correct and asan pass, 1 of 4 budgets, last 58.2, best 70.5' || return 1
	touch "$s/lessons/01-zero-allocation/logfmt.c"
	progress_row "$s" '^01 +Zero allocation +2/3\* ' 'a * once the file changed after the run' &&
		expect_line "$s/progress.out" '^\* your file changed' 'the footnote' || return 1
	touch -d '1 hour ago' "$s/lessons/01-zero-allocation/logfmt.c"
	cp "$STUDENT_FIXTURES/01-reference.tap" "$st/01-tests.tap"
	cp "$STUDENT_FIXTURES/01-reference-asan.tap" "$st/01-tests-asan.tap"
	progress_row "$s" '^01 .* 3/3 +4/4 .* make grade LESSON=01$' 'passing, graded before: grade' || return 1
	touch "$st/01-grade.json"
	progress_row "$s" '^01 .* 3/3 +4/4 +58\.2 +70\.5 +make compare LESSON=01$' 'graded 58.2: compare' ||
		return 1
	# one owner of the next step: progress, doctor and make print what next_step.sh says
	local step
	step=$("$s/tools/student/next_step.sh" --short)
	expect_line "$s/progress.out" "^Next: $(printf '%s' "$step" | sed 's/[][\\.*^$()+?{}|]/\\&/g')\$" \
		"progress's Next: to be next_step.sh's '$step'" || return 1
	grep -q 'Next: $(tools/student/next_step.sh --short)' tools/student/doctor.sh ||
		{ echo "want make doctor to print next_step.sh's step"; return 1; }
	start=$(date +%s%N)
	"$s/tools/student/progress.sh" >/dev/null
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "make progress took $ms ms"
	[ $ms -lt 1000 ] || { echo "want under 1000 ms"; return 1; }
}

next_step_is() { # next_step_is SANDBOX REGEX WHAT
	"$1/tools/student/next_step.sh" >"$1/next.out" 2>&1
	expect_line "$1/next.out" "$2" "$3"
}

student_next_step() { # the help's next step follows what the student did last
	local s st
	s=$(student_sandbox next-step) || return 1
	st=$s/.course
	next_step_is "$s" '^Next step: make lesson01, then read lessons/01-zero-allocation/README.md$' \
		'a newcomer: make lesson01' || return 1
	echo 01 >"$s/build/last-lesson"
	next_step_is "$s" '^Next step: make lesson01$' 'built, no results: make lesson01' || return 1
	mkdir -p "$st"
	cp "$STUDENT_FIXTURES/01-skeleton.tap" "$st/01-tests.tap"
	cp "$STUDENT_FIXTURES/01-skeleton-asan.tap" "$st/01-tests-asan.tap"
	next_step_is "$s" '^Next step: make lesson01 until every suite passes \(stuck\? make hint LESSON=01\)$' \
		'failing: make lesson01 and make hint' || return 1
	cp "$STUDENT_FIXTURES/01-reference.tap" "$st/01-tests.tap"
	cp "$STUDENT_FIXTURES/01-reference-asan.tap" "$st/01-tests-asan.tap"
	next_step_is "$s" '^Next step: make grade ' 'passing: make grade' || return 1
	cp "$STUDENT_FIXTURES/01-partial-grade.json" "$st/01-grade.json"
	next_step_is "$s" '^Next step: make compare LESSON=01 ' 'graded 58.2: make compare' || return 1
	jq '.score = 97.5' "$STUDENT_FIXTURES/01-partial-grade.json" >"$st/01-grade.json"
	next_step_is "$s" '^Next step: make progress \(lesson 01 scored 97.5' 'graded 97.5, no next lesson' ||
		return 1
	rm "$s/build/last-lesson"
	next_step_is "$s" '^Next step: make progress ' 'after make clean: from .course/' || return 1
	env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory >"$s/help.out" 2>&1
	expect_line "$s/help.out" '^Next step: make ' 'plain make to end with the next step'
}

student_reset() { # the skeleton back, the student's file backed up and named
	local s f backup
	s=$(student_sandbox reset) || return 1
	f=$s/lessons/01-zero-allocation/logfmt.c
	echo '/* my work */' >>"$f"
	"$s/tools/student/reset.sh" 01 >"$s/reset.out" 2>&1 || { cat "$s/reset.out"; return 1; }
	cat "$s/reset.out"
	cmp -s "$f" "$s/solutions/01-zero-allocation/skeleton/logfmt.c" ||
		{ echo "want the skeleton back in $f"; return 1; }
	backup=$(sed -n 's/^  your version is in \(.*\)\/ (.*/\1/p' "$s/reset.out")
	case "$backup" in .course/backup/01-[0-9]*) ;; *)
		echo "want the backup folder .course/backup/01-<time> named, got '$backup'"; return 1 ;;
	esac
	grep -q 'my work' "$s/$backup/logfmt.c" || { echo "want the student's file in $backup"; return 1; }
	# a lesson graded and passing, then reset: progress starts it afresh, results go to the backup
	mkdir -p "$s/.course"
	cp "$STUDENT_FIXTURES/01-reference.tap" "$s/.course/01-tests.tap"
	cp "$STUDENT_FIXTURES/01-reference-asan.tap" "$s/.course/01-tests-asan.tap"
	cp "$STUDENT_FIXTURES/01-partial-grade.json" "$s/.course/01-grade.json"
	echo '/* more work */' >>"$f"
	"$s/tools/student/reset.sh" 01 >"$s/reset2.out" 2>&1 || { cat "$s/reset2.out"; return 1; }
	progress_row "$s" '^01 +Zero allocation +- +- +- +- +make lesson01$' 'lesson 01 afresh after reset' ||
		return 1
	backup=$(sed -n 's/^  your version is in \(.*\)\/ (.*/\1/p' "$s/reset2.out")
	[ -f "$s/$backup/01-grade.json" ] && [ -f "$s/$backup/01-tests.tap" ] ||
		{ echo "want the lesson's results kept in $backup"; return 1; }
	"$s/tools/student/reset.sh" 01 >"$s/again.out" 2>&1 &&
		expect_line "$s/again.out" 'already the skeleton' 'a second reset to do nothing' || return 1
	! "$s/tools/student/reset.sh" >"$s/none.out" 2>&1 &&
		expect_line "$s/none.out" 'needs LESSON=NN' 'reset without a lesson to refuse' || return 1
	! env -u LESSON -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory reset >"$s/make.out" 2>&1 &&
		expect_line "$s/make.out" 'needs LESSON=NN' 'make reset without LESSON= to refuse'
}

student_best_score() { # best.sh keeps the highest graded score only
	local s st
	s=$(student_sandbox best) || return 1
	st=$s/.course
	mkdir -p "$st"
	cp "$STUDENT_FIXTURES/01-partial-grade.json" "$st/01-grade.json"
	"$s/tools/student/best.sh" 01 && [ "$(cat "$st/01-best")" = 58.2 ] ||
		{ echo "want best 58.2 after the first grade"; return 1; }
	jq '.score = 40' "$STUDENT_FIXTURES/01-partial-grade.json" >"$st/01-grade.json"
	"$s/tools/student/best.sh" 01 && [ "$(cat "$st/01-best")" = 58.2 ] ||
		{ echo "want best still 58.2 after a 40"; return 1; }
	jq '.score = 90 | .status = "tests_failed"' "$STUDENT_FIXTURES/01-partial-grade.json" >"$st/01-grade.json"
	"$s/tools/student/best.sh" 01 && [ "$(cat "$st/01-best")" = 58.2 ] ||
		{ echo "want best still 58.2 after a report that is not graded"; return 1; }
}

student_compare() { # per-function table and the peak snapshot's stack, from a given report
	local d
	d=$(student_scratch compare) || return 1
	cp "$STUDENT_FIXTURES/01-partial-grade.json" "$d/report.json"
	COURSE_STATE=$d COMPARE_REPORT=$d/report.json IMPL=skeleton tools/student/compare.sh 01 \
		>"$d/out" 2>&1 || { cat "$d/out"; return 1; }
	cat "$d/out"
	expect_line "$d/out" '^  function +yours +reference +ratio$' 'the table header' &&
		expect_line "$d/out" '^  logfmt_render +70\.0M +10\.2M +6\.87x$' 'logfmt_render yours vs reference' &&
		expect_line "$d/out" '\(not in the reference\)$' 'functions the reference lacks' &&
		expect_line "$d/out" '^  snapshot [0-9]+: [0-9,]+ B on the heap' 'the peak snapshot' &&
		expect_line "$d/out" '^  ->[0-9.]+% \([0-9,]+B\) .*logfmt\.c:[0-9]+\)' 'an allocation stack into logfmt.c' ||
		return 1
	local tree
	tree=$(sed -n '/^  snapshot /,/^  the reference peaks/p' "$d/out" | wc -l)
	[ "$tree" -le 18 ] || { echo "want the tree cut to about 15 lines, got $tree"; return 1; }
}

grade_compare_grades_a_stale_report() { # no report: compare grades first (here the reference)
	local d
	d=$(student_scratch compare-grades) || return 1
	COURSE_STATE=$d IMPL=reference tools/student/compare.sh 01 >"$d/out" 2>"$d/err" ||
		{ cat "$d/out" "$d/err"; return 1; }
	cat "$d/err" "$d/out"
	expect_line "$d/err" '^compare: grading lesson 01 \(reference\) first' 'a note that it grades' &&
		expect_line "$d/out" '^lesson 01 .* score 100 \(graded\)' 'the reference graded 100' &&
		expect_line "$d/out" '^  logfmt_render +[0-9.]+M +[0-9.]+M +1\.00x$' 'the reference against itself' &&
		[ ! -e "$d/01-best" ] || { echo "IMPL=reference must not record a best score"; return 1; }
}

grade_json_out() { # --json-out writes the JSON report whatever the format; a bad path exits 2
	local d partial
	d=$(student_scratch json-out) || return 1
	partial=$(variant_made 01 partial) || return 1
	"$GRADE" --lesson 01 --impl "$partial" --quiet --format json \
		--json-out "$d/new/report.json" >"$d/stdout.json" || return 1
	cmp "$d/stdout.json" "$d/new/report.json" || { echo "want the same JSON on stdout and in the file"; return 1; }
	"$GRADE" --lesson 01 --impl "$partial" --quiet --format text \
		--json-out "$d/text.json" >"$d/stdout.txt" || return 1
	json_holds '.schema_version == 1 and .status == "graded"' "$d/text.json" >/dev/null ||
		{ echo "want a JSON report beside the text one"; return 1; }
	"$GRADE" --lesson 01 --impl "$partial" --quiet \
		--json-out /proc/nonexistent/dir/report.json >/dev/null 2>"$d/err"
	local rc=$?
	cat "$d/err"
	[ $rc -eq 2 ] || { echo "an unwritable --json-out: want exit 2, got $rc"; return 1; }
	expect_line "$d/err" "^grade: --json-out: cannot write '/proc/nonexistent/dir/report.json'" 'the error'
}

# html_report_made DIR: the partial solution's HTML report with a hostile student name, and
# its JSON beside it
html_report_made() {
	local partial
	partial=$(variant_made 01 partial) || return 1
	"$GRADE" --lesson 01 --impl "$partial" --quiet --format html \
		--student '<script>alert("pwned")</script> & Co' --json-out "$1/report.json" >"$1/report.html"
}

grade_html_report() { # well-formed, one chart per metric, escaped, self-contained
	local d html
	d=$(student_scratch html) || return 1
	html_report_made "$d" || return 1
	html=$d/report.html
	html_well_formed "$html" || return 1
	expect_charts "$html" metric-chart "$(jq '.metrics | length' "$d/report.json")" || return 1
	expect_line "$html" '^<!DOCTYPE html>$' 'a doctype' &&
		expect_line "$html" '<title>Lesson 01 · Zero allocation · ' 'a title' &&
		expect_line "$html" "id=\"score\">$(jq -r '.score' "$d/report.json")<" 'the score' &&
		expect_line "$html" '<svg class="breakdown-chart"' 'the score breakdown chart' &&
		expect_line "$html" '<svg class="functions-chart"' 'the hottest functions chart' &&
		expect_line "$html" '&lt;script&gt;alert\(&quot;pwned&quot;\)&lt;/script&gt; &amp; Co' \
			'the student name escaped' &&
		html_self_contained "$html"
}

expect_charts() { # expect_charts HTML CLASS N: N > 0 charts <svg class="CLASS">, one per metric
	local n
	n=$(grep -c "<svg class=\"$2\"" "$1")
	echo "$n $2 charts for $3 metrics"
	[ "$n" -eq "$3" ] && [ "$3" -gt 0 ] || { echo "want one <svg class=\"$2\"> per metric"; return 1; }
}

html_well_formed() { # html_well_formed FILE: well-formed XML, and HTML without parser errors
	if command -v xmllint >/dev/null 2>&1; then
		# as XML: well-formed (every tag closed, every & escaped); as HTML: no error but
		# libxml2's HTML 4 parser not knowing the HTML5 and SVG tags
		xmllint --noout "$1" || { echo "$1: not well-formed XML (above)"; return 1; }
		local errors
		errors=$(xmllint --html --noout "$1" 2>&1 | grep 'parser error' | grep -v 'Tag [a-z]* invalid')
		[ -z "$errors" ] || { echo "$errors"; return 1; }
	else
		echo "xmllint missing (make deps installs libxml2-utils): grep checks only"
		[ "$(grep -c '<svg' "$1")" -eq "$(grep -c '</svg>' "$1")" ] || { echo "$1: unclosed <svg>"; return 1; }
	fi
}

html_self_contained() { # html_self_contained FILE: no script, nothing fetched from a network
	expect_no_line "$1" '<script' 'no script at all' &&
		expect_no_line "$1" '(src|href)=["'"'"']?(https?:)?//' 'no network resource' &&
		expect_no_line "$1" '@import|url\(' 'no external style or font'
}

chromium_unusable() { # prints why headless Chromium cannot render here, else returns 1
	local id
	id=$(. /etc/os-release 2>/dev/null && echo "$ID")
	if [ "$id" = ubuntu ]; then
		echo "Ubuntu's chromium is a snap, which cannot run headless in CI or a container; make deps installs Debian's chromium on Debian only"
	elif [ ! -x /usr/bin/chromium ]; then
		echo "/usr/bin/chromium is not installed (make deps installs it on Debian)"
	elif readlink -f /usr/bin/chromium | grep -q '^/snap/'; then
		echo "/usr/bin/chromium is a snap, which cannot run headless here"
	else
		return 1
	fi
}

# chromium_screenshot PAGE PNG HEIGHT: headless Chromium's 1200-pixel-wide screenshot of PAGE,
# which must show more than an empty page
chromium_screenshot() {
	local profile
	profile=$(mktemp -d) || return 1
	rm -f "$2"
	timeout -k 5 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --screenshot="$2" --window-size="1200,$3" \
		"file://$(realpath "$1")" 2>&1 | grep -v 'dbus\|Fontconfig'
	rm -rf "$profile"
	[ -s "$2" ] || { echo "no screenshot written"; return 1; }
	file "$2" | tee /dev/stderr | grep -q "PNG image data, 1200 x $3" ||
		{ echo "want a 1200x$3 PNG"; return 1; }
	[ "$(stat -c %s "$2")" -gt 20000 ] || { echo "the screenshot is nearly empty"; return 1; }
	echo "screenshot: $2"
}

grade_html_report_renders_in_chromium() { # a screenshot of the page: build/test/report.png
	local d
	d=$(student_scratch html-chromium) || return 1
	html_report_made "$d" || return 1
	chromium_screenshot "$d/report.html" build/test/report.png 1600
}

student_doctor() { # passes here; a broken Valgrind or Criterion fails with the fix
	local d
	d=$(student_scratch doctor) || return 1
	tools/student/doctor.sh >"$d/here" 2>&1 || { cat "$d/here"; echo "want exit 0 here"; return 1; }
	cat "$d/here"
	expect_line "$d/here" '^ok +compiler: gcc' 'the compiler' &&
		expect_line "$d/here" '^ok +valgrind: .* callgrind' 'Valgrind running callgrind' &&
		expect_line "$d/here" '^ok +criterion: ' 'Criterion' &&
		expect_line "$d/here" '^ok +cmocka: ' 'cmocka' &&
		expect_line "$d/here" '^(ok|warn) +bubblewrap' 'bubblewrap' &&
		expect_line "$d/here" 'vm\.mmap_rnd_bits' 'the address randomisation' &&
		expect_line "$d/here" '^(ok|warn|note) +cpu: ' 'the CPU' || return 1
	mkdir -p "$d/bin"
	printf '#!/bin/sh\necho "valgrind: broken on purpose" >&2\nexit 1\n' >"$d/bin/valgrind"
	printf '#!/bin/sh\n[ "$2" = criterion ] && exit 1\nexec /usr/bin/pkg-config "$@"\n' >"$d/bin/pkg-config"
	chmod +x "$d/bin/valgrind" "$d/bin/pkg-config"
	PATH=$PWD/$d/bin:$PATH tools/student/doctor.sh >"$d/broken" 2>&1 &&
		{ cat "$d/broken"; echo "want exit 1 with a broken Valgrind"; return 1; }
	cat "$d/broken"
	expect_line "$d/broken" '^FAIL +valgrind: ' 'a FAIL for Valgrind' &&
		expect_line "$d/broken" '^FAIL +criterion: ' 'a FAIL for Criterion' &&
		expect_line "$d/broken" '^ +fix: make deps' 'the fix' &&
		expect_line "$d/broken" '^doctor: something required is broken' 'the verdict'
}

student_devcontainer_json() { # valid JSON on Debian 12 whose post-create step is make deps
	json_holds '.postCreateCommand == "make deps" and (.image | test("debian-12|bookworm"))' \
		.devcontainer/devcontainer.json || { echo "want postCreateCommand \"make deps\" on Debian 12"; return 1; }
	echo "the chroot test of the post-create step is make test-devcontainer (minutes)"
}

student_help_lists_targets() { # make help names every self-learner target
	local d t
	d=$(student_scratch help) || return 1
	env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory help >"$d/help" 2>&1
	for t in watch hint progress compare report reset doctor test-devcontainer; do
		expect_line "$d/help" "^  $t " "make help to list $t" || return 1
	done
}

check "student-hint-shows-one-more-each-call" student_hint_one_per_call
check "student-hint-refuses-bad-lessons" student_hint_refuses_bad_lessons
check "student-lesson-hints-are-well-formed" student_lesson_hints_are_well_formed
check "student-watch-budgets-first-and-keys" student_watch
check "student-run-lesson-keeps-results-in-state" student_run_lesson_keeps_results
check "make-lesson-runs-the-static-checks" make_lesson_runs_the_static_checks
check "student-progress-table-and-next-step" student_progress
check "student-help-next-step-follows-state" student_next_step
check "student-reset-restores-skeleton-with-backup" student_reset
check "student-best-score-kept" student_best_score
check "student-compare-functions-and-peak-stack" student_compare
check "student-compare-grades-a-stale-report" grade_compare_grades_a_stale_report
check "grader-json-out-writes-the-report" grade_json_out
check "grader-html-report-is-well-formed" grade_html_report
if why=$(chromium_unusable); then
	echo "SKIP  grader-html-report-renders-in-chromium: $why"
else
	check "grader-html-report-renders-in-chromium" grade_html_report_renders_in_chromium
fi
check "student-doctor-finds-broken-tools" student_doctor
check "student-devcontainer-json-runs-make-deps" student_devcontainer_json
check "student-help-lists-self-learner-targets" student_help_lists_targets
# }===
