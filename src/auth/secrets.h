/* SPDX-License-Identifier: ISC */
/*
 * secrets: DIR/secrets.key, the key custosd keeps beside log.key (one line
 * of base64, mode 0600, opened with O_NOFOLLOW: src/tlog/keyfile.c),
 * created at first start.  Three keys are derived from it (crypto_kdf):
 *
 *  - the seal key of the store (store/seal.h): TOTP seeds at rest;
 *  - the blinding key of names nobody owns: a username that matches no
 *    account is recorded (log entry, throttle key, daemon log) only as
 *    secrets_blind() of it, so the operator can still tell repeated
 *    attempts apart while nobody reads what was typed (often a password);
 *  - the master seal key of the transparency log (tlog/sealer.h), from
 *    which each tenant's log key and the operator's are derived;
 *  - the key of WebAuthn user handles (auth/passkey.h): derived, never
 *    stored, and telling nothing about whose they are without it.
 *
 * Set up once at start-up before any thread runs.  A process that never
 * calls secrets_setup (unit tests, tools) uses random keys of its own.
 */
#ifndef CUSTOS_AUTH_SECRETS_H
#define CUSTOS_AUTH_SECRETS_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "store/store.h"

#define SECRETS_FILE "secrets.key"
#define SECRETS_BLIND_PREFIX "blind:"
/* "blind:" and 32 hex digits (128 bits of a keyed BLAKE2b) */
#define SECRETS_BLIND_LEN (sizeof(SECRETS_BLIND_PREFIX) - 1 + 32)

/* Loads DIR/secrets.key, or creates it, and gives the store its seal
 * key.  0, or -1 with e set (a key file that is not 0600, a link, ...). */
int secrets_setup(const char *dir, struct err *e)
	__attribute__((warn_unused_result));

/* Seals the TOTP seeds a store from before sealing kept in clear (once;
 * start-up, before requests are served).  0, or -1 with e set. */
int secrets_seal_stored(struct store *st, struct err *e)
	__attribute__((warn_unused_result));

/* The blinded form of name in context (e.g. "eng" or "usr:TENANT"):
 * "blind:" and 32 hex digits, into out[size] (SECRETS_BLIND_LEN + 1). */
void secrets_blind(char *out, size_t size, const char *context,
    const char *name);

#define SECRETS_USER_HANDLE_LEN 16

/* A person's WebAuthn user handle: keyed BLAKE2b-128 over "principal\0
 * tenant\0id" (principal in decimal, tenant "" but for tenant users). */
void secrets_user_handle(uint8_t out[SECRETS_USER_HANDLE_LEN],
    int principal, const char *tenant, const char *id);

#endif
