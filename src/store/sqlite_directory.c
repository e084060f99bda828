/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's directory: vendors, their engineers and devices,
 * tenants (and their settings), tenants' users and tickets.  Rows pass
 * through the row codec (sqlite_codec.h).
 */
#include <sqlite3.h>
#include <string.h>

#include "store/seal.h"
#include "store/sqlite_codec.h"
#include "store/sqlite_int.h"

enum q {
	Q_VENDOR_INSERT, Q_VENDOR_GET,
	Q_ENGINEER_INSERT, Q_ENGINEER_GET, Q_ENGINEER_GET_BY_USERNAME,
	Q_ENGINEER_USE_STEP, Q_ENGINEER_SET_SECRETS,
	Q_DEVICE_INSERT, Q_DEVICE_GET,
	Q_TENANT_INSERT, Q_TENANT_GET, Q_TENANT_SET_POLICY, Q_TENANT_BY_POLICY,
	Q_USER_INSERT, Q_USER_GET, Q_USER_GET_BY_USERNAME, Q_USER_LIST,
	Q_USER_SET_PASSWORD, Q_USER_SET_TOTP, Q_USER_USE_STEP, Q_USER_DELETE,
	Q_TICKET_INSERT, Q_TICKET_GET, Q_TICKET_LIST,
	/* issue 13: the console's lists. */
	Q_VENDOR_LIST, Q_ENGINEER_LIST, Q_DEVICE_LIST, Q_TENANT_PAGE,
	/* issue 14: the directory's lifecycle. */
	Q_VENDOR_SET_STATUS, Q_ENGINEER_SET_STATUS, Q_ENGINEER_OFFBOARD_VENDOR,
	Q_ENGINEER_SET_EMAIL, Q_DEVICE_REVOKE, Q_DEVICE_REVOKE_ENGINEER,
	Q_DEVICE_REVOKE_VENDOR, Q_APPROVAL_CANCEL_ENGINEER,
	Q_APPROVAL_CANCEL_VENDOR, Q_USER_PAGE,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_VENDOR_INSERT] = "INSERT INTO vendors(" VENDOR_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_VENDOR_GET] = "SELECT " VENDOR_COLS " FROM vendors WHERE id = ?1",
	[Q_ENGINEER_INSERT] = "INSERT INTO engineers(" ENGINEER_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_ENGINEER_GET] = "SELECT " ENGINEER_COLS " FROM engineers "
	    "WHERE id = ?1",
	[Q_ENGINEER_GET_BY_USERNAME] = "SELECT " ENGINEER_COLS
	    " FROM engineers WHERE username = ?1",
	[Q_ENGINEER_USE_STEP] = "UPDATE engineers SET totp_last_step = ?2 "
	    "WHERE id = ?1 AND totp_last_step < ?2",
	[Q_ENGINEER_SET_SECRETS] = "UPDATE engineers SET password_hash = ?2, "
	    "totp_secret = ?3, totp_last_step = ?4 WHERE id = ?1",
	[Q_DEVICE_INSERT] = "INSERT INTO devices(" DEVICE_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_DEVICE_GET] = "SELECT " DEVICE_COLS " FROM devices WHERE id = ?1",
	[Q_TENANT_INSERT] = "INSERT INTO tenants(" TENANT_NEW_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_TENANT_GET] = "SELECT " TENANT_COLS " FROM tenants WHERE id = ?1",
	[Q_TENANT_SET_POLICY] = "UPDATE tenants SET policy = ?2, "
	    "max_minutes = ?3, second_approver = ?4, sensitive = ?5 "
	    "WHERE id = ?1",
	[Q_TENANT_BY_POLICY] = "SELECT " TENANT_COLS " FROM tenants "
	    "ORDER BY id",
	[Q_USER_INSERT] = "INSERT INTO users(" USER_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[Q_USER_GET] = "SELECT " USER_COLS " FROM users "
	    "WHERE tenant_id = ?1 AND id = ?2",
	[Q_USER_GET_BY_USERNAME] = "SELECT " USER_COLS " FROM users "
	    "WHERE tenant_id = ?1 AND username = ?2",
	[Q_USER_LIST] = "SELECT " USER_LIST_COLS " FROM users "
	    "WHERE tenant_id = ?1 ORDER BY id",
	[Q_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ?3 "
	    "WHERE tenant_id = ?1 AND id = ?2",
	[Q_USER_SET_TOTP] = "UPDATE users SET totp_secret = ?3, "
	    "totp_last_step = ?4, mfa_enrolled = ?5 "
	    "WHERE tenant_id = ?1 AND id = ?2",
	[Q_USER_USE_STEP] = "UPDATE users SET totp_last_step = ?3 "
	    "WHERE tenant_id = ?1 AND id = ?2 AND totp_last_step < ?3",
	[Q_USER_DELETE] = "DELETE FROM users WHERE tenant_id = ?1 AND id = ?2",
	[Q_TICKET_INSERT] = "INSERT INTO tickets(" TICKET_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_TICKET_GET] = "SELECT " TICKET_COLS " FROM tickets "
	    "WHERE tenant_id = ?1 AND id = ?2",
	[Q_TICKET_LIST] = "SELECT " TICKET_LIST_COLS " FROM tickets "
	    "WHERE tenant_id = ?1 ORDER BY id",
	[Q_VENDOR_LIST] = "SELECT " VENDOR_COLS " FROM vendors ORDER BY name",
	/* The secret columns are never read for a list. */
	[Q_ENGINEER_LIST] = "SELECT id, username, vendor_id, '', NULL, 0, "
	    "status, created, email, status_changed FROM engineers "
	    "ORDER BY username",
	[Q_DEVICE_LIST] = "SELECT " DEVICE_COLS " FROM devices "
	    "ORDER BY engineer_id, id",
	/* By the primary key from ?2 on; the filter is a substring, ASCII
	 * case-folded (lower() folds ASCII only without ICU). */
	[Q_TENANT_PAGE] = "SELECT " TENANT_COLS " FROM tenants "
	    "WHERE id > ?2 AND (?1 = '' OR "
	    "instr(lower(name), lower(?1)) > 0) ORDER BY id LIMIT ?3",
	/* An offboarded one stays so (directory/lifecycle.h). */
	[Q_VENDOR_SET_STATUS] = "UPDATE vendors SET status = ?2, "
	    "status_changed = ?3 WHERE id = ?1 AND status <> 2",
	[Q_ENGINEER_SET_STATUS] = "UPDATE engineers SET status = ?2, "
	    "status_changed = ?3 WHERE id = ?1 AND status <> 2",
	[Q_ENGINEER_OFFBOARD_VENDOR] = "UPDATE engineers SET status = 2, "
	    "status_changed = ?2 WHERE vendor_id = ?1 AND status <> 2",
	[Q_ENGINEER_SET_EMAIL] = "UPDATE engineers SET email = ?2 "
	    "WHERE id = ?1",
	[Q_DEVICE_REVOKE] = "UPDATE devices SET revoked = ?2 "
	    "WHERE id = ?1 AND revoked = 0",
	[Q_DEVICE_REVOKE_ENGINEER] = "UPDATE devices SET revoked = ?2 "
	    "WHERE engineer_id = ?1 AND revoked = 0",
	[Q_DEVICE_REVOKE_VENDOR] = "UPDATE devices SET revoked = ?2 "
	    "WHERE revoked = 0 AND engineer_id IN "
	    "(SELECT id FROM engineers WHERE vendor_id = ?1)",
	/* Open second approvals (pending, or approved and unexpired) end
	 * as expired now: nobody is left to use them.  So do approved,
	 * unused ones the engineer gave (decided_by, an engineer of another
	 * vendor than the asker's: issue 14, F3), which nobody vouches for
	 * any more. */
	[Q_APPROVAL_CANCEL_ENGINEER] = "UPDATE approvals SET state = 4, "
	    "deadline = ?2, decided = ?2, decided_by = ?3 "
	    "WHERE deadline > ?2 AND ((engineer_id = ?1 AND state IN (0, 1)) "
	    "OR (state = 1 AND decided_by = ?1 AND vendor_id <> "
	    "(SELECT vendor_id FROM engineers WHERE id = ?1)))",
	[Q_APPROVAL_CANCEL_VENDOR] = "UPDATE approvals SET state = 4, "
	    "deadline = ?2, decided = ?2, decided_by = ?3 "
	    "WHERE deadline > ?2 AND ((vendor_id = ?1 AND state IN (0, 1)) "
	    "OR (state = 1 AND vendor_id <> ?1 AND decided_by IN "
	    "(SELECT id FROM engineers WHERE vendor_id = ?1)))",
	/* A page of a tenant's users, filtered in SQL so that a request
	 * reads no more rows than it answers (issue 14, F6b); the text
	 * folds ASCII only, as the other directory filters. */
	[Q_USER_PAGE] = "SELECT " USER_LIST_COLS " FROM users "
	    "WHERE tenant_id = ?1 AND id > ?4 AND (?2 = '' OR "
	    "instr(lower(id), lower(?2)) > 0 OR "
	    "instr(lower(username), lower(?2)) > 0 OR "
	    "instr(lower(email), lower(?2)) > 0) AND (?3 = -1 OR "
	    "(?3 = 0 AND status = 0) OR (?3 = 1 AND status <> 0)) "
	    "ORDER BY id LIMIT ?5",
};

/* The statement for query q, prepared on first use. */
static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_DIRECTORY, q, q_sql, e);
}

int
sqlite_vendor_insert(struct store_conn *c, const struct rec_vendor *v,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_VENDOR_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_vendor(s, v);
	return sq_exec(c, s, "vendor", e);
}

int
sqlite_vendor_get(struct store_conn *c, const char *id,
    struct rec_vendor *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_VENDOR_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "vendor", e);
	if (rc != 0)
		return rc;
	sq_col_vendor(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_engineer_insert(struct store_conn *c, const struct rec_engineer *r,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_engineer(s, r);
	return sq_exec(c, s, "engineer", e);
}

static int
read_engineer(struct store_conn *c, sqlite3_stmt *s, struct rec_engineer *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "engineer", e);

	if (rc != 0)
		return rc;
	sq_col_engineer(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_engineer_get(struct store_conn *c, const char *id,
    struct rec_engineer *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_GET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return read_engineer(c, s, out, e);
}

int
sqlite_engineer_get_by_username(struct store_conn *c, const char *username,
    struct rec_engineer *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_GET_BY_USERNAME, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, username);
	return read_engineer(c, s, out, e);
}

int
sqlite_engineer_use_totp_step(struct store_conn *c, const char *id,
    int64_t step, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_USE_STEP, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, step);
	return sq_exec_update(c, s, "engineer totp", e);
}

int
sqlite_engineer_set_secrets(struct store_conn *c, const char *id,
    const char *hash, const struct rec_totp *t, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_SET_SECRETS, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sq_bind_text(s, 2, hash);
	sq_bind_totp(s, 3, t, SEAL_KIND_ENGINEER, "", id);
	sqlite3_bind_int64(s, 4, t->last_step);
	return sq_exec_update(c, s, "engineer", e);
}

int
sqlite_device_insert(struct store_conn *c, const struct rec_device *d,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_DEVICE_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_device(s, d);
	return sq_exec(c, s, "device", e);
}

int
sqlite_device_get(struct store_conn *c, const char *id,
    struct rec_device *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_DEVICE_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "device", e);
	if (rc != 0)
		return rc;
	rc = sq_col_device(out, s, e);
	sq_done(s);
	return rc;
}

int
sqlite_tenant_insert(struct store_conn *c, const struct rec_tenant *t,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TENANT_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_tenant_new(s, t);
	return sq_exec(c, s, "tenant", e);
}

int
sqlite_tenant_get(struct store_conn *c, const char *id,
    struct rec_tenant *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TENANT_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "tenant", e);
	if (rc != 0)
		return rc;
	sq_col_tenant(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_tenant_set_settings(struct store_conn *c, const struct rec_tenant *t,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TENANT_SET_POLICY, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, t->id);
	sqlite3_bind_int(s, 2, t->policy);
	sqlite3_bind_int64(s, 3, t->max_minutes);
	sqlite3_bind_int(s, 4, t->second_approver);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)t->sensitive);
	return sq_exec_update(c, s, "tenant settings", e);
}

int
sqlite_tenant_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TENANT_BY_POLICY, e);
	struct rec_tenant t;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&t, 0, sizeof(t));
		sq_col_tenant(&t, s);
		if (cb(arg, &t) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "tenants");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_user_insert(struct store_conn *c, const struct rec_user *u,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_user(s, u);
	return sq_exec(c, s, "user", e);
}

static int
read_user(struct store_conn *c, sqlite3_stmt *s, struct rec_user *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "user", e);

	if (rc != 0)
		return rc;
	sq_col_user(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_user_get(struct store_conn *c, const char *tenant_id, const char *id,
    struct rec_user *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_GET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	return read_user(c, s, out, e);
}

int
sqlite_user_get_by_username(struct store_conn *c, const char *tenant_id,
    const char *username, struct rec_user *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_GET_BY_USERNAME, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, username);
	return read_user(c, s, out, e);
}

int
sqlite_user_list(struct store_conn *c, const char *tenant_id,
    store_user_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_LIST, e);
	struct rec_user u;
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&u, 0, sizeof(u));
		sq_col_user(&u, s);
		if (cb(arg, &u) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "user list");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_user_set_password(struct store_conn *c, const char *tenant_id,
    const char *id, const char *hash, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_SET_PASSWORD, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	sq_bind_text(s, 3, hash);
	return sq_exec_update(c, s, "user password", e);
}

int
sqlite_user_set_totp(struct store_conn *c, const char *tenant_id,
    const char *id, const struct rec_totp *t, int enrolled, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_SET_TOTP, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	sq_bind_totp(s, 3, t, SEAL_KIND_USER, tenant_id, id);
	sqlite3_bind_int64(s, 4, t->last_step);
	sqlite3_bind_int(s, 5, enrolled);
	return sq_exec_update(c, s, "user totp", e);
}

int
sqlite_user_use_totp_step(struct store_conn *c, const char *tenant_id,
    const char *id, int64_t step, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_USE_STEP, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	sqlite3_bind_int64(s, 3, step);
	return sq_exec_update(c, s, "user totp", e);
}

int
sqlite_user_delete(struct store_conn *c, const char *tenant_id,
    const char *id, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_DELETE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	return sq_exec_update(c, s, "user delete", e);
}

int
sqlite_ticket_insert(struct store_conn *c, const struct rec_ticket *t,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TICKET_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_ticket(s, t);
	return sq_exec(c, s, "ticket", e);
}

int
sqlite_ticket_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_ticket *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TICKET_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, id);
	rc = sq_step_row(c, s, "ticket", e);
	if (rc != 0)
		return rc;
	rc = sq_col_ticket(out, s, e);
	sq_done(s);
	return rc;
}

int
sqlite_ticket_list(struct store_conn *c, const char *tenant_id,
    store_ticket_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TICKET_LIST, e);
	struct rec_ticket t;
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int stop;

		memset(&t, 0, sizeof(t));
		if (sq_col_ticket(&t, s, e) == -1) {
			sq_done(s);
			return -1;
		}
		stop = cb(arg, &t);
		rec_ticket_cleanup(&t);
		if (stop)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "ticket list");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

/* ---- issue 13: the console's lists ---- */

int
sqlite_vendor_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_vendor *v), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_VENDOR_LIST, e);
	struct rec_vendor v;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&v, 0, sizeof(v));
		sq_col_vendor(&v, s);
		if (cb(arg, &v) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "vendors");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_engineer_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_engineer *r), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_LIST, e);
	struct rec_engineer r;
	int rc, stop;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		sq_col_engineer(&r, s);
		stop = cb(arg, &r);
		rec_engineer_wipe(&r);
		if (stop)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "engineers");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_device_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_device *d), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_DEVICE_LIST, e);
	struct rec_device d;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&d, 0, sizeof(d));
		if (sq_col_device(&d, s, e) == -1) {
			sq_done(s);
			return -1;
		}
		if (cb(arg, &d) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "devices");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_tenant_page(struct store_conn *c, const char *q, const char *after,
    int64_t limit, int (*cb)(void *arg, const struct rec_tenant *t),
    void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TENANT_PAGE, e);
	struct rec_tenant t;
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, q);
	sq_bind_text(s, 2, after);
	sqlite3_bind_int64(s, 3, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&t, 0, sizeof(t));
		sq_col_tenant(&t, s);
		if (cb(arg, &t) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "tenants");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

/* ---- issue 14: the directory's lifecycle ---- */

/* Runs s (bound) and counts what it changed into *n (may be NULL). */
static int
exec_count(struct store_conn *c, sqlite3_stmt *s, const char *what,
    int64_t *n, struct err *e)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE) {
		sq_fail(c, e, what);
		sq_done(s);
		return -1;
	}
	if (n != NULL)
		*n = sqlite3_changes(c->db);
	sq_done(s);
	return 0;
}

int
sqlite_vendor_set_status(struct store_conn *c, const char *id, int status,
    int64_t when, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_VENDOR_SET_STATUS, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int(s, 2, status);
	sqlite3_bind_int64(s, 3, when);
	return sq_exec_update(c, s, "vendor status", e);
}

int
sqlite_engineer_set_status(struct store_conn *c, const char *id, int status,
    int64_t when, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_SET_STATUS, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int(s, 2, status);
	sqlite3_bind_int64(s, 3, when);
	return sq_exec_update(c, s, "engineer status", e);
}

int
sqlite_engineer_offboard_vendor(struct store_conn *c, const char *vendor_id,
    int64_t when, int64_t *n, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_OFFBOARD_VENDOR, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, vendor_id);
	sqlite3_bind_int64(s, 2, when);
	return exec_count(c, s, "engineers offboard", n, e);
}

int
sqlite_engineer_set_email(struct store_conn *c, const char *id,
    const char *email, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENGINEER_SET_EMAIL, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sq_bind_text(s, 2, email);
	return sq_exec_update(c, s, "engineer email", e);
}

int
sqlite_device_revoke(struct store_conn *c, const char *id, int64_t when,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_DEVICE_REVOKE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, when);
	return sq_exec_update(c, s, "device revoke", e);
}

int
sqlite_device_revoke_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, int64_t *n, struct err *e)
{
	sqlite3_stmt *s = stmt(c, vendor_id != NULL ? Q_DEVICE_REVOKE_VENDOR :
	    Q_DEVICE_REVOKE_ENGINEER, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, vendor_id != NULL ? vendor_id : engineer_id);
	sqlite3_bind_int64(s, 2, when);
	return exec_count(c, s, "devices revoke", n, e);
}

int
sqlite_approval_cancel_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, const char *by, int64_t *n,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, vendor_id != NULL ? Q_APPROVAL_CANCEL_VENDOR :
	    Q_APPROVAL_CANCEL_ENGINEER, e);

	_Static_assert(APPROVAL_EXPIRED == 4 && APPROVAL_APPROVED == 1,
	    "the states in Q_APPROVAL_CANCEL_*");
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, vendor_id != NULL ? vendor_id : engineer_id);
	sqlite3_bind_int64(s, 2, when);
	sq_bind_text(s, 3, by);
	return exec_count(c, s, "approvals cancel", n, e);
}

int
sqlite_user_page(struct store_conn *c, const char *tenant_id, const char *q,
    int status, const char *after, int64_t limit, store_user_cb cb,
    void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_USER_PAGE, e);
	struct rec_user u;
	int rc;

	_Static_assert(STATUS_ACTIVE == 0 && STATUS_SUSPENDED == 1,
	    "the statuses in Q_USER_PAGE");
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, q);
	sqlite3_bind_int(s, 3, status < 0 ? -1 : status);
	sq_bind_text(s, 4, after);
	sqlite3_bind_int64(s, 5, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&u, 0, sizeof(u));
		sq_col_user(&u, s);
		if (cb(arg, &u) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "user page");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}
