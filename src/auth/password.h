/* SPDX-License-Identifier: ISC */
/*
 * password: Argon2id password hashes (libsodium crypto_pwhash_str).  The
 * cost is set once at start-up; hashes made with other costs still verify.
 */
#ifndef CUSTOS_AUTH_PASSWORD_H
#define CUSTOS_AUTH_PASSWORD_H

#include <stddef.h>

#include "common/err.h"
#include "store/records.h"

#define PASSWORD_MIN 12
#define PASSWORD_MAX 256

/* Sets the Argon2id cost (0: libsodium's interactive defaults) and makes
 * the dummy hash that unknown accounts are checked against.  Start-up only. */
int password_setup(unsigned long long opslimit, size_t memlimit);

/* Hashes pw in one of the hash slots (auth/hashslots.h): -1 when none came
 * free in time (or libsodium failed). */
int password_hash(char out[REC_PWHASH_MAX], const char *pw, size_t len)
	__attribute__((warn_unused_result));

/* As password_hash, with why it failed in e: a 503 when no slot came free
 * in time (try again), else a 500. */
int password_hash_in_slot(char out[REC_PWHASH_MAX], const char *pw,
    size_t len, struct err *e) __attribute__((warn_unused_result));

/* 0 when pw matches hash.  With hash NULL or "" it checks against a dummy
 * hash and fails, so unknown accounts cost the same time as known ones.
 * The caller holds a hash slot (attempt_hash_slot) around it. */
int password_verify(const char *hash, const char *pw, size_t len)
	__attribute__((warn_unused_result));

/* 1 when s is an encoded Argon2id hash that crypto_pwhash_str_verify takes. */
int password_hash_valid(const char *s);

/* Checks a new password against the policy; -1 with a message naming
 * field when it is refused. */
int password_acceptable(const char *pw, size_t len, const char *field,
    struct err *e) __attribute__((warn_unused_result));

#endif
