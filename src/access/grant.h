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
 * Second approvals (two-person rule) follow the same pattern, with `used`
 * once the action they allowed was done.
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
#define BREAK_GLASS_MAX_MINUTES 60
#define TENANT_MAX_MINUTES_CAP (24 * 60)        /* a tenant's setting */
#define APPROVAL_PENDING_SECONDS (30 * 60)
#define APPROVAL_VALID_SECONDS (15 * 60)        /* to use it once */

extern const char *const grant_state_names[];          /* NULL-ended */
extern const char *const approval_state_names[];       /* NULL-ended */
extern const char *const second_approver_names[];      /* NULL-ended */

int grant_effective_state(const struct rec_grant *g, int64_t now);
int approval_effective_state(const struct rec_approval *a, int64_t now);

/* The request as the API shows it. */
json_t *grant_json(const struct rec_grant *g, int64_t now);
json_t *approval_json(const struct rec_approval *a, int64_t now);

/* Actions a tenant may mark as needing a second approval. */
int sensitive_parse(unsigned *mask, const json_t *array, struct err *e)
	__attribute__((warn_unused_result));
json_t *sensitive_json(unsigned mask);
/* 1 when action (enum action) may be marked; its bit in the mask. */
unsigned sensitive_bit(int action);

/* 1 when the action needs a second approval in tenant t: a reset of a
 * tenant admin always, and whatever the tenant marked. */
int grant_needs_second(const struct rec_tenant *t, int action,
    int target_is_admin);

#endif
