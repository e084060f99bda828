/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/range: a compact range's root is RFC 6962's root
 * (the published 8-leaf vectors, and a naive MTH for every size up to
 * 600), a range saved and restored goes on giving the same roots, a saved
 * range of the wrong shape is refused, and a changed, dropped or swapped
 * leaf changes the root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "tlog/merkle.h"
#include "tlog/range.h"

#define NAIVE_MAX 600

static const struct {
	const char *data;
	size_t len;
} rfc_leaves[8] = {
	{"", 0},
	{"\x00", 1},
	{"\x10", 1},
	{"\x20\x21", 2},
	{"\x30\x31", 2},
	{"\x40\x41\x42\x43", 4},
	{"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
	{"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
	    16},
};

static const char *const rfc_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static merkle_hash leaves[NAIVE_MAX];

/* RFC 6962's MTH over leaves[lo, hi), the slow way. */
static void
mth(merkle_hash out, int64_t lo, int64_t hi)
{
	merkle_hash l, r;
	int64_t k = 1;

	if (hi - lo == 1) {
		memcpy(out, leaves[lo], MERKLE_HASH);
		return;
	}
	while (k * 2 < hi - lo)
		k *= 2;
	mth(l, lo, lo + k);
	mth(r, lo + k, hi);
	merkle_node_hash(out, l, r);
}

static int
setup(void **state)
{
	char b[16];
	int i;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (i = 0; i < NAIVE_MAX; i++) {
		memset(b, 0, sizeof(b));
		b[0] = (char)(i >> 8);
		b[1] = (char)i;
		merkle_leaf_hash(leaves[i], b, sizeof(b));
	}
	return 0;
}

static void
roots_are_the_rfc6962_vectors(void **state)
{
	merkle_hash leaf, root, want;
	struct range r;
	size_t i, n;

	(void)state;
	range_init(&r);
	range_root(&r, root);
	merkle_empty_root(want);
	assert_memory_equal(root, want, MERKLE_HASH);
	for (i = 0; i < 8; i++) {
		merkle_leaf_hash(leaf, rfc_leaves[i].data, rfc_leaves[i].len);
		assert_int_equal(range_append(&r, leaf), 0);
		range_root(&r, root);
		assert_int_equal(sodium_hex2bin(want, sizeof(want),
		    rfc_roots[i], strlen(rfc_roots[i]), NULL, &n, NULL), 0);
		assert_int_equal(n, MERKLE_HASH);
		assert_memory_equal(root, want, MERKLE_HASH);
		assert_int_equal(r.size, (int64_t)i + 1);
	}
}

static void
roots_equal_the_naive_root_at_every_size(void **state)
{
	merkle_hash root, want;
	struct range r;
	int64_t i;

	(void)state;
	range_init(&r);
	for (i = 0; i < NAIVE_MAX; i++) {
		assert_int_equal(range_append(&r, leaves[i]), 0);
		range_root(&r, root);
		mth(want, 0, i + 1);
		assert_memory_equal(root, want, MERKLE_HASH);
		assert_int_equal(r.n, (size_t)__builtin_popcountll(
		    (unsigned long long)(i + 1)));
	}
}

static void
a_restored_range_goes_on_as_the_original(void **state)
{
	struct range a, b;
	merkle_hash ra, rb;
	int64_t cut, i;

	(void)state;
	for (cut = 0; cut < 300; cut += 37) {
		range_init(&a);
		for (i = 0; i < cut; i++)
			assert_int_equal(range_append(&a, leaves[i]), 0);
		assert_int_equal(range_set(&b, a.size, a.h, a.n), 0);
		for (i = cut; i < 300; i++) {
			assert_int_equal(range_append(&a, leaves[i]), 0);
			assert_int_equal(range_append(&b, leaves[i]), 0);
		}
		range_root(&a, ra);
		range_root(&b, rb);
		assert_memory_equal(ra, rb, MERKLE_HASH);
	}
}

static void
a_saved_range_of_the_wrong_shape_is_refused(void **state)
{
	merkle_hash h[3];
	struct range r;

	(void)state;
	memset(h, 7, sizeof(h));
	assert_int_equal(range_set(&r, 5, h, 2), 0);      /* 101: two */
	assert_int_equal(range_set(&r, 5, h, 3), -1);
	assert_int_equal(r.size, 0);
	assert_int_equal(range_set(&r, 8, h, 2), -1);     /* 1000: one */
	assert_int_equal(range_set(&r, -1, h, 1), -1);
	assert_int_equal(range_set(&r, 0, NULL, 0), 0);
	assert_int_equal(range_set(&r, 3, NULL, 2), -1);
}

static void
a_changed_dropped_or_swapped_leaf_changes_the_root(void **state)
{
	merkle_hash good, bad, x;
	struct range r;
	int64_t i, n = 100, victim = 42;
	int mode;

	(void)state;
	range_init(&r);
	for (i = 0; i < n; i++)
		assert_int_equal(range_append(&r, leaves[i]), 0);
	range_root(&r, good);
	for (mode = 0; mode < 3; mode++) {
		range_init(&r);
		for (i = 0; i < n; i++) {
			if (mode == 1 && i == victim)
				continue;                       /* dropped */
			if (mode == 0 && i == victim) {
				memcpy(x, leaves[i], MERKLE_HASH);
				x[5] ^= 1;                      /* changed */
				assert_int_equal(range_append(&r, x), 0);
				continue;
			}
			if (mode == 2 && (i == victim || i == victim + 1)) {
				/* swapped with its neighbour */
				assert_int_equal(range_append(&r,
				    leaves[i == victim ? i + 1 : i - 1]), 0);
				continue;
			}
			assert_int_equal(range_append(&r, leaves[i]), 0);
		}
		if (mode == 1)
			assert_int_equal(range_append(&r, leaves[0]), 0);
		range_root(&r, bad);
		assert_memory_not_equal(good, bad, MERKLE_HASH);
	}
}

static void
a_full_tree_refuses_more(void **state)
{
	merkle_hash h[RANGE_MAX];
	struct range r;

	(void)state;
	memset(h, 1, sizeof(h));
	assert_int_equal(range_set(&r, INT64_MAX, h, RANGE_MAX), 0);
	assert_int_equal(range_append(&r, leaves[0]), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roots_are_the_rfc6962_vectors),
		cmocka_unit_test(roots_equal_the_naive_root_at_every_size),
		cmocka_unit_test(a_restored_range_goes_on_as_the_original),
		cmocka_unit_test(a_saved_range_of_the_wrong_shape_is_refused),
		cmocka_unit_test(
		    a_changed_dropped_or_swapped_leaf_changes_the_root),
		cmocka_unit_test(a_full_tree_refuses_more),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
