/* SPDX-License-Identifier: ISC */
/*
 * pg_optoken.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_optoken_insert(struct store_conn *c, const struct rec_optoken *r,
    struct err *e)
{
	(void)c;
	(void)r;
	return err_set(e, 501, "internal", "optoken_insert: not on PostgreSQL yet");
}

int
pg_optoken_get_hash(struct store_conn *c,
    const uint8_t hash[TOKEN_HASH_LEN], struct rec_optoken *out,
    struct err *e)
{
	(void)c;
	(void)hash;
	(void)out;
	return err_set(e, 501, "internal", "optoken_get_hash: not on PostgreSQL yet");
}

int
pg_optoken_get(struct store_conn *c, const char *id_or_name,
    struct rec_optoken *out, struct err *e)
{
	(void)c;
	(void)id_or_name;
	(void)out;
	return err_set(e, 501, "internal", "optoken_get: not on PostgreSQL yet");
}

int
pg_optoken_list(struct store_conn *c,
    int (*cb)(void *arg, const struct rec_optoken *r), void *arg,
    struct err *e)
{
	(void)c;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "optoken_list: not on PostgreSQL yet");
}

int
pg_optoken_revoke(struct store_conn *c, const char *id, int64_t now,
    const char *by, struct err *e)
{
	(void)c;
	(void)id;
	(void)now;
	(void)by;
	return err_set(e, 501, "internal", "optoken_revoke: not on PostgreSQL yet");
}

int
pg_optoken_touch(struct store_conn *c, const char *id, int64_t when,
    struct err *e)
{
	(void)c;
	(void)id;
	(void)when;
	return err_set(e, 501, "internal", "optoken_touch: not on PostgreSQL yet");
}

int
pg_session_end_root_operator(struct store_conn *c, int64_t *n,
    struct err *e)
{
	(void)c;
	(void)n;
	return err_set(e, 501, "internal", "session_end_root_operator: not on PostgreSQL yet");
}
