/* Attack: from the alloc-fail gate (a cmocka program), a setsid shell that outlives the gate and
 * copies the reference's bench over the staged and sealed benches.
 * Expected: graded . */
static void attack(void)
{
	if (!reach_exe_is("alloc-fail"))
		return;
	static const char cmd[] =
	    "setsid sh -c 'for i in $(seq 900); do for f in build/staging/*/impl-*/bench "
	    "build/staging/*/impl-*/sealed/bench; do cp -f build/lessons/06/reference/bench "
	    "\"$f\"; done; sleep 0.1; done # ngrade-attack-marker' </dev/null >/dev/null 2>&1 &";
	reach_sh_in_root(cmd);
}
