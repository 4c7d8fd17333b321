#!/usr/bin/env bash
# make_zip.sh LESSON OUT.zip: Gradescope's autograder for one lesson (make gradescope LESSON=NN).
# The zip holds the course (with solutions/: Gradescope never shows it to students), setup.sh,
# run_autograder and gradescope.env with the lesson and one secret seed for the whole class.
set -euo pipefail
out=$(realpath -m "${2:?usage: make_zip.sh LESSON OUT.zip}")
cd "$(dirname "$0")/../.."
lesson=$(tools/lesson_id.sh "${1:?usage: make_zip.sh LESSON OUT.zip}") ||
	{ echo "make gradescope: not a lesson number: '$1'" >&2; exit 2; }
ls -d lessons/"$lesson"-*/ >/dev/null 2>&1 || { echo "make gradescope: no lesson $lesson" >&2; exit 2; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$stage"
seed=$(( $(od -An -N4 -tu4 /dev/urandom) % 2147483646 + 1 ))
printf 'LESSON=%s\nSEED=%s\n' "$lesson" "$seed" >"$stage/gradescope.env"
cp tools/gradescope/setup.sh tools/gradescope/run_autograder "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
rm -f "$out"
(cd "$stage" && zip -qr "$out" .)
echo "gradescope: $out (lesson $lesson, seed $seed: keep it to regrade the same way)"
