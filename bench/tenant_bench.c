/* SPDX-License-Identifier: ISC */
/*
 * tenant_bench: what a tenant downloads and spends to check its entries
 * in a log of a million (issue 12, item 2), in-process, with the code of
 * `custos verify --tenant` (tlog/tenantcheck).
 *
 * It synthesises a log of N custos-leaf-v1 leaves: every E-th entry is
 * the tenant's (a real entry, sealed under the tenant's log key), one in
 * E another tenant's (sealed under its key), the rest random leaves
 * (which is what other tenants' leaves look like to this one).  It signs
 * a checkpoint, builds the entry bundles (C2SP, 16-bit length prefixes)
 * and the tenant's access-log answer ({tenant, checkpoint, size,
 * entries: [{index, leaf, sealed, event}]}, as text), then times:
 *
 *   first        the check of [0, N): every bundle, the root, the answer
 *                parsed and every entry of the tenant opened and compared;
 *   incremental  K more entries, checked from the compact range at N:
 *                the bundles from the one holding N (a partial one is
 *                fetched again whole) and the answer's page from N.
 *
 * Bytes are what the verifier would download: the bundles' bytes and the
 * answer's.  HTTP headers and round trips are not counted.
 *
 * With -w DIR it also writes that log for the CLI (the integration test
 * test_verify_tenant.py runs custos verify --tenant on it):
 *   DIR/tile/entries/...   every bundle, full and partial, of both sizes
 *   DIR/key.txt            the verifier key
 *   DIR/log-key.json       the tenant's log key, as GET .../log-key gives
 *   DIR/access-log-1.json  the answer at size N
 *   DIR/access-log-2.json  the answer at size N + K
 *   DIR/other.json         {entries: [...]} of the other tenant's entries
 *
 * usage: tenant_bench [-s] [-n N] [-k K] [-e E] [-w DIR]
 * With -s it prints NAME=number lines for scripts/bench.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/num.h"
#include "common/str.h"
#include "tlog/leaf.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/range.h"
#include "tlog/tenantcheck.h"
#include "tlog/tilepath.h"

#define ORIGIN "bench.custos.example/log"
#define TENANT "acme"
#define OTHER "globex"

struct world {
	int64_t n;                      /* leaves */
	int64_t every;                  /* the tenant's: index % every == 0 */
	uint8_t (*leaves)[LEAF_BYTES];
	struct leaf_keys kt, ko;        /* the tenant's, the other one's */
	uint8_t lk[LEAF_KEY_BYTES];     /* the tenant's log key */
	uint8_t pk[32], sk[64];         /* the log's signing key */
	json_t *mine, *other;           /* entry objects, ascending */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "tenant_bench: %s\n", what);
	exit(1);
}

static json_t *
b64(const void *p, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(len);
	json_t *j;

	if (s == NULL)
		die("out of memory");
	sodium_bin2base64(s, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	j = json_string(s);
	free(s);
	return j;
}

/* A real entry about tenant, as custosd writes it, sealed at index. */
static json_t *
sealed_entry(struct world *w, const struct leaf_keys *k, const char *tenant,
    int64_t index)
{
	char ev[1024];
	struct buf body;
	struct err e;
	json_t *o;

	err_init(&e);
	if (str_printf(ev, sizeof(ev), "{\"v\":1,\"time\":\"2026-11-21T08:"
	    "18:27.616Z\",\"actor\":{\"kind\":\"engineer\",\"id\":\"eng%"
	    PRId64 "\",\"vendor\":\"sitel\"},\"session\":\"ses_%" PRId64
	    "\",\"device\":\"dev1\",\"source\":\"192.0.2.7\",\"action\":"
	    "\"user.list\",\"tenant\":\"%s\",\"target\":null,\"outcome\":"
	    "\"allowed\",\"reason\":null,\"detail\":{\"ticket\":\"T-%" PRId64
	    "\"}}", index % 40, index, tenant, index) == -1)
		die("event too long");
	buf_init(&body, 4096);
	if (leaf_seal(w->leaves[index], &body, k, index, ev, strlen(ev),
	    &e) == -1)
		die(e.msg);
	o = json_pack("{s:I,s:o,s:o,s:o}", "index", (json_int_t)index,
	    "leaf", b64(w->leaves[index], LEAF_BYTES), "sealed",
	    b64(body.data, body.len), "event", json_loads(ev, 0, NULL));
	buf_cleanup(&body);
	if (o == NULL)
		die("out of memory");
	return o;
}

/* Leaves [from, to). */
static void
world_grow(struct world *w, int64_t from, int64_t to)
{
	int64_t i;

	for (i = from; i < to; i++) {
		if (i % w->every == 0) {
			json_array_append_new(w->mine, sealed_entry(w, &w->kt,
			    TENANT, i));
		} else if (i % w->every == 1) {
			json_array_append_new(w->other, sealed_entry(w, &w->ko,
			    OTHER, i));
		} else {
			w->leaves[i][0] = LEAF_VERSION;
			randombytes_buf(w->leaves[i] + 1, LEAF_BYTES - 1);
		}
	}
}

static void
world_init(struct world *w, int64_t n, int64_t every)
{
	uint8_t ko[LEAF_KEY_BYTES];

	memset(w, 0, sizeof(*w));
	w->n = n;
	w->every = every;
	w->leaves = calloc((size_t)n, LEAF_BYTES);
	w->mine = json_array();
	w->other = json_array();
	if (w->leaves == NULL || w->mine == NULL || w->other == NULL)
		die("out of memory");
	randombytes_buf(w->lk, sizeof(w->lk));
	randombytes_buf(ko, sizeof(ko));
	leaf_keys_derive(&w->kt, w->lk);
	leaf_keys_derive(&w->ko, ko);
	crypto_sign_keypair(w->pk, w->sk);
}

/* The signed checkpoint of the first size leaves, into note. */
static void
checkpoint_sign(const struct world *w, int64_t size, struct buf *note)
{
	struct checkpoint c;
	struct range r;
	merkle_hash h;
	char body[512];
	int64_t i;

	range_init(&r);
	for (i = 0; i < size; i++) {
		merkle_leaf_hash(h, w->leaves[i], LEAF_BYTES);
		if (range_append(&r, h) == -1)
			die("range");
	}
	memset(&c, 0, sizeof(c));
	(void)str_copy(c.origin, sizeof(c.origin), ORIGIN);
	c.size = size;
	range_root(&r, c.root);
	buf_reset(note);
	if (checkpoint_format(body, sizeof(body), &c) == -1 ||
	    note_sign(note, body, strlen(body), ORIGIN, w->sk) == -1)
		die("cannot sign");
}

/* The answer at size: every entry of the tenant from `from` below it. */
static char *
answer_text(const struct world *w, int64_t from, int64_t size)
{
	json_t *a, *list = json_array(), *en;
	struct buf note;
	char *text;
	size_t i;
	int64_t ix;

	buf_init(&note, NOTE_MAX);
	checkpoint_sign(w, size, &note);
	json_array_foreach(w->mine, i, en) {
		ix = json_integer_value(json_object_get(en, "index"));
		if (ix >= from && ix < size)
			json_array_append(list, en);
	}
	a = json_pack("{s:s,s:s,s:I,s:o,s:n}", "tenant", TENANT,
	    "checkpoint", note.data, "size", (json_int_t)size, "entries", list,
	    "next");
	text = a != NULL ? json_dumps(a, JSON_COMPACT) : NULL;
	if (text == NULL)
		die("out of memory");
	json_decref(a);
	buf_cleanup(&note);
	return text;
}

/* Entry bundle idx of width leaves into b. */
static void
bundle(const struct world *w, int64_t idx, int width, struct buf *b)
{
	uint8_t be[2] = {0, LEAF_BYTES};
	int i;

	buf_reset(b);
	for (i = 0; i < width; i++)
		if (buf_append(b, be, 2) == -1 || buf_append(b,
		    w->leaves[idx * TILE_WIDTH + i], LEAF_BYTES) == -1)
			die("bundle");
}

struct figures {
	double seconds;
	uint64_t bytes_bundles, bytes_log;
	size_t own, bundles;
};

/*
 * One check from the range r (updated) to size, as custos verify
 * --tenant runs it: parse the answer, open its checkpoint, feed the
 * bundles, compare the root, check every listed entry and completeness.
 */
static void
check(const struct world *w, struct range *r, int64_t size,
    const char *answer, struct figures *f)
{
	struct note_verifier vk;
	struct tenantcheck tc;
	const json_t *en;
	struct checkpoint c;
	char vks[NOTE_VERIFIER_MAX];
	merkle_hash root;
	struct buf b;
	struct err e;
	json_t *a;
	size_t i, body_len, j = 0;
	int64_t idx, ix;
	int width;
	double t0;

	memset(f, 0, sizeof(*f));
	err_init(&e);
	buf_init(&b, (size_t)TILE_WIDTH * (2 + LEAF_BYTES));
	if (note_verifier_format(vks, sizeof(vks), ORIGIN, w->pk) == -1 ||
	    note_verifier_parse(&vk, vks, &e) == -1)
		die("verifier");
	t0 = now_s();
	f->bytes_log = strlen(answer);
	a = json_loads(answer, JSON_REJECT_DUPLICATES, NULL);
	en = json_object_get(a, "checkpoint");
	if (note_open(json_string_value(en), json_string_length(en), &vk,
	    &body_len, &e) == -1 || checkpoint_parse(&c,
	    json_string_value(en), body_len, &e) == -1 || c.size != size)
		die("checkpoint");
	if (tenantcheck_init(&tc, &w->kt, TENANT, r) == -1)
		die("init");
	while (tc.r.size < size) {
		idx = tc.r.size / TILE_WIDTH;
		width = size - idx * TILE_WIDTH >= TILE_WIDTH ? TILE_WIDTH :
		    (int)(size - idx * TILE_WIDTH);
		bundle(w, idx, width, &b);      /* "downloaded" */
		f->bytes_bundles += b.len;
		f->bundles++;
		if (tenantcheck_bundle(&tc, idx, (const uint8_t *)b.data,
		    b.len, width, &e) == -1)
			die(e.msg);
	}
	tenantcheck_root(&tc, root);
	if (sodium_memcmp(root, c.root, MERKLE_HASH) != 0)
		die("root");
	json_array_foreach(json_object_get(a, "entries"), i, en) {
		ix = json_integer_value(json_object_get(en, "index"));
		if (ix < tc.from || ix >= size)
			continue;
		if (tenantcheck_entry(&tc, en, &idx, &e) == -1)
			die(e.msg);
	}
	if (tenantcheck_missing(&tc, &j) != NULL)
		die("an entry was hidden");
	f->seconds = now_s() - t0;
	f->own = tc.nown;
	*r = tc.r;
	tenantcheck_cleanup(&tc);
	json_decref(a);
	buf_cleanup(&b);
}

/* mkdir -p of the directories of path. */
static void
mkdirs(const char *path)
{
	char tmp[4096], *p;

	if (str_copy(tmp, sizeof(tmp), path) == -1)
		die("path too long");
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
			die("mkdir");
		*p = '/';
	}
}

static void
file_put(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	if (str_printf(path, sizeof(path), "%s/%s", dir, name) == -1)
		die("path too long");
	mkdirs(path);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		die("cannot write a file");
}

/* The bundles of the tree of size leaves. */
static void
tiles_put(const struct world *w, const char *dir, int64_t size)
{
	struct tile_ref ref;
	char rel[128], name[160];
	struct buf b;

	buf_init(&b, (size_t)TILE_WIDTH * (2 + LEAF_BYTES));
	memset(&ref, 0, sizeof(ref));
	ref.entries = 1;
	for (ref.index = 0; ref.index * TILE_WIDTH < size; ref.index++) {
		ref.width = size - ref.index * TILE_WIDTH >= TILE_WIDTH ?
		    TILE_WIDTH : (int)(size - ref.index * TILE_WIDTH);
		if (tilepath_format(rel, sizeof(rel), &ref) == -1 ||
		    str_printf(name, sizeof(name), "tile/%s", rel) == -1)
			die("tile path");
		bundle(w, ref.index, ref.width, &b);
		file_put(dir, name, b.data, b.len);
	}
	buf_cleanup(&b);
}

static void
world_write(const struct world *w, const char *dir, int64_t n, int64_t k)
{
	char vks[NOTE_VERIFIER_MAX], *text;
	json_t *o;

	tiles_put(w, dir, n);
	tiles_put(w, dir, n + k);
	if (note_verifier_format(vks, sizeof(vks), ORIGIN, w->pk) == -1)
		die("verifier");
	file_put(dir, "key.txt", vks, strlen(vks));
	o = json_pack("{s:s,s:o,s:s}", "tenant", TENANT, "log_key",
	    b64(w->lk, sizeof(w->lk)), "format", LEAF_FORMAT);
	text = json_dumps(o, JSON_COMPACT);
	file_put(dir, "log-key.json", text, strlen(text));
	free(text);
	json_decref(o);
	text = answer_text(w, 0, n);
	file_put(dir, "access-log-1.json", text, strlen(text));
	free(text);
	text = answer_text(w, 0, n + k);
	file_put(dir, "access-log-2.json", text, strlen(text));
	free(text);
	o = json_pack("{s:O}", "entries", w->other);
	text = json_dumps(o, JSON_COMPACT);
	file_put(dir, "other.json", text, strlen(text));
	free(text);
	json_decref(o);
}

static int64_t
arg_i64(const char *s, int64_t min, int64_t max)
{
	int64_t v;

	if (num_parse_i64(&v, s, min, max) == -1)
		die("bad number");
	return v;
}

int
main(int argc, char **argv)
{
	struct figures first, inc;
	struct world w;
	struct range r;
	int64_t n = 1000000, k = 1000, every = 100;
	const char *dir = NULL;
	char *ans;
	int c, script = 0;
	double t0, gen;

	while ((c = getopt(argc, argv, "sn:k:e:w:")) != -1) {
		switch (c) {
		case 's': script = 1; break;
		case 'n': n = arg_i64(optarg, 1, INT64_C(1) << 32); break;
		case 'k': k = arg_i64(optarg, 1, INT64_C(1) << 32); break;
		case 'e': every = arg_i64(optarg, 2, INT64_C(1) << 32); break;
		case 'w': dir = optarg; break;
		default:
			fprintf(stderr, "usage: tenant_bench [-s] [-n N] [-k K] "
			    "[-e E] [-w DIR]\n");
			return 2;
		}
	}
	if (sodium_init() < 0)
		die("libsodium");
	t0 = now_s();
	world_init(&w, n + k, every);
	world_grow(&w, 0, n + k);
	gen = now_s() - t0;
	if (dir != NULL)
		world_write(&w, dir, n, k);

	range_init(&r);
	ans = answer_text(&w, 0, n);
	check(&w, &r, n, ans, &first);
	free(ans);
	ans = answer_text(&w, n, n + k);
	check(&w, &r, n + k, ans, &inc);
	free(ans);
	if (script) {
		printf("TENANT_N=%" PRId64 "\nTENANT_K=%" PRId64 "\n"
		    "TENANT_OWN=%zu\nTENANT_FIRST_S=%.3f\n"
		    "TENANT_FIRST_BUNDLE_BYTES=%" PRIu64 "\n"
		    "TENANT_FIRST_LOG_BYTES=%" PRIu64 "\n"
		    "TENANT_INC_S=%.4f\nTENANT_INC_BUNDLE_BYTES=%" PRIu64 "\n"
		    "TENANT_INC_LOG_BYTES=%" PRIu64 "\nTENANT_INC_OWN=%zu\n",
		    n, k, first.own, first.seconds, first.bytes_bundles,
		    first.bytes_log, inc.seconds, inc.bytes_bundles,
		    inc.bytes_log, inc.own);
	} else {
		printf("log of %" PRId64 " sealed leaves, 1 in %" PRId64
		    " the tenant's (made in %.1f s)\n", n, every, gen);
		printf("first check of [0, %" PRId64 "): %.3f s, %zu bundles "
		    "%" PRIu64 " bytes + access log %" PRIu64 " bytes (%zu "
		    "entries of the tenant)\n", n, first.seconds,
		    first.bundles, first.bytes_bundles, first.bytes_log,
		    first.own);
		printf("incremental check of %" PRId64 " new entries: %.4f s, "
		    "%zu bundles %" PRIu64 " bytes + access log %" PRIu64
		    " bytes (%zu entries of the tenant)\n", k, inc.seconds,
		    inc.bundles, inc.bytes_bundles, inc.bytes_log, inc.own);
	}
	json_decref(w.mine);
	json_decref(w.other);
	free(w.leaves);
	return 0;
}
