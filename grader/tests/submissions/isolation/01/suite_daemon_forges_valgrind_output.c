/* Attack: from the correct suite, a daemon that waits for callgrind's output of the Valgrind
 * runs to come (/tmp/ngrade-vg-*) and rewrites its totals to 1,000 instructions once it is
 * complete (it graded 76.0 before).
 * Expected: graded . */
static void attack(void)
{
	if (!reach_exe_is("test"))
		return;
	reach_sh(
	    "setsid sh -c 'for i in $(seq 900); do for f in /tmp/ngrade-vg-*/out/callgrind.out; do "
	    "grep -q ^totals: \"$f\" 2>/dev/null && sed -i -e \"s/^totals: .*/totals: 1000/\" "
	    "-e \"s/^summary: .*/summary: 1000/\" \"$f\"; done; sleep 0.05; done "
	    "# ngrade-attack-marker' </dev/null >/dev/null 2>&1 &");
}
