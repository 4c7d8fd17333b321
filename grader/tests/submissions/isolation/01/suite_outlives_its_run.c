/* Attack: a process that outlives its run: a double-forked setsid sleeper from the correct
 * suite, which the check looks for once the batch is over.
 * Expected: graded . */
static void attack(void)
{
	if (reach_exe_is("test"))
		reach_sh(
		    "setsid sh -c 'sleep 600 # ngrade-attack-marker' </dev/null >/dev/null 2>&1 &");
}
