#!/usr/bin/env bash
# lesson_id.sh VALUE: the lesson number VALUE means, as two digits ("7", "07" and "007" are
# 07), or nothing and exit 1 when VALUE is no lesson number (1 to 99). The one rule for make
# and the shell scripts; the grader's C side is lesson_id_parse (grader/lesson_id.c), which
# reads the same way.
digits=${1:-}
case $digits in '' | *[!0-9]*) exit 1 ;; esac
digits=${digits#"${digits%%[!0]*}"} # leading zeros
case ${#digits} in 1 | 2) ;; *) exit 1 ;; esac
printf '%02d' "$((10#$digits))"
