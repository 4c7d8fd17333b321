/* logfmt_support.c: course-owned helpers for lesson 01. Built as a separate object without
 * link-time optimisation, so a call into this file from logfmt.c is always a real call. */
#include "logfmt_support.h"

size_t logfmt_escape_char(unsigned char c, char out[6])
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		out[0] = '\\';
		out[1] = (char)c;
		return 2;
	}
	if (c < 0x20) {
		out[0] = '\\';
		out[1] = 'u';
		out[2] = '0';
		out[3] = '0';
		out[4] = hex[c >> 4];
		out[5] = hex[c & 0xf];
		return 6;
	}
	out[0] = (char)c;
	return 1;
}
