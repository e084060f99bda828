/* SPDX-License-Identifier: ISC */
/*
 * req: one API request on its way through the pipeline, as handlers see it.
 * Internal to src/api.
 */
#ifndef CUSTOS_API_REQ_H
#define CUSTOS_API_REQ_H

#include <jansson.h>

#include "access/approval.h"
#include "access/grant.h"
#include "api/api.h"
#include "audit/action.h"
#include "audit/event.h"
#include "audit/flood.h"
#include "auth/stepup.h"
#include "common/err.h"
#include "store/store.h"

#define REQ_PARAMS 3
#define CSRF_MAX 32
#define BODY_MAX_ANON (8 * 1024)
#define BODY_MAX (64 * 1024)
#define BODY_MAX_IMPORT (32 * 1024 * 1024)
/* format=okta is read as a stream, spooled to a temporary file (issue
 * 16, http/server.h HTTP_SPOOL_AT): bounded by the disk, not memory. */
#define BODY_MAX_IMPORT_STREAM ((size_t)1 << 40)
#define ANSWER_MAX (64 * 1024 * 1024)

struct req;
typedef int (*handler_fn)(struct req *q);
/* A change made on the writer connection; see store_job. */
typedef int (*apply_fn)(struct store_conn *c, struct req *q, void *arg,
    struct err *e);
/*
 * A domain operation's change on the writer (request_apply, dir_create,
 * ...): 0; 1 when what it changes was answered meanwhile (it then changed
 * nothing); -1 with e.
 */
typedef int (*op_fn)(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e);

/* A route of the action table with the handler that answers it. */
struct route {
	const char *method;
	const char *pattern;            /* "/v1/tenants/{t}/users/{u}" */
	int action;                     /* enum action */
	handler_fn fn;
};

struct req {
	struct api_ctx *ctx;
	struct http_req *http;
	const struct route *route;      /* NULL: no such route */
	struct route route_buf;
	char param[REQ_PARAMS][ID_MAX]; /* {..} path segments, in order */
	int nparams;
	int64_t now;                    /* seconds, at the start */

	struct actor actor;
	struct rec_session session;     /* when actor signed in by session */
	int touch_session;
	int end_session;                /* refused as expired or idle: it
					 * ends in the store with the entry */
	struct rec_optoken optoken;     /* a named operator token's caller
					 * (has_optoken; auth/optoken.h) */
	int has_optoken;
	int touch_optoken;              /* its last_used is due */
	uint8_t root_hash[TOKEN_HASH_LEN];      /* the root token the caller
						 * came with (has_root) */
	int has_root;
	struct rec_tenant tenant;       /* when the route has {t} */
	struct rec_grant grant;         /* an engineer's active grant */
	int has_grant;
	struct rec_approval approval;   /* a second approval to use up */
	struct stepup_use step_up;      /* a passkey use to commit with the
					 * answer (req_step_up) */
	struct event ev;

	json_t *body;                   /* parsed on demand by req_body() */
	struct store_conn *rconn;       /* reader, on demand */

	/* outcome */
	int status;
	json_t *resp;                   /* response body on success */
	struct buf raw;                 /* or JSON text written directly */
	int has_raw;
	const char *raw_type;           /* NULL: JSON */
	const char *rest;               /* what a trailing '*' matched */
	const char *cache_control;      /* NULL: no-store */
	const char *etag;               /* NULL: none */
	struct err err;                 /* error on failure */
	int denied;                     /* set by an apply that said no */
	int recorded;
	int by_cookie;                  /* authenticated by the cookie */
	char csrf[CSRF_MAX];            /* the cookie session's CSRF token */
	char set_cookie[HTTP_COOKIE_MAX];       /* "" or the answer's */
	int64_t index;                  /* log index of the entry */
	char retry_after[16];
};

/* The request's body as a JSON object (parsed once).  NULL with a 400. */
json_t *req_body(struct req *q) __attribute__((warn_unused_result));

/* A reader connection for the request (released by the pipeline). */
struct store_conn *req_reader(struct req *q);

/* Runs apply on the writer together with the request's log entry, and
 * waits until both are durable.  0, or -1 with q->err set. */
int req_write(struct req *q, apply_fn apply, void *arg)
	__attribute__((warn_unused_result));

/* As req_write, with more jobs after the request's own, all in one
 * transaction: all are stored, or nothing is (and the refusal is then
 * recorded on its own).  0, or -1 with q->err set. */
int req_write_with(struct req *q, apply_fn apply, void *arg,
    const struct store_job *more, size_t nmore)
	__attribute__((warn_unused_result));

/*
 * Runs the domain operation op(arg) on the writer with the request's
 * entry, as req_write.  When op says 1, the request is denied with a 409
 * "the <what> was answered meanwhile" (reason state_changed) and its entry
 * still commits.  0, or -1 with q->err set.
 */
int req_write_op(struct req *q, op_fn op, void *arg, const char *what)
	__attribute__((warn_unused_result));

/* As req_write_op, with more jobs in one transaction (req_write_with). */
int req_write_op_with(struct req *q, op_fn op, void *arg, const char *what,
    const struct store_job *more, size_t nmore)
	__attribute__((warn_unused_result));

/*
 * Commits jobs (a bulk import's, entries included) all or none, after a
 * first step that re-checks the caller on the writer as req_write does:
 * a session ended, a named token revoked or expired, or a root token
 * rotated while the request ran changes nothing (401), and the caller's
 * use is recorded (last_seen, last_used).  0, or -1 with q->err set
 * (nothing stored: the pipeline records the refusal).
 */
int req_write_bulk(struct req *q, const struct store_job *jobs, size_t n)
	__attribute__((warn_unused_result));

/* Marks the request denied with e (the apply path keeps its changes). */
int req_deny(struct req *q, const struct err *e);

/* The integer query parameter name (def when absent), 0..max; 400 naming
 * it otherwise. */
int req_query_int(struct req *q, const char *name, int64_t def, int64_t max,
    int64_t *out) __attribute__((warn_unused_result));

/* 1 when the body asks for a console session ("session": "cookie"),
 * 0 when it does not; -1 with a 400 when the field is not "cookie" or
 * "token". */
int req_wants_cookie(struct req *q) __attribute__((warn_unused_result));

/* Marks new session s as the console's when the body asks for a cookie
 * (req_wants_cookie): its token is then refused as a bearer.  Call it
 * before the session is written.  0, or -1 with a 400/403. */
int req_session_mark(struct req *q, struct rec_session *s)
	__attribute__((warn_unused_result));

/*
 * Hands a new session to the caller: as the console's HttpOnly cookie
 * when the body asked for one (resp then carries "session": "cookie" and
 * no token, so no script can ever read it), else as resp's "token".
 * Either way resp gets "expires_at".  0 or -1 (out of memory).
 */
int req_session_give(struct req *q, json_t *resp, const char *token,
    int64_t expires_at) __attribute__((warn_unused_result));

/* The throttling and session policy of logins, from custosd's
 * configuration (api_auth.c). */
struct attempt_policy;
void req_attempt_policy(const struct api_ctx *ctx, struct attempt_policy *p);

/* Wipes the string of field key in body b (a password), once it has
 * served: the parsed copy would otherwise linger in freed memory.  The
 * raw body is in a secret buffer, wiped with the request. */
void req_wipe_field(json_t *b, const char *key);

/* 1 when tok is the operator token (compared in constant time). */
int req_is_operator_token(struct api_ctx *ctx, const char *tok);

/* Ends the console's session cookie in the browser (logout). */
void req_cookie_clear(struct req *q);

/* Sets a 2xx answer. */
void req_ok(struct req *q, int status, json_t *resp);

/* Copies an id-shaped path parameter; 400 naming it when malformed. */
const char *req_param(struct req *q, int i);

/* 1 when the request, which does not authenticate (authenticates 0),
 * comes from a source past its flood budget: q->err is then a 429 with
 * Retry-After, set before any work.  0 otherwise. */
int req_flood_gate(struct req *q, int authenticates);

/* For a refusal about to be recorded: 1 when it names no principal and
 * the flood account only counts it (no entry of its own), else 0. */
int req_flood_counted(struct req *q);

/* The handlers. */
int h_health(struct req *q);
int h_auth_login(struct req *q);
int h_auth_verify(struct req *q);
int h_auth_logout(struct req *q);
int h_tenant_login(struct req *q);
int h_password_reset_complete(struct req *q);
int h_vendor_create(struct req *q);
int h_engineer_create(struct req *q);
int h_device_create(struct req *q);
int h_tenant_create(struct req *q);
int h_user_create(struct req *q);
int h_ticket_create(struct req *q);
int h_import(struct req *q);
/* POST /v1/import?format=entries|okta (api_import.c); h_import hands
 * every format but the directory's to it. */
int h_import_events(struct req *q, const char *format);
int h_user_list(struct req *q);
int h_user_delete(struct req *q);
int h_user_password_reset(struct req *q);
int h_user_mfa_reset(struct req *q);
int h_ticket_list(struct req *q);
int h_ticket_view(struct req *q);
int h_tenant_export(struct req *q);
int h_tenant_policy_set(struct req *q);
int h_log_entries(struct req *q);
int h_log_key(struct req *q);
int h_log_checkpoint(struct req *q);
int h_log_inclusion(struct req *q);
int h_log_consistency(struct req *q);
int h_log_tile(struct req *q);
int h_access_log(struct req *q);
int h_tenant_log_key(struct req *q);
int h_access_request_create(struct req *q);
int h_access_request_list(struct req *q);
int h_access_request_view(struct req *q);
int h_access_request_approve(struct req *q);
int h_access_request_deny(struct req *q);
int h_access_request_revoke(struct req *q);
int h_break_glass(struct req *q);
int h_approval_create(struct req *q);
int h_approval_view(struct req *q);
int h_approval_approve(struct req *q);
int h_approval_deny(struct req *q);
int h_tenant_policy_get(struct req *q);
int h_scope(struct req *q);
int h_engineer_hours(struct req *q);
int h_alert_list(struct req *q);
int h_alert_view(struct req *q);
int h_containment(struct req *q);
int h_containment_list(struct req *q);
int h_containment_lift(struct req *q);
/* The console (api_console.c, api_session.c). */
int h_console(struct req *q);
int h_session_view(struct req *q);
int h_auth_operator(struct req *q);
int h_approval_list(struct req *q);
/* issue 13, directory: api_directory.c, api_request_list.c,
 * api_incident.c, api_loghealth.c. */
int h_vendor_list(struct req *q);
int h_engineer_list(struct req *q);
int h_tenant_list(struct req *q);
int h_tenant_view(struct req *q);
int h_access_request_browse(struct req *q);
int h_incident_create(struct req *q);
int h_incident_list(struct req *q);
int h_incident_view(struct req *q);
int h_tenant_incident_list(struct req *q);
int h_tenant_incident_view(struct req *q);
int h_log_health(struct req *q);
/* api_export.c (issue 16) */
int h_export_status(struct req *q);
/* Answers access request g (loaded, the caller may see it) with its names
 * and past, as the lists show it (api_request_list.c). */
int req_grant_view_answer(struct req *q, const struct rec_grant *g)
	__attribute__((warn_unused_result));
/* The scope question's parts (api_scope.c), for POST /v1/incidents too:
 * the window "from", "to" of b, and the principals object p into sq
 * (strings borrowed from p).  0, or -1 with a 400 naming the field. */
struct scope_query;
int req_scope_window(struct req *q, const json_t *b, int64_t *from,
    int64_t *to) __attribute__((warn_unused_result));
int req_scope_principals(struct req *q, const json_t *p,
    struct scope_query *sq) __attribute__((warn_unused_result));
/* invitations (api_invite.c) */
int h_invitation_create(struct req *q);
int h_invitation_list(struct req *q);
int h_invitation_revoke(struct req *q);
int h_user_invite(struct req *q);
int h_invitation_open(struct req *q);
int h_invitation_password(struct req *q);
int h_invitation_totp(struct req *q);
int h_invitation_device(struct req *q);

/* The two-person rule for an engineer's action on target: 0 when no
 * second approval is needed or the body's "approval" is valid for it (it
 * is then used up with the request's entry); -1 with a 403. */
int req_second_approval(struct req *q, const char *approval,
    const char *target, int target_is_admin)
	__attribute__((warn_unused_result));

/* Passkeys, step-up, operator persons (api_passkey.c, issue 13). */
int h_passkey_register_begin(struct req *q);
int h_passkey_register(struct req *q);
int h_passkey_list(struct req *q);
int h_passkey_delete(struct req *q);
int h_user_passkey_list(struct req *q);
int h_user_passkey_delete(struct req *q);
int h_auth_passkey_begin(struct req *q);
int h_auth_passkey(struct req *q);
int h_step_up_begin(struct req *q);
int h_operator_create(struct req *q);
int h_operator_list(struct req *q);
/* helper optok (issue 14): named operator tokens (api_optoken.c). */
int h_operator_token_create(struct req *q);
int h_operator_token_list(struct req *q);
int h_operator_token_revoke(struct req *q);
int h_operator_token_rotate_root(struct req *q);

/* For a route open to anonymous callers that some callers use signed in
 * (POST /v1/passkeys/options and /v1/passkeys: by session, or by
 * invitation): authenticates as the pipeline does for the others, CSRF
 * check included.  0, or -1 with a 401/403. */
int req_authenticate(struct req *q) __attribute__((warn_unused_result));

/* The step-up of an answer (auth/stepup.h) on target: 0 when none is
 * needed or the body's "step_up" holds (its passkey use then commits with
 * the request's entry, which names it); -1 with a 403 step_up_required or
 * step_up_failed. */
int req_step_up(struct req *q, const char *target)
	__attribute__((warn_unused_result));

/* issue 14, helper dir: the directory's lifecycle (api_lifecycle.c). */

/* The query of a directory list: q (substring of id, name, username or
 * email, ASCII case-insensitive), status, vendor, engineer, limit
 * (default 100, at most 1000) and after (the last id of the page before).
 * Pointers into the request. */
struct dir_filter {
	const char *q, *status, *vendor, *engineer, *after;
	int64_t limit;
};
/* 0, or -1 with a 400 naming the parameter. */
int dir_filter_parse(struct req *q, struct dir_filter *f)
	__attribute__((warn_unused_result));
/* Answers 200 {key: [the page of all's objects that match f], next: the
 * last id of it when more follow, else null}.  0, or -1 (400 when after
 * names nothing in all). */
int dir_page(struct req *q, const struct dir_filter *f, json_t *all,
    const char *key) __attribute__((warn_unused_result));
int h_vendor_view(struct req *q);
int h_engineer_view(struct req *q);
int h_lifecycle(struct req *q);
int h_engineer_reenrol(struct req *q);
int h_device_list(struct req *q);
int h_device_revoke(struct req *q);
int h_user_view(struct req *q);
/* issue 16, helper metrics (api_metrics.c). */
int h_metrics_read(struct req *q);
/* issue 16, disclose (api_incident.c). */
int h_incident_publish(struct req *q);
int h_tenant_notice_list(struct req *q);
int h_tenant_notice_view(struct req *q);
/* GET /v1/tenants/{t}/users, filtered and paged when asked; else
 * h_user_list. */
int h_user_browse(struct req *q);

#endif
