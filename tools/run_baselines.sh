#!/bin/sh
# run_baselines.sh: what `make baselines LESSON=NN` runs once the binaries are built: the lesson's
# baselines.sh if it has one (baselines that are programs), else its baselines driver with the
# lesson's workload arguments. Both print a Markdown table the README quotes.
# usage: tools/run_baselines.sh LESSON_DIR BUILD_DIR
set -u
lesson_dir=$1 out=$2
args=$(sed -n -e 's/[;#].*//' -e 's/^[[:space:]]*args[[:space:]]*=[[:space:]]*//p' "$lesson_dir/lesson.ini" | head -n 1)
seed=$(sed -n -e 's/[;#].*//' -e 's/^[[:space:]]*seed[[:space:]]*=[[:space:]]*//p' "$lesson_dir/lesson.ini" | head -n 1)
if [ -x "$lesson_dir/baselines.sh" ]; then
	exec "$lesson_dir/baselines.sh" "$out"
elif [ -x "$out/baselines" ]; then
	# shellcheck disable=SC2086 # args is a list of plain flags
	exec "$out/baselines" $args --seed "${seed:-1}"
fi
echo "make baselines: $lesson_dir has no baselines (baselines.c or baselines.sh)" >&2
exit 2
