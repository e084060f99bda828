/* SPDX-License-Identifier: ISC */
/*
 * The request pipeline and the route table.  See api.h for the contract.
 */
#include "api/api.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "access/policy.h"
#include "access/standing.h"
#include "api/importkeys.h"
#include "api/req.h"
#include "auth/optoken.h"
#include "common/jsonx.h"
#include "common/log.h"
#include "common/num.h"
#include "common/str.h"
#include "metrics/metrics.h"
#include "tlog/tlog.h"

#define AUTH_HEADER_MAX 256
#define SESSION_TOUCH_EVERY 60  /* seconds between last_seen updates */

/* A peer address fits the entry's source column whole. */
_Static_assert(HTTP_ADDR_MAX <= REC_ADDR_MAX, "peer address too long");

/*
 * The handler of each route of the action table (audit/action.c), in the
 * order of that row's routes.  The table says what each route is; this
 * says only which function answers it.
 */
static const handler_fn handlers[ACT_COUNT][ACTION_ROUTES_MAX] = {
	[ACT_HEALTH] = {h_health},
	[ACT_AUTH_LOGIN] = {h_auth_login, h_tenant_login},
	[ACT_AUTH_VERIFY] = {h_auth_verify},
	[ACT_AUTH_LOGOUT] = {h_auth_logout},
	[ACT_PASSWORD_RESET_COMPLETE] = {h_password_reset_complete},
	[ACT_VENDOR_CREATE] = {h_vendor_create},
	[ACT_ENGINEER_CREATE] = {h_engineer_create},
	[ACT_DEVICE_CREATE] = {h_device_create},
	[ACT_TENANT_CREATE] = {h_tenant_create},
	[ACT_IMPORT] = {h_import},
	[ACT_USER_CREATE] = {h_user_create},
	[ACT_USER_DELETE] = {h_user_delete},
	[ACT_USER_LIST] = {h_user_browse},     /* issue 14: or h_user_list */
	[ACT_USER_PASSWORD_RESET] = {h_user_password_reset},
	[ACT_USER_MFA_RESET] = {h_user_mfa_reset},
	[ACT_TICKET_CREATE] = {h_ticket_create},
	[ACT_TICKET_LIST] = {h_ticket_list},
	[ACT_TICKET_VIEW] = {h_ticket_view},
	[ACT_TENANT_EXPORT] = {h_tenant_export},
	[ACT_TENANT_POLICY_SET] = {h_tenant_policy_set},
	[ACT_LOG_READ] = {
	    h_log_key, h_log_checkpoint, h_log_inclusion, h_log_consistency,
	    h_log_tile},
	[ACT_LOG_ENTRIES] = {h_log_entries},
	[ACT_RESET_PAGE] = {h_console},
	[ACT_ACCESS_LOG] = {h_access_log},
	[ACT_TENANT_LOG_KEY] = {h_tenant_log_key},
	[ACT_ACCESS_REQUEST_CREATE] = {h_access_request_create},
	[ACT_ACCESS_REQUEST_VIEW] = {h_access_request_view},
	[ACT_ACCESS_REQUEST_LIST] = {h_access_request_list},
	[ACT_ACCESS_REQUEST_APPROVE] = {h_access_request_approve},
	[ACT_ACCESS_REQUEST_DENY] = {h_access_request_deny},
	[ACT_ACCESS_REQUEST_REVOKE] = {h_access_request_revoke},
	[ACT_BREAK_GLASS] = {h_break_glass},
	[ACT_APPROVAL_CREATE] = {h_approval_create},
	[ACT_APPROVAL_VIEW] = {h_approval_view},
	[ACT_APPROVAL_APPROVE] = {h_approval_approve},
	[ACT_APPROVAL_DENY] = {h_approval_deny},
	[ACT_TENANT_POLICY_GET] = {h_tenant_policy_get},
	[ACT_SCOPE] = {h_scope},
	[ACT_ENGINEER_HOURS] = {h_engineer_hours},
	[ACT_ALERT_LIST] = {h_alert_list},
	[ACT_ALERT_VIEW] = {h_alert_view},
	[ACT_CONTAINMENT] = {h_containment},
	[ACT_CONTAINMENT_LIST] = {h_containment_list},
	[ACT_CONTAINMENT_LIFT] = {h_containment_lift},
	[ACT_CONSOLE] = {h_console, h_console},
	[ACT_SESSION_VIEW] = {h_session_view},
	[ACT_AUTH_OPERATOR] = {h_auth_operator},
	[ACT_APPROVAL_LIST] = {h_approval_list},
	/* invitations */
	[ACT_INVITATION_CREATE] = {h_invitation_create},
	[ACT_INVITATION_LIST] = {h_invitation_list},
	[ACT_INVITATION_REVOKE] = {h_invitation_revoke},
	[ACT_USER_INVITE] = {h_user_invite},
	[ACT_USER_INVITATION_LIST] = {h_invitation_list},
	[ACT_USER_INVITATION_REVOKE] = {h_invitation_revoke},
	[ACT_INVITATION_OPEN] = {h_invitation_open},
	[ACT_INVITATION_PASSWORD] = {h_invitation_password},
	[ACT_INVITATION_COMPLETE] = {h_invitation_totp},
	[ACT_INVITATION_DEVICE] = {h_invitation_device},
	[ACT_PASSKEY_REGISTER_BEGIN] = {h_passkey_register_begin},
	[ACT_PASSKEY_REGISTER] = {h_passkey_register},
	[ACT_PASSKEY_LIST] = {h_passkey_list},
	[ACT_PASSKEY_DELETE] = {h_passkey_delete},
	[ACT_USER_PASSKEY_LIST] = {h_user_passkey_list},
	[ACT_USER_PASSKEY_DELETE] = {h_user_passkey_delete},
	[ACT_AUTH_PASSKEY_BEGIN] = {h_auth_passkey_begin},
	[ACT_AUTH_PASSKEY] = {h_auth_passkey},
	[ACT_STEP_UP_BEGIN] = {h_step_up_begin},
	[ACT_OPERATOR_CREATE] = {h_operator_create},
	[ACT_OPERATOR_LIST] = {h_operator_list},
	/* issue 13, directory. */
	[ACT_VENDOR_LIST] = {h_vendor_list},
	[ACT_ENGINEER_LIST] = {h_engineer_list},
	[ACT_TENANT_LIST] = {h_tenant_list},
	[ACT_TENANT_VIEW] = {h_tenant_view},
	[ACT_ACCESS_REQUEST_BROWSE] = {h_access_request_browse},
	[ACT_INCIDENT_CREATE] = {h_incident_create},
	[ACT_INCIDENT_LIST] = {h_incident_list},
	[ACT_INCIDENT_VIEW] = {h_incident_view},
	[ACT_TENANT_INCIDENT_LIST] = {h_tenant_incident_list},
	[ACT_TENANT_INCIDENT_VIEW] = {h_tenant_incident_view},
	[ACT_LOG_HEALTH] = {h_log_health},
	/* helper optok (issue 14): named operator tokens. */
	[ACT_OPERATOR_TOKEN_CREATE] = {h_operator_token_create},
	[ACT_OPERATOR_TOKEN_LIST] = {h_operator_token_list},
	[ACT_OPERATOR_TOKEN_REVOKE] = {h_operator_token_revoke},
	[ACT_OPERATOR_TOKEN_ROTATE_ROOT] = {h_operator_token_rotate_root},
	/* issue 14, helper dir: the directory's lifecycle
	 * (api_lifecycle.c). */
	[ACT_VENDOR_VIEW] = {h_vendor_view},
	[ACT_VENDOR_SUSPEND] = {h_lifecycle},
	[ACT_VENDOR_RESUME] = {h_lifecycle},
	[ACT_VENDOR_OFFBOARD] = {h_lifecycle},
	[ACT_ENGINEER_VIEW] = {h_engineer_view},
	[ACT_ENGINEER_SUSPEND] = {h_lifecycle},
	[ACT_ENGINEER_RESUME] = {h_lifecycle},
	[ACT_ENGINEER_OFFBOARD] = {h_lifecycle},
	[ACT_ENGINEER_RE_ENROL] = {h_engineer_reenrol},
	[ACT_DEVICE_LIST] = {h_device_list, h_device_list},
	[ACT_DEVICE_REVOKE] = {h_device_revoke},
	[ACT_USER_VIEW] = {h_user_view},
	[ACT_METRICS_READ] = {h_metrics_read},
	/* issue 16, disclose (api_incident.c). */
	[ACT_INCIDENT_PUBLISH] = {h_incident_publish},
	[ACT_TENANT_NOTICE_LIST] = {h_tenant_notice_list},
	[ACT_TENANT_NOTICE_VIEW] = {h_tenant_notice_view},
	[ACT_EXPORT_STATUS] = {h_export_status},
};

void
api_config_defaults(struct api_config *c)
{
	memset(c, 0, sizeof(*c));
	c->session_lifetime = 8 * 3600;
	c->session_idle = 30 * 60;
	c->login_ttl = 120;
	c->reset_ttl = 3600;
	c->throttle_delay_after = 3;
	c->throttle_lock_after = 10;
	c->throttle_lock_seconds = 15 * 60;
	c->throttle_window = 15 * 60;
	c->throttle_ip_after = 20;
	c->public_url = "http://localhost:8443";
	str_copy(c->origin, sizeof(c->origin), "http://localhost:8443");
	str_copy(c->rp_id, sizeof(c->rp_id), "localhost");
	c->issuer = "custos";
	c->mail_from = "custos <no-reply@custos.invalid>";
}

void
api_config_set_live(struct api_config *c, int64_t session_lifetime,
    int64_t session_idle, int64_t reset_ttl)
{
	__atomic_store_n(&c->session_lifetime, session_lifetime,
	    __ATOMIC_RELAXED);
	__atomic_store_n(&c->session_idle, session_idle, __ATOMIC_RELAXED);
	__atomic_store_n(&c->reset_ttl, reset_ttl, __ATOMIC_RELAXED);
}

int
api_config_public_url(struct api_config *c, const char *url, struct err *e)
{
	struct url_origin o;

	if (url_origin_parse(&o, url, e) == -1)
		return -1;
	c->public_url = url;
	str_copy(c->origin, sizeof(c->origin), o.origin);
	str_copy(c->rp_id, sizeof(c->rp_id), o.host);
	c->secure_cookies = o.secure;
	return 0;
}

/*
 * Matches path against pattern segment by segment; {x} takes one segment
 * into params.  Returns 1 on a match.
 */
static int
route_match(const char *pattern, const char *path,
    char params[REQ_PARAMS][ID_MAX], int *nparams, const char **rest)
{
	const char *p = pattern, *s = path;

	*nparams = 0;
	while (*p != '\0' && *s != '\0') {
		if (p[0] == '*' && p[1] == '\0') {
			*rest = s;
			return 1;
		}
		if (*p == '{') {
			const char *pe = strchr(p, '}'), *se = strchr(s, '/');
			size_t n = se != NULL ? (size_t)(se - s) : strlen(s);

			if (pe == NULL || n == 0 || *nparams >= REQ_PARAMS)
				return 0;
			/* Too long to be an id: left empty, which
			 * req_param() refuses. */
			if (n < ID_MAX)
				memcpy(params[*nparams], s, n);
			params[*nparams][n < ID_MAX ? n : 0] = '\0';
			(*nparams)++;
			p = pe + 1;
			s += se != NULL ? (size_t)(se - s) : strlen(s);
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

/* Finds the action and route matching method and path; fills *out. */
static const struct route *
route_find(struct route *out, const char *method, const char *path,
    char params[REQ_PARAMS][ID_MAX], int *nparams, const char **rest)
{
	const struct action_route *r;
	int a, k;

	for (a = 0; a < ACT_COUNT; a++)
		for (k = 0; k < ACTION_ROUTES_MAX; k++) {
			r = &action_get(a)->routes[k];
			if (r->method == NULL)
				break;
			if (strcmp(r->method, method) != 0 ||
			    !route_match(r->pattern, path, params, nparams,
			    rest) || handlers[a][k] == NULL)
				continue;
			out->method = r->method;
			out->pattern = r->pattern;
			out->action = a;
			out->fn = handlers[a][k];
			return out;
		}
	return NULL;
}

/* The console's session cookie: with a __Host- prefix where the console
 * is served over https, so that no other host can plant one. */
static const char *
cookie_name(const struct api_ctx *ctx)
{
	return ctx->cfg.secure_cookies ? "__Host-custos_session" :
	    "custos_session";
}

/*
 * The caller's token, copied into tok: the Authorization header's bearer,
 * else the console's session cookie (*by_cookie then 1).  -1 when there is
 * neither.
 */
static int
credential(const struct api_ctx *ctx, const struct http_req *r, char *tok,
    size_t size, int *by_cookie)
{
	const char *h = http_header(r, "Authorization");

	*by_cookie = 0;
	if (h == NULL) {
		h = http_cookie(r, cookie_name(ctx));
		if (h == NULL || strlen(h) > TOKEN_MAX)
			return -1;
		*by_cookie = 1;
		return str_copy(tok, size, h) == -1 || tok[0] == '\0' ? -1 : 0;
	}
	if (strlen(h) > AUTH_HEADER_MAX || strncasecmp(h, "Bearer ", 7) != 0)
		return -1;
	h += 7;
	while (*h == ' ')
		h++;
	return str_copy(tok, size, h) == -1 || tok[0] == '\0' ? -1 : 0;
}

static int
bearer(const struct api_ctx *ctx, const struct http_req *r, char *tok,
    size_t size)
{
	int by_cookie;

	return credential(ctx, r, tok, size, &by_cookie);
}

int
api_ctx_init_locks(struct api_ctx *ctx)
{
	if (pthread_rwlock_init(&ctx->operator_lock, NULL) != 0)
		return -1;
	if (pthread_mutex_init(&ctx->rotate_lock, NULL) != 0) {
		pthread_rwlock_destroy(&ctx->operator_lock);
		return -1;
	}
	ctx->import_keys = import_keys_new();
	if (ctx->import_keys == NULL) {
		pthread_mutex_destroy(&ctx->rotate_lock);
		pthread_rwlock_destroy(&ctx->operator_lock);
		return -1;
	}
	return 0;
}

void
api_ctx_cleanup_locks(struct api_ctx *ctx)
{
	import_keys_free(ctx->import_keys);
	ctx->import_keys = NULL;
	pthread_mutex_destroy(&ctx->rotate_lock);
	pthread_rwlock_destroy(&ctx->operator_lock);
}

void
api_operator_hash_set(struct api_ctx *ctx, const uint8_t hash[TOKEN_HASH_LEN])
{
	pthread_rwlock_wrlock(&ctx->operator_lock);
	memcpy(ctx->operator_hash, hash, TOKEN_HASH_LEN);
	pthread_rwlock_unlock(&ctx->operator_lock);
}

static int
is_operator_token(struct api_ctx *ctx, const char *tok)
{
	uint8_t h[TOKEN_HASH_LEN];
	int ok;

	token_hash(h, tok);
	/* A rotation (api_optoken.c) may swap the hash meanwhile. */
	pthread_rwlock_rdlock(&ctx->operator_lock);
	ok = sodium_memcmp(h, ctx->operator_hash, TOKEN_HASH_LEN) == 0;
	pthread_rwlock_unlock(&ctx->operator_lock);
	sodium_memzero(h, sizeof(h));
	return ok;
}

int
req_is_operator_token(struct api_ctx *ctx, const char *tok)
{
	return is_operator_token(ctx, tok);
}

static int
token_shaped(const char *tok)
{
	size_t n = strlen(tok);

	return n == 4 + 52 && (strncmp(tok, "cse_", 4) == 0 ||
	    strncmp(tok, "cop_", 4) == 0) &&
	    strspn(tok + 4, "abcdefghijklmnopqrstuvwxyz234567") == 52;
}

int
api_import_keys_refresh(struct api_ctx *ctx, struct err *e)
{
	struct store_conn *c;
	int rc;

	if (ctx->import_keys == NULL)
		return 0;               /* no set: only the root imports */
	c = store_reader_get(ctx->store, e);
	if (c == NULL)
		return -1;
	rc = import_keys_load(ctx->import_keys, c, store_ops(ctx->store),
	    clock_now(ctx->clock), e);
	store_reader_put(ctx->store, c);
	return rc;
}

/* The root token's hash as stored (another node may have rotated it). */
static int
operator_hash_reload(struct api_ctx *ctx, struct err *e)
{
	struct store_conn *c;
	struct buf b;
	int found;

	buf_init(&b, 64);
	c = store_reader_get(ctx->store, e);
	if (c == NULL) {
		buf_cleanup(&b);
		return -1;
	}
	found = store_ops(ctx->store)->meta_get(c, API_OPERATOR_HASH_KEY, &b,
	    e);
	store_reader_put(ctx->store, c);
	if (found == 0 && b.len == TOKEN_HASH_LEN)
		api_operator_hash_set(ctx, (const uint8_t *)b.data);
	buf_cleanup(&b);
	return found == -1 ? -1 : 0;
}

/* On the store's watcher thread: another node changed operator tokens. */
static void
tokens_news(void *arg, unsigned topics)
{
	struct api_ctx *ctx = arg;
	struct err e;

	(void)topics;
	err_init(&e);
	if (operator_hash_reload(ctx, &e) == -1)
		log_warn("operator tokens: cannot reread the root token: %s",
		    e.msg);
	err_init(&e);
	if (api_import_keys_refresh(ctx, &e) == -1)
		log_warn("operator tokens: cannot reread the import keys: %s",
		    e.msg);
}

void
api_follow_tokens(struct api_ctx *ctx)
{
	store_on_news(ctx->store, STORE_NEWS_TOKENS, tokens_news, ctx);
}

/* 1 when tok is a live named operator token whose scope may import: it
 * may send an import's large body.  On the event threads, so from the
 * set in memory (api/importkeys.h), never the store. */
static int
named_may_import(struct api_ctx *ctx, const char *tok)
{
	uint8_t h[TOKEN_HASH_LEN];
	int found;

	if (strncmp(tok, "cop_", 4) != 0 || ctx->import_keys == NULL)
		return 0;
	token_hash(h, tok);
	found = import_keys_has(ctx->import_keys, h, clock_now(ctx->clock));
	sodium_memzero(h, sizeof(h));
	return found;
}

/* 1 when the request carries a bearer shaped like one of ours. */
static int
bearer_shaped(const struct api_ctx *ctx, const struct http_req *r)
{
	char tok[TOKEN_MAX + 1];
	int shaped = bearer(ctx, r, tok, sizeof(tok)) == 0 &&
	    token_shaped(tok);

	sodium_memzero(tok, sizeof(tok));
	return shaped;
}

size_t
api_body_cap(void *arg, const struct http_req *r)
{
	struct api_ctx *ctx = arg;
	char tok[TOKEN_MAX + 1];
	size_t cap = BODY_MAX_ANON;

	/* Before authentication only small bodies are taken in; a bearer
	 * must at least have the shape of one of ours to raise the cap. */
	if (bearer(ctx, r, tok, sizeof(tok)) == 0 && token_shaped(tok)) {
		cap = BODY_MAX;
		if (strcmp(r->path, "/v1/import") == 0 &&
		    (is_operator_token(ctx, tok) || named_may_import(ctx, tok))) {
			const char *f = http_query(r, "format");

			cap = f != NULL && strcmp(f, "okta") == 0 ?
			    BODY_MAX_IMPORT_STREAM : BODY_MAX_IMPORT;
		}
	}
	sodium_memzero(tok, sizeof(tok));
	return cap;
}

json_t *
req_body(struct req *q)
{
	if (q->body == NULL)
		q->body = jx_parse_object(q->http->body.data,
		    q->http->body.len, &q->err);
	if (q->body == NULL)
		q->err.reason = "bad_request";
	return q->body;
}

struct store_conn *
req_reader(struct req *q)
{
	if (q->rconn == NULL)
		q->rconn = store_reader_get(q->ctx->store, &q->err);
	return q->rconn;
}

const char *
req_param(struct req *q, int i)
{
	static const char *const names[] = {"first", "second", "third"};

	if (i >= q->nparams || !id_valid(q->param[i])) {
		err_bad_request(&q->err, "the %s id in the path is malformed",
		    names[i < 3 ? i : 0]);
		q->err.reason = "bad_request";
		return NULL;
	}
	return q->param[i];
}

int
req_query_int(struct req *q, const char *name, int64_t def, int64_t max,
    int64_t *out)
{
	const char *s = http_query(q->http, name);

	if (s == NULL) {
		*out = def;
		return 0;
	}
	if (num_parse_i64(out, s, 0, max) == -1) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter '%s' must be "
		    "an integer from 0 to %lld", name, (long long)max);
	}
	return 0;
}

int
req_wants_cookie(struct req *q)
{
	json_t *b = req_body(q);
	const char *v, *origin;

	if (b == NULL)
		return -1;
	if (jx_str(&v, b, "session", 1, 16, JX_OPTIONAL, &q->err) == -1)
		return -1;
	if (v == NULL || strcmp(v, "token") == 0)
		return 0;
	if (strcmp(v, "cookie") != 0) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'session' must be "
		    "\"cookie\" or \"token\"");
	}
	/* A console sign-in comes from the console's page: another site
	 * may not sign the browser in to an account of its choosing. */
	origin = http_header(q->http, "Origin");
	if (origin != NULL && strcmp(origin, q->ctx->cfg.origin) != 0) {
		q->err.reason = "csrf";
		return err_set(&q->err, 403, "forbidden", "a console sign-in "
		    "must come from the console's own page (Origin %s)",
		    q->ctx->cfg.origin);
	}
	return 1;
}

int
req_session_mark(struct req *q, struct rec_session *s)
{
	int cookie = req_wants_cookie(q);

	if (cookie == -1)
		return -1;
	s->console = cookie;
	return 0;
}

int
req_session_give(struct req *q, json_t *resp, const char *token,
    int64_t expires_at)
{
	char stamp[RFC3339_LEN];
	int cookie = req_wants_cookie(q), rc;

	if (cookie == -1)
		cookie = 0;
	time_format(stamp, expires_at);
	if (json_object_set_new(resp, "expires_at", json_string(stamp)) == -1)
		return -1;
	if (!cookie)
		return json_object_set_new(resp, "token",
		    json_string(token)) == -1 ? -1 : 0;
	/* HttpOnly: no script, an injected one included, reads it;
	 * SameSite=Strict: no other site's page makes the browser send it. */
	rc = str_printf(q->set_cookie, sizeof(q->set_cookie), "%s=%s; "
	    "Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
	    cookie_name(q->ctx), token,
	    (long long)(expires_at > q->now ? expires_at - q->now : 0),
	    q->ctx->cfg.secure_cookies ? "; Secure" : "");
	if (rc == -1)
		return -1;
	return json_object_set_new(resp, "cookie", json_true()) == -1 ? -1 :
	    0;
}

/* Ends the console's cookie in the browser (logout). */
void
req_cookie_clear(struct req *q)
{
	if (str_printf(q->set_cookie, sizeof(q->set_cookie), "%s=; Path=/; "
	    "Max-Age=0; HttpOnly; SameSite=Strict%s", cookie_name(q->ctx),
	    q->ctx->cfg.secure_cookies ? "; Secure" : "") == -1)
		q->set_cookie[0] = '\0';
}

void
req_ok(struct req *q, int status, json_t *resp)
{
	q->status = status;
	json_decref(q->resp);
	q->resp = resp != NULL ? resp : json_object();
}

int
req_deny(struct req *q, const struct err *e)
{
	q->denied = 1;
	q->err = *e;
	return 0;
}

struct write_ctx {
	struct req *q;
	apply_fn apply;
	void *arg;
};

/* d as a 401 with reason why: the caller stopped being one. */
static int
caller_gone(struct err *d, const char *why, const char *msg)
{
	err_init(d);
	err_set(d, 401, "unauthorized", "%s", msg);
	d->reason = why;
	return 1;
}

/* 1 when the store's root token is still the one of q->root_hash. */
static int
root_unchanged(struct store_conn *c, const struct store_ops *ops,
    const struct req *q, struct err *e)
{
	struct buf b;
	int found, same;

	buf_init(&b, 64);
	found = ops->meta_get(c, API_OPERATOR_HASH_KEY, &b, e);
	same = found == 0 && b.len == TOKEN_HASH_LEN &&
	    sodium_memcmp(b.data, q->root_hash, TOKEN_HASH_LEN) == 0;
	buf_cleanup(&b);
	return found == -1 ? -1 : same;
}

/*
 * The caller of q, asked again on the writer in the transaction of the
 * change (check: the request changes something and was not refused): a
 * session ended (logged out, contained), a named token revoked or expired,
 * or a root token rotated away after the request was let in may change
 * nothing.  Records the use too (sessions' last_seen, tokens' last_used;
 * throttled).  0; 1 with the refusal in d; -1 with e.
 */
static int
caller_recheck(struct store_conn *c, struct req *q, int check, struct err *d,
    struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	int rc;

	/* A session refused as expired or idle ends for good, so that a
	 * longer session-idle set later (SIGHUP) cannot bring it back. */
	if (q->end_session && ops->session_delete(c, q->session.id, e) == -1)
		return -1;
	if (check && q->session.id[0] != '\0') {
		struct rec_session now;

		rc = ops->session_get_id(c, q->session.id, &now, e);
		if (rc == -1)
			return -1;
		if (rc == 1)
			return caller_gone(d, "session_ended", "the session "
			    "ended while this request ran; log in again");
	}
	if (q->touch_session && ops->session_touch(c, q->session.id, q->now,
	    e) == -1)
		return -1;
	/* helper optok: a named token revoked (or expired) after this
	 * request was let in changes nothing. */
	if (q->has_optoken) {
		struct rec_optoken now;

		if (check) {
			rc = ops->optoken_get(c, q->optoken.id, &now, e);
			if (rc == -1)
				return -1;
			if (rc == 1 || optoken_state(&now, q->now) !=
			    OPTOKEN_LIVE)
				return caller_gone(d, "token_revoked", "the "
				    "operator token was revoked while this "
				    "request ran");
		}
		if (q->touch_optoken && ops->optoken_touch(c, q->optoken.id,
		    q->now, e) == -1)
			return -1;
	}
	/* Nor does the root token once rotated (api_optoken.c): the store's
	 * hash is the one the rotation committed. */
	if (check && q->has_root) {
		rc = root_unchanged(c, ops, q, e);
		if (rc == -1)
			return -1;
		if (rc == 0)
			return caller_gone(d, "token_revoked", "the root "
			    "operator token was rotated while this request "
			    "ran");
	}
	return 0;
}

static int
job_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct write_ctx *w = arg;
	struct req *q = w->q;
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct err d;
	int rc;

	/* Refused here, on the writer, in the transaction that would have
	 * made the change. */
	rc = caller_recheck(c, q, w->apply != NULL && q->err.status == 0, &d,
	    e);
	if (rc == -1)
		return -1;
	if (rc == 1)
		return req_deny(q, &d);
	/* A second approval is used up by the action it allowed, in the
	 * same commit: it can never serve twice.  A refused request leaves
	 * it as it was. */
	if (q->approval.id[0] != '\0' && q->err.status == 0) {
		rc = approval_use(c, ops, &q->approval, e);

		if (rc == -1)
			return -1;
		if (rc == 1) {
			err_init(&d);
			err_set(&d, 403, "forbidden", "the approval was already "
			    "used");
			d.reason = "approval_used";
			return req_deny(q, &d);
		}
	}
	/* A step-up's passkey use commits with the answer it allowed: the
	 * counter must still grow here, on the writer. */
	if (q->step_up.passkey_id[0] != '\0' && q->err.status == 0) {
		rc = stepup_apply(c, ops, &q->step_up, q->now, e);

		if (rc == -1)
			return -1;
		if (rc == 1) {
			err_init(&d);
			err_set(&d, 403, "step_up_failed", "the step-up was "
			    "refused: the authenticator's counter did not "
			    "grow");
			d.reason = "sign_count";
			return req_deny(q, &d);
		}
	}
	return w->apply != NULL ? w->apply(c, q, w->arg, e) : 0;
}

static int
job_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct write_ctx *w = arg;
	struct req *q = w->q;
	const struct err *fail = NULL;

	if (apply_rc == -1)
		fail = apply_err;
	else if (q->denied || q->err.status != 0)
		fail = &q->err;
	q->ev.actor = q->actor;
	q->ev.allowed = fail == NULL;
	if (fail != NULL && q->ev.reason[0] == '\0')
		str_copy(q->ev.reason, sizeof(q->ev.reason),
		    fail->reason != NULL ? fail->reason :
		    fail->code != NULL ? fail->code : "error");
	return event_serialize(&q->ev, time_ms, out, en);
}

static int refusal_recorded(const struct req *q);

/* The request's own job: apply plus its entry (if recorded). */
static void
req_job(struct req *q, struct write_ctx *w, struct store_job *job)
{
	const struct action_def *def = action_get(q->route != NULL ?
	    q->route->action : ACT_UNKNOWN);

	job->apply = job_apply;
	job->entry = job_entry;
	job->arg = w;
	if (!def->recorded && !q->has_optoken && !refusal_recorded(q))
		job->entry = NULL;
	/* Plain reads change nothing: no savepoint on the writer. */
	if (w->apply == NULL && !q->touch_session && !q->touch_optoken &&
	    !q->end_session && q->approval.id[0] == '\0')
		job->apply = NULL;
	q->recorded = 1;
	/* Other requests may read while this one waits for its commit. */
	store_reader_put(q->ctx->store, q->rconn);
	q->rconn = NULL;
}

int
req_write(struct req *q, apply_fn apply, void *arg)
{
	struct write_ctx w = {q, apply, arg};
	struct store_job job;
	struct err e;

	req_job(q, &w, &job);
	err_init(&e);
	if (store_write(q->ctx->store, &job, &q->index, &e) == -1) {
		q->err = e;
		return -1;
	}
	return q->denied ? -1 : 0;
}

int
req_write_with(struct req *q, apply_fn apply, void *arg,
    const struct store_job *more, size_t nmore)
{
	struct write_ctx w = {q, apply, arg};
	struct store_job *jobs = calloc(nmore + 1, sizeof(*jobs));
	struct err e;
	int rc;

	if (jobs == NULL)
		return err_internal(&q->err, "out of memory");
	req_job(q, &w, &jobs[0]);
	if (nmore > 0)
		memcpy(jobs + 1, more, nmore * sizeof(*jobs));
	err_init(&e);
	rc = store_write_all(q->ctx->store, jobs, nmore + 1, &e);
	free(jobs);
	if (rc == -1) {
		/* Nothing was stored, the entry neither: the pipeline
		 * records the refusal. */
		q->recorded = 0;
		q->err = e;
		return -1;
	}
	return q->denied ? -1 : 0;
}

/* The first job of a bulk commit: its caller re-checked (a refusal
 * fails the whole group). */
static int
bulk_guard(struct store_conn *c, void *arg, struct err *e)
{
	struct err d;
	int rc = caller_recheck(c, arg, 1, &d, e);

	if (rc == 1)
		*e = d;
	return rc == 0 ? 0 : -1;
}

int
req_write_bulk(struct req *q, const struct store_job *jobs, size_t n)
{
	struct store_job *all = calloc(n + 1, sizeof(*all));
	struct err e;
	int rc;

	if (all == NULL)
		return err_internal(&q->err, "out of memory");
	all[0].apply = bulk_guard;
	all[0].entry = NULL;
	all[0].arg = q;
	if (n > 0)
		memcpy(all + 1, jobs, n * sizeof(*all));
	err_init(&e);
	rc = store_write_all(q->ctx->store, all, n + 1, &e);
	free(all);
	if (rc == -1) {
		q->err = e;
		return -1;
	}
	/* Recorded by the guard. */
	q->touch_session = q->touch_optoken = 0;
	return 0;
}

/* A domain operation run by req_write_op. */
struct op_call {
	op_fn fn;
	void *arg;
	const char *what;
};

static int
op_apply(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	struct op_call *o = arg;
	struct err d;
	int rc = o->fn(c, store_ops(q->ctx->store), o->arg, e);

	if (rc != 1)
		return rc;
	/* The change lost the race: someone answered first.  Denied, but
	 * the request's entry still commits. */
	err_init(&d);
	err_set(&d, 409, "conflict", "the %s was answered meanwhile",
	    o->what);
	d.reason = "state_changed";
	return req_deny(q, &d);
}

int
req_write_op(struct req *q, op_fn op, void *arg, const char *what)
{
	struct op_call o = {op, arg, what};

	return req_write(q, op_apply, &o);
}

int
req_write_op_with(struct req *q, op_fn op, void *arg, const char *what,
    const struct store_job *more, size_t nmore)
{
	struct op_call o = {op, arg, what};

	return req_write_with(q, op_apply, &o, more, nmore);
}

/*
 * A cookie session's CSRF token: derived from the session token's hash,
 * which only the holder of the session (the console's page, through
 * GET /v1/session) and custosd can know; another site's page can make the
 * browser send the cookie but can never read this.  Stateless, so any
 * node can check it.
 */
static void
csrf_token(char *out, size_t size, const uint8_t h[TOKEN_HASH_LEN])
{
	static const char label[] = "custos-csrf-v1";
	uint8_t mac[16];

	crypto_generichash(mac, sizeof(mac), (const uint8_t *)label,
	    sizeof(label) - 1, h, TOKEN_HASH_LEN);
	sodium_bin2base64(out, size, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(mac, sizeof(mac));
}

/*
 * A state-changing request carried by the console's cookie must come from
 * the console's own page: it carries the session's CSRF token in
 * X-CSRF-Token, and the browser's Origin and Sec-Fetch-Site, when sent,
 * say this origin.  SameSite=Strict already keeps the cookie off other
 * sites' requests; this is the second wall.  0, or -1 with a 403.
 */
static int
csrf_check(struct req *q)
{
	const char *m = q->http->method, *tok, *origin, *site;

	if (!q->by_cookie || strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		return 0;
	tok = http_header(q->http, "X-CSRF-Token");
	origin = http_header(q->http, "Origin");
	site = http_header(q->http, "Sec-Fetch-Site");
	if (tok == NULL || strlen(tok) != strlen(q->csrf) ||
	    sodium_memcmp(tok, q->csrf, strlen(q->csrf)) != 0 ||
	    (origin != NULL && strcmp(origin, q->ctx->cfg.origin) != 0) ||
	    (site != NULL && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0)) {
		q->err.reason = "csrf";
		return err_set(&q->err, 403, "forbidden", "a console request "
		    "must come from the console's own page (header "
		    "X-CSRF-Token from GET /v1/session, same origin)");
	}
	return 0;
}

/*
 * A bearer "cop_..." that is not the root token: a named operator token
 * (auth/optoken.h), read from the store on every request so that a
 * revocation bites on the next use.  0 with q->actor the token's (kind
 * operator, id the token's), or -1 with a 401 (the refused use still
 * names the token in its entry).
 */
static int
named_token(struct req *q, const uint8_t h[TOKEN_HASH_LEN])
{
	struct store_conn *c = req_reader(q);
	int found, state;

	if (c == NULL)
		return -1;
	found = store_ops(q->ctx->store)->optoken_get_hash(c, h, &q->optoken,
	    &q->err);
	if (found == -1)
		return -1;
	if (found == 1) {
		q->err.reason = "bad_token";
		return err_set(&q->err, 401, "unauthorized", "the token is not "
		    "valid (unknown, expired or logged out)");
	}
	q->actor.kind = ACTOR_OPERATOR;
	str_copy(q->actor.id, sizeof(q->actor.id), q->optoken.id);
	event_detail(&q->ev, "operator_token", q->optoken.name);
	event_detail(&q->ev, "scope", op_scope_name(q->optoken.scope) != NULL ?
	    op_scope_name(q->optoken.scope) : "unknown");
	state = optoken_state(&q->optoken, q->now);
	if (state == OPTOKEN_REVOKED) {
		q->err.reason = "token_revoked";
		return err_set(&q->err, 401, "unauthorized", "this operator "
		    "token was revoked");
	}
	if (state == OPTOKEN_EXPIRED) {
		q->err.reason = "token_expired";
		return err_set(&q->err, 401, "unauthorized", "this operator "
		    "token has expired");
	}
	q->has_optoken = 1;
	q->touch_optoken = q->now - q->optoken.last_used >= SESSION_TOUCH_EVERY;
	return 0;
}

/* A named operator token's caller out of the token's scope: -1 with a
 * 403 operator_scope; else 0. */
static int
scope_gate(struct req *q)
{
	if (!q->has_optoken || q->route == NULL)
		return 0;
	return optoken_check_scope(&q->optoken, q->route->action, &q->err);
}

/* Finds who is calling.  0 with q->actor set, or -1 with a 401. */
static int
authenticate(struct req *q)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	char tok[TOKEN_MAX + 1];
	uint8_t h[TOKEN_HASH_LEN];
	struct store_conn *c;
	int rc = -1, found;

	if (credential(q->ctx, q->http, tok, sizeof(tok), &q->by_cookie) ==
	    -1) {
		q->err.reason = "no_token";
		err_set(&q->err, 401, "unauthorized", "this call needs "
		    "'Authorization: Bearer <token>' (or the console's "
		    "session cookie)");
		return -1;
	}
	/* The operator token is a bearer only: a cookie holds a session. */
	if (!q->by_cookie && is_operator_token(q->ctx, tok)) {
		q->actor.kind = ACTOR_OPERATOR;
		str_copy(q->actor.id, sizeof(q->actor.id), "operator");
		/* Checked again on the writer: a rotation may come first. */
		token_hash(q->root_hash, tok);
		q->has_root = 1;
		rc = 0;
		goto out;
	}
	token_hash(h, tok);
	/* Sessions are "cse_", operator tokens "cop_": one lookup each. */
	if (!q->by_cookie && strncmp(tok, "cop_", 4) == 0) {
		rc = named_token(q, h);
		goto out;
	}
	if (q->by_cookie)
		csrf_token(q->csrf, sizeof(q->csrf), h);
	c = req_reader(q);
	if (c == NULL)
		goto out;
	found = ops->session_get(c, h, &q->session, &q->err);
	if (found == -1)
		goto out;
	if (found == 1) {
		q->err.reason = "bad_token";
		err_set(&q->err, 401, "unauthorized", "the token is not valid "
		    "(unknown, expired or logged out)");
		goto out;
	}
	/* Name the session in the entry even when it is refused below. */
	str_copy(q->actor.session, sizeof(q->actor.session), q->session.id);
	/* A console session lives in an HttpOnly cookie: its token seen as
	 * a bearer was lifted from the browser, and as a bearer it would
	 * be spared the step-up a console request is asked for. */
	if (q->session.console && !q->by_cookie) {
		q->err.reason = "console_session";
		err_set(&q->err, 401, "unauthorized", "this session belongs to "
		    "the console: it is accepted only as the console's cookie");
		goto out;
	}
	str_copy(q->actor.id, sizeof(q->actor.id), q->session.principal_id);
	str_copy(q->actor.device, sizeof(q->actor.device),
	    q->session.device_id);
	if (q->now >= q->session.expires ||
	    q->now >= q->session.last_seen +
	    api_config_live(&q->ctx->cfg.session_idle)) {
		q->err.reason = q->now >= q->session.expires ?
		    "session_expired" : "session_idle";
		q->end_session = 1;
		err_set(&q->err, 401, "unauthorized", "the session has ended; "
		    "log in again");
		goto out;
	}
	if (q->session.principal == PRINCIPAL_OPERATOR &&
	    strcmp(q->session.principal_id, "operator") == 0) {
		/* A console session of the operator token's holder (no
		 * operator person has that id: api_passkey.c). */
		q->actor.kind = ACTOR_OPERATOR;
	} else if (q->session.principal == PRINCIPAL_ENGINEER) {
		struct rec_engineer en;
		const char *why = "engineer_inactive";

		found = ops->engineer_get(c, q->session.principal_id, &en,
		    &q->err);
		rec_engineer_wipe(&en);
		/* Suspended or offboarded, the vendor too, or the device
		 * revoked (directory/lifecycle.h). */
		if (found == 0)
			found = standing_refuses(c, ops, &en,
			    q->session.device_id, &why, &q->err);
		if (found == -1)
			goto out;
		if (found == 1) {
			q->err.reason = why;
			err_set(&q->err, 401, "unauthorized", "the account is "
			    "not active");
			goto out;
		}
		q->actor.kind = ACTOR_ENGINEER;
		str_copy(q->actor.vendor, sizeof(q->actor.vendor),
		    en.vendor_id);
	} else if (q->session.principal == PRINCIPAL_OPERATOR) {
		struct rec_operator o;

		/* An operator person (passkeys): the operator, named. */
		found = ops->operator_get(c, q->session.principal_id, &o,
		    &q->err);
		if (found == -1)
			goto out;
		if (found == 1 || o.status != STATUS_ACTIVE) {
			q->err.reason = "operator_inactive";
			err_set(&q->err, 401, "unauthorized", "the account is "
			    "not active");
			goto out;
		}
		q->actor.kind = ACTOR_OPERATOR;
	} else {
		struct rec_user u;

		found = ops->user_get(c, q->session.tenant_id,
		    q->session.principal_id, &u, &q->err);
		rec_user_wipe(&u);
		if (found == -1)
			goto out;
		if (found == 1 || u.status != STATUS_ACTIVE) {
			q->err.reason = "user_inactive";
			err_set(&q->err, 401, "unauthorized", "the account is "
			    "not active");
			goto out;
		}
		q->actor.kind = u.role == ROLE_ADMIN ? ACTOR_TENANT_ADMIN :
		    ACTOR_TENANT_USER;
		str_copy(q->actor.tenant, sizeof(q->actor.tenant),
		    u.tenant_id);
	}
	q->touch_session = q->now - q->session.last_seen >=
	    SESSION_TOUCH_EVERY;
	rc = 0;
out:
	sodium_memzero(tok, sizeof(tok));
	sodium_memzero(h, sizeof(h));
	return rc;
}

int
req_authenticate(struct req *q)
{
	return authenticate(q) == -1 || csrf_check(q) == -1 ||
	    scope_gate(q) == -1 ? -1 : 0;
}

/* Loads the route's tenant and applies the tenant policy. */
static int
tenant_gate(struct req *q)
{
	const char *tid = req_param(q, 0);
	struct store_conn *c;
	int found, need;

	if (tid == NULL)
		return -1;
	str_copy(q->ev.tenant, sizeof(q->ev.tenant), tid);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = store_ops(q->ctx->store)->tenant_get(c, tid, &q->tenant,
	    &q->err);
	if (found == -1)
		return -1;
	if (found == 1) {
		q->err.reason = "no_such_tenant";
		return err_set(&q->err, 404, "not_found", "no such tenant");
	}
	need = !action_get(q->route->action)->no_grant;
	if (q->actor.kind == ACTOR_ENGINEER && need &&
	    q->tenant.policy != POLICY_AUTO_APPROVE) {
		found = store_ops(q->ctx->store)->grant_active(c, q->actor.id,
		    tid, q->now, &q->grant, &q->err);
		if (found == -1)
			return -1;
		q->has_grant = found == 0;
	}
	if (policy_tenant_access(&q->actor, &q->tenant, q->has_grant ?
	    &q->grant : NULL, need, &q->err) == -1)
		return -1;
	/* Name what let an engineer in, in the entry. */
	if (q->actor.kind == ACTOR_ENGINEER && need) {
		if (q->has_grant) {
			event_detail(&q->ev, "grant", q->grant.id);
			if (q->grant.break_glass)
				event_detail(&q->ev, "break_glass", "true");
		} else {
			event_detail(&q->ev, "access", "policy:auto_approve");
		}
	}
	return 0;
}

/* A printable, bounded copy of the path for the entry of an unknown
 * route. */
static void
path_for_log(char *dst, size_t size, const char *path)
{
	size_t i, o = 0;

	for (i = 0; path[i] != '\0' && o + 1 < size; i++) {
		unsigned char c = (unsigned char)path[i];

		dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[o] = '\0';
}

static void
respond(struct req *q, struct http_resp *out)
{
	json_t *doc;
	char *text;

	if (q->status >= 200 && q->status < 300)
		str_copy(out->set_cookie, sizeof(out->set_cookie),
		    q->set_cookie);

	if (q->status >= 200 && q->status < 300 && q->has_raw) {
		out->status = q->status;
		out->content_type = q->raw_type;
		out->cache_control = q->cache_control;
		out->etag = q->etag;
		if (buf_append(&out->body, q->raw.data, q->raw.len) == -1)
			out->status = 500;
		return;
	}
	if (q->status >= 200 && q->status < 300) {
		out->status = q->status;
		doc = q->resp != NULL ? json_incref(q->resp) : json_object();
	} else {
		if (q->err.status == 0)
			err_internal(&q->err, "internal error");
		out->status = q->err.status;
		doc = json_pack("{s:{s:s,s:s}}", "error", "code",
		    q->err.code != NULL ? q->err.code : "internal", "message",
		    q->err.msg);
	}
	str_copy(out->retry_after, sizeof(out->retry_after), q->retry_after);
	text = doc != NULL ? jx_dump(doc) : NULL;
	if (text == NULL || buf_puts(&out->body, text) == -1 ||
	    buf_puts(&out->body, "\n") == -1) {
		out->status = 500;
		buf_reset(&out->body);
		if (buf_puts(&out->body, "{\"error\":{\"code\":\"internal\","
		    "\"message\":\"cannot encode the answer\"}}\n") == -1)
			out->status = 500;
	}
	free(text);
	json_decref(doc);
}

/* Who knocked matters: a request refused before its caller was checked
 * still names a valid caller in its entry (and is not the flood's). */
static void
name_caller(struct req *q)
{
	char tok[TOKEN_MAX + 1];

	if (bearer(q->ctx, q->http, tok, sizeof(tok)) == 0 &&
	    authenticate(q) == -1) {
		memset(&q->actor, 0, sizeof(q->actor));
		memset(&q->session, 0, sizeof(q->session));
		q->touch_session = q->end_session = 0;
		q->has_optoken = q->touch_optoken = q->has_root = 0;
		err_init(&q->err);
	}
	sodium_memzero(tok, sizeof(tok));
}

static void
run(struct req *q)
{
	const struct action_def *def;
	int rc;

	if (q->route == NULL) {
		name_caller(q);
		q->ev.action = action_get(ACT_UNKNOWN)->name;
		path_for_log(q->ev.target, sizeof(q->ev.target),
		    q->http->path);
		q->err.reason = "no_such_route";
		err_set(&q->err, 404, "not_found", "no such endpoint: %s %s",
		    q->http->method, q->ev.target);
		return;
	}
	def = action_get(q->route->action);
	q->ev.action = def->name;
	if (q->http->body_too_large) {
		name_caller(q);
		q->err.reason = "body_too_large";
		err_set(&q->err, 413, "bad_request", "the request body is "
		    "larger than %zu bytes", q->http->body_cap);
		return;
	}
	/* A refused caller still shows up in that tenant's access log. */
	if (def->tenant_scoped && q->nparams > 0 && id_valid(q->param[0]))
		str_copy(q->ev.tenant, sizeof(q->ev.tenant), q->param[0]);
	if (!(def->who & WHO(ACTOR_ANONYMOUS)) && (authenticate(q) == -1 ||
	    csrf_check(q) == -1))
		return;
	if (!action_allows(q->actor.kind, q->route->action)) {
		if (q->nparams > 1)
			path_for_log(q->ev.target, sizeof(q->ev.target),
			    q->param[1]);
		q->err.reason = "role_forbids";
		err_set(&q->err, 403, "forbidden", "your role may not do %s",
		    def->name);
		return;
	}
	/* A named operator token: only what its scope allows. */
	if (scope_gate(q) == -1) {
		if (q->nparams > 1)
			path_for_log(q->ev.target, sizeof(q->ev.target),
			    q->param[1]);
		return;
	}
	if (def->tenant_scoped && tenant_gate(q) == -1)
		return;
	rc = q->route->fn(q);
	if (rc == -1 && q->err.status == 0)
		err_internal(&q->err, "internal error");
}

/*
 * helper optok: every use of a named operator token is recorded, the reads
 * the action table leaves unrecorded for the root token (log.entries,
 * log.health) too -- an auditor's reading of the log is on the log --
 * while the log can append; with the log damaged they are served as for
 * the root token, since that is when log.health matters most.
 */
static int
named_recorded(const struct req *q)
{
	return q->has_optoken && (q->ctx->tlog == NULL ||
	    tlog_broken(q->ctx->tlog) == NULL);
}

/*
 * An engineer or a tenant's person refused an operator's unrecorded read
 * (metrics.read, log.health): recorded as every refusal of a person is,
 * so that probing what is not theirs is seen (detection's probing rule)
 * and not hidden behind the operator's reads being left out of the log.
 */
static int
refusal_recorded(const struct req *q)
{
	return (q->status == 403 || q->err.status == 403) &&
	    (q->actor.kind == ACTOR_ENGINEER ||
	    q->actor.kind == ACTOR_TENANT_ADMIN ||
	    q->actor.kind == ACTOR_TENANT_USER) && (q->ctx->tlog == NULL ||
	    tlog_broken(q->ctx->tlog) == NULL);
}

/* A request from api_handle() to its answer, on the heap while its
 * entry commits. */
struct pending {
	struct req q;
	struct write_ctx w;
	struct http_resp *out;
	int ok;                         /* the answer was a 2xx */
};

#define UNRECORDABLE_RETRY "5"          /* seconds, in Retry-After */

static int
unrecordable(const struct err *e)
{
	return e->status == 503 && e->reason != NULL &&
	    strcmp(e->reason, STORE_UNRECORDABLE) == 0;
}

/* Fills p->out with the request's answer as it stands. */
static void
answer(struct pending *p)
{
	struct req *q = &p->q;

	/* Not recorded, so not answered as it would have been: an
	 * unrecorded refusal must not look like a recorded one. */
	if (unrecordable(&q->err) && (q->status < 200 || q->status >= 300))
		str_copy(q->retry_after, sizeof(q->retry_after),
		    UNRECORDABLE_RETRY);
	respond(q, p->out);
}

/* Replaces the answer made before the commit. */
static void
answer_again(struct pending *p)
{
	struct http_resp *out = p->out;

	buf_reset(&out->body);
	out->status = 500;
	out->retry_after[0] = '\0';
	out->content_type = NULL;
	out->cache_control = NULL;
	out->etag = NULL;
	out->set_cookie[0] = '\0';
	answer(p);
}

/* What only the pipeline needed; the entry (q->ev) stays. */
static void
drop_answer_parts(struct req *q)
{
	store_reader_put(q->ctx->store, q->rconn);
	q->rconn = NULL;
	json_decref(q->resp);
	q->resp = NULL;
	json_decref(q->body);
	q->body = NULL;
	buf_cleanup(&q->raw);
}

static void
pending_free(struct pending *p)
{
	drop_answer_parts(&p->q);
	event_cleanup(&p->q.ev);
	sodium_memzero(p->q.set_cookie, sizeof(p->q.set_cookie));
	sodium_memzero(p->q.root_hash, sizeof(p->q.root_hash));
	free(p);
}

/*
 * The outcome of the request's own entry.  The answer was made before the
 * commit; it changes only when the entry could not be stored, or when the
 * writer refused a 2xx (e.g. an approval used meanwhile).  Returns 1 when
 * it changed (q->err then holds the new one).
 */
static int
entry_done(struct pending *p, int rc, int64_t index, const struct err *e)
{
	struct req *q = &p->q;

	q->index = index;
	if (rc == -1 && unrecordable(e)) {
		q->status = 0;
		q->err = *e;
		return 1;
	}
	if ((rc == -1 || q->denied) && p->ok) {
		/* The entry says what was decided on the writer: that is
		 * the answer. */
		q->status = 0;
		if (rc == -1 && !q->denied)
			q->err = *e;
		return 1;
	}
	return 0;
}

/* The store's writer calls this (store_done_fn) once the entry is durable
 * or failed: little work, the writer's next batch waits. */
static void
entry_done_async(void *arg, int rc, int64_t index, const struct err *e)
{
	struct pending *p = arg;
	struct http_req *r = p->q.http;

	if (entry_done(p, rc, index, e))
		answer_again(p);
	pending_free(p);
	http_complete(r);
}

void
api_done(void *arg, const struct http_req *r, int status, int64_t ns)
{
	struct api_ctx *ctx = arg;

	metrics_request(ctx->metrics, r->tag, status, ns);
}

enum http_outcome
api_handle(void *arg, struct http_req *r, struct http_resp *out)
{
	struct api_ctx *ctx = arg;
	const struct action_def *def;
	struct store_job job;
	struct pending *p;
	struct req *q;
	struct err e;

	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		out->status = 503;
		str_copy(out->retry_after, sizeof(out->retry_after),
		    UNRECORDABLE_RETRY);
		if (buf_puts(&out->body, "{\"error\":{\"code\":"
		    "\"unavailable\",\"message\":\"out of memory\"}}\n") == -1)
			buf_reset(&out->body);
		return HTTP_DONE;
	}
	p->out = out;
	q = &p->q;
	q->ctx = ctx;
	q->http = r;
	q->index = -1;
	q->now = clock_now(ctx->clock);
	buf_init(&q->raw, ANSWER_MAX);
	err_init(&q->err);
	event_init(&q->ev);
	str_copy(q->ev.source, sizeof(q->ev.source), r->source);
	q->route = route_find(&q->route_buf, r->method, r->path, q->param,
	    &q->nparams, &q->rest);
	r->tag = q->route != NULL ? (int)q->route->action : ACT_UNKNOWN;
	def = action_get(q->route != NULL ? q->route->action : ACT_UNKNOWN);
	api_flood_flush(ctx, 0);
	/* Nothing may be answered without its entry: with the log damaged,
	 * only what is not recorded is served. */
	if (def->recorded && ctx->tlog != NULL &&
	    tlog_broken(ctx->tlog) != NULL) {
		q->recorded = 1;
		err_set(&q->err, 503, "internal", "the transparency log failed "
		    "its integrity check; custosd appends nothing until it is "
		    "repaired");
	} else if (def->recorded && req_flood_gate(q, bearer_shaped(ctx, r))) {
		q->ev.action = def->name;
	} else {
		run(q);
	}
	/* Nothing is answered before its entry is durable (a refusal that
	 * named no one may be only counted, audit/flood.h, while the store
	 * commits: a count it cannot record is not taken).  The answer is
	 * made now, on this worker; the writer's callback sends it once the
	 * commit is durable, and no thread waits for that. */
	if (!q->recorded && (def->recorded || named_recorded(q) ||
	    refusal_recorded(q)) &&
	    (store_write_failing(ctx->store, &e) || !req_flood_counted(q))) {
		p->ok = q->status >= 200 && q->status < 300;
		answer(p);
		drop_answer_parts(q);
		p->w.q = q;
		req_job(q, &p->w, &job);
		err_init(&e);
		if (store_write_async(ctx->store, &job, entry_done_async, p,
		    &e) == 0)
			return HTTP_PENDING;
		if (entry_done(p, -1, -1, &e))
			answer_again(p);
		pending_free(p);
		return HTTP_DONE;
	}
	answer(p);
	pending_free(p);
	return HTTP_DONE;
}
