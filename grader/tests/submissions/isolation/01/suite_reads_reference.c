/* Attack: read the reference's binary, object and source; if any of them can be read, crash, so
 * that the report shows it.
 * Expected: graded . */
static void attack(void)
{
	static const char cmd[] =
	    "{ test -s build/lessons/01/reference/bench && cat "
	    "build/lessons/01/reference/bench; } >/dev/null 2>&1 || { test -s "
	    "build/lessons/01/reference/count/logfmt.o && cat "
	    "build/lessons/01/reference/count/logfmt.o; } >/dev/null 2>&1 || { test -s "
	    "solutions/01-zero-allocation/logfmt.c && cat solutions/01-zero-allocation/logfmt.c; } "
	    ">/dev/null 2>&1";
	if (reach_exe_is("test") && reach_sh_in_root(cmd) == 0)
		abort(); /* read it: the attack worked */
}
