/* test_batch.c: cmocka tests of the batch's pieces that need no grading run: the JSON reader
 * (a report with bytes after it is refused), rows read back from a report, RFC 4180 quoting of
 * hostile names, file-name slugs, archive member names that leave their folder, batch.ini,
 * the worker pool, and the similarity of a renamed copy against an unrelated file. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../batch_ini.h"
#include "../batch_row.h"
#include "../gradebook.h"
#include "../json_read.h"
#include "../sandbox.h"
#include "../similarity.h"
#include "../slot_lease.h"
#include "../submissions.h"
#include "../work_pool.h"
#include "proc.h"

static const char report[] =
    "{\"schema_version\": 1, \"lesson\": \"01\", \"student\": \"a\\\"b\", \"status\": "
    "\"graded\", \"reason\": null, \"score\": 58.2, \"max\": 100, \"correctness\": "
    "{\"passed\": 8, \"total\": 8, \"points\": 40}, \"metrics\": [{\"name\": \"instructions\", "
    "\"kind\": \"scored\", \"direction\": \"lower\", \"student\": 7.1e7, \"ratio\": 6.3, "
    "\"weight\": 3, \"points\": 14.07}, {\"name\": \"wall_ratio\", \"kind\": \"report\", "
    "\"student\": null, \"ratio\": null, \"points\": 0}], \"seed\": 42, \"course_version\": "
    "\"0.1.0\", \"toolchain\": {\"cc\": \"gcc 12\", \"glibc\": \"2.36\", \"valgrind\": \"3.19\", "
    "\"cpu\": \"x\", \"arch\": \"x86_64\"}}";

static char *memfile(void (*write)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	write(f, arg);
	fclose(f);
	return buf;
}

static void json_reads_a_report_and_its_escapes(void **state)
{
	(void)state;
	char err[128];
	struct json_value *v = json_parse(report, strlen(report), err, sizeof err);
	if (v == NULL)
		fail_msg("json_parse(report): %s", err);
	assert_string_equal(json_string_or(v, "student", "?"), "a\"b");
	assert_true(json_number_or(v, "score", 0) == 58.2);
	assert_int_equal(json_get(v, "reason")->type, JSON_NULL);
	json_free(v);
}

static void json_refuses_bytes_after_the_value(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "{\"a\": 1} {\"a\": 2}",   "{\"a\": 1", "{\"a\" 1}", "[1, 2,]", "\"\\x\"", "tru", "",
	    "{\"a\": \"line\nbreak\"}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char err[128] = "";
		struct json_value *v = json_parse(bad[i], strlen(bad[i]), err, sizeof err);
		if (v != NULL || err[0] == '\0')
			fail_msg("json_parse('%s'): got a value, want an error", bad[i]);
	}
}

static void json_refuses_deep_nesting(void **state)
{
	(void)state;
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	char err[128];
	struct json_value *v = json_parse(deep, sizeof deep, err, sizeof err);
	assert_null(v);
	assert_non_null(strstr(err, "nested"));
}

static void row_reads_metrics_seed_and_environment(void **state)
{
	(void)state;
	char err[128];
	struct json_value *v = json_parse(report, strlen(report), err, sizeof err);
	struct batch_row row = {0};
	assert_int_equal(batch_row_from_json(v, "01", &row, err, sizeof err), 0);
	assert_int_equal(row.status, STATUS_GRADED);
	assert_int_equal(row.n_metrics, 2);
	assert_true(row.metrics[0].measured && row.metrics[0].student == 7.1e7);
	assert_false(row.metrics[1].measured);
	assert_int_equal(row.seed, 42);
	assert_non_null(strstr(row.environment, "glibc 2.36"));
	assert_int_equal(batch_row_from_json(v, "02", &row, err, sizeof err), -1);
	json_free(v);
}

/* A scored wall time the machine was too busy to credit names itself in the gradebook's reason
 * column, so that the instructor regrades that student; a report-only one does not. */
static void row_names_wall_time_a_busy_machine_did_not_credit(void **state)
{
	(void)state;
	static const char busy[] =
	    "{\"schema_version\": 1, \"lesson\": \"03\", \"student\": \"x\", \"status\": "
	    "\"graded\", \"reason\": null, \"score\": 74.3, \"max\": 100, \"metrics\": "
	    "[{\"name\": \"wall_ratio\", \"kind\": \"scored\", \"student\": 1.0, \"ratio\": 1.0, "
	    "\"points\": 0, \"scored\": true, \"reliable\": false, \"busy\": %s}]}";
	char text[sizeof busy + 8], err[128];
	for (int credited = 0; credited < 2; credited++) {
		snprintf(text, sizeof text, busy, credited ? "false" : "true");
		struct json_value *v = json_parse(text, strlen(text), err, sizeof err);
		struct batch_row row = {0};
		assert_int_equal(batch_row_from_json(v, "03", &row, err, sizeof err), 0);
		if (credited)
			assert_string_equal(row.reason, "");
		else if (strstr(row.reason, "busy") == NULL)
			fail_msg("reason '%s', want the busy machine named", row.reason);
		json_free(v);
	}
}

struct rows_arg {
	struct batch_row *rows;
	size_t n;
};

static void csv_of(FILE *f, const void *arg)
{
	const struct rows_arg *a = arg;
	char path[] = "/tmp/test_batch_csv_XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	gradebook_write_csv(path, a->rows, a->n);
	FILE *in = fopen(path, "r");
	int c;
	while ((c = fgetc(in)) != EOF)
		fputc(c, f);
	fclose(in);
	unlink(path);
}

static void csv_quotes_commas_quotes_and_formulas(void **state)
{
	(void)state;
	struct batch_row rows[3] = {0};
	batch_row_failed(&rows[0], "carol, \"q\" $(id);", "01", 7, STATUS_REFUSED, "a, b");
	batch_row_failed(&rows[1], "=HYPERLINK(\"x\")", "01", 7, STATUS_ERROR, "line\nbreak");
	batch_row_failed(&rows[2], "plain", "01", 7, STATUS_GRADED, "");
	struct rows_arg a = {rows, 3};
	char *csv = memfile(csv_of, &a);
	const char *want[] = {"\"carol, \"\"q\"\" $(id);\",01,0.0,refused,\"a, b\",0,0,7",
	                      "\"'=HYPERLINK(\"\"x\"\")\",01,0.0,error,\"line\nbreak\"",
	                      "\r\nplain,01,0.0,graded,,0,0,7"};
	for (size_t i = 0; i < 3; i++)
		if (strstr(csv, want[i]) == NULL)
			fail_msg("gradebook.csv:\n%s\nwant a row holding: %s", csv, want[i]);
	free(csv);
}

static void slugs_are_safe_and_distinct(void **state)
{
	(void)state;
	char a[160], b[160], c[160];
	batch_slug("alice", a, sizeof a);
	assert_string_equal(a, "alice");
	batch_slug("../etc/passwd", b, sizeof b);
	batch_slug("__etc_passwd", c, sizeof c);
	if (strchr(b, '/') != NULL || b[0] == '.' || strcmp(b, c) == 0)
		fail_msg("slug('../etc/passwd') = '%s', slug('__etc_passwd') = '%s'", b, c);
	batch_slug("-rf", c, sizeof c);
	assert_true(c[0] != '-');
}

static void archive_members_that_leave_their_folder(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int unsafe;
	} cases[] = {
	    {"logfmt.c", 0},    {"alice/logfmt.c", 0}, {"../logfmt.c", 1}, {"a/../../logfmt.c", 1},
	    {"/etc/passwd", 1}, {"a..b/logfmt.c", 0},  {"a/..", 1},        {"..", 1}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (submissions_unsafe_member(cases[i].name) != cases[i].unsafe)
			fail_msg("unsafe('%s'): got %d, want %d", cases[i].name, !cases[i].unsafe,
			         cases[i].unsafe);
}

static void batch_ini_round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/test_batch_ini_XXXXXX";
	close(mkstemp(path));
	struct batch_ini w = {.lesson = "01",
	                      .seed = 123456789ULL,
	                      .course_version = "0.1.0",
	                      .created = "2026-01-01T00:00:00Z",
	                      .shard = 2,
	                      .shards = 4,
	                      .submissions = "/srv/class/subs"},
	                 r;
	assert_int_equal(batch_ini_write(path, &w), 0);
	char err[256];
	assert_int_equal(batch_ini_read(path, &r, err, sizeof err), 0);
	assert_string_equal(r.lesson, "01");
	assert_int_equal(r.seed, 123456789ULL);
	assert_int_equal(r.shard, 2);
	assert_int_equal(r.shards, 4);
	assert_string_equal(r.submissions, "/srv/class/subs");
	/* a shard line naming no shard of its split is refused with its line */
	FILE *f = fopen(path, "a");
	fputs("shard = 4/4\n", f);
	fclose(f);
	assert_int_equal(batch_ini_read(path, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "want 'shard = I/N'"));
	unlink(path);
	assert_int_equal(batch_ini_read(path, &r, err, sizeof err), 1);
	unsigned long long s = batch_ini_draw_seed();
	assert_true(s >= 1 && s < (1ULL << 31));
}

/* Every submission lands in exactly one shard of a split, whatever the number of shards. */
static void shards_split_a_listing_without_overlap(void **state)
{
	(void)state;
	struct submission all[10], share[10];
	for (size_t i = 0; i < 10; i++)
		snprintf(all[i].name, sizeof all[i].name, "s%zu", i);
	for (unsigned shards = 1; shards <= 4; shards++) {
		int seen[10] = {0};
		for (unsigned s = 0; s < shards; s++) {
			memcpy(share, all, sizeof all);
			size_t k = submissions_shard(share, 10, s, shards);
			for (size_t i = 0; i < k; i++)
				seen[atoi(share[i].name + 1)]++;
		}
		for (size_t i = 0; i < 10; i++)
			assert_int_equal(seen[i], 1);
	}
}

struct counter {
	pthread_mutex_t lock;
	size_t sum, calls;
	unsigned max_slot;
};

static void add_job(void *ctx, size_t job, unsigned slot)
{
	struct counter *c = ctx;
	pthread_mutex_lock(&c->lock);
	c->sum += job;
	c->calls++;
	if (slot > c->max_slot)
		c->max_slot = slot;
	pthread_mutex_unlock(&c->lock);
}

static void work_pool_runs_every_job_once_on_its_slots(void **state)
{
	(void)state;
	struct counter c = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct work_pool *p = work_pool_start(3, 2, add_job, &c);
	assert_non_null(p);
	for (size_t i = 1; i <= 1000; i++)
		work_pool_submit(p, i);
	work_pool_finish(p);
	if (c.calls != 1000 || c.sum != 500500 || c.max_slot > 2)
		fail_msg("1000 jobs on 3 workers: got %zu calls, sum %zu, max slot %u; want 1000, "
		         "500500, <= 2",
		         c.calls, c.sum, c.max_slot);
}

static const char original[] =
    "#include <stdio.h>\n"
    "static int total(const int *values, int count)\n{\n\tint sum = 0;\n"
    "\tfor (int i = 0; i < count; i++)\n\t\tsum += values[i] * 2 + 1;\n"
    "\tif (sum > 100)\n\t\treturn sum - 100;\n\twhile (count-- > 0)\n\t\tsum ^= count;\n"
    "\treturn sum;\n}\n"
    "int render(char *out, const char *in, int n)\n{\n\tint k = 0;\n"
    "\tfor (int j = 0; j < n; j++) {\n\t\tif (in[j] == '\"')\n\t\t\tout[k++] = '\\\\';\n"
    "\t\tout[k++] = in[j];\n\t}\n\tout[k] = 0;\n\treturn k;\n}\n";

/* the same code, every identifier renamed, comments added, reformatted */
static const char renamed[] =
    "/* my own work */\n#include <stdio.h>\n"
    "static int acc(const int *xs, int len) {\n  int s = 0; // running\n"
    "  for (int q = 0; q < len; q++) s += xs[q] * 7 + 3;\n  if (s > 55) return s - 9;\n"
    "  while (len-- > 0) s ^= len;\n  return s;\n}\n"
    "int render(char *dst, const char *src, int m) {\n  int w = 0;\n"
    "  for (int t = 0; t < m; t++) {\n    if (src[t] == '\"') dst[w++] = '\\\\';\n"
    "    dst[w++] = src[t];\n  }\n  dst[w] = 0;\n  return w;\n}\n";

static const char unrelated[] =
    "#include <stdlib.h>\nstruct node { struct node *next; long key; };\n"
    "long find(struct node *h, long k) {\n  while (h && h->key != k) h = h->next;\n"
    "  return h ? h->key : -1;\n}\n"
    "void *grow(void *p, size_t *cap) {\n  *cap = *cap ? *cap * 2 : 16;\n"
    "  return realloc(p, *cap);\n}\n";

static void similarity_sees_through_renaming_not_unrelated_code(void **state)
{
	(void)state;
	struct sim_doc a, b, c;
	assert_int_equal(sim_doc_init(&a, "a", original, strlen(original)), 0);
	assert_int_equal(sim_doc_init(&b, "b", renamed, strlen(renamed)), 0);
	assert_int_equal(sim_doc_init(&c, "c", unrelated, strlen(unrelated)), 0);
	double copied = sim_score(&a, &b), other = sim_score(&a, &c);
	if (copied < 0.9 || other > 0.1)
		fail_msg("renamed copy: %.2f (want >= 0.9); unrelated: %.2f (want <= 0.1)", copied,
		         other);
	sim_doc_subtract(&b, &a); /* with a as the skeleton, nothing of b is left to match */
	assert_true(sim_score(&a, &b) == 0);
	sim_doc_free(&a);
	sim_doc_free(&b);
	sim_doc_free(&c);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static int has_arg_pair(char **argv, const char *a, const char *b)
{
	for (size_t i = 0; argv[i] && argv[i + 1]; i++)
		if (!strcmp(argv[i], a) && !strcmp(argv[i + 1], b))
			return 1;
	return 0;
}

static void sandbox_hides_outputs_and_binds_only_the_work_folder(void **state)
{
	(void)state;
	struct sandbox sb = {.course_root = "/course",
	                     .n_hide = 2,
	                     .hide = {"/out", "/subs"},
	                     .decoy_from = "/course/solutions/01-x",
	                     .decoy_to = "/out/sandbox/solutions-01"};
	char *inner[] = {"/course/build/grade", "--lesson", "01", NULL};
	struct sandbox_command cmd;
	char **argv = cmd.argv;
	assert_int_equal(sandbox_argv(&sb, "/out/work/alice", inner, &cmd), 0);
	static const char *const wanted[][2] = {
	    {"--unshare-all", "--die-with-parent"},
	    {"--tmpfs", "/out"},
	    {"--tmpfs", "/subs"},
	    {"/dev/null", "/dev/zero"},
	    {"/out/sandbox/solutions-01", "/course/solutions/01-x"},
	    {"/out/work/alice", "/course/build/staging"},
	    {"--chdir", "/course"},
	    {"--", "/course/build/grade"}};
	for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++)
		if (!has_arg_pair(argv, wanted[i][0], wanted[i][1]))
			fail_msg("bwrap argv: want '%s %s' in it", wanted[i][0], wanted[i][1]);
	for (size_t i = 0; argv[i]; i++)
		if (!strcmp(argv[i], "--bind") && strcmp(argv[i + 1], "/out/work/alice") != 0)
			fail_msg("bwrap argv: a writable bind of '%s'", argv[i + 1]);
}

static void decoy_keeps_times_empties_solutions_keeps_skeleton(void **state)
{
	(void)state;
	char root[] = "/tmp/test_batch_decoy_XXXXXX", from[64], to[64], path[128];
	assert_non_null(mkdtemp(root));
	snprintf(from, sizeof from, "%s/from", root);
	snprintf(to, sizeof to, "%s/to", root);
	mkdir(from, 0755);
	snprintf(path, sizeof path, "%s/skeleton", from);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/logfmt.c", from);
	write_text(path, "int reference;\n");
	snprintf(path, sizeof path, "%s/skeleton/logfmt.c", from);
	write_text(path, "int skeleton;\n");
	char err[256];
	assert_int_equal(sandbox_make_decoy(from, to, err, sizeof err), 0);
	struct stat a, b;
	snprintf(path, sizeof path, "%s/logfmt.c", from);
	stat(path, &a);
	snprintf(path, sizeof path, "%s/logfmt.c", to);
	stat(path, &b);
	if (b.st_size != 0 || a.st_mtim.tv_sec != b.st_mtim.tv_sec ||
	    a.st_mtim.tv_nsec != b.st_mtim.tv_nsec)
		fail_msg("decoy of the reference: size %lld (want 0), mtime %ld.%ld (want %ld.%ld)",
		         (long long)b.st_size, (long)b.st_mtim.tv_sec, b.st_mtim.tv_nsec,
		         (long)a.st_mtim.tv_sec, a.st_mtim.tv_nsec);
	snprintf(path, sizeof path, "%s/skeleton/logfmt.c", to);
	stat(path, &b);
	assert_int_equal(b.st_size, strlen("int skeleton;\n"));
	snprintf(path, sizeof path, "rm -rf %s", root);
	assert_int_equal(system(path), 0);
}

static void intake_takes_nested_files_refuses_linked_folders(void **state)
{
	(void)state;
	char root[] = "/tmp/test_batch_intake_XXXXXX", path[256], dest[128], err[256];
	assert_non_null(mkdtemp(root));
	struct manifest m = {.n_student_files = 1};
	snprintf(m.student_files[0], sizeof m.student_files[0], "logfmt.c");
	/* alice/lessons/01-x/logfmt.c: the lesson's path inside the submission */
	snprintf(path, sizeof path, "%s/subs/alice/lessons/01-x", root);
	assert_int_equal(system((snprintf(dest, sizeof dest, "mkdir -p %s", path), dest)), 0);
	strcat(path, "/logfmt.c");
	write_text(path, "int alice;\n");
	/* mallory/lessons -> a folder outside the submission */
	snprintf(path, sizeof path, "%s/subs/mallory", root);
	mkdir(path, 0755);
	strcat(path, "/lessons");
	char target[128];
	snprintf(target, sizeof target, "%s/subs/alice/lessons", root);
	assert_int_equal(symlink(target, path), 0);
	size_t n;
	snprintf(path, sizeof path, "%s/subs", root);
	struct submission *s = submissions_list(path, &n, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(n, 2);
	snprintf(dest, sizeof dest, "%s/alice-out", root);
	snprintf(path, sizeof path, "%s/scratch", root);
	if (submissions_take(&s[0], &m, "01-x", dest, path, err, sizeof err) != 0)
		fail_msg("alice: %s", err);
	snprintf(dest, sizeof dest, "%s/mallory-out", root);
	assert_int_equal(submissions_take(&s[1], &m, "01-x", dest, path, err, sizeof err), 1);
	if (strstr(err, "symbolic link") == NULL)
		fail_msg("mallory: reason '%s', want one naming the symbolic link", err);
	free(s);
	snprintf(path, sizeof path, "rm -rf %s", root);
	assert_int_equal(system(path), 0);
}

/* The two tests below use machine-wide things: ngrade4's process count and a process named
 * "sleep 4243". make test runs this program and its ASan build side by side, so the first of
 * them takes this lock, and the process holds it until it exits, however a test ends. */
static void machine_wide_lock(void)
{
	static int fd = -1;
	if (fd < 0 &&
	    (fd = open("/tmp/ngrade-test-batch.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600)) >= 0)
		flock(fd, LOCK_EX);
}

/* Slot users are leased machine-wide (slot_lease.h): leases held at once have distinct users,
 * each of them existing, and a caller told to stop stops waiting when every user is held. The
 * batches make test runs beside this program hold some meanwhile, which is why the first lease
 * may wait and the others are taken until one is refused. Skipped unless root with the users. */
static void slot_leases_are_distinct_and_stop_when_told(void **state)
{
	(void)state;
	machine_wide_lock();
	if (geteuid() != 0 || getpwnam("ngrade1") == NULL)
		skip();
	struct slot_lease held[SLOT_LEASE_MAX + 1];
	char why[256];
	static const volatile sig_atomic_t stop = 1;
	assert_int_equal(slot_lease_take(0, NULL, &held[0], why, sizeof why), 0);
	size_t n = 1;
	while (n <= SLOT_LEASE_MAX && slot_lease_take(0, &stop, &held[n], why, sizeof why) == 0)
		n++;
	if (strstr(why, "stopped") == NULL)
		fail_msg("lease %zu refused with '%s', want the stop named", n, why);
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "ngrade%u", held[i].number);
		assert_non_null(getpwnam(name));
		assert_true(held[i].fd >= 0);
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(held[i].number, held[j].number);
	}
	for (size_t i = 0; i < n; i++)
		slot_lease_release(&held[i]);
}

/* The layer under the static checks: as root, a slot's child runs as its own user, whose
 * RLIMIT_NPROC stops a fork bomb (root ignores that limit). The user is leased as a batch's
 * slot 4 is, so no batch beside this test runs as it meanwhile. Skipped unless root with the
 * grading users. */
static void slot_user_and_process_limit_stop_a_fork_bomb(void **state)
{
	(void)state;
	machine_wide_lock();
	if (geteuid() != 0 || getpwnam("ngrade4") == NULL)
		skip();
	struct slot_lease lease;
	char user[32], why[256], wait_for_none[96];
	assert_int_equal(slot_lease_take(3, NULL, &lease, why, sizeof why), 0);
	snprintf(user, sizeof user, "ngrade%u", lease.number);
	struct passwd *pw = getpwnam(user);
	assert_non_null(pw);
	/* the killed sleeps of the last run as this user are orphans until the machine's init
	 * reaps them, and zombies count against RLIMIT_NPROC: measured here, seven zombies of
	 * ngrade4 for a few seconds after a run. Wait until none is left. */
	snprintf(wait_for_none, sizeof wait_for_none, "pgrep -u %s >/dev/null", user);
	for (int tries = 0; tries < 150 && system(wait_for_none) == 0; tries++)
		usleep(100000);
	char out[] = "/tmp/test_batch_nproc_out_XXXXXX", err[] = "/tmp/test_batch_nproc_err_XXXXXX";
	close(mkstemp(out));
	close(mkstemp(err));
	char *argv[] = {"sh", "-c",
	                "id -u; i=0; while [ $i -lt 40 ]; do sleep 5 & i=$((i + 1)); done; wait",
	                NULL};
	struct proc_spec spec = {.argv = argv,
	                         .stdout_path = out,
	                         .stderr_path = err,
	                         .wall_limit = 20,
	                         .nproc_limit = 8,
	                         .run_uid = pw->pw_uid,
	                         .run_gid = pw->pw_gid};
	struct proc_result r;
	assert_int_equal(proc_run(&spec, &r), 0);
	FILE *f = fopen(out, "r");
	unsigned uid = 0;
	assert_int_equal(fscanf(f, "%u", &uid), 1);
	fclose(f);
	char text[4096] = "";
	f = fopen(err, "r");
	size_t got = fread(text, 1, sizeof text - 1, f);
	text[got] = '\0';
	fclose(f);
	unlink(out);
	unlink(err);
	slot_lease_release(&lease);
	if (uid != pw->pw_uid || strstr(text, "fork") == NULL)
		fail_msg("fork bomb as %s with RLIMIT_NPROC 8: ran as uid %u (want %u), stderr "
		         "'%s' (want a fork failure)",
		         user, uid, (unsigned)pw->pw_uid, text);
}

/* A socket bound to 127.0.0.1 on a free port (listening, for a stream). */
static int loopback_socket(int type)
{
	int fd = socket(AF_INET, type, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static unsigned port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t n = sizeof a;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &n), 0);
	return ntohs(a.sin_port);
}

/* The sandbox itself, under the static checks: from inside, the course is read-only, the
 * batch's outputs are hidden, the network is gone, the PID namespace is new, /dev/zero is
 * empty, /tmp holds at most 512 MiB (a disk filler), only the work folder takes writes, and a
 * daemon dies with the run. Neither a datagram nor a connection reaches a listener on the
 * host's loopback. Skipped
 * where bubblewrap cannot run. */
static void sandbox_blocks_writes_network_and_outputs(void **state)
{
	(void)state;
	machine_wide_lock();
	struct sandbox_user none = {0};
	char why[1024];
	if (access("/bin/bash", X_OK) != 0 || sandbox_probe(&none, why, sizeof why) != 0)
		skip();
	/* not under /tmp: inside the sandbox /tmp is a fresh tmpfs */
	char root[PATH_MAX], path[PATH_MAX + 64], cmd[PATH_MAX + 512];
	mkdir("build/test", 0755);
	if (getcwd(root, sizeof root - 40) == NULL)
		fail_msg("getcwd failed");
	strcat(root, "/build/test/sandbox_unit_XXXXXX");
	assert_non_null(mkdtemp(root));
	chmod(root, 0755);
	struct sandbox sb = {.n_hide = 1};
	snprintf(sb.course_root, sizeof sb.course_root, "%s/course", root);
	snprintf(sb.hide[0], sizeof sb.hide[0], "%s/out", root);
	snprintf(path, sizeof path,
	         "mkdir -p %s/course/build/staging %s/out/work && "
	         "echo secret > %s/out/gradebook.csv",
	         root, root, root);
	assert_int_equal(system(path), 0);
	/* listeners of the host's loopback: lesson 10's servers may open sockets, so the network
	 * namespace, not the static checks, is what keeps a submission from reaching them */
	int udp = loopback_socket(SOCK_DGRAM), tcp = loopback_socket(SOCK_STREAM);
	unsigned udp_port = port_of(udp), tcp_port = port_of(tcp);
	snprintf(cmd, sizeof cmd,
	         "echo leak > /dev/udp/127.0.0.1/%u 2>/dev/null; "
	         "(exec 3<>/dev/tcp/127.0.0.1/%u && echo TCP-REACHED-HOST) 2>/dev/null; "
	         "touch course_file 2>/dev/null && echo WROTE-COURSE; "
	         "cat %s/out/gradebook.csv 2>/dev/null; "
	         "[ $(grep -c : /proc/net/dev) -le 1 ] || echo NETWORK; " /* only lo */
	         "[ $(ls /proc | grep -c '^[0-9]') -lt 10 ] || echo MANY-PIDS; "
	         "[ $(head -c 8 /dev/zero 2>/dev/null | wc -c) -eq 0 ] || echo DEV-ZERO; "
	         "fallocate -l 600M /tmp/fill 2>/dev/null && echo TMP-UNBOUNDED; "
	         "setsid sleep 4243 >/dev/null 2>&1 & "
	         "touch build/staging/mine && echo WORK-OK",
	         udp_port, tcp_port, root);
	char *inner[] = {"/bin/bash", "-c", cmd, NULL};
	struct sandbox_command command;
	char **argv = command.argv;
	char work[PATH_MAX + 16], out[PATH_MAX + 16];
	snprintf(work, sizeof work, "%s/out/work", root);
	assert_int_equal(sandbox_argv(&sb, work, inner, &command), 0);
	snprintf(out, sizeof out, "%s/result", root);
	struct proc_spec spec = {.argv = argv, .stdout_path = out, .wall_limit = 30};
	struct proc_result r;
	assert_int_equal(proc_run(&spec, &r), 0);
	char text[512] = "";
	FILE *f = fopen(out, "r");
	text[fread(text, 1, sizeof text - 1, f)] = '\0';
	fclose(f);
	snprintf(path, sizeof path, "%s/out/work/mine", root);
	int work_written = access(path, F_OK) == 0;
	/* a daemon in its own session escapes the process group, not the PID namespace: the
	 * kernel kills it when the namespace's first process exits, but on a busy machine it may
	 * take a moment to go; one that escaped sleeps 4243 s, so two seconds tell them apart */
	int daemon_left = 1;
	for (int tries = 0; tries < 20 && daemon_left; tries++) {
		daemon_left = system("pgrep -f '^sleep 4243$' >/dev/null") == 0;
		if (daemon_left)
			usleep(100000);
	}
	snprintf(path, sizeof path, "rm -rf %s", root);
	assert_int_equal(system(path), 0);
	char dgram[16];
	int udp_reached = recv(udp, dgram, sizeof dgram, MSG_DONTWAIT) > 0;
	/* the same datagram from outside arrives: the probe above could have seen one */
	snprintf(path, sizeof path, "/bin/bash -c 'echo leak > /dev/udp/127.0.0.1/%u'", udp_port);
	assert_int_equal(system(path), 0);
	usleep(100000);
	int udp_works = recv(udp, dgram, sizeof dgram, MSG_DONTWAIT) > 0;
	close(udp);
	close(tcp);
	assert_true(udp_works);
	if (udp_reached)
		fail_msg("a datagram sent inside the sandbox reached the host's 127.0.0.1:%u",
		         udp_port);
	if (strcmp(text, "WORK-OK\n") != 0 || !work_written || daemon_left)
		fail_msg(
		    "inside the sandbox: printed '%s' (want only WORK-OK), work folder written: "
		    "%d, a daemon outlived it: %d",
		    text, work_written, daemon_left);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(json_reads_a_report_and_its_escapes),
	    cmocka_unit_test(json_refuses_bytes_after_the_value),
	    cmocka_unit_test(json_refuses_deep_nesting),
	    cmocka_unit_test(row_reads_metrics_seed_and_environment),
	    cmocka_unit_test(row_names_wall_time_a_busy_machine_did_not_credit),
	    cmocka_unit_test(csv_quotes_commas_quotes_and_formulas),
	    cmocka_unit_test(slugs_are_safe_and_distinct),
	    cmocka_unit_test(archive_members_that_leave_their_folder),
	    cmocka_unit_test(batch_ini_round_trip),
	    cmocka_unit_test(shards_split_a_listing_without_overlap),
	    cmocka_unit_test(work_pool_runs_every_job_once_on_its_slots),
	    cmocka_unit_test(similarity_sees_through_renaming_not_unrelated_code),
	    cmocka_unit_test(sandbox_hides_outputs_and_binds_only_the_work_folder),
	    cmocka_unit_test(decoy_keeps_times_empties_solutions_keeps_skeleton),
	    cmocka_unit_test(intake_takes_nested_files_refuses_linked_folders),
	    cmocka_unit_test(slot_leases_are_distinct_and_stop_when_told),
	    cmocka_unit_test(slot_user_and_process_limit_stop_a_fork_bomb),
	    cmocka_unit_test(sandbox_blocks_writes_network_and_outputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
