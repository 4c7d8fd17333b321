/* Attack: plant measurements in the grader's cache (build/cache): a new entry, and every entry
 * there rewritten to 1,000 instructions; crash if any write worked.
 * Expected: graded . */
static void attack(void)
{
	if (!reach_exe_is("test"))
		return;
	static const char cmd[] =
	    "{ echo planted > build/cache/PLANTED-by-attack.txt; } 2>/dev/null || "
	    "{ for f in build/cache/*.txt; do sed -i 's/^instructions .*/instructions 1000/' "
	    "\"$f\" "
	    "|| exit 1; done; test -n \"$(ls build/cache 2>/dev/null)\"; }";
	if (reach_sh_in_root(cmd) == 0)
		abort();
}
