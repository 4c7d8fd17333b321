/* report_units.c: how every report format writes a quantity, so text, HTML and the rest agree. */
#include <stdio.h>
#include <string.h>

#include "metrics.h"
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

double report_beats_reference(const struct metric_result *mr)
{
	if (!mr->scored || !mr->measured || !mr->has_reference || !(mr->out.ratio > 0))
		return 0;
	/* counts are exact: any ratio under 1 beats the reference; wall time and bench values
	 * vary from run to run, so they beat it only past their A/A noise tolerance */
	const struct metric_def *def = metric_def(mr->spec->name);
	int noisy = def != NULL && def->timing != TIMING_NONE;
	double limit = noisy && mr->tolerance > 1 ? 1 / mr->tolerance : 1;
	return mr->out.ratio < limit ? 1 / mr->out.ratio : 0;
}
