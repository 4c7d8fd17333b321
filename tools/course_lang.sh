#!/bin/sh
# course_lang.sh: prints the language the student tools speak, th or en: th when COURSE_LANG=th,
# or when COURSE_LANG is unset and the locale's messages are Thai (LC_ALL, else LC_MESSAGES, else
# LANG, as setlocale reads them, starting with th). COURSE_LANG=en keeps English in a Thai locale.
# The one place that decides: hint, watch, help and the test output all ask it.
lang=${COURSE_LANG:-}
[ -n "$lang" ] || lang=${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}
case $lang in
th*) echo th ;;
*) echo en ;;
esac
