/* SPDX-License-Identifier: ISC */
/*
 * tenant_verify.c: `custos verify --tenant` (see tenant_verify.h and
 * docs/verify.md).
 *
 * The checkpoint comes with the access-log answer (the first page's, when
 * the server pages it): the answer claims to list every entry about the
 * tenant below that checkpoint's size, so the tree is checked up to that
 * same size and nothing is left between two checkpoints.  Entries the
 * answer lists below the size checked before were checked then and are
 * skipped; those at or above the checkpoint's size are the next run's.
 *
 * What the state file holds is trusted as known_hosts is: it is the last
 * tree this verifier saw, and every later tree must extend it.  It is
 * replaced (temporary file, rename) only after a check in which
 * everything held.
 */
#include "cli/tenant_verify.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/b64.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/str.h"
#include "tlog/leaf.h"
#include "tlog/merkle.h"
#include "tlog/proof.h"
#include "tlog/range.h"
#include "tlog/tenantcheck.h"
#include "tlog/tilepath.h"

#define TV_KEY_FILE_MAX 4096
#define TV_STATE_MAX ((size_t)256 << 20)
#define TV_ANSWER_MAX ((size_t)64 << 20)
#define TV_PAGES_MAX 100000     /* access-log pages followed */
#define TV_BUNDLE_MAX ((size_t)TILE_WIDTH * (2 + 0xffff))
#define TV_PATH_MAX 4096
#define HASH_B64_LEN sodium_base64_ENCODED_LEN(MERKLE_HASH, \
	sodium_base64_VARIANT_ORIGINAL)

struct tv {
	struct cli *ctx;
	struct verify *v;
	const struct note_verifier *vk;
	const struct tv_args *a;
	struct leaf_keys *k;            /* sodium_malloc */
	struct range from;              /* the tree checked before */
	json_t *own_before;             /* the tenant's indexes below it */
	json_t *pages;                  /* the access-log answer, paged */
	const char *src;                /* where the answer came from */
	struct checkpoint c;
	uint64_t bytes_bundles, bytes_log;
	size_t nbundles;
};

/* ---- the tenant's log key ---- */

/* The key's base64 from the file's bytes: {"tenant", "log_key",
 * "format"} as the server gives it, or the base64 alone. */
static int
key_text(struct verify *v, const char *file, const char *tenant,
    struct buf *b, const char **text, json_t **doc)
{
	const char *s, *fmt, *ten;

	*doc = NULL;
	*text = b->data;
	if (b->len == 0 || b->data[0] != '{')
		return 0;
	*doc = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, NULL);
	s = json_string_value(json_object_get(*doc, "log_key"));
	fmt = json_string_value(json_object_get(*doc, "format"));
	ten = json_string_value(json_object_get(*doc, "tenant"));
	if (s == NULL)
		return verify_report(v, 0, 0, "log-key", file, -1, "log key "
		    "%s: a JSON object without a 'log_key' string", file), -1;
	if (fmt != NULL && strcmp(fmt, LEAF_FORMAT) != 0)
		return verify_report(v, 0, 0, "log-key", file, -1, "log key "
		    "%s: format '%s', this custos reads %s", file, fmt,
		    LEAF_FORMAT), -1;
	if (ten != NULL && tenant != NULL && strcmp(ten, tenant) != 0)
		return verify_report(v, 0, 0, "log-key", file, -1, "log key "
		    "%s is tenant %s's, not %s's", file, ten, tenant), -1;
	*text = s;
	return 0;
}

int
tenant_verify_key(struct verify *v, const char *file, const char *tenant,
    struct leaf_keys **out)
{
	uint8_t raw[LEAF_KEY_BYTES + 3];
	const char *text;
	json_t *doc = NULL;
	struct buf b;
	size_t n;
	int rc = CLI_NEGATIVE;

	*out = NULL;
	buf_init_secret(&b, TV_KEY_FILE_MAX);
	if (cli_read_file(&b, file, 1) == -1) {
		rc = CLI_FAIL;
		goto out;
	}
	while (b.len > 0 && strchr("\r\n\t ", b.data[b.len - 1]) != NULL)
		b.data[--b.len] = '\0';
	if (key_text(v, file, tenant, &b, &text, &doc) == -1)
		goto out;
	if (b64_decode(raw, sizeof(raw), &n, text, strlen(text)) == -1 ||
	    n != LEAF_KEY_BYTES) {
		verify_report(v, 0, 0, "log-key", file, -1, "log key %s: not "
		    "%d bytes of base64 (custos tenant-log-key TENANT > FILE "
		    "saves it)", file, LEAF_KEY_BYTES);
		goto out;
	}
	*out = sodium_malloc(sizeof(**out));
	if (*out == NULL) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	leaf_keys_derive(*out, raw);
	verify_report(v, 1, 0, "log-key", file, -1, "log key: %s%s, from %s",
	    tenant != NULL ? "tenant " : "", tenant != NULL ? tenant : "a "
	    "tenant's", file);
	rc = CLI_OK;
out:
	sodium_memzero(raw, sizeof(raw));
	json_decref(doc);
	buf_cleanup(&b);
	return rc;
}

void
tenant_verify_key_free(struct leaf_keys *k)
{
	if (k == NULL)
		return;
	leaf_keys_wipe(k);
	sodium_free(k);
}

/* ---- the state ---- */

/* 1 when obj[key] is the string want. */
static int
jstr_is(const json_t *obj, const char *key, const char *want)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL && strcmp(s, want) == 0;
}

/* The saved range and the tenant's indexes, checked.  NULL, or what
 * does not hold. */
static const char *
state_parse(struct tv *t, json_t *s)
{
	merkle_hash h[RANGE_MAX], root, want;
	const json_t *arr, *x;
	const char *rs;
	json_int_t size, prev = -1;
	struct err e;
	size_t i, n;

	err_init(&e);
	if (!jstr_is(s, "format", TV_STATE_FORMAT))
		return "it is not a " TV_STATE_FORMAT " file";
	if (!jstr_is(s, "origin", t->vk->name) ||
	    !jstr_is(s, "tenant", t->a->tenant))
		return "it is another log's or another tenant's";
	size = json_integer_value(json_object_get(s, "size"));
	arr = json_object_get(s, "range");
	if (!json_is_array(arr) || proof_decode_hashes(h, RANGE_MAX, &n, arr,
	    "range", &e) == -1 || range_set(&t->from, size, h, n) == -1)
		return "its 'size' and 'range' do not go together";
	range_root(&t->from, root);
	rs = json_string_value(json_object_get(s, "root"));
	if (rs == NULL || b64_decode(want, sizeof(want), &n, rs,
	    strlen(rs)) == -1 || n != MERKLE_HASH ||
	    sodium_memcmp(root, want, MERKLE_HASH) != 0)
		return "its 'root' is not its range's";
	arr = json_object_get(s, "entries");
	if (!json_is_array(arr))
		return "it has no 'entries'";
	json_array_foreach(arr, i, x) {
		if (!json_is_integer(x) || json_integer_value(x) <= prev ||
		    json_integer_value(x) >= size)
			return "its 'entries' are not ascending indexes below "
			    "its size";
		prev = json_integer_value(x);
	}
	t->own_before = json_incref((json_t *)(uintptr_t)arr);
	return NULL;
}

/* Reads --state (absent: the first check, from the empty tree).
 * CLI_OK or CLI_FAIL (printed: a state that cannot be trusted stops the
 * check; remove it to start over). */
static int
state_load(struct tv *t)
{
	const char *why;
	struct stat st;
	json_error_t je;
	json_t *s = NULL;
	struct buf b;
	int rc = CLI_FAIL;

	range_init(&t->from);
	buf_init(&b, TV_STATE_MAX);
	if (t->a->state == NULL ||
	    (lstat(t->a->state, &st) == -1 && errno == ENOENT)) {
		t->own_before = json_array();
		rc = t->own_before != NULL ? CLI_OK : CLI_FAIL;
		goto out;
	}
	if (cli_read_file(&b, t->a->state, 1) == -1)
		goto out;
	s = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
	why = s == NULL ? "it is not JSON" : state_parse(t, s);
	if (why != NULL) {
		cli_warn("state %s: %s; remove it to check from the start",
		    t->a->state, why);
		goto out;
	}
	rc = CLI_OK;
out:
	json_decref(s);
	buf_cleanup(&b);
	return rc;
}

/* Writes the state after a check in which everything held. */
static int
state_save(struct tv *t, const struct tenantcheck *tc)
{
	char hb[HASH_B64_LEN];
	merkle_hash root;
	json_t *s, *range, *own;
	char *text = NULL;
	size_t i, len;
	int rc = CLI_FAIL;

	own = json_copy(t->own_before);
	range = json_array();
	for (i = 0; own != NULL && i < tc->nown; i++)
		json_array_append_new(own, json_integer(tc->own[i].index));
	for (i = 0; range != NULL && i < tc->r.n; i++) {
		sodium_bin2base64(hb, sizeof(hb), tc->r.h[i], MERKLE_HASH,
		    sodium_base64_VARIANT_ORIGINAL);
		json_array_append_new(range, json_string(hb));
	}
	if (own == NULL || range == NULL) {
		json_decref(own);
		json_decref(range);
		cli_warn("out of memory");
		return CLI_FAIL;
	}
	tenantcheck_root(tc, root);
	sodium_bin2base64(hb, sizeof(hb), root, MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL);
	s = json_pack("{s:s,s:s,s:s,s:I,s:s,s:o,s:o}", "format",
	    TV_STATE_FORMAT, "origin", t->vk->name, "tenant", t->a->tenant,
	    "size", (json_int_t)tc->r.size, "root", hb, "range", range,
	    "entries", own);
	if (s != NULL)
		own = json_object_get(s, "entries");
	/* json_dumpb: the text is ours to free (jansson's allocator is the
	 * CLI's wiping one). */
	len = s != NULL ? json_dumpb(s, NULL, 0, JSON_COMPACT) : 0;
	text = len > 0 ? malloc(len) : NULL;
	if (text == NULL || json_dumpb(s, text, len, JSON_COMPACT) != len) {
		cli_warn("out of memory");
		goto out;
	}
	if (cli_write_file(t->a->state, text, len, 0) == -1)
		goto out;
	verify_report(t->v, 1, 0, "state", t->a->state, -1, "state: %s now "
	    "holds the tree of size %" PRId64 " and the tenant's %zu "
	    "entries", t->a->state, tc->r.size, json_array_size(own));
	rc = CLI_OK;
out:
	free(text);
	json_decref(s);
	return rc;
}

/* ---- the access-log answer ---- */

/* A checkpoint's body, signature unchecked: only to know where paging
 * may stop (the first page's note is checked before anything counts). */
static int
checkpoint_peek(struct checkpoint *c, const char *note)
{
	const char *blank = strstr(note, "\n\n");
	struct err e;

	err_init(&e);
	if (blank == NULL)
		return -1;
	return checkpoint_parse(c, note, (size_t)(blank - note) + 1, &e);
}

/* GET /v1/tenants/T/access-log?start=N: one page into t->pages. */
static int
page_fetch(struct tv *t, int64_t start, json_t **page)
{
	struct buf path, answer;
	int rc;

	*page = NULL;
	buf_init(&path, TV_PATH_MAX);
	buf_init(&answer, TV_ANSWER_MAX);
	if (buf_puts(&path, "/v1/tenants/") == -1 ||
	    cli_path_segment(t->ctx, &path, "tenant", t->a->tenant) == -1 ||
	    buf_printf(&path, "/access-log?start=%" PRId64, start) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_http_json(&t->ctx->conn, "GET", path.data, NULL, &answer,
	    page);
	t->bytes_log += answer.len;
	if (rc == CLI_NEGATIVE)
		rc = CLI_FAIL;  /* refused: nothing was checked */
out:
	buf_cleanup(&answer);
	buf_cleanup(&path);
	return rc;
}

/* The answer: --access-log FILE, or the server's pages from the size
 * checked before until one reaches the first page's checkpoint.
 * CLI_OK, CLI_NEGATIVE (reported) or CLI_FAIL. */
static int
answer_load(struct tv *t)
{
	const json_t *next, *note;
	json_error_t je;
	json_t *page;
	struct buf b;
	int64_t start = t->from.size;
	size_t n;
	int rc;

	t->pages = json_array();
	if (t->pages == NULL)
		return CLI_FAIL;
	if (t->a->access_log != NULL) {
		t->src = t->a->access_log;
		buf_init(&b, TV_ANSWER_MAX);
		rc = cli_read_file(&b, t->a->access_log, 1) == -1 ? CLI_FAIL :
		    CLI_OK;
		page = rc == CLI_OK ? json_loadb(b.data, b.len,
		    JSON_REJECT_DUPLICATES, &je) : NULL;
		t->bytes_log += b.len;
		buf_cleanup(&b);
		if (rc != CLI_OK)
			return rc;
		if (!json_is_object(page)) {
			json_decref(page);
			verify_report(t->v, 0, 0, "access-log", t->src, -1,
			    "access log %s: not a JSON object", t->src);
			return CLI_NEGATIVE;
		}
		json_array_append_new(t->pages, page);
		return CLI_OK;
	}
	t->src = "GET access-log";
	for (n = 0; n < TV_PAGES_MAX; n++) {
		rc = page_fetch(t, start, &page);
		if (rc != CLI_OK)
			return rc;
		json_array_append_new(t->pages, page);
		if (n == 0) {
			note = json_object_get(page, "checkpoint");
			if (!json_is_string(note) || checkpoint_peek(&t->c,
			    json_string_value(note)) == -1)
				return CLI_OK;  /* the checks will say */
		}
		next = json_object_get(page, "next");
		if (!json_is_integer(next) ||
		    json_integer_value(next) >= t->c.size)
			return CLI_OK;
		if (json_integer_value(next) <= start) {
			verify_report(t->v, 0, 0, "access-log", t->src, -1,
			    "access log: page 'next' %" JSON_INTEGER_FORMAT
			    " does not advance", json_integer_value(next));
			return CLI_NEGATIVE;
		}
		start = json_integer_value(next);
	}
	verify_report(t->v, 0, 0, "access-log", t->src, -1, "access log: "
	    "more than %d pages", TV_PAGES_MAX);
	return CLI_NEGATIVE;
}

/* ---- the entry bundles ---- */

/* The bytes of the first width leaves of a bundle (a full tile saved in
 * place of a partial one), or 0 when it holds fewer. */
static size_t
bundle_prefix(const struct buf *b, int width)
{
	const uint8_t *p = (const uint8_t *)b->data;
	size_t off = 0, n;
	int i;

	for (i = 0; i < width; i++) {
		if (b->len - off < 2)
			return 0;
		n = (size_t)p[off] << 8 | p[off + 1];
		if (b->len - off - 2 < n)
			return 0;
		off += 2 + n;
	}
	return off;
}

/* Bundle number idx of width leaves from --tiles DIR: tile/entries/...,
 * or the full bundle when the partial one is not there. */
static int
bundle_read(struct tv *t, const struct tile_ref *ref, struct buf *out)
{
	struct tile_ref full = *ref;
	char rel[128], path[TV_PATH_MAX];
	struct stat st;
	size_t len;

	if (tilepath_format(rel, sizeof(rel), ref) == -1 ||
	    str_printf(path, sizeof(path), "%s/tile/%s", t->a->tiles,
	    rel) == -1)
		return CLI_FAIL;
	if (ref->width < TILE_WIDTH && lstat(path, &st) == -1 &&
	    errno == ENOENT) {
		full.width = TILE_WIDTH;
		if (tilepath_format(rel, sizeof(rel), &full) == -1 ||
		    str_printf(path, sizeof(path), "%s/tile/%s",
		    t->a->tiles, rel) == -1)
			return CLI_FAIL;
	}
	if (cli_read_file(out, path, 1) == -1)
		return CLI_FAIL;
	t->bytes_bundles += out->len;
	if (full.width != ref->width) {
		len = bundle_prefix(out, ref->width);
		if (len == 0)
			return CLI_FAIL;
		out->len = len;
	}
	return CLI_OK;
}

/* Bundle ref from the server's public tiles (no token sent). */
static int
bundle_fetch(struct tv *t, const struct tile_ref *ref, struct buf *out)
{
	char rel[128], path[256];
	long status;
	int rc;

	if (tilepath_format(rel, sizeof(rel), ref) == -1 ||
	    str_printf(path, sizeof(path), "/v1/log/tile/%s", rel) == -1)
		return CLI_FAIL;
	t->ctx->conn.anonymous = 1;
	rc = cli_http_request(&t->ctx->conn, "GET", path, NULL, 0, NULL,
	    &status, out);
	t->ctx->conn.anonymous = 0;
	if (rc == -1)
		return CLI_FAIL;
	t->bytes_bundles += out->len;
	return cli_http_exit(status) == CLI_OK ? CLI_OK : CLI_FAIL;
}

/* Every bundle from the size checked before to the checkpoint's, fed to
 * the check.  CLI_OK, CLI_NEGATIVE (reported) or CLI_FAIL. */
static int
bundles_check(struct tv *t, struct tenantcheck *tc)
{
	struct tile_ref ref;
	struct buf b;
	struct err e;
	int rc = CLI_OK;

	buf_init(&b, TV_BUNDLE_MAX);
	memset(&ref, 0, sizeof(ref));
	ref.entries = 1;
	while (rc == CLI_OK && tc->r.size < t->c.size) {
		ref.index = tc->r.size / TILE_WIDTH;
		ref.width = t->c.size - ref.index * TILE_WIDTH >= TILE_WIDTH ?
		    TILE_WIDTH : (int)(t->c.size - ref.index * TILE_WIDTH);
		buf_reset(&b);
		rc = t->a->tiles != NULL ? bundle_read(t, &ref, &b) :
		    bundle_fetch(t, &ref, &b);
		if (rc != CLI_OK) {
			cli_warn("cannot read entry bundle %" PRId64 " (%d "
			    "leaves)", ref.index, ref.width);
			break;
		}
		t->nbundles++;
		err_init(&e);
		if (tenantcheck_bundle(tc, ref.index, (const uint8_t *)b.data,
		    b.len, ref.width, &e) == -1) {
			verify_report(t->v, 0, 0, "tree", NULL, -1, "%s",
			    e.msg);
			rc = CLI_NEGATIVE;
		}
	}
	buf_cleanup(&b);
	return rc;
}

/* ---- the check ---- */

/* The first page's checkpoint, signed by vk, not older than the state.
 * 0, or -1 (reported). */
static int
checkpoint_check(struct tv *t)
{
	const json_t *p0 = json_array_get(t->pages, 0), *note, *size;
	const char *ten;

	ten = json_string_value(json_object_get(p0, "tenant"));
	if (ten != NULL && strcmp(ten, t->a->tenant) != 0) {
		verify_report(t->v, 0, 0, "access-log", t->src, -1, "access "
		    "log %s is about tenant %s, not %s", t->src, ten,
		    t->a->tenant);
		return -1;
	}
	note = json_object_get(p0, "checkpoint");
	if (!json_is_string(note)) {
		verify_report(t->v, 0, 0, "checkpoint", t->src, -1, "access "
		    "log %s: no 'checkpoint' (a signed note as text)", t->src);
		return -1;
	}
	if (verify_checkpoint_open(t->v, "checkpoint", "checkpoint of",
	    t->src, json_string_value(note), json_string_length(note), t->vk,
	    &t->c) == -1)
		return -1;
	size = json_object_get(p0, "size");
	if (size != NULL && (!json_is_integer(size) ||
	    json_integer_value(size) != t->c.size)) {
		verify_report(t->v, 0, 0, "access-log", t->src, -1, "access "
		    "log %s: its 'size' is not its checkpoint's, %" PRId64,
		    t->src, t->c.size);
		return -1;
	}
	if (t->c.size < t->from.size) {
		verify_report(t->v, 0, 0, "checkpoint", t->src, -1, "the "
		    "checkpoint (size %" PRId64 ") is older than the tree "
		    "checked before (size %" PRId64 ", %s): a rolled-back "
		    "log or an old answer", t->c.size, t->from.size,
		    t->a->state);
		return -1;
	}
	return 0;
}

/* The tree up to the checkpoint has its root.  0, or -1 (reported). */
static int
tree_check(struct tv *t, const struct tenantcheck *tc)
{
	merkle_hash root;

	tenantcheck_root(tc, root);
	if (sodium_memcmp(root, t->c.root, MERKLE_HASH) != 0) {
		verify_report(t->v, 0, 0, "tree", NULL, -1, "the leaves %"
		    PRId64 "..%" PRId64 " appended to the tree checked before "
		    "(size %" PRId64 ") do not give the checkpoint's root: "
		    "the log was rewritten since the last check, or the "
		    "bundles are not the log's", t->from.size, t->c.size - 1,
		    t->from.size);
		return -1;
	}
	verify_report(t->v, 1, 0, "tree", NULL, -1, "tree: %" PRId64 " new "
	    "leaves (%zu bundles, %" PRIu64 " bytes) give the checkpoint's "
	    "root: each is in the tree of size %" PRId64 ", which extends "
	    "the tree checked before (size %" PRId64 ")%s",
	    t->c.size - t->from.size, t->nbundles, t->bytes_bundles,
	    t->c.size, t->from.size, tc->foreign > 0 ? "; some leaves are "
	    "not custos-leaf-v1" : "");
	return 0;
}

/* Every listed entry in [S, N), then what the answer left out. */
static void
entries_check(struct tv *t, struct tenantcheck *tc)
{
	const struct tenantcheck_own *o;
	const json_t *page, *list, *en, *ix;
	size_t p, i, listed = 0, bad = 0, hidden = 0;
	int64_t index;
	struct err e;
	json_t *rec;

	json_array_foreach(t->pages, p, page) {
		list = json_object_get(page, "entries");
		if (!json_is_array(list)) {
			verify_report(t->v, 0, 0, "access-log", t->src, -1,
			    "access log %s: 'entries' is not an array",
			    t->src);
			bad++;
			continue;
		}
		json_array_foreach(list, i, en) {
			ix = json_object_get(en, "index");
			if (json_is_integer(ix) && (json_integer_value(ix) <
			    tc->from || json_integer_value(ix) >= tc->r.size))
				continue;       /* checked before, or next */
			err_init(&e);
			listed++;
			if (tenantcheck_entry(tc, en, &index, &e) == 0)
				continue;
			bad++;
			verify_report(t->v, 0, 0, "entry", t->src, index,
			    "entry %" PRId64 " of %s: %s", index, t->src,
			    e.msg);
		}
	}
	i = 0;
	while ((o = tenantcheck_missing(tc, &i)) != NULL) {
		hidden++;
		verify_report(t->v, 0, 0, "complete", t->src, o->index,
		    "entry %" PRId64 " carries tenant %s's tag but the access "
		    "log does not list it: an entry about the tenant was "
		    "hidden", o->index, t->a->tenant);
	}
	rec = verify_report(t->v, bad == 0 && hidden == 0, 0, "complete",
	    t->src, -1, "tenant %s: %zu entries in [%" PRId64 ", %" PRId64
	    ") carry its tag; the access log lists %zu there, %zu failed, "
	    "%zu hidden%s", t->a->tenant, tc->nown, tc->from, tc->r.size,
	    listed, bad, hidden, bad == 0 && hidden == 0 ? " (exactly "
	    "those, each opening to the event shown)" : "");
	if (rec != NULL) {
		json_object_set_new(rec, "own", json_integer((json_int_t)
		    tc->nown));
		json_object_set_new(rec, "hidden", json_integer((json_int_t)
		    hidden));
		json_object_set_new(rec, "bytes_bundles", json_integer(
		    (json_int_t)t->bytes_bundles));
		json_object_set_new(rec, "bytes_log", json_integer(
		    (json_int_t)t->bytes_log));
	}
}

int
tenant_verify(struct cli *ctx, struct verify *v,
    const struct note_verifier *vk, const struct tv_args *a)
{
	struct tenantcheck tc;
	struct tv t;
	int rc;

	memset(&t, 0, sizeof(t));
	memset(&tc, 0, sizeof(tc));
	t.ctx = ctx;
	t.v = v;
	t.vk = vk;
	t.a = a;
	rc = tenant_verify_key(v, a->log_key, a->tenant, &t.k);
	if (rc == CLI_OK)
		rc = state_load(&t);
	if (rc == CLI_OK)
		rc = answer_load(&t);
	if (rc != CLI_OK || checkpoint_check(&t) == -1)
		goto out;
	if (tenantcheck_init(&tc, t.k, a->tenant, &t.from) == -1) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	rc = bundles_check(&t, &tc);
	if (rc != CLI_OK || tree_check(&t, &tc) == -1)
		goto out;
	entries_check(&t, &tc);
	if (v->checks == NULL)
		printf("%s: %" PRIu64 " bytes of entry bundles, %" PRIu64
		    " bytes of access log\n", a->tiles != NULL ||
		    a->access_log != NULL ? "read" : "downloaded",
		    t.bytes_bundles, t.bytes_log);
	if (v->failed == 0 && a->state != NULL)
		rc = state_save(&t, &tc);
out:
	if (rc == CLI_NEGATIVE)
		rc = CLI_OK;    /* reported: v says it failed */
	tenantcheck_cleanup(&tc);
	json_decref(t.pages);
	json_decref(t.own_before);
	tenant_verify_key_free(t.k);
	return rc;
}
