/* suites.c: runs the correct and task suites as the gate and reads Criterion's TAP report. */
#include "suites.h"

#include "jail.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "proc.h"
#include "text_file.h"

#define GATE_FILTER "@(correct|task)/*"

static int in_gate_suite(const char *name)
{
	return strncmp(name, "correct::", 9) == 0 || strncmp(name, "task::", 6) == 0;
}

static int in_budget_suite(const char *name)
{
	return strncmp(name, "budget::", 8) == 0;
}

static void add_failure(struct gate_result *g, const char *name, size_t name_len,
                        const char *message)
{
	if (g->n_failures == REPORT_MAX_FAILURES)
		return;
	struct test_failure *f = &g->failures[g->n_failures++];
	snprintf(f->name, sizeof f->name, "%.*s", (int)name_len, name);
	snprintf(f->message, sizeof f->message, "%s", message);
}

/* The first message line of a failure's YAML block ("      Assertion failed: ..."). */
static void first_block_line(const char *after, char *out, size_t len)
{
	const char *p = after;
	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncmp(p, "ok ", 3) == 0 || strncmp(p, "not ok", 6) == 0 || *p == '\0')
			return;
		if (strncmp(p, "      ", 6) == 0) {
			p += strspn(p, " ");
			snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
			return;
		}
	}
}

/* Counts the results of the tests that in_suite selects. */
static void parse_tap_of(const char *tap, struct gate_result *g, int (*in_suite)(const char *))
{
	for (const char *line = tap; line != NULL && *line != '\0';) {
		const char *next = strchr(line, '\n');
		int ok = strncmp(line, "ok - ", 5) == 0;
		int not_ok = strncmp(line, "not ok - ", 9) == 0;
		if (ok || not_ok) {
			const char *name = line + (ok ? 5 : 9);
			size_t name_len = strcspn(name, " \n");
			if (in_suite(name) && ok) {
				g->passed++;
			} else if (in_suite(name)) {
				char message[256] = "";
				const char *rest = name + name_len;
				rest += strspn(rest, " ");
				size_t rest_len = strcspn(rest, "\n");
				if (rest_len > 0 && rest[0] != '(')
					snprintf(message, sizeof message, "%.*s", (int)rest_len,
					         rest);
				else
					first_block_line(line, message, sizeof message);
				g->failed++;
				g->timed_out |= strstr(message, "timed out") != NULL;
				g->crashed |= strstr(message, "signal") != NULL;
				add_failure(g, name, name_len, message);
			}
		}
		line = next ? next + 1 : NULL;
	}
}

static int regular_file(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A fresh folder log_dir/name for one run's own files, writable by the jail's identity. */
static int run_folder(const char *log_dir, const char *name, const struct jail *jail, char *dir,
                      size_t len, char *err, size_t errlen)
{
	snprintf(dir, len, "%s/%s", log_dir, name);
	if (jail_folder(jail, dir) != 0) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The folder of path, for the jail to show. */
static void folder_of(const char *path, char *dir, size_t len)
{
	snprintf(dir, len, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir)
		*slash = '\0';
}

void suites_parse_tap(const char *tap, struct gate_result *g)
{
	parse_tap_of(tap, g, in_gate_suite);
}

/* Runs the tests of test_bin that filter selects in jail, its TAP file in a fresh folder
 * log_dir/stem-run (the only one it may write), its console in log_dir/stem.*, and counts
 * those that in_suite selects. *runner_died is set when the runner itself was killed by a
 * signal before it wrote its report. */
static int run_suites_once(const char *test_bin, const char *log_dir, const char *filter,
                           const char *stem, int (*in_suite)(const char *),
                           unsigned long long file_limit, int sanitized, const char *also_show,
                           double wall_limit, const struct jail *jail, struct gate_result *g,
                           int *runner_died, char *err, size_t errlen)
{
	char tap_path[PATH_MAX + 16], tap_opt[PATH_MAX + 32], out_path[PATH_MAX],
	    err_path[PATH_MAX], own[PATH_MAX], bin_dir[PATH_MAX], run[64];
	memset(g, 0, sizeof *g);
	snprintf(run, sizeof run, "%s-run", stem);
	if (run_folder(log_dir, run, jail, own, sizeof own, err, errlen) != 0)
		return -1;
	folder_of(test_bin, bin_dir, sizeof bin_dir);
	struct jail_run shown = {{bin_dir, also_show, NULL}, {own, NULL}};
	snprintf(tap_path, sizeof tap_path, "%s/%s.tap", own, stem);
	snprintf(tap_opt, sizeof tap_opt, "--tap=%s", tap_path);
	snprintf(out_path, sizeof out_path, "%s/%s.stdout", log_dir, stem);
	snprintf(err_path, sizeof err_path, "%s/%s.stderr", log_dir, stem);
	struct utsname machine;
	uname(&machine);
	char *plain[] = {(char *)test_bin, "--filter", (char *)filter, tap_opt, NULL};
	/* setarch -R: sanitizers break on hosts with vm.mmap_rnd_bits=32 (DESIGN section 4.6) */
	char *randomisation_off[] = {"setarch",  machine.machine, "-R",    (char *)test_bin,
	                             "--filter", (char *)filter,  tap_opt, NULL};
	struct proc_spec spec = {.argv = sanitized ? randomisation_off : plain,
	                         .stdout_path = out_path,
	                         .stderr_path = err_path,
	                         .wall_limit = wall_limit,
	                         .file_limit = file_limit,
	                         .jail = jail,
	                         .jail_run = &shown,
	                         .cwd = own,
	                         /* AddressSanitizer's shadow memory needs the batch's soft
	                          * RLIMIT_AS lifted, as ThreadSanitizer does */
	                         .lift_as_limit = sanitized};
	struct proc_result r;
	if (proc_run(&spec, &r) != 0) {
		snprintf(err, errlen, "cannot run the tests: %s", r.error);
		return -1;
	}
	/* the test process wrote this file: read it only as a regular file, never through a link */
	char *tap =
	    regular_file(tap_path) ? text_file_read(tap_path, 4 << 20, 0, 0, NULL, 0) : NULL;
	if (tap == NULL || r.timed_out) {
		char how[128];
		snprintf(err, errlen, "the test run wrote no report: %s",
		         proc_describe(&r, how, sizeof how));
		g->timed_out = r.timed_out;
		*runner_died = r.signaled && !r.timed_out;
		free(tap);
		return -1;
	}
	parse_tap_of(tap, g, in_suite);
	free(tap);
	char *stderr_text = text_file_read(err_path, 1 << 20, 0, 0, NULL, 0);
	const char *killed = stderr_text ? strstr(stderr_text, "test process killed by ") : NULL;
	/* under the sanitizers the cause is in their report, not in the TAP line */
	const char *report = !sanitized || stderr_text == NULL ? NULL
	                     : strstr(stderr_text, "runtime error: ")
	                         ? strstr(stderr_text, "runtime error: ")
	                         : strstr(stderr_text, "ERROR: AddressSanitizer: ");
	if (report != NULL)
		killed = report;
	if (killed != NULL)
		snprintf(g->signal_line, sizeof g->signal_line, "%.*s", (int)strcspn(killed, "\n"),
		         killed);
	free(stderr_text);
	return 0;
}

/* run_suites_once, and once more when the runner died before writing any report. Criterion's
 * runner (not a test: each test runs in a child of its own) aborts on an internal error, such
 * as a message socket in /tmp named by a PID that a killed runner left behind (it names its
 * socket criterion_PID.sock, and PIDs wrap at 32768 on small machines); the CI run of
 * 2026-12-07 lost a make grade that way. The second run is the same sealed binary on the same
 * input, so a submission that kills its runner on purpose gains nothing: it dies again. Both
 * runs' console files stay in log_dir (stem.* and stem-again.*). */
static int run_suites(const char *test_bin, const char *log_dir, const char *filter,
                      const char *stem, int (*in_suite)(const char *),
                      unsigned long long file_limit, int sanitized, const char *also_show,
                      double wall_limit, const struct jail *jail, struct gate_result *g, char *err,
                      size_t errlen)
{
	int runner_died = 0;
	int rc = run_suites_once(test_bin, log_dir, filter, stem, in_suite, file_limit, sanitized,
	                         also_show, wall_limit, jail, g, &runner_died, err, errlen);
	if (rc == 0 || !runner_died)
		return rc;
	char again[64];
	snprintf(again, sizeof again, "%s-again", stem);
	runner_died = 0;
	return run_suites_once(test_bin, log_dir, filter, again, in_suite, file_limit, sanitized,
	                       also_show, wall_limit, jail, g, &runner_died, err, errlen);
}

int suites_run_gate(const char *test_bin, const char *log_dir, double wall_limit,
                    const struct jail *jail, struct gate_result *g, char *err, size_t errlen)
{
	return run_suites(test_bin, log_dir, GATE_FILTER, "gate", in_gate_suite, 64 << 20, 0, NULL,
	                  wall_limit, jail, g, err, errlen);
}

int suites_run_budget(const char *test_bin, const char *log_dir, double wall_limit,
                      const char *cache_dir, const struct jail *jail, struct gate_result *g,
                      char *err, size_t errlen)
{
	/* budget tests run the bench under Valgrind, whose runs set a 256 MiB file limit of their
	 * own (valgrind_run.c): a lower hard limit here would make that fail */
	return run_suites(test_bin, log_dir, "budget/*", "budget", in_budget_suite, 1ULL << 30, 0,
	                  cache_dir, wall_limit, jail, g, err, errlen);
}

/* Whether g already lists a failure of name. */
static int has_failure(const struct gate_result *g, const char *name)
{
	for (size_t i = 0; i < g->n_failures; i++)
		if (!strcmp(g->failures[i].name, name))
			return 1;
	return 0;
}

int suites_run_gate_sanitized(const char *asan_bin, const char *log_dir, double wall_limit,
                              const struct jail *jail, struct gate_result *g, char *err,
                              size_t errlen)
{
	struct gate_result s;
	if (run_suites(asan_bin, log_dir, GATE_FILTER, "gate-asan", in_gate_suite, 64 << 20, 1,
	               NULL, wall_limit, jail, &s, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < s.n_failures; i++) {
		/* the sanitizers slow code 2-5x: a test that only ran out of time there says
		 * nothing about undefined behaviour, and the plain run already judged its speed */
		if (has_failure(g, s.failures[i].name) || g->passed == 0 ||
		    strstr(s.failures[i].message, "timed out") != NULL)
			continue;
		/* a test that passed natively fails with the sanitizers: undefined behaviour or a
		 * memory error the plain build got away with */
		char message[sizeof s.failures[0].message + 32];
		snprintf(message, sizeof message, "under AddressSanitizer+UBSan: %s",
		         s.failures[i].message[0] ? s.failures[i].message : s.signal_line);
		g->passed--;
		g->failed++;
		add_failure(g, s.failures[i].name, strlen(s.failures[i].name), message);
	}
	g->crashed |= s.crashed && s.n_failures == 0 && !s.timed_out;
	if (s.n_failures == 0 && s.signal_line[0] != '\0' && g->signal_line[0] == '\0')
		snprintf(g->signal_line, sizeof g->signal_line, "%s", s.signal_line);
	return 0;
}

int suites_count(const char *test_bin, unsigned *count, char *err, size_t errlen)
{
	char out_path[] = "/tmp/ngrade-list-XXXXXX";
	int fd = mkstemp(out_path);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a temporary file");
		return -1;
	}
	char *argv[] = {(char *)test_bin, "--list", NULL};
	struct proc_spec spec = {.argv = argv, .stdout_path = out_path, .wall_limit = 30};
	struct proc_result r;
	int rc = proc_run(&spec, &r);
	char *text = rc == 0 ? text_file_read(out_path, 1 << 20, 0, 0, NULL, 0) : NULL;
	close(fd);
	remove(out_path);
	if (text == NULL || !r.exited || r.exit_code != 0) {
		snprintf(err, errlen, "'%s --list' failed", test_bin);
		free(text);
		return -1;
	}
	*count = 0;
	char *save;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned n;
		if (sscanf(line, "correct: %u test", &n) == 1 ||
		    sscanf(line, "task: %u test", &n) == 1)
			*count += n;
	}
	free(text);
	return 0;
}

/* {=== cmocka gate programs ===} */

unsigned suites_cmocka_declared(const char *source)
{
	char *text = text_file_read(source, 1 << 20, 0, 0, NULL, 0);
	unsigned n = 0;
	for (const char *p = text; p != NULL && (p = strstr(p, "cmocka_unit_test")) != NULL; p++)
		n++;
	free(text);
	return n;
}

unsigned suites_parse_cmocka_tap(const char *tap, const char *label, struct gate_result *g)
{
	unsigned seen = 0;
	for (const char *line = tap; line != NULL && *line != '\0';) {
		const char *next = strchr(line, '\n');
		unsigned number;
		int used = 0;
		int ok = sscanf(line, "ok %u - %n", &number, &used) == 1 && used > 0;
		int not_ok = !ok && sscanf(line, "not ok %u - %n", &number, &used) == 1 && used > 0;
		if (ok || not_ok) {
			const char *name = line + used;
			int name_len = (int)strcspn(name, "\n");
			char full[96], message[256] = "failed";
			snprintf(full, sizeof full, "%s::%.*s", label, name_len, name);
			seen++;
			if (ok) {
				g->passed++;
			} else {
				/* cmocka explains a failure in "# ..." lines after it; keep the
				 * first */
				const char *why = next ? next + 1 : NULL;
				if (why != NULL && strncmp(why, "# ", 2) == 0)
					snprintf(message, sizeof message, "%.*s",
					         (int)strcspn(why + 2, "\n"), why + 2);
				g->failed++;
				add_failure(g, full, strlen(full), message);
			}
		}
		line = next ? next + 1 : NULL;
	}
	return seen;
}

size_t suites_cmocka_names(const char *source, char names[][SUITES_NAME_MAX], size_t max)
{
	static const char ident[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
	char *text = text_file_read(source, 1 << 20, 0, 0, NULL, 0);
	size_t n = 0;
	for (const char *p = text; p != NULL && n < max && (p = strstr(p, "cmocka_unit_test"));) {
		p += strlen("cmocka_unit_test");
		p += strspn(p, "abcdefghijklmnopqrstuvwxyz_"); /* _setup_teardown, _prestate, ... */
		if (*p != '(')
			continue;
		p += 1 + strspn(p + 1, " \t\n");
		size_t len = strspn(p, ident);
		if (len > 0 && len < SUITES_NAME_MAX)
			snprintf(names[n++], SUITES_NAME_MAX, "%.*s", (int)len, p);
	}
	free(text);
	return n;
}

/* A line "ok N - name" or "not ok N - name" for this test in cmocka's TAP output. */
static int tap_has_test(const char *tap, const char *name)
{
	size_t len = strlen(name);
	for (const char *line = tap; line != NULL && *line != '\0';) {
		const char *next = strchr(line, '\n');
		size_t line_len = next ? (size_t)(next - line) : strlen(line);
		int is_result = strncmp(line, "ok ", 3) == 0 || strncmp(line, "not ok ", 7) == 0;
		if (is_result && line_len > len + 3 &&
		    strncmp(line + line_len - len - 3, " - ", 3) == 0 &&
		    strncmp(line + line_len - len, name, len) == 0)
			return 1;
		line = next ? next + 1 : NULL;
	}
	return 0;
}

struct cmocka_run {
	struct proc_result r;
	char *tap, *stderr_text;
};

/* Runs bin once, with CMOCKA_TEST_FILTER=filter when filter is not NULL (tools/harness/
 * cmocka_filter.c); its TAP and stderr go to log_dir/LABEL[-FILTER].{tap,stderr}. */
static int run_cmocka_once(const char *bin, const char *label, int sanitized, const char *filter,
                           const char *log_dir, double wall_limit, const struct jail *jail,
                           struct cmocka_run *run, char *err, size_t errlen)
{
	char out_path[PATH_MAX], err_path[PATH_MAX], own[PATH_MAX], bin_dir[PATH_MAX], folder[160];
	const char *dash = filter ? "-" : "", *tag = filter ? filter : "";
	snprintf(out_path, sizeof out_path, "%s/%s%s%s.tap", log_dir, label, dash, tag);
	snprintf(err_path, sizeof err_path, "%s/%s%s%s.stderr", log_dir, label, dash, tag);
	snprintf(folder, sizeof folder, "%s%s%s-run", label, dash, tag);
	if (run_folder(log_dir, folder, jail, own, sizeof own, err, errlen) != 0)
		return -1;
	folder_of(bin, bin_dir, sizeof bin_dir);
	struct jail_run shown = {{bin_dir, NULL}, {own, NULL}};
	struct utsname machine;
	uname(&machine);
	/* setarch -R: sanitizers break on hosts with vm.mmap_rnd_bits=32 (DESIGN section 4.6) */
	char *plain[] = {(char *)bin, NULL};
	char *randomisation_off[] = {"setarch", machine.machine, "-R", (char *)bin, NULL};
	/* halt_on_error: the first race ends the run, its report is the reason */
	setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 1);
	setenv("TSAN_OPTIONS", "halt_on_error=1 exitcode=66 second_deadlock_stack=1", 1);
	if (filter != NULL)
		setenv("CMOCKA_TEST_FILTER", filter, 1);
	else
		unsetenv("CMOCKA_TEST_FILTER");
	struct proc_spec spec = {.argv = sanitized ? randomisation_off : plain,
	                         .stdout_path = out_path,
	                         .stderr_path = err_path,
	                         .wall_limit = wall_limit,
	                         .file_limit = 64 << 20,
	                         /* ThreadSanitizer reserves terabytes of address space: a batch's
	                          * soft RLIMIT_AS (batch.c) would abort it at start */
	                         .lift_as_limit = sanitized,
	                         .jail = jail,
	                         .jail_run = &shown,
	                         .cwd = own};
	int rc = proc_run(&spec, &run->r);
	unsetenv("CMOCKA_TEST_FILTER");
	if (rc != 0) {
		snprintf(err, errlen, "cannot run %s: %s", label, run->r.error);
		return -1;
	}
	run->tap = text_file_read(out_path, 4 << 20, 0, 0, NULL, 0);
	run->stderr_text = text_file_read(err_path, 4 << 20, 0, 0, NULL, 0);
	return 0;
}

/* Why a run ended early, in one line, or "" when it did not: a ThreadSanitizer report, a
 * timeout or a signal. Sets *raced for a race. */
static void early_end(const struct cmocka_run *run, double wall_limit, struct gate_result *g,
                      int *raced, char *message, size_t len)
{
	const char *race =
	    run->stderr_text ? strstr(run->stderr_text, "SUMMARY: ThreadSanitizer: ") : NULL;
	*raced = race != NULL;
	message[0] = '\0';
	if (race != NULL) {
		race += strlen("SUMMARY: ");
		snprintf(message, len, "%.*s", (int)strcspn(race, "\n"), race);
	} else if (run->r.timed_out) {
		snprintf(message, len, "timed out after %.0f s", wall_limit);
		g->timed_out = 1;
	} else if (run->r.signaled) {
		char how[128];
		snprintf(message, len, "%s", proc_describe(&run->r, how, sizeof how));
		g->crashed = 1;
	}
}

/* A ThreadSanitizer halt stops the program in the test that raced: that test is the failure,
 * and each test after it, which never ran, runs again in a process of its own, so it passes
 * or fails on its own code. Returns how many tests this accounts for. */
static unsigned rerun_after_race(const char *bin, const char *label, int sanitized,
                                 const char *source, const char *first_tap, const char *log_dir,
                                 double wall_limit, const struct jail *jail, struct gate_result *g,
                                 char *err, size_t errlen)
{
	char names[SUITES_MAX_TESTS][SUITES_NAME_MAX];
	size_t n = suites_cmocka_names(source, names, SUITES_MAX_TESTS);
	unsigned accounted = 0;
	int racer_named = 0;
	for (size_t i = 0; i < n; i++) {
		if (tap_has_test(first_tap, names[i]))
			continue;
		accounted++;
		if (!racer_named) {
			/* the race's report, first among the failures, names its test */
			racer_named = 1;
			g->failed++;
			snprintf(g->failures[0].name, sizeof g->failures[0].name, "%s::%s", label,
			         names[i]);
			continue;
		}
		struct cmocka_run run = {0};
		if (run_cmocka_once(bin, label, sanitized, names[i], log_dir, wall_limit, jail,
		                    &run, err, errlen) != 0)
			return accounted - 1;
		unsigned passed_before = g->passed;
		unsigned seen = suites_parse_cmocka_tap(run.tap ? run.tap : "", label, g);
		char message[256], full[96];
		int raced;
		early_end(&run, wall_limit, g, &raced, message, sizeof message);
		snprintf(full, sizeof full, "%s::%s", label, names[i]);
		if (seen == 0) {
			g->failed++;
			add_failure(g, full, strlen(full), message[0] ? message : "did not run");
		} else if (raced && g->passed > passed_before) {
			/* it printed "ok", then raced in its teardown */
			g->passed--;
			g->failed++;
			add_failure(g, full, strlen(full), message);
		}
		free(run.tap);
		free(run.stderr_text);
	}
	return accounted;
}

int suites_run_cmocka(const char *bin, const char *label, int sanitized, unsigned declared,
                      const char *source, const char *log_dir, double wall_limit,
                      const struct jail *jail, struct gate_result *g, char *err, size_t errlen)
{
	struct cmocka_run run = {0};
	if (run_cmocka_once(bin, label, sanitized, NULL, log_dir, wall_limit, jail, &run, err,
	                    errlen) != 0)
		return -1;
	unsigned failed_before = g->failed;
	unsigned seen = suites_parse_cmocka_tap(run.tap ? run.tap : "", label, g);
	char name[96], message[256];
	int raced;
	snprintf(name, sizeof name, "%s::run", label);
	early_end(&run, wall_limit, g, &raced, message, sizeof message);
	if (message[0] == '\0' && !(run.r.exited && run.r.exit_code == 0) &&
	    g->failed == failed_before)
		snprintf(message, sizeof message, "exit %d with no failed test reported",
		         run.r.exited ? run.r.exit_code : -1);
	free(run.stderr_text);
	if (message[0] != '\0') {
		/* the reason comes first: a race or a crash explains the tests that never ran */
		if (g->n_failures == REPORT_MAX_FAILURES)
			g->n_failures--;
		memmove(&g->failures[1], &g->failures[0], g->n_failures * sizeof g->failures[0]);
		g->n_failures++;
		snprintf(g->failures[0].name, sizeof g->failures[0].name, "%s", name);
		snprintf(g->failures[0].message, sizeof g->failures[0].message, "%s", message);
		if (seen >= declared)
			g->failed++; /* every test ran: the race itself is the failure */
	}
	if (raced && seen < declared && source != NULL)
		seen += rerun_after_race(bin, label, sanitized, source, run.tap ? run.tap : "",
		                         log_dir, wall_limit, jail, g, err, errlen);
	free(run.tap);
	if (seen < declared)
		g->failed += declared - seen;
	return 0;
}

/* }=== */
