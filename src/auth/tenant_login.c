/* SPDX-License-Identifier: ISC */
#include "auth/tenant_login.h"

#include <sodium.h>
#include <string.h>

#include "auth/hashslots.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "common/str.h"

/* The password, then the second factor (or its enrolment).  -1 when the
 * enrolment URI cannot be made. */
static int
check_factors(struct tenant_login_run *run, const char *username,
    const char *password, const char *code, char *uri, size_t uri_size,
    struct err *e)
{
	struct rec_user *u = &run->user;
	int trc, pwrc;

	if (attempt_hash_slot(&run->a, e) == -1)
		return -1;
	pwrc = password_verify(run->found ? u->password_hash : NULL, password,
	    strlen(password));
	hashslots_put();
	if (pwrc == -1) {
		attempt_refuse(&run->a, run->found ? "bad_password" :
		    "unknown_user");
	} else if (u->status != STATUS_ACTIVE) {
		attempt_refuse(&run->a, "account_inactive");
	} else if (!u->mfa_enrolled && code == NULL) {
		/* After an MFA reset (or never enrolled): a fresh secret. */
		totp_generate(&u->totp);
		run->enrol = 1;
		if (totp_uri(uri, uri_size, &u->totp, run->a.policy->issuer,
		    username) == -1)
			return err_internal(e, "cannot make a TOTP URI");
	} else if (code == NULL) {
		/* The same answer as a wrong password: a missing code must
		 * not tell that the password was right. */
		attempt_refuse(&run->a, "totp_required");
	} else if ((trc = totp_check(&u->totp, code, run->a.now,
	    &run->step)) != 0) {
		attempt_refuse(&run->a, trc == 1 ? "totp_reused" : "bad_totp");
	}
	return 0;
}

int
tenant_login(struct tenant_login_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *tenant, const char *username, const char *password,
    const char *code, const char *source, int64_t now, char *token,
    size_t token_size, char *uri, size_t uri_size, struct err *e)
{
	struct rec_tenant t;
	int found;

	char prefix[ID_MAX + 8];

	memset(run, 0, sizeof(*run));
	attempt_init(&run->a, p, source, now);
	str_copy(run->tenant_id, sizeof(run->tenant_id), tenant);
	found = ops->tenant_get(c, tenant, &t, e);
	if (found == 0)
		found = ops->user_get_by_username(c, tenant, username,
		    &run->user, e);
	if (found == -1)
		return -1;
	run->found = found == 0;
	/* A name nobody holds is kept only blinded; it still has a key, so
	 * a lockout does not tell which names exist. */
	str_printf(prefix, sizeof(prefix), "usr:%s:", tenant);
	attempt_account(&run->a, run->found, prefix, prefix, username);
	if (attempt_gate(&run->a, c, ops, e) == -1)
		return -1;
	if (check_factors(run, username, password, code, uri, uri_size, e) ==
	    -1)
		return -1;
	if (run->a.fail_reason == NULL && !run->enrol &&
	    session_new(&run->session, token, token_size,
	    PRINCIPAL_TENANT_USER, run->user.id, tenant, "", "", source, now,
	    p->session_lifetime) == -1)
		return err_internal(e, "cannot make a session");
	return 0;
}

int
tenant_login_apply(struct store_conn *c, const struct store_ops *ops,
    struct tenant_login_run *run, struct err *e)
{
	struct rec_user *u = &run->user;
	int rc;

	if (run->a.fail_reason != NULL)
		return attempt_fail(&run->a, c, ops, e);
	if (run->enrol)
		return ops->user_set_totp(c, u->tenant_id, u->id, &u->totp, 0,
		    e) == -1 ? -1 : 0;
	if (!u->mfa_enrolled) {
		/* First code from the new secret: enrolment is complete. */
		u->totp.last_step = run->step;
		rc = ops->user_set_totp(c, u->tenant_id, u->id, &u->totp, 1,
		    e);
	} else {
		rc = ops->user_use_totp_step(c, u->tenant_id, u->id,
		    run->step, e);
	}
	if (rc == -1)
		return -1;
	if (rc == 1) {
		attempt_refuse(&run->a, "totp_reused");
		return attempt_fail(&run->a, c, ops, e);
	}
	return attempt_succeed(&run->a, c, ops, &run->session, e);
}

void
tenant_login_run_wipe(struct tenant_login_run *run)
{
	attempt_release(&run->a);
	sodium_memzero(run, sizeof(*run));
}
