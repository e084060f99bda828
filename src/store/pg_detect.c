/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's queries for detection and containment (as
 * sqlite_detect.c, statement for statement): alerts (a JSON document each,
 * with the columns listings filter by and the webhook's progress),
 * containments, engineers' working hours, and the session and device
 * lookups containment needs.  A parameter whose type the SQL leaves open
 * ($2 = 0, $3 = '') is cast, so each has one type.
 */
#include <string.h>

#include "store/pg_codec.h"
#include "store/pg_int.h"

enum dq {
	D_ALERT_INSERT, D_ALERT_LIST, D_ALERT_GET, D_ALERT_DUE, D_ALERT_SET,
	D_CONT_INSERT, D_CONT_GET, D_CONT_LIFT, D_CONT_LIST_ACTIVE,
	D_CONT_LIST_ALL, D_CONT_FIND,
	D_SES_END_ENGINEER, D_SES_END_DEVICE, D_SES_END_SESSION,
	D_SES_END_VENDOR,
	D_HOURS_SET, D_HOURS_GET, D_DEVICE_COUNT,
	D_COUNT
};

_Static_assert(D_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const d_sql[D_COUNT] = {
	[D_ALERT_INSERT] = "INSERT INTO alerts(" ALERT_NEW_COLS ") "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
	/* Empty filters match everything; newest first. */
	[D_ALERT_LIST] = "SELECT doc FROM alerts WHERE time >= $1::int8 "
	    "AND ($2::int8 = 0 OR time < $2::int8) "
	    "AND ($3::text = '' OR rule = $3::text) "
	    "AND severity >= $4::int8 "
	    "AND ($5::text = '' OR subject = $5::text) "
	    "AND ($7::int8 = 0 OR ($7::int8 = 1) = "
	    "(doc LIKE '%\"history\":true%')) "
	    "ORDER BY time DESC, id LIMIT $6::int8",
	[D_ALERT_GET] = "SELECT doc FROM alerts WHERE id = $1",
	/* webhook = 1 as written: the partial index alerts_webhook. */
	[D_ALERT_DUE] = "SELECT " ALERT_COLS " FROM alerts "
	    "WHERE webhook = 1 AND next_attempt <= $1::int8 "
	    "ORDER BY next_attempt, time LIMIT $2::int8",
	[D_ALERT_SET] = "UPDATE alerts SET webhook = $2, attempts = $3, "
	    "next_attempt = $4 WHERE id = $1",
	[D_CONT_INSERT] = "INSERT INTO containments(" CONTAINMENT_NEW_COLS
	    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
	[D_CONT_GET] = "SELECT " CONTAINMENT_COLS " FROM containments "
	    "WHERE id = $1",
	/* One statement: of two lifts racing, one matches the row. */
	[D_CONT_LIFT] = "UPDATE containments SET lifted = $2, "
	    "lifted_by = $3, lift_reason = $4 WHERE id = $1 AND lifted = 0",
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
	    "WHERE lifted = 0 AND refuse_logins = 1 AND "
	    "((kind = 0 AND target = $1::text AND $1::text <> '') "
	    "OR (kind = 1 AND target = $3::text AND $3::text <> '') "
	    "OR (kind = 3 AND target = $2::text AND $2::text <> '')) "
	    "ORDER BY created LIMIT 1",
	/* Each a single DELETE: the count is what this call ended. */
	[D_SES_END_ENGINEER] = "DELETE FROM sessions WHERE principal = 1 "
	    "AND principal_id = $1",
	[D_SES_END_DEVICE] = "DELETE FROM sessions WHERE device_id = $1",
	[D_SES_END_SESSION] = "DELETE FROM sessions WHERE id = $1",
	[D_SES_END_VENDOR] = "DELETE FROM sessions WHERE principal = 1 "
	    "AND vendor_id = $1",
	[D_HOURS_SET] = "UPDATE engineers SET working_hours = $2 "
	    "WHERE id = $1",
	[D_HOURS_GET] = "SELECT working_hours FROM engineers WHERE id = $1",
	[D_DEVICE_COUNT] = "SELECT count(*) FROM devices "
	    "WHERE engineer_id = $1",
};

int
pg_alert_insert(struct store_conn *c, const struct rec_alert *a,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_alert_new(&p, a);
	return pg_exec(c, PG_DETECT, D_ALERT_INSERT, d_sql, &p, NULL,
	    "alert", e);
}

int
pg_alert_list(struct store_conn *c, const struct rec_alert_filter *f,
    store_doc_cb cb, void *arg, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	const char *doc;
	size_t len;
	int i, n;

	pg_params_init(&p);
	pg_param_int(&p, f->from_ms);
	pg_param_int(&p, f->to_ms);
	pg_param_text(&p, f->rule != NULL ? f->rule : "");
	pg_param_int(&p, f->min_severity);
	pg_param_text(&p, f->subject != NULL ? f->subject : "");
	pg_param_int(&p, f->limit > 0 ? f->limit : 100);
	pg_param_int(&p, f->history);
	if (pg_run(c, PG_DETECT, D_ALERT_LIST, d_sql, &p, &r, "alerts",
	    e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		doc = pg_get_bytes(r, i, 0, &len);
		if (cb(arg, doc, len) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_alert_get(struct store_conn *c, const char *id, struct buf *out,
    struct err *e)
{
	struct pg_params p;
	PGresult *r;
	const char *doc;
	size_t len;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, id);
	rc = pg_row(c, PG_DETECT, D_ALERT_GET, d_sql, &p, &r, "alert", e);
	if (rc != 0)
		return rc;
	doc = pg_get_bytes(r, 0, 0, &len);
	rc = buf_append(out, doc, len);
	PQclear(r);
	if (rc == -1)
		return err_internal(e, "alert too large");
	return 0;
}

int
pg_alert_webhook_due(struct store_conn *c, int64_t now, int limit,
    int (*cb)(void *arg, const struct rec_alert *a), void *arg,
    struct err *e)
{
	struct pg_params p;
	struct rec_alert a;
	PGresult *r;
	int i, n;

	pg_params_init(&p);
	pg_param_int(&p, now);
	pg_param_int(&p, limit);
	if (pg_run(c, PG_DETECT, D_ALERT_DUE, d_sql, &p, &r, "alerts due",
	    e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		pg_col_alert(&a, r, i);
		if (cb(arg, &a) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_alert_webhook_set(struct store_conn *c, const struct rec_alert *a,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, a->id);
	pg_param_int(&p, a->webhook);
	pg_param_int(&p, a->attempts);
	pg_param_int(&p, a->next_attempt);
	return pg_update(c, PG_DETECT, D_ALERT_SET, d_sql, &p,
	    "alert delivery", e);
}

int
pg_containment_insert(struct store_conn *c,
    const struct rec_containment *r, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_bind_containment_new(&p, r);
	return pg_exec(c, PG_DETECT, D_CONT_INSERT, d_sql, &p, NULL,
	    "containment", e);
}

/* The first row of statement q with p into out; 1 when there is none. */
static int
read_containment(struct store_conn *c, enum dq q, const struct pg_params *p,
    struct rec_containment *out, struct err *e)
{
	PGresult *r;
	int rc = pg_row(c, PG_DETECT, q, d_sql, p, &r, "containment", e);

	if (rc != 0)
		return rc;
	pg_col_containment(out, r, 0);
	PQclear(r);
	return 0;
}

int
pg_containment_get(struct store_conn *c, const char *id,
    struct rec_containment *out, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	return read_containment(c, D_CONT_GET, &p, out, e);
}

int
pg_containment_lift(struct store_conn *c,
    const struct rec_containment *r, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, r->id);
	pg_param_int(&p, r->lifted);
	pg_param_text(&p, r->lifted_by);
	pg_param_text(&p, r->lift_reason);
	return pg_update(c, PG_DETECT, D_CONT_LIFT, d_sql, &p,
	    "containment lift", e);
}

int
pg_containment_list(struct store_conn *c, int all,
    int (*cb)(void *arg, const struct rec_containment *r), void *arg,
    struct err *e)
{
	struct rec_containment rec;
	PGresult *r;
	int i, n;

	if (pg_run(c, PG_DETECT, all ? D_CONT_LIST_ALL : D_CONT_LIST_ACTIVE,
	    d_sql, NULL, &r, "containments", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		pg_col_containment(&rec, r, i);
		if (cb(arg, &rec) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_containment_find(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, const char *device_id,
    struct rec_containment *out, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, engineer_id);
	pg_param_text(&p, vendor_id);
	pg_param_text(&p, device_id);
	return read_containment(c, D_CONT_FIND, &p, out, e);
}

int
pg_session_end_matching(struct store_conn *c, int kind, const char *id,
    int64_t *n, struct err *e)
{
	static const enum dq by_kind[CONTAIN_KIND_COUNT] = {
		[CONTAIN_ENGINEER] = D_SES_END_ENGINEER,
		[CONTAIN_DEVICE] = D_SES_END_DEVICE,
		[CONTAIN_SESSION] = D_SES_END_SESSION,
		[CONTAIN_VENDOR] = D_SES_END_VENDOR,
	};
	struct pg_params p;

	*n = 0;
	if (kind < 0 || kind >= CONTAIN_KIND_COUNT)
		return err_internal(e, "no such containment kind");
	pg_params_init(&p);
	pg_param_text(&p, id);
	/* The DELETE's own row count: exactly what this call ended. */
	return pg_exec(c, PG_DETECT, by_kind[kind], d_sql, &p, n,
	    "end sessions", e);
}

int
pg_engineer_hours_set(struct store_conn *c, const char *id,
    const char *spec, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, id);
	pg_param_text(&p, spec);
	return pg_update(c, PG_DETECT, D_HOURS_SET, d_sql, &p,
	    "working hours", e);
}

int
pg_engineer_hours_get(struct store_conn *c, const char *id, char *out,
    size_t size, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, id);
	rc = pg_row(c, PG_DETECT, D_HOURS_GET, d_sql, &p, &r,
	    "working hours", e);
	if (rc != 0)
		return rc;
	pg_get_text(out, size, r, 0, 0);
	PQclear(r);
	return 0;
}

int
pg_device_count(struct store_conn *c, const char *engineer_id, int64_t *n,
    struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, engineer_id);
	rc = pg_row(c, PG_DETECT, D_DEVICE_COUNT, d_sql, &p, &r, "devices",
	    e);
	if (rc != 0)
		return rc == 1 ? err_internal(e, "device count") : -1;
	*n = pg_get_int(r, 0, 0);
	PQclear(r);
	return 0;
}
