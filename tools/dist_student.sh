#!/usr/bin/env bash
# dist_student.sh OUT: the student edition of the course (make dist-student): every tracked file
# but the solution sources (everything under solutions/ but each lesson's skeleton/, which stays:
# make reset needs it). Each reference ships instead as objects built with the course's flags,
# one per build variant, stripped of debug information: solutions/NN-slug/obj/VARIANT/FILE.o.
# The lesson template links them where the sources are absent. The edition's README says that
# local scores are estimates and that the official score comes from the instructor's batch.
set -euo pipefail
out=$(realpath -m "${1:?usage: dist_student.sh OUT}")
cd "$(dirname "$0")/.."
rm -rf "$out"
mkdir -p "$out"
# under solutions/ only the skeletons ship: cheat, racy and step variants are solution sources
git ls-files -z | grep -zEv '^solutions/' | xargs -0 cp --parents -t "$out"
git ls-files -z 'solutions/*/skeleton/*' | xargs -0 cp --parents -t "$out"
missing=0
for dir in solutions/[0-9][0-9]-*/; do
	slug=$(basename "$dir")
	id=${slug%%-*}
	for variant in count measure asan tsan; do
		built=build/lessons/$id/reference/$variant
		[ -d "$built" ] || { [ "$variant" = tsan ] && continue; echo "dist-student: $built is not built: run 'make build'" >&2; missing=1; continue; }
		mkdir -p "$out/solutions/$slug/obj/$variant"
		for obj in "$built"/*.o; do
			strip --strip-debug -o "$out/solutions/$slug/obj/$variant/$(basename "$obj")" "$obj"
		done
	done
done
cat >>"$out/README.md" <<'TEXT'

## This is the student edition

This copy of the course has no solution sources: each lesson's reference is a compiled object
(`solutions/NN-slug/obj/`), built with the course's flags, which the grader links and measures
like the sources. `make grade` here gives an **estimate** of your score: your machine, its
compiler and its seed differ from the instructor's. The **official score** comes from your
instructor's batch (`grade batch`), whose report carries the seed, the course version and the
environment it was measured in.
TEXT
echo "dist-student: $out ($(find "$out" -type f | wc -l) files)"
exit $missing
