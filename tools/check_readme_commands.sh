#!/bin/bash
# check_readme_commands.sh [FILE...]: every command that README.md, course.md and the lesson
# READMEs show, in English and in Thai (their .th.md), must work in the edition they ship in (full
# course or student edition), or be marked "full course only" (in Thai: "เฉพาะคอร์สฉบับเต็ม") on its line (for a code block: on the line before the block, or in a
# comment on the command's line). Commands are the lines of sh/bash/console/unlabelled code
# blocks that start with make, build/grade, tools/ or "$ ", and inline code spans that start
# with `make ` or `build/grade `. Placeholders become lesson 01 (NN, lessonNN) and a
# synopsis's [optional] parts are dropped. What each check does:
#   run   make help, make progress, make doctor, build/grade --help: run for real (read only;
#         COURSE_STATE may point elsewhere)
#   dry   any other make command: `make -n` must succeed (the target exists and every file it
#         needs exists or has a rule); build/grade: --lesson names a lesson, every --impl and
#         every other path argument exists; other commands: their path arguments exist
#   skip  marked full course only, in the student edition (solutions/*/obj/ present)
# Prints one line per command and exits 1 if any fails.
set -u
cd "$(dirname "$0")/.." || exit 2

edition=full
compgen -G 'solutions/*/obj' >/dev/null && edition=student
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
	files=(README.md course.md lessons/[0-9][0-9]-*/README.md)
	# the Thai counterparts that exist; check_translation.sh fails for a missing one
	for f in "${files[@]}"; do
		[ -f "${f%.md}.th.md" ] && files+=("${f%.md}.th.md")
	done
fi

# extract: FILE<TAB>LINE<TAB>MARKED<TAB>COMMAND. Each file is read twice: the first pass keeps
# its lines, so an inline command is marked by its own line or the one before or after it.
extract() {
	local f
	for f in "$@"; do extract_one "$f"; done
}
extract_one() {
	awk -v OFS='\t' '
	function marked(s) { return tolower(s) ~ /full[ -]course only|in the full course only|เฉพาะคอร์สฉบับเต็ม/ }
	FNR == NR { text[FNR] = $0; next }
	/^```/ {
		if (!inblock) {
			lang = substr($0, 4); inblock = 1
			shell = lang == "" || lang ~ /^(sh|bash|console|shell)$/
			blockmark = marked(prevtext)
		} else inblock = 0
		prev = $0; next
	}
	inblock && shell {
		line = $0; sub(/^[ \t]+/, "", line)
		if (line ~ /^\$ /) line = substr(line, 3)
		if (line ~ /^(make|build\/grade|tools\/|gcc|sbatch) /)
			print FILENAME, FNR, (blockmark || marked($0)), line
		prev = $0; next
	}
	!inblock {
		rest = $0
		while (match(rest, /`(make|build\/grade) [^`]*`/)) {
			print FILENAME, FNR, marked($0) || marked(prev) || marked(text[FNR + 1]),
				substr(rest, RSTART + 1, RLENGTH - 2)
			rest = substr(rest, RSTART + RLENGTH)
		}
	}
	{ prev = $0; if ($0 ~ /[^ \t]/) prevtext = $0 }' "$1" "$1"
}

exists() { # exists PATH DOC_DIR: relative to the course root or to the document's folder
	[ -e "$1" ] || [ -e "$2/$1" ]
}

# check_paths DOC_DIR WORD...: every path-like word exists; output options and redirections skip
check_paths() {
	local dir=$1 skip_next=0 w
	shift
	for w in "$@"; do
		if [ $skip_next = 1 ]; then
			skip_next=0
			continue
		fi
		case "$w" in
		'|' | '&&' | ';') return 0 ;; # what follows is another program's business
		--json-out | --out | --junit | --tap | --keep-dir | -o | '>' | '2>') skip_next=1 ;;
		'>'* | '2>'* | -* | *://* | *'*'* | *'<'* | *'{'*) ;;
		*/*) exists "$w" "$dir" || { echo "no such file: $w"; return 1; } ;;
		esac
	done
}

check_grade() { # check_grade DOC_DIR WORD...
	local dir=$1 prev='' w
	shift
	for w in "$@"; do
		if [ "$prev" = --lesson ]; then
			compgen -G "lessons/$w-*" >/dev/null || { echo "no lesson $w"; return 1; }
		fi
		prev=$w
	done
	check_paths "$dir" "$@"
}

status=0 runs=0 dries=0 skips=0 fails=0
declare -A seen # command -> "how rc output": a command shown many times is checked once
while IFS=$'\t' read -r file line mark cmd; do
	# placeholders: lesson 01; a synopsis's [optional] parts and "..." go
	cmd=$(printf '%s' "$cmd" | sed -e 's/#.*//' -e 's/lessonNN/lesson01/g' -e 's/\bNN\b/01/g' \
		-e 's/NN-slug/01-zero-allocation/g' -e 's/\[[^]]*\]//g' -e 's/\.\.\.//g' -e 's/[[:space:]]*$//')
	where="$file:$line"
	if [ "$mark" = 1 ] && [ $edition = student ]; then
		printf 'skip  %-40s %s (full course only)\n' "$where" "$cmd"
		skips=$((skips + 1))
		continue
	fi
	read -r -a words <<<"$cmd"
	dir=$(dirname "$file")
	how=dry
	key="$dir|$cmd"
	if [ -n "${seen[$key]:-}" ]; then
		how=${seen[$key]%% *}
		rc=${seen[$key]#* }
		out=${rc#* }
		rc=${rc%% *}
	else
	case "$cmd" in
	'make help' | 'make progress' | 'make doctor' | 'make' | 'build/grade --help')
		how=run
		out=$(env -u MAKEFLAGS -u MAKELEVEL "${words[@]}" 2>&1)
		;;
	make*)
		out=$(env -u MAKEFLAGS -u MAKELEVEL make -n --no-print-directory "${words[@]:1}" 2>&1)
		;;
	build/grade*)
		out=$(check_grade "$dir" "${words[@]:1}")
		;;
	*)
		out=$(check_paths "$dir" "${words[@]:1}")
		;;
	esac
	rc=$?
	seen[$key]="$how $rc $out"
	fi
	if [ "$rc" -eq 0 ]; then
		printf '%-4s  %-40s %s\n' "$how" "$where" "$cmd"
		[ "$how" = run ] && runs=$((runs + 1)) || dries=$((dries + 1))
	else
		printf 'FAIL  %-40s %s\n' "$where" "$cmd"
		printf '%s\n' "$out" | tail -n 3 | sed 's/^/      | /'
		fails=$((fails + 1))
		status=1
	fi
done < <(extract "${files[@]}")
echo "$edition edition: $runs run, $dries checked without running, $skips full course only, $fails failed"
exit $status
