/* logfmt_input.h: the seeded access-log workload of lesson 01, written once for bench.c and
 * the tests. Records, their strings and the batch sizes all live in one mapping from
 * bench_input_alloc, so massif sees none of it and only the student's heap is measured. */
#ifndef LOGFMT_INPUT_H
#define LOGFMT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "logfmt.h"

#define LOGFMT_BATCH_MIN 64 /* records per request the caller renders at once */
#define LOGFMT_BATCH_MAX 256

struct logfmt_input {
	struct log_record *records;
	size_t n;
	size_t *batches; /* request sizes, in order; they sum to n */
	size_t n_batches;
	size_t output_bound; /* the most bytes a correct rendering of all n records can take */
	void *map;           /* the one mapping everything lives in */
	size_t map_size;
};

/* Builds n records from seed: the same seed gives the same records on every machine. Aborts
 * with a message if the memory cannot be mapped. */
void logfmt_input_make(struct logfmt_input *in, size_t n, uint64_t seed);

/* Folds every field of sum into the running checksum h (checksum.h) and returns it. */
uint64_t logfmt_input_checksum(uint64_t h, const struct logfmt_summary *sum);

/* Unmaps everything and resets in to {0}. */
void logfmt_input_free(struct logfmt_input *in);

#endif
