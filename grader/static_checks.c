/* static_checks.c: reads the student's objects with binutils (readelf, objdump) and the
 * preprocessor, and refuses what could fool the measurements or escape them: code that runs
 * before main or after exit (a CALLGRIND_ZERO_STATS in a destructor zeroes every count,
 * measured), IFUNC resolvers, system calls made directly, client requests, undeclared globals
 * (a redefined strcmp made Criterion report 0 of 0 tests, measured), and big static tables. */
#include "static_checks.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "text_file.h"

#define MAX_TOOL_OUTPUT (16 << 20)

/* Sections whose code runs before main or after exit. */
static const char *const startup_sections[] = {
    ".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors", ".init", ".fini", NULL,
};

/* Undefined names every object may use: what the compiler itself emits. */
static int compiler_helper(const char *name)
{
	size_t n = strlen(name);
	return !strcmp(name, "_GLOBAL_OFFSET_TABLE_") || !strcmp(name, "__stack_chk_fail") ||
	       (strncmp(name, "__", 2) == 0 && n > 6 && !strcmp(name + n - 4, "_chk"));
}

/* {=== running binutils ===} */

/* The output of argv (stdout and stderr), or NULL with a reason. The output goes through a file
 * of this call's own in dir: gradings of one lesson run at once and read the same reference
 * folder, and with one shared name a grading read another's half-written symbol table and
 * refused the course's own reference (lesson 09, in CI; test_static_checks). */
static char *tool_output(char *const *argv, const char *dir, char *reason, size_t len)
{
	char out_path[PATH_MAX];
	snprintf(out_path, sizeof out_path, "%s/checks.XXXXXX", dir);
	int fd = mkstemp(out_path);
	if (fd < 0) {
		snprintf(reason, len, "cannot create a file in '%s': %s", dir, strerror(errno));
		return NULL;
	}
	close(fd);
	struct proc_spec spec = {.argv = argv,
	                         .stdout_path = out_path,
	                         .stderr_path = out_path,
	                         .wall_limit = 60,
	                         .file_limit = MAX_TOOL_OUTPUT};
	struct proc_result r;
	char *text = NULL;
	if (proc_run(&spec, &r) != 0)
		snprintf(reason, len, "cannot run %s: %s (install binutils: make deps)", argv[0],
		         r.error);
	else
		text = text_file_read(out_path, MAX_TOOL_OUTPUT, 0, 0, reason, len);
	unlink(out_path);
	if (text != NULL && (!r.exited || r.exit_code != 0)) {
		snprintf(reason, len, "%s %s failed: %.200s", argv[0], argv[1], text);
		free(text);
		return NULL;
	}
	return text;
}

/* }=== */

/* {=== symbols ===} */

/* Calls each(name, type, bind, defined) for every named symbol of readelf -sW's table. */
static void for_each_symbol(char *table,
                            void (*each)(const char *, const char *, const char *, int, void *),
                            void *ctx)
{
	char *save;
	for (char *line = strtok_r(table, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char num[16], value[32], size[32], type[32], bind[32], vis[32], ndx[32], name[256];
		if (sscanf(line, " %15s %31s %31s %31s %31s %31s %31s %255s", num, value, size,
		           type, bind, vis, ndx, name) != 8 ||
		    num[strlen(num) - 1] != ':')
			continue;
		if (!strcmp(type, "FILE") || !strcmp(type, "SECTION"))
			continue;
		each(name, type, bind, strcmp(ndx, "UND") != 0, ctx);
	}
}

struct name_list {
	char names[64][128];
	size_t n;
};

static void collect_defined(const char *name, const char *type, const char *bind, int defined,
                            void *ctx)
{
	struct name_list *list = ctx;
	(void)type;
	if (defined && strcmp(bind, "LOCAL") != 0 && list->n < 64)
		snprintf(list->names[list->n++], sizeof list->names[0], "%s", name);
}

struct symbol_check {
	const struct manifest *m;
	const struct name_list *api;
	const char *file;
	char *reason;
	size_t len;
	int failed;
};

static int in_words(const char *words, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = words; (p = strstr(p, name)) != NULL; p += n)
		if ((p == words || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

static void check_symbol(const char *name, const char *type, const char *bind, int defined,
                         void *ctx)
{
	struct symbol_check *c = ctx;
	if (c->failed)
		return;
	int api = 0;
	for (size_t i = 0; i < c->api->n; i++)
		api |= !strcmp(c->api->names[i], name);
	if (!strcmp(type, "IFUNC")) {
		snprintf(c->reason, c->len,
		         "%s: '%s' is an IFUNC: choose the code at run time through a function "
		         "pointer instead",
		         c->file, name);
		c->failed = 1;
	} else if (defined && strcmp(bind, "LOCAL") != 0 && !api) {
		snprintf(c->reason, c->len,
		         "%s: defines the global '%s', which the lesson's header does not declare: "
		         "make it static",
		         c->file, name);
		c->failed = 1;
	} else if (!defined && !api && !compiler_helper(name) &&
	           !in_words(c->m->allow_symbols, name)) {
		snprintf(c->reason, c->len,
		         "%s: uses '%s', which this lesson does not allow (lesson.ini [checks] "
		         "allow_symbols)",
		         c->file, name);
		c->failed = 1;
	}
}

/* }=== */

/* {=== sections and instructions ===} */

/* Start-up code, and the bytes of static data (.data, .bss, .rodata and their kin). */
static int check_sections(char *table, const char *file, unsigned long *static_bytes, char *reason,
                          size_t len)
{
	char *save;
	for (char *line = strtok_r(table, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *close = strchr(line, ']');
		char name[128], type[64], address[64], offset[64], size[64];
		if (strchr(line, '[') == NULL || close == NULL ||
		    sscanf(close + 1, " %127s %63s %63s %63s %63s", name, type, address, offset,
		           size) != 5)
			continue;
		for (int i = 0; startup_sections[i] != NULL; i++)
			if (!strcmp(name, startup_sections[i]) ||
			    (!strncmp(name, startup_sections[i], strlen(startup_sections[i])) &&
			     name[strlen(startup_sections[i])] == '.')) {
				snprintf(
				    reason, len,
				    "%s: has a %s section: code that runs before main or after "
				    "exit (a constructor or destructor) is not allowed",
				    file, name);
				return 1;
			}
		if (!strncmp(name, ".data", 5) || !strncmp(name, ".bss", 4) ||
		    !strncmp(name, ".rodata", 7) || !strcmp(name, ".tdata") ||
		    !strcmp(name, ".tbss"))
			*static_bytes += strtoul(size, NULL, 16);
	}
	return 0;
}

static int check_instructions(const char *disassembly, const char *file, char *reason, size_t len)
{
	static const char *const system_calls[] = {"\tsyscall", "\tsysenter", "\tint    $0x80",
	                                           NULL};
	for (int i = 0; system_calls[i] != NULL; i++)
		if (strstr(disassembly, system_calls[i]) != NULL) {
			snprintf(reason, len,
			         "%s: holds a '%s' instruction: system calls go through "
			         "libc",
			         file, system_calls[i] + 1);
			return 1;
		}
	/* Valgrind's client-request preamble: four rotations of %rdi that sum to 128 bits */
	const char *a = strstr(disassembly, "rol    $0x3,%rdi");
	if (a && (a = strstr(a, "rol    $0xd,%rdi")) && (a = strstr(a, "rol    $0x3d,%rdi")) &&
	    strstr(a, "rol    $0x33,%rdi")) {
		snprintf(reason, len,
		         "%s: holds a Valgrind client request (such as "
		         "CALLGRIND_ZERO_STATS): measurements are the grader's",
		         file);
		return 1;
	}
	return 0;
}

/* }=== */

/* {=== asm in the source ===} */

/* 1 when a line of C holds the keyword asm, __asm or __asm__ outside string and character
 * literals (comments are gone after the preprocessor). */
static int line_uses_asm(const char *line)
{
	for (const char *p = line; *p != '\0';) {
		if (*p == '"' || *p == '\'') {
			char quote = *p++;
			while (*p != '\0' && *p != quote)
				p += p[0] == '\\' && p[1] != '\0' ? 2 : 1;
			p += *p != '\0';
		} else if (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
			const char *start = p;
			while (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			       (*p >= '0' && *p <= '9'))
				p++;
			size_t n = (size_t)(p - start);
			if ((n == 3 && !strncmp(start, "asm", 3)) ||
			    (n == 5 && !strncmp(start, "__asm", 5)) ||
			    (n == 7 && !strncmp(start, "__asm__", 7)))
				return 1;
		} else {
			p++;
		}
	}
	return 0;
}

/* asm in the lines of the preprocessed source that come from the student file itself (system
 * headers use __asm__ for symbol names, which is not the student's). */
static int check_source_asm(const struct manifest *m, const char *source, const char *out_dir,
                            char *reason, size_t len)
{
	char lesson_dir[PATH_MAX], include[PATH_MAX + 2];
	snprintf(lesson_dir, sizeof lesson_dir, "%s", m->path);
	snprintf(include, sizeof include, "-I%s", dirname(lesson_dir));
	char *argv[] = {"gcc",   "-std=c11",        "-D_GNU_SOURCE", "-E",
	                include, "-Itools/harness", (char *)source,  NULL};
	char *text = tool_output(argv, out_dir, reason, len);
	if (text == NULL)
		return -1;
	int ours = 0, found = 0;
	char *save;
	for (char *line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#') {
			char *quote = strchr(line, '"');
			ours = quote && !strncmp(quote + 1, source, strlen(source)) &&
			       quote[1 + strlen(source)] == '"';
			continue;
		}
		if (!ours)
			continue;
		found = line_uses_asm(line);
	}
	free(text);
	if (found)
		snprintf(reason, len,
		         "%s: uses asm, which this lesson does not allow (allow_asm = "
		         "no in lesson.ini)",
		         source);
	return found;
}

/* }=== */

static void object_of(const char *file, const char *dir, char *out, size_t len)
{
	const char *dot = strrchr(file, '.');
	snprintf(out, len, "%s/measure/%.*s.o", dir, (int)(dot ? dot - file : (long)strlen(file)),
	         file);
}

/* The global names the reference defines: the lesson's API. */
static int api_names(const struct manifest *m, const struct impl *reference, struct name_list *api,
                     char *reason, size_t len)
{
	api->n = 0;
	for (size_t i = 0; i < m->n_student_files; i++) {
		char obj[PATH_MAX + 32];
		object_of(m->student_files[i], reference->out_dir, obj, sizeof obj);
		char *argv[] = {"readelf", "-sW", obj, NULL};
		char *table = tool_output(argv, reference->out_dir, reason, len);
		if (table == NULL)
			return -1;
		for_each_symbol(table, collect_defined, api);
		free(table);
	}
	return 0;
}

static int check_object(const struct manifest *m, const struct name_list *api, const char *file,
                        const char *obj, const char *dir, unsigned long *static_bytes, char *reason,
                        size_t len)
{
	char *symbols_argv[] = {"readelf", "-sW", (char *)obj, NULL};
	char *sections_argv[] = {"readelf", "-SW", (char *)obj, NULL};
	char *code_argv[] = {"objdump", "-d", "--no-show-raw-insn", (char *)obj, NULL};
	char *text = tool_output(symbols_argv, dir, reason, len);
	if (text == NULL)
		return -1;
	struct symbol_check c = {.m = m, .api = api, .file = file, .reason = reason, .len = len};
	for_each_symbol(text, check_symbol, &c);
	free(text);
	if (c.failed)
		return 1;
	if ((text = tool_output(sections_argv, dir, reason, len)) == NULL)
		return -1;
	int rc = check_sections(text, file, static_bytes, reason, len);
	free(text);
	if (rc != 0)
		return rc;
	if ((text = tool_output(code_argv, dir, reason, len)) == NULL)
		return -1;
	rc = check_instructions(text, file, reason, len);
	free(text);
	return rc;
}

int static_checks(const struct manifest *m, const struct impl *student,
                  const struct impl *reference, char *reason, size_t len)
{
	struct name_list api;
	if (api_names(m, reference, &api, reason, len) != 0)
		return -1;
	unsigned long static_bytes = 0;
	for (size_t i = 0; i < m->n_student_files; i++) {
		const char *file = m->student_files[i];
		size_t n = strlen(file);
		int is_asm_file = n > 2 && !strcmp(file + n - 2, ".S");
		if (is_asm_file && !m->allow_asm) {
			snprintf(reason, len, "%s: assembly files are not allowed in this lesson",
			         file);
			return 1;
		}
		char obj[PATH_MAX + 32], source[PATH_MAX + 80];
		object_of(file, student->out_dir, obj, sizeof obj);
		int rc =
		    check_object(m, &api, file, obj, student->out_dir, &static_bytes, reason, len);
		if (rc != 0)
			return rc;
		snprintf(source, sizeof source, "%s/%s", student->src_dir, file);
		if (!m->allow_asm && !is_asm_file &&
		    (rc = check_source_asm(m, source, student->out_dir, reason, len)) != 0)
			return rc;
	}
	if (static_bytes > m->max_static_bytes) {
		snprintf(reason, len,
		         "%lu bytes of static data (.data, .bss, .rodata), over this "
		         "lesson's %lu (max_static_bytes)",
		         static_bytes, m->max_static_bytes);
		return 1;
	}
	return 0;
}
