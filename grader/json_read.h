/* json_read.h: a small JSON reader for the grader's own reports (schema v1), which a batch reads
 * back from each child grader: one whole value per text, nothing after it, depth-limited. */
#ifndef JSON_READ_H
#define JSON_READ_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	double number;            /* JSON_NUMBER, JSON_BOOL (0 or 1) */
	char *string;             /* JSON_STRING: NUL-terminated, \u escapes as UTF-8 */
	struct json_value *items; /* JSON_ARRAY and JSON_OBJECT: n values */
	char **keys;              /* JSON_OBJECT: n keys */
	size_t n;
};

/* Parses text[0..len) as exactly one JSON value (whitespace around it allowed, anything else
 * after it is an error: a report with extra bytes was tampered with). Returns a tree to free
 * with json_free, or NULL with a one-line reason in err. */
struct json_value *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json_value *v);

/* The member key of object v, or NULL when v is not an object or has no such key. */
const struct json_value *json_get(const struct json_value *v, const char *key);

/* Member key as a number / string, or fallback when absent or of another type. */
double json_number_or(const struct json_value *v, const char *key, double fallback);
const char *json_string_or(const struct json_value *v, const char *key, const char *fallback);
/* 1 when member key of v is the JSON literal true; 0 when it is false, missing or not a bool. */
int json_is_true(const struct json_value *v, const char *key);

#endif
