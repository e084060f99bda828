/* SPDX-License-Identifier: ISC */
/*
 * leaf: the sealed leaf of the transparency log, custos-leaf-v1 (the
 * lead's design, /work/wt/SEALED.md, and docs/internals/tlog.md).
 *
 *   leaf   = 0x01 || tag (16) || body_hash (32)            49 bytes
 *   tag    = BLAKE2b-128 keyed with the tag key over be64(index)
 *   body_hash = SHA-256(sealed)
 *   sealed = nonce (24) || XChaCha20-Poly1305(plaintext, AD)
 *   AD     = 0x01 || tag || be64(index)
 *
 * The keys: a tenant's log key K_T (what its admin is given) is
 * BLAKE2b-256 keyed with the master seal key over "custos-log-key-v1\0
 * tenant\0" || tenant id; the operator's over "custos-log-key-v1\0
 * operator\0".  From a log key, crypto_kdf (context "custoslg") derives
 * subkey 1, the tag key, and subkey 2, the seal key.
 *
 * What the public tree holds is the leaf alone: without the tag key a tag
 * is a random string and cannot be linked to a tenant or to another tag.
 * The verification side (custos verify --tenant) needs leaf_keys_derive,
 * leaf_tag, leaf_parse and leaf_open; the server side leaf_log_key and
 * leaf_seal.  All of it is in custos_verify, so both sides share one
 * definition of the format.
 */
#ifndef CUSTOS_TLOG_LEAF_H
#define CUSTOS_TLOG_LEAF_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define LEAF_FORMAT "custos-leaf-v1"
#define LEAF_VERSION 0x01
#define LEAF_TAG 16
#define LEAF_BODY_HASH 32
#define LEAF_SIZE (1 + LEAF_TAG + LEAF_BODY_HASH)       /* 49 */
#define LEAF_KEY 32                                     /* a log key */
#define LEAF_NONCE 24
#define LEAF_MAC 16
#define LEAF_AD (1 + LEAF_TAG + 8)                      /* 25 */
#define LEAF_OVERHEAD (LEAF_NONCE + LEAF_MAC)   /* sealed - plaintext */
#define LEAF_TENANT_MAX 1024    /* bytes of a tenant id in a key label */

/* The two subkeys of one log key.  Secrets: keep them in sodium_malloc'd
 * memory (or wipe them with leaf_keys_wipe). */
struct leaf_keys {
	uint8_t tag[32];
	uint8_t seal[32];
};

/*
 * The log key of tenant (NULL: the operator's, for entries about no
 * tenant) under the master seal key.  0, or -1 (tenant id empty or
 * longer than LEAF_TENANT_MAX).
 */
int leaf_log_key(uint8_t out[LEAF_KEY], const uint8_t master[32],
    const char *tenant) __attribute__((warn_unused_result));

/* The tag and seal keys of a log key.  0, or -1 (libsodium refused). */
int leaf_keys_derive(struct leaf_keys *k, const uint8_t log_key[LEAF_KEY])
	__attribute__((warn_unused_result, nonnull));

/* Wipes k. */
void leaf_keys_wipe(struct leaf_keys *k);

/* The tag of entry index under k. */
void leaf_tag(uint8_t out[LEAF_TAG], const struct leaf_keys *k,
    int64_t index) __attribute__((nonnull));

/*
 * Seals plaintext (len bytes) as entry index: writes the sealed body
 * (len + LEAF_OVERHEAD bytes, a fresh random nonce) into sealed, of room
 * max, its length to *sealed_len, and the leaf into leaf.  0, or -1 with
 * e (no room).
 */
int leaf_seal(uint8_t leaf[LEAF_SIZE], uint8_t *sealed, size_t max,
    size_t *sealed_len, const struct leaf_keys *k, int64_t index,
    const void *plaintext, size_t len, struct err *e)
	__attribute__((warn_unused_result, nonnull(1, 2, 4, 5, 9)));

/*
 * Reads a leaf's bytes: 0 with its tag and body hash when it is a
 * custos-leaf-v1 (LEAF_SIZE bytes, version 0x01), else -1 (another
 * version or an older, plaintext leaf).  tag and body_hash may be NULL.
 */
int leaf_parse(const uint8_t *bytes, size_t len, uint8_t *tag,
    uint8_t *body_hash) __attribute__((warn_unused_result));

/*
 * 1 when the leaf's bytes are a v1 leaf whose tag is the tag of index
 * under k (the entry is k's tenant's), else 0.
 */
int leaf_is_mine(const struct leaf_keys *k, int64_t index,
    const uint8_t *bytes, size_t len)
	__attribute__((warn_unused_result, nonnull(1)));

/*
 * Opens the sealed body of entry index whose leaf is leaf: the body must
 * hash to the leaf's body_hash, the leaf's tag must be index's under k,
 * and the body must open under k's seal key with the AD.  Writes the
 * plaintext (slen - LEAF_OVERHEAD bytes) into plain, of room max.
 * 0, or -1 with e saying which of those did not hold.
 */
int leaf_open(uint8_t *plain, size_t max, size_t *plain_len,
    const struct leaf_keys *k, int64_t index, const uint8_t *leaf,
    size_t leaf_len, const uint8_t *sealed, size_t slen, struct err *e)
	__attribute__((warn_unused_result, nonnull(1, 3, 4, 6, 10)));

#endif
