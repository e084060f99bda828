/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's record of imported Okta event uuids (issue 16's
 * migration, okta_imported; see sqlite_import.c, its twin).
 */
#include "store/pg_int.h"

enum q {
	Q_CLAIM,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_CLAIM] = "INSERT INTO okta_imported(uuid, imported) "
	    "VALUES ($1, $2) ON CONFLICT (uuid) DO NOTHING",
};

int
pg_import_uuid_claim(struct store_conn *c, const char *uuid, int64_t now,
    int *fresh, struct err *e)
{
	struct pg_params p;
	int64_t changed = 0;

	*fresh = 0;
	pg_params_init(&p);
	pg_param_text(&p, uuid);
	pg_param_int(&p, now);
	if (pg_exec(c, PG_IMPORT, Q_CLAIM, q_sql, &p, &changed,
	    "imported uuid", e) == -1)
		return -1;
	*fresh = changed > 0;
	return 0;
}
