/* SPDX-License-Identifier: ISC */
/*
 * sqlite_codec: how each record of records.h is bound to a statement and
 * read back from a row, in one place per record type.  Internal to
 * src/store.  A record's *_COLS list names its columns in the order its
 * sq_bind_* binds them (?1, ?2, ...) and its sq_col_* reads them (column
 * 0, 1, ...), so an INSERT is "INSERT INTO t(" X_COLS ") VALUES (?1..)"
 * and a lookup "SELECT " X_COLS " FROM t ...".  A PostgreSQL backend keeps
 * the same lists and swaps the bind and column calls.
 */
#ifndef CUSTOS_STORE_SQLITE_CODEC_H
#define CUSTOS_STORE_SQLITE_CODEC_H

#include <sqlite3.h>

#include "common/err.h"
#include "store/record_cols.h"
#include "store/records.h"

/* Each sq_bind_X binds the record's X_COLS to ?1 on; the values must
 * outlive the statement's step (they are bound SQLITE_STATIC). */
void sq_bind_vendor(sqlite3_stmt *s, const struct rec_vendor *v);
void sq_bind_engineer(sqlite3_stmt *s, const struct rec_engineer *r);
void sq_bind_device(sqlite3_stmt *s, const struct rec_device *d);
void sq_bind_tenant_new(sqlite3_stmt *s, const struct rec_tenant *t);
void sq_bind_user(sqlite3_stmt *s, const struct rec_user *u);
void sq_bind_ticket(sqlite3_stmt *s, const struct rec_ticket *t);
void sq_bind_session(sqlite3_stmt *s, const struct rec_session *r);
void sq_bind_login(sqlite3_stmt *s, const struct rec_login *l);
void sq_bind_reset(sqlite3_stmt *s, const struct rec_reset *r);
void sq_bind_throttle(sqlite3_stmt *s, const struct rec_throttle *t);
void sq_bind_grant(sqlite3_stmt *s, const struct rec_grant *g);
void sq_bind_approval(sqlite3_stmt *s, const struct rec_approval *a);
void sq_bind_entry(sqlite3_stmt *s, const struct rec_entry *en);
void sq_bind_alert_new(sqlite3_stmt *s, const struct rec_alert *a);
void sq_bind_containment_new(sqlite3_stmt *s,
    const struct rec_containment *r);
/* Binds t's secret sealed for the row (kind, tenant, id) (store/seal.h),
 * or NULL when there is none. */
void sq_bind_totp(sqlite3_stmt *s, int i, const struct rec_totp *t,
    const char *kind, const char *tenant, const char *id);

/* Each sq_col_X reads the current row of X_COLS (or a list of the same
 * shape) into out. */
void sq_col_vendor(struct rec_vendor *out, sqlite3_stmt *s);
void sq_col_engineer(struct rec_engineer *out, sqlite3_stmt *s);
/* -1 with e set when the stored key is not 32 bytes. */
int sq_col_device(struct rec_device *out, sqlite3_stmt *s, struct err *e);
void sq_col_tenant(struct rec_tenant *out, sqlite3_stmt *s);
void sq_col_user(struct rec_user *out, sqlite3_stmt *s);
/* Copies the body (NULL when the row has none) to the heap: the caller
 * frees it with rec_ticket_cleanup.  -1 with e set when out of memory. */
int sq_col_ticket(struct rec_ticket *out, sqlite3_stmt *s, struct err *e);
void sq_col_session(struct rec_session *out, sqlite3_stmt *s);
void sq_col_login(struct rec_login *out, sqlite3_stmt *s);
void sq_col_reset(struct rec_reset *out, sqlite3_stmt *s);
void sq_col_throttle(struct rec_throttle *out, sqlite3_stmt *s);
void sq_col_grant(struct rec_grant *out, sqlite3_stmt *s);
void sq_col_approval(struct rec_approval *out, sqlite3_stmt *s);
/* The document points into the row: valid until the next step. */
void sq_col_alert(struct rec_alert *out, sqlite3_stmt *s);
/* Zeroes out first. */
void sq_col_containment(struct rec_containment *out, sqlite3_stmt *s);

#endif
