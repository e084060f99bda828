/* SPDX-License-Identifier: ISC */
/*
 * keys_codec: the log's principal keys as posting lists, whatever the
 * backend (sqlite_keys.c, pg_keys.c/pg_log.c).  What is stored, and why,
 * is told at the top of sqlite_keys.c; this is the encoding only:
 *
 *   - keys_add buffers an entry's keys, one group per chunk (2^16
 *     indexes), kind (enum store_principal) and key;
 *   - keys_sort orders the groups as their rows are written (chunk, kind,
 *     key bytewise), keys_row encodes group k's row (first, t0, n, tmin,
 *     tmax, list, cols), keys_chunk the time bounds of each chunk;
 *   - keys_iter walks a stored row's list back (index and time of each
 *     entry, and, on the engineer's and vendor's rows, its columns).
 *
 * The bytes are those migration 10 defined: a database written before
 * this module reads the same.
 */
#ifndef CUSTOS_STORE_KEYS_CODEC_H
#define CUSTOS_STORE_KEYS_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "store/records.h"

#define KEYS_CHUNK_SHIFT 16
#define KEYS_COLS_STR_MAX 255           /* longest string the cols carry */
#define KEYS_LIST_MAX (1 << 20)         /* bytes of one row's list */

struct kent;
struct kgroup;

/* The buffered keys of the entries added since the last discard. */
struct keys_buf {
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
	uint32_t *order;                /* groups in row order (keys_sort) */
	size_t caporder;
	uint8_t *list;                  /* a row's list while encoding it */
	uint8_t *pay;                   /* the entries' encoded columns */
	size_t npay, cappay;
};

/* One row of entry_keys, as keys_row encodes it (valid until the next
 * keys_row, keys_discard or keys_free). */
struct keys_row {
	int64_t chunk;
	int kind;
	const char *key;                /* not NUL-terminated */
	size_t key_len;
	int64_t first, t0, n, tmin, tmax;
	const uint8_t *list;
	size_t len;
	int cols;
};

/* 1 for the kinds whose rows carry the entries' scope columns. */
int keys_has_cols(int kind);

/* Buffers en's keys; -1 when out of memory. */
int keys_add(struct keys_buf *k, const struct rec_entry *en)
	__attribute__((warn_unused_result));
/* How many rows the buffered keys make (0: nothing to write). */
size_t keys_groups(const struct keys_buf *k);
/* Orders the groups for writing; -1 when out of memory. */
int keys_sort(struct keys_buf *k) __attribute__((warn_unused_result));
/* Encodes the i-th row in order (after keys_sort): 0, or -1 when its list
 * would pass KEYS_LIST_MAX (or out of memory). */
int keys_row(struct keys_buf *k, size_t i, struct keys_row *out)
	__attribute__((warn_unused_result));
/* The time bounds of the next chunk the groups touch, from *i (a row
 * position in order, 0 to begin; moved past the chunk's rows): 1 with
 * the chunk, 0 when there is no more. */
int keys_chunk(const struct keys_buf *k, size_t *i, int64_t *chunk,
    int64_t *tmin, int64_t *tmax);
/* Forgets what is buffered (the memory is kept). */
void keys_discard(struct keys_buf *k);
/* Frees the memory (k itself is the caller's). */
void keys_free(struct keys_buf *k);

/* One entry's scope columns, decoded (strings NUL-terminated). */
struct keys_cols {
	int present;
	int64_t ms;
	int allowed;
	char str[4][KEYS_COLS_STR_MAX + 1];     /* actor, tenant, action,
						 * user */
};

/* Walks a stored row's entries. */
struct keys_iter {
	const uint8_t *p, *end;
	int64_t idx, t;                 /* the current entry's */
	int64_t n, i;
	int cols;
};

void keys_iter_init(struct keys_iter *it, int64_t first, int64_t t0,
    int64_t n, const uint8_t *list, size_t len, int cols);
/* Moves to the next entry (it->idx, it->t): 1, 0 at the end, -1 when the
 * list is damaged.  On a row with cols, keys_iter_cols must then read (or
 * skip) the entry's columns before the next call. */
int keys_iter_next(struct keys_iter *it);
/* Reads (out NULL: skips) the current entry's columns; -1 when damaged.
 * *at (may be NULL) gets where they start, for keys_cols_at later. */
int keys_iter_cols(struct keys_iter *it, struct keys_cols *out,
    const uint8_t **at);
/* Decodes the columns that start at p (before end); -1 when damaged. */
int keys_cols_at(const uint8_t *p, const uint8_t *end,
    struct keys_cols *out);

#endif
