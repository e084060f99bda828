/* SPDX-License-Identifier: ISC */
/*
 * api: custos's HTTP/JSON API (../shared/API.md is the contract).
 *
 * Every request runs the same pipeline (api.c): match a route, authenticate
 * the bearer, check the role table and the tenant policy, run the handler,
 * and append the request's log entry -- allowed or denied -- before the
 * answer is sent.  Handlers live in api_<area>.c and see struct req.
 */
#ifndef CUSTOS_API_API_H
#define CUSTOS_API_API_H

#include <pthread.h>
#include <stdint.h>

#include "common/clock.h"
#include "common/rand.h"
#include "common/url.h"
#include "http/server.h"
#include "store/store.h"

/*
 * session_lifetime, session_idle and reset_ttl change while custosd runs
 * (SIGHUP, api_config_set_live()): request threads read them only through
 * api_config_live().  The rest is set before the first request.
 */
struct okta_conf;

struct api_config {
	int64_t session_lifetime;       /* seconds: absolute, a shift; live */
	int64_t session_idle;           /* seconds without a request; live */
	int64_t login_ttl;              /* seconds a login challenge lives */
	int64_t reset_ttl;              /* seconds a reset link lives; live */
	int throttle_delay_after;       /* failures before delays start */
	int throttle_lock_after;        /* failures that lock an account */
	int64_t throttle_lock_seconds;
	int64_t throttle_window;        /* seconds after which failures decay */
	int throttle_ip_after;          /* failures per address before delays */
	const char *outbox_dir;
	const char *public_url;         /* the console: base of links */
	char origin[URL_ORIGIN_MAX];    /* its origin, what browsers send */
	char rp_id[URL_ORIGIN_MAX];     /* its host: the WebAuthn RP id */
	int secure_cookies;             /* https: Secure, __Host- cookie */
	const char *issuer;             /* name in TOTP URIs and mail */
	const char *mail_from;
	const char *data_dir;           /* DIR: operator.token is rewritten
					 * there by rotate-root */
	const struct okta_conf *okta;   /* Okta import's map and vendors
					 * (importer/okta.h); NULL: none */
};

/* The store's meta key of the root operator token's hash. */
#define API_OPERATOR_HASH_KEY "operator_token_hash"

struct answer_cache;
struct import_keys;
struct flood;
struct tlog;
struct lease;
struct export;
struct json_t;
struct metrics;

struct api_ctx {
	struct store *store;
	struct tlog *tlog;
	struct answer_cache *users_cache;       /* may be NULL */
	struct flood *flood;                    /* may be NULL: no budget */
	const struct clock *clock;
	struct api_config cfg;
	/* The root operator token's hash: read under operator_lock (a
	 * rotation swaps it while requests run, api_optoken.c); written
	 * without it only before the server starts. */
	uint8_t operator_hash[TOKEN_HASH_LEN];
	pthread_rwlock_t operator_lock;
	pthread_mutex_t rotate_lock;    /* one rotation at a time */
	/* The live named tokens that may send an import's large body, for
	 * api_body_cap on the event threads (api/importkeys.h). */
	struct import_keys *import_keys;
	/* Several nodes (issue 15): the leases this node may hold (NULL:
	 * none taken, e.g. detection off), for GET /v1/health's roles. */
	struct lease *lease_signer, *lease_detect, *lease_sweeper;
	/* Issue 16: the registry GET /metrics writes and every answered
	 * request counts into (metrics/metrics.h); NULL: none. */
	struct metrics *metrics;
	/* SIEM export (issue 16; NULL: none configured), for GET
	 * /v1/export. */
	struct export *exporter;
};

/* Sets up ctx's locks (after zeroing it, before serving); 0 or -1. */
int api_ctx_init_locks(struct api_ctx *ctx)
	__attribute__((warn_unused_result));
void api_ctx_cleanup_locks(struct api_ctx *ctx);

/* Replaces the root operator token's hash (under operator_lock): from now
 * on only the token of hash is the root token. */
void api_operator_hash_set(struct api_ctx *ctx,
    const uint8_t hash[TOKEN_HASH_LEN]);

/* Rereads the named tokens that may import (api/importkeys.h) from the
 * store: at start-up, and after each change of the tokens.  Not on an
 * HTTP event thread.  0, or -1 with e (the set is then as it was). */
int api_import_keys_refresh(struct api_ctx *ctx, struct err *e)
	__attribute__((warn_unused_result));

/* Several nodes (issue 15): rereads the root operator token's hash and
 * the import keys whenever another node announces a change of operator
 * tokens (store_on_news).  Call once, before serving. */
void api_follow_tokens(struct api_ctx *ctx);

/* The cluster-wide jobs this node runs now: ["signer","detect",...]. */
struct json_t *api_roles_json(struct api_ctx *ctx);

void api_config_defaults(struct api_config *c);

/* A live field of struct api_config, read while another thread may be
 * changing it. */
static inline int64_t
api_config_live(const int64_t *field)
{
	return __atomic_load_n(field, __ATOMIC_RELAXED);
}

/* Changes the live fields for the requests that come next (SIGHUP). */
void api_config_set_live(struct api_config *c, int64_t session_lifetime,
    int64_t session_idle, int64_t reset_ttl);

/* Sets the console's public URL (kept by reference) and what follows from
 * it: origin, RP id, cookie security.  0, or -1 with e. */
int api_config_public_url(struct api_config *c, const char *url,
    struct err *e) __attribute__((warn_unused_result));

/*
 * Records the tallies of counted anonymous refusals (audit/flood.h) whose
 * interval is over; all of them when all (at shutdown).  The pipeline runs
 * it as requests come; custosd runs it once more before it stops.
 */
void api_flood_flush(struct api_ctx *ctx, int all);

/* The http_app callbacks; ctx is a struct api_ctx. */
size_t api_body_cap(void *ctx, const struct http_req *r);
/*
 * Runs the pipeline for r.  When the request's entry is written last (the
 * common case: reads and refusals), the commit is waited for without a
 * thread: HTTP_PENDING, and the writer's thread fills out and calls
 * http_complete(r) once the entry is durable.  Otherwise HTTP_DONE with
 * out filled.  Whatever could not be recorded is answered 503 with
 * Retry-After, never with the answer it would have had.
 */
enum http_outcome api_handle(void *ctx, struct http_req *r,
    struct http_resp *out);
/* http_app.done: counts the answered request in ctx->metrics by its
 * action (r->tag, set by api_handle) and status. */
void api_done(void *ctx, const struct http_req *r, int status, int64_t ns);

#endif
