/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's invitations (as sqlite_invite.c; auth/invite.h):
 * how a row is bound and read, and the compare-and-set moves that make an
 * invitation single use, each one UPDATE whose WHERE carries the state it
 * moves from, so of two racing moves one matches the row.  The pending
 * TOTP seed is sealed for its row (store/seal.h, kind "invitation", the
 * invitation's tenant and id).
 */
#include <string.h>

#include "store/pg_codec.h"
#include "store/pg_int.h"

#define INVITATION_COLS "id, token_hash, kind, principal_id, tenant_id, " \
	"device_id, username, email, created_by, created, expires, used, " \
	"revoked, pending_totp, pending_password"
/* Listing never reads the pending secrets. */
#define INVITATION_LIST_COLS "id, token_hash, kind, principal_id, " \
	"tenant_id, device_id, username, email, created_by, created, " \
	"expires, used, revoked, NULL, NULL"
/* Still open at $2 (now). */
#define INVITATION_OPEN "used = 0 AND revoked = 0 AND expires > $2::int8"

enum q {
	Q_INSERT, Q_GET, Q_GET_ID, Q_LIST, Q_LIST_TENANT, Q_SET_PENDING,
	Q_USE, Q_REVOKE, Q_REVOKE_PRINCIPAL, Q_SET_DEVICE,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_INSERT] = "INSERT INTO invitations(" INVITATION_COLS ") VALUES "
	    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
	    "$15)",
	[Q_GET] = "SELECT " INVITATION_COLS " FROM invitations "
	    "WHERE token_hash = $1",
	[Q_GET_ID] = "SELECT " INVITATION_COLS " FROM invitations "
	    "WHERE id = $1",
	[Q_LIST] = "SELECT " INVITATION_LIST_COLS " FROM invitations "
	    "ORDER BY created DESC, id",
	[Q_LIST_TENANT] = "SELECT " INVITATION_LIST_COLS " FROM invitations "
	    "WHERE tenant_id = $1 ORDER BY created DESC, id",
	[Q_SET_PENDING] = "UPDATE invitations SET pending_totp = $3, "
	    "pending_password = $4 WHERE id = $1 AND " INVITATION_OPEN,
	[Q_USE] = "UPDATE invitations SET used = $2, pending_totp = NULL, "
	    "pending_password = NULL WHERE id = $1 AND " INVITATION_OPEN,
	[Q_REVOKE] = "UPDATE invitations SET revoked = $2, "
	    "pending_totp = NULL, pending_password = NULL "
	    "WHERE id = $1 AND used = 0 AND revoked = 0",
	[Q_REVOKE_PRINCIPAL] = "UPDATE invitations SET revoked = $2, "
	    "pending_totp = NULL, pending_password = NULL "
	    "WHERE kind = $3 AND tenant_id = $4 AND principal_id = $1 "
	    "AND " INVITATION_OPEN,
	[Q_SET_DEVICE] = "UPDATE invitations SET device_id = $3 "
	    "WHERE id = $1 AND (device_id IS NULL OR device_id = '') AND "
	    INVITATION_OPEN,
};

/* The pending password hash, or NULL when none is chosen. */
static void
bind_password(struct pg_params *p, const char *hash)
{
	if (hash[0] != '\0')
		pg_param_text(p, hash);
	else
		pg_param_null(p);
}

/* Binds INVITATION_COLS; box receives the sealed seed. */
static void
bind_invitation(struct pg_params *p, struct pg_box *box,
    const struct rec_invitation *r)
{
	pg_param_text(p, r->id);
	pg_param_blob(p, r->token_hash, TOKEN_HASH_LEN);
	pg_param_int(p, r->kind);
	pg_param_text(p, r->principal_id);
	pg_param_text(p, r->tenant_id);
	pg_param_text(p, r->device_id);
	pg_param_text(p, r->username);
	pg_param_text(p, r->email);
	pg_param_text(p, r->created_by);
	pg_param_int(p, r->created);
	pg_param_int(p, r->expires);
	pg_param_int(p, r->used);
	pg_param_int(p, r->revoked);
	pg_bind_totp(p, box, &r->pending_totp, SEAL_KIND_INVITATION,
	    r->tenant_id, r->id);
	bind_password(p, r->pending_password);
}

/* Row `row`; a pending seed that does not open for it reads as none. */
static void
col_invitation(struct rec_invitation *out, const PGresult *r, int row)
{
	memset(out, 0, sizeof(*out));
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_col_blob(out->token_hash, sizeof(out->token_hash), NULL, r, row,
	    1);
	out->kind = (int)pg_get_int(r, row, 2);
	pg_get_text(out->principal_id, sizeof(out->principal_id), r, row, 3);
	pg_get_text(out->tenant_id, sizeof(out->tenant_id), r, row, 4);
	pg_get_text(out->device_id, sizeof(out->device_id), r, row, 5);
	pg_get_text(out->username, sizeof(out->username), r, row, 6);
	pg_get_text(out->email, sizeof(out->email), r, row, 7);
	pg_get_text(out->created_by, sizeof(out->created_by), r, row, 8);
	out->created = pg_get_int(r, row, 9);
	out->expires = pg_get_int(r, row, 10);
	out->used = pg_get_int(r, row, 11);
	out->revoked = pg_get_int(r, row, 12);
	pg_col_totp(&out->pending_totp, r, row, 13, SEAL_KIND_INVITATION,
	    out->tenant_id, out->id);
	pg_get_text(out->pending_password, sizeof(out->pending_password), r,
	    row, 14);
}

int
pg_invitation_insert(struct store_conn *c, const struct rec_invitation *r,
    struct err *e)
{
	struct pg_params p;
	struct pg_box box;

	pg_params_init(&p);
	bind_invitation(&p, &box, r);
	return pg_exec(c, PG_INVITE, Q_INSERT, q_sql, &p, NULL, "invitation",
	    e);
}

static int
get_one(struct store_conn *c, enum q q, const struct pg_params *p,
    struct rec_invitation *out, struct err *e)
{
	PGresult *r;
	int rc = pg_row(c, PG_INVITE, q, q_sql, p, &r, "invitation", e);

	if (rc != 0)
		return rc;
	col_invitation(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_invitation_get(struct store_conn *c, const uint8_t hash[TOKEN_HASH_LEN],
    struct rec_invitation *out, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_blob(&p, hash, TOKEN_HASH_LEN);
	return get_one(c, Q_GET, &p, out, e);
}

int
pg_invitation_get_id(struct store_conn *c, const char *id,
    struct rec_invitation *out, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	return get_one(c, Q_GET_ID, &p, out, e);
}

int
pg_invitation_list(struct store_conn *c, const char *tenant_id,
    int (*cb)(void *arg, const struct rec_invitation *r), void *arg,
    struct err *e)
{
	struct rec_invitation rec;
	struct pg_params p;
	PGresult *r;
	int i, n;

	pg_params_init(&p);
	if (tenant_id != NULL)
		pg_param_text(&p, tenant_id);
	if (pg_run(c, PG_INVITE, tenant_id != NULL ? Q_LIST_TENANT : Q_LIST,
	    q_sql, &p, &r, "invitation list", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		col_invitation(&rec, r, i);
		if (cb(arg, &rec) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_invitation_set_pending(struct store_conn *c,
    const struct rec_invitation *r, int64_t now, struct err *e)
{
	struct pg_params p;
	struct pg_box box;

	pg_params_init(&p);
	pg_param_text(&p, r->id);
	pg_param_int(&p, now);
	pg_bind_totp(&p, &box, &r->pending_totp, SEAL_KIND_INVITATION,
	    r->tenant_id, r->id);
	bind_password(&p, r->pending_password);
	return pg_update(c, PG_INVITE, Q_SET_PENDING, q_sql, &p,
	    "invitation", e);
}

int
pg_invitation_use(struct store_conn *c, const char *id, int64_t now,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_int(&p, now);
	return pg_update(c, PG_INVITE, Q_USE, q_sql, &p, "invitation", e);
}

int
pg_invitation_set_device(struct store_conn *c, const char *id,
    const char *device_id, int64_t now, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_int(&p, now);
	pg_param_text(&p, device_id);
	return pg_update(c, PG_INVITE, Q_SET_DEVICE, q_sql, &p, "invitation",
	    e);
}

int
pg_invitation_revoke(struct store_conn *c, const char *id, int64_t now,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_int(&p, now);
	return pg_update(c, PG_INVITE, Q_REVOKE, q_sql, &p, "invitation", e);
}

int
pg_invitation_revoke_principal(struct store_conn *c, int kind,
    const char *tenant_id, const char *principal_id, int64_t now,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, principal_id);
	pg_param_int(&p, now);
	pg_param_int(&p, kind);
	pg_param_text(&p, tenant_id);
	return pg_exec(c, PG_INVITE, Q_REVOKE_PRINCIPAL, q_sql, &p, NULL,
	    "invitations", e);
}
