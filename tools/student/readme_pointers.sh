#!/bin/sh
# readme_pointers.sh LESSON_DIR: copies stdin to stdout; when the tools speak Thai
# (tools/course_lang.sh) and the lesson has a README.th.md, a test's pointer to a section,
# `see README "Pre-sizing"` or `README "Pre-sizing"`, becomes `ดู README.th.md "<that section in
# Thai>"`. The tests quote the English heading; check_translation.sh keeps the Thai README's
# headings in the same order, so the heading at the same position is the same section. A test
# may name a heading by its first words (`README "ABA"` for "ABA, and the Treiber stack"); a
# pointer to no heading of the English README keeps its words and points to README.th.md.
dir=${1:?usage: readme_pointers.sh LESSON_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$("$root/tools/course_lang.sh")" != th ] || [ ! -f "$dir/README.th.md" ] || [ ! -f "$dir/README.md" ]; then
	exec cat
fi
# Headings outside code blocks, in order: the same walk as check_translation.sh's.
headings() {
	awk '/^[ \t]*(```|~~~)/ { fenced = !fenced; next }
		!fenced && /^#+ / && index($0, " ") <= 7 { sub(/^#+ +/, ""); print }' "$1"
}
headings "$dir/README.md" >"${TMPDIR:-/tmp}/readme-pointers-en.$$"
headings "$dir/README.th.md" >"${TMPDIR:-/tmp}/readme-pointers-th.$$"
trap 'rm -f "${TMPDIR:-/tmp}/readme-pointers-en.$$" "${TMPDIR:-/tmp}/readme-pointers-th.$$"' EXIT
awk -v enfile="${TMPDIR:-/tmp}/readme-pointers-en.$$" -v thfile="${TMPDIR:-/tmp}/readme-pointers-th.$$" '
	BEGIN {
		while ((getline line < enfile) > 0) en[++n] = line
		while ((getline line < thfile) > 0) th[++m] = line
		for (i = 1; i <= n && i <= m; i++) if (!(en[i] in thai)) thai[en[i]] = th[i]
	}
	function in_thai(name, i, next_char) {
		if (name in thai) return thai[name]
		for (i = 1; i <= n && i <= m; i++) {
			next_char = substr(en[i], length(name) + 1, 1)
			if (substr(en[i], 1, length(name)) == name && next_char ~ /^[,:;( ]$/) return th[i]
		}
		return name
	}
	{
		out = ""; rest = $0
		while (match(rest, /(see )?README "[^"]*"/)) {
			ref = substr(rest, RSTART, RLENGTH)
			name = substr(ref, index(ref, "\"") + 1); name = substr(name, 1, length(name) - 1)
			out = out substr(rest, 1, RSTART - 1) (ref ~ /^see / ? "ดู " : "") \
				"README.th.md \"" in_thai(name) "\""
			rest = substr(rest, RSTART + RLENGTH)
		}
		print out rest
		fflush()
	}'
