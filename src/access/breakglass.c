/* SPDX-License-Identifier: ISC */
#include "access/breakglass.h"

#include <string.h>

#include "access/grant.h"
#include "common/clock.h"
#include "common/rand.h"
#include "common/str.h"

/* Fills en with the engineer id names (secrets wiped: only its id and
 * vendor are used); 400 when there is none. */
static int
engineer_check(struct rec_engineer *en, struct store_conn *c,
    const struct store_ops *ops, const char *id, struct err *e)
{
	int found;

	memset(en, 0, sizeof(*en));
	found = id != NULL && id_valid(id) ? ops->engineer_get(c, id, en, e) :
	    1;
	rec_engineer_wipe(en);
	if (found == 1) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'engineer' names no "
		    "engineer");
	}
	return found;
}

int
breakglass_open(struct request_op *op, struct store_conn *c,
    const struct store_ops *ops, const struct breakglass_in *in,
    const struct notice_cfg *mail, struct event *ev, struct err *e)
{
	struct rec_grant *g = &op->g;
	struct rec_engineer en;
	char body[NOTICE_BODY_MAX], until[RFC3339_LEN];

	memset(op, 0, sizeof(*op));
	notice_init(&op->notice, mail);
	op->from = -1;
	op->notify = 1;         /* the operator's: never withheld (asks.h) */
	if (in->minutes < 1 || in->minutes > BREAK_GLASS_MAX_MINUTES) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'minutes' must be between 1 "
		    "and %d", BREAK_GLASS_MAX_MINUTES);
	}
	if (grant_reason_check(in->reason, e) == -1 ||
	    engineer_check(&en, c, ops, in->engineer_id, e) == -1)
		return -1;
	id_new(g->id, "req");
	str_copy(g->tenant_id, sizeof(g->tenant_id), in->tenant->id);
	str_copy(g->engineer_id, sizeof(g->engineer_id), en.id);
	str_copy(g->vendor_id, sizeof(g->vendor_id), en.vendor_id);
	str_copy(g->reason, sizeof(g->reason), in->reason);
	g->minutes = in->minutes;
	g->state = GRANT_APPROVED;
	g->break_glass = 1;
	g->created = g->decided = in->now;
	str_copy(g->decided_by, sizeof(g->decided_by), "operator");
	g->deadline = in->now + in->minutes * 60;
	time_format(until, g->deadline);
	if (str_printf(body, sizeof(body),
	    "BREAK-GLASS: the operator opened emergency support access to "
	    "your tenant %s\r\nfor engineer %s (vendor %s) until %s, without "
	    "an admin's approval.\r\n\r\nReason: %s\r\n\r\nRequest: %s. "
	    "Every action under it is marked in your tenant's\r\naccess log. "
	    "A tenant admin can revoke it at once.\r\n", in->tenant->name,
	    g->engineer_id, g->vendor_id, until, g->reason, g->id) == -1)
		return err_internal(e, "notice too long");
	if (notice_stage(&op->notice, c, ops, g->tenant_id, "Break-glass "
	    "access to your tenant", body, e) == -1)
		return -1;
	str_copy(ev->target, sizeof(ev->target), g->id);
	event_detail(ev, "engineer", g->engineer_id);
	event_detail(ev, "break_glass", "true");
	event_detail(ev, "alert", "break_glass");
	return 0;
}
