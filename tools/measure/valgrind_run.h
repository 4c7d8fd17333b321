/* valgrind_run.h: the one way the course runs a bench driver under Valgrind (callgrind, callgrind
 * with cache and branch simulation, or massif) and reads numbers back. The budget tests and the
 * grader both call it, and its results are cached by the hash of the binary, its arguments, the
 * tool's options and the machine (glibc's build, Valgrind, CPU model, GLIBC_TUNABLES), so the
 * same thing is never measured twice; each entry keeps its raw Valgrind file. Safeguards from
 * DESIGN section 4.3: --vgdb=no, a private TMPDIR and working directory of fixed length, env -i,
 * an output file created by us before the run, the exit code, stderr and the pid:/cmd: lines
 * checked, a wall-clock limit on the process group. */
#ifndef VALGRIND_RUN_H
#define VALGRIND_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "massif_out.h"

enum vg_tool { VG_CALLGRIND, VG_CACHEGRIND_SIM, VG_MASSIF };

struct jail;

struct vg_spec {
	enum vg_tool tool;        /* VG_CACHEGRIND_SIM: callgrind with pinned cache + branch sim */
	const char *bench;        /* the bench binary */
	const char *args;         /* its arguments, space-separated (lesson.ini [workload] args) */
	unsigned long long seed;  /* passed as --seed N after args */
	double time_limit;        /* seconds before the run is killed */
	const char *cache_dir;    /* where results are cached; NULL: never cache */
	const char *keep_dir;     /* where the raw Valgrind output is copied; NULL: not kept */
	const char *student_file; /* basename; functions of this source file are flagged */
	int pages_as_heap;        /* massif --pages-as-heap=yes (mmap counts as heap) */
	int show_progress;        /* say on stderr when a run (not a cache hit) starts and ends */
	const struct jail *jail;  /* student code: each run in this jail (jail.h); NULL: none */
};

struct vg_function {
	char name[128];
	char file[128];           /* basename of the source file, "???" if unknown */
	uint64_t self, inclusive; /* instructions */
	uint64_t calls;           /* times it was called inside the region */
};

struct vg_result {
	int cached;           /* 1: read from the cache, nothing was run */
	char raw_output[512]; /* the raw Valgrind file (kept copy or cache), "" if none */
	uint64_t checksum;    /* printed by the bench as "checksum <16 hex digits>" */
	int has_checksum;
	double seconds; /* how long the Valgrind run took (0 when cached) */
	/* callgrind */
	uint64_t instructions, allocations, syscalls, sys_nsec;
	uint64_t d1_misses, ll_misses, branch_mispredicts;
	struct vg_function *functions; /* every function with cost or calls in the region */
	size_t n_functions;
	/* massif */
	uint64_t peak_heap;
	struct massif_site *peak_sites;
	size_t n_peak_sites;
};

/* Runs (or reads from the cache) one measurement. Returns 0, or -1 with a one-line reason in
 * err ("valgrind not found: install the 'valgrind' package", "bench exited 139 (SIGSEGV)", ...).
 * Free r with vg_result_free. */
int vg_measure(const struct vg_spec *spec, struct vg_result *r, char *err, size_t errlen);
void vg_result_free(struct vg_result *r);

/* Calls to the function called name inside the region (0 if never called), whatever its
 * symbol version (name@@GLIBC_2.2.5 counts as name). */
uint64_t vg_calls(const struct vg_result *r, const char *name);

/* The Valgrind tool that measures a catalogue metric measured under Valgrind (instructions,
 * allocations, syscalls, calls.<fn>, instr.<fn>, gc_share: callgrind; d1_misses, ll_misses,
 * branch_mispredicts: the cache simulation; peak_heap: massif). Returns -1 for the metrics of
 * the native runs (wall_ratio, cpu_ratio, ...) and for unknown names. */
int vg_tool_for_metric(const char *metric);

/* The value of metric in r, measured by vg_tool_for_metric(metric); function names the
 * measured function of calls.*, instr.* and gc_share (NULL or "": calls.<fn> counts <fn>'s
 * calls, instr.<fn> its inclusive instructions); for calls.* it may name a family,
 * space-separated, whose calls add up. gc_share is a fraction, the rest are counts. Returns 0,
 * or -1 for a metric r cannot answer. */
int vg_metric_value(const struct vg_result *r, const char *metric, const char *function,
                    double *value);

/* What the cache key says of the C runtime: glibc's release and the sha256 (first 16 hex
 * digits) of the libc, libm and dynamic loader files this process loaded, e.g.
 * "glibc 2.36 libc.so.6:9f3c... ld-linux-x86-64.so.2:...". Computed once per process. */
#define VG_LIBC_IDENTITY_LEN 256
const char *vg_libc_identity(void);

/* The NULL-terminated list of allocation entry points counted as `allocations`. */
extern const char *const vg_allocation_functions[];

/* The NULL-terminated list of mapping functions (mmap, mmap64, mremap) whose calls from the
 * program itself (not from libc or another shared library) count as `allocations` too: memory
 * taken with mmap is memory, whoever's allocator hands it out. */
extern const char *const vg_mapping_functions[];

#endif
