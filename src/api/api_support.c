/* SPDX-License-Identifier: ISC */
/*
 * Work inside a tenant: what the support role may do (tickets, the user
 * list without secrets, password and MFA resets) and what tenant admins may
 * do besides (delete users, export, set the support policy).  The pipeline
 * has already checked the role table (which keeps the export to tenant
 * admins) and the tenant policy.  The rules are in auth/reset.c,
 * directory/directory.c and access/settings.c.
 */
#include <string.h>

#include "access/approval.h"
#include "access/grant.h"
#include "access/policy.h"
#include "access/settings.h"
#include "api/cache.h"
#include "api/req.h"
#include "auth/reset.h"
#include "common/jsonw.h"
#include "common/jsonx.h"
#include "common/str.h"
#include "directory/directory.h"
#include "store/lease.h"
#include "tlog/tlog.h"

json_t *
api_roles_json(struct api_ctx *ctx)
{
	struct lease *l[3] = {ctx->lease_signer, ctx->lease_detect,
	    ctx->lease_sweeper};
	static const char *const names[3] = {"signer", "detect", "sweeper"};
	json_t *a = json_array();
	int i;

	for (i = 0; a != NULL && i < 3; i++)
		if (l[i] != NULL && lease_held(l[i], NULL))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

int
h_health(struct req *q)
{
	const char *broken = q->ctx->tlog != NULL ?
	    tlog_broken(q->ctx->tlog) : NULL;

	struct err why;

	/* A node that may not append cannot serve: take it out. */
	if (broken != NULL)
		return err_set(&q->err, 503, "internal", "degraded: %s",
		    broken);
	/* Nor one that cannot commit (disk full, the database taken): it
	 * answers 503 to everything recorded.  A probe commit tells when
	 * it can again. */
	err_init(&why);
	if (store_write_failing(q->ctx->store, NULL) &&
	    store_probe(q->ctx->store, &why) == -1) {
		str_copy(q->retry_after, sizeof(q->retry_after), "5");
		return err_set(&q->err, 503, "unavailable", "cannot record: "
		    "%s", why.msg);
	}
	{
		/* Additions only (API.md): which node, which store, what
		 * it runs, and how far its tree lags the log it has seen. */
		int64_t log_size = store_entry_count(q->ctx->store);
		int64_t tree = q->ctx->tlog != NULL ?
		    tlog_size(q->ctx->tlog) : log_size;
		json_t *roles = api_roles_json(q->ctx);

		req_ok(q, 200, json_pack("{s:s,s:s,s:s,s:o,s:I,s:I,s:I}",
		    "status", "ok", "node", store_node(q->ctx->store),
		    "store", store_backend(q->ctx->store), "roles",
		    roles != NULL ? roles : json_array(), "log_size",
		    (json_int_t)log_size, "tree_size", (json_int_t)tree,
		    "lag", (json_int_t)(log_size > tree ? log_size - tree :
		    0)));
	}
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
 * of a second person in the body; a tenant admin's action needs the
 * step-up ("step_up" in the body, bound to the user's id).
 */
static int
target_user(struct req *q, struct rec_user *u, int sensitive_check)
{
	static const char *const keys[] = {"approval", "step_up", NULL};
	const char *uid = req_param(q, 1), *approval = NULL;
	struct store_conn *c;

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
	if (c == NULL || dir_user_load(u, c, store_ops(q->ctx->store),
	    q->tenant.id, uid, &q->err) == -1)
		return -1;
	if (sensitive_check && req_second_approval(q, approval, uid,
	    u->role == ROLE_ADMIN) == -1)
		return -1;
	/* A tenant admin's change to a user of their tenant takes the
	 * step-up approve takes (auth/stepup.h); support's resets keep their
	 * own rule, the second approval. */
	if (q->actor.kind == ACTOR_TENANT_ADMIN)
		return req_step_up(q, uid);
	return 0;
}

static void
reset_mail(const struct req *q, struct reset_mail *m)
{
	m->outbox_dir = q->ctx->cfg.outbox_dir;
	m->from = q->ctx->cfg.mail_from;
	m->public_url = q->ctx->cfg.public_url;
	m->tenant_name = q->tenant.name;
}

/* POST /v1/tenants/{t}/users/{u}/password-reset: the rules are in
 * auth/reset.c. */
int
h_user_password_reset(struct req *q)
{
	char stamp[RFC3339_LEN];
	struct reset_mail m;
	struct reset_run run;
	struct rec_user u;
	int rc = -1;

	memset(&run, 0, sizeof(run));
	memset(&u, 0, sizeof(u));
	reset_mail(q, &m);
	if (target_user(q, &u, 1) == -1 ||
	    reset_password_begin(&run, &m, &u, q->tenant.id,
	    api_config_live(&q->ctx->cfg.reset_ttl), q->now, &q->err) == -1)
		goto out;
	event_detail(&q->ev, "delivered_to", run.masked);
	if (req_write_op(q, reset_password_apply, &run,
	    "reset") == -1 ||
	    reset_deliver(&run, &q->err) == -1)
		goto out;
	time_format(stamp, run.reset.expires);
	req_ok(q, 202, json_pack("{s:s,s:s}", "delivered_to", run.masked,
	    "expires_at", stamp));
	rc = 0;
out:
	reset_run_cleanup(&run);
	rec_user_wipe(&u);
	return rc;
}

/* POST /v1/tenants/{t}/users/{u}/mfa-reset: the rules are in
 * auth/reset.c. */
int
h_user_mfa_reset(struct req *q)
{
	struct reset_mail m;
	struct reset_run run;
	struct rec_user u;
	int rc = -1;

	memset(&run, 0, sizeof(run));
	memset(&u, 0, sizeof(u));
	reset_mail(q, &m);
	if (target_user(q, &u, 1) == -1 ||
	    reset_mfa_begin(&run, &m, &u, q->tenant.id,
	    q->actor.kind == ACTOR_ENGINEER, &q->err) == -1)
		goto out;
	if (req_write_op(q, reset_mfa_apply, &run, "reset") == -1 ||
	    reset_deliver(&run, &q->err) == -1)
		goto out;
	req_ok(q, 202, json_pack("{s:s}", "status", "enrolment_required"));
	rc = 0;
out:
	reset_run_cleanup(&run);
	rec_user_wipe(&u);
	return rc;
}

/* DELETE /v1/tenants/{t}/users/{u}: the rules are in directory.c. */
int
h_user_delete(struct req *q)
{
	struct rec_user u;
	int rc = -1;

	memset(&u, 0, sizeof(u));
	if (target_user(q, &u, 0) == -1 ||
	    req_write_op(q, dir_user_delete, &u, "user") == -1)
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

/*
 * PUT /v1/tenants/{t}/support-policy: the tenant's admins set who may
 * enter and how: support_policy, max_minutes (cap on an access request),
 * second_approver, sensitive_actions.  The rules are in access/settings.c.
 */
int
h_tenant_policy_set(struct req *q)
{
	static const char *const keys[] = {"support_policy", "max_minutes",
	    "second_approver", "sensitive_actions", "step_up", NULL};
	struct settings_in in;
	struct rec_tenant t;
	json_t *b = req_body(q), *sens;
	size_t fields;

	settings_in_init(&in);
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_enum(&in.policy, b, "support_policy", policy_names,
	    JX_OPTIONAL, &q->err) ||
	    jx_int(&in.max_minutes, b, "max_minutes", 1,
	    TENANT_MAX_MINUTES_CAP, JX_OPTIONAL, &q->err) ||
	    jx_enum(&in.second_approver, b, "second_approver",
	    second_approver_names, JX_OPTIONAL, &q->err))
		goto bad;
	sens = json_object_get(b, "sensitive_actions");
	in.has_sensitive = sens != NULL;
	if (sens != NULL && sensitive_parse(&in.sensitive, sens, &q->err) ==
	    -1)
		goto bad;
	fields = json_object_size(b);
	if (json_object_get(b, "step_up") != NULL)
		fields--;
	if (fields == 0) {
		err_bad_request(&q->err, "give at least one of "
		    "support_policy, max_minutes, second_approver, "
		    "sensitive_actions");
		goto bad;
	}
	if (settings_change(&t, &q->tenant, &in, &q->ev, &q->err) == -1)
		goto bad;
	/* After the body is judged (a bad value does not use up the
	 * challenge), before the write: auth/stepup.h. */
	if (req_step_up(q, q->tenant.id) == -1)
		return -1;
	if (req_write_op(q, settings_apply, &t, "tenant") == -1)
		return -1;
	q->tenant = t;
	return h_tenant_policy_get(q);
bad:
	q->err.reason = "bad_request";
	return -1;
}
