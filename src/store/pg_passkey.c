/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's passkeys (WebAuthn credentials of every person)
 * and operator persons (as sqlite_passkey.c; auth/passkey.h gives them
 * meaning).  A use is one UPDATE that accepts a counter only while it
 * grows, so of two racing uses of one assertion one wins.
 */
#include <string.h>

#include "store/pg_codec.h"
#include "store/pg_int.h"

#define PASSKEY_COLS "id, cred_id, principal, principal_id, tenant_id, " \
	"device_id, alg, public_key, sign_count, backup_eligible, name, " \
	"created, last_used, status, created_session"
#define OPERATOR_COLS "id, username, email, status, created"

enum q {
	Q_PK_INSERT, Q_PK_GET, Q_PK_GET_CRED, Q_PK_LIST, Q_PK_LIST_DEVICE,
	Q_PK_USE, Q_PK_REMOVE, Q_PK_REVOKE,
	Q_OP_INSERT, Q_OP_GET, Q_OP_LIST,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_PK_INSERT] = "INSERT INTO passkeys(" PASSKEY_COLS ") VALUES ($1, "
	    "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
	[Q_PK_GET] = "SELECT " PASSKEY_COLS " FROM passkeys WHERE id = $1",
	[Q_PK_GET_CRED] = "SELECT " PASSKEY_COLS " FROM passkeys "
	    "WHERE cred_id = $1",
	[Q_PK_LIST] = "SELECT " PASSKEY_COLS " FROM passkeys "
	    "WHERE principal = $1 AND principal_id = $2 AND tenant_id = $3 "
	    "AND status = 0 ORDER BY created, id",
	[Q_PK_LIST_DEVICE] = "SELECT " PASSKEY_COLS " FROM passkeys "
	    "WHERE principal = $1 AND principal_id = $2 AND tenant_id = $3 "
	    "AND device_id = $4 AND status = 0 ORDER BY created, id",
	/* A counter that did not grow is refused, but 0 after 0: an
	 * authenticator without a counter (WebAuthn 6.1.1). */
	[Q_PK_USE] = "UPDATE passkeys SET sign_count = $2::int8, "
	    "last_used = $3 WHERE id = $1 AND status = 0 AND "
	    "(sign_count < $2::int8 OR (sign_count = 0 AND $2::int8 = 0))",
	[Q_PK_REMOVE] = "UPDATE passkeys SET status = 1 WHERE id = $1 "
	    "AND principal = $2 AND principal_id = $3 AND tenant_id = $4 "
	    "AND status = 0",
	/* Every active passkey matching what is given (NULL: any). */
	[Q_PK_REVOKE] = "UPDATE passkeys SET status = 1 WHERE status = 0 "
	    "AND ($1::int8 IS NULL OR principal = $1::int8) "
	    "AND ($2::text IS NULL OR principal_id = $2::text) "
	    "AND ($3::text IS NULL OR tenant_id = $3::text) "
	    "AND ($4::text IS NULL OR device_id = $4::text) "
	    "AND ($5::text IS NULL OR created_session = $5::text)",
	[Q_OP_INSERT] = "INSERT INTO operators(" OPERATOR_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5)",
	[Q_OP_GET] = "SELECT " OPERATOR_COLS " FROM operators WHERE id = $1",
	[Q_OP_LIST] = "SELECT " OPERATOR_COLS " FROM operators "
	    "ORDER BY created, id",
};

/* Row `row` of PASSKEY_COLS. */
static void
col_passkey(struct rec_passkey *out, const PGresult *r, int row)
{
	memset(out, 0, sizeof(*out));
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_col_blob(out->cred_id, sizeof(out->cred_id), &out->cred_id_len, r,
	    row, 1);
	out->principal = (int)pg_get_int(r, row, 2);
	pg_get_text(out->principal_id, sizeof(out->principal_id), r, row, 3);
	pg_get_text(out->tenant_id, sizeof(out->tenant_id), r, row, 4);
	pg_get_text(out->device_id, sizeof(out->device_id), r, row, 5);
	out->alg = (int)pg_get_int(r, row, 6);
	pg_col_blob(out->public_key, sizeof(out->public_key),
	    &out->public_key_len, r, row, 7);
	out->sign_count = pg_get_int(r, row, 8);
	out->backup_eligible = (int)pg_get_int(r, row, 9);
	pg_get_text(out->name, sizeof(out->name), r, row, 10);
	out->created = pg_get_int(r, row, 11);
	out->last_used = pg_get_int(r, row, 12);
	out->status = (int)pg_get_int(r, row, 13);
	pg_get_text(out->created_session, sizeof(out->created_session), r,
	    row, 14);
}

int
pg_passkey_insert(struct store_conn *c, const struct rec_passkey *pk,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, pk->id);
	pg_param_blob(&p, pk->cred_id, pk->cred_id_len);
	pg_param_int(&p, pk->principal);
	pg_param_text(&p, pk->principal_id);
	pg_param_text(&p, pk->tenant_id);
	pg_param_text(&p, pk->device_id);
	pg_param_int(&p, pk->alg);
	pg_param_blob(&p, pk->public_key, pk->public_key_len);
	pg_param_int(&p, pk->sign_count);
	pg_param_int(&p, pk->backup_eligible);
	pg_param_text(&p, pk->name);
	pg_param_int(&p, pk->created);
	pg_param_int(&p, pk->last_used);
	pg_param_int(&p, pk->status);
	pg_param_text(&p, pk->created_session);
	return pg_exec(c, PG_PASSKEY, Q_PK_INSERT, q_sql, &p, NULL, "passkey",
	    e);
}

static int
read_passkey(struct store_conn *c, enum q q, const struct pg_params *p,
    struct rec_passkey *out, struct err *e)
{
	PGresult *r;
	int rc = pg_row(c, PG_PASSKEY, q, q_sql, p, &r, "passkey", e);

	if (rc != 0)
		return rc;
	col_passkey(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_passkey_get(struct store_conn *c, const char *id,
    struct rec_passkey *out, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	return read_passkey(c, Q_PK_GET, &p, out, e);
}

int
pg_passkey_get_by_cred(struct store_conn *c, const uint8_t *cred,
    size_t len, struct rec_passkey *out, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_blob(&p, cred, len);
	return read_passkey(c, Q_PK_GET_CRED, &p, out, e);
}

int
pg_passkey_list(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    int (*cb)(void *arg, const struct rec_passkey *p), void *arg,
    struct err *e)
{
	int dev = device_id != NULL && device_id[0] != '\0';
	struct rec_passkey pk;
	struct pg_params p;
	PGresult *r;
	int i, n;

	pg_params_init(&p);
	pg_param_int(&p, principal);
	pg_param_text(&p, principal_id);
	pg_param_text(&p, tenant_id);
	if (dev)
		pg_param_text(&p, device_id);
	if (pg_run(c, PG_PASSKEY, dev ? Q_PK_LIST_DEVICE : Q_PK_LIST, q_sql,
	    &p, &r, "passkeys", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		col_passkey(&pk, r, i);
		if (cb(arg, &pk) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_passkey_use(struct store_conn *c, const char *id, int64_t sign_count,
    int64_t now, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_int(&p, sign_count);
	pg_param_int(&p, now);
	return pg_update(c, PG_PASSKEY, Q_PK_USE, q_sql, &p, "passkey", e);
}

int
pg_passkey_remove(struct store_conn *c, const char *id, int principal,
    const char *principal_id, const char *tenant_id, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_int(&p, principal);
	pg_param_text(&p, principal_id);
	pg_param_text(&p, tenant_id);
	return pg_update(c, PG_PASSKEY, Q_PK_REMOVE, q_sql, &p, "passkey",
	    e);
}

int
pg_passkey_revoke(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    const char *created_session, int64_t *n, struct err *e)
{
	struct pg_params p;
	int64_t ended = 0;

	pg_params_init(&p);
	if (principal != 0)
		pg_param_int(&p, principal);
	else
		pg_param_null(&p);
	/* A NULL text is SQL NULL: any. */
	pg_param_text(&p, principal_id);
	pg_param_text(&p, tenant_id);
	pg_param_text(&p, device_id);
	pg_param_text(&p, created_session);
	if (pg_exec(c, PG_PASSKEY, Q_PK_REVOKE, q_sql, &p, &ended,
	    "passkey revoke", e) == -1)
		return -1;
	if (n != NULL)
		*n = ended;
	return 0;
}

int
pg_operator_insert(struct store_conn *c, const struct rec_operator *o,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, o->id);
	pg_param_text(&p, o->username);
	pg_param_text(&p, o->email);
	pg_param_int(&p, o->status);
	pg_param_int(&p, o->created);
	return pg_exec(c, PG_PASSKEY, Q_OP_INSERT, q_sql, &p, NULL,
	    "operator", e);
}

/* Row `row` of OPERATOR_COLS. */
static void
col_operator(struct rec_operator *out, const PGresult *r, int row)
{
	memset(out, 0, sizeof(*out));
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->username, sizeof(out->username), r, row, 1);
	pg_get_text(out->email, sizeof(out->email), r, row, 2);
	out->status = (int)pg_get_int(r, row, 3);
	out->created = pg_get_int(r, row, 4);
}

int
pg_operator_get(struct store_conn *c, const char *id,
    struct rec_operator *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, id);
	rc = pg_row(c, PG_PASSKEY, Q_OP_GET, q_sql, &p, &r, "operator", e);
	if (rc != 0)
		return rc;
	col_operator(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_operator_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_operator *o), void *arg,
    struct err *e)
{
	struct rec_operator o;
	PGresult *r;
	int i, n;

	if (pg_run(c, PG_PASSKEY, Q_OP_LIST, q_sql, NULL, &r, "operators",
	    e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		col_operator(&o, r, i);
		if (cb(arg, &o) != 0)
			break;
	}
	PQclear(r);
	return 0;
}
