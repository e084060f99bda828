/* SPDX-License-Identifier: ISC */
#include "access/grant.h"

#include <string.h>

#include "common/clock.h"

const char *const grant_state_names[] = {
	[GRANT_PENDING] = "pending",
	[GRANT_APPROVED] = "approved",
	[GRANT_DENIED] = "denied",
	[GRANT_EXPIRED] = "expired",
	[GRANT_REVOKED] = "revoked",
	NULL,
};

int
grant_effective_state(const struct rec_grant *g, int64_t now)
{
	if ((g->state == GRANT_PENDING || g->state == GRANT_APPROVED) &&
	    now >= g->deadline)
		return GRANT_EXPIRED;
	return g->state;
}

int
grant_reason_check(const char *reason, struct err *e)
{
	size_t n = reason != NULL ? strlen(reason) : 0;

	if (n < GRANT_REASON_MIN || n > REC_REASON_MAX) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'reason' must be %d to %d "
		    "bytes", GRANT_REASON_MIN, REC_REASON_MAX);
	}
	return 0;
}

json_t *
grant_stamp_json(int64_t t)
{
	char s[RFC3339_LEN];

	if (t <= 0)
		return json_null();
	time_format(s, t);
	return json_string(s);
}

json_t *
grant_json(const struct rec_grant *g, int64_t now)
{
	int st = grant_effective_state(g, now);
	json_t *o;

	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:b}", "id", g->id,
	    "tenant", g->tenant_id, "engineer", g->engineer_id, "vendor",
	    g->vendor_id, "ticket", g->ticket_id, "reason", g->reason,
	    "minutes", (json_int_t)g->minutes, "state", grant_state_names[st],
	    "break_glass", g->break_glass);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "created", grant_stamp_json(g->created));
	json_object_set_new(o, "decided", grant_stamp_json(g->decided));
	json_object_set_new(o, "decided_by", g->decided_by[0] != '\0' ?
	    json_string(g->decided_by) : json_null());
	/* pending: the answer is due by then; approved: access ends then. */
	json_object_set_new(o, st == GRANT_PENDING ? "answer_by" :
	    "expires_at", st == GRANT_PENDING || st == GRANT_APPROVED ||
	    st == GRANT_EXPIRED || st == GRANT_REVOKED ?
	    grant_stamp_json(g->deadline) : json_null());
	return o;
}

