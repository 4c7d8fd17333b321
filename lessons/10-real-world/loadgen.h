/* loadgen.h: the course's HTTP load generator for case B, run as threads inside the bench
 * process (so the grading sandbox needs no exec and no second program). Closed loop: a fixed
 * number of requests over a fixed number of keep-alive connections to 127.0.0.1, each
 * connection keeping `pipeline` requests in flight. Every answer is checked byte for byte
 * against what httpd.h says the server must send (each connection keeps a model of its own
 * keys), and its latency, from the moment the request was queued to the moment its answer was
 * complete, goes into a log-linear histogram (logstats.h's buckets: reported values at most
 * 1/64 high). Requests carry the headers a browser-like client sends, since a parser that
 * copies every header pays for each of them. */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <stddef.h>
#include <stdint.h>

#include "logstats.h"

struct loadgen_options {
	uint16_t port;
	unsigned threads;     /* client threads; connections are dealt to them in turn */
	unsigned connections; /* keep-alive connections in all */
	unsigned requests;    /* requests in all, dealt to the connections in turn */
	unsigned pipeline;    /* requests in flight per connection (1: wait for every answer) */
	uint64_t seed;        /* the request mix: 1/4 PUT, 1/2 GET of a key, 1/4 GET /ping */
	double time_limit;    /* seconds; past it the run fails (a server that stopped answering) */
};

struct loadgen_result {
	uint64_t requests; /* answered */
	double seconds;    /* from the first request sent to the last answer received */
	double requests_per_s;
	uint32_t p50_us, p99_us, p999_us, max_us; /* nearest rank, reported as bucket highs */
	uint64_t checksum; /* every answer's bytes, per connection in order */
	uint64_t histogram[LOGSTATS_BUCKETS];
};

/* Runs the load. Returns 0, or -1 with a one-line reason in err (a connection refused or
 * closed, an answer that differs from the contract's, the time limit passed). */
int loadgen_run(const struct loadgen_options *o, struct loadgen_result *r, char *err,
                size_t errlen);

#endif
