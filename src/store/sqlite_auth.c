/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's authentication state: sessions, pending logins
 * (challenges), password-reset tokens and the login throttle; their sweeps,
 * and the start-up pass that seals TOTP seeds stored in clear.
 */
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "store/seal.h"
#include "store/sqlite_codec.h"
#include "store/sqlite_int.h"

enum q {
	Q_SESSION_INSERT, Q_SESSION_GET, Q_SESSION_GET_ID, Q_SESSION_TOUCH,
	Q_SESSION_DELETE, Q_SESSION_DELETE_USER,
	Q_LOGIN_INSERT, Q_LOGIN_GET, Q_LOGIN_DELETE,
	Q_RESET_INSERT, Q_RESET_GET, Q_RESET_DELETE, Q_RESET_DELETE_USER,
	Q_THROTTLE_GET, Q_THROTTLE_PUT, Q_THROTTLE_CLEAR,
	Q_LOGIN_SWEEP, Q_RESET_SWEEP, Q_THROTTLE_SWEEP, Q_THROTTLE_TRIM,
	Q_CLEAR_MARK, Q_CLEAR_UNMARK, Q_CLEAR_ENGINEERS, Q_CLEAR_USERS,
	Q_SEAL_ENGINEER, Q_SEAL_USER,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_SESSION_INSERT] = "INSERT INTO sessions(" SESSION_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[Q_SESSION_GET] = "SELECT " SESSION_COLS " FROM sessions "
	    "WHERE token_hash = ?1",
	[Q_SESSION_GET_ID] = "SELECT " SESSION_COLS " FROM sessions "
	    "WHERE id = ?1",
	[Q_SESSION_TOUCH] = "UPDATE sessions SET last_seen = ?2 "
	    "WHERE id = ?1 AND last_seen < ?2",
	[Q_SESSION_DELETE] = "DELETE FROM sessions WHERE id = ?1",
	/* A tenant user's sessions only: an engineer may carry the same id. */
	[Q_SESSION_DELETE_USER] = "DELETE FROM sessions "
	    "WHERE principal_id = ?2 AND principal = 2 AND tenant_id = ?1",
	[Q_LOGIN_INSERT] = "INSERT INTO logins(" LOGIN_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
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
	[Q_LOGIN_SWEEP] = "DELETE FROM logins WHERE expires <= ?1",
	[Q_RESET_SWEEP] = "DELETE FROM resets WHERE expires <= ?1",
	[Q_THROTTLE_SWEEP] = "DELETE FROM throttle WHERE last_failure < ?1 "
	    "AND locked_until <= ?2",
	/* Keys from ?1 up to (not including) ?2, all but the ?3 newest. */
	[Q_THROTTLE_TRIM] = "DELETE FROM throttle WHERE key >= ?1 "
	    "AND key < ?2 AND key NOT IN (SELECT key FROM throttle "
	    "WHERE key >= ?1 AND key < ?2 "
	    "ORDER BY last_failure DESC LIMIT ?3)",
	[Q_CLEAR_MARK] = "SELECT 1 FROM meta WHERE key = 'totp_clear'",
	[Q_CLEAR_UNMARK] = "DELETE FROM meta WHERE key = 'totp_clear'",
	[Q_CLEAR_ENGINEERS] = "SELECT id, totp_secret FROM engineers "
	    "WHERE totp_secret IS NOT NULL",
	[Q_CLEAR_USERS] = "SELECT tenant_id, id, totp_secret FROM users "
	    "WHERE totp_secret IS NOT NULL",
	[Q_SEAL_ENGINEER] = "UPDATE engineers SET totp_secret = ?2 "
	    "WHERE id = ?1",
	[Q_SEAL_USER] = "UPDATE users SET totp_secret = ?3 "
	    "WHERE tenant_id = ?1 AND id = ?2",
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

/* Deletes what statement q (bound to ?1 now, and ?2 for two-part ones)
 * matches; *n gets the count. */
static int
sweep(struct store_conn *c, enum q q, int64_t a, int64_t b, int64_t *n,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, q, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, a);
	if (q == Q_THROTTLE_SWEEP)
		sqlite3_bind_int64(s, 2, b);
	if (sq_exec(c, s, "sweep", e) == -1)
		return -1;
	*n += sqlite3_changes(c->db);
	return 0;
}

int
sqlite_auth_sweep(struct store_conn *c, int64_t now, int64_t idle_before,
    int64_t *removed, struct err *e)
{
	*removed = 0;
	if (sweep(c, Q_LOGIN_SWEEP, now, 0, removed, e) == -1 ||
	    sweep(c, Q_RESET_SWEEP, now, 0, removed, e) == -1 ||
	    sweep(c, Q_THROTTLE_SWEEP, idle_before, now, removed, e) == -1)
		return -1;
	return 0;
}

int
sqlite_throttle_trim(struct store_conn *c, const char *prefix, int64_t keep,
    int64_t *removed, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_THROTTLE_TRIM, e);
	char upto[REC_KEY_MAX];
	size_t n = strlen(prefix);

	*removed = 0;
	if (s == NULL)
		return -1;
	if (n == 0 || n >= sizeof(upto))
		return err_internal(e, "throttle trim: bad prefix");
	/* The first key past every key that starts with prefix. */
	memcpy(upto, prefix, n + 1);
	upto[n - 1]++;
	sq_bind_text(s, 1, prefix);
	sq_bind_text(s, 2, upto);
	sqlite3_bind_int64(s, 3, keep);
	if (sq_exec(c, s, "throttle trim", e) == -1)
		return -1;
	*removed = sqlite3_changes(c->db);
	return 0;
}

/* Seals every clear seed the query q lists (engineers, or users). */
static int
seal_rows(struct store_conn *c, enum q q, int64_t *sealed, struct err *e)
{
	int user = q == Q_CLEAR_USERS;
	sqlite3_stmt *s = stmt(c, q, e), *u;
	char tenant[ID_MAX] = "", id[ID_MAX];
	uint8_t clear[REC_TOTP_MAX], box[SEAL_MAX];
	size_t n, boxlen;
	int rc;

	if (s == NULL)
		return -1;
	u = stmt(c, user ? Q_SEAL_USER : Q_SEAL_ENGINEER, e);
	if (u == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (user)
			sq_col_text(tenant, sizeof(tenant), s, 0);
		sq_col_text(id, sizeof(id), s, user);
		sq_col_blob(clear, sizeof(clear), &n, s, user + 1);
		if (n == 0)
			continue;
		seal_secret(box, &boxlen, user ? SEAL_KIND_USER :
		    SEAL_KIND_ENGINEER, tenant, id, clear, n);
		sodium_memzero(clear, sizeof(clear));
		sq_bind_text(u, 1, user ? tenant : id);
		if (user)
			sq_bind_text(u, 2, id);
		sqlite3_bind_blob(u, user ? 3 : 2, box, (int)boxlen,
		    SQLITE_TRANSIENT);
		if (sq_exec(c, u, "seal", e) == -1) {
			sq_done(s);
			return -1;
		}
		(*sealed)++;
	}
	sq_done(s);
	return rc == SQLITE_DONE ? 0 : sq_fail(c, e, "seal");
}

int
sqlite_totp_seal_clear(struct store_conn *c, int64_t *sealed, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_CLEAR_MARK, e);
	int rc;

	*sealed = 0;
	if (s == NULL)
		return -1;
	rc = sq_step_row(c, s, "meta", e);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	sq_done(s);
	if (seal_rows(c, Q_CLEAR_ENGINEERS, sealed, e) == -1 ||
	    seal_rows(c, Q_CLEAR_USERS, sealed, e) == -1)
		return -1;
	s = stmt(c, Q_CLEAR_UNMARK, e);
	if (s == NULL)
		return -1;
	return sq_exec(c, s, "meta", e);
}
