/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares public root hashes only */
/*
 * tlog_bench: the transparency log's figures for `make bench`, each beside
 * plain SQLite doing the same with the same bytes, in the same run.
 *
 *	usage: tlog_bench [-s] [-n ENTRIES] [-b BATCH] [-p PROOFS]
 *	    [-c CLIENTS] [-t SECONDS] [-d DIR]
 *
 * In a fresh directory under DIR (default $TMPDIR or /tmp), removed after:
 *
 * 1. Bulk import of ENTRIES (default 1000000) entries shaped like the ones
 *    custosd records (~290 bytes of JSON), in commits of BATCH (default
 *    10000), timed around each commit only (the bytes are made before):
 *      - plain SQLite: a table (idx INTEGER PRIMARY KEY, bytes BLOB), the
 *        store writer's pragmas (WAL, synchronous=FULL, ...), one prepared
 *        INSERT per entry, one transaction per batch;
 *      - the custos store without the tree (store_write_all), which adds
 *        the entries table's columns, index and append-only trigger;
 *      - the store with tlog_open: the same plus the leaf and node hashes,
 *        the tile writes and the signed checkpoints, all in the commits.
 *    And SHA-256 alone over the same bytes: the leaf hashes, then the node
 *    hashes of the tree (an RFC 6962 stack), as a share of the tlog run.
 * 2. PROOFS (default 10000) inclusion proofs of random entries and as many
 *    consistency proofs (from random earlier sizes) in the tree of ENTRIES
 *    leaves, through tlog_inclusion/tlog_consistency on one reader
 *    connection; baseline: reading a random entry's bytes by index from
 *    the plain SQLite table; goal: 50,000 proofs/s (issue 10).  Then the
 *    tlog is reopened without its tile cache (tlog_config's
 *    proof_cache_tiles -1) and 2000 of each are made again: the proofs
 *    as they were before the cache, in the same run.  Every proof is
 *    checked against the signed checkpoint (root hashes computed
 *    independently in step 1).
 * 3. Durable single appends from CLIENTS (default 64) threads for SECONDS
 *    (default 3; 0 skips) each, one entry per call, latency from the call
 *    to its durable return: plain SQLite (one commit per insert, the
 *    threads take turns), the store without the tree, the store with
 *    the tlog (group commit, leaves sealed) and the same with the sealer
 *    taken off (plaintext leaves, as before issue 12).  No HTTP:
 *    scripts/bench measures that.
 *
 * With -S URL (a PostgreSQL server; its user may create databases), only
 * the bulk import, on PostgreSQL, in a fresh database made for the run
 * and dropped after: the custos store on store_pg_ops (store_write_all
 * of entry-only jobs, as the importer does: entries, their keys and
 * chunks, the log head) beside a plain binary COPY of the same rows into
 * bench_copy (CREATE TABLE bench_copy (LIKE entries INCLUDING ALL): the
 * same columns and indexes, no trigger), timed the same way (around each
 * batch's transaction; the COPY's rows are encoded inside the timing, as
 * the store encodes its own).  Prints both rates and their ratio (goal:
 * at least 0.50).
 *
 * Prints a report, or with -s shell assignments (scripts/bench evals them).
 * Exits 1 if anything fails, a proof that does not verify included.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sched.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/num.h"
#include "common/str.h"
#include "store/store.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/leaf.h"
#include "tlog/tlog.h"

#define ENTRY_MAX 512
#define ENTRIES_MAX 100000000
#define BATCH_MAX 1000000
#define PROOFS_MAX 10000000
#define CLIENTS_MAX 1024
#define SECONDS_MAX 3600
#define SIZES 256                       /* old sizes for consistency */
#define STACK_MAX 64
#define PATH_MAX_BENCH 4096
#define TENANTS 100
#define RAW_PROOFS 2000                 /* of each kind, without cache */
#define PROOF_GOAL 50000                /* proofs/s, issue 10 */

/* The store writer's pragmas (src/store/store_sqlite.c), for parity. */
#define PLAIN_PRAGMAS "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;" \
	"PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;" \
	"PRAGMA recursive_triggers=ON; PRAGMA cache_size=-65536;"
#define READER_PRAGMAS "PRAGMA query_only=1; PRAGMA cache_size=-16384;"

struct opts {
	int64_t entries, batch, proofs, clients, seconds;
	const char *dir;
	const char *pg_url;             /* -S: PostgreSQL bulk import only */
	int shell;
};

#define PG_RATIO_GOAL 0.50

/* One entry made ready: its bytes and the columns the store indexes. */
struct prep {
	const char *bytes;
	size_t len;
	char actor[16];
	char tenant[16];
	char session[32];
	char device[16];
	char source[24];
	char vendor[16];
	char user[24];                  /* the target, "" when null */
	const char *action;
	int64_t time_ms;
};

/* Latencies in microseconds. */
struct lat {
	double *v;
	size_t n, cap;
};

struct pct {
	double p50, p99, per_s;
	size_t n;
	double cpu_us;                  /* process CPU per append (tlog runs) */
};

struct results {
	double bulk_plain, bulk_store, bulk_tlog;       /* entries/s */
	double t_plain, t_store, t_tlog;                /* seconds */
	double t_leaf, t_node;
	int64_t entry_bytes;                            /* total */
	int64_t checkpoints;
	double t_reopen;                /* tlog_open: the start-up check */
	struct pct read, incl, cons;
	struct pct incl_raw, cons_raw;                  /* without the cache */
	int64_t proofs_raw;
	struct tilecache_stats cache;
	double incl_hashes;                             /* mean per proof */
	int64_t verified;
	struct pct app_plain, app_store, app_tlog, app_unsealed;
};

static const char *const actions[] = {
	"user.list", "ticket.list", "user.password_reset", "ticket.create",
	"user.get", "ticket.comment", "user.mfa_reset", "auth.verify",
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* A reproducible pseudo-random sequence (splitmix64). */
static uint64_t
rnd(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return mix(*state);
}

/*
 * Entry number i, made the same every time it is asked for: the keys, order
 * and sizes of what custosd records for an engineer's request (see
 * src/audit/event.h), with the time, session, tenant and action varying.
 * Returns its length, 0 if it does not fit.
 */
static size_t
entry_make(struct prep *p, char *out, size_t size, int64_t i)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	char when[RFC3339_LEN], target[32];
	uint64_t h = mix((uint64_t)i / 50 + 1);
	int64_t ms = 1790000000000LL + i * 3;
	int n, k;

	time_format(when, ms / 1000);
	str_printf(p->actor, sizeof(p->actor), "eng-%04d", (int)(h % 1000));
	str_printf(p->tenant, sizeof(p->tenant), "tenant-%03d",
	    (int)((h >> 10) % TENANTS));
	str_printf(p->device, sizeof(p->device), "dev-%04d",
	    (int)((h >> 20) % 4000));
	str_printf(p->source, sizeof(p->source), "10.%d.%d.%d",
	    (int)((h >> 32) & 255), (int)((h >> 40) & 255),
	    (int)((h >> 48) & 255));
	memcpy(p->session, "ses_", 4);
	for (k = 0; k < 26; k++)
		p->session[4 + k] = b32[(h >> ((k * 5) % 60)) & 31];
	p->session[30] = '\0';
	p->action = actions[(uint64_t)i % (sizeof(actions) /
	    sizeof(actions[0]))];
	p->time_ms = ms;
	str_printf(p->vendor, sizeof(p->vendor), "vendor-%02d", (int)(h % 37));
	p->user[0] = '\0';
	if (i % 3 != 0)
		str_printf(p->user, sizeof(p->user), "usr_%08lld",
		    (long long)(mix((uint64_t)i) % 100000000));
	if (p->user[0] == '\0')
		str_copy(target, sizeof(target), "null");
	else
		str_printf(target, sizeof(target), "\"%s\"", p->user);
	/* "2026-..T..:..:..Z" with milliseconds, as the events carry. */
	n = snprintf(out, size, "{\"v\":1,\"time\":\"%.19s.%03dZ\","
	    "\"actor\":{\"kind\":\"engineer\",\"id\":\"%s\",\"vendor\":"
	    "\"%s\"},\"session\":\"%s\",\"device\":\"%s\","
	    "\"source\":\"%s\",\"action\":\"%s\",\"tenant\":\"%s\","
	    "\"target\":%s,\"outcome\":\"allowed\",\"reason\":null}",
	    when, (int)(ms % 1000), p->actor, p->vendor, p->session,
	    p->device, p->source, p->action, p->tenant, target);
	if (n < 0 || (size_t)n >= size)
		return 0;
	p->bytes = out;
	p->len = (size_t)n;
	return (size_t)n;
}

/* The store job's entry(): hands over the prepared bytes. */
static int
job_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	const struct prep *p = arg;

	en->actor_id = p->actor;
	/* Its actor is an engineer exactly when it has a vendor. */
	en->engineer_id = p->vendor[0] != '\0' ? p->actor : "";
	en->vendor_id = p->vendor;
	en->tenant_id = p->tenant;
	en->action = p->action;
	en->session_id = p->session;
	en->device_id = p->device;
	en->source = p->source;
	en->allowed = 1;
	en->time = p->time_ms / 1000;
	en->time_ms = p->time_ms;
	en->target = p->user;
	return buf_append(out, p->bytes, p->len);
}

static int
lat_add(struct lat *l, double us)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4096;
		double *nv = realloc(l->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = us;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Percentiles (nearest rank) of l, and the rate over secs seconds. */
static void
lat_pct(struct lat *l, double secs, struct pct *out)
{
	memset(out, 0, sizeof(*out));
	out->n = l->n;
	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_double);
	out->p50 = l->v[(size_t)((double)(l->n - 1) * 0.50 + 0.5)];
	out->p99 = l->v[(size_t)((double)(l->n - 1) * 0.99 + 0.5)];
	out->per_s = secs > 0 ? (double)l->n / secs : 0;
}

/* --- the work directory --- */

static int
dir_make(char *out, size_t size, const char *parent, const char *name)
{
	if (str_printf(out, size, "%s/%s", parent, name) == -1 ||
	    mkdir(out, 0700) == -1) {
		fprintf(stderr, "tlog_bench: cannot create %s/%s: %s\n",
		    parent, name, strerror(errno));
		return -1;
	}
	return 0;
}

/* Removes what a phase left in dir, and dir. */
static void
dir_remove(const char *dir)
{
	static const char *const names[] = {
		"custos.db", "custos.db-wal", "custos.db-shm",
		"custos.db-journal", "log.key", "log.key.tmp", "log.anchor",
		"log.anchor.tmp",
	};
	char path[PATH_MAX_BENCH];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (str_printf(path, sizeof(path), "%s/%s", dir, names[i]) == 0)
			unlink(path);
	rmdir(dir);
}

static int
db_path(char *out, size_t size, const char *dir)
{
	return str_printf(out, size, "%s/custos.db", dir);
}

/* --- plain SQLite --- */

static sqlite3 *
plain_open(const char *path, int writer)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, writer ? PLAIN_PRAGMAS : READER_PRAGMAS, NULL,
	    NULL, &msg) != SQLITE_OK || (writer && sqlite3_exec(db,
	    "CREATE TABLE IF NOT EXISTS entries(idx INTEGER PRIMARY KEY, "
	    "bytes BLOB NOT NULL)", NULL, NULL, &msg) != SQLITE_OK)) {
		fprintf(stderr, "tlog_bench: SQLite %s: %s\n", path,
		    msg != NULL ? msg : db != NULL ? sqlite3_errmsg(db) : "?");
		sqlite3_free(msg);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int
plain_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "tlog_bench: SQLite %s: %s\n", sql,
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int
plain_insert(sqlite3 *db, sqlite3_stmt *ins, int64_t idx, const char *bytes,
    size_t len)
{
	int rc;

	sqlite3_bind_int64(ins, 1, idx);
	sqlite3_bind_blob(ins, 2, bytes, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "tlog_bench: SQLite insert: %s\n",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* A batch of prepared entries, first..first+n-1. */
struct batch {
	struct prep *p;
	struct store_job *jobs;
	char *bytes;
	size_t n;
};

static int
batch_init(struct batch *b, size_t cap)
{
	size_t i;

	b->p = calloc(cap, sizeof(*b->p));
	b->jobs = calloc(cap, sizeof(*b->jobs));
	b->bytes = malloc(cap * ENTRY_MAX);
	b->n = 0;
	if (b->p == NULL || b->jobs == NULL || b->bytes == NULL)
		return -1;
	for (i = 0; i < cap; i++) {
		b->jobs[i].entry = job_entry;
		b->jobs[i].arg = &b->p[i];
	}
	return 0;
}

static void
batch_cleanup(struct batch *b)
{
	free(b->p);
	free(b->jobs);
	free(b->bytes);
}

static int
batch_fill(struct batch *b, int64_t first, size_t n, int64_t *total)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = entry_make(&b->p[i], b->bytes + i * ENTRY_MAX,
		    ENTRY_MAX, first + (int64_t)i);

		if (len == 0) {
			fprintf(stderr, "tlog_bench: entry too long\n");
			return -1;
		}
		if (total != NULL)
			*total += (int64_t)len;
	}
	b->n = n;
	return 0;
}

static int
bulk_plain(const struct opts *o, const char *dir, struct batch *b,
    struct results *r)
{
	char path[PATH_MAX_BENCH];
	sqlite3 *db, *rd = NULL;
	sqlite3_stmt *ins = NULL, *sel = NULL;
	struct lat l = {NULL, 0, 0};
	uint64_t seed = 42;
	int64_t first, k;
	double t0, spent = 0;
	size_t i;
	int rc = -1;

	if (db_path(path, sizeof(path), dir) == -1)
		return -1;
	db = plain_open(path, 1);
	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO entries(idx, bytes) VALUES "
	    "(?1, ?2)", -1, &ins, NULL) != SQLITE_OK)
		goto out;
	r->entry_bytes = 0;
	for (first = 0; first < o->entries; first += o->batch) {
		size_t n = (size_t)(o->entries - first < o->batch ?
		    o->entries - first : o->batch);

		if (batch_fill(b, first, n, &r->entry_bytes) == -1)
			goto out;
		t0 = now_s();
		if (plain_exec(db, "BEGIN IMMEDIATE") == -1)
			goto out;
		for (i = 0; i < n; i++)
			if (plain_insert(db, ins, first + (int64_t)i,
			    b->p[i].bytes, b->p[i].len) == -1)
				goto out;
		if (plain_exec(db, "COMMIT") == -1)
			goto out;
		spent += now_s() - t0;
	}
	r->t_plain = spent;
	r->bulk_plain = (double)o->entries / spent;

	/* The baseline of a proof: one entry's bytes by index. */
	rd = plain_open(path, 0);
	if (rd == NULL || sqlite3_prepare_v2(rd, "SELECT bytes FROM entries "
	    "WHERE idx = ?1", -1, &sel, NULL) != SQLITE_OK)
		goto out;
	spent = 0;
	for (k = 0; k < o->proofs; k++) {
		int64_t idx = (int64_t)(rnd(&seed) % (uint64_t)o->entries);
		double t1;

		t0 = now_s();
		sqlite3_bind_int64(sel, 1, idx);
		if (sqlite3_step(sel) != SQLITE_ROW ||
		    sqlite3_column_bytes(sel, 0) <= 0) {
			fprintf(stderr, "tlog_bench: entry %lld not read\n",
			    (long long)idx);
			sqlite3_reset(sel);
			goto out;
		}
		sqlite3_reset(sel);
		t1 = now_s();
		spent += t1 - t0;
		if (lat_add(&l, (t1 - t0) * 1e6) == -1)
			goto out;
	}
	lat_pct(&l, spent, &r->read);
	rc = 0;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	sqlite3_close(rd);
	sqlite3_close(db);
	free(l.v);
	return rc;
}

static struct store *
bench_store(const char *dir, struct err *e)
{
	static const struct clock clk = {NULL};
	struct store_config cfg;
	char path[PATH_MAX_BENCH];

	if (db_path(path, sizeof(path), dir) == -1) {
		err_internal(e, "path too long");
		return NULL;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_sqlite_ops;
	cfg.where = path;
	cfg.readers = 4;
	cfg.clock = &clk;
	return store_open(&cfg, e);
}

/* cache_tiles as tlog_config.proof_cache_tiles: 0 the default, -1 none. */
static struct tlog *
bench_tlog(const char *dir, struct store *st, int cache_tiles,
    struct err *e)
{
	static const struct clock clk = {NULL};
	struct tlog_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.data_dir = dir;
	cfg.origin = "bench.example/tlog-bench";
	cfg.store = st;
	cfg.clock = &clk;
	cfg.proof_cache_tiles = cache_tiles;
	return tlog_open(&cfg, e);
}

/* Bulk import through store_write_all; the seconds spent in it. */
static int
bulk_store(const struct opts *o, struct store *st, struct batch *b,
    double *spent)
{
	struct err e;
	int64_t first;
	double t0;

	*spent = 0;
	for (first = 0; first < o->entries; first += o->batch) {
		size_t n = (size_t)(o->entries - first < o->batch ?
		    o->entries - first : o->batch);

		if (batch_fill(b, first, n, NULL) == -1)
			return -1;
		err_init(&e);
		t0 = now_s();
		if (store_write_all(st, b->jobs, n, &e) == -1) {
			fprintf(stderr, "tlog_bench: store_write_all: %s\n",
			    e.msg);
			return -1;
		}
		*spent += now_s() - t0;
	}
	if (store_entry_count(st) != o->entries) {
		fprintf(stderr, "tlog_bench: the store holds %lld entries, "
		    "not %lld\n", (long long)store_entry_count(st),
		    (long long)o->entries);
		return -1;
	}
	return 0;
}

/* The root of the leaves pushed so far onto an RFC 6962 stack. */
static void
stack_root(merkle_hash out, const merkle_hash *stack, int top)
{
	int j;

	memcpy(out, stack[top - 1], MERKLE_HASH);
	for (j = top - 2; j >= 0; j--)
		merkle_node_hash(out, stack[j], out);
}

struct leafcopy {
	uint8_t (*raw)[LEAF_BYTES];     /* the batch's stored leaves */
	size_t n;
};

static int
leaf_copy(void *arg, const struct rec_leaf *rl)
{
	struct leafcopy *lc = arg;

	if (rl->leaf == NULL || rl->leaf_len != LEAF_BYTES)
		return 1;
	memcpy(lc->raw[lc->n++], rl->leaf, LEAF_BYTES);
	return 0;
}

/*
 * SHA-256 alone over the same leaves: leaf hashes, then the node hashes
 * that make the tree.  Keeps the roots at the sizes in sizes[] (ascending)
 * and at the full size, for checking the proofs.  The leaves are sealed
 * (tlog/leaf.h) with random nonces, so they are the 49-byte leaves the
 * store holds, read back per batch (the read is not timed).
 */
static int
hash_alone(const struct opts *o, struct batch *b, const int64_t *sizes,
    merkle_hash *roots, merkle_hash full, struct results *r,
    struct store *st)
{
	merkle_hash stack[STACK_MAX], *leaves;
	int64_t first, count = 0;
	int top = 0, next = 0;
	double t0, t1;
	size_t i;
	uint8_t (*raw)[LEAF_BYTES];

	leaves = malloc((size_t)o->batch * sizeof(*leaves));
	raw = malloc((size_t)o->batch * sizeof(*raw));
	if (leaves == NULL || raw == NULL) {
		free(leaves);
		free(raw);
		return -1;
	}
	r->t_leaf = r->t_node = 0;
	for (first = 0; first < o->entries; first += o->batch) {
		size_t n = (size_t)(o->entries - first < o->batch ?
		    o->entries - first : o->batch);

		struct leafcopy lc = {raw, 0};
		struct store_conn *c;
		struct err e;

		(void)b;
		err_init(&e);
		c = store_reader_get(st, &e);
		if (c == NULL || store_ops(st)->entry_leaves(c, first,
		    first + (int64_t)n, 0, leaf_copy, &lc, &e) == -1 ||
		    lc.n != n) {
			store_reader_put(st, c);
			free(leaves);
			free(raw);
			return -1;
		}
		store_reader_put(st, c);
		t0 = now_s();
		for (i = 0; i < n; i++)
			merkle_leaf_hash(leaves[i], raw[i], LEAF_BYTES);
		t1 = now_s();
		for (i = 0; i < n; i++) {
			uint64_t m = (uint64_t)count;

			memcpy(stack[top++], leaves[i], MERKLE_HASH);
			for (; m & 1; m >>= 1, top--)
				merkle_node_hash(stack[top - 2], stack[top - 2],
				    stack[top - 1]);
			count++;
			while (next < SIZES && sizes[next] == count)
				stack_root(roots[next++], stack, top);
		}
		r->t_leaf += t1 - t0;
		r->t_node += now_s() - t1;
	}
	stack_root(full, stack, top);
	free(raw);
	free(leaves);
	return 0;
}

/* The root the log's latest checkpoint signs, which must cover n. */
static int
signed_root(struct tlog *t, int64_t n, merkle_hash root)
{
	struct note_verifier nv;
	struct checkpoint cp;
	struct buf note;
	struct err e;
	size_t body = 0;
	int64_t size = 0;
	int rc = -1;

	err_init(&e);
	buf_init(&note, NOTE_MAX);
	if (tlog_checkpoint(t, n, &note, &size, &e) == -1 ||
	    note_verifier_parse(&nv, tlog_verifier_key(t), &e) == -1 ||
	    note_open(note.data, note.len, &nv, &body, &e) == -1 ||
	    checkpoint_parse(&cp, note.data, body, &e) == -1) {
		fprintf(stderr, "tlog_bench: checkpoint: %s\n", e.msg);
		goto out;
	}
	if (cp.size != n) {
		fprintf(stderr, "tlog_bench: the checkpoint signs %lld "
		    "entries, not %lld\n", (long long)cp.size, (long long)n);
		goto out;
	}
	memcpy(root, cp.root, MERKLE_HASH);
	rc = 0;
out:
	buf_cleanup(&note);
	return rc;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* count inclusion and as many consistency proofs on one reader, each
 * checked after, timed into incl and cons. */
static int
proofs(const struct opts *o, int64_t count, struct tlog *t, struct store *st,
    const int64_t *sizes, const merkle_hash *roots, const merkle_hash root,
    struct pct *incl, struct pct *cons, struct results *r)
{
	merkle_hash proof[MERKLE_PROOF_MAX], leaf;
	struct lat li = {NULL, 0, 0}, lc = {NULL, 0, 0};
	struct store_conn *c;
	uint8_t one[1][LEAF_BYTES];
	struct leafcopy lcopy = {one, 0};
	uint64_t seed = 7;
	double t0, t1, si = 0, sc = 0, hashes = 0;
	struct err e;
	int64_t k;
	size_t n;
	int rc = -1;

	err_init(&e);
	c = store_reader_get(st, &e);
	if (c == NULL) {
		fprintf(stderr, "tlog_bench: reader: %s\n", e.msg);
		return -1;
	}
	for (k = 0; k < count; k++) {
		int64_t idx = (int64_t)(rnd(&seed) % (uint64_t)o->entries);

		t0 = now_s();
		if (tlog_inclusion(t, c, idx, o->entries, proof, &n, &e) ==
		    -1) {
			fprintf(stderr, "tlog_bench: inclusion of %lld: %s\n",
			    (long long)idx, e.msg);
			goto out;
		}
		t1 = now_s();
		si += t1 - t0;
		hashes += (double)n;
		if (lat_add(&li, (t1 - t0) * 1e6) == -1)
			goto out;
		/* The stored sealed leaf (its nonce is random). */
		lcopy.n = 0;
		if (store_ops(st)->entry_leaves(c, idx, idx + 1, 0, leaf_copy,
		    &lcopy, &e) == -1 || lcopy.n != 1)
			goto out;
		merkle_leaf_hash(leaf, lcopy.raw[0], LEAF_BYTES);
		if (merkle_verify_inclusion(idx, o->entries, leaf,
		    (const merkle_hash *)proof, n, root) != 0) {
			fprintf(stderr, "tlog_bench: the inclusion proof of "
			    "entry %lld does not verify\n", (long long)idx);
			goto out;
		}
		r->verified++;
	}
	for (k = 0; k < count; k++) {
		int j = (int)(rnd(&seed) % SIZES);

		t0 = now_s();
		if (tlog_consistency(t, c, sizes[j], o->entries, proof, &n,
		    &e) == -1) {
			fprintf(stderr, "tlog_bench: consistency from %lld: "
			    "%s\n", (long long)sizes[j], e.msg);
			goto out;
		}
		t1 = now_s();
		sc += t1 - t0;
		if (lat_add(&lc, (t1 - t0) * 1e6) == -1)
			goto out;
		if (merkle_verify_consistency(sizes[j], o->entries, roots[j],
		    root, (const merkle_hash *)proof, n) != 0) {
			fprintf(stderr, "tlog_bench: the consistency proof "
			    "from %lld does not verify\n", (long long)sizes[j]);
			goto out;
		}
		r->verified++;
	}
	r->incl_hashes = count > 0 ? hashes / (double)count : 0;
	lat_pct(&li, si, incl);
	lat_pct(&lc, sc, cons);
	rc = 0;
out:
	store_reader_put(st, c);
	free(li.v);
	free(lc.v);
	return rc;
}

static int
count_checkpoints(const char *dir, int64_t *out)
{
	char path[PATH_MAX_BENCH];
	sqlite3 *db;
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (db_path(path, sizeof(path), dir) == -1)
		return -1;
	db = plain_open(path, 0);
	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM checkpoints", -1, &s,
	    NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = 0;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}

/* Phase 1 for the store and the tlog, and phase 2. */
static int
bulk_tree(const struct opts *o, const char *root_dir, struct batch *b,
    struct results *r)
{
	char sdir[PATH_MAX_BENCH], tdir[PATH_MAX_BENCH];
	merkle_hash *roots = NULL, full, signed_hash;
	int64_t sizes[SIZES];
	uint64_t seed = 99;
	struct store *st = NULL;
	struct tlog *t = NULL;
	struct err e;
	int i, rc = -1;

	err_init(&e);
	tdir[0] = '\0';
	if (dir_make(sdir, sizeof(sdir), root_dir, "store") == -1)
		return -1;
	st = bench_store(sdir, &e);
	if (st == NULL || bulk_store(o, st, b, &r->t_store) == -1)
		goto out;
	r->bulk_store = (double)o->entries / r->t_store;
	store_close(st);
	st = NULL;
	dir_remove(sdir);
	sdir[0] = '\0';

	if (dir_make(tdir, sizeof(tdir), root_dir, "tlog") == -1)
		goto out;
	st = bench_store(tdir, &e);
	if (st == NULL)
		goto out;
	t = bench_tlog(tdir, st, 0, &e);
	if (t == NULL || bulk_store(o, st, b, &r->t_tlog) == -1)
		goto out;
	r->bulk_tlog = (double)o->entries / r->t_tlog;
	if (tlog_size(t) != o->entries) {
		fprintf(stderr, "tlog_bench: the tree has %lld leaves, not "
		    "%lld\n", (long long)tlog_size(t), (long long)o->entries);
		goto out;
	}
	/* The checkpoints signed during the import (before the one asked
	 * for below). */
	if (count_checkpoints(tdir, &r->checkpoints) == -1)
		goto out;

	roots = calloc(SIZES, sizeof(*roots));
	if (roots == NULL)
		goto out;
	for (i = 0; i < SIZES; i++)
		sizes[i] = 1 + (int64_t)(rnd(&seed) % (uint64_t)o->entries);
	qsort(sizes, SIZES, sizeof(sizes[0]), cmp_i64);
	if (hash_alone(o, b, sizes, roots, full, r, st) == -1)
		goto out;
	if (signed_root(t, o->entries, signed_hash) == -1)
		goto out;
	if (memcmp(full, signed_hash, MERKLE_HASH) != 0) {
		fprintf(stderr, "tlog_bench: the signed root differs from the "
		    "root of the entries hashed here\n");
		goto out;
	}
	r->verified = 0;
	if (proofs(o, o->proofs, t, st, sizes, (const merkle_hash *)roots,
	    full, &r->incl, &r->cons, r) == -1)
		goto out;
	tlog_cache_stats(t, &r->cache);
	/* The same proofs without the cache (as before it), fewer of them:
	 * the baseline of the cache in the same run. */
	tlog_close(t);
	r->t_reopen = now_s();
	t = bench_tlog(tdir, st, -1, &e);
	r->t_reopen = now_s() - r->t_reopen;
	r->proofs_raw = o->proofs < RAW_PROOFS ? o->proofs : RAW_PROOFS;
	if (t == NULL || proofs(o, r->proofs_raw, t, st, sizes,
	    (const merkle_hash *)roots, full, &r->incl_raw, &r->cons_raw,
	    r) == -1)
		goto out;
	rc = 0;
out:
	if (e.msg[0] != '\0')
		fprintf(stderr, "tlog_bench: %s\n", e.msg);
	free(roots);
	tlog_close(t);
	store_close(st);
	if (sdir[0] != '\0')
		dir_remove(sdir);
	if (tdir[0] != '\0')
		dir_remove(tdir);
	return rc;
}

/* --- phase 3: durable single appends from many threads --- */

struct crun {
	struct store *st;               /* NULL: plain SQLite */
	sqlite3 *db;
	sqlite3_stmt *ins;
	pthread_mutex_t mu;             /* plain: the one connection */
	int64_t next_idx;               /* plain: under mu */
	atomic_int go, stop, fail;
	atomic_llong serial;            /* entry numbers for the bytes */
};

struct cthread {
	struct crun *r;
	struct lat lat;
	pthread_t tid;
};

static int
append_one(struct crun *r, struct prep *p)
{
	struct store_job job = {NULL, job_entry, p};
	struct err e;
	int rc;

	if (r->st != NULL) {
		err_init(&e);
		if (store_write(r->st, &job, NULL, &e) == -1) {
			fprintf(stderr, "tlog_bench: store_write: %s\n", e.msg);
			return -1;
		}
		return 0;
	}
	pthread_mutex_lock(&r->mu);
	rc = plain_insert(r->db, r->ins, r->next_idx, p->bytes, p->len);
	if (rc == 0)
		r->next_idx++;
	pthread_mutex_unlock(&r->mu);
	return rc;
}

static void *
client_main(void *arg)
{
	struct cthread *ct = arg;
	struct crun *r = ct->r;
	char bytes[ENTRY_MAX];
	struct prep p;

	while (!atomic_load(&r->go))
		sched_yield();
	while (!atomic_load(&r->stop)) {
		int64_t i = atomic_fetch_add(&r->serial, 1);
		double t0;

		if (entry_make(&p, bytes, sizeof(bytes), i) == 0)
			break;
		t0 = now_s();
		if (append_one(r, &p) == -1 ||
		    lat_add(&ct->lat, (now_s() - t0) * 1e6) == -1) {
			atomic_store(&r->fail, 1);
			break;
		}
	}
	return NULL;
}

static int
clients_run(const struct opts *o, struct crun *r, struct pct *out)
{
	struct cthread *ct;
	struct lat all = {NULL, 0, 0};
	struct timespec ts;
	double t0, secs;
	int64_t i, started = 0;
	size_t j;
	int rc = -1;

	ct = calloc((size_t)o->clients, sizeof(*ct));
	if (ct == NULL)
		return -1;
	for (i = 0; i < o->clients; i++) {
		ct[i].r = r;
		if (pthread_create(&ct[i].tid, NULL, client_main, &ct[i]) != 0)
			break;
		started++;
	}
	t0 = now_s();
	atomic_store(&r->go, 1);
	ts.tv_sec = (time_t)o->seconds;
	ts.tv_nsec = 0;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
	atomic_store(&r->stop, 1);
	for (i = 0; i < started; i++)
		pthread_join(ct[i].tid, NULL);
	secs = now_s() - t0;
	if (started == o->clients && !atomic_load(&r->fail)) {
		rc = 0;
		for (i = 0; i < started && rc == 0; i++)
			for (j = 0; j < ct[i].lat.n; j++)
				if (lat_add(&all, ct[i].lat.v[j]) == -1) {
					rc = -1;
					break;
				}
		lat_pct(&all, secs, out);
	}
	for (i = 0; i < o->clients; i++)
		free(ct[i].lat.v);
	free(ct);
	free(all.v);
	return rc;
}

static void
crun_init(struct crun *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	atomic_init(&r->go, 0);
	atomic_init(&r->stop, 0);
	atomic_init(&r->fail, 0);
	atomic_init(&r->serial, 0);
}

#define SEAL_ROUNDS 5

/* User and system CPU time of the process so far, in seconds. */
static double
cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* One run of durable appends through the store with the tlog, with
 * sealing on or off, in a fresh directory. */
static int
tlog_appends(const struct opts *o, const char *root_dir, int seal,
    struct pct *out)
{
	char dir[PATH_MAX_BENCH];
	struct crun cr;
	struct tlog *t = NULL;
	struct err e;
	double cpu0;
	int rc = -1;

	err_init(&e);
	crun_init(&cr);
	if (dir_make(dir, sizeof(dir), root_dir, seal ? "append-tlog" :
	    "append-unsealed") == -1)
		return -1;
	cr.st = bench_store(dir, &e);
	if (cr.st != NULL)
		t = bench_tlog(dir, cr.st, 0, &e);
	if (t == NULL)
		goto out;
	if (!seal)
		store_set_sealer(cr.st, NULL, NULL);
	cpu0 = cpu_s();
	if (clients_run(o, &cr, out) == -1)
		goto out;
	out->cpu_us = out->n > 0 ? (cpu_s() - cpu0) * 1e6 / (double)out->n :
	    0;
	if (tlog_size(t) != (int64_t)out->n) {
		fprintf(stderr, "tlog_bench: the tree has %lld leaves after "
		    "%zu appends\n", (long long)tlog_size(t), out->n);
		goto out;
	}
	rc = 0;
out:
	if (e.msg[0] != '\0')
		fprintf(stderr, "tlog_bench: %s\n", e.msg);
	tlog_close(t);
	store_close(cr.st);
	pthread_mutex_destroy(&cr.mu);
	dir_remove(dir);
	return rc;
}

/* CPU per append (us) over n runs together. */
static double
pct_cpu(const struct pct *runs, int n)
{
	double cpu = 0, count = 0;
	int i;

	for (i = 0; i < n; i++) {
		cpu += runs[i].cpu_us * (double)runs[i].n;
		count += (double)runs[i].n;
	}
	return count > 0 ? cpu / count : 0;
}

/* The run of median rate among n (n small). */
static struct pct
pct_median(const struct pct *runs, int n)
{
	int i, j, best = 0;

	for (i = 0; i < n; i++) {
		int below = 0;

		for (j = 0; j < n; j++)
			if (runs[j].per_s < runs[i].per_s ||
			    (runs[j].per_s == runs[i].per_s && j < i))
				below++;
		if (below == n / 2)
			best = i;
	}
	return runs[best];
}

static int
appends(const struct opts *o, const char *root_dir, struct results *r)
{
	char dir[PATH_MAX_BENCH], path[PATH_MAX_BENCH];
	struct crun cr;
	struct tlog *t = NULL;
	struct err e;
	int rc = -1;

	err_init(&e);
	/* Plain SQLite: one durable commit per insert, taking turns. */
	crun_init(&cr);
	if (dir_make(dir, sizeof(dir), root_dir, "append-plain") == -1 ||
	    db_path(path, sizeof(path), dir) == -1)
		return -1;
	cr.db = plain_open(path, 1);
	if (cr.db == NULL || sqlite3_prepare_v2(cr.db, "INSERT INTO "
	    "entries(idx, bytes) VALUES (?1, ?2)", -1, &cr.ins, NULL) !=
	    SQLITE_OK)
		goto out;
	if (clients_run(o, &cr, &r->app_plain) == -1)
		goto out;
	sqlite3_finalize(cr.ins);
	sqlite3_close(cr.db);
	cr.ins = NULL;
	cr.db = NULL;
	pthread_mutex_destroy(&cr.mu);
	dir_remove(dir);

	/* The store, group commit, no tree. */
	crun_init(&cr);
	if (dir_make(dir, sizeof(dir), root_dir, "append-store") == -1)
		return -1;
	cr.st = bench_store(dir, &e);
	if (cr.st == NULL || clients_run(o, &cr, &r->app_store) == -1)
		goto out;
	store_close(cr.st);
	cr.st = NULL;
	pthread_mutex_destroy(&cr.mu);
	dir_remove(dir);

	/* The store with the tlog, leaves sealed, against the same with the
	 * sealer taken off (plaintext leaves, as before issue 12): turn
	 * about, SEAL_ROUNDS runs each, the median run of each kept, so that
	 * what other jobs on the machine do falls on both alike. */
	{
		struct pct sealed[SEAL_ROUNDS], plain[SEAL_ROUNDS];
		int k;

		/* Which goes first alternates, so that neither always
		 * follows the other's clean-up. */
		for (k = 0; k < SEAL_ROUNDS; k++)
			if (tlog_appends(o, root_dir, k % 2 == 0,
			    k % 2 == 0 ? &sealed[k] : &plain[k]) == -1 ||
			    tlog_appends(o, root_dir, k % 2 != 0,
			    k % 2 != 0 ? &sealed[k] : &plain[k]) == -1)
				goto out;
		r->app_tlog = pct_median(sealed, SEAL_ROUNDS);
		r->app_unsealed = pct_median(plain, SEAL_ROUNDS);
		/* CPU per append over all the runs of each. */
		r->app_tlog.cpu_us = pct_cpu(sealed, SEAL_ROUNDS);
		r->app_unsealed.cpu_us = pct_cpu(plain, SEAL_ROUNDS);
	}
	rc = 0;
out:
	if (e.msg[0] != '\0')
		fprintf(stderr, "tlog_bench: %s\n", e.msg);
	tlog_close(t);
	store_close(cr.st);
	sqlite3_finalize(cr.ins);
	sqlite3_close(cr.db);
	pthread_mutex_destroy(&cr.mu);
	dir_remove(dir);
	return rc;
}

/* --- the report --- */

static void
report_shell(const struct opts *o, const struct results *r)
{
	printf("TLOG_ENTRIES=%lld\nTLOG_BATCH=%lld\nTLOG_ENTRY_BYTES=%.0f\n",
	    (long long)o->entries, (long long)o->batch,
	    (double)r->entry_bytes / (double)o->entries);
	printf("BULK_PLAIN=%.0f\nBULK_STORE=%.0f\nBULK_TLOG=%.0f\n",
	    r->bulk_plain, r->bulk_store, r->bulk_tlog);
	printf("BULK_PLAIN_S=%.2f\nBULK_STORE_S=%.2f\nBULK_TLOG_S=%.2f\n",
	    r->t_plain, r->t_store, r->t_tlog);
	printf("HASH_LEAF_S=%.3f\nHASH_NODE_S=%.3f\nHASH_LEAF_PCT=%.1f\n"
	    "HASH_ALL_PCT=%.1f\nHASH_LEAF_RATE=%.0f\nBULK_CHECKPOINTS=%lld\n",
	    r->t_leaf, r->t_node, 100 * r->t_leaf / r->t_tlog,
	    100 * (r->t_leaf + r->t_node) / r->t_tlog,
	    (double)o->entries / r->t_leaf, (long long)r->checkpoints);
	printf("PROOFS=%lld\nPROOF_HASHES=%.1f\nPROOFS_VERIFIED=%lld\n",
	    (long long)o->proofs, r->incl_hashes, (long long)r->verified);
	printf("READ_P50=%.1f\nREAD_P99=%.1f\nREAD_RATE=%.0f\n",
	    r->read.p50, r->read.p99, r->read.per_s);
	printf("INCL_P50=%.1f\nINCL_P99=%.1f\nINCL_RATE=%.0f\n",
	    r->incl.p50, r->incl.p99, r->incl.per_s);
	printf("CONS_P50=%.1f\nCONS_P99=%.1f\nCONS_RATE=%.0f\n",
	    r->cons.p50, r->cons.p99, r->cons.per_s);
	printf("PROOF_GOAL=%d\nPROOFS_RAW=%lld\n", PROOF_GOAL,
	    (long long)r->proofs_raw);
	printf("INCL_RAW_P50=%.1f\nINCL_RAW_RATE=%.0f\n",
	    r->incl_raw.p50, r->incl_raw.per_s);
	printf("CONS_RAW_P50=%.1f\nCONS_RAW_RATE=%.0f\n",
	    r->cons_raw.p50, r->cons_raw.per_s);
	printf("CACHE_TILES=%zu\nCACHE_CAP=%zu\nCACHE_HITS=%llu\n"
	    "CACHE_MISSES=%llu\n", r->cache.tiles, r->cache.cap,
	    (unsigned long long)r->cache.hits,
	    (unsigned long long)r->cache.misses);
	printf("APPEND_CLIENTS=%lld\nAPPEND_SECONDS=%lld\n",
	    (long long)o->clients, (long long)o->seconds);
	if (o->seconds == 0)
		return;
	printf("APPEND_PLAIN=%.0f\nAPPEND_PLAIN_P50=%.2f\n"
	    "APPEND_PLAIN_P99=%.2f\n", r->app_plain.per_s,
	    r->app_plain.p50 / 1000, r->app_plain.p99 / 1000);
	printf("APPEND_STORE=%.0f\nAPPEND_STORE_P50=%.2f\n"
	    "APPEND_STORE_P99=%.2f\n", r->app_store.per_s,
	    r->app_store.p50 / 1000, r->app_store.p99 / 1000);
	printf("APPEND_TLOG=%.0f\nAPPEND_TLOG_P50=%.2f\n"
	    "APPEND_TLOG_P99=%.2f\n", r->app_tlog.per_s,
	    r->app_tlog.p50 / 1000, r->app_tlog.p99 / 1000);
	printf("APPEND_UNSEALED=%.0f\nAPPEND_UNSEALED_P50=%.2f\n"
	    "APPEND_UNSEALED_P99=%.2f\n", r->app_unsealed.per_s,
	    r->app_unsealed.p50 / 1000, r->app_unsealed.p99 / 1000);
}

static void
report_text(const struct opts *o, const struct results *r)
{
	printf("bulk import: %lld entries of %.0f bytes on average, %lld per "
	    "commit\n", (long long)o->entries,
	    (double)r->entry_bytes / (double)o->entries, (long long)o->batch);
	printf("  %-40s %12.0f entries/s (%.2f s)\n", "plain SQLite (idx, "
	    "bytes)", r->bulk_plain, r->t_plain);
	printf("  %-40s %12.0f entries/s (%.2f s)\n", "custos store, no tree",
	    r->bulk_store, r->t_store);
	printf("  %-40s %12.0f entries/s (%.2f s), %lld checkpoints\n",
	    "custos store + tlog", r->bulk_tlog, r->t_tlog,
	    (long long)r->checkpoints);
	printf("  SHA-256 alone: leaves %.3f s (%.1f%% of the tlog run), "
	    "leaves + nodes %.3f s (%.1f%%)\n", r->t_leaf,
	    100 * r->t_leaf / r->t_tlog, r->t_leaf + r->t_node,
	    100 * (r->t_leaf + r->t_node) / r->t_tlog);
	printf("proofs in the %lld-entry tree, %lld of each, on one reader "
	    "(microseconds):\n", (long long)o->entries, (long long)o->proofs);
	printf("  %-40s p50 %8.1f  p99 %8.1f  %10.0f/s\n",
	    "plain SQLite: read an entry by index", r->read.p50, r->read.p99,
	    r->read.per_s);
	printf("  %-40s p50 %8.1f  p99 %8.1f  %10.0f/s (%.1f hashes)\n",
	    "tlog_inclusion", r->incl.p50, r->incl.p99, r->incl.per_s,
	    r->incl_hashes);
	printf("  %-40s p50 %8.1f  p99 %8.1f  %10.0f/s\n",
	    "tlog_consistency", r->cons.p50, r->cons.p99, r->cons.per_s);
	printf("  %-40s %28s%10d/s  inclusion %s, consistency %s\n",
	    "goal (issue 10)", "", PROOF_GOAL,
	    r->incl.per_s >= PROOF_GOAL ? "met" : "NOT met",
	    r->cons.per_s >= PROOF_GOAL ? "met" : "NOT met");
	printf("  tile cache: %zu of %zu tiles held, %llu hits, %llu misses "
	    "(hashes asked of it)\n", r->cache.tiles, r->cache.cap,
	    (unsigned long long)r->cache.hits,
	    (unsigned long long)r->cache.misses);
	printf("  without the tile cache (as before it), %lld of each:\n",
	    (long long)r->proofs_raw);
	printf("  %-40s p50 %8.1f  p99 %8.1f  %10.0f/s\n",
	    "tlog_inclusion, no cache", r->incl_raw.p50, r->incl_raw.p99,
	    r->incl_raw.per_s);
	printf("  %-40s p50 %8.1f  p99 %8.1f  %10.0f/s\n",
	    "tlog_consistency, no cache", r->cons_raw.p50, r->cons_raw.p99,
	    r->cons_raw.per_s);
	printf("  start-up check (every leaf sealed again and compared, the "
	    "tree rebuilt) of %lld entries: %.2f s\n", (long long)o->entries,
	    r->t_reopen);
	printf("  %lld proofs verified against the signed checkpoint\n",
	    (long long)r->verified);
	if (o->seconds == 0)
		return;
	printf("durable single appends, %lld threads, %lld s each "
	    "(milliseconds; the tlog runs: median of %d, sealed and unsealed "
	    "in turn):\n", (long long)o->clients, (long long)o->seconds,
	    SEAL_ROUNDS);
	printf("  %-40s %10.0f/s  p50 %7.2f  p99 %7.2f\n",
	    "plain SQLite, a commit per insert", r->app_plain.per_s,
	    r->app_plain.p50 / 1000, r->app_plain.p99 / 1000);
	printf("  %-40s %10.0f/s  p50 %7.2f  p99 %7.2f\n",
	    "custos store, no tree", r->app_store.per_s,
	    r->app_store.p50 / 1000, r->app_store.p99 / 1000);
	printf("  %-40s %10.0f/s  p50 %7.2f  p99 %7.2f\n",
	    "custos store + tlog, leaves sealed", r->app_tlog.per_s,
	    r->app_tlog.p50 / 1000, r->app_tlog.p99 / 1000);
	printf("  %-40s %10.0f/s  p50 %7.2f  p99 %7.2f\n",
	    "custos store + tlog, unsealed (before)", r->app_unsealed.per_s,
	    r->app_unsealed.p50 / 1000, r->app_unsealed.p99 / 1000);
	printf("  sealing costs %.1f%% of durable appends/s (goal: <= 10%%); "
	    "CPU per append %.1f us sealed, %.1f us unsealed (%+.1f%%)\n",
	    r->app_unsealed.per_s > 0 ? 100 * (1 - r->app_tlog.per_s /
	    r->app_unsealed.per_s) : 0.0, r->app_tlog.cpu_us,
	    r->app_unsealed.cpu_us, r->app_unsealed.cpu_us > 0 ?
	    100 * (r->app_tlog.cpu_us / r->app_unsealed.cpu_us - 1) : 0.0);
}

/* --- PostgreSQL (-S) --- */

static int
pg_ok(PGconn *pg, PGresult *r, const char *what)
{
	ExecStatusType st = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	fprintf(stderr, "tlog_bench: PostgreSQL: %s: %s", what,
	    PQerrorMessage(pg));
	PQclear(r);
	return -1;
}

/* url (postgresql://...) with its database replaced by db, the query
 * string kept. */
static int
pg_db_url(char *out, size_t size, const char *url, const char *db)
{
	const char *q = strchr(url, '?');
	const char *auth = strstr(url, "://");
	const char *end = q != NULL ? q : url + strlen(url);
	const char *slash;

	if (auth == NULL)
		return -1;
	slash = memchr(auth + 3, '/', (size_t)(end - (auth + 3)));
	if (slash == NULL)
		slash = end;
	return str_printf(out, size, "%.*s/%s%s", (int)(slash - url), url, db,
	    q != NULL ? q : "");
}

struct copybuf {
	uint8_t *p;
	size_t n, cap;
};

static int
cb_need(struct copybuf *c, size_t n)
{
	size_t cap = c->cap > 0 ? c->cap : 1 << 20;
	uint8_t *q;

	if (c->n + n <= c->cap)
		return 0;
	while (cap < c->n + n)
		cap *= 2;
	q = realloc(c->p, cap);
	if (q == NULL)
		return -1;
	c->p = q;
	c->cap = cap;
	return 0;
}

static void
cb_u16(struct copybuf *c, uint16_t v)
{
	v = htons(v);
	memcpy(c->p + c->n, &v, 2);
	c->n += 2;
}

static void
cb_u32(struct copybuf *c, uint32_t v)
{
	v = htonl(v);
	memcpy(c->p + c->n, &v, 4);
	c->n += 4;
}

static void
cb_int8(struct copybuf *c, int64_t v)
{
	cb_u32(c, 8);
	cb_u32(c, (uint32_t)((uint64_t)v >> 32));
	cb_u32(c, (uint32_t)((uint64_t)v & 0xffffffffu));
}

static void
cb_str(struct copybuf *c, const char *v, size_t n)
{
	cb_u32(c, (uint32_t)n);
	memcpy(c->p + c->n, v, n);
	c->n += n;
}

/* The batch's rows as COPY binary data, entries' columns in order. */
static int
copy_encode(struct copybuf *c, const struct batch *b, int64_t first)
{
	static const char sig[11] = "PGCOPY\n\377\r\n";
	size_t i;

	c->n = 0;
	if (cb_need(c, 32) == -1)
		return -1;
	memcpy(c->p, sig, sizeof(sig));
	c->n = sizeof(sig);
	cb_u32(c, 0);
	cb_u32(c, 0);
	for (i = 0; i < b->n; i++) {
		const struct prep *p = &b->p[i];
		const char *v[6] = {p->actor, p->tenant, p->action, p->session,
		    p->device, p->source};
		size_t k, need = 2 + 12 * 4 + 3 * 8 + p->len + strlen(p->vendor);

		for (k = 0; k < 6; k++)
			need += strlen(v[k]);
		if (cb_need(c, need) == -1)
			return -1;
		cb_u16(c, 12);
		cb_int8(c, first + (int64_t)i);
		cb_int8(c, p->time_ms / 1000);
		for (k = 0; k < 6; k++)
			cb_str(c, v[k], strlen(v[k]));
		cb_int8(c, 1);
		cb_str(c, p->bytes, p->len);
		cb_str(c, p->vendor, strlen(p->vendor));
		cb_u32(c, 0xffffffffu);         /* leaf: NULL, no sealer */
	}
	if (cb_need(c, 2) == -1)
		return -1;
	cb_u16(c, 0xffff);
	return 0;
}

static int
copy_send(PGconn *pg, const struct copybuf *c)
{
	PGresult *r = PQexec(pg, "COPY bench_copy(idx, time, actor_id, "
	    "tenant_id, action, session_id, device_id, source, allowed, "
	    "bytes, vendor_id, leaf) FROM STDIN (FORMAT binary)");
	int rc = 0;

	if (r == NULL || PQresultStatus(r) != PGRES_COPY_IN)
		return pg_ok(pg, r, "COPY bench_copy");
	PQclear(r);
	if (PQputCopyData(pg, (const char *)c->p, (int)c->n) != 1 ||
	    PQputCopyEnd(pg, NULL) != 1)
		rc = -1;
	while ((r = PQgetResult(pg)) != NULL)
		if (pg_ok(pg, r, "COPY bench_copy") == -1)
			rc = -1;
	return rc;
}

/* The plain COPY of the same rows; the seconds spent. */
static int
pg_copy_plain(const struct opts *o, PGconn *pg, struct batch *b,
    double *spent)
{
	struct copybuf c = {NULL, 0, 0};
	int64_t first;
	double t0;
	int rc = -1;

	*spent = 0;
	if (pg_ok(pg, PQexec(pg, "CREATE TABLE bench_copy (LIKE entries "
	    "INCLUDING ALL)"), "CREATE TABLE bench_copy") == -1)
		return -1;
	for (first = 0; first < o->entries; first += o->batch) {
		size_t n = (size_t)(o->entries - first < o->batch ?
		    o->entries - first : o->batch);

		if (batch_fill(b, first, n, NULL) == -1)
			goto out;
		t0 = now_s();
		if (pg_ok(pg, PQexec(pg, "BEGIN"), "BEGIN") == -1 ||
		    copy_encode(&c, b, first) == -1 ||
		    copy_send(pg, &c) == -1 ||
		    pg_ok(pg, PQexec(pg, "COMMIT"), "COMMIT") == -1)
			goto out;
		*spent += now_s() - t0;
	}
	rc = 0;
out:
	free(c.p);
	return rc;
}

static int
pg_bench(const struct opts *o)
{
	static const struct clock clk = {NULL};
	char db[64], sql[128], url[PATH_MAX_BENCH];
	struct store_config cfg;
	struct batch b;
	struct store *st;
	PGconn *admin, *pg = NULL;
	struct err e;
	double t_store = 0, t_copy = 0, r_store, r_copy;
	int rc = -1;

	admin = PQconnectdb(o->pg_url);
	if (PQstatus(admin) != CONNECTION_OK) {
		fprintf(stderr, "tlog_bench: PostgreSQL: %s",
		    PQerrorMessage(admin));
		PQfinish(admin);
		return -1;
	}
	str_printf(db, sizeof(db), "tlog_bench_%d", (int)getpid());
	str_printf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE template0 "
	    "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'", db);
	if (pg_ok(admin, PQexec(admin, sql), "CREATE DATABASE") == -1) {
		PQfinish(admin);
		return -1;
	}
	if (batch_init(&b, (size_t)o->batch) == -1 ||
	    pg_db_url(url, sizeof(url), o->pg_url, db) == -1) {
		fprintf(stderr, "tlog_bench: out of memory\n");
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_pg_ops;
	cfg.where = url;
	cfg.readers = 2;
	cfg.clock = &clk;
	cfg.node = "bench";
	err_init(&e);
	st = store_open(&cfg, &e);
	if (st == NULL) {
		fprintf(stderr, "tlog_bench: store_open (PostgreSQL): %s\n",
		    e.msg);
		goto out;
	}
	store_init_done(st);
	rc = bulk_store(o, st, &b, &t_store);
	store_close(st);
	if (rc == -1)
		goto out;
	rc = -1;
	pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "tlog_bench: PostgreSQL: %s",
		    PQerrorMessage(pg));
		goto out;
	}
	if (pg_copy_plain(o, pg, &b, &t_copy) == -1)
		goto out;
	r_store = (double)o->entries / t_store;
	r_copy = (double)o->entries / t_copy;
	if (o->shell) {
		printf("PG_ENTRIES=%lld\nPG_BATCH=%lld\n", (long long)o->entries,
		    (long long)o->batch);
		printf("PG_BULK_STORE=%.0f\nPG_BULK_COPY=%.0f\n"
		    "PG_BULK_RATIO=%.3f\n", r_store, r_copy, r_store / r_copy);
	} else {
		printf("bulk import on PostgreSQL: %lld entries, %lld per "
		    "commit\n", (long long)o->entries, (long long)o->batch);
		printf("  %-40s %12.0f entries/s (%.2f s)\n", "plain COPY "
		    "(FORMAT binary) into bench_copy", r_copy, t_copy);
		printf("  %-40s %12.0f entries/s (%.2f s)\n", "custos store "
		    "(store_pg_ops), no tree", r_store, t_store);
		printf("  ratio %.2f (goal %.2f: %s)\n", r_store / r_copy,
		    PG_RATIO_GOAL, r_store / r_copy >= PG_RATIO_GOAL ? "met" :
		    "NOT met");
	}
	rc = 0;
out:
	PQfinish(pg);
	batch_cleanup(&b);
	str_printf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
	    db);
	if (pg_ok(admin, PQexec(admin, sql), "DROP DATABASE") == -1)
		rc = -1;
	PQfinish(admin);
	return rc;
}

static int
opt_num(int64_t *out, const char *s, int64_t min, int64_t max, char flag)
{
	if (num_parse_i64(out, s, min, max) == -1) {
		fprintf(stderr, "tlog_bench: -%c wants a number from %lld to "
		    "%lld\n", flag, (long long)min, (long long)max);
		return -1;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: tlog_bench [-s] [-n ENTRIES] [-b BATCH] "
	    "[-p PROOFS] [-c CLIENTS] [-t SECONDS] [-d DIR]\n"
	    "       tlog_bench -S postgresql://... [-s] [-n ENTRIES] "
	    "[-b BATCH]\n");
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct results r;
	struct batch b;
	char root[PATH_MAX_BENCH], dir[PATH_MAX_BENCH];
	const char *tmp;
	int ch, rc = 1;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	o.entries = 1000000;
	o.batch = 10000;
	o.proofs = 10000;
	o.clients = 64;
	o.seconds = 3;
	tmp = getenv("TMPDIR");
	o.dir = tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp";
	while ((ch = getopt(argc, argv, "sn:b:p:c:t:d:S:")) != -1) {
		int bad = 0;

		switch (ch) {
		case 's':
			o.shell = 1;
			break;
		case 'n':
			bad = opt_num(&o.entries, optarg, 1, ENTRIES_MAX, 'n');
			break;
		case 'b':
			bad = opt_num(&o.batch, optarg, 1, BATCH_MAX, 'b');
			break;
		case 'p':
			bad = opt_num(&o.proofs, optarg, 1, PROOFS_MAX, 'p');
			break;
		case 'c':
			bad = opt_num(&o.clients, optarg, 1, CLIENTS_MAX, 'c');
			break;
		case 't':
			bad = opt_num(&o.seconds, optarg, 0, SECONDS_MAX, 't');
			break;
		case 'd':
			o.dir = optarg;
			break;
		case 'S':
			o.pg_url = optarg;
			break;
		default:
			bad = -1;
			break;
		}
		if (bad == -1) {
			usage();
			return 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if (o.entries < SIZES) {
		fprintf(stderr, "tlog_bench: -n must be at least %d\n", SIZES);
		return 2;
	}
	log_set_quiet(1);
	if (sodium_init() < 0) {
		fprintf(stderr, "tlog_bench: cannot initialise libsodium\n");
		return 1;
	}
	if (o.pg_url != NULL)
		return pg_bench(&o) == 0 ? 0 : 1;
	if (str_printf(root, sizeof(root), "%s/tlog-bench.XXXXXX", o.dir) ==
	    -1 || mkdtemp(root) == NULL) {
		fprintf(stderr, "tlog_bench: cannot create a directory in "
		    "%s: %s\n", o.dir, strerror(errno));
		return 1;
	}
	if (batch_init(&b, (size_t)o.batch) == -1) {
		fprintf(stderr, "tlog_bench: out of memory\n");
		goto out;
	}
	if (dir_make(dir, sizeof(dir), root, "plain") == -1)
		goto out;
	if (bulk_plain(&o, dir, &b, &r) == -1) {
		dir_remove(dir);
		goto out;
	}
	dir_remove(dir);
	if (bulk_tree(&o, root, &b, &r) == -1)
		goto out;
	if (o.seconds > 0 && appends(&o, root, &r) == -1)
		goto out;
	if (o.shell)
		report_shell(&o, &r);
	else
		report_text(&o, &r);
	rc = 0;
out:
	batch_cleanup(&b);
	rmdir(root);
	return rc;
}
