/* options.c: what the grader's command lines refuse around getopt_long. */
#include "options.h"

#include <string.h>

/* The argv index of the option getopt_long has just read: its value, when given as the next
 * word, comes after it. */
static int option_word(const struct option *o, char **argv)
{
	return o != NULL && o->has_arg == required_argument && optarg == argv[optind - 1]
	           ? optind - 2
	           : optind - 1;
}

static const char *message(int at, int argc)
{
	return at + 1 >= argc ? "'%s' needs a value (or is unknown)" : "unknown option '%s'";
}

int option_refused(int c, int index, const struct option *options, int argc, char **argv,
                   const char **fmt, const char **arg)
{
	const struct option *o = index >= 0 ? &options[index] : NULL;
	int at = option_word(o, argv);
	*arg = argv[at];
	*fmt = message(c == ':' ? argc : at, argc);
	if (c == ':' || c == '?')
		return 1;
	if (o == NULL) /* a short option (-h) or a word */
		return 0;
	/* getopt_long also takes "--les" for "--lesson" and "--lesson=01"; the grader never did,
	 * and its users' scripts and the course checks spell options whole */
	return strncmp(argv[at], "--", 2) != 0 || strcmp(argv[at] + 2, o->name) != 0;
}

int option_rest_refused(int argc, char **argv, const char **fmt, const char **arg)
{
	int at = optind > 0 && optind <= argc && strcmp(argv[optind - 1], "--") == 0 ? optind - 1
	                                                                             : optind;
	if (at >= argc)
		return 0;
	*arg = argv[at];
	*fmt = message(at, argc);
	return 1;
}
