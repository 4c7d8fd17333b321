/* test_bench_args.c: the bench drivers' option parser is strict: every numeric option exactly
 * once with a whole decimal number, flags at most once, nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "bench_args.h"

/* Parses a NULL-terminated argv after the program name against --records N, --seed N and
 * the flag --sorted. */
static int parse(struct bench_option *opt, char **args)
{
	char *argv[16] = {"bench"};
	int argc = 1;
	while (args[argc - 1] != NULL)
		argv[argc] = args[argc - 1], argc++;
	opt[0] = (struct bench_option){.name = "--records"};
	opt[1] = (struct bench_option){.name = "--seed"};
	opt[2] = (struct bench_option){.name = "--sorted", .is_flag = 1};
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w"); /* the usage line is not this test's output */
	int rc = bench_args(argc, argv, opt, 3);
	fclose(stderr);
	stderr = saved;
	return rc;
}

static void reads_numbers_and_flags_in_any_order(void **state)
{
	struct bench_option opt[3];
	(void)state;
	assert_int_equal(
	    parse(opt, (char *[]){"--seed", "7", "--sorted", "--records", "5000", NULL}), 0);
	assert_int_equal(opt[0].value, 5000);
	assert_int_equal(opt[1].value, 7);
	assert_int_equal(opt[2].value, 1);
	assert_int_equal(parse(opt, (char *[]){"--records", "1", "--seed", "0", NULL}), 0);
	assert_int_equal(opt[2].value, 0); /* a flag left out */
}

static void refuses_anything_else(void **state)
{
	struct bench_option opt[3];
	(void)state;
	char *bad[][7] = {
	    /* each ends in NULL: the last slot stays empty */
	    {"--records", "5000", NULL},                                /* --seed missing */
	    {"--records", "5000", "--seed", NULL},                      /* no value */
	    {"--records", "-1", "--seed", "1", NULL},                   /* a sign */
	    {"--records", "5e3", "--seed", "1", NULL},                  /* not whole decimal */
	    {"--records", " 5", "--seed", "1", NULL},                   /* a space */
	    {"--records", "99999999999999999999", "--seed", "1", NULL}, /* overflow */
	    {"--records", "1", "--seed", "1", "--seed", "2"},           /* twice */
	    {"--records", "1", "--seed", "1", "--bogus", NULL},         /* unknown */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (parse(opt, bad[i]) != -1)
			fail_msg("case %zu was accepted", i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_numbers_and_flags_in_any_order),
	    cmocka_unit_test(refuses_anything_else),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
