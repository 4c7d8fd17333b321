/* test_submissions.c: archive intake with libarchive, on archives made here with tar and zip:
 * a student file at the top or inside one folder is taken; an entry that leaves its folder,
 * even after the wanted file, refuses the whole archive before anything is written; a link
 * named like the student file is never written; a file over the limit is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../submissions.h"

static char dir[] = "/tmp/test_submissions.XXXXXX";

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	static struct manifest m;
	memset(&m, 0, sizeof m);
	snprintf(m.student_files[0], sizeof m.student_files[0], "logfmt.c");
	m.n_student_files = 1;
	*state = &m;
	if (mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Takes the archive dir/NAME, returns the rc and the reason. */
static int take(void **state, const char *name, enum submission_kind kind, char *err, size_t len)
{
	static int run;
	struct submission s = {.kind = kind};
	snprintf(s.name, sizeof s.name, "%s", name);
	snprintf(s.path, sizeof s.path, "%s/%s", dir, name);
	char dest[PATH_MAX], scratch[PATH_MAX];
	snprintf(dest, sizeof dest, "%s/dest%d", dir, run);
	snprintf(scratch, sizeof scratch, "%s/scratch%d", dir, run++);
	err[0] = '\0';
	return submissions_take(&s, *state, "01-zero-allocation", dest, scratch, err, len);
}

static void nested_file_in_a_tar_is_taken(void **state)
{
	char err[256];
	sh("mkdir -p %s/in/alice && echo 'int x;' >%s/in/alice/logfmt.c && "
	   "tar -czf %s/alice.tar.gz -C %s/in alice",
	   dir, dir, dir, dir);
	assert_int_equal(take(state, "alice.tar.gz", SUBMISSION_TAR_GZ, err, sizeof err), 0);
}

static void escaping_entry_after_the_file_refuses_the_zip(void **state)
{
	char err[256];
	sh("mkdir -p %s/z/a %s/x && echo 'int y;' >%s/z/a/logfmt.c && echo bad >%s/x/logfmt.c && "
	   "cd %s/z/a && zip -q %s/bob.zip logfmt.c ../../x/logfmt.c",
	   dir, dir, dir, dir, dir, dir);
	assert_int_equal(take(state, "bob.zip", SUBMISSION_ZIP, err, sizeof err), 1);
	assert_non_null(strstr(err, "leaves its folder"));
}

static void a_link_named_like_the_file_is_not_written(void **state)
{
	char err[256];
	sh("mkdir -p %s/l && ln -s /etc/passwd %s/l/logfmt.c && tar -czf %s/eve.tar.gz -C %s/l "
	   "logfmt.c",
	   dir, dir, dir, dir);
	assert_int_equal(take(state, "eve.tar.gz", SUBMISSION_TAR_GZ, err, sizeof err), 1);
	assert_non_null(strstr(err, "holds no 'logfmt.c'"));
}

static void an_oversized_file_is_refused(void **state)
{
	char err[256];
	sh("mkdir -p %s/big && head -c 600000 /dev/zero | tr '\\0' 'a' >%s/big/logfmt.c && "
	   "tar -czf %s/big.tar.gz -C %s/big logfmt.c",
	   dir, dir, dir, dir);
	assert_int_equal(take(state, "big.tar.gz", SUBMISSION_TAR_GZ, err, sizeof err), 1);
	assert_non_null(strstr(err, "is over"));
}

static void garbage_is_not_a_readable_archive(void **state)
{
	char err[256];
	sh("echo 'not gzip' >%s/junk.tar.gz", dir);
	assert_int_equal(take(state, "junk.tar.gz", SUBMISSION_TAR_GZ, err, sizeof err), 1);
	assert_non_null(strstr(err, "not a readable tar.gz archive"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(nested_file_in_a_tar_is_taken),
	    cmocka_unit_test(escaping_entry_after_the_file_refuses_the_zip),
	    cmocka_unit_test(a_link_named_like_the_file_is_not_written),
	    cmocka_unit_test(an_oversized_file_is_refused),
	    cmocka_unit_test(garbage_is_not_a_readable_archive),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
