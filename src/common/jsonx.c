/* SPDX-License-Identifier: ISC */
#include "common/jsonx.h"

#include <malloc.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"

static int
jx_depth_ok(const json_t *v, int depth)
{
	const char *k;
	json_t *child;
	size_t i;

	if (depth > JX_MAX_DEPTH)
		return 0;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)(uintptr_t)v, k, child)
			if (!jx_depth_ok(child, depth + 1))
				return 0;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if (!jx_depth_ok(child, depth + 1))
				return 0;
	}
	return 1;
}

/*
 * jansson's messages quote the input near the error ("near 'hunter2'"),
 * which may be a password: keep only the description, never the bytes.
 */
static void
jx_describe(const json_error_t *je, struct err *e)
{
	char what[sizeof(je->text)];
	char *near;

	str_copy(what, sizeof(what), je->text);
	near = strstr(what, " near ");
	if (near != NULL)
		*near = '\0';
	if (strstr(what, "JSON_ALLOW_NUL") != NULL)
		str_copy(what, sizeof(what), "\\u0000 is not allowed in "
		    "strings");
	err_bad_request(e, "malformed JSON at line %d, column %d: %s",
	    je->line, je->column, what);
}

json_t *
jx_parse_object(const char *data, size_t len, struct err *e)
{
	json_error_t je;
	json_t *v;

	if (len == 0) {
		err_bad_request(e, "request body is empty; a JSON object is "
		    "expected");
		return NULL;
	}
	v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (v == NULL) {
		jx_describe(&je, e);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		err_bad_request(e, "request body must be a JSON object");
		return NULL;
	}
	if (!jx_depth_ok(v, 0)) {
		json_decref(v);
		err_bad_request(e, "JSON nested deeper than %d levels",
		    JX_MAX_DEPTH);
		return NULL;
	}
	return v;
}

int
jx_only(const json_t *obj, const char *const *allowed, struct err *e)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)(uintptr_t)obj, k, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(k, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			char shown[48];

			/* Long names are shown cut short. */
			if (str_is_clean_utf8(k, strlen(k)))
				(void)str_copy(shown, sizeof(shown), k);
			else
				str_copy(shown, sizeof(shown), "(unprintable)");
			return err_bad_request(e, "unknown field '%s'", shown);
		}
	}
	return 0;
}

int
jx_str(const char **out, const json_t *obj, const char *key, size_t min,
    size_t max, int flags, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	size_t n;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (flags & JX_REQUIRED)
			return err_bad_request(e, "field '%s' is required",
			    key);
		return 0;
	}
	if (!json_is_string(v))
		return err_bad_request(e, "field '%s' must be a string", key);
	n = json_string_length(v);
	if (n < min || n > max)
		return err_bad_request(e, "field '%s' must be %zu to %zu "
		    "bytes long", key, min, max);
	if ((flags & JX_CLEAN) && !str_is_clean_utf8(json_string_value(v), n))
		return err_bad_request(e, "field '%s' must not contain "
		    "control characters", key);
	*out = json_string_value(v);
	return 0;
}

int
jx_int(int64_t *out, const json_t *obj, const char *key, int64_t min,
    int64_t max, int flags, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	json_int_t n;

	if (v == NULL || json_is_null(v)) {
		if (flags & JX_REQUIRED)
			return err_bad_request(e, "field '%s' is required",
			    key);
		return 0;
	}
	if (!json_is_integer(v))
		return err_bad_request(e, "field '%s' must be an integer",
		    key);
	n = json_integer_value(v);
	if (n < min || n > max)
		return err_bad_request(e, "field '%s' must be between %lld "
		    "and %lld", key, (long long)min, (long long)max);
	*out = n;
	return 0;
}

int
jx_enum(int *out, const json_t *obj, const char *key,
    const char *const *values, int flags, struct err *e)
{
	const char *s;
	int i;

	*out = -1;
	if (jx_str(&s, obj, key, 1, 64, flags, e) == -1)
		return -1;
	if (s == NULL)
		return 0;
	for (i = 0; values[i] != NULL; i++)
		if (strcmp(s, values[i]) == 0) {
			*out = i;
			return 0;
		}
	return err_bad_request(e, "field '%s' has an unknown value", key);
}

char *
jx_dump(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/*
 * Blocks are plain malloc blocks, so text jansson returns (json_dumps) may
 * be released with free() as before; the wipe takes the block's size from
 * the allocator (glibc's malloc_usable_size), not from a header.
 */
static void
wiping_free(void *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

void
jx_wipe_on_free(void)
{
	json_set_alloc_funcs(malloc, wiping_free);
}
