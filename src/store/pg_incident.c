/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's part of what the console reads (as
 * sqlite_incident.c): the access requests with their names and the
 * engineer's past with the tenant, the latest checkpoint's time, and
 * incidents -- a scope answer kept with one report per tenant,
 * append-only (schema_pg.h's triggers).
 *
 * Unlike SQLite, PostgreSQL refuses a prepared statement whose parameter
 * $k is never used when a higher one is, so each list statement numbers
 * only the parameters it reads.
 */
#include <stdint.h>
#include <string.h>

#include "store/pg_codec.h"
#include "store/pg_int.h"

enum q {
	Q_VIEWS_TENANT, Q_VIEWS_ENGINEER, Q_VIEWS_ALL, Q_VIEW_ONE,
	Q_GRANT_CREATED,
	Q_CHECKPOINT_TIME,
	Q_INCIDENT_INSERT, Q_REPORT_INSERT, Q_INCIDENT_CREATED,
	Q_INCIDENTS_ALL, Q_INCIDENTS_TENANT, Q_INCIDENT_GET, Q_REPORT_GET,
	Q_NOTICE_INSERT, Q_NOTICES, Q_NOTICE_GET,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

/* The earlier requests of the same engineer to the same tenant, in the
 * list's order (created, then id). */
#define PAST "FROM grants p WHERE p.engineer_id = grants.engineer_id " \
	"AND p.tenant_id = grants.tenant_id AND (p.created < grants.created " \
	"OR (p.created = grants.created AND p.id < grants.id))"
/* Access was granted: approved at some time (by an admin, the policy or
 * break-glass), whatever became of it since. */
#define GRANTED " AND p.decided > 0 AND p.state IN (1, 3, 4)"
#define VIEW_SELECT "SELECT " GRANT_COLS ", " \
	"COALESCE((SELECT username FROM engineers e " \
	"WHERE e.id = grants.engineer_id), ''), " \
	"COALESCE((SELECT name FROM vendors v " \
	"WHERE v.id = grants.vendor_id), ''), " \
	"COALESCE((SELECT subject FROM tickets k " \
	"WHERE k.tenant_id = grants.tenant_id AND k.id = grants.ticket_id), " \
	"''), " \
	"COALESCE((SELECT name FROM tenants t " \
	"WHERE t.id = grants.tenant_id), ''), " \
	"(SELECT count(*) " PAST "), " \
	"(SELECT count(*) " PAST GRANTED "), " \
	"COALESCE((SELECT max(p.decided) " PAST GRANTED "), 0) " \
	"FROM grants WHERE "
/* Older than the cursor row (created $c, id $i), at most $l. */
#define VIEW_PAGE(c, i, l) " AND (created < $" c "::int8 OR " \
	"(created = $" c "::int8 AND id < $" i "::text)) " \
	"ORDER BY created DESC, id DESC LIMIT $" l "::int8"
#define INCIDENT_COLS "id, title, created_by, created, time_from, " \
	"time_to, size, tenants"

static const char *const q_sql[Q_COUNT] = {
	[Q_VIEWS_TENANT] = VIEW_SELECT "tenant_id = $1 AND "
	    "($2::text IS NULL OR engineer_id = $2::text)"
	    VIEW_PAGE("3", "4", "5"),
	[Q_VIEWS_ENGINEER] = VIEW_SELECT "engineer_id = $1"
	    VIEW_PAGE("2", "3", "4"),
	[Q_VIEWS_ALL] = VIEW_SELECT "true" VIEW_PAGE("1", "2", "3"),
	[Q_VIEW_ONE] = VIEW_SELECT "id = $1",
	/* A cursor is a row of the same list, else it names nothing. */
	[Q_GRANT_CREATED] = "SELECT created FROM grants WHERE id = $1 "
	    "AND ($2::text IS NULL OR tenant_id = $2::text) "
	    "AND ($3::text IS NULL OR engineer_id = $3::text)",
	[Q_CHECKPOINT_TIME] = "SELECT note, time FROM checkpoints "
	    "ORDER BY size DESC LIMIT 1",
	[Q_INCIDENT_INSERT] = "INSERT INTO incidents(" INCIDENT_COLS ", doc) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
	[Q_REPORT_INSERT] = "INSERT INTO incident_reports(incident_id, "
	    "tenant_id, exposure, doc) VALUES ($1, $2, $3, $4)",
	[Q_INCIDENT_CREATED] = "SELECT created FROM incidents WHERE id = $1 "
	    "AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM incident_reports r "
	    "WHERE r.tenant_id = $2::text AND r.incident_id = $1))",
	[Q_INCIDENTS_ALL] = "SELECT " INCIDENT_COLS ", '', doc "
	    "FROM incidents WHERE (created < $1::int8 OR "
	    "(created = $1::int8 AND id < $2::text)) "
	    "ORDER BY created DESC, id DESC LIMIT $3::int8",
	/* A tenant's: through its reports (the primary key starts with the
	 * tenant); the summary is not read. */
	[Q_INCIDENTS_TENANT] = "SELECT i.id, i.title, i.created_by, "
	    "i.created, i.time_from, i.time_to, i.size, i.tenants, "
	    "r.exposure, NULL FROM incident_reports r JOIN incidents i "
	    "ON i.id = r.incident_id WHERE r.tenant_id = $1 AND "
	    "(i.created < $2::int8 OR (i.created = $2::int8 AND "
	    "i.id < $3::text)) "
	    "ORDER BY i.created DESC, i.id DESC LIMIT $4::int8",
	[Q_INCIDENT_GET] = "SELECT " INCIDENT_COLS ", '', doc FROM incidents "
	    "WHERE id = $1",
	[Q_REPORT_GET] = "SELECT doc FROM incident_reports "
	    "WHERE tenant_id = $2 AND incident_id = $1",
	/* Issue 16, disclose: the notices of a publication. */
	[Q_NOTICE_INSERT] = "INSERT INTO incident_notices(incident_id, "
	    "tenant_id, exposure, created, created_by, recipients, doc) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
	[Q_NOTICES] = "SELECT n.incident_id, n.tenant_id, n.exposure, "
	    "n.created, n.created_by, n.recipients, i.title, i.time_from, "
	    "i.time_to FROM incident_notices n JOIN incidents i "
	    "ON i.id = n.incident_id WHERE ($1::text IS NULL OR "
	    "n.incident_id = $1::text) AND ($2::text IS NULL OR "
	    "n.tenant_id = $2::text) "
	    "ORDER BY n.created DESC, n.incident_id DESC, n.tenant_id "
	    "LIMIT $3::int8",
	[Q_NOTICE_GET] = "SELECT doc FROM incident_notices "
	    "WHERE tenant_id = $2 AND incident_id = $1",
};

/* The created time of row `after` of the list of (tenant, engineer), NULL
 * any (by the statement q; only Q_GRANT_CREATED reads an engineer), into
 * *created: 0, 1 when the list has no such row, -1. */
static int
cursor(struct store_conn *c, enum q q, const char *after, const char *tenant,
    const char *engineer, int64_t *created, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, after);
	pg_param_text(&p, tenant);
	if (q == Q_GRANT_CREATED)
		pg_param_text(&p, engineer);
	rc = pg_row(c, PG_INCIDENT, q, q_sql, &p, &r, "cursor", e);
	if (rc != 0)
		return rc;
	*created = pg_get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

/* Row `row` of a VIEW_SELECT result. */
static void
col_view(struct rec_grant_view *v, const PGresult *r, int row)
{
	memset(v, 0, sizeof(*v));
	pg_col_grant(&v->g, r, row);
	pg_get_text(v->engineer_username, sizeof(v->engineer_username), r,
	    row, 14);
	pg_get_text(v->vendor_name, sizeof(v->vendor_name), r, row, 15);
	pg_get_text(v->ticket_subject, sizeof(v->ticket_subject), r, row,
	    16);
	pg_get_text(v->tenant_name, sizeof(v->tenant_name), r, row, 17);
	v->past_requests = pg_get_int(r, row, 18);
	v->past_approved = pg_get_int(r, row, 19);
	v->past_last = pg_get_int(r, row, 20);
}

int
pg_grant_view_get(struct store_conn *c, const char *id,
    struct rec_grant_view *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, id);
	rc = pg_row(c, PG_INCIDENT, Q_VIEW_ONE, q_sql, &p, &r,
	    "access request", e);
	if (rc != 0)
		return rc;
	col_view(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_grant_views(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_grant_view *v), void *arg,
    struct err *e)
{
	struct rec_grant_view v;
	struct pg_params p;
	PGresult *r;
	int64_t created = INT64_MAX;
	enum q q;
	int i, n, rc;

	if (after != NULL) {
		rc = cursor(c, Q_GRANT_CREATED, after, tenant_id, engineer_id,
		    &created, e);
		if (rc != 0)
			return rc;
	}
	pg_params_init(&p);
	if (tenant_id != NULL) {
		q = Q_VIEWS_TENANT;
		pg_param_text(&p, tenant_id);
		pg_param_text(&p, engineer_id);
	} else if (engineer_id != NULL) {
		q = Q_VIEWS_ENGINEER;
		pg_param_text(&p, engineer_id);
	} else
		q = Q_VIEWS_ALL;
	pg_param_int(&p, created);
	pg_param_text(&p, after != NULL ? after : "");
	pg_param_int(&p, limit);
	if (pg_run(c, PG_INCIDENT, q, q_sql, &p, &r, "access requests",
	    e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		col_view(&v, r, i);
		if (cb(arg, &v) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_checkpoint_latest_time(struct store_conn *c, struct buf *note,
    int64_t *time, struct err *e)
{
	PGresult *r;
	const char *v;
	size_t len;
	int rc;

	rc = pg_row(c, PG_INCIDENT, Q_CHECKPOINT_TIME, q_sql, NULL, &r,
	    "checkpoint", e);
	if (rc != 0)
		return rc;
	v = pg_get_bytes(r, 0, 0, &len);
	rc = buf_append(note, v, len);
	*time = pg_get_int(r, 0, 1);
	PQclear(r);
	return rc == -1 ? err_internal(e, "checkpoint too large") : 0;
}

int
pg_incident_insert(struct store_conn *c, const struct rec_incident *r,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, r->id);
	pg_param_text(&p, r->title);
	pg_param_text(&p, r->created_by);
	pg_param_int(&p, r->created);
	pg_param_int(&p, r->from);
	pg_param_int(&p, r->to);
	pg_param_int(&p, r->size);
	pg_param_int(&p, r->tenants);
	pg_param_textn(&p, r->doc, r->len);
	return pg_exec(c, PG_INCIDENT, Q_INCIDENT_INSERT, q_sql, &p, NULL,
	    "incident", e);
}

int
pg_incident_report_insert(struct store_conn *c,
    const struct rec_incident_report *r, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, r->incident_id);
	pg_param_text(&p, r->tenant_id);
	pg_param_text(&p, r->exposure);
	pg_param_textn(&p, r->doc, r->len);
	return pg_exec(c, PG_INCIDENT, Q_REPORT_INSERT, q_sql, &p, NULL,
	    "incident report", e);
}

/* Row `row` (INCIDENT_COLS, exposure, doc); doc valid until PQclear. */
static void
col_incident(struct rec_incident *out, const PGresult *r, int row)
{
	memset(out, 0, sizeof(*out));
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->title, sizeof(out->title), r, row, 1);
	pg_get_text(out->created_by, sizeof(out->created_by), r, row, 2);
	out->created = pg_get_int(r, row, 3);
	out->from = pg_get_int(r, row, 4);
	out->to = pg_get_int(r, row, 5);
	out->size = pg_get_int(r, row, 6);
	out->tenants = (int)pg_get_int(r, row, 7);
	if (!pg_is_null(r, row, 9))
		out->doc = pg_get_bytes(r, row, 9, &out->len);
}

int
pg_incident_list(struct store_conn *c, const char *tenant_id,
    const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_incident *r, const char *exposure),
    void *arg, struct err *e)
{
	struct rec_incident rec;
	char exposure[REC_EXPOSURE_MAX];
	struct pg_params p;
	PGresult *r;
	int64_t created = INT64_MAX;
	int i, n, rc;

	if (after != NULL) {
		rc = cursor(c, Q_INCIDENT_CREATED, after, tenant_id, NULL,
		    &created, e);
		if (rc != 0)
			return rc;
	}
	pg_params_init(&p);
	if (tenant_id != NULL)
		pg_param_text(&p, tenant_id);
	pg_param_int(&p, created);
	pg_param_text(&p, after != NULL ? after : "");
	pg_param_int(&p, limit);
	if (pg_run(c, PG_INCIDENT, tenant_id != NULL ? Q_INCIDENTS_TENANT :
	    Q_INCIDENTS_ALL, q_sql, &p, &r, "incidents", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		col_incident(&rec, r, i);
		if (tenant_id != NULL) {
			rec.doc = NULL;
			rec.len = 0;
		}
		pg_get_text(exposure, sizeof(exposure), r, i, 8);
		if (cb(arg, &rec, exposure) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_incident_get(struct store_conn *c, const char *id,
    struct rec_incident *out, struct buf *doc, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, id);
	rc = pg_row(c, PG_INCIDENT, Q_INCIDENT_GET, q_sql, &p, &r,
	    "incident", e);
	if (rc != 0)
		return rc;
	col_incident(out, r, 0);
	rc = buf_append(doc, out->doc != NULL ? out->doc : "", out->len);
	out->doc = NULL;
	out->len = 0;
	PQclear(r);
	return rc == -1 ? err_internal(e, "incident too large") : 0;
}

int
pg_incident_report_get(struct store_conn *c, const char *id,
    const char *tenant_id, struct buf *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	const char *v;
	size_t len;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_text(&p, tenant_id);
	rc = pg_row(c, PG_INCIDENT, Q_REPORT_GET, q_sql, &p, &r,
	    "incident report", e);
	if (rc != 0)
		return rc;
	v = pg_get_bytes(r, 0, 0, &len);
	rc = buf_append(out, v, len);
	PQclear(r);
	return rc == -1 ? err_internal(e, "incident report too large") : 0;
}

int
pg_incident_notice_insert(struct store_conn *c,
    const struct rec_incident_notice *r, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, r->incident_id);
	pg_param_text(&p, r->tenant_id);
	pg_param_text(&p, r->exposure);
	pg_param_int(&p, r->created);
	pg_param_text(&p, r->created_by);
	pg_param_int(&p, r->recipients);
	pg_param_textn(&p, r->doc, r->len);
	return pg_exec(c, PG_INCIDENT, Q_NOTICE_INSERT, q_sql, &p, NULL,
	    "incident notice", e);
}

int
pg_incident_notice_list(struct store_conn *c, const char *incident_id,
    const char *tenant_id, int64_t limit,
    int (*cb)(void *arg, const struct rec_incident_notice *r), void *arg,
    struct err *e)
{
	struct rec_incident_notice rec;
	struct pg_params p;
	PGresult *r;
	int i, n;

	pg_params_init(&p);
	pg_param_text(&p, incident_id);
	pg_param_text(&p, tenant_id);
	pg_param_int(&p, limit);
	if (pg_run(c, PG_INCIDENT, Q_NOTICES, q_sql, &p, &r,
	    "incident notices", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&rec, 0, sizeof(rec));
		pg_get_text(rec.incident_id, sizeof(rec.incident_id), r, i, 0);
		pg_get_text(rec.tenant_id, sizeof(rec.tenant_id), r, i, 1);
		pg_get_text(rec.exposure, sizeof(rec.exposure), r, i, 2);
		rec.created = pg_get_int(r, i, 3);
		pg_get_text(rec.created_by, sizeof(rec.created_by), r, i, 4);
		rec.recipients = (int)pg_get_int(r, i, 5);
		pg_get_text(rec.title, sizeof(rec.title), r, i, 6);
		rec.from = pg_get_int(r, i, 7);
		rec.to = pg_get_int(r, i, 8);
		if (cb(arg, &rec) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_incident_notice_get(struct store_conn *c, const char *id,
    const char *tenant_id, struct buf *out, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	const char *v;
	size_t len;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_text(&p, tenant_id);
	rc = pg_row(c, PG_INCIDENT, Q_NOTICE_GET, q_sql, &p, &r,
	    "incident notice", e);
	if (rc != 0)
		return rc;
	v = pg_get_bytes(r, 0, 0, &len);
	rc = buf_append(out, v, len);
	PQclear(r);
	return rc == -1 ? err_internal(e, "incident notice too large") : 0;
}
