#!/usr/bin/env bash
# variant.sh VARIANT OUT_DIR: makes a solution variant (a step, the partial solution, a racy
# variant, a cheat or a legitimate shortcut) from the code it departs from, and prints the path
# to grade (--impl). A variant is a patch, so a change to the code it departs from flows into
# it, or makes it fail here, loudly:
#   solutions/NN-slug/cheats/NAME.patch       one file: stands for the lesson's first student file
#   solutions/NN-slug/.../NAME/FILE.patch     a folder: one patch per student file it changes
#                                             (grade it with --impl solutions/NN-slug after it,
#                                             so the reference's files stand for the others)
# Each patch's first line names what it applies to ("variant of PATH"): a file, or another
# variant's patch, made first (a step departs from its neighbour, so the patch is the step's
# own change); the rest is `diff -u` output. Patches apply with no fuzz: a stale one is an
# error, never a guess.
set -u
variant=${1:?usage: variant.sh VARIANT OUT_DIR} out=${2:?usage: variant.sh VARIANT OUT_DIR}

apply() { # apply PATCH TARGET
	local base made=
	base=$(sed -n '1s/^variant of //p' "$1")
	[ -n "$base" ] && [ -f "$base" ] ||
		{ echo "variant.sh: $1: the first line must be 'variant of PATH' naming a file" >&2; return 1; }
	case $base in *.patch)
		made=$(mktemp) && apply "$base" "$made" || { rm -f "$made"; return 1; }
		base=$made ;;
	esac
	mkdir -p "$(dirname "$2")" &&
		patch --fuzz=0 --quiet --force -o "$2" "$base" "$1" >/dev/null ||
		{ echo "variant.sh: $1 no longer applies to $base: update the variant" >&2; rm -f "$made"; return 1; }
	rm -f "$made"
}

name=$(basename "$variant" .patch)
if [ -d "$variant" ]; then
	rm -rf "${out:?}/$name" && mkdir -p "$out/$name" || exit 1
	for p in "$variant"/*.patch; do
		apply "$p" "$out/$name/$(basename "$p" .patch)" || exit 1
	done
	echo "$out/$name"
else
	rm -f "$out/$name.c"
	apply "$variant" "$out/$name.c" || exit 1
	echo "$out/$name.c"
fi
