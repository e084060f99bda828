/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's part of what the console reads (issue 13): the
 * access requests with their names and the engineer's past with the
 * tenant, the latest checkpoint's time, and incidents -- a scope answer
 * kept with one report per tenant, append-only (migration 19's triggers).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "store/sqlite_codec.h"
#include "store/sqlite_int.h"

enum q {
	Q_VIEWS_TENANT, Q_VIEWS_ENGINEER, Q_VIEWS_ALL, Q_VIEW_ONE,
	Q_GRANT_CREATED,
	Q_CHECKPOINT_TIME,
	Q_INCIDENT_INSERT, Q_REPORT_INSERT, Q_INCIDENT_CREATED,
	Q_INCIDENTS_ALL, Q_INCIDENTS_TENANT, Q_INCIDENT_GET, Q_REPORT_GET,
	Q_NOTICE_INSERT, Q_NOTICES, Q_NOTICE_GET,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

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
#define VIEW_PAGE " AND (created < ?3 OR (created = ?3 AND id < ?4)) " \
	"ORDER BY created DESC, id DESC LIMIT ?5"
#define INCIDENT_COLS "id, title, created_by, created, time_from, " \
	"time_to, size, tenants"

static const char *const q_sql[Q_COUNT] = {
	[Q_VIEWS_TENANT] = VIEW_SELECT "tenant_id = ?1 AND "
	    "(?2 IS NULL OR engineer_id = ?2)" VIEW_PAGE,
	[Q_VIEWS_ENGINEER] = VIEW_SELECT "engineer_id = ?2" VIEW_PAGE,
	[Q_VIEWS_ALL] = VIEW_SELECT "1" VIEW_PAGE,
	[Q_VIEW_ONE] = VIEW_SELECT "id = ?1",
	/* A cursor is a row of the same list, else it names nothing. */
	[Q_GRANT_CREATED] = "SELECT created FROM grants WHERE id = ?1 "
	    "AND (?2 IS NULL OR tenant_id = ?2) "
	    "AND (?3 IS NULL OR engineer_id = ?3)",
	[Q_CHECKPOINT_TIME] = "SELECT note, time FROM checkpoints "
	    "ORDER BY size DESC LIMIT 1",
	[Q_INCIDENT_INSERT] = "INSERT INTO incidents(" INCIDENT_COLS ", doc) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[Q_REPORT_INSERT] = "INSERT INTO incident_reports(incident_id, "
	    "tenant_id, exposure, doc) VALUES (?1, ?2, ?3, ?4)",
	[Q_INCIDENT_CREATED] = "SELECT created FROM incidents WHERE id = ?1 "
	    "AND (?2 IS NULL OR EXISTS (SELECT 1 FROM incident_reports r "
	    "WHERE r.tenant_id = ?2 AND r.incident_id = ?1))",
	[Q_INCIDENTS_ALL] = "SELECT " INCIDENT_COLS ", '', doc "
	    "FROM incidents WHERE (created < ?2 OR (created = ?2 AND id < ?3)) "
	    "ORDER BY created DESC, id DESC LIMIT ?4",
	/* A tenant's: through its reports (the primary key starts with the
	 * tenant); the summary is not read. */
	[Q_INCIDENTS_TENANT] = "SELECT i.id, i.title, i.created_by, "
	    "i.created, i.time_from, i.time_to, i.size, i.tenants, "
	    "r.exposure, NULL FROM incident_reports r JOIN incidents i "
	    "ON i.id = r.incident_id WHERE r.tenant_id = ?1 AND "
	    "(i.created < ?2 OR (i.created = ?2 AND i.id < ?3)) "
	    "ORDER BY i.created DESC, i.id DESC LIMIT ?4",
	[Q_INCIDENT_GET] = "SELECT " INCIDENT_COLS ", '', doc FROM incidents "
	    "WHERE id = ?1",
	[Q_REPORT_GET] = "SELECT doc FROM incident_reports "
	    "WHERE tenant_id = ?2 AND incident_id = ?1",
	/* Issue 16, disclose: the notices of a publication. */
	[Q_NOTICE_INSERT] = "INSERT INTO incident_notices(incident_id, "
	    "tenant_id, exposure, created, created_by, recipients, doc) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_NOTICES] = "SELECT n.incident_id, n.tenant_id, n.exposure, "
	    "n.created, n.created_by, n.recipients, i.title, i.time_from, "
	    "i.time_to FROM incident_notices n JOIN incidents i "
	    "ON i.id = n.incident_id WHERE (?1 IS NULL OR n.incident_id = ?1) "
	    "AND (?2 IS NULL OR n.tenant_id = ?2) "
	    "ORDER BY n.created DESC, n.incident_id DESC, n.tenant_id "
	    "LIMIT ?3",
	[Q_NOTICE_GET] = "SELECT doc FROM incident_notices "
	    "WHERE tenant_id = ?2 AND incident_id = ?1",
};

static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_INCIDENT, q, q_sql, e);
}

/* The created time of row `after` of the list of (tenant, engineer), NULL
 * any (by the statement q), into *created: 0, 1 when the list has no
 * such row, -1. */
static int
cursor(struct store_conn *c, enum q q, const char *after, const char *tenant,
    const char *engineer, int64_t *created, struct err *e)
{
	sqlite3_stmt *s = stmt(c, q, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, after);
	sq_bind_text(s, 2, tenant);
	if (engineer != NULL)
		sq_bind_text(s, 3, engineer);
	rc = sq_step_row(c, s, "cursor", e);
	if (rc != 0)
		return rc;
	*created = sqlite3_column_int64(s, 0);
	sq_done(s);
	return 0;
}

/* A view row of a VIEW_SELECT statement. */
static void
col_view(struct rec_grant_view *v, sqlite3_stmt *s)
{
	memset(v, 0, sizeof(*v));
	sq_col_grant(&v->g, s);
	sq_col_text(v->engineer_username, sizeof(v->engineer_username), s,
	    14);
	sq_col_text(v->vendor_name, sizeof(v->vendor_name), s, 15);
	sq_col_text(v->ticket_subject, sizeof(v->ticket_subject), s, 16);
	sq_col_text(v->tenant_name, sizeof(v->tenant_name), s, 17);
	v->past_requests = sqlite3_column_int64(s, 18);
	v->past_approved = sqlite3_column_int64(s, 19);
	v->past_last = sqlite3_column_int64(s, 20);
}

int
sqlite_grant_view_get(struct store_conn *c, const char *id,
    struct rec_grant_view *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_VIEW_ONE, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "access request", e);
	if (rc != 0)
		return rc;
	col_view(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_grant_views(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_grant_view *v), void *arg,
    struct err *e)
{
	struct rec_grant_view v;
	sqlite3_stmt *s;
	int64_t created = INT64_MAX;
	int rc;

	if (after != NULL) {
		rc = cursor(c, Q_GRANT_CREATED, after, tenant_id, engineer_id,
		    &created, e);
		if (rc != 0)
			return rc;
	}
	s = stmt(c, tenant_id != NULL ? Q_VIEWS_TENANT : engineer_id != NULL ?
	    Q_VIEWS_ENGINEER : Q_VIEWS_ALL, e);
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sq_bind_text(s, 2, engineer_id);
	sqlite3_bind_int64(s, 3, created);
	sq_bind_text(s, 4, after != NULL ? after : "");
	sqlite3_bind_int64(s, 5, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col_view(&v, s);
		if (cb(arg, &v) != 0)
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
sqlite_checkpoint_latest_time(struct store_conn *c, struct buf *note,
    int64_t *time, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_CHECKPOINT_TIME, e);
	int rc;

	if (s == NULL)
		return -1;
	rc = sq_step_row(c, s, "checkpoint", e);
	if (rc != 0)
		return rc;
	rc = buf_append(note, sqlite3_column_text(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	*time = sqlite3_column_int64(s, 1);
	sq_done(s);
	return rc == -1 ? err_internal(e, "checkpoint too large") : 0;
}

int
sqlite_incident_insert(struct store_conn *c, const struct rec_incident *r,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_INCIDENT_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, r->id);
	sq_bind_text(s, 2, r->title);
	sq_bind_text(s, 3, r->created_by);
	sqlite3_bind_int64(s, 4, r->created);
	sqlite3_bind_int64(s, 5, r->from);
	sqlite3_bind_int64(s, 6, r->to);
	sqlite3_bind_int64(s, 7, r->size);
	sqlite3_bind_int(s, 8, r->tenants);
	sqlite3_bind_text(s, 9, r->doc, (int)r->len, SQLITE_STATIC);
	return sq_exec(c, s, "incident", e);
}

int
sqlite_incident_report_insert(struct store_conn *c,
    const struct rec_incident_report *r, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_REPORT_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, r->incident_id);
	sq_bind_text(s, 2, r->tenant_id);
	sq_bind_text(s, 3, r->exposure);
	sqlite3_bind_text(s, 4, r->doc, (int)r->len, SQLITE_STATIC);
	return sq_exec(c, s, "incident report", e);
}

/* An incident row (INCIDENT_COLS, exposure, doc); doc valid until the
 * statement moves. */
static void
col_incident(struct rec_incident *r, sqlite3_stmt *s)
{
	memset(r, 0, sizeof(*r));
	sq_col_text(r->id, sizeof(r->id), s, 0);
	sq_col_text(r->title, sizeof(r->title), s, 1);
	sq_col_text(r->created_by, sizeof(r->created_by), s, 2);
	r->created = sqlite3_column_int64(s, 3);
	r->from = sqlite3_column_int64(s, 4);
	r->to = sqlite3_column_int64(s, 5);
	r->size = sqlite3_column_int64(s, 6);
	r->tenants = sqlite3_column_int(s, 7);
	r->doc = (const char *)sqlite3_column_text(s, 9);
	r->len = (size_t)sqlite3_column_bytes(s, 9);
}

int
sqlite_incident_list(struct store_conn *c, const char *tenant_id,
    const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_incident *r, const char *exposure),
    void *arg, struct err *e)
{
	struct rec_incident r;
	char exposure[REC_EXPOSURE_MAX];
	sqlite3_stmt *s;
	int64_t created = INT64_MAX;
	int rc;

	if (after != NULL) {
		rc = cursor(c, Q_INCIDENT_CREATED, after, tenant_id, NULL,
		    &created, e);
		if (rc != 0)
			return rc;
	}
	s = stmt(c, tenant_id != NULL ? Q_INCIDENTS_TENANT : Q_INCIDENTS_ALL,
	    e);
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, tenant_id);
	sqlite3_bind_int64(s, 2, created);
	sq_bind_text(s, 3, after != NULL ? after : "");
	sqlite3_bind_int64(s, 4, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col_incident(&r, s);
		if (tenant_id != NULL) {
			r.doc = NULL;
			r.len = 0;
		}
		sq_col_text(exposure, sizeof(exposure), s, 8);
		if (cb(arg, &r, exposure) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "incidents");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_incident_get(struct store_conn *c, const char *id,
    struct rec_incident *r, struct buf *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_INCIDENT_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "incident", e);
	if (rc != 0)
		return rc;
	col_incident(r, s);
	rc = buf_append(out, r->doc, r->len);
	r->doc = NULL;
	r->len = 0;
	sq_done(s);
	return rc == -1 ? err_internal(e, "incident too large") : 0;
}

int
sqlite_incident_report_get(struct store_conn *c, const char *id,
    const char *tenant_id, struct buf *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_REPORT_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sq_bind_text(s, 2, tenant_id);
	rc = sq_step_row(c, s, "incident report", e);
	if (rc != 0)
		return rc;
	rc = buf_append(out, sqlite3_column_text(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	sq_done(s);
	return rc == -1 ? err_internal(e, "incident report too large") : 0;
}

int
sqlite_incident_notice_insert(struct store_conn *c,
    const struct rec_incident_notice *r, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_NOTICE_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, r->incident_id);
	sq_bind_text(s, 2, r->tenant_id);
	sq_bind_text(s, 3, r->exposure);
	sqlite3_bind_int64(s, 4, r->created);
	sq_bind_text(s, 5, r->created_by);
	sqlite3_bind_int(s, 6, r->recipients);
	sqlite3_bind_text(s, 7, r->doc, (int)r->len, SQLITE_STATIC);
	return sq_exec(c, s, "incident notice", e);
}

int
sqlite_incident_notice_list(struct store_conn *c, const char *incident_id,
    const char *tenant_id, int64_t limit,
    int (*cb)(void *arg, const struct rec_incident_notice *r), void *arg,
    struct err *e)
{
	struct rec_incident_notice r;
	sqlite3_stmt *s = stmt(c, Q_NOTICES, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, incident_id);
	sq_bind_text(s, 2, tenant_id);
	sqlite3_bind_int64(s, 3, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		sq_col_text(r.incident_id, sizeof(r.incident_id), s, 0);
		sq_col_text(r.tenant_id, sizeof(r.tenant_id), s, 1);
		sq_col_text(r.exposure, sizeof(r.exposure), s, 2);
		r.created = sqlite3_column_int64(s, 3);
		sq_col_text(r.created_by, sizeof(r.created_by), s, 4);
		r.recipients = sqlite3_column_int(s, 5);
		sq_col_text(r.title, sizeof(r.title), s, 6);
		r.from = sqlite3_column_int64(s, 7);
		r.to = sqlite3_column_int64(s, 8);
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "incident notices");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_incident_notice_get(struct store_conn *c, const char *id,
    const char *tenant_id, struct buf *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_NOTICE_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sq_bind_text(s, 2, tenant_id);
	rc = sq_step_row(c, s, "incident notice", e);
	if (rc != 0)
		return rc;
	rc = buf_append(out, sqlite3_column_text(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	sq_done(s);
	return rc == -1 ? err_internal(e, "incident notice too large") : 0;
}
