/* SPDX-License-Identifier: ISC */
/*
 * The transparency log's server side, wired from its parts; see tlog.h for
 * the contract and docs/internals/tlog.md for the design.
 *
 *   edge.c        the tree's right edge: appending leaves, the root
 *   tilenodes.c   the inner hashes of one tile
 *   tilecache.c   decoded tiles kept for proofs, bounded, thread-safe
 *   prover.c      proofs, tiles and entry bundles from the stored tiles
 *   signer.c      the store hooks that grow the tree; checkpoint signing
 *   keyfile.c     DIR/log.key
 *   startcheck.c  the integrity check at start-up
 *   anchor.c      DIR/log.anchor: the last signed checkpoint, outside
 *                 the database
 *   publish.c     after each checkpoint: the anchor, the witnesses
 *
 * This file fixes the origin, loads the key, runs the check and starts the
 * signer; it answers the public calls by checking their arguments against
 * the committed size and handing them on.
 */
#include "tlog/tlog.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/str.h"
#include "store/lease.h"
#include "tlog/anchor.h"
#include "tlog/edge.h"
#include "tlog/keyfile.h"
#include "tlog/note.h"
#include "tlog/prover.h"
#include "tlog/publish.h"
#include "tlog/sealer.h"
#include "tlog/signer.h"
#include "tlog/startcheck.h"
#include "tlog/tilecache.h"

#define META_ORIGIN "log_origin"
#define META_VKEY "log_vkey"            /* several nodes: the log's key */

struct tlog {
	struct store *store;
	char origin[NOTE_NAME_MAX];
	char vkey[NOTE_VERIFIER_MAX];
	uint8_t *sk;                    /* sodium_malloc, read-only */
	struct tilecache *cache;        /* NULL: proofs hash from rows */
	struct signer *signer;
	struct sealer *sealer;          /* the writer's: seals each entry */
	char broken[512];               /* set before the hooks, then fixed */
	struct note_verifier lkey;      /* the log's verifier */
	struct anchor *anchor;
	struct publish *pub;
	merkle_hash start_root;         /* of the tree verified at start */
	struct lease *lease;            /* "signer"; NULL: always */
	int reanchor;                   /* accepted: the anchor is replaced */
};

/* The prover reads tiles on the caller's store connection. */
struct conn_tiles {
	const struct store_ops *ops;
	struct store_conn *c;
};

static int
conn_tile_get(void *arg, int level, int64_t idx, struct buf *out,
    struct err *e)
{
	struct conn_tiles *ct = arg;

	return ct->ops->tile_get(ct->c, level, idx, out, e);
}

static int
apply_origin(struct store_conn *c, void *arg, struct err *e)
{
	struct tlog *t = arg;

	return store_ops(t->store)->meta_set(c, META_ORIGIN, t->origin,
	    strlen(t->origin) + 1, e);
}

/* The origin of the first start (the configured one, or the host's name),
 * and whether the store still has no tiles and no checkpoint (*build). */
static int
origin_fix(struct tlog *t, const struct tlog_config *cfg, int *build,
    struct err *e)
{
	const struct store_ops *ops = store_ops(t->store);
	struct buf meta, tile, cp;
	struct store_conn *c;
	int found, tiles = -1, rc = -1;

	buf_init(&meta, NOTE_NAME_MAX);
	buf_init(&tile, TILE_WIDTH * MERKLE_HASH);
	buf_init(&cp, NOTE_MAX);
	c = store_reader_get(t->store, e);
	if (c == NULL)
		goto out;
	found = ops->meta_get(c, META_ORIGIN, &meta, e);
	if (found != -1)
		tiles = ops->tile_get(c, 0, 0, &tile, e);
	*build = tiles == 1 && ops->checkpoint_latest(c, &cp, e) == 1;
	store_reader_put(t->store, c);
	if (found == -1 || tiles == -1)
		goto out;
	if (found == 0) {
		str_copy(t->origin, sizeof(t->origin), meta.data);
	} else if (cfg->origin != NULL) {
		str_copy(t->origin, sizeof(t->origin), cfg->origin);
	} else {
		char host[NOTE_NAME_MAX - 16];

		if (gethostname(host, sizeof(host)) == -1)
			str_copy(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		str_printf(t->origin, sizeof(t->origin), "%s/custos-log", host);
	}
	if (!note_name_valid(t->origin)) {
		err_bad_request(e, "the log origin '%s' is not a valid name "
		    "(no spaces or '+')", t->origin);
		goto out;
	}
	if (found == 1) {
		struct store_job mj = {apply_origin, NULL, t};

		if (store_write(t->store, &mj, NULL, e) == -1)
			goto out;
	} else if (cfg->origin != NULL && strcmp(cfg->origin, t->origin) !=
	    0) {
		log_warn("tlog: keeping the log origin '%s' of the first "
		    "start (not '%s')", t->origin, cfg->origin);
	}
	rc = 0;
out:
	buf_cleanup(&cp);
	buf_cleanup(&tile);
	buf_cleanup(&meta);
	return rc;
}

static int
first_leaf(void *arg, const struct rec_leaf *r)
{
	*(int *)arg = r->leaf == NULL ? 1 : 0;
	return 1;
}

/*
 * A log written before leaves were sealed (its first entry has none) is
 * refused: its tree commits to plaintext entries, which sealing cannot
 * change without breaking every checkpoint handed out.  What to do is in
 * the operator guide.
 */
static int
plaintext_refuse(struct tlog *t, struct err *e)
{
	struct store_conn *c = store_reader_get(t->store, e);
	int plain = 0, rc;

	if (c == NULL)
		return -1;
	rc = store_ops(t->store)->entry_leaves(c, 0, 1, 0, first_leaf, &plain,
	    e);
	store_reader_put(t->store, c);
	if (rc == -1)
		return -1;
	if (!plain)
		return 0;
	log_error("tlog: the store's log has plaintext leaves (written "
	    "before leaves were sealed): its tree commits to every tenant's "
	    "entries in clear, and sealing them now would break every "
	    "checkpoint handed out.  Keep this data directory, with its log.key "
	    "and last checkpoint, as the archive of the old log and start "
	    "custosd on a new one.");
	return err_internal(e, "the log has plaintext leaves (from before "
	    "sealed leaves): keep this directory as the old log's archive and "
	    "start on a new one (docs/operator-guide.md, \"Logs from before "
	    "sealed leaves\")");
}

/* Loads DIR/log.key, or creates it on a first start. */
static int
key_open(struct tlog *t, const char *data_dir, int build, struct err *e)
{
	char path[4096];
	int found;

	if (str_printf(path, sizeof(path), "%s/log.key", data_dir) == -1)
		return -1;
	found = keyfile_load(t->sk, path, e);
	if (found == -1)
		return -1;
	if (found == 1) {
		if (!build && store_ops(t->store)->init_lock != NULL)
			return err_internal(e, "%s is missing but the log has "
			    "signed checkpoints: copy DIR/log.key (and "
			    "DIR/secrets.key) from a node of this cluster",
			    path);
		if (!build)
			return err_internal(e, "%s is missing but the log has "
			    "signed checkpoints: restore it from backup",
			    path);
		if (keyfile_create(t->sk, path, e) == -1)
			return -1;
	}
	sodium_mprotect_readonly(t->sk);
	if (note_verifier_format(t->vkey, sizeof(t->vkey), t->origin,
	    t->sk + 32) == -1 || note_verifier_parse(&t->lkey, t->vkey, e) ==
	    -1)
		return err_internal(e, "cannot format the verifier key");
	return 0;
}

static int
apply_vkey(struct store_conn *c, void *arg, struct err *e)
{
	struct tlog *t = arg;

	return store_ops(t->store)->meta_set(c, META_VKEY, t->vkey,
	    strlen(t->vkey) + 1, e);
}

/*
 * Several nodes share one log and so one key: the first node records its
 * verifier key in the store (start-up is serialised by init_lock), and a
 * node whose DIR/log.key differs refuses to start before it touches the
 * log.
 */
static int
vkey_check(struct tlog *t, struct err *e)
{
	const struct store_ops *ops = store_ops(t->store);
	struct store_job job = {apply_vkey, NULL, t};
	struct store_conn *c;
	struct buf b;
	int found, rc = -1;

	if (ops->init_lock == NULL)
		return 0;               /* one node */
	buf_init(&b, NOTE_VERIFIER_MAX + 1);
	c = store_reader_get(t->store, e);
	if (c == NULL)
		goto out;
	found = ops->meta_get(c, META_VKEY, &b, e);
	store_reader_put(t->store, c);
	if (found == -1)
		goto out;
	if (found == 1) {
		rc = store_write(t->store, &job, NULL, e);
		goto out;
	}
	if (b.len != strlen(t->vkey) + 1 || sodium_memcmp(b.data, t->vkey, b.len) !=
	    0) {
		err_internal(e, "this node's log.key is not the key of the "
		    "log in this store: copy DIR/log.key (and DIR/secrets.key) "
		    "from a node of this cluster");
		goto out;
	}
	rc = 0;
out:
	buf_cleanup(&b);
	return rc;
}

/* The signer's guard: the tree about to be signed, read on the writer's
 * connection (no cache: this batch may still roll back), must extend the
 * anchor. */
static int
guard(void *ctx, struct store_conn *c, int64_t size, const merkle_hash root,
    struct err *e)
{
	struct tlog *t = ctx;
	struct conn_tiles ct = {store_ops(t->store), c};
	struct prover_tiles tiles = {conn_tile_get, &ct};

	return anchor_extends(t->anchor, NULL, &tiles, size, root, e);
}

/* Whether this node does the periodic work (signing on the interval,
 * asking witnesses). */
static int
leader(void *ctx)
{
	struct tlog *t = ctx;

	return lease_held(t->lease, NULL);
}

/* Checks the stored tree and hands it to a new signer. */
static int
check_and_sign(struct tlog *t, const struct tlog_config *cfg, int build,
    struct err *e)
{
	struct startcheck sc;
	struct signer_config scfg;
	struct buf latest;
	int rc = -1;

	memset(&sc, 0, sizeof(sc));
	buf_init(&latest, NOTE_MAX);
	sc.store = t->store;
	sc.vkey = t->vkey;
	sc.build = build;
	sc.cache = t->cache;
	sc.sealer = t->sealer;
	sc.tree = calloc(1, sizeof(*sc.tree));
	sc.latest = &latest;
	sc.broken = t->broken;
	sc.broken_size = sizeof(t->broken);
	if (sc.tree == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	if (startcheck_run(&sc, e) == -1)
		goto out;
	memset(&scfg, 0, sizeof(scfg));
	scfg.store = t->store;
	scfg.clock = cfg->clock;
	scfg.interval_ms = cfg->checkpoint_interval_ms > 0 ?
	    cfg->checkpoint_interval_ms : 1000;
	scfg.origin = t->origin;
	scfg.sk = t->sk;
	scfg.broken = t->broken;
	scfg.cache = t->cache;
	scfg.tree = t->broken[0] == '\0' ? sc.tree : NULL;
	scfg.latest = &latest;
	scfg.latest_size = sc.latest_size;
	scfg.guard = guard;
	scfg.guard_ctx = t;
	scfg.leader = leader;
	scfg.leader_ctx = t;
	if (t->broken[0] == '\0' && edge_root(sc.tree, t->start_root) == -1) {
		err_internal(e, "cannot compute the tree head");
		goto out;
	}
	t->signer = signer_new(&scfg, e);
	if (t->signer != NULL)
		rc = 0;
out:
	free(sc.tree);
	buf_cleanup(&latest);
	return rc;
}

/* Start-up refuses to build a tree over entries that have none (tiles and
 * checkpoints gone: a rewritten database looks like that) unless the
 * operator accepts it. */
static int
no_rebuild(struct tlog *t, const struct tlog_config *cfg, int build,
    struct err *e)
{
	struct store_conn *c;
	int64_t n = 0;
	int rc;

	if (!build)
		return 0;
	c = store_reader_get(t->store, e);
	if (c == NULL)
		return -1;
	rc = store_ops(t->store)->entry_count(c, &n, e);
	store_reader_put(t->store, c);
	if (rc == -1 || n == 0)
		return rc;
	if (!cfg->accept_log_rewrite)
		return err_internal(e, "the store holds %lld log entries but "
		    "no tiles and no checkpoint (deleted, or the database "
		    "rewritten): custosd does not rebuild a tree over existing "
		    "entries; restore the database, or --accept-log-rewrite",
		    (long long)n);
	log_warn("tlog: --accept-log-rewrite: building a tree over %lld "
	    "existing entries; checkpoints signed before are not extended",
	    (long long)n);
	return 0;
}

/* e's message, and how to go on. */
static int
refuse(struct err *e, const char *how)
{
	struct err inner = *e;

	return err_internal(e, "%.200s%s", inner.msg, how);
}

/* Reads DIR/log.anchor and checks the verified tree against it. */
static int
anchor_open(struct tlog *t, const struct tlog_config *cfg, struct err *e)
{
	const struct store_ops *ops = store_ops(t->store);
	struct conn_tiles ct = {ops, NULL};
	struct prover_tiles tiles = {conn_tile_get, &ct};
	int64_t size = tlog_size(t);
	const char *how = cfg->accept_log_rewrite ? "" : "; not starting "
	    "(--accept-log-rewrite accepts it)";
	int present = 0, rc;

	if (anchor_load(t->anchor, &present, e) == -1) {
		if (!cfg->accept_log_rewrite)
			return refuse(e, how);
		log_warn("tlog: --accept-log-rewrite: %s", e->msg);
		t->reanchor = 1;
		return 0;
	}
	if (!present) {
		if (size == 0)
			return 0;
		if (!cfg->accept_log_rewrite)
			return err_internal(e, "%s is missing while the log "
			    "holds %lld entries: restore it from backup%s",
			    anchor_path(t->anchor),
			    (long long)size, how);
		log_warn("tlog: --accept-log-rewrite: anchoring a log of "
		    "%lld entries without %s", (long long)size,
		    anchor_path(t->anchor));
		t->reanchor = 1;
		return 0;
	}
	ct.c = store_reader_get(t->store, e);
	if (ct.c == NULL)
		return -1;
	rc = anchor_extends(t->anchor, t->cache, &tiles, size, t->start_root,
	    e);
	store_reader_put(t->store, ct.c);
	if (rc == -1)
		return -1;
	if (rc == 0)
		return 0;
	if (!cfg->accept_log_rewrite)
		return refuse(e, how);
	log_warn("tlog: --accept-log-rewrite: %s", e->msg);
	anchor_forget(t->anchor);
	t->reanchor = 1;
	return 0;
}

/* After the start-up signature: the anchor is the latest checkpoint
 * when it is newer, or when the operator accepted a rewrite. */
static int
anchor_first(struct tlog *t, const struct buf *latest, int64_t size,
    struct err *e)
{
	merkle_hash root;

	if (!t->reanchor && anchor_get(t->anchor, root) >= size)
		return 0;
	if (anchor_store(t->anchor, latest->data, latest->len, e) == -1)
		return -1;
	log_info("tlog: %s anchors the checkpoint of size %lld",
	    anchor_path(t->anchor), (long long)size);
	return 0;
}

static int
pub_latest(void *arg, struct buf *note, int64_t *size, struct err *e)
{
	return tlog_checkpoint(arg, 0, note, size, e);
}

static int
pub_extends(void *arg, int64_t size, const merkle_hash root, struct err *e)
{
	struct tlog *t = arg;
	struct conn_tiles ct = {store_ops(t->store), NULL};
	struct prover_tiles tiles = {conn_tile_get, &ct};
	int rc;

	ct.c = store_reader_get(t->store, e);
	if (ct.c == NULL)
		return -1;
	rc = anchor_extends(t->anchor, t->cache, &tiles, size, root, e);
	store_reader_put(t->store, ct.c);
	return rc;
}

static int
pub_proof(void *arg, int64_t old, int64_t size, merkle_hash *out,
    size_t *n, struct err *e)
{
	struct tlog *t = arg;
	struct store_conn *c;
	int rc;

	c = store_reader_get(t->store, e);
	if (c == NULL)
		return -1;
	rc = tlog_consistency(t, c, old, size, out, n, e);
	store_reader_put(t->store, c);
	return rc;
}

static void
pub_halt(void *arg, const char *why)
{
	struct tlog *t = arg;

	signer_halt(t->signer, why);
}

/* Starts the thread that anchors and witnesses each checkpoint. */
static int
publish_open(struct tlog *t, const struct tlog_config *cfg, struct err *e)
{
	struct publish_config pc;

	memset(&pc, 0, sizeof(pc));
	pc.anchor = t->anchor;
	pc.log_key = &t->lkey;
	pc.witnesses = cfg->witnesses;
	pc.nwitnesses = cfg->nwitnesses;
	pc.latest = pub_latest;
	pc.extends = pub_extends;
	pc.proof = pub_proof;
	pc.halt = pub_halt;
	pc.leader = leader;
	pc.arg = t;
	t->pub = publish_new(&pc, e);
	if (t->pub == NULL)
		return -1;
	return publish_start(t->pub, e);
}

struct tlog *
tlog_open(const struct tlog_config *cfg, struct err *e)
{
	struct tlog *t;
	struct buf tmp;
	int64_t sz;
	size_t cap;
	int build = 0, rc;

	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	t->store = cfg->store;
	t->lease = cfg->signer_lease;
	cap = cfg->proof_cache_tiles > 0 ? (size_t)cfg->proof_cache_tiles :
	    TILECACHE_DEFAULT;
	t->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (cfg->proof_cache_tiles >= 0)
		t->cache = tilecache_new(cap);
	if (t->sk == NULL || (cfg->proof_cache_tiles >= 0 &&
	    t->cache == NULL)) {
		err_internal(e, "out of memory");
		goto fail;
	}
	t->sealer = sealer_new(SEALER_WRITER_TENANTS);
	if (t->sealer == NULL) {
		err_internal(e, "out of memory");
		goto fail;
	}
	store_set_sealer(t->store, sealer_seal, t->sealer);
	if (origin_fix(t, cfg, &build, e) == -1 ||
	    plaintext_refuse(t, e) == -1 ||
	    key_open(t, cfg->data_dir, build, e) == -1 ||
	    vkey_check(t, e) == -1 ||
	    no_rebuild(t, cfg, build, e) == -1 ||
	    (t->anchor = anchor_new(cfg->data_dir, &t->lkey, e)) == NULL ||
	    check_and_sign(t, cfg, build, e) == -1)
		goto fail;
	if (t->broken[0] == '\0') {
		if (anchor_open(t, cfg, e) == -1 ||
		    startcheck_alert(t->store, e) == -1)
			goto fail;
		/* Signs now unless the latest checkpoint covers the log. */
		buf_init(&tmp, NOTE_MAX);
		rc = tlog_checkpoint(t, tlog_size(t), &tmp, &sz, e);
		if (rc == 0)
			rc = anchor_first(t, &tmp, sz, e);
		buf_cleanup(&tmp);
		if (rc == -1)
			goto fail;
		if (signer_start(t->signer, e) == -1 ||
		    publish_open(t, cfg, e) == -1)
			goto fail;
	}
	return t;
fail:
	tlog_close(t);
	return NULL;
}

void
tlog_close(struct tlog *t)
{
	if (t == NULL)
		return;
	publish_free(t->pub);
	signer_free(t->signer);
	anchor_free(t->anchor);
	if (t->sealer != NULL) {
		store_set_sealer(t->store, NULL, NULL);
		sealer_free(t->sealer);
	}
	tilecache_free(t->cache);
	sodium_free(t->sk);
	free(t);
}

const char *
tlog_broken(const struct tlog *t)
{
	if (t->broken[0] != '\0')
		return t->broken;
	return t->signer != NULL ? signer_halted(t->signer) : NULL;
}

const char *
tlog_verifier_key(const struct tlog *t)
{
	return t->vkey;
}

const char *
tlog_origin(const struct tlog *t)
{
	return t->origin;
}

int64_t
tlog_size(struct tlog *t)
{
	return signer_size(t->signer);
}

int
tlog_checkpoint(struct tlog *t, int64_t min_size, struct buf *note,
    int64_t *size, struct err *e)
{
	return signer_checkpoint(t->signer, min_size, note, size, e);
}

int
tlog_checkpoint_witnessed(struct tlog *t, struct buf *note, int64_t *size,
    struct err *e)
{
	if (t->pub != NULL && publish_witnesses(t->pub) > 0 &&
	    publish_checkpoint(t->pub, note, size) == 0)
		return 0;
	return tlog_checkpoint(t, 0, note, size, e);
}

size_t
tlog_witnesses(struct tlog *t, struct publish_witness *out, size_t max)
{
	return t->pub != NULL ? publish_witness_status(t->pub, out, max) : 0;
}

int
tlog_inclusion(struct tlog *t, struct store_conn *c, int64_t index,
    int64_t size, merkle_hash *out, size_t *n, struct err *e)
{
	struct conn_tiles ct = {store_ops(t->store), c};
	struct prover_tiles tiles = {conn_tile_get, &ct};

	if (size > tlog_size(t) || index < 0 || index >= size)
		return err_bad_request(e, "query parameter 'index' must be "
		    "below 'size', and 'size' at most the log size (%lld)",
		    (long long)tlog_size(t));
	return prover_inclusion(t->cache, &tiles, index, size, out, n, e);
}

int
tlog_consistency(struct tlog *t, struct store_conn *c, int64_t size1,
    int64_t size2, merkle_hash *out, size_t *n, struct err *e)
{
	struct conn_tiles ct = {store_ops(t->store), c};
	struct prover_tiles tiles = {conn_tile_get, &ct};

	if (size2 > tlog_size(t) || size1 < 1 || size1 > size2)
		return err_bad_request(e, "query parameters must satisfy "
		    "1 <= 'old' <= 'new' <= the log size (%lld)",
		    (long long)tlog_size(t));
	return prover_consistency(t->cache, &tiles, size1, size2, out, n, e);
}

int
tlog_tile(struct tlog *t, struct store_conn *c, const struct tile_ref *ref,
    struct buf *out, struct err *e)
{
	return prover_tile(store_ops(t->store), c, tlog_size(t), ref, out, e);
}

void
tlog_cache_stats(struct tlog *t, struct tilecache_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (t->cache != NULL)
		tilecache_stats(t->cache, out);
}
