/* test_impl.c: the --impl rules of DESIGN section 6.3 and the intake checks, on a two-file
 * lesson in a scratch folder: which file stands for which student file, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../impl.h"

static const char *const manifest_text =
    "format_version = 1\n[lesson]\nid = 09\ntitle = t\nstudent_files = a.c b.c\n"
    "[workload]\nargs = --n 1\ntime_limit = 5\n"
    "[metric.instructions]\nkind = scored\nweight = 1\nzero_point = 10\n";

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The text of staged student file name, or "" if absent. */
static const char *staged(const struct impl *impl, const char *name)
{
	static char text[64];
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/%s", impl->src_dir, name);
	FILE *f = fopen(path, "r");
	text[0] = '\0';
	if (f != NULL) {
		size_t n = fread(text, 1, sizeof text - 1, f);
		text[n] = '\0';
		fclose(f);
	}
	return text;
}

static int setup(void **state)
{
	static char dir[] = "/tmp/ngrade-impl-test-XXXXXX";
	struct manifest *m = calloc(1, sizeof *m);
	char err[256];
	if (mkdtemp(dir) == NULL || chdir(dir) != 0 || m == NULL)
		return -1;
	if (manifest_parse("lesson.ini", manifest_text, m, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	mkdir("lessons", 0755);
	mkdir("lessons/09-x", 0755);
	mkdir("sub", 0755);
	mkdir("other", 0755);
	put("lessons/09-x/a.c", "lesson a");
	put("lessons/09-x/b.c", "lesson b");
	put("sub/a.c", "sub a");
	put("other/partial.c", "partial");
	put("other/b.c", "other b");
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return system("rm -rf /tmp/ngrade-impl-test-*") == 0 ? 0 : -1;
}

static struct impl stage_ok(void **state, char *const *args, size_t n)
{
	struct impl impl;
	char err[256] = "";
	int rc = impl_stage(*state, "lessons/09-x", args, n, &impl, err, sizeof err);
	if (rc != 0)
		fail_msg("impl_stage: %s", err);
	return impl;
}

static void folder_gives_its_files_and_lesson_fills_the_rest(void **state)
{
	char *args[] = {"sub"};
	struct impl impl = stage_ok(state, args, 1);
	assert_string_equal(staged(&impl, "a.c"), "sub a");
	assert_string_equal(staged(&impl, "b.c"), "lesson b");
}

static void other_name_stands_for_first_file_and_lesson_for_the_rest(void **state)
{
	/* other/b.c is beside it, but only a folder given as --impl lends its files */
	char *args[] = {"other/partial.c"};
	struct impl impl = stage_ok(state, args, 1);
	assert_string_equal(staged(&impl, "a.c"), "partial");
	assert_string_equal(staged(&impl, "b.c"), "lesson b");
}

static void files_named_like_student_files_replace_them(void **state)
{
	char *args[] = {"sub/a.c", "other/b.c"};
	struct impl impl = stage_ok(state, args, 2);
	assert_string_equal(staged(&impl, "a.c"), "sub a");
	assert_string_equal(staged(&impl, "b.c"), "other b");
}

static void same_files_stage_into_the_same_folder(void **state)
{
	char *args[] = {"sub"};
	struct impl first = stage_ok(state, args, 1), second = stage_ok(state, args, 1);
	assert_string_equal(first.out_dir, second.out_dir);
	assert_true(first.staged);
}

static void refused(void **state, const char *path, const char *why)
{
	char *args[] = {(char *)path};
	struct impl impl;
	char err[256] = "";
	assert_int_equal(impl_stage(*state, "lessons/09-x", args, 1, &impl, err, sizeof err), -1);
	if (strstr(err, why) == NULL)
		fail_msg("'%s': want a reason with '%s', got '%s'", path, why, err);
}

static void intake_refuses_links_binaries_and_missing_files(void **state)
{
	assert_int_equal(symlink("/etc/passwd", "a.c"), 0);
	refused(state, "a.c", "symbolic link");
	FILE *f = fopen("bin.c", "w");
	fwrite("x\0y", 1, 3, f);
	fclose(f);
	refused(state, "bin.c", "not a text file");
	refused(state, "nowhere/a.c", "missing student file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(folder_gives_its_files_and_lesson_fills_the_rest),
	    cmocka_unit_test(other_name_stands_for_first_file_and_lesson_for_the_rest),
	    cmocka_unit_test(files_named_like_student_files_replace_them),
	    cmocka_unit_test(same_files_stage_into_the_same_folder),
	    cmocka_unit_test(intake_refuses_links_binaries_and_missing_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
