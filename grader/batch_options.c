/* batch_options.c: the command line of `grade batch`, read with getopt_long from one table. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_internal.h"
#include "files.h"
#include "lesson_id.h"
#include "options.h"
#include "whole_number.h"

/* {=== options ===} */

static void usage(FILE *out)
{
	fputs(
	    "usage: grade batch --lesson NN SUBMISSIONS_DIR --out DIR [--jobs N] [--seed N]\n"
	    "                   [--no-sandbox] [--gradescope] [--junit FILE] [--tap FILE]\n"
	    "                   [--similarity FRACTION] [--shard I/N] [--no-wall] [--quiet]\n"
	    "  SUBMISSIONS_DIR  one folder, .tar.gz or .zip per student, named by the student\n"
	    "  --out DIR        gradebook.csv, reports/, gradescope/, similarity.txt, batch.ini\n"
	    "  --jobs N         submissions graded at once (default 2)\n"
	    "  --seed N         the workload seed (default: drawn once, kept in DIR/batch.ini)\n"
	    "  --no-sandbox     grade without bubblewrap: only for code you trust\n"
	    "  --gradescope     also DIR/gradescope/STUDENT/results.json\n"
	    "  --junit F, --tap F  also the batch as JUnit XML / TAP\n"
	    "  --similarity F   list pairs sharing at least this fraction (default 0.5)\n"
	    "  --shard I/N      only submissions I, I+N, I+2N, ... (a cluster task; same --seed)\n"
	    "exit: 0 every submission has a gradebook row, 1 some have none, 2 usage or internal "
	    "error\n",
	    out);
}

static int bad_usage(const char *fmt, const char *arg)
{
	fputs("grade batch: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n  run 'build/grade batch --help' for the options\n", stderr);
	return 2;
}

enum {
	OPT_NO_SANDBOX = 256,
	OPT_GRADESCOPE,
	OPT_NO_WALL,
	OPT_QUIET,
	OPT_LESSON,
	OPT_JOBS,
	OPT_SEED,
	OPT_OUT,
	OPT_JUNIT,
	OPT_TAP,
	OPT_SHARD,
	OPT_SIMILARITY,
};

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
    {"gradescope", no_argument, NULL, OPT_GRADESCOPE},
    {"no-wall", no_argument, NULL, OPT_NO_WALL},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"lesson", required_argument, NULL, OPT_LESSON},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"out", required_argument, NULL, OPT_OUT},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"tap", required_argument, NULL, OPT_TAP},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"similarity", required_argument, NULL, OPT_SIMILARITY},
    {NULL, 0, NULL, 0},
};

/* Reads one option (c, from getopt_long) or, for c == 1, the submissions folder v. Returns 0,
 * 1 for --help (printed), or 2 after a message. */
static int parse_option(int c, const char *v, struct batch_options *o)
{
	unsigned long long x;
	switch (c) {
	case 'h':
		usage(stdout);
		return 1;
	case OPT_NO_SANDBOX:
		o->no_sandbox = 1;
		return 0;
	case OPT_GRADESCOPE:
		o->gradescope = 1;
		return 0;
	case OPT_NO_WALL:
		o->no_wall = 1;
		return 0;
	case OPT_QUIET:
		o->quiet = 1;
		return 0;
	case 1: /* a word where no option is: the submissions folder */
		if (o->submissions[0] != '\0')
			return bad_usage("one submissions folder only: '%s'", v);
		if (path_absolute(v, o->submissions, sizeof o->submissions) != 0)
			return bad_usage("cannot resolve '%s'", v);
		return 0;
	case OPT_LESSON:
		if (lesson_id_parse(v, o->lesson) != 0)
			return bad_usage("--lesson: not a lesson number: '%s'", v);
		return 0;
	case OPT_JOBS:
		if (parse_whole_number(v, &x) != 0 || x < 1 || x > MAX_JOBS)
			return bad_usage("--jobs: want 1 to 16, got '%s'", v);
		o->jobs = (unsigned)x;
		return 0;
	case OPT_SEED:
		if (parse_whole_number(v, &o->seed) != 0)
			return bad_usage("--seed: not an unsigned number: '%s'", v);
		o->has_seed = 1;
		return 0;
	case OPT_OUT:
	case OPT_JUNIT:
	case OPT_TAP: {
		char *dst = c == OPT_OUT ? o->out : c == OPT_JUNIT ? o->junit : o->tap;
		if (path_absolute(v, dst, PATH_MAX) != 0)
			return bad_usage("cannot resolve '%s'", v);
		return 0;
	}
	case OPT_SHARD: {
		unsigned part, parts;
		char extra;
		if (sscanf(v, "%u/%u%c", &part, &parts, &extra) != 2 || parts == 0 || part >= parts)
			return bad_usage("--shard: want I/N with 0 <= I < N, got '%s'", v);
		o->shard = part;
		o->shards = parts;
		return 0;
	}
	case OPT_SIMILARITY: {
		char *end;
		o->similarity = strtod(v, &end);
		if (*end || !(o->similarity > 0 && o->similarity <= 1))
			return bad_usage("--similarity: want a fraction in (0, 1], got '%s'", v);
		return 0;
	}
	}
	return 0;
}

/* Returns 0, 1 for --help (printed), or 2 after a message. */
int batch_parse_options(int argc, char **argv, struct batch_options *o)
{
	memset(o, 0, sizeof *o);
	o->jobs = 2;
	o->similarity = DEFAULT_SIMILARITY;
	opterr = 0; /* our messages, not getopt's */
	optind = 0;
	int c, rc, index = -1;
	const char *fmt, *bad;
	/* "-": words come back in order as c == 1, as the folder may stand anywhere */
	while ((c = getopt_long(argc, argv, "-:h", long_options, &index)) != -1) {
		if (option_refused(c, index, long_options, argc, argv, &fmt, &bad))
			return bad_usage(fmt, bad);
		index = -1;
		if ((rc = parse_option(c, optarg, o)) != 0)
			return rc;
	}
	if (option_rest_refused(argc, argv, &fmt, &bad))
		return bad_usage(fmt, bad);
	if (o->lesson[0] == '\0')
		return bad_usage("%s--lesson NN is required", "");
	if (o->submissions[0] == '\0')
		return bad_usage("%sthe submissions folder is required", "");
	if (o->out[0] == '\0')
		return bad_usage("%s--out DIR is required", "");
	return 0;
}

/* }=== */
