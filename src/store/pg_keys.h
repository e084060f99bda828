/* SPDX-License-Identifier: ISC */
/*
 * pg_keys: the entries' principal keys on PostgreSQL (pg_keys.c), read
 * for pg_log.c and pg_scope.c.  The keys are written by pg_log.c's flush
 * (store/keys_codec.h).  As sqlite_int.h's sq_keys_*.
 */
#ifndef CUSTOS_STORE_PG_KEYS_H
#define CUSTOS_STORE_PG_KEYS_H

#include "store/pg_int.h"

int pg_keys_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_entry_cb cb, void *arg, struct err *e);
int pg_keys_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e);
int pg_keys_cols_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_cols_cb cb, void *arg,
    struct err *e);

#endif
