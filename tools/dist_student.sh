#!/usr/bin/env bash
# dist_student.sh OUT: the student edition of the course (make dist-student): every tracked file
# but the solution sources (everything under solutions/ but each lesson's skeleton/, which stays:
# make reset needs it). Each reference ships instead as objects built with the course's flags,
# one per build variant, at -g1: solutions/NN-slug/obj/VARIANT/FILE.o. -g1 keeps the function
# names and line tables (Valgrind needs them to name the reference's functions in make compare,
# make grade and make report) and drops types and variables; the code is the same as at -g.
# The objects are built here, in build/dist-objects/, whatever the course's build/ holds.
# The lesson template links them where the sources are absent. The edition's README says that
# local scores are estimates and that the official score comes from the instructor's batch.
# Both languages ship: README.th.md gets the same change and the same section in Thai, so the
# two keep the same headings and code blocks (tools/check_translation.sh).
set -euo pipefail
out=$(realpath -m "${1:?usage: dist_student.sh OUT}")
cd "$(dirname "$0")/.."
rm -rf "$out"
mkdir -p "$out"
# under solutions/ only the skeletons ship: cheat, racy and step variants are solution sources
git ls-files -z | grep -zEv '^solutions/' | xargs -0 cp --parents -t "$out"
git ls-files -z 'solutions/*/skeleton/*' | xargs -0 cp --parents -t "$out"
objs=build/dist-objects
# the grader reads each lesson.ini, for this script and for the make below
"${MAKE:-make}" -s build/grade
targets=()
for dir in solutions/[0-9][0-9]-*/; do
	slug=$(basename "$dir")
	id=${slug%%-*}
	variants="count measure asan"
	# the tsan objects link only the race gate's binary
	[ -f "lessons/$slug/race_test.c" ] && variants="$variants tsan"
	files=$(build/grade ini "lessons/$slug/lesson.ini" lesson.student_files)
	for variant in $variants; do
		for f in $files; do
			targets+=("$objs/lessons/$id/reference/$variant/${f%.*}.o")
		done
	done
done
"${MAKE:-make}" -s -j2 BUILD="$objs" LESSON_INI_READER=build/grade DEBUG_INFO=-g1 "${targets[@]}"
for obj in "${targets[@]}"; do
	rel=${obj#"$objs"/lessons/}
	id=${rel%%/*}
	variant=$(basename "$(dirname "$obj")")
	slug=$(basename "$(ls -d solutions/"$id"-*/)")
	mkdir -p "$out/solutions/$slug/obj/$variant"
	cp "$obj" "$out/solutions/$slug/obj/$variant/"
done
# the Start section's second command is this edition's own test, not the course's
for readme in README.md README.th.md; do
	sed -i "s|^make test         # the course's own test suite (what CI runs)\$|make test         # this edition's own checks, about 5 minutes (see the last section)|" \
		"$out/$readme"
	grep -q "^make test         # this edition's own checks" "$out/$readme" ||
		{ echo "dist-student: $readme's Start section changed: update this script" >&2; exit 1; }
done
cat >>"$out/README.md" <<'TEXT'

## This is the student edition

This copy of the course has no solution sources: each lesson's reference is a compiled object
(`solutions/NN-slug/obj/`), built with the course's flags, which the grader links and measures
like the sources. `make grade` here gives an **estimate** of your score: your machine, its
compiler and its seed differ from the instructor's. The **official score** comes from your
instructor's batch (`grade batch`), whose report carries the seed, the course version and the
environment it was measured in.

Here `make test` runs this edition's own checks (`tools/edition_test.sh`, about 5 minutes on
two cores): the toolchain (`make doctor`), every skeleton builds and fails a budget, every
shipped reference passes its suites and grades at least 95, the self-learner tools run, and
every command these READMEs show exists. What they mark "full course only" (`partial`,
`steps/`, `racy` and the checks of the course itself) needs the full course, which has the
solution sources. `build/grade --lesson NN --reference` grades a shipped reference.
TEXT
cat >>"$out/README.th.md" <<'TEXT'

## นี่คือฉบับนักเรียน

คอร์สชุดนี้ไม่มี solution sources: reference ของแต่ละบทเป็น object ที่ compile แล้ว
(`solutions/NN-slug/obj/`) build ด้วย flags ของคอร์ส ซึ่ง grader link และวัด
เหมือน sources ทุกอย่าง `make grade` ที่นี่ให้คะแนนแบบ **ค่าประมาณ**: เครื่องของคุณ
compiler และ seed ต่างจากของผู้สอน **คะแนนทางการ** มาจาก batch ของผู้สอน
(`grade batch`) ซึ่งรายงานพก seed, เวอร์ชันของคอร์ส และสภาพแวดล้อมที่ใช้วัดไว้

ที่นี่ `make test` รัน checks ของฉบับนี้เอง (`tools/edition_test.sh` ราว 5 นาทีบน
สอง cores): toolchain (`make doctor`), ทุก skeleton build ได้และไม่ผ่าน budget, ทุก
reference ที่แจกมาผ่าน suites และได้คะแนนอย่างน้อย 95, เครื่องมือสำหรับเรียนเองทำงาน และ
ทุกคำสั่งที่ READMEs เหล่านี้แสดงมีอยู่จริง สิ่งที่ถูกทำเครื่องหมาย "full course only" (`partial.c`,
`steps/`, `racy.c` และ checks ของตัวคอร์สเอง) ต้องใช้คอร์สฉบับเต็มซึ่งมี
solution sources `build/grade --lesson NN --reference` ให้คะแนน reference ที่แจกมา
TEXT
echo "dist-student: $out ($(find "$out" -type f | wc -l) files)"
