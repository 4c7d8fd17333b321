/* logstats.c: lesson 10, case A: the access-log analytics engine as a first version looks:
 * getline and sscanf, a copy of every field, linked lists for the maps, every latency kept
 * and sorted for its percentiles, one thread. Correct and slow. */
#include "logstats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct endpoint {
	char *key;
	unsigned long long requests, bytes;
	uint32_t *latencies; /* every request's, in arrival order */
	size_t n, cap;
	struct endpoint *next;
};

struct client {
	char *addr;
	unsigned long long requests;
	struct client *next;
};

struct status {
	unsigned code;
	unsigned long long count;
	struct status *next;
};

struct stats {
	unsigned long long lines, malformed, requests, bytes;
	struct endpoint *endpoints;
	struct client *clients;
	struct status *statuses;
	size_t n_endpoints, n_clients;
};

/* TODO: make this faster; keep the signature */
static struct endpoint *endpoint_of(struct stats *s, const char *key)
{
	struct endpoint **p = &s->endpoints;
	for (; *p != NULL; p = &(*p)->next)
		if (strcmp((*p)->key, key) == 0)
			return *p;
	if ((*p = calloc(1, sizeof **p)) == NULL || ((*p)->key = strdup(key)) == NULL)
		return NULL;
	s->n_endpoints++;
	return *p;
}

static struct client *client_of(struct stats *s, const char *addr)
{
	struct client **p = &s->clients;
	for (; *p != NULL; p = &(*p)->next)
		if (strcmp((*p)->addr, addr) == 0)
			return *p;
	if ((*p = calloc(1, sizeof **p)) == NULL || ((*p)->addr = strdup(addr)) == NULL)
		return NULL;
	s->n_clients++;
	return *p;
}

/* Counts one more request with this status; the list stays sorted by code. */
static int count_status(struct stats *s, unsigned code)
{
	struct status **p = &s->statuses;
	while (*p != NULL && (*p)->code < code)
		p = &(*p)->next;
	if (*p == NULL || (*p)->code != code) {
		struct status *n = calloc(1, sizeof *n);
		if (n == NULL)
			return -1;
		*n = (struct status){code, 0, *p};
		*p = n;
	}
	(*p)->count++;
	return 0;
}

/* The endpoint key of a request: up to its second space or its first '?'. */
static char *endpoint_key(const char *request)
{
	size_t n = strcspn(request, "?");
	const char *space = strchr(request, ' ');
	if (space != NULL && (space = strchr(space + 1, ' ')) != NULL &&
	    (size_t)(space - request) < n)
		n = (size_t)(space - request);
	return strndup(request, n);
}

static int add_latency(struct endpoint *e, uint32_t us)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 16;
		uint32_t *grown = realloc(e->latencies, cap * sizeof *grown);
		if (grown == NULL)
			return -1;
		e->latencies = grown, e->cap = cap;
	}
	e->latencies[e->n++] = us;
	return 0;
}

/* Parses one line and counts it. Returns 0, or -1 when out of memory. */
static int count_line(struct stats *s, const char *line)
{
	char *addr = NULL, *user = NULL, *when = NULL, *request = NULL, *referer = NULL,
	     *agent = NULL, *key = NULL;
	unsigned status;
	unsigned long long bytes;
	double seconds;
	int rc = 0;

	s->lines++;
	errno = 0;
	int got =
	    sscanf(line, "%ms - %ms [%m[^]]] \"%m[^\"]\" %u %llu \"%m[^\"]\" \"%m[^\"]\" %lf",
	           &addr, &user, &when, &request, &status, &bytes, &referer, &agent, &seconds);
	if (got < 9) {
		s->malformed++;
		rc = errno == ENOMEM ? -1 : 0;
		goto out;
	}
	struct endpoint *e;
	struct client *c;
	if ((key = endpoint_key(request)) == NULL || (e = endpoint_of(s, key)) == NULL ||
	    (c = client_of(s, addr)) == NULL || count_status(s, status) != 0 ||
	    add_latency(e, (uint32_t)(seconds * 1e6 + 0.5)) != 0) {
		rc = -1;
		goto out;
	}
	s->requests++;
	s->bytes += bytes;
	e->requests++;
	e->bytes += bytes;
	c->requests++;
out:
	free(addr), free(user), free(when), free(request), free(referer), free(agent), free(key);
	return rc;
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The nearest-rank percentile per_mille / 1000 of the sorted latencies, rounded like the
 * histogram. */
static uint32_t percentile(const struct endpoint *e, unsigned per_mille)
{
	size_t rank = (e->n * per_mille + 999) / 1000;
	return logstats_bucket_high(logstats_bucket(e->latencies[rank - 1]));
}

static int by_requests(const void *a, const void *b)
{
	const struct endpoint *x = *(struct endpoint *const *)a, *y = *(struct endpoint *const *)b;
	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int by_client_requests(const void *a, const void *b)
{
	const struct client *x = *(struct client *const *)a, *y = *(struct client *const *)b;
	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	return strcmp(x->addr, y->addr);
}

/* Writes the report to f. Returns 0, or -1 when out of memory. */
static int report(struct stats *s, FILE *f, size_t top_k)
{
	struct endpoint **es = malloc((s->n_endpoints + 1) * sizeof *es);
	struct client **cs = malloc((s->n_clients + 1) * sizeof *cs);
	if (es == NULL || cs == NULL)
		return free(es), free(cs), -1;
	fprintf(f, "lines %llu malformed %llu\nrequests %llu bytes %llu\n", s->lines, s->malformed,
	        s->requests, s->bytes);
	for (struct status *st = s->statuses; st != NULL; st = st->next)
		fprintf(f, "status %u %llu\n", st->code, st->count);
	size_t n = 0;
	for (struct endpoint *e = s->endpoints; e != NULL; e = e->next)
		es[n++] = e;
	qsort(es, n, sizeof *es, by_requests);
	for (size_t i = 0; i < n; i++) {
		struct endpoint *e = es[i];
		qsort(e->latencies, e->n, sizeof *e->latencies, compare_u32);
		fprintf(f,
		        "endpoint \"%s\" requests %llu bytes %llu p50_us %u p99_us %u p999_us %u\n",
		        e->key, e->requests, e->bytes, percentile(e, 500), percentile(e, 990),
		        percentile(e, 999));
	}
	n = 0;
	for (struct client *c = s->clients; c != NULL; c = c->next)
		cs[n++] = c;
	qsort(cs, n, sizeof *cs, by_client_requests);
	for (size_t i = 0; i < n && i < top_k; i++)
		fprintf(f, "client %s requests %llu\n", cs[i]->addr, cs[i]->requests);
	free(es), free(cs);
	return 0;
}

static void stats_free(struct stats *s)
{
	for (struct endpoint *e = s->endpoints, *next; e != NULL; e = next)
		next = e->next, free(e->key), free(e->latencies), free(e);
	for (struct client *c = s->clients, *next; c != NULL; c = next)
		next = c->next, free(c->addr), free(c);
	for (struct status *st = s->statuses, *next; st != NULL; st = next)
		next = st->next, free(st);
}

/* TODO: make this faster; keep the signature */
int logstats_analyze(int fd, unsigned workers, size_t top_k, struct logstats_report *out)
{
	struct stats s = {0};
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, err = 0;
	FILE *in = NULL, *text;
	int copy = dup(fd);

	(void)workers; /* one thread does it all */
	*out = (struct logstats_report){NULL, 0};
	if (copy < 0 || lseek(copy, 0, SEEK_SET) != 0 || (in = fdopen(copy, "r")) == NULL) {
		err = errno;
		goto done;
	}
	while (rc == 0 && getline(&line, &cap, in) >= 0)
		rc = count_line(&s, line);
	err = rc != 0 ? ENOMEM : ferror(in) ? EIO : 0;
	if (err == 0 && (text = open_memstream(&out->text, &out->len)) == NULL)
		err = ENOMEM;
	if (err == 0 && (report(&s, text, top_k) | fclose(text)) != 0)
		err = ENOMEM;
done:
	if (err != 0)
		logstats_report_free(out);
	if (in != NULL)
		fclose(in);
	else if (copy >= 0)
		close(copy);
	free(line);
	stats_free(&s);
	errno = err;
	return err ? -1 : 0;
}

void logstats_report_free(struct logstats_report *out)
{
	free(out->text);
	*out = (struct logstats_report){NULL, 0};
}
