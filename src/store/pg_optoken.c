/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's named operator tokens (as sqlite_optoken.c;
 * auth/optoken.h gives them meaning).  Only a token's SHA-256 is kept.  A
 * revoked token keeps its row: the log's entries name its id.  A name is
 * unique among live tokens by the partial unique index
 * operator_tokens_live_name, so a second live one is a 409 (23505).
 * Telling the other nodes about a new, revoked or rotated token is the
 * caller's (api_optoken.c announces STORE_NEWS_TOKENS).
 */
#include <string.h>

#include "store/pg_codec.h"
#include "store/pg_int.h"

#define OPTOKEN_COLS "id, name, scope, token_hash, created, created_by, " \
	"expires, revoked, revoked_by, last_used"

enum q {
	Q_INSERT, Q_GET_HASH, Q_GET_ID, Q_GET_NAME, Q_LIST, Q_REVOKE, Q_TOUCH,
	Q_END_ROOT,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_INSERT] = "INSERT INTO operator_tokens(id, name, scope, "
	    "token_hash, created, created_by, expires, last_used) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
	[Q_GET_HASH] = "SELECT " OPTOKEN_COLS " FROM operator_tokens "
	    "WHERE token_hash = $1",
	[Q_GET_ID] = "SELECT " OPTOKEN_COLS " FROM operator_tokens "
	    "WHERE id = $1",
	/* The live one first (true sorts after false), else the newest
	 * revoked. */
	[Q_GET_NAME] = "SELECT " OPTOKEN_COLS " FROM operator_tokens "
	    "WHERE name = $1 ORDER BY revoked IS NULL DESC, created DESC, "
	    "id DESC LIMIT 1",
	[Q_LIST] = "SELECT " OPTOKEN_COLS " FROM operator_tokens "
	    "ORDER BY created, id",
	[Q_REVOKE] = "UPDATE operator_tokens SET revoked = $2, "
	    "revoked_by = $3 WHERE id = $1 AND revoked IS NULL",
	[Q_TOUCH] = "UPDATE operator_tokens SET last_used = $2 "
	    "WHERE id = $1 AND last_used < $2",
	[Q_END_ROOT] = "DELETE FROM sessions WHERE principal = 3 "
	    "AND principal_id = 'operator'",
};

/* Row `row` of OPTOKEN_COLS; a NULL revoked reads 0 (live). */
static void
col_optoken(struct rec_optoken *out, const PGresult *r, int row)
{
	memset(out, 0, sizeof(*out));
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->name, sizeof(out->name), r, row, 1);
	out->scope = (int)pg_get_int(r, row, 2);
	pg_col_blob(out->token_hash, sizeof(out->token_hash), NULL, r, row,
	    3);
	out->created = pg_get_int(r, row, 4);
	pg_get_text(out->created_by, sizeof(out->created_by), r, row, 5);
	out->expires = pg_get_int(r, row, 6);
	out->revoked = pg_get_int(r, row, 7);
	pg_get_text(out->revoked_by, sizeof(out->revoked_by), r, row, 8);
	out->last_used = pg_get_int(r, row, 9);
}

int
pg_optoken_insert(struct store_conn *c, const struct rec_optoken *r,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, r->id);
	pg_param_text(&p, r->name);
	pg_param_int(&p, r->scope);
	pg_param_blob(&p, r->token_hash, TOKEN_HASH_LEN);
	pg_param_int(&p, r->created);
	pg_param_text(&p, r->created_by);
	pg_param_int(&p, r->expires);
	return pg_exec(c, PG_OPTOKEN, Q_INSERT, q_sql, &p, NULL,
	    "operator token", e);
}

/* One row of statement q; 1 when there is none. */
static int
get_one(struct store_conn *c, enum q q, const struct pg_params *p,
    struct rec_optoken *out, struct err *e)
{
	PGresult *r;
	int rc = pg_row(c, PG_OPTOKEN, q, q_sql, p, &r, "operator token", e);

	if (rc != 0)
		return rc;
	col_optoken(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_optoken_get_hash(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_optoken *out,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_blob(&p, hash, TOKEN_HASH_LEN);
	return get_one(c, Q_GET_HASH, &p, out, e);
}

int
pg_optoken_get(struct store_conn *c, const char *id_or_name,
    struct rec_optoken *out, struct err *e)
{
	struct pg_params p;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, id_or_name);
	rc = get_one(c, Q_GET_ID, &p, out, e);
	if (rc != 1)
		return rc;
	return get_one(c, Q_GET_NAME, &p, out, e);
}

int
pg_optoken_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_optoken *r), void *arg,
    struct err *e)
{
	struct rec_optoken rec;
	PGresult *r;
	int i, n;

	if (pg_run(c, PG_OPTOKEN, Q_LIST, q_sql, NULL, &r, "operator tokens",
	    e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		col_optoken(&rec, r, i);
		if (cb(arg, &rec) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_optoken_revoke(struct store_conn *c, const char *id, int64_t now,
    const char *by, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_int(&p, now);
	pg_param_text(&p, by);
	return pg_update(c, PG_OPTOKEN, Q_REVOKE, q_sql, &p,
	    "operator token revoke", e);
}

int
pg_optoken_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_int(&p, when);
	/* Not moving it (an older time, or no such token) is no error. */
	return pg_update(c, PG_OPTOKEN, Q_TOUCH, q_sql, &p,
	    "operator token use", e) == -1 ? -1 : 0;
}

int
pg_session_end_root_operator(struct store_conn *c, int64_t *n,
    struct err *e)
{
	int64_t ended = 0;

	if (n != NULL)
		*n = 0;
	if (pg_exec(c, PG_OPTOKEN, Q_END_ROOT, q_sql, NULL, &ended,
	    "end the root operator's sessions", e) == -1)
		return -1;
	if (n != NULL)
		*n = ended;
	return 0;
}
