#!/bin/bash
# hint.sh: `make hint`: prints the next hint of a lesson's hints.md (one `## Hint N` section per
# call, from a nudge to nearly the answer) and remembers how many were shown in
# $COURSE_STATE/NN-hints, so each call shows one more and `make clean` forgets none.
# usage: tools/student/hint.sh [NN]      (NN: the lesson; default the one built last, else 01)
# HINTS_FILE overrides the lesson's hints.md (the course's tests use a fixture). In Thai
# (tools/course_lang.sh) it reads hints.th.md, which has the same sections (check_translation.sh),
# so the count of hints seen holds in both languages.
set -u
. "$(dirname "$0")/common.sh"

use_lesson hint "${1:-}"
hints=${HINTS_FILE:-$(in_course_lang "$LESSON_DIR/hints.md")}
[ -f "$hints" ] || die hint "lesson $LESSON_ID: no hints yet: '$hints' does not exist" \
	"read $(in_course_lang "$LESSON_DIR/README.md"), or ask on the course's issue tracker"

# The sections are the lines from one `## Hint N` heading to the next `## ` heading.
total=$(grep -c '^## Hint [0-9]' "$hints")
[ "$total" -gt 0 ] || die hint "lesson $LESSON_ID: '$hints' has no '## Hint N' section" \
	"each hint starts with a line '## Hint 1', '## Hint 2', ..."

seen_file=$STATE/$LESSON_ID-hints
seen=$(cat "$seen_file" 2>/dev/null)
case "$seen" in '' | *[!0-9]*) seen=0 ;; esac

if [ "$seen" -ge "$total" ]; then
	say 'hint: lesson %s: all %d hints shown; read them again in %s\n' \
		'hint: บทที่ %s: แสดงคำใบ้ครบทั้ง %d ข้อแล้ว อ่านซ้ำได้ใน %s\n' "$LESSON_ID" "$total" "$hints"
	exit 0
fi
next=$((seen + 1))
say 'Hint %d of %d (lesson %s · %s)\n\n' 'คำใบ้ %d จาก %d (บทที่ %s · %s)\n\n' \
	"$next" "$total" "$LESSON_ID" "$LESSON_TITLE"
awk -v want="$next" '
	/^## / { n = /^## Hint [0-9]/ ? n + 1 : n; inside = /^## Hint [0-9]/ && n == want; next }
	inside' "$hints" | sed -e '/./,$!d' | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}'
mkdir -p "$STATE" && echo "$next" >"$seen_file"
if [ "$next" -lt "$total" ]; then
	say '\n(make hint again for hint %d of %d)\n' '\n(สั่ง make hint อีกครั้งเพื่อดูคำใบ้ที่ %d จาก %d)\n' \
		$((next + 1)) "$total"
else
	say '\n(that was the last hint)\n' '\n(นี่คือคำใบ้ข้อสุดท้ายแล้ว)\n'
fi
