/* options.h: the checks and messages the grader's command lines (grade, grade batch) share
 * around getopt_long, so that both read and word alike what the grader accepted before it used
 * getopt_long: whole option names only, and the same two messages for a bad one. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <getopt.h>

/* After getopt_long returned c (with longindex index, or -1) from argv: 0 when it read an
 * option the grader accepts, or a word (c == 1); else 1 with the message (one %s) in *fmt and
 * the offending word in *arg. An unknown or abbreviated option given last may be one that
 * lacks its value, and the message says so. */
int option_refused(int c, int index, const struct option *options, int argc, char **argv,
                   const char **fmt, const char **arg);

/* After getopt_long returned -1: 0 when no word is left, else 1 with the message as above. The
 * grader takes no operands there, and "--", which ends getopt_long's options, is no option. */
int option_rest_refused(int argc, char **argv, const char **fmt, const char **arg);

#endif
