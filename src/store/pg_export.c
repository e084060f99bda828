/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's SIEM export cursors (as sqlite_export.c).
 */
#include <libpq-fe.h>

#include "store/pg_int.h"

enum q { Q_GET, Q_SET, Q_COUNT };

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_GET] = "SELECT next, updated FROM export_cursors WHERE dest = $1",
	[Q_SET] = "INSERT INTO export_cursors(dest, next, updated) "
	    "VALUES ($1, $2, $3) ON CONFLICT (dest) DO UPDATE SET "
	    "next = excluded.next, updated = excluded.updated",
};

int
pg_export_cursor_get(struct store_conn *c, const char *dest,
    int64_t *next, int64_t *updated, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, dest);
	rc = pg_row(c, PG_EXPORT, Q_GET, q_sql, &p, &r, "export cursor", e);
	if (rc != 0)
		return rc;
	*next = pg_get_int(r, 0, 0);
	if (updated != NULL)
		*updated = pg_get_int(r, 0, 1);
	PQclear(r);
	return 0;
}

int
pg_export_cursor_set(struct store_conn *c, const char *dest,
    int64_t next, int64_t updated, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, dest);
	pg_param_int(&p, next);
	pg_param_int(&p, updated);
	return pg_exec(c, PG_EXPORT, Q_SET, q_sql, &p, NULL, "export cursor",
	    e);
}
