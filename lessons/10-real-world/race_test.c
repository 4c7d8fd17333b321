/* race_test.c: lesson 10's data-race gate, built with ThreadSanitizer (cmocka: Criterion aborts
 * under TSan); any race TSan sees fails the run, and with it every performance point.
 * Case A: the engine on 2 to 8 workers must give the one-worker report. Case B: the server on
 * 2 threads, with 4 clients on 4 keep-alive connections each writing and reading their own keys
 * and a shared one while other clients connect, send part of a request or all of it, and close.
 * Inputs are small: TSan runs code 5-15x slower. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "httpd.h"
#include "logstats.h"
#include "logstats_input.h"

/* Analyses the log on each worker count and compares with one worker. */
static void expect_same_reports(const char *text, size_t len)
{
	static const unsigned workers[] = {2, 3, 4, 8};
	int fd = logstats_input_file_of(text, len);
	struct logstats_report one = {0}, many = {0};
	assert_int_equal(logstats_analyze(fd, 1, 20, &one), 0);
	for (size_t i = 0; i < sizeof workers / sizeof workers[0]; i++) {
		assert_int_equal(logstats_analyze(fd, workers[i], 20, &many), 0);
		if (many.len != one.len || memcmp(many.text, one.text, one.len) != 0)
			fail_msg("%u workers on %zu bytes of log: a %zu-byte report that differs "
			         "from the one worker's %zu bytes",
			         workers[i], len, many.len, one.len);
		logstats_report_free(&many);
	}
	logstats_report_free(&one);
	close(fd);
}

static void workers_agree_on_a_seeded_log(void **state)
{
	(void)state;
	struct logstats_input in;
	logstats_input_make(&in, 3000, 5);
	expect_same_reports(in.text, in.len);
	logstats_input_free(&in);
}

static void workers_agree_on_logs_of_any_length(void **state)
{
	(void)state;
	struct logstats_input in;
	logstats_input_make(&in, 200, 6);                 /* about 45 KiB */
	for (size_t len = 0; len < in.len; len += 4099) { /* chunk edges fall mid-line */
		size_t whole = len;                       /* every line ends in '\n' (logstats.h) */
		while (whole > 0 && in.text[whole - 1] != '\n')
			whole--;
		expect_same_reports(in.text, whole);
	}
	logstats_input_free(&in);
}

/* {=== case B: the server under concurrent clients ===} */

#define OK_EMPTY "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
#define PING     "GET /ping HTTP/1.1\r\n\r\n"
#define PONG     "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npong"

/* A connected socket whose sends and receives give up after 5 s (a broken server fails the
 * test rather than hanging it); -1 on error. */
static int dial(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons(port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {5, 0};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
	                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0 ||
	                connect(fd, (struct sockaddr *)&a, sizeof a) != 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Sends req, then receives exactly strlen(want) bytes; 0 when they are want. */
static int exchange(int fd, const char *req, size_t rn, const char *want, size_t wn)
{
	char got[256];
	size_t g = 0;
	if (send(fd, req, rn, MSG_NOSIGNAL) != (ssize_t)rn)
		return -1;
	for (ssize_t r = 1; g < wn && r > 0; g += r > 0 ? (size_t)r : 0)
		r = recv(fd, got + g, wn - g, 0);
	return g == wn && memcmp(got, want, wn) == 0 ? 0 : -1;
}

struct client {
	uint16_t port;
	int id;
	char error[128]; /* the first failure: cmocka may not fail a test from another thread */
};

/* Connections per client: SO_REUSEPORT spreads connections over the loops by a hash of their
 * ports, so 4 connections all landed on one loop about one run in 8, and a store without its
 * lock then raced with nothing (it passed the gate 5 runs in 6). 4 clients on 4 connections
 * each, every connection writing the shared key, put its writes on both loops of the server in
 * all but 1 run in 32,768. */
#define CONNS_PER_CLIENT 4

/* PUT then GET of its own keys, and a PUT then GET of the shared one every other 4 rounds (its
 * value is any client's: only its length is known), each round on its next connection. */
static void *client_main(void *arg)
{
	struct client *c = arg;
	char req[256], want[256];
	int fds[CONNS_PER_CLIENT], fd = 0;
	for (int i = 0; i < CONNS_PER_CLIENT; i++)
		if ((fds[i] = dial(c->port)) < 0)
			fd = -1;
	for (int r = 0; fd >= 0 && r < 200 && !c->error[0]; r++) {
		fd = fds[r % CONNS_PER_CLIENT];
		int shared = r / CONNS_PER_CLIENT % 2 == 1; /* on every connection in turn */
		char key[16];
		snprintf(key, sizeof key, shared ? "shared" : "own%d_%d", c->id, r % 5);
		int rn = snprintf(req, sizeof req,
		                  "PUT /kv/%s HTTP/1.1\r\nContent-Length: 6\r\n\r\nc%dr%03d", key,
		                  c->id, r % 1000);
		if (exchange(fd, req, (size_t)rn, OK_EMPTY, strlen(OK_EMPTY)) != 0)
			snprintf(c->error, sizeof c->error, "client %d: PUT /kv/%s, round %d",
			         c->id, key, r);
		rn = snprintf(req, sizeof req, "GET /kv/%s HTTP/1.1\r\n\r\n", key);
		int wn = snprintf(want, sizeof want,
		                  "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nc%dr%03d", c->id,
		                  r % 1000);
		if (!c->error[0] &&
		    exchange(fd, req, (size_t)rn, want, (size_t)(shared ? wn - 6 : wn)))
			snprintf(c->error, sizeof c->error, "client %d: GET /kv/%s, round %d",
			         c->id, key, r);
		char value[6];
		if (shared && !c->error[0] && recv(fd, value, 6, MSG_WAITALL) != 6)
			snprintf(c->error, sizeof c->error, "client %d: shared value, round %d",
			         c->id, r);
	}
	if (fd < 0)
		snprintf(c->error, sizeof c->error, "client %d: connect: %s", c->id,
		         strerror(errno));
	for (int i = 0; i < CONNS_PER_CLIENT; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return NULL;
}

/* Connections that come and go: a ping and close, half a request and close, or nothing. */
static void *churn_main(void *arg)
{
	struct client *c = arg;
	for (int i = 0; i < 150 && !c->error[0]; i++) {
		int fd = dial(c->port);
		if (fd < 0)
			snprintf(c->error, sizeof c->error, "churn: connect %d: %s", i,
			         strerror(errno));
		else if (i % 3 == 0 && exchange(fd, PING, strlen(PING), PONG, strlen(PONG)) != 0)
			snprintf(c->error, sizeof c->error, "churn: ping on connection %d", i);
		else if (i % 3 == 1)
			send(fd, "PUT /kv/x HTTP/1.1\r\nContent-Len", 31, MSG_NOSIGNAL);
		close(fd);
	}
	return NULL;
}

static void server_serves_clients_and_churn_at_once(void **state)
{
	(void)state;
	struct client c[6];
	pthread_t t[6];
	struct httpd *s = httpd_start(&(struct httpd_options){.threads = 2});
	assert_non_null(s);
	for (int i = 0; i < 6; i++) {
		c[i] = (struct client){.port = httpd_port(s), .id = i};
		assert_int_equal(
		    pthread_create(&t[i], NULL, i < 4 ? client_main : churn_main, &c[i]), 0);
	}
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 6; i++)
		if (c[i].error[0])
			fail_msg("a wrong or missing answer: %s", c[i].error);
	httpd_stop(s);
}

/* ThreadSanitizer orders every send on a socket before every later receive on any socket (one
 * sync object for all of them, io_sync=1), so a loop that answered before another one read
 * happens-before it: unlocked writes to one key race, to TSan, only while both loops are inside
 * their work between a receive and a send. Here writers keep both loops there at once: each
 * sends 128 pipelined PUTs of one key on each of its 2 connections (spread over the loops: see
 * CONNS_PER_CLIENT) before it reads an answer. A store without its lock passed the first test
 * here 2 runs in 6 even with 16 connections. */
#define BATCH   128
#define BATCHES 60

/* Reads BATCH answers from fd; 0 when each is a 200 with an empty body. */
static int read_oks(int fd, char *got, size_t wn)
{
	size_t g = 0;
	for (ssize_t n = 1; g < wn && n > 0; g += n > 0 ? (size_t)n : 0)
		n = recv(fd, got + g, wn - g, 0);
	for (size_t i = 0; g == wn && i < wn; i += strlen(OK_EMPTY))
		if (memcmp(got + i, OK_EMPTY, strlen(OK_EMPTY)) != 0)
			return -1;
	return g == wn ? 0 : -1;
}

static void *batch_writer_main(void *arg)
{
	struct client *c = arg;
	static const char put[] = "PUT /kv/hot HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd";
	static char req[4][BATCH * sizeof put], got[4][BATCH * sizeof OK_EMPTY];
	char *mine = req[c->id], *answers = got[c->id];
	size_t rn = 0, wn = BATCH * strlen(OK_EMPTY);
	for (int i = 0; i < BATCH; i++, rn += strlen(put))
		memcpy(mine + rn, put, strlen(put));
	int fds[2] = {dial(c->port), dial(c->port)};
	if (fds[0] < 0 || fds[1] < 0)
		snprintf(c->error, sizeof c->error, "writer %d: connect: %s", c->id,
		         strerror(errno));
	for (int r = 0; r < BATCHES && !c->error[0]; r++) {
		for (int k = 0; k < 2 && !c->error[0]; k++)
			if (send(fds[k], mine, rn, MSG_NOSIGNAL) != (ssize_t)rn)
				snprintf(c->error, sizeof c->error, "writer %d: send, batch %d",
				         c->id, r);
		for (int k = 0; k < 2 && !c->error[0]; k++)
			if (read_oks(fds[k], answers, wn) != 0)
				snprintf(c->error, sizeof c->error,
				         "writer %d: answers to %d pipelined PUTs, batch %d", c->id,
				         BATCH, r);
	}
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return NULL;
}

static void server_takes_one_key_from_both_loops_at_once(void **state)
{
	(void)state;
	struct client c[4];
	pthread_t t[4];
	struct httpd *s = httpd_start(&(struct httpd_options){.threads = 2});
	assert_non_null(s);
	for (int i = 0; i < 4; i++) {
		c[i] = (struct client){.port = httpd_port(s), .id = i};
		assert_int_equal(pthread_create(&t[i], NULL, batch_writer_main, &c[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		if (c[i].error[0])
			fail_msg("a wrong or missing answer: %s", c[i].error);
	httpd_stop(s);
}

/* Stopping while clients are connected, some mid-request: every thread must be joined. */
static void server_stops_with_connections_open(void **state)
{
	(void)state;
	int fd[8];
	struct httpd *s = httpd_start(&(struct httpd_options){.threads = 2});
	assert_non_null(s);
	for (int i = 0; i < 8; i++) {
		fd[i] = dial(httpd_port(s));
		assert_true(fd[i] >= 0);
		if (i % 2)
			assert_int_equal(exchange(fd[i], PING, strlen(PING), PONG, strlen(PONG)),
			                 0);
		else
			send(fd[i], "GET /pi", 7, MSG_NOSIGNAL);
	}
	httpd_stop(s);
	for (int i = 0; i < 8; i++)
		close(fd[i]);
}
/* }=== */

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(workers_agree_on_a_seeded_log),
	    cmocka_unit_test(workers_agree_on_logs_of_any_length),
	    cmocka_unit_test(server_serves_clients_and_churn_at_once),
	    cmocka_unit_test(server_takes_one_key_from_both_loops_at_once),
	    cmocka_unit_test(server_stops_with_connections_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
