/* the exported function a test, a gate and the bench all call: the attack first, once per
 * process, then the skeleton's own code (renamed honest_render by the composing check) */
void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	static int attacked;
	if (!attacked) {
		attacked = 1;
		attack();
	}
	honest_render(out, records, n, sum);
}
