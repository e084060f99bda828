/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's passkeys (WebAuthn credentials of every person)
 * and operator persons (migration 17; auth/passkey.h gives them meaning).
 */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite_int.h"

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

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_PK_INSERT] = "INSERT INTO passkeys(" PASSKEY_COLS ") VALUES (?1, "
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[Q_PK_GET] = "SELECT " PASSKEY_COLS " FROM passkeys WHERE id = ?1",
	[Q_PK_GET_CRED] = "SELECT " PASSKEY_COLS " FROM passkeys "
	    "WHERE cred_id = ?1",
	[Q_PK_LIST] = "SELECT " PASSKEY_COLS " FROM passkeys "
	    "WHERE principal = ?1 AND principal_id = ?2 AND tenant_id = ?3 "
	    "AND status = 0 ORDER BY created, id",
	[Q_PK_LIST_DEVICE] = "SELECT " PASSKEY_COLS " FROM passkeys "
	    "WHERE principal = ?1 AND principal_id = ?2 AND tenant_id = ?3 "
	    "AND device_id = ?4 AND status = 0 ORDER BY created, id",
	/* A counter that did not grow is refused, but 0 after 0: an
	 * authenticator without a counter (WebAuthn 6.1.1). */
	[Q_PK_USE] = "UPDATE passkeys SET sign_count = ?2, last_used = ?3 "
	    "WHERE id = ?1 AND status = 0 AND (sign_count < ?2 "
	    "OR (sign_count = 0 AND ?2 = 0))",
	[Q_PK_REMOVE] = "UPDATE passkeys SET status = 1 WHERE id = ?1 "
	    "AND principal = ?2 AND principal_id = ?3 AND tenant_id = ?4 "
	    "AND status = 0",
	/* Every active passkey matching what is given (NULL: any). */
	[Q_PK_REVOKE] = "UPDATE passkeys SET status = 1 WHERE status = 0 "
	    "AND (?1 IS NULL OR principal = ?1) "
	    "AND (?2 IS NULL OR principal_id = ?2) "
	    "AND (?3 IS NULL OR tenant_id = ?3) "
	    "AND (?4 IS NULL OR device_id = ?4) "
	    "AND (?5 IS NULL OR created_session = ?5)",
	[Q_OP_INSERT] = "INSERT INTO operators(" OPERATOR_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_OP_GET] = "SELECT " OPERATOR_COLS " FROM operators WHERE id = ?1",
	[Q_OP_LIST] = "SELECT " OPERATOR_COLS " FROM operators "
	    "ORDER BY created, id",
};

static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_PASSKEY, q, q_sql, e);
}

static void
col_passkey(struct rec_passkey *p, sqlite3_stmt *s)
{
	memset(p, 0, sizeof(*p));
	sq_col_text(p->id, sizeof(p->id), s, 0);
	sq_col_blob(p->cred_id, sizeof(p->cred_id), &p->cred_id_len, s, 1);
	p->principal = sqlite3_column_int(s, 2);
	sq_col_text(p->principal_id, sizeof(p->principal_id), s, 3);
	sq_col_text(p->tenant_id, sizeof(p->tenant_id), s, 4);
	sq_col_text(p->device_id, sizeof(p->device_id), s, 5);
	p->alg = sqlite3_column_int(s, 6);
	sq_col_blob(p->public_key, sizeof(p->public_key), &p->public_key_len,
	    s, 7);
	p->sign_count = sqlite3_column_int64(s, 8);
	p->backup_eligible = sqlite3_column_int(s, 9);
	sq_col_text(p->name, sizeof(p->name), s, 10);
	p->created = sqlite3_column_int64(s, 11);
	p->last_used = sqlite3_column_int64(s, 12);
	p->status = sqlite3_column_int(s, 13);
	sq_col_text(p->created_session, sizeof(p->created_session), s, 14);
}

int
sqlite_passkey_insert(struct store_conn *c, const struct rec_passkey *p,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_PK_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, p->id);
	sqlite3_bind_blob(s, 2, p->cred_id, (int)p->cred_id_len,
	    SQLITE_STATIC);
	sqlite3_bind_int(s, 3, p->principal);
	sq_bind_text(s, 4, p->principal_id);
	sq_bind_text(s, 5, p->tenant_id);
	sq_bind_text(s, 6, p->device_id);
	sqlite3_bind_int(s, 7, p->alg);
	sqlite3_bind_blob(s, 8, p->public_key, (int)p->public_key_len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, p->sign_count);
	sqlite3_bind_int(s, 10, p->backup_eligible);
	sq_bind_text(s, 11, p->name);
	sqlite3_bind_int64(s, 12, p->created);
	sqlite3_bind_int64(s, 13, p->last_used);
	sqlite3_bind_int(s, 14, p->status);
	sq_bind_text(s, 15, p->created_session);
	return sq_exec(c, s, "passkey", e);
}

static int
read_passkey(struct store_conn *c, sqlite3_stmt *s, struct rec_passkey *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "passkey", e);

	if (rc != 0)
		return rc;
	col_passkey(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_passkey_get(struct store_conn *c, const char *id,
    struct rec_passkey *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_PK_GET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return read_passkey(c, s, out, e);
}

int
sqlite_passkey_get_by_cred(struct store_conn *c, const uint8_t *cred,
    size_t len, struct rec_passkey *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_PK_GET_CRED, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, cred, (int)len, SQLITE_STATIC);
	return read_passkey(c, s, out, e);
}

int
sqlite_passkey_list(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    int (*cb)(void *arg, const struct rec_passkey *p), void *arg,
    struct err *e)
{
	int dev = device_id != NULL && device_id[0] != '\0';
	sqlite3_stmt *s = stmt(c, dev ? Q_PK_LIST_DEVICE : Q_PK_LIST, e);
	struct rec_passkey p;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, principal);
	sq_bind_text(s, 2, principal_id);
	sq_bind_text(s, 3, tenant_id);
	if (dev)
		sq_bind_text(s, 4, device_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col_passkey(&p, s);
		if (cb(arg, &p) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "passkeys");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_passkey_use(struct store_conn *c, const char *id, int64_t sign_count,
    int64_t now, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_PK_USE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, sign_count);
	sqlite3_bind_int64(s, 3, now);
	return sq_exec_update(c, s, "passkey", e);
}

int
sqlite_passkey_remove(struct store_conn *c, const char *id, int principal,
    const char *principal_id, const char *tenant_id, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_PK_REMOVE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int(s, 2, principal);
	sq_bind_text(s, 3, principal_id);
	sq_bind_text(s, 4, tenant_id);
	return sq_exec_update(c, s, "passkey", e);
}

static void
bind_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sq_bind_text(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

int
sqlite_passkey_revoke(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    const char *created_session, int64_t *n, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_PK_REVOKE, e);

	if (s == NULL)
		return -1;
	if (principal != 0)
		sqlite3_bind_int(s, 1, principal);
	else
		sqlite3_bind_null(s, 1);
	bind_or_null(s, 2, principal_id);
	bind_or_null(s, 3, tenant_id);
	bind_or_null(s, 4, device_id);
	bind_or_null(s, 5, created_session);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sq_fail(c, e, "passkey revoke");
		sq_done(s);
		return -1;
	}
	if (n != NULL)
		*n = sqlite3_changes(c->db);
	sq_done(s);
	return 0;
}

int
sqlite_operator_insert(struct store_conn *c, const struct rec_operator *o,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_OP_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, o->id);
	sq_bind_text(s, 2, o->username);
	sq_bind_text(s, 3, o->email);
	sqlite3_bind_int(s, 4, o->status);
	sqlite3_bind_int64(s, 5, o->created);
	return sq_exec(c, s, "operator", e);
}

static void
col_operator(struct rec_operator *o, sqlite3_stmt *s)
{
	memset(o, 0, sizeof(*o));
	sq_col_text(o->id, sizeof(o->id), s, 0);
	sq_col_text(o->username, sizeof(o->username), s, 1);
	sq_col_text(o->email, sizeof(o->email), s, 2);
	o->status = sqlite3_column_int(s, 3);
	o->created = sqlite3_column_int64(s, 4);
}

int
sqlite_operator_get(struct store_conn *c, const char *id,
    struct rec_operator *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_OP_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "operator", e);
	if (rc != 0)
		return rc;
	col_operator(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_operator_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_operator *o), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_OP_LIST, e);
	struct rec_operator o;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col_operator(&o, s);
		if (cb(arg, &o) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "operators");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}
