/* SPDX-License-Identifier: ISC */
/*
 * pg_directory.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_vendor_insert(struct store_conn *c, const struct rec_vendor *v,
    struct err *e)
{
	(void)c;
	(void)v;
	return err_set(e, 501, "internal", "vendor_insert: not on PostgreSQL yet");
}

int
pg_vendor_get(struct store_conn *c, const char *id,
    struct rec_vendor *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "vendor_get: not on PostgreSQL yet");
}

int
pg_engineer_insert(struct store_conn *c,
    const struct rec_engineer *r, struct err *e)
{
	(void)c;
	(void)r;
	return err_set(e, 501, "internal", "engineer_insert: not on PostgreSQL yet");
}

int
pg_engineer_get(struct store_conn *c, const char *id,
    struct rec_engineer *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "engineer_get: not on PostgreSQL yet");
}

int
pg_engineer_get_by_username(struct store_conn *c,
    const char *username, struct rec_engineer *out, struct err *e)
{
	(void)c;
	(void)username;
	(void)out;
	return err_set(e, 501, "internal", "engineer_get_by_username: not on PostgreSQL yet");
}

int
pg_engineer_set_secrets(struct store_conn *c, const char *id,
    const char *hash, const struct rec_totp *t, struct err *e)
{
	(void)c;
	(void)id;
	(void)hash;
	(void)t;
	return err_set(e, 501, "internal", "engineer_set_secrets: not on PostgreSQL yet");
}

int
pg_engineer_use_totp_step(struct store_conn *c, const char *id,
    int64_t step, struct err *e)
{
	(void)c;
	(void)id;
	(void)step;
	return err_set(e, 501, "internal", "engineer_use_totp_step: not on PostgreSQL yet");
}

int
pg_device_insert(struct store_conn *c, const struct rec_device *d,
    struct err *e)
{
	(void)c;
	(void)d;
	return err_set(e, 501, "internal", "device_insert: not on PostgreSQL yet");
}

int
pg_device_get(struct store_conn *c, const char *id,
    struct rec_device *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "device_get: not on PostgreSQL yet");
}

int
pg_tenant_insert(struct store_conn *c, const struct rec_tenant *t,
    struct err *e)
{
	(void)c;
	(void)t;
	return err_set(e, 501, "internal", "tenant_insert: not on PostgreSQL yet");
}

int
pg_tenant_get(struct store_conn *c, const char *id,
    struct rec_tenant *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "tenant_get: not on PostgreSQL yet");
}

int
pg_tenant_set_settings(struct store_conn *c,
    const struct rec_tenant *t, struct err *e)
{
	(void)c;
	(void)t;
	return err_set(e, 501, "internal", "tenant_set_settings: not on PostgreSQL yet");
}

int
pg_tenant_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e)
{
	(void)c;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "tenant_list: not on PostgreSQL yet");
}

int
pg_user_insert(struct store_conn *c, const struct rec_user *u,
    struct err *e)
{
	(void)c;
	(void)u;
	return err_set(e, 501, "internal", "user_insert: not on PostgreSQL yet");
}

int
pg_user_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_user *out, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "user_get: not on PostgreSQL yet");
}

int
pg_user_get_by_username(struct store_conn *c, const char *tenant_id,
    const char *username, struct rec_user *out, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)username;
	(void)out;
	return err_set(e, 501, "internal", "user_get_by_username: not on PostgreSQL yet");
}

int
pg_user_list(struct store_conn *c, const char *tenant_id,
    store_user_cb cb, void *arg, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "user_list: not on PostgreSQL yet");
}

int
pg_user_set_password(struct store_conn *c, const char *tenant_id,
    const char *id, const char *hash, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)id;
	(void)hash;
	return err_set(e, 501, "internal", "user_set_password: not on PostgreSQL yet");
}

int
pg_user_set_totp(struct store_conn *c, const char *tenant_id,
    const char *id, const struct rec_totp *t, int enrolled, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)id;
	(void)t;
	(void)enrolled;
	return err_set(e, 501, "internal", "user_set_totp: not on PostgreSQL yet");
}

int
pg_user_use_totp_step(struct store_conn *c, const char *tenant_id,
    const char *id, int64_t step, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)id;
	(void)step;
	return err_set(e, 501, "internal", "user_use_totp_step: not on PostgreSQL yet");
}

int
pg_user_delete(struct store_conn *c, const char *tenant_id,
    const char *id, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)id;
	return err_set(e, 501, "internal", "user_delete: not on PostgreSQL yet");
}

int
pg_ticket_insert(struct store_conn *c, const struct rec_ticket *t,
    struct err *e)
{
	(void)c;
	(void)t;
	return err_set(e, 501, "internal", "ticket_insert: not on PostgreSQL yet");
}

int
pg_ticket_get(struct store_conn *c, const char *tenant_id,
    const char *id, struct rec_ticket *out, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "ticket_get: not on PostgreSQL yet");
}

int
pg_ticket_list(struct store_conn *c, const char *tenant_id,
    store_ticket_cb cb, void *arg, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "ticket_list: not on PostgreSQL yet");
}

int
pg_vendor_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_vendor *v), void *arg,
    struct err *e)
{
	(void)c;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "vendor_list: not on PostgreSQL yet");
}

int
pg_engineer_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_engineer *r), void *arg,
    struct err *e)
{
	(void)c;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "engineer_list: not on PostgreSQL yet");
}

int
pg_device_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_device *d), void *arg,
    struct err *e)
{
	(void)c;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "device_list: not on PostgreSQL yet");
}

int
pg_tenant_page(struct store_conn *c, const char *q,
    const char *after, int64_t limit,
    int (*cb)(void *arg, const struct rec_tenant *t), void *arg,
    struct err *e)
{
	(void)c;
	(void)q;
	(void)after;
	(void)limit;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "tenant_page: not on PostgreSQL yet");
}

int
pg_vendor_set_status(struct store_conn *c, const char *id,
    int status, int64_t when, struct err *e)
{
	(void)c;
	(void)id;
	(void)status;
	(void)when;
	return err_set(e, 501, "internal", "vendor_set_status: not on PostgreSQL yet");
}

int
pg_engineer_set_status(struct store_conn *c, const char *id,
    int status, int64_t when, struct err *e)
{
	(void)c;
	(void)id;
	(void)status;
	(void)when;
	return err_set(e, 501, "internal", "engineer_set_status: not on PostgreSQL yet");
}

int
pg_engineer_offboard_vendor(struct store_conn *c,
    const char *vendor_id, int64_t when, int64_t *n, struct err *e)
{
	(void)c;
	(void)vendor_id;
	(void)when;
	(void)n;
	return err_set(e, 501, "internal", "engineer_offboard_vendor: not on PostgreSQL yet");
}

int
pg_engineer_set_email(struct store_conn *c, const char *id,
    const char *email, struct err *e)
{
	(void)c;
	(void)id;
	(void)email;
	return err_set(e, 501, "internal", "engineer_set_email: not on PostgreSQL yet");
}

int
pg_device_revoke(struct store_conn *c, const char *id, int64_t when,
    struct err *e)
{
	(void)c;
	(void)id;
	(void)when;
	return err_set(e, 501, "internal", "device_revoke: not on PostgreSQL yet");
}

int
pg_device_revoke_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, int64_t *n, struct err *e)
{
	(void)c;
	(void)engineer_id;
	(void)vendor_id;
	(void)when;
	(void)n;
	return err_set(e, 501, "internal", "device_revoke_all: not on PostgreSQL yet");
}

int
pg_approval_cancel_all(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t when, const char *by, int64_t *n,
    struct err *e)
{
	(void)c;
	(void)engineer_id;
	(void)vendor_id;
	(void)when;
	(void)by;
	(void)n;
	return err_set(e, 501, "internal", "approval_cancel_all: not on PostgreSQL yet");
}

int
pg_user_page(struct store_conn *c, const char *tenant_id,
    const char *q, int status, const char *after, int64_t limit,
    store_user_cb cb, void *arg, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)q;
	(void)status;
	(void)after;
	(void)limit;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "user_page: not on PostgreSQL yet");
}
