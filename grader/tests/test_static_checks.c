/* test_static_checks.c: the static checks of DESIGN section 6.4 on objects compiled in a scratch
 * folder: what passes, what is refused, and that gradings running at once do not disturb each
 * other (CI once saw a grading read another's half-written symbol table and refuse the course's
 * own reference). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../static_checks.h"

static char scratch[] = "/tmp/ngrade-static-checks-test-XXXXXX";
static struct manifest lesson;
static struct impl reference;

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Compiles source text into impl's measure build as name.o, the way build.c lays it out. */
static void compile(const struct impl *impl, const char *name, const char *text)
{
	char src[PATH_MAX + 64], obj[PATH_MAX + 64], cmd[3 * PATH_MAX];
	snprintf(src, sizeof src, "%s/%s.c", impl->src_dir, name);
	snprintf(obj, sizeof obj, "%s/measure/%s.o", impl->out_dir, name);
	put(src, text);
	snprintf(cmd, sizeof cmd, "gcc -std=c11 -O2 -c %s -o %s", src, obj);
	assert_int_equal(system(cmd), 0);
}

static void make_impl(const char *name, struct impl *impl)
{
	memset(impl, 0, sizeof *impl);
	snprintf(impl->name, sizeof impl->name, "%s", name);
	snprintf(impl->src_dir, sizeof impl->src_dir, "%s/%s", scratch, name);
	snprintf(impl->out_dir, sizeof impl->out_dir, "%s/%s/out", scratch, name);
	char measure[PATH_MAX + 16];
	snprintf(measure, sizeof measure, "%s/measure", impl->out_dir);
	assert_int_equal(mkdir(impl->src_dir, 0755), 0);
	assert_int_equal(mkdir(impl->out_dir, 0755), 0);
	assert_int_equal(mkdir(measure, 0755), 0);
}

/* Two student files, each defining its own part of the API, so that a symbol table read from
 * the wrong file misses a name. */
static const char *const first_file = "int first_part(int x) { return x * 3; }\n";
static const char *const second_file = "int second_part(int x) { return x + 7; }\n";

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(scratch) == NULL)
		return -1;
	snprintf(lesson.path, sizeof lesson.path, "%s/lesson.ini", scratch);
	snprintf(lesson.student_files[0], sizeof lesson.student_files[0], "first.c");
	snprintf(lesson.student_files[1], sizeof lesson.student_files[1], "second.c");
	lesson.n_student_files = 2;
	lesson.allow_asm = 1; /* the preprocessor pass is not what these tests are about */
	lesson.max_static_bytes = 4096;
	make_impl("reference", &reference);
	compile(&reference, "first", first_file);
	compile(&reference, "second", second_file);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf %s", scratch);
	return system(cmd);
}

static void student_like_the_reference_passes(void **state)
{
	(void)state;
	struct impl student;
	make_impl("same", &student);
	compile(&student, "first", first_file);
	compile(&student, "second", second_file);
	char reason[512] = "";
	assert_int_equal(static_checks(&lesson, &student, &reference, reason, sizeof reason), 0);
}

static void undeclared_global_is_refused(void **state)
{
	(void)state;
	struct impl student;
	make_impl("extra-global", &student);
	compile(&student, "first", "int first_part(int x) { return x * 3; }\nint leaked = 1;\n");
	compile(&student, "second", second_file);
	char reason[512] = "";
	assert_int_equal(static_checks(&lesson, &student, &reference, reason, sizeof reason), 1);
	assert_non_null(strstr(reason, "first.c: defines the global 'leaked'"));
}

static void constructor_is_refused(void **state)
{
	(void)state;
	struct impl student;
	make_impl("constructor", &student);
	compile(&student, "first",
	        "static int ready;\n"
	        "__attribute__((constructor)) static void early(void) { ready = 1; }\n"
	        "int first_part(int x) { return x * 3 + ready; }\n");
	compile(&student, "second", second_file);
	char reason[512] = "";
	assert_int_equal(static_checks(&lesson, &student, &reference, reason, sizeof reason), 1);
	assert_non_null(strstr(reason, "first.c: has a .init_array section"));
}

/* Gradings of one lesson run at once (make test, a batch's children), and every one of them
 * reads the reference's objects; two of them may also grade the same file. Each checks many
 * times, and every check must pass. */
static void gradings_at_once_do_not_disturb_each_other(void **state)
{
	(void)state;
	enum { GRADINGS = 6, ROUNDS = 25 };
	struct impl student;
	make_impl("shared", &student);
	compile(&student, "first", first_file);
	compile(&student, "second", second_file);
	pid_t pids[GRADINGS];
	for (int g = 0; g < GRADINGS; g++) {
		pids[g] = fork();
		assert_true(pids[g] >= 0);
		if (pids[g] == 0) {
			for (int round = 0; round < ROUNDS; round++) {
				char reason[512] = "";
				if (static_checks(&lesson, &student, &reference, reason,
				                  sizeof reason) != 0) {
					fprintf(stderr, "grading %d, round %d: %s\n", g, round,
					        reason);
					_exit(1);
				}
			}
			_exit(0);
		}
	}
	int failed = 0;
	for (int g = 0; g < GRADINGS; g++) {
		int status;
		assert_int_equal(waitpid(pids[g], &status, 0), pids[g]);
		failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(student_like_the_reference_passes),
	    cmocka_unit_test(undeclared_global_is_refused),
	    cmocka_unit_test(constructor_is_refused),
	    cmocka_unit_test(gradings_at_once_do_not_disturb_each_other),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
