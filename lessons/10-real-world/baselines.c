/* baselines.c: lesson 10's baseline driver, linked with the reference. baselines.sh calls it to
 * write the course's log to a file (--write) and to time the reference on that file (--analyze), so
 * mawk, goaccess and the reference read the same bytes from the page cache (case A), and to run
 * the reference server for wrk, beside nginx (--serve, case B).
 *   baselines --write PATH LINES SEED
 *   baselines --analyze PATH WORKERS RUNS     prints "ms MEDIAN" and the report to stdout
 *   baselines --serve THREADS                 prints "port N", serves until stdin closes */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "httpd.h"
#include "logstats.h"
#include "logstats_input.h"
#include "timing.h"

static int analyze(const char *path, unsigned workers, int runs)
{
	double ms[64];
	struct logstats_report r = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return perror(path), 2;
	if (runs < 1 || runs > 64)
		runs = 5;
	for (int i = 0; i < runs; i++) {
		logstats_report_free(&r);
		double t0 = timing_now_ns() / 1e6;
		if (logstats_analyze(fd, workers, 10, &r) != 0)
			return perror("baselines: logstats_analyze"), 1;
		ms[i] = timing_now_ns() / 1e6 - t0;
	}
	qsort(ms, (size_t)runs, sizeof ms[0], timing_by_value);
	printf("ms %.2f\n", ms[runs / 2]);
	fwrite(r.text, 1, r.len, stdout);
	logstats_report_free(&r);
	close(fd);
	return 0;
}

static int serve(unsigned threads)
{
	struct httpd *server = httpd_start(&(struct httpd_options){.threads = threads});
	if (server == NULL)
		return perror("baselines: httpd_start"), 1;
	printf("port %u\n", httpd_port(server));
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof buf) > 0) /* baselines.sh closes our stdin when wrk is done */
		;
	httpd_stop(server);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && argv[1][0] == '-' && argv[1][2] == 's')
		return serve((unsigned)strtoul(argv[2], NULL, 10));
	if (argc == 5 && argv[1][0] == '-' && argv[1][2] == 'w') {
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return perror(argv[2]), 2;
		logstats_input_write(fd, strtoul(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
		return close(fd) == 0 ? 0 : 1;
	}
	if (argc == 5 && argv[1][0] == '-' && argv[1][2] == 'a')
		return analyze(argv[2], (unsigned)strtoul(argv[3], NULL, 10), atoi(argv[4]));
	fputs("usage: baselines --write PATH LINES SEED | --analyze PATH WORKERS RUNS | "
	      "--serve THREADS\n",
	      stderr);
	return 2;
}
