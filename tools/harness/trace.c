/* trace.c: the Chrome trace-event writer of trace.h. Each event is a fixed-size record in one
 * growing array behind a mutex; timestamps are CLOCK_MONOTONIC nanoseconds since trace_open,
 * written as microseconds with three decimals, the unit the format expects. */
#include "trace.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NAME_MAX_BYTES 48

struct trace_event {
	char phase; /* 'B' begin, 'E' end, 'i' instant, 'M' thread name */
	char name[NAME_MAX_BYTES];
	long tid;
	uint64_t ns;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct trace_event *events;
static size_t n_events, cap_events;
static char *out_path;
static uint64_t start_ns;
static int open_state; /* 0 closed, 1 recording */

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void at_exit(void)
{
	trace_close();
}

int trace_open(const char *path)
{
	static int registered;
	pthread_mutex_lock(&lock);
	int rc = -1;
	if (open_state)
		fprintf(stderr, "trace: already recording to '%s'\n", out_path);
	else if ((out_path = strdup(path)) == NULL)
		fputs("trace: out of memory\n", stderr);
	else {
		open_state = 1;
		start_ns = now_ns();
		rc = 0;
		if (!registered)
			registered = atexit(at_exit) == 0;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

static void record(char phase, const char *name)
{
	uint64_t ns = now_ns();
	long tid = (long)syscall(SYS_gettid);
	pthread_mutex_lock(&lock);
	if (open_state && n_events == cap_events) {
		size_t cap = cap_events ? 2 * cap_events : 4096;
		struct trace_event *grown = realloc(events, cap * sizeof *events);
		if (grown == NULL) {
			fputs("trace: out of memory; the trace stops here\n", stderr);
			open_state = 0; /* keep what we have; trace_close still writes it */
		} else {
			events = grown;
			cap_events = cap;
		}
	}
	if (open_state) {
		struct trace_event *e = &events[n_events++];
		e->phase = phase;
		snprintf(e->name, sizeof e->name, "%s", name ? name : "");
		e->tid = tid;
		e->ns = ns - start_ns;
	}
	pthread_mutex_unlock(&lock);
}

void trace_begin(const char *name)
{
	record('B', name);
}

void trace_end(const char *name)
{
	record('E', name);
}

void trace_instant(const char *name)
{
	record('i', name);
}

void trace_thread_name(const char *name)
{
	record('M', name);
}

/* name as a JSON string body: quotes, backslashes and control bytes escaped. */
static void put_json_string(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

static void put_event(FILE *f, const struct trace_event *e, long pid, int first)
{
	fputs(first ? "\n{" : ",\n{", f);
	if (e->phase == 'M') {
		fprintf(f,
		        "\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%ld,\"tid\":%ld,"
		        "\"args\":{\"name\":\"",
		        pid, e->tid);
		put_json_string(f, e->name);
		fputs("\"}}", f);
		return;
	}
	fputs("\"name\":\"", f);
	put_json_string(f, e->name);
	fprintf(f, "\",\"ph\":\"%c\",\"ts\":%llu.%03u,\"pid\":%ld,\"tid\":%ld%s}", e->phase,
	        (unsigned long long)(e->ns / 1000), (unsigned)(e->ns % 1000), pid, e->tid,
	        e->phase == 'i' ? ",\"s\":\"t\"" : "");
}

int trace_close(void)
{
	pthread_mutex_lock(&lock);
	int rc = 0;
	if (out_path != NULL) {
		FILE *f = fopen(out_path, "w");
		long pid = (long)getpid();
		if (f != NULL) {
			fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", f);
			for (size_t i = 0; i < n_events; i++)
				put_event(f, &events[i], pid, i == 0);
			fputs("\n]}\n", f);
		}
		if (f == NULL || fclose(f) != 0) {
			fprintf(stderr, "trace: cannot write '%s'\n", out_path);
			rc = -1;
		}
	}
	free(events);
	free(out_path);
	events = NULL;
	out_path = NULL;
	n_events = cap_events = 0;
	open_state = 0;
	pthread_mutex_unlock(&lock);
	return rc;
}
