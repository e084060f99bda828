/* SPDX-License-Identifier: ISC */
/*
 * pg_access.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_grant_insert(struct store_conn *c, const struct rec_grant *g,
    struct err *e)
{
	(void)c;
	(void)g;
	return err_set(e, 501, "internal", "grant_insert: not on PostgreSQL yet");
}

int
pg_grant_get(struct store_conn *c, const char *id,
    struct rec_grant *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "grant_get: not on PostgreSQL yet");
}

int
pg_grant_transition(struct store_conn *c, const struct rec_grant *g,
    int from, struct err *e)
{
	(void)c;
	(void)g;
	(void)from;
	return err_set(e, 501, "internal", "grant_transition: not on PostgreSQL yet");
}

int
pg_grant_active(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t now, struct rec_grant *out,
    struct err *e)
{
	(void)c;
	(void)engineer_id;
	(void)tenant_id;
	(void)now;
	(void)out;
	return err_set(e, 501, "internal", "grant_active: not on PostgreSQL yet");
}

int
pg_grant_list_tenant(struct store_conn *c, const char *tenant_id,
    store_grant_cb cb, void *arg, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "grant_list_tenant: not on PostgreSQL yet");
}

int
pg_grant_open(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t now, store_grant_cb cb, void *arg,
    struct err *e)
{
	(void)c;
	(void)engineer_id;
	(void)vendor_id;
	(void)now;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "grant_open: not on PostgreSQL yet");
}

int
pg_grant_due(struct store_conn *c, int64_t now, int64_t warn,
    store_grant_cb cb, void *arg, struct err *e)
{
	(void)c;
	(void)now;
	(void)warn;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "grant_due: not on PostgreSQL yet");
}

int
pg_grant_set_notified(struct store_conn *c, const char *id,
    struct err *e)
{
	(void)c;
	(void)id;
	return err_set(e, 501, "internal", "grant_set_notified: not on PostgreSQL yet");
}

int
pg_asks_since(struct store_conn *c, const char *engineer_id,
    const char *tenant_id, int64_t since, int64_t *n, struct err *e)
{
	(void)c;
	(void)engineer_id;
	(void)tenant_id;
	(void)since;
	(void)n;
	return err_set(e, 501, "internal", "asks_since: not on PostgreSQL yet");
}

int
pg_approval_insert(struct store_conn *c,
    const struct rec_approval *a, struct err *e)
{
	(void)c;
	(void)a;
	return err_set(e, 501, "internal", "approval_insert: not on PostgreSQL yet");
}

int
pg_approval_get(struct store_conn *c, const char *id,
    struct rec_approval *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "approval_get: not on PostgreSQL yet");
}

int
pg_approval_list(struct store_conn *c, const char *tenant_id,
    const char *engineer_id, int64_t limit,
    int (*cb)(void *arg, const struct rec_approval *a), void *arg,
    struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)engineer_id;
	(void)limit;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "approval_list: not on PostgreSQL yet");
}

int
pg_approval_transition(struct store_conn *c,
    const struct rec_approval *a, int from, struct err *e)
{
	(void)c;
	(void)a;
	(void)from;
	return err_set(e, 501, "internal", "approval_transition: not on PostgreSQL yet");
}
