# shellcheck shell=bash
# check_runner.sh: sourced by tools/course_test.sh (the full course's make test) and
# tools/edition_test.sh (the student edition's): queue checks, run JOBS of them at a time, one
# log each, a PASS or FAIL line each with the log's tail, and a summary. The caller sets LOGS,
# RESULTS and JOBS, and LOCK when checks that measure must hold build/wall.lock shared (a
# command named grade_* is left to take it itself, as the grader does).

declare -a NAMES=() COMMANDS=()

check() { # check NAME COMMAND...: queue a check
	NAMES+=("$1")
	shift
	COMMANDS+=("$(printf '%q ' "$@")")
}

run_one() { # run_one INDEX
	local name=${NAMES[$1]} log="$LOGS/${NAMES[$1]}.log" start=$SECONDS
	case "${LOCK:-}:${COMMANDS[$1]}" in
	:* | *:grade_*) eval "${COMMANDS[$1]}" >"$log" 2>&1 ;;
	*) (flock -s 9 && eval "${COMMANDS[$1]}") 9>"$LOCK" >"$log" 2>&1 ;;
	esac
	local rc=$?
	if [ $rc -eq 0 ]; then
		touch "$RESULTS/$name.pass"
		printf 'PASS  %-48s %4ds\n' "$name" $((SECONDS - start))
	else
		touch "$RESULTS/$name.fail"
		printf 'FAIL  %-48s %4ds  (log: %s)\n' "$name" $((SECONDS - start)) "$log"
		tail -n 15 "$log" | sed 's/^/      | /'
	fi
}

run_checks() { # run_checks WHAT: every queued check, JOBS at a time; 0 when all pass
	local started=$SECONDS running=0 i passed failed
	for i in "${!NAMES[@]}"; do
		if [ $running -ge "$JOBS" ]; then
			wait -n
			running=$((running - 1))
		fi
		run_one "$i" &
		running=$((running + 1))
	done
	wait
	passed=$(find "$RESULTS" -name '*.pass' | wc -l)
	failed=$(find "$RESULTS" -name '*.fail' | wc -l)
	echo
	echo "$1 took $((SECONDS - started)) s; logs in $LOGS/"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -eq "${#NAMES[@]}" ]
}
