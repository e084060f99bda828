/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's directory (issue 15): vendors, their engineers
 * and devices, tenants (and their settings), tenants' users and tickets.
 * Statement for statement the SQL of sqlite_directory.c, with the same
 * results and order; rows pass through the row codec (pg_codec.h).
 */
#include <libpq-fe.h>
#include <string.h>

#include "store/pg_codec.h"
#include "store/pg_int.h"
#include "store/seal.h"

enum q {
	Q_VENDOR_INSERT, Q_VENDOR_GET,
	Q_ENGINEER_INSERT, Q_ENGINEER_GET, Q_ENGINEER_GET_BY_USERNAME,
	Q_ENGINEER_USE_STEP, Q_ENGINEER_SET_SECRETS,
	Q_DEVICE_INSERT, Q_DEVICE_GET,
	Q_TENANT_INSERT, Q_TENANT_GET, Q_TENANT_SET_POLICY, Q_TENANT_BY_POLICY,
	Q_USER_INSERT, Q_USER_GET, Q_USER_GET_BY_USERNAME, Q_USER_LIST,
	Q_USER_SET_PASSWORD, Q_USER_SET_TOTP, Q_USER_USE_STEP, Q_USER_DELETE,
	Q_TICKET_INSERT, Q_TICKET_GET, Q_TICKET_LIST,
	Q_VENDOR_LIST, Q_ENGINEER_LIST, Q_DEVICE_LIST, Q_TENANT_PAGE,
	Q_VENDOR_SET_STATUS, Q_ENGINEER_SET_STATUS, Q_ENGINEER_OFFBOARD_VENDOR,
	Q_ENGINEER_SET_EMAIL, Q_DEVICE_REVOKE, Q_DEVICE_REVOKE_ENGINEER,
	Q_DEVICE_REVOKE_VENDOR, Q_APPROVAL_CANCEL_ENGINEER,
	Q_APPROVAL_CANCEL_VENDOR, Q_USER_PAGE,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_VENDOR_INSERT] = "INSERT INTO vendors(" VENDOR_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5)",
	[Q_VENDOR_GET] = "SELECT " VENDOR_COLS " FROM vendors WHERE id = $1",
	[Q_ENGINEER_INSERT] = "INSERT INTO engineers(" ENGINEER_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
	[Q_ENGINEER_GET] = "SELECT " ENGINEER_COLS " FROM engineers "
	    "WHERE id = $1",
	[Q_ENGINEER_GET_BY_USERNAME] = "SELECT " ENGINEER_COLS
	    " FROM engineers WHERE username = $1",
	/* atomic: one statement, a compare-and-set. */
	[Q_ENGINEER_USE_STEP] = "UPDATE engineers SET totp_last_step = $2 "
	    "WHERE id = $1 AND totp_last_step < $2",
	[Q_ENGINEER_SET_SECRETS] = "UPDATE engineers SET password_hash = $2, "
	    "totp_secret = $3, totp_last_step = $4 WHERE id = $1",
	[Q_DEVICE_INSERT] = "INSERT INTO devices(" DEVICE_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5, $6)",
	[Q_DEVICE_GET] = "SELECT " DEVICE_COLS " FROM devices WHERE id = $1",
	[Q_TENANT_INSERT] = "INSERT INTO tenants(" TENANT_NEW_COLS ") "
	    "VALUES ($1, $2, $3, $4)",
	[Q_TENANT_GET] = "SELECT " TENANT_COLS " FROM tenants WHERE id = $1",
	[Q_TENANT_SET_POLICY] = "UPDATE tenants SET policy = $2, "
	    "max_minutes = $3, second_approver = $4, sensitive = $5 "
	    "WHERE id = $1",
	[Q_TENANT_BY_POLICY] = "SELECT " TENANT_COLS " FROM tenants "
	    "ORDER BY id",
	[Q_USER_INSERT] = "INSERT INTO users(" USER_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
	[Q_USER_GET] = "SELECT " USER_COLS " FROM users "
	    "WHERE tenant_id = $1 AND id = $2",
	[Q_USER_GET_BY_USERNAME] = "SELECT " USER_COLS " FROM users "
	    "WHERE tenant_id = $1 AND username = $2",
	[Q_USER_LIST] = "SELECT " USER_LIST_COLS " FROM users "
	    "WHERE tenant_id = $1 ORDER BY id",
	[Q_USER_SET_PASSWORD] = "UPDATE users SET password_hash = $3 "
	    "WHERE tenant_id = $1 AND id = $2",
	[Q_USER_SET_TOTP] = "UPDATE users SET totp_secret = $3, "
	    "totp_last_step = $4, mfa_enrolled = $5 "
	    "WHERE tenant_id = $1 AND id = $2",
	/* atomic: one statement, a compare-and-set. */
	[Q_USER_USE_STEP] = "UPDATE users SET totp_last_step = $3 "
	    "WHERE tenant_id = $1 AND id = $2 AND totp_last_step < $3",
	[Q_USER_DELETE] = "DELETE FROM users WHERE tenant_id = $1 AND id = $2",
	[Q_TICKET_INSERT] = "INSERT INTO tickets(" TICKET_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
	[Q_TICKET_GET] = "SELECT " TICKET_COLS " FROM tickets "
	    "WHERE tenant_id = $1 AND id = $2",
	[Q_TICKET_LIST] = "SELECT " TICKET_LIST_COLS " FROM tickets "
	    "WHERE tenant_id = $1 ORDER BY id",
	[Q_VENDOR_LIST] = "SELECT " VENDOR_COLS " FROM vendors ORDER BY name",
	/* The secret columns are never read for a list. */
	[Q_ENGINEER_LIST] = "SELECT id, username, vendor_id, '', NULL, 0, "
	    "status, created, email, status_changed FROM engineers "
	    "ORDER BY username",
	[Q_DEVICE_LIST] = "SELECT " DEVICE_COLS " FROM devices "
	    "ORDER BY engineer_id, id",
	/* By the primary key from $2 on; the filter is a substring, ASCII
	 * case-folded: under COLLATE "C" lower() folds ASCII only, as
	 * SQLite's does.  The parameter is given that collation too, or
	 * a database whose default is another (C.UTF-8, en_US) would fold
	 * the query's non-ASCII letters and not the name's. */
	[Q_TENANT_PAGE] = "SELECT " TENANT_COLS " FROM tenants "
	    "WHERE id > $2::text AND ($1::text = '' OR "
	    "strpos(lower(name), lower($1::text COLLATE \"C\")) > 0) "
	    "ORDER BY id LIMIT $3",
	/* An offboarded one stays so (directory/lifecycle.h). */
	[Q_VENDOR_SET_STATUS] = "UPDATE vendors SET status = $2, "
	    "status_changed = $3 WHERE id = $1 AND status <> 2",
	[Q_ENGINEER_SET_STATUS] = "UPDATE engineers SET status = $2, "
	    "status_changed = $3 WHERE id = $1 AND status <> 2",
	[Q_ENGINEER_OFFBOARD_VENDOR] = "UPDATE engineers SET status = 2, "
	    "status_changed = $2 WHERE vendor_id = $1 AND status <> 2",
	[Q_ENGINEER_SET_EMAIL] = "UPDATE engineers SET email = $2 "
	    "WHERE id = $1",
	[Q_DEVICE_REVOKE] = "UPDATE devices SET revoked = $2 "
	    "WHERE id = $1 AND revoked = 0",
	[Q_DEVICE_REVOKE_ENGINEER] = "UPDATE devices SET revoked = $2 "
	    "WHERE engineer_id = $1 AND revoked = 0",
	[Q_DEVICE_REVOKE_VENDOR] = "UPDATE devices SET revoked = $2 "
	    "WHERE revoked = 0 AND engineer_id IN "
	    "(SELECT id FROM engineers WHERE vendor_id = $1)",
	/* As sqlite_directory.c: open second approvals end as expired now,
	 * and so do approved, unused ones the engineer gave to another
	 * vendor's engineer (issue 14, F3). */
	[Q_APPROVAL_CANCEL_ENGINEER] = "UPDATE approvals SET state = 4, "
	    "deadline = $2, decided = $2, decided_by = $3 "
	    "WHERE deadline > $2 AND ((engineer_id = $1 AND state IN (0, 1)) "
	    "OR (state = 1 AND decided_by = $1 AND vendor_id <> "
	    "(SELECT vendor_id FROM engineers WHERE id = $1)))",
	[Q_APPROVAL_CANCEL_VENDOR] = "UPDATE approvals SET state = 4, "
	    "deadline = $2, decided = $2, decided_by = $3 "
	    "WHERE deadline > $2 AND ((vendor_id = $1 AND state IN (0, 1)) "
	    "OR (state = 1 AND vendor_id <> $1 AND decided_by IN "
	    "(SELECT id FROM engineers WHERE vendor_id = $1)))",
	/* A page of a tenant's users, filtered in SQL (issue 14, F6b). */
	[Q_USER_PAGE] = "SELECT " USER_LIST_COLS " FROM users "
	    "WHERE tenant_id = $1 AND id > $4::text AND ($2::text = '' OR "
	    "strpos(lower(id), lower($2::text COLLATE \"C\")) > 0 OR "
	    "strpos(lower(username), lower($2::text COLLATE \"C\")) > 0 OR "
	    "strpos(lower(email), lower($2::text COLLATE \"C\")) > 0) "
	    "AND ($3::int8 = -1 OR "
	    "($3::int8 = 0 AND status = 0) OR ($3::int8 = 1 AND status <> 0)) "
	    "ORDER BY id LIMIT $5",
};

static int
run(struct store_conn *c, enum q q, const struct pg_params *p,
    PGresult **r, const char *what, struct err *e)
{
	return pg_run(c, PG_DIRECTORY, (int)q, q_sql, p, r, what, e);
}

static int
exec(struct store_conn *c, enum q q, const struct pg_params *p,
    int64_t *n, const char *what, struct err *e)
{
	return pg_exec(c, PG_DIRECTORY, (int)q, q_sql, p, n, what, e);
}

static int
row(struct store_conn *c, enum q q, const struct pg_params *p,
    PGresult **r, const char *what, struct err *e)
{
	return pg_row(c, PG_DIRECTORY, (int)q, q_sql, p, r, what, e);
}

static int
update(struct store_conn *c, enum q q, const struct pg_params *p,
    const char *what, struct err *e)
{
	return pg_update(c, PG_DIRECTORY, (int)q, q_sql, p, what, e);
}

/* A statement with one text parameter. */
static void
one(struct pg_params *p, const char *a)
{
	pg_params_init(p);
	pg_param_text(p, a);
}

/* A statement with two text parameters. */
static void
two(struct pg_params *p, const char *a, const char *b)
{
	pg_params_init(p);
	pg_param_text(p, a);
	pg_param_text(p, b);
}

int
pg_vendor_insert(struct store_conn *c, const struct rec_vendor *v,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_vendor(&p, v);
	return exec(c, Q_VENDOR_INSERT, &p, NULL, "vendor", e);
}

int
pg_vendor_get(struct store_conn *c, const char *id,
    struct rec_vendor *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	one(&p, id);
	rc = row(c, Q_VENDOR_GET, &p, &r, "vendor", e);
	if (rc != 0)
		return rc;
	pg_col_vendor(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_engineer_insert(struct store_conn *c,
    const struct rec_engineer *r, struct err *e)
{
	struct pg_params p;
	struct pg_box box;

	pg_params_init(&p);
	pg_bind_engineer(&p, &box, r);
	return exec(c, Q_ENGINEER_INSERT, &p, NULL, "engineer", e);
}

static int
read_engineer(struct store_conn *c, enum q q, const char *key,
    struct rec_engineer *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	one(&p, key);
	rc = row(c, q, &p, &r, "engineer", e);
	if (rc != 0)
		return rc;
	pg_col_engineer(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_engineer_get(struct store_conn *c, const char *id,
    struct rec_engineer *out, struct err *e)
{
	return read_engineer(c, Q_ENGINEER_GET, id, out, e);
}

int
pg_engineer_get_by_username(struct store_conn *c,
    const char *username, struct rec_engineer *out, struct err *e)
{
	return read_engineer(c, Q_ENGINEER_GET_BY_USERNAME, username, out, e);
}

int
pg_engineer_set_secrets(struct store_conn *c, const char *id,
    const char *hash, const struct rec_totp *t, struct err *e)
{
	struct pg_params p;
	struct pg_box box;

	two(&p, id, hash);
	pg_bind_totp(&p, &box, t, SEAL_KIND_ENGINEER, "", id);
	pg_param_int(&p, t->last_step);
	return update(c, Q_ENGINEER_SET_SECRETS, &p, "engineer", e);
}

int
pg_engineer_use_totp_step(struct store_conn *c, const char *id,
    int64_t step, struct err *e)
{
	struct pg_params p;

	one(&p, id);
	pg_param_int(&p, step);
	return update(c, Q_ENGINEER_USE_STEP, &p, "engineer totp", e);
}

int
pg_device_insert(struct store_conn *c, const struct rec_device *d,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_device(&p, d);
	return exec(c, Q_DEVICE_INSERT, &p, NULL, "device", e);
}

int
pg_device_get(struct store_conn *c, const char *id,
    struct rec_device *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	one(&p, id);
	rc = row(c, Q_DEVICE_GET, &p, &r, "device", e);
	if (rc != 0)
		return rc;
	rc = pg_col_device(out, r, 0, e);
	PQclear(r);
	return rc;
}

int
pg_tenant_insert(struct store_conn *c, const struct rec_tenant *t,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_tenant_new(&p, t);
	return exec(c, Q_TENANT_INSERT, &p, NULL, "tenant", e);
}

int
pg_tenant_get(struct store_conn *c, const char *id,
    struct rec_tenant *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	one(&p, id);
	rc = row(c, Q_TENANT_GET, &p, &r, "tenant", e);
	if (rc != 0)
		return rc;
	pg_col_tenant(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_tenant_set_settings(struct store_conn *c,
    const struct rec_tenant *t, struct err *e)
{
	struct pg_params p;

	one(&p, t->id);
	pg_param_int(&p, t->policy);
	pg_param_int(&p, t->max_minutes);
	pg_param_int(&p, t->second_approver);
	pg_param_int(&p, (int64_t)t->sensitive);
	return update(c, Q_TENANT_SET_POLICY, &p, "tenant settings", e);
}

/* Runs a tenant query, calling cb per row until it returns non-zero. */
static int
tenant_rows(struct store_conn *c, enum q q, const struct pg_params *p,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e)
{
	struct rec_tenant t;
	PGresult *r;
	int i, n;

	if (run(c, q, p, &r, "tenants", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&t, 0, sizeof(t));
		pg_col_tenant(&t, r, i);
		if (cb(arg, &t) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_tenant_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e)
{
	return tenant_rows(c, Q_TENANT_BY_POLICY, NULL, cb, arg, e);
}

int
pg_user_insert(struct store_conn *c, const struct rec_user *u,
    struct err *e)
{
	struct pg_params p;
	struct pg_box box;

	pg_params_init(&p);
	pg_bind_user(&p, &box, u);
	return exec(c, Q_USER_INSERT, &p, NULL, "user", e);
}

static int
read_user(struct store_conn *c, enum q q, const char *tenant_id,
    const char *key, struct rec_user *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	two(&p, tenant_id, key);
	rc = row(c, q, &p, &r, "user", e);
	if (rc != 0)
		return rc;
	pg_col_user(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_user_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_user *out, struct err *e)
{
	return read_user(c, Q_USER_GET, tenant_id, id, out, e);
}

int
pg_user_get_by_username(struct store_conn *c, const char *tenant_id,
    const char *username, struct rec_user *out, struct err *e)
{
	return read_user(c, Q_USER_GET_BY_USERNAME, tenant_id, username, out,
	    e);
}

/* Runs a user query, calling cb per row until it returns non-zero. */
static int
user_rows(struct store_conn *c, enum q q, const struct pg_params *p,
    store_user_cb cb, void *arg, const char *what, struct err *e)
{
	struct rec_user u;
	PGresult *r;
	int i, n;

	if (run(c, q, p, &r, what, e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&u, 0, sizeof(u));
		pg_col_user(&u, r, i);
		if (cb(arg, &u) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_user_list(struct store_conn *c, const char *tenant_id,
    store_user_cb cb, void *arg, struct err *e)
{
	struct pg_params p;

	one(&p, tenant_id);
	return user_rows(c, Q_USER_LIST, &p, cb, arg, "user list", e);
}

int
pg_user_set_password(struct store_conn *c, const char *tenant_id,
    const char *id, const char *hash, struct err *e)
{
	struct pg_params p;

	two(&p, tenant_id, id);
	pg_param_text(&p, hash);
	return update(c, Q_USER_SET_PASSWORD, &p, "user password", e);
}

int
pg_user_set_totp(struct store_conn *c, const char *tenant_id,
    const char *id, const struct rec_totp *t, int enrolled, struct err *e)
{
	struct pg_params p;
	struct pg_box box;

	two(&p, tenant_id, id);
	pg_bind_totp(&p, &box, t, SEAL_KIND_USER, tenant_id, id);
	pg_param_int(&p, t->last_step);
	pg_param_int(&p, enrolled);
	return update(c, Q_USER_SET_TOTP, &p, "user totp", e);
}

int
pg_user_use_totp_step(struct store_conn *c, const char *tenant_id,
    const char *id, int64_t step, struct err *e)
{
	struct pg_params p;

	two(&p, tenant_id, id);
	pg_param_int(&p, step);
	return update(c, Q_USER_USE_STEP, &p, "user totp", e);
}

int
pg_user_delete(struct store_conn *c, const char *tenant_id,
    const char *id, struct err *e)
{
	struct pg_params p;

	two(&p, tenant_id, id);
	return update(c, Q_USER_DELETE, &p, "user delete", e);
}

int
pg_ticket_insert(struct store_conn *c, const struct rec_ticket *t,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_ticket(&p, t);
	return exec(c, Q_TICKET_INSERT, &p, NULL, "ticket", e);
}

int
pg_ticket_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_ticket *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	two(&p, tenant_id, id);
	rc = row(c, Q_TICKET_GET, &p, &r, "ticket", e);
	if (rc != 0)
		return rc;
	rc = pg_col_ticket(out, r, 0, e);
	PQclear(r);
	return rc;
}

int
pg_ticket_list(struct store_conn *c, const char *tenant_id,
    store_ticket_cb cb, void *arg, struct err *e)
{
	struct pg_params p;
	struct rec_ticket t;
	PGresult *r;
	int i, n, stop;

	one(&p, tenant_id);
	if (run(c, Q_TICKET_LIST, &p, &r, "ticket list", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&t, 0, sizeof(t));
		if (pg_col_ticket(&t, r, i, e) == -1) {
			PQclear(r);
			return -1;
		}
		stop = cb(arg, &t);
		rec_ticket_cleanup(&t);
		if (stop)
			break;
	}
	PQclear(r);
	return 0;
}

/* ---- issue 13: the console's lists ---- */

int
pg_vendor_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_vendor *v), void *arg,
    struct err *e)
{
	struct rec_vendor v;
	PGresult *r;
	int i, n;

	if (run(c, Q_VENDOR_LIST, NULL, &r, "vendors", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&v, 0, sizeof(v));
		pg_col_vendor(&v, r, i);
		if (cb(arg, &v) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_engineer_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_engineer *r), void *arg,
    struct err *e)
{
	struct rec_engineer en;
	PGresult *r;
	int i, n, stop;

	if (run(c, Q_ENGINEER_LIST, NULL, &r, "engineers", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&en, 0, sizeof(en));
		pg_col_engineer(&en, r, i);
		stop = cb(arg, &en);
		rec_engineer_wipe(&en);
		if (stop)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_device_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_device *d), void *arg,
    struct err *e)
{
	struct rec_device d;
	PGresult *r;
	int i, n;

	if (run(c, Q_DEVICE_LIST, NULL, &r, "devices", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&d, 0, sizeof(d));
		if (pg_col_device(&d, r, i, e) == -1) {
			PQclear(r);
			return -1;
		}
		if (cb(arg, &d) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_tenant_page(struct store_conn *c, const char *q,
    const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e)
{
	struct pg_params p;

	two(&p, q, after);
	pg_param_int(&p, limit);
	return tenant_rows(c, Q_TENANT_PAGE, &p, cb, arg, e);
}

/* ---- issue 14: the directory's lifecycle ---- */

int
pg_vendor_set_status(struct store_conn *c, const char *id,
    int status, int64_t when, struct err *e)
{
	struct pg_params p;

	one(&p, id);
	pg_param_int(&p, status);
	pg_param_int(&p, when);
	return update(c, Q_VENDOR_SET_STATUS, &p, "vendor status", e);
}

int
pg_engineer_set_status(struct store_conn *c, const char *id,
    int status, int64_t when, struct err *e)
{
	struct pg_params p;

	one(&p, id);
	pg_param_int(&p, status);
	pg_param_int(&p, when);
	return update(c, Q_ENGINEER_SET_STATUS, &p, "engineer status", e);
}

/* Runs statement q on (key, when[, by]) and counts what it changed into
 * *n (may be NULL). */
static int
exec_count(struct store_conn *c, enum q q, const char *key, int64_t when,
    int with_by, const char *by, int64_t *n, const char *what,
    struct err *e)
{
	struct pg_params p;
	int64_t changed = 0;

	one(&p, key);
	pg_param_int(&p, when);
	if (with_by)
		pg_param_text(&p, by);
	if (exec(c, q, &p, &changed, what, e) == -1)
		return -1;
	if (n != NULL)
		*n = changed;
	return 0;
}

int
pg_engineer_offboard_vendor(struct store_conn *c,
    const char *vendor_id, int64_t when, int64_t *n, struct err *e)
{
	return exec_count(c, Q_ENGINEER_OFFBOARD_VENDOR, vendor_id, when, 0,
	    NULL, n, "engineers offboard", e);
}

int
pg_engineer_set_email(struct store_conn *c, const char *id,
    const char *email, struct err *e)
{
	struct pg_params p;

	two(&p, id, email);
	return update(c, Q_ENGINEER_SET_EMAIL, &p, "engineer email", e);
}

int
pg_device_revoke(struct store_conn *c, const char *id, int64_t when,
    struct err *e)
{
	struct pg_params p;

	one(&p, id);
	pg_param_int(&p, when);
	return update(c, Q_DEVICE_REVOKE, &p, "device revoke", e);
}

int
pg_device_revoke_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, int64_t *n, struct err *e)
{
	return exec_count(c, vendor_id != NULL ? Q_DEVICE_REVOKE_VENDOR :
	    Q_DEVICE_REVOKE_ENGINEER, vendor_id != NULL ? vendor_id :
	    engineer_id, when, 0, NULL, n, "devices revoke", e);
}

int
pg_approval_cancel_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, const char *by, int64_t *n,
    struct err *e)
{
	_Static_assert(APPROVAL_EXPIRED == 4 && APPROVAL_APPROVED == 1,
	    "the states in Q_APPROVAL_CANCEL_*");
	return exec_count(c, vendor_id != NULL ? Q_APPROVAL_CANCEL_VENDOR :
	    Q_APPROVAL_CANCEL_ENGINEER, vendor_id != NULL ? vendor_id :
	    engineer_id, when, 1, by, n, "approvals cancel", e);
}

int
pg_user_page(struct store_conn *c, const char *tenant_id,
    const char *q, int status, const char *after, int64_t limit,
    store_user_cb cb, void *arg, struct err *e)
{
	struct pg_params p;

	_Static_assert(STATUS_ACTIVE == 0 && STATUS_SUSPENDED == 1,
	    "the statuses in Q_USER_PAGE");
	two(&p, tenant_id, q);
	pg_param_int(&p, status < 0 ? -1 : status);
	pg_param_text(&p, after);
	pg_param_int(&p, limit);
	return user_rows(c, Q_USER_PAGE, &p, cb, arg, "user page", e);
}
