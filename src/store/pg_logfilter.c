/* SPDX-License-Identifier: ISC */
/*
 * pg_logfilter.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_entry_filter(struct store_conn *c,
    const struct store_entry_filter *f, store_leaf_cb cb, void *arg,
    int64_t *next, struct err *e)
{
	(void)c;
	(void)f;
	(void)cb;
	(void)arg;
	(void)next;
	return err_set(e, 501, "internal", "entry_filter: not on PostgreSQL yet");
}
