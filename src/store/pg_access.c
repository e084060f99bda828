/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's access records (issue 15): access requests
 * (grants once approved) and second approvals, with the state moves and
 * the lookups the access rules, the sweeper, scope and containment make.
 * The SQL of sqlite_access.c; each state move is one compare-and-set
 * statement.
 */
#include <libpq-fe.h>
#include <string.h>

#include "store/pg_codec.h"
#include "store/pg_int.h"

enum q {
	Q_GRANT_INSERT, Q_GRANT_GET, Q_GRANT_TRANSITION, Q_GRANT_ACTIVE,
	Q_GRANT_LIST_TENANT, Q_GRANT_DUE, Q_GRANT_OPEN_ENGINEER,
	Q_GRANT_OPEN_VENDOR, Q_GRANT_NOTIFIED, Q_ASKS_SINCE,
	Q_APPROVAL_INSERT, Q_APPROVAL_GET, Q_APPROVAL_TRANSITION,
	Q_APPROVAL_LIST,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_GRANT_INSERT] = "INSERT INTO grants(" GRANT_COLS ") VALUES "
	    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
	[Q_GRANT_GET] = "SELECT " GRANT_COLS " FROM grants WHERE id = $1",
	/* atomic: one statement, a compare-and-set on the state. */
	[Q_GRANT_TRANSITION] = "UPDATE grants SET state = $2, decided = $3, "
	    "decided_by = $4, deadline = $5 WHERE id = $1 AND state = $6",
	[Q_GRANT_ACTIVE] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE engineer_id = $1 AND tenant_id = $2 AND state = 1 "
	    "AND deadline > $3 ORDER BY deadline DESC LIMIT 1",
	[Q_GRANT_LIST_TENANT] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE tenant_id = $1 ORDER BY created DESC, id LIMIT 1000",
	[Q_GRANT_DUE] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE state IN (0, 1) AND (deadline <= $1 OR (state = 1 AND "
	    "notified = 0 AND deadline - $2 <= $1)) LIMIT 500",
	[Q_GRANT_OPEN_ENGINEER] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE engineer_id = $1 AND state IN (0, 1) AND deadline > $2",
	[Q_GRANT_OPEN_VENDOR] = "SELECT " GRANT_COLS " FROM grants "
	    "WHERE vendor_id = $1 AND state IN (0, 1) AND deadline > $2",
	/* atomic: one notice per grant, however many sweepers run. */
	[Q_GRANT_NOTIFIED] = "UPDATE grants SET notified = 1 "
	    "WHERE id = $1 AND notified = 0",
	[Q_ASKS_SINCE] = "SELECT count(*) FROM ("
	    "SELECT created FROM grants WHERE engineer_id = $1 "
	    "AND tenant_id = $2 AND created >= $3 AND break_glass = 0 "
	    "UNION ALL SELECT created FROM approvals WHERE engineer_id = $1 "
	    "AND tenant_id = $2 AND created >= $3) AS asks",
	[Q_APPROVAL_INSERT] = "INSERT INTO approvals(" APPROVAL_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
	[Q_APPROVAL_GET] = "SELECT " APPROVAL_COLS " FROM approvals "
	    "WHERE id = $1",
	[Q_APPROVAL_LIST] = "SELECT " APPROVAL_COLS " FROM approvals "
	    "WHERE tenant_id = $1 AND ($2::text IS NULL OR "
	    "engineer_id = $2::text) ORDER BY created DESC, id LIMIT $3",
	/* atomic: one statement, a compare-and-set on the state. */
	[Q_APPROVAL_TRANSITION] = "UPDATE approvals SET state = $2, "
	    "decided_by = $3, decided = $4, deadline = $6 "
	    "WHERE id = $1 AND state = $5",
};

static int
run(struct store_conn *c, enum q q, const struct pg_params *p,
    PGresult **r, const char *what, struct err *e)
{
	return pg_run(c, PG_ACCESS, (int)q, q_sql, p, r, what, e);
}

static int
row(struct store_conn *c, enum q q, const struct pg_params *p,
    PGresult **r, const char *what, struct err *e)
{
	return pg_row(c, PG_ACCESS, (int)q, q_sql, p, r, what, e);
}

static int
update(struct store_conn *c, enum q q, const struct pg_params *p,
    const char *what, struct err *e)
{
	return pg_update(c, PG_ACCESS, (int)q, q_sql, p, what, e);
}

int
pg_grant_insert(struct store_conn *c, const struct rec_grant *g,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_grant(&p, g);
	return pg_exec(c, PG_ACCESS, Q_GRANT_INSERT, q_sql, &p, NULL,
	    "access request", e);
}

static int
read_grant(struct store_conn *c, enum q q, const struct pg_params *p,
    struct rec_grant *out, struct err *e)
{
	PGresult *r;
	int rc = row(c, q, p, &r, "access request", e);

	if (rc != 0)
		return rc;
	pg_col_grant(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_grant_get(struct store_conn *c, const char *id,
    struct rec_grant *out, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	return read_grant(c, Q_GRANT_GET, &p, out, e);
}

int
pg_grant_transition(struct store_conn *c, const struct rec_grant *g,
    int from, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, g->id);
	pg_param_int(&p, g->state);
	pg_param_int(&p, g->decided);
	pg_param_text(&p, g->decided_by);
	pg_param_int(&p, g->deadline);
	pg_param_int(&p, from);
	return update(c, Q_GRANT_TRANSITION, &p, "access request", e);
}

int
pg_grant_active(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t now, struct rec_grant *out,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, engineer_id);
	pg_param_text(&p, tenant_id);
	pg_param_int(&p, now);
	return read_grant(c, Q_GRANT_ACTIVE, &p, out, e);
}

/* Runs a grant query, calling cb per row until it returns non-zero. */
static int
grant_rows(struct store_conn *c, enum q q, const struct pg_params *p,
    store_grant_cb cb, void *arg, struct err *e)
{
	struct rec_grant g;
	PGresult *r;
	int i, n;

	if (run(c, q, p, &r, "access requests", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&g, 0, sizeof(g));
		pg_col_grant(&g, r, i);
		if (cb(arg, &g) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_grant_list_tenant(struct store_conn *c, const char *tenant_id,
    store_grant_cb cb, void *arg, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, tenant_id);
	return grant_rows(c, Q_GRANT_LIST_TENANT, &p, cb, arg, e);
}

int
pg_grant_open(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t now, store_grant_cb cb, void *arg,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, vendor_id != NULL ? vendor_id : engineer_id);
	pg_param_int(&p, now);
	return grant_rows(c, vendor_id != NULL ? Q_GRANT_OPEN_VENDOR :
	    Q_GRANT_OPEN_ENGINEER, &p, cb, arg, e);
}

int
pg_grant_due(struct store_conn *c, int64_t now, int64_t warn,
    store_grant_cb cb, void *arg, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_int(&p, now);
	pg_param_int(&p, warn);
	return grant_rows(c, Q_GRANT_DUE, &p, cb, arg, e);
}

int
pg_grant_set_notified(struct store_conn *c, const char *id,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	return update(c, Q_GRANT_NOTIFIED, &p, "access request", e);
}

int
pg_asks_since(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t since, int64_t *n, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, engineer_id);
	pg_param_text(&p, tenant_id);
	pg_param_int(&p, since);
	rc = row(c, Q_ASKS_SINCE, &p, &r, "access requests", e);
	if (rc == -1)
		return -1;
	*n = rc == 0 ? pg_get_int(r, 0, 0) : 0;
	if (rc == 0)
		PQclear(r);
	return 0;
}

int
pg_approval_insert(struct store_conn *c,
    const struct rec_approval *a, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_approval(&p, a);
	return pg_exec(c, PG_ACCESS, Q_APPROVAL_INSERT, q_sql, &p, NULL,
	    "approval", e);
}

int
pg_approval_get(struct store_conn *c, const char *id,
    struct rec_approval *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, id);
	rc = row(c, Q_APPROVAL_GET, &p, &r, "approval", e);
	if (rc != 0)
		return rc;
	pg_col_approval(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_approval_list(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, int64_t limit,
    int (*cb)(void *arg, const struct rec_approval *a), void *arg,
    struct err *e)
{
	struct pg_params p;
	struct rec_approval a;
	PGresult *r;
	int i, n;

	pg_params_init(&p);
	pg_param_text(&p, tenant_id);
	pg_param_text(&p, engineer_id);         /* NULL: every engineer */
	pg_param_int(&p, limit);
	if (run(c, Q_APPROVAL_LIST, &p, &r, "approval list", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		pg_col_approval(&a, r, i);
		if (cb(arg, &a) == -1) {
			PQclear(r);
			return err_internal(e, "out of memory");
		}
	}
	PQclear(r);
	return 0;
}

int
pg_approval_transition(struct store_conn *c,
    const struct rec_approval *a, int from, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, a->id);
	pg_param_int(&p, a->state);
	pg_param_text(&p, a->decided_by);
	pg_param_int(&p, a->decided);
	pg_param_int(&p, from);
	pg_param_int(&p, a->deadline);
	return update(c, Q_APPROVAL_TRANSITION, &p, "approval", e);
}
