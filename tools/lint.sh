#!/usr/bin/env bash
# lint.sh [shell|c|format]: the course's own code style (make lint, make format).
#   shell   shellcheck on every shell script: *.sh, and files whose first line runs sh or bash
#           (.shellcheckrc says which checks are off, and why)
#   c       clang-format --dry-run -Werror on every C file (.c, .h), by .clang-format
#   (none)  both: what make lint and make test run
#   format  rewrites every C file in the course's style, and rebases each variant patch
#           (cheats/, legit/: tools/variant.sh) onto the rewritten code, so it still applies
# Files are the checkout's (git ls-files: tracked, and new ones not ignored); build/ is not.
# clang-format must be version 14, Debian 12's: another version lays out the same code
# differently, and the check would fail on code nobody changed.
set -u
cd "$(dirname "$0")/.." || exit 2
CLANG_FORMAT_MAJOR=14

die() {
	echo "lint: $1" >&2
	[ -n "${2:-}" ] && echo "  $2" >&2
	exit 2
}

files() { # files: every file of the checkout, NUL-separated
	git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
		die "$PWD is not a git checkout: lint checks the course's tracked files" \
			"run it in the course's clone (the student edition has no make lint)"
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done
}

shell_scripts() { # NUL-separated
	files | while IFS= read -r -d '' f; do
		case "$f" in
		*.sh) printf '%s\0' "$f" ;;
		*.*) ;;
		*) head -n 1 "$f" | grep -Eq '^#!.*[/ ](ba)?sh([[:space:]]|$)' && printf '%s\0' "$f" ;;
		esac
	done
}

c_files() { # NUL-separated
	files | grep -z -E '\.[ch]$'
}

find_clang_format() { # prints the clang-format to use
	local cf
	for cf in clang-format-$CLANG_FORMAT_MAJOR clang-format; do
		command -v "$cf" >/dev/null 2>&1 || continue
		if "$cf" --version | grep -Eq "version $CLANG_FORMAT_MAJOR\."; then
			echo "$cf"
			return 0
		fi
		die "$cf is $("$cf" --version | grep -Eo 'version [0-9.]+'), the style needs $CLANG_FORMAT_MAJOR" \
			"install clang-format-$CLANG_FORMAT_MAJOR (Debian 12's clang-format): tools/deps.sh dev"
	done
	die "clang-format is missing" "install the course developers' tools: tools/deps.sh dev"
}

lint_shell() {
	command -v shellcheck >/dev/null 2>&1 ||
		die "shellcheck is missing" "install the course developers' tools: tools/deps.sh dev"
	local n
	n=$(shell_scripts | tr -cd '\0' | wc -c)
	if shell_scripts | xargs -0 shellcheck -f gcc; then
		echo "lint: shellcheck: $n scripts clean"
	else
		echo "lint: shellcheck: fix the lines above (a check that is wrong for one line gets" \
			"'# shellcheck disable=SCnnnn # why' on the line before)"
		return 1
	fi
}

lint_c() {
	local cf n bad
	cf=$(find_clang_format) || exit 2
	n=$(c_files | tr -cd '\0' | wc -c)
	bad=$(c_files | xargs -0 -n 1 sh -c '"$0" --dry-run -Werror "$1" 2>/dev/null || echo "$1"' "$cf")
	if [ -z "$bad" ]; then
		echo "lint: clang-format: $n C files follow .clang-format"
		return 0
	fi
	echo "lint: clang-format: $(echo "$bad" | wc -l) of $n C files differ from .clang-format:"
	printf '  %s\n' "${bad//$'\n'/$'\n'  }"
	echo "  see how: $cf --dry-run FILE; fix all: make format"
	return 1
}

# format: every variant is made from the code as it is, the code is rewritten, then each variant
# is rewritten too and diffed again against its rewritten base. A variant of a variant (a step
# departs from its neighbour: "variant of OTHER.patch") is diffed against the rewritten other.
declare -A MADE=() # patch -> the file it makes from the code as it was
make_variant() {   # make_variant PATCH: MADE[PATCH], its base's first
	local p=$1 base from
	[ -n "${MADE[$p]:-}" ] && return 0
	base=$(sed -n '1s/^variant of //p' "$p")
	[ -n "$base" ] && [ -f "$base" ] && sed -n 2p "$p" | grep -q '^--- ' ||
		die "$p: not a variant patch ('variant of PATH', then diff -u output)"
	from=$base
	if [[ $base == *.patch ]]; then
		make_variant "$base"
		from=${MADE[$base]}
	fi
	MADE[$p]=$tmp/made-${#MADE[@]}.c
	patch --fuzz=0 --quiet --force -o "${MADE[$p]}" "$from" "$p" >/dev/null ||
		die "$p no longer applies to $base: update it before formatting"
}

root_file() { # root_file PATCH: the course file at the start of its chain of variants
	local base
	base=$(sed -n '1s/^variant of //p' "$1")
	if [[ $base == *.patch ]]; then root_file "$base"; else echo "$base"; fi
}

format() {
	local cf p base from label_from label_to
	cf=$(find_clang_format) || exit 2
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	local -a patches=()
	mapfile -d '' patches < <(files | grep -z -E '^solutions/.*\.patch$')
	for p in "${patches[@]}"; do make_variant "$p"; done
	c_files | xargs -0 "$cf" -i || die "clang-format failed"
	declare -A formatted=()
	for p in "${patches[@]}"; do
		formatted[$p]=${MADE[$p]%.c}.formatted.c
		"$cf" --assume-filename="$(root_file "$p")" <"${MADE[$p]}" >"${formatted[$p]}" ||
			die "clang-format failed on $p"
	done
	for p in "${patches[@]}"; do
		base=$(sed -n '1s/^variant of //p' "$p")
		from=$base
		[[ $base == *.patch ]] && from=${formatted[$base]}
		label_from=$(sed -n '2s/^--- //p' "$p")
		label_to=$(sed -n '3s/^+++ //p' "$p")
		{
			echo "variant of $base"
			diff -u --label "$label_from" --label "$label_to" "$from" "${formatted[$p]}"
		} >"$p"
		patch --fuzz=0 --quiet --force -o "$tmp/check.c" "$from" "$p" >/dev/null &&
			cmp -s "$tmp/check.c" "${formatted[$p]}" || die "$p: the rebased patch does not apply"
	done
	echo "lint: formatted $(c_files | tr -cd '\0' | wc -c) C files, rebased ${#patches[@]} variant patches"
}

case "${1:-all}" in
shell) lint_shell ;;
c) lint_c ;;
all)
	rc=0
	lint_shell || rc=1
	lint_c || rc=1
	exit $rc
	;;
format) format ;;
*)
	echo "usage: tools/lint.sh [shell|c|format]" >&2
	exit 2
	;;
esac
