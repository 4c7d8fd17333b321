/* Attack: under Valgrind, the measured bench swaps its own output file for a link to a forged
 * one (1,000 instructions), so that Valgrind's real output goes elsewhere.
 * Expected: refused replaced */
static void attack(void)
{
	if (!reach_in("ngrade-vg-"))
		return;
	reach_sh("true"); /* fork is refused here; the rest is plain file calls */
	reach_rename_fn mv = (reach_rename_fn)reach("rename");
	reach_symlink_fn ln = (reach_symlink_fn)reach("symlink");
	reach_open_fn op = (reach_open_fn)reach("open");
	reach_rw_fn wr = (reach_rw_fn)reach("write");
	reach_close_fn cl = (reach_close_fn)reach("close");
	if (!mv || !ln || !op || !wr || !cl)
		return;
	static const char forged[] =
	    "# callgrind format\nversion: 1\ncreator: forged\ncmd: ./bench\n"
	    "events: Ir\nsummary: 1000\ntotals: 1000\n";
	int fd = op("tmp/forged.out", 0101 /* O_WRONLY | O_CREAT */, 0644);
	if (fd >= 0) {
		wr(fd, (void *)forged, sizeof forged - 1);
		cl(fd);
	}
	/* out/ and tmp/ may be different mounts: the real file stays in out/ under another name */
	mv("out/callgrind.out", "out/real.out");
	ln("../tmp/forged.out", "out/callgrind.out");
}
