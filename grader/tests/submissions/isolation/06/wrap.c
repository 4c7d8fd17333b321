/* the exported function every test, gate and bench run calls first: the attack, once per
 * process, then the skeleton's own code (renamed honest_new by the composing check) */
struct doccache *doccache_new(const struct doccache_config *cfg, uint32_t keys)
{
	static int attacked;
	if (!attacked) {
		attacked = 1;
		attack();
	}
	return honest_new(cfg, keys);
}
