/* SPDX-License-Identifier: ISC */
/*
 * pg_passkey.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_passkey_insert(struct store_conn *c, const struct rec_passkey *p,
    struct err *e)
{
	(void)c;
	(void)p;
	return err_set(e, 501, "internal", "passkey_insert: not on PostgreSQL yet");
}

int
pg_passkey_get(struct store_conn *c, const char *id,
    struct rec_passkey *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "passkey_get: not on PostgreSQL yet");
}

int
pg_passkey_get_by_cred(struct store_conn *c, const uint8_t *cred,
    size_t len, struct rec_passkey *out, struct err *e)
{
	(void)c;
	(void)cred;
	(void)len;
	(void)out;
	return err_set(e, 501, "internal", "passkey_get_by_cred: not on PostgreSQL yet");
}

int
pg_passkey_list(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    int (*cb)(void *arg, const struct rec_passkey *p), void *arg,
    struct err *e)
{
	(void)c;
	(void)principal;
	(void)principal_id;
	(void)tenant_id;
	(void)device_id;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "passkey_list: not on PostgreSQL yet");
}

int
pg_passkey_use(struct store_conn *c, const char *id,
    int64_t sign_count, int64_t now, struct err *e)
{
	(void)c;
	(void)id;
	(void)sign_count;
	(void)now;
	return err_set(e, 501, "internal", "passkey_use: not on PostgreSQL yet");
}

int
pg_passkey_remove(struct store_conn *c, const char *id,
    int principal, const char *principal_id, const char *tenant_id,
    struct err *e)
{
	(void)c;
	(void)id;
	(void)principal;
	(void)principal_id;
	(void)tenant_id;
	return err_set(e, 501, "internal", "passkey_remove: not on PostgreSQL yet");
}

int
pg_passkey_revoke(struct store_conn *c, int principal,
    const char *principal_id, const char *tenant_id, const char *device_id,
    const char *created_session, int64_t *n, struct err *e)
{
	(void)c;
	(void)principal;
	(void)principal_id;
	(void)tenant_id;
	(void)device_id;
	(void)created_session;
	(void)n;
	return err_set(e, 501, "internal", "passkey_revoke: not on PostgreSQL yet");
}

int
pg_operator_insert(struct store_conn *c,
    const struct rec_operator *o, struct err *e)
{
	(void)c;
	(void)o;
	return err_set(e, 501, "internal", "operator_insert: not on PostgreSQL yet");
}

int
pg_operator_get(struct store_conn *c, const char *id,
    struct rec_operator *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "operator_get: not on PostgreSQL yet");
}

int
pg_operator_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_operator *o), void *arg,
    struct err *e)
{
	(void)c;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "operator_list: not on PostgreSQL yet");
}
