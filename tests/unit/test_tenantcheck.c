/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/tenantcheck, the core of custos verify --tenant:
 * bundles must come in order and hold exactly their leaves; a bundle
 * fetched again from the middle (a partial one grown full) appends only
 * the new leaves; the tenant's leaves are found by tag and an answer that
 * leaves one out, lists one twice or lists another's is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <string.h>

#include "common/buf.h"
#include "tlog/leaf.h"
#include "tlog/merkle.h"
#include "tlog/range.h"
#include "tlog/tenantcheck.h"

#define N 300                   /* leaves: bundle 0 full, bundle 1 of 44 */
#define EV "{\"v\":1,\"time\":\"2026-11-21T08:18:27.616Z\",\"actor\":" \
	"{\"kind\":\"engineer\",\"id\":\"eng1\",\"vendor\":\"sitel\"}," \
	"\"session\":null,\"device\":null,\"source\":null,\"action\":" \
	"\"user.list\",\"tenant\":\"acme\",\"target\":null,\"outcome\":" \
	"\"allowed\",\"reason\":null}"

static struct leaf_keys k, other;
static uint8_t leaves[N][LEAF_BYTES];
static json_t *mine[N];         /* the tenant's entry objects, or NULL */

static json_t *
b64(const void *p, size_t n)
{
	char s[1024];

	sodium_bin2base64(s, sizeof(s), p, n, sodium_base64_VARIANT_ORIGINAL);
	return json_string(s);
}

static int
setup(void **state)
{
	uint8_t lk[LEAF_KEY_BYTES];
	struct buf body;
	struct err e;
	int i;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	memset(lk, 1, sizeof(lk));
	leaf_keys_derive(&k, lk);
	memset(lk, 2, sizeof(lk));
	leaf_keys_derive(&other, lk);
	buf_init(&body, 4096);
	for (i = 0; i < N; i++) {
		buf_reset(&body);
		err_init(&e);
		if (leaf_seal(leaves[i], &body, i % 7 == 0 ? &k : &other, i, EV,
		    strlen(EV), &e) == -1)
			return -1;
		if (i % 7 == 0)
			mine[i] = json_pack("{s:i,s:o,s:o,s:o}", "index", i,
			    "leaf", b64(leaves[i], LEAF_BYTES), "sealed",
			    b64(body.data, body.len), "event",
			    json_loads(EV, 0, NULL));
	}
	buf_cleanup(&body);
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < N; i++)
		json_decref(mine[i]);
	return 0;
}

/* Bundle idx of width leaves into b. */
static void
bundle(struct buf *b, int64_t idx, int width)
{
	uint8_t be[2] = {0, LEAF_BYTES};
	int i;

	buf_reset(b);
	for (i = 0; i < width; i++) {
		assert_int_equal(buf_append(b, be, 2), 0);
		assert_int_equal(buf_append(b, leaves[idx * 256 + i],
		    LEAF_BYTES), 0);
	}
}

static void
feed(struct tenantcheck *t, struct buf *b, int64_t idx, int width)
{
	struct err e;

	err_init(&e);
	bundle(b, idx, width);
	assert_int_equal(tenantcheck_bundle(t, idx, (const uint8_t *)b->data,
	    b->len, width, &e), 0);
}

static void
the_root_is_the_trees_and_the_tenants_leaves_are_found(void **state)
{
	struct tenantcheck t;
	merkle_hash root, want, h;
	struct range r;
	struct buf b;
	int i;

	(void)state;
	buf_init(&b, 1 << 16);
	range_init(&r);
	assert_int_equal(tenantcheck_init(&t, &k, "acme", &r), 0);
	feed(&t, &b, 0, 256);
	feed(&t, &b, 1, N - 256);
	tenantcheck_root(&t, root);
	for (i = 0; i < N; i++) {
		merkle_leaf_hash(h, leaves[i], LEAF_BYTES);
		assert_int_equal(range_append(&r, h), 0);
	}
	range_root(&r, want);
	assert_memory_equal(root, want, MERKLE_HASH);
	assert_int_equal(t.nown, (N + 6) / 7);
	assert_int_equal(t.foreign, 0);
	tenantcheck_cleanup(&t);
	buf_cleanup(&b);
}

static void
a_bundle_refetched_grown_appends_only_its_new_leaves(void **state)
{
	struct tenantcheck t, u;
	merkle_hash r1, r2;
	struct range r;
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 16);
	range_init(&r);
	assert_int_equal(tenantcheck_init(&t, &k, "acme", &r), 0);
	feed(&t, &b, 0, 200);                   /* a partial bundle 0 */
	assert_int_equal(tenantcheck_init(&u, &k, "acme", &t.r), 0);
	feed(&u, &b, 0, 256);                   /* now full */
	feed(&u, &b, 1, N - 256);
	tenantcheck_root(&u, r1);
	tenantcheck_cleanup(&t);
	tenantcheck_cleanup(&u);
	range_init(&r);
	assert_int_equal(tenantcheck_init(&t, &k, "acme", &r), 0);
	feed(&t, &b, 0, 256);
	feed(&t, &b, 1, N - 256);
	tenantcheck_root(&t, r2);
	assert_memory_equal(r1, r2, MERKLE_HASH);
	tenantcheck_cleanup(&t);
	buf_cleanup(&b);
}

static void
bundles_out_of_order_short_or_long_are_refused(void **state)
{
	struct tenantcheck t;
	struct range r;
	struct buf b;
	struct err e;

	(void)state;
	buf_init(&b, 1 << 16);
	range_init(&r);
	assert_int_equal(tenantcheck_init(&t, &k, "acme", &r), 0);
	bundle(&b, 1, 10);
	err_init(&e);
	assert_int_equal(tenantcheck_bundle(&t, 1, (const uint8_t *)b.data,
	    b.len, 10, &e), -1);                /* bundle 0 comes first */
	bundle(&b, 0, 10);
	err_init(&e);
	assert_int_equal(tenantcheck_bundle(&t, 0, (const uint8_t *)b.data,
	    b.len - 1, 10, &e), -1);            /* cut short */
	range_init(&t.r);
	err_init(&e);
	assert_int_equal(tenantcheck_bundle(&t, 0, (const uint8_t *)b.data,
	    b.len, 9, &e), -1);                 /* a leaf too many */
	range_init(&t.r);
	t.nown = 0;
	err_init(&e);
	assert_int_equal(tenantcheck_bundle(&t, 0, (const uint8_t *)b.data,
	    b.len, 11, &e), -1);                /* a leaf too few */
	tenantcheck_cleanup(&t);
	buf_cleanup(&b);
}

static void
an_answer_leaving_out_doubling_or_borrowing_an_entry_fails(void **state)
{
	const struct tenantcheck_own *o;
	struct tenantcheck t;
	struct range r;
	struct buf b;
	struct err e;
	json_t *alien;
	int64_t ix;
	size_t j = 0;
	int i;

	(void)state;
	buf_init(&b, 1 << 16);
	range_init(&r);
	assert_int_equal(tenantcheck_init(&t, &k, "acme", &r), 0);
	feed(&t, &b, 0, 256);
	feed(&t, &b, 1, N - 256);
	for (i = 0; i < N; i += 7) {
		err_init(&e);
		if (i == 70)
			continue;                       /* hidden */
		assert_int_equal(tenantcheck_entry(&t, mine[i], &ix, &e), 0);
		assert_int_equal(ix, i);
	}
	err_init(&e);
	assert_int_equal(tenantcheck_entry(&t, mine[7], &ix, &e), -1);
	assert_non_null(strstr(e.msg, "twice"));
	/* Entry 7's object moved to index 8: another tenant's leaf. */
	alien = json_deep_copy(mine[7]);
	json_object_set_new(alien, "index", json_integer(8));
	err_init(&e);
	assert_int_equal(tenantcheck_entry(&t, alien, &ix, &e), -1);
	assert_non_null(strstr(e.msg, "not the tenant's"));
	json_decref(alien);
	o = tenantcheck_missing(&t, &j);
	assert_non_null(o);
	assert_int_equal(o->index, 70);
	assert_null(tenantcheck_missing(&t, &j));
	tenantcheck_cleanup(&t);
	buf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    the_root_is_the_trees_and_the_tenants_leaves_are_found),
		cmocka_unit_test(
		    a_bundle_refetched_grown_appends_only_its_new_leaves),
		cmocka_unit_test(bundles_out_of_order_short_or_long_are_refused),
		cmocka_unit_test(
		    an_answer_leaving_out_doubling_or_borrowing_an_entry_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
