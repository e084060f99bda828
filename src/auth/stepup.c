/* SPDX-License-Identifier: ISC */
#include "auth/stepup.h"

#include <sodium.h>
#include <string.h>

#include "common/jsonx.h"
#include "common/log.h"
#include "common/str.h"

const char *const stepup_actions[] = {"access_request.approve",
    "access_request.deny", "access_request.revoke", "approval.approve",
    "approval.deny", "passkey.register", "passkey.delete",
    "user.passkey_delete",
    /* A tenant admin's changes in their tenant (target: the tenant, the
     * user or the invitation): a stolen session must not lower the bar
     * that approve keeps (docs/internals/auth.md). */
    "tenant.support_policy", "user.create", "user.delete", "user.invite",
    "user.invitation_revoke", "user.password_reset", "user.mfa_reset",
    /* helper optok (issue 14): an operator person's new operator
     * credential (target: the token's name, or "operator"). */
    "operator_token.create", "operator_token.rotate_root",
    NULL};

void
stepup_who(struct passkey_who *who, const struct rec_session *s)
{
	memset(who, 0, sizeof(*who));
	who->principal = s->principal;
	str_copy(who->id, sizeof(who->id), s->principal_id);
	if (s->principal == PRINCIPAL_TENANT_USER)
		str_copy(who->tenant, sizeof(who->tenant), s->tenant_id);
	if (s->principal == PRINCIPAL_ENGINEER)
		str_copy(who->device, sizeof(who->device), s->device_id);
}

static int
count_cb(void *arg, const struct rec_passkey *p)
{
	(void)p;
	(*(int64_t *)arg)++;
	return 0;
}

int
stepup_count(int64_t *n, struct store_conn *c, const struct store_ops *ops,
    const struct rec_session *s, struct err *e)
{
	struct passkey_who who;

	*n = 0;
	if (s->id[0] == '\0')
		return 0;
	stepup_who(&who, s);
	return ops->passkey_list(c, who.principal, who.id, who.tenant,
	    who.device, count_cb, n, e);
}

static int
failed(struct err *e, const char *reason, const char *msg)
{
	return err_refuse(e, 403, "step_up_failed", reason, "the step-up "
	    "was refused: %s", msg);
}

/* 1 when the stored passkey p is who's own. */
static int
owned(const struct rec_passkey *p, const struct passkey_who *who)
{
	return p->status == PASSKEY_ACTIVE && p->principal == who->principal &&
	    strcmp(p->principal_id, who->id) == 0 &&
	    strcmp(p->tenant_id, who->tenant) == 0 &&
	    (who->principal != PRINCIPAL_ENGINEER ||
	    strcmp(p->device_id, who->device) == 0);
}

int
stepup_check(struct stepup_use *out, struct store_conn *c,
    const struct store_ops *ops, const struct stepup_in *in,
    const json_t *su, struct err *e)
{
	static const char *const keys[] = {"challenge_id", "credential",
	    NULL};
	struct passkey_assertion_in *as = NULL;
	struct webauthn_cred *cred = NULL;
	struct webauthn_assertion res;
	struct passkey_who who;
	struct rec_passkey pk;
	struct challenge ch;
	const char *cid;
	struct err ve;
	int found, rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&ch, 0, sizeof(ch));
	if (!json_is_object(su)) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'step_up' must be an object");
	}
	if (jx_only(su, keys, e) == -1 || jx_str(&cid, su, "challenge_id", 1,
	    ID_MAX - 1, JX_REQUIRED | JX_CLEAN, e) == -1) {
		e->reason = "bad_request";
		return -1;
	}
	as = sodium_malloc(sizeof(*as));
	cred = sodium_malloc(sizeof(*cred));
	if (as == NULL || cred == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	if (passkey_parse_assertion(as, json_object_get(su, "credential"),
	    e) == -1)
		goto out;
	/* Taken first: a refused answer still costs the challenge. */
	if (challenges_take(&ch, cid, CHALLENGE_STEP_UP, in->now) != 0) {
		failed(e, "step_up_unknown_challenge", "unknown, used or "
		    "expired challenge; ask for a new one");
		goto out;
	}
	if (strcmp(ch.session, in->session->id) != 0 ||
	    strcmp(ch.action, in->action) != 0 ||
	    strcmp(ch.target, in->target) != 0) {
		failed(e, "step_up_other_purpose", "the challenge was issued "
		    "for another session, action or target");
		goto out;
	}
	stepup_who(&who, in->session);
	found = ops->passkey_get_by_cred(c, as->raw_id, as->raw_id_len, &pk,
	    e);
	if (found == -1)
		goto out;
	if (found == 1 || !owned(&pk, &who)) {
		failed(e, "step_up_not_own", "the passkey is not one of yours");
		goto out;
	}
	passkey_cred_of(cred, &pk);
	err_init(&ve);
	if (webauthn_assert_verify(&res, in->rp, ch.bytes, sizeof(ch.bytes),
	    cred, as->client_data, as->cd_len, as->auth_data, as->ad_len,
	    as->sig, as->sig_len, &ve) == -1) {
		log_info("step-up: assertion of %s refused: %s", pk.id,
		    ve.msg);
		failed(e, "step_up_bad_assertion", ve.msg);
		goto out;
	}
	if (as->has_user_handle) {
		uint8_t h[SECRETS_USER_HANDLE_LEN];

		passkey_user_handle(h, &who);
		if (as->uh_len != sizeof(h) || sodium_memcmp(h,
		    as->user_handle, sizeof(h)) != 0) {
			failed(e, "step_up_user_handle", "the user handle is "
			    "not yours");
			goto out;
		}
	}
	if (!passkey_count_ok(pk.sign_count, res.sign_count)) {
		failed(e, "sign_count", "the authenticator's counter did not "
		    "grow (a cloned authenticator?)");
		goto out;
	}
	str_copy(out->passkey_id, sizeof(out->passkey_id), pk.id);
	out->sign_count = res.sign_count;
	rc = 0;
out:
	sodium_memzero(&ch, sizeof(ch));
	sodium_free(as);
	sodium_free(cred);
	return rc;
}

int
stepup_apply(struct store_conn *c, const struct store_ops *ops,
    const struct stepup_use *use, int64_t now, struct err *e)
{
	if (use->passkey_id[0] == '\0')
		return 0;
	return ops->passkey_use(c, use->passkey_id, use->sign_count, now, e);
}
