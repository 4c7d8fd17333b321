/* test_massif_out.c: unit tests of the massif output parser, on an output recorded from
 * fixtures/src/heap.c (see fixtures/src/record.sh; numbers cross-checked with ms_print) and on
 * hand-written files for the peak rules and for garbage. */

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "massif_out.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "grader/tests/fixtures"
#endif

#define CHECK_U64(what, got, want)                                                                 \
	do {                                                                                       \
		uint64_t g_ = (got), w_ = (want);                                                  \
		if (g_ != w_)                                                                      \
			fail_msg("%s: got %" PRIu64 ", want %" PRIu64, (what), g_, w_);            \
	} while (0)

#define HEADER "desc: --time-unit=B\ncmd: ./x\ntime_unit: B\n"

/* One snapshot; tree is "" for heap_tree=empty, else the kind and its lines. */
static char *snap(char *buf, int n, int time, int heap, int extra, const char *tree)
{
	sprintf(buf + strlen(buf),
	        "#-----------\nsnapshot=%d\n#-----------\ntime=%d\nmem_heap_B=%d\n"
	        "mem_heap_extra_B=%d\nmem_stacks_B=0\nheap_tree=%s\n",
	        n, time, heap, extra, *tree ? tree : "empty");
	return buf;
}

static void parse_ok(const char *name, const char *text, struct massif_profile *p)
{
	char err[512];

	if (massif_parse_text(name, text, p, err, sizeof(err)) != 0)
		fail_msg("parse of:\n%s\nfailed: %s", text, err);
}

static void parse_fails(const char *text, const char *want)
{
	struct massif_profile p;
	char err[512] = "";

	if (massif_parse_text("t", text, &p, err, sizeof(err)) != -1)
		fail_msg("parse of:\n%s\nsucceeded, want an error '%s...'", text, want);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("parse of:\n%s\nerror '%s', want '%s...'", text, err, want);
	if (p.sites || p.n_sites || p.cmd)
		fail_msg("parse of:\n%s\nfailed but left data in the profile", text);
}

static void check_site(const struct massif_profile *p, size_t i, uint64_t bytes, int depth,
                       const char *where)
{
	if (i >= p->n_sites)
		fail_msg("site %zu: only %zu sites", i, p->n_sites);
	CHECK_U64("site bytes", p->sites[i].bytes, bytes);
	CHECK_U64("site depth", (uint64_t)p->sites[i].depth, (uint64_t)depth);
	assert_string_equal(p->sites[i].where, where);
}

/* ms_print: snapshots 24 and 25 both hold 45,600 B useful + 1,608 B extra; massif marks 25 as
 * "(peak)" and details it, 24 is empty. The first of a tie is the peak, the tree is 25's. */
static void recorded_run(void **state)
{
	struct massif_profile p;
	char err[512];

	(void)state;
	if (massif_parse_file(FIXTURES_DIR "/massif.out.5206", &p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	CHECK_U64("pid from the file name", (uint64_t)p.pid, 5206);
	assert_string_equal(p.cmd, "./heap");
	CHECK_U64("snapshots", p.n_snapshots, 66);
	CHECK_U64("peak snapshot", p.peak_snapshot, 24);
	CHECK_U64("peak bytes", p.peak_bytes, 47208);
	CHECK_U64("peak heap", p.peak_heap_b, 45600);
	CHECK_U64("peak extra", p.peak_extra_b, 1608);
	CHECK_U64("tree from snapshot", p.sites_snapshot, 25);
	CHECK_U64("sites", p.n_sites, 5);
	check_site(&p, 0, 45600, 0,
	           "(heap allocation functions) malloc/new/new[], --alloc-fns, etc.");
	check_site(&p, 1, 25600, 1, "0x10918A: build_list (heap.c:15)");
	check_site(&p, 2, 25600, 2, "0x109207: main (heap.c:41)");
	check_site(&p, 3, 20000, 1, "0x1091E0: big_buffer (heap.c:25)");
	check_site(&p, 4, 20000, 2, "0x109214: main (heap.c:42)");
	massif_free(&p);
}

static void detailed_peak_has_its_own_tree(void **state)
{
	char text[4096] = HEADER;
	struct massif_profile p;

	(void)state;
	snap(text, 0, 0, 0, 0, "");
	snap(text, 1, 10, 100, 8,
	     "detailed\nn1: 100 (heap allocation functions)\n"
	     " n0: 100 0x1: f (a.c:1)\n");
	snap(text, 2, 20, 300, 24,
	     "peak\nn2: 300 (heap allocation functions)\n"
	     " n1: 200 0x2: g (a.c:2)\n  n0: 200 0x3: main (a.c:9)\n"
	     " n0: 100 in 1 place, below massif's threshold (1.00%)\n");
	snap(text, 3, 30, 310, 0, ""); /* more useful heap, less in total */
	parse_ok("dir/massif.out.123", text, &p);
	CHECK_U64("pid", (uint64_t)p.pid, 123);
	CHECK_U64("snapshots", p.n_snapshots, 4);
	CHECK_U64("peak snapshot", p.peak_snapshot, 2);
	CHECK_U64("peak bytes", p.peak_bytes, 324);
	CHECK_U64("tree from", p.sites_snapshot, 2);
	CHECK_U64("sites", p.n_sites, 4);
	check_site(&p, 2, 200, 2, "0x3: main (a.c:9)");
	check_site(&p, 3, 100, 1, "in 1 place, below massif's threshold (1.00%)");
	massif_free(&p);
}

static void empty_peak_takes_nearest_detailed_tree(void **state)
{
	char text[4096] = HEADER;
	struct massif_profile p;

	(void)state;
	snap(text, 0, 0, 10, 0, "detailed\nn0: 10 (heap allocation functions)\n");
	snap(text, 1, 100, 50, 0, "detailed\nn0: 50 (heap allocation functions)\n");
	snap(text, 2, 150, 90, 10, "");
	snap(text, 3, 160, 100, 0, ""); /* ties with 2: the first one is the peak */
	snap(text, 4, 200, 70, 0, "detailed\nn0: 70 (heap allocation functions)\n");
	parse_ok("massif.out", text, &p);
	CHECK_U64("pid without one in the name", (uint64_t)p.pid, (uint64_t)-1);
	CHECK_U64("peak snapshot", p.peak_snapshot, 2);
	CHECK_U64("tree from (50 before, 50 after: the earlier)", p.sites_snapshot, 1);
	check_site(&p, 0, 50, 0, "(heap allocation functions)");
	massif_free(&p);
}

static void no_detailed_snapshot_no_sites(void **state)
{
	char text[1024] = HEADER;
	struct massif_profile p;

	(void)state;
	snap(text, 0, 0, 0, 0, "");
	snap(text, 1, 5, 64, 16, "");
	parse_ok("massif.out.12x", text, &p);
	CHECK_U64("pid from a name that is not massif.out.PID", (uint64_t)p.pid, (uint64_t)-1);
	CHECK_U64("peak bytes", p.peak_bytes, 80);
	CHECK_U64("sites", p.n_sites, 0);
	CHECK_U64("tree from (none)", p.sites_snapshot, p.n_snapshots);
	assert_null(p.sites);
	massif_free(&p);
}

static void malformed_files(void **state)
{
	char text[2048];

	(void)state;
	parse_fails("", "t: no snapshots");
	parse_fails("cmd: ./x\ntime_unit: B\n", "t: no snapshots");
	parse_fails("desc: x\ntime_unit: B\nsnapshot=0\n", "t:3: no 'cmd:' line");
	parse_fails("cmd: ./x\nhello\n", "t:2: unexpected line 'hello'");
	parse_fails(HEADER "snapshot=0\ntime=0\nmem_heap_extra_B=0\n",
	            "t:6: expected 'mem_heap_B='");
	parse_fails(HEADER "snapshot=0\ntime=-1\n", "t:5: bad number in 'time=-1'");
	parse_fails(HEADER "snapshot=0\ntime=0\n", "t: file ends inside a snapshot");
	strcpy(text, HEADER);
	parse_fails(snap(text, 0, 0, 1, 1, "bogus"), "t:11: heap_tree= is 'bogus'");
	strcpy(text, HEADER);
	parse_fails(snap(text, 0, 0, 1, 1, "detailed\nn2: 1 top\n n0: 1 a\n"),
	            "t: file ends inside a heap tree");
	strcpy(text, HEADER);
	parse_fails(snap(text, 0, 0, 1, 1, "detailed\nn1: 1 top\n  n0: 1 a\n"),
	            "t:13: tree node at depth 2, expected depth 1");
	strcpy(text, HEADER);
	parse_fails(snap(text, 0, 0, 1, 1, "detailed\nn1: x top\n"), "t:12: bad byte count");
	strcpy(text, HEADER);
	parse_fails(snap(text, 0, 0, 1, 1, "detailed\nx1: 1 top\n"), "t:12: expected a tree node");
	strcpy(text, HEADER);
	parse_fails(snap(text, 0, 0, 1, 1, "detailed\nn99999999999: 1 top\n"),
	            "t:12: tree node with 99999999999 children");
}

static void missing_file(void **state)
{
	struct massif_profile p;
	char err[256];

	(void)state;
	assert_int_equal(massif_parse_file(FIXTURES_DIR "/massif.out.1", &p, err, sizeof(err)), -1);
	assert_string_equal(err, FIXTURES_DIR "/massif.out.1: No such file or directory");
	assert_null(p.sites);
}

/* Damaged copies of the real file must parse or fail cleanly (and, under memcheck, leak-free). */
static void damaged_files_never_crash(void **state)
{
	char err[512], *text;
	struct massif_profile p;
	size_t len;
	FILE *f;

	(void)state;
	f = fopen(FIXTURES_DIR "/massif.out.5206", "rb");
	assert_non_null(f);
	text = calloc(1, 1 << 20);
	assert_non_null(text);
	len = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	srand(7);
	for (int i = 0; i < 300; i++) {
		char *copy = strdup(text);
		assert_non_null(copy);
		for (int k = 0; k < 1 + i % 8; k++)
			copy[(size_t)rand() % len] = " \n=n:0123#\xff"[rand() % 11];
		if (i % 3 == 0)
			copy[(size_t)rand() % len] = '\0';
		err[0] = '\0';
		if (massif_parse_text("damaged", copy, &p, err, sizeof(err)) == 0)
			massif_free(&p);
		else if (strncmp(err, "damaged", 7) != 0)
			fail_msg("damaged copy %d: error without the file name: '%s'", i, err);
		free(copy);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(recorded_run),
	    cmocka_unit_test(detailed_peak_has_its_own_tree),
	    cmocka_unit_test(empty_peak_takes_nearest_detailed_tree),
	    cmocka_unit_test(no_detailed_snapshot_no_sites),
	    cmocka_unit_test(malformed_files),
	    cmocka_unit_test(missing_file),
	    cmocka_unit_test(damaged_files_never_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
