/* massif_out.h: reads a massif output file (--time-unit=B) and finds the peak:
 * max over snapshots of mem_heap_B + mem_heap_extra_B, with the allocation tree of the
 * detailed snapshot nearest to it, so a report can say where the peak was allocated. */
#ifndef MASSIF_OUT_H
#define MASSIF_OUT_H

#include <stddef.h>
#include <stdint.h>

struct massif_site {
	uint64_t bytes;
	char *where; /* "0x4011A2: render (logfmt.c:42)" as massif wrote it */
	int depth;   /* 0 for the top of the tree */
};

struct massif_profile {
	long pid; /* from a "massif.out.PID" file name: massif writes no pid */
	char *cmd;
	size_t n_snapshots;
	uint64_t peak_bytes; /* mem_heap_B + mem_heap_extra_B at the peak */
	uint64_t peak_heap_b, peak_extra_b;
	size_t peak_snapshot;      /* index of the peak snapshot */
	struct massif_site *sites; /* the tree of the peak snapshot if detailed, in file order */
	size_t n_sites;
	size_t sites_snapshot; /* index of the snapshot sites come from: the peak if it is
	                        * detailed, else the detailed one nearest in time;
	                        * n_snapshots when none is detailed (then no sites) */
};

/* Parses path. Returns 0, or -1 with a message ("file:line: why") in err; on error p holds
 * nothing and needs no massif_free. On success the caller frees p with massif_free. */
int massif_parse_file(const char *path, struct massif_profile *p, char *err, size_t errlen);
int massif_parse_text(const char *name, const char *text, struct massif_profile *p, char *err,
                      size_t errlen);
void massif_free(struct massif_profile *p);

#endif
