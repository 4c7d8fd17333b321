#!/bin/bash
# reset.sh: `make reset LESSON=NN`: puts the untouched skeleton back in place of your file(s),
# from solutions/NN-slug/skeleton/, after copying yours to $COURSE_STATE/backup/NN-<time>/.
# Nothing is lost: the backup folder is printed, and `make clean` never removes it.
# usage: tools/student/reset.sh NN
set -u
. "$(dirname "$0")/common.sh"

[ -n "${1:-}" ] || die reset "which lesson? reset replaces your file, so it needs LESSON=NN" \
	"run 'make reset LESSON=NN', e.g. make reset LESSON=01"
use_lesson reset "$1"
pristine=solutions/$LESSON_SLUG/skeleton
for f in $STUDENT_FILES; do
	[ -f "$pristine/$f" ] || die reset "lesson $LESSON_ID: no skeleton '$pristine/$f'" \
		"this edition of the course lacks it: restore your file with git instead"
done

same=1
for f in $STUDENT_FILES; do
	cmp -s "$pristine/$f" "$LESSON_DIR/$f" || same=0
done
if [ $same = 1 ]; then
	echo "reset: lesson $LESSON_ID: $STUDENT_FILES already the skeleton; nothing to do"
	exit 0
fi

# one folder per reset; a second reset within the same second gets its own folder too
stamp=$(date +%Y%m%d-%H%M%S)
backup=$STATE/backup/$LESSON_ID-$stamp
n=1
while [ -e "$backup" ]; do
	n=$((n + 1))
	backup=$STATE/backup/$LESSON_ID-$stamp-$n
done
mkdir -p "$backup" || die reset "cannot create '$backup'" "check the permissions of $STATE/"
for f in $STUDENT_FILES; do
	if [ -f "$LESSON_DIR/$f" ]; then
		cp -p "$LESSON_DIR/$f" "$backup/$f" || die reset "cannot back up '$LESSON_DIR/$f'" \
			"nothing was reset"
	fi
done
for f in $STUDENT_FILES; do
	cp "$pristine/$f" "$LESSON_DIR/$f" || die reset "cannot write '$LESSON_DIR/$f'" \
		"your file is safe in $backup/"
done
# the lesson's results describe the code just backed up: they go with it, so make progress and
# the next step start the lesson afresh (the best score and the hints seen stay)
for result in "$STATE/$LESSON_ID"-tests.* "$STATE/$LESSON_ID"-tests-asan.* "$STATE/$LESSON_ID-grade.json"; do
	[ -e "$result" ] && mv "$result" "$backup/"
done
echo "reset: lesson $LESSON_ID: $STUDENT_FILES put back to the skeleton"
echo "  your version is in $backup/ (cp $backup/* $LESSON_DIR/ brings it back)"
