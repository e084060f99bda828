/* SPDX-License-Identifier: ISC */
/*
 * store: custos's persistent state behind one interface.
 *
 * A backend (SQLite now, PostgreSQL later) fills a struct store_ops; nothing
 * above this header knows which backend runs.  The store owns:
 *
 *  - a pool of reader connections (store_reader_get/put) for the request
 *    threads;
 *  - one writer thread that owns the only writing connection.  Every change
 *    goes through store_write(): a job's apply() runs inside a transaction on
 *    the writer, then its transparency-log entry is appended in the same
 *    transaction.  The writer gathers all jobs queued meanwhile into one
 *    commit (group commit), so many requests share one fsync, and a change
 *    is never durable without the entry that records it, nor the reverse.
 *    store_write() returns only once that commit is durable.
 */
#ifndef CUSTOS_STORE_STORE_H
#define CUSTOS_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "store/records.h"

struct store;
struct store_conn;
struct table_spec;              /* store/tables.h */
struct table_value;

/* What other nodes did (store_ops.watch). */
struct store_news {
	int64_t head;                   /* the log's size; -1 unknown */
	unsigned topics;                /* STORE_NEWS_* announced */
};
#define STORE_NEWS_TOKENS 1u    /* operator tokens or import keys changed */
#define STORE_NEWS_SETTINGS 2u  /* reserved */

/* Calls back once per row; a non-zero return stops the listing. */
typedef int (*store_user_cb)(void *arg, const struct rec_user *u);
typedef int (*store_ticket_cb)(void *arg, const struct rec_ticket *t);
typedef int (*store_entry_cb)(void *arg, int64_t index, const char *bytes,
    size_t len);
/* A stored entry with its leaf (records.h); nonzero stops the walk. */
typedef int (*store_leaf_cb)(void *arg, const struct rec_leaf *r);
typedef int (*store_grant_cb)(void *arg, const struct rec_grant *g);
typedef int (*store_doc_cb)(void *arg, const char *doc, size_t len);

/* An entry's columns, without its bytes (valid during the callback). */
struct store_entry_cols {
	int64_t index;
	int64_t time;                   /* seconds */
	const char *actor_id;
	const char *tenant_id;
	const char *action;
	int allowed;
	const char *time_text;          /* as the entry writes it */
	const char *user;               /* target of an allowed user.*; "" */
};
typedef int (*store_cols_cb)(void *arg, const struct store_entry_cols *r);

/* What GET /v1/log/entries?tenant=&actor=&action=&outcome=&since=&until=
 * asks for (store_ops.entry_filter).  NULL strings and allowed -1 match
 * anything; times are seconds, [since, until). */
struct store_entry_filter {
	int64_t start, end;             /* indexes, [start, end) */
	int desc;                       /* newest first */
	int64_t limit;                  /* at most this many entries */
	int64_t scan;                   /* at most this many indexes read */
	const char *tenant_id;
	const char *actor_id;
	const char *action;
	int allowed;                    /* 1, 0, or -1: either */
	int64_t since, until;           /* seconds */
};

/* The principals entries are indexed by. */
enum store_principal {
	SP_ENGINEER = 0,        /* the actor's id, when an engineer (never a
				 * tenant user of the same id) */
	SP_DEVICE,
	SP_SESSION,
	SP_VENDOR,              /* the vendor of an engineer actor */
	SP_SOURCE,              /* the source address */
	SP_TENANT,
	SP_COUNT
};

/*
 * The backend interface.  Every op returns 0 on success, -1 with e set on
 * failure; lookups return 1 when the row is absent (e untouched).  Inserts
 * of a duplicate key fail with a 409 "conflict".
 *
 * Atomicity.  Writing ops run on the writer's connection inside the
 * writer's transaction (and a savepoint per job), so a job's ops commit or
 * roll back together with its log entry; a backend needs nothing more for
 * plain inserts and updates.  Each op marked "atomic:" below must also be
 * one indivisible step on its own (one statement, or a row lock held
 * across its read and write), because its answer decides what happens
 * next and a second writer (PostgreSQL) could interleave: the compare-and-
 * set moves (*_use_totp_step, *_transition, containment_lift,
 * session_touch), the read-and-delete takes (login_take, reset_take) and
 * the counting delete session_end_matching.  Reading ops see one snapshot
 * per call.
 */
/* Issue 16, disclose: one tenant told of an incident (POST
 * /v1/incidents/{id}/publish).  Append-only; the primary key (tenant,
 * incident) makes a second notice of the same tenant impossible. */
#define REC_NOTICE_AFFECTED_MAX 16
struct rec_incident_notice {
	char incident_id[ID_MAX];
	char tenant_id[ID_MAX];
	char exposure[REC_EXPOSURE_MAX];        /* the report's, or
						 * "unaffected" */
	int64_t created;
	char created_by[ID_MAX];
	int recipients;                 /* admins mailed */
	const char *doc;                /* the notice (JSON); not owned; NULL
					 * in lists */
	size_t len;
	/* Read with it (lists only): the incident's. */
	char title[REC_TITLE_MAX + 1];
	int64_t from, to;
};

struct store_ops {
	const char *name;
	struct store_conn *(*open)(const char *where, int writer,
	    struct err *e);
	void (*close)(struct store_conn *c);
	int (*migrate)(struct store_conn *c, struct err *e);
	int (*begin)(struct store_conn *c, struct err *e);
	int (*commit)(struct store_conn *c, struct err *e);
	void (*rollback)(struct store_conn *c);
	int (*savepoint)(struct store_conn *c, struct err *e);
	int (*release)(struct store_conn *c, struct err *e);
	void (*rollback_savepoint)(struct store_conn *c);

	int (*meta_get)(struct store_conn *c, const char *key, struct buf *out,
	    struct err *e);
	int (*meta_set)(struct store_conn *c, const char *key, const void *v,
	    size_t n, struct err *e);

	int (*vendor_insert)(struct store_conn *c, const struct rec_vendor *v,
	    struct err *e);
	int (*vendor_get)(struct store_conn *c, const char *id,
	    struct rec_vendor *out, struct err *e);

	int (*engineer_insert)(struct store_conn *c,
	    const struct rec_engineer *r, struct err *e);
	int (*engineer_get)(struct store_conn *c, const char *id,
	    struct rec_engineer *out, struct err *e);
	int (*engineer_get_by_username)(struct store_conn *c,
	    const char *username, struct rec_engineer *out, struct err *e);
	/* Sets last_step only if it grows; 1 when the step was already used.
	 * atomic: a TOTP code is accepted once. */
	int (*engineer_use_totp_step)(struct store_conn *c, const char *id,
	    int64_t step, struct err *e);
	/* Replaces the password hash and TOTP seed (sealed, its last_step
	 * kept): an engineer's enrolment by invitation.  1 when absent. */
	int (*engineer_set_secrets)(struct store_conn *c, const char *id,
	    const char *hash, const struct rec_totp *t, struct err *e);

	int (*device_insert)(struct store_conn *c, const struct rec_device *d,
	    struct err *e);
	int (*device_get)(struct store_conn *c, const char *id,
	    struct rec_device *out, struct err *e);

	int (*tenant_insert)(struct store_conn *c, const struct rec_tenant *t,
	    struct err *e);
	int (*tenant_get)(struct store_conn *c, const char *id,
	    struct rec_tenant *out, struct err *e);
	/* Sets policy, max_minutes, second_approver and sensitive. */
	int (*tenant_set_settings)(struct store_conn *c,
	    const struct rec_tenant *t, struct err *e);
	/* Every tenant (id, policy, created), in id order. */
	int (*tenant_list)(struct store_conn *c,
	    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
	    struct err *e);
	/* The allowed support-policy changes, in index order. */
	int (*entry_policy_changes)(struct store_conn *c, store_entry_cb cb,
	    void *arg, struct err *e);

	int (*user_insert)(struct store_conn *c, const struct rec_user *u,
	    struct err *e);
	int (*user_get)(struct store_conn *c, const char *tenant_id,
	    const char *id, struct rec_user *out, struct err *e);
	int (*user_get_by_username)(struct store_conn *c,
	    const char *tenant_id, const char *username, struct rec_user *out,
	    struct err *e);
	int (*user_list)(struct store_conn *c, const char *tenant_id,
	    store_user_cb cb, void *arg, struct err *e);
	int (*user_set_password)(struct store_conn *c, const char *tenant_id,
	    const char *id, const char *hash, struct err *e);
	/* Replaces the TOTP secret and enrolment flag (MFA reset, enrolment). */
	int (*user_set_totp)(struct store_conn *c, const char *tenant_id,
	    const char *id, const struct rec_totp *t, int enrolled,
	    struct err *e);
	/* atomic: as engineer_use_totp_step. */
	int (*user_use_totp_step)(struct store_conn *c, const char *tenant_id,
	    const char *id, int64_t step, struct err *e);
	int (*user_delete)(struct store_conn *c, const char *tenant_id,
	    const char *id, struct err *e);

	int (*ticket_insert)(struct store_conn *c, const struct rec_ticket *t,
	    struct err *e);
	int (*ticket_get)(struct store_conn *c, const char *tenant_id,
	    const char *id, struct rec_ticket *out, struct err *e);
	int (*ticket_list)(struct store_conn *c, const char *tenant_id,
	    store_ticket_cb cb, void *arg, struct err *e);

	int (*session_insert)(struct store_conn *c,
	    const struct rec_session *s, struct err *e);
	int (*session_get)(struct store_conn *c,
	    const uint8_t hash[TOKEN_HASH_LEN], struct rec_session *out,
	    struct err *e);
	/* Moves last_seen forward only.  atomic. */
	int (*session_touch)(struct store_conn *c, const char *id,
	    int64_t when, struct err *e);
	/* Ends sessions: by id, or every session of one tenant user (an
	 * engineer's are ended by session_end_matching).  Principals of
	 * different kinds may share an id: these match the kind and the
	 * tenant, never the id alone. */
	int (*session_delete)(struct store_conn *c, const char *id,
	    struct err *e);
	int (*session_delete_user)(struct store_conn *c, const char *tenant_id,
	    const char *user_id, struct err *e);

	int (*login_insert)(struct store_conn *c, const struct rec_login *l,
	    struct err *e);
	/* Reads and deletes in one step: a login id is used at most once.
	 * atomic. */
	int (*login_take)(struct store_conn *c, const char *id,
	    struct rec_login *out, struct err *e);
	int (*login_get)(struct store_conn *c, const char *id,
	    struct rec_login *out, struct err *e);

	int (*reset_insert)(struct store_conn *c, const struct rec_reset *r,
	    struct err *e);
	/* atomic: as login_take, a reset token is used at most once. */
	int (*reset_take)(struct store_conn *c,
	    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
	    struct err *e);
	int (*reset_get)(struct store_conn *c,
	    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
	    struct err *e);
	/* Every reset token of one user (a newer link, or a new password,
	 * makes the older links worthless). */
	int (*reset_delete_user)(struct store_conn *c, const char *tenant_id,
	    const char *user_id, struct err *e);

	int (*throttle_get)(struct store_conn *c, const char *key,
	    struct rec_throttle *out, struct err *e);
	int (*throttle_put)(struct store_conn *c, const struct rec_throttle *t,
	    struct err *e);
	int (*throttle_clear)(struct store_conn *c, const char *key,
	    struct err *e);
	/* The sweep of what time made worthless: logins and reset tokens
	 * expired at now, throttle rows whose last failure is before
	 * idle_before and that hold no lock at now; *removed counts rows. */
	int (*auth_sweep)(struct store_conn *c, int64_t now,
	    int64_t idle_before, int64_t *removed, struct err *e);
	/* Keeps only the keep most recently failed throttle rows whose key
	 * starts with prefix (a cap on keys others choose). */
	int (*throttle_trim)(struct store_conn *c, const char *prefix,
	    int64_t keep, int64_t *removed, struct err *e);
	/* Start-up: seals the TOTP seeds a store from before sealing kept in
	 * clear (store/seal.h), once; *sealed counts them. */
	int (*totp_seal_clear)(struct store_conn *c, int64_t *sealed,
	    struct err *e);

	int (*grant_insert)(struct store_conn *c, const struct rec_grant *g,
	    struct err *e);
	int (*grant_get)(struct store_conn *c, const char *id,
	    struct rec_grant *out, struct err *e);
	/* Moves a grant from state `from` to g's state, decided, decided_by
	 * and deadline; 1 when it was no longer in `from`.  atomic: two
	 * answers to one request cannot both win. */
	int (*grant_transition)(struct store_conn *c, const struct rec_grant *g,
	    int from, struct err *e);
	/* The approved grant of engineer in tenant with the latest deadline
	 * after now; 1 when there is none. */
	int (*grant_active)(struct store_conn *c, const char *engineer_id,
	    const char *tenant_id, int64_t now, struct rec_grant *out,
	    struct err *e);
	int (*grant_list_tenant)(struct store_conn *c, const char *tenant_id,
	    store_grant_cb cb, void *arg, struct err *e);
	/* Grants whose deadline passed (pending or approved), and approved
	 * ones within warn seconds of it not yet notified. */
	int (*grant_due)(struct store_conn *c, int64_t now, int64_t warn,
	    store_grant_cb cb, void *arg, struct err *e);
	/* Marks an approved grant notified that it ends soon; 1 when it was
	 * notified already (another node's sweeper won: send nothing).
	 * atomic: one notice per grant however many sweepers run. */
	int (*grant_set_notified)(struct store_conn *c, const char *id,
	    struct err *e);

	/* How many access requests (break-glass aside) and second approvals
	 * engineer_id asked of tenant_id since (seconds), into *n: what may
	 * have mailed the tenant's admins. */
	int (*asks_since)(struct store_conn *c, const char *engineer_id,
	    const char *tenant_id, int64_t since, int64_t *n, struct err *e);

	int (*approval_insert)(struct store_conn *c,
	    const struct rec_approval *a, struct err *e);
	int (*approval_get)(struct store_conn *c, const char *id,
	    struct rec_approval *out, struct err *e);
	/* As grant_transition, for a's state, decided, decided_by and
	 * deadline.  atomic. */
	int (*approval_transition)(struct store_conn *c,
	    const struct rec_approval *a, int from, struct err *e);
	/* A tenant's second approvals, newest first, at most limit; only
	 * engineer_id's asks unless it is NULL. */
	int (*approval_list)(struct store_conn *c, const char *tenant_id,
	    const char *engineer_id, int64_t limit,
	    int (*cb)(void *arg, const struct rec_approval *a), void *arg,
	    struct err *e);

	/* Only the writer appends, in index order; the entry and what
	 * indexes it commit with the writer's transaction (a backend may
	 * buffer its index rows until commit or the next savepoint, as
	 * SQLite's does: see sqlite_keys.c). */
	int (*entry_append)(struct store_conn *c, const struct rec_entry *en,
	    struct err *e);
	/* Entries whose principal of this kind is id (never ""), that
	 * happened in [from, to) (seconds), in index order: read through an
	 * index of that kind, so the cost follows the matches, not the log.
	 * cb must not call the entry lookups of the same connection. */
	int (*entry_by_principal)(struct store_conn *c, int kind,
	    const char *id, int64_t from, int64_t to, store_entry_cb cb,
	    void *arg, struct err *e);
	/* Entries of one tenant from index start on, at most limit. */
	int (*entry_range_tenant)(struct store_conn *c, const char *tenant_id,
	    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
	    struct err *e);

	/* Tiles of the Merkle tree: the hashes of tile (level, idx), 32 bytes
	 * each, appended to out; 1 when absent. */
	int (*tile_get)(struct store_conn *c, int level, int64_t idx,
	    struct buf *out, struct err *e);
	int (*tile_put)(struct store_conn *c, int level, int64_t idx,
	    const void *hashes, size_t len, struct err *e);
	int (*checkpoint_put)(struct store_conn *c, int64_t size,
	    int64_t time, const char *note, struct err *e);
	/* The checkpoint of the largest size; 1 when there is none. */
	int (*checkpoint_latest)(struct store_conn *c, struct buf *note,
	    struct err *e);
	int (*entry_count)(struct store_conn *c, int64_t *out, struct err *e);
	/* Entries [start, end) in index order with their sealed leaves: the
	 * index, tenant and leaf only when !full (entry bundles), with the
	 * plaintext bytes too when full. */
	int (*entry_leaves)(struct store_conn *c, int64_t start, int64_t end,
	    int full, store_leaf_cb cb, void *arg, struct err *e);
	int (*entry_range)(struct store_conn *c, int64_t start, int64_t end,
	    store_entry_cb cb, void *arg, struct err *e);
	/* Detection and containment (sqlite_detect.c). */
	int (*alert_insert)(struct store_conn *c, const struct rec_alert *a,
	    struct err *e);
	/* Alerts matching f, newest first: cb gets each document. */
	int (*alert_list)(struct store_conn *c,
	    const struct rec_alert_filter *f, store_doc_cb cb, void *arg,
	    struct err *e);
	/* One alert's document, appended to out; 1 when absent. */
	int (*alert_get)(struct store_conn *c, const char *id,
	    struct buf *out, struct err *e);
	/* Alerts the webhook still owes, due by now, oldest first, at most
	 * limit; the documents are valid during the callback only. */
	int (*alert_webhook_due)(struct store_conn *c, int64_t now, int limit,
	    int (*cb)(void *arg, const struct rec_alert *a), void *arg,
	    struct err *e);
	/* Records a delivery attempt: a's webhook, attempts, next_attempt. */
	int (*alert_webhook_set)(struct store_conn *c,
	    const struct rec_alert *a, struct err *e);

	int (*containment_insert)(struct store_conn *c,
	    const struct rec_containment *r, struct err *e);
	int (*containment_get)(struct store_conn *c, const char *id,
	    struct rec_containment *out, struct err *e);
	/* Sets lifted, lifted_by and lift_reason; 1 when already lifted.
	 * atomic. */
	int (*containment_lift)(struct store_conn *c,
	    const struct rec_containment *r, struct err *e);
	/* Containments in force (refusing logins, not lifted), or all of
	 * them when all is set; newest first. */
	int (*containment_list)(struct store_conn *c, int all,
	    int (*cb)(void *arg, const struct rec_containment *r), void *arg,
	    struct err *e);
	/* A containment in force over this engineer, their vendor or this
	 * device (any may be ""); 1 when there is none. */
	int (*containment_find)(struct store_conn *c, const char *engineer_id,
	    const char *vendor_id, const char *device_id,
	    struct rec_containment *out, struct err *e);
	/* Ends every session of kind (enum rec_contain_kind) id; *n gets
	 * how many ended.  atomic: *n counts what this call ended. */
	int (*session_end_matching)(struct store_conn *c, int kind,
	    const char *id, int64_t *n, struct err *e);
	/* A session by its public id (token_hash left zero); 1 if absent. */
	int (*session_get_id)(struct store_conn *c, const char *id,
	    struct rec_session *out, struct err *e);
	/* Grants still open at now (pending, or approved and unexpired) of
	 * an engineer, or (vendor_id != NULL) of a vendor's engineers. */
	int (*grant_open)(struct store_conn *c, const char *engineer_id,
	    const char *vendor_id, int64_t now, store_grant_cb cb, void *arg,
	    struct err *e);
	int (*engineer_hours_set)(struct store_conn *c, const char *id,
	    const char *spec, struct err *e);
	/* The declared working hours ("" when none); 1 when no engineer. */
	int (*engineer_hours_get)(struct store_conn *c, const char *id,
	    char *out, size_t size, struct err *e);
	int (*device_count)(struct store_conn *c, const char *engineer_id,
	    int64_t *n, struct err *e);
	/* Scope (sqlite_scope.c).  As entry_by_principal, but the columns
	 * only, in no set order: for an engineer or a vendor read from the
	 * covering key rows alone, so no entry's bytes are read. */
	int (*entry_cols_by_principal)(struct store_conn *c, int kind,
	    const char *id, int64_t from, int64_t to, store_cols_cb cb,
	    void *arg, struct err *e);
	/* One entry's bytes; 1 when there is no such entry. */
	int (*entry_get)(struct store_conn *c, int64_t index,
	    store_entry_cb cb, void *arg, struct err *e);
	/* Grants that were approved (or used, or ended) and overlapped
	 * [from, to): of one engineer, or (vendor != NULL) of every engineer
	 * of a vendor; only id, tenant_id and decided filled in, from an
	 * index alone. */
	int (*grant_overlapping_ids)(struct store_conn *c,
	    const char *engineer_id, const char *vendor_id, int64_t from,
	    int64_t to, store_grant_cb cb, void *arg, struct err *e);

	/* Passkeys and operator persons (sqlite_passkey.c, issue 13). */
	int (*passkey_insert)(struct store_conn *c, const struct rec_passkey *p,
	    struct err *e);
	/* By id, or by credential id; removed ones too (status says). */
	int (*passkey_get)(struct store_conn *c, const char *id,
	    struct rec_passkey *out, struct err *e);
	int (*passkey_get_by_cred)(struct store_conn *c, const uint8_t *cred,
	    size_t len, struct rec_passkey *out, struct err *e);
	/* The active passkeys of one person (tenant "" but for tenant users;
	 * device "" for all of an engineer's), oldest first; nonzero from cb
	 * stops. */
	int (*passkey_list)(struct store_conn *c, int principal,
	    const char *principal_id, const char *tenant_id,
	    const char *device_id,
	    int (*cb)(void *arg, const struct rec_passkey *p), void *arg,
	    struct err *e);
	/* Records a use: sign_count and last_used, only while active and
	 * when the count grows (or stays 0 for an authenticator without
	 * one); 1 otherwise.  atomic: a counter is accepted once. */
	int (*passkey_use)(struct store_conn *c, const char *id,
	    int64_t sign_count, int64_t now, struct err *e);
	/* Marks one person's passkey removed; 1 when it is not theirs or
	 * not active. */
	int (*passkey_remove)(struct store_conn *c, const char *id,
	    int principal, const char *principal_id, const char *tenant_id,
	    struct err *e);
	/* Ends (status removed) every active passkey matching all that is
	 * given: principal (0: any), principal_id, tenant_id, device_id,
	 * created_session (NULL: any); *n (may be NULL) how many.  For
	 * resets, deletions and containment. */
	int (*passkey_revoke)(struct store_conn *c, int principal,
	    const char *principal_id, const char *tenant_id,
	    const char *device_id, const char *created_session, int64_t *n,
	    struct err *e);
	int (*operator_insert)(struct store_conn *c,
	    const struct rec_operator *o, struct err *e);
	int (*operator_get)(struct store_conn *c, const char *id,
	    struct rec_operator *out, struct err *e);
	int (*operator_list)(struct store_conn *c,
	    int (*cb)(void *arg, const struct rec_operator *o), void *arg,
	    struct err *e);
	/* issue 13, directory: what the console reads (sqlite_directory.c,
	 * sqlite_incident.c).  Listings never read secret columns. */
	/* Every vendor, by name. */
	int (*vendor_list)(struct store_conn *c,
	    int (*cb)(void *arg, const struct rec_vendor *v), void *arg,
	    struct err *e);
	/* Every engineer by username, without hash or TOTP seed. */
	int (*engineer_list)(struct store_conn *c,
	    int (*cb)(void *arg, const struct rec_engineer *r), void *arg,
	    struct err *e);
	/* Every device, by engineer then id. */
	int (*device_list)(struct store_conn *c,
	    int (*cb)(void *arg, const struct rec_device *d), void *arg,
	    struct err *e);
	/* Tenants by id after `after` ("" from the first) whose name holds
	 * q (ASCII case-insensitive; "" any), at most limit. */
	int (*tenant_page)(struct store_conn *c, const char *q,
	    const char *after, int64_t limit,
	    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
	    struct err *e);
	/* Access requests with their names and the engineer's past with the
	 * tenant, newest first: of tenant_id and/or engineer_id (NULL: any),
	 * older than request `after` (NULL: from the newest; 1 when that
	 * list has no such request), at most limit. */
	int (*grant_views)(struct store_conn *c, const char *tenant_id,
	    const char *engineer_id, const char *after, int64_t limit,
	    int (*cb)(void *arg, const struct rec_grant_view *v), void *arg,
	    struct err *e);
	/* One request as grant_views reads it; 1 when there is none. */
	int (*grant_view_get)(struct store_conn *c, const char *id,
	    struct rec_grant_view *out, struct err *e);
	/* The signed checkpoint of the largest size with the time it was
	 * signed (seconds); 1 when there is none. */
	int (*checkpoint_latest_time)(struct store_conn *c, struct buf *note,
	    int64_t *time, struct err *e);
	/* Incidents: inserted with their reports on the writer, never
	 * changed after. */
	int (*incident_insert)(struct store_conn *c,
	    const struct rec_incident *r, struct err *e);
	int (*incident_report_insert)(struct store_conn *c,
	    const struct rec_incident_report *r, struct err *e);
	/* Newest first, older than incident `after` (NULL: from the newest;
	 * 1 when that list has no such incident), at most limit; with
	 * tenant_id only those with a report of that
	 * tenant (exposure = its report's, else "").  doc is the summary
	 * (NULL when tenant_id is given: a tenant never sees it). */
	int (*incident_list)(struct store_conn *c, const char *tenant_id,
	    const char *after, int64_t limit,
	    int (*cb)(void *arg, const struct rec_incident *r,
	    const char *exposure), void *arg, struct err *e);
	/* One incident (its summary in out); 1 when absent. */
	int (*incident_get)(struct store_conn *c, const char *id,
	    struct rec_incident *r, struct buf *out, struct err *e);
	/* The report of tenant_id in incident id, appended to out; 1 when
	 * there is none (no such incident, or none about that tenant). */
	int (*incident_report_get)(struct store_conn *c, const char *id,
	    const char *tenant_id, struct buf *out, struct err *e);

	/* Invitations (sqlite_invite.c, auth/invite.h).  The pending TOTP
	 * seed is sealed for the invitation's row (store/seal.h). */
	int (*invitation_insert)(struct store_conn *c,
	    const struct rec_invitation *r, struct err *e);
	/* By the hash of its token, or by id; 1 when absent. */
	int (*invitation_get)(struct store_conn *c,
	    const uint8_t hash[TOKEN_HASH_LEN], struct rec_invitation *out,
	    struct err *e);
	int (*invitation_get_id)(struct store_conn *c, const char *id,
	    struct rec_invitation *out, struct err *e);
	/* Every invitation, or (tenant_id not NULL) one tenant's, newest
	 * first; pending secrets are never read.  nonzero from cb stops. */
	int (*invitation_list)(struct store_conn *c, const char *tenant_id,
	    int (*cb)(void *arg, const struct rec_invitation *r), void *arg,
	    struct err *e);
	/* Keeps r's pending password hash and TOTP seed while it is open
	 * (unused, unrevoked, unexpired at now); 1 when it no longer is.
	 * atomic. */
	int (*invitation_set_pending)(struct store_conn *c,
	    const struct rec_invitation *r, int64_t now, struct err *e);
	/* Marks it used at now and drops its pending secrets, if it is still
	 * open; 1 when it no longer is.  atomic: an invitation is used at
	 * most once. */
	int (*invitation_use)(struct store_conn *c, const char *id,
	    int64_t now, struct err *e);
	/* Binds device_id to it if it is open at now and has no device yet;
	 * 1 otherwise.  atomic: an invitation binds one device. */
	int (*invitation_set_device)(struct store_conn *c, const char *id,
	    const char *device_id, int64_t now, struct err *e);
	/* Marks it revoked at now and drops its pending secrets, if it is
	 * neither used nor revoked; 1 otherwise.  atomic. */
	int (*invitation_revoke)(struct store_conn *c, const char *id,
	    int64_t now, struct err *e);
	/* Revokes every open invitation of one person (kind, tenant,
	 * principal): a newer link makes the older ones worthless. */
	int (*invitation_revoke_principal)(struct store_conn *c, int kind,
	    const char *tenant_id, const char *principal_id, int64_t now,
	    struct err *e);

	/* helper optok (issue 14): named operator tokens
	 * (sqlite_optoken.c, auth/optoken.h).  A name is unique among live
	 * (unrevoked) tokens: a second live one is a 409. */
	int (*optoken_insert)(struct store_conn *c,
	    const struct rec_optoken *r, struct err *e);
	/* By the hash of its token; revoked and expired ones too (the
	 * caller judges).  1 when absent. */
	int (*optoken_get_hash)(struct store_conn *c,
	    const uint8_t hash[TOKEN_HASH_LEN], struct rec_optoken *out,
	    struct err *e);
	/* By id, else by name (the live one, else the newest revoked);
	 * 1 when absent. */
	int (*optoken_get)(struct store_conn *c, const char *id_or_name,
	    struct rec_optoken *out, struct err *e);
	/* Every token, oldest first; nonzero from cb stops. */
	int (*optoken_list)(struct store_conn *c,
	    int (*cb)(void *arg, const struct rec_optoken *r), void *arg,
	    struct err *e);
	/* Marks it revoked at now by `by`, if it is live; 1 otherwise.
	 * atomic: a token is revoked once. */
	int (*optoken_revoke)(struct store_conn *c, const char *id,
	    int64_t now, const char *by, struct err *e);
	/* Moves last_used forward only.  atomic. */
	int (*optoken_touch)(struct store_conn *c, const char *id,
	    int64_t when, struct err *e);
	/* Ends the console sessions of the root operator token's holder
	 * (principal operator, id "operator"): a rotated root token takes
	 * them along.  *n (may be NULL) how many. */
	int (*session_end_root_operator)(struct store_conn *c, int64_t *n,
	    struct err *e);
	/* issue 14, helper dir: the directory's lifecycle (sqlite_directory.c,
	 * directory/lifecycle.h). */
	/* Sets status (enum rec_status) and status_changed unless the vendor
	 * or engineer is offboarded already; 1 when absent or offboarded. */
	int (*vendor_set_status)(struct store_conn *c, const char *id,
	    int status, int64_t when, struct err *e);
	int (*engineer_set_status)(struct store_conn *c, const char *id,
	    int status, int64_t when, struct err *e);
	/* Offboards every engineer of a vendor not yet offboarded; *n
	 * (may be NULL) how many. */
	int (*engineer_offboard_vendor)(struct store_conn *c,
	    const char *vendor_id, int64_t when, int64_t *n, struct err *e);
	/* The address invitations go to; 1 when no such engineer. */
	int (*engineer_set_email)(struct store_conn *c, const char *id,
	    const char *email, struct err *e);
	/* Marks a live device revoked at when; 1 when absent or revoked. */
	int (*device_revoke)(struct store_conn *c, const char *id,
	    int64_t when, struct err *e);
	/* Revokes every live device of an engineer, or (vendor_id not NULL)
	 * of a vendor's engineers; *n (may be NULL) how many. */
	int (*device_revoke_all)(struct store_conn *c, const char *engineer_id,
	    const char *vendor_id, int64_t when, int64_t *n, struct err *e);
	/* Ends every open second approval (pending, or approved and
	 * unexpired) asked by an engineer, or (vendor_id not NULL) by a
	 * vendor's engineers, and every approved, unexpired one they gave
	 * to another vendor's engineer: expired at when, decided_by by; *n
	 * (may be NULL) how many. */
	int (*approval_cancel_all)(struct store_conn *c,
	    const char *engineer_id, const char *vendor_id, int64_t when,
	    const char *by, int64_t *n, struct err *e);
	/* helper cli (issue 14): the operator's filtered log reads
	 * (sqlite_logfilter.c).  Entries of [f->start, f->end) matching f,
	 * newest first when f->desc, at most f->limit of them, looking at
	 * no more than f->scan indexes so a filter that matches little
	 * costs a bounded read.  *next is where to go on: the next start
	 * (ascending) or end (descending), or -1 when the range is done. */
	int (*entry_filter)(struct store_conn *c,
	    const struct store_entry_filter *f, store_leaf_cb cb, void *arg,
	    int64_t *next, struct err *e);
	/* helper fixdir (issue 14, F6b): a tenant's users by id after
	 * `after` ("" from the first) whose id, username or email holds q
	 * (ASCII case-insensitive; "" any), of status (-1 any;
	 * STATUS_ACTIVE; STATUS_SUSPENDED: any but active, as users show;
	 * another: none), at most limit. */
	int (*user_page)(struct store_conn *c, const char *tenant_id,
	    const char *q, int status, const char *after, int64_t limit,
	    store_user_cb cb, void *arg, struct err *e);

	/*
	 * Issue 15: several nodes on one database.  Each may be NULL, and is
	 * on SQLite (one node: nothing is shared, every lease is held).
	 */
	/* Takes the cluster's start-up lock on c (released when c closes):
	 * nodes starting together initialise one after the other. */
	int (*init_lock)(struct store_conn *c, struct err *e);
	/* The log's size as the database holds it: on the writer, the size
	 * begin() read under the log head's lock (held until commit or
	 * rollback); on another connection, now. */
	int (*head)(struct store_conn *c, int64_t *size, struct err *e);
	/* On a STORE_CONN_WATCH connection: waits up to timeout_ms for news
	 * from any node (out->head: the log's size then; out->topics: what
	 * was announced).  0 also on a timeout (news read afresh). */
	int (*watch)(struct store_conn *c, int timeout_ms,
	    struct store_news *out, struct err *e);
	/* On the writer: tells every node about topic (STORE_NEWS_*) once
	 * this transaction commits. */
	int (*announce)(struct store_conn *c, unsigned topic, struct err *e);
	/* Takes the lease name for node for ttl_ms, or renews it when node
	 * holds it: 0 with *epoch (bumped when taken over); 1 when another
	 * node holds it.  atomic. */
	int (*lease_take)(struct store_conn *c, const char *name,
	    const char *node, int64_t ttl_ms, int64_t *epoch, struct err *e);
	/* The fence of a leased job, on the writer: 0 when node still holds
	 * name at epoch (unexpired), 1 when it lost it. */
	int (*lease_check)(struct store_conn *c, const char *name,
	    const char *node, int64_t epoch, struct err *e);
	/* Every lease: name, holder, epoch, expiry (ms since the epoch). */
	int (*lease_list)(struct store_conn *c, int (*cb)(void *arg,
	    const char *name, const char *holder, int64_t epoch,
	    int64_t expires_ms), void *arg, struct err *e);
	/* Every row of a table (store/tables.h), in key order, for the copy
	 * between backends; row() non-zero stops. */
	int (*table_dump)(struct store_conn *c, const struct table_spec *t,
	    int (*row)(void *arg, const struct table_value *v, size_t n),
	    void *arg, struct err *e);
	/* Inserts nrows rows of t->ncols values each (on the writer). */
	int (*table_load)(struct store_conn *c, const struct table_spec *t,
	    const struct table_value *v, size_t nrows, struct err *e);
	/* Issue 16, disclose: incident notices (sqlite_incident.c,
	 * pg_incident.c), inserted on the writer, never changed after. */
	int (*incident_notice_insert)(struct store_conn *c,
	    const struct rec_incident_notice *r, struct err *e);
	/* Notices of incident_id and/or tenant_id (NULL: any), newest
	 * first, at most limit, with their incident's title and window;
	 * doc is not read. */
	int (*incident_notice_list)(struct store_conn *c,
	    const char *incident_id, const char *tenant_id, int64_t limit,
	    int (*cb)(void *arg, const struct rec_incident_notice *r),
	    void *arg, struct err *e);
	/* The notice doc of tenant_id about incident id appended to out; 1
	 * when there is none. */
	int (*incident_notice_get)(struct store_conn *c, const char *id,
	    const char *tenant_id, struct buf *out, struct err *e);
	/* Issue 16.  Notes that the Okta event uuid was imported (at now,
	 * ms): *fresh 1 when it was not yet, 0 when it was (nothing
	 * changes).  On the writer, inside the import's commit. */
	int (*import_uuid_claim)(struct store_conn *c, const char *uuid,
	    int64_t now, int *fresh, struct err *e);

	/* SIEM export (issue 16, export/export.h): where destination dest
	 * stands.  get: 0 with *next (and *updated, ms; may be NULL), 1 when
	 * dest has no cursor yet.  set (on the writer): inserts or moves
	 * it. */
	int (*export_cursor_get)(struct store_conn *c, const char *dest,
	    int64_t *next, int64_t *updated, struct err *e);
	int (*export_cursor_set)(struct store_conn *c, const char *dest,
	    int64_t next, int64_t updated, struct err *e);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* The kinds of connection a backend opens (store_ops.open's writer). */
#define STORE_CONN_READ 0
#define STORE_CONN_WRITE 1
#define STORE_CONN_WATCH 2      /* listens for other nodes' news */
#define STORE_CONN_INIT 3       /* start-up: migrations, init_lock */

/*
 * A writer job.  apply() (may be NULL) makes the change on the writer's
 * connection inside a savepoint; when it fails its change is rolled back.
 * entry() (may be NULL) then builds the job's log entry into out, knowing
 * whether apply failed (apply_rc, e) and the index and time the entry gets.
 * entry() must fill en's index columns (pointers valid until it returns
 * control to the writer's next job: point them into arg or out); it may
 * return 1 when its apply found nothing to do, and then no entry is
 * appended.
 */
struct store_job {
	int (*apply)(struct store_conn *c, void *arg, struct err *e);
	int (*entry)(void *arg, int apply_rc, const struct err *apply_err,
	    int64_t index, int64_t time_ms, struct buf *out,
	    struct rec_entry *en);
	void *arg;
};

/*
 * What the layer above the store (the transparency log) does on the
 * writer, inside each commit: on_entry for every appended entry, in index
 * order; before_commit once per batch (size = entries after it); then
 * after_commit or after_rollback.  Each hook may be NULL.
 */
struct store_hooks {
	int (*on_entry)(void *ctx, struct store_conn *c, int64_t index,
	    const char *bytes, size_t len, struct err *e);
	int (*before_commit)(void *ctx, struct store_conn *c, int64_t size,
	    int64_t now_ms, struct err *e);
	void (*after_commit)(void *ctx, int64_t size);
	/* Entries from index on were rolled back inside the batch. */
	void (*discard_from)(void *ctx, int64_t index);
	void (*after_rollback)(void *ctx);
	/* Issue 15.  On the writer, the head lock held, before the batch's
	 * first job: the log holds size entries, not the size this node last
	 * committed (another node appended, or a commit's outcome was
	 * unknown); the tree must catch up from c. */
	int (*reload)(void *ctx, struct store_conn *c, int64_t size,
	    struct err *e);
	/* On the watcher thread: another node committed up to size. */
	void (*heard)(void *ctx, int64_t size);
	void *ctx;
};

struct store_config {
	const struct store_ops *ops;
	const char *where;              /* SQLite: file path */
	int readers;                    /* reader pool size */
	int batch_max;                  /* jobs per commit */
	const struct clock *clock;
	const char *node;               /* this node's name (leases, health) */
};

/* The backend a --store value names: SQLite for NULL, "" or a path,
 * PostgreSQL for postgresql:// or postgres:// URLs (and "host=... "
 * conninfo strings). */
const struct store_ops *store_ops_for(const char *where);

/* Opens the store, applies migrations and starts the writer thread. */
struct store *store_open(const struct store_config *cfg, struct err *e);
void store_close(struct store *s);

const struct store_ops *store_ops(const struct store *s);

/* A reader connection for the calling thread; always give it back. */
struct store_conn *store_reader_get(struct store *s, struct err *e);
void store_reader_put(struct store *s, struct store_conn *c);

/*
 * Runs a job on the writer and waits until its commit is durable.
 * Returns 0 when apply succeeded (or was NULL) and all is committed; -1
 * with e set when apply failed (its entry is still committed, recording
 * the failure) or when the commit failed (then nothing of it is stored).
 * *index receives the entry's log index (-1 without entry); may be NULL.
 */
int store_write(struct store *s, const struct store_job *job,
    int64_t *index, struct err *e) __attribute__((warn_unused_result));

/*
 * What an asynchronous write reports, once, on the writer's thread: rc,
 * index and e as store_write() would return them.  It must not block (the
 * writer's next batch waits for it) and must not write to the store.
 */
typedef void (*store_done_fn)(void *arg, int rc, int64_t index,
    const struct err *e);

/*
 * As store_write(), but returns at once: done(arg, ...) is called on the
 * writer's thread once the commit is durable (or failed).  job is copied;
 * what job->arg points to must live until done is called.  -1 with e
 * (and done never called) only when the write could not be queued.
 */
int store_write_async(struct store *s, const struct store_job *job,
    store_done_fn done, void *arg, struct err *e)
	__attribute__((warn_unused_result));

/* The reason of a write refused because the store could not commit
 * (status 503): nothing of it, its entry neither, is stored. */
#define STORE_UNRECORDABLE "store_unrecordable"

/* 1 with why when the writer's last commit failed, 0 once one succeeds. */
int store_write_failing(struct store *s, struct err *why);

/* Commits a one-row change (no entry): a probe that the store can write
 * again, at most once a second (in between, the last outcome).  0, or -1
 * with e. */
int store_probe(struct store *s, struct err *e)
	__attribute__((warn_unused_result));

/* Runs several jobs atomically: all applied and committed, or none.  Used by
 * bulk import. */
int store_write_all(struct store *s, const struct store_job *jobs, size_t n,
    struct err *e) __attribute__((warn_unused_result));

/* Number of entries in the log. */
int64_t store_entry_count(struct store *s);

/* Waits until the log holds more than have entries (committed), at most
 * timeout_ms, or the store is closing; returns the number it holds. */
int64_t store_wait_entries(struct store *s, int64_t have, int timeout_ms);

/* Issue 16: fn(arg, batch, ns, ok) is called by the writer after each
 * group commit (the jobs in it, its time, whether it committed); the
 * daemon counts them in its metrics.  Call before serving; the store
 * knows nothing of metrics.  fn NULL: none. */
typedef void (*store_commit_fn)(void *arg, int batch, int64_t ns, int ok);
void store_set_commit_observer(struct store *s, store_commit_fn fn,
    void *arg);

/* Installs the writer hooks; call before any write that appends entries. */
void store_set_hooks(struct store *s, const struct store_hooks *h);

/* Installs the writer's sealer: seal() runs for each entry just before it
 * is appended and sets en's leaf (tlog/sealer.h); the
 * leaf is then what on_entry hashes into the tree.  NULL: entries are
 * stored unsealed and on_entry gets their bytes (unit tests).  Call
 * before any write that appends entries. */
void store_set_sealer(struct store *s,
    int (*seal)(void *ctx, struct rec_entry *en, struct err *e), void *ctx);

/* Issue 15 (store.c).  Start-up is over: releases the cluster's start-up
 * lock (init_lock) that store_open took. */
void store_init_done(struct store *s);
/* The log's size as the database holds it now (a reader on PostgreSQL;
 * store_entry_count on SQLite). */
int64_t store_head_fresh(struct store *s);
/* Calls fn(arg, topics) on the watcher thread when another node announces
 * any of topics. */
void store_on_news(struct store *s, unsigned topics,
    void (*fn)(void *arg, unsigned topics), void *arg);
/* The node's name, and "sqlite" or "postgresql". */
const char *store_node(const struct store *s);
const char *store_backend(const struct store *s);

/* Runs an empty commit (hooks still run): used to have the tlog sign a
 * checkpoint now. */
int store_flush(struct store *s, struct err *e)
	__attribute__((warn_unused_result));

#endif
