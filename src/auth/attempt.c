/* SPDX-License-Identifier: ISC */
#include "auth/attempt.h"

#include <string.h>

#include "access/contain.h"
#include "common/str.h"

void
attempt_policy_init(struct attempt_policy *p, int delay_after,
    int lock_after, int64_t lock_seconds, int64_t window, int ip_after)
{
	memset(p, 0, sizeof(*p));
	p->account.delay_after = delay_after;
	p->account.lock_after = lock_after;
	p->account.lock_seconds = lock_seconds;
	p->account.window = window;
	p->account.max_delay = 60;
	p->address.delay_after = ip_after;
	p->address.lock_after = 0;
	p->address.lock_seconds = 0;
	p->address.window = window;
	p->address.max_delay = 300;
}

void
attempt_init(struct attempt *a, const struct attempt_policy *p,
    const char *source, int64_t now)
{
	memset(a, 0, sizeof(*a));
	a->policy = p;
	a->now = now;
	str_printf(a->ip_key, sizeof(a->ip_key), "ip:%s", source);
}

int
attempt_gate(struct attempt *a, struct store_conn *c,
    const struct store_ops *ops, struct err *e)
{
	a->retry_after = 0;
	if (throttle_check(c, ops, &a->policy->address, a->ip_key, a->now,
	    &a->retry_after, e) == -1)
		return -1;
	if (a->acct_key[0] != '\0' && throttle_check(c, ops,
	    &a->policy->account, a->acct_key, a->now, &a->retry_after, e) ==
	    -1)
		return -1;
	return 0;
}

void
attempt_refuse(struct attempt *a, const char *reason)
{
	a->fail_reason = reason;
}

int
attempt_contained(struct attempt *a, struct store_conn *c,
    const struct store_ops *ops, const char *engineer_id,
    const char *vendor_id, const char *device_id, struct err *e)
{
	struct rec_containment r;
	int rc;

	/* Asked only once the password was right: nobody learns of a
	 * containment without it. */
	rc = contain_refuses(c, ops, engineer_id, vendor_id, device_id, &r,
	    e);
	if (rc == 1) {
		a->fail_reason = "contained";
		a->fail_status = 403;
		a->fail_msg = "this account is contained by the operator; "
		    "logins are refused until the containment is lifted";
		str_copy(a->contained, sizeof(a->contained), r.id);
	}
	return rc == -1 ? -1 : 0;
}

int
attempt_fail(struct attempt *a, struct store_conn *c,
    const struct store_ops *ops, struct err *e)
{
	if (throttle_fail(c, ops, &a->policy->address, a->ip_key, a->now, e) ==
	    -1)
		return -1;
	if (a->acct_key[0] != '\0' && throttle_fail(c, ops,
	    &a->policy->account, a->acct_key, a->now, e) == -1)
		return -1;
	return 0;
}

int
attempt_succeed(struct attempt *a, struct store_conn *c,
    const struct store_ops *ops, const struct rec_session *s, struct err *e)
{
	if (ops->session_insert(c, s, e) == -1 ||
	    throttle_clear(c, ops, a->acct_key, e) == -1)
		return -1;
	return 0;
}

void
attempt_refusal(const struct attempt *a, struct err *out)
{
	int status = a->fail_status != 0 ? a->fail_status : 401;

	err_init(out);
	err_set(out, status, status == 400 ? "bad_request" : status == 403 ?
	    "forbidden" : "unauthorized", "%s", a->fail_msg != NULL ?
	    a->fail_msg : "invalid credentials");
	out->reason = a->fail_reason;
}
