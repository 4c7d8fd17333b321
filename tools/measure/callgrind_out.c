/* callgrind_out.c: reads callgrind's output format, version 1, into totals, a per-function table
 * (self and inclusive cost, calls received) and the caller -> callee edges. It is the one reader
 * behind every instruction, call and cache count the grader scores, so it refuses what it cannot
 * read rather than guess. */

#include "callgrind_out.h"
#include "text_file.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const event_names[CG_EVENTS] = {
    "Ir",   "Dr", "Dw",  "I1mr", "D1mr", "D1mw",     "ILmr",    "DLmr",
    "DLmw", "Bc", "Bcm", "Bi",   "Bim",  "sysCount", "sysTime",
};

/* {=== string-keyed index ===} */

/* Open addressing, owned keys. Names (C++ symbols of 1000+ characters) are hashed once per fn=
 * line; cost lines never look anything up. */
struct smap {
	char **keys;
	size_t *vals;
	size_t cap, n;
};

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

static size_t smap_slot(const struct smap *m, const char *key)
{
	size_t mask = m->cap - 1, i = hash_str(key) & mask;

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

static int smap_get(const struct smap *m, const char *key, size_t *val)
{
	size_t i;

	if (m->cap == 0)
		return 0;
	i = smap_slot(m, key);
	if (!m->keys[i])
		return 0;
	*val = m->vals[i];
	return 1;
}

static int smap_grow(struct smap *m)
{
	struct smap big = {.cap = m->cap ? m->cap * 2 : 64};

	big.keys = calloc(big.cap, sizeof(*big.keys));
	big.vals = calloc(big.cap, sizeof(*big.vals));
	if (!big.keys || !big.vals) {
		free(big.keys);
		free(big.vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i]) {
			size_t j = smap_slot(&big, m->keys[i]);
			big.keys[j] = m->keys[i];
			big.vals[j] = m->vals[i];
		}
	}
	big.n = m->n;
	free(m->keys);
	free(m->vals);
	*m = big;
	return 0;
}

/* Inserts or overwrites key. Returns 0, or -1 when out of memory. */
static int smap_put(struct smap *m, const char *key, size_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap && smap_grow(m) < 0)
		return -1;
	i = smap_slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = strdup(key);
		if (!m->keys[i])
			return -1;
		m->n++;
	}
	m->vals[i] = val;
	return 0;
}

static void smap_free(struct smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* }=== */

/* {=== parser state ===} */

enum name_space { NS_FILE = 'f', NS_FN = 'n', NS_OB = 'o' };

struct parser {
	const char *name; /* for messages */
	size_t lineno;    /* 0 for errors about the whole file */
	char *err;
	size_t errlen;
	struct cg_profile *p;

	char **names; /* interned names; index 0 is "???" */
	size_t n_names, cap_names;
	struct smap interned;   /* name -> index in names */
	struct smap ids;        /* "<namespace><id>" -> index in names (name compression) */
	struct smap fn_index;   /* "<name>,<file>,<object>" -> index in p->functions */
	struct smap call_index; /* "<caller>,<callee>" -> index in p->calls */
	size_t cap_functions, cap_calls;

	int *col_event; /* events: column -> enum cg_event, -1 for events we do not track */
	size_t n_cols;
	size_t n_pos; /* position columns before the costs */
	int seen_events;

	size_t ob, fl, file; /* object, fl= file, file in force after fi=/fe= */
	long fn;             /* current function, -1 before the first fn= */
	size_t cob, cfi;
	int has_cob, has_cfi;
	long callee; /* target of the next calls=, -1 until cfn= */
	int in_call; /* the previous line was calls=: this cost line is the call's */
	uint64_t call_count;

	uint64_t part_self[CG_EVENTS];  /* this part's self cost lines, summed */
	uint64_t part_total[CG_EVENTS]; /* this part's totals:/summary:, when has_total */
	int has_total;
};

static int fail(struct parser *ps, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (ps->err && ps->errlen > 0) {
		if (ps->lineno > 0)
			snprintf(ps->err, ps->errlen, "%s:%zu: %s", ps->name, ps->lineno, why);
		else
			snprintf(ps->err, ps->errlen, "%s: %s", ps->name, why);
	}
	return -1;
}

static int nomem(struct parser *ps)
{
	return fail(ps, "out of memory");
}

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

/* Returns the index of name in ps->names, adding it the first time. */
static int intern(struct parser *ps, const char *name, size_t *idx)
{
	char *copy;

	if (smap_get(&ps->interned, name, idx))
		return 0;
	if (grow((void **)&ps->names, &ps->cap_names, ps->n_names + 1, sizeof(char *)) < 0)
		return nomem(ps);
	copy = strdup(name);
	if (!copy)
		return nomem(ps);
	ps->names[ps->n_names] = copy;
	*idx = ps->n_names++;
	if (smap_put(&ps->interned, name, *idx) < 0)
		return nomem(ps);
	return 0;
}

static void parser_free(struct parser *ps)
{
	for (size_t i = 0; i < ps->n_names; i++)
		free(ps->names[i]);
	free(ps->names);
	smap_free(&ps->interned);
	smap_free(&ps->ids);
	smap_free(&ps->fn_index);
	smap_free(&ps->call_index);
	free(ps->col_event);
}

/* }=== */

/* {=== numbers and positions ===} */

/* Reads a whole token [s, s+n) as a decimal or 0x-hex unsigned number, refusing overflow. */
static int parse_num(const char *s, size_t n, uint64_t *v)
{
	int base = 10;
	uint64_t x = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d;
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return -1;
		if (x > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		x = x * (uint64_t)base + (uint64_t)d;
	}
	*v = x;
	return 0;
}

/* A subposition: absolute ("42", "0x4a0"), relative ("+3", "-2") or the same ("*"). Only its
 * shape matters: costs are summed per function, never per line or address. */
static int is_subposition(const char *s, size_t n)
{
	uint64_t v;

	if (n == 1 && s[0] == '*')
		return 1;
	if (n > 1 && (s[0] == '+' || s[0] == '-'))
		return parse_num(s + 1, n - 1, &v) == 0;
	return parse_num(s, n, &v) == 0;
}

/* Next space- or tab-separated token after *pos; returns its length, 0 at the end. */
static size_t next_token(const char **pos, const char **tok)
{
	const char *s = *pos + strspn(*pos, " \t");
	size_t n = strcspn(s, " \t");

	*tok = s;
	*pos = s + n;
	return n;
}

static int is_cost_start(char c)
{
	return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '*';
}

/* Reads up to n_cols costs from s into cost[] (by event), the missing ones being zero. */
static int parse_costs(struct parser *ps, const char *s, uint64_t cost[CG_EVENTS])
{
	const char *tok;
	size_t n, col = 0;

	memset(cost, 0, CG_EVENTS * sizeof(cost[0]));
	while ((n = next_token(&s, &tok)) > 0) {
		uint64_t v;
		if (col >= ps->n_cols)
			return fail(ps, "more costs than the %zu events declared", ps->n_cols);
		if (parse_num(tok, n, &v) < 0)
			return fail(ps, "bad cost '%.*s'", (int)(n > 40 ? 40 : n), tok);
		if (ps->col_event[col] >= 0)
			cost[ps->col_event[col]] += v;
		col++;
	}
	return 0;
}

/* }=== */

/* {=== functions and calls ===} */

static int find_function(struct parser *ps, size_t name, size_t file, size_t obj, long *fn)
{
	struct cg_profile *p = ps->p;
	struct cg_function *f;
	char key[80];
	size_t idx;

	snprintf(key, sizeof(key), "%zu,%zu,%zu", name, file, obj);
	if (smap_get(&ps->fn_index, key, &idx)) {
		*fn = (long)idx;
		return 0;
	}
	if (grow((void **)&p->functions, &ps->cap_functions, p->n_functions + 1, sizeof(*f)) < 0)
		return nomem(ps);
	f = &p->functions[p->n_functions];
	memset(f, 0, sizeof(*f));
	f->name = strdup(ps->names[name]);
	f->file = strdup(ps->names[file]);
	f->object = strdup(ps->names[obj]);
	p->n_functions++; /* counted first, so cg_free frees a half-made entry */
	if (!f->name || !f->file || !f->object ||
	    smap_put(&ps->fn_index, key, p->n_functions - 1) < 0)
		return nomem(ps);
	*fn = (long)(p->n_functions - 1);
	return 0;
}

/* fn= starts a block of the function's cost lines; blocks of one function are merged because
 * they map to the same (name, fl= file, object). */
static int enter_function(struct parser *ps, size_t name)
{
	ps->file = ps->fl;
	ps->callee = -1;
	ps->has_cob = ps->has_cfi = 0;
	return find_function(ps, name, ps->fl, ps->ob, &ps->fn);
}

/* cfn= names the callee; as callgrind writes it, cfi=/cob= appear only when the callee's file
 * or object differs from the caller's current ones, and hold for this cfn= only. */
static int set_callee(struct parser *ps, size_t name)
{
	size_t file = ps->has_cfi ? ps->cfi : ps->file;
	size_t obj = ps->has_cob ? ps->cob : ps->ob;

	ps->has_cob = ps->has_cfi = 0;
	return find_function(ps, name, file, obj, &ps->callee);
}

static int add_call(struct parser *ps, const uint64_t cost[CG_EVENTS])
{
	struct cg_profile *p = ps->p;
	struct cg_call *c;
	char key[64];
	size_t idx;

	snprintf(key, sizeof(key), "%ld,%ld", ps->fn, ps->callee);
	if (!smap_get(&ps->call_index, key, &idx)) {
		if (grow((void **)&p->calls, &ps->cap_calls, p->n_calls + 1, sizeof(*c)) < 0)
			return nomem(ps);
		idx = p->n_calls++;
		memset(&p->calls[idx], 0, sizeof(*c));
		p->calls[idx].caller = (size_t)ps->fn;
		p->calls[idx].callee = (size_t)ps->callee;
		if (smap_put(&ps->call_index, key, idx) < 0)
			return nomem(ps);
	}
	c = &p->calls[idx];
	c->count += ps->call_count;
	for (int e = 0; e < CG_EVENTS; e++)
		c->inclusive[e] += cost[e];
	p->functions[ps->callee].calls_in += ps->call_count;
	return 0;
}

/* }=== */

/* {=== body lines ===} */

/* "(12) name" defines id 12, "(12)" reuses it, anything else is the name itself. There is one
 * id space per namespace: fl/fi/fe/cfi/cfl/jfi share one, fn/cfn/jfn another, ob/cob a third. */
static int resolve_name(struct parser *ps, enum name_space ns, const char *val, size_t *idx)
{
	char key[32];
	const char *close;
	uint64_t id;

	if (val[0] != '(' || val[1] < '0' || val[1] > '9') {
		if (val[0] == '\0')
			return fail(ps, "empty name");
		return intern(ps, val, idx);
	}
	close = strchr(val, ')');
	if (!close || parse_num(val + 1, (size_t)(close - val - 1), &id) < 0)
		return fail(ps, "bad name id '%.40s'", val);
	snprintf(key, sizeof(key), "%c%llu", (char)ns, (unsigned long long)id);
	val = close + 1 + strspn(close + 1, " \t");
	if (*val == '\0') {
		if (!smap_get(&ps->ids, key, idx))
			return fail(ps, "name id (%llu) used before it was defined",
			            (unsigned long long)id);
		return 0;
	}
	if (intern(ps, val, idx) < 0)
		return -1;
	return smap_put(&ps->ids, key, *idx) < 0 ? nomem(ps) : 0;
}

static int parse_calls(struct parser *ps, const char *val)
{
	const char *tok, *s = val;
	size_t n, npos = 0;

	if (ps->fn < 0)
		return fail(ps, "calls= before fn=");
	if (ps->callee < 0)
		return fail(ps, "calls= without cfn=");
	n = next_token(&s, &tok);
	if (n == 0 || parse_num(tok, n, &ps->call_count) < 0)
		return fail(ps, "bad call count in 'calls=%.40s'", val);
	while ((n = next_token(&s, &tok)) > 0) {
		if (!is_subposition(tok, n) || ++npos > ps->n_pos)
			return fail(ps, "bad target position in 'calls=%.40s'", val);
	}
	if (npos == 0)
		return fail(ps, "calls= without a target position");
	ps->in_call = 1;
	return 0;
}

enum spec_action { SET_OB, SET_FL, SET_FI, SET_FN, SET_COB, SET_CFI, SET_CFN, ONLY_NAME };

static const struct {
	const char *key;
	enum name_space ns;
	enum spec_action act;
} specs[] = {
    {"ob", NS_OB, SET_OB},
    {"fl", NS_FILE, SET_FL},
    {"fi", NS_FILE, SET_FI},
    {"fe", NS_FILE, SET_FI},
    {"fn", NS_FN, SET_FN},
    {"cob", NS_OB, SET_COB},
    {"cfi", NS_FILE, SET_CFI},
    {"cfl", NS_FILE, SET_CFI},
    {"cfn", NS_FN, SET_CFN},
    /* jump targets: ignored, but their names may define ids used later */
    {"jfi", NS_FILE, ONLY_NAME},
    {"jfn", NS_FN, ONLY_NAME},
};

static int apply_spec(struct parser *ps, enum spec_action act, size_t idx)
{
	switch (act) {
	case SET_OB:
		ps->ob = idx;
		break;
	case SET_FL:
		ps->fl = ps->file = idx;
		break;
	case SET_FI:
		ps->file = idx;
		break;
	case SET_FN:
		return enter_function(ps, idx);
	case SET_COB:
		ps->cob = idx;
		ps->has_cob = 1;
		break;
	case SET_CFI:
		ps->cfi = idx;
		ps->has_cfi = 1;
		break;
	case SET_CFN:
		return set_callee(ps, idx);
	case ONLY_NAME:
		break;
	}
	return 0;
}

/* A "key=value" line. */
static int parse_spec(struct parser *ps, const char *key, size_t klen, const char *val)
{
	size_t idx;

	if (klen == 5 && !strncmp(key, "calls", 5))
		return parse_calls(ps, val);
	/* jumps carry no cost; ln= comes with --dump-bbs */
	if ((klen == 4 && (!strncmp(key, "jump", 4) || !strncmp(key, "jcnd", 4))) ||
	    (klen == 2 && !strncmp(key, "ln", 2)))
		return 0;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		if (strlen(specs[i].key) != klen || strncmp(specs[i].key, key, klen) != 0)
			continue;
		if (resolve_name(ps, specs[i].ns, val, &idx) < 0)
			return -1;
		return apply_spec(ps, specs[i].act, idx);
	}
	return fail(ps, "unknown line '%.*s='", (int)(klen > 40 ? 40 : klen), key);
}

static int parse_cost_line(struct parser *ps, const char *line)
{
	uint64_t cost[CG_EVENTS];
	const char *tok, *s = line;

	if (!ps->seen_events)
		return fail(ps, "cost line before 'events:'");
	if (ps->fn < 0)
		return fail(ps, "cost line before 'fn='");
	for (size_t i = 0; i < ps->n_pos; i++) {
		size_t n = next_token(&s, &tok);
		if (n == 0 || !is_subposition(tok, n))
			return fail(ps, "malformed cost line '%.40s'", line);
	}
	if (parse_costs(ps, s, cost) < 0)
		return -1;
	if (ps->in_call) {
		ps->in_call = 0;
		return add_call(ps, cost);
	}
	for (int e = 0; e < CG_EVENTS; e++) {
		ps->p->functions[ps->fn].self[e] += cost[e];
		ps->part_self[e] += cost[e];
	}
	return 0;
}

/* }=== */

/* {=== header lines ===} */

static int parse_events(struct parser *ps, const char *val)
{
	const char *tok, *s = val;
	size_t n;

	ps->n_cols = 0;
	while ((n = next_token(&s, &tok)) > 0) {
		int ev = -1;
		for (int e = 0; e < CG_EVENTS; e++) {
			if (strlen(event_names[e]) == n && !strncmp(event_names[e], tok, n))
				ev = e;
		}
		if (ps->n_cols % 16 == 0) {
			int *c = realloc(ps->col_event, (ps->n_cols + 16) * sizeof(*c));
			if (!c)
				return nomem(ps);
			ps->col_event = c;
		}
		ps->col_event[ps->n_cols++] = ev;
		if (ev >= 0)
			ps->p->has[ev] = 1;
	}
	if (ps->n_cols == 0)
		return fail(ps, "'events:' names no event");
	ps->seen_events = 1;
	return 0;
}

static int parse_positions(struct parser *ps, const char *val)
{
	const char *tok, *s = val;
	size_t n;

	ps->n_pos = 0;
	while ((n = next_token(&s, &tok)) > 0) {
		if (!(n == 4 && !strncmp(tok, "line", 4)) &&
		    !(n == 5 && !strncmp(tok, "instr", 5)) && !(n == 2 && !strncmp(tok, "bb", 2)))
			return fail(ps, "unknown position '%.*s'", (int)(n > 40 ? 40 : n), tok);
		ps->n_pos++;
	}
	if (ps->n_pos == 0)
		return fail(ps, "'positions:' names no position");
	return 0;
}

/* totals:/summary: of one part: the last one wins, because callgrind writes "summary: 0" (or,
 * in combined dumps, a wrapped-around difference) at the top and the true totals: at the end.
 * An all-zero line says nothing, as callgrind_annotate reads it. */
static int parse_totals(struct parser *ps, const char *val)
{
	uint64_t cost[CG_EVENTS];
	int any = 0;

	if (!ps->seen_events)
		return fail(ps, "totals before 'events:'");
	if (parse_costs(ps, val, cost) < 0)
		return -1;
	for (int e = 0; e < CG_EVENTS; e++)
		any |= cost[e] != 0;
	if (any) {
		memcpy(ps->part_total, cost, sizeof(cost));
		ps->has_total = 1;
	}
	return 0;
}

/* Adds the part just read to the profile's totals: its totals line, else its cost lines. */
static void flush_part(struct parser *ps)
{
	for (int e = 0; e < CG_EVENTS; e++)
		ps->p->totals[e] += ps->has_total ? ps->part_total[e] : ps->part_self[e];
	memset(ps->part_self, 0, sizeof(ps->part_self));
	ps->has_total = 0;
}

static int set_cmd(struct parser *ps, const char *val)
{
	free(ps->p->cmd);
	ps->p->cmd = strdup(val);
	return ps->p->cmd ? 0 : nomem(ps);
}

/* A "key: value" line. Unknown keys (thread:, event:, desc: ...) say nothing about costs. */
static int parse_header(struct parser *ps, const char *key, size_t klen, const char *val)
{
	uint64_t v;

#define KEY(k) (klen == sizeof(k) - 1 && !strncmp(key, k, klen))
	if (KEY("events"))
		return parse_events(ps, val);
	if (KEY("positions"))
		return parse_positions(ps, val);
	if (KEY("summary") || KEY("totals"))
		return parse_totals(ps, val);
	if (KEY("part"))
		flush_part(ps);
	if (KEY("cmd"))
		return set_cmd(ps, val);
	if (KEY("pid")) {
		if (parse_num(val, strlen(val), &v) < 0 || v > (uint64_t)LONG_MAX)
			return fail(ps, "bad pid '%.40s'", val);
		ps->p->pid = (long)v;
	}
	if (KEY("version") && strcmp(val, "1") != 0 && strcmp(val, "0") != 0)
		return fail(ps, "format version '%.40s' is not 1", val);
#undef KEY
	return 0;
}

/* }=== */

static int parse_line(struct parser *ps, char *line)
{
	size_t end = strlen(line), klen;

	/* a trailing space ends every "calls=" line callgrind writes; CR comes from copies */
	while (end > 0 && (line[end - 1] == '\r' || line[end - 1] == ' ' || line[end - 1] == '\t'))
		line[--end] = '\0';
	if (end == 0 || line[0] == '#')
		return 0;
	if (ps->in_call && !is_cost_start(line[0]))
		return fail(ps, "calls= line not followed by a cost line");
	klen = strspn(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	if (klen > 0 && !(line[0] >= '0' && line[0] <= '9')) {
		if (line[klen] == '=')
			return parse_spec(ps, line, klen, line + klen + 1);
		if (line[klen] == ':')
			return parse_header(ps, line, klen,
			                    line + klen + 1 + strspn(line + klen + 1, " \t"));
	}
	if (is_cost_start(line[0]))
		return parse_cost_line(ps, line);
	return fail(ps, "malformed line '%.40s'", line);
}

/* inclusive = self + the calls to other functions; a call to itself (direct recursion) is
 * already in self, and adding it would count those instructions twice. */
static void sum_inclusive(struct cg_profile *p)
{
	for (size_t i = 0; i < p->n_functions; i++)
		memcpy(p->functions[i].inclusive, p->functions[i].self,
		       sizeof(p->functions[i].self));
	for (size_t i = 0; i < p->n_calls; i++) {
		struct cg_call *c = &p->calls[i];
		if (c->caller == c->callee)
			continue;
		for (int e = 0; e < CG_EVENTS; e++)
			p->functions[c->caller].inclusive[e] += c->inclusive[e];
	}
}

static int parse_all(struct parser *ps, char *text)
{
	size_t unknown;

	if (intern(ps, "???", &unknown) < 0)
		return -1;
	ps->ob = ps->fl = ps->file = unknown;
	ps->fn = ps->callee = -1;
	ps->n_pos = 1; /* positions: defaults to "line" */
	for (char *line = text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ps->lineno++;
		if (parse_line(ps, line) < 0)
			return -1;
		/* callgrind ends every dump with "totals:"; a file cut between lines does not */
		if (line[strspn(line, " \t")] != '\0')
			ps->p->complete = strncmp(line, "totals:", 7) == 0;
	}
	ps->lineno = 0;
	if (ps->in_call)
		return fail(ps, "file ends after a calls= line");
	if (!ps->seen_events)
		return fail(ps, "no 'events:' line (empty or not a callgrind file)");
	flush_part(ps);
	sum_inclusive(ps->p);
	return 0;
}

int cg_parse_text(const char *name, const char *text, struct cg_profile *p, char *err,
                  size_t errlen)
{
	struct parser ps = {.name = name ? name : "(text)", .err = err, .errlen = errlen, .p = p};
	char *copy;
	int rc;

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	if (!text)
		return fail(&ps, "no text");
	copy = strdup(text);
	if (!copy)
		return nomem(&ps);
	rc = parse_all(&ps, copy);
	free(copy);
	parser_free(&ps);
	if (rc < 0)
		cg_free(p);
	return rc;
}

int cg_parse_file(const char *path, struct cg_profile *p, char *err, size_t errlen)
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
	rc = cg_parse_text(path, text, p, err, errlen);
	free(text);
	return rc;
}

void cg_free(struct cg_profile *p)
{
	for (size_t i = 0; i < p->n_functions; i++) {
		free(p->functions[i].name);
		free(p->functions[i].file);
		free(p->functions[i].object);
	}
	free(p->functions);
	free(p->calls);
	free(p->cmd);
	memset(p, 0, sizeof(*p));
	p->pid = -1;
}

const struct cg_function *cg_find(const struct cg_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_functions; i++) {
		if (strcmp(p->functions[i].name, name) == 0)
			return &p->functions[i];
	}
	return NULL;
}

static int in_list(const char *name, const char *const *list)
{
	for (; list && *list; list++) {
		if (strcmp(*list, name) == 0)
			return 1;
	}
	return 0;
}

uint64_t cg_calls_to(const struct cg_profile *p, const char *name, const char *const *exclude)
{
	uint64_t n = 0;

	for (size_t i = 0; i < p->n_calls; i++) {
		const struct cg_call *c = &p->calls[i];
		if (strcmp(p->functions[c->callee].name, name) == 0 &&
		    !in_list(p->functions[c->caller].name, exclude))
			n += c->count;
	}
	return n;
}

/* glibc's internal helpers that forward an entry point's call to another entry point. The
 * compiler may suffix a clone (_mid_memalign.constprop.0), so a name matches up to a '.'. */
static int is_forwarding_helper(const char *name)
{
	static const char *const helpers[] = {"_mid_memalign", NULL};
	for (const char *const *h = helpers; *h; h++) {
		size_t n = strlen(*h);
		if (strncmp(name, *h, n) == 0 && (name[n] == '\0' || name[n] == '.'))
			return 1;
	}
	return 0;
}

uint64_t cg_allocation_calls(const struct cg_profile *p, const char *const *entry_points)
{
	uint64_t n = 0;

	for (size_t i = 0; i < p->n_calls; i++) {
		const struct cg_call *c = &p->calls[i];
		const char *caller = p->functions[c->caller].name;
		if (in_list(p->functions[c->callee].name, entry_points) &&
		    !in_list(caller, entry_points) && !is_forwarding_helper(caller))
			n += c->count;
	}
	return n;
}
