/* Attack: under Valgrind, the measured bench starts a daemon meant to rewrite callgrind's totals
 * once Valgrind has written them, after the run.
 * Expected: graded . */
static void attack(void)
{
	if (reach_in(
	        "ngrade-vg-")) /* the bench's seccomp filter refuses the fork; the jail the rest */
		reach_sh(
		    "setsid sh -c 'for i in $(seq 600); do sed -i \"s/^totals: .*/totals: 1000/\" "
		    "out/callgrind.out 2>/dev/null; sleep 0.05; done # ngrade-attack-marker' "
		    "</dev/null >/dev/null 2>&1 &");
}
