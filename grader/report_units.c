/* report_units.c: how every report format writes a quantity, so text, HTML and the rest agree. */
#include <stdio.h>

#include "report.h"

const char *report_bytes(double v, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB"};
	int u = 0;
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}
