/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/proof: the JSON proofs and entries custos verify
 * reads.  What the server encodes decodes to the same hashes; every field
 * is range- and type-checked, hashes must be padded base64 of exactly 32
 * bytes, and each refusal is a 400 naming the field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/proof.h"

/* A valid hash in base64, and the bytes it stands for. */
#define H0 "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0="
#define H1 "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c="

static json_t *
load(const char *text)
{
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	    NULL);

	if (v == NULL)
		fail_msg("test JSON does not parse: %s", text);
	return v;
}

static void
assert_400_naming(const struct err *e, const char *want)
{
	assert_int_equal(e->status, 400);
	assert_string_equal(e->code, "bad_request");
	if (strstr(e->msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", e->msg, want);
}

static void
inclusion_refused(const char *text, const char *want)
{
	struct proof p;
	struct err e;
	json_t *o = load(text);

	err_init(&e);
	if (proof_parse_inclusion(&p, o, &e) != -1)
		fail_msg("accepted: %s", text);
	assert_400_naming(&e, want);
	json_decref(o);
}

static void
encoded_hashes_decode_to_the_same_bytes(void **state)
{
	merkle_hash h[MERKLE_PROOF_MAX], back[MERKLE_PROOF_MAX];
	struct proof p;
	struct err e;
	json_t *a, *o;
	size_t n;

	randombytes_buf(h, sizeof(h));
	for (n = 0; n <= MERKLE_PROOF_MAX; n += 7) {
		a = proof_encode_hashes((const merkle_hash *)h, n);
		assert_non_null(a);
		assert_int_equal(json_array_size(a), n);
		err_init(&e);
		assert_int_equal(proof_decode_hashes(back, MERKLE_PROOF_MAX,
		    &p.n, a, "hashes", &e), 0);
		assert_int_equal(p.n, n);
		if (n > 0)
			assert_memory_equal(back, h, n * MERKLE_HASH);
		o = json_pack("{s:I,s:I,s:O}", "index", (json_int_t)3,
		    "size", (json_int_t)9, "hashes", a);
		assert_int_equal(proof_parse_inclusion(&p, o, &e), 0);
		assert_int_equal(p.a, 3);
		assert_int_equal(p.b, 9);
		assert_int_equal(p.n, n);
		json_decref(o);
		o = json_pack("{s:I,s:I,s:O}", "old", (json_int_t)4, "new",
		    (json_int_t)INT64_MAX, "hashes", a);
		assert_int_equal(proof_parse_consistency(&p, o, &e), 0);
		assert_int_equal(p.a, 4);
		assert_int_equal(p.b, INT64_MAX);
		json_decref(o);
		json_decref(a);
	}
}

static void
api_shaped_proofs_parse(void **state)
{
	static const char ones[] = "{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\"//////////////////////////////////////////8=\"]}";
	json_t *w = load(ones);
	size_t k;

	struct proof p;
	struct err e;
	json_t *o = load("{\"index\": 0, \"size\": 8, \"hashes\": [\"" H0
	    "\", \"" H1 "\"], \"extra\": true}");
	uint8_t want[MERKLE_HASH];
	size_t len;

	err_init(&e);
	assert_int_equal(proof_parse_inclusion(&p, o, &e), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(sodium_base642bin(want, sizeof(want), H1,
	    strlen(H1), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_memory_equal(p.hashes[1], want, MERKLE_HASH);
	json_decref(o);
	o = load("{\"old\": 1, \"new\": 1, \"hashes\": []}");
	assert_int_equal(proof_parse_consistency(&p, o, &e), 0);
	assert_int_equal(p.n, 0);
	json_decref(o);
	assert_int_equal(proof_parse_inclusion(&p, w, &e), 0);
	for (k = 0; k < MERKLE_HASH; k++)
		assert_int_equal(p.hashes[0][k], 0xff);
	json_decref(w);
}

static void
numbers_must_be_non_negative_integers(void **state)
{
	inclusion_refused("{\"size\": 8, \"hashes\": []}", "'index'");
	inclusion_refused("{\"index\": -1, \"size\": 8, \"hashes\": []}",
	    "'index'");
	inclusion_refused("{\"index\": 1.5, \"size\": 8, \"hashes\": []}",
	    "'index'");
	inclusion_refused("{\"index\": \"1\", \"size\": 8, \"hashes\": []}",
	    "'index'");
	inclusion_refused("{\"index\": 1, \"size\": -8, \"hashes\": []}",
	    "'size'");
	inclusion_refused("{\"index\": 1, \"size\": null, \"hashes\": []}",
	    "'size'");
	inclusion_refused("{\"index\": 1, \"size\": true, \"hashes\": []}",
	    "'size'");
}

static void
hashes_must_be_an_array_of_padded_base64_of_32_bytes(void **state)
{
	char text[8192];
	size_t i, off;

	inclusion_refused("{\"index\": 1, \"size\": 8}", "'hashes'");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": null}",
	    "'hashes'");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": \"" H0
	    "\"}", "'hashes'");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": {}}",
	    "'hashes'");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": [1]}",
	    "'hashes' item 0");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": [null]}",
	    "'hashes' item 0");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": [\"" H0
	    "\", [\"" H0 "\"]]}", "'hashes' item 1");
	/* 31 and 33 bytes. */
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"]}", "item 0");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"]}", "item 0");
	/* Unpadded, URL-safe, with spaces, non-zero padding bits, junk. */
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\"bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0\"]}", "item 0");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\"bjQLnP-zepicpUTmu3gKLHiQHT-zNzh2hRGjBhevoB0=\"]}", "item 0");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\" bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\"]}", "item 0");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\"bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB1=\"]}", "item 0");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\"" H0 "=\"]}", "item 0");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\"" H0 "\\u0000\"]}", "item 0");
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": [\"\"]}",
	    "item 0");
	/*
	 * All-ones hash: "///...8=" decodes; with "\u00e9" (bytes c3 a9) for
	 * "//" libsodium would decode it to the same bytes: refused.
	 */
	inclusion_refused("{\"index\": 1, \"size\": 8, \"hashes\": "
	    "[\"\u00e9////////////////////////////////////////8=\"]}",
	    "item 0");
	/* One more than a proof can hold. */
	off = (size_t)snprintf(text, sizeof(text), "{\"index\": 1, "
	    "\"size\": 8, \"hashes\": [");
	for (i = 0; i <= MERKLE_PROOF_MAX; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		    "%s\"%s\"", i > 0 ? "," : "", H0);
	snprintf(text + off, sizeof(text) - off, "]}");
	inclusion_refused(text, "more than 64");
}

static void
non_objects_are_refused(void **state)
{
	struct proof p;
	struct err e;
	json_t *a = load("[1, 2]");
	int64_t index;
	uint8_t *leaf;
	size_t len;

	err_init(&e);
	assert_int_equal(proof_parse_inclusion(&p, a, &e), -1);
	assert_int_equal(e.status, 400);
	assert_int_equal(proof_parse_consistency(&p, a, &e), -1);
	assert_int_equal(proof_parse_entry(&index, &leaf, &len, a, &e), -1);
	assert_null(leaf);
	json_decref(a);
}

static void
consistency_names_old_and_new(void **state)
{
	struct proof p;
	struct err e;
	json_t *o = load("{\"index\": 1, \"size\": 2, \"hashes\": []}");

	err_init(&e);
	assert_int_equal(proof_parse_consistency(&p, o, &e), -1);
	assert_400_naming(&e, "'old'");
	json_decref(o);
	o = load("{\"old\": 1, \"new\": -2, \"hashes\": []}");
	assert_int_equal(proof_parse_consistency(&p, o, &e), -1);
	assert_400_naming(&e, "'new'");
	json_decref(o);
}

static void
entries_give_back_the_exact_leaf_bytes(void **state)
{
	uint8_t *leaf, *big;
	struct err e;
	json_t *o;
	int64_t index;
	size_t len, b64len;
	char *b64;

	err_init(&e);
	o = load("{\"index\": 7, \"leaf\": \"eyJhIjoxfQ==\", \"event\": "
	    "{\"a\": 1}}");
	assert_int_equal(proof_parse_entry(&index, &leaf, &len, o, &e), 0);
	assert_int_equal(index, 7);
	assert_int_equal(len, 7);
	assert_memory_equal(leaf, "{\"a\":1}", 7);
	free(leaf);
	json_decref(o);

	/* An empty leaf is a leaf. */
	o = load("{\"index\": 0, \"leaf\": \"\"}");
	assert_int_equal(proof_parse_entry(&index, &leaf, &len, o, &e), 0);
	assert_int_equal(len, 0);
	free(leaf);
	json_decref(o);

	/* Exactly PROOF_LEAF_MAX bytes pass; one more does not. */
	big = calloc(1, PROOF_LEAF_MAX + 3);
	assert_non_null(big);
	b64len = sodium_base64_ENCODED_LEN(PROOF_LEAF_MAX + 3,
	    sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(b64len);
	assert_non_null(b64);
	sodium_bin2base64(b64, b64len, big, PROOF_LEAF_MAX,
	    sodium_base64_VARIANT_ORIGINAL);
	o = json_pack("{s:i,s:s}", "index", 1, "leaf", b64);
	assert_int_equal(proof_parse_entry(&index, &leaf, &len, o, &e), 0);
	assert_int_equal(len, PROOF_LEAF_MAX);
	free(leaf);
	json_decref(o);
	sodium_bin2base64(b64, b64len, big, PROOF_LEAF_MAX + 1,
	    sodium_base64_VARIANT_ORIGINAL);
	o = json_pack("{s:i,s:s}", "index", 1, "leaf", b64);
	assert_int_equal(proof_parse_entry(&index, &leaf, &len, o, &e), -1);
	assert_400_naming(&e, "'leaf'");
	assert_null(leaf);
	json_decref(o);
	free(b64);
	free(big);
}

static void
entry_refusals_name_the_field(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"{\"leaf\": \"eyJhIjoxfQ==\"}", "'index'"},
		{"{\"index\": -1, \"leaf\": \"eyJhIjoxfQ==\"}", "'index'"},
		{"{\"index\": \"1\", \"leaf\": \"eyJhIjoxfQ==\"}", "'index'"},
		{"{\"index\": 1}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": 5}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": [\"eyJhIjoxfQ==\"]}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": \"eyJhIjoxfQ\"}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": \"eyJhIjoxfQ=\"}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": \"eyJhIjoxfQ===\"}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": \"eyJhIjoxfR==\"}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": \"eyJh Ijox fQ==\"}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": \"eyJhIjoxfQ==\\n\"}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": \"eyJhIjox\\u0000fQ==\"}", "'leaf'"},
		{"{\"index\": 1, \"leaf\": \"eyJh_joxfQ==\"}", "'leaf'"},
	};
	struct err e;
	json_t *o;
	uint8_t *leaf;
	int64_t index;
	size_t i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = json_loads(bad[i].text, JSON_ALLOW_NUL, NULL);
		assert_non_null(o);
		err_init(&e);
		if (proof_parse_entry(&index, &leaf, &len, o, &e) != -1)
			fail_msg("accepted: %s", bad[i].text);
		assert_400_naming(&e, bad[i].want);
		assert_null(leaf);
		json_decref(o);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encoded_hashes_decode_to_the_same_bytes),
		cmocka_unit_test(api_shaped_proofs_parse),
		cmocka_unit_test(numbers_must_be_non_negative_integers),
		cmocka_unit_test(
		    hashes_must_be_an_array_of_padded_base64_of_32_bytes),
		cmocka_unit_test(non_objects_are_refused),
		cmocka_unit_test(consistency_names_old_and_new),
		cmocka_unit_test(entries_give_back_the_exact_leaf_bytes),
		cmocka_unit_test(entry_refusals_name_the_field),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("unit.proof", tests, NULL, NULL);
}
