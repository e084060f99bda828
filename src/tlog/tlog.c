/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares public tile hashes only */
/*
 * The transparency log's server side; see tlog.h for the contract and
 * docs/internals/tlog.md for the design.
 *
 * The tree lives in memory only as its right edge: for each tile level L
 * the rightmost tile (up to 256 hashes of Merkle level 8L).  Appending a
 * leaf adds a hash at level 0; a tile that fills up is written to the store
 * as it is and its root becomes the next hash one tile level up.  That is
 * O(1) amortised work per leaf, every hash a proof needs is in a stored
 * tile, and the root of any prefix can be computed from the edge alone.
 */
#include "tlog/tlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/event.h"
#include "common/log.h"
#include "common/str.h"
#include "tlog/note.h"

#define TLOG_LEVELS 8                   /* 8 tile levels: 2^64 leaves */
#define KEY_FILE_MAX 512
#define META_ORIGIN "log_origin"
#define META_BROKEN "log_integrity_failure"
#define VERIFY_CHUNK 4096

struct edge {
	int64_t index;                  /* tile number at this level */
	int width;                      /* hashes in it */
	int stored_width;               /* width last written to the store */
	merkle_hash h[TILE_WIDTH];
};

struct tree {
	int64_t size;                   /* leaves */
	struct edge e[TLOG_LEVELS];
};

/* Called for every tile that fills up while appending. */
typedef int (*tile_sink)(void *arg, int level, int64_t idx,
    const merkle_hash *h, struct err *e);

struct tlog {
	struct store *store;
	const struct clock *clock;
	int64_t interval_ms;
	char origin[NOTE_NAME_MAX];
	char vkey[NOTE_VERIFIER_MAX];
	uint8_t *sk;                    /* sodium_malloc, read-only */

	/* writer-owned */
	struct tree tree;
	struct tree *snap;              /* before the batch, for rollback */
	int snapped;
	merkle_hash *pending;           /* leaf hashes of this batch */
	size_t npending, cap_pending;
	char *signed_note;              /* signed in this batch */
	int64_t signed_size;

	pthread_mutex_t mu;             /* guards what follows */
	pthread_cond_t cv;
	struct buf latest;              /* latest checkpoint note */
	int64_t latest_size;            /* -1: none */
	int64_t last_sign_ms;
	int64_t committed;              /* tree size committed */
	int force;
	int stopping;
	pthread_t signer;
	int signer_started;
	char broken[512];
};

static void
hash_copy(merkle_hash dst, const merkle_hash src)
{
	memcpy(dst, src, MERKLE_HASH);
}

/* The root of n (a power of two) consecutive hashes. */
static void
subtree_root(merkle_hash out, const merkle_hash *h, size_t n)
{
	merkle_hash buf[TILE_WIDTH / 2];
	size_t i, m;

	if (n == 1) {
		hash_copy(out, h[0]);
		return;
	}
	for (i = 0; i < n / 2; i++)
		merkle_node_hash(buf[i], h[2 * i], h[2 * i + 1]);
	for (m = n / 2; m > 1; m /= 2)
		for (i = 0; i < m / 2; i++)
			merkle_node_hash(buf[i], buf[2 * i], buf[2 * i + 1]);
	hash_copy(out, buf[0]);
}

/* Appends hash h at tile level L (Merkle level 8L). */
static int
tree_push(struct tree *t, int level, const merkle_hash h, tile_sink sink,
    void *arg, struct err *e)
{
	struct edge *ed = &t->e[level];
	merkle_hash root;

	if (level >= TLOG_LEVELS)
		return err_internal(e, "the log is full");
	hash_copy(ed->h[ed->width++], h);
	if (ed->width < TILE_WIDTH)
		return 0;
	if (sink(arg, level, ed->index, (const merkle_hash *)ed->h, e) == -1)
		return -1;
	subtree_root(root, (const merkle_hash *)ed->h, TILE_WIDTH);
	ed->index++;
	ed->width = 0;
	ed->stored_width = 0;
	return tree_push(t, level + 1, root, sink, arg, e);
}

static int
tree_append(struct tree *t, const merkle_hash leaf, tile_sink sink,
    void *arg, struct err *e)
{
	if (tree_push(t, 0, leaf, sink, arg, e) == -1)
		return -1;
	t->size++;
	return 0;
}

/* The hash at (level, index) from the edge, when it lies in an edge tile. */
static int
edge_hash(const struct tree *t, int level, int64_t index, merkle_hash out)
{
	int tl = level / TILE_HEIGHT, s = level % TILE_HEIGHT;
	int64_t first = index << s, tidx = first / TILE_WIDTH;
	const struct edge *ed;
	int off = (int)(first % TILE_WIDTH);

	if (tl >= TLOG_LEVELS)
		return -1;
	ed = &t->e[tl];
	if (tidx != ed->index || off + (1 << s) > ed->width)
		return -1;
	subtree_root(out, (const merkle_hash *)&ed->h[off], (size_t)1 << s);
	return 0;
}

static int
edge_source(void *arg, int level, int64_t index, merkle_hash out)
{
	return edge_hash(arg, level, index, out);
}

/* The root of the whole tree, from its right edge. */
static int
tree_root(const struct tree *t, merkle_hash out)
{
	struct merkle_source src = {edge_source, (void *)(uintptr_t)t};

	if (t->size == 0) {
		merkle_empty_root(out);
		return 0;
	}
	return merkle_root(&src, t->size, out);
}

/* --- reading stored tiles (proofs, tile serving) --- */

#define RCACHE 4

struct reader_src {
	const struct store_ops *ops;
	struct store_conn *c;
	struct err *e;
	int level[RCACHE];
	int64_t idx[RCACHE];
	struct buf tile[RCACHE];
	int next;
};

static const merkle_hash *
reader_tile(struct reader_src *r, int level, int64_t idx, int *width)
{
	struct buf *b;
	int i, found;

	for (i = 0; i < RCACHE; i++)
		if (r->tile[i].len > 0 && r->level[i] == level &&
		    r->idx[i] == idx) {
			*width = (int)(r->tile[i].len / MERKLE_HASH);
			return (const merkle_hash *)(void *)r->tile[i].data;
		}
	i = r->next;
	r->next = (r->next + 1) % RCACHE;
	b = &r->tile[i];
	buf_reset(b);
	found = r->ops->tile_get(r->c, level, idx, b, r->e);
	if (found != 0 || b->len % MERKLE_HASH != 0) {
		if (found == 1)
			err_internal(r->e, "tile %d/%lld is missing", level,
			    (long long)idx);
		buf_reset(b);
		return NULL;
	}
	r->level[i] = level;
	r->idx[i] = idx;
	*width = (int)(b->len / MERKLE_HASH);
	return (const merkle_hash *)(void *)b->data;
}

static int
reader_source(void *arg, int level, int64_t index, merkle_hash out)
{
	struct reader_src *r = arg;
	int tl = level / TILE_HEIGHT, s = level % TILE_HEIGHT, width = 0;
	int64_t first = index << s;
	const merkle_hash *h;
	int off = (int)(first % TILE_WIDTH);

	h = reader_tile(r, tl, first / TILE_WIDTH, &width);
	if (h == NULL)
		return -1;
	if (off + (1 << s) > width) {
		err_internal(r->e, "tile %d/%lld is shorter than the tree",
		    tl, (long long)(first / TILE_WIDTH));
		return -1;
	}
	subtree_root(out, &h[off], (size_t)1 << s);
	return 0;
}

static void
reader_init(struct reader_src *r, struct tlog *t, struct store_conn *c,
    struct err *e)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->ops = store_ops(t->store);
	r->c = c;
	r->e = e;
	for (i = 0; i < RCACHE; i++)
		buf_init(&r->tile[i], TILE_WIDTH * MERKLE_HASH);
}

static void
reader_cleanup(struct reader_src *r)
{
	int i;

	for (i = 0; i < RCACHE; i++)
		buf_cleanup(&r->tile[i]);
}

int64_t
tlog_size(struct tlog *t)
{
	int64_t n;

	pthread_mutex_lock(&t->mu);
	n = t->committed;
	pthread_mutex_unlock(&t->mu);
	return n;
}

/* Builds a proof of either kind from the stored tiles. */
static int
stored_proof(struct tlog *t, struct store_conn *c,
    int (*proof)(const struct merkle_source *, int64_t, int64_t,
    merkle_hash *, size_t *), int64_t a, int64_t b, merkle_hash *out,
    size_t *n, struct err *e)
{
	struct reader_src r;
	struct merkle_source src = {reader_source, &r};
	int rc;

	reader_init(&r, t, c, e);
	rc = proof(&src, a, b, out, n);
	reader_cleanup(&r);
	if (rc == -1 && e->status == 0)
		err_internal(e, "cannot build the proof");
	return rc;
}

int
tlog_inclusion(struct tlog *t, struct store_conn *c, int64_t index,
    int64_t size, merkle_hash *out, size_t *n, struct err *e)
{
	if (size > tlog_size(t) || index < 0 || index >= size)
		return err_bad_request(e, "query parameter 'index' must be "
		    "below 'size', and 'size' at most the log size (%lld)",
		    (long long)tlog_size(t));
	return stored_proof(t, c, merkle_inclusion_proof, index, size, out, n,
	    e);
}

int
tlog_consistency(struct tlog *t, struct store_conn *c, int64_t size1,
    int64_t size2, merkle_hash *out, size_t *n, struct err *e)
{
	if (size2 > tlog_size(t) || size1 < 1 || size1 > size2)
		return err_bad_request(e, "query parameters must satisfy "
		    "1 <= 'old' <= 'new' <= the log size (%lld)",
		    (long long)tlog_size(t));
	return stored_proof(t, c, merkle_consistency_proof, size1, size2, out,
	    n, e);
}

struct bundle {
	struct buf *out;
	int64_t count;
	int fail;
};

static int
bundle_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct bundle *b = arg;
	uint8_t be[2];

	if (len > 0xffff) {
		b->fail = 1;
		return 1;
	}
	be[0] = (uint8_t)(len >> 8);
	be[1] = (uint8_t)len;
	if (buf_append(b->out, be, 2) == -1 ||
	    buf_append(b->out, bytes, len) == -1) {
		b->fail = 1;
		return 1;
	}
	b->count++;
	return 0;
}

int
tlog_tile(struct tlog *t, struct store_conn *c, const struct tile_ref *ref,
    struct buf *out, struct err *e)
{
	const struct store_ops *ops = store_ops(t->store);
	int64_t size = tlog_size(t);

	if (ref->entries) {
		int64_t first = ref->index * TILE_WIDTH;
		struct bundle b = {out, 0, 0};

		if (ref->index > (INT64_MAX - TILE_WIDTH) / TILE_WIDTH ||
		    first + ref->width > size)
			return err_set(e, 404, "not_found", "no such entry "
			    "bundle (yet)");
		if (ops->entry_range(c, first, first + ref->width, bundle_cb,
		    &b, e) == -1)
			return -1;
		if (b.fail || b.count != ref->width)
			return err_internal(e, "cannot build the entry bundle");
		return 0;
	} else {
		struct buf tile;
		int64_t have;
		int found;

		/* Hashes at level 8L that the committed tree has. */
		have = ref->level * TILE_HEIGHT < 63 ?
		    size >> (ref->level * TILE_HEIGHT) : 0;
		if (ref->index > (have - ref->width) / TILE_WIDTH ||
		    ref->index * TILE_WIDTH + ref->width > have)
			return err_set(e, 404, "not_found", "no such tile "
			    "(yet)");
		buf_init(&tile, TILE_WIDTH * MERKLE_HASH);
		found = ops->tile_get(c, ref->level, ref->index, &tile, e);
		if (found == 0 && tile.len < (size_t)ref->width * MERKLE_HASH)
			found = err_internal(e, "the stored tile is short");
		if (found == 0 && buf_append(out, tile.data,
		    (size_t)ref->width * MERKLE_HASH) == -1)
			found = err_internal(e, "out of memory");
		if (found == 1)
			found = err_set(e, 404, "not_found", "no such tile");
		buf_cleanup(&tile);
		return found;
	}
}

/* --- the writer hooks --- */

struct wsink {
	const struct store_ops *ops;
	struct store_conn *c;
};

static int
sink_write(void *arg, int level, int64_t idx, const merkle_hash *h,
    struct err *e)
{
	struct wsink *w = arg;

	return w->ops->tile_put(w->c, level, idx, h,
	    (size_t)TILE_WIDTH * MERKLE_HASH, e);
}

static int
hook_entry(void *ctx, struct store_conn *c, int64_t index, const char *bytes,
    size_t len, struct err *e)
{
	struct tlog *t = ctx;

	if (t->broken[0] != '\0')
		return err_set(e, 503, "internal", "the log refuses to append: "
		    "%s", t->broken);
	/* C2SP entry bundles prefix each entry with a 16-bit length. */
	if (len > 0xffff)
		return err_internal(e, "log entry of %zu bytes is too long",
		    len);
	if (index != t->tree.size + (int64_t)t->npending)
		return err_internal(e, "log index %lld out of order",
		    (long long)index);
	if (t->npending == t->cap_pending) {
		size_t ncap = t->cap_pending ? t->cap_pending * 2 : 1024;
		merkle_hash *np = realloc(t->pending, ncap * sizeof(*np));

		if (np == NULL)
			return err_internal(e, "out of memory");
		t->pending = np;
		t->cap_pending = ncap;
	}
	merkle_leaf_hash(t->pending[t->npending++], bytes, len);
	return 0;
}

static void
hook_discard(void *ctx, int64_t index)
{
	struct tlog *t = ctx;

	if (index >= t->tree.size &&
	    index - t->tree.size < (int64_t)t->npending)
		t->npending = (size_t)(index - t->tree.size);
}

/* Signs a checkpoint of the tree as it stands into a new string. */
static char *
sign_tree(struct tlog *t, const struct tree *tr, struct err *e)
{
	struct checkpoint cp;
	char body[512];
	struct buf note;

	memset(&cp, 0, sizeof(cp));
	str_copy(cp.origin, sizeof(cp.origin), t->origin);
	cp.size = tr->size;
	if (tree_root(tr, cp.root) == -1 ||
	    checkpoint_format(body, sizeof(body), &cp) == -1) {
		err_internal(e, "cannot compute the tree head");
		return NULL;
	}
	buf_init(&note, NOTE_MAX);
	if (note_sign(&note, body, strlen(body), t->origin, t->sk) == -1) {
		buf_cleanup(&note);
		err_internal(e, "cannot sign the checkpoint");
		return NULL;
	}
	return buf_steal(&note, NULL);
}

static int
hook_before_commit(void *ctx, struct store_conn *c, int64_t size,
    int64_t now_ms, struct err *e)
{
	struct tlog *t = ctx;
	const struct store_ops *ops = store_ops(t->store);
	struct wsink w = {ops, c};
	int64_t latest, last;
	size_t i;
	int level, force;

	if (t->npending > 0) {
		memcpy(t->snap, &t->tree, sizeof(t->tree));
		t->snapped = 1;
	}
	for (i = 0; i < t->npending; i++)
		if (tree_append(&t->tree, t->pending[i], sink_write, &w, e) ==
		    -1)
			return -1;
	t->npending = 0;
	if (t->tree.size != size)
		return err_internal(e, "tree size %lld differs from the log "
		    "size %lld", (long long)t->tree.size, (long long)size);
	/* The rightmost tile of each level that grew. */
	for (level = 0; level < TLOG_LEVELS; level++) {
		struct edge *ed = &t->tree.e[level];

		if (ed->width == ed->stored_width)
			continue;
		if (ops->tile_put(c, level, ed->index, ed->h,
		    (size_t)ed->width * MERKLE_HASH, e) == -1)
			return -1;
		ed->stored_width = ed->width;
	}
	pthread_mutex_lock(&t->mu);
	latest = t->latest_size;
	last = t->last_sign_ms;
	force = t->force;
	if (size <= latest)
		t->force = 0;
	pthread_mutex_unlock(&t->mu);
	if (!(force && size > latest) && !(size > latest &&
	    now_ms - last >= t->interval_ms) && !(latest < 0))
		return 0;
	t->signed_note = sign_tree(t, &t->tree, e);
	if (t->signed_note == NULL)
		return -1;
	t->signed_size = size;
	return ops->checkpoint_put(c, size, now_ms / 1000, t->signed_note, e);
}

static void
hook_after_commit(void *ctx, int64_t size)
{
	struct tlog *t = ctx;

	t->snapped = 0;
	pthread_mutex_lock(&t->mu);
	t->committed = size;
	if (t->signed_note != NULL) {
		buf_reset(&t->latest);
		if (buf_puts(&t->latest, t->signed_note) == 0) {
			t->latest_size = t->signed_size;
			t->last_sign_ms = clock_now_ms(t->clock);
		}
		t->force = 0;
	}
	pthread_mutex_unlock(&t->mu);
	free(t->signed_note);
	t->signed_note = NULL;
}

static void
hook_after_rollback(void *ctx)
{
	struct tlog *t = ctx;

	if (t->snapped)
		memcpy(&t->tree, t->snap, sizeof(t->tree));
	t->snapped = 0;
	t->npending = 0;
	free(t->signed_note);
	t->signed_note = NULL;
}

const char *
tlog_broken(const struct tlog *t)
{
	return t->broken[0] != '\0' ? t->broken : NULL;
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

int
tlog_checkpoint(struct tlog *t, int64_t min_size, struct buf *note,
    int64_t *size, struct err *e)
{
	int64_t have;

	pthread_mutex_lock(&t->mu);
	have = t->latest_size;
	if (have < min_size)
		t->force = 1;
	pthread_mutex_unlock(&t->mu);
	if (have < min_size && t->broken[0] == '\0' &&
	    store_flush(t->store, e) == -1)
		return -1;
	pthread_mutex_lock(&t->mu);
	if (t->latest_size < 0 || t->latest_size < min_size) {
		pthread_mutex_unlock(&t->mu);
		return err_set(e, 503, "internal", "no checkpoint covers the "
		    "log yet");
	}
	*size = t->latest_size;
	if (buf_append(note, t->latest.data, t->latest.len) == -1) {
		pthread_mutex_unlock(&t->mu);
		return err_internal(e, "checkpoint too large");
	}
	pthread_mutex_unlock(&t->mu);
	return 0;
}

/* Signs within a second after entries stop arriving, so the published
 * checkpoint never lags the log for long. */
static void *
signer_main(void *arg)
{
	struct tlog *t = arg;

	pthread_mutex_lock(&t->mu);
	while (!t->stopping) {
		struct timespec ts;
		int need;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->cv, &t->mu, &ts);
		need = !t->stopping && t->committed > t->latest_size &&
		    t->broken[0] == '\0' && clock_now_ms(t->clock) -
		    t->last_sign_ms >= t->interval_ms;
		if (!need)
			continue;
		t->force = 1;
		pthread_mutex_unlock(&t->mu);
		{
			struct err e;

			err_init(&e);
			if (store_flush(t->store, &e) == -1)
				log_warn("tlog: cannot sign: %s", e.msg);
		}
		pthread_mutex_lock(&t->mu);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

/* --- the key --- */

static int
key_load(struct tlog *t, const char *path, struct err *e)
{
	char text[KEY_FILE_MAX + 1];
	struct stat st;
	size_t n = 0, len = 0;
	ssize_t r;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 1 : err_internal(e, "cannot open %s: "
		    "%s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 077) != 0) {
		err_internal(e, "%s must be a regular file of mode 0600",
		    path);
		goto out;
	}
	while (n < KEY_FILE_MAX && (r = read(fd, text + n,
	    KEY_FILE_MAX - n)) > 0)
		n += (size_t)r;
	text[n] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	if (sodium_base642bin(t->sk, crypto_sign_SECRETKEYBYTES, text, n,
	    NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    len != crypto_sign_SECRETKEYBYTES) {
		err_internal(e, "%s does not hold a base64 Ed25519 key", path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(text, sizeof(text));
	close(fd);
	return rc;
}

/* The directory part of path, in buf. */
static const char *
cfg_dir(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL || (size_t)(slash - path) >= size)
		return ".";
	memcpy(buf, path, (size_t)(slash - path));
	buf[slash - path] = '\0';
	return slash == path ? "/" : buf;
}

static int
key_create(struct tlog *t, const char *path, struct err *e)
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	char text[KEY_FILE_MAX], tmp[4096];
	size_t len;
	int fd, rc = -1;

	crypto_sign_keypair(pk, t->sk);
	sodium_bin2base64(text, sizeof(text), t->sk,
	    crypto_sign_SECRETKEYBYTES, sodium_base64_VARIANT_ORIGINAL);
	len = strlen(text);
	text[len++] = '\n';
	if (str_printf(tmp, sizeof(tmp), "%s.tmp", path) == -1)
		goto out;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		err_internal(e, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) == -1) {
		close(fd);
		unlink(tmp);
		err_internal(e, "cannot write %s", tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		unlink(tmp);
		err_internal(e, "cannot create %s", path);
		goto out;
	}
	fd = open(cfg_dir(path, tmp, sizeof(tmp)), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (fd != -1) {
		fsync(fd);
		close(fd);
	}
	log_info("first start: wrote the log signing key %s (mode 0600)",
	    path);
	rc = 0;
out:
	sodium_memzero(text, sizeof(text));
	return rc;
}

/* --- start-up: rebuild and compare --- */

struct verify {
	struct tlog *t;
	const struct store_ops *ops;
	struct store_conn *c;
	struct tree *tr;
	struct buf tile;
	int build;                      /* no tiles yet: write them */
	struct checkpoint cp;
	int have_cp;
	int cp_ok;
	int cp_bad;                     /* root differs; said after tiles */
	char *problem;                  /* first disagreement, in t->broken */
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
		str_printf(v->t->broken, sizeof(v->t->broken), "log entry %lld "
		    "does not match the tree: the stored entry or its tile "
		    "was changed", (long long)(idx * TILE_WIDTH + j));
	else
		str_printf(v->t->broken, sizeof(v->t->broken), "tile %d/%lld "
		    "(hashes at level %d from index %lld) differs from the "
		    "entries at hash %d", level, (long long)idx,
		    level * TILE_HEIGHT, (long long)(idx * TILE_WIDTH), j);
	return 1;
}

static int
sink_verify(void *arg, int level, int64_t idx, const merkle_hash *h,
    struct err *e)
{
	struct verify *v = arg;
	int rc;

	if (v->build)
		return v->ops->tile_put(v->c, level, idx, h,
		    (size_t)TILE_WIDTH * MERKLE_HASH, e);
	rc = compare_tile(v, level, idx, h, TILE_WIDTH);
	if (rc == 1)
		v->fail = 1;
	return rc == 0 ? 0 : -1;
}

static void
check_checkpoint(struct verify *v)
{
	merkle_hash root;
	char hex[2 * MERKLE_HASH + 1];

	if (tree_root(v->tr, root) == -1) {
		str_copy(v->t->broken, sizeof(v->t->broken), "cannot compute "
		    "the tree head");
		return;
	}
	if (hash_eq(root, v->cp.root)) {
		v->cp_ok = 1;
		return;
	}
	/* Said only once the tiles were compared: they name the entry. */
	v->cp_bad = 1;
	sodium_bin2hex(hex, sizeof(hex), root, MERKLE_HASH);
	str_printf(v->t->broken, sizeof(v->t->broken), "the first %lld "
	    "entries hash to %.16s..., but the last signed checkpoint (size "
	    "%lld) says otherwise: entries before index %lld were changed",
	    (long long)v->cp.size, hex, (long long)v->cp.size,
	    (long long)v->cp.size);
}

static int
verify_entry(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct verify *v = arg;
	merkle_hash leaf;

	if (index != v->tr->size) {
		str_printf(v->t->broken, sizeof(v->t->broken), "log entry %lld "
		    "is missing", (long long)v->tr->size);
		v->fail = 1;
		return 1;
	}
	merkle_leaf_hash(leaf, bytes, len);
	if (tree_append(v->tr, leaf, sink_verify, v, v->e) == -1) {
		if (!v->fail)
			v->fail = 2;
		return 1;
	}
	if (v->have_cp && v->tr->size == v->cp.size)
		check_checkpoint(v);
	return 0;
}

/* Runs on the writer: rebuilds the tree from the entries. */
static int
apply_verify(struct store_conn *c, void *arg, struct err *e)
{
	struct verify *v = arg;
	int64_t n = 0, start;
	int level;

	v->c = c;
	v->e = e;
	if (v->ops->entry_count(c, &n, e) == -1)
		return -1;
	if (v->have_cp && v->cp.size == 0)
		check_checkpoint(v);
	/* A checkpoint mismatch is kept in the message until a tile names
	 * the entry more precisely. */
	for (start = 0; start < n && !v->fail; start += VERIFY_CHUNK)
		if (v->ops->entry_range(c, start, start + VERIFY_CHUNK,
		    verify_entry, v, e) == -1)
			return -1;
	if (v->fail == 2)
		return -1;
	if (v->fail)
		return 0;
	if (v->have_cp && v->cp.size > n) {
		str_printf(v->t->broken, sizeof(v->t->broken), "the log holds "
		    "%lld entries but its last checkpoint signed %lld: entries "
		    "from index %lld are gone", (long long)n,
		    (long long)v->cp.size, (long long)n);
		return 0;
	}
	for (level = 0; level < TLOG_LEVELS; level++) {
		struct edge *ed = &v->tr->e[level];

		if (ed->width == 0)
			continue;
		if (v->build) {
			if (v->ops->tile_put(c, level, ed->index, ed->h,
			    (size_t)ed->width * MERKLE_HASH, e) == -1)
				return -1;
		} else {
			int rc = compare_tile(v, level, ed->index,
			    (const merkle_hash *)ed->h, ed->width);

			if (rc == -1)
				return -1;
			if (rc == 1)
				return 0;
		}
		ed->stored_width = ed->width;
	}
	if (v->cp_bad)
		v->fail = 1;
	return 0;
}

static int
load_checkpoint(struct tlog *t, struct verify *v, struct err *e)
{
	const struct store_ops *ops = store_ops(t->store);
	struct note_verifier nv;
	struct store_conn *c;
	size_t body = 0;
	int found;

	c = store_reader_get(t->store, e);
	if (c == NULL)
		return -1;
	found = ops->checkpoint_latest(c, &t->latest, e);
	store_reader_put(t->store, c);
	if (found == -1)
		return -1;
	if (found == 1)
		return 0;
	if (note_verifier_parse(&nv, t->vkey, e) == -1 ||
	    note_open(t->latest.data, t->latest.len, &nv, &body, e) == -1 ||
	    checkpoint_parse(&v->cp, t->latest.data, body, e) == -1) {
		str_printf(t->broken, sizeof(t->broken), "the last stored "
		    "checkpoint does not verify under the log key: %s", e->msg);
		err_init(e);
		return 0;
	}
	v->have_cp = 1;
	t->latest_size = v->cp.size;
	return 0;
}

static int
apply_origin(struct store_conn *c, void *arg, struct err *e)
{
	struct tlog *t = arg;

	return store_ops(t->store)->meta_set(c, META_ORIGIN, t->origin,
	    strlen(t->origin) + 1, e);
}

static int
apply_broken(struct store_conn *c, void *arg, struct err *e)
{
	struct tlog *t = arg;

	return store_ops(t->store)->meta_set(c, META_BROKEN, t->broken,
	    strlen(t->broken), e);
}

struct alert {
	struct tlog *t;
	struct buf was;
	struct event ev;
};

static int
apply_alert(struct store_conn *c, void *arg, struct err *e)
{
	struct alert *a = arg;

	return store_ops(a->t->store)->meta_set(c, META_BROKEN, "", 0, e);
}

static int
entry_alert(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct alert *a = arg;

	a->ev.allowed = 1;
	return event_serialize(&a->ev, time_ms, out, en);
}

/* After a start that found the log damaged, the first healthy start
 * records that it happened. */
static int
raise_alert(struct tlog *t, struct err *e)
{
	const struct store_ops *ops = store_ops(t->store);
	struct alert a;
	struct store_job job = {apply_alert, entry_alert, &a};
	struct store_conn *c;
	int found, rc = -1;

	memset(&a, 0, sizeof(a));
	a.t = t;
	buf_init(&a.was, 1024);
	event_init(&a.ev);
	c = store_reader_get(t->store, e);
	if (c == NULL)
		goto out;
	found = ops->meta_get(c, META_BROKEN, &a.was, e);
	store_reader_put(t->store, c);
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
	rc = store_write(t->store, &job, NULL, e);
	if (rc == 0)
		log_warn("tlog: recorded that an earlier start found the log "
		    "damaged: %s", a.was.data);
out:
	event_cleanup(&a.ev);
	buf_cleanup(&a.was);
	return rc;
}

struct tlog *
tlog_open(const struct tlog_config *cfg, struct err *e)
{
	const struct store_ops *ops = store_ops(cfg->store);
	struct store_hooks hooks;
	struct verify v;
	struct store_job job = {apply_verify, NULL, &v};
	struct store_conn *c;
	struct tlog *t;
	struct buf meta;
	char path[4096];
	int found, tiles;

	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	memset(&v, 0, sizeof(v));
	buf_init(&v.tile, TILE_WIDTH * MERKLE_HASH);
	buf_init(&meta, NOTE_NAME_MAX);
	t->store = cfg->store;
	t->clock = cfg->clock;
	t->interval_ms = cfg->checkpoint_interval_ms > 0 ?
	    cfg->checkpoint_interval_ms : 1000;
	t->latest_size = -1;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	buf_init(&t->latest, NOTE_MAX);
	t->snap = malloc(sizeof(*t->snap));
	v.tr = calloc(1, sizeof(*v.tr));
	t->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (t->snap == NULL || v.tr == NULL || t->sk == NULL) {
		err_internal(e, "out of memory");
		goto fail;
	}
	/* The origin is fixed at first start. */
	c = store_reader_get(t->store, e);
	if (c == NULL)
		goto fail;
	found = ops->meta_get(c, META_ORIGIN, &meta, e);
	tiles = found != -1 ? ops->tile_get(c, 0, 0, &v.tile, e) : -1;
	if (tiles != -1 && found != -1) {
		struct buf cp;

		buf_init(&cp, NOTE_MAX);
		v.build = tiles == 1 &&
		    ops->checkpoint_latest(c, &cp, e) == 1;
		buf_cleanup(&cp);
	}
	store_reader_put(t->store, c);
	if (found == -1 || tiles == -1)
		goto fail;
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
		goto fail;
	}
	if (found == 1) {
		struct store_job mj = {apply_origin, NULL, t};

		if (store_write(t->store, &mj, NULL, e) == -1)
			goto fail;
	} else if (cfg->origin != NULL && strcmp(cfg->origin, t->origin) !=
	    0) {
		log_warn("tlog: keeping the log origin '%s' of the first "
		    "start (not '%s')", t->origin, cfg->origin);
	}
	/* The key. */
	if (str_printf(path, sizeof(path), "%s/log.key", cfg->data_dir) ==
	    -1)
		goto fail;
	found = key_load(t, path, e);
	if (found == -1)
		goto fail;
	if (found == 1) {
		if (!v.build) {
			err_internal(e, "%s is missing but the log has "
			    "signed checkpoints: restore it from backup",
			    path);
			goto fail;
		}
		if (key_create(t, path, e) == -1)
			goto fail;
	}
	sodium_mprotect_readonly(t->sk);
	if (note_verifier_format(t->vkey, sizeof(t->vkey), t->origin,
	    t->sk + 32) == -1) {
		err_internal(e, "cannot format the verifier key");
		goto fail;
	}
	/* The integrity check, on the writer so nothing moves meanwhile. */
	v.t = t;
	v.ops = ops;
	if (load_checkpoint(t, &v, e) == -1)
		goto fail;
	if (t->broken[0] == '\0') {
		if (store_write(t->store, &job, NULL, e) == -1)
			goto fail;
		if (v.have_cp && !v.cp_ok && t->broken[0] == '\0')
			str_printf(t->broken, sizeof(t->broken), "the tree "
			    "never reached the size of the last checkpoint");
	}
	if (t->broken[0] != '\0') {
		struct store_job bj = {apply_broken, NULL, t};

		log_error("tlog: INTEGRITY FAILURE: %s; custosd refuses to "
		    "append until the store is repaired", t->broken);
		if (store_write(t->store, &bj, NULL, e) == -1)
			log_error("tlog: cannot note the failure: %s", e->msg);
		err_init(e);
	} else {
		memcpy(&t->tree, v.tr, sizeof(t->tree));
		t->committed = t->tree.size;
		log_info("tlog: %lld entries verified against their tiles%s",
		    (long long)t->tree.size, v.have_cp ?
		    " and the last signed checkpoint" : "");
	}
	hooks.on_entry = hook_entry;
	hooks.before_commit = hook_before_commit;
	hooks.after_commit = hook_after_commit;
	hooks.discard_from = hook_discard;
	hooks.after_rollback = hook_after_rollback;
	hooks.ctx = t;
	store_set_hooks(t->store, &hooks);
	if (t->broken[0] == '\0') {
		if (raise_alert(t, e) == -1)
			goto fail;
		if (t->latest_size < tlog_size(t)) {
			int64_t sz;
			struct buf tmp;

			buf_init(&tmp, NOTE_MAX);
			found = tlog_checkpoint(t, tlog_size(t), &tmp, &sz, e);
			buf_cleanup(&tmp);
			if (found == -1)
				goto fail;
		}
		if (pthread_create(&t->signer, NULL, signer_main, t) != 0) {
			err_internal(e, "cannot start the signer");
			goto fail;
		}
		t->signer_started = 1;
	}
	buf_cleanup(&v.tile);
	buf_cleanup(&meta);
	free(v.tr);
	return t;
fail:
	buf_cleanup(&v.tile);
	buf_cleanup(&meta);
	free(v.tr);
	tlog_close(t);
	return NULL;
}

void
tlog_close(struct tlog *t)
{
	struct store_hooks none;

	if (t == NULL)
		return;
	if (t->signer_started) {
		pthread_mutex_lock(&t->mu);
		t->stopping = 1;
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
		pthread_join(t->signer, NULL);
	}
	memset(&none, 0, sizeof(none));
	if (t->store != NULL)
		store_set_hooks(t->store, &none);
	sodium_free(t->sk);
	free(t->snap);
	free(t->pending);
	free(t->signed_note);
	buf_cleanup(&t->latest);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t);
}
