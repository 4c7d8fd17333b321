/* exec_deny.h: a seccomp filter that makes execve and execveat fail with EPERM for the rest of
 * the process's life, and fork, vfork and clone without CLONE_THREAD too (threads still start).
 * bench.c installs it first thing in main, so work cannot be moved into an exec'd helper or a
 * forked child that Valgrind does not measure (DESIGN section 6.4, layer 5). */
#ifndef EXEC_DENY_H
#define EXEC_DENY_H

/* Installs the filter (sets no_new_privs first). Returns 0, or -1 with errno set. */
int exec_deny_install(void);

#endif
