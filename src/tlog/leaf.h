/* SPDX-License-Identifier: ISC */
/*
 * leaf: the sealed leaf of the transparency log (custos-leaf-v1), the one
 * place its bytes are made and checked, by custosd and by custos verify
 * alike (docs/internals/tlog.md, "The sealed leaf").
 *
 *   leaf   = 0x01 || tag (16) || body_hash (32)               49 bytes
 *   tag    = BLAKE2b-128 keyed with the tag key over index (8, big-endian)
 *   body_hash = SHA-256(sealed)
 *   sealed = nonce (24) || XChaCha20-Poly1305(plaintext,
 *            AD = 0x01 || tag || index (8, big-endian))
 *   nonce  = SipHash-2-4-128 (siphashx24) keyed with the nonce key's
 *            first 16 bytes over index (8, big-endian) || plaintext,
 *            then index (8, big-endian)
 *
 * The tag, seal and nonce keys are subkeys 1, 2 and 3 (crypto_kdf,
 * context "custoslg") of a 32-byte log key: a tenant's, or the operator's
 * for entries about no tenant.  The nonce is synthetic (as in SIV): a
 * function of the entry and its index, so the leaf is a function of
 * (plaintext, index, key) that custosd recomputes instead of storing the
 * sealed body, and a nonce repeats only with the very same entry at the
 * same index.  A verifier never needs the nonce key: it reads the nonce
 * from the sealed body.  What is hashed into the tree and served in
 * entry bundles is the 49-byte leaf alone; it tells nobody without the log
 * key anything about the entry, and its tag lets the key's holder pick
 * out its own leaves without opening anyone else's.
 */
#ifndef CUSTOS_TLOG_LEAF_H
#define CUSTOS_TLOG_LEAF_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define LEAF_VERSION 0x01
#define LEAF_TAG_BYTES 16
#define LEAF_BODY_HASH 32
#define LEAF_BYTES (1 + LEAF_TAG_BYTES + LEAF_BODY_HASH)       /* 49 */
#define LEAF_KEY_BYTES 32
#define LEAF_NONCE_BYTES 24
#define LEAF_SEAL_OVERHEAD (LEAF_NONCE_BYTES + 16)
#define LEAF_FORMAT "custos-leaf-v1"
#define LEAF_KDF_CONTEXT "custoslg"
#define LEAF_KDF_TAG 1
#define LEAF_KDF_SEAL 2
#define LEAF_KDF_NONCE 3

/* The subkeys of one log key.  Secret: wipe with leaf_keys_wipe. */
struct leaf_keys {
	uint8_t tag[LEAF_KEY_BYTES];
	uint8_t seal[LEAF_KEY_BYTES];
	uint8_t nonce[LEAF_KEY_BYTES];
};

/* Derives the tag, seal and nonce keys from a 32-byte log key. */
void leaf_keys_derive(struct leaf_keys *k,
    const uint8_t log_key[LEAF_KEY_BYTES]);
void leaf_keys_wipe(struct leaf_keys *k);

/* The tag of the leaf at index under k. */
void leaf_tag(uint8_t tag[LEAF_TAG_BYTES], const struct leaf_keys *k,
    int64_t index);

/* 1 when leaf (of len bytes) is a custos-leaf-v1 leaf whose tag is k's at
 * index (constant time in the tag), else 0. */
int leaf_is_mine(const struct leaf_keys *k, int64_t index,
    const uint8_t *leaf, size_t len);

/* Seals plain (len bytes) as the entry at index: the leaf into
 * leaf[LEAF_BYTES], the sealed body (len + LEAF_SEAL_OVERHEAD bytes)
 * appended to sealed.  The same entry at the same index under the same
 * key gives the same bytes.  0, or -1 with e set (sealed's cap). */
int leaf_seal(uint8_t leaf[LEAF_BYTES], struct buf *sealed,
    const struct leaf_keys *k, int64_t index, const void *plain,
    size_t len, struct err *e) __attribute__((warn_unused_result));

/* Checks that leaf (len bytes) and sealed (slen bytes) are the entry at
 * index under k: the version, the tag, body_hash = SHA-256(sealed), and
 * that sealed opens with the AD of that leaf; appends the plaintext to
 * plain.  0, or -1 with e saying which of those failed (400). */
int leaf_open(struct buf *plain, const struct leaf_keys *k, int64_t index,
    const uint8_t *leaf, size_t len, const void *sealed, size_t slen,
    struct err *e) __attribute__((warn_unused_result));

/* 0 when leaf (len bytes) is a custos-leaf-v1 leaf whose body_hash is
 * SHA-256(sealed): what anyone can check without a key; -1 with e set. */
int leaf_check_body(const uint8_t *leaf, size_t len, const void *sealed,
    size_t slen, struct err *e) __attribute__((warn_unused_result));

#endif
