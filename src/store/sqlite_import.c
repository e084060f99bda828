/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's record of imported Okta event uuids (issue 16's
 * migration, okta_imported; importer/stream.h gives it meaning: an
 * export imported twice is recorded once).
 */
#include <sqlite3.h>

#include "store/sqlite_int.h"

enum q {
	Q_CLAIM,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_CLAIM] = "INSERT INTO okta_imported(uuid, imported) "
	    "VALUES (?1, ?2) ON CONFLICT(uuid) DO NOTHING",
};

int
sqlite_import_uuid_claim(struct store_conn *c, const char *uuid,
    int64_t now, int *fresh, struct err *e)
{
	sqlite3_stmt *s = sq_stmt(c, SQ_IMPORT, Q_CLAIM, q_sql, e);

	*fresh = 0;
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, uuid);
	sqlite3_bind_int64(s, 2, now);
	if (sq_exec(c, s, "imported uuid", e) == -1)
		return -1;
	*fresh = sqlite3_changes(c->db) > 0;
	return 0;
}
