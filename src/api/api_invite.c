/* SPDX-License-Identifier: ISC */
/*
 * Invitations over HTTP (auth/invite.h has the rules):
 *
 *   POST   /v1/invitations                 operator: any kind
 *   GET    /v1/invitations                 operator: all of them
 *   DELETE /v1/invitations/{id}            operator
 *   POST   /v1/tenants/{t}/invitations     tenant admins: their users
 *   GET    /v1/tenants/{t}/invitations     ... that tenant's
 *   DELETE /v1/tenants/{t}/invitations/{id}
 *   POST   /v1/invitations/open            anyone holding the link
 *   POST   /v1/invitations/password        ... chooses a password
 *   POST   /v1/invitations/totp            ... proves the authenticator
 *   POST   /v1/invitations/device          ... an engineer's device key
 *
 * (Enrolling by passkey goes through POST /v1/passkeys/options and POST
 * /v1/passkeys with "invitation": api_passkey.c, with invite.c's hooks.)
 *
 * The link goes by mail only: no answer and no entry holds its token, and
 * the TOTP seed is answered to the person enrolling only (never to the
 * inviter, never in an entry).  The anonymous steps are flood-gated and
 * throttled as logins are; each is recorded naming the invitation (and
 * for a tenant user the tenant, so its admins see their users enrol).
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/req.h"
#include "auth/invite.h"
#include "auth/password.h"
#include "auth/qr.h"
#include "common/clock.h"
#include "common/jsonx.h"
#include "common/log.h"
#include "common/str.h"
#include "directory/directory.h"

#define LIST_MAX 1000           /* invitations in one answer */

static void
invite_mail(const struct req *q, struct invite_mail *m, const char *where)
{
	m->outbox_dir = q->ctx->cfg.outbox_dir;
	m->from = q->ctx->cfg.mail_from;
	m->public_url = q->ctx->cfg.public_url;
	m->product = q->ctx->cfg.issuer;
	m->where = where;
}

/*
 * An operator person holds every operator power (operator tokens, break-
 * glass, rotation), so making or unmaking one is the root token's and the
 * operator persons' only, like POST /v1/operators: a named token of scope
 * directory may invite engineers and tenant users, never an operator.
 */
static int
named_token_refused(struct req *q)
{
	if (!q->has_optoken)
		return 0;
	q->err.reason = "operator_scope";
	return err_set(&q->err, 403, "forbidden", "an operator's invitation "
	    "is for the root operator token and operator persons only: "
	    "operator token '%s' may not make or revoke one",
	    q->optoken.name);
}

static int
bad(struct req *q, const char *msg)
{
	q->err.reason = "bad_request";
	return err_bad_request(&q->err, "%s", msg);
}

static int
not_found(struct req *q, const char *what)
{
	q->err.reason = "not_found";
	return err_set(&q->err, 404, "not_found", "no such %s", what);
}

/* A tenant user to invite: r gets the user, its tenant and address. */
static int
proto_user(struct req *q, struct rec_invitation *r, const char *tenant,
    const char *user)
{
	struct store_conn *c = req_reader(q);
	struct rec_user u;
	int found;

	if (c == NULL)
		return -1;
	found = store_ops(q->ctx->store)->user_get(c, tenant, user, &u,
	    &q->err);
	rec_user_wipe(&u);
	if (found == -1)
		return -1;
	if (found == 1)
		return not_found(q, "user in this tenant");
	if (u.status != STATUS_ACTIVE)
		return bad(q, "the user is not active");
	r->kind = INVITE_TENANT_USER;
	str_copy(r->principal_id, sizeof(r->principal_id), u.id);
	str_copy(r->tenant_id, sizeof(r->tenant_id), tenant);
	str_copy(r->username, sizeof(r->username), u.username);
	/* Only to the user's own address: an inviter cannot have another
	 * person's link sent to themselves. */
	str_copy(r->email, sizeof(r->email), u.email);
	return 0;
}

/* An engineer to invite, for one of their devices or (device NULL) for
 * the device they register themselves. */
static int
proto_engineer(struct req *q, struct rec_invitation *r, const char *eng,
    const char *device, const char *email)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct store_conn *c = req_reader(q);
	struct rec_engineer en;
	struct rec_device d;
	int found;

	if (c == NULL)
		return -1;
	if (email == NULL)
		return bad(q, "an engineer's invitation needs 'email'");
	found = ops->engineer_get(c, eng, &en, &q->err);
	rec_engineer_wipe(&en);
	if (found == -1)
		return -1;
	if (found == 1)
		return not_found(q, "engineer");
	if (en.status != STATUS_ACTIVE)
		return bad(q, "the engineer is not active");
	r->kind = INVITE_ENGINEER;
	str_copy(r->principal_id, sizeof(r->principal_id), en.id);
	if (device != NULL) {
		found = ops->device_get(c, device, &d, &q->err);
		if (found == -1)
			return -1;
		if (found == 1 || strcmp(d.engineer_id, en.id) != 0 ||
		    d.revoked != 0)
			return not_found(q, "live device of this engineer");
		str_copy(r->device_id, sizeof(r->device_id), d.id);
	}
	str_copy(r->username, sizeof(r->username), en.username);
	return str_copy(r->email, sizeof(r->email), email);
}

struct name_probe {
	const char *name;
	int taken;
};

static int
name_taken(void *arg, const struct rec_operator *o)
{
	struct name_probe *n = arg;

	n->taken = strcmp(o->username, n->name) == 0;
	return n->taken;
}

/* A new operator person; the account is made when they enrol. */
static int
proto_operator(struct req *q, struct rec_invitation *r, const char *username,
    const char *email)
{
	struct name_probe n = {username, 0};
	struct store_conn *c = req_reader(q);

	if (c == NULL)
		return -1;
	if (username == NULL || email == NULL)
		return bad(q, "an operator's invitation needs 'username' "
		    "and 'email'");
	if (store_ops(q->ctx->store)->operator_list(c, name_taken, &n,
	    &q->err) == -1)
		return -1;
	if (n.taken) {
		q->err.reason = "conflict";
		return err_set(&q->err, 409, "conflict", "an operator person "
		    "of that username exists");
	}
	r->kind = INVITE_OPERATOR;
	id_new(r->principal_id, "opr");
	str_copy(r->username, sizeof(r->username), username);
	return str_copy(r->email, sizeof(r->email), email);
}

/* Mails the invitation r (checked) with the request's entry; 201. */
static int
invite_send(struct req *q, struct rec_invitation *r, const char *where)
{
	char stamp[RFC3339_LEN];
	struct invite_mail m;
	struct invite_run run;
	int rc = -1;

	memset(&run, 0, sizeof(run));
	str_copy(r->created_by, sizeof(r->created_by), q->actor.id[0] != '\0' ?
	    q->actor.id : actor_kind_name(q->actor.kind));
	invite_mail(q, &m, where);
	if (invite_begin(&run, &m, r, q->now, &q->err) == -1)
		goto out;
	str_copy(q->ev.target, sizeof(q->ev.target), r->principal_id);
	if (r->tenant_id[0] != '\0')
		str_copy(q->ev.tenant, sizeof(q->ev.tenant), r->tenant_id);
	event_detail(&q->ev, "invitation", run.inv.id);
	event_detail(&q->ev, "kind", invite_kind_names[r->kind]);
	event_detail(&q->ev, "delivered_to", run.masked);
	if (req_write_op(q, invite_apply, &run, "invitation") == -1 ||
	    invite_deliver(&run, &q->err) == -1)
		goto out;
	time_format(stamp, run.inv.expires);
	req_ok(q, 201, json_pack("{s:s,s:s,s:s,s:s}", "id", run.inv.id,
	    "kind", invite_kind_names[r->kind], "expires_at", stamp,
	    "delivered_to", run.masked));
	rc = 0;
out:
	invite_run_cleanup(&run);
	return rc;
}

/* POST /v1/invitations (operator). */
int
h_invitation_create(struct req *q)
{
	static const char *const keys[] = {"kind", "engineer", "device",
	    "tenant", "user", "username", "email", NULL};
	const char *eng, *device, *tenant, *user, *username, *email;
	struct rec_invitation r;
	struct rec_tenant t;
	struct store_conn *c;
	json_t *b = req_body(q);
	int kind, found;

	memset(&r, 0, sizeof(r));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_enum(&kind, b, "kind", invite_kind_names + 1, JX_REQUIRED,
	    &q->err) ||
	    jx_str(&eng, b, "engineer", 1, ID_MAX - 1, JX_CLEAN, &q->err) ||
	    jx_str(&device, b, "device", 1, ID_MAX - 1, JX_CLEAN, &q->err) ||
	    jx_str(&tenant, b, "tenant", 1, ID_MAX - 1, JX_CLEAN, &q->err) ||
	    jx_str(&user, b, "user", 1, ID_MAX - 1, JX_CLEAN, &q->err) ||
	    jx_str(&username, b, "username", 1, REC_USERNAME_MAX, JX_CLEAN,
	    &q->err) ||
	    jx_str(&email, b, "email", 3, REC_EMAIL_MAX, JX_CLEAN, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	kind++;         /* names[0] is no kind */
	if (email != NULL && !str_is_email(email))
		return bad(q, "field 'email' is not an e-mail address");
	switch (kind) {
	case INVITE_ENGINEER:
		if (eng == NULL || tenant != NULL || user != NULL ||
		    username != NULL)
			return bad(q, "an engineer's invitation takes "
			    "'engineer', 'email' and 'device' (optional) "
			    "only");
		if (proto_engineer(q, &r, eng, device, email) == -1)
			return -1;
		return invite_send(q, &r, NULL);
	case INVITE_TENANT_USER:
		if (tenant == NULL || user == NULL || eng != NULL ||
		    device != NULL || username != NULL || email != NULL)
			return bad(q, "a tenant user's invitation takes "
			    "'tenant' and 'user' only (it goes to the user's "
			    "own address)");
		c = req_reader(q);
		if (c == NULL)
			return -1;
		str_copy(q->ev.tenant, sizeof(q->ev.tenant), tenant);
		found = store_ops(q->ctx->store)->tenant_get(c, tenant, &t,
		    &q->err);
		if (found == -1)
			return -1;
		if (found == 1)
			return not_found(q, "tenant");
		if (proto_user(q, &r, tenant, user) == -1)
			return -1;
		return invite_send(q, &r, t.name);
	default:
		if (eng != NULL || device != NULL || tenant != NULL ||
		    user != NULL)
			return bad(q, "an operator's invitation takes "
			    "'username' and 'email' only");
		if (named_token_refused(q) == -1)
			return -1;
		if (proto_operator(q, &r, username, email) == -1)
			return -1;
		return invite_send(q, &r, NULL);
	}
}

/* POST /v1/tenants/{t}/invitations {user} (admins of t, operator). */
int
h_user_invite(struct req *q)
{
	static const char *const keys[] = {"user", "step_up", NULL};
	struct rec_invitation r;
	const char *user;
	json_t *b = req_body(q);

	memset(&r, 0, sizeof(r));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&user, b, "user", 1, ID_MAX - 1, JX_REQUIRED | JX_CLEAN,
	    &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (proto_user(q, &r, q->tenant.id, user) == -1)
		return -1;
	/* A tenant admin's invitation takes the step-up bound to the
	 * user's id (auth/stepup.h), once the user is known. */
	if (q->actor.kind == ACTOR_TENANT_ADMIN && req_step_up(q, user) == -1)
		return -1;
	return invite_send(q, &r, q->tenant.name);
}

struct list_ctx {
	json_t *items;
	int64_t now;
	int n;
};

static int
list_one(void *arg, const struct rec_invitation *r)
{
	struct list_ctx *l = arg;
	char created[RFC3339_LEN], expires[RFC3339_LEN];
	char masked[REC_EMAIL_MAX + 1];
	json_t *o;

	if (l->n++ >= LIST_MAX)
		return 1;
	time_format(created, r->created);
	time_format(expires, r->expires);
	str_mask_email(masked, sizeof(masked), r->email);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", r->id,
	    "kind", invite_kind_names[r->kind >= INVITE_ENGINEER &&
	    r->kind <= INVITE_OPERATOR ? r->kind : 0], "principal",
	    r->principal_id, "username", r->username, "delivered_to", masked,
	    "created", created, "expires_at", expires, "state",
	    invite_state(r, l->now));
	if (o == NULL)
		return 1;
	if (r->tenant_id[0] != '\0')
		json_object_set_new(o, "tenant", json_string(r->tenant_id));
	if (r->device_id[0] != '\0')
		json_object_set_new(o, "device", json_string(r->device_id));
	json_object_set_new(o, "created_by", json_string(r->created_by));
	json_array_append_new(l->items, o);
	return 0;
}

/* GET /v1/invitations (operator: all), GET /v1/tenants/{t}/invitations
 * (that tenant's), newest first. */
int
h_invitation_list(struct req *q)
{
	const int tenant = q->route->action == ACT_USER_INVITATION_LIST;
	struct list_ctx l = {json_array(), q->now, 0};
	struct store_conn *c = req_reader(q);

	if (c == NULL || store_ops(q->ctx->store)->invitation_list(c,
	    tenant ? q->tenant.id : NULL, list_one, &l, &q->err) == -1) {
		json_decref(l.items);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:o}", "invitations", l.items));
	return 0;
}

static int
apply_revoke(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	int rc = store_ops(q->ctx->store)->invitation_revoke(c, arg, q->now,
	    e);

	if (rc == 1)
		return err_set(e, 409, "conflict", "the invitation was already "
		    "used or revoked");
	return rc;
}

/* DELETE /v1/invitations/{id}, DELETE /v1/tenants/{t}/invitations/{id}. */
int
h_invitation_revoke(struct req *q)
{
	const int tenant = q->route->action == ACT_USER_INVITATION_REVOKE;
	const char *id = req_param(q, tenant ? 1 : 0);
	struct rec_invitation r;
	struct store_conn *c;
	int found;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = store_ops(q->ctx->store)->invitation_get_id(c, id, &r,
	    &q->err);
	rec_invitation_wipe(&r);
	if (found == -1)
		return -1;
	/* Another tenant's invitation is as absent as an unknown one. */
	if (found == 1 || (tenant && strcmp(r.tenant_id, q->tenant.id) != 0))
		return not_found(q, "invitation");
	if (r.tenant_id[0] != '\0')
		str_copy(q->ev.tenant, sizeof(q->ev.tenant), r.tenant_id);
	event_detail(&q->ev, "principal", r.principal_id);
	if (r.kind == INVITE_OPERATOR && named_token_refused(q) == -1)
		return -1;
	/* A tenant admin's revoke takes the step-up bound to the
	 * invitation's id (auth/stepup.h). */
	if (tenant && q->actor.kind == ACTOR_TENANT_ADMIN &&
	    req_step_up(q, r.id) == -1)
		return -1;
	if (req_write(q, apply_revoke, r.id) == -1)
		return -1;
	req_ok(q, 200, json_pack("{s:s,s:s}", "id", r.id, "state",
	    "revoked"));
	return 0;
}

/* The anonymous steps. */

struct step_ctx {
	struct invite_step run;
	int kind;               /* enum invite_step_kind */
};

/* The precise reason of a hidden refusal, for the operator only. */
static void
operator_note(const struct req *q, const char *reason)
{
	log_info("%s refused from %s: %s (invitation %s)", q->ev.action,
	    q->http->source, reason, q->ev.target[0] != '\0' ?
	    q->ev.target : "-");
}

static int
apply_step(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	struct step_ctx *s = arg;
	const struct attempt *a = &s->run.a;
	struct err d;

	if (invite_step_apply(c, store_ops(q->ctx->store), &s->run, s->kind,
	    e) == -1)
		return -1;
	if (a->fail_reason == NULL)
		return 0;
	if (q->actor.kind != ACTOR_ANONYMOUS) {
		/* Refused on the writer: no session was made. */
		q->actor.kind = ACTOR_ANONYMOUS;
		q->actor.session[0] = '\0';
	}
	attempt_refusal(a, &d);
	if (attempt_hidden(a->fail_reason))
		operator_note(q, a->fail_reason);
	return req_deny(q, &d);
}

/* After a step's reader half: names the invitation in the entry (never
 * its token), its tenant, and the Retry-After of a throttle. */
static void
step_name(struct req *q, const struct invite_step *run)
{
	if (run->a.retry_after > 0)
		str_printf(q->retry_after, sizeof(q->retry_after), "%lld",
		    (long long)run->a.retry_after);
	if (!run->found)
		return;
	str_copy(q->ev.target, sizeof(q->ev.target), run->inv.id);
	if (run->inv.tenant_id[0] != '\0')
		str_copy(q->ev.tenant, sizeof(q->ev.tenant),
		    run->inv.tenant_id);
	event_detail(&q->ev, "kind", invite_kind_names[run->inv.kind]);
	event_detail(&q->ev, "principal", run->inv.principal_id);
}

static int
step_body(struct req *q, json_t *b, const char *const *keys,
    const char **token)
{
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(token, b, "token", 1, TOKEN_MAX, JX_REQUIRED | JX_CLEAN,
	    &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	return 0;
}

/* POST /v1/invitations/open {token}: what the invitation is for. */
int
h_invitation_open(struct req *q)
{
	static const char *const keys[] = {"token", NULL};
	char stamp[RFC3339_LEN];
	struct attempt_policy p;
	struct step_ctx *s;
	struct rec_tenant t;
	struct store_conn *c;
	const char *token;
	json_t *b = req_body(q), *resp;
	int rc = -1;

	if (step_body(q, b, keys, &token) == -1)
		return -1;
	s = calloc(1, sizeof(*s));
	c = req_reader(q);
	if (s == NULL || c == NULL) {
		free(s);
		return c == NULL ? -1 : err_internal(&q->err, "out of memory");
	}
	s->kind = INVITE_STEP_OPEN;
	req_attempt_policy(q->ctx, &p);
	if (invite_open(&s->run, c, store_ops(q->ctx->store), &p, token,
	    q->http->source, q->now, &q->err) == -1) {
		step_name(q, &s->run);
		goto out;
	}
	step_name(q, &s->run);
	memset(&t, 0, sizeof(t));
	if (s->run.found && s->run.inv.tenant_id[0] != '\0' &&
	    store_ops(q->ctx->store)->tenant_get(c, s->run.inv.tenant_id, &t,
	    &q->err) == -1)
		goto out;
	if (req_write(q, apply_step, s) == -1)
		goto out;
	time_format(stamp, s->run.inv.expires);
	resp = json_pack("{s:s,s:s,s:s}", "kind",
	    invite_kind_names[s->run.inv.kind], "username",
	    s->run.inv.username, "expires_at", stamp);
	if (s->run.inv.kind == INVITE_TENANT_USER) {
		json_object_set_new(resp, "tenant",
		    json_string(s->run.inv.tenant_id));
		if (t.name[0] != '\0')
			json_object_set_new(resp, "tenant_name",
			    json_string(t.name));
		json_object_set_new(resp, "offers",
		    json_pack("[s,s]", "passkey", "password_totp"));
	} else if (s->run.inv.kind == INVITE_ENGINEER) {
		/* The device first (unless the operator named one); a
		 * passkey stands for the device, so it waits for it. */
		json_object_set_new(resp, "offers",
		    s->run.inv.device_id[0] != '\0' ? json_pack("[s,s]",
		    "passkey", "password_totp") : json_pack("[s,s]", "device",
		    "password_totp"));
	} else {
		json_object_set_new(resp, "offers", json_pack("[s]",
		    "passkey"));
	}
	if (s->run.inv.device_id[0] != '\0')
		json_object_set_new(resp, "device",
		    json_string(s->run.inv.device_id));
	req_ok(q, 200, resp);
	rc = 0;
out:
	invite_step_wipe(&s->run);
	free(s);
	return rc;
}

/* POST /v1/invitations/password {token, new_password}: the seed to
 * enrol, for the person holding the link only. */
int
h_invitation_password(struct req *q)
{
	static const char *const keys[] = {"token", "new_password", NULL};
	char uri[INVITE_URI_MAX], stamp[RFC3339_LEN];
	struct attempt_policy p;
	struct step_ctx *s = NULL;
	struct store_conn *c;
	const char *token, *pw;
	char *svg = NULL;
	json_t *b = req_body(q);
	int rc = -1;

	uri[0] = '\0';
	if (step_body(q, b, keys, &token) == -1 ||
	    jx_str(&pw, b, "new_password", 0, PASSWORD_MAX + 1, JX_REQUIRED,
	    &q->err))
		goto out;
	s = calloc(1, sizeof(*s));
	svg = sodium_malloc(QR_SVG_MAX);
	c = req_reader(q);
	if (s == NULL || svg == NULL || c == NULL) {
		if (c != NULL)
			err_internal(&q->err, "out of memory");
		goto out;
	}
	s->kind = INVITE_STEP_PASSWORD;
	req_attempt_policy(q->ctx, &p);
	rc = invite_password(&s->run, c, store_ops(q->ctx->store), &p, token,
	    pw, q->http->source, q->now, uri, sizeof(uri), &q->err);
	req_wipe_field(b, "new_password");
	step_name(q, &s->run);
	if (rc == -1)
		goto out;
	rc = -1;
	if (s->run.found && qr_svg(svg, QR_SVG_MAX, uri) == -1) {
		err_internal(&q->err, "cannot draw the QR code");
		goto out;
	}
	if (s->run.found)
		event_detail(&q->ev, "enrolment", "password_chosen");
	if (req_write(q, apply_step, s) == -1)
		goto out;
	time_format(stamp, s->run.inv.expires);
	req_ok(q, 200, json_pack("{s:s,s:s,s:s}", "totp_uri", uri,
	    "totp_qr_svg", svg, "expires_at", stamp));
	rc = 0;
out:
	req_wipe_field(b, "new_password");
	sodium_memzero(uri, sizeof(uri));
	if (svg != NULL)
		sodium_free(svg);
	if (s != NULL)
		invite_step_wipe(&s->run);
	free(s);
	return rc;
}

/* POST /v1/invitations/totp {token, code, session?}: completes a tenant
 * user's enrolment and signs them in; completes an engineer's and
 * answers {done: true} (the CLI signs in with the device's key). */
int
h_invitation_totp(struct req *q)
{
	static const char *const keys[] = {"token", "code", "session", NULL};
	char sess[TOKEN_MAX + 1];
	struct attempt_policy p;
	struct step_ctx *s = NULL;
	struct store_conn *c;
	const char *token, *code;
	json_t *b = req_body(q), *resp;
	int rc = -1;

	sess[0] = '\0';
	if (step_body(q, b, keys, &token) == -1 ||
	    jx_str(&code, b, "code", 6, 8, JX_REQUIRED, &q->err)) {
		q->err.reason = "bad_request";
		goto out;
	}
	if (req_wants_cookie(q) == -1)
		goto out;
	s = calloc(1, sizeof(*s));
	c = req_reader(q);
	if (s == NULL || c == NULL) {
		if (c != NULL)
			err_internal(&q->err, "out of memory");
		goto out;
	}
	s->kind = INVITE_STEP_TOTP;
	req_attempt_policy(q->ctx, &p);
	rc = invite_totp(&s->run, c, store_ops(q->ctx->store), &p, token,
	    code, q->http->source, q->now, sess, sizeof(sess), &q->err);
	step_name(q, &s->run);
	if (rc == -1)
		goto out;
	rc = -1;
	if (s->run.found && s->run.inv.kind == INVITE_ENGINEER) {
		if (s->run.a.fail_reason == NULL)
			event_detail(&q->ev, "enrolment", "password_totp");
		if (req_write(q, apply_step, s) == -1)
			goto out;
		req_ok(q, 200, json_pack("{s:b,s:s,s:s}", "done", 1, "kind",
		    "engineer", "id", s->run.inv.principal_id));
		rc = 0;
		goto out;
	}
	if (s->run.found && s->run.a.fail_reason == NULL) {
		q->actor.kind = s->run.user.role == ROLE_ADMIN ?
		    ACTOR_TENANT_ADMIN : ACTOR_TENANT_USER;
		str_copy(q->actor.id, sizeof(q->actor.id), s->run.user.id);
		str_copy(q->actor.tenant, sizeof(q->actor.tenant),
		    s->run.user.tenant_id);
		str_copy(q->actor.session, sizeof(q->actor.session),
		    s->run.session.id);
		event_detail(&q->ev, "enrolment", "password_totp");
	}
	if (req_session_mark(q, &s->run.session) == -1 ||
	    req_write(q, apply_step, s) == -1)
		goto out;
	resp = json_pack("{s:s,s:s,s:s,s:s}", "kind",
	    actor_kind_name(q->actor.kind), "id", s->run.user.id, "tenant",
	    s->run.user.tenant_id, "session", s->run.session.id);
	if (resp == NULL || req_session_give(q, resp, sess,
	    s->run.session.expires) == -1) {
		json_decref(resp);
		err_internal(&q->err, "cannot make the answer");
		goto out;
	}
	req_ok(q, 200, resp);
	rc = 0;
out:
	sodium_memzero(sess, sizeof(sess));
	if (s != NULL)
		invite_step_wipe(&s->run);
	free(s);
	return rc;
}


/* The device step: the invitation's step and the device it binds. */
struct device_ctx {
	struct step_ctx s;
	struct dir_object d;
};

static int
apply_device(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	struct device_ctx *x = arg;

	if (apply_step(c, q, &x->s, e) == -1)
		return -1;
	if (q->denied)          /* refused: nothing is stored */
		return 0;
	return dir_insert(c, store_ops(q->ctx->store), &x->d, e);
}

/* POST /v1/invitations/device {token, name, public_key}: an invited
 * engineer's device (the public key of `custos keygen`), registered as
 * POST /v1/engineers/{id}/devices would and bound to the invitation. */
int
h_invitation_device(struct req *q)
{
	static const char *const keys[] = {"token", "name", "public_key",
	    NULL};
	static const char *const dev_keys[] = {"name", "public_key", NULL};
	struct attempt_policy p;
	struct device_ctx *x;
	struct store_conn *c;
	const char *token;
	json_t *b = req_body(q), *obj = NULL, *v;
	int rc = -1, k;

	if (step_body(q, b, keys, &token) == -1)
		return -1;
	x = calloc(1, sizeof(*x));
	c = req_reader(q);
	if (x == NULL || c == NULL) {
		free(x);
		return c == NULL ? -1 : err_internal(&q->err, "out of memory");
	}
	x->s.kind = INVITE_STEP_DEVICE;
	x->d.kind = DIR_DEVICE;
	req_attempt_policy(q->ctx, &p);
	rc = invite_device(&x->s.run, c, store_ops(q->ctx->store), &p, token,
	    q->http->source, q->now, &q->err);
	step_name(q, &x->s.run);
	if (rc == -1)
		goto out;
	rc = -1;
	if (x->s.run.found && x->s.run.a.fail_reason == NULL) {
		/* The same checks as the operator's device.create. */
		obj = json_object();
		if (obj == NULL) {
			err_internal(&q->err, "out of memory");
			goto out;
		}
		for (k = 0; dev_keys[k] != NULL; k++)
			if ((v = json_object_get(b, dev_keys[k])) != NULL)
				json_object_set(obj, dev_keys[k], v);
		if (dir_parse(&x->d, DIR_DEVICE, obj, x->s.run.inv.principal_id,
		    q->now, q->ctx->cfg.issuer, 0, &q->err) == -1) {
			q->err.reason = "bad_request";
			goto out;
		}
		str_copy(x->s.run.inv.device_id,
		    sizeof(x->s.run.inv.device_id), x->d.u.device.id);
		event_detail(&q->ev, "device", x->d.u.device.id);
		event_detail(&q->ev, "engineer", x->s.run.inv.principal_id);
	}
	if (req_write(q, apply_device, x) == -1)
		goto out;
	req_ok(q, 201, json_pack("{s:s,s:s,s:s,s:[s,s]}", "device",
	    x->d.u.device.id, "name", x->d.u.device.name, "engineer",
	    x->s.run.inv.principal_id, "offers", "passkey", "password_totp"));
	rc = 0;
out:
	json_decref(obj);
	invite_step_wipe(&x->s.run);
	dir_object_cleanup(&x->d);
	free(x);
	return rc;
}
