/* valgrind_run.c: runs a bench driver under callgrind or massif with the safeguards of DESIGN
 * section 4.3, turns the output into numbers, and caches them by the hash of everything that
 * could change them. The budget tests and the grader both come through here. */
#include "valgrind_run.h"

#include "jail.h"

#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <inttypes.h>
#include <link.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_protocol.h"
#include "callgrind_out.h"
#include "files.h"
#include "metrics.h"
#include "proc.h"
#include "sha256.h"
#include "text_file.h"

/* 4: allocations count the program's mmap; the libc build in the key; each entry keeps its
 * raw Valgrind file */
#define CACHE_FORMAT     "ngrade-measurement 4"
#define MAX_ARGS         64
#define MAX_OUTPUT_BYTES (256ULL << 20)

const char *const vg_allocation_functions[] = {
    "malloc",         "calloc",        "realloc", "reallocarray", "memalign",
    "posix_memalign", "aligned_alloc", "valloc",  "pvalloc",      NULL,
};

const char *const vg_mapping_functions[] = {"mmap", "mmap64", "mremap", "__mmap", "__mremap", NULL};

/* Calls to the mapping functions made by the program itself, not by a shared library: libc
 * maps memory for malloc's large blocks and for thread stacks, and those are not the code's
 * own requests (the malloc call that caused them is counted already). The program is every
 * object that is not a shared library (its name has no ".so"). */
static uint64_t mappings_of_the_program(const struct cg_profile *p)
{
	uint64_t n = 0;
	for (size_t i = 0; i < p->n_calls; i++) {
		const struct cg_call *c = &p->calls[i];
		const char *callee = p->functions[c->callee].name,
		           *object = p->functions[c->caller].object;
		for (int k = 0; callee != NULL && vg_mapping_functions[k] != NULL; k++)
			if (strcmp(callee, vg_mapping_functions[k]) == 0 &&
			    (object == NULL || strstr(object, ".so") == NULL))
				n += c->count;
	}
	return n;
}

/* Pinned cache geometry: simulated misses must not depend on the host's caches. */
static const char *const cache_sim_options[] = {
    "--cache-sim=yes", "--branch-sim=yes",   "--I1=32768,8,64",
    "--D1=32768,8,64", "--LL=8388608,16,64", NULL,
};

static void fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* {=== environment: what the cache key and the checks need to know ===} */

static int find_in_path(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path != '\0') {
		size_t n = strcspn(path, ":");
		snprintf(out, len, "%.*s/%s", (int)n, path, name);
		if (n > 0 && access(out, X_OK) == 0)
			return 0;
		path += n + (path[n] == ':');
	}
	return -1;
}

/* First line of `valgrind --version`, asked once per process. */
static const char *valgrind_version(const char *valgrind)
{
	static char version[64];
	if (version[0] != '\0')
		return version;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "'%s' --version 2>/dev/null", valgrind);
	FILE *p = popen(cmd, "r");
	if (p != NULL) {
		if (fgets(version, sizeof version, p) == NULL)
			version[0] = '\0';
		pclose(p);
	}
	version[strcspn(version, "\n")] = '\0';
	if (version[0] == '\0')
		snprintf(version, sizeof version, "unknown");
	return version;
}

/* The CPU's model name and flags: glibc picks string routines per CPU (ifunc), which moves
 * string-heavy counts by 22-49% (measured), so numbers are valid only on the same kind. */
static void hash_cpu(struct sha256 *h)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f == NULL)
		return;
	char line[4096];
	int seen = 0;
	while (seen < 2 && fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "model name", 10) == 0 || strncmp(line, "flags", 5) == 0) {
			sha256_update(h, line, strlen(line));
			seen++;
		}
	}
	fclose(f);
}

/* One loaded object, hashed into the identity when it is libc, libm or the dynamic loader. */
static int hash_runtime_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	static const char *const runtime[] = {"libc.so", "libm.so", "ld-linux", NULL};
	const char *name = info->dlpi_name, *base = strrchr(name, '/');
	if (base == NULL)
		return 0;
	for (int i = 0; runtime[i] != NULL; i++)
		if (strncmp(base + 1, runtime[i], strlen(runtime[i])) == 0) {
			struct sha256 h;
			char hex[65], *out = data;
			sha256_init(&h);
			if (sha256_file(&h, name) != 0)
				return 0;
			sha256_final_hex(&h, hex);
			size_t used = strlen(out);
			snprintf(out + used, VG_LIBC_IDENTITY_LEN - used, " %s:%.16s", base + 1,
			         hex);
		}
	return 0;
}

const char *vg_libc_identity(void)
{
	static char identity[VG_LIBC_IDENTITY_LEN];
	if (identity[0] != '\0')
		return identity;
	/* "2.36" names the release, not the build: a Debian update (2.36-9+deb12u3 to u4) keeps
	 * it and may change the string routines' instruction counts, so the files themselves
	 * are hashed; the benches load the same ones the grader does (/lib/.../libc.so.6) */
	snprintf(identity, sizeof identity, "glibc %s", gnu_get_libc_version());
	dl_iterate_phdr(hash_runtime_object, identity);
	return identity;
}

/* }=== */

/* {=== running one measurement ===} */

static const char *tool_name(enum vg_tool tool)
{
	return tool == VG_MASSIF           ? "massif"
	       : tool == VG_CACHEGRIND_SIM ? "callgrind-sim"
	                                   : "callgrind";
}

/* Splits args (space-separated, no quoting: lesson.ini args are plain flags) into argv; the
 * strings live in storage, so concurrent measurements share nothing. */
static int build_argv(const struct vg_spec *s, const char *valgrind, const char *out_file,
                      char *storage, size_t storage_len, char **argv)
{
	int n = 0;
	argv[n++] = (char *)valgrind;
	if (s->tool == VG_MASSIF) {
		argv[n++] = "--tool=massif";
		argv[n++] = "--time-unit=B";
		/* the default 1.0 takes a new peak snapshot only 1% above the last one: a peak that
		 * rises less than that, then falls, is reported up to 1% low */
		argv[n++] = "--peak-inaccuracy=0";
		argv[n++] = s->pages_as_heap ? "--pages-as-heap=yes" : "--pages-as-heap=no";
	} else {
		argv[n++] = "--tool=callgrind";
		argv[n++] = "--instr-atstart=no";
		argv[n++] = "--collect-systime=nsec";
		if (s->tool == VG_CACHEGRIND_SIM)
			for (int i = 0; cache_sim_options[i] != NULL; i++)
				argv[n++] = (char *)cache_sim_options[i];
	}
	int used = snprintf(storage, storage_len, "--%s-out-file=%s",
	                    s->tool == VG_MASSIF ? "massif" : "callgrind", out_file) +
	           1;
	argv[n++] = storage;
	argv[n++] = "--vgdb=no"; /* its gdbserver lets another process zero the counters */
	argv[n++] = "-q";
	argv[n++] = "./bench";
	int tail = bench_protocol_argv(s->args, s->seed, storage + used, storage_len - (size_t)used,
	                               argv + n, MAX_ARGS - n);
	return tail < 0 ? -1 : n + tail;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		close(in);
		return -1;
	}
	char buf[65536];
	ssize_t got;
	int rc = 0;
	while ((got = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)got) != got) {
			rc = -1;
			break;
		}
	if (got < 0)
		rc = -1;
	close(in);
	if (close(out) != 0)
		rc = -1;
	return rc;
}

/* Valgrind writes its own complaints to stderr as "==PID== ..." even with -q; any such line
 * means the run cannot be trusted (an unhandled instruction, a fatal signal, a bad option). */
static int valgrind_complained(const char *stderr_path, int pid, char *line_out, size_t len)
{
	char *text = text_file_read(stderr_path, 1 << 16, 0, 0, NULL, 0);
	if (text == NULL)
		return 0;
	char prefix[32];
	snprintf(prefix, sizeof prefix, "==%d== ", pid);
	char *hit = pid > 0 ? strstr(text, prefix) : NULL;
	/* in a jail's PID namespace the pid is not known: any "==N== " line at a line's start */
	for (char *at = text; pid <= 0 && hit == NULL && at != NULL;
	     at = strchr(at, '\n'), at = at ? at + 1 : NULL) {
		size_t digits = at[0] == '=' && at[1] == '=' ? strspn(at + 2, "0123456789") : 0;
		if (digits > 0 && !strncmp(at + 2 + digits, "== ", 3)) {
			hit = at;
			snprintf(prefix, sizeof prefix, "%.*s", (int)(digits + 5), at);
		}
	}
	if (hit != NULL) {
		hit += strlen(prefix);
		snprintf(line_out, len, "%.*s", (int)strcspn(hit, "\n"), hit);
	}
	free(text);
	return hit != NULL;
}

static const char *last_line(const char *path, char *buf, size_t len)
{
	char *text = text_file_read(path, 1 << 16, 0, 0, NULL, 0);
	buf[0] = '\0';
	if (text == NULL)
		return buf;
	char *end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	char *start = strrchr(text, '\n');
	snprintf(buf, len, "%s", start ? start + 1 : text);
	free(text);
	return buf;
}

/* }=== */

/* {=== reading the numbers out of Valgrind's file ===} */

static int collect_callgrind(const char *path, long pid, const char *cmd, struct vg_result *r,
                             char *err, size_t errlen)
{
	struct cg_profile p;
	if (cg_parse_file(path, &p, err, errlen) != 0)
		return -1;
	if (!p.complete) {
		fail(err, errlen, "callgrind output %s ends early (no totals: line)", path);
		cg_free(&p);
		return -1;
	}
	if (pid > 0 && p.pid != pid) {
		fail(err, errlen, "callgrind output names pid %ld, the run was pid %ld", p.pid,
		     pid);
		cg_free(&p);
		return -1;
	}
	if (p.cmd == NULL || strcmp(p.cmd, cmd) != 0) {
		fail(err, errlen, "callgrind output names command '%s', the run was '%s'",
		     p.cmd ? p.cmd : "", cmd);
		cg_free(&p);
		return -1;
	}
	r->instructions = p.totals[CG_IR];
	r->syscalls = p.totals[CG_SYSCOUNT];
	r->sys_nsec = p.totals[CG_SYSTIME];
	r->d1_misses = p.totals[CG_D1MR] + p.totals[CG_D1MW];
	r->ll_misses = p.totals[CG_ILMR] + p.totals[CG_DLMR] + p.totals[CG_DLMW];
	r->branch_mispredicts = p.totals[CG_BCM] + p.totals[CG_BIM];
	r->allocations = cg_allocation_calls(&p, vg_allocation_functions);
	r->allocations += mappings_of_the_program(&p);
	r->functions = calloc(p.n_functions ? p.n_functions : 1, sizeof *r->functions);
	for (size_t i = 0; r->functions != NULL && i < p.n_functions; i++) {
		const struct cg_function *f = &p.functions[i];
		if (f->inclusive[CG_IR] == 0 && f->calls_in == 0)
			continue;
		struct vg_function *out = &r->functions[r->n_functions++];
		const char *file = f->file ? strrchr(f->file, '/') : NULL;
		snprintf(out->name, sizeof out->name, "%s", f->name ? f->name : "???");
		snprintf(out->file, sizeof out->file, "%s",
		         file ? file + 1 : (f->file ? f->file : "???"));
		out->self = f->self[CG_IR];
		out->inclusive = f->inclusive[CG_IR];
		out->calls = f->calls_in;
	}
	cg_free(&p);
	return 0;
}

static int collect_massif(const char *path, const char *cmd, struct vg_result *r, char *err,
                          size_t errlen)
{
	struct massif_profile p;
	if (massif_parse_file(path, &p, err, errlen) != 0)
		return -1;
	if (p.cmd == NULL || strcmp(p.cmd, cmd) != 0) {
		fail(err, errlen, "massif output names command '%s', the run was '%s'",
		     p.cmd ? p.cmd : "", cmd);
		massif_free(&p);
		return -1;
	}
	r->peak_heap = p.peak_bytes;
	r->peak_sites = p.sites;
	r->n_peak_sites = p.n_sites;
	p.sites = NULL;
	p.n_sites = 0;
	massif_free(&p);
	return 0;
}

/* }=== */

/* {=== the cache: one text file per measurement, written atomically ===} */

static void cache_key(const struct vg_spec *s, const char *valgrind, char key[65])
{
	struct sha256 h;
	sha256_init(&h);
	char text[1024];
	int n = snprintf(text, sizeof text, "%s|%s|%s|%llu|%d|%s|%s|%s|", CACHE_FORMAT,
	                 tool_name(s->tool), s->args ? s->args : "", s->seed, s->pages_as_heap,
	                 vg_libc_identity(), valgrind_version(valgrind),
	                 getenv("GLIBC_TUNABLES") ? getenv("GLIBC_TUNABLES") : "");
	sha256_update(&h, text, (size_t)n);
	hash_cpu(&h);
	sha256_file(&h, s->bench);
	sha256_final_hex(&h, key);
}

static void clean_field(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\t' || *s == '\n')
			*s = ' ';
}

static int cache_write_fields(FILE *f, const void *arg)
{
	const struct vg_result *r = arg;
	fprintf(f,
	        "%s\ninstructions %" PRIu64 "\nallocations %" PRIu64 "\nsyscalls %" PRIu64
	        "\nsys_nsec %" PRIu64 "\nd1_misses %" PRIu64 "\nll_misses %" PRIu64
	        "\nbranch_mispredicts %" PRIu64 "\npeak_heap %" PRIu64 "\n",
	        CACHE_FORMAT, r->instructions, r->allocations, r->syscalls, r->sys_nsec,
	        r->d1_misses, r->ll_misses, r->branch_mispredicts, r->peak_heap);
	if (r->has_checksum)
		fprintf(f, "checksum %016" PRIx64 "\n", r->checksum);
	for (size_t i = 0; i < r->n_functions; i++) {
		struct vg_function fn = r->functions[i];
		clean_field(fn.name);
		clean_field(fn.file);
		fprintf(f, "fn\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%s\t%s\n", fn.self,
		        fn.inclusive, fn.calls, fn.name, fn.file);
	}
	for (size_t i = 0; i < r->n_peak_sites; i++) {
		char where[512];
		snprintf(where, sizeof where, "%s", r->peak_sites[i].where);
		clean_field(where);
		fprintf(f, "site\t%d\t%" PRIu64 "\t%s\n", r->peak_sites[i].depth,
		        r->peak_sites[i].bytes, where);
	}
	return 0;
}

static int cache_write(const char *path, const struct vg_result *r)
{
	return file_write_atomic(path, 0644, cache_write_fields, r);
}

/* Returns 0, or -1 when memory runs out (r keeps what it read so far, for vg_result_free). */
static int cache_read_line(char *line, struct vg_result *r, size_t *fn_cap, size_t *site_cap)
{
	static const struct {
		const char *name;
		size_t offset;
	} fields[] = {
	    {"instructions", offsetof(struct vg_result, instructions)},
	    {"allocations", offsetof(struct vg_result, allocations)},
	    {"syscalls", offsetof(struct vg_result, syscalls)},
	    {"sys_nsec", offsetof(struct vg_result, sys_nsec)},
	    {"d1_misses", offsetof(struct vg_result, d1_misses)},
	    {"ll_misses", offsetof(struct vg_result, ll_misses)},
	    {"branch_mispredicts", offsetof(struct vg_result, branch_mispredicts)},
	    {"peak_heap", offsetof(struct vg_result, peak_heap)},
	};
	char name[32];
	uint64_t value;
	if (strncmp(line, "fn\t", 3) == 0) {
		if (r->n_functions == *fn_cap) {
			size_t more = *fn_cap ? *fn_cap * 2 : 64;
			struct vg_function *grown = realloc(r->functions, more * sizeof *grown);
			if (grown == NULL)
				return -1;
			r->functions = grown;
			*fn_cap = more;
		}
		struct vg_function *fn = &r->functions[r->n_functions];
		char *save, *tok = strtok_r(line + 3, "\t\n", &save);
		fn->self = tok ? strtoull(tok, NULL, 10) : 0;
		tok = strtok_r(NULL, "\t\n", &save);
		fn->inclusive = tok ? strtoull(tok, NULL, 10) : 0;
		tok = strtok_r(NULL, "\t\n", &save);
		fn->calls = tok ? strtoull(tok, NULL, 10) : 0;
		tok = strtok_r(NULL, "\t\n", &save);
		snprintf(fn->name, sizeof fn->name, "%s", tok ? tok : "???");
		tok = strtok_r(NULL, "\t\n", &save);
		snprintf(fn->file, sizeof fn->file, "%s", tok ? tok : "???");
		r->n_functions++;
	} else if (strncmp(line, "site\t", 5) == 0) {
		if (r->n_peak_sites == *site_cap) {
			size_t more = *site_cap ? *site_cap * 2 : 16;
			struct massif_site *grown = realloc(r->peak_sites, more * sizeof *grown);
			if (grown == NULL)
				return -1;
			r->peak_sites = grown;
			*site_cap = more;
		}
		struct massif_site *site = &r->peak_sites[r->n_peak_sites++];
		char *save, *tok = strtok_r(line + 5, "\t\n", &save);
		site->depth = tok ? atoi(tok) : 0;
		tok = strtok_r(NULL, "\t\n", &save);
		site->bytes = tok ? strtoull(tok, NULL, 10) : 0;
		tok = strtok_r(NULL, "\n", &save);
		site->where = strdup(tok ? tok : "");
	} else if (sscanf(line, "checksum %" SCNx64, &value) == 1) {
		r->checksum = value;
		r->has_checksum = 1;
	} else if (sscanf(line, "%31s %" SCNu64, name, &value) == 2) {
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			if (strcmp(name, fields[i].name) == 0)
				*(uint64_t *)((char *)r + fields[i].offset) = value;
	}
	return 0;
}

static int cache_read(const char *path, struct vg_result *r)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	char *line = NULL;
	size_t cap = 0, fn_cap = 0, site_cap = 0;
	int ok =
	    getline(&line, &cap, f) > 0 && strncmp(line, CACHE_FORMAT, strlen(CACHE_FORMAT)) == 0;
	while (ok && getline(&line, &cap, f) > 0)
		ok = cache_read_line(line, r, &fn_cap, &site_cap) == 0;
	free(line);
	fclose(f);
	if (!ok) {
		vg_result_free(r);
		return -1;
	}
	r->cached = 1;
	return 0;
}

/* }=== */

/* The output file as the grader created it: the same inode, a regular file with one name.
 * A measured program may write its own output file while it runs (the threat model allows
 * that much); it must not swap in another file, a link or a folder for the grader to read. */
static int output_is_ours(const char *path, const struct stat *created)
{
	struct stat now;
	return lstat(path, &now) == 0 && S_ISREG(now.st_mode) && now.st_nlink == 1 &&
	       now.st_ino == created->st_ino && now.st_dev == created->st_dev;
}

/* The run's folder: the bench copy and Valgrind's stdout and stderr (opened by us), with
 * out/ (Valgrind's output file) and tmp/ the only places the measured process may write. In
 * a jail with a student user, the folder is reachable, the copy runnable, out/ and tmp/
 * writable by that user. */
static int stage_run(const struct vg_spec *s, const char *dir, const char *bench,
                     const char *out_dir, const char *tmp_dir, const char *out_file,
                     struct stat *created)
{
	int shared = s->jail != NULL && jail_give(s->jail, out_dir) == 0;
	if (copy_file(s->bench, bench, 0555) != 0)
		return -1;
	if (shared && (chmod(dir, 0755) != 0 || jail_give(s->jail, out_dir) != 0 ||
	               jail_give(s->jail, tmp_dir) != 0))
		return -1;
	/* The output file exists before the run, created by us with O_EXCL: nothing the
	 * measured program left behind can stand in for it. */
	int fd = open(out_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, created) != 0 || close(fd) != 0)
		return -1;
	return s->jail != NULL ? jail_give(s->jail, out_file) : 0;
}

static int copy_stream(FILE *out, const void *in)
{
	char buf[65536];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, (FILE *)in)) > 0)
		if (fwrite(buf, 1, got, out) != got)
			return -1;
	return ferror((FILE *)in) ? -1 : 0;
}

/* The raw Valgrind file of a run is stored beside its numbers (KEY.raw): a batch that keeps
 * raw files for disputes must get them for identical files too, whose numbers come from here. */
static int cache_keep_raw(const struct vg_spec *s, const char *dir, const char *raw_path)
{
	char out_file[160];
	snprintf(out_file, sizeof out_file, "%.64s/out/%s.out", dir,
	         s->tool == VG_MASSIF ? "massif" : "callgrind");
	FILE *in = fopen(out_file, "r");
	if (in == NULL)
		return -1;
	int rc = file_write_atomic(raw_path, 0644, copy_stream, in);
	fclose(in);
	return rc;
}

/* A cache hit keeps its raw file in s->keep_dir as a run would; -1 when it is wanted and
 * missing (an entry of an older cache format never has one), so the caller measures again. */
static int keep_from_cache(const struct vg_spec *s, const char *raw_path, struct vg_result *r)
{
	if (s->keep_dir == NULL)
		return 0;
	snprintf(r->raw_output, sizeof r->raw_output, "%s/%s.out", s->keep_dir, tool_name(s->tool));
	if (copy_file(raw_path, r->raw_output, 0644) != 0) {
		r->raw_output[0] = '\0';
		return -1;
	}
	return 0;
}

static int run_once(const struct vg_spec *s, const char *valgrind, const char *dir,
                    struct vg_result *r, char *err, size_t errlen)
{
	/* dir is the fixed-length folder vg_measure made; %.64s states that bound */
	char bench[128], out_dir[128], out_file[160], tmp_dir[128], stdout_path[160],
	    stderr_path[160], home[160];
	snprintf(bench, sizeof bench, "%.64s/bench", dir);
	snprintf(out_dir, sizeof out_dir, "%.64s/out", dir);
	snprintf(tmp_dir, sizeof tmp_dir, "%.64s/tmp", dir);
	snprintf(stdout_path, sizeof stdout_path, "%.64s/stdout", dir);
	snprintf(stderr_path, sizeof stderr_path, "%.64s/stderr", dir);
	snprintf(out_file, sizeof out_file, "%.64s/out/%s.out", dir,
	         s->tool == VG_MASSIF ? "massif" : "callgrind");
	snprintf(home, sizeof home, "HOME=%.64s/tmp", dir);
	struct stat created;
	if (mkdir(out_dir, 0700) != 0 || mkdir(tmp_dir, 0700) != 0 ||
	    stage_run(s, dir, bench, out_dir, tmp_dir, out_file, &created) != 0) {
		fail(err, errlen, "cannot stage '%s' in %s: %s", s->bench, dir, strerror(errno));
		return -1;
	}
	char storage[2048], *argv[MAX_ARGS];
	if (build_argv(s, valgrind, out_file, storage, sizeof storage, argv) < 0) {
		fail(err, errlen, "too many bench arguments: '%s'", s->args);
		return -1;
	}
	char tmpdir_env[160];
	snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%.64s/tmp", dir);
	char *envp[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", tmpdir_env, home, NULL};
	struct jail_run shown = {{dir, NULL}, {out_dir, tmp_dir, NULL}};
	struct proc_spec ps = {
	    .argv = argv,
	    .envp = envp,
	    .cwd = dir,
	    .stdout_path = stdout_path,
	    .stderr_path = stderr_path,
	    .wall_limit = s->time_limit,
	    .file_limit = MAX_OUTPUT_BYTES,
	    .jail = s->jail,
	    .jail_run = &shown,
	};
	struct proc_result pr;
	if (proc_run(&ps, &pr) != 0) {
		fail(err, errlen, "%s", pr.error);
		return -1;
	}
	r->seconds = pr.wall_seconds;
	char how[128], line[256];
	if (pr.timed_out || !pr.exited || pr.exit_code != 0) {
		fail(err, errlen, "bench under %s: %s%s%s", tool_name(s->tool),
		     proc_describe(&pr, how, sizeof how),
		     last_line(stderr_path, line, sizeof line)[0] ? ": " : "", line);
		return -1;
	}
	if (!output_is_ours(out_file, &created)) {
		fail(err, errlen, "%s's output file was replaced during the run: refused",
		     tool_name(s->tool));
		return -1;
	}
	if (valgrind_complained(stderr_path, pr.pid, line, sizeof line)) {
		fail(err, errlen, "valgrind reported a problem: %s", line);
		return -1;
	}
	char cmd[1024];
	int used = snprintf(cmd, sizeof cmd, "./bench");
	for (int i = 0; argv[i] != NULL; i++)
		if (strcmp(argv[i], "./bench") == 0)
			for (int j = i + 1; argv[j] != NULL; j++)
				used +=
				    snprintf(cmd + used, sizeof cmd - (size_t)used, " %s", argv[j]);
	int rc = s->tool == VG_MASSIF ? collect_massif(out_file, cmd, r, err, errlen)
	                              : collect_callgrind(out_file, pr.pid, cmd, r, err, errlen);
	if (rc != 0)
		return -1;
	struct bench_output printed;
	if (bench_protocol_read(stdout_path, &printed) == 0 && printed.has_checksum) {
		r->checksum = printed.checksum;
		r->has_checksum = 1;
	}
	if (s->keep_dir != NULL) {
		snprintf(r->raw_output, sizeof r->raw_output, "%s/%s.out", s->keep_dir,
		         tool_name(s->tool));
		if (copy_file(out_file, r->raw_output, 0644) != 0)
			r->raw_output[0] = '\0';
	}
	return 0;
}

int vg_measure(const struct vg_spec *s, struct vg_result *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	char valgrind[512];
	if (find_in_path("valgrind", valgrind, sizeof valgrind) != 0) {
		fail(err, errlen, "valgrind not found: install the 'valgrind' package (make deps)");
		return -1;
	}
	if (access(s->bench, X_OK) != 0) {
		fail(err, errlen, "bench '%s': %s", s->bench, strerror(errno));
		return -1;
	}
	char key[65], cache_path[700] = "", raw_path[700] = "";
	if (s->cache_dir != NULL) {
		cache_key(s, valgrind, key);
		mkdir(s->cache_dir, 0755);
		snprintf(cache_path, sizeof cache_path, "%s/%s.txt", s->cache_dir, key);
		snprintf(raw_path, sizeof raw_path, "%s/%s.raw", s->cache_dir, key);
		if (cache_read(cache_path, r) == 0 && keep_from_cache(s, raw_path, r) == 0)
			return 0;
		vg_result_free(r); /* a hit without its raw file, when one is wanted: measure */
		memset(r, 0, sizeof *r);
	}
	/* A working folder of fixed-length name: counts move with the size of the environment
	 * and of argv, so path, environment and arguments are the same on every run. */
	char dir[] = "/tmp/ngrade-vg-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		fail(err, errlen, "cannot create a private folder in /tmp: %s", strerror(errno));
		return -1;
	}
	if (s->show_progress)
		fprintf(stderr, "measuring %s under %s (not cached yet)...\n", s->bench,
		        tool_name(s->tool));
	int rc = run_once(s, valgrind, dir, r, err, errlen);
	if (s->show_progress && rc == 0)
		fprintf(stderr, "measured %s under %s in %.1f s\n", s->bench, tool_name(s->tool),
		        r->seconds);
	/* the raw file first: an entry whose numbers are there has its evidence too */
	if (rc == 0 && cache_path[0] != '\0' && cache_keep_raw(s, dir, raw_path) == 0)
		cache_write(cache_path, r);
	tree_remove(dir);
	if (rc != 0) {
		vg_result_free(r);
		return -1;
	}
	return 0;
}

void vg_result_free(struct vg_result *r)
{
	free(r->functions);
	for (size_t i = 0; i < r->n_peak_sites; i++)
		free(r->peak_sites[i].where);
	free(r->peak_sites);
	r->functions = NULL;
	r->peak_sites = NULL;
	r->n_functions = r->n_peak_sites = 0;
}

uint64_t vg_calls(const struct vg_result *r, const char *name)
{
	uint64_t calls = 0;
	size_t n = strlen(name);
	/* glibc's exported functions carry their symbol version in callgrind's names
	 * (pthread_mutex_lock@@GLIBC_2.2.5): a lesson names the function, not the version */
	for (size_t i = 0; i < r->n_functions; i++) {
		const char *f = r->functions[i].name;
		if (strncmp(f, name, n) == 0 && (f[n] == '\0' || f[n] == '@'))
			calls += r->functions[i].calls;
	}
	return calls;
}

/* {=== metrics by catalogue name: one owner for the budget tests and the grader ===} */

int vg_tool_for_metric(const char *metric)
{
	const struct metric_def *d = metric_def(metric);
	if (d == NULL)
		return -1;
	switch (d->source) {
	case SOURCE_CALLGRIND:
		return VG_CALLGRIND;
	case SOURCE_CACHEGRIND_SIM:
		return VG_CACHEGRIND_SIM;
	case SOURCE_MASSIF:
		return VG_MASSIF;
	case SOURCE_NATIVE:
		break;
	}
	return -1;
}

/* name's inclusive instructions in the region; a recursive function shows once per depth: the
 * top one counts */
static uint64_t inclusive_of(const struct vg_result *r, const char *name)
{
	uint64_t inclusive = 0;
	for (size_t i = 0; i < r->n_functions; i++)
		if (!strcmp(r->functions[i].name, name) && r->functions[i].inclusive > inclusive)
			inclusive = r->functions[i].inclusive;
	return inclusive;
}

int vg_metric_value(const struct vg_result *r, const char *metric, const char *function,
                    double *value)
{
	const struct metric_def *d = metric_def(metric);
	const char *named = function && *function ? function : NULL;
	const char *member = d && d->family_arg ? metric + strlen(d->name) : NULL;
	*value = 0;
	switch (d ? d->read : READ_BENCH_VALUE) {
	case READ_INSTRUCTIONS:
		*value = (double)r->instructions;
		return 0;
	case READ_ALLOCATIONS:
		*value = (double)r->allocations;
		return 0;
	case READ_SYSCALLS:
		*value = (double)r->syscalls;
		return 0;
	case READ_PEAK_HEAP:
		*value = (double)r->peak_heap;
		return 0;
	case READ_D1_MISSES:
		*value = (double)r->d1_misses;
		return 0;
	case READ_LL_MISSES:
		*value = (double)r->ll_misses;
		return 0;
	case READ_BRANCH_MISPREDICTS:
		*value = (double)r->branch_mispredicts;
		return 0;
	case READ_CALLS:
		if (named == NULL) {
			*value = (double)vg_calls(r, member);
			return 0;
		}
		/* a family (lesson.ini's function = a b c): the sum of each member's calls */
		for (const char *w = named; *w != '\0'; w += strspn(w, " ")) {
			char name[sizeof r->functions[0].name];
			size_t n = strcspn(w, " ");
			snprintf(name, sizeof name, "%.*s", (int)n, w);
			*value += (double)vg_calls(r, name);
			w += n;
		}
		return 0;
	case READ_INSTR:
		*value = (double)inclusive_of(r, named ? named : member);
		return 0;
	case READ_GC_SHARE:
		if (named == NULL)
			return -1;
		*value =
		    r->instructions ? (double)inclusive_of(r, named) / (double)r->instructions : 0;
		return 0;
	default: /* measured natively (wall.c), not under Valgrind */
		return -1;
	}
}

/* }=== */
