/* Attack: write into every other work folder of the batch it can reach (another student's
 * staging folder and sources, the batch's output); crash if any write worked.
 * Expected: graded . */
static void attack(void)
{
	if (!reach_exe_is("test"))
		return;
	static const char cmd[] =
	    "ok=1; for d in build/staging/* build/staging/*/* build/staging/*/*/src "
	    "build/test/isolation-attacks/out build/test/isolation-attacks/out/*; do "
	    "[ -d \"$d\" ] && touch \"$d/PWNED-by-attack\" 2>/dev/null && ok=0; done; exit $ok";
	if (reach_sh_in_root(cmd) == 0)
		abort();
}
