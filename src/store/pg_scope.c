/* SPDX-License-Identifier: ISC */
/*
 * pg_scope.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_entry_cols_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_cols_cb cb, void *arg,
    struct err *e)
{
	(void)c;
	(void)kind;
	(void)id;
	(void)from;
	(void)to;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "entry_cols_by_principal: not on PostgreSQL yet");
}

int
pg_entry_get(struct store_conn *c, int64_t index, store_entry_cb cb,
    void *arg, struct err *e)
{
	(void)c;
	(void)index;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "entry_get: not on PostgreSQL yet");
}

int
pg_grant_overlapping_ids(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t from, int64_t to, store_grant_cb cb,
    void *arg, struct err *e)
{
	(void)c;
	(void)engineer_id;
	(void)vendor_id;
	(void)from;
	(void)to;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "grant_overlapping_ids: not on PostgreSQL yet");
}
