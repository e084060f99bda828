/* SPDX-License-Identifier: ISC */
/*
 * sqlite_int: what the SQLite backend's files share.  Internal to
 * src/store: the connection, and the statement helpers every query uses.
 * store_sqlite.c holds the directory, auth, log and access queries;
 * sqlite_detect.c those of detection (alerts) and containment.
 */
#ifndef CUSTOS_STORE_SQLITE_INT_H
#define CUSTOS_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define SQ_MAIN_MAX 96          /* store_sqlite.c's statements */
#define SQ_DETECT_MAX 32        /* sqlite_detect.c's statements */
#define SQ_SCOPE_MAX 12         /* sqlite_scope.c's statements */

struct store_conn {
	sqlite3 *db;
	sqlite3_stmt *q[SQ_MAIN_MAX];
	sqlite3_stmt *d[SQ_DETECT_MAX];
	sqlite3_stmt *s[SQ_SCOPE_MAX];
};

/* The statement in *slot, prepared from sql on first use (kept until the
 * connection closes).  NULL with e set. */
sqlite3_stmt *sq_prepare(struct store_conn *c, sqlite3_stmt **slot,
    const char *sql, struct err *e);

/* Sets e from the connection's last error: 409 for a duplicate or a
 * missing reference, else 500 naming what.  Returns -1. */
int sq_fail(struct store_conn *c, struct err *e, const char *what);
/* Resets a statement and clears its bindings. */
void sq_done(sqlite3_stmt *s);
void sq_bind_text(sqlite3_stmt *s, int i, const char *v);
void sq_col_text(char *dst, size_t size, sqlite3_stmt *s, int i);
void sq_col_blob(uint8_t *dst, size_t size, size_t *len, sqlite3_stmt *s,
    int i);
/* Steps a statement that returns no rows. */
int sq_exec(struct store_conn *c, sqlite3_stmt *s, const char *what,
    struct err *e);
/* Steps a lookup: 0 with a row to read, 1 when there is none. */
int sq_step_row(struct store_conn *c, sqlite3_stmt *s, const char *what,
    struct err *e);
/* Runs an UPDATE or DELETE; 1 when it matched no row. */
int sq_exec_update(struct store_conn *c, sqlite3_stmt *s, const char *what,
    struct err *e);

/* The ops of sqlite_detect.c, for the ops table in store_sqlite.c. */
int sqlite_alert_insert(struct store_conn *c, const struct rec_alert *a,
    struct err *e);
int sqlite_alert_list(struct store_conn *c, const struct rec_alert_filter *f,
    store_doc_cb cb, void *arg, struct err *e);
int sqlite_alert_get(struct store_conn *c, const char *id, struct buf *out,
    struct err *e);
int sqlite_alert_webhook_due(struct store_conn *c, int64_t now, int limit,
    int (*cb)(void *arg, const struct rec_alert *a), void *arg,
    struct err *e);
int sqlite_alert_webhook_set(struct store_conn *c, const struct rec_alert *a,
    struct err *e);
int sqlite_containment_insert(struct store_conn *c,
    const struct rec_containment *r, struct err *e);
int sqlite_containment_get(struct store_conn *c, const char *id,
    struct rec_containment *out, struct err *e);
int sqlite_containment_lift(struct store_conn *c,
    const struct rec_containment *r, struct err *e);
int sqlite_containment_list(struct store_conn *c, int all,
    int (*cb)(void *arg, const struct rec_containment *r), void *arg,
    struct err *e);
int sqlite_containment_find(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, const char *device_id,
    struct rec_containment *out, struct err *e);
int sqlite_session_end_matching(struct store_conn *c, int kind,
    const char *id, int64_t *n, struct err *e);
int sqlite_session_get_id(struct store_conn *c, const char *id,
    struct rec_session *out, struct err *e);
int sqlite_engineer_hours_set(struct store_conn *c, const char *id,
    const char *spec, struct err *e);
int sqlite_engineer_hours_get(struct store_conn *c, const char *id,
    char *out, size_t size, struct err *e);
int sqlite_device_count(struct store_conn *c, const char *engineer_id,
    int64_t *n, struct err *e);

/* The ops of sqlite_scope.c. */
int sqlite_entry_cols_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_cols_cb cb, void *arg,
    struct err *e);
int sqlite_entry_get(struct store_conn *c, int64_t index, store_entry_cb cb,
    void *arg, struct err *e);
int sqlite_grant_overlapping_ids(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t from, int64_t to, store_grant_cb cb,
    void *arg, struct err *e);

#endif
