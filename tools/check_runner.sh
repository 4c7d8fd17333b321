# shellcheck shell=bash
# check_runner.sh: sourced by tools/course_test.sh (the full course's make test) and
# tools/edition_test.sh (the student edition's): queue checks, run JOBS of them at a time, one
# log each, a PASS or FAIL line each with the log's tail, and a summary. The caller sets LOGS,
# RESULTS and JOBS, and LOCK when checks that measure must hold build/wall.lock shared (a
# command named grade_* is left to take it itself, as the grader does).
#
# Checks that must not run beside each other (the attack checks each look machine-wide for what
# an attack left behind) are queued with check_taking_turns and a group name. The runner never
# starts one while another of its group runs, and fills the free slot with other checks instead
# of a check that would sit waiting (ci8: four attack checks in a row kept one of two slots
# waiting for about 6 minutes). A group is a chain that cannot be split, so its checks start
# before any other waiting check: started last, the chain would be the run's tail.

declare -a NAMES=() COMMANDS=() GROUPS_OF=()

check() { # check NAME COMMAND...: queue a check
	NAMES+=("$1")
	GROUPS_OF+=("")
	shift
	COMMANDS+=("$(printf '%q ' "$@")")
}

check_taking_turns() { # check_taking_turns GROUP NAME COMMAND...: queue a check of GROUP
	local group=$1
	shift
	check "$@"
	GROUPS_OF[${#GROUPS_OF[@]} - 1]=$group
}

run_one() { # run_one INDEX
	local name=${NAMES[$1]} log="$LOGS/${NAMES[$1]}.log" start=$SECONDS
	case "${LOCK:-}:${COMMANDS[$1]}" in
	:* | *:grade_*) eval "${COMMANDS[$1]}" >"$log" 2>&1 ;;
	# shared, through the turnstile (grader/wall_lock.h); the check's own gradings are told
	# that it holds the lock for them, so they do not queue behind a timing that waits for it
	*) (flock -x 8 && flock -s 9 && flock -u 8 && exec 8>&- &&
		export NGRADE_WALL_HELD=1 && eval "${COMMANDS[$1]}") 8>"$LOCK.turnstile" 9>"$LOCK" \
		>"$log" 2>&1 ;;
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

# The index of the check to start next, or nothing when every waiting check's group is busy:
# the first waiting check of a free group, else the first waiting check of no group.
next_check() { # next_check WAITING...
	local i
	for i in "$@"; do
		if [ -n "${GROUPS_OF[$i]}" ] && [ -z "${BUSY_GROUPS[${GROUPS_OF[$i]}]:-}" ]; then
			echo "$i"
			return
		fi
	done
	for i in "$@"; do
		[ -z "${GROUPS_OF[$i]}" ] && { echo "$i"; return; }
	done
}

run_checks() { # run_checks WHAT: every queued check, JOBS at a time; 0 when all pass
	local started=$SECONDS running=0 i j passed failed done_fd fifo=$RESULTS/.finished
	local -a waiting=("${!NAMES[@]}") rest
	declare -gA BUSY_GROUPS=()
	# each check says on this pipe that it finished: bash's `wait -n` misses a job that ended
	# while the runner was busy (measured: three checks ran alone while a slot stood free)
	rm -f "$fifo" && mkfifo "$fifo" && exec {done_fd}<>"$fifo" || return 1
	while [ ${#waiting[@]} -gt 0 ] || [ $running -gt 0 ]; do
		i=
		if [ $running -lt "$JOBS" ] && [ ${#waiting[@]} -gt 0 ]; then
			i=$(next_check "${waiting[@]}")
		fi
		if [ -n "$i" ]; then
			(
				run_one "$i" {done_fd}>&- # a daemon a check leaves must not hold the pipe
				echo "$i" >&"$done_fd"
			) &
			running=$((running + 1))
			[ -n "${GROUPS_OF[$i]}" ] && BUSY_GROUPS[${GROUPS_OF[$i]}]=1
			rest=()
			for j in "${waiting[@]}"; do
				[ "$j" = "$i" ] || rest+=("$j")
			done
			waiting=("${rest[@]}")
			continue
		fi
		read -r -u "$done_fd" i || return 1
		running=$((running - 1))
		[ -n "${GROUPS_OF[$i]}" ] && unset "BUSY_GROUPS[${GROUPS_OF[$i]}]"
	done
	wait
	exec {done_fd}>&-
	rm -f "$fifo"
	passed=$(find "$RESULTS" -name '*.pass' | wc -l)
	failed=$(find "$RESULTS" -name '*.fail' | wc -l)
	echo
	echo "$1 took $((SECONDS - started)) s; logs in $LOGS/"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -eq "${#NAMES[@]}" ]
}
