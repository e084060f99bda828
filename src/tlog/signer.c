/* SPDX-License-Identifier: ISC */
/*
 * signer: the store hooks that keep the tree, and the checkpoint signer;
 * see signer.h and docs/internals/tlog.md.
 *
 * What the writer alone touches (the edge, its copy, the pending leaves,
 * the filled tiles, the note signed in this batch) needs no lock: the
 * store runs the hooks on its one writer thread.  What readers see (the
 * committed size, the latest note) sits under mu.
 */
#include "tlog/signer.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/str.h"
#include "tlog/note.h"
#include "tlog/tilenodes.h"

/* Another node appended: up to this many leaves are hashed again (and
 * checked against the stored tiles); more, and the edge is read from the
 * tiles. */
#define RELOAD_HASH_MAX 65536
#define FILLED_MAX 256                  /* tiles kept per batch for the
					 * cache: 4 MiB */

struct filled {
	int level;
	int64_t idx;
	merkle_hash nodes[TILENODES];
};

struct signer {
	struct store *store;
	const struct clock *clock;
	int64_t interval_ms;
	const char *origin;
	const uint8_t *sk;
	const char *broken;
	struct tilecache *cache;

	/* writer-owned */
	struct edge tree;
	struct edge *snap;              /* before the batch, for rollback */
	int snapped;
	merkle_hash *pending;           /* leaf hashes of this batch */
	size_t npending, cap_pending;
	struct filled *filled;          /* ring of the batch's full tiles */
	size_t nfilled;                 /* filled in this batch, all told */
	char *signed_note;              /* signed in this batch */
	int64_t signed_size;
	int (*guard)(void *, struct store_conn *, int64_t,
	    const merkle_hash, struct err *);
	void *guard_ctx;
	int (*leader)(void *);
	void *leader_ctx;
	int halted;                     /* atomic; then halt_msg is fixed */
	char halt_msg[512];

	pthread_mutex_t mu;             /* guards what follows */
	pthread_cond_t cv;
	struct buf latest;              /* latest checkpoint note */
	int64_t latest_size;            /* -1: none */
	int64_t last_sign_ms;
	int64_t committed;              /* tree size committed */
	int force;
	int latest_stale;               /* another node may have signed */
	int stopping;
	pthread_t thread;
	int started;
};

struct wsink {
	struct signer *s;
	struct store_conn *c;
};

/* A tile filled: it is written, and kept for the cache until COMMIT. */
static int
sink_write(void *arg, int level, int64_t idx, const merkle_hash *nodes,
    struct err *e)
{
	struct wsink *w = arg;
	struct signer *s = w->s;
	struct filled *f;

	if (store_ops(s->store)->tile_put(w->c, level, idx, nodes,
	    (size_t)TILE_WIDTH * MERKLE_HASH, e) == -1)
		return -1;
	if (s->filled == NULL)
		return 0;
	f = &s->filled[s->nfilled++ % FILLED_MAX];
	f->level = level;
	f->idx = idx;
	memcpy(f->nodes, nodes, sizeof(f->nodes));
	return 0;
}

static int
hook_entry(void *ctx, struct store_conn *c, int64_t index, const char *bytes,
    size_t len, struct err *e)
{
	struct signer *s = ctx;

	if (s->broken[0] != '\0')
		return err_set(e, 503, "internal", "the log refuses to append: "
		    "%s", s->broken);
	if (signer_halted(s) != NULL)
		return err_set(e, 503, "internal", "the log refuses to append: "
		    "%s", s->halt_msg);
	/* C2SP entry bundles prefix each entry with a 16-bit length. */
	if (len > 0xffff)
		return err_internal(e, "log entry of %zu bytes is too long",
		    len);
	if (index != s->tree.size + (int64_t)s->npending)
		return err_internal(e, "log index %lld out of order",
		    (long long)index);
	if (s->npending == s->cap_pending) {
		size_t ncap = s->cap_pending ? s->cap_pending * 2 : 1024;
		merkle_hash *np = realloc(s->pending, ncap * sizeof(*np));

		if (np == NULL)
			return err_internal(e, "out of memory");
		s->pending = np;
		s->cap_pending = ncap;
	}
	merkle_leaf_hash(s->pending[s->npending++], bytes, len);
	return 0;
}

static void
hook_discard(void *ctx, int64_t index)
{
	struct signer *s = ctx;

	if (index >= s->tree.size &&
	    index - s->tree.size < (int64_t)s->npending)
		s->npending = (size_t)(index - s->tree.size);
}

/* Signs a checkpoint of the tree as it stands into a new string. */
static char *
sign_tree(struct signer *s, struct err *e)
{
	struct checkpoint cp;
	char body[512];
	struct buf note;

	memset(&cp, 0, sizeof(cp));
	str_copy(cp.origin, sizeof(cp.origin), s->origin);
	cp.size = s->tree.size;
	if (edge_root(&s->tree, cp.root) == -1 ||
	    checkpoint_format(body, sizeof(body), &cp) == -1) {
		err_internal(e, "cannot compute the tree head");
		return NULL;
	}
	buf_init(&note, NOTE_MAX);
	if (note_sign(&note, body, strlen(body), s->origin, s->sk) == -1) {
		buf_cleanup(&note);
		err_internal(e, "cannot sign the checkpoint");
		return NULL;
	}
	return buf_steal(&note, NULL);
}

static int
is_leader(struct signer *s)
{
	return s->leader == NULL || s->leader(s->leader_ctx);
}

/*
 * The latest checkpoint as the store holds it, when it is newer than the
 * one in memory (another node signed it): read on c.  Its size is
 * committed too.  The note is the log's own (this node's key).
 */
static int
latest_reload(struct signer *s, struct store_conn *c, struct err *e)
{
	struct checkpoint cp;
	struct buf note;
	const char *end;
	int found, rc = -1;

	buf_init(&note, NOTE_MAX);
	found = store_ops(s->store)->checkpoint_latest(c, &note, e);
	if (found != 0) {
		rc = found == 1 ? 0 : -1;
		goto out;
	}
	end = note.len > 0 ? memmem(note.data, note.len, "\n\n", 2) : NULL;
	if (end == NULL || checkpoint_parse(&cp, note.data,
	    (size_t)(end - (const char *)note.data) + 1, e) == -1) {
		err_internal(e, "the stored checkpoint is malformed");
		goto out;
	}
	pthread_mutex_lock(&s->mu);
	s->latest_stale = 0;
	if (cp.size > s->latest_size) {
		buf_reset(&s->latest);
		if (buf_append(&s->latest, note.data, note.len) == 0)
			s->latest_size = cp.size;
		else
			s->latest_size = -1;
		if (cp.size > s->committed)
			s->committed = cp.size;
	}
	pthread_mutex_unlock(&s->mu);
	rc = 0;
out:
	buf_cleanup(&note);
	return rc;
}

static int
latest_stale(struct signer *s)
{
	int stale;

	pthread_mutex_lock(&s->mu);
	stale = s->latest_stale;
	pthread_mutex_unlock(&s->mu);
	return stale;
}

/* Whether this batch signs: when asked, when the interval has passed, or
 * when no checkpoint exists yet. */
static int
sign_due(struct signer *s, int64_t size, int64_t now_ms)
{
	int64_t latest, last;
	int force;

	pthread_mutex_lock(&s->mu);
	latest = s->latest_size;
	last = s->last_sign_ms;
	force = s->force;
	if (size <= latest)
		s->force = 0;
	pthread_mutex_unlock(&s->mu);
	return (force && size > latest) || (size > latest &&
	    now_ms - last >= s->interval_ms && is_leader(s)) || latest < 0;
}

/* The guard's word before a signature; a no halts the signer. */
static int
guard_ok(struct signer *s, struct store_conn *c, struct err *e)
{
	merkle_hash root;
	int rc;

	if (signer_halted(s) != NULL)
		return err_set(e, 503, "internal", "the log is halted: %s",
		    s->halt_msg);
	if (s->guard == NULL)
		return 0;
	if (edge_root(&s->tree, root) == -1)
		return err_internal(e, "cannot compute the tree head");
	rc = s->guard(s->guard_ctx, c, s->tree.size, root, e);
	if (rc == 1) {
		log_error("tlog: refusing to sign: %s", e->msg);
		signer_halt(s, e->msg);
		return err_set(e, 503, "internal", "the log is halted: %s",
		    s->halt_msg);
	}
	return rc;
}

static int
hook_before_commit(void *ctx, struct store_conn *c, int64_t size,
    int64_t now_ms, struct err *e)
{
	struct signer *s = ctx;
	const struct store_ops *ops = store_ops(s->store);
	struct wsink w = {s, c};
	size_t i;
	int level;

	if (s->npending > 0) {
		memcpy(s->snap, &s->tree, sizeof(s->tree));
		s->snapped = 1;
	}
	for (i = 0; i < s->npending; i++)
		if (edge_append(&s->tree, s->pending[i], sink_write, &w, e) ==
		    -1)
			return -1;
	s->npending = 0;
	if (s->tree.size != size)
		return err_internal(e, "tree size %lld differs from the log "
		    "size %lld", (long long)s->tree.size, (long long)size);
	/* Another node may have signed this size already. */
	if (latest_stale(s) && latest_reload(s, c, e) == -1)
		return -1;
	/* The rightmost tile of each level that grew. */
	for (level = 0; level < EDGE_LEVELS; level++) {
		struct edge_tile *et = &s->tree.t[level];

		if (et->width == et->stored_width)
			continue;
		if (ops->tile_put(c, level, et->index, et->h,
		    (size_t)et->width * MERKLE_HASH, e) == -1)
			return -1;
		et->stored_width = et->width;
	}
	if (!sign_due(s, size, now_ms))
		return 0;
	if (guard_ok(s, c, e) == -1)
		return -1;
	s->signed_note = sign_tree(s, e);
	if (s->signed_note == NULL)
		return -1;
	s->signed_size = size;
	return ops->checkpoint_put(c, size, now_ms / 1000, s->signed_note, e);
}

/* The tiles that filled in the committed batch, oldest first. */
static void
filled_publish(struct signer *s)
{
	size_t i = s->nfilled > FILLED_MAX ? s->nfilled - FILLED_MAX : 0;

	for (; s->cache != NULL && i < s->nfilled; i++) {
		const struct filled *f = &s->filled[i % FILLED_MAX];

		tilecache_put(s->cache, f->level, f->idx, TILE_WIDTH,
		    (const merkle_hash *)f->nodes);
	}
	s->nfilled = 0;
}

static void
hook_after_commit(void *ctx, int64_t size)
{
	struct signer *s = ctx;

	s->snapped = 0;
	filled_publish(s);
	pthread_mutex_lock(&s->mu);
	/* Another node's later commit may have been heard already. */
	if (size > s->committed)
		s->committed = size;
	if (s->signed_note != NULL) {
		buf_reset(&s->latest);
		if (buf_puts(&s->latest, s->signed_note) == 0) {
			s->latest_size = s->signed_size;
			s->last_sign_ms = clock_now_ms(s->clock);
		}
		s->force = 0;
	}
	pthread_mutex_unlock(&s->mu);
	free(s->signed_note);
	s->signed_note = NULL;
}

static void
hook_after_rollback(void *ctx)
{
	struct signer *s = ctx;

	if (s->snapped)
		memcpy(&s->tree, s->snap, sizeof(s->tree));
	s->snapped = 0;
	s->npending = 0;
	s->nfilled = 0;
	free(s->signed_note);
	s->signed_note = NULL;
}

/* The edge catching up with leaves another node appended. */
struct catchup {
	struct edge *tree;
	int64_t next;
	struct err *e;
	int fail;
};

static int
sink_none(void *arg, int level, int64_t idx, const merkle_hash *nodes,
    struct err *e)
{
	/* The node that appended these leaves wrote their tiles. */
	(void)arg;
	(void)level;
	(void)idx;
	(void)nodes;
	(void)e;
	return 0;
}

static int
catchup_leaf(void *arg, const struct rec_leaf *r)
{
	struct catchup *cu = arg;
	merkle_hash leaf;

	if (r->index != cu->next || r->leaf == NULL) {
		err_internal(cu->e, "log entry %lld is missing or has no leaf",
		    (long long)cu->next);
		cu->fail = 1;
		return 1;
	}
	merkle_leaf_hash(leaf, r->leaf, r->leaf_len);
	if (edge_append(cu->tree, leaf, sink_none, NULL, cu->e) == -1) {
		cu->fail = 1;
		return 1;
	}
	cu->next++;
	return 0;
}

struct conn_get {
	const struct store_ops *ops;
	struct store_conn *c;
};

static int
conn_get(void *arg, int level, int64_t idx, struct buf *out, struct err *e)
{
	struct conn_get *g = arg;

	return g->ops->tile_get(g->c, level, idx, out, e);
}

/* The partial tile of each level as hashed here must be the stored one:
 * this node signs only hashes it computed and checked. */
static int
edge_verify(struct signer *s, struct store_conn *c, const struct edge *ed,
    struct err *e)
{
	struct buf tile;
	int level, rc = 0;

	buf_init(&tile, (size_t)TILE_WIDTH * MERKLE_HASH);
	for (level = 0; level < EDGE_LEVELS && rc == 0; level++) {
		const struct edge_tile *et = &ed->t[level];
		size_t len = (size_t)et->width * MERKLE_HASH;
		int found;

		if (et->width == 0)
			continue;
		buf_reset(&tile);
		found = store_ops(s->store)->tile_get(c, level, et->index,
		    &tile, e);
		if (found == -1)
			rc = -1;
		else if (found == 1 || tile.len < len ||
		    sodium_memcmp(tile.data, et->h, len) != 0)
			rc = 1;
	}
	buf_cleanup(&tile);
	return rc;
}

/*
 * Several nodes: on the writer, the head lock held, before this batch's
 * jobs.  The log holds size entries; the tree holds what this node last
 * committed.  Catch up by hashing the leaves in between (then the stored
 * partial tiles must agree), or for a big gap read the edge from the
 * stored tiles.
 */
static int
hook_reload(void *ctx, struct store_conn *c, int64_t size, struct err *e)
{
	struct signer *s = ctx;
	const struct store_ops *ops = store_ops(s->store);
	struct edge *next;
	char why[256];
	int level, rc = -1;

	if (s->broken[0] != '\0')
		return 0;               /* nothing is appended anyway */
	if (signer_halted(s) != NULL)
		return err_set(e, 503, "internal", "the log is halted: %s",
		    s->halt_msg);
	if (size < s->tree.size) {
		str_printf(why, sizeof(why), "the store lost entries: it "
		    "holds %lld, the tree %lld", (long long)size,
		    (long long)s->tree.size);
		log_error("tlog: %s", why);
		signer_halt(s, why);
		return err_set(e, 503, "internal", "the log is halted: %s",
		    why);
	}
	next = malloc(sizeof(*next));
	if (next == NULL)
		return err_internal(e, "out of memory");
	memcpy(next, &s->tree, sizeof(*next));
	if (size - s->tree.size <= RELOAD_HASH_MAX) {
		struct catchup cu = {next, s->tree.size, e, 0};
		int v;

		if (ops->entry_leaves(c, s->tree.size, size, 0, catchup_leaf,
		    &cu, e) == -1 || cu.fail)
			goto out;
		if (next->size != size) {
			err_internal(e, "log entries %lld to %lld are missing",
			    (long long)next->size, (long long)size);
			goto out;
		}
		for (level = 0; level < EDGE_LEVELS; level++)
			next->t[level].stored_width = next->t[level].width;
		v = edge_verify(s, c, next, e);
		if (v == -1)
			goto out;
		if (v == 1) {
			str_printf(why, sizeof(why), "the stored tree differs "
			    "from its entries at size %lld", (long long)size);
			log_error("tlog: %s", why);
			signer_halt(s, why);
			err_set(e, 503, "internal", "the log is halted: %s",
			    why);
			goto out;
		}
	} else {
		struct conn_get g = {ops, c};

		if (edge_load(next, size, conn_get, &g, e) == -1)
			goto out;
	}
	memcpy(&s->tree, next, sizeof(s->tree));
	pthread_mutex_lock(&s->mu);
	if (size > s->committed)
		s->committed = size;
	s->latest_stale = 1;
	pthread_mutex_unlock(&s->mu);
	rc = 0;
out:
	free(next);
	return rc;
}

/* On the store's watcher: another node committed up to size. */
static void
hook_heard(void *ctx, int64_t size)
{
	struct signer *s = ctx;

	pthread_mutex_lock(&s->mu);
	if (size > s->committed)
		s->committed = size;
	s->latest_stale = 1;
	pthread_mutex_unlock(&s->mu);
}

struct signer *
signer_new(const struct signer_config *cfg, struct err *e)
{
	struct store_hooks hooks;
	struct signer *s;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	s->store = cfg->store;
	s->clock = cfg->clock;
	s->interval_ms = cfg->interval_ms;
	s->origin = cfg->origin;
	s->sk = cfg->sk;
	s->broken = cfg->broken;
	s->cache = cfg->cache;
	s->guard = cfg->guard;
	s->guard_ctx = cfg->guard_ctx;
	s->leader = cfg->leader;
	s->leader_ctx = cfg->leader_ctx;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	buf_init(&s->latest, NOTE_MAX);
	s->snap = malloc(sizeof(*s->snap));
	if (s->cache != NULL)
		s->filled = malloc(FILLED_MAX * sizeof(*s->filled));
	if (s->snap == NULL || (s->cache != NULL && s->filled == NULL) ||
	    buf_append(&s->latest, cfg->latest->data, cfg->latest->len) ==
	    -1) {
		err_internal(e, "out of memory");
		signer_free(s);
		return NULL;
	}
	if (cfg->tree != NULL)
		memcpy(&s->tree, cfg->tree, sizeof(s->tree));
	s->committed = s->tree.size;
	s->latest_size = cfg->latest_size;
	memset(&hooks, 0, sizeof(hooks));
	hooks.on_entry = hook_entry;
	hooks.before_commit = hook_before_commit;
	hooks.after_commit = hook_after_commit;
	hooks.discard_from = hook_discard;
	hooks.after_rollback = hook_after_rollback;
	hooks.reload = hook_reload;
	hooks.heard = hook_heard;
	hooks.ctx = s;
	store_set_hooks(s->store, &hooks);
	return s;
}

int64_t
signer_size(struct signer *s)
{
	int64_t n;

	pthread_mutex_lock(&s->mu);
	n = s->committed;
	pthread_mutex_unlock(&s->mu);
	return n;
}

void
signer_halt(struct signer *s, const char *why)
{
	pthread_mutex_lock(&s->mu);
	if (!__atomic_load_n(&s->halted, __ATOMIC_ACQUIRE)) {
		str_copy(s->halt_msg, sizeof(s->halt_msg), why);
		__atomic_store_n(&s->halted, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&s->mu);
}

const char *
signer_halted(struct signer *s)
{
	return __atomic_load_n(&s->halted, __ATOMIC_ACQUIRE) ? s->halt_msg :
	    NULL;
}

int
signer_checkpoint(struct signer *s, int64_t min_size, struct buf *note,
    int64_t *size, struct err *e)
{
	int64_t have;
	int stale;

	pthread_mutex_lock(&s->mu);
	have = s->latest_size;
	/* Another node signs on the interval in a commit that appends
	 * nothing (no news of it): while the latest is behind the tree,
	 * look. */
	stale = s->latest_stale || have < s->committed;
	pthread_mutex_unlock(&s->mu);
	/* Several nodes: another may have signed it; no need to sign it
	 * again. */
	if (store_ops(s->store)->head != NULL && (stale || have < min_size)) {
		struct store_conn *c = store_reader_get(s->store, e);
		int rc;

		if (c == NULL)
			return -1;
		rc = latest_reload(s, c, e);
		store_reader_put(s->store, c);
		if (rc == -1)
			return -1;
	}
	pthread_mutex_lock(&s->mu);
	have = s->latest_size;
	if (have < min_size)
		s->force = 1;
	pthread_mutex_unlock(&s->mu);
	if (have < min_size && s->broken[0] == '\0' &&
	    store_flush(s->store, e) == -1)
		return -1;
	pthread_mutex_lock(&s->mu);
	if (s->latest_size < 0 || s->latest_size < min_size) {
		pthread_mutex_unlock(&s->mu);
		return err_set(e, 503, "internal", "no checkpoint covers the "
		    "log yet");
	}
	*size = s->latest_size;
	if (buf_append(note, s->latest.data, s->latest.len) == -1) {
		pthread_mutex_unlock(&s->mu);
		return err_internal(e, "checkpoint too large");
	}
	pthread_mutex_unlock(&s->mu);
	return 0;
}

/* Signs within a second after entries stop arriving, so the published
 * checkpoint never lags the log for long. */
static void *
signer_main(void *arg)
{
	struct signer *s = arg;

	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		struct timespec ts;
		int need;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		need = !s->stopping && s->committed > s->latest_size &&
		    s->broken[0] == '\0' && signer_halted(s) == NULL &&
		    clock_now_ms(s->clock) -
		    s->last_sign_ms >= s->interval_ms;
		if (!need)
			continue;
		/* Several nodes: the holder of the signer lease signs on the
		 * interval (the lease is asked outside mu). */
		pthread_mutex_unlock(&s->mu);
		need = is_leader(s);
		pthread_mutex_lock(&s->mu);
		if (!need || s->stopping)
			continue;
		s->force = 1;
		pthread_mutex_unlock(&s->mu);
		{
			struct err e;

			err_init(&e);
			if (store_flush(s->store, &e) == -1)
				log_warn("tlog: cannot sign: %s", e.msg);
		}
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
signer_start(struct signer *s, struct err *e)
{
	if (pthread_create(&s->thread, NULL, signer_main, s) != 0)
		return err_internal(e, "cannot start the signer");
	s->started = 1;
	return 0;
}

void
signer_free(struct signer *s)
{
	struct store_hooks none;

	if (s == NULL)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		s->stopping = 1;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	memset(&none, 0, sizeof(none));
	store_set_hooks(s->store, &none);
	free(s->snap);
	free(s->pending);
	free(s->filled);
	free(s->signed_note);
	buf_cleanup(&s->latest);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
