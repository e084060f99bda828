/* SPDX-License-Identifier: ISC */
/*
 * merkle: RFC 6962 tree hashes and proofs, and the RFC 9162 verifiers.
 *
 * Generation follows RFC 6962 2.1 (MTH, PATH, SUBPROOF) over ranges
 * [lo, hi) of leaves.  In that recursion a range whose width is a power of
 * two always starts at a multiple of its width, so its hash is one
 * hash_at(level, lo >> level) call on the source; any other range splits at
 * the largest power of two below its width.  Every recursion halves the
 * width at least, so the depth is bounded by 64.
 *
 * Verification is RFC 9162 2.1.3.2 and 2.1.4.2 step by step, after a check
 * that the proof has exactly the number of hashes the sizes call for.  All
 * sizes and indexes are int64_t; negative ones are refused.
 */
#include "tlog/merkle.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

static const uint8_t leaf_prefix = 0x00;
static const uint8_t node_prefix = 0x01;

/*
 * SHA-256 through OpenSSL's libcrypto where it can: it uses the CPU's SHA
 * extensions where they exist, two to three times libsodium's portable
 * code for the tree's inputs (65-byte nodes, leaves of a few hundred
 * bytes), and the log hashes every leaf and inner node it appends.  The
 * digest is fetched once (a pointer set by pthread_once, then only read);
 * should libcrypto fail, libsodium computes the same bytes.
 */
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha_md;

static void
sha_fetch(void)
{
	sha_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* out = SHA-256(prefix || a || b); 0, or -1 when libcrypto failed. */
static int
sha_ossl(merkle_hash out, uint8_t prefix, const void *a, size_t alen,
    const void *b, size_t blen)
{
	merkle_hash h;
	EVP_MD_CTX *c;
	int ok;

	if (pthread_once(&sha_once, sha_fetch) != 0 || sha_md == NULL)
		return -1;
	c = EVP_MD_CTX_new();
	if (c == NULL)
		return -1;
	ok = EVP_DigestInit_ex(c, sha_md, NULL) == 1 &&
	    EVP_DigestUpdate(c, &prefix, 1) == 1 &&
	    (alen == 0 || EVP_DigestUpdate(c, a, alen) == 1) &&
	    (blen == 0 || EVP_DigestUpdate(c, b, blen) == 1) &&
	    EVP_DigestFinal_ex(c, h, NULL) == 1;
	EVP_MD_CTX_free(c);
	if (!ok)
		return -1;
	memcpy(out, h, MERKLE_HASH);
	return 0;
}

void
merkle_leaf_hash(merkle_hash out, const void *data, size_t len)
{
	crypto_hash_sha256_state st;

	if (sha_ossl(out, leaf_prefix, data, len, NULL, 0) == 0)
		return;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &leaf_prefix, 1);
	if (len > 0)
		crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

/* out may be left or right: the inputs are consumed before it is written. */
void
merkle_node_hash(merkle_hash out, const merkle_hash left,
    const merkle_hash right)
{
	crypto_hash_sha256_state st;

	if (sha_ossl(out, node_prefix, left, MERKLE_HASH, right,
	    MERKLE_HASH) == 0)
		return;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &node_prefix, 1);
	crypto_hash_sha256_update(&st, left, MERKLE_HASH);
	crypto_hash_sha256_update(&st, right, MERKLE_HASH);
	crypto_hash_sha256_final(&st, out);
}

void
merkle_empty_root(merkle_hash out)
{
	static const unsigned char nothing[1];

	crypto_hash_sha256(out, nothing, 0);
}

static int
is_pow2(uint64_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* The largest power of two strictly below n (n >= 2). */
static uint64_t
split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static int
log2_exact(uint64_t n)
{
	return __builtin_ctzll(n);
}

/* Number of significant bits of n: 0 for 0. */
static int
bit_len(uint64_t n)
{
	return n == 0 ? 0 : 64 - __builtin_clzll(n);
}

/* MTH(D[lo:hi]) for 0 <= lo < hi. */
static int
range_hash(const struct merkle_source *src, uint64_t lo, uint64_t hi,
    merkle_hash out)
{
	merkle_hash left, right;
	uint64_t n = hi - lo, k;
	int level;

	if (is_pow2(n)) {
		level = log2_exact(n);
		/* Not reached through RFC 6962's recursion: be safe. */
		if ((lo & (n - 1)) != 0)
			return -1;
		return src->hash_at(src->arg, level, (int64_t)(lo >> level),
		    out);
	}
	k = split_point(n);
	if (range_hash(src, lo, lo + k, left) == -1 ||
	    range_hash(src, lo + k, hi, right) == -1)
		return -1;
	merkle_node_hash(out, left, right);
	return 0;
}

int
merkle_root(const struct merkle_source *src, int64_t size, merkle_hash out)
{
	if (size < 0)
		return -1;
	if (size == 0) {
		merkle_empty_root(out);
		return 0;
	}
	return range_hash(src, 0, (uint64_t)size, out);
}

/* Appends MTH(D[lo:hi]) to out[*n]. */
static int
push_range(const struct merkle_source *src, uint64_t lo, uint64_t hi,
    merkle_hash *out, size_t *n)
{
	if (*n >= MERKLE_PROOF_MAX)
		return -1;
	if (range_hash(src, lo, hi, out[*n]) == -1)
		return -1;
	(*n)++;
	return 0;
}

/* RFC 6962 PATH(m, D[lo:hi]), with m an absolute leaf index. */
static int
path(const struct merkle_source *src, uint64_t m, uint64_t lo, uint64_t hi,
    merkle_hash *out, size_t *n)
{
	uint64_t k;

	if (hi - lo <= 1)
		return 0;
	k = split_point(hi - lo);
	if (m < lo + k) {
		if (path(src, m, lo, lo + k, out, n) == -1)
			return -1;
		return push_range(src, lo + k, hi, out, n);
	}
	if (path(src, m, lo + k, hi, out, n) == -1)
		return -1;
	return push_range(src, lo, lo + k, out, n);
}

int
merkle_inclusion_proof(const struct merkle_source *src, int64_t index,
    int64_t size, merkle_hash *out, size_t *n)
{
	*n = 0;
	if (index < 0 || size <= 0 || index >= size)
		return -1;
	if (path(src, (uint64_t)index, 0, (uint64_t)size, out, n) == -1) {
		*n = 0;
		return -1;
	}
	return 0;
}

/*
 * RFC 6962 SUBPROOF(m, D[lo:hi], b), with m the absolute end of the old
 * tree (lo < m <= hi).
 */
static int
subproof(const struct merkle_source *src, uint64_t m, uint64_t lo,
    uint64_t hi, int b, merkle_hash *out, size_t *n)
{
	uint64_t k;

	if (m == hi)
		return b ? 0 : push_range(src, lo, hi, out, n);
	k = split_point(hi - lo);
	if (m <= lo + k) {
		if (subproof(src, m, lo, lo + k, b, out, n) == -1)
			return -1;
		return push_range(src, lo + k, hi, out, n);
	}
	if (subproof(src, m, lo + k, hi, 0, out, n) == -1)
		return -1;
	return push_range(src, lo, lo + k, out, n);
}

int
merkle_consistency_proof(const struct merkle_source *src, int64_t size1,
    int64_t size2, merkle_hash *out, size_t *n)
{
	*n = 0;
	if (size1 <= 0 || size2 < size1)
		return -1;
	if (size1 == size2)
		return 0;
	if (subproof(src, (uint64_t)size1, 0, (uint64_t)size2, 1, out,
	    n) == -1) {
		*n = 0;
		return -1;
	}
	return 0;
}

/*
 * The number of hashes in the inclusion proof of index in a tree of size
 * leaves: one per level below the point where index's path leaves the
 * right border ("inner"), then one per left sibling above it ("border").
 */
static size_t
inclusion_len(uint64_t index, uint64_t size)
{
	int inner = bit_len(index ^ (size - 1));

	return (size_t)inner +
	    (size_t)__builtin_popcountll(inner >= 64 ? 0 : index >> inner);
}

/* Right-shifts fn and sn together until fn is odd or zero. */
static void
shift_to_odd(uint64_t *fn, uint64_t *sn)
{
	while ((*fn & 1) == 0 && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

int
merkle_verify_inclusion(int64_t index, int64_t size,
    const merkle_hash leaf, const merkle_hash *proof, size_t n,
    const merkle_hash root)
{
	merkle_hash r;
	uint64_t fn, sn;
	size_t i;

	if (index < 0 || size <= 0 || index >= size)
		return -1;
	if (n > MERKLE_PROOF_MAX || (n > 0 && proof == NULL) ||
	    n != inclusion_len((uint64_t)index, (uint64_t)size))
		return -1;
	fn = (uint64_t)index;
	sn = (uint64_t)size - 1;
	memcpy(r, leaf, MERKLE_HASH);
	for (i = 0; i < n; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) != 0 || fn == sn) {
			merkle_node_hash(r, proof[i], r);
			if ((fn & 1) == 0)
				shift_to_odd(&fn, &sn);
		} else {
			merkle_node_hash(r, r, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return -1;
	return sodium_memcmp(r, root, MERKLE_HASH) == 0 ? 0 : -1;
}

/*
 * The number of hashes in the consistency proof from size1 to size2
 * (0 < size1 < size2): the inclusion path of the old tree's last leaf,
 * less the levels inside the old tree's rightmost complete subtree, plus
 * that subtree's hash unless it is the whole old tree.
 */
static size_t
consistency_len(uint64_t size1, uint64_t size2)
{
	int shift = log2_exact(size1);
	uint64_t index = size1 - 1;
	int inner = bit_len(index ^ (size2 - 1));
	int border = __builtin_popcountll(inner >= 64 ? 0 : index >> inner);

	if (inner < shift)
		return SIZE_MAX;
	return (is_pow2(size1) ? 0 : 1) + (size_t)(inner - shift) +
	    (size_t)border;
}

int
merkle_verify_consistency(int64_t size1, int64_t size2,
    const merkle_hash root1, const merkle_hash root2,
    const merkle_hash *proof, size_t n)
{
	merkle_hash fr, sr;
	const uint8_t *c;
	uint64_t fn, sn;
	size_t i, start;
	int bad;

	if (size1 <= 0 || size2 < size1)
		return -1;
	if (size1 == size2) {
		if (n != 0)
			return -1;
		return sodium_memcmp(root1, root2, MERKLE_HASH) == 0 ? 0 : -1;
	}
	/* 2.1.4.2 step 1: an empty path proves nothing. */
	if (n == 0 || n > MERKLE_PROOF_MAX || proof == NULL ||
	    n != consistency_len((uint64_t)size1, (uint64_t)size2))
		return -1;
	/* Step 2: a power-of-two old tree is its own first path element. */
	if (is_pow2((uint64_t)size1)) {
		c = root1;
		start = 0;
	} else {
		c = proof[0];
		start = 1;
	}
	/* Steps 3 to 5. */
	fn = (uint64_t)size1 - 1;
	sn = (uint64_t)size2 - 1;
	while ((fn & 1) != 0) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, c, MERKLE_HASH);
	memcpy(sr, c, MERKLE_HASH);
	/* Step 6. */
	for (i = start; i < n; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) != 0 || fn == sn) {
			merkle_node_hash(fr, proof[i], fr);
			merkle_node_hash(sr, proof[i], sr);
			if ((fn & 1) == 0)
				shift_to_odd(&fn, &sn);
		} else {
			merkle_node_hash(sr, sr, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 7. */
	bad = sodium_memcmp(fr, root1, MERKLE_HASH) != 0;
	bad |= sodium_memcmp(sr, root2, MERKLE_HASH) != 0;
	return bad || sn != 0 ? -1 : 0;
}
