/* Attack: from the first test of the correct suite, a setsid shell that outlives the test and
 * copies the reference's bench over every bench it can find, the staged one and the sealed copy
 * among them, until the grader measures it (issue 15's exploit: it graded 100.0 before).
 * Expected: graded . */
static void attack(void)
{
	if (!reach_exe_is("test"))
		return;
	static const char cmd[] =
	    "setsid sh -c 'for i in $(seq 900); do for f in build/staging/*/impl-*/bench "
	    "build/staging/*/impl-*/sealed/bench build/lessons/01/student/bench "
	    "build/lessons/01/student/sealed/bench; do cp -f build/lessons/01/reference/bench "
	    "\"$f\"; done; sleep 0.1; done # ngrade-attack-marker' </dev/null >/dev/null 2>&1 &";
	reach_sh_in_root(cmd);
}
