/* SPDX-License-Identifier: ISC */
/*
 * pg_detect.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_alert_insert(struct store_conn *c, const struct rec_alert *a,
    struct err *e)
{
	(void)c;
	(void)a;
	return err_set(e, 501, "internal", "alert_insert: not on PostgreSQL yet");
}

int
pg_alert_list(struct store_conn *c, const struct rec_alert_filter *f,
    store_doc_cb cb, void *arg, struct err *e)
{
	(void)c;
	(void)f;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "alert_list: not on PostgreSQL yet");
}

int
pg_alert_get(struct store_conn *c, const char *id, struct buf *out,
    struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "alert_get: not on PostgreSQL yet");
}

int
pg_alert_webhook_due(struct store_conn *c, int64_t now, int limit,
    int (*cb)(void *arg, const struct rec_alert *a), void *arg,
    struct err *e)
{
	(void)c;
	(void)now;
	(void)limit;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "alert_webhook_due: not on PostgreSQL yet");
}

int
pg_alert_webhook_set(struct store_conn *c, const struct rec_alert *a,
    struct err *e)
{
	(void)c;
	(void)a;
	return err_set(e, 501, "internal", "alert_webhook_set: not on PostgreSQL yet");
}

int
pg_containment_insert(struct store_conn *c,
    const struct rec_containment *r, struct err *e)
{
	(void)c;
	(void)r;
	return err_set(e, 501, "internal", "containment_insert: not on PostgreSQL yet");
}

int
pg_containment_get(struct store_conn *c, const char *id,
    struct rec_containment *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "containment_get: not on PostgreSQL yet");
}

int
pg_containment_lift(struct store_conn *c,
    const struct rec_containment *r, struct err *e)
{
	(void)c;
	(void)r;
	return err_set(e, 501, "internal", "containment_lift: not on PostgreSQL yet");
}

int
pg_containment_list(struct store_conn *c, int all,
    int (*cb)(void *arg, const struct rec_containment *r), void *arg,
    struct err *e)
{
	(void)c;
	(void)all;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "containment_list: not on PostgreSQL yet");
}

int
pg_containment_find(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, const char *device_id,
    struct rec_containment *out, struct err *e)
{
	(void)c;
	(void)engineer_id;
	(void)vendor_id;
	(void)device_id;
	(void)out;
	return err_set(e, 501, "internal", "containment_find: not on PostgreSQL yet");
}

int
pg_session_end_matching(struct store_conn *c, int kind,
    const char *id, int64_t *n, struct err *e)
{
	(void)c;
	(void)kind;
	(void)id;
	(void)n;
	return err_set(e, 501, "internal", "session_end_matching: not on PostgreSQL yet");
}

int
pg_engineer_hours_set(struct store_conn *c, const char *id,
    const char *spec, struct err *e)
{
	(void)c;
	(void)id;
	(void)spec;
	return err_set(e, 501, "internal", "engineer_hours_set: not on PostgreSQL yet");
}

int
pg_engineer_hours_get(struct store_conn *c, const char *id,
    char *out, size_t size, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	(void)size;
	return err_set(e, 501, "internal", "engineer_hours_get: not on PostgreSQL yet");
}

int
pg_device_count(struct store_conn *c, const char *engineer_id,
    int64_t *n, struct err *e)
{
	(void)c;
	(void)engineer_id;
	(void)n;
	return err_set(e, 501, "internal", "device_count: not on PostgreSQL yet");
}
