/* SPDX-License-Identifier: ISC */
/*
 * pg_int: what the PostgreSQL backend's files share (issue 15).  Internal
 * to src/store, mirroring sqlite_int.h file for file:
 *
 *   store_pg.c       open/close/reconnect, migrations (schema_pg.h),
 *                    transactions and the log head lock, meta, leases,
 *                    watch/announce, the ops table
 *   pg_util.c        parameters, statements, results, errors
 *   pg_directory.c   vendors, engineers, devices, tenants, users, tickets
 *   pg_auth.c        sessions, logins, reset tokens, throttle
 *   pg_access.c      grants (access requests), second approvals
 *   pg_log.c         the writer's entry buffer (COPY), entries, tiles,
 *                    checkpoints
 *   pg_keys.c        the entries' principal keys (store/keys_codec.h)
 *   pg_logfilter.c   the operator's filtered log reads
 *   pg_scope.c       scope's lookups
 *   pg_detect.c      alerts, containment, working hours
 *   pg_incident.c    incidents, the console's request lists
 *   pg_invite.c      invitations
 *   pg_optoken.c     named operator tokens
 *   pg_passkey.c     passkeys, operator persons
 *   pg_codec.c       how each record is bound and read (pg_codec.h)
 *
 * Statements use the extended protocol: text parameters (bytea binary),
 * BINARY results, prepared on first use per connection.  Binary results
 * make reading cheap and exact: an integer column is read by its width
 * (pg_get_int handles int2/int4/int8 and bool), text and bytea are the
 * raw bytes.  So a query must not return numeric: cast aggregates
 * (sum, count is int8 already) with ::int8.
 *
 * Every text column is COLLATE "C" (schema_pg.h), so ORDER BY on text is
 * bytewise as on SQLite and keyset paging agrees between backends.  Where
 * a parameter's type cannot be inferred (`$3 IS NULL OR col = $3`), the SQL
 * casts it: `$3::text`.
 */
#ifndef CUSTOS_STORE_PG_INT_H
#define CUSTOS_STORE_PG_INT_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "store/store.h"

enum pg_family {
	PG_MAIN,                /* store_pg.c */
	PG_DIRECTORY,
	PG_AUTH,
	PG_ACCESS,
	PG_LOG,
	PG_DETECT,
	PG_KEYS,
	PG_SCOPE,
	PG_PASSKEY,
	PG_INCIDENT,
	PG_INVITE,
	PG_OPTOKEN,
	PG_LOGFILTER,
	PG_LEASE,
	PG_COPY,                /* table_dump/table_load */
	PG_IMPORT,              /* pg_import.c (issue 16) */
	PG_EXPORT,              /* pg_export.c (issue 16) */
	PG_FAMILIES
};
#define PG_FAMILY_MAX 48        /* statements per family */
#define PG_PARAMS_MAX 24        /* parameters per statement */

struct pg_log;                  /* pg_log.c: the writer's buffered rows */
struct pg_ctl;                  /* store_pg.c: queued control statements */

struct store_conn {
	PGconn *pg;
	char *conninfo;                 /* for reconnecting */
	int kind;                       /* STORE_CONN_* */
	int broken;                     /* reconnect before the next use */
	unsigned char prepared[PG_FAMILIES][PG_FAMILY_MAX];
	int in_tx;                      /* the writer's transaction is open */
	int64_t head;                   /* log_head.size read by begin() */
	struct pg_log *log;             /* writer: entries not yet sent */
	struct pg_ctl *ctl;             /* writer: lazy savepoints */
	int64_t news_gen;               /* watcher: meta news generation */
	unsigned reconnects;            /* connections made (1 after open) */
	unsigned watch_seen;            /* watcher: reconnects at last read */
	char label[128];                /* host/db for messages (no URL) */
	int64_t warned;                 /* time() of the last connect warning */
};

/* The parameters of one statement: texts (NULL is SQL NULL), integers as
 * decimal text, blobs as binary bytea.  The values are not copied (but
 * integers are): they must live until the statement ran. */
struct pg_params {
	const char *v[PG_PARAMS_MAX];
	int len[PG_PARAMS_MAX];
	int fmt[PG_PARAMS_MAX];
	char num[PG_PARAMS_MAX][24];
	int n;
};

void pg_params_init(struct pg_params *p);
void pg_param_text(struct pg_params *p, const char *s);
void pg_param_textn(struct pg_params *p, const char *s, size_t n);
void pg_param_int(struct pg_params *p, int64_t v);
void pg_param_blob(struct pg_params *p, const void *b, size_t n);
void pg_param_null(struct pg_params *p);

/*
 * Runs statement i of a family whose SQL texts are sql[] (prepared on
 * first use on this connection) with p (may be NULL).  On the writer it
 * first sends what is queued (buffered entries and keys, a pending
 * savepoint), in order.  0 with *res (caller PQclear()s; TUPLES_OK or
 * COMMAND_OK, binary); -1 with e: 409 "conflict" for a duplicate or
 * missing reference (SQLSTATE 23505, 23503), 503 "unavailable" when the
 * server cannot be reached (the connection is then marked broken and
 * reconnected at the next use), else 500 naming what.
 */
int pg_run(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, PGresult **res,
    const char *what, struct err *e) __attribute__((warn_unused_result));
/* As pg_run for a statement without rows; *changed (may be NULL) gets the
 * rows it inserted, updated or deleted. */
int pg_exec(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, int64_t *changed,
    const char *what, struct err *e) __attribute__((warn_unused_result));
/* As pg_run for a lookup: 0 with *res holding at least one row, 1 when
 * there is none (*res NULL). */
int pg_row(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, PGresult **res,
    const char *what, struct err *e) __attribute__((warn_unused_result));
/* As pg_exec for an UPDATE or DELETE: 1 when it matched no row. */
int pg_update(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, const char *what,
    struct err *e) __attribute__((warn_unused_result));
/* Runs SQL text without parameters (simple protocol; several statements
 * allowed); *res (may be NULL) gets the last result.  For control
 * statements and one-off DDL; never with outside values. */
int pg_simple(struct store_conn *c, const char *sql, PGresult **res,
    const char *what, struct err *e) __attribute__((warn_unused_result));
/* Makes sure c is connected (reconnecting a broken one): 0, or -1 with
 * 503 "unavailable". */
int pg_ensure(struct store_conn *c, struct err *e)
	__attribute__((warn_unused_result));
/* store_pg.c: what each connection kind needs once connected (readers
 * read-only, the writer's durability and encoding checks, the watcher's
 * LISTENs); pg_ensure runs it after every (re)connect.  0 or -1 with e. */
int pg_conn_setup(struct store_conn *c, struct err *e)
	__attribute__((warn_unused_result));
/* Sets e from a failed result (or the connection when r is NULL), as
 * pg_run does.  Returns -1. */
/* An error the server gave that no caller may read: 500 naming what and
 * the SQLSTATE; the server's primary message goes to custosd's log. */
int pg_fail_internal(struct store_conn *c, const PGresult *r,
    struct err *e, const char *what);
int pg_fail(struct store_conn *c, const PGresult *r, struct err *e,
    const char *what);

/* Reading binary results.  NULL reads as 0 or "". */
int pg_is_null(const PGresult *r, int row, int col);
int64_t pg_get_int(const PGresult *r, int row, int col);
/* Copies text into dst (truncated to size - 1, NUL-terminated). */
void pg_get_text(char *dst, size_t size, const PGresult *r, int row,
    int col);
/* Copies a blob into dst (at most size bytes; *len its length). */
void pg_get_blob(uint8_t *dst, size_t size, size_t *len, const PGresult *r,
    int row, int col);
/* The value's bytes and length, valid until PQclear. */
const char *pg_get_bytes(const PGresult *r, int row, int col, size_t *len);

/*
 * The writer's buffered log rows (pg_log.c, pg_keys.c).  entry_append
 * buffers an entry (and its principal keys); pg_log_flush sends the rows
 * [sent, upto) (COPY), pg_log_count is how many are buffered in all (sent
 * or not) this transaction, pg_log_truncate forgets rows from mark on
 * (a rolled-back savepoint: store_pg.c has rolled the sent ones back),
 * pg_log_reset forgets all (commit or rollback), pg_log_appended_to is
 * the index after the last entry appended this transaction (-1 none),
 * pg_log_free at close.  pg_log_flush uses raw libpq (PQexec of COPY),
 * never pg_run, which calls it.
 */
int pg_log_flush(struct store_conn *c, size_t upto, struct err *e)
	__attribute__((warn_unused_result));
size_t pg_log_count(const struct store_conn *c);
size_t pg_log_sent(const struct store_conn *c);
void pg_log_truncate(struct store_conn *c, size_t mark);
void pg_log_reset(struct store_conn *c);
int64_t pg_log_appended_to(const struct store_conn *c);
void pg_log_free(struct store_conn *c);

/* store_pg.c: sends queued control statements and buffered rows, in
 * order (pg_run calls it on the writer before each statement). */
int pg_ctl_send(struct store_conn *c, struct err *e)
	__attribute__((warn_unused_result));
/* As pg_ctl_send, but rows 0 leaves the buffered rows after the last
 * queued control statement for later (the statement to come does not
 * read the log: pg_run decides by its family). */
int pg_ctl_send_rows(struct store_conn *c, int rows, struct err *e)
	__attribute__((warn_unused_result));

/* The ops of each family file. */
/* pg_access.c */
int pg_grant_insert(struct store_conn *c, const struct rec_grant *g,
    struct err *e);
int pg_grant_get(struct store_conn *c, const char *id,
    struct rec_grant *out, struct err *e);
int pg_grant_transition(struct store_conn *c, const struct rec_grant *g,
    int from, struct err *e);
int pg_grant_active(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t now, struct rec_grant *out,
    struct err *e);
int pg_grant_list_tenant(struct store_conn *c, const char *tenant_id,
    store_grant_cb cb, void *arg, struct err *e);
int pg_grant_open(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t now, store_grant_cb cb, void *arg,
    struct err *e);
int pg_grant_due(struct store_conn *c, int64_t now, int64_t warn,
    store_grant_cb cb, void *arg, struct err *e);
int pg_grant_set_notified(struct store_conn *c, const char *id,
    struct err *e);
int pg_asks_since(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t since, int64_t *n, struct err *e);
int pg_approval_insert(struct store_conn *c,
    const struct rec_approval *a, struct err *e);
int pg_approval_get(struct store_conn *c, const char *id,
    struct rec_approval *out, struct err *e);
int pg_approval_list(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, int64_t limit,
    int (*cb)(void *arg, const struct rec_approval *a), void *arg,
    struct err *e);
int pg_approval_transition(struct store_conn *c,
    const struct rec_approval *a, int from, struct err *e);
/* pg_auth.c */
int pg_session_insert(struct store_conn *c, const struct rec_session *r,
    struct err *e);
int pg_session_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_session *out,
    struct err *e);
int pg_session_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e);
int pg_session_delete(struct store_conn *c, const char *id,
    struct err *e);
int pg_session_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e);
int pg_login_insert(struct store_conn *c, const struct rec_login *l,
    struct err *e);
int pg_login_get(struct store_conn *c, const char *id,
    struct rec_login *out, struct err *e);
int pg_login_take(struct store_conn *c, const char *id,
    struct rec_login *out, struct err *e);
int pg_reset_insert(struct store_conn *c, const struct rec_reset *r,
    struct err *e);
int pg_reset_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
    struct err *e);
int pg_reset_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e);
int pg_reset_take(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
    struct err *e);
int pg_throttle_get(struct store_conn *c, const char *key,
    struct rec_throttle *out, struct err *e);
int pg_throttle_put(struct store_conn *c, const struct rec_throttle *t,
    struct err *e);
int pg_throttle_clear(struct store_conn *c, const char *key,
    struct err *e);
int pg_auth_sweep(struct store_conn *c, int64_t now, int64_t idle_before,
    int64_t *removed, struct err *e);
int pg_throttle_trim(struct store_conn *c, const char *prefix,
    int64_t keep, int64_t *removed, struct err *e);
int pg_totp_seal_clear(struct store_conn *c, int64_t *sealed,
    struct err *e);
int pg_session_get_id(struct store_conn *c, const char *id,
    struct rec_session *out, struct err *e);
/* pg_detect.c */
int pg_alert_insert(struct store_conn *c, const struct rec_alert *a,
    struct err *e);
int pg_alert_list(struct store_conn *c, const struct rec_alert_filter *f,
    store_doc_cb cb, void *arg, struct err *e);
int pg_alert_get(struct store_conn *c, const char *id, struct buf *out,
    struct err *e);
int pg_alert_webhook_due(struct store_conn *c, int64_t now, int limit,
    int (*cb)(void *arg, const struct rec_alert *a), void *arg,
    struct err *e);
int pg_alert_webhook_set(struct store_conn *c, const struct rec_alert *a,
    struct err *e);
int pg_containment_insert(struct store_conn *c,
    const struct rec_containment *r, struct err *e);
int pg_containment_get(struct store_conn *c, const char *id,
    struct rec_containment *out, struct err *e);
int pg_containment_lift(struct store_conn *c,
    const struct rec_containment *r, struct err *e);
int pg_containment_list(struct store_conn *c, int all,
    int (*cb)(void *arg, const struct rec_containment *r), void *arg,
    struct err *e);
int pg_containment_find(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, const char *device_id,
    struct rec_containment *out, struct err *e);
int pg_session_end_matching(struct store_conn *c, int kind,
    const char *id, int64_t *n, struct err *e);
int pg_engineer_hours_set(struct store_conn *c, const char *id,
    const char *spec, struct err *e);
int pg_engineer_hours_get(struct store_conn *c, const char *id,
    char *out, size_t size, struct err *e);
int pg_device_count(struct store_conn *c, const char *engineer_id,
    int64_t *n, struct err *e);
/* pg_directory.c */
int pg_vendor_insert(struct store_conn *c, const struct rec_vendor *v,
    struct err *e);
int pg_vendor_get(struct store_conn *c, const char *id,
    struct rec_vendor *out, struct err *e);
int pg_engineer_insert(struct store_conn *c,
    const struct rec_engineer *r, struct err *e);
int pg_engineer_get(struct store_conn *c, const char *id,
    struct rec_engineer *out, struct err *e);
int pg_engineer_get_by_username(struct store_conn *c,
    const char *username, struct rec_engineer *out, struct err *e);
int pg_engineer_set_secrets(struct store_conn *c, const char *id,
    const char *hash, const struct rec_totp *t, struct err *e);
int pg_engineer_use_totp_step(struct store_conn *c, const char *id,
    int64_t step, struct err *e);
int pg_device_insert(struct store_conn *c, const struct rec_device *d,
    struct err *e);
int pg_device_get(struct store_conn *c, const char *id,
    struct rec_device *out, struct err *e);
int pg_tenant_insert(struct store_conn *c, const struct rec_tenant *t,
    struct err *e);
int pg_tenant_get(struct store_conn *c, const char *id,
    struct rec_tenant *out, struct err *e);
int pg_tenant_set_settings(struct store_conn *c,
    const struct rec_tenant *t, struct err *e);
int pg_tenant_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e);
int pg_user_insert(struct store_conn *c, const struct rec_user *u,
    struct err *e);
int pg_user_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_user *out, struct err *e);
int pg_user_get_by_username(struct store_conn *c, const char *tenant_id,
    const char *username, struct rec_user *out, struct err *e);
int pg_user_list(struct store_conn *c, const char *tenant_id,
    store_user_cb cb, void *arg, struct err *e);
int pg_user_set_password(struct store_conn *c, const char *tenant_id,
    const char *id, const char *hash, struct err *e);
int pg_user_set_totp(struct store_conn *c, const char *tenant_id,
    const char *id, const struct rec_totp *t, int enrolled, struct err *e);
int pg_user_use_totp_step(struct store_conn *c, const char *tenant_id,
    const char *id, int64_t step, struct err *e);
int pg_user_delete(struct store_conn *c, const char *tenant_id,
    const char *id, struct err *e);
int pg_ticket_insert(struct store_conn *c, const struct rec_ticket *t,
    struct err *e);
int pg_ticket_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_ticket *out, struct err *e);
int pg_ticket_list(struct store_conn *c, const char *tenant_id,
    store_ticket_cb cb, void *arg, struct err *e);
int pg_vendor_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_vendor *v), void *arg,
    struct err *e);
int pg_engineer_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_engineer *r), void *arg,
    struct err *e);
int pg_device_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_device *d), void *arg,
    struct err *e);
int pg_tenant_page(struct store_conn *c, const char *q,
    const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e);
int pg_vendor_set_status(struct store_conn *c, const char *id,
    int status, int64_t when, struct err *e);
int pg_engineer_set_status(struct store_conn *c, const char *id,
    int status, int64_t when, struct err *e);
int pg_engineer_offboard_vendor(struct store_conn *c,
    const char *vendor_id, int64_t when, int64_t *n, struct err *e);
int pg_engineer_set_email(struct store_conn *c, const char *id,
    const char *email, struct err *e);
int pg_device_revoke(struct store_conn *c, const char *id, int64_t when,
    struct err *e);
int pg_device_revoke_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, int64_t *n, struct err *e);
int pg_approval_cancel_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, const char *by, int64_t *n,
    struct err *e);
int pg_user_page(struct store_conn *c, const char *tenant_id,
    const char *q, int status, const char *after, int64_t limit,
    store_user_cb cb, void *arg, struct err *e);
/* pg_incident.c */
int pg_grant_views(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_grant_view *v), void *arg,
    struct err *e);
int pg_grant_view_get(struct store_conn *c, const char *id,
    struct rec_grant_view *out, struct err *e);
int pg_checkpoint_latest_time(struct store_conn *c, struct buf *note,
    int64_t *time, struct err *e);
int pg_incident_insert(struct store_conn *c,
    const struct rec_incident *r, struct err *e);
int pg_incident_report_insert(struct store_conn *c,
    const struct rec_incident_report *r, struct err *e);
int pg_incident_list(struct store_conn *c, const char *tenant_id,
    const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_incident *r, const char *exposure),
    void *arg, struct err *e);
int pg_incident_get(struct store_conn *c, const char *id,
    struct rec_incident *r, struct buf *out, struct err *e);
int pg_incident_report_get(struct store_conn *c, const char *id,
    const char *tenant_id, struct buf *out, struct err *e);
/* pg_invite.c */
int pg_invitation_insert(struct store_conn *c,
    const struct rec_invitation *r, struct err *e);
int pg_invitation_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_invitation *out,
    struct err *e);
int pg_invitation_get_id(struct store_conn *c, const char *id,
    struct rec_invitation *out, struct err *e);
int pg_invitation_list(struct store_conn *c, const char *tenant_id,
    int (*cb)(void *arg, const struct rec_invitation *r), void *arg,
    struct err *e);
int pg_invitation_set_pending(struct store_conn *c,
    const struct rec_invitation *r, int64_t now, struct err *e);
int pg_invitation_use(struct store_conn *c, const char *id, int64_t now,
    struct err *e);
int pg_invitation_set_device(struct store_conn *c, const char *id,
    const char *device_id, int64_t now, struct err *e);
int pg_invitation_revoke(struct store_conn *c, const char *id,
    int64_t now, struct err *e);
int pg_invitation_revoke_principal(struct store_conn *c, int kind,
    const char *tenant_id, const char *principal_id, int64_t now,
    struct err *e);
/* pg_log.c */
int pg_entry_append(struct store_conn *c, const struct rec_entry *en,
    struct err *e);
int pg_entry_count(struct store_conn *c, int64_t *out, struct err *e);
int pg_entry_range(struct store_conn *c, int64_t start, int64_t end,
    store_entry_cb cb, void *arg, struct err *e);
int pg_entry_leaves(struct store_conn *c, int64_t start, int64_t end,
    int full, store_leaf_cb cb, void *arg, struct err *e);
int pg_entry_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e);
int pg_entry_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_entry_cb cb, void *arg,
    struct err *e);
int pg_entry_policy_changes(struct store_conn *c, store_entry_cb cb,
    void *arg, struct err *e);
int pg_tile_get(struct store_conn *c, int level, int64_t idx,
    struct buf *out, struct err *e);
int pg_tile_put(struct store_conn *c, int level, int64_t idx,
    const void *hashes, size_t len, struct err *e);
int pg_checkpoint_put(struct store_conn *c, int64_t size, int64_t time,
    const char *note, struct err *e);
int pg_checkpoint_latest(struct store_conn *c, struct buf *note,
    struct err *e);
/* pg_logfilter.c */
int pg_entry_filter(struct store_conn *c,
    const struct store_entry_filter *f, store_leaf_cb cb, void *arg,
    int64_t *next, struct err *e);
/* pg_optoken.c */
int pg_optoken_insert(struct store_conn *c, const struct rec_optoken *r,
    struct err *e);
int pg_optoken_get_hash(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_optoken *out,
    struct err *e);
int pg_optoken_get(struct store_conn *c, const char *id_or_name,
    struct rec_optoken *out, struct err *e);
int pg_optoken_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_optoken *r), void *arg,
    struct err *e);
int pg_optoken_revoke(struct store_conn *c, const char *id, int64_t now,
    const char *by, struct err *e);
int pg_optoken_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e);
int pg_session_end_root_operator(struct store_conn *c, int64_t *n,
    struct err *e);
/* pg_passkey.c */
int pg_passkey_insert(struct store_conn *c, const struct rec_passkey *p,
    struct err *e);
int pg_passkey_get(struct store_conn *c, const char *id,
    struct rec_passkey *out, struct err *e);
int pg_passkey_get_by_cred(struct store_conn *c, const uint8_t *cred,
    size_t len, struct rec_passkey *out, struct err *e);
int pg_passkey_list(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    int (*cb)(void *arg, const struct rec_passkey *p), void *arg,
    struct err *e);
int pg_passkey_use(struct store_conn *c, const char *id,
    int64_t sign_count, int64_t now, struct err *e);
int pg_passkey_remove(struct store_conn *c, const char *id,
    int principal, const char *principal_id, const char *tenant_id,
    struct err *e);
int pg_passkey_revoke(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    const char *created_session, int64_t *n, struct err *e);
int pg_operator_insert(struct store_conn *c,
    const struct rec_operator *o, struct err *e);
int pg_operator_get(struct store_conn *c, const char *id,
    struct rec_operator *out, struct err *e);
int pg_operator_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_operator *o), void *arg,
    struct err *e);
/* pg_scope.c */
int pg_entry_cols_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_cols_cb cb, void *arg,
    struct err *e);
int pg_entry_get(struct store_conn *c, int64_t index, store_entry_cb cb,
    void *arg, struct err *e);
int pg_grant_overlapping_ids(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t from, int64_t to, store_grant_cb cb,
    void *arg, struct err *e);

/* pg_copy.c: the copy between backends (daemon/copy.h). */
int pg_table_dump(struct store_conn *c, const struct table_spec *t,
    int (*row)(void *arg, const struct table_value *v, size_t n),
    void *arg, struct err *e);
int pg_table_load(struct store_conn *c, const struct table_spec *t,
    const struct table_value *v, size_t nrows, struct err *e);

/* Issue 16, disclose: incident notices (pg_incident.c). */
int pg_incident_notice_insert(struct store_conn *c,
    const struct rec_incident_notice *r, struct err *e);
int pg_incident_notice_list(struct store_conn *c, const char *incident_id,
    const char *tenant_id, int64_t limit,
    int (*cb)(void *arg, const struct rec_incident_notice *r), void *arg,
    struct err *e);
int pg_incident_notice_get(struct store_conn *c, const char *id,
    const char *tenant_id, struct buf *out, struct err *e);
/* pg_import.c */
int pg_import_uuid_claim(struct store_conn *c, const char *uuid,
    int64_t now, int *fresh, struct err *e);
/* pg_export.c: the SIEM export's cursors (issue 16). */
int pg_export_cursor_get(struct store_conn *c, const char *dest,
    int64_t *next, int64_t *updated, struct err *e);
int pg_export_cursor_set(struct store_conn *c, const char *dest,
    int64_t next, int64_t updated, struct err *e);

#endif
