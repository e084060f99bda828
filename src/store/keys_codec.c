/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares principal ids, which are public */
/*
 * The encoding of the log's principal keys (keys_codec.h), shared by the
 * backends: what sqlite_keys.c describes, taken out of it unchanged.
 *
 * list holds the entries after the first, each as the varint of its index
 * minus the previous one and the zig-zag varint of its time minus the
 * previous one; the first is (first, t0).  On the engineer's and the
 * vendor's rows (cols = 1) each entry's scope columns follow its deltas
 * (the first entry's lead the list): a flag byte (1: the columns follow;
 * 0: read them from entries), then the varint of the milliseconds past
 * the entry's second, the outcome byte, and actor, tenant, action and the
 * user of an allowed user.* action as varint-length strings.
 */
#include <stdlib.h>
#include <string.h>

#include "store/keys_codec.h"
#include "store/store.h"

/* One buffered entry of a group: its index and time, and the next. */
struct kent {
	int64_t idx, time;
	int32_t next;
	uint32_t poff, plen;            /* its columns in keys_buf.pay */
};

/* The buffered entries of one chunk, kind and key. */
struct kgroup {
	int64_t chunk;
	int kind;
	size_t key_off, key_len;
	uint32_t hash;
	int32_t head, tail, n;
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
rehash(struct keys_buf *k)
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
group_of(struct keys_buf *k, int64_t chunk, int kind, const char *key)
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

static int encode_cols(struct keys_buf *k, const struct rec_entry *en,
    uint32_t *off, uint32_t *len);

int
keys_has_cols(int kind)
{
	return kind == SP_ENGINEER || kind == SP_VENDOR;
}

int
keys_add(struct keys_buf *k, const struct rec_entry *en)
{
	uint32_t poff = 0, plen = 0;
	const char *key[SP_COUNT];
	int64_t chunk = en->index >> KEYS_CHUNK_SHIFT;
	int kind;

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
		return -1;
	for (kind = 0; kind < SP_COUNT; kind++) {
		struct kgroup *g;
		int32_t gi;

		if (key[kind] == NULL || key[kind][0] == '\0')
			continue;
		gi = group_of(k, chunk, kind, key[kind]);
		if (gi == -1 || grow((void **)&k->ent, &k->capent, k->nent + 1,
		    sizeof(*k->ent)) == -1)
			return -1;
		g = &k->grp[gi];
		k->ent[k->nent].idx = en->index;
		k->ent[k->nent].time = en->time;
		k->ent[k->nent].next = -1;
		k->ent[k->nent].poff = keys_has_cols(kind) ? poff : 0;
		k->ent[k->nent].plen = keys_has_cols(kind) ? plen : 0;
		if (g->tail >= 0)
			k->ent[g->tail].next = (int32_t)k->nent;
		else
			g->head = (int32_t)k->nent;
		g->tail = (int32_t)k->nent++;
		g->n++;
	}
	return 0;
}

size_t
keys_groups(const struct keys_buf *k)
{
	return k->ngrp;
}

void
keys_discard(struct keys_buf *k)
{
	k->nent = k->ngrp = k->nkeys = k->npay = 0;
	if (++k->epoch == 0) {
		memset(k->slot_epoch, 0, k->nslot * sizeof(*k->slot_epoch));
		k->epoch = 1;
	}
}

void
keys_free(struct keys_buf *k)
{
	free(k->ent);
	free(k->grp);
	free(k->keys);
	free(k->slot);
	free(k->slot_epoch);
	free(k->order);
	free(k->list);
	free(k->pay);
	memset(k, 0, sizeof(*k));
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
encode_cols(struct keys_buf *k, const struct rec_entry *en, uint32_t *off,
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
		ok = ok && l[i] <= KEYS_COLS_STR_MAX;
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
	const struct keys_buf *k = arg;
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

int
keys_sort(struct keys_buf *k)
{
	size_t i;

	if ((k->list == NULL && (k->list = malloc(KEYS_LIST_MAX)) == NULL) ||
	    grow((void **)&k->order, &k->caporder, k->ngrp,
	    sizeof(*k->order)) == -1)
		return -1;
	for (i = 0; i < k->ngrp; i++)
		k->order[i] = (uint32_t)i;
	qsort_r(k->order, k->ngrp, sizeof(*k->order), group_cmp, k);
	return 0;
}

int
keys_row(struct keys_buf *k, size_t i, struct keys_row *out)
{
	const struct kgroup *g = &k->grp[k->order[i]];
	const struct kent *first = &k->ent[g->head], *x, *prev = first;
	int64_t tmin = first->time, tmax = first->time;
	int cols = keys_has_cols(g->kind);
	size_t len = 0;

	if (cols) {
		memcpy(k->list, k->pay + first->poff, first->plen);
		len = first->plen;
	}
	for (x = first; x->next >= 0; prev = x) {
		x = &k->ent[x->next];
		if (len + 20 + x->plen > KEYS_LIST_MAX)
			return -1;
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
	out->chunk = g->chunk;
	out->kind = g->kind;
	out->key = k->keys + g->key_off;
	out->key_len = g->key_len;
	out->first = first->idx;
	out->t0 = first->time;
	out->n = g->n;
	out->tmin = tmin;
	out->tmax = tmax;
	out->list = k->list;
	out->len = len;
	out->cols = cols;
	return 0;
}

int
keys_chunk(const struct keys_buf *k, size_t *i, int64_t *chunk,
    int64_t *tmin, int64_t *tmax)
{
	if (*i >= k->ngrp)
		return 0;
	*chunk = k->grp[k->order[*i]].chunk;
	*tmin = INT64_MAX;
	*tmax = INT64_MIN;
	for (; *i < k->ngrp && k->grp[k->order[*i]].chunk == *chunk; (*i)++) {
		const struct kgroup *g = &k->grp[k->order[*i]];
		int32_t j;

		for (j = g->head; j >= 0; j = k->ent[j].next) {
			*tmin = k->ent[j].time < *tmin ? k->ent[j].time : *tmin;
			*tmax = k->ent[j].time > *tmax ? k->ent[j].time : *tmax;
		}
	}
	return 1;
}

void
keys_iter_init(struct keys_iter *it, int64_t first, int64_t t0, int64_t n,
    const uint8_t *list, size_t len, int cols)
{
	it->p = list;
	it->end = list != NULL ? list + len : list;
	it->idx = first;
	it->t = t0;
	it->n = n;
	it->i = 0;
	it->cols = cols;
}

int
keys_iter_next(struct keys_iter *it)
{
	uint64_t di, dt;

	if (it->i >= it->n)
		return 0;
	if (it->i > 0) {
		if (get_varint(&it->p, it->end, &di) == -1 ||
		    get_varint(&it->p, it->end, &dt) == -1)
			return -1;
		it->idx += (int64_t)di;
		it->t += unzigzag(dt);
	}
	it->i++;
	return 1;
}

/* Reads (or, with out NULL, skips) one entry's columns at *p. */
static int
cols_read(const uint8_t **p, const uint8_t *end, struct keys_cols *out)
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
		if (get_varint(p, end, &len) == -1 ||
		    len > KEYS_COLS_STR_MAX || len > (uint64_t)(end - *p))
			return -1;
		if (out != NULL) {
			memcpy(out->str[i], *p, (size_t)len);
			out->str[i][len] = '\0';
		}
		*p += len;
	}
	return 0;
}

int
keys_iter_cols(struct keys_iter *it, struct keys_cols *out,
    const uint8_t **at)
{
	if (at != NULL)
		*at = it->p;
	return cols_read(&it->p, it->end, out);
}

int
keys_cols_at(const uint8_t *p, const uint8_t *end, struct keys_cols *out)
{
	return cols_read(&p, end, out);
}
