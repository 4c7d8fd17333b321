/* test_exec_deny.c: after exec_deny_install, execve, execveat and execvp fail with EPERM while
 * other calls work, natively and under Valgrind. Each install happens in a forked child (or
 * this program re-run under Valgrind), so the test process itself stays unfiltered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../tools/harness/exec_deny.h"

#define EXPECT(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)
#define CHILD_FLAG "--filtered-child"

static int thread_ran;
static void *thread_body(void *arg)
{
	(void)arg;
	return &thread_ran;
}

/* The filtered side. Its exit code names the first check that failed: 0 all passed, 1 install,
 * 2 execve, 3 execveat, 4 execvp, 5 an ordinary call (pipe + write + read), 6 fork, 7 vfork,
 * 8 a thread (which must still start). No cmocka here: a
 * failed assertion would long-jump inside the child. */
static int filtered_checks(void)
{
	char *argv[] = {"true", NULL}, *envp[] = {NULL}, c = 0;
	int fds[2];

	if (exec_deny_install() != 0)
		return 1;
	if (execve("/bin/true", argv, envp) != -1 || errno != EPERM)
		return 2;
	if (syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, envp, 0) != -1 || errno != EPERM)
		return 3;
	if (execvp("true", argv) != -1 || errno != EPERM)
		return 4;
	if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1 || read(fds[0], &c, 1) != 1 || c != 'x')
		return 5;
	if (fork() != -1 || errno != EPERM)
		return 6;
	if (syscall(SYS_vfork) != -1 || errno != EPERM)
		return 7;
	pthread_t thread;
	void *result = NULL;
	if (pthread_create(&thread, NULL, thread_body, NULL) != 0 ||
	    pthread_join(thread, &result) != 0 || result != &thread_ran)
		return 8;
	return 0;
}

static void exec_fails_with_eperm_after_install(void **state)
{
	int status = 0;
	pid_t pid = fork();

	(void)state;
	if (pid == 0)
		_exit(filtered_checks());
	EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid, "fork/waitpid failed");
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "filtered child: status %#x (exit code = number of the failed check, see "
	       "filtered_checks)",
	       status);
}

/* The filter belongs to the child alone: this process still runs programs. */
static void test_process_stays_unfiltered(void **state)
{
	int status = 0;
	pid_t pid = fork();

	(void)state;
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	           WEXITSTATUS(status) == 0,
	       "/bin/true from the test process: status %#x, want exit 0", status);
}

/* Valgrind emulates execve and dies ("EXEC FAILED", exit 101) when the kernel refuses the real
 * one; exec_deny.c makes Valgrind's own pre-exec check fail first. Callgrind and massif run
 * bench.c with the filter installed, so this is the case that matters. */
static void exec_fails_cleanly_under_valgrind(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char log[512], self[4096], text[4096] = "";
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	int fd, status = 0;
	pid_t pid;

	(void)state;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	skip(); /* a sanitizer binary cannot run under Valgrind */
#endif
	if (system("valgrind --version >/dev/null 2>&1") != 0)
		skip();
	/* resolved here: under Valgrind, /proc/self/exe would name Valgrind's own tool */
	EXPECT(n > 0, "readlink /proc/self/exe failed");
	self[n] = '\0';
	snprintf(log, sizeof log, "%s/test_exec_deny.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(log);
	EXPECT(fd >= 0, "mkstemp('%s') failed", log);
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execlp("valgrind", "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
		       "--vgdb=no", self, CHILD_FLAG, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	n = pread(fd, text, sizeof text - 1, 0);
	text[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(log);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0 && !strstr(text, "EXEC FAILED"),
	       "valgrind --tool=callgrind of the filtered child: status %#x, output:\n%s", status,
	       text);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(exec_fails_with_eperm_after_install),
	    cmocka_unit_test(test_process_stays_unfiltered),
	    cmocka_unit_test(exec_fails_cleanly_under_valgrind),
	};

	if (argc == 2 && strcmp(argv[1], CHILD_FLAG) == 0)
		return filtered_checks();
	return cmocka_run_group_tests_name("exec_deny", tests, NULL, NULL);
}
