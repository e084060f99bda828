/* SPDX-License-Identifier: ISC */
/*
 * copy_sql: the SQL texts of a table copy, built from a table_spec (whose
 * names are compiled in, never outside input).  Shared by sqlite_copy.c
 * and pg_copy.c.
 */
#ifndef CUSTOS_STORE_COPY_SQL_H
#define CUSTOS_STORE_COPY_SQL_H

#include "common/buf.h"
#include "store/tables.h"

/* "SELECT c1, c2 FROM t ORDER BY key" into out; -1 when it does not fit. */
int copy_sql_select(struct buf *out, const struct table_spec *t);
/* "INSERT INTO t(c1, c2) VALUES (<p>1, <p>2)" with placeholder prefix p
 * ("?" or "$"); -1 when it does not fit. */
int copy_sql_insert(struct buf *out, const struct table_spec *t,
    const char *p);
/* "UPDATE t SET c2 = <p>2, ... WHERE c1 = <p>1" (a spec with update). */
int copy_sql_update(struct buf *out, const struct table_spec *t,
    const char *p);
/* "c1, c2" */
int copy_sql_cols(struct buf *out, const struct table_spec *t);

#endif
