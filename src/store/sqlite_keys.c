/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares principal ids, which are public */
/*
 * The log's principal keys (migration 10): which entries name an engineer,
 * device, session, vendor, source or tenant, kept as posting lists instead
 * of one index row per entry and principal.  An entry is an engineer's (and
 * its vendor's) only when its actor is an engineer (rec_entry.engineer_id):
 * a tenant user whose id equals an engineer's is no part of the engineer's
 * activity (migration 13 rebuilt the rows written before that rule).
 *
 * A row of entry_keys is (chunk, kind, key, first): the entries of one
 * principal (kind = enum store_principal, key its id) within one chunk of
 * 2^16 indexes, from index first on, with their times.  The writer buffers
 * the keys of the entries it appends (sq_keys_add) and writes one row per
 * chunk, kind and key at sq_keys_flush (before a commit or a savepoint, or
 * before the writer itself reads them), so a bulk import writes a few rows
 * per principal and batch, all at the end of the table (the chunk leads
 * the key), instead of six index rows per entry scattered over six
 * indexes.  entry_chunks keeps each chunk's earliest and latest time so a
 * lookup by time reads only the chunks that can match.
 *
 * list holds the entries after the first, each as the varint of its index
 * minus the previous one and the zig-zag varint of its time minus the
 * previous one; the first is (first, t0).  Rows of one chunk, kind and key
 * never overlap and follow index order.
 *
 * The engineer's and the vendor's rows (cols = 1) also carry what scope
 * counts of each entry, after its deltas (before the first entry's,
 * which has none): a flag byte (1: the columns follow; 0: read them from
 * entries), then the varint of the milliseconds past the entry's second,
 * the outcome byte, and actor, tenant, action and the user of an allowed
 * user.* action as varint-length strings.  They are covering index rows
 * written per batch: a scope of an engineer or a vendor reads these rows
 * and no entry at all, and an append writes no index row of its own.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "store/sqlite_int.h"

#define CHUNK_SHIFT 16
#define COLS_STR_MAX 255        /* longest string the columns carry */
#define LIST_MAX (1 << 20)      /* bytes of one row's list */

enum q {
	Q_KEYS_INSERT, Q_CHUNK_PUT, Q_CHUNKS_TIME, Q_CHUNKS_FROM, Q_KEYS_ROWS,
	Q_KEYS_ROWS_FROM, Q_ENTRY_BYTES, Q_ENTRY_COLS,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_KEYS_INSERT] = "INSERT INTO entry_keys(chunk, kind, key, first, "
	    "t0, n, tmin, tmax, list, cols) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_CHUNK_PUT] = "INSERT INTO entry_chunks(chunk, tmin, tmax) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT(chunk) DO UPDATE SET "
	    "tmin = min(tmin, excluded.tmin), tmax = max(tmax, excluded.tmax)",
	[Q_CHUNKS_TIME] = "SELECT chunk FROM entry_chunks "
	    "WHERE tmax >= ?1 AND tmin < ?2 ORDER BY chunk",
	[Q_CHUNKS_FROM] = "SELECT chunk FROM entry_chunks WHERE chunk >= ?1 "
	    "ORDER BY chunk",
	[Q_KEYS_ROWS] = "SELECT first, t0, n, tmin, tmax, list, cols "
	    "FROM entry_keys "
	    "WHERE chunk = ?1 AND kind = ?2 AND key = ?3 ORDER BY first",
	/* From the row holding index ?4 on. */
	[Q_KEYS_ROWS_FROM] = "SELECT first, t0, n, tmin, tmax, list, cols "
	    "FROM entry_keys WHERE chunk = ?1 AND kind = ?2 AND key = ?3 "
	    "AND first >= COALESCE((SELECT max(first) FROM entry_keys "
	    "WHERE chunk = ?1 AND kind = ?2 AND key = ?3 AND first <= ?4), 0) "
	    "ORDER BY first",
	[Q_ENTRY_BYTES] = "SELECT bytes FROM entries WHERE idx = ?1",
	/* An entry's scope columns where its key row carries none. */
	[Q_ENTRY_COLS] = "SELECT time, actor_id, tenant_id, action, allowed, "
	    "json_extract(CAST(bytes AS TEXT), '$.time'), "
	    "CASE WHEN allowed = 1 AND action GLOB 'user.*' THEN "
	    "json_extract(CAST(bytes AS TEXT), '$.target') END "
	    "FROM entries WHERE idx = ?1",
};

static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_KEYS, q, q_sql, e);
}

/* One buffered entry of a group: its index and time, and the next. */
struct kent {
	int64_t idx, time;
	int32_t next;
	uint32_t poff, plen;            /* its columns in sq_keys.pay */
};

/* The buffered entries of one chunk, kind and key. */
struct kgroup {
	int64_t chunk;
	int kind;
	size_t key_off, key_len;
	uint32_t hash;
	int32_t head, tail, n;
};

struct sq_keys {
	struct kent *ent;
	size_t nent, capent;
	struct kgroup *grp;
	size_t ngrp, capgrp;
	char *keys;                     /* the groups' keys, back to back */
	size_t nkeys, capkeys;
	uint32_t *slot;                 /* group + 1, 0: empty */
	uint32_t *slot_epoch;
	size_t nslot;                   /* a power of two */
	uint32_t epoch;
	uint32_t *order;                /* groups in row order, at flush */
	size_t caporder;
	uint8_t *list;                  /* a row's list while writing it */
	uint8_t *pay;                   /* the entries' encoded columns */
	size_t npay, cappay;
};

static uint32_t
key_hash(int64_t chunk, int kind, const char *key, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind ^ ((uint32_t)chunk << 3);
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)key[i]) * 16777619u;
	return h;
}

/* Grows *p (of *cap elements of size) to hold need; -1 when out of
 * memory. */
static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap > 0 ? *cap : 256;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* Rebuilds the hash table at twice the size for the current groups. */
static int
rehash(struct sq_keys *k)
{
	size_t n = k->nslot > 0 ? k->nslot * 2 : 1024, i;
	uint32_t *slot = calloc(n, sizeof(*slot));
	uint32_t *ep = calloc(n, sizeof(*ep));

	if (slot == NULL || ep == NULL) {
		free(slot);
		free(ep);
		return -1;
	}
	free(k->slot);
	free(k->slot_epoch);
	k->slot = slot;
	k->slot_epoch = ep;
	k->nslot = n;
	k->epoch = 1;
	for (i = 0; i < k->ngrp; i++) {
		size_t j = k->grp[i].hash & (n - 1);

		while (ep[j] == k->epoch)
			j = (j + 1) & (n - 1);
		slot[j] = (uint32_t)i + 1;
		ep[j] = k->epoch;
	}
	return 0;
}

/* The group of (chunk, kind, key), created when new; -1 out of memory. */
static int32_t
group_of(struct sq_keys *k, int64_t chunk, int kind, const char *key)
{
	size_t len = strlen(key), j;
	uint32_t h = key_hash(chunk, kind, key, len);
	struct kgroup *g;

	if ((k->ngrp + 1) * 2 > k->nslot && rehash(k) == -1)
		return -1;
	for (j = h & (k->nslot - 1); k->slot_epoch[j] == k->epoch;
	    j = (j + 1) & (k->nslot - 1)) {
		g = &k->grp[k->slot[j] - 1];
		if (g->hash == h && g->chunk == chunk && g->kind == kind &&
		    g->key_len == len && memcmp(k->keys + g->key_off, key,
		    len) == 0)
			return (int32_t)(k->slot[j] - 1);
	}
	if (grow((void **)&k->grp, &k->capgrp, k->ngrp + 1,
	    sizeof(*k->grp)) == -1 || grow((void **)&k->keys, &k->capkeys,
	    k->nkeys + len, 1) == -1)
		return -1;
	g = &k->grp[k->ngrp];
	g->chunk = chunk;
	g->kind = kind;
	g->key_off = k->nkeys;
	g->key_len = len;
	g->hash = h;
	g->head = g->tail = -1;
	g->n = 0;
	memcpy(k->keys + k->nkeys, key, len);
	k->nkeys += len;
	k->slot[j] = (uint32_t)++k->ngrp;
	k->slot_epoch[j] = k->epoch;
	return (int32_t)(k->ngrp - 1);
}

static int encode_cols(struct sq_keys *k, const struct rec_entry *en,
    uint32_t *off, uint32_t *len);

/* 1 for the kinds whose rows carry the entries' scope columns. */
static int
has_cols(int kind)
{
	return kind == SP_ENGINEER || kind == SP_VENDOR;
}

int
sq_keys_add(struct store_conn *c, const struct rec_entry *en, struct err *e)
{
	uint32_t poff = 0, plen = 0;
	const char *key[SP_COUNT];
	int64_t chunk = en->index >> CHUNK_SHIFT;
	struct sq_keys *k = c->keys;
	int kind;

	if (k == NULL) {
		k = c->keys = calloc(1, sizeof(*k));
		if (k == NULL)
			return err_internal(e, "out of memory");
	}
	/* An engineer's and a vendor's activity is what an engineer did:
	 * never a tenant user's entries, whatever their id. */
	key[SP_ENGINEER] = en->engineer_id;
	key[SP_DEVICE] = en->device_id;
	key[SP_SESSION] = en->session_id;
	key[SP_VENDOR] = en->engineer_id != NULL &&
	    en->engineer_id[0] != '\0' ? en->vendor_id : NULL;
	key[SP_SOURCE] = en->source;
	key[SP_TENANT] = en->tenant_id;
	if (((key[SP_ENGINEER] != NULL && key[SP_ENGINEER][0] != '\0') ||
	    (key[SP_VENDOR] != NULL && key[SP_VENDOR][0] != '\0')) &&
	    encode_cols(k, en, &poff, &plen) == -1)
		return err_internal(e, "out of memory");
	for (kind = 0; kind < SP_COUNT; kind++) {
		struct kgroup *g;
		int32_t gi;

		if (key[kind] == NULL || key[kind][0] == '\0')
			continue;
		gi = group_of(k, chunk, kind, key[kind]);
		if (gi == -1 || grow((void **)&k->ent, &k->capent, k->nent + 1,
		    sizeof(*k->ent)) == -1)
			return err_internal(e, "out of memory");
		g = &k->grp[gi];
		k->ent[k->nent].idx = en->index;
		k->ent[k->nent].time = en->time;
		k->ent[k->nent].next = -1;
		k->ent[k->nent].poff = has_cols(kind) ? poff : 0;
		k->ent[k->nent].plen = has_cols(kind) ? plen : 0;
		if (g->tail >= 0)
			k->ent[g->tail].next = (int32_t)k->nent;
		else
			g->head = (int32_t)k->nent;
		g->tail = (int32_t)k->nent++;
		g->n++;
	}
	return 0;
}

void
sq_keys_discard(struct store_conn *c)
{
	struct sq_keys *k = c->keys;

	if (k == NULL)
		return;
	k->nent = k->ngrp = k->nkeys = k->npay = 0;
	if (++k->epoch == 0) {
		memset(k->slot_epoch, 0, k->nslot * sizeof(*k->slot_epoch));
		k->epoch = 1;
	}
}

void
sq_keys_free(struct store_conn *c)
{
	struct sq_keys *k = c->keys;

	if (k == NULL)
		return;
	free(k->ent);
	free(k->grp);
	free(k->keys);
	free(k->slot);
	free(k->slot_epoch);
	free(k->order);
	free(k->list);
	free(k->pay);
	free(k);
	c->keys = NULL;
}

static size_t
put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Reads a varint at *p (before end); -1 when it is cut short. */
static int
get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	int shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		uint8_t b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return 0;
		shift += 7;
	}
	return -1;
}

static uint64_t
zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t
unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static size_t
put_str(uint8_t *p, const char *v, size_t len)
{
	size_t n = put_varint(p, len);

	memcpy(p + n, v, len);
	return n + len;
}

/*
 * Appends en's scope columns to k->pay (see the top of the file): the
 * flag 0 alone when what the entry writes cannot be told from en (no
 * time in ms, a string too long), so readers go to the entry.
 */
static int
encode_cols(struct sq_keys *k, const struct rec_entry *en, uint32_t *off,
    uint32_t *len)
{
	const char *user = en->allowed && en->target != NULL &&
	    strncmp(en->action, "user.", 5) == 0 ? en->target : "";
	const char *v[4] = {en->actor_id, en->tenant_id, en->action, user};
	size_t l[4], need = 1 + 10 + 1, i;
	int64_t rem = en->time_ms - en->time * 1000;
	int ok = en->time_ms != 0 && rem >= 0 && rem < 1000;
	uint8_t *p;

	for (i = 0; i < 4; i++) {
		l[i] = v[i] != NULL ? strlen(v[i]) : 0;
		ok = ok && l[i] <= COLS_STR_MAX;
		need += 2 + l[i];
	}
	if (k->npay + need > UINT32_MAX ||
	    grow((void **)&k->pay, &k->cappay, k->npay + need, 1) == -1)
		return -1;
	p = k->pay + k->npay;
	*off = (uint32_t)k->npay;
	if (!ok) {
		p[0] = 0;
		*len = 1;
	} else {
		size_t n = 0;

		p[n++] = 1;
		n += put_varint(p + n, (uint64_t)rem);
		p[n++] = en->allowed ? 1 : 0;
		for (i = 0; i < 4; i++)
			n += put_str(p + n, v[i] != NULL ? v[i] : "", l[i]);
		*len = (uint32_t)n;
	}
	k->npay += *len;
	return 0;
}

/* Orders groups by chunk, kind and key: rows are written in key order. */
static int
group_cmp(const void *a, const void *b, void *arg)
{
	const struct sq_keys *k = arg;
	const struct kgroup *x = &k->grp[*(const uint32_t *)a];
	const struct kgroup *y = &k->grp[*(const uint32_t *)b];
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c;

	if (x->chunk != y->chunk)
		return x->chunk < y->chunk ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	c = memcmp(k->keys + x->key_off, k->keys + y->key_off, n);
	if (c != 0)
		return c;
	return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

/* Writes group g as one row. */
static int
write_group(struct store_conn *c, sqlite3_stmt *s, const struct kgroup *g,
    struct err *e)
{
	struct sq_keys *k = c->keys;
	const struct kent *first = &k->ent[g->head], *x, *prev = first;
	int64_t tmin = first->time, tmax = first->time;
	int cols = has_cols(g->kind);
	size_t len = 0;

	if (cols) {
		memcpy(k->list, k->pay + first->poff, first->plen);
		len = first->plen;
	}
	for (x = first; x->next >= 0; prev = x) {
		x = &k->ent[x->next];
		if (len + 20 + x->plen > LIST_MAX)
			return err_internal(e, "log keys: list too long");
		len += put_varint(k->list + len, (uint64_t)(x->idx -
		    prev->idx));
		len += put_varint(k->list + len, zigzag(x->time - prev->time));
		if (cols) {
			memcpy(k->list + len, k->pay + x->poff, x->plen);
			len += x->plen;
		}
		tmin = x->time < tmin ? x->time : tmin;
		tmax = x->time > tmax ? x->time : tmax;
	}
	sqlite3_bind_int64(s, 1, g->chunk);
	sqlite3_bind_int(s, 2, g->kind);
	sqlite3_bind_text(s, 3, k->keys + g->key_off, (int)g->key_len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, first->idx);
	sqlite3_bind_int64(s, 5, first->time);
	sqlite3_bind_int(s, 6, g->n);
	sqlite3_bind_int64(s, 7, tmin);
	sqlite3_bind_int64(s, 8, tmax);
	sqlite3_bind_blob(s, 9, k->list, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(s, 10, cols);
	return sq_exec(c, s, "log keys", e);
}

/* Widens the time bounds of each chunk the groups touch (in k->order). */
static int
write_chunks(struct store_conn *c, struct err *e)
{
	struct sq_keys *k = c->keys;
	sqlite3_stmt *s = stmt(c, Q_CHUNK_PUT, e);
	size_t i = 0;

	if (s == NULL)
		return -1;
	while (i < k->ngrp) {
		int64_t chunk = k->grp[k->order[i]].chunk, tmin = INT64_MAX;
		int64_t tmax = INT64_MIN;

		for (; i < k->ngrp && k->grp[k->order[i]].chunk == chunk; i++) {
			const struct kgroup *g = &k->grp[k->order[i]];
			int32_t j;

			for (j = g->head; j >= 0; j = k->ent[j].next) {
				tmin = k->ent[j].time < tmin ?
				    k->ent[j].time : tmin;
				tmax = k->ent[j].time > tmax ?
				    k->ent[j].time : tmax;
			}
		}
		sqlite3_bind_int64(s, 1, chunk);
		sqlite3_bind_int64(s, 2, tmin);
		sqlite3_bind_int64(s, 3, tmax);
		if (sq_exec(c, s, "log chunks", e) == -1)
			return -1;
	}
	return 0;
}

int
sq_keys_flush(struct store_conn *c, struct err *e)
{
	struct sq_keys *k = c->keys;
	sqlite3_stmt *s;
	size_t i;

	if (k == NULL || k->ngrp == 0)
		return 0;
	if ((k->list == NULL && (k->list = malloc(LIST_MAX)) == NULL) ||
	    grow((void **)&k->order, &k->caporder, k->ngrp,
	    sizeof(*k->order)) == -1)
		return err_internal(e, "out of memory");
	s = stmt(c, Q_KEYS_INSERT, e);
	if (s == NULL)
		return -1;
	for (i = 0; i < k->ngrp; i++)
		k->order[i] = (uint32_t)i;
	qsort_r(k->order, k->ngrp, sizeof(*k->order), group_cmp, k);
	for (i = 0; i < k->ngrp; i++)
		if (write_group(c, s, &k->grp[k->order[i]], e) == -1)
			return -1;
	if (write_chunks(c, e) == -1)
		return -1;
	sq_keys_discard(c);
	return 0;
}

/* What one lookup wants, and its progress. */
struct kscan {
	int64_t from, to;               /* times, [from, to) */
	int64_t start;                  /* indexes from start on */
	int64_t left;                   /* entries still wanted; <0: all */
	store_entry_cb cb;              /* the entries' bytes, or */
	store_cols_cb colcb;            /* their scope columns */
	void *arg;
	int stop;
};

/* One entry's scope columns, decoded (strings NUL-terminated here). */
struct kcols {
	int present;
	int64_t ms;
	int allowed;
	char str[4][COLS_STR_MAX + 1];  /* actor, tenant, action, user */
};

/* Hands entry idx's bytes to the callback. */
static int
emit(struct store_conn *c, struct kscan *ks, int64_t idx, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENTRY_BYTES, e);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, idx);
	rc = sq_step_row(c, s, "log entry", e);
	if (rc == -1)
		return -1;
	if (rc == 1)
		return err_internal(e, "log keys name entry %lld, which is "
		    "missing", (long long)idx);
	if (ks->cb(ks->arg, idx, sqlite3_column_blob(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0)) != 0)
		ks->stop = 1;
	sq_done(s);
	if (ks->left > 0 && --ks->left == 0)
		ks->stop = 1;
	return 0;
}

/* Reads (or, with out NULL, skips) one entry's columns at *p. */
static int
cols_read(const uint8_t **p, const uint8_t *end, struct kcols *out)
{
	uint64_t v, len;
	int i;

	if (*p >= end)
		return -1;
	if (*(*p)++ == 0) {
		if (out != NULL)
			out->present = 0;
		return 0;
	}
	if (get_varint(p, end, &v) == -1 || v >= 1000 || *p >= end)
		return -1;
	if (out != NULL) {
		out->present = 1;
		out->ms = (int64_t)v;
		out->allowed = **p != 0;
	}
	(*p)++;
	for (i = 0; i < 4; i++) {
		if (get_varint(p, end, &len) == -1 || len > COLS_STR_MAX ||
		    len > (uint64_t)(end - *p))
			return -1;
		if (out != NULL) {
			memcpy(out->str[i], *p, (size_t)len);
			out->str[i][len] = '\0';
		}
		*p += len;
	}
	return 0;
}

/* Hands entry idx's scope columns to the callback: from kc when the key
 * row carried them, else from the entry's row. */
static int
emit_cols(struct store_conn *c, struct kscan *ks, int64_t idx, int64_t t,
    const struct kcols *kc, struct err *e)
{
	char when[RFC3339_MS_LEN];
	struct store_entry_cols r;
	sqlite3_stmt *s = NULL;
	int rc;

	r.index = idx;
	r.time = t;
	if (kc->present) {
		time_format_ms(when, t * 1000 + kc->ms);
		r.actor_id = kc->str[0];
		r.tenant_id = kc->str[1];
		r.action = kc->str[2];
		r.allowed = kc->allowed;
		r.time_text = when;
		r.user = kc->str[3];
	} else {
		s = stmt(c, Q_ENTRY_COLS, e);
		if (s == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, idx);
		rc = sq_step_row(c, s, "log entry", e);
		if (rc != 0)
			return rc == 1 ? err_internal(e, "log keys name entry "
			    "%lld, which is missing", (long long)idx) : -1;
		r.time = sqlite3_column_int64(s, 0);
		r.actor_id = (const char *)sqlite3_column_text(s, 1);
		r.tenant_id = (const char *)sqlite3_column_text(s, 2);
		r.action = (const char *)sqlite3_column_text(s, 3);
		r.allowed = sqlite3_column_int(s, 4);
		r.time_text = (const char *)sqlite3_column_text(s, 5);
		r.user = (const char *)sqlite3_column_text(s, 6);
		r.actor_id = r.actor_id != NULL ? r.actor_id : "";
		r.tenant_id = r.tenant_id != NULL ? r.tenant_id : "";
		r.action = r.action != NULL ? r.action : "";
		r.time_text = r.time_text != NULL ? r.time_text : "";
		r.user = r.user != NULL ? r.user : "";
	}
	if (ks->colcb(ks->arg, &r) != 0)
		ks->stop = 1;
	if (s != NULL)
		sq_done(s);
	return 0;
}

/* Walks the current row of s (first, t0, n, tmin, tmax, list, cols). */
static int
scan_row(struct store_conn *c, sqlite3_stmt *s, struct kscan *ks,
    struct err *e)
{
	const uint8_t *p = sqlite3_column_blob(s, 5);
	const uint8_t *end = p != NULL ? p + sqlite3_column_bytes(s, 5) : p;
	int64_t idx = sqlite3_column_int64(s, 0);
	int64_t t = sqlite3_column_int64(s, 1);
	int64_t n = sqlite3_column_int64(s, 2), i;
	int cols = sqlite3_column_int(s, 6);
	struct kcols kc;

	if (sqlite3_column_int64(s, 4) < ks->from ||
	    sqlite3_column_int64(s, 3) >= ks->to)
		return 0;
	kc.present = 0;
	for (i = 0; i < n && !ks->stop; i++) {
		uint64_t di, dt;
		int want;

		if (i > 0) {
			if (get_varint(&p, end, &di) == -1 ||
			    get_varint(&p, end, &dt) == -1)
				return err_internal(e, "log keys are damaged");
			idx += (int64_t)di;
			t += unzigzag(dt);
		}
		want = idx >= ks->start && t >= ks->from && t < ks->to;
		if (cols && cols_read(&p, end, want && ks->colcb != NULL ?
		    &kc : NULL) == -1)
			return err_internal(e, "log keys are damaged");
		if (!want)
			continue;
		if (ks->colcb != NULL ? emit_cols(c, ks, idx, t, &kc, e) == -1 :
		    emit(c, ks, idx, e) == -1)
			return -1;
	}
	return 0;
}

/* The rows of one chunk for (kind, key), from index ks->start on. */
static int
scan_chunk(struct store_conn *c, int64_t chunk, int kind, const char *key,
    struct kscan *ks, struct err *e)
{
	sqlite3_stmt *s = stmt(c, ks->start > 0 ? Q_KEYS_ROWS_FROM :
	    Q_KEYS_ROWS, e);
	int rc = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, chunk);
	sqlite3_bind_int(s, 2, kind);
	sq_bind_text(s, 3, key);
	if (ks->start > 0)
		sqlite3_bind_int64(s, 4, ks->start);
	while (!ks->stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
		if (scan_row(c, s, ks, e) == -1) {
			sq_done(s);
			return -1;
		}
	if (!ks->stop && rc != SQLITE_DONE) {
		sq_fail(c, e, "log keys");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

/* The chunks q names (bound by the caller in s), then each one's rows. */
static int
scan(struct store_conn *c, sqlite3_stmt *s, int kind, const char *key,
    struct kscan *ks, struct err *e)
{
	int64_t *chunks = NULL, *more;
	size_t n = 0, cap = 0, i;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap > 0 ? cap * 2 : 64;
			more = realloc(chunks, cap * sizeof(*chunks));
			if (more == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			chunks = more;
		}
		chunks[n++] = sqlite3_column_int64(s, 0);
	}
	if (rc != SQLITE_DONE) {
		sq_fail(c, e, "log chunks");
		sq_done(s);
		free(chunks);
		return -1;
	}
	sq_done(s);
	rc = 0;
	for (i = 0; i < n && !ks->stop && rc == 0; i++)
		rc = scan_chunk(c, chunks[i], kind, key, ks, e);
	free(chunks);
	return rc;
}

/* The rows of (kind, id) in the chunks whose times meet [ks->from,
 * ks->to), after the writer's unwritten keys. */
static int
by_principal(struct store_conn *c, int kind, const char *id,
    struct kscan *ks, struct err *e)
{
	sqlite3_stmt *s;

	if (id == NULL || id[0] == '\0' || ks->from >= ks->to)
		return 0;
	if (sq_keys_flush(c, e) == -1)
		return -1;
	s = stmt(c, Q_CHUNKS_TIME, e);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ks->from);
	sqlite3_bind_int64(s, 2, ks->to);
	return scan(c, s, kind, id, ks, e);
}

int
sq_keys_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_entry_cb cb, void *arg, struct err *e)
{
	struct kscan ks = {from, to, 0, -1, cb, NULL, arg, 0};

	return by_principal(c, kind, id, &ks, e);
}

int
sq_keys_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e)
{
	struct kscan ks = {INT64_MIN, INT64_MAX, start, limit < 0 ? -1 : limit,
	    cb, NULL, arg, 0};
	sqlite3_stmt *s;

	if (limit == 0)
		return 0;
	if (sq_keys_flush(c, e) == -1)
		return -1;
	s = stmt(c, Q_CHUNKS_FROM, e);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, start > 0 ? start >> CHUNK_SHIFT : 0);
	return scan(c, s, SP_TENANT, tenant_id, &ks, e);
}

int
sq_keys_cols_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_cols_cb cb, void *arg, struct err *e)
{
	struct kscan ks = {from, to, 0, -1, NULL, cb, arg, 0};

	return by_principal(c, kind, id, &ks, e);
}
