#!/usr/bin/env bash
# setup.sh: run once by Gradescope when it builds the autograder image (Ubuntu, as root):
# installs the course's dependencies and the grading users, builds the grader and the lesson,
# and measures the reference with the class's seed, so each submission only measures itself.
set -euo pipefail
cd /autograder/source
. ./gradescope.env
apt-get update -qq
tools/deps.sh install
make build
lesson_dir=$(ls -d lessons/"$LESSON"-*/)
slug=$(basename "$lesson_dir")
student_file=$(build/grade ini "$lesson_dir/lesson.ini" lesson.student_files)
student_file=${student_file%% *}
build/grade --lesson "$LESSON" --impl "solutions/$slug/skeleton/$student_file" --seed "$SEED" \
	--batch --no-wall --quiet --format json >/dev/null || true
