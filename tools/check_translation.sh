#!/bin/bash
# check_translation.sh [ENGLISH.md...]: every English teaching file has its Thai counterpart
# (X.md beside X.th.md) and the two say the same things where a reader could tell them apart.
# Without arguments: README.md, course.md, lessons/*/README.md and lessons/*/hints.md, where a
# missing counterpart is an error. The rules, compared element by element in file order:
#   links     the English first line is `English · [ภาษาไทย](X.th.md)`, the Thai first line
#             `[English](X.md) · ภาษาไทย`
#   headings  the same count, levels and order; the text may be translated, but its `code`
#             spans and its numbers must be the same
#   tables    the same tables, rows and columns; in every cell the same `code` spans and the
#             same numbers (1,023 2.92e8 97.4 x86-64 ...); the words may be translated
#   code      every fenced code block byte for byte, its fence lines included
#   hints     hints files: the same number of `## Hint N` sections (hint.sh reads that heading,
#             so the Thai file keeps it as is)
# The numbers a lesson README quotes are checked against the grader by check_readme_numbers.sh,
# which reads the Thai READMEs too (course_test.sh). A failure names the file, its line and the
# English section it belongs to. Exit 0 when all agree, 1 when one does not, 2 for usage errors.
set -u
cd "$(dirname "$0")/.." || exit 2

files=("$@")
[ ${#files[@]} -gt 0 ] || files=(README.md course.md lessons/[0-9][0-9]-*/README.md lessons/[0-9][0-9]-*/hints.md)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILED=0
bad() { FAILED=1; printf 'FAIL  %s\n' "$*"; }

# skeleton FILE: one line per element: LINE<TAB>SECTION<TAB>KIND<TAB>WHAT MUST MATCH. Bytes, not
# characters (LC_ALL=C): Thai is UTF-8, and only ASCII is compared.
skeleton() {
	LC_ALL=C awk -v OFS='\t' '
	function spans(s, out) {
		out = ""
		while (match(s, /`[^`]*`/)) { out = out " " substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH) }
		return out
	}
	function numbers(s, out, n) {
		gsub(/`[^`]*`/, " ", s)
		out = ""
		while (match(s, /[0-9]+([.,][0-9]+)*(e[-+]?[0-9]+)?/)) {
			out = out " " substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
		}
		return out
	}
	function what(s) { return "code[" spans(s) " ] numbers[" numbers(s) " ]" }
	FNR == 1 { next } # the link line: checked on its own
	/^[ \t]*(```|~~~)/ { fenced = !fenced; print FNR, section, "code", $0; next }
	fenced { print FNR, section, "code", $0; next }
	/^#+ / && index($0, " ") <= 7 {
		level = index($0, " ") - 1
		section = $0; sub(/^#+ +/, "", section)
		print FNR, section, "h" level, what(section)
		next
	}
	/^[ \t]*\|/ {
		row = $0; gsub(/\\\|/, "\001", row); sub(/^[ \t]*\|/, "", row); sub(/\|[ \t]*$/, "", row)
		n = split(row, cells, "|")
		if (row ~ /^[ \t|:-]+$/) { print FNR, section, "table", n " columns, separator"; next }
		out = n " columns:"
		for (i = 1; i <= n; i++) out = out " | " what(cells[i])
		print FNR, section, "table", out
	}' "$1"
}

# compare EN TH: element by element. Elements of one kind that differ are all named; when the
# kinds differ the structure has shifted, and what follows would only repeat it.
compare() {
	skeleton "$1" >"$TMP/en"
	skeleton "$2" >"$TMP/th"
	LC_ALL=C awk -F '\t' -v en="$1" -v th="$2" '
	FNR == NR { el[++n] = $1; es[n] = $2; ek[n] = $3; ew[n] = $4; ecount[substr($3, 1, 1)]++; next }
	{ tl[++m] = $1; tk[m] = $3; tw[m] = $4; tcount[substr($3, 1, 1)]++ }
	function counts(c) { return (c["h"] + 0) " headings, " (c["t"] + 0) " table rows, " (c["c"] + 0) " code lines" }
	function where(i) { return th ":" (i <= m ? tl[i] : "end") ": section \"" (i <= n ? es[i] : es[n]) "\" (" en ":" (i <= n ? el[i] : "end") ")" }
	function name(k) { return k == "code" ? "code block line" : k == "table" ? "table row" : k ~ /^h/ ? "heading (level " substr(k, 2) ")" : "nothing" }
	END {
		for (i = 1; i <= (n > m ? n : m); i++) {
			if (ek[i] != tk[i]) {
				printf "FAIL  %s: the English has a %s here, the Thai a %s: add, remove or move it to match\n", where(i), name(ek[i]), name(tk[i])
				printf "        English: %s; Thai: %s\n", counts(ecount), counts(tcount)
				bad = 1
				break
			}
			if (ew[i] != tw[i]) {
				printf "FAIL  %s: %s differs\n        English: %s\n        Thai:    %s\n", where(i), name(ek[i]), ew[i], tw[i]
				bad = 1
			}
		}
		exit bad
	}' "$TMP/en" "$TMP/th"
}

checked=0
for en in "${files[@]}"; do
	case $en in
	*.th.md | *[!.]md | *[!m]d | *[!d]) echo "check_translation: '$en' is not an English .md file" >&2; exit 2 ;;
	esac
	[ -f "$en" ] || { echo "check_translation: cannot read '$en'" >&2; exit 2; }
	base=$(basename "$en" .md)
	th=${en%.md}.th.md
	if [ ! -f "$th" ]; then
		bad "$th: missing: every English teaching file has a Thai counterpart (translate $en)"
		continue
	fi
	checked=$((checked + 1))
	[ "$(head -n 1 "$en")" = "English · [ภาษาไทย]($base.th.md)" ] ||
		bad "$en:1: the first line must be 'English · [ภาษาไทย]($base.th.md)'"
	[ "$(head -n 1 "$th")" = "[English]($base.md) · ภาษาไทย" ] ||
		bad "$th:1: the first line must be '[English]($base.md) · ภาษาไทย'"
	compare "$en" "$th" || FAILED=1
	if [ "$base" = hints ]; then
		want=$(grep -c '^## Hint [0-9]' "$en")
		got=$(grep -c '^## Hint [0-9]' "$th")
		[ "$want" = "$got" ] || bad "$th: $got '## Hint N' sections, $en has $want"
	fi
done
if [ $FAILED = 0 ]; then
	echo "check_translation: $checked Thai files match their English"
else
	echo "check_translation: the Thai and English differ (FAIL lines above): carry the change over"
fi
exit $FAILED
