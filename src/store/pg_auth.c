/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's authentication state (issue 15): sessions,
 * pending logins (challenges), password-reset tokens and the login
 * throttle; their sweeps, and the start-up pass that seals TOTP seeds
 * stored in clear.  The SQL of sqlite_auth.c, except that taking a login
 * or a reset token is one DELETE ... RETURNING: atomic on its own,
 * whoever else deletes the same row.
 *
 * throttle_get then throttle_put (auth/throttle.c) is a read and a
 * write: on the writer both run under the log head's row lock that every
 * writer transaction of every node holds, so they are serialised.
 */
#include <libpq-fe.h>
#include <sodium.h>
#include <string.h>

#include "store/pg_codec.h"
#include "store/pg_int.h"
#include "store/seal.h"

enum q {
	Q_SESSION_INSERT, Q_SESSION_GET, Q_SESSION_GET_ID, Q_SESSION_TOUCH,
	Q_SESSION_DELETE, Q_SESSION_DELETE_USER,
	Q_LOGIN_INSERT, Q_LOGIN_GET, Q_LOGIN_TAKE,
	Q_RESET_INSERT, Q_RESET_GET, Q_RESET_TAKE, Q_RESET_DELETE_USER,
	Q_THROTTLE_GET, Q_THROTTLE_PUT, Q_THROTTLE_CLEAR,
	Q_LOGIN_SWEEP, Q_RESET_SWEEP, Q_THROTTLE_SWEEP, Q_THROTTLE_TRIM,
	Q_CLEAR_MARK, Q_CLEAR_UNMARK, Q_CLEAR_ENGINEERS, Q_CLEAR_USERS,
	Q_SEAL_ENGINEER, Q_SEAL_USER,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_SESSION_INSERT] = "INSERT INTO sessions(" SESSION_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
	[Q_SESSION_GET] = "SELECT " SESSION_COLS " FROM sessions "
	    "WHERE token_hash = $1",
	[Q_SESSION_GET_ID] = "SELECT " SESSION_COLS " FROM sessions "
	    "WHERE id = $1",
	/* atomic: one statement, last_seen only moves forward. */
	[Q_SESSION_TOUCH] = "UPDATE sessions SET last_seen = $2 "
	    "WHERE id = $1 AND last_seen < $2",
	[Q_SESSION_DELETE] = "DELETE FROM sessions WHERE id = $1",
	/* A tenant user's sessions only: an engineer may carry the same id. */
	[Q_SESSION_DELETE_USER] = "DELETE FROM sessions "
	    "WHERE principal_id = $2 AND principal = 2 AND tenant_id = $1",
	[Q_LOGIN_INSERT] = "INSERT INTO logins(" LOGIN_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
	[Q_LOGIN_GET] = "SELECT " LOGIN_COLS " FROM logins WHERE id = $1",
	/* atomic: whoever deletes the row has it; nobody else sees it. */
	[Q_LOGIN_TAKE] = "DELETE FROM logins WHERE id = $1 "
	    "RETURNING " LOGIN_COLS,
	[Q_RESET_INSERT] = "INSERT INTO resets(" RESET_COLS ") "
	    "VALUES ($1, $2, $3, $4)",
	[Q_RESET_GET] = "SELECT " RESET_COLS " FROM resets "
	    "WHERE token_hash = $1",
	[Q_RESET_TAKE] = "DELETE FROM resets WHERE token_hash = $1 "
	    "RETURNING " RESET_COLS,
	[Q_RESET_DELETE_USER] = "DELETE FROM resets WHERE tenant_id = $1 "
	    "AND user_id = $2",
	[Q_THROTTLE_GET] = "SELECT " THROTTLE_COLS " FROM throttle "
	    "WHERE key = $1",
	[Q_THROTTLE_PUT] = "INSERT INTO throttle(" THROTTLE_COLS ") "
	    "VALUES ($1, $2, $3, $4) ON CONFLICT(key) DO UPDATE "
	    "SET failures = excluded.failures, "
	    "last_failure = excluded.last_failure, "
	    "locked_until = excluded.locked_until",
	[Q_THROTTLE_CLEAR] = "DELETE FROM throttle WHERE key = $1",
	[Q_LOGIN_SWEEP] = "DELETE FROM logins WHERE expires <= $1",
	[Q_RESET_SWEEP] = "DELETE FROM resets WHERE expires <= $1",
	[Q_THROTTLE_SWEEP] = "DELETE FROM throttle WHERE last_failure < $1 "
	    "AND locked_until <= $2",
	/* Keys from $1 up to (not including) $2, all but the $3 newest. */
	[Q_THROTTLE_TRIM] = "DELETE FROM throttle WHERE key >= $1 "
	    "AND key < $2 AND key NOT IN (SELECT key FROM throttle "
	    "WHERE key >= $1 AND key < $2 "
	    "ORDER BY last_failure DESC LIMIT $3)",
	[Q_CLEAR_MARK] = "SELECT 1 FROM meta WHERE key = 'totp_clear'",
	[Q_CLEAR_UNMARK] = "DELETE FROM meta WHERE key = 'totp_clear'",
	[Q_CLEAR_ENGINEERS] = "SELECT id, totp_secret FROM engineers "
	    "WHERE totp_secret IS NOT NULL",
	[Q_CLEAR_USERS] = "SELECT tenant_id, id, totp_secret FROM users "
	    "WHERE totp_secret IS NOT NULL",
	[Q_SEAL_ENGINEER] = "UPDATE engineers SET totp_secret = $2 "
	    "WHERE id = $1",
	[Q_SEAL_USER] = "UPDATE users SET totp_secret = $3 "
	    "WHERE tenant_id = $1 AND id = $2",
};

static int
run(struct store_conn *c, enum q q, const struct pg_params *p,
    PGresult **r, const char *what, struct err *e)
{
	return pg_run(c, PG_AUTH, (int)q, q_sql, p, r, what, e);
}

static int
exec(struct store_conn *c, enum q q, const struct pg_params *p,
    int64_t *n, const char *what, struct err *e)
{
	return pg_exec(c, PG_AUTH, (int)q, q_sql, p, n, what, e);
}

static int
row(struct store_conn *c, enum q q, const struct pg_params *p,
    PGresult **r, const char *what, struct err *e)
{
	return pg_row(c, PG_AUTH, (int)q, q_sql, p, r, what, e);
}

static int
update(struct store_conn *c, enum q q, const struct pg_params *p,
    const char *what, struct err *e)
{
	return pg_update(c, PG_AUTH, (int)q, q_sql, p, what, e);
}

static void
one(struct pg_params *p, const char *a)
{
	pg_params_init(p);
	pg_param_text(p, a);
}

static void
one_hash(struct pg_params *p, const uint8_t hash[TOKEN_HASH_LEN])
{
	pg_params_init(p);
	pg_param_blob(p, hash, TOKEN_HASH_LEN);
}

static void
two(struct pg_params *p, const char *a, const char *b)
{
	pg_params_init(p);
	pg_param_text(p, a);
	pg_param_text(p, b);
}

int
pg_session_insert(struct store_conn *c, const struct rec_session *r,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_session(&p, r);
	return exec(c, Q_SESSION_INSERT, &p, NULL, "session", e);
}

static int
read_session(struct store_conn *c, enum q q, const struct pg_params *p,
    struct rec_session *out, struct err *e)
{
	PGresult *r;
	int rc = row(c, q, p, &r, "session", e);

	if (rc != 0)
		return rc;
	pg_col_session(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_session_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_session *out,
    struct err *e)
{
	struct pg_params p;

	one_hash(&p, hash);
	return read_session(c, Q_SESSION_GET, &p, out, e);
}

int
pg_session_get_id(struct store_conn *c, const char *id,
    struct rec_session *out, struct err *e)
{
	struct pg_params p;
	int rc;

	one(&p, id);
	rc = read_session(c, Q_SESSION_GET_ID, &p, out, e);
	if (rc == 0)
		sodium_memzero(out->token_hash, sizeof(out->token_hash));
	return rc;
}

int
pg_session_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e)
{
	struct pg_params p;

	one(&p, id);
	pg_param_int(&p, when);
	return update(c, Q_SESSION_TOUCH, &p, "session touch", e);
}

int
pg_session_delete(struct store_conn *c, const char *id,
    struct err *e)
{
	struct pg_params p;

	one(&p, id);
	return update(c, Q_SESSION_DELETE, &p, "session delete", e);
}

int
pg_session_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e)
{
	struct pg_params p;

	two(&p, tenant_id, user_id);
	return exec(c, Q_SESSION_DELETE_USER, &p, NULL, "session delete", e);
}

int
pg_login_insert(struct store_conn *c, const struct rec_login *l,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_login(&p, l);
	return exec(c, Q_LOGIN_INSERT, &p, NULL, "login", e);
}

/* A login by id (Q_LOGIN_GET), or taken (Q_LOGIN_TAKE). */
static int
read_login(struct store_conn *c, enum q q, const char *id,
    struct rec_login *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	one(&p, id);
	rc = row(c, q, &p, &r, "login", e);
	if (rc != 0)
		return rc;
	pg_col_login(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_login_get(struct store_conn *c, const char *id,
    struct rec_login *out, struct err *e)
{
	return read_login(c, Q_LOGIN_GET, id, out, e);
}

int
pg_login_take(struct store_conn *c, const char *id,
    struct rec_login *out, struct err *e)
{
	return read_login(c, Q_LOGIN_TAKE, id, out, e);
}

int
pg_reset_insert(struct store_conn *c, const struct rec_reset *r,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_reset(&p, r);
	return exec(c, Q_RESET_INSERT, &p, NULL, "reset", e);
}

/* A reset token by hash (Q_RESET_GET), or taken (Q_RESET_TAKE). */
static int
read_reset(struct store_conn *c, enum q q,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
    struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	one_hash(&p, hash);
	rc = row(c, q, &p, &r, "reset", e);
	if (rc != 0)
		return rc;
	pg_col_reset(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_reset_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
    struct err *e)
{
	return read_reset(c, Q_RESET_GET, hash, out, e);
}

int
pg_reset_take(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
    struct err *e)
{
	return read_reset(c, Q_RESET_TAKE, hash, out, e);
}

int
pg_reset_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e)
{
	struct pg_params p;

	two(&p, tenant_id, user_id);
	return exec(c, Q_RESET_DELETE_USER, &p, NULL, "resets", e);
}

int
pg_throttle_get(struct store_conn *c, const char *key,
    struct rec_throttle *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	one(&p, key);
	rc = row(c, Q_THROTTLE_GET, &p, &r, "throttle", e);
	if (rc != 0)
		return rc;
	pg_col_throttle(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_throttle_put(struct store_conn *c, const struct rec_throttle *t,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_throttle(&p, t);
	return exec(c, Q_THROTTLE_PUT, &p, NULL, "throttle", e);
}

int
pg_throttle_clear(struct store_conn *c, const char *key,
    struct err *e)
{
	struct pg_params p;

	one(&p, key);
	return exec(c, Q_THROTTLE_CLEAR, &p, NULL, "throttle", e);
}

/* Deletes what statement q (on $1 = a, and $2 = b for the throttle)
 * matches; *n grows by the count. */
static int
sweep(struct store_conn *c, enum q q, int64_t a, int64_t b, int64_t *n,
    struct err *e)
{
	struct pg_params p;
	int64_t changed = 0;

	pg_params_init(&p);
	pg_param_int(&p, a);
	if (q == Q_THROTTLE_SWEEP)
		pg_param_int(&p, b);
	if (exec(c, q, &p, &changed, "sweep", e) == -1)
		return -1;
	*n += changed;
	return 0;
}

int
pg_auth_sweep(struct store_conn *c, int64_t now, int64_t idle_before,
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
pg_throttle_trim(struct store_conn *c, const char *prefix,
    int64_t keep, int64_t *removed, struct err *e)
{
	struct pg_params p;
	char upto[REC_KEY_MAX];
	size_t n = strlen(prefix);

	*removed = 0;
	if (n == 0 || n >= sizeof(upto))
		return err_internal(e, "throttle trim: bad prefix");
	/* The first key past every key that starts with prefix (bytewise:
	 * the column is COLLATE "C"). */
	memcpy(upto, prefix, n + 1);
	upto[n - 1]++;
	two(&p, prefix, upto);
	pg_param_int(&p, keep);
	return exec(c, Q_THROTTLE_TRIM, &p, removed, "throttle trim", e);
}

/* Seals every clear seed the query q lists (engineers, or users). */
static int
seal_rows(struct store_conn *c, enum q q, int64_t *sealed, struct err *e)
{
	int user = q == Q_CLEAR_USERS;
	char tenant[ID_MAX] = "", id[ID_MAX];
	uint8_t clear[REC_TOTP_MAX];
	struct pg_box box;
	struct pg_params p;
	PGresult *r;
	size_t n;
	int i, rows;

	if (run(c, q, NULL, &r, "seal", e) == -1)
		return -1;
	rows = PQntuples(r);
	for (i = 0; i < rows; i++) {
		if (user)
			pg_get_text(tenant, sizeof(tenant), r, i, 0);
		pg_get_text(id, sizeof(id), r, i, user);
		pg_col_blob(clear, sizeof(clear), &n, r, i, user + 1);
		if (n == 0)
			continue;
		seal_secret(box.b, &box.n, user ? SEAL_KIND_USER :
		    SEAL_KIND_ENGINEER, tenant, id, clear, n);
		sodium_memzero(clear, sizeof(clear));
		pg_params_init(&p);
		pg_param_text(&p, user ? tenant : id);
		if (user)
			pg_param_text(&p, id);
		pg_param_blob(&p, box.b, box.n);
		if (exec(c, user ? Q_SEAL_USER : Q_SEAL_ENGINEER, &p, NULL,
		    "seal", e) == -1) {
			PQclear(r);
			return -1;
		}
		(*sealed)++;
	}
	PQclear(r);
	return 0;
}

int
pg_totp_seal_clear(struct store_conn *c, int64_t *sealed,
    struct err *e)
{
	PGresult *r;
	int rc;

	*sealed = 0;
	rc = row(c, Q_CLEAR_MARK, NULL, &r, "meta", e);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	PQclear(r);
	if (seal_rows(c, Q_CLEAR_ENGINEERS, sealed, e) == -1 ||
	    seal_rows(c, Q_CLEAR_USERS, sealed, e) == -1)
		return -1;
	return exec(c, Q_CLEAR_UNMARK, NULL, NULL, "meta", e);
}
