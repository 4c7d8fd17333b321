/* loadgen.c: the course's closed-loop HTTP load generator (loadgen.h). Each client thread
 * drives its connections from one epoll instance, non-blocking, so a slow connection never
 * holds up a fast one and the generator measures the server, not itself. */
#include "loadgen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "checksum.h"
#include "prng.h"

#define KEYS_PER_CONNECTION 16
#define VALUE_MAX           200 /* bytes of a PUT's value: 0 to VALUE_MAX */
#define MAX_PIPELINE        64
#define WANT_MAX            (VALUE_MAX + 64) /* the longest answer: 200 with a value */
#define REQUEST_MAX         512
#define IN_CAP              16384

/* Headers a browser-like client sends with every request. */
#define CLIENT_HEADERS                                                                             \
	"Host: 127.0.0.1\r\nUser-Agent: nightmare-loadgen/1.0\r\nAccept: */*\r\n"                  \
	"Accept-Encoding: gzip, deflate\r\nAccept-Language: en-US,en;q=0.9\r\n"

/* {=== one connection ===} */

struct model_key { /* what the server must hold for one of this connection's keys */
	int present;
	unsigned len;
	char value[VALUE_MAX];
};

struct in_flight { /* a request sent and not yet answered */
	uint64_t queued_ns;
	unsigned want_len;
	char want[WANT_MAX]; /* the answer httpd.h prescribes, byte for byte */
};

struct connection {
	int fd;
	unsigned index;
	unsigned quota, queued, answered;
	struct prng rng;
	struct model_key keys[KEYS_PER_CONNECTION];
	struct in_flight ring[MAX_PIPELINE]; /* slot = request number % pipeline */
	char out[MAX_PIPELINE * REQUEST_MAX];
	size_t out_len, out_off;
	char in[IN_CAP];
	size_t in_len;
	uint64_t hash;
	int want_out; /* registered for EPOLLOUT */
};

/* Every client connects first; the clock starts when all have (or the run is called off). */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned ready;
	int open; /* 1: go, -1: called off */
};

struct client { /* one thread's share */
	const struct loadgen_options *o;
	struct connection *conns;
	size_t n_conns;
	struct gate *gate;
	atomic_int *failed;
	uint64_t first_ns, last_ns;
	uint64_t histogram[LOGSTATS_BUCKETS];
	char err[256];
};

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Appends one request to c->out and its expected answer to the ring. */
static void queue_request(struct client *cl, struct connection *c)
{
	struct in_flight *f = &c->ring[c->queued % cl->o->pipeline];
	char *req = c->out + c->out_len;
	unsigned kind = (unsigned)prng_below(&c->rng, 4), k;
	struct model_key *key = &c->keys[k = (unsigned)prng_below(&c->rng, KEYS_PER_CONNECTION)];
	int n;
	if (kind == 0) { /* PUT a fresh value */
		key->present = 1;
		key->len = (unsigned)prng_below(&c->rng, VALUE_MAX + 1);
		for (unsigned i = 0; i < key->len; i++)
			key->value[i] = (char)('a' + prng_below(&c->rng, 26));
		n = snprintf(req, REQUEST_MAX,
		             "PUT /kv/c%uk%u HTTP/1.1\r\n" CLIENT_HEADERS
		             "Content-Length: %u\r\n\r\n",
		             c->index, k, key->len);
		memcpy(req + n, key->value, key->len);
		n += (int)key->len;
		f->want_len = (unsigned)snprintf(f->want, WANT_MAX,
		                                 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	} else if (kind == 3) {
		n = snprintf(req, REQUEST_MAX, "GET /ping HTTP/1.1\r\n" CLIENT_HEADERS "\r\n");
		f->want_len = (unsigned)snprintf(
		    f->want, WANT_MAX, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npong");
	} else {
		n = snprintf(req, REQUEST_MAX, "GET /kv/c%uk%u HTTP/1.1\r\n" CLIENT_HEADERS "\r\n",
		             c->index, k);
		if (key->present) {
			int h = snprintf(f->want, WANT_MAX,
			                 "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", key->len);
			memcpy(f->want + h, key->value, key->len);
			f->want_len = (unsigned)h + key->len;
		} else {
			f->want_len = (unsigned)snprintf(f->want, WANT_MAX,
			                                 "HTTP/1.1 404 Not Found\r\n"
			                                 "Content-Length: 0\r\n\r\n");
		}
	}
	c->out_len += (size_t)n;
	f->queued_ns = now_ns();
	c->queued++;
}

/* Records why this thread stopped and tells the others to stop too. Returns -1. */
__attribute__((format(printf, 2, 3))) static int fail(struct client *cl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cl->err, sizeof cl->err, fmt, ap);
	va_end(ap);
	atomic_store(cl->failed, 1);
	return -1;
}

/* s[0..n) as C string literal text, cut to fit out. */
static void escape(char *out, size_t cap, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\r' || ch == '\n')
			o += (size_t)snprintf(out + o, cap - o, "%s", ch == '\r' ? "\\r" : "\\n");
		else if (ch < 32 || ch > 126 || ch == '"' || ch == '\\')
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
}

static int mismatch(struct client *cl, const struct connection *c, const char *got, size_t have,
                    const struct in_flight *f)
{
	char g[96], w[96];
	escape(g, sizeof g, got, have < 40 ? have : 40);
	escape(w, sizeof w, f->want, f->want_len < 40 ? f->want_len : 40);
	return fail(cl, "connection %u, answer %u: got \"%s\"..., httpd.h says \"%s\"...", c->index,
	            c->answered, g, w);
}

/* Tops the connection up to `pipeline` requests in flight and writes what it can. */
static int send_more(struct client *cl, struct connection *c, int ep)
{
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		while (c->queued < c->quota && c->queued - c->answered < cl->o->pipeline)
			queue_request(cl, c);
	}
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0)
			return fail(cl, "connection %u: send failed after %u answers", c->index,
			            c->answered);
		c->out_off += (size_t)w;
	}
	int want_out = c->out_off < c->out_len;
	if (want_out != c->want_out) {
		struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0u),
		                         .data.ptr = c};
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_out = want_out;
	}
	return 0;
}

/* Reads what has arrived and checks every complete answer against the oldest request. */
static int receive(struct client *cl, struct connection *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return fail(cl, "connection %u: the server closed it after %u answers",
			            c->index, c->answered);
		c->in_len += (size_t)n;
		size_t pos = 0;
		while (c->answered < c->queued) {
			const struct in_flight *f = &c->ring[c->answered % cl->o->pipeline];
			size_t have = c->in_len - pos,
			       cmp = have < f->want_len ? have : f->want_len;
			if (memcmp(c->in + pos, f->want, cmp) != 0)
				return mismatch(cl, c, c->in + pos, have, f);
			if (have < f->want_len)
				break;
			uint64_t t = now_ns(), us = (t - f->queued_ns) / 1000;
			cl->histogram[logstats_bucket(us > UINT32_MAX ? UINT32_MAX
			                                              : (uint32_t)us)]++;
			cl->last_ns = t;
			c->hash = checksum_bytes(c->hash, f->want, f->want_len);
			pos += f->want_len;
			c->answered++;
		}
		if (pos == 0 && c->in_len == IN_CAP)
			return fail(cl, "connection %u: %d bytes more than any answer", c->index,
			            IN_CAP);
		if (c->answered == c->queued && pos < c->in_len)
			return fail(cl,
			            "connection %u: bytes after answer %u that nobody asked for",
			            c->index, c->answered);
		memmove(c->in, c->in + pos, c->in_len - pos);
		c->in_len -= pos;
	}
}

static int connect_to(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons(port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* {=== one client thread ===} */

static int drive(struct client *cl, int ep)
{
	size_t active = 0;
	for (size_t i = 0; i < cl->n_conns; i++) {
		struct connection *c = &cl->conns[i];
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
			return fail(cl, "connection %u: epoll_ctl failed", c->index);
		active += c->quota > 0;
	}
	cl->first_ns = cl->last_ns = now_ns();
	for (size_t i = 0; i < cl->n_conns; i++)
		if (send_more(cl, &cl->conns[i], ep) != 0)
			return -1;
	uint64_t deadline = cl->first_ns + (uint64_t)(cl->o->time_limit * 1e9);
	struct epoll_event evs[64];
	while (active > 0) {
		if (atomic_load(cl->failed))
			return -1;
		if (now_ns() > deadline)
			return fail(cl, "%u connections still waiting for answers after %u s",
			            (unsigned)active, (unsigned)cl->o->time_limit);
		int n = epoll_wait(ep, evs, 64, 100);
		for (int i = 0; i < n; i++) {
			struct connection *c = evs[i].data.ptr;
			if (((evs[i].events & EPOLLIN) ||
			     (evs[i].events & (EPOLLHUP | EPOLLERR))) &&
			    receive(cl, c) != 0)
				return -1;
			if (send_more(cl, c, ep) != 0)
				return -1;
			if (c->answered == c->quota && c->fd >= 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				close(c->fd);
				c->fd = -1;
				active--;
			}
		}
	}
	return 0;
}

static void *client_main(void *arg)
{
	struct client *cl = arg;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		fail(cl, "epoll_create1 failed");
	for (size_t i = 0; ep >= 0 && i < cl->n_conns; i++)
		if ((cl->conns[i].fd = connect_to(cl->o->port)) < 0) {
			fail(cl, "connection %u: cannot connect to 127.0.0.1:%u",
			     cl->conns[i].index, cl->o->port);
			break;
		}
	pthread_mutex_lock(&cl->gate->lock);
	cl->gate->ready++;
	pthread_cond_broadcast(&cl->gate->changed);
	while (cl->gate->open == 0)
		pthread_cond_wait(&cl->gate->changed, &cl->gate->lock);
	int go = cl->gate->open > 0;
	pthread_mutex_unlock(&cl->gate->lock);
	if (go && !atomic_load(cl->failed))
		drive(cl, ep);
	for (size_t i = 0; i < cl->n_conns; i++)
		if (cl->conns[i].fd >= 0)
			close(cl->conns[i].fd);
	if (ep >= 0)
		close(ep);
	return NULL;
}

/* {=== the run ===} */

static uint32_t percentile(const uint64_t *h, uint64_t n, unsigned per_mille)
{
	uint64_t rank = (n * per_mille + 999) / 1000, seen = 0;
	for (unsigned b = 0; b < LOGSTATS_BUCKETS; b++)
		if ((seen += h[b]) >= rank && h[b] > 0)
			return logstats_bucket_high(b);
	return 0;
}

int loadgen_run(const struct loadgen_options *o, struct loadgen_result *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (o->threads == 0 || o->connections < o->threads || o->pipeline == 0 ||
	    o->pipeline > MAX_PIPELINE) {
		snprintf(err, errlen,
		         "loadgen: want 1 <= threads <= connections, 1 <= pipeline <= %d",
		         MAX_PIPELINE);
		return -1;
	}
	struct connection *conns = calloc(o->connections, sizeof *conns);
	struct client *clients = calloc(o->threads, sizeof *clients);
	pthread_t *tids = calloc(o->threads, sizeof *tids);
	if (!conns || !clients || !tids) {
		free(conns), free(clients), free(tids);
		snprintf(err, errlen, "loadgen: out of memory");
		return -1;
	}
	atomic_int failed = 0;
	struct gate gate = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};
	/* connections dealt in turn: thread t owns t, t + threads, ... (stored contiguously) */
	size_t next = 0;
	for (unsigned t = 0; t < o->threads; t++) {
		clients[t] = (struct client){
		    .o = o, .conns = conns + next, .gate = &gate, .failed = &failed};
		for (unsigned i = t; i < o->connections; i += o->threads, next++) {
			conns[next] =
			    (struct connection){.fd = -1,
			                        .index = i,
			                        .quota = o->requests / o->connections +
			                                 (i < o->requests % o->connections)};
			prng_seed(&conns[next].rng, o->seed * 1000003u + i);
			clients[t].n_conns++;
		}
	}
	unsigned started = 0;
	while (started < o->threads &&
	       pthread_create(&tids[started], NULL, client_main, &clients[started]) == 0)
		started++;
	pthread_mutex_lock(&gate.lock);
	while (gate.ready < started)
		pthread_cond_wait(&gate.changed, &gate.lock);
	gate.open = started == o->threads ? 1 : -1;
	pthread_cond_broadcast(&gate.changed);
	pthread_mutex_unlock(&gate.lock);
	int rc = 0;
	if (started < o->threads) {
		snprintf(err, errlen, "loadgen: cannot start %u threads", o->threads);
		rc = -1;
	}
	uint64_t first = UINT64_MAX, last = 0, n = 0;
	for (unsigned t = 0; t < started; t++) {
		pthread_join(tids[t], NULL);
		struct client *cl = &clients[t];
		if (cl->err[0] && rc == 0) {
			snprintf(err, errlen, "loadgen: %s", cl->err);
			rc = -1;
		}
		first = cl->first_ns < first ? cl->first_ns : first;
		last = cl->last_ns > last ? cl->last_ns : last;
		for (unsigned b = 0; b < LOGSTATS_BUCKETS; b++)
			r->histogram[b] += cl->histogram[b], n += cl->histogram[b];
	}
	for (size_t i = 0; i < o->connections; i++) /* order-free: threads interleave */
		r->checksum += checksum_u64(conns[i].hash, conns[i].index);
	free(conns), free(clients), free(tids);
	if (rc != 0)
		return -1;
	r->requests = n;
	r->seconds = (double)(last - first) / 1e9;
	r->requests_per_s = r->seconds > 0 ? (double)n / r->seconds : 0;
	r->p50_us = percentile(r->histogram, n, 500);
	r->p99_us = percentile(r->histogram, n, 990);
	r->p999_us = percentile(r->histogram, n, 999);
	r->max_us = percentile(r->histogram, n, 1000);
	return 0;
}
