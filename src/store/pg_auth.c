/* SPDX-License-Identifier: ISC */
/*
 * pg_auth.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_session_insert(struct store_conn *c, const struct rec_session *r,
    struct err *e)
{
	(void)c;
	(void)r;
	return err_set(e, 501, "internal", "session_insert: not on PostgreSQL yet");
}

int
pg_session_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_session *out,
    struct err *e)
{
	(void)c;
	(void)hash;
	(void)out;
	return err_set(e, 501, "internal", "session_get: not on PostgreSQL yet");
}

int
pg_session_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e)
{
	(void)c;
	(void)id;
	(void)when;
	return err_set(e, 501, "internal", "session_touch: not on PostgreSQL yet");
}

int
pg_session_delete(struct store_conn *c, const char *id,
    struct err *e)
{
	(void)c;
	(void)id;
	return err_set(e, 501, "internal", "session_delete: not on PostgreSQL yet");
}

int
pg_session_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)user_id;
	return err_set(e, 501, "internal", "session_delete_user: not on PostgreSQL yet");
}

int
pg_login_insert(struct store_conn *c, const struct rec_login *l,
    struct err *e)
{
	(void)c;
	(void)l;
	return err_set(e, 501, "internal", "login_insert: not on PostgreSQL yet");
}

int
pg_login_get(struct store_conn *c, const char *id,
    struct rec_login *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "login_get: not on PostgreSQL yet");
}

int
pg_login_take(struct store_conn *c, const char *id,
    struct rec_login *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "login_take: not on PostgreSQL yet");
}

int
pg_reset_insert(struct store_conn *c, const struct rec_reset *r,
    struct err *e)
{
	(void)c;
	(void)r;
	return err_set(e, 501, "internal", "reset_insert: not on PostgreSQL yet");
}

int
pg_reset_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
    struct err *e)
{
	(void)c;
	(void)hash;
	(void)out;
	return err_set(e, 501, "internal", "reset_get: not on PostgreSQL yet");
}

int
pg_reset_delete_user(struct store_conn *c, const char *tenant_id,
    const char *user_id, struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)user_id;
	return err_set(e, 501, "internal", "reset_delete_user: not on PostgreSQL yet");
}

int
pg_reset_take(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_reset *out,
    struct err *e)
{
	(void)c;
	(void)hash;
	(void)out;
	return err_set(e, 501, "internal", "reset_take: not on PostgreSQL yet");
}

int
pg_throttle_get(struct store_conn *c, const char *key,
    struct rec_throttle *out, struct err *e)
{
	(void)c;
	(void)key;
	(void)out;
	return err_set(e, 501, "internal", "throttle_get: not on PostgreSQL yet");
}

int
pg_throttle_put(struct store_conn *c, const struct rec_throttle *t,
    struct err *e)
{
	(void)c;
	(void)t;
	return err_set(e, 501, "internal", "throttle_put: not on PostgreSQL yet");
}

int
pg_throttle_clear(struct store_conn *c, const char *key,
    struct err *e)
{
	(void)c;
	(void)key;
	return err_set(e, 501, "internal", "throttle_clear: not on PostgreSQL yet");
}

int
pg_auth_sweep(struct store_conn *c, int64_t now, int64_t idle_before,
    int64_t *removed, struct err *e)
{
	(void)c;
	(void)now;
	(void)idle_before;
	(void)removed;
	return err_set(e, 501, "internal", "auth_sweep: not on PostgreSQL yet");
}

int
pg_throttle_trim(struct store_conn *c, const char *prefix,
    int64_t keep, int64_t *removed, struct err *e)
{
	(void)c;
	(void)prefix;
	(void)keep;
	(void)removed;
	return err_set(e, 501, "internal", "throttle_trim: not on PostgreSQL yet");
}

int
pg_totp_seal_clear(struct store_conn *c, int64_t *sealed,
    struct err *e)
{
	(void)c;
	(void)sealed;
	return err_set(e, 501, "internal", "totp_seal_clear: not on PostgreSQL yet");
}

int
pg_session_get_id(struct store_conn *c, const char *id,
    struct rec_session *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "session_get_id: not on PostgreSQL yet");
}
