/* SPDX-License-Identifier: ISC */
/*
 * breakglass: the operator opens short emergency access for one engineer
 * to one tenant without its admins, even where the tenant's policy is
 * deny.  The grant is approved at once (decided by "operator"), lasts at
 * most BREAK_GLASS_MAX_MINUTES, every admin of the tenant is mailed at
 * once, and every entry it lets through says break_glass.  Applied on the
 * writer like any new grant (request_apply).  Nothing here knows HTTP.
 */
#ifndef CUSTOS_ACCESS_BREAKGLASS_H
#define CUSTOS_ACCESS_BREAKGLASS_H

#include <stdint.h>

#include "access/request.h"

#define BREAK_GLASS_MAX_MINUTES 60
#define BREAK_GLASS_DEFAULT_MINUTES 30

struct breakglass_in {
	const struct rec_tenant *tenant;
	const char *engineer_id;
	const char *reason;
	int64_t minutes;        /* 1..BREAK_GLASS_MAX_MINUTES */
	int64_t now;
};

/*
 * Prepares the break-glass grant and stages the notice to the tenant's
 * admins (read on c).  400 when the engineer does not exist or minutes is
 * out of range.  On success the entry's detail goes to ev (target,
 * engineer, break_glass, alert).  The caller delivers op->notice after the
 * commit and discards it always.
 */
int breakglass_open(struct request_op *op, struct store_conn *c,
    const struct store_ops *ops, const struct breakglass_in *in,
    const struct notice_cfg *mail, struct event *ev, struct err *e)
	__attribute__((warn_unused_result));

#endif
