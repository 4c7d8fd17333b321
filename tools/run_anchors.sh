#!/bin/sh
# run_anchors.sh: what `make anchors LESSON=NN` runs once the binaries are built: the lesson's
# anchors.sh if it has one (anchors that are programs), else its anchors driver with the
# lesson's workload arguments. Both print a Markdown table the README quotes.
# usage: tools/run_anchors.sh LESSON_DIR BUILD_DIR
set -u
lesson_dir=$1 out=$2
args=$(sed -n -e 's/[;#].*//' -e 's/^[[:space:]]*args[[:space:]]*=[[:space:]]*//p' "$lesson_dir/lesson.ini" | head -n 1)
seed=$(sed -n -e 's/[;#].*//' -e 's/^[[:space:]]*seed[[:space:]]*=[[:space:]]*//p' "$lesson_dir/lesson.ini" | head -n 1)
if [ -x "$lesson_dir/anchors.sh" ]; then
	exec "$lesson_dir/anchors.sh" "$out"
elif [ -x "$out/anchors" ]; then
	# shellcheck disable=SC2086 # args is a list of plain flags
	exec "$out/anchors" $args --seed "${seed:-1}"
fi
echo "make anchors: $lesson_dir has no anchors (anchors.c or anchors.sh)" >&2
exit 2
