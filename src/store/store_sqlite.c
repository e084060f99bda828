/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend: one database file in WAL mode.  The writer connection
 * commits with synchronous=FULL, so a commit is durable when it returns;
 * readers are query_only.  Every statement is prepared once per connection
 * and kept (see sqlite_int.h for the files that hold the queries of each
 * record family).  This file opens and closes connections, applies the
 * migrations of schema_sqlite.h, runs transactions and savepoints, keeps
 * the meta table, and wires the ops table.
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "common/str.h"
#include "store/schema_sqlite.h"
#include "store/sqlite_int.h"
#include "store/store.h"

enum q {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_SAVEPOINT, Q_RELEASE, Q_ROLLBACK_TO,
	Q_META_GET, Q_META_SET,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_SAVEPOINT] = "SAVEPOINT job",
	[Q_RELEASE] = "RELEASE job",
	[Q_ROLLBACK_TO] = "ROLLBACK TO job",
	[Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[Q_META_SET] = ("INSERT INTO meta(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
};

/* Returns the reset statement for query q, preparing it on first use. */
static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_MAIN, q, q_sql, e);
}

static int
exec_simple(struct store_conn *c, enum q q, struct err *e)
{
	sqlite3_stmt *s = stmt(c, q, e);

	return s == NULL ? -1 : sq_exec(c, s, q_sql[q], e);
}

static void
sqlite_close(struct store_conn *c)
{
	int f, i;

	if (c == NULL)
		return;
	sq_keys_free(c);
	for (f = 0; f < SQ_FAMILIES; f++)
		for (i = 0; i < SQ_FAMILY_MAX; i++)
			sqlite3_finalize(c->q[f][i]);
	sqlite3_close(c->db);
	free(c);
}

static struct store_conn *
sqlite_open(const char *where, int writer, struct err *e)
{
	struct store_conn *c;
	const char *pragmas;
	char *msg = NULL;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(where, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_internal(e, "cannot open the database %s: %s", where,
		    c->db != NULL ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite_close(c);
		return NULL;
	}
	sqlite3_busy_timeout(c->db, 10000);
	pragmas = writer ?
	    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
	    "PRAGMA recursive_triggers=ON;"
	    "PRAGMA cache_size=-65536;" :
	    "PRAGMA query_only=1; PRAGMA cache_size=-16384;";
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		err_internal(e, "cannot set up the database: %s",
		    msg != NULL ? msg : "?");
		sqlite3_free(msg);
		sqlite_close(c);
		return NULL;
	}
	return c;
}

static int
sqlite_migrate(struct store_conn *c, struct err *e)
{
	size_t n = sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0]);
	sqlite3_stmt *s;
	char *msg = NULL;
	int64_t version;
	size_t v;

	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return sq_fail(c, e, "read schema version");
	}
	version = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (version < 0 || (uint64_t)version > n)
		return err_internal(e, "the database schema (version %lld) is "
		    "newer than this custosd knows (%zu)", (long long)version,
		    n);
	for (v = (size_t)version; v < n; v++) {
		char setv[64];

		str_printf(setv, sizeof(setv), "PRAGMA user_version=%zu;",
		    v + 1);
		if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) ||
		    sqlite3_exec(c->db, sqlite_migrations[v], NULL, NULL,
		    &msg) || sqlite3_exec(c->db, setv, NULL, NULL, &msg) ||
		    sqlite3_exec(c->db, "COMMIT", NULL, NULL, &msg)) {
			err_internal(e, "migration %zu failed: %s", v + 1,
			    msg != NULL ? msg : "?");
			sqlite3_free(msg);
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

static int
sqlite_begin(struct store_conn *c, struct err *e)
{
	sq_keys_discard(c);
	return exec_simple(c, Q_BEGIN, e);
}

/* The entries' keys are buffered (sqlite_keys.c): written before the
 * commit, and before each savepoint, so that rolling one back only ever
 * forgets keys of entries appended after it. */
static int
sqlite_commit(struct store_conn *c, struct err *e)
{
	if (sq_keys_flush(c, e) == -1)
		return -1;
	return exec_simple(c, Q_COMMIT, e);
}

static void
sqlite_rollback(struct store_conn *c)
{
	struct err e;

	sq_keys_discard(c);
	if (sqlite3_get_autocommit(c->db) == 0)
		exec_simple(c, Q_ROLLBACK, &e);
}

static int
sqlite_savepoint(struct store_conn *c, struct err *e)
{
	if (sq_keys_flush(c, e) == -1)
		return -1;
	return exec_simple(c, Q_SAVEPOINT, e);
}

static int
sqlite_release(struct store_conn *c, struct err *e)
{
	return exec_simple(c, Q_RELEASE, e);
}

static void
sqlite_rollback_savepoint(struct store_conn *c)
{
	struct err e;

	sq_keys_discard(c);
	if (exec_simple(c, Q_ROLLBACK_TO, &e) == 0)
		exec_simple(c, Q_RELEASE, &e);
}

static int
sqlite_meta_get(struct store_conn *c, const char *key, struct buf *out,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_META_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, key);
	rc = sq_step_row(c, s, "meta", e);
	if (rc != 0)
		return rc;
	rc = buf_append(out, sqlite3_column_blob(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	sq_done(s);
	return rc == -1 ? err_internal(e, "meta value too large") : 0;
}

static int
sqlite_meta_set(struct store_conn *c, const char *key, const void *v,
    size_t n, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_META_SET, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, key);
	sqlite3_bind_blob(s, 2, v, (int)n, SQLITE_STATIC);
	return sq_exec(c, s, "meta", e);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.migrate = sqlite_migrate,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.savepoint = sqlite_savepoint,
	.release = sqlite_release,
	.rollback_savepoint = sqlite_rollback_savepoint,
	.meta_get = sqlite_meta_get,
	.meta_set = sqlite_meta_set,
	.vendor_insert = sqlite_vendor_insert,
	.vendor_get = sqlite_vendor_get,
	.engineer_insert = sqlite_engineer_insert,
	.engineer_get = sqlite_engineer_get,
	.engineer_get_by_username = sqlite_engineer_get_by_username,
	.engineer_use_totp_step = sqlite_engineer_use_totp_step,
	.engineer_set_secrets = sqlite_engineer_set_secrets,
	.device_insert = sqlite_device_insert,
	.device_get = sqlite_device_get,
	.tenant_insert = sqlite_tenant_insert,
	.tenant_get = sqlite_tenant_get,
	.tenant_set_settings = sqlite_tenant_set_settings,
	.user_insert = sqlite_user_insert,
	.user_get = sqlite_user_get,
	.user_get_by_username = sqlite_user_get_by_username,
	.user_list = sqlite_user_list,
	.user_set_password = sqlite_user_set_password,
	.user_set_totp = sqlite_user_set_totp,
	.user_use_totp_step = sqlite_user_use_totp_step,
	.user_delete = sqlite_user_delete,
	.ticket_insert = sqlite_ticket_insert,
	.ticket_get = sqlite_ticket_get,
	.ticket_list = sqlite_ticket_list,
	.session_insert = sqlite_session_insert,
	.session_get = sqlite_session_get,
	.session_touch = sqlite_session_touch,
	.session_delete = sqlite_session_delete,
	.session_delete_user = sqlite_session_delete_user,
	.login_insert = sqlite_login_insert,
	.login_take = sqlite_login_take,
	.login_get = sqlite_login_get,
	.reset_insert = sqlite_reset_insert,
	.reset_take = sqlite_reset_take,
	.reset_delete_user = sqlite_reset_delete_user,
	.reset_get = sqlite_reset_get,
	.throttle_get = sqlite_throttle_get,
	.throttle_put = sqlite_throttle_put,
	.throttle_clear = sqlite_throttle_clear,
	.auth_sweep = sqlite_auth_sweep,
	.throttle_trim = sqlite_throttle_trim,
	.totp_seal_clear = sqlite_totp_seal_clear,
	.entry_append = sqlite_entry_append,
	.entry_count = sqlite_entry_count,
	.entry_range = sqlite_entry_range,
	.entry_leaves = sqlite_entry_leaves,
	.entry_range_tenant = sqlite_entry_range_tenant,
	.tile_get = sqlite_tile_get,
	.tile_put = sqlite_tile_put,
	.checkpoint_put = sqlite_checkpoint_put,
	.checkpoint_latest = sqlite_checkpoint_latest,
	.grant_insert = sqlite_grant_insert,
	.grant_get = sqlite_grant_get,
	.grant_transition = sqlite_grant_transition,
	.grant_active = sqlite_grant_active,
	.grant_list_tenant = sqlite_grant_list_tenant,
	.grant_due = sqlite_grant_due,
	.grant_set_notified = sqlite_grant_set_notified,
	.entry_by_principal = sqlite_entry_by_principal,
	.tenant_list = sqlite_tenant_list,
	.entry_policy_changes = sqlite_entry_policy_changes,
	.asks_since = sqlite_asks_since,
	.approval_insert = sqlite_approval_insert,
	.approval_get = sqlite_approval_get,
	.approval_list = sqlite_approval_list,
	.approval_transition = sqlite_approval_transition,
	.alert_insert = sqlite_alert_insert,
	.alert_list = sqlite_alert_list,
	.alert_get = sqlite_alert_get,
	.alert_webhook_due = sqlite_alert_webhook_due,
	.alert_webhook_set = sqlite_alert_webhook_set,
	.containment_insert = sqlite_containment_insert,
	.containment_get = sqlite_containment_get,
	.containment_lift = sqlite_containment_lift,
	.containment_list = sqlite_containment_list,
	.containment_find = sqlite_containment_find,
	.session_end_matching = sqlite_session_end_matching,
	.session_get_id = sqlite_session_get_id,
	.grant_open = sqlite_grant_open,
	.engineer_hours_set = sqlite_engineer_hours_set,
	.engineer_hours_get = sqlite_engineer_hours_get,
	.device_count = sqlite_device_count,
	.entry_cols_by_principal = sqlite_entry_cols_by_principal,
	.entry_get = sqlite_entry_get,
	.grant_overlapping_ids = sqlite_grant_overlapping_ids,
	/* Passkeys and operator persons (issue 13). */
	.passkey_insert = sqlite_passkey_insert,
	.passkey_get = sqlite_passkey_get,
	.passkey_get_by_cred = sqlite_passkey_get_by_cred,
	.passkey_list = sqlite_passkey_list,
	.passkey_use = sqlite_passkey_use,
	.passkey_remove = sqlite_passkey_remove,
	.passkey_revoke = sqlite_passkey_revoke,
	.operator_insert = sqlite_operator_insert,
	.operator_get = sqlite_operator_get,
	.operator_list = sqlite_operator_list,
	/* issue 13, directory. */
	.vendor_list = sqlite_vendor_list,
	.engineer_list = sqlite_engineer_list,
	.device_list = sqlite_device_list,
	.tenant_page = sqlite_tenant_page,
	.grant_views = sqlite_grant_views,
	.grant_view_get = sqlite_grant_view_get,
	.checkpoint_latest_time = sqlite_checkpoint_latest_time,
	.incident_insert = sqlite_incident_insert,
	.incident_report_insert = sqlite_incident_report_insert,
	.incident_list = sqlite_incident_list,
	.incident_get = sqlite_incident_get,
	.incident_report_get = sqlite_incident_report_get,
	/* invitations */
	.invitation_insert = sqlite_invitation_insert,
	.invitation_get = sqlite_invitation_get,
	.invitation_get_id = sqlite_invitation_get_id,
	.invitation_list = sqlite_invitation_list,
	.invitation_set_pending = sqlite_invitation_set_pending,
	.invitation_use = sqlite_invitation_use,
	.invitation_set_device = sqlite_invitation_set_device,
	.invitation_revoke = sqlite_invitation_revoke,
	.invitation_revoke_principal = sqlite_invitation_revoke_principal,
	/* issue 14, helper optok: named operator tokens. */
	.optoken_insert = sqlite_optoken_insert,
	.optoken_get_hash = sqlite_optoken_get_hash,
	.optoken_get = sqlite_optoken_get,
	.optoken_list = sqlite_optoken_list,
	.optoken_revoke = sqlite_optoken_revoke,
	.optoken_touch = sqlite_optoken_touch,
	.import_uuid_claim = sqlite_import_uuid_claim,
	.session_end_root_operator = sqlite_session_end_root_operator,
	/* issue 14, helper dir: the directory's lifecycle. */
	.vendor_set_status = sqlite_vendor_set_status,
	.engineer_set_status = sqlite_engineer_set_status,
	.engineer_offboard_vendor = sqlite_engineer_offboard_vendor,
	.engineer_set_email = sqlite_engineer_set_email,
	.device_revoke = sqlite_device_revoke,
	.device_revoke_all = sqlite_device_revoke_all,
	.approval_cancel_all = sqlite_approval_cancel_all,
	/* helper cli (issue 14) */
	.entry_filter = sqlite_entry_filter,
	/* helper fixdir (issue 14) */
	.user_page = sqlite_user_page,
	/* issue 15: the copy between backends */
	.table_dump = sqlite_table_dump,
	.table_load = sqlite_table_load,
	.incident_notice_insert = sqlite_incident_notice_insert,
	.incident_notice_list = sqlite_incident_notice_list,
	.incident_notice_get = sqlite_incident_notice_get,
	.export_cursor_get = sqlite_export_cursor_get,
	.export_cursor_set = sqlite_export_cursor_set,
};
