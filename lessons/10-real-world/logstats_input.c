/* logstats_input.c: a seeded nginx access log for lesson 10: a shop's routes with skewed
 * popularity, clients from a pool where a few addresses send most requests (IPv4 and IPv6),
 * latencies with a slow tail and rare multi-second spikes, TLS probes logged as junk requests,
 * and one line in 500 cut short as a crashed writer leaves it. */
#include "logstats_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench_input.h"
#include "prng.h"

#define CLIENTS  1024 /* distinct client addresses in the pool */
#define LINE_MAX 512  /* the longest line is under 400 bytes */
#define OUT_BUF  65536

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct route {
	const char *method, *path; /* path may hold one %u, an id below ids */
	unsigned ids, base_us;     /* base_us: typical latency */
	unsigned long bytes;       /* typical body size */
};

/* popular first: a route is drawn with a skew towards the top of the table */
static const struct route routes[] = {
    {"GET", "/api/v1/items", 1, 900, 4200},
    {"GET", "/static/app.js", 1, 120, 181233},
    {"GET", "/", 1, 300, 10240},
    {"GET", "/api/v1/items/%u", 40, 650, 1900},
    {"GET", "/static/style.css", 1, 110, 40112},
    {"GET", "/api/v1/cart", 1, 1400, 730},
    {"POST", "/api/v1/cart/items", 1, 2600, 88},
    {"GET", "/search", 1, 9000, 15500},
    {"GET", "/api/v1/users/%u", 24, 1100, 610},
    {"GET", "/favicon.ico", 1, 80, 5430},
    {"POST", "/api/v1/login", 1, 35000, 120},
    {"GET", "/healthz", 1, 40, 2},
    {"GET", "/api/v1/orders/%u", 16, 4800, 2300},
    {"POST", "/api/v1/orders", 1, 52000, 310},
    {"GET", "/images/p/%u.jpg", 30, 350, 64000},
    {"PUT", "/api/v1/users/%u", 8, 7000, 64},
    {"DELETE", "/api/v1/cart/items/%u", 12, 2100, 0},
    {"GET", "/robots.txt", 1, 60, 68},
    {"HEAD", "/", 1, 200, 0},
    {"GET", "/wp-login.php", 1, 150, 162},
    {"GET", "/metrics", 1, 3100, 9100},
    {"OPTIONS", "/api/v1/items", 1, 90, 0},
};
static const char *const queries[] = {
    "page=2",          "page=3", "q=shoes", "q=caf%C3%A9", "sort=price&dir=asc",
    "utm_source=mail", "page=10"};
static const char *const agents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "curl/8.4.0",
    "kube-probe/1.28",
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
    "python-requests/2.31.0",
    "-",
};
static const char *const referers[] = {"-",
                                       "-",
                                       "-",
                                       "https://shop.test/",
                                       "https://shop.test/search?q=shoes",
                                       "https://www.google.com/"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct writer {
	int fd;
	size_t used, total;
	char buf[OUT_BUF];
};

static void flush(struct writer *w)
{
	for (size_t done = 0; done < w->used;) {
		ssize_t k = write(w->fd, w->buf + done, w->used - done);
		if (k <= 0) {
			perror("logstats_input: write");
			exit(2);
		}
		done += (size_t)k;
	}
	w->total += w->used;
	w->used = 0;
}

/* An index below n, small ones far more likely (about 1/x): popular routes and clients. */
static unsigned skewed(struct prng *g, unsigned n)
{
	unsigned top = (unsigned)prng_below(g, n) + 1;
	return (unsigned)prng_below(g, top);
}

/* Client i's address: the pool is the same for a seed; 1 in 16 is IPv6. */
static void address(char out[48], uint64_t seed, unsigned i)
{
	struct prng g;
	prng_seed(&g, seed * 7919 + i);
	uint64_t r = prng_next(&g);
	if (i % 16 == 15)
		snprintf(out, 48, "2001:db8:%x::%x", (unsigned)(r & 0xffff),
		         (unsigned)(r >> 16 & 0xffff));
	else
		snprintf(out, 48, "%u.%u.%u.%u", 10 + (unsigned)(r % 3), (unsigned)(r >> 8 & 255),
		         (unsigned)(r >> 16 & 255), 1 + (unsigned)(r >> 24) % 254);
}

/* day/Mon/year:hh:mm:ss +0000 of unix time t (days counted from 2026-11-01). */
static void timestamp(char out[32], unsigned long t)
{
	unsigned long days = t / 86400, s = t % 86400;
	snprintf(out, 32, "%02lu/%s/2026:%02lu:%02lu:%02lu +0000", 1 + days % 30, months[10],
	         s / 3600, s / 60 % 60, s % 60);
}

/* The latency of one request to r: around its base, 1 in 100 ten to fifty times slower, and 1
 * in 2000 a spike of one to five seconds (a lock, a GC pause, a retry). */
static unsigned latency(struct prng *g, const struct route *r)
{
	unsigned us = r->base_us / 2 + (unsigned)prng_below(g, r->base_us + 1);
	if (prng_below(g, 100) == 0)
		us *= 10 + (unsigned)prng_below(g, 41);
	if (prng_below(g, 2000) == 0)
		us += 1000000 + (unsigned)prng_below(g, 4000000);
	return us;
}

static unsigned status_of(struct prng *g, const struct route *r)
{
	static const unsigned rare[] = {301, 302, 304, 400, 401, 403, 404,
	                                404, 429, 499, 500, 502, 503, 504};
	if (r->path[1] == 'w') /* wp-login.php: scanners */
		return 404;
	if (prng_below(g, 10) != 0)
		return r->method[0] == 'P' && r->method[1] == 'O' ? 201 : 200;
	return rare[prng_below(g, COUNT(rare))];
}

/* One well-formed line into line; returns its length. */
static int make_line(char *line, struct prng *g, uint64_t seed, unsigned long t)
{
	char addr[48], when[32], request[160], path[96];
	unsigned client = skewed(g, CLIENTS);
	const struct route *r = &routes[skewed(g, COUNT(routes))];
	unsigned id = (unsigned)prng_below(g, r->ids);
	unsigned status, us = latency(g, r);
	unsigned long bytes = r->bytes / 2 + prng_below(g, r->bytes + 1);
	const char *agent = agents[skewed(g, COUNT(agents))];
	const char *referer = referers[prng_below(g, COUNT(referers))];

	address(addr, seed, client);
	timestamp(when, t);
	snprintf(path, sizeof path, r->path, id);
	if (prng_below(g, 500) == 0) { /* a TLS handshake sent to the plain-text port */
		snprintf(request, sizeof request, "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC");
		status = 400, bytes = 157, agent = "-", referer = "-";
	} else if (prng_below(g, 800) == 0) { /* a client that closed before sending anything */
		snprintf(request, sizeof request, "-");
		status = 400, bytes = 0, agent = "-", referer = "-";
	} else {
		const char *proto = prng_below(g, 3) == 0 ? "HTTP/2.0" : "HTTP/1.1";
		unsigned q = (unsigned)prng_below(g, 4 * COUNT(queries));
		status = status_of(g, r);
		snprintf(request, sizeof request, "%s %s%s%s %s", r->method, path,
		         q < COUNT(queries) ? "?" : "", q < COUNT(queries) ? queries[q] : "",
		         proto);
	}
	const char *user = prng_below(g, 50) == 0 ? "alice" : "-";
	return snprintf(line, LINE_MAX, "%s - %s [%s] \"%s\" %u %lu \"%s\" \"%s\" %u.%06u\n", addr,
	                user, when, request, status, bytes, referer, agent, us / 1000000,
	                us % 1000000);
}

size_t logstats_input_write(int fd, size_t lines, uint64_t seed)
{
	static struct writer w;
	struct prng g;
	unsigned long t = 25 * 86400 + 13 * 3600; /* 26 Nov, 13:00 */

	prng_seed(&g, seed);
	w.fd = fd;
	w.used = w.total = 0;
	for (size_t i = 0; i < lines; i++) {
		if (w.used > OUT_BUF - LINE_MAX)
			flush(&w);
		char *line = w.buf + w.used;
		int len = make_line(line, &g, seed, t);
		t += prng_below(&g, 4) == 0; /* about 4 requests a second */
		if (prng_below(&g, 500) == 0) {
			/* cut anywhere before the agent's closing quote (the line's last quote) */
			int last = len - 1;
			while (line[last] != '"')
				last--;
			len = (int)prng_below(&g, (uint64_t)last);
			line[len++] = '\n';
		}
		w.used += (size_t)len;
	}
	flush(&w);
	return w.total;
}

/* A new memfd, or exits with a message. */
static int new_file(void)
{
	int fd = memfd_create("access.log", 0);
	if (fd < 0) {
		perror("logstats_input: memfd_create");
		exit(2);
	}
	return fd;
}

/* Maps fd's len bytes as in->text, a NUL after them. */
static void map_text(struct logstats_input *in)
{
	in->map_size = in->len + 1;
	in->text = bench_input_alloc(in->map_size);
	if (in->len > 0 && pread(in->fd, in->text, in->len, 0) != (ssize_t)in->len) {
		perror("logstats_input: pread");
		exit(2);
	}
}

void logstats_input_make(struct logstats_input *in, size_t lines, uint64_t seed)
{
	in->fd = new_file();
	in->lines = lines;
	in->len = logstats_input_write(in->fd, lines, seed);
	map_text(in);
}

int logstats_input_file_of(const char *text, size_t len)
{
	int fd = new_file();
	for (size_t done = 0; done < len;) {
		ssize_t k = write(fd, text + done, len - done);
		if (k <= 0) {
			perror("logstats_input: write");
			exit(2);
		}
		done += (size_t)k;
	}
	return fd;
}

void logstats_input_drop_text(struct logstats_input *in)
{
	if (in->text != NULL)
		bench_input_free(in->text, in->map_size);
	in->text = NULL;
}

void logstats_input_free(struct logstats_input *in)
{
	logstats_input_drop_text(in);
	close(in->fd);
	*in = (struct logstats_input){0};
}
