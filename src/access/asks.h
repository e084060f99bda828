/* SPDX-License-Identifier: ISC */
/*
 * asks: how often an engineer may ask a tenant's admins for something.
 * Every access request and every second approval an engineer asks mails
 * each admin of the tenant, with the engineer's own words in it; without
 * a bound one engineer (or whoever holds their session) could fill the
 * admins' mailboxes.  So an engineer may ask one tenant at most
 * ASKS_MAX times within ASKS_WINDOW seconds (access requests and second
 * approvals together, break-glass access opened by the operator aside).
 * Past that the ask is refused, 429 rate_limited (reason ask_rate) with
 * the seconds until the oldest ask leaves the window: nothing is created
 * and nobody is mailed, and the refusal is recorded like any other.
 *
 * Checked on the reader before a notice is staged, and again on the
 * writer when the row is inserted, where asks committed meanwhile (by
 * other custosd nodes too) are counted.
 */
#ifndef CUSTOS_ACCESS_ASKS_H
#define CUSTOS_ACCESS_ASKS_H

#include <stdint.h>

#include "common/err.h"
#include "store/store.h"

#define ASKS_MAX 10
#define ASKS_WINDOW 3600

/*
 * 0 when engineer_id may ask tenant_id's admins once more at now; -1 with
 * 429 (reason ask_rate) and *retry_after (seconds) when it asked ASKS_MAX
 * times within the window, or with the store's error.
 */
int asks_check(struct store_conn *c, const struct store_ops *ops,
    const char *engineer_id, const char *tenant_id, int64_t now,
    int64_t *retry_after, struct err *e)
	__attribute__((warn_unused_result));

#endif
