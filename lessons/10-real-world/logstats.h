/* logstats.h: lesson 10, case A: an analytics engine for nginx access logs. The API contract:
 * the student file logstats.c implements logstats_analyze and logstats_report_free; do not edit
 * this file. The latency histogram's bucket scheme is defined here, inline, so that every
 * implementation rounds percentiles the same way. */
#ifndef LOGSTATS_H
#define LOGSTATS_H

#include <stddef.h>
#include <stdint.h>

/* {=== the log ===}
 * One request per line, nginx's "combined" format followed by the request time:
 *   ADDR - USER [TIME] "REQUEST" STATUS BYTES "REFERER" "AGENT" SECONDS\n
 * for example
 *   10.0.3.7 - - [26/Nov/2026:13:10:08 +0000] "GET /api/v1/items?page=2 HTTP/1.1" 200 5120
 *   "https://shop.test/" "curl/8.4.0" 0.000873
 * (one line). ADDR and USER hold no space; TIME holds no ']'; the quoted fields are never
 * empty and hold no '"' (nginx writes "-" for a missing referer or agent and \x22 for a quote);
 * STATUS is 3 digits; BYTES is decimal, below 2^63; SECONDS is the request time with exactly
 * six decimals ("0.000873" is 873 microseconds), below 4295 seconds. Every line ends in '\n'.
 *
 * A line may also be cut short, as when a server dies mid-write: such a line stops anywhere
 * before the closing quote of AGENT (and still ends in '\n'). It is counted as malformed and
 * otherwise ignored. The course's generator writes only these two kinds of line. */

/* {=== the report ===}
 * The report is text, byte for byte:
 *   lines L malformed M
 *   requests R bytes B
 *   status CODE COUNT                     one line per status seen, by CODE ascending
 *   endpoint "KEY" requests N bytes B p50_us X p99_us Y p999_us Z
 *                                         one line per endpoint, by N descending, then by KEY
 *                                         (bytewise, shorter first when one is a prefix)
 *   client ADDR requests N                the top_k addresses by N descending, then by ADDR
 *                                         bytewise; fewer when fewer were seen
 * every line ending in '\n', numbers in plain decimal. An endpoint's KEY is REQUEST up to its
 * second space or its first '?', whichever comes first ("GET /api/v1/items?page=2 HTTP/1.1"
 * gives "GET /api/v1/items"; "-" gives "-"). R counts well-formed lines; B sums their BYTES.
 *
 * Percentiles are nearest-rank: for an endpoint with N requests the p50 is the latency of rank
 * ceil(N * 500 / 1000) in ascending order (1-based), p99 the rank ceil(N * 990 / 1000), p999
 * ceil(N * 999 / 1000), each reported as logstats_bucket_high(logstats_bucket(latency)): the
 * highest value of its histogram bucket, as HDR Histogram reports. */

/* {=== the latency histogram: log-linear buckets, HDR-style ===}
 * Values below 128 microseconds have a bucket each. Above, every power-of-two range [2^k,
 * 2^(k+1)) is cut into 64 equal buckets. So for a latency v the reported value h satisfies
 *   v <= h <= v + v / 64          (less than 1.6% high, never low)
 * and 1728 buckets cover every uint32_t, 0 to 71 minutes. */
#define LOGSTATS_SUB_BITS 6
#define LOGSTATS_BUCKETS  (25 * 64 + 128) /* 1728 */

/* The bucket of latency v (microseconds): 0 .. LOGSTATS_BUCKETS - 1. */
static inline unsigned logstats_bucket(uint32_t v)
{
	if (v < 128)
		return v;
	unsigned shift = (unsigned)(31 - __builtin_clz(v)) - LOGSTATS_SUB_BITS; /* 1 .. 25 */
	return shift * 64 + (unsigned)(v >> shift);                             /* 128 .. 1727 */
}

/* The highest latency that falls in bucket b (the value a percentile reports). */
static inline uint32_t logstats_bucket_high(unsigned b)
{
	if (b < 128)
		return b;
	unsigned shift = b / 64 - 1, top = b % 64 + 64;
	return (uint32_t)((((uint64_t)top + 1) << shift) - 1);
}

/* {=== the engine ===} */

/* A report: text[0..len) (a NUL follows it), owned by the caller, freed with
 * logstats_report_free. */
struct logstats_report {
	char *text;
	size_t len;
};

/* Analyses the whole access log in the regular file fd, from offset 0 to its end, on `workers`
 * threads (1 to 64; 1 means the calling thread alone, no thread is started), and writes the
 * report above, with the top_k busiest clients (0 to 1000), into *out. fd's file offset may
 * change; the caller closes fd. Returns 0, or -1 with errno set (ENOMEM when out of memory, or
 * the error of a failed read), *out left {NULL, 0}, no thread left running and nothing leaked. */
int logstats_analyze(int fd, unsigned workers, size_t top_k, struct logstats_report *out);

/* Releases the report's text and resets it to {NULL, 0}; safe on {NULL, 0}. */
void logstats_report_free(struct logstats_report *out);

#endif
