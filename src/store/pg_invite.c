/* SPDX-License-Identifier: ISC */
/*
 * pg_invite.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_invitation_insert(struct store_conn *c,
    const struct rec_invitation *r, struct err *e)
{
	(void)c;
	(void)r;
	return err_set(e, 501, "internal", "invitation_insert: not on PostgreSQL yet");
}

int
pg_invitation_get(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_invitation *out,
    struct err *e)
{
	(void)c;
	(void)hash;
	(void)out;
	return err_set(e, 501, "internal", "invitation_get: not on PostgreSQL yet");
}

int
pg_invitation_get_id(struct store_conn *c, const char *id,
    struct rec_invitation *out, struct err *e)
{
	(void)c;
	(void)id;
	(void)out;
	return err_set(e, 501, "internal", "invitation_get_id: not on PostgreSQL yet");
}

int
pg_invitation_list(struct store_conn *c, const char *tenant_id,
    int (*cb)(void *arg, const struct rec_invitation *r), void *arg,
    struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "invitation_list: not on PostgreSQL yet");
}

int
pg_invitation_set_pending(struct store_conn *c,
    const struct rec_invitation *r, int64_t now, struct err *e)
{
	(void)c;
	(void)r;
	(void)now;
	return err_set(e, 501, "internal", "invitation_set_pending: not on PostgreSQL yet");
}

int
pg_invitation_use(struct store_conn *c, const char *id, int64_t now,
    struct err *e)
{
	(void)c;
	(void)id;
	(void)now;
	return err_set(e, 501, "internal", "invitation_use: not on PostgreSQL yet");
}

int
pg_invitation_set_device(struct store_conn *c, const char *id,
    const char *device_id, int64_t now, struct err *e)
{
	(void)c;
	(void)id;
	(void)device_id;
	(void)now;
	return err_set(e, 501, "internal", "invitation_set_device: not on PostgreSQL yet");
}

int
pg_invitation_revoke(struct store_conn *c, const char *id,
    int64_t now, struct err *e)
{
	(void)c;
	(void)id;
	(void)now;
	return err_set(e, 501, "internal", "invitation_revoke: not on PostgreSQL yet");
}

int
pg_invitation_revoke_principal(struct store_conn *c, int kind,
    const char *tenant_id, const char *principal_id, int64_t now,
    struct err *e)
{
	(void)c;
	(void)kind;
	(void)tenant_id;
	(void)principal_id;
	(void)now;
	return err_set(e, 501, "internal", "invitation_revoke_principal: not on PostgreSQL yet");
}
