/* SPDX-License-Identifier: ISC */
/*
 * tenantcheck.c: see tenantcheck.h.  The cost per leaf of the log is one
 * leaf hash (SHA-256 of 50 bytes), on average one node hash, and one
 * BLAKE2b-128 of 8 bytes for the tag; only the tenant's own leaves are
 * kept (57 bytes each) and opened.
 */
#include "tlog/tenantcheck.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/entry.h"
#include "common/b64.h"
#include "tlog/merkle.h"
#include "tlog/tilepath.h"

#define SEALED_MAX (TENANTCHECK_BODY_MAX + LEAF_SEAL_OVERHEAD)

int
tenantcheck_init(struct tenantcheck *t, const struct leaf_keys *k,
    const char *tenant, const struct range *from)
{
	memset(t, 0, sizeof(*t));
	t->k = k;
	t->tenant = tenant;
	t->r = *from;
	t->from = from->size;
	buf_init_secret(&t->plain, TENANTCHECK_BODY_MAX);
	return 0;
}

void
tenantcheck_cleanup(struct tenantcheck *t)
{
	free(t->own);
	buf_cleanup(&t->plain);
	memset(t, 0, sizeof(*t));
}

/* Keeps leaf index as the tenant's.  0, or -1 when out of memory. */
static int
own_add(struct tenantcheck *t, int64_t index, const uint8_t *leaf)
{
	struct tenantcheck_own *n;
	size_t ncap;

	if (t->nown == t->cap) {
		ncap = t->cap != 0 ? t->cap * 2 : 64;
		n = realloc(t->own, ncap * sizeof(*n));
		if (n == NULL)
			return -1;
		t->own = n;
		t->cap = ncap;
	}
	t->own[t->nown].index = index;
	memcpy(t->own[t->nown].leaf, leaf, LEAF_BYTES);
	t->own[t->nown].listed = 0;
	t->nown++;
	return 0;
}

int
tenantcheck_bundle(struct tenantcheck *t, int64_t bundle,
    const uint8_t *data, size_t len, int width, struct err *e)
{
	merkle_hash h;
	int64_t first, index;
	size_t off = 0, n;
	int i;

	if (width < 1 || width > TILE_WIDTH || bundle < 0 ||
	    bundle > (INT64_MAX - TILE_WIDTH) / TILE_WIDTH)
		return err_bad_request(e, "entry bundle %" PRId64 ": width %d",
		    bundle, width);
	first = bundle * TILE_WIDTH;
	if (t->r.size < first || t->r.size >= first + width)
		return err_bad_request(e, "entry bundle %" PRId64 " (leaves %"
		    PRId64 "..%" PRId64 ") does not hold the next leaf, %"
		    PRId64, bundle, first, first + width - 1, t->r.size);
	for (i = 0; i < width; i++) {
		if (len - off < 2)
			return err_bad_request(e, "entry bundle %" PRId64
			    ": %d leaves, %d expected", bundle, i, width);
		n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len - off < n)
			return err_bad_request(e, "entry bundle %" PRId64
			    ": leaf %d is cut short", bundle, i);
		index = first + i;
		if (index >= t->r.size) {
			merkle_leaf_hash(h, data + off, n);
			if (range_append(&t->r, h) == -1)
				return err_bad_request(e, "the tree is full");
			if (n != LEAF_BYTES || data[off] != LEAF_VERSION)
				t->foreign++;
			else if (leaf_is_mine(t->k, index, data + off, n) &&
			    own_add(t, index, data + off) == -1)
				return err_internal(e, "out of memory");
		}
		off += n;
	}
	if (off != len)
		return err_bad_request(e, "entry bundle %" PRId64 ": %zu bytes "
		    "after its %d leaves", bundle, len - off, width);
	return 0;
}

void
tenantcheck_root(const struct tenantcheck *t, merkle_hash out)
{
	range_root(&t->r, out);
}

/* The tenant's leaf at index, or NULL.  own is in ascending order. */
static struct tenantcheck_own *
own_find(const struct tenantcheck *t, int64_t index)
{
	size_t lo = 0, hi = t->nown, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->own[mid].index == index)
			return &t->own[mid];
		if (t->own[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Decodes obj[key], a base64 string, into a new buffer of at most max
 * bytes.  0, or -1 with e. */
static int
b64_field(uint8_t **out, size_t *len, const json_t *obj, const char *key,
    size_t max, struct err *e)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	*len = 0;
	if (!json_is_string(v))
		return err_bad_request(e, "'%s' is missing or not a string",
		    key);
	if (json_string_length(v) > (max + 2) / 3 * 4)
		return err_bad_request(e, "'%s' is too long", key);
	*out = malloc(max > 0 ? max : 1);
	if (*out == NULL)
		return err_internal(e, "out of memory");
	if (b64_decode(*out, max, len, json_string_value(v),
	    json_string_length(v)) == -1) {
		free(*out);
		*out = NULL;
		return err_bad_request(e, "'%s' is not base64", key);
	}
	return 0;
}

/* The opened body: an entry about the tenant, equal to the event shown. */
static int
body_check(struct tenantcheck *t, int64_t index, const json_t *shown,
    struct err *e)
{
	struct entry d;
	json_error_t je;
	json_t *got;
	int rc = -1;

	got = json_loadb(t->plain.data, t->plain.len, JSON_REJECT_DUPLICATES,
	    &je);
	if (got == NULL || !json_is_object(got)) {
		err_bad_request(e, "its sealed body opens, but is not a JSON "
		    "object");
		goto out;
	}
	if (entry_read(&d, index, t->plain.data, t->plain.len) == -1) {
		err_bad_request(e, "its sealed body is not a log entry");
		goto out;
	}
	if (strcmp(d.tenant, t->tenant) != 0) {
		err_bad_request(e, "its sealed body is about tenant '%s', not "
		    "'%s'", d.tenant[0] != '\0' ? d.tenant : "(none)",
		    t->tenant);
		goto out;
	}
	if (!json_is_object(shown) || !json_equal(got, shown)) {
		err_bad_request(e, "the event shown is not its sealed body "
		    "(what the log commits to)");
		goto out;
	}
	rc = 0;
out:
	json_decref(got);
	return rc;
}

int
tenantcheck_entry(struct tenantcheck *t, const json_t *en, int64_t *index,
    struct err *e)
{
	const json_t *ix = json_object_get(en, "index");
	struct tenantcheck_own *o;
	uint8_t *leaf = NULL, *sealed = NULL;
	size_t llen, slen;
	int rc = -1;

	*index = -1;
	if (!json_is_object(en))
		return err_bad_request(e, "not an object");
	if (!json_is_integer(ix) || json_integer_value(ix) < 0)
		return err_bad_request(e, "'index' is missing or negative");
	*index = json_integer_value(ix);
	if (*index < t->from || *index >= t->r.size)
		return err_bad_request(e, "entry %" PRId64 " is outside the "
		    "range checked, [%" PRId64 ", %" PRId64 ")", *index,
		    t->from, t->r.size);
	o = own_find(t, *index);
	if (o == NULL)
		return err_bad_request(e, "entry %" PRId64 " is not the "
		    "tenant's: its leaf in the log does not carry the "
		    "tenant's tag for that index", *index);
	if (o->listed)
		return err_bad_request(e, "entry %" PRId64 " is listed twice",
		    *index);
	o->listed = 1;
	if (b64_field(&leaf, &llen, en, "leaf", LEAF_BYTES, e) == -1)
		goto out;
	if (llen != LEAF_BYTES || sodium_memcmp(leaf, o->leaf,
	    LEAF_BYTES) != 0) {
		err_bad_request(e, "its 'leaf' is not the leaf the log holds "
		    "at that index");
		goto out;
	}
	buf_reset(&t->plain);
	if (b64_field(&sealed, &slen, en, "sealed", SEALED_MAX, e) == -1 ||
	    leaf_open(&t->plain, t->k, *index, o->leaf, LEAF_BYTES, sealed,
	    slen, e) == -1 ||
	    body_check(t, *index, json_object_get(en, "event"), e) == -1)
		goto out;
	rc = 0;
out:
	free(sealed);
	free(leaf);
	return rc;
}

const struct tenantcheck_own *
tenantcheck_missing(const struct tenantcheck *t, size_t *i)
{
	while (*i < t->nown) {
		if (!t->own[(*i)++].listed)
			return &t->own[*i - 1];
	}
	return NULL;
}
