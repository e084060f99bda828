/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's invitations (auth/invite.h): how a row is bound and
 * read, and the compare-and-set moves that make an invitation single use.
 * The pending TOTP seed is sealed for its row (store/seal.h, kind
 * "invitation", the invitation's tenant and id), so a copy of the file
 * yields no seed and a box moved to another row does not open there.
 */
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "store/seal.h"
#include "store/sqlite_codec.h"
#include "store/sqlite_int.h"

#define INVITATION_COLS "id, token_hash, kind, principal_id, tenant_id, " \
	"device_id, username, email, created_by, created, expires, used, " \
	"revoked, pending_totp, pending_password"
/* Listing never reads the pending secrets. */
#define INVITATION_LIST_COLS "id, token_hash, kind, principal_id, " \
	"tenant_id, device_id, username, email, created_by, created, " \
	"expires, used, revoked, NULL, NULL"
/* Still open at ?2 (now). */
#define INVITATION_OPEN "used = 0 AND revoked = 0 AND expires > ?2"

enum q {
	Q_INSERT, Q_GET, Q_GET_ID, Q_LIST, Q_LIST_TENANT, Q_SET_PENDING,
	Q_USE, Q_REVOKE, Q_REVOKE_PRINCIPAL, Q_SET_DEVICE,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_INSERT] = "INSERT INTO invitations(" INVITATION_COLS ") VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15)",
	[Q_GET] = "SELECT " INVITATION_COLS " FROM invitations "
	    "WHERE token_hash = ?1",
	[Q_GET_ID] = "SELECT " INVITATION_COLS " FROM invitations "
	    "WHERE id = ?1",
	[Q_LIST] = "SELECT " INVITATION_LIST_COLS " FROM invitations "
	    "ORDER BY created DESC, id",
	[Q_LIST_TENANT] = "SELECT " INVITATION_LIST_COLS " FROM invitations "
	    "WHERE tenant_id = ?1 ORDER BY created DESC, id",
	[Q_SET_PENDING] = "UPDATE invitations SET pending_totp = ?3, "
	    "pending_password = ?4 WHERE id = ?1 AND " INVITATION_OPEN,
	[Q_USE] = "UPDATE invitations SET used = ?2, pending_totp = NULL, "
	    "pending_password = NULL WHERE id = ?1 AND " INVITATION_OPEN,
	[Q_REVOKE] = "UPDATE invitations SET revoked = ?2, "
	    "pending_totp = NULL, pending_password = NULL "
	    "WHERE id = ?1 AND used = 0 AND revoked = 0",
	[Q_REVOKE_PRINCIPAL] = "UPDATE invitations SET revoked = ?2, "
	    "pending_totp = NULL, pending_password = NULL "
	    "WHERE kind = ?3 AND tenant_id = ?4 AND principal_id = ?1 "
	    "AND " INVITATION_OPEN,
	[Q_SET_DEVICE] = "UPDATE invitations SET device_id = ?3 "
	    "WHERE id = ?1 AND (device_id IS NULL OR device_id = '') AND "
	    INVITATION_OPEN,
};

static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_INVITE, q, q_sql, e);
}

static void
bind_invitation(sqlite3_stmt *s, const struct rec_invitation *r)
{
	sq_bind_text(s, 1, r->id);
	sqlite3_bind_blob(s, 2, r->token_hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, r->kind);
	sq_bind_text(s, 4, r->principal_id);
	sq_bind_text(s, 5, r->tenant_id);
	sq_bind_text(s, 6, r->device_id);
	sq_bind_text(s, 7, r->username);
	sq_bind_text(s, 8, r->email);
	sq_bind_text(s, 9, r->created_by);
	sqlite3_bind_int64(s, 10, r->created);
	sqlite3_bind_int64(s, 11, r->expires);
	sqlite3_bind_int64(s, 12, r->used);
	sqlite3_bind_int64(s, 13, r->revoked);
	sq_bind_totp(s, 14, &r->pending_totp, SEAL_KIND_INVITATION,
	    r->tenant_id, r->id);
	if (r->pending_password[0] != '\0')
		sq_bind_text(s, 15, r->pending_password);
	else
		sqlite3_bind_null(s, 15);
}

/* The row; a pending seed that does not open for it reads as none. */
static void
col_invitation(struct rec_invitation *out, sqlite3_stmt *s)
{
	uint8_t box[SEAL_MAX];
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_blob(out->token_hash, sizeof(out->token_hash), &n, s, 1);
	out->kind = sqlite3_column_int(s, 2);
	sq_col_text(out->principal_id, sizeof(out->principal_id), s, 3);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 4);
	sq_col_text(out->device_id, sizeof(out->device_id), s, 5);
	sq_col_text(out->username, sizeof(out->username), s, 6);
	sq_col_text(out->email, sizeof(out->email), s, 7);
	sq_col_text(out->created_by, sizeof(out->created_by), s, 8);
	out->created = sqlite3_column_int64(s, 9);
	out->expires = sqlite3_column_int64(s, 10);
	out->used = sqlite3_column_int64(s, 11);
	out->revoked = sqlite3_column_int64(s, 12);
	n = 0;
	sq_col_blob(box, sizeof(box), &n, s, 13);
	if (n == 0 || seal_open(out->pending_totp.secret,
	    sizeof(out->pending_totp.secret), &out->pending_totp.len,
	    SEAL_KIND_INVITATION, out->tenant_id, out->id, box, n) == -1)
		out->pending_totp.len = 0;
	sodium_memzero(box, sizeof(box));
	sq_col_text(out->pending_password, sizeof(out->pending_password), s,
	    14);
}

int
sqlite_invitation_insert(struct store_conn *c,
    const struct rec_invitation *r, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_INSERT, e);

	if (s == NULL)
		return -1;
	bind_invitation(s, r);
	return sq_exec(c, s, "invitation", e);
}

static int
get_one(struct store_conn *c, sqlite3_stmt *s, struct rec_invitation *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "invitation", e);

	if (rc != 0)
		return rc;
	col_invitation(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_invitation_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_invitation *out,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GET, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	return get_one(c, s, out, e);
}

int
sqlite_invitation_get_id(struct store_conn *c, const char *id,
    struct rec_invitation *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GET_ID, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return get_one(c, s, out, e);
}

int
sqlite_invitation_list(struct store_conn *c, const char *tenant_id,
    int (*cb)(void *arg, const struct rec_invitation *r), void *arg,
    struct err *e)
{
	struct rec_invitation r;
	sqlite3_stmt *s = stmt(c, tenant_id != NULL ? Q_LIST_TENANT : Q_LIST,
	    e);
	int rc;

	if (s == NULL)
		return -1;
	if (tenant_id != NULL)
		sq_bind_text(s, 1, tenant_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col_invitation(&r, s);
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "invitation list");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_invitation_set_pending(struct store_conn *c,
    const struct rec_invitation *r, int64_t now, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SET_PENDING, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, r->id);
	sqlite3_bind_int64(s, 2, now);
	sq_bind_totp(s, 3, &r->pending_totp, SEAL_KIND_INVITATION,
	    r->tenant_id, r->id);
	if (r->pending_password[0] != '\0')
		sq_bind_text(s, 4, r->pending_password);
	else
		sqlite3_bind_null(s, 4);
	return sq_exec_update(c, s, "invitation", e);
}

int
sqlite_invitation_use(struct store_conn *c, const char *id, int64_t now,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return sq_exec_update(c, s, "invitation", e);
}

int
sqlite_invitation_set_device(struct store_conn *c, const char *id,
    const char *device_id, int64_t now, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_SET_DEVICE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	sq_bind_text(s, 3, device_id);
	return sq_exec_update(c, s, "invitation", e);
}

int
sqlite_invitation_revoke(struct store_conn *c, const char *id, int64_t now,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_REVOKE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return sq_exec_update(c, s, "invitation", e);
}

int
sqlite_invitation_revoke_principal(struct store_conn *c, int kind,
    const char *tenant_id, const char *principal_id, int64_t now,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_REVOKE_PRINCIPAL, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, principal_id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int(s, 3, kind);
	sq_bind_text(s, 4, tenant_id);
	return sq_exec(c, s, "invitations", e);
}
