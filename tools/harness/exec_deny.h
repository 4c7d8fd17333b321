/* exec_deny.h: a seccomp filter that makes execve and execveat fail with EPERM for the rest of
 * the process's life. bench.c installs it first thing in main, so work cannot be moved into
 * an exec'd helper that Valgrind does not follow (DESIGN section 6, layer 5). */
#ifndef EXEC_DENY_H
#define EXEC_DENY_H

/* Installs the filter (sets no_new_privs first). Returns 0, or -1 with errno set. */
int exec_deny_install(void);

#endif
