/* SPDX-License-Identifier: ISC */
/*
 * pg_scope.c: scope's lookups on PostgreSQL (issue 15), as sqlite_scope.c:
 * an entry's columns by principal and window (pg_keys.c), one entry's
 * bytes by index, and the grants held in a window from the grants' scope
 * indexes.  SQLite breaks ties in the grants' order by rowid (insertion
 * order); PostgreSQL has none, so created, then id.
 */
#include <string.h>

#include "store/pg_int.h"
#include "store/pg_keys.h"

enum q {
	S_ENTRY_GET, S_GRANT_ENGINEER, S_GRANT_VENDOR,
	S_COUNT
};

_Static_assert(S_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const s_sql[S_COUNT] = {
	[S_ENTRY_GET] = "SELECT idx, bytes FROM entries WHERE idx = $1",
	/* Approved (or used, or ended) grants that overlap [$2, $3). */
	[S_GRANT_ENGINEER] = "SELECT id, tenant_id, decided FROM grants "
	    "WHERE engineer_id = $1 "
	    "AND deadline > $2 AND decided > 0 AND decided < $3 "
	    "AND state IN (1, 3, 4) "
	    "ORDER BY tenant_id, state, deadline, created, id",
	[S_GRANT_VENDOR] = "SELECT id, tenant_id, decided FROM grants "
	    "WHERE vendor_id = $1 "
	    "AND deadline > $2 AND decided > 0 AND decided < $3 "
	    "AND state IN (1, 3, 4) ORDER BY state, deadline, created, id",
};

int
pg_entry_cols_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_cols_cb cb, void *arg,
    struct err *e)
{
	if (kind < 0 || kind >= SP_COUNT)
		return err_internal(e, "unknown principal kind");
	return pg_keys_cols_by_principal(c, kind, id, from, to, cb, arg, e);
}

int
pg_entry_get(struct store_conn *c, int64_t index, store_entry_cb cb,
    void *arg, struct err *e)
{
	struct pg_params p;
	const char *b;
	PGresult *r;
	size_t len;
	int rc;

	pg_params_init(&p);
	pg_param_int(&p, index);
	rc = pg_row(c, PG_SCOPE, S_ENTRY_GET, s_sql, &p, &r, "entry", e);
	if (rc != 0)
		return rc;
	b = pg_get_bytes(r, 0, 1, &len);
	cb(arg, pg_get_int(r, 0, 0), b, len);
	PQclear(r);
	return 0;
}

int
pg_grant_overlapping_ids(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t from, int64_t to, store_grant_cb cb,
    void *arg, struct err *e)
{
	struct pg_params p;
	struct rec_grant g;
	PGresult *r;
	int i, n;

	pg_params_init(&p);
	pg_param_text(&p, vendor_id != NULL ? vendor_id : engineer_id);
	pg_param_int(&p, from);
	pg_param_int(&p, to);
	if (pg_run(c, PG_SCOPE, vendor_id != NULL ? S_GRANT_VENDOR :
	    S_GRANT_ENGINEER, s_sql, &p, &r, "grants", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&g, 0, sizeof(g));
		pg_get_text(g.id, sizeof(g.id), r, i, 0);
		pg_get_text(g.tenant_id, sizeof(g.tenant_id), r, i, 1);
		g.decided = pg_get_int(r, i, 2);
		if (cb(arg, &g) != 0)
			break;
	}
	PQclear(r);
	return 0;
}
