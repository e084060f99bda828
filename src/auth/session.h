/* SPDX-License-Identifier: ISC */
/*
 * session: bearer sessions.  A token is 256 random bits; the store keeps
 * only its SHA-256, and a public session id that log entries name.
 */
#ifndef CUSTOS_AUTH_SESSION_H
#define CUSTOS_AUTH_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "store/records.h"

/* Fills s for a new session and writes its token into token[size]
 * (TOKEN_MAX + 1 bytes; wipe it after sending).  0 or -1. */
int session_new(struct rec_session *s, char *token, size_t size,
    int principal, const char *principal_id, const char *tenant,
    const char *vendor, const char *device, const char *source, int64_t now,
    int64_t lifetime) __attribute__((warn_unused_result));

#endif
