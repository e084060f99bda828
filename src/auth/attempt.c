/* SPDX-License-Identifier: ISC */
#include "auth/attempt.h"

#include <string.h>

#include "access/contain.h"
#include "auth/hashslots.h"
#include "auth/inflight.h"
#include "common/str.h"

/* The failures before the last factor, told apart only to the operator. */
static const char *const hidden[] = {"unknown_user", "bad_password",
    "account_inactive", "unregistered_device", "bad_device_signature",
    "totp_required", "bad_totp", "totp_reused", "unknown_login",
    "engineer_inactive", "vendor_inactive", "device_revoked", NULL};

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

void
attempt_account(struct attempt *a, int exists, const char *prefix,
    const char *context, const char *name)
{
	char blind[SECRETS_BLIND_LEN + 1];

	if (exists) {
		str_printf(a->acct_key, sizeof(a->acct_key), "%s%s", prefix,
		    name);
		return;
	}
	secrets_blind(blind, sizeof(blind), context, name);
	str_printf(a->acct_key, sizeof(a->acct_key), "unk:%s", blind);
}

/* Enters the keys not entered yet; -1 with a 429 when one is full. */
static int
attempt_enter(struct attempt *a, struct err *e)
{
	if (!a->entered_ip) {
		if (inflight_enter(a->ip_key, ATTEMPT_PER_SOURCE) == -1)
			goto busy;
		a->entered_ip = 1;
	}
	if (a->acct_key[0] != '\0' && !a->entered_acct) {
		if (inflight_enter(a->acct_key, 1) == -1)
			goto busy;
		a->entered_acct = 1;
	}
	return 0;
busy:
	a->retry_after = 1;
	return err_refuse(e, 429, "rate_limited", "rate_limited",
	    "too many logins under way; try again in 1 second");
}

void
attempt_release(struct attempt *a)
{
	if (a->entered_acct)
		inflight_leave(a->acct_key);
	if (a->entered_ip)
		inflight_leave(a->ip_key);
	a->entered_acct = a->entered_ip = 0;
}

int
attempt_hash_slot(struct attempt *a, struct err *e)
{
	if (hashslots_take(e) == -1) {
		a->retry_after = HASHSLOTS_RETRY_AFTER;
		return -1;
	}
	return 0;
}

int
attempt_hidden(const char *reason)
{
	size_t i;

	for (i = 0; reason != NULL && hidden[i] != NULL; i++)
		if (strcmp(reason, hidden[i]) == 0)
			return 1;
	return 0;
}

int
attempt_gate(struct attempt *a, struct store_conn *c,
    const struct store_ops *ops, struct err *e)
{
	a->retry_after = 0;
	if (attempt_enter(a, e) == -1)
		return -1;
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
	out->reason = attempt_hidden(a->fail_reason) ?
	    ATTEMPT_UNIFORM_REASON : a->fail_reason;
}
