/* SPDX-License-Identifier: ISC */
/*
 * jsonx: the one parser of JSON request bodies.  Every field of outside
 * input is taken through these helpers, which check type and limits and
 * name the offending field in the 400 they produce.
 */
#ifndef CUSTOS_COMMON_JSONX_H
#define CUSTOS_COMMON_JSONX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define JX_MAX_DEPTH 16

enum {
	JX_OPTIONAL = 0,
	JX_REQUIRED = 1 << 0,
	JX_CLEAN    = 1 << 1,   /* no control characters (names, ids) */
};

/* Parses len bytes as one JSON object (no duplicate keys, valid UTF-8, no
 * NUL in strings, depth <= JX_MAX_DEPTH).  Returns a new reference or NULL
 * with a 400 in e. */
json_t *jx_parse_object(const char *data, size_t len, struct err *e)
	__attribute__((warn_unused_result));

/* Fails with "unknown field 'k'" when obj has a key not in the NULL-ended
 * allowed list. */
int jx_only(const json_t *obj, const char *const *allowed, struct err *e)
	__attribute__((warn_unused_result));

/* String field: *out points into obj (valid while obj lives), NULL when an
 * absent optional field.  Length is checked in bytes. */
int jx_str(const char **out, const json_t *obj, const char *key,
    size_t min, size_t max, int flags, struct err *e)
	__attribute__((warn_unused_result));

/* Integer field; *out is left as it was when an absent optional field. */
int jx_int(int64_t *out, const json_t *obj, const char *key, int64_t min,
    int64_t max, int flags, struct err *e)
	__attribute__((warn_unused_result));

/* String field that must be one of the NULL-ended values; *out is the
 * index, or -1 when an absent optional field. */
int jx_enum(int *out, const json_t *obj, const char *key,
    const char *const *values, int flags, struct err *e)
	__attribute__((warn_unused_result));

/* Compact, key-order-preserving dump; caller frees. */
char *jx_dump(const json_t *v);

/*
 * Makes jansson wipe every block it frees: parsed bodies and built answers
 * carry passwords, codes and tokens.  Call once at start, before any JSON
 * is made (custosd and custos both do).
 */
void jx_wipe_on_free(void);

#endif
