/* SPDX-License-Identifier: ISC */
/*
 * grant: the rules of customer approvals, as data and pure functions.
 *
 * An access request moves pending -> approved | denied, approved ->
 * expired | revoked, and pending -> expired when nobody answers in time.
 * Its duration starts at approval.  A state read back from the store is
 * only as fresh as the last transition written, so every reader asks for
 * the effective state at `now`: an approved or pending request past its
 * deadline is expired, whether or not the sweeper has recorded it yet.
 * Second approvals (two-person rule) follow the same pattern: see
 * approval.h.  The workflows that move grants are request.h (ask, answer),
 * breakglass.h and sweeper.h (expiry).
 */
#ifndef CUSTOS_ACCESS_GRANT_H
#define CUSTOS_ACCESS_GRANT_H

#include <jansson.h>
#include <stdint.h>

#include "common/err.h"
#include "store/records.h"

#define GRANT_REASON_MIN 10
#define GRANT_PENDING_SECONDS (12 * 3600)       /* unanswered requests */
#define GRANT_WARN_SECONDS (15 * 60)            /* "about to expire" */
#define TENANT_MAX_MINUTES_CAP (24 * 60)        /* a tenant's setting */

extern const char *const grant_state_names[];          /* NULL-ended */

/* g's state at now: pending or approved past the deadline is expired. */
int grant_effective_state(const struct rec_grant *g, int64_t now);

/* The request as the API shows it. */
json_t *grant_json(const struct rec_grant *g, int64_t now);

/* 0 when reason is GRANT_REASON_MIN..REC_REASON_MAX bytes; else 400
 * naming field 'reason'. */
int grant_reason_check(const char *reason, struct err *e)
	__attribute__((warn_unused_result));

/* A time as the API shows it: RFC 3339, or null when t is 0. */
json_t *grant_stamp_json(int64_t t);

#endif
