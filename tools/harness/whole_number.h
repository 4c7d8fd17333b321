/* whole_number.h: the one strict reading of an unsigned decimal number, for every command line
 * and file the course reads (the grader's options, a bench driver's, lesson.ini). A header, so
 * that the bench drivers (libharness only), libmeasure and the grader can all use it. */
#ifndef WHOLE_NUMBER_H
#define WHOLE_NUMBER_H

#include <errno.h>
#include <stdlib.h>

#define WHOLE_NUMBER_MALFORMED (-1) /* empty, a sign, a space, or anything after the digits */
#define WHOLE_NUMBER_TOO_LARGE (-2) /* more than an unsigned long long holds */

/* Reads s, digits only, into *out. Returns 0, WHOLE_NUMBER_MALFORMED or WHOLE_NUMBER_TOO_LARGE. */
static inline int parse_whole_number(const char *s, unsigned long long *out)
{
	const char *p = s;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == s || *p != '\0')
		return WHOLE_NUMBER_MALFORMED;
	errno = 0;
	*out = strtoull(s, NULL, 10);
	return errno == ERANGE ? WHOLE_NUMBER_TOO_LARGE : 0;
}

#endif
