/* ini.c: `grade ini FILE SECTION.KEY...`: make and the shell scripts read lesson.ini through the
 * grader's own reader (manifest.c), so they see the file as the grader does (sections,
 * continuation lines, comments), and a malformed file stops them with the grader's message. */
#include "ini.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

static void usage(FILE *out)
{
	fputs(
	    "usage: grade ini FILE [SECTION.KEY...]\n"
	    "  prints each value of the lesson.ini FILE on a line of its own, as the file writes\n"
	    "  it (continuation lines joined, comments stripped); an empty line for a key the\n"
	    "  file does not set. SECTION.KEY: lesson.title, workload.args, budgets.NAME,\n"
	    "  metric.instructions.budget, ... Without a key: every setting, as SECTION.KEY=value\n"
	    "exit: 0, or 2 when FILE is malformed or lesson.ini has no such key\n",
	    out);
}

int ini_main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (argc == 2) {
		char err[1024];
		if (manifest_values(argv[1], stdout, err, sizeof err) < 0) {
			fprintf(stderr, "grade ini: %s\n", err);
			return 2;
		}
	}
	for (int i = 2; i < argc; i++) {
		char err[1024], *value;
		if (manifest_value(argv[1], argv[i], &value, err, sizeof err) < 0) {
			fprintf(stderr, "grade ini: %s\n", err);
			return 2;
		}
		printf("%s\n", value ? value : "");
		free(value);
	}
	return fflush(stdout) == 0 ? 0 : 2;
}
