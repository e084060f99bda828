/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's access records: access requests (grants once
 * approved) and second approvals, with the state moves and the lookups the
 * access rules, the sweeper, scope and containment make.
 */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite_codec.h"
#include "store/sqlite_int.h"

enum q {
	Q_GRANT_INSERT, Q_GRANT_GET, Q_GRANT_TRANSITION, Q_GRANT_ACTIVE,
	Q_GRANT_LIST_TENANT, Q_GRANT_DUE, Q_GRANT_OPEN_ENGINEER,
	Q_GRANT_OPEN_VENDOR, Q_GRANT_NOTIFIED, Q_ASKS_SINCE,
	Q_APPROVAL_INSERT, Q_APPROVAL_GET, Q_APPROVAL_TRANSITION,
	Q_APPROVAL_LIST,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_GRANT_INSERT] = "INSERT INTO grants(" GRANT_COLS ") VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[Q_GRANT_GET] = "SELECT " GRANT_COLS " FROM grants WHERE id = ?1",
	[Q_GRANT_TRANSITION] = "UPDATE grants SET state = ?2, decided = ?3, "
	    "decided_by = ?4, deadline = ?5 WHERE id = ?1 AND state = ?6",
	[Q_GRANT_ACTIVE] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE engineer_id = ?1 AND tenant_id = ?2 AND state = 1 "
	    "AND deadline > ?3 ORDER BY deadline DESC LIMIT 1",
	[Q_GRANT_LIST_TENANT] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE tenant_id = ?1 ORDER BY created DESC, id LIMIT 1000",
	[Q_GRANT_DUE] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE state IN (0, 1) AND (deadline <= ?1 OR (state = 1 AND "
	    "notified = 0 AND deadline - ?2 <= ?1)) LIMIT 500",
	[Q_GRANT_OPEN_ENGINEER] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE engineer_id = ?1 AND state IN (0, 1) AND deadline > ?2",
	[Q_GRANT_OPEN_VENDOR] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE vendor_id = ?1 AND state IN (0, 1) AND deadline > ?2",
	/* A compare-and-set: 1 (no row) when another sweeper won. */
	[Q_GRANT_NOTIFIED] = "UPDATE grants SET notified = 1 "
	    "WHERE id = ?1 AND notified = 0",
	/* Through grants_engineer and approvals_engineer (migration 13). */
	[Q_ASKS_SINCE] = "SELECT count(*) FROM ("
	    "SELECT created FROM grants WHERE engineer_id = ?1 "
	    "AND tenant_id = ?2 AND created >= ?3 AND break_glass = 0 "
	    "UNION ALL SELECT created FROM approvals WHERE engineer_id = ?1 "
	    "AND tenant_id = ?2 AND created >= ?3)",
	[Q_APPROVAL_INSERT] = "INSERT INTO approvals(" APPROVAL_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[Q_APPROVAL_GET] = "SELECT " APPROVAL_COLS " FROM approvals "
	    "WHERE id = ?1",
	[Q_APPROVAL_LIST] = "SELECT " APPROVAL_COLS " FROM approvals "
	    "WHERE tenant_id = ?1 AND (?2 IS NULL OR engineer_id = ?2) "
	    "ORDER BY created DESC, id LIMIT ?3",
	[Q_APPROVAL_TRANSITION] = "UPDATE approvals SET state = ?2, "
	    "decided_by = ?3, decided = ?4, deadline = ?6 "
	    "WHERE id = ?1 AND state = ?5",
};

/* The statement for query q, prepared on first use. */
static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_ACCESS, q, q_sql, e);
}

int
sqlite_grant_insert(struct store_conn *c, const struct rec_grant *g,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_grant(s, g);
	return sq_exec(c, s, "access request", e);
}

static int
read_grant(struct store_conn *c, sqlite3_stmt *s, struct rec_grant *out,
    struct err *e)
{
	int rc = sq_step_row(c, s, "access request", e);

	if (rc != 0)
		return rc;
	sq_col_grant(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_grant_get(struct store_conn *c, const char *id, struct rec_grant *out,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_GET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return read_grant(c, s, out, e);
}

int
sqlite_grant_transition(struct store_conn *c, const struct rec_grant *g,
    int from, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_TRANSITION, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, g->id);
	sqlite3_bind_int(s, 2, g->state);
	sqlite3_bind_int64(s, 3, g->decided);
	sq_bind_text(s, 4, g->decided_by);
	sqlite3_bind_int64(s, 5, g->deadline);
	sqlite3_bind_int(s, 6, from);
	return sq_exec_update(c, s, "access request", e);
}

int
sqlite_grant_active(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t now, struct rec_grant *out,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_ACTIVE, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, engineer_id);
	sq_bind_text(s, 2, tenant_id);
	sqlite3_bind_int64(s, 3, now);
	return read_grant(c, s, out, e);
}

/* Runs a grant query, calling cb per row. */
static int
grant_rows(struct store_conn *c, sqlite3_stmt *s, store_grant_cb cb,
    void *arg, struct err *e)
{
	struct rec_grant g;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&g, 0, sizeof(g));
		sq_col_grant(&g, s);
		if (cb(arg, &g) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "access requests");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_grant_list_tenant(struct store_conn *c, const char *tenant_id,
    store_grant_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_LIST_TENANT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	return grant_rows(c, s, cb, arg, e);
}

int
sqlite_grant_open(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t now, store_grant_cb cb, void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, vendor_id != NULL ? Q_GRANT_OPEN_VENDOR :
	    Q_GRANT_OPEN_ENGINEER, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, vendor_id != NULL ? vendor_id : engineer_id);
	sqlite3_bind_int64(s, 2, now);
	return grant_rows(c, s, cb, arg, e);
}

int
sqlite_grant_due(struct store_conn *c, int64_t now, int64_t warn,
    store_grant_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_DUE, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, warn);
	return grant_rows(c, s, cb, arg, e);
}

int
sqlite_grant_set_notified(struct store_conn *c, const char *id,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_GRANT_NOTIFIED, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return sq_exec_update(c, s, "access request", e);
}

int
sqlite_asks_since(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t since, int64_t *n, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ASKS_SINCE, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, engineer_id);
	sq_bind_text(s, 2, tenant_id);
	sqlite3_bind_int64(s, 3, since);
	rc = sq_step_row(c, s, "access requests", e);
	if (rc == -1)
		return -1;
	*n = rc == 0 ? sqlite3_column_int64(s, 0) : 0;
	if (rc == 0)
		sq_done(s);
	return 0;
}

int
sqlite_approval_insert(struct store_conn *c, const struct rec_approval *a,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_APPROVAL_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_approval(s, a);
	return sq_exec(c, s, "approval", e);
}

int
sqlite_approval_get(struct store_conn *c, const char *id,
    struct rec_approval *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_APPROVAL_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "approval", e);
	if (rc != 0)
		return rc;
	sq_col_approval(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_approval_list(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, int64_t limit,
    int (*cb)(void *arg, const struct rec_approval *a), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_APPROVAL_LIST, e);
	struct rec_approval a;
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	if (engineer_id != NULL)
		sq_bind_text(s, 2, engineer_id);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int64(s, 3, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		sq_col_approval(&a, s);
		if (cb(arg, &a) == -1) {
			sq_done(s);
			return err_internal(e, "out of memory");
		}
	}
	if (rc != SQLITE_DONE) {
		sq_fail(c, e, "approval list");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_approval_transition(struct store_conn *c, const struct rec_approval *a,
    int from, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_APPROVAL_TRANSITION, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, a->id);
	sqlite3_bind_int(s, 2, a->state);
	sq_bind_text(s, 3, a->decided_by);
	sqlite3_bind_int64(s, 4, a->decided);
	sqlite3_bind_int(s, 5, from);
	sqlite3_bind_int64(s, 6, a->deadline);
	return sq_exec_update(c, s, "approval", e);
}
