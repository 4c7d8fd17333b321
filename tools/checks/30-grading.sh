# shellcheck shell=bash
# tools/checks/30-grading.sh: make grade, variants that cannot go stale, and the static checks'
# refusals.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).

grade_make_grade_and_report() { # make grade keeps the JSON and the best; make report the page
	local d
	d=$(student_scratch make-grade) || return 1
	env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory grade LESSON=1 COURSE_STATE="$d" \
		>"$d/grade.out" 2>&1
	[ $? -le 1 ] || { cat "$d/grade.out"; echo "make grade failed"; return 1; }
	json_holds '.schema_version == 1 and .lesson == "01"' "$d/01-grade.json" >/dev/null ||
		{ echo "want $d/01-grade.json from make grade"; return 1; }
	if json_holds '.status == "graded"' "$d/01-grade.json" >/dev/null; then
		[ "$(cat "$d/01-best")" = "$(jq -r .score "$d/01-grade.json")" ] ||
			{ echo "want the score in $d/01-best"; return 1; }
	fi
	env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory report LESSON=01 COURSE_STATE="$d" \
		>"$d/report.out" 2>&1 || { cat "$d/report.out"; return 1; }
	expect_line "$d/report.out" '^report: build/report-01\.html \(open file://' 'the path printed' &&
		expect_line build/report-01.html '^<!DOCTYPE html>$' 'the page saved'
}
check "student-make-grade-and-report-keep-results" grade_make_grade_and_report

# A variant cannot go stale in silence: a patch whose context is gone from the code it departs
# from is an error that names it, never a fuzzy guess (tools/variant.sh).
variant_stale_is_an_error() {
	local d=build/test/variant-stale
	rm -rf "$d" && mkdir -p "$d/partial" || return 1
	# lesson 01's partial departs from step 1; made against the skeleton its context is gone
	sed '1s|.*|variant of solutions/01-zero-allocation/skeleton/logfmt.c|' \
		solutions/01-zero-allocation/partial/logfmt.c.patch >"$d/partial/logfmt.c.patch" || return 1
	if tools/variant.sh "$d/partial" "$d/out" 2>"$d/err"; then
		echo "want a failure: the patch does not apply to the skeleton"
		return 1
	fi
	cat "$d/err"
	expect_line "$d/err" "^variant.sh: $d/partial/logfmt.c.patch no longer applies" 'the stale patch named'
}
check "variant-whose-code-moved-on-is-an-error" variant_stale_is_an_error

# attack_expected FILE: "STATUS_RE REASON_RE" from the attack's own "Expected:" line (the first
# word the statuses it may end with, the rest what its reason must match): each attack file
# says what must become of it, so no list in this file can fall out of step with them
attack_expected() {
	sed -n 's/^[[:space:]*]*Expected:[[:space:]]*//p' "$1" | head -n 1 | sed 's/[[:space:]]*\*\/[[:space:]]*$//'
}

# Static checks (DESIGN section 6.4, layer 3): each attack is refused before any of its code runs.
for attack in "${bad:?set in 10-bad-submissions.sh}"/*.c; do
	want=$(attack_expected "$attack")
	[ "${want%% *}" = refused ] || continue # the other bad files are a crash, a hang, ...
	check "grader-refuses-$(basename "$attack" .c)" grade_expect_status 01 refused "${want#* }" \
		--impl "$attack"
done

# The wall lock (DESIGN section 7): a grading whose score counts a time on the wall clock times
# only with the machine to itself; one whose wall ratio is only reported (lesson 01), or is CPU
# time, times beside other jobs instead of waiting for them all to end. Here this check holds
# the lock shared, as a running check does: lesson 01's grading must still finish with its wall
# ratio measured, lesson 04's (wall time scored) must wait at its timing until it is let go, and
# a grading started meanwhile must wait behind it.
waits_at_a_lock() { # waits_at_a_lock PID: 0 once PID waits for a flock, 1 if it ends or 30 s pass
	local tries=0
	# the kernel lists a process waiting for a flock in /proc/locks as "-> FLOCK ... WRITE PID"
	until grep -Eq -- "-> FLOCK +ADVISORY +WRITE +$1 " /proc/locks; do
		kill -0 "$1" 2>/dev/null && [ $tries -lt 60 ] || return 1
		sleep 0.5
		tries=$((tries + 1))
	done
}

grade_timing_waits_only_when_wall_time_scores() {
	local d=build/test/timing-lock pid later waited=0
	rm -rf "$d" && mkdir -p "$d" || return 1
	exec 8<>build/wall.lock && flock -s 8 || return 1
	# the gradings must not inherit descriptor 8: a lock belongs to the open file, so a grading
	# holding it open would wait on itself
	timeout 300 "$GRADE" --lesson 01 --impl "$(solution_of 01)" --format json >"$d/01.json" \
		2>"$d/01.err" 8>&-
	cat "$d/01.err"
	json_holds '.status == "graded" and .wall.runs > 0' "$d/01.json" >/dev/null ||
		{ exec 8>&-; echo "lesson 01: want a grading with its wall ratio measured"; return 1; }
	"$GRADE" --lesson 04 --impl "$(solution_of 04)" --format json >"$d/04.json" 2>"$d/04.err" 8>&- &
	pid=$!
	until grep -q 'timing .* natively' "$d/04.err"; do
		kill -0 $pid 2>/dev/null && [ $waited -lt 600 ] ||
			{ exec 8>&-; cat "$d/04.err"; echo "lesson 04: never reached its timing"; return 1; }
		sleep 1
		waited=$((waited + 1))
	done
	waits_at_a_lock $pid || {
		exec 8>&-
		cat "$d/04.err"
		echo "lesson 04 timed while another job held the wall lock (never waited for it)"
		return 1
	}
	# a grading that starts now queues behind the timing (the turnstile, grader/wall_lock.h):
	# flock alone would let it in, and jobs that overlap so would keep the timing waiting
	"$GRADE" --lesson 01 --impl "$(solution_of 01)" --format json >"$d/01-after.json" \
		2>"$d/01-after.err" 8>&- &
	later=$!
	waits_at_a_lock $later || {
		exec 8>&-
		cat "$d/01-after.err"
		echo "a grading started after lesson 04's timing began to wait went ahead of it"
		return 1
	}
	exec 8>&-
	wait $pid
	cat "$d/04.err"
	json_holds '.status == "graded" and .wall.runs > 0' "$d/04.json" >/dev/null ||
		{ echo "lesson 04: want a grading with its wall time measured once the lock was free"; return 1; }
	wait $later
	json_holds '.status == "graded"' "$d/01-after.json" >/dev/null ||
		{ echo "lesson 01, queued behind the timing: want it graded"; return 1; }
}
check "grader-timing-waits-for-the-machine-only-when-wall-time-scores" grade_timing_waits_only_when_wall_time_scores
