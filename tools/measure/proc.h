/* proc.h: runs a child process under limits. Each child gets its own process group, dies with
 * its parent (PR_SET_PDEATHSIG), has its stdout/stderr in files the caller names, and is killed
 * with its whole group when its wall-clock limit passes. Nothing the course starts may hang. */
#ifndef PROC_H
#define PROC_H

#include <stddef.h>
#include <sys/resource.h>

struct jail;
struct jail_run;

struct proc_spec {
	/* argv[0] is the program: a path (a relative one counts from the caller's directory, not
	 * from cwd), or a name looked up in PATH (envp's PATH when envp is given, as env -i does)
	 */
	char *const *argv;
	char *const *envp;             /* the whole environment; NULL keeps the caller's */
	const char *cwd;               /* NULL keeps the caller's */
	const char *stdin_path;        /* NULL: /dev/null */
	const char *stdout_path;       /* NULL: /dev/null; created or truncated */
	const char *stderr_path;       /* NULL: /dev/null */
	double wall_limit;             /* seconds; <= 0 means 600 */
	unsigned long cpu_limit;       /* RLIMIT_CPU seconds; 0: none */
	unsigned long long file_limit; /* RLIMIT_FSIZE bytes; 0: none */
	unsigned long long as_limit;   /* RLIMIT_AS bytes; 0: none (sanitizer builds need none) */
	/* as_limit lowers only the soft limit, leaving the hard one, so a trusted descendant can
	 * lift it again (a batch's grader child, whose sanitizer runs reserve terabytes of address
	 * space); untrusted code cannot, since the static checks refuse setrlimit and raw system
	 * calls */
	int as_limit_soft;
	int lift_as_limit;          /* raise RLIMIT_AS's soft limit to the hard one first */
	unsigned long nproc_limit;  /* RLIMIT_NPROC (per user: useful with run_uid); 0: none */
	unsigned long nofile_limit; /* RLIMIT_NOFILE; 0: none */
	/* run as this user and group, without supplementary groups (a batch's per-slot user,
	 * DESIGN section 6.4, layer 4); 0: keep the caller's (root is never a target) */
	unsigned run_uid, run_gid;
	/* student code: run inside this jail (jail.h), seeing what jail_run shows; NULL, or a
	 * jail in mode JAIL_NONE, runs it as it is */
	const struct jail *jail;
	const struct jail_run *jail_run;
};

struct proc_result {
	int exited; /* 1: exited normally with exit_code */
	int exit_code;
	int signaled; /* 1: killed by signal term_signal */
	int term_signal;
	int timed_out;       /* 1: the wall limit passed and the group was killed */
	int pid;             /* the child's pid (checked against Valgrind's pid: line);
	                        0 when it ran in a jail's PID namespace, where it is not known */
	double wall_seconds; /* from fork to reaping */
	double user_seconds, system_seconds; /* getrusage of the child */
	long voluntary_switches, involuntary_switches;
	char error[256]; /* set when the child could not be started */
};

/* Runs spec to completion. Returns 0 when the child ran (whatever its status), -1 when it
 * could not be started (r->error says why). */
int proc_run(const struct proc_spec *spec, struct proc_result *r);

/* One line describing how the child ended: "exit 0", "killed by SIGSEGV (segmentation fault)",
 * "timed out after 20 s". Writes into buf and returns it. */
const char *proc_describe(const struct proc_result *r, char *buf, size_t len);

#endif
