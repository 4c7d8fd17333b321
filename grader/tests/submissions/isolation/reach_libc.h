/* reach_libc.h: how a hostile submission reaches any libc function while naming only the ones
 * lesson.ini's allow_symbols permits. It walks back from fputs's address (REACH_ANCHOR) to libc's
 * ELF header and looks the wanted name up in libc's own dynamic symbol table: address arithmetic,
 * no undefined symbol, nothing a static check of the object can see. The isolation attacks
 * (attack_*.c) are appended to the lesson 01 skeleton with this header in front of them, by
 * tools/checks/50-isolation.sh; none of this is course code. */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>

#ifndef REACH_ANCHOR
#define REACH_ANCHOR fputs /* any libc function the lesson allows */
#endif

static inline int reach_same(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return *a == *b;
}

static inline uintptr_t reach_abs(uintptr_t base, uintptr_t v)
{
	return v < base ? base + v : v; /* ld.so leaves some d_ptr values unrelocated */
}

static inline int reach_same_prefix(const char *s, const char *prefix)
{
	while (*prefix != '\0' && *s == *prefix)
		s++, prefix++;
	return *prefix == '\0';
}

/* The address of libc's function name, or NULL. */
static inline void *reach(const char *name)
{
	uintptr_t page = (uintptr_t)&REACH_ANCHOR & ~(uintptr_t)4095;
	const unsigned char *p = (const unsigned char *)page;
	while (!(p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F'))
		p -= 4096;
	uintptr_t base = (uintptr_t)p;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)p;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(base + ph[i].p_vaddr);
	const Elf64_Sym *sym = NULL;
	const char *str = NULL;
	for (; dyn != NULL && dyn->d_tag != DT_NULL; dyn++)
		if (dyn->d_tag == DT_SYMTAB)
			sym = (const Elf64_Sym *)reach_abs(base, dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_STRTAB)
			str = (const char *)reach_abs(base, dyn->d_un.d_ptr);
	/* libc's string table follows its symbol table: that bounds the count */
	for (const Elf64_Sym *s = sym; s != NULL && (const char *)s < str; s++)
		if (s->st_value != 0 && s->st_name != 0 && reach_same(str + s->st_name, name))
			return (void *)(base + s->st_value);
	return NULL;
}

typedef int (*reach_system_fn)(const char *);
typedef int (*reach_open_fn)(const char *, int, ...);
typedef long (*reach_rw_fn)(int, void *, unsigned long);
typedef int (*reach_close_fn)(int);
typedef long (*reach_readlink_fn)(const char *, char *, unsigned long);
typedef int (*reach_kill_fn)(int, int);
typedef char *(*reach_getcwd_fn)(char *, unsigned long);
typedef int (*reach_rename_fn)(const char *, const char *);
typedef int (*reach_symlink_fn)(const char *, const char *);

/* a, b and c one after the other into out (snprintf may not be an allowed symbol) */
static inline void reach_join(char *out, unsigned long len, const char *a, const char *b,
                              const char *c)
{
	const char *parts[3] = {a, b, c};
	unsigned long n = 0;
	for (int i = 0; i < 3; i++)
		for (const char *p = parts[i]; *p != '\0' && n + 1 < len; p++)
			out[n++] = *p;
	out[n] = '\0';
}

/* Runs a shell command line through libc's system(). */
static inline int reach_sh(const char *cmd)
{
	reach_system_fn sys = (reach_system_fn)reach("system");
	return sys ? sys(cmd) : -1;
}

/* The course root, from the path of the running program (ROOT/build/...). */
static inline int reach_course_root(char *out, unsigned long len)
{
	reach_readlink_fn rl = (reach_readlink_fn)reach("readlink");
	long n = rl ? rl("/proc/self/exe", out, len - 1) : -1;
	if (n <= 0)
		return -1;
	out[n] = '\0';
	for (long i = 0; i + 7 <= n; i++)
		if (reach_same_prefix(out + i, "/build/")) {
			out[i] = '\0';
			return 0;
		}
	return -1;
}

/* Which run this process is: the suites, a cmocka gate, the bench under Valgrind or natively. */
static inline int reach_in(const char *what)
{
	reach_getcwd_fn cwd = (reach_getcwd_fn)reach("getcwd");
	reach_readlink_fn rl = (reach_readlink_fn)reach("readlink");
	char where[1024] = "", exe[1024] = "";
	long n = rl ? rl("/proc/self/exe", exe, sizeof exe - 1) : -1;
	exe[n > 0 ? n : 0] = '\0';
	if (cwd)
		cwd(where, sizeof where);
	char both[2100];
	reach_join(both, sizeof both, where, " ", exe);
	for (const char *p = both; *p != '\0'; p++)
		if (reach_same_prefix(p, what))
			return 1;
	return 0;
}

/* Runs cmd from the course root; -1 when the root is not found. */
static inline int reach_sh_in_root(const char *cmd)
{
	char root[1024], head[1100], line[8192];
	if (reach_course_root(root, sizeof root) != 0)
		return -1;
	reach_join(head, sizeof head, "cd '", root, "' && ");
	reach_join(line, sizeof line, head, cmd, "");
	return reach_sh(line);
}

/* Whether the running program is called name (test, alloc-fail, bench): the suites, a gate. */
static inline int reach_exe_is(const char *name)
{
	reach_readlink_fn rl = (reach_readlink_fn)reach("readlink");
	char exe[1024];
	long n = rl ? rl("/proc/self/exe", exe, sizeof exe - 1) : -1;
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	const char *base = exe;
	for (const char *p = exe; *p != '\0'; p++)
		if (*p == '/')
			base = p + 1;
	return reach_same(base, name);
}
