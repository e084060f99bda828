/* SPDX-License-Identifier: ISC */
/*
 * Work inside a tenant: what the support role may do (tickets, the user
 * list without secrets, password and MFA resets) and what tenant admins may
 * do besides (delete users, export, set the support policy).  The pipeline
 * has already checked the role table and the tenant policy.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "access/policy.h"
#include "api/cache.h"
#include "api/req.h"
#include "common/jsonw.h"
#include "common/jsonx.h"
#include "common/str.h"
#include "mail/outbox.h"
#include "tlog/tlog.h"

#define MAIL_BODY_MAX 2048

int
h_health(struct req *q)
{
	const char *broken = q->ctx->tlog != NULL ?
	    tlog_broken(q->ctx->tlog) : NULL;

	/* A node that may not append cannot serve: take it out. */
	if (broken != NULL)
		return err_set(&q->err, 503, "internal", "degraded: %s",
		    broken);
	req_ok(q, 200, json_pack("{s:s}", "status", "ok"));
	return 0;
}

/* The fields anyone in the support role may see of a user. */
static json_t *
user_public(const struct rec_user *u)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "id", u->id, "username",
	    u->username, "email", u->email, "role",
	    u->role == ROLE_ADMIN ? "admin" : "user", "status",
	    u->status == STATUS_ACTIVE ? "active" : "suspended",
	    "mfa_enrolled", u->mfa_enrolled);
}

static int
user_list_cb(void *arg, const struct rec_user *u)
{
	return json_array_append_new(arg, user_public(u)) == -1;
}

/* One user as user_public() would print it, written directly: the list is
 * the hottest answer support asks for. */
static int
user_write_cb(void *arg, const struct rec_user *u)
{
	struct buf *b = arg;

	return buf_puts(b, b->data[b->len - 1] == '[' ? "{" : ",{") == -1 ||
	    jsonw_kv_str(b, "id", u->id) == -1 ||
	    buf_puts(b, ",") == -1 ||
	    jsonw_kv_str(b, "username", u->username) == -1 ||
	    buf_puts(b, ",") == -1 ||
	    jsonw_kv_str(b, "email", u->email) == -1 ||
	    buf_puts(b, u->role == ROLE_ADMIN ? ",\"role\":\"admin\"" :
	    ",\"role\":\"user\"") == -1 ||
	    buf_puts(b, u->status == STATUS_ACTIVE ?
	    ",\"status\":\"active\"" : ",\"status\":\"suspended\"") == -1 ||
	    buf_puts(b, u->mfa_enrolled ? ",\"mfa_enrolled\":true}" :
	    ",\"mfa_enrolled\":false}") == -1;
}

/*
 * GET /v1/tenants/{t}/users.  The answer is kept per tenant under the
 * tenant's users_version, which the store bumps with every change to a
 * listed field, so a repeated list costs no user rows at all.
 */
int
h_user_list(struct req *q)
{
	struct store_conn *c;
	int rc;

	if (req_second_approval(q, http_query(q->http, "approval"), "", 0) ==
	    -1)
		return -1;
	rc = cache_get(q->ctx->users_cache, q->tenant.id,
	    q->tenant.users_version, &q->raw);
	if (rc == 0)
		goto done;
	buf_reset(&q->raw);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	if (buf_puts(&q->raw, "{\"users\":[") == -1 ||
	    store_ops(q->ctx->store)->user_list(c, q->tenant.id,
	    user_write_cb, &q->raw, &q->err) == -1 ||
	    buf_puts(&q->raw, "]}\n") == -1) {
		if (q->err.status == 0)
			err_internal(&q->err, "the user list is too large");
		return -1;
	}
	cache_put(q->ctx->users_cache, q->tenant.id, q->tenant.users_version,
	    q->raw.data, q->raw.len);
done:
	q->has_raw = 1;
	q->status = 200;
	return 0;
}

static json_t *
ticket_json(const struct rec_ticket *t, int with_body)
{
	char stamp[RFC3339_LEN];
	json_t *o;

	time_format(stamp, t->created);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", t->id, "subject",
	    t->subject, "requester", t->requester, "status", t->status,
	    "created", stamp);
	if (o != NULL && with_body)
		json_object_set_new(o, "body", json_string(t->body != NULL ?
		    t->body : ""));
	return o;
}

static int
ticket_list_cb(void *arg, const struct rec_ticket *t)
{
	return json_array_append_new(arg, ticket_json(t, 0)) == -1;
}

int
h_ticket_list(struct req *q)
{
	struct store_conn *c;
	json_t *tickets;

	if (req_second_approval(q, http_query(q->http, "approval"), "", 0) ==
	    -1)
		return -1;
	c = req_reader(q);
	tickets = json_array();
	if (c == NULL || store_ops(q->ctx->store)->ticket_list(c,
	    q->tenant.id, ticket_list_cb, tickets, &q->err) == -1) {
		json_decref(tickets);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:o}", "tickets", tickets));
	return 0;
}

int
h_ticket_view(struct req *q)
{
	const char *id = req_param(q, 1);
	struct rec_ticket t;
	struct store_conn *c;
	int found;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	if (req_second_approval(q, http_query(q->http, "approval"), id, 0) ==
	    -1)
		return -1;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	memset(&t, 0, sizeof(t));
	found = store_ops(q->ctx->store)->ticket_get(c, q->tenant.id, id, &t,
	    &q->err);
	if (found == -1)
		return -1;
	if (found == 1) {
		q->err.reason = "no_such_ticket";
		return err_set(&q->err, 404, "not_found", "no such ticket in "
		    "this tenant");
	}
	req_ok(q, 200, ticket_json(&t, 1));
	rec_ticket_cleanup(&t);
	return 0;
}

/*
 * Finds the target user of a user action (path {u}) and applies the
 * two-person rule (req_second_approval): a reset of a tenant admin by
 * support, or an action the tenant marked sensitive, needs the "approval"
 * of a second person in the body.
 */
static int
target_user(struct req *q, struct rec_user *u, int sensitive_check)
{
	static const char *const keys[] = {"approval", NULL};
	const char *uid = req_param(q, 1), *approval = NULL;
	struct store_conn *c;
	int found;

	if (uid == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), uid);
	if (q->http->body.len > 0) {
		json_t *b = req_body(q);

		if (b == NULL || jx_only(b, keys, &q->err) ||
		    jx_str(&approval, b, "approval", 1, ID_MAX - 1,
		    JX_OPTIONAL | JX_CLEAN, &q->err)) {
			q->err.reason = "bad_request";
			return -1;
		}
	}
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = store_ops(q->ctx->store)->user_get(c, q->tenant.id, uid, u,
	    &q->err);
	if (found == -1)
		return -1;
	if (found == 1) {
		q->err.reason = "no_such_user";
		return err_set(&q->err, 404, "not_found", "no such user in "
		    "this tenant");
	}
	if (sensitive_check)
		return req_second_approval(q, approval, uid,
		    u->role == ROLE_ADMIN);
	return 0;
}

struct reset_job {
	struct rec_user user;
	struct rec_reset reset;
	struct outbox_msg mail;
};

static int
apply_password_reset(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	struct reset_job *j = arg;

	return store_ops(q->ctx->store)->reset_insert(c, &j->reset, e);
}

/* Stages mail to the user; the body may carry the user's secret link. */
static int
stage_mail(struct req *q, struct outbox_msg *m, const struct rec_user *u,
    const char *subject, const char *body)
{
	if (outbox_stage(m, q->ctx->cfg.outbox_dir, q->ctx->cfg.mail_from,
	    u->email, subject, body) == -1)
		return err_internal(&q->err, "cannot write to the outbox");
	return 0;
}

static int
deliver_mail(struct req *q, struct outbox_msg *m)
{
	if (outbox_deliver(m, q->ctx->cfg.outbox_dir) == -1)
		return err_internal(&q->err, "the change is recorded but the "
		    "mail could not be delivered to the outbox");
	return 0;
}

int
h_user_password_reset(struct req *q)
{
	char token[TOKEN_MAX + 1], masked[REC_EMAIL_MAX + 1];
	char stamp[RFC3339_LEN], body[MAIL_BODY_MAX];
	struct reset_job j;
	int rc = -1;

	memset(&j, 0, sizeof(j));
	token[0] = '\0';
	body[0] = '\0';
	if (target_user(q, &j.user, 1) == -1)
		goto out;
	if (token_new(token, sizeof(token), "crt") == -1) {
		err_internal(&q->err, "cannot make a reset token");
		goto out;
	}
	token_hash(j.reset.token_hash, token);
	str_copy(j.reset.tenant_id, sizeof(j.reset.tenant_id), q->tenant.id);
	str_copy(j.reset.user_id, sizeof(j.reset.user_id), j.user.id);
	j.reset.expires = q->now + q->ctx->cfg.reset_ttl;
	time_format(stamp, j.reset.expires);
	if (str_printf(body, sizeof(body),
	    "Hello %s,\r\n\r\n"
	    "A password reset was started for your account in %s.\r\n"
	    "Choose a new password here (the link works once, until %s):\r\n"
	    "\r\n  %s/reset?token=%s\r\n\r\n"
	    "If you did not ask for this, tell your administrator: your\r\n"
	    "current password keeps working until the link is used.\r\n",
	    j.user.username, q->tenant.name, stamp, q->ctx->cfg.public_url,
	    token) == -1 || stage_mail(q, &j.mail, &j.user,
	    "Reset your password", body) == -1)
		goto out;
	str_mask_email(masked, sizeof(masked), j.user.email);
	event_detail(&q->ev, "delivered_to", masked);
	if (req_write(q, apply_password_reset, &j) == -1)
		goto out;
	if (deliver_mail(q, &j.mail) == -1)
		goto out;
	req_ok(q, 202, json_pack("{s:s,s:s}", "delivered_to", masked,
	    "expires_at", stamp));
	rc = 0;
out:
	outbox_discard(&j.mail, q->ctx->cfg.outbox_dir);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(body, sizeof(body));
	sodium_memzero(&j, sizeof(j));
	return rc;
}

static int
apply_mfa_reset(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct reset_job *j = arg;
	struct rec_totp none;

	memset(&none, 0, sizeof(none));
	/* The old factor and every session it opened are gone. */
	if (ops->user_set_totp(c, q->tenant.id, j->user.id, &none, 0, e) ==
	    -1 || ops->session_delete_principal(c, j->user.id, e) == -1)
		return -1;
	return 0;
}

int
h_user_mfa_reset(struct req *q)
{
	char body[MAIL_BODY_MAX];
	struct reset_job j;
	int rc = -1;

	memset(&j, 0, sizeof(j));
	if (target_user(q, &j.user, 1) == -1)
		goto out;
	if (str_printf(body, sizeof(body),
	    "Hello %s,\r\n\r\n"
	    "The second factor of your account in %s was reset by %s.\r\n"
	    "At your next login you will set up an authenticator again.\r\n"
	    "If you did not ask for this, tell your administrator now.\r\n",
	    j.user.username, q->tenant.name,
	    q->actor.kind == ACTOR_ENGINEER ? "support" : "your administrator")
	    == -1 || stage_mail(q, &j.mail, &j.user,
	    "Your second factor was reset", body) == -1)
		goto out;
	if (req_write(q, apply_mfa_reset, &j) == -1 ||
	    deliver_mail(q, &j.mail) == -1)
		goto out;
	req_ok(q, 202, json_pack("{s:s}", "status", "enrolment_required"));
	rc = 0;
out:
	outbox_discard(&j.mail, q->ctx->cfg.outbox_dir);
	sodium_memzero(&j, sizeof(j));
	return rc;
}

static int
apply_user_delete(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	const struct rec_user *u = arg;

	if (ops->session_delete_principal(c, u->id, e) == -1)
		return -1;
	return ops->user_delete(c, q->tenant.id, u->id, e) == -1 ? -1 : 0;
}

int
h_user_delete(struct req *q)
{
	struct rec_user u;
	int rc = -1;

	if (target_user(q, &u, 0) == -1 ||
	    req_write(q, apply_user_delete, &u) == -1)
		goto out;
	req_ok(q, 200, json_pack("{s:s}", "deleted", u.id));
	rc = 0;
out:
	rec_user_wipe(&u);
	return rc;
}

int
h_tenant_export(struct req *q)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct store_conn *c = req_reader(q);
	json_t *users = json_array(), *tickets = json_array();

	if (c == NULL || ops->user_list(c, q->tenant.id, user_list_cb, users,
	    &q->err) == -1 || ops->ticket_list(c, q->tenant.id,
	    ticket_list_cb, tickets, &q->err) == -1) {
		json_decref(users);
		json_decref(tickets);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:{s:s,s:s,s:s},s:o,s:o}", "tenant", "id",
	    q->tenant.id, "name", q->tenant.name, "support_policy",
	    policy_names[q->tenant.policy], "users", users, "tickets",
	    tickets));
	return 0;
}

static int
apply_policy(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	const struct rec_tenant *t = arg;

	return store_ops(q->ctx->store)->tenant_set_settings(c, t, e) == -1 ?
	    -1 : 0;
}

/*
 * PUT /v1/tenants/{t}/support-policy: the tenant's admins set who may
 * enter and how: support_policy, max_minutes (cap on an access request),
 * second_approver, sensitive_actions.  Fields left out keep their value.
 */
int
h_tenant_policy_set(struct req *q)
{
	static const char *const keys[] = {"support_policy", "max_minutes",
	    "second_approver", "sensitive_actions", NULL};
	struct rec_tenant t = q->tenant;
	json_t *b = req_body(q), *sens;
	int policy, second;

	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_enum(&policy, b, "support_policy", policy_names, JX_OPTIONAL,
	    &q->err) ||
	    jx_int(&t.max_minutes, b, "max_minutes", 1,
	    TENANT_MAX_MINUTES_CAP, JX_OPTIONAL, &q->err) ||
	    jx_enum(&second, b, "second_approver", second_approver_names,
	    JX_OPTIONAL, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	sens = json_object_get(b, "sensitive_actions");
	if (sens != NULL && sensitive_parse(&t.sensitive, sens, &q->err) ==
	    -1) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (json_object_size(b) == 0) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "give at least one of "
		    "support_policy, max_minutes, second_approver, "
		    "sensitive_actions");
	}
	if (policy != -1)
		t.policy = policy;
	if (second != -1)
		t.second_approver = second;
	event_detail(&q->ev, "from", policy_names[q->tenant.policy]);
	event_detail(&q->ev, "to", policy_names[t.policy]);
	{
		char num[24];
		json_t *sj = sensitive_json(t.sensitive);
		char *st = sj != NULL ? jx_dump(sj) : NULL;

		str_printf(num, sizeof(num), "%lld", (long long)t.max_minutes);
		event_detail(&q->ev, "max_minutes", num);
		event_detail(&q->ev, "second_approver",
		    second_approver_names[t.second_approver]);
		event_detail(&q->ev, "sensitive_actions", st != NULL ? st :
		    "[]");
		free(st);
		json_decref(sj);
	}
	if (req_write(q, apply_policy, &t) == -1)
		return -1;
	q->tenant = t;
	return h_tenant_policy_get(q);
}
