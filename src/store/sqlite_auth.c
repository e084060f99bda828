/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's authentication state: sessions, pending logins
 * (challenges), password-reset tokens and the login throttle.
 */
#include <sodium.h>
#include <sqlite3.h>

#include "store/sqlite_codec.h"
#include "store/sqlite_int.h"

enum q {
	Q_SESSION_INSERT, Q_SESSION_GET, Q_SESSION_GET_ID, Q_SESSION_TOUCH,
	Q_SESSION_DELETE, Q_SESSION_DELETE_PRINCIPAL, Q_SESSION_DELETE_USER,
	Q_LOGIN_INSERT, Q_LOGIN_GET, Q_LOGIN_DELETE,
	Q_RESET_INSERT, Q_RESET_GET, Q_RESET_DELETE, Q_RESET_DELETE_USER,
	Q_THROTTLE_GET, Q_THROTTLE_PUT, Q_THROTTLE_CLEAR,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_SESSION_INSERT] = "INSERT INTO sessions(" SESSION_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[Q_SESSION_GET] = "SELECT " SESSION_COLS " FROM sessions "
	    "WHERE token_hash = ?1",
	[Q_SESSION_GET_ID] = "SELECT " SESSION_COLS " FROM sessions "
	    "WHERE id = ?1",
	[Q_SESSION_TOUCH] = "UPDATE sessions SET last_seen = ?2 "
	    "WHERE id = ?1 AND last_seen < ?2",
	[Q_SESSION_DELETE] = "DELETE FROM sessions WHERE id = ?1",
	/* Tenant users' sessions only: an engineer may carry the same id. */
	[Q_SESSION_DELETE_PRINCIPAL] = "DELETE FROM sessions "
	    "WHERE principal_id = ?1 AND principal = 2",
	[Q_SESSION_DELETE_USER] = "DELETE FROM sessions "
	    "WHERE principal_id = ?2 AND principal = 2 AND tenant_id = ?1",
	[Q_LOGIN_INSERT] = "INSERT INTO logins(" LOGIN_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_LOGIN_GET] = "SELECT " LOGIN_COLS " FROM logins WHERE id = ?1",
	[Q_LOGIN_DELETE] = "DELETE FROM logins WHERE id = ?1",
	[Q_RESET_INSERT] = "INSERT INTO resets(" RESET_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_RESET_GET] = "SELECT " RESET_COLS " FROM resets "
	    "WHERE token_hash = ?1",
	[Q_RESET_DELETE] = "DELETE FROM resets WHERE token_hash = ?1",
	[Q_RESET_DELETE_USER] = "DELETE FROM resets WHERE tenant_id = ?1 "
	    "AND user_id = ?2",
	[Q_THROTTLE_GET] = "SELECT " THROTTLE_COLS " FROM throttle "
	    "WHERE key = ?1",
	[Q_THROTTLE_PUT] = "INSERT INTO throttle(" THROTTLE_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE "
	    "SET failures = excluded.failures, "
	    "last_failure = excluded.last_failure, "
	    "locked_until = excluded.locked_until",
	[Q_THROTTLE_CLEAR] = "DELETE FROM throttle WHERE key = ?1",
};

/* The statement for query q, prepared on first use. */
static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_AUTH, q, q_sql, e);
}

int
sqlite_session_insert(struct store_conn *c, const struct rec_session *r,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_session(s, r);
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
	sq_col_session(out, s);
	sq_done(s);
	return 0;
}

int
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

int
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

int
sqlite_session_delete(struct store_conn *c, const char *id, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_DELETE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return sq_exec_update(c, s, "session delete", e);
}

int
sqlite_session_delete_principal(struct store_conn *c,
    const char *principal_id, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_DELETE_PRINCIPAL, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, principal_id);
	return sq_exec_update(c, s, "session delete", e);
}

int
sqlite_session_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SESSION_DELETE_USER, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, user_id);
	return sq_exec(c, s, "session delete", e);
}

int
sqlite_login_insert(struct store_conn *c, const struct rec_login *l,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_LOGIN_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_login(s, l);
	return sq_exec(c, s, "login", e);
}

int
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
	sq_col_login(out, s);
	sq_done(s);
	return 0;
}

int
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

int
sqlite_reset_insert(struct store_conn *c, const struct rec_reset *r,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_RESET_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_reset(s, r);
	return sq_exec(c, s, "reset", e);
}

int
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
	sq_col_reset(out, s);
	sq_done(s);
	return 0;
}

int
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

int
sqlite_reset_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_RESET_DELETE_USER, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, user_id);
	return sq_exec(c, s, "resets", e);
}

int
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
	sq_col_throttle(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_throttle_put(struct store_conn *c, const struct rec_throttle *t,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_THROTTLE_PUT, e);

	if (s == NULL)
		return -1;
	sq_bind_throttle(s, t);
	return sq_exec(c, s, "throttle", e);
}

int
sqlite_throttle_clear(struct store_conn *c, const char *key, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_THROTTLE_CLEAR, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, key);
	return sq_exec(c, s, "throttle", e);
}
