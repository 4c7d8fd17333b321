/* lesson_id.c: the lesson number a user typed, as two digits. */
#include "lesson_id.h"

#include <stdio.h>

#include "whole_number.h"

int lesson_id_parse(const char *s, char out[3])
{
	unsigned long long n;
	if (parse_whole_number(s, &n) != 0 || n < 1 || n > 99)
		return -1;
	snprintf(out, 3, "%02llu", n);
	return 0;
}
