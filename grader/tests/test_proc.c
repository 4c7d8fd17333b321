/* test_proc.c: proc_run against real children: exit codes, signals, the wall-clock kill of a
 * whole process group, stdio files, rlimits, envp, cwd, and runs from several threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../tools/measure/proc.h"

#define EXPECT(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)
#define SH(script) ((char *const[]){"sh", "-c", (script), NULL})

static char tmpdir[256]; /* short, so that tmp_file always fits in PATH_MAX */

static const char *tmp_file(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);
	return buf;
}

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

static struct proc_result run(const struct proc_spec *spec)
{
	struct proc_result r;
	int rc = proc_run(spec, &r);

	EXPECT(rc == 0, "proc_run('%s'): returned %d (%s), want 0", spec->argv[0], rc, r.error);
	return r;
}

/* The test process is a child subreaper (see setup), so an orphaned grandchild comes back to
 * it, and kill(pid, 0) cannot be fooled by a zombie nobody reaps. ECHILD is fine too: sh may
 * reap its background child in the kernel just before its own SIGKILL takes effect. */
static void expect_killed(pid_t g, const char *what)
{
	struct timespec nap = {0, 10000000};
	pid_t got = 0;
	int status = 0;

	EXPECT(g > 1, "%s: no grandchild pid in the output", what);
	for (int i = 0; i < 200 && got == 0; i++)
		if ((got = waitpid(g, &status, WNOHANG)) == 0)
			nanosleep(&nap, NULL);
	if (got == 0)
		kill(g, SIGKILL);
	EXPECT((got == g && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
	           (got == -1 && errno == ECHILD),
	       "%s: grandchild %d still running 2 s after proc_run returned (waitpid gave %d)",
	       what, (int)g, (int)got);
	EXPECT(kill(g, 0) == -1 && errno == ESRCH, "%s: kill(%d, 0) found it alive", what, (int)g);
}

static void exit_code_is_reported(void **state)
{
	struct proc_spec spec = {.argv = SH("exit 3")};
	struct proc_result r = run(&spec);
	char buf[64];

	(void)state;
	EXPECT(r.exited && r.exit_code == 3, "sh -c 'exit 3': got exited=%d code=%d, want 1, 3",
	       r.exited, r.exit_code);
	EXPECT(strcmp(proc_describe(&r, buf, sizeof buf), "exit 3") == 0, "described as '%s'", buf);
}

static void signal_is_reported(void **state)
{
	struct proc_spec spec = {.argv = SH("kill -SEGV $$")};
	struct proc_result r = run(&spec);
	const char *want = "killed by SIGSEGV (segmentation fault)";
	char buf[64];

	(void)state;
	EXPECT(r.signaled && r.term_signal == SIGSEGV, "kill -SEGV: got signaled=%d signal=%d",
	       r.signaled, r.term_signal);
	EXPECT(strcmp(proc_describe(&r, buf, sizeof buf), want) == 0, "got '%s', want '%s'", buf,
	       want);
}

static void timeout_kills_the_whole_group(void **state)
{
	char out[PATH_MAX], text[64];
	struct proc_spec spec = {.argv = SH("sleep 100 & echo $!; sleep 100"),
	                         .stdout_path = tmp_file(out, "timeout.out"),
	                         .wall_limit = 0.5};
	struct proc_result r = run(&spec);

	(void)state;
	EXPECT(r.timed_out && r.wall_seconds >= 0.5 && r.wall_seconds < 1.5,
	       "limit 0.5 s: got timed_out=%d after %.3f s", r.timed_out, r.wall_seconds);
	EXPECT(strncmp(proc_describe(&r, text, sizeof text), "timed out after ", 16) == 0,
	       "described as '%s'", text);
	slurp(out, text, sizeof text);
	expect_killed((pid_t)atoi(text), "after a timeout");
}

static void background_child_does_not_outlive_the_run(void **state)
{
	char out[PATH_MAX], text[64];
	struct proc_spec spec = {.argv = SH("sleep 100 & echo $!"),
	                         .stdout_path = tmp_file(out, "background.out")};
	struct proc_result r = run(&spec);

	(void)state;
	EXPECT(r.exited && r.exit_code == 0 && !r.timed_out, "got exited=%d code=%d timed_out=%d",
	       r.exited, r.exit_code, r.timed_out);
	slurp(out, text, sizeof text);
	expect_killed((pid_t)atoi(text), "after a normal exit");
}

static void stdout_and_stderr_go_to_files(void **state)
{
	char out[PATH_MAX], err[PATH_MAX], both[PATH_MAX], text[64];
	struct proc_spec spec = {.argv = SH("echo hello; echo oops >&2"),
	                         .stdout_path = tmp_file(out, "out"),
	                         .stderr_path = tmp_file(err, "err")};

	(void)state;
	run(&spec);
	slurp(out, text, sizeof text);
	EXPECT(strcmp(text, "hello\n") == 0, "stdout file: got '%s', want 'hello\\n'", text);
	slurp(err, text, sizeof text);
	EXPECT(strcmp(text, "oops\n") == 0, "stderr file: got '%s', want 'oops\\n'", text);
	spec.stdout_path = spec.stderr_path = tmp_file(both, "both");
	run(&spec);
	slurp(both, text, sizeof text);
	EXPECT(strcmp(text, "hello\noops\n") == 0, "one file for both: got '%s'", text);
}

/* A batch lowers RLIMIT_AS softly for its grader child, which lifts it again for the race
 * gate's ThreadSanitizer; a hard limit cannot be lifted. `ulimit -v` prints soft KiB. */
static void address_space_limit_soft_hard_and_lifted(void **state)
{
	char out[PATH_MAX], text[64];
	struct proc_spec spec = {.argv = SH("ulimit -v; ulimit -H -v"),
	                         .stdout_path = tmp_file(out, "as"),
	                         .as_limit = 1ULL << 30,
	                         .as_limit_soft = 1};

	(void)state;
	run(&spec);
	slurp(out, text, sizeof text);
	EXPECT(strcmp(text, "1048576\nunlimited\n") == 0, "soft limit: got '%s'", text);
	spec.as_limit_soft = 0;
	run(&spec);
	slurp(out, text, sizeof text);
	EXPECT(strcmp(text, "1048576\n1048576\n") == 0, "hard limit: got '%s'", text);
	/* as the grader child: its own soft limit lowered, the hard one not */
	struct rlimit mine;
	assert_int_equal(getrlimit(RLIMIT_AS, &mine), 0);
	struct rlimit lowered = {.rlim_cur = 1ULL << 32, .rlim_max = mine.rlim_max};
	assert_int_equal(setrlimit(RLIMIT_AS, &lowered), 0);
	spec.as_limit = 0;
	spec.lift_as_limit = 1;
	run(&spec);
	assert_int_equal(setrlimit(RLIMIT_AS, &mine), 0);
	slurp(out, text, sizeof text);
	EXPECT(strcmp(text, "unlimited\nunlimited\n") == 0, "lifted: got '%s'", text);
}

static void missing_program_is_an_error(void **state)
{
	char *argv[] = {"no-such-program-for-test-proc", NULL};
	struct proc_spec spec = {.argv = argv};
	const char *want = "cannot run 'no-such-program-for-test-proc': No such file or directory";
	struct proc_result r;
	int rc = proc_run(&spec, &r);

	(void)state;
	EXPECT(rc == -1 && strcmp(r.error, want) == 0, "got %d '%s', want -1 '%s'", rc, r.error,
	       want);
	spec.argv = SH("true");
	spec.stdout_path = "/nonexistent-dir/out";
	rc = proc_run(&spec, &r);
	want = "cannot open '/nonexistent-dir/out' for stdout: No such file or directory";
	EXPECT(rc == -1 && strcmp(r.error, want) == 0, "got %d '%s', want -1 '%s'", rc, r.error,
	       want);
}

static void file_size_limit_stops_the_writer(void **state)
{
	char out[PATH_MAX];
	char *argv[] = {"head", "-c", "100000", "/dev/zero", NULL}; /* no sh: it would exit 153 */
	struct proc_spec spec = {
	    .argv = argv, .stdout_path = tmp_file(out, "big"), .file_limit = 4096};
	struct proc_result r = run(&spec);
	struct stat st = {0};

	(void)state;
	stat(out, &st);
	EXPECT(r.signaled && r.term_signal == SIGXFSZ, "got signaled=%d signal=%d, want SIGXFSZ",
	       r.signaled, r.term_signal);
	EXPECT(st.st_size <= 4096, "file is %lld bytes, limit 4096", (long long)st.st_size);
}

static void cpu_limit_stops_a_spinner(void **state)
{
	struct proc_spec spec = {
	    .argv = SH("while :; do :; done"), .cpu_limit = 1, .wall_limit = 10};
	struct proc_result r = run(&spec);

	(void)state;
	EXPECT(r.signaled && (r.term_signal == SIGXCPU || r.term_signal == SIGKILL) && !r.timed_out,
	       "cpu limit 1 s: got signaled=%d signal=%d timed_out=%d", r.signaled, r.term_signal,
	       r.timed_out);
}

static void envp_replaces_the_environment(void **state)
{
	char *const envp[] = {"PATH=/usr/bin:/bin", "FOO=bar", NULL};
	char *absolute[] = {"/usr/bin/env", NULL}, *bare[] = {"env", NULL}, out[PATH_MAX], text[64];
	struct proc_spec spec = {
	    .argv = absolute, .envp = envp, .stdout_path = tmp_file(out, "env")};

	(void)state;
	for (int i = 0; i < 2; i++, spec.argv = bare) {
		run(&spec);
		slurp(out, text, sizeof text);
		EXPECT(strcmp(text, "PATH=/usr/bin:/bin\nFOO=bar\n") == 0, "'%s': got '%s'",
		       spec.argv[0], text);
	}
}

static void cwd_is_changed(void **state)
{
	char *argv[] = {"/bin/pwd", "-P", NULL}, out[PATH_MAX], want[PATH_MAX + 1], text[PATH_MAX];
	struct proc_spec spec = {.argv = argv, .cwd = tmpdir, .stdout_path = tmp_file(out, "pwd")};

	(void)state;
	run(&spec);
	EXPECT(realpath(tmpdir, want) != NULL, "realpath('%s') failed", tmpdir);
	strcat(want, "\n");
	slurp(out, text, sizeof text);
	EXPECT(strcmp(text, want) == 0, "cwd '%s': pwd said '%s'", tmpdir, text);
}

/* A relative program path names a file from the caller's directory, like the stdio paths,
 * even though the child changes directory before exec. */
static void relative_program_is_found_from_the_callers_directory(void **state)
{
	char *argv[] = {"./where.sh", NULL}, sub[PATH_MAX], text[PATH_MAX], want[PATH_MAX + 8];
	struct proc_spec spec = {.argv = argv, .cwd = "sub", .stdout_path = "where.out"};
	int here = open(".", O_RDONLY | O_DIRECTORY);
	FILE *f;

	(void)state;
	EXPECT(here >= 0 && chdir(tmpdir) == 0 && mkdir(tmp_file(sub, "sub"), 0755) == 0,
	       "cannot prepare '%s'", tmpdir);
	f = fopen("where.sh", "w");
	EXPECT(f && fputs("#!/bin/sh\npwd -P\n", f) >= 0 && fclose(f) == 0 &&
	           chmod("where.sh", 0755) == 0,
	       "cannot write where.sh");
	run(&spec);
	slurp("where.out", text, sizeof text);
	EXPECT(fchdir(here) == 0 && close(here) == 0, "cannot go back");
	EXPECT(realpath(sub, want) != NULL, "realpath('%s') failed", sub);
	strcat(want, "\n");
	EXPECT(strcmp(text, want) == 0, "'./where.sh' with cwd 'sub': got '%s', want '%s'", text,
	       want);
}

/* Four threads at once, each waiting for its own child: no shared state, no stolen status. */
static void *run_exit_codes(void *arg)
{
	intptr_t base = (intptr_t)arg, bad = 0;

	for (intptr_t i = 0; i < 5; i++) {
		char script[32];
		struct proc_result r;
		snprintf(script, sizeof script, "exit %d", (int)(base + i));
		struct proc_spec spec = {.argv = SH(script)};
		if (proc_run(&spec, &r) != 0 || !r.exited || r.exit_code != base + i)
			bad++;
	}
	return (void *)bad;
}

static void threads_run_children_at_once(void **state)
{
	pthread_t t[4];
	void *bad[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, run_exit_codes, (void *)(intptr_t)(10 * i));
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &bad[i]);
		EXPECT(bad[i] == NULL, "thread %d: %ld of 5 runs wrong", i, (long)(intptr_t)bad[i]);
	}
}

static void description_of_a_long_timeout(void **state)
{
	struct proc_result r = {
	    .timed_out = 1, .signaled = 1, .term_signal = SIGKILL, .wall_seconds = 20.004};
	char buf[64];

	(void)state;
	proc_describe(&r, buf, sizeof buf);
	EXPECT(strcmp(buf, "timed out after 20 s") == 0, "got '%s'", buf);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/test_proc.XXXXXX", base && *base ? base : "/tmp");
	return mkdtemp(tmpdir) && prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(exit_code_is_reported),
	    cmocka_unit_test(signal_is_reported),
	    cmocka_unit_test(timeout_kills_the_whole_group),
	    cmocka_unit_test(background_child_does_not_outlive_the_run),
	    cmocka_unit_test(stdout_and_stderr_go_to_files),
	    cmocka_unit_test(missing_program_is_an_error),
	    cmocka_unit_test(address_space_limit_soft_hard_and_lifted),
	    cmocka_unit_test(file_size_limit_stops_the_writer),
	    cmocka_unit_test(cpu_limit_stops_a_spinner),
	    cmocka_unit_test(envp_replaces_the_environment),
	    cmocka_unit_test(cwd_is_changed),
	    cmocka_unit_test(relative_program_is_found_from_the_callers_directory),
	    cmocka_unit_test(threads_run_children_at_once),
	    cmocka_unit_test(description_of_a_long_timeout),
	};
	return cmocka_run_group_tests_name("proc", tests, setup, teardown);
}
