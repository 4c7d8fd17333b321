/* Attack: kill every process that looks like the grader or its sandbox (build/grade, bwrap,
 * valgrind) from the correct suite; a grader killed this way leaves the row without a report
 * (status error). In the jail's PID namespace there are none to see.
 * Expected: graded . */
static void attack(void)
{
	if (reach_exe_is("test"))
		reach_sh("for p in /proc/[0-9]*; do c=$(tr '\\0' ' ' < $p/cmdline 2>/dev/null); "
		         "case \"$c\" in *build/grade*|*bwrap*|*valgrind*) kill -9 ${p#/proc/} "
		         "2>/dev/null;; esac; done; true");
}
