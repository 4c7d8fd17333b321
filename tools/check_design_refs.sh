#!/usr/bin/env bash
# check_design_refs.sh: every citation of DESIGN.md in the course resolves, so a comment cannot
# send its reader to a section that was renumbered or never written.
#
#   tools/check_design_refs.sh           every tracked text file (but DESIGN.md) that cites it
#   tools/check_design_refs.sh FILE...   only these files
#
# The citations it reads, in any file and split over two lines at most (a comment's leader,
# such as `#`, ` *` or `;`, is skipped on the second line):
#   DESIGN section N   DESIGN.md section N.M   `DESIGN.md`, section N
#       the numbered heading "## N." or "### N.M" must exist
#   ... section N, "Heading"   ... section N ("Heading")   ... section "Heading"
#       a heading inside that section (or anywhere) must contain the quoted text
#   ... section N, layer M
#       that section must have a "Layer M" (section 6.4's layers)
#   DESIGN.md, "Heading"
#       some heading must contain the quoted text
# Refused: "section" with no number or heading after it, and "DESIGN's" (say which section).
# A bare "DESIGN.md" names the file and needs nothing. Inside DESIGN.md, each "section N" or
# "section N.M" must exist too.
# Prints one line per unresolved citation as FILE:LINE: message. Exit 0 when all resolve, 1 when
# one does not (or, without FILE arguments, when no file cites DESIGN at all: the check must
# not pass vacuously), 2 for usage errors.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DESIGN=$ROOT/DESIGN.md
SELF=tools/check_design_refs.sh # spells out every form it reads: it cites nothing itself
[ -f "$DESIGN" ] || { echo "check_design_refs: $DESIGN is missing" >&2; exit 2; }

files=()
if [ $# -gt 0 ]; then
	for f in "$@"; do
		[ -f "$f" ] || { echo "check_design_refs: no such file: $f" >&2; exit 2; }
		files+=("$f")
	done
	must_cite=0
else
	# tracked files when this is a git checkout, else (the student edition) every file but
	# the build outputs and the student's own state
	if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		mapfile -d '' files < <(cd "$ROOT" && git ls-files -z |
			grep -zvE "^($SELF|DESIGN\.md)\$" |
			xargs -0 grep -lIZ 'DESIGN' -- 2>/dev/null | sed -z "s|^|$ROOT/|")
	else
		mapfile -d '' files < <(cd "$ROOT" && grep -rlIZ 'DESIGN' --exclude=DESIGN.md \
			--exclude="${SELF##*/}" --exclude-dir=build --exclude-dir=.course \
			--exclude-dir=.git . | sed -z "s|^\./|$ROOT/|")
	fi
	must_cite=1
fi

# awk reads DESIGN.md first (its sections, headings and layers), then each file in turn; each
# line is checked with the next one appended, so a citation split over two lines is read whole.
awk -v root="$ROOT/" -v must_cite="$must_cite" -v apos="'" -v nosuch="DESIGN.md has no section " '
function fail(file, line, msg) {
	sub("^" root, "", file)
	printf "%s:%d: %s\n", file, line, msg
	bad++
}
# the heading text (without its "##" and number) of section key, for messages
function has_heading(text, scope,   i) {
	for (i = 1; i <= n_heads; i++)
		if ((scope == "" || head_top[i] == scope || head_sub[i] == scope) &&
		    index(head_text[i], text) > 0)
			return 1
	return 0
}
function strip_leader(s) {
	sub(/^[ \t]*((\/\/|\/\*|\*|#|;|>|--)[ \t]*)?/, "", s)
	return s
}
# Checks the citation that starts right after "DESIGN" in t; what is the message prefix.
function check_citation(file, line, t, what,   num, q, h, layer, comma) {
	cited++
	if (substr(t, 1, 3) == ".md")
		t = substr(t, 4)
	if (substr(t, 1, 1) == "`")
		t = substr(t, 2)
	if (substr(t, 1, 2) == apos "s")
		return fail(file, line, "\"DESIGN" apos "s\": cite a section (DESIGN section N)")
	comma = substr(t, 1, 1) == ","
	sub(/^,?[ \t]*/, "", t)
	if (t ~ /^section([^a-z]|$)/) {
		t = substr(t, 8)
		sub(/^[ \t]*/, "", t)
		if (match(t, /^[0-9]+(\.[0-9]+)?/)) {
			num = substr(t, 1, RLENGTH)
			q = substr(t, RLENGTH + 1)
			if (!(num in section))
				return fail(file, line, what " section " num ": " nosuch num)
			sub(/^[ \t]*,?[ \t]*\(?[ \t]*/, "", q)
			if (match(q, /^"[^"]+"/)) {
				h = substr(q, 2, RLENGTH - 2)
				if (!has_heading(h, num))
					fail(file, line, what " section " num ", \"" h "\": " \
					     "no heading of section " num " contains \"" h "\"")
			} else if (match(q, /^[Ll]ayer [0-9]+/)) {
				layer = substr(q, 7, RLENGTH - 6)
				if (!((num SUBSEP layer) in layers))
					fail(file, line, what " section " num ", layer " layer \
					     ": section " num " of DESIGN.md has no layer " layer)
			}
			return
		}
		if (match(t, /^"[^"]+"/)) {
			h = substr(t, 2, RLENGTH - 2)
			if (!has_heading(h, ""))
				fail(file, line, what " section \"" h "\": no such heading")
			return
		}
		return fail(file, line, what " section: no number or quoted heading follows")
	}
	if (comma && match(t, /^"[^"]+"/)) {
		h = substr(t, 2, RLENGTH - 2)
		if (!has_heading(h, ""))
			fail(file, line, what ", \"" h "\": no heading contains \"" h "\"")
		return
	}
	cited-- # a bare mention of the file
}
# Every citation of DESIGN that starts on this line; next_line continues it.
function check_line(file, line, text, next_line,   rest, pos, before, after, window) {
	rest = text
	while (match(rest, /DESIGN/)) {
		pos = RSTART
		before = pos > 1 ? substr(rest, pos - 1, 1) : ""
		after = substr(rest, pos + 6, 1)
		window = substr(rest, pos + 6)
		rest = window
		if (before ~ /[A-Za-z0-9_]/ || after ~ /[A-Za-z0-9_]/)
			continue
		check_citation(file, line, window " " strip_leader(next_line), "DESIGN")
	}
}
function flush(   t) {
	if (held_file != "")
		check_line(held_file, held_line, held_text, "")
	held_file = ""
}
FNR == 1 { file_index++; flush() }
file_index == 1 {
	if ($0 ~ /^```/)
		fenced = !fenced
	if (!fenced && match($0, /^## [0-9]+\. /)) {
		top = substr($0, 4, RLENGTH - 5)
		sub_key = ""
		section[top] = 1
	} else if (!fenced && match($0, /^### [0-9]+\.[0-9]+ /)) {
		sub_key = substr($0, 5, RLENGTH - 5)
		section[sub_key] = 1
	}
	if (!fenced && $0 ~ /^##/) {
		head_text[++n_heads] = $0
		head_top[n_heads] = top
		head_sub[n_heads] = sub_key
	}
	if (match($0, /[Ll]ayer [0-9]+/)) {
		layer = substr($0, RSTART + 6, RLENGTH - 6)
		layers[top SUBSEP layer] = 1
		if (sub_key != "")
			layers[sub_key SUBSEP layer] = 1
	}
	# its own cross-references, checked once every section is known
	rest = $0
	while (match(rest, /[Ss]ection [0-9]+(\.[0-9]+)?/)) {
		own[++n_own] = substr(rest, RSTART + 8, RLENGTH - 8)
		own_line[n_own] = FNR
		rest = substr(rest, RSTART + RLENGTH)
	}
	next
}
{
	if (held_file != "")
		check_line(held_file, held_line, held_text, $0)
	held_file = FILENAME
	held_line = FNR
	held_text = $0
}
END {
	flush()
	for (i = 1; i <= n_own; i++)
		if (!(own[i] in section))
			fail(design, own_line[i], "section " own[i] ": " nosuch own[i])
	if (bad > 0) {
		printf "check_design_refs: %d citation(s) of DESIGN.md do not resolve\n", bad
		exit 1
	}
	if (must_cite && cited == 0) {
		print "check_design_refs: no file cites DESIGN.md: is the search broken?"
		exit 1
	}
	printf "check_design_refs: %d citation(s) of DESIGN.md resolve\n", cited
}
' design="$DESIGN" "$DESIGN" "${files[@]}"
