/* SPDX-License-Identifier: ISC */
/*
 * The console's session: who is signed in (GET /v1/session, with the CSRF
 * token the console's page sends back on every change), and the operator
 * token's holder opening a console session (POST /v1/auth/operator), so
 * the token itself never has to live in the browser.
 */
#include <sodium.h>
#include <string.h>

#include "api/req.h"
#include "auth/session.h"
#include "auth/stepup.h"
#include "common/jsonx.h"
#include "common/str.h"

static const char *const kinds[ACTOR_KIND_COUNT] = {
	[ACTOR_OPERATOR] = "operator",
	[ACTOR_ENGINEER] = "engineer",
	[ACTOR_TENANT_ADMIN] = "tenant_admin",
	[ACTOR_TENANT_USER] = "tenant_user",
};

/* The signed-in person's name, for the console's header. */
static int
who_name(struct req *q, char *out, size_t size)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct store_conn *c;
	int found = 1;

	str_copy(out, size, q->has_optoken ? q->optoken.name : q->actor.id);
	if (q->actor.kind == ACTOR_OPERATOR)
		return 0;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	if (q->actor.kind == ACTOR_ENGINEER) {
		struct rec_engineer en;

		found = ops->engineer_get(c, q->actor.id, &en, &q->err);
		if (found == 0)
			str_copy(out, size, en.username);
		rec_engineer_wipe(&en);
	} else {
		struct rec_user u;

		found = ops->user_get(c, q->actor.tenant, q->actor.id, &u,
		    &q->err);
		if (found == 0)
			str_copy(out, size, u.username);
		rec_user_wipe(&u);
	}
	return found == -1 ? -1 : 0;
}

/* GET /v1/session. */
int
h_session_view(struct req *q)
{
	char name[REC_USERNAME_MAX + 1], stamp[RFC3339_LEN];
	json_t *r;

	if (who_name(q, name, sizeof(name)) == -1)
		return -1;
	r = json_pack("{s:s,s:s,s:s}", "kind", kinds[q->actor.kind] != NULL ?
	    kinds[q->actor.kind] : "unknown", "id", q->actor.id,
	    "username", name);
	if (r == NULL)
		return err_internal(&q->err, "out of memory");
	if (q->actor.tenant[0] != '\0')
		json_object_set_new(r, "tenant", json_string(q->actor.tenant));
	if (q->actor.vendor[0] != '\0')
		json_object_set_new(r, "vendor", json_string(q->actor.vendor));
	if (q->actor.device[0] != '\0')
		json_object_set_new(r, "device", json_string(q->actor.device));
	/* helper optok: a named operator token says its name and scope (the
	 * CLI shows only the commands it may run). */
	if (q->has_optoken) {
		json_object_set_new(r, "operator_token",
		    json_string(q->optoken.name));
		json_object_set_new(r, "scope", json_string(
		    op_scope_name(q->optoken.scope) != NULL ?
		    op_scope_name(q->optoken.scope) : "unknown"));
	}
	if (q->session.id[0] != '\0') {
		json_object_set_new(r, "session", json_string(q->session.id));
		time_format(stamp, q->session.expires);
		json_object_set_new(r, "expires_at", json_string(stamp));
	}
	/* How many passkeys may step up for this session: the console
	 * offers to add one when there is none. */
	if (q->session.id[0] != '\0') {
		struct store_conn *c = req_reader(q);
		int64_t n = 0;

		if (c == NULL || stepup_count(&n, c, store_ops(q->ctx->store),
		    &q->session, &q->err) == -1) {
			json_decref(r);
			return -1;
		}
		json_object_set_new(r, "passkeys", json_integer(n));
	}
	/* Only a cookie session needs (and may learn) its CSRF token. */
	if (q->by_cookie)
		json_object_set_new(r, "csrf", json_string(q->csrf));
	json_object_set_new(r, "origin", json_string(q->ctx->cfg.origin));
	req_ok(q, 200, r);
	return 0;
}

static int
apply_operator(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	return store_ops(q->ctx->store)->session_insert(c, arg, e);
}

/* POST /v1/auth/operator {token, session}: the operator token's holder
 * signs in to the console. */
int
h_auth_operator(struct req *q)
{
	static const char *const keys[] = {"token", "session", NULL};
	char token[TOKEN_MAX + 1];
	struct rec_session s;
	const char *given;
	json_t *b = req_body(q), *resp = NULL;
	int rc = -1;

	token[0] = '\0';
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&given, b, "token", 1, TOKEN_MAX, JX_REQUIRED, &q->err) ||
	    req_wants_cookie(q) == -1)
		goto out;
	if (!req_is_operator_token(q->ctx, given)) {
		q->err.reason = "bad_credentials";
		err_set(&q->err, 401, "unauthorized", "that is not the "
		    "operator token");
		goto out;
	}
	/* The session is written only while this is still the root token:
	 * a rotation committed first ends the sessions it opened, and
	 * would not see this one (job_apply re-checks on the writer). */
	token_hash(q->root_hash, given);
	q->has_root = 1;
	/* Not q->session: that is the caller's, and this caller has none. */
	if (session_new(&s, token, sizeof(token), PRINCIPAL_OPERATOR,
	    "operator", "", "", "", q->http->source, q->now,
	    api_config_live(&q->ctx->cfg.session_lifetime)) == -1) {
		err_internal(&q->err, "cannot make a session");
		goto out;
	}
	q->actor.kind = ACTOR_OPERATOR;
	str_copy(q->actor.id, sizeof(q->actor.id), "operator");
	str_copy(q->actor.session, sizeof(q->actor.session), s.id);
	if (req_session_mark(q, &s) == -1 ||
	    req_write(q, apply_operator, &s) == -1)
		goto out;
	resp = json_pack("{s:s}", "session", s.id);
	if (resp == NULL || req_session_give(q, resp, token, s.expires) ==
	    -1) {
		err_internal(&q->err, "out of memory");
		goto out;
	}
	req_ok(q, 200, resp);
	resp = NULL;
	rc = 0;
out:
	/* The body's copy of the token is wiped when it is freed
	 * (jx_wipe_on_free). */
	json_decref(resp);
	sodium_memzero(token, sizeof(token));
	return rc;
}
