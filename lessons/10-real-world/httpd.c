/* httpd.c: lesson 10, case B, the student file: an HTTP/1.1 server as a first version looks.
 * It is correct (httpd.h is the contract) and slow on purpose:
 *   - a thread per connection, created when the connection arrives, blocking reads;
 *   - a parser that copies every header into its own heap strings, a list of them;
 *   - one global lock around a store that is a linked list, searched from the head;
 *   - every response built in a fresh heap buffer.
 * TODO markers point at what lessons 01 to 05 taught you to fix. */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* {=== the store: a linked list under the server's one lock ===} */

struct entry {
	char *key;
	char *value;
	size_t len;
	struct entry *next;
};

/* {=== the server ===} */

struct connection {
	struct httpd *server;
	int fd;
	int done; /* the thread has finished; the accept loop may join it */
	pthread_t thread;
	struct connection *next;
};

struct httpd {
	int listen_fd;
	uint16_t port;
	int stopping;
	pthread_t acceptor;
	pthread_mutex_t lock; /* TODO: one lock for every connection and the whole store */
	struct connection *connections;
	struct entry *store;
	size_t keys;
};

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
		enum parse p =
		    first ? parse_request_line(r, buf + pos, n) : parse_header(r, buf + pos, n);
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
	       strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	           n;
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
	} else if (!strncmp(r->target, "/kv/", 4)) {
		const char *key = r->target + 4;
		if (!valid_key(key))
			return (struct response){.code = 400};
		if (!get)
			return (struct response){.code =
			                             store_put(s, key, body, (size_t)r->body_len)};
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
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 405:
		return "Method Not Allowed";
	case 507:
		return "Insufficient Storage";
	default:
		return "Not Found";
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* TODO: a fresh heap buffer and a formatted write per response */
static int respond(int fd, const struct response *res, int closing)
{
	size_t cap = 128 + res->len;
	char *out = malloc(cap);
	if (!out)
		return -1;
	int n = snprintf(out, cap, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n%s\r\n", res->code,
	                 reason(res->code), res->len, closing ? "Connection: close\r\n" : "");
	if (res->len > 0) /* body is NULL when empty, and memcpy(NULL) is undefined even for 0 */
		memcpy(out + n, res->body, res->len);
	int rc = write_all(fd, out, (size_t)n + res->len);
	free(out);
	return rc;
}

/* {=== a connection's thread: read, parse, answer, until either side closes ===} */

static void serve(struct connection *c)
{
	size_t cap = 1024, len = 0;
	char *buf = malloc(cap);
	for (int open = buf != NULL; open;) {
		struct request r = {0};
		enum parse p = parse_head(&r, buf, len);
		size_t need = p == PARSE_OK ? r.head_len + (size_t)r.body_len : 0;
		if (p == PARSE_BAD) {
			struct response bad = {.code = 400};
			respond(c->fd, &bad, 1);
			open = 0;
		} else if (p == PARSE_OK && len >= need) {
			struct response res = route(c->server, &r, buf + r.head_len);
			int closing = res.code == 400 || wants_close(&r);
			open = respond(c->fd, &res, closing) == 0 && !closing;
			free(res.body);
			memmove(buf, buf + need, len - need);
			len -= need;
		} else { /* TODO: a blocking read per thread; one thread per connection */
			if (len == cap) {
				char *grown = realloc(buf, cap * 2);
				if (!grown)
					break;
				buf = grown;
				cap *= 2;
			}
			ssize_t n = recv(c->fd, buf + len, cap - len, 0);
			if (n > 0)
				len += (size_t)n;
			else if (!(n < 0 && errno == EINTR))
				open = 0; /* the client closed, or the server is stopping */
		}
		request_free(&r);
	}
	free(buf);
}

static void *connection_main(void *arg)
{
	struct connection *c = arg;
	serve(c);
	/* Read what the client already sent (64 KiB at most) before closing: closing a socket
	 * with unread input sends a reset, which can destroy the last answer before the client
	 * has read it (a 400, a "Connection: close" reply). */
	char sink[4096];
	for (int i = 0; i < 16 && recv(c->fd, sink, sizeof sink, MSG_DONTWAIT) > 0; i++)
		;
	pthread_mutex_lock(&c->server->lock);
	close(c->fd); /* now, not when the next connection arrives: a quiet server holds none */
	c->fd = -1;   /* under the lock: httpd_stop must not shut down a reused number */
	c->done = 1;
	pthread_mutex_unlock(&c->server->lock);
	return NULL;
}

/* Joins and frees the connections whose threads have finished (all of them when every is set).
 * Called with the lock held; drops it while joining. */
static void reap(struct httpd *s, int every)
{
	struct connection **link = &s->connections;
	while (*link) {
		struct connection *c = *link;
		if (!c->done && !every) {
			link = &c->next;
			continue;
		}
		*link = c->next;
		pthread_mutex_unlock(&s->lock);
		pthread_join(c->thread, NULL); /* the thread has closed its descriptor */
		free(c);
		pthread_mutex_lock(&s->lock);
		link = &s->connections; /* the list may have changed meanwhile */
	}
}

static void *accept_main(void *arg)
{
	struct httpd *s = arg;
	for (;;) {
		int fd = accept(s->listen_fd, NULL, NULL), accept_errno = errno;
		pthread_mutex_lock(&s->lock);
		if (s->stopping) {
			pthread_mutex_unlock(&s->lock);
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		reap(s, 0);
		struct connection *c = fd >= 0 ? calloc(1, sizeof *c) : NULL;
		if (c) {
			*c = (struct connection){.server = s, .fd = fd, .next = s->connections};
			if (pthread_create(&c->thread, NULL, connection_main, c) == 0) {
				s->connections = c;
				c = NULL;
				fd = -1;
				accept_errno = 0;
			}
		}
		pthread_mutex_unlock(&s->lock);
		free(c);
		if (fd >= 0)
			close(fd); /* no memory or no thread for it: refuse it */
		else if (accept_errno == EMFILE || accept_errno == ENFILE)
			usleep(1000); /* out of descriptors: let connections finish */
	}
}

/* {=== start and stop ===} */

struct httpd *httpd_start(const struct httpd_options *options)
{
	struct httpd *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET,
	                           .sin_port = htons(options ? options->port : 0),
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof addr;
	int one = 1, err;
	if (s->listen_fd < 0 ||
	    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    listen(s->listen_fd, 1024) != 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&addr, &alen) != 0 ||
	    (errno = pthread_create(&s->acceptor, NULL, accept_main, s)) != 0) {
		err = errno;
		if (s->listen_fd >= 0)
			close(s->listen_fd);
		pthread_mutex_destroy(&s->lock);
		free(s);
		errno = err;
		return NULL;
	}
	s->port = ntohs(addr.sin_port);
	return s;
}

uint16_t httpd_port(const struct httpd *server)
{
	return server->port;
}

void httpd_stop(struct httpd *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	shutdown(s->listen_fd, SHUT_RDWR); /* wakes the blocked accept */
	for (struct connection *c = s->connections; c; c = c->next)
		if (c->fd >= 0)
			shutdown(c->fd, SHUT_RDWR); /* wakes every blocked recv */
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->acceptor, NULL);
	pthread_mutex_lock(&s->lock);
	reap(s, 1);
	pthread_mutex_unlock(&s->lock);
	close(s->listen_fd);
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
