/* SPDX-License-Identifier: ISC */
/*
 * pg_incident.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_grant_views(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_grant_view *v), void *arg,
    struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)engineer_id;
	(void)after;
	(void)limit;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "grant_views: not on PostgreSQL yet");
}

int
pg_grant_view_get(struct store_conn *c, const char *id,
    struct rec_grant_view *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "grant_view_get: not on PostgreSQL yet");
}

int
pg_checkpoint_latest_time(struct store_conn *c, struct buf *note,
    int64_t *time, struct err *e)
{
	(void)c;
	(void)note;
	(void)time;
	return err_set(e, 501, "internal", "checkpoint_latest_time: not on PostgreSQL yet");
}

int
pg_incident_insert(struct store_conn *c,
    const struct rec_incident *r, struct err *e)
{
	(void)c;
	(void)r;
	return err_set(e, 501, "internal", "incident_insert: not on PostgreSQL yet");
}

int
pg_incident_report_insert(struct store_conn *c,
    const struct rec_incident_report *r, struct err *e)
{
	(void)c;
	(void)r;
	return err_set(e, 501, "internal", "incident_report_insert: not on PostgreSQL yet");
}

int
pg_incident_list(struct store_conn *c, const char *tenant_id,
    const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_incident *r, const char *exposure),
    void *arg, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)after;
	(void)limit;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "incident_list: not on PostgreSQL yet");
}

int
pg_incident_get(struct store_conn *c, const char *id,
    struct rec_incident *r, struct buf *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)r;
	(void)out;
	return err_set(e, 501, "internal", "incident_get: not on PostgreSQL yet");
}

int
pg_incident_report_get(struct store_conn *c, const char *id,
    const char *tenant_id, struct buf *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)tenant_id;
	(void)out;
	return err_set(e, 501, "internal", "incident_report_get: not on PostgreSQL yet");
}
