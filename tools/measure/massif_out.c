/* massif_out.c: reads massif's output (desc:, cmd:, time_unit:, then snapshot blocks) and finds
 * the heap peak, max of mem_heap_B + mem_heap_extra_B, with the allocation tree of the detailed
 * snapshot nearest to it. Massif writes no pid: it comes from a "massif.out.PID" file name. */

#include "massif_out.h"
#include "text_file.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct line {
	char *s;
	size_t lineno;
};

/* What pass 1 keeps of a snapshot; pass 2 reads only the chosen tree again. */
struct snap {
	uint64_t time, heap, extra;
	int detailed;
	size_t tree; /* index in lines of its tree's first node, when detailed */
};

struct mparser {
	const char *name;
	char *err;
	size_t errlen;
	struct line *lines; /* the file without blank and '#' lines, as ms_print reads it */
	size_t n_lines, at;
	struct snap *snaps;
	size_t n_snaps, cap_snaps;
	size_t *stack; /* children still to read, per open tree level */
	size_t cap_stack;
};

static int fail_at(struct mparser *ps, size_t lineno, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (ps->err && ps->errlen > 0) {
		if (lineno > 0)
			snprintf(ps->err, ps->errlen, "%s:%zu: %s", ps->name, lineno, why);
		else
			snprintf(ps->err, ps->errlen, "%s: %s", ps->name, why);
	}
	return -1;
}

/* Fails on the current line, or at the end of the file when there is none. */
#define FAIL(ps, ...)                                                                              \
	fail_at((ps), (ps)->at < (ps)->n_lines ? (ps)->lines[(ps)->at].lineno : 0, __VA_ARGS__)

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 16;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*arr, ncap * size);
	if (!n)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

/* Reads [s, s+n) as a whole decimal number, refusing overflow. */
static int parse_u64n(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	return parse_u64n(s, strlen(s), v);
}

/* Cuts text into lines, keeping their numbers for messages and dropping what ms_print skips. */
static int split_lines(struct mparser *ps, char *text)
{
	size_t cap = 0, lineno = 0;

	for (char *s = text, *next; s; s = next) {
		size_t len;
		next = strchr(s, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		len = strlen(s);
		while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
			s[--len] = '\0';
		if (len == 0 || s[0] == '#')
			continue;
		if (grow((void **)&ps->lines, &cap, ps->n_lines + 1, sizeof(*ps->lines)) < 0)
			return fail_at(ps, 0, "out of memory");
		ps->lines[ps->n_lines++] = (struct line){s, lineno};
	}
	return 0;
}

/* {=== header ===} */

static int parse_header(struct mparser *ps, struct massif_profile *p)
{
	int seen_unit = 0;

	for (; ps->at < ps->n_lines; ps->at++) {
		const char *s = ps->lines[ps->at].s;
		if (!strncmp(s, "snapshot=", 9))
			break;
		if (!strncmp(s, "cmd:", 4)) {
			free(p->cmd);
			p->cmd = strdup(s + 4 + strspn(s + 4, " \t"));
			if (!p->cmd)
				return FAIL(ps, "out of memory");
		} else if (!strncmp(s, "time_unit:", 10)) {
			seen_unit = 1;
		} else if (strncmp(s, "desc:", 5) != 0) {
			return FAIL(ps, "unexpected line '%.40s' in the header", s);
		}
	}
	if (ps->at == ps->n_lines)
		return fail_at(ps, 0, "no snapshots (empty or not a massif file)");
	if (!p->cmd || !seen_unit)
		return FAIL(ps, "no '%s' line before the first snapshot",
		            p->cmd ? "time_unit:" : "cmd:");
	return 0;
}

/* }=== */

/* {=== heap trees ===} */

/* One tree line: "<depth spaces>nCHILDREN: BYTES WHERE". Leaves the line as it was: the chosen
 * tree is read a second time. */
static int parse_node(struct mparser *ps, size_t depth, uint64_t *children,
                      struct massif_site *site)
{
	const char *s = ps->lines[ps->at].s, *colon, *bytes;
	size_t indent = strspn(s, " "), n;

	if (indent != depth)
		return FAIL(ps, "tree node at depth %zu, expected depth %zu", indent, depth);
	s += indent;
	colon = strchr(s, ':');
	if (s[0] != 'n' || !colon || parse_u64n(s + 1, (size_t)(colon - s - 1), children) < 0)
		return FAIL(ps, "expected a tree node 'nN: BYTES ...', got '%.40s'", s);
	bytes = colon + 1 + strspn(colon + 1, " ");
	n = strcspn(bytes, " ");
	if (parse_u64n(bytes, n, &site->bytes) < 0)
		return FAIL(ps, "bad byte count in tree node '%.40s'", s);
	site->where = (char *)(bytes[n] ? bytes + n + 1 : bytes + n);
	site->depth = (int)depth;
	return 0;
}

static int push_site(struct mparser *ps, struct massif_profile *p, size_t *cap,
                     const struct massif_site *site)
{
	struct massif_site *out;

	if (grow((void **)&p->sites, cap, p->n_sites + 1, sizeof(*p->sites)) < 0)
		return FAIL(ps, "out of memory");
	out = &p->sites[p->n_sites];
	*out = *site;
	out->where = strdup(site->where);
	if (!out->where)
		return FAIL(ps, "out of memory");
	p->n_sites++;
	return 0;
}

/* Reads the tree at ps->at, checking indentation against the child counts, and leaves ps->at
 * after it. With p, also copies its nodes into p->sites. Iterative: a garbage file may nest as
 * deep as it has lines. */
static int read_tree(struct mparser *ps, struct massif_profile *p)
{
	size_t sp = 0, cap_sites = 0;

	do {
		struct massif_site site;
		uint64_t children = 0;
		if (ps->at >= ps->n_lines)
			return FAIL(ps, "file ends inside a heap tree");
		if (parse_node(ps, sp, &children, &site) < 0)
			return -1;
		if (p && push_site(ps, p, &cap_sites, &site) < 0)
			return -1;
		if (children > ps->n_lines) /* the count must fit a size_t stack entry */
			return FAIL(ps, "tree node with %llu children, more than the file's lines",
			            (unsigned long long)children);
		ps->at++;
		if (children > 0) {
			if (grow((void **)&ps->stack, &ps->cap_stack, sp + 1, sizeof(size_t)) < 0)
				return FAIL(ps, "out of memory");
			ps->stack[sp++] = (size_t)children;
			continue;
		}
		while (sp > 0 && --ps->stack[sp - 1] == 0)
			sp--; /* that level is complete */
	} while (sp > 0);
	return 0;
}

/* }=== */

/* {=== snapshots ===} */

static int expect_num(struct mparser *ps, const char *key, uint64_t *v)
{
	size_t klen = strlen(key);
	const char *s;

	if (ps->at >= ps->n_lines)
		return FAIL(ps, "file ends inside a snapshot: expected '%s='", key);
	s = ps->lines[ps->at].s;
	if (strncmp(s, key, klen) != 0 || s[klen] != '=')
		return FAIL(ps, "expected '%s=', got '%.40s'", key, s);
	if (parse_u64(s + klen + 1, v) < 0)
		return FAIL(ps, "bad number in '%.60s'", s);
	ps->at++;
	return 0;
}

static int parse_snapshot(struct mparser *ps)
{
	struct snap sn = {0};
	uint64_t num, stacks;
	const char *tree;

	if (expect_num(ps, "snapshot", &num) < 0 || expect_num(ps, "time", &sn.time) < 0 ||
	    expect_num(ps, "mem_heap_B", &sn.heap) < 0 ||
	    expect_num(ps, "mem_heap_extra_B", &sn.extra) < 0 ||
	    expect_num(ps, "mem_stacks_B", &stacks) < 0)
		return -1;
	if (sn.heap + sn.extra < sn.heap)
		return FAIL(ps, "mem_heap_B + mem_heap_extra_B overflows");
	if (ps->at >= ps->n_lines || strncmp(ps->lines[ps->at].s, "heap_tree=", 10) != 0)
		return FAIL(ps, "expected 'heap_tree='");
	tree = ps->lines[ps->at++].s + 10;
	if (!strcmp(tree, "detailed") || !strcmp(tree, "peak")) {
		sn.detailed = 1;
		sn.tree = ps->at;
		if (read_tree(ps, NULL) < 0)
			return -1;
	} else if (strcmp(tree, "empty") != 0) {
		ps->at--;
		return FAIL(ps, "heap_tree= is '%.40s', not empty, detailed or peak", tree);
	}
	if (grow((void **)&ps->snaps, &ps->cap_snaps, ps->n_snaps + 1, sizeof(sn)) < 0)
		return FAIL(ps, "out of memory");
	ps->snaps[ps->n_snaps++] = sn;
	return 0;
}

/* The first snapshot with the most heap + extra: ties keep the earliest. */
static size_t find_peak(const struct mparser *ps)
{
	size_t best = 0;

	for (size_t i = 1; i < ps->n_snaps; i++) {
		const struct snap *a = &ps->snaps[i], *b = &ps->snaps[best];
		if (a->heap + a->extra > b->heap + b->extra)
			best = i;
	}
	return best;
}

/* The peak itself if detailed, else the detailed snapshot nearest in time (earlier on ties);
 * returns n_snaps when no snapshot is detailed. */
static size_t find_tree(const struct mparser *ps, size_t peak)
{
	uint64_t t = ps->snaps[peak].time, best_gap = UINT64_MAX;
	size_t best = ps->n_snaps;

	if (ps->snaps[peak].detailed)
		return peak;
	for (size_t i = 0; i < ps->n_snaps; i++) {
		uint64_t ti = ps->snaps[i].time, gap = ti > t ? ti - t : t - ti;
		if (ps->snaps[i].detailed && gap < best_gap) {
			best = i;
			best_gap = gap;
		}
	}
	return best;
}

/* }=== */

/* "massif.out.PID" -> PID; any other name -> -1 (massif writes no pid: line). */
static long pid_from_name(const char *name)
{
	const char *base = strrchr(name, '/');
	uint64_t v;

	base = base ? base + 1 : name;
	if (strncmp(base, "massif.out.", 11) != 0 || parse_u64(base + 11, &v) < 0 ||
	    v > (uint64_t)LONG_MAX)
		return -1;
	return (long)v;
}

static int parse_all(struct mparser *ps, char *text, struct massif_profile *p)
{
	size_t peak, tree;

	if (split_lines(ps, text) < 0 || parse_header(ps, p) < 0)
		return -1;
	while (ps->at < ps->n_lines) {
		if (parse_snapshot(ps) < 0)
			return -1;
	}
	peak = find_peak(ps);
	p->n_snapshots = ps->n_snaps;
	p->peak_snapshot = peak;
	p->peak_heap_b = ps->snaps[peak].heap;
	p->peak_extra_b = ps->snaps[peak].extra;
	p->peak_bytes = p->peak_heap_b + p->peak_extra_b;
	tree = find_tree(ps, peak);
	p->sites_snapshot = tree;
	if (tree == ps->n_snaps)
		return 0;
	ps->at = ps->snaps[tree].tree;
	return read_tree(ps, p);
}

int massif_parse_text(const char *name, const char *text, struct massif_profile *p, char *err,
                      size_t errlen)
{
	struct mparser ps = {.name = name ? name : "(text)", .err = err, .errlen = errlen};
	char *copy;
	int rc;

	memset(p, 0, sizeof(*p));
	p->pid = name ? pid_from_name(name) : -1;
	if (!text)
		return fail_at(&ps, 0, "no text");
	copy = strdup(text);
	if (!copy)
		return fail_at(&ps, 0, "out of memory");
	rc = parse_all(&ps, copy, p);
	free(copy);
	free(ps.lines);
	free(ps.snaps);
	free(ps.stack);
	if (rc < 0)
		massif_free(p);
	return rc;
}

int massif_parse_file(const char *path, struct massif_profile *p, char *err, size_t errlen)
{
	char dummy[1];
	char *text;
	int rc;

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	if (!err || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	text = text_file_read(path, 0, 0, 1, err, errlen);
	if (!text)
		return -1;
	rc = massif_parse_text(path, text, p, err, errlen);
	free(text);
	return rc;
}

void massif_free(struct massif_profile *p)
{
	for (size_t i = 0; i < p->n_sites; i++)
		free(p->sites[i].where);
	free(p->sites);
	free(p->cmd);
	memset(p, 0, sizeof(*p));
	p->pid = -1;
}
