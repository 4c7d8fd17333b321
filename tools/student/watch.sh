#!/bin/bash
# watch.sh: `make watch`: reruns a lesson's suites whenever one of its files changes and shows a
# compact summary, budget lines first (read from Criterion's TAP, never its console text).
# Keys: h shows the next hint, r reruns now, q quits. Changes are seen with inotifywait
# (inotify-tools) where it exists, else by polling the files' size and time every second.
# usage: tools/student/watch.sh [--once] [NN]
#   --once   run once, print the summary, exit 0 iff every suite passes (no screen clearing)
# Environment: IMPL (student, reference, skeleton: the code tested, as for make lessonNN);
# for the course's tests: WATCH_PATHS (what to watch instead of the lesson folder),
# WATCH_POLL=1 (poll even where inotifywait exists), HINTS_FILE, COURSE_STATE.
set -u
. "$(dirname "$0")/common.sh"

once=0
[ "${1:-}" = --once ] && once=1 && shift
use_lesson watch "${1:-}"
impl=${IMPL:-student}
out=$BUILD/lessons/$LESSON_ID/$impl
work=$(mktemp -d) || exit 2
run_count=0 last_hint='' run_pid='' watcher_pid=''

# {=== running the suites ===}

# run_suites: builds and runs the suites as `make lessonNN` does; sets RUN_RESULT to pass,
# fail or build (the build failed) and RUN_SECONDS.
run_suites() {
	local started=$SECONDS
	RUN_RESULT=build
	# MAKEFLAGS from an outer `make watch` would hand this make a jobserver it cannot reach.
	if env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory "$out/all" \
		IMPL="$impl" >"$work/build.log" 2>&1; then
		[ "$impl" = student ] && echo "$LESSON_ID" >"$BUILD/last-lesson"
		if tools/run_lesson.sh "$LESSON_DIR" "$out" "setarch $(uname -m) -R" \
			>"$work/run.log" 2>&1; then
			RUN_RESULT=pass
		else
			RUN_RESULT=fail
		fi
	fi
	RUN_SECONDS=$((SECONDS - started))
}

# run_in_background: runs the suites in their own session (so q can stop all of it, Valgrind
# included) while the screen counts the seconds; q during a run quits.
run_in_background() {
	setsid bash -c '. "$1"; run_suites; echo "$RUN_RESULT $RUN_SECONDS" >"$2"' \
		_ "$work/env.sh" "$work/result" </dev/null >/dev/null 2>&1 &
	run_pid=$!
	local started=$SECONDS
	while kill -0 "$run_pid" 2>/dev/null; do
		say '\r%s running the suites of lesson %s (%s)... %d s  (q quits) ' \
			'\r%s กำลังรัน suites ของบทที่ %s (%s)... %d s  (q เพื่อออก) ' \
			"$(date +%H:%M:%S)" "$LESSON_ID" "$impl" $((SECONDS - started))
		read_key
		case "$KEY" in q | Q) quit ;; esac
	done
	wait "$run_pid" 2>/dev/null
	run_pid=''
	read -r RUN_RESULT RUN_SECONDS <"$work/result" 2>/dev/null || RUN_RESULT=died RUN_SECONDS=0
}

# }===

# {=== the summary ===}

status_word() { # status_word STATUS: the word, coloured on a terminal
	case "$1" in
	ok) printf '%sok  %s' "$GREEN" "$OFF" ;;
	FAIL) printf '%sFAIL%s' "$RED" "$OFF" ;;
	*) printf '%s%-4s%s' "$DIM" "$1" "$OFF" ;;
	esac
}

suite_line() { # suite_line LABEL PASSED RAN SKIPPED VERB
	local extra=''
	[ "$4" -gt 0 ] && extra=", $4 skipped"
	printf '%s%-12s%s %d of %d %s%s\n' "$BOLD" "$1" "$OFF" "$2" "$3" "$5" "$extra"
}

# summary: the budget suite first, each test with its message (what was measured, the budget,
# where to read); then every other suite with its failures; then the sanitizer run.
summary() {
	printf '%slesson %s · %s · %s%s · run %d at %s, %d s\n' "$BOLD" "$LESSON_ID" \
		"$LESSON_TITLE" "$impl" "$OFF" "$run_count" "$(date +%H:%M:%S)" "$RUN_SECONDS"
	if [ "$RUN_RESULT" = build ]; then
		say '%sbuild failed%s: the compiler says:\n' '%sbuild ไม่ผ่าน%s: compiler บอกว่า:\n' "$RED" "$OFF"
		tail -n 25 "$work/build.log"
		return
	fi
	if [ ! -s "$out/tests.tap" ]; then
		say '%sno results%s: the test runner died; its last lines:\n' \
			'%sไม่มีผลลัพธ์%s: ตัวรัน test ตายไป; บรรทัดสุดท้ายของมัน:\n' "$RED" "$OFF"
		tail -n 15 "$work/run.log" 2>/dev/null
		return
	fi
	# the failure messages' `see README "Section"` in the tools' language
	tap_results "$out/tests.tap" | tools/student/readme_pointers.sh "$LESSON_DIR" >"$work/results"
	local status suite name msg counts
	counts=$(awk -F '\t' '$2 == "budget"' "$work/results" | count_results)
	# shellcheck disable=SC2086 # three numbers
	[ -n "$(awk -F '\t' '$2 == "budget"' "$work/results")" ] && suite_line budgets $counts met
	while IFS=$'\t' read -r status suite name msg; do
		[ "$suite" = budget ] || continue
		printf '  %s %s\n' "$(status_word "$status")" "$name"
		[ -n "$msg" ] && printf '       %s\n' "$msg"
	done < <(awk -F '\t' '$2 == "budget" { print ($1 == "FAIL" ? 0 : $1 == "SKIP" ? 1 : 2) "\t" $0 }' \
		"$work/results" | sort -s -t $'\t' -k1,1n | cut -f2-)
	# shellcheck disable=SC2013 # suite names are single words
	for suite in $(awk -F '\t' '$2 != "budget" && !seen[$2]++ { print $2 }' "$work/results"); do
		counts=$(awk -F '\t' -v s="$suite" '$2 == s' "$work/results" | count_results)
		# shellcheck disable=SC2086
		suite_line "$suite" $counts pass
		awk -F '\t' -v s="$suite" '$2 == s && $1 != "ok"' "$work/results" | head -n 5 |
			while IFS=$'\t' read -r status _ name msg; do
				printf '  %s %s%s\n' "$(status_word "$status")" "$name" "${msg:+: $msg}"
			done
	done
	if [ -s "$out/tests-asan.tap" ]; then
		tap_results "$out/tests-asan.tap" 'correct|task' |
			tools/student/readme_pointers.sh "$LESSON_DIR" >"$work/asan"
		# shellcheck disable=SC2046
		suite_line asan+ubsan $(count_results <"$work/asan") pass
		awk -F '\t' '$1 != "ok"' "$work/asan" | head -n 5 |
			while IFS=$'\t' read -r status suite name msg; do
				printf '  %s %s::%s%s\n' "$(status_word "$status")" "$suite" "$name" "${msg:+: $msg}"
			done
	else
		say '%sasan+ubsan%s   no results; see make lesson%s\n' \
			'%sasan+ubsan%s   ไม่มีผลลัพธ์; ดู make lesson%s\n' "$RED" "$OFF" "$LESSON_ID"
	fi
	[ "$RUN_RESULT" = pass ] && say '\n%severy suite passes%s: make grade LESSON=%s scores it\n' \
		'\n%sผ่านทุก suite แล้ว%s: make grade LESSON=%s ให้คะแนนมัน\n' "$GREEN" "$OFF" "$LESSON_ID"
}

# }===

# {=== watching for changes and keys ===}

watch_paths() { echo "${WATCH_PATHS:-$LESSON_DIR}"; }

start_watcher() {
	: >"$work/events"
	events_seen=0
	if [ "${WATCH_POLL:-0}" != 1 ] && command -v inotifywait >/dev/null 2>&1; then
		mode=inotify
		# shellcheck disable=SC2046 # a list of paths
		inotifywait -m -q -r -e close_write,create,delete,moved_to --format '%w%f' \
			$(watch_paths) >>"$work/events" 2>/dev/null &
		watcher_pid=$!
	else
		mode="polling every second"
		signature >"$work/signature"
	fi
}

# signature: size and modification time (to the nanosecond) of every source file watched.
signature() {
	# shellcheck disable=SC2046
	find $(watch_paths) \( -name '*.[chS]' -o -name '*.ini' \) -type f -print0 2>/dev/null |
		sort -z | xargs -0 -r stat -c '%n %s %y'
}

# changed: 0 when a source file (.c .h .S .ini; not an editor's swap file) changed since the
# last call.
changed() {
	if [ "$mode" = inotify ]; then
		local size
		size=$(stat -c %s "$work/events")
		[ "$size" -gt "$events_seen" ] || return 1
		local new
		new=$(tail -c +$((events_seen + 1)) "$work/events" | head -c $((size - events_seen)))
		events_seen=$size
		grep -Eq '\.(c|h|S|ini)$' <<<"$new"
	else
		signature >"$work/signature.new"
		cmp -s "$work/signature" "$work/signature.new" && return 1
		mv "$work/signature.new" "$work/signature"
	fi
}

# read_key: sets KEY to a key pressed within a second, or to nothing. Once stdin is at its end
# (not a terminal), it waits the second out instead of spinning.
read_key() {
	KEY=''
	if [ "$keys" = 1 ]; then
		IFS= read -rsn1 -t 1 KEY
		[ $? -eq 1 ] && keys=0
	else
		sleep 1
	fi
}

# }===

quit() {
	[ -n "$run_pid" ] && kill -- -"$run_pid" 2>/dev/null
	[ -n "$watcher_pid" ] && kill "$watcher_pid" 2>/dev/null
	[ "$once" = 0 ] && [ -t 0 ] && stty "$saved_stty" 2>/dev/null
	rm -rf "$work"
	say '\nwatch: stopped\n' '\nwatch: หยุดแล้ว\n'
	exit 0
}

redraw() {
	[ "$once" = 1 ] || printf '\033[H\033[2J\033[3J'
	summary
	[ -n "$last_hint" ] && printf '\n%s\n' "$last_hint"
	[ "$once" = 1 ] || say '\n%swatching %s (%s) · h: next hint · r: rerun · q: quit%s\n' \
		'\n%sกำลังเฝ้าดู %s (%s) · h: hint ถัดไป · r: รันใหม่ · q: ออก%s\n' \
		"$DIM" "$(watch_paths)" "$mode" "$OFF"
}

GREEN='' RED='' DIM='' BOLD='' OFF=''
if use_color; then
	GREEN=$'\033[32m' RED=$'\033[31m' DIM=$'\033[2m' BOLD=$'\033[1m' OFF=$'\033[0m'
fi

if [ "$once" = 1 ]; then
	run_count=1
	run_suites
	mode=once
	redraw
	rm -rf "$work"
	[ "$RUN_RESULT" = pass ]
	exit
fi

keys=1
[ -t 0 ] && saved_stty=$(stty -g) && stty -echo
trap quit INT TERM HUP
# the background run re-reads these definitions from a file: it is a fresh bash
declare -f run_suites >"$work/env.sh"
declare -p out impl work LESSON_ID LESSON_DIR BUILD >>"$work/env.sh"
start_watcher
while true; do
	run_count=$((run_count + 1))
	run_in_background
	redraw
	rerun=0
	while [ $rerun = 0 ]; do
		read_key
		case "$KEY" in
		q | Q) quit ;;
		h | H)
			last_hint=$(tools/student/hint.sh "$LESSON_ID" 2>&1)
			printf '\n%s\n' "$last_hint" ;;
		r | R) rerun=1 ;;
		esac
		if changed; then
			sleep 0.3 # an editor's save is several events; let them all land
			changed
			rerun=1
		fi
	done
done
