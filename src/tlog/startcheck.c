/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares public tile hashes only */
/*
 * startcheck: rebuild the tree from the entries and compare; see
 * startcheck.h and docs/internals/tlog.md.
 */
#include "tlog/startcheck.h"

#include <sodium.h>
#include <string.h>

#include "audit/event.h"
#include "common/log.h"
#include "common/str.h"
#include "tlog/note.h"
#include "tlog/sealer.h"
#include "tlog/tilenodes.h"

#define META_BROKEN "log_integrity_failure"
#define VERIFY_CHUNK 4096

struct verify {
	struct startcheck *sc;
	const struct store_ops *ops;
	struct store_conn *c;
	struct buf tile;
	struct checkpoint cp;
	int cp_ok;
	int cp_bad;                     /* root differs; said after tiles */
	struct err *e;
	int fail;
};

static int
hash_eq(const merkle_hash a, const merkle_hash b)
{
	return memcmp(a, b, MERKLE_HASH) == 0;
}

/* Compares a tile the rebuild produced with the stored one. */
static int
compare_tile(struct verify *v, int level, int64_t idx, const merkle_hash *h,
    int width)
{
	struct startcheck *sc = v->sc;
	const merkle_hash *s;
	int found, j, sw;

	buf_reset(&v->tile);
	found = v->ops->tile_get(v->c, level, idx, &v->tile, v->e);
	if (found == -1)
		return -1;
	sw = found == 1 ? 0 : (int)(v->tile.len / MERKLE_HASH);
	s = (const merkle_hash *)(void *)v->tile.data;
	for (j = 0; j < width; j++)
		if (j >= sw || !hash_eq(s[j], h[j]))
			break;
	if (j == width && sw == width)
		return 0;
	if (level == 0 && j < width)
		str_printf(sc->broken, sc->broken_size, "log entry %lld does "
		    "not match the tree: the stored entry or its tile was "
		    "changed", (long long)(idx * TILE_WIDTH + j));
	else
		str_printf(sc->broken, sc->broken_size, "tile %d/%lld (hashes "
		    "at level %d from index %lld) differs from the entries at "
		    "hash %d", level, (long long)idx, level * TILE_HEIGHT,
		    (long long)(idx * TILE_WIDTH), j);
	return 1;
}

static int
sink_verify(void *arg, int level, int64_t idx, const merkle_hash *nodes,
    struct err *e)
{
	struct verify *v = arg;
	int rc;

	if (v->sc->build)
		rc = v->ops->tile_put(v->c, level, idx, nodes,
		    (size_t)TILE_WIDTH * MERKLE_HASH, e);
	else
		rc = compare_tile(v, level, idx, nodes, TILE_WIDTH);
	if (rc == 1)
		v->fail = 1;
	if (rc != 0)
		return -1;
	/* Proofs will want the most recent tiles: the rebuild has just
	 * computed all their inner hashes. */
	if (v->sc->cache != NULL)
		tilecache_put(v->sc->cache, level, idx, TILE_WIDTH, nodes);
	return 0;
}

static void
check_checkpoint(struct verify *v)
{
	struct startcheck *sc = v->sc;
	merkle_hash root;
	char hex[2 * MERKLE_HASH + 1];

	if (edge_root(sc->tree, root) == -1) {
		str_copy(sc->broken, sc->broken_size, "cannot compute the tree "
		    "head");
		return;
	}
	if (hash_eq(root, v->cp.root)) {
		v->cp_ok = 1;
		return;
	}
	/* Said only once the tiles were compared: they name the entry. */
	v->cp_bad = 1;
	sodium_bin2hex(hex, sizeof(hex), root, MERKLE_HASH);
	str_printf(sc->broken, sc->broken_size, "the first %lld entries hash "
	    "to %.16s..., but the last signed checkpoint (size %lld) says "
	    "otherwise: entries before index %lld were changed",
	    (long long)v->cp.size, hex, (long long)v->cp.size,
	    (long long)v->cp.size);
}

/* Each entry's plaintext must be what its sealed leaf holds (so what
 * custosd queries is what the tree commits to); the leaf goes into the
 * tree. */
static int
verify_entry(void *arg, const struct rec_leaf *r)
{
	struct verify *v = arg;
	struct edge *tr = v->sc->tree;
	merkle_hash leaf;

	if (r->index != tr->size) {
		str_printf(v->sc->broken, v->sc->broken_size, "log entry %lld "
		    "is missing", (long long)tr->size);
		v->fail = 1;
		return 1;
	}
	if (sealer_check(v->sc->sealer, r, v->sc->broken,
	    v->sc->broken_size) != 0) {
		v->fail = 1;
		return 1;
	}
	merkle_leaf_hash(leaf, r->leaf, r->leaf_len);
	if (edge_append(tr, leaf, sink_verify, v, v->e) == -1) {
		if (!v->fail)
			v->fail = 2;
		return 1;
	}
	if (v->sc->have_cp && tr->size == v->cp.size)
		check_checkpoint(v);
	return 0;
}

/* Writes or compares the rightmost tile of each level: 0, or 1 when one
 * differs. */
static int
check_edge(struct verify *v, struct store_conn *c, struct err *e)
{
	int level, rc;

	for (level = 0; level < EDGE_LEVELS; level++) {
		struct edge_tile *et = &v->sc->tree->t[level];

		if (et->width == 0)
			continue;
		if (v->sc->build) {
			if (v->ops->tile_put(c, level, et->index, et->h,
			    (size_t)et->width * MERKLE_HASH, e) == -1)
				return -1;
		} else {
			rc = compare_tile(v, level, et->index,
			    (const merkle_hash *)et->h, et->width);
			if (rc != 0)
				return rc;
		}
		et->stored_width = et->width;
	}
	return 0;
}

/* Runs on the writer: rebuilds the tree from the entries. */
static int
apply_verify(struct store_conn *c, void *arg, struct err *e)
{
	struct verify *v = arg;
	struct startcheck *sc = v->sc;
	int64_t n = 0, start;
	int rc;

	v->c = c;
	v->e = e;
	if (v->ops->entry_count(c, &n, e) == -1)
		return -1;
	if (sc->have_cp && v->cp.size == 0)
		check_checkpoint(v);
	/* A checkpoint mismatch is kept in the message until a tile names
	 * the entry more precisely. */
	for (start = 0; start < n && !v->fail; start += VERIFY_CHUNK)
		if (v->ops->entry_leaves(c, start, start + VERIFY_CHUNK, 1,
		    verify_entry, v, e) == -1)
			return -1;
	if (v->fail == 2)
		return -1;
	if (v->fail)
		return 0;
	/* PostgreSQL counts the log by its head row: entries missing at
	 * the end show as a tree shorter than that count. */
	if (sc->tree->size < n) {
		if (!sc->have_cp || v->cp.size <= sc->tree->size) {
			str_printf(sc->broken, sc->broken_size, "the log's "
			    "head counts %lld entries but entries from index "
			    "%lld are gone", (long long)n,
			    (long long)sc->tree->size);
			return 0;
		}
		n = sc->tree->size;
	}
	if (sc->have_cp && v->cp.size > n) {
		str_printf(sc->broken, sc->broken_size, "the log holds %lld "
		    "entries but its last checkpoint signed %lld: entries from "
		    "index %lld are gone", (long long)n, (long long)v->cp.size,
		    (long long)n);
		return 0;
	}
	rc = check_edge(v, c, e);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	if (v->cp_bad)
		v->fail = 1;
	return 0;
}

/* Reads the latest checkpoint and verifies it under the log key. */
static int
load_checkpoint(struct verify *v, struct err *e)
{
	struct startcheck *sc = v->sc;
	struct note_verifier nv;
	struct store_conn *c;
	size_t body = 0;
	int found;

	c = store_reader_get(sc->store, e);
	if (c == NULL)
		return -1;
	found = v->ops->checkpoint_latest(c, sc->latest, e);
	store_reader_put(sc->store, c);
	if (found == -1)
		return -1;
	if (found == 1)
		return 0;
	if (note_verifier_parse(&nv, sc->vkey, e) == -1 ||
	    note_open(sc->latest->data, sc->latest->len, &nv, &body, e) ==
	    -1 || checkpoint_parse(&v->cp, sc->latest->data, body, e) == -1) {
		str_printf(sc->broken, sc->broken_size, "the last stored "
		    "checkpoint does not verify under the log key: %s", e->msg);
		err_init(e);
		return 0;
	}
	sc->have_cp = 1;
	sc->latest_size = v->cp.size;
	return 0;
}

static int
apply_broken(struct store_conn *c, void *arg, struct err *e)
{
	struct startcheck *sc = arg;

	return store_ops(sc->store)->meta_set(c, META_BROKEN, sc->broken,
	    strlen(sc->broken), e);
}

int
startcheck_run(struct startcheck *sc, struct err *e)
{
	struct verify v;
	struct store_job job = {apply_verify, NULL, &v};
	struct store_job bj = {apply_broken, NULL, sc};
	int rc = -1;

	memset(&v, 0, sizeof(v));
	v.sc = sc;
	v.ops = store_ops(sc->store);
	buf_init(&v.tile, TILE_WIDTH * MERKLE_HASH);
	sc->latest_size = -1;
	sc->have_cp = 0;
	if (load_checkpoint(&v, e) == -1)
		goto out;
	if (sc->broken[0] == '\0') {
		if (store_write(sc->store, &job, NULL, e) == -1)
			goto out;
		if (sc->have_cp && !v.cp_ok && sc->broken[0] == '\0')
			str_printf(sc->broken, sc->broken_size, "the tree "
			    "never reached the size of the last checkpoint");
	}
	if (sc->broken[0] != '\0') {
		log_error("tlog: INTEGRITY FAILURE: %s; custosd refuses to "
		    "append until the store is repaired", sc->broken);
		if (store_write(sc->store, &bj, NULL, e) == -1)
			log_error("tlog: cannot note the failure: %s", e->msg);
		err_init(e);
	} else {
		log_info("tlog: %lld entries verified against their tiles%s",
		    (long long)sc->tree->size, sc->have_cp ?
		    " and the last signed checkpoint" : "");
	}
	rc = 0;
out:
	buf_cleanup(&v.tile);
	return rc;
}

struct alert {
	struct store *store;
	struct buf was;
	struct event ev;
};

static int
apply_alert(struct store_conn *c, void *arg, struct err *e)
{
	struct alert *a = arg;

	return store_ops(a->store)->meta_set(c, META_BROKEN, "", 0, e);
}

static int
entry_alert(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct alert *a = arg;

	a->ev.allowed = 1;
	return event_serialize(&a->ev, time_ms, out, en);
}

int
startcheck_alert(struct store *st, struct err *e)
{
	const struct store_ops *ops = store_ops(st);
	struct alert a;
	struct store_job job = {apply_alert, entry_alert, &a};
	struct store_conn *c;
	int found, rc = -1;

	memset(&a, 0, sizeof(a));
	a.store = st;
	buf_init(&a.was, 1024);
	event_init(&a.ev);
	c = store_reader_get(st, e);
	if (c == NULL)
		goto out;
	found = ops->meta_get(c, META_BROKEN, &a.was, e);
	store_reader_put(st, c);
	if (found == -1)
		goto out;
	rc = 0;
	if (found == 1 || a.was.len == 0)
		goto out;
	a.ev.actor.kind = ACTOR_SYSTEM;
	str_copy(a.ev.actor.id, sizeof(a.ev.actor.id), "custosd");
	a.ev.action = "log.integrity_alert";
	str_copy(a.ev.reason, sizeof(a.ev.reason), "integrity_failure");
	event_detail(&a.ev, "failure", a.was.data);
	rc = store_write(st, &job, NULL, e);
	if (rc == 0)
		log_warn("tlog: recorded that an earlier start found the log "
		    "damaged: %s", a.was.data);
out:
	event_cleanup(&a.ev);
	buf_cleanup(&a.was);
	return rc;
}
