/* Attack: the correct suite writes the reference's bench over the staged bench, test and
 * objects and over their sealed copies, at once and without a daemon.
 * Expected: graded . */
static void attack(void)
{
	if (!reach_exe_is("test"))
		return;
	static const char cmd[] =
	    "for d in build/staging/*/impl-* build/lessons/01/student; do for f in "
	    "\"$d\"/bench \"$d\"/test \"$d\"/sealed/bench \"$d\"/sealed/test \"$d\"/*/logfmt.o; do "
	    "cp -f build/lessons/01/reference/bench \"$f\" 2>/dev/null; done; done";
	reach_sh_in_root(cmd);
}
