/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend: one database file in WAL mode.  The writer connection
 * commits with synchronous=FULL, so a commit is durable when it returns;
 * readers are query_only.  Every statement is prepared once per connection
 * and kept (the q_* table below).
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "store/schema_sqlite.h"
#include "store/sqlite_int.h"
#include "store/store.h"

enum q {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_SAVEPOINT, Q_RELEASE, Q_ROLLBACK_TO,
	Q_META_GET, Q_META_SET,
	Q_VENDOR_INSERT, Q_VENDOR_GET,
	Q_ENGINEER_INSERT, Q_ENGINEER_GET, Q_ENGINEER_GET_BY_USERNAME,
	Q_ENGINEER_USE_STEP,
	Q_DEVICE_INSERT, Q_DEVICE_GET,
	Q_TENANT_INSERT, Q_TENANT_GET, Q_TENANT_SET_POLICY,
	Q_USER_INSERT, Q_USER_GET, Q_USER_GET_BY_USERNAME, Q_USER_LIST,
	Q_USER_SET_PASSWORD, Q_USER_SET_TOTP, Q_USER_USE_STEP, Q_USER_DELETE,
	Q_TICKET_INSERT, Q_TICKET_GET, Q_TICKET_LIST,
	Q_SESSION_INSERT, Q_SESSION_GET, Q_SESSION_GET_ID, Q_SESSION_TOUCH,
	Q_SESSION_DELETE,
	Q_SESSION_DELETE_PRINCIPAL,
	Q_LOGIN_INSERT, Q_LOGIN_GET, Q_LOGIN_DELETE,
	Q_RESET_INSERT, Q_RESET_GET, Q_RESET_DELETE,
	Q_THROTTLE_GET, Q_THROTTLE_PUT, Q_THROTTLE_CLEAR,
	Q_ENTRY_APPEND, Q_ENTRY_COUNT, Q_ENTRY_RANGE, Q_ENTRY_RANGE_TENANT,
	Q_TILE_GET, Q_TILE_PUT, Q_CHECKPOINT_PUT, Q_CHECKPOINT_LATEST,
	Q_GRANT_INSERT, Q_GRANT_GET, Q_GRANT_TRANSITION, Q_GRANT_ACTIVE,
	Q_GRANT_LIST_TENANT, Q_GRANT_DUE, Q_GRANT_NOTIFIED,
	Q_APPROVAL_INSERT, Q_APPROVAL_GET, Q_APPROVAL_TRANSITION,
	Q_BY_ACTOR, Q_BY_DEVICE, Q_BY_SESSION, Q_BY_VENDOR, Q_BY_SOURCE,
	Q_BY_TENANT, Q_GRANT_OVERLAP_ENGINEER, Q_GRANT_OVERLAP_VENDOR,
	Q_TENANT_BY_POLICY, Q_POLICY_CHANGES, Q_GRANT_OPEN_ENGINEER,
	Q_GRANT_OPEN_VENDOR,
	Q_COUNT
};

#define ENGINEER_COLS "id, username, vendor_id, password_hash, " \
	"totp_secret, totp_last_step, status, created"
#define USER_COLS "id, tenant_id, username, email, role, status, " \
	"password_hash, totp_secret, totp_last_step, mfa_enrolled, created"
#define GRANT_COLS "id, tenant_id, engineer_id, vendor_id, ticket_id, " \
	"reason, minutes, state, break_glass, created, decided, decided_by, " \
	"deadline, notified"
#define APPROVAL_COLS "id, tenant_id, engineer_id, vendor_id, action, " \
	"target, reason, state, created, deadline, decided_by, decided"
#define SESSION_COLS "id, token_hash, principal, principal_id, tenant_id, " \
	"vendor_id, device_id, source, created, expires, last_seen"

_Static_assert(Q_COUNT <= SQ_MAIN_MAX, "raise SQ_MAIN_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_SAVEPOINT] = "SAVEPOINT job",
	[Q_RELEASE] = "RELEASE job",
	[Q_ROLLBACK_TO] = "ROLLBACK TO job",
	[Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[Q_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[Q_VENDOR_INSERT] = "INSERT INTO vendors(id, name, created) "
	    "VALUES (?1, ?2, ?3)",
	[Q_VENDOR_GET] = "SELECT id, name, created FROM vendors WHERE id = ?1",
	[Q_ENGINEER_INSERT] = "INSERT INTO engineers(" ENGINEER_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[Q_ENGINEER_GET] = "SELECT " ENGINEER_COLS " FROM engineers "
	    "WHERE id = ?1",
	[Q_ENGINEER_GET_BY_USERNAME] = "SELECT " ENGINEER_COLS
	    " FROM engineers WHERE username = ?1",
	[Q_ENGINEER_USE_STEP] = "UPDATE engineers SET totp_last_step = ?2 "
	    "WHERE id = ?1 AND totp_last_step < ?2",
	[Q_DEVICE_INSERT] = "INSERT INTO devices(id, engineer_id, name, "
	    "public_key, created) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_DEVICE_GET] = "SELECT id, engineer_id, name, public_key, created "
	    "FROM devices WHERE id = ?1",
	[Q_TENANT_INSERT] = "INSERT INTO tenants(id, name, policy, created) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_TENANT_GET] = "SELECT id, name, policy, created, users_version, "
	    "max_minutes, second_approver, sensitive FROM tenants "
	    "WHERE id = ?1",
	[Q_TENANT_SET_POLICY] = "UPDATE tenants SET policy = ?2, "
	    "max_minutes = ?3, second_approver = ?4, sensitive = ?5 "
	    "WHERE id = ?1",
	[Q_USER_INSERT] = "INSERT INTO users(" USER_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[Q_USER_GET] = "SELECT " USER_COLS " FROM users "
	    "WHERE tenant_id = ?1 AND id = ?2",
	[Q_USER_GET_BY_USERNAME] = "SELECT " USER_COLS " FROM users "
	    "WHERE tenant_id = ?1 AND username = ?2",
	/* Listing never reads secret columns. */
	[Q_USER_LIST] = "SELECT id, tenant_id, username, email, role, status, "
	    "'', NULL, 0, mfa_enrolled, created FROM users "
	    "WHERE tenant_id = ?1 ORDER BY id",
	[Q_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ?3 "
	    "WHERE tenant_id = ?1 AND id = ?2",
	[Q_USER_SET_TOTP] = "UPDATE users SET totp_secret = ?3, "
	    "totp_last_step = ?4, mfa_enrolled = ?5 "
	    "WHERE tenant_id = ?1 AND id = ?2",
	[Q_USER_USE_STEP] = "UPDATE users SET totp_last_step = ?3 "
	    "WHERE tenant_id = ?1 AND id = ?2 AND totp_last_step < ?3",
	[Q_USER_DELETE] = "DELETE FROM users WHERE tenant_id = ?1 AND id = ?2",
	[Q_TICKET_INSERT] = "INSERT INTO tickets(id, tenant_id, subject, body, "
	    "requester, status, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_TICKET_GET] = "SELECT id, tenant_id, subject, body, requester, "
	    "status, created FROM tickets WHERE tenant_id = ?1 AND id = ?2",
	[Q_TICKET_LIST] = "SELECT id, tenant_id, subject, NULL, requester, "
	    "status, created FROM tickets WHERE tenant_id = ?1 ORDER BY id",
	[Q_SESSION_INSERT] = "INSERT INTO sessions(" SESSION_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[Q_SESSION_GET] = "SELECT " SESSION_COLS " FROM sessions "
	    "WHERE token_hash = ?1",
	[Q_SESSION_GET_ID] = "SELECT " SESSION_COLS " FROM sessions "
	    "WHERE id = ?1",
	[Q_SESSION_TOUCH] = "UPDATE sessions SET last_seen = ?2 "
	    "WHERE id = ?1 AND last_seen < ?2",
	[Q_SESSION_DELETE] = "DELETE FROM sessions WHERE id = ?1",
	[Q_SESSION_DELETE_PRINCIPAL] = "DELETE FROM sessions "
	    "WHERE principal_id = ?1",
	[Q_LOGIN_INSERT] = "INSERT INTO logins(id, engineer_id, device_id, "
	    "challenge, source, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_LOGIN_GET] = "SELECT id, engineer_id, device_id, challenge, source, "
	    "expires FROM logins WHERE id = ?1",
	[Q_LOGIN_DELETE] = "DELETE FROM logins WHERE id = ?1",
	[Q_RESET_INSERT] = "INSERT INTO resets(token_hash, tenant_id, user_id, "
	    "expires) VALUES (?1, ?2, ?3, ?4)",
	[Q_RESET_GET] = "SELECT token_hash, tenant_id, user_id, expires "
	    "FROM resets WHERE token_hash = ?1",
	[Q_RESET_DELETE] = "DELETE FROM resets WHERE token_hash = ?1",
	[Q_THROTTLE_GET] = "SELECT key, failures, last_failure, locked_until "
	    "FROM throttle WHERE key = ?1",
	[Q_THROTTLE_PUT] = "INSERT INTO throttle(key, failures, last_failure, "
	    "locked_until) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE "
	    "SET failures = excluded.failures, "
	    "last_failure = excluded.last_failure, "
	    "locked_until = excluded.locked_until",
	[Q_THROTTLE_CLEAR] = "DELETE FROM throttle WHERE key = ?1",
	[Q_ENTRY_APPEND] = "INSERT INTO entries(idx, time, actor_id, "
	    "tenant_id, action, session_id, device_id, source, allowed, bytes, "
	    "vendor_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[Q_ENTRY_COUNT] = "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries",
	[Q_ENTRY_RANGE] = "SELECT idx, bytes FROM entries "
	    "WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
	[Q_ENTRY_RANGE_TENANT] = "SELECT idx, bytes FROM entries "
	    "WHERE tenant_id = ?1 AND idx >= ?2 ORDER BY idx LIMIT ?3",
	[Q_TILE_GET] = "SELECT hashes FROM tiles WHERE level = ?1 AND idx = ?2",
	[Q_TILE_PUT] = "INSERT INTO tiles(level, idx, hashes) VALUES "
	    "(?1, ?2, ?3) ON CONFLICT(level, idx) DO UPDATE "
	    "SET hashes = excluded.hashes WHERE hashes <> excluded.hashes",
	[Q_CHECKPOINT_PUT] = "INSERT INTO checkpoints(size, time, note) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT(size) DO NOTHING",
	[Q_CHECKPOINT_LATEST] = "SELECT note FROM checkpoints "
	    "ORDER BY size DESC LIMIT 1",
	[Q_GRANT_INSERT] = "INSERT INTO grants(" GRANT_COLS ") VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[Q_GRANT_GET] = "SELECT " GRANT_COLS " FROM grants WHERE id = ?1",
	[Q_GRANT_TRANSITION] = "UPDATE grants SET state = ?2, decided = ?3, "
	    "decided_by = ?4, deadline = ?5 WHERE id = ?1 AND state = ?6",
	[Q_GRANT_ACTIVE] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE engineer_id = ?1 AND tenant_id = ?2 AND state = 1 "
	    "AND deadline > ?3 ORDER BY deadline DESC LIMIT 1",
	[Q_GRANT_LIST_TENANT] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE tenant_id = ?1 ORDER BY created DESC, id LIMIT 1000",
	[Q_GRANT_DUE] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE state IN (0, 1) AND (deadline <= ?1 OR (state = 1 AND "
	    "notified = 0 AND deadline - ?2 <= ?1)) LIMIT 500",
	[Q_GRANT_OPEN_ENGINEER] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE engineer_id = ?1 AND state IN (0, 1) AND deadline > ?2",
	[Q_GRANT_OPEN_VENDOR] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE vendor_id = ?1 AND state IN (0, 1) AND deadline > ?2",
	[Q_GRANT_NOTIFIED] = "UPDATE grants SET notified = 1 WHERE id = ?1",
	[Q_APPROVAL_INSERT] = "INSERT INTO approvals(" APPROVAL_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[Q_APPROVAL_GET] = "SELECT " APPROVAL_COLS " FROM approvals "
	    "WHERE id = ?1",
	/* The "<> ''" terms let SQLite use the partial indexes. */
	[Q_BY_ACTOR] = "SELECT idx, bytes FROM entries WHERE actor_id = ?1 "
	    "AND actor_id <> '' AND time >= ?2 AND time < ?3 ORDER BY idx",
	[Q_BY_DEVICE] = "SELECT idx, bytes FROM entries WHERE device_id = ?1 "
	    "AND device_id <> '' AND time >= ?2 AND time < ?3 ORDER BY idx",
	[Q_BY_SESSION] = "SELECT idx, bytes FROM entries WHERE session_id = ?1 "
	    "AND session_id <> '' AND time >= ?2 AND time < ?3 ORDER BY idx",
	[Q_BY_VENDOR] = "SELECT idx, bytes FROM entries WHERE vendor_id = ?1 "
	    "AND vendor_id <> '' AND time >= ?2 AND time < ?3 ORDER BY idx",
	[Q_BY_SOURCE] = "SELECT idx, bytes FROM entries WHERE source = ?1 "
	    "AND source <> '' AND time >= ?2 AND time < ?3 ORDER BY idx",
	[Q_BY_TENANT] = "SELECT idx, bytes FROM entries WHERE tenant_id = ?1 "
	    "AND tenant_id <> '' AND time >= ?2 AND time < ?3 ORDER BY idx",
	[Q_TENANT_BY_POLICY] = "SELECT id, name, policy, created, "
	    "users_version, max_minutes, second_approver, sensitive "
	    "FROM tenants ORDER BY id",
	[Q_POLICY_CHANGES] = "SELECT idx, bytes FROM entries "
	    "WHERE action = 'tenant.support_policy' AND allowed = 1 "
	    "ORDER BY idx",
	[Q_GRANT_OVERLAP_ENGINEER] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE engineer_id = ?1 AND decided > 0 AND state IN (1, 3, 4) "
	    "AND decided < ?3 AND deadline > ?2",
	[Q_GRANT_OVERLAP_VENDOR] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE vendor_id = ?1 AND decided > 0 AND state IN (1, 3, 4) "
	    "AND decided < ?3 AND deadline > ?2",
	[Q_APPROVAL_TRANSITION] = "UPDATE approvals SET state = ?2, "
	    "decided_by = ?3, decided = ?4, deadline = ?6 "
	    "WHERE id = ?1 AND state = ?5",
};

/* Returns the reset statement for query q, preparing it on first use. */
static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_prepare(c, &c->q[q], q_sql[q], e);
}

static int
exec_simple(struct store_conn *c, enum q q, struct err *e)
{
	sqlite3_stmt *s = stmt(c, q, e);

	return s == NULL ? -1 : sq_exec(c, s, q_sql[q], e);
}

static void
sqlite_close(struct store_conn *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < SQ_MAIN_MAX; i++)
		sqlite3_finalize(c->q[i]);
	for (i = 0; i < SQ_DETECT_MAX; i++)
		sqlite3_finalize(c->d[i]);
	for (i = 0; i < SQ_SCOPE_MAX; i++)
		sqlite3_finalize(c->s[i]);
	sqlite3_close(c->db);
	free(c);
}

static struct store_conn *
sqlite_open(const char *where, int writer, struct err *e)
{
	struct store_conn *c;
	const char *pragmas;
	char *msg = NULL;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(where, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_internal(e, "cannot open the database %s: %s", where,
		    c->db != NULL ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite_close(c);
		return NULL;
	}
	sqlite3_busy_timeout(c->db, 10000);
	pragmas = writer ?
	    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
	    "PRAGMA recursive_triggers=ON;"
	    "PRAGMA cache_size=-65536;" :
	    "PRAGMA query_only=1; PRAGMA cache_size=-16384;";
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		err_internal(e, "cannot set up the database: %s",
		    msg != NULL ? msg : "?");
		sqlite3_free(msg);
		sqlite_close(c);
		return NULL;
	}
	return c;
}

static int
sqlite_migrate(struct store_conn *c, struct err *e)
{
	size_t n = sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0]);
	sqlite3_stmt *s;
	char *msg = NULL;
	int64_t version;
	size_t v;

	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return sq_fail(c, e, "read schema version");
	}
	version = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (version < 0 || (uint64_t)version > n)
		return err_internal(e, "the database schema (version %lld) is "
		    "newer than this custosd knows (%zu)", (long long)version,
		    n);
	for (v = (size_t)version; v < n; v++) {
		char setv[64];

		str_printf(setv, sizeof(setv), "PRAGMA user_version=%zu;",
		    v + 1);
		if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) ||
		    sqlite3_exec(c->db, sqlite_migrations[v], NULL, NULL,
		    &msg) || sqlite3_exec(c->db, setv, NULL, NULL, &msg) ||
		    sqlite3_exec(c->db, "COMMIT", NULL, NULL, &msg)) {
			err_internal(e, "migration %zu failed: %s", v + 1,
			    msg != NULL ? msg : "?");
			sqlite3_free(msg);
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

static int
sqlite_begin(struct store_conn *c, struct err *e)
{
	return exec_simple(c, Q_BEGIN, e);
}

static int
sqlite_commit(struct store_conn *c, struct err *e)
{
	return exec_simple(c, Q_COMMIT, e);
}

static void
sqlite_rollback(struct store_conn *c)
{
	struct err e;

	if (sqlite3_get_autocommit(c->db) == 0)
		exec_simple(c, Q_ROLLBACK, &e);
}

static int
sqlite_savepoint(struct store_conn *c, struct err *e)
{
	return exec_simple(c, Q_SAVEPOINT, e);
}

static int
sqlite_release(struct store_conn *c, struct err *e)
{
	return exec_simple(c, Q_RELEASE, e);
}

static void
sqlite_rollback_savepoint(struct store_conn *c)
{
	struct err e;

	if (exec_simple(c, Q_ROLLBACK_TO, &e) == 0)
		exec_simple(c, Q_RELEASE, &e);
}

static int
sqlite_meta_get(struct store_conn *c, const char *key, struct buf *out,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_META_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, key);
	rc = sq_step_row(c, s, "meta", e);
	if (rc != 0)
		return rc;
	rc = buf_append(out, sqlite3_column_blob(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	sq_done(s);
	return rc == -1 ? err_internal(e, "meta value too large") : 0;
}

static int
sqlite_meta_set(struct store_conn *c, const char *key, const void *v,
    size_t n, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_META_SET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, key);
	sqlite3_bind_blob(s, 2, v, (int)n, SQLITE_STATIC);
	return sq_exec(c, s, "meta", e);
}

static int
sqlite_vendor_insert(struct store_conn *c, const struct rec_vendor *v,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_VENDOR_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, v->id);
	sq_bind_text(s, 2, v->name);
	sqlite3_bind_int64(s, 3, v->created);
	return sq_exec(c, s, "vendor", e);
}

static int
sqlite_vendor_get(struct store_conn *c, const char *id,
    struct rec_vendor *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_VENDOR_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "vendor", e);
	if (rc != 0)
		return rc;
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->name, sizeof(out->name), s, 1);
	out->created = sqlite3_column_int64(s, 2);
	sq_done(s);
	return 0;
}

static void
bind_totp(sqlite3_stmt *s, int i, const struct rec_totp *t)
{
	if (t->len > 0)
		sqlite3_bind_blob(s, i, t->secret, (int)t->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static int
sqlite_engineer_insert(struct store_conn *c, const struct rec_engineer *r,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, r->id);
	sq_bind_text(s, 2, r->username);
	sq_bind_text(s, 3, r->vendor_id);
	sq_bind_text(s, 4, r->password_hash);
	bind_totp(s, 5, &r->totp);
	sqlite3_bind_int64(s, 6, r->totp.last_step);
	sqlite3_bind_int(s, 7, r->status);
	sqlite3_bind_int64(s, 8, r->created);
	return sq_exec(c, s, "engineer", e);
}

static int
read_engineer(struct store_conn *c, sqlite3_stmt *s, struct rec_engineer *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "engineer", e);

	if (rc != 0)
		return rc;
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->username, sizeof(out->username), s, 1);
	sq_col_text(out->vendor_id, sizeof(out->vendor_id), s, 2);
	sq_col_text(out->password_hash, sizeof(out->password_hash), s, 3);
	sq_col_blob(out->totp.secret, sizeof(out->totp.secret), &out->totp.len,
	    s, 4);
	out->totp.last_step = sqlite3_column_int64(s, 5);
	out->status = sqlite3_column_int(s, 6);
	out->created = sqlite3_column_int64(s, 7);
	sq_done(s);
	return 0;
}

static int
sqlite_engineer_get(struct store_conn *c, const char *id,
    struct rec_engineer *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_GET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return read_engineer(c, s, out, e);
}

static int
sqlite_engineer_get_by_username(struct store_conn *c, const char *username,
    struct rec_engineer *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_GET_BY_USERNAME, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, username);
	return read_engineer(c, s, out, e);
}

static int
sqlite_engineer_use_totp_step(struct store_conn *c, const char *id,
    int64_t step, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_USE_STEP, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, step);
	return sq_exec_update(c, s, "engineer totp", e);
}

static int
sqlite_device_insert(struct store_conn *c, const struct rec_device *d,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_DEVICE_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, d->id);
	sq_bind_text(s, 2, d->engineer_id);
	sq_bind_text(s, 3, d->name);
	sqlite3_bind_blob(s, 4, d->public_key, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, d->created);
	return sq_exec(c, s, "device", e);
}

static int
sqlite_device_get(struct store_conn *c, const char *id,
    struct rec_device *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_DEVICE_GET, e);
	size_t n;
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "device", e);
	if (rc != 0)
		return rc;
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->engineer_id, sizeof(out->engineer_id), s, 1);
	sq_col_text(out->name, sizeof(out->name), s, 2);
	sq_col_blob(out->public_key, sizeof(out->public_key), &n, s, 3);
	out->created = sqlite3_column_int64(s, 4);
	sq_done(s);
	return n == 32 ? 0 : err_internal(e, "device key is damaged");
}

static int
sqlite_tenant_insert(struct store_conn *c, const struct rec_tenant *t,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TENANT_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, t->id);
	sq_bind_text(s, 2, t->name);
	sqlite3_bind_int(s, 3, t->policy);
	sqlite3_bind_int64(s, 4, t->created);
	return sq_exec(c, s, "tenant", e);
}

static int
sqlite_tenant_get(struct store_conn *c, const char *id,
    struct rec_tenant *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TENANT_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "tenant", e);
	if (rc != 0)
		return rc;
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->name, sizeof(out->name), s, 1);
	out->policy = sqlite3_column_int(s, 2);
	out->created = sqlite3_column_int64(s, 3);
	out->users_version = sqlite3_column_int64(s, 4);
	out->max_minutes = sqlite3_column_int64(s, 5);
	out->second_approver = sqlite3_column_int(s, 6);
	out->sensitive = (unsigned)sqlite3_column_int64(s, 7);
	sq_done(s);
	return 0;
}

static int
sqlite_tenant_set_settings(struct store_conn *c, const struct rec_tenant *t,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TENANT_SET_POLICY, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, t->id);
	sqlite3_bind_int(s, 2, t->policy);
	sqlite3_bind_int64(s, 3, t->max_minutes);
	sqlite3_bind_int(s, 4, t->second_approver);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)t->sensitive);
	return sq_exec_update(c, s, "tenant settings", e);
}

static int
sqlite_user_insert(struct store_conn *c, const struct rec_user *u,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, u->id);
	sq_bind_text(s, 2, u->tenant_id);
	sq_bind_text(s, 3, u->username);
	sq_bind_text(s, 4, u->email);
	sqlite3_bind_int(s, 5, u->role);
	sqlite3_bind_int(s, 6, u->status);
	sq_bind_text(s, 7, u->password_hash);
	bind_totp(s, 8, &u->totp);
	sqlite3_bind_int64(s, 9, u->totp.last_step);
	sqlite3_bind_int(s, 10, u->mfa_enrolled);
	sqlite3_bind_int64(s, 11, u->created);
	return sq_exec(c, s, "user", e);
}

static void
col_user(struct rec_user *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 1);
	sq_col_text(out->username, sizeof(out->username), s, 2);
	sq_col_text(out->email, sizeof(out->email), s, 3);
	out->role = sqlite3_column_int(s, 4);
	out->status = sqlite3_column_int(s, 5);
	sq_col_text(out->password_hash, sizeof(out->password_hash), s, 6);
	sq_col_blob(out->totp.secret, sizeof(out->totp.secret), &out->totp.len,
	    s, 7);
	out->totp.last_step = sqlite3_column_int64(s, 8);
	out->mfa_enrolled = sqlite3_column_int(s, 9);
	out->created = sqlite3_column_int64(s, 10);
}

static int
read_user(struct store_conn *c, sqlite3_stmt *s, struct rec_user *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "user", e);

	if (rc != 0)
		return rc;
	col_user(out, s);
	sq_done(s);
	return 0;
}

static int
sqlite_user_get(struct store_conn *c, const char *tenant_id, const char *id,
    struct rec_user *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_GET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	return read_user(c, s, out, e);
}

static int
sqlite_user_get_by_username(struct store_conn *c, const char *tenant_id,
    const char *username, struct rec_user *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_GET_BY_USERNAME, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, username);
	return read_user(c, s, out, e);
}

static int
sqlite_user_list(struct store_conn *c, const char *tenant_id,
    store_user_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_LIST, e);
	struct rec_user u;
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&u, 0, sizeof(u));
		col_user(&u, s);
		if (cb(arg, &u) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "user list");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

static int
sqlite_user_set_password(struct store_conn *c, const char *tenant_id,
    const char *id, const char *hash, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_SET_PASSWORD, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	sq_bind_text(s, 3, hash);
	return sq_exec_update(c, s, "user password", e);
}

static int
sqlite_user_set_totp(struct store_conn *c, const char *tenant_id,
    const char *id, const struct rec_totp *t, int enrolled, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_SET_TOTP, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	bind_totp(s, 3, t);
	sqlite3_bind_int64(s, 4, t->last_step);
	sqlite3_bind_int(s, 5, enrolled);
	return sq_exec_update(c, s, "user totp", e);
}

static int
sqlite_user_use_totp_step(struct store_conn *c, const char *tenant_id,
    const char *id, int64_t step, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_USE_STEP, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	sqlite3_bind_int64(s, 3, step);
	return sq_exec_update(c, s, "user totp", e);
}

static int
sqlite_user_delete(struct store_conn *c, const char *tenant_id,
    const char *id, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_DELETE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	return sq_exec_update(c, s, "user delete", e);
}

static int
sqlite_ticket_insert(struct store_conn *c, const struct rec_ticket *t,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TICKET_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, t->id);
	sq_bind_text(s, 2, t->tenant_id);
	sq_bind_text(s, 3, t->subject);
	sq_bind_text(s, 4, t->body != NULL ? t->body : "");
	sq_bind_text(s, 5, t->requester);
	sq_bind_text(s, 6, t->status);
	sqlite3_bind_int64(s, 7, t->created);
	return sq_exec(c, s, "ticket", e);
}

static int
col_ticket(struct rec_ticket *out, sqlite3_stmt *s, struct err *e)
{
	const unsigned char *body = sqlite3_column_text(s, 3);

	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 1);
	sq_col_text(out->subject, sizeof(out->subject), s, 2);
	sq_col_text(out->requester, sizeof(out->requester), s, 4);
	sq_col_text(out->status, sizeof(out->status), s, 5);
	out->created = sqlite3_column_int64(s, 6);
	out->body = NULL;
	if (body != NULL) {
		out->body = strdup((const char *)body);
		if (out->body == NULL)
			return err_internal(e, "out of memory");
	}
	return 0;
}

static int
sqlite_ticket_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_ticket *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TICKET_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	rc = sq_step_row(c, s, "ticket", e);
	if (rc != 0)
		return rc;
	rc = col_ticket(out, s, e);
	sq_done(s);
	return rc;
}

static int
sqlite_ticket_list(struct store_conn *c, const char *tenant_id,
    store_ticket_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TICKET_LIST, e);
	struct rec_ticket t;
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int stop;

		memset(&t, 0, sizeof(t));
		if (col_ticket(&t, s, e) == -1) {
			sq_done(s);
			return -1;
		}
		stop = cb(arg, &t);
		rec_ticket_cleanup(&t);
		if (stop)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "ticket list");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

static int
sqlite_session_insert(struct store_conn *c, const struct rec_session *r,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, r->id);
	sqlite3_bind_blob(s, 2, r->token_hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, r->principal);
	sq_bind_text(s, 4, r->principal_id);
	sq_bind_text(s, 5, r->tenant_id);
	sq_bind_text(s, 6, r->vendor_id);
	sq_bind_text(s, 7, r->device_id);
	sq_bind_text(s, 8, r->source);
	sqlite3_bind_int64(s, 9, r->created);
	sqlite3_bind_int64(s, 10, r->expires);
	sqlite3_bind_int64(s, 11, r->last_seen);
	return sq_exec(c, s, "session", e);
}

/* Reads the session row s points at. */
static int
read_session(struct store_conn *c, sqlite3_stmt *s, struct rec_session *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "session", e);

	if (rc != 0)
		return rc;
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_blob(out->token_hash, TOKEN_HASH_LEN, NULL, s, 1);
	out->principal = sqlite3_column_int(s, 2);
	sq_col_text(out->principal_id, sizeof(out->principal_id), s, 3);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 4);
	sq_col_text(out->vendor_id, sizeof(out->vendor_id), s, 5);
	sq_col_text(out->device_id, sizeof(out->device_id), s, 6);
	sq_col_text(out->source, sizeof(out->source), s, 7);
	out->created = sqlite3_column_int64(s, 8);
	out->expires = sqlite3_column_int64(s, 9);
	out->last_seen = sqlite3_column_int64(s, 10);
	sq_done(s);
	return 0;
}

static int
sqlite_session_get(struct store_conn *c, const uint8_t hash[TOKEN_HASH_LEN],
    struct rec_session *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_GET, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	return read_session(c, s, out, e);
}

int
sqlite_session_get_id(struct store_conn *c, const char *id,
    struct rec_session *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_GET_ID, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = read_session(c, s, out, e);
	if (rc == 0)
		sodium_memzero(out->token_hash, sizeof(out->token_hash));
	return rc;
}

static int
sqlite_session_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_TOUCH, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, when);
	return sq_exec_update(c, s, "session touch", e);
}

static int
sqlite_session_delete(struct store_conn *c, const char *id, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_DELETE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return sq_exec_update(c, s, "session delete", e);
}

static int
sqlite_session_delete_principal(struct store_conn *c,
    const char *principal_id, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_DELETE_PRINCIPAL, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, principal_id);
	return sq_exec_update(c, s, "session delete", e);
}

static int
sqlite_login_insert(struct store_conn *c, const struct rec_login *l,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_LOGIN_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, l->id);
	sq_bind_text(s, 2, l->engineer_id);
	sq_bind_text(s, 3, l->device_id);
	sq_bind_text(s, 4, l->challenge);
	sq_bind_text(s, 5, l->source);
	sqlite3_bind_int64(s, 6, l->expires);
	return sq_exec(c, s, "login", e);
}

static int
sqlite_login_get(struct store_conn *c, const char *id, struct rec_login *out,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_LOGIN_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "login", e);
	if (rc != 0)
		return rc;
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->engineer_id, sizeof(out->engineer_id), s, 1);
	sq_col_text(out->device_id, sizeof(out->device_id), s, 2);
	sq_col_text(out->challenge, sizeof(out->challenge), s, 3);
	sq_col_text(out->source, sizeof(out->source), s, 4);
	out->expires = sqlite3_column_int64(s, 5);
	sq_done(s);
	return 0;
}

static int
sqlite_login_take(struct store_conn *c, const char *id, struct rec_login *out,
    struct err *e)
{
	sqlite3_stmt *s;
	int rc = sqlite_login_get(c, id, out, e);

	if (rc != 0)
		return rc;
	s = stmt(c, Q_LOGIN_DELETE, e);
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return sq_exec_update(c, s, "login", e);
}

static int
sqlite_reset_insert(struct store_conn *c, const struct rec_reset *r,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_RESET_INSERT, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, r->token_hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	sq_bind_text(s, 2, r->tenant_id);
	sq_bind_text(s, 3, r->user_id);
	sqlite3_bind_int64(s, 4, r->expires);
	return sq_exec(c, s, "reset", e);
}

static int
sqlite_reset_get(struct store_conn *c, const uint8_t hash[TOKEN_HASH_LEN],
    struct rec_reset *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_RESET_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	rc = sq_step_row(c, s, "reset", e);
	if (rc != 0)
		return rc;
	sq_col_blob(out->token_hash, TOKEN_HASH_LEN, NULL, s, 0);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 1);
	sq_col_text(out->user_id, sizeof(out->user_id), s, 2);
	out->expires = sqlite3_column_int64(s, 3);
	sq_done(s);
	return 0;
}

static int
sqlite_reset_take(struct store_conn *c, const uint8_t hash[TOKEN_HASH_LEN],
    struct rec_reset *out, struct err *e)
{
	sqlite3_stmt *s;
	int rc = sqlite_reset_get(c, hash, out, e);

	if (rc != 0)
		return rc;
	s = stmt(c, Q_RESET_DELETE, e);
	if (s == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	return sq_exec_update(c, s, "reset", e);
}

static int
sqlite_throttle_get(struct store_conn *c, const char *key,
    struct rec_throttle *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_THROTTLE_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, key);
	rc = sq_step_row(c, s, "throttle", e);
	if (rc != 0)
		return rc;
	sq_col_text(out->key, sizeof(out->key), s, 0);
	out->failures = sqlite3_column_int64(s, 1);
	out->last_failure = sqlite3_column_int64(s, 2);
	out->locked_until = sqlite3_column_int64(s, 3);
	sq_done(s);
	return 0;
}

static int
sqlite_throttle_put(struct store_conn *c, const struct rec_throttle *t,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_THROTTLE_PUT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, t->key);
	sqlite3_bind_int64(s, 2, t->failures);
	sqlite3_bind_int64(s, 3, t->last_failure);
	sqlite3_bind_int64(s, 4, t->locked_until);
	return sq_exec(c, s, "throttle", e);
}

static int
sqlite_throttle_clear(struct store_conn *c, const char *key, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_THROTTLE_CLEAR, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, key);
	return sq_exec(c, s, "throttle", e);
}

static int
sqlite_entry_append(struct store_conn *c, const struct rec_entry *en,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENTRY_APPEND, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, en->index);
	sqlite3_bind_int64(s, 2, en->time);
	sq_bind_text(s, 3, en->actor_id != NULL ? en->actor_id : "");
	sq_bind_text(s, 4, en->tenant_id != NULL ? en->tenant_id : "");
	sq_bind_text(s, 5, en->action != NULL ? en->action : "");
	sq_bind_text(s, 6, en->session_id != NULL ? en->session_id : "");
	sq_bind_text(s, 7, en->device_id != NULL ? en->device_id : "");
	sq_bind_text(s, 8, en->source != NULL ? en->source : "");
	sqlite3_bind_int(s, 9, en->allowed);
	sqlite3_bind_blob(s, 10, en->bytes, (int)en->len, SQLITE_STATIC);
	sq_bind_text(s, 11, en->vendor_id != NULL ? en->vendor_id : "");
	return sq_exec(c, s, "log entry", e);
}

static int
sqlite_entry_count(struct store_conn *c, int64_t *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENTRY_COUNT, e);
	int rc;

	if (s == NULL)
		return -1;
	rc = sq_step_row(c, s, "log size", e);
	if (rc != 0)
		return rc == 1 ? err_internal(e, "log size unknown") : -1;
	*out = sqlite3_column_int64(s, 0);
	sq_done(s);
	return 0;
}

/* Runs a query of (idx, bytes) rows, calling cb per row. */
static int
entry_rows(struct store_conn *c, sqlite3_stmt *s, store_entry_cb cb,
    void *arg, struct err *e)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(arg, sqlite3_column_int64(s, 0),
		    sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1)) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "log entries");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

static int
sqlite_entry_range(struct store_conn *c, int64_t start, int64_t end,
    store_entry_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENTRY_RANGE, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, start);
	sqlite3_bind_int64(s, 2, end);
	return entry_rows(c, s, cb, arg, e);
}

static int
sqlite_entry_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENTRY_RANGE_TENANT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sqlite3_bind_int64(s, 2, start);
	sqlite3_bind_int64(s, 3, limit);
	return entry_rows(c, s, cb, arg, e);
}

static int
sqlite_tile_get(struct store_conn *c, int level, int64_t idx,
    struct buf *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TILE_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, level);
	sqlite3_bind_int64(s, 2, idx);
	rc = sq_step_row(c, s, "tile", e);
	if (rc != 0)
		return rc;
	rc = buf_append(out, sqlite3_column_blob(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	sq_done(s);
	return rc == -1 ? err_internal(e, "tile too large") : 0;
}

static int
sqlite_tile_put(struct store_conn *c, int level, int64_t idx,
    const void *hashes, size_t len, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TILE_PUT, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, level);
	sqlite3_bind_int64(s, 2, idx);
	sqlite3_bind_blob(s, 3, hashes, (int)len, SQLITE_STATIC);
	return sq_exec(c, s, "tile", e);
}

static int
sqlite_checkpoint_put(struct store_conn *c, int64_t size, int64_t time,
    const char *note, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_CHECKPOINT_PUT, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, size);
	sqlite3_bind_int64(s, 2, time);
	sq_bind_text(s, 3, note);
	return sq_exec(c, s, "checkpoint", e);
}

static int
sqlite_checkpoint_latest(struct store_conn *c, struct buf *note,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_CHECKPOINT_LATEST, e);
	int rc;

	if (s == NULL)
		return -1;
	rc = sq_step_row(c, s, "checkpoint", e);
	if (rc != 0)
		return rc;
	rc = buf_append(note, sqlite3_column_text(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	sq_done(s);
	return rc == -1 ? err_internal(e, "checkpoint too large") : 0;
}

static int
sqlite_grant_insert(struct store_conn *c, const struct rec_grant *g,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, g->id);
	sq_bind_text(s, 2, g->tenant_id);
	sq_bind_text(s, 3, g->engineer_id);
	sq_bind_text(s, 4, g->vendor_id);
	sq_bind_text(s, 5, g->ticket_id);
	sq_bind_text(s, 6, g->reason);
	sqlite3_bind_int64(s, 7, g->minutes);
	sqlite3_bind_int(s, 8, g->state);
	sqlite3_bind_int(s, 9, g->break_glass);
	sqlite3_bind_int64(s, 10, g->created);
	sqlite3_bind_int64(s, 11, g->decided);
	sq_bind_text(s, 12, g->decided_by);
	sqlite3_bind_int64(s, 13, g->deadline);
	sqlite3_bind_int(s, 14, g->notified);
	return sq_exec(c, s, "access request", e);
}

static void
col_grant(struct rec_grant *g, sqlite3_stmt *s)
{
	sq_col_text(g->id, sizeof(g->id), s, 0);
	sq_col_text(g->tenant_id, sizeof(g->tenant_id), s, 1);
	sq_col_text(g->engineer_id, sizeof(g->engineer_id), s, 2);
	sq_col_text(g->vendor_id, sizeof(g->vendor_id), s, 3);
	sq_col_text(g->ticket_id, sizeof(g->ticket_id), s, 4);
	sq_col_text(g->reason, sizeof(g->reason), s, 5);
	g->minutes = sqlite3_column_int64(s, 6);
	g->state = sqlite3_column_int(s, 7);
	g->break_glass = sqlite3_column_int(s, 8);
	g->created = sqlite3_column_int64(s, 9);
	g->decided = sqlite3_column_int64(s, 10);
	sq_col_text(g->decided_by, sizeof(g->decided_by), s, 11);
	g->deadline = sqlite3_column_int64(s, 12);
	g->notified = sqlite3_column_int(s, 13);
}

static int
read_grant(struct store_conn *c, sqlite3_stmt *s, struct rec_grant *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "access request", e);

	if (rc != 0)
		return rc;
	col_grant(out, s);
	sq_done(s);
	return 0;
}

static int
sqlite_grant_get(struct store_conn *c, const char *id, struct rec_grant *out,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_GET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return read_grant(c, s, out, e);
}

static int
sqlite_grant_transition(struct store_conn *c, const struct rec_grant *g,
    int from, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_TRANSITION, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, g->id);
	sqlite3_bind_int(s, 2, g->state);
	sqlite3_bind_int64(s, 3, g->decided);
	sq_bind_text(s, 4, g->decided_by);
	sqlite3_bind_int64(s, 5, g->deadline);
	sqlite3_bind_int(s, 6, from);
	return sq_exec_update(c, s, "access request", e);
}

static int
sqlite_grant_active(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t now, struct rec_grant *out,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_ACTIVE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, engineer_id);
	sq_bind_text(s, 2, tenant_id);
	sqlite3_bind_int64(s, 3, now);
	return read_grant(c, s, out, e);
}

/* Runs a grant query, calling cb per row. */
static int
grant_rows(struct store_conn *c, sqlite3_stmt *s, store_grant_cb cb,
    void *arg, struct err *e)
{
	struct rec_grant g;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&g, 0, sizeof(g));
		col_grant(&g, s);
		if (cb(arg, &g) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "access requests");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

static int
sqlite_grant_list_tenant(struct store_conn *c, const char *tenant_id,
    store_grant_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_LIST_TENANT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	return grant_rows(c, s, cb, arg, e);
}

static int
sqlite_grant_open(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t now, store_grant_cb cb, void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, vendor_id != NULL ? Q_GRANT_OPEN_VENDOR :
	    Q_GRANT_OPEN_ENGINEER, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, vendor_id != NULL ? vendor_id : engineer_id);
	sqlite3_bind_int64(s, 2, now);
	return grant_rows(c, s, cb, arg, e);
}

static int
sqlite_grant_due(struct store_conn *c, int64_t now, int64_t warn,
    store_grant_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_DUE, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, warn);
	return grant_rows(c, s, cb, arg, e);
}

static int
sqlite_grant_set_notified(struct store_conn *c, const char *id,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_NOTIFIED, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return sq_exec_update(c, s, "access request", e);
}

static int
sqlite_approval_insert(struct store_conn *c, const struct rec_approval *a,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_APPROVAL_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, a->id);
	sq_bind_text(s, 2, a->tenant_id);
	sq_bind_text(s, 3, a->engineer_id);
	sq_bind_text(s, 4, a->vendor_id);
	sq_bind_text(s, 5, a->action);
	sq_bind_text(s, 6, a->target);
	sq_bind_text(s, 7, a->reason);
	sqlite3_bind_int(s, 8, a->state);
	sqlite3_bind_int64(s, 9, a->created);
	sqlite3_bind_int64(s, 10, a->deadline);
	sq_bind_text(s, 11, a->decided_by);
	sqlite3_bind_int64(s, 12, a->decided);
	return sq_exec(c, s, "approval", e);
}

static int
sqlite_approval_get(struct store_conn *c, const char *id,
    struct rec_approval *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_APPROVAL_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "approval", e);
	if (rc != 0)
		return rc;
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 1);
	sq_col_text(out->engineer_id, sizeof(out->engineer_id), s, 2);
	sq_col_text(out->vendor_id, sizeof(out->vendor_id), s, 3);
	sq_col_text(out->action, sizeof(out->action), s, 4);
	sq_col_text(out->target, sizeof(out->target), s, 5);
	sq_col_text(out->reason, sizeof(out->reason), s, 6);
	out->state = sqlite3_column_int(s, 7);
	out->created = sqlite3_column_int64(s, 8);
	out->deadline = sqlite3_column_int64(s, 9);
	sq_col_text(out->decided_by, sizeof(out->decided_by), s, 10);
	out->decided = sqlite3_column_int64(s, 11);
	sq_done(s);
	return 0;
}

static int
sqlite_approval_transition(struct store_conn *c, const struct rec_approval *a,
    int from, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_APPROVAL_TRANSITION, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, a->id);
	sqlite3_bind_int(s, 2, a->state);
	sq_bind_text(s, 3, a->decided_by);
	sqlite3_bind_int64(s, 4, a->decided);
	sqlite3_bind_int(s, 5, from);
	sqlite3_bind_int64(s, 6, a->deadline);
	return sq_exec_update(c, s, "approval", e);
}

static int
sqlite_entry_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_entry_cb cb, void *arg, struct err *e)
{
	static const enum q byq[SP_COUNT] = {
		[SP_ENGINEER] = Q_BY_ACTOR, [SP_DEVICE] = Q_BY_DEVICE,
		[SP_SESSION] = Q_BY_SESSION, [SP_VENDOR] = Q_BY_VENDOR,
		[SP_SOURCE] = Q_BY_SOURCE, [SP_TENANT] = Q_BY_TENANT,
	};
	sqlite3_stmt *s;

	if (kind < 0 || kind >= SP_COUNT)
		return err_internal(e, "unknown principal kind");
	s = stmt(c, byq[kind], e);
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	return entry_rows(c, s, cb, arg, e);
}

static int
sqlite_grant_overlapping(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t from, int64_t to, store_grant_cb cb,
    void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, vendor_id != NULL ? Q_GRANT_OVERLAP_VENDOR :
	    Q_GRANT_OVERLAP_ENGINEER, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, vendor_id != NULL ? vendor_id : engineer_id);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	return grant_rows(c, s, cb, arg, e);
}

static int
sqlite_tenant_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TENANT_BY_POLICY, e);
	struct rec_tenant t;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&t, 0, sizeof(t));
		sq_col_text(t.id, sizeof(t.id), s, 0);
		sq_col_text(t.name, sizeof(t.name), s, 1);
		t.policy = sqlite3_column_int(s, 2);
		t.created = sqlite3_column_int64(s, 3);
		t.users_version = sqlite3_column_int64(s, 4);
		t.max_minutes = sqlite3_column_int64(s, 5);
		t.second_approver = sqlite3_column_int(s, 6);
		t.sensitive = (unsigned)sqlite3_column_int64(s, 7);
		if (cb(arg, &t) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "tenants");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

static int
sqlite_entry_policy_changes(struct store_conn *c, store_entry_cb cb,
    void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_POLICY_CHANGES, e);

	if (s == NULL)
		return -1;
	return entry_rows(c, s, cb, arg, e);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.migrate = sqlite_migrate,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.savepoint = sqlite_savepoint,
	.release = sqlite_release,
	.rollback_savepoint = sqlite_rollback_savepoint,
	.meta_get = sqlite_meta_get,
	.meta_set = sqlite_meta_set,
	.vendor_insert = sqlite_vendor_insert,
	.vendor_get = sqlite_vendor_get,
	.engineer_insert = sqlite_engineer_insert,
	.engineer_get = sqlite_engineer_get,
	.engineer_get_by_username = sqlite_engineer_get_by_username,
	.engineer_use_totp_step = sqlite_engineer_use_totp_step,
	.device_insert = sqlite_device_insert,
	.device_get = sqlite_device_get,
	.tenant_insert = sqlite_tenant_insert,
	.tenant_get = sqlite_tenant_get,
	.tenant_set_settings = sqlite_tenant_set_settings,
	.user_insert = sqlite_user_insert,
	.user_get = sqlite_user_get,
	.user_get_by_username = sqlite_user_get_by_username,
	.user_list = sqlite_user_list,
	.user_set_password = sqlite_user_set_password,
	.user_set_totp = sqlite_user_set_totp,
	.user_use_totp_step = sqlite_user_use_totp_step,
	.user_delete = sqlite_user_delete,
	.ticket_insert = sqlite_ticket_insert,
	.ticket_get = sqlite_ticket_get,
	.ticket_list = sqlite_ticket_list,
	.session_insert = sqlite_session_insert,
	.session_get = sqlite_session_get,
	.session_touch = sqlite_session_touch,
	.session_delete = sqlite_session_delete,
	.session_delete_principal = sqlite_session_delete_principal,
	.login_insert = sqlite_login_insert,
	.login_take = sqlite_login_take,
	.login_get = sqlite_login_get,
	.reset_insert = sqlite_reset_insert,
	.reset_take = sqlite_reset_take,
	.reset_get = sqlite_reset_get,
	.throttle_get = sqlite_throttle_get,
	.throttle_put = sqlite_throttle_put,
	.throttle_clear = sqlite_throttle_clear,
	.entry_append = sqlite_entry_append,
	.entry_count = sqlite_entry_count,
	.entry_range = sqlite_entry_range,
	.entry_range_tenant = sqlite_entry_range_tenant,
	.tile_get = sqlite_tile_get,
	.tile_put = sqlite_tile_put,
	.checkpoint_put = sqlite_checkpoint_put,
	.checkpoint_latest = sqlite_checkpoint_latest,
	.grant_insert = sqlite_grant_insert,
	.grant_get = sqlite_grant_get,
	.grant_transition = sqlite_grant_transition,
	.grant_active = sqlite_grant_active,
	.grant_list_tenant = sqlite_grant_list_tenant,
	.grant_due = sqlite_grant_due,
	.grant_set_notified = sqlite_grant_set_notified,
	.entry_by_principal = sqlite_entry_by_principal,
	.tenant_list = sqlite_tenant_list,
	.entry_policy_changes = sqlite_entry_policy_changes,
	.grant_overlapping = sqlite_grant_overlapping,
	.approval_insert = sqlite_approval_insert,
	.approval_get = sqlite_approval_get,
	.approval_transition = sqlite_approval_transition,
	.alert_insert = sqlite_alert_insert,
	.alert_list = sqlite_alert_list,
	.alert_get = sqlite_alert_get,
	.alert_webhook_due = sqlite_alert_webhook_due,
	.alert_webhook_set = sqlite_alert_webhook_set,
	.containment_insert = sqlite_containment_insert,
	.containment_get = sqlite_containment_get,
	.containment_lift = sqlite_containment_lift,
	.containment_list = sqlite_containment_list,
	.containment_find = sqlite_containment_find,
	.session_end_matching = sqlite_session_end_matching,
	.session_get_id = sqlite_session_get_id,
	.grant_open = sqlite_grant_open,
	.engineer_hours_set = sqlite_engineer_hours_set,
	.engineer_hours_get = sqlite_engineer_hours_get,
	.device_count = sqlite_device_count,
	.entry_cols_by_principal = sqlite_entry_cols_by_principal,
	.entry_get = sqlite_entry_get,
	.grant_overlapping_ids = sqlite_grant_overlapping_ids,
};
