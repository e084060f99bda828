/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/merkle: RFC 6962 hashing, proof generation over a
 * merkle_source, and the RFC 9162 verifiers, against the published
 * transparency-dev/merkle vectors (../shared/testdata/rfc6962-merkle, or
 * $CUSTOS_VECTORS) and against trees built naively in memory, where every
 * proof must verify and every bit flip, truncation or extension of one
 * must not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tlog/merkle.h"

#ifndef CUSTOS_SOURCE_DIR
#define CUSTOS_SOURCE_DIR "."
#endif

#define GEN_MAX 70              /* trees of 1..GEN_MAX leaves */
/*
 * Up to this size every bit of every proof hash is flipped; above it, one
 * bit per byte (a different one in each byte), which keeps the test near
 * ten seconds under ASan: a flipped bit anywhere changes a SHA-256 input,
 * and no code path depends on which bit it was.
 */
#define GEN_ALL_BITS 40

/* ---- the RFC 6962 test tree ---- */

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

/* The roots of its first 1..8 leaves, as the CT and Trillian tests give. */
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

/* ---- an in-memory tree: every complete subtree hash, computed naively */

struct memtree {
	int64_t size;           /* leaves the source may be asked about */
	int levels;
	merkle_hash *node[8];   /* node[l][i]: subtree of 2^l leaves at i<<l */
	int64_t count[8];
	int out_of_range;       /* set when asked for a node beyond size */
	int fail_at;            /* -1, or the call number that must fail */
	int calls;
};

static void
memtree_build(struct memtree *t, const uint8_t (*leaf)[MERKLE_HASH],
    int64_t n)
{
	int l;
	int64_t i;

	memset(t, 0, sizeof(*t));
	t->size = n;
	t->fail_at = -1;
	t->count[0] = n;
	t->node[0] = malloc((size_t)n * sizeof(merkle_hash));
	assert_non_null(t->node[0]);
	memcpy(t->node[0], leaf, (size_t)n * sizeof(merkle_hash));
	for (l = 1; l < 8 && t->count[l - 1] >= 2; l++) {
		t->count[l] = t->count[l - 1] / 2;
		t->node[l] = malloc((size_t)t->count[l] * sizeof(merkle_hash));
		assert_non_null(t->node[l]);
		for (i = 0; i < t->count[l]; i++)
			merkle_node_hash(t->node[l][i], t->node[l - 1][2 * i],
			    t->node[l - 1][2 * i + 1]);
	}
	t->levels = l;
}

static void
memtree_free(struct memtree *t)
{
	int l;

	for (l = 0; l < t->levels; l++)
		free(t->node[l]);
}

static int
memtree_hash_at(void *arg, int level, int64_t index, merkle_hash out)
{
	struct memtree *t = arg;

	if (t->fail_at >= 0 && t->calls++ == t->fail_at)
		return -1;
	if (level < 0 || level >= t->levels || index < 0 ||
	    index >= t->count[level] || (index + 1) << level > t->size) {
		t->out_of_range = 1;
		return -1;
	}
	memcpy(out, t->node[level][index], MERKLE_HASH);
	return 0;
}

/* MTH(D[lo:hi]) straight from RFC 6962 2.1, over the leaf hashes. */
static void
naive_root(merkle_hash out, const uint8_t (*leaf)[MERKLE_HASH],
    int64_t lo, int64_t hi)
{
	merkle_hash l, r;
	int64_t k = 1;

	if (hi - lo == 1) {
		memcpy(out, leaf[lo], MERKLE_HASH);
		return;
	}
	while (k * 2 < hi - lo)
		k *= 2;
	naive_root(l, leaf, lo, lo + k);
	naive_root(r, leaf, lo + k, hi);
	merkle_node_hash(out, l, r);
}

static void
gen_leaves(uint8_t (*leaf)[MERKLE_HASH], int64_t n)
{
	uint8_t data[8];
	int64_t i;

	for (i = 0; i < n; i++) {
		memcpy(data, "leaf", 4);
		data[4] = (uint8_t)i;
		data[5] = (uint8_t)(i >> 8);
		merkle_leaf_hash(leaf[i], data, 6);
	}
}

static void
hex32(merkle_hash out, const char *hex)
{
	size_t len;

	assert_int_equal(sodium_hex2bin(out, MERKLE_HASH, hex, strlen(hex),
	    NULL, &len, NULL), 0);
	assert_int_equal(len, MERKLE_HASH);
}

/* ---- hashing ---- */

static void
empty_root_is_sha256_of_nothing(void **state)
{
	merkle_hash h, want;
	struct merkle_source src = {memtree_hash_at, NULL};

	hex32(want, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
	    "7852b855");
	merkle_empty_root(h);
	assert_memory_equal(h, want, MERKLE_HASH);
	/* The source is never asked about an empty tree. */
	memset(h, 0, sizeof(h));
	assert_int_equal(merkle_root(&src, 0, h), 0);
	assert_memory_equal(h, want, MERKLE_HASH);
	assert_int_equal(merkle_root(&src, -1, h), -1);
}

static void
leaf_and_node_hashes_use_the_rfc_prefixes(void **state)
{
	uint8_t buf[1 + 2 * MERKLE_HASH];
	merkle_hash a, b, h, want;

	merkle_leaf_hash(a, "abc", 3);
	buf[0] = 0x00;
	memcpy(buf + 1, "abc", 3);
	crypto_hash_sha256(want, buf, 4);
	assert_memory_equal(a, want, MERKLE_HASH);

	merkle_leaf_hash(b, "", 0);
	hex32(want, rfc_roots[0]);
	assert_memory_equal(b, want, MERKLE_HASH);

	merkle_node_hash(h, a, b);
	buf[0] = 0x01;
	memcpy(buf + 1, a, MERKLE_HASH);
	memcpy(buf + 1 + MERKLE_HASH, b, MERKLE_HASH);
	crypto_hash_sha256(want, buf, sizeof(buf));
	assert_memory_equal(h, want, MERKLE_HASH);
	/* The output may be one of the inputs. */
	merkle_node_hash(a, a, b);
	assert_memory_equal(a, want, MERKLE_HASH);
}

static void
rfc6962_test_tree_roots_match_the_published_ones(void **state)
{
	merkle_hash leaf[8], root, want;
	struct memtree t;
	struct merkle_source src = {memtree_hash_at, &t};
	int n;

	for (n = 0; n < 8; n++)
		merkle_leaf_hash(leaf[n], rfc_leaves[n].data,
		    rfc_leaves[n].len);
	for (n = 1; n <= 8; n++) {
		memtree_build(&t, (const uint8_t (*)[MERKLE_HASH])leaf, n);
		assert_int_equal(merkle_root(&src, n, root), 0);
		hex32(want, rfc_roots[n - 1]);
		assert_memory_equal(root, want, MERKLE_HASH);
		assert_false(t.out_of_range);
		memtree_free(&t);
	}
}

/* ---- the published vectors ---- */

struct vectors {
	char dir[4096];
	int run, happy, bad, decoder, roots_checked, proofs_checked;
	merkle_hash leaf[8];
};

static int
vectors_dir(char *out, size_t size)
{
	const char *env = getenv("CUSTOS_VECTORS");
	struct stat st;
	int n;

	if (env != NULL && env[0] != '\0')
		n = snprintf(out, size, "%s", env);
	else
		n = snprintf(out, size, "%s/../shared/testdata/rfc6962-merkle",
		    CUSTOS_SOURCE_DIR);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return stat(out, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

/*
 * A hash field: base64 decoded into 32 bytes.  Some vectors carry hashes
 * of other lengths ("V3JvbmdMZWFm" is "WrongLeaf", "" an empty root);
 * those are zero-padded or cut to 32 bytes and *odd is set: a decoder
 * (proof_decode_hashes) refuses them before any verifier sees them.
 * null or absent is all zeros.
 */
static void
vec_hash(merkle_hash out, const json_t *v, const char *file, int *odd)
{
	uint8_t tmp[256];
	size_t len = 0;
	const char *s;

	memset(out, 0, MERKLE_HASH);
	if (v == NULL || json_is_null(v)) {
		*odd = 1;
		return;
	}
	if (!json_is_string(v))
		fail_msg("%s: a hash is not a string", file);
	s = json_string_value(v);
	if (sodium_base642bin(tmp, sizeof(tmp), s, strlen(s), NULL, &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		fail_msg("%s: bad base64 '%s'", file, s);
	memcpy(out, tmp, len < MERKLE_HASH ? len : MERKLE_HASH);
	if (len != MERKLE_HASH)
		*odd = 1;
}

/*
 * A size or index.  The file is loaded with integers as reals, so that
 * the vectors' uint64 underflow (18446744073709551615) loads; a value
 * beyond int64 becomes -1, which the verifiers must refuse as well.
 */
static int64_t
vec_int(const json_t *o, const char *key, const char *file)
{
	const json_t *v = json_object_get(o, key);
	double d;

	if (!json_is_number(v))
		fail_msg("%s: '%s' is not a number", file, key);
	d = json_number_value(v);
	if (d >= 9223372036854775807.0 || d < 0)
		return -1;
	return (int64_t)d;
}

static size_t
vec_proof(merkle_hash *out, const json_t *o, const char *file, int *odd)
{
	const json_t *a = json_object_get(o, "proof");
	size_t i;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > MERKLE_PROOF_MAX)
		fail_msg("%s: bad proof array", file);
	for (i = 0; i < json_array_size(a); i++)
		vec_hash(out[i], json_array_get(a, i), file, odd);
	return json_array_size(a);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Checks a happy path's root and proof against the RFC test tree. */
static void
check_against_tree(struct vectors *vs, int64_t a, int64_t b,
    const merkle_hash root_a, const merkle_hash root_b,
    const merkle_hash *proof, size_t n, int inclusion, const char *file)
{
	merkle_hash gen[MERKLE_PROOF_MAX], root;
	struct memtree t;
	struct merkle_source src = {memtree_hash_at, &t};
	size_t gn;

	if (b < 1 || b > 8)
		return;
	memtree_build(&t, (const uint8_t (*)[MERKLE_HASH])vs->leaf, b);
	assert_int_equal(merkle_root(&src, b, root), 0);
	if (sodium_memcmp(root, root_b, MERKLE_HASH) != 0)
		fail_msg("%s: root of %lld leaves differs", file,
		    (long long)b);
	vs->roots_checked++;
	if (!inclusion && a >= 1) {
		assert_int_equal(merkle_root(&src, a, root), 0);
		if (sodium_memcmp(root, root_a, MERKLE_HASH) != 0)
			fail_msg("%s: root of %lld leaves differs", file,
			    (long long)a);
		vs->roots_checked++;
	}
	if (inclusion)
		assert_int_equal(merkle_inclusion_proof(&src, a, b, gen, &gn),
		    0);
	else
		assert_int_equal(merkle_consistency_proof(&src, a, b, gen,
		    &gn), 0);
	if (gn != n || (n > 0 && memcmp(gen, proof, n * MERKLE_HASH) != 0))
		fail_msg("%s: generated proof differs", file);
	vs->proofs_checked++;
	assert_false(t.out_of_range);
	memtree_free(&t);
}

static void
run_vector(struct vectors *vs, const char *file, int inclusion)
{
	merkle_hash proof[MERKLE_PROOF_MAX], r1, r2, leaf;
	json_error_t je;
	json_t *o, *want;
	int64_t a, b;
	size_t n;
	int rc, odd = 0;

	o = json_load_file(file, JSON_DECODE_INT_AS_REAL, &je);
	if (o == NULL)
		fail_msg("%s: %s", file, je.text);
	want = json_object_get(o, "wantErr");
	if (!json_is_boolean(want))
		fail_msg("%s: no wantErr", file);
	n = vec_proof(proof, o, file, &odd);
	if (inclusion) {
		a = vec_int(o, "leafIdx", file);
		b = vec_int(o, "treeSize", file);
		vec_hash(leaf, json_object_get(o, "leafHash"), file, &odd);
		vec_hash(r2, json_object_get(o, "root"), file, &odd);
		memset(r1, 0, sizeof(r1));
		rc = merkle_verify_inclusion(a, b, leaf, proof, n, r2);
	} else {
		a = vec_int(o, "size1", file);
		b = vec_int(o, "size2", file);
		vec_hash(r1, json_object_get(o, "root1"), file, &odd);
		vec_hash(r2, json_object_get(o, "root2"), file, &odd);
		rc = merkle_verify_consistency(a, b, r1, r2, proof, n);
	}
	if (json_is_true(want)) {
		/*
		 * Refused by the verifier; or, where a hash is not 32
		 * bytes, by the decoder at least.
		 */
		if (rc != -1) {
			if (!odd)
				fail_msg("%s: verified, but must fail", file);
			print_message("%s: left to the decoder\n", file);
			vs->decoder++;
		}
		vs->bad++;
	} else {
		/*
		 * One happy vector has equal 12-byte "roots" of two equal
		 * trees: padded alike, they must still compare equal.
		 */
		if (rc != 0)
			fail_msg("%s: failed, but must verify", file);
		vs->happy++;
		if (ends_with(file, "/happy-path.json"))
			check_against_tree(vs, a, b, r1, r2, proof, n,
			    inclusion, file);
	}
	vs->run++;
	json_decref(o);
}

static void
walk(struct vectors *vs, const char *dir, int inclusion)
{
	struct dirent *de;
	struct stat st;
	char path[4096];
	DIR *d = opendir(dir);

	if (d == NULL)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path))
			fail_msg("path too long");
		assert_int_equal(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode))
			walk(vs, path, inclusion);
		else if (ends_with(de->d_name, ".json"))
			run_vector(vs, path, inclusion);
	}
	closedir(d);
}

static void
published_vectors_verify_or_fail_as_marked(void **state)
{
	struct vectors vs;
	char sub[4200];
	int i;

	memset(&vs, 0, sizeof(vs));
	if (vectors_dir(vs.dir, sizeof(vs.dir)) == -1) {
		print_message("rfc6962-merkle vectors not found at %s "
		    "(set CUSTOS_VECTORS): skipped\n", vs.dir);
		skip();
	}
	for (i = 0; i < 8; i++)
		merkle_leaf_hash(vs.leaf[i], rfc_leaves[i].data,
		    rfc_leaves[i].len);
	snprintf(sub, sizeof(sub), "%s/inclusion", vs.dir);
	walk(&vs, sub, 1);
	snprintf(sub, sizeof(sub), "%s/consistency", vs.dir);
	walk(&vs, sub, 0);
	print_message("%d vectors: %d verify, %d refused (%d by the decoder "
	    "alone); %d roots and %d proofs matched the RFC test tree\n",
	    vs.run, vs.happy, vs.bad, vs.decoder, vs.roots_checked,
	    vs.proofs_checked);
	/* The set has 196 cases: 12 that verify, 184 that must not. */
	assert_true(vs.run >= 196);
	assert_true(vs.happy >= 12);
	assert_true(vs.bad >= 184);
	assert_true(vs.decoder <= 1);
	assert_true(vs.proofs_checked >= 9);
}

/* ---- generated trees ---- */

static int
verify_incl(int64_t i, int64_t n, const merkle_hash leaf,
    const merkle_hash *p, size_t np, const merkle_hash root)
{
	return merkle_verify_inclusion(i, n, leaf, p, np, root);
}

static void
inclusion_mutations_fail(int64_t i, int64_t n, const merkle_hash leaf,
    merkle_hash *p, size_t np, const merkle_hash root)
{
	merkle_hash extra[MERKLE_PROOF_MAX + 1], bad;
	size_t k, bit;
	int all = n <= GEN_ALL_BITS;

	for (k = 0; k < np; k++)
		for (bit = 0; bit < 8 * MERKLE_HASH; bit++) {
			if (!all && bit % 8 != (bit / 8) % 8)
				continue;
			p[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
			if (verify_incl(i, n, leaf, p, np, root) == 0)
				fail_msg("flip of bit %zu of hash %zu verified "
				    "(index %lld, size %lld)", bit, k,
				    (long long)i, (long long)n);
			p[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	for (bit = 0; bit < 8 * MERKLE_HASH; bit += 7) {
		memcpy(bad, leaf, MERKLE_HASH);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(verify_incl(i, n, bad, p, np, root), -1);
		memcpy(bad, root, MERKLE_HASH);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(verify_incl(i, n, leaf, p, np, bad), -1);
	}
	/* Truncated at either end, extended at either end. */
	if (np > 0) {
		assert_int_equal(verify_incl(i, n, leaf, p, np - 1, root), -1);
		assert_int_equal(verify_incl(i, n, leaf, p + 1, np - 1, root),
		    -1);
	}
	memcpy(extra, p, np * MERKLE_HASH);
	memcpy(extra[np], root, MERKLE_HASH);
	assert_int_equal(verify_incl(i, n, leaf, extra, np + 1, root), -1);
	memcpy(extra[0], leaf, MERKLE_HASH);
	memcpy(extra + 1, p, np * MERKLE_HASH);
	assert_int_equal(verify_incl(i, n, leaf, extra, np + 1, root), -1);
	/*
	 * Other positions.  (Not other sizes: a proof may hold for a
	 * bigger tree too -- the proof of leaf 0 of 3 is one of leaf 0 of
	 * 4 whose right half hashes to leaf 2's hash -- so size mutations
	 * are left to the published vectors, which say which must fail.)
	 */
	if (i + 1 < n)
		assert_int_equal(verify_incl(i + 1, n, leaf, p, np, root), -1);
	if (i > 0)
		assert_int_equal(verify_incl(i - 1, n, leaf, p, np, root), -1);
	assert_int_equal(verify_incl(n, n, leaf, p, np, root), -1);
	assert_int_equal(verify_incl(-1, n, leaf, p, np, root), -1);
}

static void
inclusion_proofs_of_small_trees_verify_and_mutants_fail(
    void **state)
{
	merkle_hash *leaf = calloc(GEN_MAX, MERKLE_HASH);
	merkle_hash proof[MERKLE_PROOF_MAX], root, want;
	struct memtree t;
	struct merkle_source src = {memtree_hash_at, &t};
	int64_t n, i;
	size_t np;

	assert_non_null(leaf);
	gen_leaves(leaf, GEN_MAX);
	memtree_build(&t, (const uint8_t (*)[MERKLE_HASH])leaf, GEN_MAX);
	for (n = 1; n <= GEN_MAX; n++) {
		t.size = n;
		naive_root(want, (const uint8_t (*)[MERKLE_HASH])leaf, 0, n);
		assert_int_equal(merkle_root(&src, n, root), 0);
		assert_memory_equal(root, want, MERKLE_HASH);
		for (i = 0; i < n; i++) {
			assert_int_equal(merkle_inclusion_proof(&src, i, n,
			    proof, &np), 0);
			if (verify_incl(i, n, leaf[i], proof, np, root) != 0)
				fail_msg("proof of %lld in %lld does not "
				    "verify", (long long)i, (long long)n);
			inclusion_mutations_fail(i, n, leaf[i], proof, np,
			    root);
		}
		assert_int_equal(merkle_inclusion_proof(&src, n, n, proof,
		    &np), -1);
		assert_int_equal(merkle_inclusion_proof(&src, -1, n, proof,
		    &np), -1);
	}
	assert_false(t.out_of_range);
	memtree_free(&t);
	free(leaf);
}

static void
consistency_mutations_fail(int64_t m, int64_t n, const merkle_hash r1,
    const merkle_hash r2, merkle_hash *p, size_t np)
{
	merkle_hash extra[MERKLE_PROOF_MAX + 1], bad;
	size_t k, bit;
	int all = n <= GEN_ALL_BITS;

	for (k = 0; k < np; k++)
		for (bit = 0; bit < 8 * MERKLE_HASH; bit++) {
			if (!all && bit % 8 != (bit / 8) % 8)
				continue;
			p[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
			if (merkle_verify_consistency(m, n, r1, r2, p,
			    np) == 0)
				fail_msg("flip of bit %zu of hash %zu verified "
				    "(%lld to %lld)", bit, k, (long long)m,
				    (long long)n);
			p[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	for (bit = 0; bit < 8 * MERKLE_HASH; bit += 7) {
		memcpy(bad, r1, MERKLE_HASH);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(merkle_verify_consistency(m, n, bad, r2, p,
		    np), -1);
		memcpy(bad, r2, MERKLE_HASH);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(merkle_verify_consistency(m, n, r1, bad, p,
		    np), -1);
	}
	if (np > 0) {
		assert_int_equal(merkle_verify_consistency(m, n, r1, r2, p,
		    np - 1), -1);
		assert_int_equal(merkle_verify_consistency(m, n, r1, r2, p + 1,
		    np - 1), -1);
	}
	memcpy(extra, p, np * MERKLE_HASH);
	memcpy(extra[np], r2, MERKLE_HASH);
	assert_int_equal(merkle_verify_consistency(m, n, r1, r2, extra,
	    np + 1), -1);
	memcpy(extra[0], r1, MERKLE_HASH);
	memcpy(extra + 1, p, np * MERKLE_HASH);
	assert_int_equal(merkle_verify_consistency(m, n, r1, r2, extra,
	    np + 1), -1);
	if (m < n) {
		assert_int_equal(merkle_verify_consistency(m, n, r2, r1, p,
		    np), -1);
		assert_int_equal(merkle_verify_consistency(m + 1, n, r1, r2, p,
		    np), -1);
		if (m > 1)
			assert_int_equal(merkle_verify_consistency(m - 1, n,
			    r1, r2, p, np), -1);
		assert_int_equal(merkle_verify_consistency(n, m, r1, r2, p,
		    np), -1);
	}
	assert_int_equal(merkle_verify_consistency(0, n, r1, r2, p, np), -1);
}

static void
consistency_proofs_of_small_trees_verify_and_mutants_fail(
    void **state)
{
	merkle_hash *leaf = calloc(GEN_MAX, MERKLE_HASH);
	merkle_hash *roots = calloc(GEN_MAX + 1, MERKLE_HASH);
	merkle_hash proof[MERKLE_PROOF_MAX];
	struct memtree t;
	struct merkle_source src = {memtree_hash_at, &t};
	int64_t m, n;
	size_t np;

	assert_non_null(leaf);
	assert_non_null(roots);
	gen_leaves(leaf, GEN_MAX);
	memtree_build(&t, (const uint8_t (*)[MERKLE_HASH])leaf, GEN_MAX);
	for (n = 1; n <= GEN_MAX; n++)
		naive_root(roots[n], (const uint8_t (*)[MERKLE_HASH])leaf, 0,
		    n);
	for (n = 1; n <= GEN_MAX; n++) {
		t.size = n;
		for (m = 1; m <= n; m++) {
			assert_int_equal(merkle_consistency_proof(&src, m, n,
			    proof, &np), 0);
			if (m == n)
				assert_int_equal(np, 0);
			if (merkle_verify_consistency(m, n, roots[m], roots[n],
			    proof, np) != 0)
				fail_msg("proof from %lld to %lld does not "
				    "verify", (long long)m, (long long)n);
			consistency_mutations_fail(m, n, roots[m], roots[n],
			    proof, np);
		}
		assert_int_equal(merkle_consistency_proof(&src, 0, n, proof,
		    &np), -1);
		assert_int_equal(merkle_consistency_proof(&src, n + 1, n,
		    proof, &np), -1);
	}
	assert_false(t.out_of_range);
	memtree_free(&t);
	free(roots);
	free(leaf);
}

static void
sizes_zero_and_equal_follow_the_header(void **state)
{
	merkle_hash a, b, p[1];

	merkle_empty_root(a);
	memcpy(b, a, MERKLE_HASH);
	memset(p, 0, sizeof(p));
	/* size1 == 0 is refused, whatever the proof and roots. */
	assert_int_equal(merkle_verify_consistency(0, 0, a, b, NULL, 0), -1);
	assert_int_equal(merkle_verify_consistency(0, 5, a, b, NULL, 0), -1);
	/* Equal sizes: an empty proof and equal roots, nothing else. */
	assert_int_equal(merkle_verify_consistency(3, 3, a, b, NULL, 0), 0);
	assert_int_equal(merkle_verify_consistency(3, 3, a, b, p, 1), -1);
	b[31] ^= 1;
	assert_int_equal(merkle_verify_consistency(3, 3, a, b, NULL, 0), -1);
	assert_int_equal(merkle_verify_consistency(4, 3, a, a, NULL, 0), -1);
	assert_int_equal(merkle_verify_consistency(-1, 3, a, a, NULL, 0), -1);
	/* Inclusion in an empty or negative tree. */
	assert_int_equal(merkle_verify_inclusion(0, 0, a, NULL, 0, a), -1);
	assert_int_equal(merkle_verify_inclusion(0, -1, a, NULL, 0, a), -1);
	/* A one-leaf tree: the leaf is the root, the proof is empty. */
	assert_int_equal(merkle_verify_inclusion(0, 1, a, NULL, 0, a), 0);
	assert_int_equal(merkle_verify_inclusion(0, 1, a, p, 1, a), -1);
	/* More hashes than any proof can hold. */
	assert_int_equal(merkle_verify_inclusion(0, 2, a, p,
	    MERKLE_PROOF_MAX + 1, a), -1);
}

/*
 * A tree whose leaves are all equal is consistent at every size: the
 * hash of a complete subtree depends on its level only.  It lets proofs
 * of trees up to 2^63 - 1 leaves be made and checked.
 */
struct flat {
	merkle_hash level[64];
	int64_t size;
	int out_of_range;
};

static int
flat_hash_at(void *arg, int level, int64_t index, merkle_hash out)
{
	struct flat *f = arg;

	if (level < 0 || level > 62 || index < 0 ||
	    index > (f->size >> level) - 1) {
		f->out_of_range = 1;
		return -1;
	}
	memcpy(out, f->level[level], MERKLE_HASH);
	return 0;
}

static void
huge_trees_give_proofs_that_fit_and_verify(void **state)
{
	static const int64_t sizes[] = {
		INT64_MAX, INT64_MAX - 1, (int64_t)1 << 62,
		((int64_t)1 << 62) + 1, ((int64_t)1 << 40) + 12345, 3,
	};
	merkle_hash proof[MERKLE_PROOF_MAX], r1, r2, leaf;
	struct flat f;
	struct merkle_source src = {flat_hash_at, &f};
	size_t i, j, np;
	int l;

	memset(&f, 0, sizeof(f));
	merkle_leaf_hash(f.level[0], "x", 1);
	for (l = 1; l < 64; l++)
		merkle_node_hash(f.level[l], f.level[l - 1], f.level[l - 1]);
	memcpy(leaf, f.level[0], MERKLE_HASH);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int64_t n = sizes[i];
		int64_t idx[] = {0, n / 2, n - 2 > 0 ? n - 2 : 0, n - 1};

		f.size = n;
		assert_int_equal(merkle_root(&src, n, r2), 0);
		for (j = 0; j < 4; j++) {
			assert_int_equal(merkle_inclusion_proof(&src, idx[j], n,
			    proof, &np), 0);
			assert_true(np <= 63);
			assert_int_equal(merkle_verify_inclusion(idx[j], n,
			    leaf, proof, np, r2), 0);
			proof[0][0] ^= 1;
			if (np > 0)
				assert_int_equal(merkle_verify_inclusion(idx[j],
				    n, leaf, proof, np, r2), -1);
		}
		for (j = 0; j < 4; j++) {
			int64_t m = idx[j] + 1;

			assert_int_equal(merkle_root(&src, m, r1), 0);
			assert_int_equal(merkle_consistency_proof(&src, m, n,
			    proof, &np), 0);
			assert_true(np <= MERKLE_PROOF_MAX);
			assert_int_equal(merkle_verify_consistency(m, n, r1, r2,
			    proof, np), 0);
		}
	}
	/* The longest consistency proof there is: 3 to 2^63 - 1. */
	f.size = INT64_MAX;
	assert_int_equal(merkle_root(&src, 3, r1), 0);
	assert_int_equal(merkle_root(&src, INT64_MAX, r2), 0);
	assert_int_equal(merkle_consistency_proof(&src, 3, INT64_MAX, proof,
	    &np), 0);
	assert_int_equal(np, MERKLE_PROOF_MAX);
	assert_int_equal(merkle_verify_consistency(3, INT64_MAX, r1, r2, proof,
	    np), 0);
	assert_false(f.out_of_range);
}

static void
source_failures_are_passed_on(void **state)
{
	merkle_hash leaf[20], proof[MERKLE_PROOF_MAX], root;
	struct memtree t;
	struct merkle_source src = {memtree_hash_at, &t};
	size_t np;
	int k;

	gen_leaves(leaf, 20);
	memtree_build(&t, (const uint8_t (*)[MERKLE_HASH])leaf, 20);
	for (k = 0; k < 3; k++) {
		t.fail_at = k;
		t.calls = 0;
		assert_int_equal(merkle_root(&src, 19, root), -1);
		t.calls = 0;
		assert_int_equal(merkle_inclusion_proof(&src, 5, 19, proof,
		    &np), -1);
		assert_int_equal(np, 0);
		t.calls = 0;
		assert_int_equal(merkle_consistency_proof(&src, 7, 19, proof,
		    &np), -1);
		assert_int_equal(np, 0);
	}
	memtree_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_root_is_sha256_of_nothing),
		cmocka_unit_test(leaf_and_node_hashes_use_the_rfc_prefixes),
		cmocka_unit_test(
		    rfc6962_test_tree_roots_match_the_published_ones),
		cmocka_unit_test(published_vectors_verify_or_fail_as_marked),
		cmocka_unit_test(
		    inclusion_proofs_of_small_trees_verify_and_mutants_fail),
		cmocka_unit_test(
		    consistency_proofs_of_small_trees_verify_and_mutants_fail),
		cmocka_unit_test(sizes_zero_and_equal_follow_the_header),
		cmocka_unit_test(huge_trees_give_proofs_that_fit_and_verify),
		cmocka_unit_test(source_failures_are_passed_on),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("unit.merkle", tests, NULL, NULL);
}
