/* SPDX-License-Identifier: ISC */
#include "auth/invite.h"

#include <sodium.h>
#include <string.h>

#include "access/contain.h"
#include "access/standing.h"
#include "auth/hashslots.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "auth/totp.h"
#include "common/clock.h"
#include "common/str.h"

#define MAIL_BODY_MAX 2048

const char *const invite_kind_names[] = {
	[0] = "",
	[INVITE_ENGINEER] = "engineer",
	[INVITE_TENANT_USER] = "tenant_user",
	[INVITE_OPERATOR] = "operator",
	NULL
};

const char *
invite_state(const struct rec_invitation *r, int64_t now)
{
	if (r->used != 0)
		return "used";
	if (r->revoked != 0)
		return "revoked";
	if (r->expires <= now)
		return "expired";
	return "pending";
}

/* What the person is invited as, in the mail. */
static const char *
kind_words(int kind)
{
	switch (kind) {
	case INVITE_ENGINEER:
		return "a support engineer";
	case INVITE_OPERATOR:
		return "an operator";
	default:
		return "a user";
	}
}

int
invite_begin(struct invite_run *run, const struct invite_mail *m,
    const struct rec_invitation *proto, int64_t now, struct err *e)
{
	char token[TOKEN_MAX + 1], stamp[RFC3339_LEN], body[MAIL_BODY_MAX];
	char where[REC_NAME_MAX + 8];
	int rc = -1;

	memset(run, 0, sizeof(*run));
	run->mail = m;
	run->inv = *proto;
	rec_invitation_wipe(&run->inv);
	id_new(run->inv.id, "inv");
	run->inv.created = now;
	run->inv.expires = now + INVITE_TTL;
	run->inv.used = run->inv.revoked = 0;
	str_mask_email(run->masked, sizeof(run->masked), proto->email);
	token[0] = body[0] = '\0';
	if (token_new(token, sizeof(token), "civ") == -1) {
		err_internal(e, "cannot make an invitation token");
		goto out;
	}
	token_hash(run->inv.token_hash, token);
	time_format(stamp, run->inv.expires);
	where[0] = '\0';
	if (m->where != NULL && m->where[0] != '\0')
		str_printf(where, sizeof(where), " of %s", m->where);
	if (str_printf(body, sizeof(body),
	    "Hello %s,\r\n\r\n"
	    "You are invited to %s as %s%s.\r\n"
	    "Set up how you sign in here (the link works once, until %s):\r\n"
	    "\r\n  %s/#/invite/%s\r\n\r\n"
	    "Do not forward this mail: whoever opens the link first becomes\r\n"
	    "this account.  If you did not expect it, tell the sender.\r\n",
	    proto->username, m->product, kind_words(proto->kind), where, stamp,
	    m->public_url, token) == -1) {
		err_internal(e, "the invitation mail is too long");
		goto out;
	}
	if (outbox_stage(&run->msg, m->outbox_dir, m->from, proto->email,
	    "Your invitation", body) == -1) {
		err_internal(e, "cannot write to the outbox");
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(token, sizeof(token));
	sodium_memzero(body, sizeof(body));
	return rc;
}

int
invite_apply(struct store_conn *c, const struct store_ops *ops, void *arg,
    struct err *e)
{
	const struct invite_run *run = arg;
	const struct rec_invitation *r = &run->inv;

	/* Only the newest link of a person works. */
	if (ops->invitation_revoke_principal(c, r->kind, r->tenant_id,
	    r->principal_id, r->created, e) == -1)
		return -1;
	return ops->invitation_insert(c, r, e);
}

int
invite_deliver(struct invite_run *run, struct err *e)
{
	if (outbox_deliver(&run->msg, run->mail->outbox_dir) == -1)
		return err_internal(e, "the invitation is stored but its mail "
		    "could not be delivered to the outbox");
	return 0;
}

void
invite_run_cleanup(struct invite_run *run)
{
	if (run->mail != NULL)
		outbox_discard(&run->msg, run->mail->outbox_dir);
	sodium_memzero(run, sizeof(*run));
}

int
invite_find(struct rec_invitation *out, struct store_conn *c,
    const struct store_ops *ops, const char *token, int64_t now,
    const char **why, struct err *e)
{
	uint8_t h[TOKEN_HASH_LEN];
	int found;

	*why = NULL;
	token_hash(h, token);
	found = ops->invitation_get(c, h, out, e);
	sodium_memzero(h, sizeof(h));
	if (found == -1)
		return -1;
	if (found == 1)
		*why = "invitation_unknown";
	else if (out->used != 0)
		*why = "invitation_used";
	else if (out->revoked != 0)
		*why = "invitation_revoked";
	else if (out->expires <= now)
		*why = "invitation_expired";
	if (*why != NULL) {
		rec_invitation_wipe(out);
		return 1;
	}
	return 0;
}

static int person_may_enrol(const struct rec_invitation *r,
    struct store_conn *c, const struct store_ops *ops, struct err *e);

/* Refuses a step whose token is not an open invitation: one 400, whose
 * entry names the precise reason (nobody learns more from it than the
 * holder of the token knew). */
static void
refuse_token(struct invite_step *run, const char *why)
{
	attempt_refuse(&run->a, why);
	run->a.fail_status = 400;
	run->a.fail_msg = "field 'token' is not a valid invitation (unknown, "
	    "used, revoked or expired): ask for a new one";
}

int
invite_open(struct invite_step *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *source, int64_t now, struct err *e)
{
	const char *why;
	int rc;

	memset(run, 0, sizeof(*run));
	attempt_init(&run->a, p, source, now);
	if (attempt_gate(&run->a, c, ops, e) == -1)
		return -1;
	rc = invite_find(&run->inv, c, ops, token, now, &why, e);
	if (rc == -1)
		return -1;
	if (rc == 1)
		refuse_token(run, why);
	run->found = rc == 0;
	return 0;
}

int
invite_password(struct invite_step *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *new_password, const char *source,
    int64_t now, char *uri, size_t uri_size, struct err *e)
{
	size_t len = strlen(new_password);

	if (password_acceptable(new_password, len, "new_password", e) == -1)
		return -1;
	if (invite_open(run, c, ops, p, token, source, now, e) == -1)
		return -1;
	if (!run->found)
		return 0;
	if (run->inv.kind == INVITE_OPERATOR)
		return err_bad_request(e, "this invitation enrols with a "
		    "passkey only (POST /v1/passkeys/options with "
		    "'invitation')");
	/* An engineer's password and TOTP serve the CLI's login, which
	 * also signs with a device: the device comes first. */
	if (run->inv.kind == INVITE_ENGINEER && run->inv.device_id[0] == '\0')
		return err_set(e, 409, "conflict", "register the device first "
		    "(POST /v1/invitations/device)");
	if (password_hash_in_slot(run->inv.pending_password, new_password,
	    len, e) == -1) {
		run->a.retry_after = e->status == 503 ?
		    HASHSLOTS_RETRY_AFTER : 0;
		return -1;
	}
	/* A new seed each time: a page reloaded, or a code never entered,
	 * leaves no seed someone else saw. */
	totp_generate(&run->inv.pending_totp);
	run->inv.pending_totp.last_step = 0;
	if (totp_uri(uri, uri_size, &run->inv.pending_totp, p->issuer,
	    run->inv.username) == -1)
		return err_internal(e, "cannot make a TOTP URI");
	return 0;
}

int
invite_totp(struct invite_step *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *code, const char *source, int64_t now,
    char *sess_token, size_t token_size, struct err *e)
{
	int found, trc;

	if (invite_open(run, c, ops, p, token, source, now, e) == -1)
		return -1;
	if (!run->found)
		return 0;
	/* Codes are guessed per invitation too, not only per address. */
	attempt_account(&run->a, 1, "inv:", "inv", run->inv.id);
	if (attempt_gate(&run->a, c, ops, e) == -1)
		return -1;
	if (run->inv.kind == INVITE_OPERATOR)
		return err_bad_request(e, "this invitation enrols with a "
		    "passkey only");
	if (run->inv.pending_totp.len == 0 ||
	    run->inv.pending_password[0] == '\0')
		return err_set(e, 409, "conflict", "choose a password first "
		    "(POST /v1/invitations/password)");
	trc = totp_check(&run->inv.pending_totp, code, now, &run->step);
	if (trc != 0) {
		attempt_refuse(&run->a, "bad_totp");
		return 0;
	}
	if (run->inv.kind == INVITE_ENGINEER) {
		/* No session: the CLI signs in with the device's key. */
		return person_may_enrol(&run->inv, c, ops, e);
	}
	found = ops->user_get(c, run->inv.tenant_id, run->inv.principal_id,
	    &run->user, e);
	if (found == -1)
		return -1;
	if (found == 1 || run->user.status != STATUS_ACTIVE) {
		attempt_refuse(&run->a, "account_inactive");
		return 0;
	}
	if (session_new(&run->session, sess_token, token_size,
	    PRINCIPAL_TENANT_USER, run->user.id, run->inv.tenant_id, "", "",
	    source, now, p->session_lifetime) == -1)
		return err_internal(e, "cannot make a session");
	return 0;
}

int
invite_device(struct invite_step *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *source, int64_t now, struct err *e)
{
	if (invite_open(run, c, ops, p, token, source, now, e) == -1)
		return -1;
	if (!run->found)
		return 0;
	if (run->inv.kind != INVITE_ENGINEER)
		return err_bad_request(e, "only an engineer's invitation "
		    "registers a device");
	if (run->inv.device_id[0] != '\0')
		return err_set(e, 409, "conflict", "this invitation already "
		    "has a device");
	return person_may_enrol(&run->inv, c, ops, e);
}

/* TOTP: the invitation's secrets become the account's. */
static int
complete_user(struct store_conn *c, const struct store_ops *ops,
    struct invite_step *run, struct err *e)
{
	const struct rec_invitation *r = &run->inv;
	struct rec_totp t = r->pending_totp;
	int64_t ended = 0;
	int rc;

	rc = ops->invitation_use(c, r->id, run->a.now, e);
	if (rc != 0) {
		sodium_memzero(&t, sizeof(t));
		if (rc == 1)
			refuse_token(run, "invitation_used");
		return rc == 1 ? 0 : -1;
	}
	t.last_step = run->step;
	if (r->kind == INVITE_ENGINEER) {
		/* The engineer's own secrets; whoever held the account
		 * before is signed out (an invitation also recovers one). */
		rc = ops->engineer_set_secrets(c, r->principal_id,
		    r->pending_password, &t, e);
		sodium_memzero(&t, sizeof(t));
		if (rc == 1)
			return err_set(e, 409, "conflict", "the account was "
			    "deleted meanwhile");
		if (rc == -1 || ops->session_end_matching(c, CONTAIN_ENGINEER,
		    r->principal_id, &ended, e) == -1)
			return -1;
		return throttle_clear(c, ops, run->a.acct_key, e);
	}
	rc = ops->user_set_password(c, r->tenant_id, r->principal_id,
	    r->pending_password, e);
	if (rc == 0)
		rc = ops->user_set_totp(c, r->tenant_id, r->principal_id, &t, 1,
		    e);
	sodium_memzero(&t, sizeof(t));
	if (rc == 1)
		return err_set(e, 409, "conflict", "the account was deleted "
		    "meanwhile");
	if (rc == -1 || ops->session_delete_user(c, r->tenant_id,
	    r->principal_id, e) == -1 || ops->reset_delete_user(c,
	    r->tenant_id, r->principal_id, e) == -1)
		return -1;
	return attempt_succeed(&run->a, c, ops, &run->session, e);
}

int
invite_step_apply(struct store_conn *c, const struct store_ops *ops,
    struct invite_step *run, int kind, struct err *e)
{
	int rc;

	if (run->a.fail_reason == NULL) {
		switch (kind) {
		case INVITE_STEP_PASSWORD:
			rc = ops->invitation_set_pending(c, &run->inv,
			    run->a.now, e);
			if (rc == -1)
				return -1;
			if (rc == 1)
				refuse_token(run, "invitation_used");
			break;
		case INVITE_STEP_TOTP:
			if (complete_user(c, ops, run, e) == -1)
				return -1;
			break;
		case INVITE_STEP_DEVICE:
			rc = ops->invitation_set_device(c, run->inv.id,
			    run->inv.device_id, run->a.now, e);
			if (rc == -1)
				return -1;
			if (rc == 1)
				return err_set(e, 409, "conflict", "the "
				    "invitation already has a device, or is "
				    "no longer open");
			break;
		default:
			break;
		}
	}
	if (run->a.fail_reason != NULL)
		return attempt_fail(&run->a, c, ops, e);
	return 0;
}

void
invite_step_wipe(struct invite_step *run)
{
	attempt_release(&run->a);
	sodium_memzero(run, sizeof(*run));
}

void
invite_who(struct passkey_who *who, const struct rec_invitation *r)
{
	memset(who, 0, sizeof(*who));
	who->principal = r->kind == INVITE_ENGINEER ? PRINCIPAL_ENGINEER :
	    r->kind == INVITE_TENANT_USER ? PRINCIPAL_TENANT_USER :
	    PRINCIPAL_OPERATOR;
	str_copy(who->id, sizeof(who->id), r->principal_id);
	if (r->kind == INVITE_TENANT_USER)
		str_copy(who->tenant, sizeof(who->tenant), r->tenant_id);
	if (r->kind == INVITE_ENGINEER)
		str_copy(who->device, sizeof(who->device), r->device_id);
}

/*
 * Whether the person r names may enrol now: an engineer active, the
 * invited device still theirs, no containment in force over engineer,
 * vendor or device (403 contained, as a login would be refused); a user
 * active.  An operator person does not exist yet (made when enrolled).
 * 0, or -1 with e.
 */
static int
person_may_enrol(const struct rec_invitation *r, struct store_conn *c,
    const struct store_ops *ops, struct err *e)
{
	struct rec_containment k;
	struct rec_engineer en;
	struct rec_device d;
	struct rec_user u;
	const char *why;
	int found;

	switch (r->kind) {
	case INVITE_ENGINEER:
		memset(&en, 0, sizeof(en));
		found = ops->engineer_get(c, r->principal_id, &en, e);
		rec_engineer_wipe(&en);
		/* No device yet: the invited one registers it. */
		memset(&d, 0, sizeof(d));
		if (found == 0 && r->device_id[0] != '\0')
			found = ops->device_get(c, r->device_id, &d, e);
		else if (found == 0)
			str_copy(d.engineer_id, sizeof(d.engineer_id), en.id);
		if (found == -1)
			return -1;
		if (found == 1 || en.status != STATUS_ACTIVE ||
		    strcmp(d.engineer_id, en.id) != 0)
			break;
		/* A suspended or offboarded vendor, a revoked device
		 * (access/standing.h). */
		found = standing_refuses(c, ops, &en, d.id, &why, e);
		if (found == -1)
			return -1;
		if (found == 1)
			break;
		found = contain_refuses(c, ops, en.id, en.vendor_id, d.id, &k,
		    e);
		if (found == -1)
			return -1;
		if (found == 1)
			return err_refuse(e, 403, "forbidden", "contained",
			    "this account is contained by the operator; it "
			    "cannot enrol until the containment is lifted");
		return 0;
	case INVITE_TENANT_USER:
		memset(&u, 0, sizeof(u));
		found = ops->user_get(c, r->tenant_id, r->principal_id, &u, e);
		rec_user_wipe(&u);
		if (found == -1)
			return -1;
		if (found == 1 || u.status != STATUS_ACTIVE)
			break;
		return 0;
	default:
		return 0;
	}
	return err_refuse(e, 403, "forbidden", "account_inactive",
	    "the invited account is not active");
}

int
invite_passkey_who(struct passkey_who *who, char inv_id[ID_MAX],
    struct store_conn *c, const struct store_ops *ops, const char *token,
    int64_t now, struct err *e)
{
	struct rec_invitation r;
	const char *why;
	int rc;

	rc = invite_find(&r, c, ops, token, now, &why, e);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		err_bad_request(e, "field 'invitation' is not a valid "
		    "invitation (unknown, used, revoked or expired): ask for "
		    "a new one");
		e->reason = why;
		return -1;
	}
	if (r.kind == INVITE_ENGINEER && r.device_id[0] == '\0') {
		rec_invitation_wipe(&r);
		e->reason = "conflict";
		return err_set(e, 409, "conflict", "register the device first "
		    "(POST /v1/invitations/device): an engineer's passkey "
		    "stands for one device");
	}
	rc = person_may_enrol(&r, c, ops, e);
	if (rc == 0) {
		invite_who(who, &r);
		str_copy(inv_id, ID_MAX, r.id);
	}
	rec_invitation_wipe(&r);
	return rc;
}

int
invite_passkey_done(struct store_conn *c, const struct store_ops *ops,
    const char *inv_id, int64_t now, struct err *e)
{
	struct rec_invitation r;
	struct rec_operator o;
	int rc;

	rc = ops->invitation_get_id(c, inv_id, &r, e);
	rec_invitation_wipe(&r);
	if (rc != 0)
		return rc;
	rc = ops->invitation_use(c, inv_id, now, e);
	if (rc != 0)
		return rc;
	/* An invitation is also how an account is recovered: whoever held
	 * it before (sessions, open reset links) is out, as on the
	 * password path (complete_user). */
	if (r.kind == INVITE_TENANT_USER)
		return ops->session_delete_user(c, r.tenant_id,
		    r.principal_id, e) == -1 || ops->reset_delete_user(c,
		    r.tenant_id, r.principal_id, e) == -1 ? -1 : 0;
	if (r.kind != INVITE_OPERATOR)
		return 0;
	/* The operator person exists from their first passkey on. */
	memset(&o, 0, sizeof(o));
	str_copy(o.id, sizeof(o.id), r.principal_id);
	str_copy(o.username, sizeof(o.username), r.username);
	str_copy(o.email, sizeof(o.email), r.email);
	o.status = STATUS_ACTIVE;
	o.created = now;
	return ops->operator_insert(c, &o, e) == -1 ? -1 : 0;
}


int
invite_passkey_name(char *out, size_t size, struct store_conn *c,
    const struct store_ops *ops, const char *inv_id, struct err *e)
{
	struct rec_invitation r;
	int rc = ops->invitation_get_id(c, inv_id, &r, e);

	rec_invitation_wipe(&r);
	if (rc == -1)
		return -1;
	if (rc == 1)
		return err_set(e, 404, "not_found", "no such invitation");
	return str_copy(out, size, r.username) == -1 ?
	    err_internal(e, "the username is too long") : 0;
}
