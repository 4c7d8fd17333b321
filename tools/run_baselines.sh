#!/bin/sh
# run_baselines.sh: what `make baselines LESSON=NN` runs once the binaries are built: the lesson's
# baselines.sh if it has one (baselines that are programs), else its baselines driver with the
# lesson's workload arguments. Both print a Markdown table the README quotes.
# usage: [GRADE=build/grade] tools/run_baselines.sh LESSON_DIR BUILD_DIR
# GRADE, the grader that reads lesson.ini (grade ini), is passed on to baselines.sh.
set -u
lesson_dir=$1 out=$2
GRADE=$(realpath "${GRADE:-build/grade}") || exit 2
export GRADE
args=$("$GRADE" ini "$lesson_dir/lesson.ini" workload.args) || exit 2
seed=$("$GRADE" ini "$lesson_dir/lesson.ini" workload.seed) || exit 2
if [ -x "$lesson_dir/baselines.sh" ]; then
	exec "$lesson_dir/baselines.sh" "$out"
elif [ -x "$out/baselines" ]; then
	# shellcheck disable=SC2086 # args is a list of plain flags
	exec "$out/baselines" $args --seed "${seed:-1}"
fi
echo "make baselines: $lesson_dir has no baselines (baselines.c or baselines.sh)" >&2
exit 2
