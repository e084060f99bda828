/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's named operator tokens (migration 21; auth/optoken.h
 * gives them meaning).  Only a token's SHA-256 is kept.  A revoked token
 * keeps its row: the log's entries name its id.
 */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite_int.h"

#define OPTOKEN_COLS "id, name, scope, token_hash, created, created_by, " \
	"expires, revoked, revoked_by, last_used"

enum q {
	Q_INSERT, Q_GET_HASH, Q_GET_ID, Q_GET_NAME, Q_LIST, Q_REVOKE, Q_TOUCH,
	Q_END_ROOT,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_INSERT] = "INSERT INTO operator_tokens(id, name, scope, "
	    "token_hash, created, created_by, expires, last_used) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
	[Q_GET_HASH] = "SELECT " OPTOKEN_COLS " FROM operator_tokens "
	    "WHERE token_hash = ?1",
	[Q_GET_ID] = "SELECT " OPTOKEN_COLS " FROM operator_tokens "
	    "WHERE id = ?1",
	/* The live one first, else the newest revoked. */
	[Q_GET_NAME] = "SELECT " OPTOKEN_COLS " FROM operator_tokens "
	    "WHERE name = ?1 ORDER BY revoked IS NULL DESC, created DESC, "
	    "id DESC LIMIT 1",
	[Q_LIST] = "SELECT " OPTOKEN_COLS " FROM operator_tokens "
	    "ORDER BY created, id",
	[Q_REVOKE] = "UPDATE operator_tokens SET revoked = ?2, "
	    "revoked_by = ?3 WHERE id = ?1 AND revoked IS NULL",
	[Q_TOUCH] = "UPDATE operator_tokens SET last_used = ?2 "
	    "WHERE id = ?1 AND last_used < ?2",
	[Q_END_ROOT] = "DELETE FROM sessions WHERE principal = 3 "
	    "AND principal_id = 'operator'",
};

static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_OPTOKEN, q, q_sql, e);
}

static void
col_optoken(struct rec_optoken *r, sqlite3_stmt *s)
{
	memset(r, 0, sizeof(*r));
	sq_col_text(r->id, sizeof(r->id), s, 0);
	sq_col_text(r->name, sizeof(r->name), s, 1);
	r->scope = sqlite3_column_int(s, 2);
	sq_col_blob(r->token_hash, sizeof(r->token_hash), NULL, s, 3);
	r->created = sqlite3_column_int64(s, 4);
	sq_col_text(r->created_by, sizeof(r->created_by), s, 5);
	r->expires = sqlite3_column_int64(s, 6);
	r->revoked = sqlite3_column_int64(s, 7);   /* NULL reads 0 */
	sq_col_text(r->revoked_by, sizeof(r->revoked_by), s, 8);
	r->last_used = sqlite3_column_int64(s, 9);
}

int
sqlite_optoken_insert(struct store_conn *c, const struct rec_optoken *r,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, r->id);
	sq_bind_text(s, 2, r->name);
	sqlite3_bind_int(s, 3, r->scope);
	sqlite3_bind_blob(s, 4, r->token_hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, r->created);
	sq_bind_text(s, 6, r->created_by);
	sqlite3_bind_int64(s, 7, r->expires);
	return sq_exec(c, s, "operator token", e);
}

/* One row of statement s (bound); 1 when there is none. */
static int
get_one(struct store_conn *c, sqlite3_stmt *s, struct rec_optoken *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "operator token", e);

	if (rc != 0)
		return rc;
	col_optoken(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_optoken_get_hash(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_optoken *out,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GET_HASH, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	return get_one(c, s, out, e);
}

int
sqlite_optoken_get(struct store_conn *c, const char *id_or_name,
    struct rec_optoken *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GET_ID, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id_or_name);
	rc = get_one(c, s, out, e);
	if (rc != 1)
		return rc;
	s = stmt(c, Q_GET_NAME, e);
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id_or_name);
	return get_one(c, s, out, e);
}

int
sqlite_optoken_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_optoken *r), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_LIST, e);
	struct rec_optoken r;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col_optoken(&r, s);
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "operator tokens");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_optoken_revoke(struct store_conn *c, const char *id, int64_t now,
    const char *by, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_REVOKE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	sq_bind_text(s, 3, by);
	return sq_exec_update(c, s, "operator token revoke", e);
}

int
sqlite_optoken_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TOUCH, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, when);
	rc = sq_exec_update(c, s, "operator token use", e);
	return rc == -1 ? -1 : 0;
}

int
sqlite_session_end_root_operator(struct store_conn *c, int64_t *n,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_END_ROOT, e);

	if (n != NULL)
		*n = 0;
	if (s == NULL)
		return -1;
	if (sq_exec(c, s, "end the root operator's sessions", e) == -1)
		return -1;
	if (n != NULL)
		*n = sqlite3_changes(c->db);
	return 0;
}
