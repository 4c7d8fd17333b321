/* toolchain.c: reads the environment fingerprint once per report. */
#include "toolchain.h"

#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* First line a command prints, newline removed; "unknown" if it printed nothing. */
static void first_line_of(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	out[0] = '\0';
	if (p != NULL) {
		if (fgets(out, (int)len, p) == NULL)
			out[0] = '\0';
		pclose(p);
	}
	out[strcspn(out, "\n")] = '\0';
	if (out[0] == '\0')
		snprintf(out, len, "unknown");
}

void toolchain_read(struct toolchain *t)
{
	char version[48];
	first_line_of("gcc -dumpfullversion 2>/dev/null", version, sizeof version);
	snprintf(t->cc, sizeof t->cc, "gcc %s", version);
	/* the measure variant's flags, as the Makefile's settings block wrote them */
	first_line_of("cut -d' ' -f2- build/flags/measure.txt 2>/dev/null", t->flags,
	              sizeof t->flags);
	snprintf(t->glibc, sizeof t->glibc, "%s", gnu_get_libc_version());
	first_line_of("valgrind --version 2>/dev/null | sed 's/^valgrind-//'", t->valgrind,
	              sizeof t->valgrind);
	first_line_of("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1", t->cpu,
	              sizeof t->cpu);
	struct utsname u;
	snprintf(t->arch, sizeof t->arch, "%s", uname(&u) == 0 ? u.machine : "unknown");
}

void course_version(char *out, size_t len)
{
	char version[32], commit[32];
	first_line_of("cat VERSION 2>/dev/null", version, sizeof version);
	first_line_of("git rev-parse --short HEAD 2>/dev/null", commit, sizeof commit);
	if (strcmp(commit, "unknown") == 0)
		snprintf(out, len, "%s", version);
	else
		snprintf(out, len, "%s+g%s", version, commit);
}
