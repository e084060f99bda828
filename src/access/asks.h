/* SPDX-License-Identifier: ISC */
/*
 * asks: how often an engineer may mail a tenant's admins.  Every access
 * request and every second approval an engineer asks mails each admin of
 * the tenant, with the engineer's own words in it; without a bound one
 * engineer (or whoever holds their session) could fill the admins'
 * mailboxes.  So the admins of one tenant are mailed about at most
 * ASKS_MAX asks of one engineer within ASKS_WINDOW seconds (access
 * requests and second approvals together; break-glass access, opened by
 * the operator, aside).  Past that an ask is still made, answered and
 * recorded as always -- the admins find it in their list and their access
 * log -- but nobody is mailed: the answer says "admins_notified": false
 * and the entry's detail "notice" is "withheld".
 *
 * Decided on the reader before a notice is staged, and again on the
 * writer, where asks committed meanwhile (by other custosd nodes too)
 * are counted.
 */
#ifndef CUSTOS_ACCESS_ASKS_H
#define CUSTOS_ACCESS_ASKS_H

#include <stdint.h>

#include "audit/event.h"
#include "common/err.h"
#include "store/store.h"

#define ASKS_MAX 10
#define ASKS_WINDOW 3600

/*
 * 1 when the admins of tenant_id may be mailed about one more ask of
 * engineer_id at now (it asked fewer than ASKS_MAX times within the
 * window before), 0 when not, -1 on a store error.
 */
int asks_may_notify(struct store_conn *c, const struct store_ops *ops,
    const char *engineer_id, const char *tenant_id, int64_t now,
    struct err *e) __attribute__((warn_unused_result));

/*
 * On the writer, for an ask whose notice was staged: counts again, with
 * the asks committed since; over the bound sets *notify to 0 and ev's
 * detail "notice" to "withheld".  0, or -1 on a store error.
 */
int asks_withheld(struct store_conn *c, const struct store_ops *ops,
    const char *engineer_id, const char *tenant_id, int64_t now,
    struct event *ev, int *notify, struct err *e)
	__attribute__((warn_unused_result));

#endif
