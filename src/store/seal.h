/* SPDX-License-Identifier: ISC */
/*
 * seal: secrets at rest, sealed under a key the database does not hold.
 * TOTP seeds are stored as XChaCha20-Poly1305 boxes (libsodium's IETF
 * AEAD) whose associated data names the row they belong to (kind, tenant,
 * id): a backup of the database yields no second factor, and a seed copied
 * into another row does not open there.
 *
 * The key is given once at start-up (seal_setup, from DIR/secrets.key by
 * src/auth/secrets.c) before any thread runs.  A process that never gives
 * one (unit tests, tools) seals under a random key of its own, which dies
 * with it.
 *
 * A sealed seed is: SEAL_VERSION (1 byte), the 24-byte nonce, the box.
 */
#ifndef CUSTOS_STORE_SEAL_H
#define CUSTOS_STORE_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "store/records.h"

#define SEAL_KEY_BYTES 32
#define SEAL_VERSION 0x01
#define SEAL_OVERHEAD (1 + 24 + 16)
#define SEAL_MAX (REC_TOTP_MAX + SEAL_OVERHEAD)

/* The rows a sealed secret may belong to. */
#define SEAL_KIND_ENGINEER "engineer"
#define SEAL_KIND_USER "user"
#define SEAL_KIND_INVITATION "invitation"   /* a pending seed */

/* Sets the key (copied).  Start-up only. */
void seal_setup(const uint8_t key[SEAL_KEY_BYTES]);

/* Seals secret (len bytes, at most REC_TOTP_MAX) for the row (kind,
 * tenant, id) into out[SEAL_MAX]; *outlen gets its length. */
void seal_secret(uint8_t out[SEAL_MAX], size_t *outlen, const char *kind,
    const char *tenant, const char *id, const uint8_t *secret, size_t len);

/* Opens what seal_secret made for that same row into secret[size]: 0 and
 * *len, or -1 (another row, another key, damaged) with *len 0. */
int seal_open(uint8_t *secret, size_t size, size_t *len, const char *kind,
    const char *tenant, const char *id, const uint8_t *in, size_t inlen)
	__attribute__((warn_unused_result));

#endif
