#!/usr/bin/env bash
# grade_variant.sh LESSON NAME [GRADE OPTIONS...]: grades one of the course's own solution
# variants (full course only: the student edition ships no variants). NAME is a folder of
# patches under solutions/NN-slug/, as lesson.ini's [variants] lists them: partial, racy,
# steps/1-builder. tools/variant.sh makes it under build/variants/NN/ from the code it departs
# from; the reference's files stand for the student files it leaves as they are.
#   tools/grade_variant.sh 01 steps/1-builder --format json
set -u
cd "$(dirname "$0")/.." || exit 2
usage() { echo "usage: tools/grade_variant.sh LESSON NAME [build/grade options...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
lesson=$(printf '%02d' "$((10#${1#0}))" 2>/dev/null) || usage
name=$2
shift 2
solution=$(find solutions -maxdepth 1 -name "$lesson-*" | head -n 1)
[ -n "$solution" ] || { echo "grade_variant: no lesson $lesson under solutions/" >&2; exit 2; }
[ -d "$solution/$name" ] && compgen -G "$solution/$name/*.patch" >/dev/null || {
	echo "grade_variant: $solution/$name is not a variant (a folder of patches); lesson.ini's" \
		"[variants] lists them" >&2
	exit 2
}
made=$(tools/variant.sh "$solution/$name" "build/variants/$lesson/$(dirname "$name")") || exit 2
exec build/grade --lesson "$lesson" --impl "$made" --impl "$solution" "$@"
