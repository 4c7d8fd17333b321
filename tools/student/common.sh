# shellcheck shell=bash disable=SC2034 # sets variables for the scripts that source it
# common.sh: sourced by the self-learner tools (tools/student/*.sh): where things are, which
# lesson is meant, and how to read a Criterion TAP file. Every tool runs from the course root.
#
# A student's own state lives in $COURSE_STATE (default .course/ at the course root): outside
# build/, so `make clean` keeps it, and outside version control (.gitignore). Tests point
# COURSE_STATE elsewhere so that `make test` never touches a student's progress.

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
STATE=${COURSE_STATE:-.course}
BUILD=build
LANG_CODE=$(tools/course_lang.sh) # th or en: which hints, titles and README the tools point to

# die TOOL WHAT [NEXT]: `tool: what failed: why` on stderr, the next step on its own line, exit 1.
die() {
	echo "$1: $2" >&2
	[ -n "${3:-}" ] && echo "  $3" >&2
	exit 1
}

ini_get() { # ini_get FILE SECTION.KEY...: values of a lesson.ini, read by the grader (grade ini)
	[ -x "$BUILD/grade" ] || die "${0##*/}" "the grader is not built: it reads lesson.ini" \
		"run 'make build' (or make lessonNN) first"
	"$BUILD/grade" ini "$@"
}

lesson_ids() { # every lesson id, in course order
	local d
	for d in lessons/[0-9][0-9]-*/; do
		[ -f "$d/lesson.ini" ] && basename "$d" | cut -c1-2
	done
}

# use_lesson TOOL [NN]: sets LESSON_ID, LESSON_DIR, LESSON_SLUG, LESSON_TITLE (the Thai one,
# title_th, when the tools speak Thai and the lesson has one), STUDENT_FILES.
# NN may be "1" or "01"; empty means the lesson built last (build/last-lesson), else 01.
use_lesson() {
	local tool=$1 id=${2:-}
	[ -n "$id" ] || id=$(cat "$BUILD/last-lesson" 2>/dev/null)
	[ -n "$id" ] || id=01
	LESSON_ID=$(tools/lesson_id.sh "$id") ||
		die "$tool" "not a lesson number: '$id'" "give LESSON=NN, e.g. LESSON=01"
	# shellcheck disable=SC2012 # lesson folders are named NN-slug
	LESSON_DIR=$(ls -d lessons/"$LESSON_ID"-* 2>/dev/null | head -n 1)
	[ -n "$LESSON_DIR" ] || die "$tool" "no lesson $LESSON_ID: no folder lessons/$LESSON_ID-*" \
		"run 'make help' for the list of lessons"
	LESSON_SLUG=${LESSON_DIR#lessons/}
	LESSON_TITLE=$(ini_get "$LESSON_DIR/lesson.ini" lesson.title) || exit
	if [ "$LANG_CODE" = th ]; then
		local th
		th=$(ini_get "$LESSON_DIR/lesson.ini" lesson.title_th) || exit
		[ -n "$th" ] && LESSON_TITLE=$th
	fi
	STUDENT_FILES=$(ini_get "$LESSON_DIR/lesson.ini" lesson.student_files) || exit
}

# say FORMAT_EN FORMAT_TH ARGS...: printf in the tools' language, the same arguments in both
say() {
	local format=$1
	[ "$LANG_CODE" = th ] && format=$2
	shift 2
	# shellcheck disable=SC2059 # the formats are the calling script's own
	printf "$format" "$@"
}

# in_course_lang FILE.md: FILE.th.md when the tools speak Thai and it exists, else FILE.md
in_course_lang() {
	if [ "$LANG_CODE" = th ] && [ -f "${1%.md}.th.md" ]; then echo "${1%.md}.th.md"; else echo "$1"; fi
}

# tap_results FILE [SUITES]: one line per test that ran: STATUS<tab>SUITE<tab>NAME<tab>MESSAGE
# with STATUS ok, FAIL or SKIP and MESSAGE the first failure line (or the skip reason). Tests a
# --filter left out (Criterion marks them "SKIP test was skipped") are not listed. SUITES, an
# extended regex, keeps only those suites. TAP, not Criterion's --json: 2.4.1 leaves the quotes
# inside messages unescaped, so its JSON breaks on `see README "Pre-sizing"` (Criterion #465).
tap_results() {
	awk -v suites="^(${2:-.*})$" '
		function flush() { if (name != "") print status "\t" suite "\t" name "\t" msg; name = "" }
		/^(not )?ok - / {
			flush()
			status = /^not ok/ ? "FAIL" : "ok"
			line = $0; sub(/^(not )?ok - /, "", line)
			msg = ""
			if (index(line, "# SKIP ")) {
				msg = substr(line, index(line, "# SKIP ") + 7); status = "SKIP"
				if (msg == "test was skipped") next
			}
			split(line, words, " "); full = words[1]
			rest = substr(line, length(full) + 2); sub(/^ +/, "", rest)
			if (status == "FAIL" && rest !~ /^\([0-9.]+s\)$/) msg = rest  # "unexpected signal after ..."
			suite = substr(full, 1, index(full, "::") - 1)
			name = substr(full, index(full, "::") + 2)
			if (suite !~ suites) name = ""
			next
		}
		name != "" && status == "FAIL" && msg == "" && /^      / && !/^      *(-|assertions:|failures:)/ {
			msg = $0; sub(/^ +/, "", msg); sub(/^Assertion failed: /, "", msg)
		}
		END { flush() }' "$1"
}

# tap_summary FILE...: one line per non-empty TAP file, in one process (make progress reads
# every lesson's results in well under a second): FILE SUITES_PASSING SUITES_RUN BUDGETS_MET
# BUDGETS_RUN. A suite passes when none of its tests failed; filtered-out tests do not count.
tap_summary() {
	awk '
		function flush(   s, np, n) {
			if (file == "") return
			np = 0; n = 0
			for (s in bad) { n++; if (!bad[s]) np++ }
			printf "%s %d %d %d %d\n", file, np, n, bp, bn
			split("", bad); bp = 0; bn = 0
		}
		FNR == 1 { flush(); file = FILENAME }
		/^(not )?ok - / {
			if ($0 ~ /# SKIP test was skipped$/) next
			full = $0; sub(/^(not )?ok - /, "", full); sub(/ .*/, "", full)
			suite = substr(full, 1, index(full, "::") - 1)
			failed = $0 ~ /^not ok/
			skipped = $0 ~ /# SKIP /
			if (!(suite in bad)) bad[suite] = 0
			if (failed) bad[suite] = 1
			if (suite == "budget" && !skipped) { bn++; if (!failed) bp++ }
		}
		END { flush() }' "$@" 2>/dev/null
}

# count_results: reads tap_results lines, prints "PASSED RAN SKIPPED" (skips do not count as run).
count_results() {
	awk -F '\t' '$1 == "ok" { p++ } $1 != "SKIP" { n++ } $1 == "SKIP" { s++ }
		END { printf "%d %d %d\n", p, n, s }'
}

# grade_score FILE: "STATUS SCORE" from a JSON report, nothing if there is none.
grade_score() {
	[ -f "$1" ] && jq -r '"\(.status) \(.score)"' "$1" 2>/dev/null
}

# lesson_state NN: sets LS_TESTS (none|fail|pass), LS_STALE (1 when the student file changed
# since the last run), LS_GRADE (none, or the last score), LS_STATUS (the grade's status).
lesson_state() {
	local id=$1 tap=$STATE/$1-tests.tap asan=$STATE/$1-tests-asan.tap dir f line
	LS_TESTS=none LS_STALE=0 LS_GRADE=none LS_STATUS=
	if [ -f "$tap" ]; then
		LS_TESTS=fail
		# pass: every suite of the normal run and of the sanitizer run passes
		if [ "$(tap_summary "$tap" "$asan" |
			awk '$2 == $3 && $3 > 0 { ok++ } END { print ok + 0 }')" = 2 ]; then
			LS_TESTS=pass
		fi
		for dir in lessons/"$id"-*; do
			for f in $(ini_get "$dir/lesson.ini" lesson.student_files); do
				[ "$dir/$f" -nt "$tap" ] && LS_STALE=1
			done
		done
	fi
	line=$(grade_score "$STATE/$id-grade.json")
	if [ -n "$line" ]; then
		LS_STATUS=${line% *}
		LS_GRADE=${line#* }
	fi
}

# use_color: 0 when stdout is a terminal and NO_COLOR is unset or empty.
use_color() {
	[ -t 1 ] && [ -z "${NO_COLOR:-}" ]
}
