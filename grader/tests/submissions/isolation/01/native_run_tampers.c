/* Attack: in a native timing run, spawn a daemon and overwrite the sealed bench and the
 * reference's bench, so that later runs time other code; crash if the reference's bench could
 * be opened for writing.
 * Expected: graded . */
static void attack(void)
{
	static const char cmd[] =
	    "for f in build/staging/*/impl-*/sealed/bench build/lessons/01/reference/bench; "
	    "do cp -f /bin/true \"$f\"; done; setsid sh -c 'sleep 600 # ngrade-attack-marker' &";
	char root[1024], path[1200];
	if (!reach_in("ngrade-wall-") || reach_course_root(root, sizeof root) != 0)
		return;
	reach_sh_in_root(cmd); /* the bench's seccomp filter refuses the fork; the jail the rest */
	reach_open_fn op = (reach_open_fn)reach("open");
	reach_join(path, sizeof path, root, "/build/lessons/01/reference/bench", "");
	if (op && op(path, 01 /* O_WRONLY */) >= 0)
		abort();
}
