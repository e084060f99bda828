/* SPDX-License-Identifier: ISC */
/*
 * proof: the JSON forms of proofs and entries.  They come back from files
 * (custos verify) and from the network, so every field is taken through
 * jsonx with its range, every hash must be base64 of exactly 32 bytes, and
 * a refusal is a 400 naming the field.  Unknown fields are ignored: an
 * entry carries its event beside the leaf.
 */
#include "tlog/proof.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/b64.h"
#include "common/jsonx.h"

int
proof_decode_hashes(merkle_hash *out, size_t max, size_t *n,
    const json_t *array, const char *field, struct err *e)
{
	uint8_t h[MERKLE_HASH + 1];
	const json_t *item;
	size_t i, count, len;

	*n = 0;
	if (array == NULL)
		return err_bad_request(e, "field '%s' is required", field);
	if (!json_is_array(array))
		return err_bad_request(e, "field '%s' must be an array", field);
	count = json_array_size(array);
	if (count > max)
		return err_bad_request(e, "field '%s' has more than %zu hashes",
		    field, max);
	for (i = 0; i < count; i++) {
		item = json_array_get(array, i);
		if (!json_is_string(item) ||
		    b64_decode(h, sizeof(h), &len, json_string_value(item),
		    json_string_length(item)) == -1 || len != MERKLE_HASH)
			return err_bad_request(e, "field '%s' item %zu must be "
			    "base64 of a %d-byte hash", field, i, MERKLE_HASH);
		memcpy(out[i], h, MERKLE_HASH);
	}
	*n = count;
	return 0;
}

json_t *
proof_encode_hashes(const merkle_hash *h, size_t n)
{
	char b64[sodium_base64_ENCODED_LEN(MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL)];
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		sodium_bin2base64(b64, sizeof(b64), h[i], MERKLE_HASH,
		    sodium_base64_VARIANT_ORIGINAL);
		if (json_array_append_new(a, json_string(b64)) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static int
parse_pair(struct proof *p, const json_t *o, const char *ka,
    const char *kb, struct err *e)
{
	p->a = p->b = 0;
	p->n = 0;
	if (!json_is_object(o))
		return err_bad_request(e, "proof must be a JSON object");
	if (jx_int(&p->a, o, ka, 0, INT64_MAX, JX_REQUIRED, e) == -1 ||
	    jx_int(&p->b, o, kb, 0, INT64_MAX, JX_REQUIRED, e) == -1)
		return -1;
	return proof_decode_hashes(p->hashes, MERKLE_PROOF_MAX, &p->n,
	    json_object_get(o, "hashes"), "hashes", e);
}

int
proof_parse_inclusion(struct proof *p, const json_t *o, struct err *e)
{
	return parse_pair(p, o, "index", "size", e);
}

int
proof_parse_consistency(struct proof *p, const json_t *o, struct err *e)
{
	return parse_pair(p, o, "old", "new", e);
}

int
proof_parse_entry(int64_t *index, uint8_t **leaf, size_t *len,
    const json_t *o, struct err *e)
{
	const size_t b64max = sodium_base64_ENCODED_LEN(PROOF_LEAF_MAX,
	    sodium_base64_VARIANT_ORIGINAL) - 1;
	const char *s;
	uint8_t *bytes;
	size_t slen, max;

	*leaf = NULL;
	*len = 0;
	*index = 0;
	if (!json_is_object(o))
		return err_bad_request(e, "entry must be a JSON object");
	if (jx_int(index, o, "index", 0, INT64_MAX, JX_REQUIRED, e) == -1 ||
	    jx_str(&s, o, "leaf", 0, b64max, JX_REQUIRED, e) == -1)
		return -1;
	slen = strlen(s);
	if (slen != json_string_length(json_object_get(o, "leaf")))
		return err_bad_request(e, "field 'leaf' must be base64");
	max = slen / 4 * 3 + 1;
	bytes = malloc(max);
	if (bytes == NULL)
		return err_internal(e, "out of memory");
	if (b64_decode(bytes, max, len, s, slen) == -1 ||
	    *len > PROOF_LEAF_MAX) {
		free(bytes);
		*len = 0;
		return err_bad_request(e, "field 'leaf' must be base64 "
		    "(padded, RFC 4648) of at most %d bytes", PROOF_LEAF_MAX);
	}
	*leaf = bytes;
	return 0;
}
