/* SPDX-License-Identifier: ISC */
/*
 * sqlite_int: what the SQLite backend's files share.  Internal to
 * src/store: the connection, the statement helpers every query uses, and
 * the ops each file gives the ops table in store_sqlite.c.  The files, one
 * per record family, each with its own statements:
 *
 *   store_sqlite.c     open/close, migrations, transactions, meta, ops table
 *   sqlite_directory.c vendors, engineers, devices, tenants, users, tickets
 *   sqlite_auth.c      sessions, logins, reset tokens, throttle
 *   sqlite_access.c    grants (access requests), second approvals
 *   sqlite_log.c       log entries and their lookups, tiles, checkpoints
 *   sqlite_keys.c      the entries' principal keys (posting lists)
 *   sqlite_detect.c    alerts, containment, working hours
 *   sqlite_incident.c  incidents, the console's request lists
 *   sqlite_codec.c     how each record is bound and read (sqlite_codec.h)
 *   sqlite_invite.c    invitations
 *   sqlite_optoken.c   named operator tokens (issue 14)
 */
#ifndef CUSTOS_STORE_SQLITE_INT_H
#define CUSTOS_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Each file's statements, prepared on first use and kept until the
 * connection closes: c->q[family][its query]. */
enum sq_family {
	SQ_MAIN,                /* store_sqlite.c */
	SQ_DIRECTORY,
	SQ_AUTH,
	SQ_ACCESS,
	SQ_LOG,
	SQ_DETECT,
	SQ_KEYS,                /* sqlite_keys.c */
	SQ_SCOPE,               /* kept for scope's queries */
	SQ_PASSKEY,             /* sqlite_passkey.c */
	SQ_INCIDENT,            /* sqlite_incident.c (issue 13) */
	SQ_INVITE,              /* sqlite_invite.c */
	SQ_OPTOKEN,             /* sqlite_optoken.c (issue 14) */
	SQ_LOGFILTER,           /* sqlite_logfilter.c (helper cli) */
	SQ_IMPORT,              /* sqlite_import.c (issue 16) */
	SQ_EXPORT,              /* sqlite_export.c (issue 16) */
	SQ_FAMILIES
};
#define SQ_FAMILY_MAX 48        /* statements per family */

struct sq_keys;

struct store_conn {
	sqlite3 *db;
	sqlite3_stmt *q[SQ_FAMILIES][SQ_FAMILY_MAX];
	struct sq_keys *keys;   /* the writer's unwritten entry keys */
};

/* The statement in *slot, prepared from sql on first use (kept until the
 * connection closes).  NULL with e set. */
sqlite3_stmt *sq_prepare(struct store_conn *c, sqlite3_stmt **slot,
    const char *sql, struct err *e);
/* Statement i of a family whose SQL texts are sql[]: sq_prepare on
 * c->q[family][i]. */
sqlite3_stmt *sq_stmt(struct store_conn *c, enum sq_family family, int i,
    const char *const *sql, struct err *e);
/* Runs a query of (idx, bytes) entry rows, calling cb per row until it
 * returns non-zero (sqlite_log.c). */
int sq_entry_rows(struct store_conn *c, sqlite3_stmt *s, store_entry_cb cb,
    void *arg, struct err *e);

/* Sets e from the connection's last error: 409 for a duplicate or a
 * missing reference, else 500 naming what.  Returns -1. */
int sq_fail(struct store_conn *c, struct err *e, const char *what);
/* Resets a statement and clears its bindings. */
void sq_done(sqlite3_stmt *s);
void sq_bind_text(sqlite3_stmt *s, int i, const char *v);
void sq_col_text(char *dst, size_t size, sqlite3_stmt *s, int i);
void sq_col_blob(uint8_t *dst, size_t size, size_t *len, sqlite3_stmt *s,
    int i);
/* Steps a statement that returns no rows. */
int sq_exec(struct store_conn *c, sqlite3_stmt *s, const char *what,
    struct err *e);
/* Steps a lookup: 0 with a row to read, 1 when there is none. */
int sq_step_row(struct store_conn *c, sqlite3_stmt *s, const char *what,
    struct err *e);
/* Runs an UPDATE or DELETE; 1 when it matched no row. */
int sq_exec_update(struct store_conn *c, sqlite3_stmt *s, const char *what,
    struct err *e);

/*
 * The entries' principal keys (sqlite_keys.c).  sq_keys_add buffers the
 * keys of an appended entry; sq_keys_flush writes what is buffered (the
 * backend calls it before a commit, a savepoint and its own lookups);
 * sq_keys_discard forgets it (a rollback); sq_keys_free at close.
 */
int sq_keys_add(struct store_conn *c, const struct rec_entry *en,
    struct err *e);
int sq_keys_flush(struct store_conn *c, struct err *e);
void sq_keys_discard(struct store_conn *c);
void sq_keys_free(struct store_conn *c);
/* entry_by_principal and (for a tenant id other than "") entry_range_tenant
 * over the keys; see store.h. */
int sq_keys_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_entry_cb cb, void *arg, struct err *e);
int sq_keys_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e);
/* entry_cols_by_principal over the keys (the engineer's and vendor's rows
 * carry the columns; the others' are read from entries). */
int sq_keys_cols_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_cols_cb cb, void *arg,
    struct err *e);

/* The ops of sqlite_directory.c. */
int sqlite_vendor_insert(struct store_conn *c, const struct rec_vendor *v,
    struct err *e);
int sqlite_vendor_get(struct store_conn *c, const char *id,
    struct rec_vendor *out, struct err *e);
int sqlite_engineer_insert(struct store_conn *c,
    const struct rec_engineer *r, struct err *e);
int sqlite_engineer_get(struct store_conn *c, const char *id,
    struct rec_engineer *out, struct err *e);
int sqlite_engineer_get_by_username(struct store_conn *c,
    const char *username, struct rec_engineer *out, struct err *e);
int sqlite_engineer_set_secrets(struct store_conn *c, const char *id,
    const char *hash, const struct rec_totp *t, struct err *e);
int sqlite_engineer_use_totp_step(struct store_conn *c, const char *id,
    int64_t step, struct err *e);
int sqlite_device_insert(struct store_conn *c, const struct rec_device *d,
    struct err *e);
int sqlite_device_get(struct store_conn *c, const char *id,
    struct rec_device *out, struct err *e);
int sqlite_tenant_insert(struct store_conn *c, const struct rec_tenant *t,
    struct err *e);
int sqlite_tenant_get(struct store_conn *c, const char *id,
    struct rec_tenant *out, struct err *e);
int sqlite_tenant_set_settings(struct store_conn *c,
    const struct rec_tenant *t, struct err *e);
int sqlite_tenant_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e);
int sqlite_user_insert(struct store_conn *c, const struct rec_user *u,
    struct err *e);
int sqlite_user_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_user *out, struct err *e);
int sqlite_user_get_by_username(struct store_conn *c, const char *tenant_id,
    const char *username, struct rec_user *out, struct err *e);
int sqlite_user_list(struct store_conn *c, const char *tenant_id,
    store_user_cb cb, void *arg, struct err *e);
int sqlite_user_set_password(struct store_conn *c, const char *tenant_id,
    const char *id, const char *hash, struct err *e);
int sqlite_user_set_totp(struct store_conn *c, const char *tenant_id,
    const char *id, const struct rec_totp *t, int enrolled, struct err *e);
int sqlite_user_use_totp_step(struct store_conn *c, const char *tenant_id,
    const char *id, int64_t step, struct err *e);
int sqlite_user_delete(struct store_conn *c, const char *tenant_id,
    const char *id, struct err *e);
int sqlite_ticket_insert(struct store_conn *c, const struct rec_ticket *t,
    struct err *e);
int sqlite_ticket_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_ticket *out, struct err *e);
int sqlite_ticket_list(struct store_conn *c, const char *tenant_id,
    store_ticket_cb cb, void *arg, struct err *e);

/* The ops of sqlite_auth.c. */
int sqlite_session_insert(struct store_conn *c, const struct rec_session *r,
    struct err *e);
int sqlite_session_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_session *out,
    struct err *e);
int sqlite_session_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e);
int sqlite_session_delete(struct store_conn *c, const char *id,
    struct err *e);
int sqlite_session_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e);
int sqlite_login_insert(struct store_conn *c, const struct rec_login *l,
    struct err *e);
int sqlite_login_get(struct store_conn *c, const char *id,
    struct rec_login *out, struct err *e);
int sqlite_login_take(struct store_conn *c, const char *id,
    struct rec_login *out, struct err *e);
int sqlite_reset_insert(struct store_conn *c, const struct rec_reset *r,
    struct err *e);
int sqlite_reset_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
    struct err *e);
int sqlite_reset_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e);
int sqlite_reset_take(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
    struct err *e);
int sqlite_throttle_get(struct store_conn *c, const char *key,
    struct rec_throttle *out, struct err *e);
int sqlite_throttle_put(struct store_conn *c, const struct rec_throttle *t,
    struct err *e);
int sqlite_throttle_clear(struct store_conn *c, const char *key,
    struct err *e);
int sqlite_auth_sweep(struct store_conn *c, int64_t now, int64_t idle_before,
    int64_t *removed, struct err *e);
int sqlite_throttle_trim(struct store_conn *c, const char *prefix,
    int64_t keep, int64_t *removed, struct err *e);
int sqlite_totp_seal_clear(struct store_conn *c, int64_t *sealed,
    struct err *e);

/* The ops of sqlite_access.c. */
int sqlite_grant_insert(struct store_conn *c, const struct rec_grant *g,
    struct err *e);
int sqlite_grant_get(struct store_conn *c, const char *id,
    struct rec_grant *out, struct err *e);
int sqlite_grant_transition(struct store_conn *c, const struct rec_grant *g,
    int from, struct err *e);
int sqlite_grant_active(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t now, struct rec_grant *out,
    struct err *e);
int sqlite_grant_list_tenant(struct store_conn *c, const char *tenant_id,
    store_grant_cb cb, void *arg, struct err *e);
int sqlite_grant_open(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t now, store_grant_cb cb, void *arg,
    struct err *e);
int sqlite_grant_due(struct store_conn *c, int64_t now, int64_t warn,
    store_grant_cb cb, void *arg, struct err *e);
int sqlite_grant_set_notified(struct store_conn *c, const char *id,
    struct err *e);
int sqlite_asks_since(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t since, int64_t *n, struct err *e);
int sqlite_approval_insert(struct store_conn *c,
    const struct rec_approval *a, struct err *e);
int sqlite_approval_get(struct store_conn *c, const char *id,
    struct rec_approval *out, struct err *e);
int sqlite_approval_list(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, int64_t limit,
    int (*cb)(void *arg, const struct rec_approval *a), void *arg,
    struct err *e);
int sqlite_approval_transition(struct store_conn *c,
    const struct rec_approval *a, int from, struct err *e);

/* The ops of sqlite_log.c. */
int sqlite_entry_append(struct store_conn *c, const struct rec_entry *en,
    struct err *e);
int sqlite_entry_count(struct store_conn *c, int64_t *out, struct err *e);
int sqlite_entry_range(struct store_conn *c, int64_t start, int64_t end,
    store_entry_cb cb, void *arg, struct err *e);
int sqlite_entry_leaves(struct store_conn *c, int64_t start, int64_t end,
    int full, store_leaf_cb cb, void *arg, struct err *e);
int sqlite_entry_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e);
int sqlite_entry_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_entry_cb cb, void *arg,
    struct err *e);
int sqlite_entry_policy_changes(struct store_conn *c, store_entry_cb cb,
    void *arg, struct err *e);
int sqlite_tile_get(struct store_conn *c, int level, int64_t idx,
    struct buf *out, struct err *e);
int sqlite_tile_put(struct store_conn *c, int level, int64_t idx,
    const void *hashes, size_t len, struct err *e);
int sqlite_checkpoint_put(struct store_conn *c, int64_t size, int64_t time,
    const char *note, struct err *e);
int sqlite_checkpoint_latest(struct store_conn *c, struct buf *note,
    struct err *e);

/* The ops of sqlite_detect.c. */
int sqlite_alert_insert(struct store_conn *c, const struct rec_alert *a,
    struct err *e);
int sqlite_alert_list(struct store_conn *c, const struct rec_alert_filter *f,
    store_doc_cb cb, void *arg, struct err *e);
int sqlite_alert_get(struct store_conn *c, const char *id, struct buf *out,
    struct err *e);
int sqlite_alert_webhook_due(struct store_conn *c, int64_t now, int limit,
    int (*cb)(void *arg, const struct rec_alert *a), void *arg,
    struct err *e);
int sqlite_alert_webhook_set(struct store_conn *c, const struct rec_alert *a,
    struct err *e);
int sqlite_containment_insert(struct store_conn *c,
    const struct rec_containment *r, struct err *e);
int sqlite_containment_get(struct store_conn *c, const char *id,
    struct rec_containment *out, struct err *e);
int sqlite_containment_lift(struct store_conn *c,
    const struct rec_containment *r, struct err *e);
int sqlite_containment_list(struct store_conn *c, int all,
    int (*cb)(void *arg, const struct rec_containment *r), void *arg,
    struct err *e);
int sqlite_containment_find(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, const char *device_id,
    struct rec_containment *out, struct err *e);
int sqlite_session_end_matching(struct store_conn *c, int kind,
    const char *id, int64_t *n, struct err *e);
int sqlite_session_get_id(struct store_conn *c, const char *id,
    struct rec_session *out, struct err *e);
int sqlite_engineer_hours_set(struct store_conn *c, const char *id,
    const char *spec, struct err *e);
int sqlite_engineer_hours_get(struct store_conn *c, const char *id,
    char *out, size_t size, struct err *e);
int sqlite_device_count(struct store_conn *c, const char *engineer_id,
    int64_t *n, struct err *e);

/* The ops of sqlite_scope.c. */
int sqlite_entry_cols_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_cols_cb cb, void *arg,
    struct err *e);
int sqlite_entry_get(struct store_conn *c, int64_t index, store_entry_cb cb,
    void *arg, struct err *e);
int sqlite_grant_overlapping_ids(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t from, int64_t to, store_grant_cb cb,
    void *arg, struct err *e);

/* The ops of sqlite_passkey.c (passkeys, operator persons). */
int sqlite_passkey_insert(struct store_conn *c, const struct rec_passkey *p,
    struct err *e);
int sqlite_passkey_get(struct store_conn *c, const char *id,
    struct rec_passkey *out, struct err *e);
int sqlite_passkey_get_by_cred(struct store_conn *c, const uint8_t *cred,
    size_t len, struct rec_passkey *out, struct err *e);
int sqlite_passkey_list(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    int (*cb)(void *arg, const struct rec_passkey *p), void *arg,
    struct err *e);
int sqlite_passkey_use(struct store_conn *c, const char *id,
    int64_t sign_count, int64_t now, struct err *e);
int sqlite_passkey_remove(struct store_conn *c, const char *id,
    int principal, const char *principal_id, const char *tenant_id,
    struct err *e);
int sqlite_passkey_revoke(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    const char *created_session, int64_t *n, struct err *e);
int sqlite_operator_insert(struct store_conn *c,
    const struct rec_operator *o, struct err *e);
int sqlite_operator_get(struct store_conn *c, const char *id,
    struct rec_operator *out, struct err *e);
int sqlite_operator_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_operator *o), void *arg,
    struct err *e);
/* issue 13, directory: the ops of sqlite_directory.c (lists) and
 * sqlite_incident.c. */
int sqlite_vendor_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_vendor *v), void *arg,
    struct err *e);
int sqlite_engineer_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_engineer *r), void *arg,
    struct err *e);
int sqlite_device_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_device *d), void *arg,
    struct err *e);
int sqlite_tenant_page(struct store_conn *c, const char *q,
    const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e);
int sqlite_grant_views(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_grant_view *v), void *arg,
    struct err *e);
int sqlite_grant_view_get(struct store_conn *c, const char *id,
    struct rec_grant_view *out, struct err *e);
int sqlite_checkpoint_latest_time(struct store_conn *c, struct buf *note,
    int64_t *time, struct err *e);
int sqlite_incident_insert(struct store_conn *c,
    const struct rec_incident *r, struct err *e);
int sqlite_incident_report_insert(struct store_conn *c,
    const struct rec_incident_report *r, struct err *e);
int sqlite_incident_list(struct store_conn *c, const char *tenant_id,
    const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_incident *r, const char *exposure),
    void *arg, struct err *e);
int sqlite_incident_get(struct store_conn *c, const char *id,
    struct rec_incident *r, struct buf *out, struct err *e);
int sqlite_incident_report_get(struct store_conn *c, const char *id,
    const char *tenant_id, struct buf *out, struct err *e);

/* issue 14, helper dir: the directory's lifecycle (sqlite_directory.c). */
int sqlite_vendor_set_status(struct store_conn *c, const char *id,
    int status, int64_t when, struct err *e);
int sqlite_engineer_set_status(struct store_conn *c, const char *id,
    int status, int64_t when, struct err *e);
int sqlite_engineer_offboard_vendor(struct store_conn *c,
    const char *vendor_id, int64_t when, int64_t *n, struct err *e);
int sqlite_engineer_set_email(struct store_conn *c, const char *id,
    const char *email, struct err *e);
int sqlite_device_revoke(struct store_conn *c, const char *id, int64_t when,
    struct err *e);
int sqlite_device_revoke_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, int64_t *n, struct err *e);
int sqlite_approval_cancel_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, const char *by, int64_t *n,
    struct err *e);
int sqlite_user_page(struct store_conn *c, const char *tenant_id,
    const char *q, int status, const char *after, int64_t limit,
    store_user_cb cb, void *arg, struct err *e);

/* The ops of sqlite_invite.c. */
int sqlite_invitation_insert(struct store_conn *c,
    const struct rec_invitation *r, struct err *e);
int sqlite_invitation_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_invitation *out,
    struct err *e);
int sqlite_invitation_get_id(struct store_conn *c, const char *id,
    struct rec_invitation *out, struct err *e);
int sqlite_invitation_list(struct store_conn *c, const char *tenant_id,
    int (*cb)(void *arg, const struct rec_invitation *r), void *arg,
    struct err *e);
int sqlite_invitation_set_pending(struct store_conn *c,
    const struct rec_invitation *r, int64_t now, struct err *e);
int sqlite_invitation_use(struct store_conn *c, const char *id, int64_t now,
    struct err *e);
int sqlite_invitation_set_device(struct store_conn *c, const char *id,
    const char *device_id, int64_t now, struct err *e);
int sqlite_invitation_revoke(struct store_conn *c, const char *id,
    int64_t now, struct err *e);
int sqlite_invitation_revoke_principal(struct store_conn *c, int kind,
    const char *tenant_id, const char *principal_id, int64_t now,
    struct err *e);

/* The ops of sqlite_optoken.c (issue 14, helper optok). */
int sqlite_optoken_insert(struct store_conn *c, const struct rec_optoken *r,
    struct err *e);
int sqlite_optoken_get_hash(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_optoken *out,
    struct err *e);
int sqlite_optoken_get(struct store_conn *c, const char *id_or_name,
    struct rec_optoken *out, struct err *e);
int sqlite_optoken_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_optoken *r), void *arg,
    struct err *e);
int sqlite_optoken_revoke(struct store_conn *c, const char *id, int64_t now,
    const char *by, struct err *e);
int sqlite_optoken_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e);
int sqlite_session_end_root_operator(struct store_conn *c, int64_t *n,
    struct err *e);
/* helper cli (issue 14): sqlite_logfilter.c */
int sqlite_entry_filter(struct store_conn *c,
    const struct store_entry_filter *f, store_leaf_cb cb, void *arg,
    int64_t *next, struct err *e);

/* sqlite_copy.c: the copy between backends (daemon/copy.h). */
int sqlite_table_dump(struct store_conn *c, const struct table_spec *t,
    int (*row)(void *arg, const struct table_value *v, size_t n),
    void *arg, struct err *e);
int sqlite_table_load(struct store_conn *c, const struct table_spec *t,
    const struct table_value *v, size_t nrows, struct err *e);

/* Issue 16, disclose: incident notices (sqlite_incident.c). */
int sqlite_incident_notice_insert(struct store_conn *c,
    const struct rec_incident_notice *r, struct err *e);
int sqlite_incident_notice_list(struct store_conn *c, const char *incident_id,
    const char *tenant_id, int64_t limit,
    int (*cb)(void *arg, const struct rec_incident_notice *r), void *arg,
    struct err *e);
int sqlite_incident_notice_get(struct store_conn *c, const char *id,
    const char *tenant_id, struct buf *out, struct err *e);
/* sqlite_import.c */
int sqlite_import_uuid_claim(struct store_conn *c, const char *uuid,
    int64_t now, int *fresh, struct err *e);
/* sqlite_export.c: the SIEM export's cursors (issue 16). */
int sqlite_export_cursor_get(struct store_conn *c, const char *dest,
    int64_t *next, int64_t *updated, struct err *e);
int sqlite_export_cursor_set(struct store_conn *c, const char *dest,
    int64_t next, int64_t updated, struct err *e);

#endif
