/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the signer's catch-up with entries another node appended
 * (issue 15: store_hooks.reload), without PostgreSQL: two stores stand
 * for two nodes on one SQLite file, through a copy of the SQLite ops with
 * a head() (the log's size, read inside the writer's BEGIN IMMEDIATE, as
 * PostgreSQL reads it under the head row's lock).  Each store has its own
 * signer.  Writes alternate between them, in batches that cross tile
 * boundaries; afterwards both trees are the tree of the stored leaves
 * (the root computed here from the entries), both nodes' checkpoints
 * agree (also across a gap wider than is hashed again, where the edge
 * comes from the stored tiles), and a stored tile that no longer matches
 * the entries halts the node that catches up over it instead of being
 * signed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/str.h"
#include "store/store.h"
#include "tlog/edge.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/sealer.h"
#include "tlog/signer.h"

static struct store_ops two_ops;

/* The log's size on c: inside the writer's transaction, locked. */
static int
sq_head(struct store_conn *c, int64_t *size, struct err *e)
{
	return store_sqlite_ops.entry_count(c, size, e);
}

struct node {
	struct store *st;
	struct sealer *sealer;
	struct signer *signer;
	struct buf latest;
};

struct fixture {
	char dir[64], path[128];
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	struct node a, b;
};

static const struct clock clk = {NULL};

static void
node_open(struct fixture *f, struct node *n, const char *name)
{
	struct store_config cfg;
	struct signer_config sc;
	struct err e;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &two_ops;
	cfg.where = f->path;
	cfg.readers = 2;
	cfg.clock = &clk;
	cfg.node = name;
	err_init(&e);
	n->st = store_open(&cfg, &e);
	if (n->st == NULL)
		fail_msg("store_open: %s", e.msg);
	n->sealer = sealer_new(SEALER_WRITER_TENANTS);
	assert_non_null(n->sealer);
	store_set_sealer(n->st, sealer_seal, n->sealer);
	buf_init(&n->latest, NOTE_MAX);
	memset(&sc, 0, sizeof(sc));
	sc.store = n->st;
	sc.clock = &clk;
	sc.interval_ms = 3600 * 1000;   /* signs only when asked */
	sc.origin = "test.example/reload";
	sc.sk = f->sk;
	sc.broken = "";
	sc.latest = &n->latest;
	sc.latest_size = -1;
	n->signer = signer_new(&sc, &e);
	if (n->signer == NULL)
		fail_msg("signer_new: %s", e.msg);
}

static void
node_close(struct node *n)
{
	signer_free(n->signer);
	store_set_sealer(n->st, NULL, NULL);
	sealer_free(n->sealer);
	store_close(n->st);
	buf_cleanup(&n->latest);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	two_ops = store_sqlite_ops;
	two_ops.head = sq_head;
	crypto_sign_keypair(f->pk, f->sk);
	str_copy(f->dir, sizeof(f->dir), "/tmp/custos-reload-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	str_printf(f->path, sizeof(f->path), "%s/custos.db", f->dir);
	node_open(f, &f->a, "a");
	node_open(f, &f->b, "b");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	node_close(&f->b);
	node_close(&f->a);
	unlink(f->path);
	str_printf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	str_printf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int
entry_n(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	(void)arg;
	(void)apply_rc;
	(void)apply_err;
	(void)time_ms;
	if (buf_printf(out, "{\"n\":%lld}", (long long)index) == -1)
		return -1;
	en->time = 1800000000 + index;
	en->tenant_id = index % 2 == 0 ? "t1" : "";
	en->action = "test.write";
	en->allowed = 1;
	en->actor_id = "op";
	en->session_id = "";
	en->device_id = "";
	en->source = "";
	return 0;
}

/* k entries in one commit on node n. */
static int
write_on(struct node *n, int k, struct err *e)
{
	struct store_job *jobs = calloc((size_t)k, sizeof(*jobs));
	int i, rc;

	assert_non_null(jobs);
	for (i = 0; i < k; i++)
		jobs[i].entry = entry_n;
	rc = store_write_all(n->st, jobs, (size_t)k, e);
	free(jobs);
	return rc;
}

static int
none_sink(void *arg, int level, int64_t idx, const merkle_hash *nodes,
    struct err *e)
{
	(void)arg;
	(void)level;
	(void)idx;
	(void)nodes;
	(void)e;
	return 0;
}

static int
leaf_cb(void *arg, const struct rec_leaf *r)
{
	struct edge *ed = arg;
	merkle_hash h;
	struct err e;

	assert_non_null(r->leaf);
	assert_int_equal(r->index, ed->size);
	merkle_leaf_hash(h, r->leaf, r->leaf_len);
	err_init(&e);
	assert_int_equal(edge_append(ed, h, none_sink, NULL, &e), 0);
	return 0;
}

/* The root of the stored entries' leaves, computed here. */
static void
stored_root(struct store *st, int64_t size, merkle_hash out)
{
	struct edge *ed = calloc(1, sizeof(*ed));
	struct store_conn *c;
	struct err e;

	assert_non_null(ed);
	err_init(&e);
	c = store_reader_get(st, &e);
	assert_non_null(c);
	assert_int_equal(store_ops(st)->entry_leaves(c, 0, size, 0, leaf_cb,
	    ed, &e), 0);
	store_reader_put(st, c);
	assert_int_equal(ed->size, size);
	assert_int_equal(edge_root(ed, out), 0);
	free(ed);
}

/* The root of n's checkpoint covering size (signed now if need be). */
static void
checkpoint_root(struct node *n, int64_t size, merkle_hash out)
{
	struct checkpoint cp;
	struct buf note;
	const char *end;
	struct err e;
	int64_t got = -1;

	buf_init(&note, NOTE_MAX);
	err_init(&e);
	if (signer_checkpoint(n->signer, size, &note, &got, &e) == -1)
		fail_msg("signer_checkpoint: %s", e.msg);
	assert_int_equal(got, size);
	end = memmem(note.data, note.len, "\n\n", 2);
	assert_non_null(end);
	assert_int_equal(checkpoint_parse(&cp, note.data,
	    (size_t)(end - (const char *)note.data) + 1, &e), 0);
	assert_int_equal(cp.size, size);
	memcpy(out, cp.root, MERKLE_HASH);
	buf_cleanup(&note);
}

static void
nodes_catch_up_with_each_others_leaves(void **state)
{
	struct fixture *f = *state;
	static const int plan[] = {3, 5, 1, 300, 2, 255, 256, 1, 700, 4};
	merkle_hash want, ra, rb;
	struct err e;
	int64_t total = 0;
	size_t i;

	for (i = 0; i < sizeof(plan) / sizeof(plan[0]); i++) {
		struct node *n = i % 2 == 0 ? &f->a : &f->b;

		err_init(&e);
		if (write_on(n, plan[i], &e) == -1)
			fail_msg("write %zu: %s", i, e.msg);
		total += plan[i];
		/* The writer's tree holds every entry, its own and the
		 * other node's. */
		assert_int_equal(signer_size(n->signer), total);
		assert_int_equal(store_entry_count(n->st), total);
	}
	/* The node that did not write last catches up at its next commit. */
	err_init(&e);
	assert_int_equal(store_flush(f->a.st, &e), 0);
	assert_int_equal(signer_size(f->a.signer), total);
	stored_root(f->a.st, total, want);
	checkpoint_root(&f->a, total, ra);
	assert_memory_equal(ra, want, MERKLE_HASH);
	/* B serves A's checkpoint (it reads it) or signs the same tree. */
	checkpoint_root(&f->b, total, rb);
	assert_memory_equal(rb, want, MERKLE_HASH);
	assert_null(signer_halted(f->a.signer));
	assert_null(signer_halted(f->b.signer));
}

/* A gap wider than the signer hashes again (RELOAD_HASH_MAX, 65536): the
 * edge is read from the stored tiles (edge_load). */
static void
big_gap_loads_the_edge_from_tiles(void **state)
{
	struct fixture *f = *state;
	merkle_hash want, ra, rb;
	struct err e;
	int64_t total = 70000 + 3 + 2;

	err_init(&e);
	assert_int_equal(write_on(&f->b, 3, &e), 0);
	assert_int_equal(write_on(&f->a, 70000, &e), 0);
	assert_int_equal(write_on(&f->b, 2, &e), 0);
	assert_int_equal(signer_size(f->b.signer), total);
	assert_null(signer_halted(f->b.signer));
	assert_int_equal(store_flush(f->a.st, &e), 0);
	stored_root(f->a.st, total, want);
	checkpoint_root(&f->b, total, rb);
	assert_memory_equal(rb, want, MERKLE_HASH);
	checkpoint_root(&f->a, total, ra);
	assert_memory_equal(ra, want, MERKLE_HASH);
}

static void
tampered_tile_halts_the_node_catching_up(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;
	char *msg = NULL;
	struct err e;
	const char *why;

	err_init(&e);
	assert_int_equal(write_on(&f->a, 10, &e), 0);
	assert_int_equal(write_on(&f->b, 20, &e), 0);
	/* B's commit left the partial tile 0/0 at 30 hashes: change one. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER tiles_grow_only; "
	    "UPDATE tiles SET hashes = zeroblob(32) || substr(hashes, 33) "
	    "WHERE level = 0 AND idx = 0", NULL, NULL, &msg), SQLITE_OK);
	sqlite3_free(msg);
	sqlite3_close(db);
	/* A catches up over B's 20 leaves, compares the stored tile, and
	 * refuses rather than sign over it. */
	err_init(&e);
	assert_int_equal(write_on(&f->a, 1, &e), -1);
	assert_int_equal(e.status, 503);
	why = signer_halted(f->a.signer);
	assert_non_null(why);
	assert_non_null(strstr(why, "differs from its entries at size 30"));
	/* Nothing of the refused batch is stored. */
	assert_int_equal(store_entry_count(f->b.st), 30);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    nodes_catch_up_with_each_others_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    big_gap_loads_the_edge_from_tiles, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    tampered_tile_halts_the_node_catching_up, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
