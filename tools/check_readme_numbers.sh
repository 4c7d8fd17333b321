#!/bin/bash
# check_readme_numbers.sh: checks the numbers a lesson README quotes against what the course
# measures now, so the text cannot drift from the code.
#
#   tools/check_readme_numbers.sh lessons/NN-slug/README.md...
#
# Two kinds of Markdown table are checked:
#  - measured tables: a header with the cells `instructions`, `allocations` and `peak heap`, in
#    that order (other columns may follow). Each row names an implementation by a backticked
#    path in its first cell (a file, a folder, or a variant: a folder of patches that
#    tools/variant.sh makes); the script grades it (build/grade --lesson NN --impl PATH --format
#    json --quiet) and each count must be within 10% of the measured value (allocations: or
#    within 2). Counts are written 2.92e8 or 292,366,420; peak heap as bytes, 97.4 KiB or 1.2 MiB.
#  - budget tables: a header with `budget` and `zero point` cells; the first cell of each row
#    names a metric of lesson.ini. The columns kind, direction, weight, zero point, budget,
#    limit, cap points, tolerance and batch must equal lesson.ini's [metric.NAME] values ("–"
#    where lesson.ini has no such key), and every metric of lesson.ini needs a row.
# A Thai README (README.th.md) is read with the header rows of its English README.md: the n-th
# table takes the n-th English table's header (check_translation.sh keeps the tables in the same
# order), so translated column names still say which column holds what. Its other cells are
# read as they are: metric names and lesson.ini values (scored, report, –) stay as in English.
# Prints one line per checked cell. Exit 0 when every cell agrees, 1 when one does not or a
# README has no table of either kind (it could not pass vacuously), 2 for usage errors.
set -u

usage() {
	echo "usage: tools/check_readme_numbers.sh lessons/NN-slug/README.md..." >&2
	exit 2
}
[ $# -ge 1 ] || usage

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/json_holds.sh
. "$ROOT/tools/json_holds.sh"
GRADE=$ROOT/build/grade
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
command -v jq >/dev/null || { echo "check_readme_numbers: jq is missing: run 'make deps'" >&2; exit 2; }
[ -x "$GRADE" ] || { echo "check_readme_numbers: $GRADE is missing: run 'make build'" >&2; exit 2; }

FAILED=0
CHECKED=0

ok() { CHECKED=$((CHECKED + 1)); printf 'ok    %s\n' "$*"; }
bad() { CHECKED=$((CHECKED + 1)); FAILED=1; printf 'FAIL  %s\n' "$*"; }

trim() { # trim TEXT: without surrounding blanks and Markdown emphasis or backticks
	local s=$1
	s=${s//\`/}
	s=${s//\*/}
	s="${s#"${s%%[![:space:]]*}"}"
	s="${s%"${s##*[![:space:]]}"}"
	printf '%s' "$s"
}

split_row() { # split_row LINE: fills CELLS with the cells of a Markdown table row, untrimmed
	local line=$1
	line="${line#"${line%%[![:space:]]*}"}"
	line=${line#|}
	line="${line%"${line##*[![:space:]]}"}"
	line=${line%|}
	IFS='|' read -r -a CELLS <<<"$line"
}

# {=== numbers: parsing the way the README may write them ===}

count_value() { # count_value CELL: prints the count as a plain number, or fails
	local c
	c=$(trim "$1")
	if [[ $c =~ ^[0-9]{1,3}(,[0-9]{3})+$ || $c =~ ^[0-9]+$ ]]; then
		printf '%s' "${c//,/}"
	elif [[ $c =~ ^[0-9]+(\.[0-9]+)?e[0-9]+$ ]]; then
		awk -v v="$c" 'BEGIN { printf "%.0f", v + 0 }'
	else
		return 1
	fi
}

bytes_value() { # bytes_value CELL: prints a size in bytes (97.4 KiB, 1.2 MiB, 99,688, 99688 B)
	local c
	c=$(trim "$1")
	if [[ $c =~ ^([0-9]+(\.[0-9]+)?)\ ?(KiB|MiB|B)$ ]]; then
		awk -v v="${BASH_REMATCH[1]}" -v u="${BASH_REMATCH[3]}" \
			'BEGIN { printf "%.0f", v * (u == "KiB" ? 1024 : u == "MiB" ? 1048576 : 1) }'
	elif [[ $c =~ ^[0-9]{1,3}(,[0-9]{3})+$ || $c =~ ^[0-9]+$ ]]; then
		printf '%s' "${c//,/}"
	else
		return 1
	fi
}

within() { # within QUOTED MEASURED SLACK: |q - m| <= 10% of m, or <= SLACK
	awk -v q="$1" -v m="$2" -v s="$3" 'BEGIN { d = q - m; if (d < 0) d = -d; exit !(d <= 0.10 * m || d <= s) }'
}

off_by() { # off_by QUOTED MEASURED: the relative difference, as a percentage
	awk -v q="$1" -v m="$2" 'BEGIN { printf "%+.1f%%", m == 0 ? 0 : 100 * (q - m) / m }'
}

# }===

# {=== measured tables ===}

measure() { # measure LESSON PATH: the grader's JSON report of PATH in $TMP, graded once per path
	local key
	key=$(printf '%s' "$1:$2" | sha256sum | cut -c1-16)
	if [ ! -f "$TMP/$key.json" ]; then
		# lesson.ini's seed, pinned: a lesson with draw_seed = yes grades on a drawn one
		local seed
		seed=$("$GRADE" ini "$(echo "$ROOT"/lessons/"$1"-*/lesson.ini)" workload.seed)
		# a variant (a folder of patches: steps, the partial solution) is made first; the
		# reference's files stand for the student files it leaves as they are
		local impls=(--impl "$2") solution
		if compgen -G "$ROOT/$2/*.patch" >/dev/null; then
			local made
			made=$(cd "$ROOT" && tools/variant.sh "$2" "$TMP/variants/$key") ||
				{ echo 2 >"$TMP/$key.rc"; REPORT=$TMP/$key.json; return 1; }
			impls=(--impl "$made")
		fi
		# a file of the course's solutions: the reference's files stand for the others
		solution=$(grep -oE '^solutions/[0-9]{2}-[^/]+' <<<"$2")
		[ -n "$solution" ] && [ "$solution" != "$2" ] && impls+=(--impl "$solution")
		(cd "$ROOT" && "$GRADE" --lesson "$1" "${impls[@]}" --format json --quiet --no-wall \
			${seed:+--seed "$seed"}) \
			>"$TMP/$key.json" 2>"$TMP/$key.err"
		echo $? >"$TMP/$key.rc"
	fi
	REPORT=$TMP/$key.json
	[ "$(cat "$TMP/$key.rc")" = 0 ] && json_holds '.status == "graded"' "$REPORT" >/dev/null 2>&1
}

check_measured_row() { # check_measured_row WHERE LESSON LINE: one row of a measured table
	local where=$1 lesson=$2 line=$3
	split_row "$line"
	local path
	if [[ ${CELLS[0]} =~ \`([^\`]+)\` ]]; then
		path=${BASH_REMATCH[1]}
	else
		bad "$where: no backticked path in the first cell, so its numbers cannot be checked"
		return
	fi
	# The skeleton may fail its task suite (tests_failed: not measured as a student), but every
	# grading measures it: read its numbers from the reference's report.
	local field=student graded_path=$path
	if [[ $path =~ ^(solutions/[0-9][0-9]-[^/]+)/skeleton(/[^/]*)?$ ]]; then
		field=skeleton
		graded_path=${BASH_REMATCH[1]}
	fi
	if ! measure "$lesson" "$graded_path"; then
		bad "$where: grading '$path' failed: $(jq -r '.status + ": " + (.reason // "")' "$REPORT" 2>/dev/null || head -n 3 "${REPORT%.json}.err")"
		return
	fi
	local i metric column quoted measured slack
	for i in "${!COLUMN_METRIC[@]}"; do
		metric=${COLUMN_METRIC[$i]}
		column=${COLUMN_NAME[$i]}
		measured=$(jq -r --arg m "$metric" --arg f "$field" '.metrics[] | select(.name == $m) | .[$f]' "$REPORT")
		if [ -z "$measured" ] || [ "$measured" = null ]; then
			bad "$where: $column of '$path': the grader reports no '$metric'"
			continue
		fi
		if [ "$metric" = peak_heap ]; then
			quoted=$(bytes_value "${CELLS[$i]:-}") ||
				{ bad "$where: $column of '$path': cannot read '$(trim "${CELLS[$i]:-}")' (write bytes, 97.4 KiB or 1.2 MiB)"; continue; }
		else
			quoted=$(count_value "${CELLS[$i]:-}") ||
				{ bad "$where: $column of '$path': cannot read '$(trim "${CELLS[$i]:-}")' (write 2.92e8 or 292,366,420)"; continue; }
		fi
		slack=0
		[ "$metric" = allocations ] && slack=2
		if within "$quoted" "$measured" "$slack"; then
			ok "$where: $column of '$path': quoted $(trim "${CELLS[$i]}"), measured $measured ($(off_by "$quoted" "$measured"))"
		else
			bad "$where: $column of '$path': quoted $(trim "${CELLS[$i]}"), measured $measured ($(off_by "$quoted" "$measured"), allowed 10%)"
		fi
	done
}

# }===

# {=== budget tables ===}

declare -A INI=()
load_ini() { # load_ini FILE: INI["section/key"]=value for every setting, read by the grader
	INI=()
	local setting lines key section
	lines=$("$GRADE" ini "$1") || return 1
	while IFS= read -r setting; do
		key=${setting%%=*}
		section=
		[[ $key == *.* ]] && section=${key%.*}
		INI["$section/${key##*.}"]=${setting#*=}
	done <<<"$lines"
}

ini_key_of() { # ini_key_of HEADER: the lesson.ini key a budget-table column shows, or nothing
	case $1 in
	kind) echo kind ;;
	direction) echo direction ;;
	weight) echo weight ;;
	"zero point" | zero_point) echo zero_point ;;
	budget) echo budget ;;
	limit | "limit ratio" | limit_ratio) echo limit_ratio ;;
	"cap points" | cap_points) echo cap_points ;;
	tolerance) echo tolerance ;;
	batch) echo batch ;;
	esac
}

same_value() { # same_value TABLE INI: equal as numbers (1.7e7 = 17,000,000), else as text
	local t=${1//,/} i=$2
	if [[ $t =~ ^[0-9.]+(e[0-9]+)?$ && $i =~ ^[0-9.]+(e[0-9]+)?$ ]]; then
		awk -v a="$t" -v b="$i" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-9 * (b < 0 ? -b : b)) }'
	else
		[ "$t" = "$i" ]
	fi
}

check_budget_row() { # check_budget_row WHERE LINE: one row of a budget table
	local where=$1
	split_row "$2"
	local metric
	metric=$(trim "${CELLS[0]}")
	SEEN_METRICS+=" $metric "
	if [ -z "${INI[metric.$metric/kind]+x}" ]; then
		bad "$where: metric '$metric' has no [metric.$metric] section with a kind in lesson.ini"
		return
	fi
	local i key cell value
	for i in "${!BUDGET_KEY[@]}"; do
		key=${BUDGET_KEY[$i]}
		cell=$(trim "${CELLS[$i]:-}")
		[[ $cell = "–" || $cell = "-" || $cell = "—" ]] && cell=
		value=${INI[metric.$metric/$key]:-}
		if [ -z "$cell" ] && [ -z "$value" ]; then
			continue
		elif [ -n "$cell" ] && [ -n "$value" ] && same_value "$cell" "$value"; then
			ok "$where: $metric $key: README $cell, lesson.ini $value"
		else
			bad "$where: $metric $key: README '${cell:-–}', lesson.ini '${value:-(none)}'"
		fi
	done
}

# }===

# table_headers FILE: the header row of each table outside code blocks, one per line, in order
table_headers() {
	awk '/^[ \t]*```/ { fenced = !fenced } fenced || !/^[ \t]*\|/ { intable = 0; next }
		!intable { intable = 1; print }' "$1"
}

check_readme() { # check_readme FILE
	local readme=$1 dir lesson slug
	dir=$(cd "$(dirname "$readme")" && pwd)
	slug=$(basename "$dir")
	lesson=${slug%%-*}
	if ! [[ $lesson =~ ^[0-9][0-9]$ ]] || [ ! -f "$dir/lesson.ini" ]; then
		echo "check_readme_numbers: $readme is not in a lessons/NN-slug/ folder with a lesson.ini" >&2
		exit 2
	fi
	load_ini "$dir/lesson.ini" || exit 2
	local rel=${readme#"$ROOT"/} n=0 fenced=0 kind='' measured_tables=0 budget_tables=0 line
	local -a english_headers=()
	local tables=0
	if [[ $readme == *.th.md ]]; then
		[ -f "${readme%.th.md}.md" ] || { bad "$rel: no English ${readme##*/}"; return; }
		mapfile -t english_headers < <(table_headers "${readme%.th.md}.md")
	fi
	SEEN_METRICS=
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		[[ $line =~ ^[[:space:]]*\`\`\` ]] && fenced=$((1 - fenced))
		if [ $fenced = 1 ] || ! [[ $line =~ ^[[:space:]]*\| ]]; then
			kind=
			continue
		fi
		if [ -z "$kind" ]; then # a header row: which kind of table is this?
			kind=other
			tables=$((tables + 1))
			if [[ $readme == *.th.md ]]; then
				if [ $tables -gt ${#english_headers[@]} ]; then
					bad "$rel:$n: table $tables has no English counterpart (run tools/check_translation.sh)"
					continue
				fi
				line=${english_headers[$((tables - 1))]}
			fi
			split_row "$line"
			COLUMN_METRIC=() COLUMN_NAME=() BUDGET_KEY=()
			local i h order=
			for i in "${!CELLS[@]}"; do
				h=$(trim "${CELLS[$i]}")
				h=${h,,}
				case $h in
				*instructions*) COLUMN_METRIC[i]=instructions COLUMN_NAME[i]=instructions order+=i ;;
				*allocations*) COLUMN_METRIC[i]=allocations COLUMN_NAME[i]=allocations order+=a ;;
				*"peak heap"*) COLUMN_METRIC[i]=peak_heap COLUMN_NAME[i]="peak heap" order+=p ;;
				esac
				[ -n "$(ini_key_of "$h")" ] && BUDGET_KEY[i]=$(ini_key_of "$h")
			done
			if [ "$order" = iap ]; then
				kind=measured
				measured_tables=$((measured_tables + 1))
			elif [[ $order == *i* && $order == *a* && $order == *p* ]]; then
				bad "$rel:$n: the columns instructions, allocations, peak heap must come in that order"
			elif [[ " ${BUDGET_KEY[*]} " == *" budget "* && " ${BUDGET_KEY[*]} " == *" zero_point "* ]]; then
				kind=budget
				budget_tables=$((budget_tables + 1))
			fi
			continue
		fi
		[[ $line =~ ^[[:space:]|:-]+$ ]] && continue # the separator row
		case $kind in
		measured) check_measured_row "$rel:$n" "$lesson" "$line" ;;
		budget) check_budget_row "$rel:$n" "$line" ;;
		esac
	done <"$readme"

	[ $measured_tables -gt 0 ] ||
		bad "$rel: no table with the columns instructions, allocations, peak heap: nothing was checked"
	if [ $budget_tables -eq 0 ]; then
		bad "$rel: no budget table (columns budget and zero point) to check against lesson.ini"
	else
		local key metric
		for key in "${!INI[@]}"; do
			[[ $key =~ ^metric\.([^/]+)/kind$ ]] || continue
			metric=${BASH_REMATCH[1]}
			[[ $SEEN_METRICS == *" $metric "* ]] ||
				bad "$rel: lesson.ini has [metric.$metric], the budget table has no row for it"
		done
	fi
}

for readme in "$@"; do
	[ -f "$readme" ] || { echo "check_readme_numbers: cannot read '$readme'" >&2; exit 2; }
	check_readme "$(cd "$(dirname "$readme")" && pwd)/$(basename "$readme")"
done
if [ $FAILED = 0 ]; then
	echo "check_readme_numbers: $CHECKED cells agree"
else
	echo "check_readme_numbers: some cells disagree (FAIL lines above); fix the README or the code"
fi
exit $FAILED
