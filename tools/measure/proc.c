/* proc.c: runs one child under limits: its own process group, SIGKILL when its parent dies,
 * stdio in files, rlimits, and a wall-clock deadline after which the whole group is killed.
 * No globals and no signal handlers, so several threads may run children at once. */
#include "proc.h"

#include "jail.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_WALL_LIMIT 600.0
#define POLL_FIRST_NS      100000L   /* the fallback wait polls from 0.1 ms ... */
#define POLL_MAX_NS        10000000L /* ... doubling up to 10 ms */

/* Where the child stopped on its way to exec; it writes this and errno into the error pipe. */
enum stage {
	STAGE_SETUP,
	STAGE_STDIN,
	STAGE_STDOUT,
	STAGE_STDERR,
	STAGE_LIMITS,
	STAGE_CWD,
	STAGE_EXEC
};

struct child_error {
	int stage;
	int err;
};

/* {=== the child: only async-signal-safe calls between fork and exec ===} */

/* The parent may be multi-threaded: after fork only this thread exists, and a lock another
 * thread held stays held, so nothing here may allocate, print or take a lock. */
static _Noreturn void child_fail(int err_fd, enum stage stage)
{
	struct child_error e = {stage, errno};

	if (write(err_fd, &e, sizeof e) < 0) {
		/* nothing left to tell: the parent sees exit 127 without a reason */
	}
	_exit(127);
}

/* The caller's handlers must not run in the child, and a signal the caller ignores or blocks
 * (SIGPIPE, say) must not stay ignored in the measured program: everything back to default. */
static void reset_signals(void)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;

	/* fails, harmlessly, for SIGKILL, SIGSTOP and the two glibc keeps for itself */
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Opens path on a descriptor above 2: when the caller had closed its own stdin, a plain open
 * would land on 0 and the next dup2 would overwrite it before it was moved. */
static int open_high(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0666);

	if (fd >= 0 && fd <= 2) {
		int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		close(fd);
		fd = high;
	}
	return fd;
}

static const char *or_null_device(const char *path)
{
	return path ? path : "/dev/null";
}

static void redirect_stdio(const struct proc_spec *spec, int err_fd)
{
	const int out_flags = O_WRONLY | O_CREAT | O_TRUNC;
	const char *out = or_null_device(spec->stdout_path);
	const char *err = or_null_device(spec->stderr_path);
	int fds[3];

	fds[0] = open_high(or_null_device(spec->stdin_path), O_RDONLY);
	if (fds[0] < 0)
		child_fail(err_fd, STAGE_STDIN);
	fds[1] = open_high(out, out_flags);
	if (fds[1] < 0)
		child_fail(err_fd, STAGE_STDOUT);
	/* one file for both: a second O_TRUNC open would have its own offset and overwrite */
	fds[2] = strcmp(out, err) == 0 ? fds[1] : open_high(err, out_flags);
	if (fds[2] < 0)
		child_fail(err_fd, STAGE_STDERR);
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0) /* the high copies are O_CLOEXEC: exec closes them */
			child_fail(err_fd, STAGE_STDIN + i);
}

/* Sets the soft and the hard limit: the child is untrusted and could raise a soft limit back
 * up to the hard one. RLIMIT_CPU keeps one more second hard, so SIGXCPU comes first and a
 * child that ignores it gets SIGKILL. */
static int set_limit(int resource, unsigned long long value)
{
	struct rlimit rl, now;

	if (value == 0)
		return 0;
	/* a limit only ever lowers: under a caller's lower hard limit (a batch's child grader),
	 * asking for more keeps the caller's, rather than failing with EPERM */
	if (getrlimit(resource, &now) == 0 && now.rlim_max != RLIM_INFINITY &&
	    value + (resource == RLIMIT_CPU) > now.rlim_max)
		value = now.rlim_max - (resource == RLIMIT_CPU);
	rl.rlim_cur = value;
	rl.rlim_max = resource == RLIMIT_CPU ? value + 1 : value;
	return setrlimit(resource, &rl);
}

/* RLIMIT_AS as the spec asks: lifted to the hard limit, or lowered softly, or both ways. */
static int set_address_space(const struct proc_spec *spec)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_AS, &rl) != 0)
		return -1;
	if (spec->lift_as_limit)
		rl.rlim_cur = rl.rlim_max;
	if (spec->as_limit && spec->as_limit_soft)
		rl.rlim_cur = spec->as_limit < rl.rlim_max ? spec->as_limit : rl.rlim_max;
	else if (spec->as_limit)
		return set_limit(RLIMIT_AS, spec->as_limit);
	return setrlimit(RLIMIT_AS, &rl);
}

static void set_limits(const struct proc_spec *spec, int err_fd)
{
	if (set_limit(RLIMIT_CPU, spec->cpu_limit) != 0 ||
	    set_limit(RLIMIT_FSIZE, spec->file_limit) != 0 || set_address_space(spec) != 0 ||
	    set_limit(RLIMIT_NPROC, spec->nproc_limit) != 0 ||
	    set_limit(RLIMIT_NOFILE, spec->nofile_limit) != 0)
		child_fail(err_fd, STAGE_LIMITS);
}

/* Becomes run_uid/run_gid for good (real, effective and saved ids). Changing credentials
 * clears the parent-death signal, so it is set again afterwards. */
static void drop_privileges(const struct proc_spec *spec, int err_fd)
{
	if (spec->run_uid == 0)
		return;
	if (setgroups(0, NULL) != 0 ||
	    setresgid(spec->run_gid, spec->run_gid, spec->run_gid) != 0 ||
	    setresuid(spec->run_uid, spec->run_uid, spec->run_uid) != 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		child_fail(err_fd, STAGE_LIMITS);
}

/* A path is exec'd as given (made absolute by proc_run); a bare name is looked up in PATH, and
 * with envp given in envp's PATH (glibc's default path when it has none), as `env -i PATH=...
 * name` does: execvp reads environ, which in this child is its own to replace. */
static void exec_program(const struct proc_spec *spec, const char *path)
{
	char *const *argv = spec->argv;

	if (spec->envp)
		environ = (char **)spec->envp;
	if (strchr(argv[0], '/'))
		execve(path, argv, environ);
	else
		execvp(argv[0], argv);
}

static _Noreturn void run_child(const struct proc_spec *spec, const char *path, pid_t parent,
                                int err_fd)
{
	/* Also done by the parent: whichever runs first, the group exists before anyone
	 * signals it, and before this child can fork a grandchild into it. */
	setpgid(0, 0);
	/* DESIGN section 4.3: a Criterion .timeout does not kill a Valgrind the test started.
	 * The signal comes when the thread that forked exits, and proc_run's thread waits. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		child_fail(err_fd, STAGE_SETUP);
	if (getppid() != parent) /* the parent died before prctl: nobody will ever reap us */
		_exit(127);
	reset_signals();
	redirect_stdio(spec, err_fd);
	set_limits(spec, err_fd);
	drop_privileges(spec, err_fd);
	if (spec->cwd && chdir(spec->cwd) != 0)
		child_fail(err_fd, STAGE_CWD);
#ifdef CLOSE_RANGE_CLOEXEC
	/* Descriptors other code opened without O_CLOEXEC (a lock file, a report being written)
	 * must not reach an untrusted program; fails harmlessly on kernels before 5.11. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
	exec_program(spec, path);
	child_fail(err_fd, STAGE_EXEC);
}
/* }=== */

/* {=== the parent: wait with a deadline ===} */

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Whether pid has exited. WNOWAIT leaves it a zombie: its pid, and so its process group,
 * stays allocated until it is reaped, and the group can be killed by number meanwhile. */
static int has_exited(pid_t pid)
{
	siginfo_t info;

	info.si_pid = 0;
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0)
		return errno != EINTR; /* ECHILD: gone already (the caller ignores SIGCHLD) */
	return info.si_pid == pid;
}

/* Milliseconds to the deadline, rounded up so that poll never spins on a zero timeout. */
static int ms_left(const struct timespec *t0, double limit)
{
	double ms = (limit - seconds_since(t0)) * 1e3;

	if (ms <= 0)
		return 0;
	return ms >= INT_MAX ? INT_MAX : (int)ms + 1;
}

/* Returns 1 when pid exited, 0 when the deadline passed, -1 when pidfds are unavailable. */
static int wait_pidfd(pid_t pid, const struct timespec *t0, double limit)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	int ms, exited = 0;

	if (fd < 0)
		return -1; /* ENOSYS before Linux 5.3, or a seccomp filter that refuses it */
	while (!exited && (ms = ms_left(t0, limit)) > 0) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int n = poll(&p, 1, ms);

		if (n < 0 && errno != EINTR) {
			close(fd);
			return -1; /* let the polling loop finish the wait */
		}
		exited = n > 0;
	}
	close(fd);
	return exited || has_exited(pid);
#else
	(void)pid, (void)t0, (void)limit;
	return -1;
#endif
}

static int wait_polling(pid_t pid, const struct timespec *t0, double limit)
{
	long step = POLL_FIRST_NS;

	while (!has_exited(pid)) {
		double left = limit - seconds_since(t0);
		struct timespec nap = {0, step};

		if (left <= 0)
			return 0;
		if (left * 1e9 < (double)step)
			nap.tv_nsec = (long)(left * 1e9) + 1;
		nanosleep(&nap, NULL);
		step = step * 2 > POLL_MAX_NS ? POLL_MAX_NS : step * 2;
	}
	return 1;
}

static int wait_exit(pid_t pid, const struct timespec *t0, double limit)
{
	int exited = wait_pidfd(pid, t0, limit);

	return exited >= 0 ? exited : wait_polling(pid, t0, limit);
}

static void reap(pid_t pid, struct proc_result *r)
{
	struct rusage ru;
	int status;

	memset(&ru, 0, sizeof ru);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return;
	r->exited = WIFEXITED(status);
	r->exit_code = r->exited ? WEXITSTATUS(status) : 0;
	r->signaled = WIFSIGNALED(status);
	r->term_signal = r->signaled ? WTERMSIG(status) : 0;
	r->user_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	r->system_seconds = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	r->voluntary_switches = ru.ru_nvcsw;
	r->involuntary_switches = ru.ru_nivcsw;
}
/* }=== */

/* {=== reporting ===} */

/* "cannot open 'out.txt' for stdout: Permission denied": what failed, on which name, why. */
static void describe_failure(const struct proc_spec *spec, const struct child_error *e,
                             struct proc_result *r)
{
	static const char *const verb[STAGE_EXEC + 1] = {
	    [STAGE_SETUP] = "cannot set up",
	    [STAGE_STDIN] = "cannot open",
	    [STAGE_STDOUT] = "cannot open",
	    [STAGE_STDERR] = "cannot open",
	    [STAGE_LIMITS] = "cannot set the limits of",
	    [STAGE_CWD] = "cannot change directory to",
	    [STAGE_EXEC] = "cannot run",
	};
	static const char *const stream[STAGE_EXEC + 1] = {
	    [STAGE_STDIN] = " for stdin",
	    [STAGE_STDOUT] = " for stdout",
	    [STAGE_STDERR] = " for stderr",
	};
	const char *names[STAGE_EXEC + 1] = {
	    [STAGE_STDIN] = or_null_device(spec->stdin_path),
	    [STAGE_STDOUT] = or_null_device(spec->stdout_path),
	    [STAGE_STDERR] = or_null_device(spec->stderr_path),
	    [STAGE_CWD] = spec->cwd,
	};
	int stage = e->stage >= STAGE_SETUP && e->stage <= STAGE_EXEC ? e->stage : STAGE_SETUP;
	char msg[128];

	snprintf(r->error, sizeof r->error, "%s '%s'%s: %s", verb[stage],
	         names[stage] ? names[stage] : spec->argv[0], stream[stage] ? stream[stage] : "",
	         strerror_r(e->err, msg, sizeof msg));
}

/* Whether the child reported a failure before exec. Read only after the child is reaped:
 * what it wrote is in the pipe by then, and an empty pipe means exec succeeded (the write
 * end closed on exec). O_NONBLOCK because another thread's child, forked while this pipe was
 * open, may still hold a copy of the write end. */
static int child_failed(int fd, struct child_error *e)
{
	return read(fd, e, sizeof *e) == (ssize_t)sizeof *e;
}

static void set_error(struct proc_result *r, const char *what)
{
	char msg[128];

	snprintf(r->error, sizeof r->error, "%s: %s", what, strerror_r(errno, msg, sizeof msg));
}
/* }=== */

/* The program's path as the caller meant it: a relative path names a file from the caller's
 * directory (like the stdio paths), but exec runs after chdir(cwd), so it is made absolute. */
static int program_path(const struct proc_spec *spec, char *buf, size_t len)
{
	const char *prog = spec->argv[0];
	size_t n;

	errno = ENAMETOOLONG; /* unless getcwd says otherwise */
	if (!spec->cwd || prog[0] == '/' || !strchr(prog, '/'))
		return snprintf(buf, len, "%s", prog) < (int)len ? 0 : -1;
	if (!getcwd(buf, len))
		return -1;
	n = strlen(buf);
	return snprintf(buf + n, len - n, "/%s", prog) < (int)(len - n) ? 0 : -1;
}

static int run_plain(const struct proc_spec *spec, struct proc_result *r);

/* A jailed run is bubblewrap running the program: the same limits and files, the jail's
 * identity, and bwrap's "exit 128+N" turned back into "killed by signal N". */
static int run_jailed(const struct proc_spec *spec, struct proc_result *r)
{
	static const struct jail_run nothing_more = {{NULL}, {NULL}};
	char *argv[JAIL_MAX_ARGS];
	struct proc_spec jailed = *spec;
	memset(r, 0, sizeof *r);
	if (jail_argv(spec->jail, spec->jail_run ? spec->jail_run : &nothing_more,
	              spec->cwd ? spec->cwd : "/", spec->argv, argv) != 0) {
		snprintf(r->error, sizeof r->error, "cannot run '%s': too many arguments",
		         spec->argv[0]);
		return -1;
	}
	jailed.argv = argv;
	jailed.jail = NULL;
	if (jailed.run_uid == 0) {
		jailed.run_uid = spec->jail->uid;
		jailed.run_gid = spec->jail->gid;
	}
	int rc = run_plain(&jailed, r);
	int sig = rc == 0 && r->exited ? jail_signal_of_exit(spec->jail, r->exit_code) : 0;
	if (sig) {
		r->exited = r->exit_code = 0;
		r->signaled = 1;
		r->term_signal = sig;
	}
	if (spec->jail->mode == JAIL_NAMESPACES)
		r->pid = 0;
	jail_sweep(spec->jail);
	return rc;
}

int proc_run(const struct proc_spec *spec, struct proc_result *r)
{
	if (spec->jail != NULL && spec->jail->mode != JAIL_NONE)
		return run_jailed(spec, r);
	return run_plain(spec, r);
}

/* Longer than the style's ten lines because it is the one place the steps are in order:
 * fork, wait with a deadline, kill the group in every case, reap, then read the verdict. */
static int run_plain(const struct proc_spec *spec, struct proc_result *r)
{
	double limit = spec->wall_limit > 0 ? spec->wall_limit : DEFAULT_WALL_LIMIT;
	pid_t parent = getpid(), pid;
	struct child_error e;
	struct timespec t0;
	sigset_t all, old;
	int pipefd[2], exited, failed;
	char path[PATH_MAX], msg[128];

	memset(r, 0, sizeof *r);
	if (!spec->argv || !spec->argv[0]) {
		snprintf(r->error, sizeof r->error, "cannot run a child: argv[0] is NULL");
		return -1;
	}
	if (program_path(spec, path, sizeof path) != 0) {
		snprintf(r->error, sizeof r->error, "cannot run '%s': %s", spec->argv[0],
		         strerror_r(errno, msg, sizeof msg));
		return -1;
	}
	/* O_CLOEXEC from the start: another thread may fork between pipe2 and our fork. */
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0) {
		set_error(r, "cannot make a pipe");
		return -1;
	}
	/* Signals stay blocked until the child has reset its handlers: the caller's handlers
	 * must never run in the child. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0)
		run_child(spec, path, parent, pipefd[1]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(pipefd[1]);
	if (pid < 0) {
		set_error(r, "cannot fork");
		close(pipefd[0]);
		return -1;
	}
	setpgid(pid, pid); /* EACCES once the child has exec'd: it has done it itself by then */
	r->pid = pid;
	exited = wait_exit(pid, &t0, limit);
	r->timed_out = !exited;
	/* Always, not only on timeout: `sleep 100 &` in the child would otherwise outlive the
	 * run. The child is still a zombie here, so the group's number cannot have been reused. */
	kill(-pid, SIGKILL);
	if (!exited)
		kill(pid, SIGKILL);
	reap(pid, r);
	r->wall_seconds = seconds_since(&t0);
	failed = child_failed(pipefd[0], &e);
	close(pipefd[0]);
	if (failed)
		describe_failure(spec, &e, r);
	return failed ? -1 : 0;
}

/* The signal's abbreviation and description without the static buffer strsignal may use
 * (glibc 2.32+); the description's capital goes, unless it starts an acronym ("CPU time"). */
static void describe_signal(int sig, char *buf, size_t len)
{
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 32)
	const char *abbrev = sigabbrev_np(sig), *descr = sigdescr_np(sig);

	if (abbrev && descr && descr[0]) {
		int lower =
		    descr[1] >= 'a' && descr[1] <= 'z' && descr[0] >= 'A' && descr[0] <= 'Z';
		snprintf(buf, len, "killed by SIG%s (%c%s)", abbrev,
		         lower ? descr[0] - 'A' + 'a' : descr[0], descr + 1);
		return;
	}
#endif
#endif
	snprintf(buf, len, "killed by signal %d", sig);
}

const char *proc_describe(const struct proc_result *r, char *buf, size_t len)
{
	double s = r->wall_seconds;

	if (len == 0)
		return buf;
	if (r->error[0])
		snprintf(buf, len, "%s", r->error);
	else if (r->timed_out)
		snprintf(buf, len, s < 100 ? "timed out after %.3g s" : "timed out after %.0f s",
		         s);
	else if (r->signaled)
		describe_signal(r->term_signal, buf, len);
	else if (r->exited)
		snprintf(buf, len, "exit %d", r->exit_code);
	else
		snprintf(buf, len, "not run");
	return buf;
}
