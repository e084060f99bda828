/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend (issue 15): connections and reconnection,
 * migrations (schema_pg.h), the writer's transaction with the log head's
 * lock, lazy savepoints, meta, leases, watch and announce, and the ops
 * table.  See pg_int.h for the files, docs/internals/store.md for what
 * each operation guarantees.
 *
 * SKELETON (commit 0): the connection-level ops answer 501 until written.
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

static struct store_conn *
pg_open(const char *where, int kind, struct err *e)
{
	(void)where;
	(void)kind;
	err_set(e, 501, "internal", "PostgreSQL: not yet");
	return NULL;
}

static void
pg_close(struct store_conn *c)
{
	(void)c;
}

#define PG_STUB(name) \
static int \
name(struct store_conn *c, struct err *e) \
{ \
	(void)c; \
	return err_set(e, 501, "internal", #name ": not yet"); \
}
PG_STUB(pg_migrate)
PG_STUB(pg_begin)
PG_STUB(pg_commit)
PG_STUB(pg_savepoint)
PG_STUB(pg_release)
PG_STUB(pg_init_lock)

static void
pg_rollback(struct store_conn *c)
{
	(void)c;
}

static void
pg_rollback_savepoint(struct store_conn *c)
{
	(void)c;
}

static int
pg_meta_get(struct store_conn *c, const char *key, struct buf *out,
    struct err *e)
{
	(void)c; (void)key; (void)out;
	return err_set(e, 501, "internal", "not yet");
}

static int
pg_meta_set(struct store_conn *c, const char *key, const void *v, size_t n,
    struct err *e)
{
	(void)c; (void)key; (void)v; (void)n;
	return err_set(e, 501, "internal", "not yet");
}

static int
pg_head(struct store_conn *c, int64_t *size, struct err *e)
{
	(void)c; (void)size;
	return err_set(e, 501, "internal", "not yet");
}

static int
pg_watch(struct store_conn *c, int timeout_ms, struct store_news *out,
    struct err *e)
{
	(void)c; (void)timeout_ms; (void)out;
	return err_set(e, 501, "internal", "not yet");
}

static int
pg_announce(struct store_conn *c, unsigned topic, struct err *e)
{
	(void)c; (void)topic;
	return err_set(e, 501, "internal", "not yet");
}

static int
pg_lease_take(struct store_conn *c, const char *name, const char *node,
    int64_t ttl_ms, int64_t *epoch, struct err *e)
{
	(void)c; (void)name; (void)node; (void)ttl_ms; (void)epoch;
	return err_set(e, 501, "internal", "not yet");
}

static int
pg_lease_check(struct store_conn *c, const char *name, const char *node,
    int64_t epoch, struct err *e)
{
	(void)c; (void)name; (void)node; (void)epoch;
	return err_set(e, 501, "internal", "not yet");
}

static int
pg_lease_list(struct store_conn *c, int (*cb)(void *arg, const char *name,
    const char *holder, int64_t epoch, int64_t expires_ms), void *arg,
    struct err *e)
{
	(void)c; (void)cb; (void)arg;
	return err_set(e, 501, "internal", "not yet");
}

int
pg_ctl_send(struct store_conn *c, struct err *e)
{
	return pg_log_flush(c, pg_log_count(c), e);
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.migrate = pg_migrate,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.savepoint = pg_savepoint,
	.release = pg_release,
	.rollback_savepoint = pg_rollback_savepoint,
	.meta_get = pg_meta_get,
	.meta_set = pg_meta_set,
	.vendor_insert = pg_vendor_insert,
	.vendor_get = pg_vendor_get,
	.engineer_insert = pg_engineer_insert,
	.engineer_get = pg_engineer_get,
	.engineer_get_by_username = pg_engineer_get_by_username,
	.engineer_use_totp_step = pg_engineer_use_totp_step,
	.engineer_set_secrets = pg_engineer_set_secrets,
	.device_insert = pg_device_insert,
	.device_get = pg_device_get,
	.tenant_insert = pg_tenant_insert,
	.tenant_get = pg_tenant_get,
	.tenant_set_settings = pg_tenant_set_settings,
	.user_insert = pg_user_insert,
	.user_get = pg_user_get,
	.user_get_by_username = pg_user_get_by_username,
	.user_list = pg_user_list,
	.user_set_password = pg_user_set_password,
	.user_set_totp = pg_user_set_totp,
	.user_use_totp_step = pg_user_use_totp_step,
	.user_delete = pg_user_delete,
	.ticket_insert = pg_ticket_insert,
	.ticket_get = pg_ticket_get,
	.ticket_list = pg_ticket_list,
	.session_insert = pg_session_insert,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_delete = pg_session_delete,
	.session_delete_user = pg_session_delete_user,
	.login_insert = pg_login_insert,
	.login_take = pg_login_take,
	.login_get = pg_login_get,
	.reset_insert = pg_reset_insert,
	.reset_take = pg_reset_take,
	.reset_delete_user = pg_reset_delete_user,
	.reset_get = pg_reset_get,
	.throttle_get = pg_throttle_get,
	.throttle_put = pg_throttle_put,
	.throttle_clear = pg_throttle_clear,
	.auth_sweep = pg_auth_sweep,
	.throttle_trim = pg_throttle_trim,
	.totp_seal_clear = pg_totp_seal_clear,
	.entry_append = pg_entry_append,
	.entry_count = pg_entry_count,
	.entry_range = pg_entry_range,
	.entry_leaves = pg_entry_leaves,
	.entry_range_tenant = pg_entry_range_tenant,
	.tile_get = pg_tile_get,
	.tile_put = pg_tile_put,
	.checkpoint_put = pg_checkpoint_put,
	.checkpoint_latest = pg_checkpoint_latest,
	.grant_insert = pg_grant_insert,
	.grant_get = pg_grant_get,
	.grant_transition = pg_grant_transition,
	.grant_active = pg_grant_active,
	.grant_list_tenant = pg_grant_list_tenant,
	.grant_due = pg_grant_due,
	.grant_set_notified = pg_grant_set_notified,
	.entry_by_principal = pg_entry_by_principal,
	.tenant_list = pg_tenant_list,
	.entry_policy_changes = pg_entry_policy_changes,
	.asks_since = pg_asks_since,
	.approval_insert = pg_approval_insert,
	.approval_get = pg_approval_get,
	.approval_list = pg_approval_list,
	.approval_transition = pg_approval_transition,
	.alert_insert = pg_alert_insert,
	.alert_list = pg_alert_list,
	.alert_get = pg_alert_get,
	.alert_webhook_due = pg_alert_webhook_due,
	.alert_webhook_set = pg_alert_webhook_set,
	.containment_insert = pg_containment_insert,
	.containment_get = pg_containment_get,
	.containment_lift = pg_containment_lift,
	.containment_list = pg_containment_list,
	.containment_find = pg_containment_find,
	.session_end_matching = pg_session_end_matching,
	.session_get_id = pg_session_get_id,
	.grant_open = pg_grant_open,
	.engineer_hours_set = pg_engineer_hours_set,
	.engineer_hours_get = pg_engineer_hours_get,
	.device_count = pg_device_count,
	.entry_cols_by_principal = pg_entry_cols_by_principal,
	.entry_get = pg_entry_get,
	.grant_overlapping_ids = pg_grant_overlapping_ids,
	/* Passkeys and operator persons (issue 13). */
	.passkey_insert = pg_passkey_insert,
	.passkey_get = pg_passkey_get,
	.passkey_get_by_cred = pg_passkey_get_by_cred,
	.passkey_list = pg_passkey_list,
	.passkey_use = pg_passkey_use,
	.passkey_remove = pg_passkey_remove,
	.passkey_revoke = pg_passkey_revoke,
	.operator_insert = pg_operator_insert,
	.operator_get = pg_operator_get,
	.operator_list = pg_operator_list,
	/* issue 13, directory. */
	.vendor_list = pg_vendor_list,
	.engineer_list = pg_engineer_list,
	.device_list = pg_device_list,
	.tenant_page = pg_tenant_page,
	.grant_views = pg_grant_views,
	.grant_view_get = pg_grant_view_get,
	.checkpoint_latest_time = pg_checkpoint_latest_time,
	.incident_insert = pg_incident_insert,
	.incident_report_insert = pg_incident_report_insert,
	.incident_list = pg_incident_list,
	.incident_get = pg_incident_get,
	.incident_report_get = pg_incident_report_get,
	/* invitations */
	.invitation_insert = pg_invitation_insert,
	.invitation_get = pg_invitation_get,
	.invitation_get_id = pg_invitation_get_id,
	.invitation_list = pg_invitation_list,
	.invitation_set_pending = pg_invitation_set_pending,
	.invitation_use = pg_invitation_use,
	.invitation_set_device = pg_invitation_set_device,
	.invitation_revoke = pg_invitation_revoke,
	.invitation_revoke_principal = pg_invitation_revoke_principal,
	/* issue 14, helper optok: named operator tokens. */
	.optoken_insert = pg_optoken_insert,
	.optoken_get_hash = pg_optoken_get_hash,
	.optoken_get = pg_optoken_get,
	.optoken_list = pg_optoken_list,
	.optoken_revoke = pg_optoken_revoke,
	.optoken_touch = pg_optoken_touch,
	.session_end_root_operator = pg_session_end_root_operator,
	/* issue 14, helper dir: the directory's lifecycle. */
	.vendor_set_status = pg_vendor_set_status,
	.engineer_set_status = pg_engineer_set_status,
	.engineer_offboard_vendor = pg_engineer_offboard_vendor,
	.engineer_set_email = pg_engineer_set_email,
	.device_revoke = pg_device_revoke,
	.device_revoke_all = pg_device_revoke_all,
	.approval_cancel_all = pg_approval_cancel_all,
	/* helper cli (issue 14) */
	.entry_filter = pg_entry_filter,
	/* helper fixdir (issue 14) */
	.user_page = pg_user_page,
	/* issue 15 */
	.init_lock = pg_init_lock,
	.head = pg_head,
	.watch = pg_watch,
	.announce = pg_announce,
	.lease_take = pg_lease_take,
	.lease_check = pg_lease_check,
	.lease_list = pg_lease_list,
	.table_dump = pg_table_dump,
	.table_load = pg_table_load,
};
