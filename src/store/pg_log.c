/* SPDX-License-Identifier: ISC */
/*
 * pg_log.c: PostgreSQL ops (issue 15).  STUB: each answers 501 until
 * written.
 */
#include "store/pg_int.h"

int
pg_entry_append(struct store_conn *c, const struct rec_entry *en,
    struct err *e)
{
	(void)c;
	(void)en;
	return err_set(e, 501, "internal", "entry_append: not on PostgreSQL yet");
}

int
pg_entry_count(struct store_conn *c, int64_t *out, struct err *e)
{
	(void)c;
	(void)out;
	return err_set(e, 501, "internal", "entry_count: not on PostgreSQL yet");
}

int
pg_entry_range(struct store_conn *c, int64_t start, int64_t end,
    store_entry_cb cb, void *arg, struct err *e)
{
	(void)c;
	(void)start;
	(void)end;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "entry_range: not on PostgreSQL yet");
}

int
pg_entry_leaves(struct store_conn *c, int64_t start, int64_t end,
    int full, store_leaf_cb cb, void *arg, struct err *e)
{
	(void)c;
	(void)start;
	(void)end;
	(void)full;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "entry_leaves: not on PostgreSQL yet");
}

int
pg_entry_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e)
{
	(void)c;
	(void)tenant_id;
	(void)start;
	(void)limit;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "entry_range_tenant: not on PostgreSQL yet");
}

int
pg_entry_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_entry_cb cb, void *arg,
    struct err *e)
{
	(void)c;
	(void)kind;
	(void)id;
	(void)from;
	(void)to;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "entry_by_principal: not on PostgreSQL yet");
}

int
pg_entry_policy_changes(struct store_conn *c, store_entry_cb cb,
    void *arg, struct err *e)
{
	(void)c;
	(void)cb;
	(void)arg;
	return err_set(e, 501, "internal", "entry_policy_changes: not on PostgreSQL yet");
}

int
pg_tile_get(struct store_conn *c, int level, int64_t idx,
    struct buf *out, struct err *e)
{
	(void)c;
	(void)level;
	(void)idx;
	(void)out;
	return err_set(e, 501, "internal", "tile_get: not on PostgreSQL yet");
}

int
pg_tile_put(struct store_conn *c, int level, int64_t idx,
    const void *hashes, size_t len, struct err *e)
{
	(void)c;
	(void)level;
	(void)idx;
	(void)hashes;
	(void)len;
	return err_set(e, 501, "internal", "tile_put: not on PostgreSQL yet");
}

int
pg_checkpoint_put(struct store_conn *c, int64_t size, int64_t time,
    const char *note, struct err *e)
{
	(void)c;
	(void)size;
	(void)time;
	(void)note;
	return err_set(e, 501, "internal", "checkpoint_put: not on PostgreSQL yet");
}

int
pg_checkpoint_latest(struct store_conn *c, struct buf *note,
    struct err *e)
{
	(void)c;
	(void)note;
	return err_set(e, 501, "internal", "checkpoint_latest: not on PostgreSQL yet");
}

/* The writer's entry buffer: STUB until pg_log.c is written. */
int
pg_log_flush(struct store_conn *c, size_t upto, struct err *e)
{
	(void)c;
	(void)upto;
	(void)e;
	return 0;
}

size_t
pg_log_count(const struct store_conn *c)
{
	(void)c;
	return 0;
}

size_t
pg_log_sent(const struct store_conn *c)
{
	(void)c;
	return 0;
}

void
pg_log_truncate(struct store_conn *c, size_t mark)
{
	(void)c;
	(void)mark;
}

void
pg_log_reset(struct store_conn *c)
{
	(void)c;
}

int64_t
pg_log_appended_to(const struct store_conn *c)
{
	(void)c;
	return -1;
}

void
pg_log_free(struct store_conn *c)
{
	(void)c;
}
