#!/usr/bin/env bash
# lesson_ini_mk.sh GRADER LESSON_INI...: the make include of what tools/lesson.mk needs from each
# lesson.ini while make reads the Makefile, as the grader reads it (grade ini):
#   LESSON_INI_TITLE_NN := the lesson's title (make help)
#   LESSON_INI_TITLE_TH_NN := its Thai title, when it has one (make help in Thai)
#   LESSON_INI_STUDENT_NN := its student files (the rules that build them)
# Exit 2, with the grader's file:line:key message, when a lesson.ini is malformed.
set -u
grade=${1:?usage: lesson_ini_mk.sh GRADER LESSON_INI...}
shift
make_text() { # a value as make reads it back: $ and # are not special
	local v=${1//\$/\$\$}
	printf '%s' "${v//#/\\#}"
}
for ini in "$@"; do
	slug=$(basename "$(dirname "$ini")")
	values=$("$grade" ini "$ini" lesson.title lesson.title_th lesson.student_files) || exit 2
	mapfile -t v <<<"$values"
	printf 'LESSON_INI_TITLE_%s := %s\n' "${slug%%-*}" "$(make_text "${v[0]}")"
	printf 'LESSON_INI_TITLE_TH_%s := %s\n' "${slug%%-*}" "$(make_text "${v[1]}")"
	printf 'LESSON_INI_STUDENT_%s := %s\n' "${slug%%-*}" "$(make_text "${v[2]}")"
done
