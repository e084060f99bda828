/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares meta keys, which are public */
/*
 * The copy of a store between backends (copy.h).
 *
 * Rows travel in batches: table_dump calls back per row; the values are
 * copied into a batch (an arena of bytes and an array of values) and
 * table_load writes the batch when it is full.  Each table's rows are
 * hashed as they leave the source and again as they are read back from
 * the target.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "daemon/copy.h"
#include "store/store.h"
#include "store/tables.h"
#include "tlog/merkle.h"
#include "tlog/note.h"

#define BATCH_ROWS 2000
#define BATCH_BYTES ((size_t)16 << 20)

struct batch {
	struct store_conn *dst;
	const struct store_ops *ops;
	const struct table_spec *t;
	struct table_value *v;          /* BATCH_ROWS * ncols */
	size_t nrows;
	struct buf bytes;               /* the values' bytes */
	crypto_hash_sha256_state sha;
	int64_t rows;
	struct err *e;
	int failed;
	const struct table_spec *skip;  /* meta: keys already there */
	struct buf *skip_keys;          /* NUL-separated */
};

/* Hashes one value: its type, its length and its bytes. */
static void
hash_value(crypto_hash_sha256_state *h, const struct table_value *v)
{
	uint8_t head[9];
	uint64_t len = v->type == 'I' ? 8 : v->type == 'N' ? 0 : v->len;
	uint64_t x = (uint64_t)v->i;
	int k;

	head[0] = (uint8_t)v->type;
	for (k = 0; k < 8; k++)
		head[1 + k] = (uint8_t)(len >> (56 - 8 * k));
	crypto_hash_sha256_update(h, head, sizeof(head));
	if (v->type == 'I') {
		uint8_t be[8];

		for (k = 0; k < 8; k++)
			be[k] = (uint8_t)(x >> (56 - 8 * k));
		crypto_hash_sha256_update(h, be, sizeof(be));
	} else if (v->type != 'N') {
		crypto_hash_sha256_update(h, v->p, v->len);
	}
}

static int
batch_flush(struct batch *b)
{
	size_t i, n = table_ncols(b->t);

	if (b->nrows == 0 || b->failed)
		return b->failed ? -1 : 0;
	/* Point the values into the arena now that it stops moving. */
	for (i = 0; i < b->nrows * n; i++)
		if (b->v[i].type == 'T' || b->v[i].type == 'B')
			b->v[i].p = b->bytes.data + (uintptr_t)b->v[i].p;
	if (b->ops->table_load(b->dst, b->t, b->v, b->nrows, b->e) == -1) {
		b->failed = 1;
		return -1;
	}
	b->nrows = 0;
	buf_reset(&b->bytes);
	return 0;
}

static int
batch_row(void *arg, const struct table_value *v, size_t n)
{
	struct batch *b = arg;
	struct table_value *o;
	size_t i;

	for (i = 0; i < n; i++)
		hash_value(&b->sha, &v[i]);
	b->rows++;
	if (b->dst == NULL)
		return 0;       /* only hashing */
	o = b->v + b->nrows * n;
	for (i = 0; i < n; i++) {
		o[i] = v[i];
		if (v[i].type != 'T' && v[i].type != 'B')
			continue;
		/* An offset until batch_flush: the arena may move. */
		o[i].p = (const void *)(uintptr_t)b->bytes.len;
		if (buf_append(&b->bytes, v[i].p, v[i].len) == -1) {
			err_internal(b->e, "copy: %s: a row is too large",
			    b->t->name);
			b->failed = 1;
			return 1;
		}
	}
	b->nrows++;
	if ((b->nrows == BATCH_ROWS || b->bytes.len >= BATCH_BYTES) &&
	    batch_flush(b) == -1)
		return 1;
	return 0;
}

/* Hashes (dst NULL) or copies (dst given) one table; *sum its hash. */
static int
copy_table(const struct store_ops *sops, struct store_conn *src,
    const struct store_ops *dops, struct store_conn *dst,
    const struct table_spec *t, uint8_t sum[crypto_hash_sha256_BYTES],
    int64_t *rows, struct err *e)
{
	struct batch b;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	b.dst = dst;
	b.ops = dops;
	b.t = t;
	b.e = e;
	crypto_hash_sha256_init(&b.sha);
	buf_init(&b.bytes, BATCH_BYTES + ((size_t)64 << 20));
	if (dst != NULL && (b.v = calloc((size_t)BATCH_ROWS *
	    table_ncols(t), sizeof(*b.v))) == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	if (sops->table_dump(src, t, batch_row, &b, e) == -1 || b.failed ||
	    batch_flush(&b) == -1)
		goto out;
	crypto_hash_sha256_final(&b.sha, sum);
	*rows = b.rows;
	rc = 0;
out:
	free(b.v);
	buf_cleanup(&b.bytes);
	return rc;
}

/* Counts a table's rows. */
static int
count_row(void *arg, const struct table_value *v, size_t n)
{
	(void)v;
	(void)n;
	(*(int64_t *)arg)++;
	return 0;
}

/* The meta rows the target already has (its own migration's marks) are
 * updated, the rest inserted. */
struct meta_split {
	struct buf keys;                /* target's keys, NUL-separated */
};

static int
meta_key_row(void *arg, const struct table_value *v, size_t n)
{
	struct meta_split *m = arg;

	(void)n;
	if (v[0].type != 'T' || buf_append(&m->keys, v[0].p, v[0].len) == -1
	    || buf_append(&m->keys, "", 1) == -1)
		return 1;
	return 0;
}

static int
meta_has(const struct meta_split *m, const void *key, size_t len)
{
	size_t off = 0;

	while (off < m->keys.len) {
		size_t l = strlen(m->keys.data + off);

		if (l == len && memcmp(m->keys.data + off, key, len) == 0)
			return 1;
		off += l + 1;
	}
	return 0;
}

struct meta_copy {
	struct meta_split *split;
	struct buf seen;                /* the source's keys, NUL-separated */
	const struct store_ops *dops;
	struct store_conn *dst;
	crypto_hash_sha256_state sha;
	int64_t rows;
	struct err *e;
	int failed;
};

static int
meta_row(void *arg, const struct table_value *v, size_t n)
{
	static const struct table_spec meta_update = {"meta", "key", "TB",
	    {"key", "value"}, 1};
	struct meta_copy *m = arg;
	size_t i;

	for (i = 0; i < n; i++)
		hash_value(&m->sha, &v[i]);
	m->rows++;
	if (v[0].type != 'T' || buf_append(&m->seen, v[0].p, v[0].len) == -1
	    || buf_append(&m->seen, "", 1) == -1) {
		err_internal(m->e, "copy: meta: a key is not text");
		m->failed = 1;
		return 1;
	}
	if (m->dops->table_load(m->dst, meta_has(m->split, v[0].p,
	    v[0].len) ? &meta_update : &tables[0], v, 1, m->e) == -1) {
		m->failed = 1;
		return 1;
	}
	return 0;
}

/* Deletes the target's meta rows the source does not have: marks of the
 * target's own migrations that the source consumed long ago (e.g.
 * totp_clear, which would have custosd seal seeds sealed already). */
static int
meta_drop_extra(const struct store_ops *dops, struct store_conn *dst,
    const struct meta_split *target, const struct buf *source,
    struct err *e)
{
	static const struct table_spec meta_delete = {"meta", "key", "T",
	    {"key"}, 2};
	struct meta_split src;
	size_t off = 0;

	src.keys = *source;
	while (off < target->keys.len) {
		const char *k = target->keys.data + off;
		size_t l = strlen(k);
		struct table_value v;

		off += l + 1;
		if (meta_has(&src, k, l))
			continue;
		memset(&v, 0, sizeof(v));
		v.type = 'T';
		v.p = k;
		v.len = l;
		if (dops->table_load(dst, &meta_delete, &v, 1, e) == -1)
			return -1;
	}
	return 0;
}

/* The log's check: the Merkle root of the target's leaves at the latest
 * checkpoint's size equals that checkpoint's root. */
struct rootwalk {
	merkle_hash stack[64];
	int64_t count;
	int64_t want;                   /* the checkpoint's size */
	merkle_hash at_want;
	int have;
};

static void
root_of(const struct rootwalk *w, merkle_hash out)
{
	int64_t n = w->count;
	int level, first = 1;

	if (n == 0) {
		merkle_empty_root(out);
		return;
	}
	/* The complete subtrees of n, smallest first, folded right to
	 * left (RFC 9162 2.1.1). */
	for (level = 0; level < 63; level++) {
		if (!(n & ((int64_t)1 << level)))
			continue;
		if (first) {
			memcpy(out, w->stack[level], MERKLE_HASH);
			first = 0;
		} else {
			merkle_node_hash(out, w->stack[level], out);
		}
	}
}

static int
root_row(void *arg, const struct table_value *v, size_t n)
{
	struct rootwalk *w = arg;
	/* entries: idx, ..., bytes (9), vendor_id, leaf (11) */
	const struct table_value *leaf = v[11].type == 'B' ? &v[11] : &v[9];
	merkle_hash h;
	int level = 0;

	(void)n;
	merkle_leaf_hash(h, leaf->p, leaf->len);
	/* Merge equal-height subtrees as a binary counter carries. */
	while (w->count & ((int64_t)1 << level)) {
		merkle_node_hash(h, w->stack[level], h);
		level++;
	}
	memcpy(w->stack[level], h, MERKLE_HASH);
	w->count++;
	if (w->count == w->want) {
		root_of(w, w->at_want);
		w->have = 1;
	}
	return 0;
}

struct cpwalk {
	int64_t size;
	struct checkpoint cp;
	int ok;
};

static int
cp_row(void *arg, const struct table_value *v, size_t n)
{
	struct cpwalk *w = arg;
	const char *note = v[2].p, *end;
	struct err e;

	(void)n;
	if (v[0].type != 'I' || v[2].type != 'T' || v[0].i < w->size)
		return 0;
	end = memmem(note, v[2].len, "\n\n", 2);
	err_init(&e);
	if (end != NULL && checkpoint_parse(&w->cp, note,
	    (size_t)(end - note) + 1, &e) == 0) {
		w->size = v[0].i;
		w->ok = 1;
	}
	return 0;
}

static int
check_log(const struct store_ops *ops, struct store_conn *c, FILE *out,
    struct err *e)
{
	const struct table_spec *entries = NULL, *cps = NULL;
	struct rootwalk w;
	struct cpwalk cw;
	merkle_hash root;
	char b64[64];
	size_t i;

	for (i = 0; i < tables_count; i++) {
		if (strcmp(tables[i].name, "entries") == 0)
			entries = &tables[i];
		if (strcmp(tables[i].name, "checkpoints") == 0)
			cps = &tables[i];
	}
	memset(&cw, 0, sizeof(cw));
	cw.size = -1;
	if (entries == NULL || cps == NULL ||
	    ops->table_dump(c, cps, cp_row, &cw, e) == -1)
		return entries == NULL || cps == NULL ?
		    err_internal(e, "copy: no entries table") : -1;
	memset(&w, 0, sizeof(w));
	w.want = cw.ok ? cw.cp.size : -1;
	if (ops->table_dump(c, entries, root_row, &w, e) == -1)
		return -1;
	root_of(&w, root);
	sodium_bin2base64(b64, sizeof(b64), root, MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL);
	fprintf(out, "log: %lld entries, root %s\n", (long long)w.count, b64);
	if (!cw.ok) {
		fprintf(out, "log: no checkpoint yet\n");
		return 0;
	}
	if (cw.cp.size == 0) {
		merkle_empty_root(w.at_want);
		w.have = 1;
	}
	if (!w.have || sodium_memcmp(w.at_want, cw.cp.root, MERKLE_HASH) != 0)
		return err_set(e, 500, "internal", "copy: the target's leaves "
		    "do not give the root of its latest checkpoint (size "
		    "%lld)", (long long)cw.cp.size);
	sodium_bin2base64(b64, sizeof(b64), cw.cp.root, MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL);
	fprintf(out, "log: latest checkpoint, size %lld, root %s: the "
	    "leaves give it\n", (long long)cw.cp.size, b64);
	return 0;
}

int
store_copy(const char *from, const char *to, FILE *out, struct err *e)
{
	static const struct table_spec users_version = {"tenants", "id",
	    "TI", {"id", "users_version"}, 1};
	const struct store_ops *sops = store_ops_for(from);
	const struct store_ops *dops = store_ops_for(to);
	struct store_conn *src = NULL, *dst = NULL;
	uint8_t (*sums)[crypto_hash_sha256_BYTES] = NULL;
	struct meta_split split;
	int64_t *rows = NULL;
	int rc = -1, in_tx = 0;
	size_t i;

	buf_init(&split.keys, (size_t)1 << 20);
	if (sops->table_dump == NULL || dops->table_load == NULL) {
		err_internal(e, "copy: a backend cannot copy tables");
		goto out;
	}
	sums = calloc(tables_count + 1, sizeof(*sums));
	rows = calloc(tables_count + 1, sizeof(*rows));
	if (sums == NULL || rows == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	/* Only a custos store is migrated (brought to this version): any
	 * other database is refused, looked at through a read-only
	 * connection, before anything is written to it. */
	if ((src = sops->open(from, STORE_CONN_READ, e)) == NULL)
		goto out;
	{
		int64_t n = 0;
		struct err ignored;

		err_init(&ignored);
		if (sops->table_dump(src, &tables[0], count_row, &n,
		    &ignored) == -1) {
			err_set(e, 400, "bad_request", "the source is not a "
			    "custos store (it has no meta table)");
			goto out;
		}
	}
	sops->close(src);
	if ((src = sops->open(from, STORE_CONN_WRITE, e)) == NULL ||
	    sops->migrate(src, e) == -1)
		goto out;
	if ((dst = dops->open(to, STORE_CONN_WRITE, e)) == NULL ||
	    dops->migrate(dst, e) == -1)
		goto out;
	/* The target holds nothing but its migration's marks. */
	for (i = 1; i < tables_count; i++) {
		int64_t n = 0;

		if (dops->table_dump(dst, &tables[i], count_row, &n, e) == -1)
			goto out;
		if (n > 0) {
			err_set(e, 409, "conflict", "the target is not empty: "
			    "table %s holds %lld rows; copy into a new "
			    "database", tables[i].name, (long long)n);
			goto out;
		}
	}
	if (dops->table_dump(dst, &tables[0], meta_key_row, &split, e) == -1)
		goto out;
	if (dops->begin(dst, e) == -1)
		goto out;
	in_tx = 1;
	{
		struct meta_copy m;

		memset(&m, 0, sizeof(m));
		m.split = &split;
		m.dops = dops;
		m.dst = dst;
		m.e = e;
		crypto_hash_sha256_init(&m.sha);
		buf_init(&m.seen, (size_t)1 << 20);
		if (sops->table_dump(src, &tables[0], meta_row, &m, e) == -1 ||
		    m.failed || meta_drop_extra(dops, dst, &split, &m.seen,
		    e) == -1) {
			buf_cleanup(&m.seen);
			goto out;
		}
		buf_cleanup(&m.seen);
		crypto_hash_sha256_final(&m.sha, sums[0]);
		rows[0] = m.rows;
	}
	for (i = 1; i < tables_count; i++)
		if (copy_table(sops, src, dops, dst, &tables[i], sums[i],
		    &rows[i], e) == -1)
			goto out;
	/* Inserting users bumped their tenants' users_version (a trigger
	 * on both backends): put the source's values back. */
	{
		uint8_t ignored[crypto_hash_sha256_BYTES];
		int64_t n;

		if (copy_table(sops, src, dops, dst, &users_version, ignored,
		    &n, e) == -1)
			goto out;
	}
	if (dops->commit(dst, e) == -1)
		goto out;
	in_tx = 0;
	/* Read the target back: every table must hash as the source did. */
	for (i = 0; i < tables_count; i++) {
		uint8_t sum[crypto_hash_sha256_BYTES];
		char hex[2 * crypto_hash_sha256_BYTES + 1];
		int64_t n = 0;

		if (copy_table(dops, dst, NULL, NULL, &tables[i], sum, &n,
		    e) == -1)
			goto out;
		sodium_bin2hex(hex, sizeof(hex), sums[i], sizeof(sum));
		if (n != rows[i] || sodium_memcmp(sum, sums[i],
		    sizeof(sum)) != 0) {
			err_set(e, 500, "internal", "copy: table %s differs "
			    "after the copy (%lld rows read back of %lld)",
			    tables[i].name, (long long)n, (long long)rows[i]);
			goto out;
		}
		fprintf(out, "%-18s %9lld rows  sha256 %s  same\n",
		    tables[i].name, (long long)n, hex);
	}
	if (check_log(dops, dst, out, e) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		dops->rollback(dst);
	if (dst != NULL)
		dops->close(dst);
	if (src != NULL)
		sops->close(src);
	buf_cleanup(&split.keys);
	free(sums);
	free(rows);
	return rc;
}
