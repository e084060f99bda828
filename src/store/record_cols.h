/* SPDX-License-Identifier: ISC */
/*
 * record_cols: each record's column list (records.h), shared by the
 * SQLite and PostgreSQL row codecs (sqlite_codec.h, pg_codec.h).
 * Internal to src/store.  A list names the columns in the order the
 * codec binds them (?1, ?2, ... or $1, $2, ...) and reads them (column
 * 0, 1, ...), so "INSERT INTO t(" X_COLS ") VALUES (...)" and
 * "SELECT " X_COLS " FROM t ..." agree with the codec on both backends.
 */
#ifndef CUSTOS_STORE_RECORD_COLS_H
#define CUSTOS_STORE_RECORD_COLS_H

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

#endif
