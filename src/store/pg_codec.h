/* SPDX-License-Identifier: ISC */
/*
 * pg_codec: how each record of records.h is bound to a PostgreSQL
 * statement's parameters and read back from a BINARY result row, in one
 * place per record type, mirroring sqlite_codec.h.  Internal to
 * src/store.  The column lists are the same (record_cols.h): pg_bind_X
 * appends the record's X_COLS as the next parameters ($1, $2, ... when
 * the params are fresh) and pg_col_X reads columns 0, 1, ... of a row of
 * X_COLS (or a list of the same shape).
 *
 * Binds do not copy (pg_params keeps pointers): the record must outlive
 * the statement.  A TOTP secret is sealed for its row into a struct
 * pg_box the caller provides (on its stack), which must outlive the
 * statement too.  Integers are bound as int8 text, which PostgreSQL
 * converts to the column's type; blobs as binary bytea.
 */
#ifndef CUSTOS_STORE_PG_CODEC_H
#define CUSTOS_STORE_PG_CODEC_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "store/pg_int.h"
#include "store/record_cols.h"
#include "store/records.h"
#include "store/seal.h"

/* A sealed TOTP secret waiting to be sent. */
struct pg_box {
	uint8_t b[SEAL_MAX];
	size_t n;
};

/* Binds "" for a NULL string (a NOT NULL text column's default). */
void pg_bind_str(struct pg_params *p, const char *v);
/* Binds t's secret sealed for the row (kind, tenant, id) (store/seal.h)
 * into box, or NULL when there is none. */
void pg_bind_totp(struct pg_params *p, struct pg_box *box,
    const struct rec_totp *t, const char *kind, const char *tenant,
    const char *id);

void pg_bind_vendor(struct pg_params *p, const struct rec_vendor *v);
void pg_bind_engineer(struct pg_params *p, struct pg_box *box,
    const struct rec_engineer *r);
void pg_bind_device(struct pg_params *p, const struct rec_device *d);
void pg_bind_tenant_new(struct pg_params *p, const struct rec_tenant *t);
void pg_bind_user(struct pg_params *p, struct pg_box *box,
    const struct rec_user *u);
void pg_bind_ticket(struct pg_params *p, const struct rec_ticket *t);
void pg_bind_session(struct pg_params *p, const struct rec_session *r);
void pg_bind_login(struct pg_params *p, const struct rec_login *l);
void pg_bind_reset(struct pg_params *p, const struct rec_reset *r);
void pg_bind_throttle(struct pg_params *p, const struct rec_throttle *t);
void pg_bind_grant(struct pg_params *p, const struct rec_grant *g);
void pg_bind_approval(struct pg_params *p, const struct rec_approval *a);
void pg_bind_alert_new(struct pg_params *p, const struct rec_alert *a);
void pg_bind_containment_new(struct pg_params *p,
    const struct rec_containment *r);

/* Column col of row as a blob into dst[size]: *len (may be NULL) gets its
 * length, 0 for NULL or for a value longer than size (as sq_col_blob). */
void pg_col_blob(uint8_t *dst, size_t size, size_t *len, const PGresult *r,
    int row, int col);
/* Column col of row, a sealed secret, opened for the row (kind, tenant,
 * id); one that does not open for it reads as no secret. */
void pg_col_totp(struct rec_totp *t, const PGresult *r, int row, int col,
    const char *kind, const char *tenant, const char *id);

/* Each pg_col_X reads row `row` of a result of X_COLS into out. */
void pg_col_vendor(struct rec_vendor *out, const PGresult *r, int row);
void pg_col_engineer(struct rec_engineer *out, const PGresult *r, int row);
/* -1 with e set when the stored key is not 32 bytes. */
int pg_col_device(struct rec_device *out, const PGresult *r, int row,
    struct err *e);
void pg_col_tenant(struct rec_tenant *out, const PGresult *r, int row);
void pg_col_user(struct rec_user *out, const PGresult *r, int row);
/* Copies the body (NULL when the row has none) to the heap: the caller
 * frees it with rec_ticket_cleanup.  -1 with e set when out of memory. */
int pg_col_ticket(struct rec_ticket *out, const PGresult *r, int row,
    struct err *e);
void pg_col_session(struct rec_session *out, const PGresult *r, int row);
void pg_col_login(struct rec_login *out, const PGresult *r, int row);
void pg_col_reset(struct rec_reset *out, const PGresult *r, int row);
void pg_col_throttle(struct rec_throttle *out, const PGresult *r, int row);
void pg_col_grant(struct rec_grant *out, const PGresult *r, int row);
void pg_col_approval(struct rec_approval *out, const PGresult *r, int row);
/* The document points into the result: valid until PQclear. */
void pg_col_alert(struct rec_alert *out, const PGresult *r, int row);
/* Zeroes out first. */
void pg_col_containment(struct rec_containment *out, const PGresult *r,
    int row);

#endif
