/* httpd.c: lesson 10, case B, the partial solution: about half of the reference's changes.
 * Done: one event loop per thread with its own SO_REUSEPORT listener and epoll set, pooled
 * connections with fixed buffers. Still as a first version has them: a parser that copies
 * every header into heap strings, a heap buffer and a send per response (a pipelined batch
 * is not sent at once), reads until EAGAIN (one more recv per wakeup), and one lock around a
 * store that is a linked list. */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define IN_CAP (HTTPD_MAX_HEAD + HTTPD_MAX_VALUE) /* the largest valid request fits whole */
#define MAX_RESPONSE (128 + HTTPD_MAX_VALUE)      /* longest header block plus a full value */
#define OUT_CAP (8192 + MAX_RESPONSE)             /* a batch; past it we stop reading */
#define CONNS_PER_SLAB 32
#define MAX_LOOPS 64
#define EVENTS 64

/* {=== the store: a linked list under the server's one lock ===} */

struct entry {
	char *key;
	char *value;
	size_t len;
	struct entry *next;
};

/* }=== */

/* {=== the server's state ===} */

struct conn {
	int fd;
	uint8_t readable;    /* the socket may hold input (edge-triggered: we keep track) */
	uint8_t peer_closed; /* EPOLLRDHUP seen: read until recv says 0 */
	uint8_t closing;     /* the last response is queued; later requests are dropped */
	uint32_t start, len; /* unparsed input is in[start..len) */
	uint32_t out_off, out_len;
	struct conn *next_free;
	char in[IN_CAP];
	char out[OUT_CAP];
};

struct slab {
	struct slab *next;
	struct conn conns[CONNS_PER_SLAB];
};

struct loop {
	struct httpd *server;
	int epfd, listen_fd;
	pthread_t thread;
	struct conn *free; /* changed: connections are reused, not allocated per accept */
	struct slab *slabs;
};

struct httpd {
	uint16_t port;
	int stop_fd; /* an eventfd: written once, it wakes every loop's epoll_wait */
	unsigned nloops, started;
	pthread_mutex_t lock; /* TODO: one lock for the whole store */
	struct entry *store;
	size_t keys;
	struct loop loops[];
};

/* }=== */

/* {=== parsing: every header copied into heap strings ===} */

struct header {
	char *name;
	char *value;
	struct header *next;
};

struct request {
	char *method, *target;
	int http10;
	struct header *headers; /* TODO: a heap copy of every header, to look up two of them */
	size_t head_len;        /* bytes of request line and headers, CRLFs included */
	long long body_len;
};

static void request_free(struct request *r)
{
	free(r->method);
	free(r->target);
	while (r->headers) {
		struct header *h = r->headers;
		r->headers = h->next;
		free(h->name);
		free(h->value);
		free(h);
	}
	memset(r, 0, sizeof *r);
}

static const struct header *find_header(const struct request *r, const char *name)
{
	for (const struct header *h = r->headers; h; h = h->next)
		if (strcasecmp(h->name, name) == 0)
			return h;
	return NULL;
}

static int count_headers(const struct request *r, const char *name)
{
	int n = 0;
	for (const struct header *h = r->headers; h; h = h->next)
		n += strcasecmp(h->name, name) == 0;
	return n;
}

enum parse { PARSE_OK, PARSE_MORE, PARSE_BAD };

/* A heap string of s[0..n). A NUL byte inside becomes DEL (0x7f), which no method, route,
 * key, version or header httpd.h knows contains: "GET /ping\0x" is another target (404),
 * "/kv/a\0b" a bad key (400), as the contract says, rather than "/ping" and "/kv/a". */
static char *copy(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	if (out) {
		for (size_t i = 0; i < n; i++)
			out[i] = s[i] ? s[i] : '\x7f';
		out[n] = '\0';
	}
	return out;
}

static enum parse parse_request_line(struct request *r, const char *line, size_t n)
{
	const char *sp1 = memchr(line, ' ', n);
	if (!sp1)
		return PARSE_BAD;
	const char *sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line));
	if (!sp2 || memchr(sp2 + 1, ' ', n - (size_t)(sp2 + 1 - line)))
		return PARSE_BAD;
	r->method = copy(line, (size_t)(sp1 - line));
	r->target = copy(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	char *version = copy(sp2 + 1, n - (size_t)(sp2 + 1 - line));
	int ok = r->method && r->target && version &&
		 (!strcmp(r->method, "GET") || !strcmp(r->method, "PUT")) && r->target[0] == '/' &&
		 (!strcmp(version, "HTTP/1.1") || !strcmp(version, "HTTP/1.0"));
	if (ok)
		r->http10 = !strcmp(version, "HTTP/1.0");
	free(version);
	return ok ? PARSE_OK : PARSE_BAD;
}

static enum parse parse_header(struct request *r, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);
	if (!colon || colon == line || colon[-1] == ' ' || colon[-1] == '\t')
		return PARSE_BAD;
	const char *v = colon + 1, *end = line + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	struct header *h = calloc(1, sizeof *h);
	if (!h)
		return PARSE_BAD;
	h->name = copy(line, (size_t)(colon - line));
	h->value = copy(v, (size_t)(end - v));
	h->next = r->headers;
	r->headers = h;
	return h->name && h->value ? PARSE_OK : PARSE_BAD;
}

/* Parses the head at buf[0..len): PARSE_MORE until its empty line has arrived. */
static enum parse parse_head(struct request *r, const char *buf, size_t len)
{
	size_t pos = 0;
	for (int first = 1;; first = 0) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		if (!nl)
			return len >= HTTPD_MAX_HEAD ? PARSE_BAD : PARSE_MORE;
		size_t end = (size_t)(nl - buf) + 1;
		if (end > HTTPD_MAX_HEAD || end - pos < 2 || nl[-1] != '\r')
			return PARSE_BAD;
		size_t n = end - pos - 2; /* without CRLF */
		if (n == 0 && !first) {
			r->head_len = end;
			break;
		}
		enum parse p = first ? parse_request_line(r, buf + pos, n) : parse_header(r, buf + pos, n);
		if (p != PARSE_OK)
			return p;
		pos = end;
	}
	if (find_header(r, "Transfer-Encoding") || count_headers(r, "Content-Length") > 1)
		return PARSE_BAD;
	const struct header *cl = find_header(r, "Content-Length");
	r->body_len = 0;
	if (cl) {
		size_t digits = strlen(cl->value);
		if (digits < 1 || digits > 18 || strspn(cl->value, "0123456789") != digits)
			return PARSE_BAD;
		r->body_len = strtoll(cl->value, NULL, 10);
		if (r->body_len > HTTPD_MAX_VALUE)
			return PARSE_BAD;
	}
	return PARSE_OK;
}

static int wants_close(const struct request *r)
{
	const struct header *c = find_header(r, "Connection");
	if (r->http10)
		return !(c && strcasecmp(c->value, "keep-alive") == 0);
	return c && strcasecmp(c->value, "close") == 0;
}

/* {=== routes ===} */

static int valid_key(const char *key)
{
	size_t n = strlen(key);
	return n >= 1 && n <= HTTPD_MAX_KEY &&
	       strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

struct response {
	int code;
	char *body; /* a heap copy, or NULL */
	size_t len;
};

static struct entry *store_find(struct httpd *s, const char *key)
{
	for (struct entry *e = s->store; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static int store_put(struct httpd *s, const char *key, const char *value, size_t len)
{
	char *copy_of_value = malloc(len ? len : 1);
	if (!copy_of_value)
		return 507;
	memcpy(copy_of_value, value, len);
	pthread_mutex_lock(&s->lock);
	struct entry *e = store_find(s, key);
	int code = 200;
	if (e) {
		free(e->value);
	} else if (s->keys >= HTTPD_MAX_KEYS || !(e = calloc(1, sizeof *e)) ||
		   !(e->key = strdup(key))) {
		free(e);
		code = 507;
	} else {
		e->next = s->store;
		s->store = e;
		s->keys++;
	}
	if (code == 200) {
		e->value = copy_of_value;
		e->len = len;
	} else {
		free(copy_of_value);
	}
	pthread_mutex_unlock(&s->lock);
	return code;
}

static struct response route(struct httpd *s, const struct request *r, const char *body)
{
	struct response out = {.code = 404};
	int get = !strcmp(r->method, "GET");
	if (!strcmp(r->target, "/ping")) {
		if (!get)
			return (struct response){.code = 405};
		out.code = 200;
		out.body = strdup("pong");
		out.len = 4;
	} else if (strlen(r->target) >= 4 && !memcmp(r->target, "/kv/", 4)) { /* no strncmp */
		const char *key = r->target + 4;
		if (!valid_key(key))
			return (struct response){.code = 400};
		if (!get)
			return (struct response){.code = store_put(s, key, body, (size_t)r->body_len)};
		pthread_mutex_lock(&s->lock);
		const struct entry *e = store_find(s, key);
		if (e) {
			out.body = malloc(e->len ? e->len : 1);
			out.code = out.body ? 200 : 507; /* out of memory: no value to send */
			if (out.body) {
				memcpy(out.body, e->value, e->len);
				out.len = e->len;
			}
		}
		pthread_mutex_unlock(&s->lock);
	}
	return out;
}

static const char *reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 405: return "Method Not Allowed";
	case 507: return "Insufficient Storage";
	default: return "Not Found";
	}
}


/* TODO: a fresh heap buffer and a formatted write per response (then copied into the batch) */
static void respond(struct conn *c, const struct response *res, int closing)
{
	size_t cap = 128 + res->len;
	char *out = malloc(cap);
	if (!out)
		return;
	int n = snprintf(out, cap, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n%s\r\n", res->code,
			 reason(res->code), res->len, closing ? "Connection: close\r\n" : "");
	if (res->len > 0) /* body is NULL when empty, and memcpy(NULL) is undefined even for 0 */
		memcpy(out + n, res->body, res->len);
	memcpy(c->out + c->out_len, out, (size_t)n + res->len);
	c->out_len += (uint32_t)n + (uint32_t)res->len;
	free(out);
}

/* Answers the complete requests in the input while the output has room for the longest
 * response. Returns 1 when it stopped for room (more may be waiting), else 0. */
static int process(struct httpd *s, struct conn *c)
{
	while (!c->closing) {
		if (c->out_len)
			return 1; /* TODO: one send per response, even for a pipelined batch */
		struct request r = {0};
		const char *p = c->in + c->start;
		size_t avail = c->len - c->start;
		enum parse st = parse_head(&r, p, avail);
		size_t need = st == PARSE_OK ? r.head_len + (size_t)r.body_len : 0;
		if (st == PARSE_BAD) {
			struct response bad = {.code = 400};
			respond(c, &bad, 1);
			c->closing = 1;
		} else if (st == PARSE_OK && avail >= need) {
			struct response res = route(s, &r, p + r.head_len);
			c->closing = res.code == 400 || wants_close(&r);
			respond(c, &res, c->closing);
			free(res.body);
			c->start += (uint32_t)need;
		}
		request_free(&r);
		if (st != PARSE_OK || avail < need)
			return 0;
	}
	return 0;
}

/* }=== */

/* {=== connections: one loop owns each, so none of this is locked ===} */

/* One more slab of connections on the free list: a bulk allocation, 0 or -1 (ENOMEM). */
static int loop_grow(struct loop *l)
{
	struct slab *sl = malloc(sizeof *sl);
	if (!sl)
		return errno = ENOMEM, -1;
	sl->next = l->slabs;
	l->slabs = sl;
	for (int i = CONNS_PER_SLAB - 1; i >= 0; i--) {
		sl->conns[i].fd = -1;
		sl->conns[i].next_free = l->free;
		l->free = &sl->conns[i];
	}
	return 0;
}

/* changed: a connection comes from the loop's free list; a slab only when all are busy. */
static struct conn *conn_get(struct loop *l, int fd)
{
	if (!l->free && loop_grow(l) != 0)
		return NULL;
	struct conn *c = l->free;
	l->free = c->next_free;
	memset(c, 0, offsetof(struct conn, in)); /* the state, not the 24 KiB of buffers */
	c->fd = fd;
	return c;
}

static void conn_close(struct loop *l, struct conn *c)
{
	close(c->fd); /* also takes it out of the epoll set */
	c->fd = -1;
	c->next_free = l->free;
	l->free = c;
}

/* Sends what is queued: 0 when all of it went or the socket is full, -1 when the peer is gone. */
static int flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		c->out_off += (uint32_t)n;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/* Reads into the input buffer. Returns 1 when bytes came, 0 when there is nothing to read
 * now, -1 when the peer closed or failed. */
static int fill(struct conn *c)
{
	if (c->start > 0) { /* compaction: what is left is the start of one request */
		memmove(c->in, c->in + c->start, c->len - c->start);
		c->len -= c->start;
		c->start = 0;
	}
	size_t room = IN_CAP - c->len;
	if (room == 0)
		return -1; /* cannot happen: a request that fills the buffer parses or is bad */
	ssize_t n;
	do
		n = recv(c->fd, c->in + c->len, room, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		c->len += (uint32_t)n;
		return 1; /* TODO: read until EAGAIN, one more recv per wakeup */
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		c->readable = 0;
		return 0;
	}
	return -1;
}

/* After the last response: read what the client has already sent, then close. Closing with
 * unread input makes the kernel answer with a RST instead of a FIN; the response still reaches
 * the client first, but a client that reads it late may see the reset. No lingering beyond
 * that: a client that never closes must not hold a descriptor of ours. */
static void drain(struct conn *c)
{
	char sink[4096];
	for (int i = 0; i < 16; i++) { /* 64 KiB at most: a flood gets its RST */
		ssize_t n = recv(c->fd, sink, sizeof sink, 0);
		if (n == 0 || (n < 0 && errno != EINTR))
			return;
	}
}

/* Runs a connection as far as it can go without blocking: answer what has arrived, send the
 * batch with one send, read more only when the output is empty (a client that does not read
 * stops being read: its memory is the two fixed buffers, no more). */
static void conn_run(struct httpd *s, struct loop *l, struct conn *c)
{
	for (;;) {
		int more = process(s, c);
		if (flush(c) < 0) {
			conn_close(l, c);
			return;
		}
		if (c->out_len)
			return; /* the socket is full: EPOLLOUT resumes us */
		if (more)
			continue;
		if (c->closing) {
			drain(c);
			conn_close(l, c);
			return;
		}
		if (!c->readable)
			return;
		int got = fill(c);
		if (got < 0) { /* EOF: every complete request has been answered and sent */
			conn_close(l, c);
			return;
		}
		if (got == 0)
			return;
	}
}

/* Edge-triggered, with EPOLLIN and EPOLLOUT registered once: no epoll_ctl per request, at
 * the price of reading until the socket is empty (or a short read says it is). */
static void conn_event(struct httpd *s, struct loop *l, struct conn *c, uint32_t events)
{
	if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->peer_closed = 1;
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->readable = 1;
	conn_run(s, l, c);
}

static void accept_all(struct loop *l)
{
	for (;;) {
		int fd = accept4(l->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE)
				usleep(1000); /* out of descriptors: let connections finish */
			return;
		}
		struct conn *c = conn_get(l, fd);
		/* small responses written once per batch: Nagle would hold a second batch back
		 * until the client ACKs the first, up to a delayed-ACK timeout (40 ms) */
		int one = 1;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET};
		if (!c) {
			close(fd); /* out of memory: refuse the connection */
			continue;
		}
		ev.data.ptr = c;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
		    epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
			conn_close(l, c);
	}
}

/* }=== */

/* {=== loops, start and stop ===} */

/* epoll data: NULL is the stop eventfd, the loop itself its listener, anything else a conn. */
static void *loop_main(void *arg)
{
	struct loop *l = arg;
	struct epoll_event ev[EVENTS];
	for (;;) {
		int n = epoll_wait(l->epfd, ev, EVENTS, -1);
		if (n < 0 && errno != EINTR)
			return NULL;
		for (int i = 0; i < n; i++) {
			if (!ev[i].data.ptr)
				return NULL;
			if (ev[i].data.ptr == l)
				accept_all(l);
			else
				conn_event(l->server, l, ev[i].data.ptr, ev[i].events);
		}
	}
}

/* A non-blocking listener on 127.0.0.1:port in the server's SO_REUSEPORT group; -1 on error. */
static int listen_on(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, err;
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) == 0 &&
	    bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && listen(fd, 4096) == 0)
		return fd;
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* SO_REUSEPORT would let us join another server's group on a fixed port instead of failing
 * with EADDRINUSE: a plain socket binds the port first, and fails if anyone holds it. */
static int port_free(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, err = 0;
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
		err = errno;
	close(fd);
	errno = err;
	return err == 0;
}

/* The loop's listener, epoll set and first slab of connections. */
static int loop_init(struct httpd *s, struct loop *l)
{
	struct epoll_event lev = {.events = EPOLLIN, .data.ptr = l}; /* level: accept what we can */
	struct epoll_event sev = {.events = EPOLLIN, .data.ptr = NULL};
	struct sockaddr_in addr;
	socklen_t alen = sizeof addr;
	l->server = s;
	if ((l->listen_fd = listen_on(s->port)) < 0 ||
	    (l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->listen_fd, &lev) != 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, s->stop_fd, &sev) != 0)
		return -1;
	if (!s->port) { /* the first loop got a port: the others bind the same one */
		if (getsockname(l->listen_fd, (struct sockaddr *)&addr, &alen) != 0)
			return -1;
		s->port = ntohs(addr.sin_port);
	}
	return loop_grow(l);
}

/* Undoes httpd_start however far it went: stops and joins the started loops, closes every
 * descriptor, frees everything. */
static void destroy(struct httpd *s)
{
	if (s->started) {
		uint64_t one = 1;
		while (write(s->stop_fd, &one, sizeof one) < 0 && errno == EINTR)
			;
	}
	for (unsigned i = 0; i < s->started; i++)
		pthread_join(s->loops[i].thread, NULL);
	for (unsigned i = 0; i < s->nloops; i++) {
		struct loop *l = &s->loops[i];
		for (struct slab *sl = l->slabs, *next; sl; sl = next) {
			next = sl->next;
			for (int j = 0; j < CONNS_PER_SLAB; j++)
				if (sl->conns[j].fd >= 0)
					close(sl->conns[j].fd);
			free(sl);
		}
		if (l->listen_fd >= 0)
			close(l->listen_fd);
		if (l->epfd >= 0)
			close(l->epfd);
	}
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	while (s->store) {
		struct entry *e = s->store;
		s->store = e->next;
		free(e->key);
		free(e->value);
		free(e);
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* changed: every allocation and descriptor is made before the first thread starts, so a
 * failure is undone on one thread. */
struct httpd *httpd_start(const struct httpd_options *options)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = options && options->threads ? options->threads : cpus > 0 ? (unsigned)cpus : 1;
	n = n > MAX_LOOPS ? MAX_LOOPS : n;
	struct httpd *s = calloc(1, sizeof *s + n * sizeof s->loops[0]);
	if (!s)
		return errno = ENOMEM, NULL;
	s->port = options ? options->port : 0;
	s->stop_fd = -1;
	s->nloops = n;
	for (unsigned i = 0; i < n; i++)
		s->loops[i].listen_fd = s->loops[i].epfd = -1;
	pthread_mutex_init(&s->lock, NULL);
	if ((s->port && !port_free(s->port)) ||
	    (s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		goto fail;
	for (unsigned i = 0; i < n; i++)
		if (loop_init(s, &s->loops[i]) != 0)
			goto fail;
	for (; s->started < n; s->started++) {
		int err = pthread_create(&s->loops[s->started].thread, NULL, loop_main,
					 &s->loops[s->started]);
		if (err) {
			errno = err;
			goto fail;
		}
	}
	return s;
fail:;
	int err = errno;
	destroy(s);
	errno = err;
	return NULL;
}

uint16_t httpd_port(const struct httpd *server)
{
	return server->port;
}

void httpd_stop(struct httpd *s)
{
	if (s)
		destroy(s);
}

/* }=== */
