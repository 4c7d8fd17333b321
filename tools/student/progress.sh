#!/bin/bash
# progress.sh: `make progress`: every lesson in one table: suites passing and budgets met at the
# last `make lessonNN`, the last and best score of `make grade`, and the next step. It only
# reads files ($COURSE_STATE, default .course/): no build, no Valgrind. Three processes read
# everything (awk for the manifests, awk for the TAP files, jq for the reports), so ten
# lessons take as long as one: well under a second.
# usage: tools/student/progress.sh
set -u
. "$(dirname "$0")/common.sh"

declare -A title files suites budgets asan_ok status score
ids=()
# every lesson: id, title and student files, from each lesson.ini
for ini in lessons/[0-9][0-9]-*/lesson.ini; do
	[ -f "$ini" ] || continue
	id=${ini#lessons/}
	id=${id:0:2}
	values=$(ini_get "$ini" lesson.title lesson.student_files) || exit
	ids+=("$id")
	# English titles in either language: the table pads and cuts by bytes, and a Thai title
	# cut there would split a character
	title[$id]=${values%%$'\n'*}
	files[$id]=${values#*$'\n'}
done

# the next step has one owner, next_step.sh, which make and make doctor print too
overall=$(tools/student/next_step.sh --short)

# the last run of each lesson: suites and budgets of the normal run, and the sanitizer run
shopt -s nullglob
taps=("$STATE"/[0-9][0-9]-tests.tap "$STATE"/[0-9][0-9]-tests-asan.tap)
while read -r file pass run met measured; do
	id=${file##*/}
	id=${id:0:2}
	case "$file" in
	*-asan.tap) [ "$pass" = "$run" ] && [ "$run" -gt 0 ] && asan_ok[$id]=1 ;;
	*) suites[$id]="$pass $run" budgets[$id]="$met $measured" ;;
	esac
done < <([ ${#taps[@]} -gt 0 ] && tap_summary "${taps[@]}")

# the last grade of each lesson
reports=("$STATE"/[0-9][0-9]-grade.json)
while read -r file st sc; do
	id=${file##*/}
	id=${id:0:2}
	status[$id]=$st score[$id]=$sc
done < <([ ${#reports[@]} -gt 0 ] &&
	jq -r '"\(input_filename) \(.status) \(.score)"' "${reports[@]}" 2>/dev/null)

newer_than() { # newer_than FILE LESSON: a student file of LESSON changed after FILE
	local dir f
	for dir in lessons/"$2"-*; do
		for f in ${files[$2]}; do
			[ "$dir/$f" -nt "$1" ] && return 0
		done
	done
	return 1
}

# next_for NN: sets NEXT to what to do next in lesson NN, from its row's facts
next_for() {
	local id=$1 tap=$STATE/$1-tests.tap
	if [ -z "${suites[$id]:-}" ]; then
		NEXT="make lesson$id"
	elif ! lesson_passes "$id"; then
		NEXT="make lesson$id; make hint LESSON=$id"
	elif [ -z "${status[$id]:-}" ] || [ "$tap" -nt "$STATE/$id-grade.json" ]; then
		NEXT="make grade LESSON=$id"
	elif [ "${status[$id]}" != graded ]; then
		NEXT="make grade LESSON=$id (${status[$id]})"
	elif one_decimal "${score[$id]}" && [ "${score[$id]%.*}" -lt 95 ]; then
		NEXT="make compare LESSON=$id"
	else
		NEXT="done"
	fi
}

lesson_passes() { # every suite of the normal run and the sanitizer run passes
	local pass run
	read -r pass run <<<"${suites[$1]}"
	[ "$pass" = "$run" ] && [ "$run" -gt 0 ] && [ -n "${asan_ok[$1]:-}" ]
}

one_decimal() { # one_decimal VALUE: sets DECIMAL: 40 -> 40.0; "-" (and fails) if no number
	case "$1" in
	'' | *[!0-9.]*) DECIMAL=-; return 1 ;;
	*) printf -v DECIMAL '%.1f' "$1" ;;
	esac
}

printf '%-7s %-24s %-7s %-8s %6s %6s  %s\n' lesson title suites budgets last best next
stale=0
for id in "${ids[@]}"; do
	suite_cell=- budget_cell=- last=- best=-
	if [ -n "${suites[$id]:-}" ]; then
		read -r pass run <<<"${suites[$id]}"
		# the sanitizer run counts as one more suite
		suite_cell="$((pass + ${asan_ok[$id]:-0}))/$((run + 1))"
		if newer_than "$STATE/$id-tests.tap" "$id"; then
			suite_cell="$suite_cell*"
			stale=1
		fi
		read -r met measured <<<"${budgets[$id]}"
		[ "$measured" -gt 0 ] && budget_cell="$met/$measured"
	fi
	if [ -n "${status[$id]:-}" ]; then
		one_decimal "${score[$id]}"
		last=$DECIMAL
		[ "${status[$id]}" = graded ] || last=${status[$id]}
	fi
	[ -f "$STATE/$id-best" ] && read -r best <"$STATE/$id-best" && one_decimal "$best"
	[ -f "$STATE/$id-best" ] && best=$DECIMAL
	next_for "$id"
	next=$NEXT
	printf '%-7s %-24.24s %-7s %-8s %6s %6s  %s\n' "$id" "${title[$id]}" "$suite_cell" \
		"$budget_cell" "$last" "$best" "$next"
done
echo
[ "$stale" = 1 ] && say '* your file changed since that run: make lessonNN again to update it\n' \
	'* ไฟล์ของคุณเปลี่ยนไปหลังการรันนั้น: รัน make lessonNN อีกครั้งเพื่ออัปเดต\n'
say 'suites: fully passing / run (the sanitizer run counts as one); budgets: met / measured\n' \
	'suites: ผ่านทั้งหมด / ที่รัน (การรัน sanitizer นับเป็นหนึ่ง); budgets: ผ่าน / ที่วัด\n'
say 'Next: %s\n' 'ถัดไป: %s\n' "$overall"
