/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's queries for detection and containment: alerts (a
 * JSON document each, with the columns listings filter by and the
 * webhook's progress), containments, engineers' working hours, and the
 * session and device lookups containment needs.
 */
#include <sqlite3.h>
#include <string.h>

#include "common/str.h"
#include "store/sqlite_codec.h"
#include "store/sqlite_int.h"

enum dq {
	D_ALERT_INSERT, D_ALERT_LIST, D_ALERT_GET, D_ALERT_DUE, D_ALERT_SET,
	D_CONT_INSERT, D_CONT_GET, D_CONT_LIFT, D_CONT_LIST_ACTIVE,
	D_CONT_LIST_ALL, D_CONT_FIND,
	D_SES_END_ENGINEER, D_SES_END_DEVICE, D_SES_END_SESSION,
	D_SES_END_VENDOR,
	D_HOURS_SET, D_HOURS_GET, D_DEVICE_COUNT,
	D_COUNT
};

_Static_assert(D_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const d_sql[D_COUNT] = {
	[D_ALERT_INSERT] = "INSERT INTO alerts(" ALERT_NEW_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/* Empty filters match everything; newest first. */
	[D_ALERT_LIST] = "SELECT doc FROM alerts WHERE time >= ?1 "
	    "AND (?2 = 0 OR time < ?2) AND (?3 = '' OR rule = ?3) "
	    "AND severity >= ?4 AND (?5 = '' OR subject = ?5) "
	    "AND (?7 = 0 OR (?7 = 1) = (doc LIKE '%\"history\":true%')) "
	    "ORDER BY time DESC, id LIMIT ?6",
	[D_ALERT_GET] = "SELECT doc FROM alerts WHERE id = ?1",
	[D_ALERT_DUE] = "SELECT " ALERT_COLS " FROM alerts "
	    "WHERE webhook = 1 AND next_attempt <= ?1 "
	    "ORDER BY next_attempt, time LIMIT ?2",
	[D_ALERT_SET] = "UPDATE alerts SET webhook = ?2, attempts = ?3, "
	    "next_attempt = ?4 WHERE id = ?1",
	[D_CONT_INSERT] = "INSERT INTO containments(" CONTAINMENT_NEW_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[D_CONT_GET] = "SELECT " CONTAINMENT_COLS " FROM containments WHERE id = ?1",
	[D_CONT_LIFT] = "UPDATE containments SET lifted = ?2, lifted_by = ?3, "
	    "lift_reason = ?4 WHERE id = ?1 AND lifted = 0",
	/* In force: refusing logins until lifted (one that only ended
	 * sessions holds nothing any more). */
	[D_CONT_LIST_ACTIVE] = "SELECT " CONTAINMENT_COLS " FROM containments "
	    "WHERE lifted = 0 AND refuse_logins = 1 "
	    "ORDER BY created DESC, id LIMIT 1000",
	[D_CONT_LIST_ALL] = "SELECT " CONTAINMENT_COLS " FROM containments "
	    "ORDER BY created DESC, id LIMIT 1000",
	/* Sessions and sessions' engineers are not refused here: their
	 * sessions were ended; what stays is the ban on new logins. */
	[D_CONT_FIND] = "SELECT " CONTAINMENT_COLS " FROM containments "
	    "WHERE lifted = 0 AND refuse_logins = 1 AND ((kind = 0 AND target = ?1 AND ?1 <> '') "
	    "OR (kind = 1 AND target = ?3 AND ?3 <> '') "
	    "OR (kind = 3 AND target = ?2 AND ?2 <> '')) "
	    "ORDER BY created LIMIT 1",
	[D_SES_END_ENGINEER] = "DELETE FROM sessions WHERE principal = 1 "
	    "AND principal_id = ?1",
	[D_SES_END_DEVICE] = "DELETE FROM sessions WHERE device_id = ?1",
	[D_SES_END_SESSION] = "DELETE FROM sessions WHERE id = ?1",
	[D_SES_END_VENDOR] = "DELETE FROM sessions WHERE principal = 1 "
	    "AND vendor_id = ?1",
	[D_HOURS_SET] = "UPDATE engineers SET working_hours = ?2 "
	    "WHERE id = ?1",
	[D_HOURS_GET] = "SELECT working_hours FROM engineers WHERE id = ?1",
	[D_DEVICE_COUNT] = "SELECT count(*) FROM devices "
	    "WHERE engineer_id = ?1",
};

static sqlite3_stmt *
dstmt(struct store_conn *c, enum dq q, struct err *e)
{
	return sq_stmt(c, SQ_DETECT, q, d_sql, e);
}

int
sqlite_alert_insert(struct store_conn *c, const struct rec_alert *a,
    struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_ALERT_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_alert_new(s, a);
	return sq_exec(c, s, "alert", e);
}

/* Calls cb with the first column of every row as a document. */
static int
doc_rows(struct store_conn *c, sqlite3_stmt *s, store_doc_cb cb, void *arg,
    struct err *e)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0)) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "alerts");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_alert_list(struct store_conn *c, const struct rec_alert_filter *f,
    store_doc_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_ALERT_LIST, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, f->from_ms);
	sqlite3_bind_int64(s, 2, f->to_ms);
	sq_bind_text(s, 3, f->rule != NULL ? f->rule : "");
	sqlite3_bind_int(s, 4, f->min_severity);
	sq_bind_text(s, 5, f->subject != NULL ? f->subject : "");
	sqlite3_bind_int(s, 6, f->limit > 0 ? f->limit : 100);
	sqlite3_bind_int(s, 7, f->history);
	return doc_rows(c, s, cb, arg, e);
}

int
sqlite_alert_get(struct store_conn *c, const char *id, struct buf *out,
    struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_ALERT_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "alert", e);
	if (rc != 0)
		return rc;
	rc = buf_append(out, sqlite3_column_text(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	sq_done(s);
	if (rc == -1)
		return err_internal(e, "alert too large");
	return 0;
}

int
sqlite_alert_webhook_due(struct store_conn *c, int64_t now, int limit,
    int (*cb)(void *arg, const struct rec_alert *a), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_ALERT_DUE, e);
	struct rec_alert a;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		sq_col_alert(&a, s);
		if (cb(arg, &a) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "alerts due");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_alert_webhook_set(struct store_conn *c, const struct rec_alert *a,
    struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_ALERT_SET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, a->id);
	sqlite3_bind_int(s, 2, a->webhook);
	sqlite3_bind_int(s, 3, a->attempts);
	sqlite3_bind_int64(s, 4, a->next_attempt);
	return sq_exec_update(c, s, "alert delivery", e);
}

int
sqlite_containment_insert(struct store_conn *c,
    const struct rec_containment *r, struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_CONT_INSERT, e);

	if (s == NULL)
		return -1;
	sq_bind_containment_new(s, r);
	return sq_exec(c, s, "containment", e);
}

static int
read_containment(struct store_conn *c, sqlite3_stmt *s,
    struct rec_containment *out, struct err *e)
{
	int rc = sq_step_row(c, s, "containment", e);

	if (rc != 0)
		return rc;
	sq_col_containment(out, s);
	sq_done(s);
	return 0;
}

int
sqlite_containment_get(struct store_conn *c, const char *id,
    struct rec_containment *out, struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_CONT_GET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	return read_containment(c, s, out, e);
}

int
sqlite_containment_lift(struct store_conn *c,
    const struct rec_containment *r, struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_CONT_LIFT, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, r->id);
	sqlite3_bind_int64(s, 2, r->lifted);
	sq_bind_text(s, 3, r->lifted_by);
	sq_bind_text(s, 4, r->lift_reason);
	return sq_exec_update(c, s, "containment lift", e);
}

int
sqlite_containment_list(struct store_conn *c, int all,
    int (*cb)(void *arg, const struct rec_containment *r), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = dstmt(c, all ? D_CONT_LIST_ALL : D_CONT_LIST_ACTIVE,
	    e);
	struct rec_containment r;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sq_col_containment(&r, s);
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "containments");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_containment_find(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, const char *device_id,
    struct rec_containment *out, struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_CONT_FIND, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, engineer_id);
	sq_bind_text(s, 2, vendor_id);
	sq_bind_text(s, 3, device_id);
	return read_containment(c, s, out, e);
}

int
sqlite_session_end_matching(struct store_conn *c, int kind, const char *id,
    int64_t *n, struct err *e)
{
	static const enum dq by_kind[CONTAIN_KIND_COUNT] = {
		[CONTAIN_ENGINEER] = D_SES_END_ENGINEER,
		[CONTAIN_DEVICE] = D_SES_END_DEVICE,
		[CONTAIN_SESSION] = D_SES_END_SESSION,
		[CONTAIN_VENDOR] = D_SES_END_VENDOR,
	};
	sqlite3_stmt *s;

	*n = 0;
	if (kind < 0 || kind >= CONTAIN_KIND_COUNT)
		return err_internal(e, "no such containment kind");
	s = dstmt(c, by_kind[kind], e);
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	if (sq_exec(c, s, "end sessions", e) == -1)
		return -1;
	*n = sqlite3_changes(c->db);
	return 0;
}

int
sqlite_engineer_hours_set(struct store_conn *c, const char *id,
    const char *spec, struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_HOURS_SET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sq_bind_text(s, 2, spec);
	return sq_exec_update(c, s, "working hours", e);
}

int
sqlite_engineer_hours_get(struct store_conn *c, const char *id, char *out,
    size_t size, struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_HOURS_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	rc = sq_step_row(c, s, "working hours", e);
	if (rc != 0)
		return rc;
	sq_col_text(out, size, s, 0);
	sq_done(s);
	return 0;
}

int
sqlite_device_count(struct store_conn *c, const char *engineer_id,
    int64_t *n, struct err *e)
{
	sqlite3_stmt *s = dstmt(c, D_DEVICE_COUNT, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, engineer_id);
	rc = sq_step_row(c, s, "devices", e);
	if (rc != 0)
		return rc == 1 ? err_internal(e, "device count") : -1;
	*n = sqlite3_column_int64(s, 0);
	sq_done(s);
	return 0;
}
