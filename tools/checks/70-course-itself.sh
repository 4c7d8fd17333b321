# shellcheck shell=bash
# tools/checks/70-course-itself.sh: the course itself: the student edition, the profiler, a copied
# course,
# README commands, DESIGN citations.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).
# A fresh student edition: no solution sources, the reference as -g1 objects, the README's note,
# and its own `make test` (tools/edition_test.sh) passing in it. To keep make test near its
# time, the edition's test runs lessons 01 and 04 only (04: the race gate's tsan objects), with
# every tool check and every README command; the edition's own make test runs all ten.
# Not named grade_*: it holds build/wall.lock shared, so no wall timing runs beside its minutes
# of Valgrind and sanitizer runs (the edition's grader locks the edition's own file).
dist_student_edition_test_passes() {
	local d=build/test/dist-student leaked
	tools/dist_student.sh "$d" || return 1
	leaked=$(find "$d/solutions" -type f -name '*.c' -not -path '*/skeleton/*')
	[ -z "$leaked" ] || { echo "solution sources in the student edition: $leaked"; return 1; }
	[ -s "$d/solutions/01-zero-allocation/obj/measure/logfmt.o" ] ||
		{ echo "want the reference of lesson 01 as an object"; return 1; }
	[ -s "$d/solutions/04-lock-free/obj/tsan/lockfree.o" ] ||
		{ echo "want lesson 04's reference as a ThreadSanitizer object for its race gate"; return 1; }
	# -g1: function names and line tables, no variables, parameters or types
	! readelf --debug-dump=info "$d/solutions/01-zero-allocation/obj/measure/logfmt.o" |
		grep -Eq 'DW_TAG_(formal_parameter|base_type|structure_type|typedef)' ||
		{ echo "the object keeps types or variables"; return 1; }
	grep -q 'official score comes from your' "$d/README.md" ||
		{ echo "want the README's note on estimates"; return 1; }
	grep -q 'Here `make test` runs this edition' "$d/README.md" ||
		{ echo "want the README to say which command tests the edition"; return 1; }
	# the edition's own test command, as a student runs it (it builds what it needs)
	(cd "$d" && env -u MAKEFLAGS -u MAKELEVEL make -s test LESSONS="01 04") || return 1
}
check "grader-dist-student-edition-test-passes" dist_student_edition_test_passes

# make profile's own tools: the flame graph and the trace writer on recorded input
check "profile-selftest-flame-graph-and-trace" make -s profile-selftest

# A copy of the course grades its own files: the grader finds the course root from where it
# lies, not from a path compiled in. The copy's student file does not compile; the original's
# does, so a grader that read the original folder would not say build_failed.
copied_course_grades_itself() {
	local d=build/test/course-copy rc
	rm -rf "$d" && mkdir -p "$d/build" || return 1
	git ls-files -z 2>/dev/null | xargs -0 cp --parents -t "$d" 2>/dev/null ||
		tar -cf - --exclude=./build --exclude=./.course . | tar -xf - -C "$d" || return 1
	cp "$GRADE" "$d/build/grade" &&
		cp grader/tests/submissions/01/compile_error.c "$d/lessons/01-zero-allocation/logfmt.c" ||
		return 1
	(cd "$d" && build/grade --lesson 01 --no-wall --quiet --format json >grade.json)
	rc=$?
	cat "$d/grade.json"
	[ $rc -eq 1 ] || { echo "want exit 1 from the copy's grader, got $rc"; return 1; }
	json_holds '.status == "build_failed" and (.reason | test("this_is_not_declared"))' \
		"$d/grade.json" >/dev/null || { echo "want the copy's own (broken) file graded"; return 1; }
}
check "grader-copied-course-grades-its-own-files" copied_course_grades_itself

# One race costs one test: ThreadSanitizer halts lesson 04's racy ring in the first race test,
# and the grader reruns each test after it in a process of its own. Of the five race tests two
# use the ring (ring_hands_items_over_in_order, ring_publishes_what_items_point_to) and fail;
# the three others pass. Before, the tests that never ran counted as failed too.
grade_one_race_one_failed_test() {
	local json="$RESULTS/racy-04-counts.json" args impls
	args=$(variant_impls 04 racy) || return 1
	mapfile -t impls <<<"$args"
	grade_json "$json" --lesson 04 --no-wall "${impls[@]}"
	[ $? -eq 1 ] || { echo "want exit 1 (tests_failed)"; return 1; }
	json_holds '.status == "tests_failed" and (.reason | test("data race")) and
		.correctness.total - .correctness.passed == 2' "$json" >/dev/null ||
		{ echo "want the two ring race tests failed, the other race tests run on their own"; return 1; }
}
[ -d solutions/04-lock-free/racy ] &&
	check "grader-one-race-is-one-failed-test" grade_one_race_one_failed_test

# Every command README.md, course.md and the lesson READMEs show works in the full course, those
# marked "full course only" included (the edition's check above skips those)
check "readme-commands-work-in-the-full-course" tools/check_readme_commands.sh

# Every citation of DESIGN.md in the course names a section, heading or layer it has (DESIGN
# section 7). The second check shows the first can fail: a citation of a missing section, split
# over two lines as comments wrap, must be reported with its file and first line, and a missing
# heading too. (The fixture spells the name through $D, so this file cites nothing itself.)
check "design-citations-resolve-to-sections" tools/check_design_refs.sh
design_refs_catch_missing_sections() {
	local d=build/test/design-refs D=DESIGN rc
	rm -rf "$d" && mkdir -p "$d" || return 1
	printf '%s\n' "/* resolves: $D section 5 */" "/* does not: see $D" \
		' * section 99 for the rest */' "# nor does $D.md, \"No such heading\"" >"$d/cites.c"
	tools/check_design_refs.sh "$d/cites.c" >"$d/out" 2>&1
	rc=$?
	cat "$d/out"
	[ $rc -eq 1 ] || { echo "want exit 1, got $rc"; return 1; }
	expect_line "$d/out" "^$d/cites.c:2: $D section 99: " 'the missing section, at line 2' &&
		expect_line "$d/out" "^$d/cites.c:4: .*No such heading" 'the missing heading, at line 4' &&
		expect_no_line "$d/out" "cites.c:1:" 'no complaint about section 5, which exists'
}
check "design-reference-check-fails-on-a-missing-section" design_refs_catch_missing_sections

# The runner itself: checks of one group never overlap, and a waiting group check does not hold
# a slot that another check could use. Six checks on two slots: three of group g and three of no
# group, 2 s each, queued group last. In turn and packed, they take 6 s: the group's chain beside
# the others; a runner that started the group's checks side by side shows an overlap, and one
# that let a group check wait in a slot takes at least 8 s (the bound, 7.5 s, leaves a busy
# machine 1.5 s of slack).
runner_keeps_turns() {
	local d=$PWD/build/test/check-runner
	rm -rf "$d" && mkdir -p "$d/logs" "$d/results" || return 1
	(
		# shellcheck source=tools/check_runner.sh
		. tools/check_runner.sh
		LOGS=$d/logs RESULTS=$d/results JOBS=2 LOCK=
		stamp() {
			echo "$1 start $(date +%s.%N)" >>"$d/times"
			sleep 2
			echo "$1 end $(date +%s.%N)" >>"$d/times"
		}
		check free-1 stamp free-1
		check free-2 stamp free-2
		check free-3 stamp free-3
		check_taking_turns g in-g-1 stamp g-1
		check_taking_turns g in-g-2 stamp g-2
		check_taking_turns g in-g-3 stamp g-3
		run_checks "runner self-test"
	) || return 1
	cat "$d/times"
	sort -k3 -n "$d/times" | awk '
		/^g-/ && $2 == "start" { if (open) overlap = 1; open = 1 }
		/^g-/ && $2 == "end" { open = 0 }
		NR == 1 { first = $3 } { last = $3 }
		END {
			if (overlap) { print "two checks of group g ran at once"; exit 1 }
			if (last - first > 7.5) { printf "took %.1f s, want under 7.5 (a slot sat waiting)\n", last - first; exit 1 }
		}'
}
check "check-runner-keeps-a-group-in-turns-and-its-slots-busy" runner_keeps_turns
