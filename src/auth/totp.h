/* SPDX-License-Identifier: ISC */
/*
 * totp: RFC 6238 codes (liboath): 6 digits, 30 s steps, SHA-1 as every
 * authenticator app and oathtool use by default.  A code is accepted in a
 * window of one step either side, and the step it matched is returned so
 * the caller can refuse it a second time.
 */
#ifndef CUSTOS_AUTH_TOTP_H
#define CUSTOS_AUTH_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "store/records.h"

#define TOTP_SECRET_BYTES 20
#define TOTP_B32_MAX 128

int totp_setup(void);

/* A fresh random secret. */
void totp_generate(struct rec_totp *t);

/* Decodes a base32 secret (spaces and '=' allowed, any case). */
int totp_from_base32(struct rec_totp *t, const char *b32, const char *field,
    struct err *e) __attribute__((warn_unused_result));

/* otpauth:// URI for enrolment in an app.  Contains the secret: only ever
 * sent to the party who enrols. */
int totp_uri(char *out, size_t size, const struct rec_totp *t,
    const char *issuer, const char *account)
	__attribute__((warn_unused_result));

/* Checks a code at time now (seconds).  0 and *step set when it matches a
 * step later than t->last_step; 1 when it matches a step already used
 * (a replay); -1 when it matches none.  Constant-time comparison. */
int totp_check(const struct rec_totp *t, const char *code, int64_t now,
    int64_t *step) __attribute__((warn_unused_result));

/* The code for a step (tests and tools). */
int totp_code(char out[8], const struct rec_totp *t, int64_t now);

#endif
