/* SPDX-License-Identifier: ISC */
#include "auth/reset.h"

#include <sodium.h>
#include <string.h>

#include "auth/hashslots.h"
#include "auth/password.h"
#include "common/clock.h"
#include "common/str.h"

#define MAIL_BODY_MAX 2048

static int
reset_stage(struct reset_run *run, const char *subject, const char *body,
    struct err *e)
{
	if (outbox_stage(&run->msg, run->mail->outbox_dir, run->mail->from,
	    run->user.email, subject, body) == -1)
		return err_internal(e, "cannot write to the outbox");
	return 0;
}

static void
reset_run_init(struct reset_run *run, const struct reset_mail *m,
    const struct rec_user *u, const char *tenant)
{
	memset(run, 0, sizeof(*run));
	run->mail = m;
	run->user = *u;
	str_copy(run->reset.tenant_id, sizeof(run->reset.tenant_id), tenant);
	str_copy(run->reset.user_id, sizeof(run->reset.user_id), u->id);
	str_mask_email(run->masked, sizeof(run->masked), u->email);
}

int
reset_password_begin(struct reset_run *run, const struct reset_mail *m,
    const struct rec_user *u, const char *tenant, int64_t ttl, int64_t now,
    struct err *e)
{
	char token[TOKEN_MAX + 1], stamp[RFC3339_LEN], body[MAIL_BODY_MAX];
	int rc = -1;

	reset_run_init(run, m, u, tenant);
	token[0] = '\0';
	body[0] = '\0';
	if (token_new(token, sizeof(token), "crt") == -1) {
		err_internal(e, "cannot make a reset token");
		goto out;
	}
	token_hash(run->reset.token_hash, token);
	run->reset.expires = now + ttl;
	time_format(stamp, run->reset.expires);
	if (str_printf(body, sizeof(body),
	    "Hello %s,\r\n\r\n"
	    "A password reset was started for your account in %s.\r\n"
	    "Choose a new password here (the link works once, until %s):\r\n"
	    "\r\n  %s/reset?token=%s\r\n\r\n"
	    "If you did not ask for this, tell your administrator: your\r\n"
	    "current password keeps working until the link is used.\r\n",
	    u->username, m->tenant_name, stamp, m->public_url, token) == -1) {
		err_internal(e, "the reset mail is too long");
		goto out;
	}
	if (reset_stage(run, "Reset your password", body, e) == -1)
		goto out;
	rc = 0;
out:
	sodium_memzero(token, sizeof(token));
	sodium_memzero(body, sizeof(body));
	return rc;
}

int
reset_password_apply(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	const struct reset_run *run = arg;

	/* Only the newest link works: the older ones end here. */
	if (ops->reset_delete_user(c, run->reset.tenant_id,
	    run->reset.user_id, e) == -1)
		return -1;
	return ops->reset_insert(c, &run->reset, e);
}

int
reset_mfa_begin(struct reset_run *run, const struct reset_mail *m,
    const struct rec_user *u, const char *tenant, int by_support,
    struct err *e)
{
	char body[MAIL_BODY_MAX];

	reset_run_init(run, m, u, tenant);
	if (str_printf(body, sizeof(body),
	    "Hello %s,\r\n\r\n"
	    "The second factor of your account in %s was reset by %s.\r\n"
	    "At your next login you will set up an authenticator again.\r\n"
	    "If you did not ask for this, tell your administrator now.\r\n",
	    u->username, m->tenant_name, by_support ? "support" :
	    "your administrator") == -1)
		return err_internal(e, "the reset mail is too long");
	return reset_stage(run, "Your second factor was reset", body, e);
}

int
reset_mfa_apply(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	const struct reset_run *run = arg;
	struct rec_totp none;

	memset(&none, 0, sizeof(none));
	/* The old factors -- the TOTP seed and every passkey, one of which
	 * may be an intruder's -- and every session they opened are gone:
	 * the user enrols again at the next login. */
	if (ops->user_set_totp(c, run->reset.tenant_id, run->user.id, &none,
	    0, e) == -1 || ops->passkey_revoke(c, PRINCIPAL_TENANT_USER,
	    run->user.id, run->reset.tenant_id, NULL, NULL, NULL, e) == -1 ||
	    ops->session_delete_user(c, run->reset.tenant_id, run->user.id,
	    e) == -1)
		return -1;
	return 0;
}

int
reset_deliver(struct reset_run *run, struct err *e)
{
	if (outbox_deliver(&run->msg, run->mail->outbox_dir) == -1)
		return err_internal(e, "the change is recorded but the mail "
		    "could not be delivered to the outbox");
	return 0;
}

void
reset_run_cleanup(struct reset_run *run)
{
	if (run->mail != NULL)
		outbox_discard(&run->msg, run->mail->outbox_dir);
	sodium_memzero(run, sizeof(*run));
}

int
reset_complete(struct reset_complete_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *new_password, const char *source,
    int64_t now, struct err *e)
{
	size_t len = strlen(new_password);
	int found;

	memset(run, 0, sizeof(*run));
	attempt_init(&run->a, p, source, now);
	if (password_acceptable(new_password, len, "new_password", e) == -1 ||
	    attempt_gate(&run->a, c, ops, e) == -1)
		return -1;
	token_hash(run->r.token_hash, token);
	found = ops->reset_get(c, run->r.token_hash, &run->r, e);
	if (found == -1)
		return -1;
	if (found == 1 || run->r.expires <= now) {
		attempt_refuse(&run->a, found == 1 ? "reset_token_unknown" :
		    "reset_token_expired");
		return 0;
	}
	if (password_hash_in_slot(run->hash, new_password, len, e) == -1) {
		run->a.retry_after = e->status == 503 ?
		    HASHSLOTS_RETRY_AFTER : 0;
		return -1;
	}
	return 0;
}

int
reset_complete_apply(struct store_conn *c, const struct store_ops *ops,
    struct reset_complete_run *run, struct err *e)
{
	struct rec_reset r;
	int rc;

	if (run->a.fail_reason == NULL) {
		rc = ops->reset_take(c, run->r.token_hash, &r, e);
		if (rc == -1)
			return -1;
		if (rc == 1)
			attempt_refuse(&run->a, "reset_token_used");
	}
	if (run->a.fail_reason != NULL) {
		run->a.fail_status = 400;
		run->a.fail_msg = "field 'token' is not a valid reset token "
		    "(unknown, used or expired)";
		return attempt_fail(&run->a, c, ops, e);
	}
	/* A new password ends every session the old one opened, and every
	 * other link to set one. */
	if (ops->user_set_password(c, run->r.tenant_id, run->r.user_id,
	    run->hash, e) == -1 || ops->session_delete_user(c,
	    run->r.tenant_id, run->r.user_id, e) == -1 ||
	    ops->reset_delete_user(c,
	    run->r.tenant_id, run->r.user_id, e) == -1)
		return -1;
	return 0;
}

void
reset_complete_run_wipe(struct reset_complete_run *run)
{
	attempt_release(&run->a);
	sodium_memzero(run, sizeof(*run));
}
