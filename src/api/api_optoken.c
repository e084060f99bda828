/* SPDX-License-Identifier: ISC */
/*
 * Named operator tokens (issue 14; auth/optoken.h): made, listed and
 * revoked by the root operator token's holder and operator persons only
 * (the action table gives these actions to no scope), and the root token's
 * rotation.  A token's secret is in one answer only, the one that made it;
 * entries and lists carry ids, names and scopes, never a token or a hash.
 */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "api/req.h"
#include "auth/optoken.h"
#include "common/clock.h"
#include "common/jsonx.h"
#include "common/log.h"
#include "common/str.h"
#include "common/textfile.h"

#define OPERATOR_TOKEN_FILE "operator.token"
#define ROOT_HOLDER "operator"          /* the root token's actor id */

/*
 * A new operator credential is as sensitive as an answer: an operator
 * person (who has passkeys, or came by the console's cookie) steps up for
 * it (auth/stepup.h), bound to this action and target.  The root token's
 * holder needs none: it could do anything the new token can.
 */
static int
step_up(struct req *q, const char *target)
{
	if (strcmp(q->actor.id, ROOT_HOLDER) == 0)
		return 0;
	return req_step_up(q, target);
}

static json_t *
time_or_null(int64_t t)
{
	char stamp[RFC3339_LEN];

	if (t == 0)
		return json_null();
	time_format(stamp, t);
	return json_string(stamp);
}

static const char *
state_name(const struct rec_optoken *r, int64_t now)
{
	static const char *const names[] = {
		[OPTOKEN_LIVE] = "live",
		[OPTOKEN_REVOKED] = "revoked",
		[OPTOKEN_EXPIRED] = "expired",
	};

	return names[optoken_state(r, now)];
}

/* The listing's view of a token: never its hash. */
static json_t *
token_view(const struct rec_optoken *r, int64_t now)
{
	const char *scope = op_scope_name(r->scope);

	return json_pack("{s:s,s:s,s:s,s:s,s:o*,s:s,s:o*,s:o*,s:s?,s:o*}",
	    "id", r->id, "name", r->name, "scope", scope != NULL ? scope :
	    "unknown", "state", state_name(r, now), "created",
	    time_or_null(r->created), "created_by", r->created_by,
	    "last_used", time_or_null(r->last_used), "revoked",
	    time_or_null(r->revoked), "revoked_by", r->revoked != 0 ?
	    r->revoked_by : NULL, "expires_at", time_or_null(r->expires));
}

static void import_keys_follow(struct req *q);

/* Several nodes (issue 15): the others reread their token sets once this
 * change commits. */
static int
announce_tokens(struct store_conn *c, const struct store_ops *ops,
    struct err *e)
{
	if (ops->announce == NULL)
		return 0;
	return ops->announce(c, STORE_NEWS_TOKENS, e);
}

static int
apply_insert(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);

	if (ops->optoken_insert(c, arg, e) == -1)
		return -1;
	return announce_tokens(c, ops, e);
}

/* 409 when a live token already has the name (the insert would fail on
 * the name's unique index anyway; this says it in words). */
static int
name_free(struct req *q, const char *name)
{
	struct store_conn *c = req_reader(q);
	struct rec_optoken r;
	int found;

	if (c == NULL)
		return -1;
	found = store_ops(q->ctx->store)->optoken_get(c, name, &r, &q->err);
	if (found == -1)
		return -1;
	if (found == 0 && strcmp(r.name, name) == 0 && r.revoked == 0) {
		q->err.reason = "name_taken";
		return err_set(&q->err, 409, "conflict", "operator token '%s' "
		    "exists: revoke it first, or choose another name", name);
	}
	return 0;
}

/* POST /v1/operator-tokens {name, scope, expires_at?}. */
int
h_operator_token_create(struct req *q)
{
	static const char *const keys[] = {"name", "scope", "expires_at",
	    "step_up", NULL};
	static const char *const scopes[] = {"directory", "responder",
	    "auditor", NULL};
	char token[TOKEN_MAX + 1];
	struct rec_optoken r;
	const char *name, *expires;
	json_t *b = req_body(q);
	int scope, rc = -1;

	_Static_assert(OPSCOPE_DIRECTORY == 0 && OPSCOPE_RESPONDER == 1 &&
	    OPSCOPE_AUDITOR == 2, "scopes[] follows enum op_scope");
	memset(&r, 0, sizeof(r));
	token[0] = '\0';
	if (b == NULL || jx_only(b, keys, &q->err) == -1 ||
	    jx_str(&name, b, "name", 1, REC_OPTOKEN_NAME_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err) == -1 ||
	    jx_enum(&scope, b, "scope", scopes, JX_REQUIRED, &q->err) == -1 ||
	    jx_str(&expires, b, "expires_at", 1, 64, JX_OPTIONAL | JX_CLEAN,
	    &q->err) == -1) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (!optoken_name_valid(name)) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'name' must be 1 to %d "
		    "of A-Z a-z 0-9 _ . -, not start with '.' or \"opt_\" and "
		    "not be \"operator\"", REC_OPTOKEN_NAME_MAX);
	}
	if (expires != NULL && (time_parse(&r.expires, expires) == -1 ||
	    r.expires <= q->now)) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'expires_at' must be an "
		    "RFC 3339 time in the future");
	}
	str_copy(q->ev.target, sizeof(q->ev.target), name);
	event_detail(&q->ev, "name", name);
	event_detail(&q->ev, "scope", scopes[scope]);
	if (name_free(q, name) == -1 || step_up(q, name) == -1)
		return -1;
	optoken_id_new(r.id);
	str_copy(r.name, sizeof(r.name), name);
	r.scope = scope;
	r.created = q->now;
	str_copy(r.created_by, sizeof(r.created_by), q->actor.id[0] != '\0' ?
	    q->actor.id : ROOT_HOLDER);
	if (optoken_make(token, sizeof(token), r.token_hash) == -1) {
		err_internal(&q->err, "cannot make a token");
		goto out;
	}
	str_copy(q->ev.target, sizeof(q->ev.target), r.id);
	if (req_write(q, apply_insert, &r) == -1)
		goto out;
	import_keys_follow(q);
	/* The only time the token is shown. */
	req_ok(q, 201, json_pack("{s:s,s:s,s:s,s:s,s:o*,s:o*}", "id", r.id,
	    "name", r.name, "scope", scopes[scope], "token", token,
	    "created", time_or_null(r.created), "expires_at",
	    time_or_null(r.expires)));
	rc = q->resp != NULL ? 0 : err_internal(&q->err, "out of memory");
out:
	sodium_memzero(token, sizeof(token));
	sodium_memzero(r.token_hash, sizeof(r.token_hash));
	return rc;
}

struct list_run {
	json_t *list;
	int64_t now;
};

static int
list_cb(void *arg, const struct rec_optoken *r)
{
	struct list_run *run = arg;
	json_t *v = token_view(r, run->now);

	return v == NULL || json_array_append_new(run->list, v) == -1;
}

/* GET /v1/operator-tokens. */
int
h_operator_token_list(struct req *q)
{
	struct store_conn *c = req_reader(q);
	struct list_run run = {json_array(), q->now};

	if (c == NULL || run.list == NULL || store_ops(q->ctx->store)->
	    optoken_list(c, list_cb, &run, &q->err) == -1) {
		json_decref(run.list);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:o}", "tokens", run.list));
	return q->resp != NULL ? 0 : err_internal(&q->err, "out of memory");
}

struct revoke_run {
	const char *id;
	const char *by;
	int64_t now;
};

static int
op_revoke(struct store_conn *c, const struct store_ops *ops, void *arg,
    struct err *e)
{
	struct revoke_run *run = arg;

	if (ops->optoken_revoke(c, run->id, run->now, run->by, e) == -1)
		return -1;
	return announce_tokens(c, ops, e);
}

/* DELETE /v1/operator-tokens/{id}: by id or name. */
int
h_operator_token_revoke(struct req *q)
{
	const char *key = req_param(q, 0);
	struct store_conn *c;
	struct rec_optoken r;
	struct revoke_run run;
	int found;

	if (key == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), key);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = store_ops(q->ctx->store)->optoken_get(c, key, &r, &q->err);
	if (found == -1)
		return -1;
	if (found == 1) {
		q->err.reason = "no_such_token";
		return err_set(&q->err, 404, "not_found", "no operator token "
		    "has that id or name");
	}
	str_copy(q->ev.target, sizeof(q->ev.target), r.id);
	event_detail(&q->ev, "name", r.name);
	if (op_scope_name(r.scope) != NULL)
		event_detail(&q->ev, "scope", op_scope_name(r.scope));
	if (r.revoked != 0) {
		q->err.reason = "already_revoked";
		return err_set(&q->err, 409, "conflict", "operator token '%s' "
		    "was already revoked", r.name);
	}
	run.id = r.id;
	run.by = q->actor.id[0] != '\0' ? q->actor.id : ROOT_HOLDER;
	run.now = q->now;
	if (req_write_op(q, op_revoke, &run, "operator token") == -1)
		return -1;
	import_keys_follow(q);
	r.revoked = q->now;
	str_copy(r.revoked_by, sizeof(r.revoked_by), run.by);
	req_ok(q, 200, token_view(&r, q->now));
	return q->resp != NULL ? 0 : err_internal(&q->err, "out of memory");
}

struct rotate_run {
	uint8_t hash[TOKEN_HASH_LEN];
	int64_t ended;
};

static int
apply_rotate(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct rotate_run *run = arg;

	if (ops->meta_set(c, API_OPERATOR_HASH_KEY, run->hash,
	    sizeof(run->hash), e) == -1)
		return -1;
	/* The console sessions the old token opened go with it. */
	if (ops->session_end_root_operator(c, &run->ended, e) == -1)
		return -1;
	return announce_tokens(c, ops, e);
}

/*
 * Writes token to DIR/operator.token (0600, temp then rename).  0, or -1
 * with why in path's place (logged, never the token).
 */
static int
write_token_file(const struct req *q, const char *token, char *path,
    size_t size)
{
	char text[TOKEN_MAX + 2];
	struct err e;
	int rc;

	path[0] = '\0';
	if (q->ctx->cfg.data_dir == NULL || str_printf(path, size, "%s/%s",
	    q->ctx->cfg.data_dir, OPERATOR_TOKEN_FILE) == -1)
		return -1;
	if (str_printf(text, sizeof(text), "%s\n", token) == -1) {
		sodium_memzero(text, sizeof(text));
		return -1;
	}
	err_init(&e);
	rc = textfile_write(path, text, strlen(text), 0600, &e);
	sodium_memzero(text, sizeof(text));
	if (rc == -1)
		log_error("rotate-root: cannot write %s: %s", path, e.msg);
	return rc;
}

/* 1 when the caller's root token (q->root_hash) is still the root
 * token.  Under rotate_lock, so no rotation runs meanwhile. */
static int
root_still(struct req *q)
{
	int same;

	pthread_rwlock_rdlock(&q->ctx->operator_lock);
	same = sodium_memcmp(q->root_hash, q->ctx->operator_hash,
	    TOKEN_HASH_LEN) == 0;
	pthread_rwlock_unlock(&q->ctx->operator_lock);
	return same;
}

/* After a change of the tokens: the body cap's set (api/importkeys.h)
 * follows it.  A failure only delays the cap; it is logged. */
static void
import_keys_follow(struct req *q)
{
	struct err e;

	err_init(&e);
	if (api_import_keys_refresh(q->ctx, &e) == -1)
		log_error("operator tokens: cannot reread the import tokens: "
		    "%s", e.msg);
}

/*
 * POST /v1/operator-tokens/rotate-root {}: a new root token, answered once
 * and written to DIR/operator.token; the old one is refused from then on,
 * with the console sessions it opened.  One rotation at a time: the file,
 * the store and the hash in memory then always name the same token.
 */
int
h_operator_token_rotate_root(struct req *q)
{
	static const char *const keys[] = {"step_up", NULL};
	char token[TOKEN_MAX + 1], path[4096];
	struct rotate_run run;
	json_t *b;
	int rc = -1, written;

	memset(&run, 0, sizeof(run));
	str_copy(q->ev.target, sizeof(q->ev.target), ROOT_HOLDER);
	/* A JSON object ({}, or {step_up}): no bare POST rotates by
	 * accident. */
	b = req_body(q);
	if (b == NULL || jx_only(b, keys, &q->err) == -1) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (step_up(q, ROOT_HOLDER) == -1)
		return -1;
	pthread_mutex_lock(&q->ctx->rotate_lock);
	/* The caller's root token may have been rotated away while this
	 * request waited for the lock: its holder gets no newer one.  (The
	 * writer checks the store's hash again, req_write.) */
	if (q->has_root && !root_still(q)) {
		q->err.reason = "token_revoked";
		err_set(&q->err, 401, "unauthorized", "the root operator token "
		    "was rotated while this request ran");
		goto out;
	}
	if (optoken_make(token, sizeof(token), run.hash) == -1) {
		err_internal(&q->err, "cannot make a token");
		goto out;
	}
	if (req_write(q, apply_rotate, &run) == -1)
		goto out;
	/* Durable: from here the new token is the root token. */
	api_operator_hash_set(q->ctx, run.hash);
	written = write_token_file(q, token, path, sizeof(path)) == 0;
	req_ok(q, 200, json_pack("{s:s,s:o*,s:s?,s:I,s:s?}", "token", token,
	    "rotated", time_or_null(q->now), "file", written ? path : NULL,
	    "sessions_ended", (json_int_t)run.ended, "warning", written ?
	    NULL : "DIR/operator.token could not be written (see custosd's "
	    "log): keep this token, it is the only copy"));
	rc = q->resp != NULL ? 0 : err_internal(&q->err, "out of memory");
out:
	pthread_mutex_unlock(&q->ctx->rotate_lock);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(&run, sizeof(run));
	return rc;
}
