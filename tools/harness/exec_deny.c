/* exec_deny.c: a raw seccomp-BPF filter (no libseccomp) that makes execve, execveat, fork,
 * vfork and a process-creating clone fail with EPERM (clone3 with ENOSYS) and allows every
 * other system call, threads included, natively and under Valgrind. */
#include "exec_deny.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* System-call numbers differ per architecture, so the filter accepts only the one it was
 * compiled for and kills anything else: an x86_64 process can still enter the kernel as i386
 * through int $0x80, where execve is number 11. */
#if defined(__x86_64__)
#define EXEC_DENY_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define EXEC_DENY_ARCH AUDIT_ARCH_AARCH64
#else
#error "exec_deny.c: add this architecture's AUDIT_ARCH_* value"
#endif

/* x32 system calls arrive as AUDIT_ARCH_X86_64 with this bit ORed into the number; without a
 * check x32's execve (520 | bit) would slip past the comparison with __NR_execve. */
#define X32_SYSCALL_BIT 0x40000000U

/* Valgrind's pre-exec check stats the program with exactly these arguments (a 3.19 trace:
 * statx(AT_FDCWD, "/bin/true", 0, STATX_ALL)); see the Valgrind section below. */
#define AT_FDCWD_LOW32 0xffffff9cU /* (uint32_t)-100 */
#define STATX_ALL_MASK 0xfffU

#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define LOAD_ARG(i) LOAD(args[i]) /* the low 32 bits on a little-endian machine */
#define RET(action) BPF_STMT(BPF_RET | BPF_K, (action))
#define DENY        (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define DENY_NR(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), RET(DENY)

/* Under Valgrind the guest's execve is emulated: Valgrind checks the program (open, statx,
 * getxattr), then kills the other threads and resets signal handlers, then makes the real
 * execve. When the kernel refuses that execve it is too late to go back, and Valgrind prints
 * "EXEC FAILED: I can't recover from execve() failing, so I'm dying." and exits with 101.
 * Refusing its statx instead makes the check fail first, and the guest's execve returns EPERM
 * as it does natively. Valgrind uses that statx form for nothing else a measured run needs
 * (only for debug info of files mapped later, e.g. by dlopen, which the static checks refuse),
 * and glibc's stat() uses newfstatat, so native runs see the same filter unharmed. A path that
 * does not exist fails Valgrind's open() first: ENOENT there, EPERM natively. */
static const struct sock_filter code[] = {
    LOAD(arch),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, EXEC_DENY_ARCH, 1, 0),
    RET(SECCOMP_RET_KILL_PROCESS),
    LOAD(nr),
#if defined(__x86_64__)
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1),
    RET(DENY),
#endif
    DENY_NR(__NR_execve),
    DENY_NR(__NR_execveat),
/* {=== new processes: work done in a forked child escapes the measurement ===} */
#if defined(__NR_fork)
    DENY_NR(__NR_fork),
#endif
#if defined(__NR_vfork)
    DENY_NR(__NR_vfork),
#endif
    /* clone3 passes its flags in memory a filter cannot read: ENOSYS makes glibc fall back to
     * clone, whose flags it can (pthread_create does exactly that on older kernels) */
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
    RET(SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
    /* clone: a thread (CLONE_THREAD) is allowed, anything else is a new process */
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4),
    LOAD_ARG(0),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1),
    RET(SECCOMP_RET_ALLOW),
    RET(DENY),
    /* }=== */
    /* {=== Valgrind's pre-exec statx ===} jump offsets count to the final ALLOW */
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_statx, 0, 7),
    LOAD_ARG(0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AT_FDCWD_LOW32, 0, 5),
    LOAD_ARG(2),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),
    LOAD_ARG(3),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, STATX_ALL_MASK, 0, 1),
    RET(DENY),
    /* }=== */
    RET(SECCOMP_RET_ALLOW),
};

int exec_deny_install(void)
{
	struct sock_fprog prog = {
	    .len = sizeof code / sizeof code[0],
	    .filter = (struct sock_filter *)code,
	};

	/* Without no_new_privs an unprivileged process may not install a filter (EACCES); it
	 * also keeps a set-uid program from ever running with the filter attached. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	/* prctl, not seccomp(2): Valgrind 3.19 does not know system call 317 ("WARNING:
	 * unhandled amd64-linux syscall", and ENOSYS). Without seccomp(2)'s TSYNC the filter
	 * binds this thread and the threads it creates later: install before creating any. */
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0 ? -1 : 0;
}
