/* test_callgrind_out.c: unit tests of the callgrind output parser, on outputs recorded from
 * fixtures/src/prog.c (see fixtures/src/record.sh; numbers cross-checked with callgrind_annotate)
 * and on hand-written files for each format feature and for garbage. */

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "callgrind_out.h"
#include "valgrind_run.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "grader/tests/fixtures"
#endif

#define CHECK_U64(what, got, want)                                                                 \
	do {                                                                                       \
		uint64_t g_ = (got), w_ = (want);                                                  \
		if (g_ != w_)                                                                      \
			fail_msg("%s: got %" PRIu64 ", want %" PRIu64, (what), g_, w_);            \
	} while (0)

static void load(const char *fixture, struct cg_profile *p)
{
	char path[512], err[512];

	snprintf(path, sizeof(path), "%s/%s", FIXTURES_DIR, fixture);
	if (cg_parse_file(path, p, err, sizeof(err)) != 0)
		fail_msg("cg_parse_file(%s): %s", path, err);
}

static void parse_ok(const char *text, struct cg_profile *p)
{
	char err[512];

	if (cg_parse_text("t", text, p, err, sizeof(err)) != 0)
		fail_msg("parse of:\n%s\nfailed: %s", text, err);
}

/* Parsing must fail with a message starting with want ("t:LINE:"), leaving p empty. */
static void parse_fails(const char *text, const char *want)
{
	struct cg_profile p;
	char err[512] = "";

	if (cg_parse_text("t", text, &p, err, sizeof(err)) != -1)
		fail_msg("parse of:\n%s\nsucceeded, want an error '%s...'", text, want);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("parse of:\n%s\nerror '%s', want '%s...'", text, err, want);
	if (p.functions || p.n_functions || p.calls || p.cmd)
		fail_msg("parse of:\n%s\nfailed but left data in the profile", text);
}

static const struct cg_function *find(const struct cg_profile *p, const char *name)
{
	const struct cg_function *f = cg_find(p, name);

	if (!f)
		fail_msg("function '%s' not found among %zu", name, p->n_functions);
	return f;
}

/* name's self Ir, inclusive Ir and calls received. */
static void check_fn(const struct cg_profile *p, const char *name, uint64_t self, uint64_t incl,
                     uint64_t calls)
{
	const struct cg_function *f = find(p, name);
	char what[300];

	snprintf(what, sizeof(what), "'%s' self Ir", name);
	CHECK_U64(what, f->self[CG_IR], self);
	snprintf(what, sizeof(what), "'%s' inclusive Ir", name);
	CHECK_U64(what, f->inclusive[CG_IR], incl);
	snprintf(what, sizeof(what), "'%s' calls", name);
	CHECK_U64(what, f->calls_in, calls);
}

static uint64_t sum_self(const struct cg_profile *p, int ev)
{
	uint64_t s = 0;

	for (size_t i = 0; i < p->n_functions; i++)
		s += p->functions[i].self[ev];
	return s;
}

/* {=== recorded outputs ===} */

/* The same run of prog.c as every Ir-only fixture: the numbers must not depend on how it is
 * written (compressed, uncompressed, with instruction addresses and jumps, in two parts). */
static void check_prog_run(const struct cg_profile *p)
{
	const char *const allocs[] = {"malloc", "memalign", NULL};

	CHECK_U64("totals Ir", p->totals[CG_IR], 9399);
	CHECK_U64("sum of self Ir", sum_self(p, CG_IR), 9399);
	check_fn(p, "main", 115, 9399, 0); /* the region starts inside main */
	check_fn(p, "fib", 18, 2563, 1);
	/* callgrind names recursion levels >= 2 fib'2; its calls to itself are already in its self
	 * cost (callgrind_annotate --inclusive=yes counts them again: 14,232) */
	check_fn(p, "fib'2", 2545, 2545, 176);
	check_fn(p, "fill_buffers", 209, 5440, 1);
	check_fn(p, "apply", 60, 95, 10);
	check_fn(p, "square", 15, 15, 5); /* called through a function pointer */
	check_fn(p, "cube", 20, 20, 5);
	/* callgrind_annotate splits malloc by inlined file: malloc.c 418 + arena.c 5 */
	check_fn(p, "malloc", 423, 2250, 10);
	check_fn(p, "free", 264, 1011, 11);
	check_fn(p, "memalign", 3, 387, 1); /* aligned_alloc is an alias of memalign */
	CHECK_U64("calls to malloc", cg_calls_to(p, "malloc", NULL), 10);
	CHECK_U64("calls to free", cg_calls_to(p, "free", allocs), 11);
	CHECK_U64("calls to malloc not from fill_buffers",
	          cg_calls_to(p, "malloc", (const char *const[]){"fill_buffers", NULL}), 0);
	assert_string_equal(find(p, "main")->file, "/tmp/cgfix/prog.c");
	assert_string_equal(find(p, "main")->object, "/tmp/cgfix/prog");
	assert_string_equal(p->cmd, "./prog");
	assert_true(p->has[CG_IR]);
}

static void plain_run(void **state)
{
	struct cg_profile p;

	(void)state;
	load("callgrind.out.plain", &p);
	check_prog_run(&p);
	CHECK_U64("pid", (uint64_t)p.pid, 4870);
	assert_false(p.has[CG_DR] || p.has[CG_SYSCOUNT]);
	assert_true(p.complete);
	cg_free(&p);
}

/* A file cut between two lines still parses, but must not count as a finished run. */
static void cut_file_is_incomplete(void **state)
{
	struct cg_profile p;
	char err[256];

	(void)state;
	assert_int_equal(cg_parse_text("cut", "events: Ir\nfn=main\n1 5\n", &p, err, sizeof err),
	                 0);
	assert_false(p.complete);
	cg_free(&p);
	assert_int_equal(
	    cg_parse_text("whole", "events: Ir\nfn=main\n1 5\ntotals: 5\n", &p, err, sizeof err),
	    0);
	assert_true(p.complete);
	cg_free(&p);
}

static void same_run_in_every_layout(void **state)
{
	static const char *const files[] = {
	    "callgrind.out.nocompress", /* --compress-strings=no --compress-pos=no */
	    "callgrind.out.instr",      /* positions: instr line, jump=/jcnd=/jfi= lines */
	    "callgrind.out.parts",      /* two part:s; part 2 has a wrapped-around summary: */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct cg_profile p;
		print_message("fixture %s\n", files[i]);
		load(files[i], &p);
		check_prog_run(&p);
		cg_free(&p);
	}
}

static void cache_and_branch_events(void **state)
{
	static const uint64_t totals[] = {9399, 2236, 1721, 166, 115, 79, 166,
	                                  115,  79,   1223, 235, 64,  25};
	static const uint64_t self[] = {209, 52, 41, 3, 2, 0, 3, 2, 0, 11, 3, 33, 7};
	static const uint64_t incl[] = {5440, 1334, 972, 136, 105, 68, 136,
	                                105,  68,   865, 154, 50,  13};
	struct cg_profile p;
	const struct cg_function *f;

	(void)state;
	load("callgrind.out.cache", &p);
	f = find(&p, "fill_buffers");
	for (int e = CG_IR; e <= CG_BIM; e++) {
		char what[64];
		assert_true(p.has[e]);
		snprintf(what, sizeof(what), "event %d: totals", e);
		CHECK_U64(what, p.totals[e], totals[e]);
		snprintf(what, sizeof(what), "event %d: fill_buffers self", e);
		CHECK_U64(what, f->self[e], self[e]);
		snprintf(what, sizeof(what), "event %d: fill_buffers inclusive", e);
		CHECK_U64(what, f->inclusive[e], incl[e]);
	}
	assert_false(p.has[CG_SYSCOUNT] || p.has[CG_SYSTIME]);
	cg_free(&p);
}

static void system_calls(void **state)
{
	struct cg_profile p;

	(void)state;
	load("callgrind.out.systime", &p); /* events: Ir sysCount sysTime sysCpuTime */
	assert_true(p.has[CG_SYSCOUNT] && p.has[CG_SYSTIME]);
	CHECK_U64("totals sysCount", p.totals[CG_SYSCOUNT], 3);
	CHECK_U64("totals sysTime", p.totals[CG_SYSTIME], 47789);
	CHECK_U64("brk self sysCount", find(&p, "brk")->self[CG_SYSCOUNT], 2);
	CHECK_U64("brk self sysTime", find(&p, "brk")->self[CG_SYSTIME], 11952);
	CHECK_U64("getrandom sysTime", find(&p, "getrandom")->self[CG_SYSTIME], 35837);
	CHECK_U64("sbrk inclusive sysCount", find(&p, "sbrk")->inclusive[CG_SYSCOUNT], 2);
	CHECK_U64("main inclusive sysCount", find(&p, "main")->inclusive[CG_SYSCOUNT], 3);
	cg_free(&p);
}

/* }=== */

/* {=== hand-written files ===} */

/* The specification's extended example, with name compression. */
static const char spec_example[] = "# callgrind format\n"
                                   "events: Instructions Ir\n"
                                   "fl=(1) file1.c\n"
                                   "fn=(1) main\n"
                                   "16 0 20\n"
                                   "cfn=(2) func1\n"
                                   "calls=1 50\n"
                                   "16 0 400\n"
                                   "cfi=(2) file2.c\n"
                                   "cfn=(3) func2\n"
                                   "calls=3 20\n"
                                   "16 0 400\n"
                                   "fn=(2)\n"
                                   "51 0 100\n"
                                   "cfi=(2)\n"
                                   "cfn=(3)\n"
                                   "calls=2 20\n"
                                   "51 0 300\n"
                                   "fl=(2)\n"
                                   "fn=(3)\n"
                                   "20 0 700\n";

static void calls_and_compressed_names(void **state)
{
	struct cg_profile p;

	(void)state;
	parse_ok(spec_example, &p);
	CHECK_U64("functions", p.n_functions, 3);
	check_fn(&p, "main", 20, 820, 0);
	check_fn(&p, "func1", 100, 400, 1);
	check_fn(&p, "func2", 700, 700, 5);
	assert_string_equal(find(&p, "func2")->file, "file2.c");
	assert_string_equal(find(&p, "func1")->object, "???");
	CHECK_U64("totals, summed without a totals: line", p.totals[CG_IR], 820);
	CHECK_U64("calls to func2", cg_calls_to(&p, "func2", NULL), 5);
	CHECK_U64("calls to func2 not from func1",
	          cg_calls_to(&p, "func2", (const char *const[]){"func1", NULL}), 3);
	CHECK_U64("pid when absent", (uint64_t)p.pid, (uint64_t)-1);
	assert_null(p.cmd);
	assert_false(p.has[CG_DR]);
	cg_free(&p);
}

static void blocks_of_one_function_merge(void **state)
{
	struct cg_profile p;

	(void)state;
	parse_ok("events: Ir\nob=(1) a.out\nfl=(1) a.c\nfn=(1) f\n1 10\nfn=(2) g\n5 1\n"
	         "fn=(1)\n2 5\nfi=(2) inl.h\n3 7\nfe=(1)\ncfn=(2)\ncalls=2 5\n4 2\n"
	         "ob=(1)\nfl=(1)\nfn=(1)\n9 100\n",
	         &p);
	CHECK_U64("functions", p.n_functions, 2);
	check_fn(&p, "f", 122, 124, 0);
	check_fn(&p, "g", 1, 1, 2);
	assert_string_equal(find(&p, "f")->file, "a.c"); /* fi= does not move the function */
	assert_string_equal(find(&p, "f")->object, "a.out");
	cg_free(&p);
}

/* cfi=/cob= name the callee's file and object for the next cfn= only. */
static void callee_file_and_object(void **state)
{
	struct cg_profile p;

	(void)state;
	parse_ok("events: Ir\nob=main.o\nfl=a.c\nfn=main\n1 1\ncob=lib.so\ncfi=b.c\ncfn=helper\n"
	         "calls=1 10\n1 5\ncfn=local\ncalls=4 20\n1 12\n"
	         "ob=lib.so\nfl=b.c\nfn=helper\n10 5\nob=main.o\nfl=a.c\nfn=local\n20 12\n",
	         &p);
	CHECK_U64("functions", p.n_functions, 3);
	check_fn(&p, "helper", 5, 5, 1);
	check_fn(&p, "local", 12, 12, 4);
	check_fn(&p, "main", 1, 18, 0);
	cg_free(&p);
}

static void subpositions_and_short_cost_lines(void **state)
{
	struct cg_profile p;
	const struct cg_function *f;

	(void)state;
	parse_ok("positions: instr line\nevents: Ir Foo Dr Dw\nfn=f\n0x4a0 10 1 9 2 3\n"
	         "+3 * 2\n-2 +1 3 0 1\n* -1 4\njump=2 +8 *\n* *\njcnd=1/2 0x4b0 12\n* *\n"
	         "0X4C0 12 0x10\n",
	         &p);
	f = find(&p, "f");
	CHECK_U64("self Ir", f->self[CG_IR], 1 + 2 + 3 + 4 + 16);
	CHECK_U64("self Dr (after the unknown event Foo)", f->self[CG_DR], 2 + 1);
	CHECK_U64("self Dw", f->self[CG_DW], 3);
	assert_true(p.has[CG_IR] && p.has[CG_DR] && p.has[CG_DW] && !p.has[CG_BC]);
	cg_free(&p);
}

static void totals_last_wins_and_parts_sum(void **state)
{
	struct cg_profile p;

	(void)state;
	parse_ok("version: 1\npid: 77\ncmd:  ./x  a\npart: 1\nevents: Ir Dr\nsummary: 0\n"
	         "fn=f\n1 5 1\ntotals: 9 2\n"
	         "part: 2\nevents: Ir Dr\nsummary: 18446744073709551615\nfn=f\n1 6\ntotals: 6\n"
	         "part: 3\nevents: Ir Dr\nfn=f\n1 7 1\n",
	         &p);
	CHECK_U64("totals Ir", p.totals[CG_IR], 9 + 6 + 7);
	CHECK_U64("totals Dr", p.totals[CG_DR], 2 + 0 + 1);
	CHECK_U64("f self Ir over three parts", find(&p, "f")->self[CG_IR], 18);
	CHECK_U64("pid", (uint64_t)p.pid, 77);
	assert_string_equal(p.cmd, "./x  a");
	cg_free(&p);
}

static void long_names(void **state)
{
	size_t n = 5000;
	char *name = malloc(n + 1), *text = malloc(3 * n + 200);
	struct cg_profile p;

	(void)state;
	assert_non_null(name);
	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		name[i] = "std::vector<int>::f "[i % 20];
	name[n - 1] = 'x';
	name[n] = '\0';
	sprintf(text, "events: Ir\nfl=%s.h\nfn=(1) %s\n1 3\nfn=g\ncfn=(1)\ncalls=1 1\n1 3\n", name,
	        name);
	parse_ok(text, &p);
	check_fn(&p, name, 3, 3, 1);
	assert_int_equal(strlen(find(&p, name)->file), n + 2);
	cg_free(&p);
	free(name);
	free(text);
}

static void malformed_files(void **state)
{
	(void)state;
	parse_fails("", "t: no 'events:' line");
	parse_fails("# callgrind format\nversion: 1\n\n", "t: no 'events:' line");
	parse_fails("fl=a.c\nfn=main\n16 20\n", "t:3: cost line before 'events:'");
	parse_fails("events: Ir\nfn=main\n16 20\nhello world\n", "t:4: malformed line");
	parse_fails("events: Ir\n16 20\n", "t:2: cost line before 'fn='");
	parse_fails("events: Ir\nfn=(7)\n", "t:2: name id (7) used before it was defined");
	parse_fails("events: Ir\nfn=(7\n", "t:2: bad name id");
	parse_fails("events: Ir\nfn=\n", "t:2: empty name");
	parse_fails("events: Ir\nfn=f\n1 2 3\n", "t:3: more costs than the 1 events declared");
	parse_fails("events: Ir\nfn=f\n1 99999999999999999999\n", "t:3: bad cost");
	parse_fails("events: Ir\nfn=f\n1 2x\n", "t:3: bad cost");
	parse_fails("events: Ir\nfn=f\n+ 2\n", "t:3: malformed cost line");
	parse_fails("positions: instr line\nevents: Ir\nfn=f\n0x10\n", "t:4: malformed cost line");
	parse_fails("events: Ir\nfn=f\ncfn=g\ncalls=1 2\n", "t: file ends after a calls= line");
	parse_fails("events: Ir\nfn=f\ncfn=g\ncalls=1 2\nfn=g\n", "t:5: calls= line not followed");
	parse_fails("events: Ir\nfn=f\ncalls=1 2\n1 1\n", "t:3: calls= without cfn=");
	parse_fails("events: Ir\nfn=f\ncfn=g\ncalls=x 2\n1 1\n", "t:4: bad call count");
	parse_fails("events: Ir\nfn=f\ncfn=g\ncalls=1 2 3\n1 1\n", "t:4: bad target position");
	parse_fails("events: Ir\nfn=f\nxyz=1\n", "t:3: unknown line 'xyz='");
	parse_fails("positions: line column\nevents: Ir\n", "t:1: unknown position 'column'");
	parse_fails("events:\n", "t:1: 'events:' names no event");
	parse_fails("totals: 5\nevents: Ir\n", "t:1: totals before 'events:'");
	parse_fails("version: 2\nevents: Ir\n", "t:1: format version '2' is not 1");
	parse_fails("pid: abc\nevents: Ir\n", "t:1: bad pid");
}

static void missing_file(void **state)
{
	struct cg_profile p;
	char err[256];

	(void)state;
	assert_int_equal(cg_parse_file(FIXTURES_DIR "/no-such-file", &p, err, sizeof(err)), -1);
	assert_string_equal(err, FIXTURES_DIR "/no-such-file: No such file or directory");
	assert_int_equal(cg_parse_file(FIXTURES_DIR "/no-such-file", &p, NULL, 0), -1);
	assert_null(p.functions);
}

/* Damaged copies of a real file (bytes overwritten, lines cut) must parse or fail cleanly;
 * run under memcheck this also checks that failures free everything. */
static void damaged_files_never_crash(void **state)
{
	char path[512], err[512], *text;
	struct cg_profile p;
	size_t len;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/callgrind.out.plain", FIXTURES_DIR);
	f = fopen(path, "rb");
	assert_non_null(f);
	text = calloc(1, 1 << 20);
	assert_non_null(text);
	len = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	srand(42);
	for (int i = 0; i < 300; i++) {
		char *copy = strdup(text);
		assert_non_null(copy);
		for (int k = 0; k < 1 + i % 8; k++)
			copy[(size_t)rand() % len] = " \n=()+-*0x9#:\xff"[rand() % 14];
		if (i % 3 == 0)
			copy[(size_t)rand() % len] = '\0';
		err[0] = '\0';
		if (cg_parse_text("damaged", copy, &p, err, sizeof(err)) == 0)
			cg_free(&p);
		else if (strncmp(err, "damaged", 7) != 0)
			fail_msg("damaged copy %d: error without the file name: '%s'", i, err);
		free(copy);
	}
	free(text);
}

/* }=== */

/* fixtures/src/memalign.c makes five allocations, three of them aligned to 16: glibc's
 * _mid_memalign serves those with malloc, and summing the calls to each entry point (the count
 * before this test) gave 8. Each allocation counts once. */
static void aligned_allocations_count_once(void **state)
{
	struct cg_profile p;
	uint64_t summed = 0;

	(void)state;
	load("callgrind.out.memalign", &p);
	for (int i = 0; vg_allocation_functions[i] != NULL; i++)
		summed += cg_calls_to(&p, vg_allocation_functions[i], vg_allocation_functions);
	CHECK_U64("calls summed per entry point (the double count)", summed, 8);
	CHECK_U64("allocations", cg_allocation_calls(&p, vg_allocation_functions), 5);
	cg_free(&p);
}

/* calls.pthread_mutex_lock must find callgrind's pthread_mutex_lock@@GLIBC_2.2.5, and only it */
static void calls_ignore_the_symbol_version(void **state)
{
	(void)state;
	struct vg_function functions[] = {
	    {.name = "pthread_mutex_lock@@GLIBC_2.2.5", .calls = 7},
	    {.name = "pthread_mutex_lock_full", .calls = 100},
	    {.name = "free", .calls = 3},
	};
	struct vg_result r = {.functions = functions, .n_functions = 3};
	assert_int_equal(vg_calls(&r, "pthread_mutex_lock"), 7);
	assert_int_equal(vg_calls(&r, "free"), 3);
	assert_int_equal(vg_calls(&r, "pthread_mutex"), 0);
}

/* a calls.* metric given a family (function = a b) counts every member's calls as one */
static void calls_of_a_family_add_up(void **state)
{
	(void)state;
	struct vg_function functions[] = {
	    {.name = "pthread_mutex_lock@@GLIBC_2.2.5", .calls = 7},
	    {.name = "pthread_mutex_trylock@@GLIBC_2.34", .calls = 40},
	    {.name = "pthread_mutex_unlock", .calls = 47},
	};
	struct vg_result r = {.functions = functions, .n_functions = 3};
	double v;
	assert_int_equal(vg_metric_value(&r, "calls.pthread_mutex_lock",
	                                 "pthread_mutex_lock pthread_mutex_trylock", &v),
	                 0);
	assert_true(v == 47);
	assert_int_equal(vg_metric_value(&r, "calls.pthread_mutex_lock", NULL, &v), 0);
	assert_true(v == 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_run),
	    cmocka_unit_test(calls_ignore_the_symbol_version),
	    cmocka_unit_test(calls_of_a_family_add_up),
	    cmocka_unit_test(aligned_allocations_count_once),
	    cmocka_unit_test(cut_file_is_incomplete),
	    cmocka_unit_test(same_run_in_every_layout),
	    cmocka_unit_test(cache_and_branch_events),
	    cmocka_unit_test(system_calls),
	    cmocka_unit_test(calls_and_compressed_names),
	    cmocka_unit_test(blocks_of_one_function_merge),
	    cmocka_unit_test(callee_file_and_object),
	    cmocka_unit_test(subpositions_and_short_cost_lines),
	    cmocka_unit_test(totals_last_wins_and_parts_sum),
	    cmocka_unit_test(long_names),
	    cmocka_unit_test(malformed_files),
	    cmocka_unit_test(missing_file),
	    cmocka_unit_test(damaged_files_never_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
