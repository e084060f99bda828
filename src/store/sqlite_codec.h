/* SPDX-License-Identifier: ISC */
/*
 * sqlite_codec: how each record of records.h is bound to a statement and
 * read back from a row, in one place per record type.  Internal to
 * src/store.  A record's *_COLS list names its columns in the order its
 * sq_bind_* binds them (?1, ?2, ...) and its sq_col_* reads them (column
 * 0, 1, ...), so an INSERT is "INSERT INTO t(" X_COLS ") VALUES (?1..)"
 * and a lookup "SELECT " X_COLS " FROM t ...".  A PostgreSQL backend keeps
 * the same lists and swaps the bind and column calls.
 */
#ifndef CUSTOS_STORE_SQLITE_CODEC_H
#define CUSTOS_STORE_SQLITE_CODEC_H

#include <sqlite3.h>

#include "common/err.h"
#include "store/records.h"

#define VENDOR_COLS "id, name, created, status, status_changed"
#define ENGINEER_COLS "id, username, vendor_id, password_hash, " \
	"totp_secret, totp_last_step, status, created, email, status_changed"
#define DEVICE_COLS "id, engineer_id, name, public_key, created, revoked"
/* A new tenant sets these; the settings keep their defaults. */
#define TENANT_NEW_COLS "id, name, policy, created"
#define TENANT_COLS TENANT_NEW_COLS ", users_version, max_minutes, " \
	"second_approver, sensitive"
#define USER_COLS "id, tenant_id, username, email, role, status, " \
	"password_hash, totp_secret, totp_last_step, mfa_enrolled, created"
/* Listing never reads secret columns. */
#define USER_LIST_COLS "id, tenant_id, username, email, role, status, " \
	"'', NULL, 0, mfa_enrolled, created"
#define TICKET_COLS "id, tenant_id, subject, body, requester, status, " \
	"created"
/* Listing leaves the body out. */
#define TICKET_LIST_COLS "id, tenant_id, subject, NULL, requester, " \
	"status, created"
#define SESSION_COLS "id, token_hash, principal, principal_id, tenant_id, " \
	"vendor_id, device_id, source, created, expires, last_seen, console"
#define LOGIN_COLS "id, engineer_id, device_id, challenge, source, expires, " \
    "password_verdict"
#define RESET_COLS "token_hash, tenant_id, user_id, expires"
#define THROTTLE_COLS "key, failures, last_failure, locked_until"
#define GRANT_COLS "id, tenant_id, engineer_id, vendor_id, ticket_id, " \
	"reason, minutes, state, break_glass, created, decided, decided_by, " \
	"deadline, notified"
#define APPROVAL_COLS "id, tenant_id, engineer_id, vendor_id, action, " \
	"target, reason, state, created, deadline, decided_by, decided"
/* A new alert's; attempts and next_attempt start at 0. */
#define ALERT_NEW_COLS "id, time, rule, severity, subject, doc, webhook"
#define ALERT_COLS ALERT_NEW_COLS ", attempts, next_attempt"
/* A new containment's; it starts in force (lifted 0, lifted_by and
 * lift_reason ""). */
#define CONTAINMENT_NEW_COLS "id, kind, target, engineer_id, vendor_id, " \
	"reason, created_by, alert_id, created, refuse_logins, revoke_access"
#define CONTAINMENT_COLS "id, kind, target, engineer_id, vendor_id, " \
	"reason, created_by, alert_id, created, lifted, lifted_by, " \
	"lift_reason, refuse_logins, revoke_access"
/* An entry's columns; its bytes are read back by (idx, bytes) rows. */
#define ENTRY_COLS "idx, time, actor_id, tenant_id, action, session_id, " \
	"device_id, source, allowed, bytes, vendor_id, leaf"

/* Each sq_bind_X binds the record's X_COLS to ?1 on; the values must
 * outlive the statement's step (they are bound SQLITE_STATIC). */
void sq_bind_vendor(sqlite3_stmt *s, const struct rec_vendor *v);
void sq_bind_engineer(sqlite3_stmt *s, const struct rec_engineer *r);
void sq_bind_device(sqlite3_stmt *s, const struct rec_device *d);
void sq_bind_tenant_new(sqlite3_stmt *s, const struct rec_tenant *t);
void sq_bind_user(sqlite3_stmt *s, const struct rec_user *u);
void sq_bind_ticket(sqlite3_stmt *s, const struct rec_ticket *t);
void sq_bind_session(sqlite3_stmt *s, const struct rec_session *r);
void sq_bind_login(sqlite3_stmt *s, const struct rec_login *l);
void sq_bind_reset(sqlite3_stmt *s, const struct rec_reset *r);
void sq_bind_throttle(sqlite3_stmt *s, const struct rec_throttle *t);
void sq_bind_grant(sqlite3_stmt *s, const struct rec_grant *g);
void sq_bind_approval(sqlite3_stmt *s, const struct rec_approval *a);
void sq_bind_entry(sqlite3_stmt *s, const struct rec_entry *en);
void sq_bind_alert_new(sqlite3_stmt *s, const struct rec_alert *a);
void sq_bind_containment_new(sqlite3_stmt *s,
    const struct rec_containment *r);
/* Binds t's secret sealed for the row (kind, tenant, id) (store/seal.h),
 * or NULL when there is none. */
void sq_bind_totp(sqlite3_stmt *s, int i, const struct rec_totp *t,
    const char *kind, const char *tenant, const char *id);

/* Each sq_col_X reads the current row of X_COLS (or a list of the same
 * shape) into out. */
void sq_col_vendor(struct rec_vendor *out, sqlite3_stmt *s);
void sq_col_engineer(struct rec_engineer *out, sqlite3_stmt *s);
/* -1 with e set when the stored key is not 32 bytes. */
int sq_col_device(struct rec_device *out, sqlite3_stmt *s, struct err *e);
void sq_col_tenant(struct rec_tenant *out, sqlite3_stmt *s);
void sq_col_user(struct rec_user *out, sqlite3_stmt *s);
/* Copies the body (NULL when the row has none) to the heap: the caller
 * frees it with rec_ticket_cleanup.  -1 with e set when out of memory. */
int sq_col_ticket(struct rec_ticket *out, sqlite3_stmt *s, struct err *e);
void sq_col_session(struct rec_session *out, sqlite3_stmt *s);
void sq_col_login(struct rec_login *out, sqlite3_stmt *s);
void sq_col_reset(struct rec_reset *out, sqlite3_stmt *s);
void sq_col_throttle(struct rec_throttle *out, sqlite3_stmt *s);
void sq_col_grant(struct rec_grant *out, sqlite3_stmt *s);
void sq_col_approval(struct rec_approval *out, sqlite3_stmt *s);
/* The document points into the row: valid until the next step. */
void sq_col_alert(struct rec_alert *out, sqlite3_stmt *s);
/* Zeroes out first. */
void sq_col_containment(struct rec_containment *out, sqlite3_stmt *s);

#endif
