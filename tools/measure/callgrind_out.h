/* callgrind_out.h: reads a callgrind output file (format version 1: compressed names, several
 * fn= blocks per function, calls= lines, subposition compression) into totals and a
 * per-function table with self and inclusive cost and call counts. */
#ifndef CALLGRIND_OUT_H
#define CALLGRIND_OUT_H

#include <stddef.h>
#include <stdint.h>

enum cg_event {
	CG_IR,
	CG_DR,
	CG_DW,
	CG_I1MR,
	CG_D1MR,
	CG_D1MW,
	CG_ILMR,
	CG_DLMR,
	CG_DLMW,
	CG_BC,
	CG_BCM,
	CG_BI,
	CG_BIM,
	CG_SYSCOUNT,
	CG_SYSTIME,
	CG_EVENTS
};

struct cg_function {
	char *name;   /* demangled symbol as written by callgrind, e.g. "render_record" */
	char *file;   /* source file: the fl= before its fn= (fi=/fe= mark inlined code and
	               * do not change it), "???" when unknown */
	char *object; /* ob= */
	uint64_t self[CG_EVENTS];      /* cost of its own instructions */
	uint64_t inclusive[CG_EVENTS]; /* self + every call it made to another function (a call
	                                * to itself is already in self) */
	uint64_t calls_in;             /* how often it was called (sum of calls= naming it) */
};

/* One caller -> callee edge, summed over its call sites (calls= lines). */
struct cg_call {
	size_t caller, callee;         /* indices into cg_profile.functions */
	uint64_t count;                /* how often caller called callee */
	uint64_t inclusive[CG_EVENTS]; /* cost spent inside those calls */
};

struct cg_profile {
	int has[CG_EVENTS];         /* which events the file holds */
	uint64_t totals[CG_EVENTS]; /* from totals:/summary:, else summed cost lines */
	long pid;                   /* pid: line, -1 when absent */
	char *cmd;                  /* cmd: line */
	struct cg_function *functions;
	size_t n_functions;
	struct cg_call *calls; /* every caller -> callee edge, for cg_calls_to */
	size_t n_calls;
	int complete; /* 1: the file ends with a totals: line, as every dump
	                 callgrind finishes does; 0: cut short */
};

/* Parses path. Returns 0, or -1 with a message ("file:line: why") in err; on error p holds
 * nothing and needs no cg_free. On success the caller frees p with cg_free. */
int cg_parse_file(const char *path, struct cg_profile *p, char *err, size_t errlen);
int cg_parse_text(const char *name, const char *text, struct cg_profile *p, char *err,
                  size_t errlen);
void cg_free(struct cg_profile *p);

/* The function called name (first match), or NULL. */
const struct cg_function *cg_find(const struct cg_profile *p, const char *name);

/* Calls made to function name from callers not themselves in exclude (a NULL-terminated list
 * of names, may be NULL). Used to count allocation entry points without counting one entry
 * point calling another (aligned_alloc calls malloc inside glibc). */
uint64_t cg_calls_to(const struct cg_profile *p, const char *name, const char *const *exclude);

/* Calls to the allocation entry points in entry_points (NULL-terminated), each counted once:
 * a call from one entry point to another (realloc calling malloc) or from glibc's own
 * forwarding helper (_mid_memalign serves memalign, posix_memalign and aligned_alloc with
 * alignment <= 16 by calling malloc) is part of the outer call, not a second allocation. */
uint64_t cg_allocation_calls(const struct cg_profile *p, const char *const *entry_points);

#endif
