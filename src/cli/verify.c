/* SPDX-License-Identifier: ISC */
/*
 * verify.c: the offline checks (see verify.h).  A checkpoint counts only
 * when it is a C2SP signed note carrying a valid signature by the given
 * key and its origin line equals the key's name (C2SP leaves that pairing
 * to the log; custos always signs with its origin as the key name, and
 * requiring it stops a checkpoint of some other log signed by the same
 * key from being taken for this one).  Entries' leaves are read by the
 * one entry reader (audit/entry.h).
 */
#include "cli/verify.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/entry.h"
#include "common/b64.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/str.h"
#include "tlog/merkle.h"
#include "tlog/proof.h"

#define HASH_B64_LEN sodium_base64_ENCODED_LEN(MERKLE_HASH, \
	sodium_base64_VARIANT_ORIGINAL)

/* A leaf read from an entry object. */
struct leaf {
	int64_t index;
	uint8_t *bytes;         /* free() */
	size_t len;
	int sealed;             /* a custos-leaf-v1 leaf ... */
	struct buf plain;       /* ... and its body opened (with --log-key) */
	merkle_hash hash;
	json_t *event;          /* the bytes parsed as a JSON object, or NULL */
	struct entry d;         /* the bytes read as a log entry ... */
	int is_entry;           /* ... when they are one */
};

/*
 * Replaces in place every byte that is not part of printable UTF-8 with
 * '?': messages quote origins, tenant ids and file names, which come from
 * outside and go both to the terminal and into JSON.
 */
static void
msg_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s), i = 0, need;

	while (i < n) {
		if (p[i] < 0x80)
			need = 1;
		else if (p[i] >= 0xc2 && p[i] <= 0xdf)
			need = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			need = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			need = 4;
		else
			need = 0;
		if (need == 0 || need > n - i ||
		    !str_is_clean_utf8(s + i, need)) {
			p[i++] = '?';
			continue;
		}
		i += need;
	}
}

/* verify_report with the arguments in ap. */
static json_t *
report_v(struct verify *v, int ok, int quiet, const char *check,
    const char *file, int64_t index, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

static json_t *
report_v(struct verify *v, int ok, int quiet, const char *check,
    const char *file, int64_t index, const char *fmt, va_list ap)
{
	char msg[VERIFY_MSG_MAX], name[VERIFY_MSG_MAX];
	json_t *rec;

	/* Truncation only shortens the message. */
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	msg_clean(msg);
	if (ok)
		v->passed++;
	else
		v->failed++;
	if (v->checks == NULL) {
		if (ok && !quiet) {
			printf("%s\n", msg);
		} else if (!ok && v->shown < VERIFY_SHOW_FAILURES) {
			fprintf(stderr, "custos verify: FAILED: %s\n", msg);
			v->shown++;
		}
		return NULL;
	}
	rec = json_object();
	if (rec == NULL || json_array_append_new(v->checks, rec) == -1)
		return NULL;
	json_object_set_new(rec, "check", json_string(check));
	if (file != NULL) {
		(void)str_copy(name, sizeof(name), file);
		msg_clean(name);
		json_object_set_new(rec, "file", json_string(name));
	}
	if (index >= 0)
		json_object_set_new(rec, "index", json_integer(index));
	json_object_set_new(rec, "ok", json_boolean(ok));
	json_object_set_new(rec, "message", json_string(msg));
	return rec;
}

json_t *
verify_report(struct verify *v, int ok, int quiet, const char *check,
    const char *file, int64_t index, const char *fmt, ...)
{
	json_t *rec;
	va_list ap;

	va_start(ap, fmt);
	rec = report_v(v, ok, quiet, check, file, index, fmt, ap);
	va_end(ap);
	return rec;
}

/* verify_report, by its short name in this file's many checks. */
static json_t *
report(struct verify *v, int ok, int quiet, const char *check,
    const char *file, int64_t index, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static json_t *
report(struct verify *v, int ok, int quiet, const char *check,
    const char *file, int64_t index, const char *fmt, ...)
{
	json_t *rec;
	va_list ap;

	va_start(ap, fmt);
	rec = report_v(v, ok, quiet, check, file, index, fmt, ap);
	va_end(ap);
	return rec;
}

static void
hash_b64(char out[HASH_B64_LEN], const merkle_hash h)
{
	sodium_bin2base64(out, HASH_B64_LEN, h, MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL);
}

/* A string field of a record, cleaned like the messages. */
void
verify_rec_str(json_t *rec, const char *key, const char *value)
{
	char tmp[VERIFY_MSG_MAX];

	if (rec == NULL)
		return;
	(void)str_copy(tmp, sizeof(tmp), value);
	msg_clean(tmp);
	json_object_set_new(rec, key, json_string(tmp));
}

/*
 * Parses a file's bytes as one JSON object.  NULL after a failed check
 * naming the file.
 */
static json_t *
json_file(struct verify *v, const char *check, const char *what,
    const char *path, const struct buf *b)
{
	json_error_t je;
	json_t *o;

	if (b->len == 0) {
		report(v, 0, 0, check, path, -1, "%s %s: the file is empty",
		    what, path);
		return NULL;
	}
	o = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL) {
		report(v, 0, 0, check, path, -1, "%s %s: not JSON (line %d, "
		    "column %d: %s)", what, path, je.line, je.column,
		    je.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		report(v, 0, 0, check, path, -1, "%s %s: not a JSON object",
		    what, path);
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * Opens a signed checkpoint: a valid signature by vk, a well-formed body,
 * the origin equal to the key's name.  0 with *c set, or -1 after a
 * failed check.  what ("checkpoint", "old checkpoint") starts the lines.
 */
int
verify_checkpoint_open(struct verify *v, const char *check, const char *what,
    const char *file, const char *text, size_t len,
    const struct note_verifier *vk, struct checkpoint *c)
{
	char root[HASH_B64_LEN];
	size_t body_len;
	struct err e;
	json_t *rec;

	err_init(&e);
	if (len == 0) {
		report(v, 0, 0, check, file, -1, "%s %s: empty", what, file);
		return -1;
	}
	if (len > NOTE_MAX) {
		report(v, 0, 0, check, file, -1, "%s %s: %zu bytes, larger "
		    "than a signed note may be (%d)", what, file, len,
		    NOTE_MAX);
		return -1;
	}
	if (note_open(text, len, vk, &body_len, &e) == -1) {
		report(v, 0, 0, check, file, -1, "%s %s: no valid signature "
		    "by %s: %s", what, file, vk->name, e.msg);
		return -1;
	}
	if (checkpoint_parse(c, text, body_len, &e) == -1) {
		report(v, 0, 0, check, file, -1, "%s %s: signed, but not a "
		    "checkpoint: %s", what, file, e.msg);
		return -1;
	}
	if (strcmp(c->origin, vk->name) != 0) {
		report(v, 0, 0, check, file, -1, "%s %s: its origin '%s' is "
		    "not the key's name '%s' (custos verify requires them to "
		    "match)", what, file, c->origin, vk->name);
		return -1;
	}
	hash_b64(root, c->root);
	rec = report(v, 1, 0, check, file, -1, "%s %s: signed by %s, size %"
	    PRId64 ", root %s", what, file, vk->name, c->size, root);
	verify_rec_str(rec, "origin", c->origin);
	if (rec != NULL) {
		json_object_set_new(rec, "size", json_integer(c->size));
		json_object_set_new(rec, "root", json_string(root));
	}
	return 0;
}

static void
leaf_cleanup(struct leaf *l)
{
	free(l->bytes);
	buf_cleanup(&l->plain);
	json_decref(l->event);
	memset(l, 0, sizeof(*l));
}

/*
 * A sealed leaf's body (en's "sealed"), opened with the tenant's keys into
 * l->plain: it must hash to the leaf's body_hash, carry the tenant's tag
 * for the index and open with the AD.  0, or -1 with why[] set.
 */
static int
leaf_unseal(const struct verify *v, struct leaf *l, const json_t *en,
    char *why, size_t whylen)
{
	const json_t *s = json_object_get(en, "sealed");
	uint8_t *body = NULL;
	size_t blen = 0, max;
	struct err e;
	int rc = -1;

	err_init(&e);
	if (v->keys == NULL) {
		(void)str_printf(why, whylen, "the leaf is sealed (%s): give "
		    "the tenant's --log-key FILE (custos tenant-log-key) to "
		    "open it", LEAF_FORMAT);
		return -1;
	}
	if (!json_is_string(s)) {
		(void)str_printf(why, whylen, "the leaf is sealed and the "
		    "entry has no 'sealed' body");
		return -1;
	}
	max = json_string_length(s) / 4 * 3 + 3;
	body = malloc(max);
	if (body == NULL || b64_decode(body, max, &blen, json_string_value(s),
	    json_string_length(s)) == -1) {
		(void)str_printf(why, whylen, "its 'sealed' is not base64");
		goto out;
	}
	if (leaf_open(&l->plain, v->keys, l->index, l->bytes, l->len, body,
	    blen, &e) == -1) {
		(void)str_printf(why, whylen, "%s", e.msg);
		goto out;
	}
	rc = 0;
out:
	free(body);
	return rc;
}

/*
 * Takes index and leaf from an entry object and hashes the leaf.  The
 * entry's bytes are the leaf's, or, for a sealed leaf (custos-leaf-v1),
 * its body opened with v->keys (without them, a sealed leaf can still be
 * proven included, but not read).  When the object carries "event" (a
 * convenience copy), it must equal those bytes parsed as JSON: a reader
 * trusts what it sees.  The bytes are parsed as JSON whenever they can be
 * (l->event); need_json makes that a condition.  0, or -1 with why[] set.
 */
static int
leaf_take(const struct verify *v, struct leaf *l, const json_t *en,
    int need_json, char *why, size_t whylen)
{
	const json_t *shown;
	json_error_t je;
	uint8_t *bytes = NULL;
	const char *text;
	int64_t index = -1;
	struct err e;
	size_t len = 0, tlen;

	memset(l, 0, sizeof(*l));
	buf_init_secret(&l->plain, PROOF_LEAF_MAX);
	l->index = -1;
	err_init(&e);
	if (proof_parse_entry(&index, &bytes, &len, en, &e) == -1) {
		(void)str_copy(why, whylen, e.msg);
		/* Name the entry when its index at least is readable. */
		shown = json_object_get(en, "index");
		if (json_is_integer(shown) && json_integer_value(shown) >= 0)
			l->index = json_integer_value(shown);
		return -1;
	}
	l->index = index;
	l->bytes = bytes;
	l->len = len;
	merkle_leaf_hash(l->hash, l->bytes, l->len);
	text = (const char *)bytes;
	tlen = len;
	l->sealed = len == LEAF_BYTES && bytes[0] == LEAF_VERSION;
	shown = json_object_get(en, "event");
	if (l->sealed) {
		if (v->keys == NULL && !need_json)
			return 0;       /* inclusion only; nothing to read */
		if (leaf_unseal(v, l, en, why, whylen) == -1)
			return -1;
		text = l->plain.data;
		tlen = l->plain.len;
	}
	l->event = json_loadb(text, tlen, JSON_REJECT_DUPLICATES, &je);
	if (l->event != NULL && !json_is_object(l->event)) {
		json_decref(l->event);
		l->event = NULL;
	}
	l->is_entry = entry_read(&l->d, index, text, tlen) == 0;
	if (l->event == NULL && (need_json || (shown != NULL &&
	    !json_is_null(shown)))) {
		(void)str_printf(why, whylen, "the %s is not a JSON object",
		    l->sealed ? "sealed body" : "leaf");
		return -1;
	}
	if (shown != NULL && !json_is_null(shown) &&
	    !json_equal(shown, l->event)) {
		(void)str_printf(why, whylen, "its 'event' differs from its "
		    "%s (the leaf's bytes are what the log holds)", l->sealed ?
		    "sealed body" : "leaf");
		return -1;
	}
	return 0;
}

/* A field of the leaf read as an entry, or "-". */
static const char *
ev_str(const struct leaf *l, const char *field)
{
	return l->is_entry && field[0] != '\0' ? field : "-";
}

/* --entry FILE --proof FILE against the checkpoint c. */
void
verify_inclusion(struct verify *v, const struct checkpoint *c,
    const char *efile, const struct buf *eb, const char *pfile,
    const struct buf *pb)
{
	char why[ERR_MSG_MAX], lh[HASH_B64_LEN], when[RFC3339_MS_LEN];
	const json_t *en, *list;
	json_t *edoc = NULL, *pdoc = NULL, *rec;
	struct leaf l;
	struct proof p;
	struct err e;

	memset(&l, 0, sizeof(l));
	err_init(&e);
	edoc = json_file(v, "entry", "entry", efile, eb);
	if (edoc == NULL)
		goto out;
	/* An entry, or a /v1/log/entries answer holding exactly one. */
	en = edoc;
	list = json_object_get(edoc, "entries");
	if (list != NULL) {
		if (!json_is_array(list) || json_array_size(list) != 1) {
			report(v, 0, 0, "entry", efile, -1, "entry %s: "
			    "'entries' must hold exactly one entry", efile);
			goto out;
		}
		en = json_array_get(list, 0);
		if (!json_is_object(en)) {
			report(v, 0, 0, "entry", efile, -1, "entry %s: "
			    "entries[0] is not an object", efile);
			goto out;
		}
	}
	if (leaf_take(v, &l, en, 0, why, sizeof(why)) == -1) {
		report(v, 0, 0, "entry", efile, l.index, "entry %s: %s",
		    efile, why);
		goto out;
	}
	hash_b64(lh, l.hash);
	time_format_ms(when, l.d.time_ms);
	rec = report(v, 1, 0, "entry", efile, l.index, "entry %" PRId64
	    " (%s): %zu bytes, leaf hash %s%s%s %s/%s %s tenant %s %s",
	    l.index, efile, l.len, lh, l.event != NULL ? "; " : "",
	    l.event != NULL ? ev_str(&l, when) : "",
	    ev_str(&l, actor_kind_name(l.d.actor_kind)), ev_str(&l,
	    l.d.actor), ev_str(&l, l.d.action), ev_str(&l, l.d.tenant),
	    ev_str(&l, l.d.allowed ? "allowed" : "denied"));
	if (rec != NULL)
		json_object_set_new(rec, "leaf_hash", json_string(lh));

	pdoc = json_file(v, "inclusion", "proof", pfile, pb);
	if (pdoc == NULL)
		goto out;
	if (proof_parse_inclusion(&p, pdoc, &e) == -1) {
		report(v, 0, 0, "inclusion", pfile, l.index, "proof %s: not "
		    "an inclusion proof: %s", pfile, e.msg);
		goto out;
	}
	if (p.a != l.index) {
		report(v, 0, 0, "inclusion", pfile, l.index, "proof %s is for "
		    "entry %" PRId64 ", the entry in %s is %" PRId64, pfile,
		    p.a, efile, l.index);
		goto out;
	}
	if (p.b != c->size) {
		report(v, 0, 0, "inclusion", pfile, l.index, "proof %s is for "
		    "a tree of size %" PRId64 ", the checkpoint's is %" PRId64
		    " (fetch it with: custos proof %" PRId64 " --size %"
		    PRId64 ")", pfile, p.b, c->size, l.index, c->size);
		goto out;
	}
	if (l.index >= c->size) {
		report(v, 0, 0, "inclusion", pfile, l.index, "entry %" PRId64
		    " is not below the checkpoint's size %" PRId64, l.index,
		    c->size);
		goto out;
	}
	if (merkle_verify_inclusion(l.index, c->size, l.hash, p.hashes, p.n,
	    c->root) == -1) {
		report(v, 0, 0, "inclusion", pfile, l.index, "entry %" PRId64
		    ": the proof in %s (%zu hashes) does not lead from its "
		    "leaf to the checkpoint's root: the entry is not in that "
		    "tree as it is", l.index, pfile, p.n);
		goto out;
	}
	report(v, 1, 0, "inclusion", pfile, l.index, "entry %" PRId64 ": "
	    "included in the checkpoint of size %" PRId64 " (%s, %zu hashes)",
	    l.index, c->size, pfile, p.n);
out:
	leaf_cleanup(&l);
	json_decref(pdoc);
	json_decref(edoc);
}

/* --old-checkpoint FILE --consistency FILE against the checkpoint c. */
void
verify_consistency(struct verify *v, const struct note_verifier *vk,
    const struct checkpoint *c, const char *ofile, const struct buf *ob,
    const char *pfile, const struct buf *pb)
{
	struct checkpoint old;
	merkle_hash empty;
	json_t *pdoc = NULL;
	struct proof p;
	struct err e;

	err_init(&e);
	if (verify_checkpoint_open(v, "old-checkpoint", "old checkpoint", ofile,
	    ob->data, ob->len, vk, &old) == -1)
		goto out;
	if (strcmp(old.origin, c->origin) != 0) {
		report(v, 0, 0, "consistency", ofile, -1, "the checkpoints' "
		    "origins differ: '%s' and '%s'", old.origin, c->origin);
		goto out;
	}
	pdoc = json_file(v, "consistency", "consistency proof", pfile, pb);
	if (pdoc == NULL)
		goto out;
	if (proof_parse_consistency(&p, pdoc, &e) == -1) {
		report(v, 0, 0, "consistency", pfile, -1, "consistency proof "
		    "%s: malformed: %s", pfile, e.msg);
		goto out;
	}
	if (p.a != old.size || p.b != c->size) {
		report(v, 0, 0, "consistency", pfile, -1, "consistency proof "
		    "%s is from size %" PRId64 " to %" PRId64 ", the "
		    "checkpoints are of sizes %" PRId64 " and %" PRId64
		    " (fetch it with: custos consistency --old %" PRId64
		    " --new %" PRId64 ")", pfile, p.a, p.b, old.size,
		    c->size, old.size, c->size);
		goto out;
	}
	if (old.size > c->size) {
		report(v, 0, 0, "consistency", pfile, -1, "the old checkpoint "
		    "(size %" PRId64 ") is larger than the new one (size %"
		    PRId64 "): swap --old-checkpoint and --checkpoint",
		    old.size, c->size);
		goto out;
	}
	if (old.size == 0) {
		/* Every tree extends the empty one, whose root is fixed. */
		merkle_empty_root(empty);
		if (sodium_memcmp(empty, old.root, MERKLE_HASH) != 0 ||
		    p.n != 0) {
			report(v, 0, 0, "consistency", pfile, -1, "the old "
			    "checkpoint is of size 0 but its root is not "
			    "the empty tree's, or the proof is not empty");
			goto out;
		}
	} else if (merkle_verify_consistency(old.size, c->size, old.root,
	    c->root, p.hashes, p.n) == -1) {
		report(v, 0, 0, "consistency", pfile, -1, "the proof in %s "
		    "(%zu hashes) does not show the tree of size %" PRId64
		    " to be a prefix of the tree of size %" PRId64 ": the "
		    "log was rewritten, or the proof is wrong", pfile, p.n,
		    old.size, c->size);
		goto out;
	}
	report(v, 1, 0, "consistency", pfile, -1, "consistency: the tree of "
	    "size %" PRId64 " is a prefix of the tree of size %" PRId64
	    " (%s, %zu hashes)", old.size, c->size, pfile, p.n);
out:
	json_decref(pdoc);
}

/*
 * One entry of an access-log answer (pos: its place in entries[]): the
 * leaf decodes and is JSON about the tenant, its 'event' (if any) is the
 * leaf, and its proof leads to the checkpoint's root.  *prev is the
 * previous index (entries come in ascending order, each once).  Returns
 * 1 when it held, 0 when not (reported).
 */
static int
tenant_entry(struct verify *v, const char *file, size_t pos,
    const json_t *en, const char *tenant, const struct checkpoint *c,
    int64_t *prev)
{
	char why[ERR_MSG_MAX];
	merkle_hash hashes[MERKLE_PROOF_MAX];
	const json_t *pr;
	const char *t;
	struct leaf l;
	struct err e;
	size_t n;
	int ok = 0;

	err_init(&e);
	if (!json_is_object(en)) {
		report(v, 0, 0, "entry", file, -1, "%s: entries[%zu] is not "
		    "an object", file, pos);
		return 0;
	}
	if (leaf_take(v, &l, en, 1, why, sizeof(why)) == -1) {
		if (l.index >= 0)
			report(v, 0, 0, "entry", file, l.index, "%s: entry %"
			    PRId64 ": %s", file, l.index, why);
		else
			report(v, 0, 0, "entry", file, -1, "%s: entries[%zu]:"
			    " %s", file, pos, why);
		goto out;
	}
	if (l.index <= *prev) {
		report(v, 0, 0, "entry", file, l.index, "%s: entry %" PRId64
		    " (entries[%zu]) is not above the entry before it (%"
		    PRId64 "): entries repeated or out of order", file,
		    l.index, pos, *prev);
		goto out;
	}
	*prev = l.index;
	t = l.is_entry && l.d.tenant[0] != '\0' ? l.d.tenant : NULL;
	if (t == NULL || strcmp(t, tenant) != 0) {
		report(v, 0, 0, "entry", file, l.index, "%s: entry %" PRId64
		    " is not about tenant %s (its leaf says %s)", file,
		    l.index, tenant, t != NULL ? t : "no tenant");
		goto out;
	}
	pr = json_object_get(en, "proof");
	if (!json_is_array(pr) || proof_decode_hashes(hashes,
	    MERKLE_PROOF_MAX, &n, pr, "proof", &e) == -1) {
		report(v, 0, 0, "entry", file, l.index, "%s: entry %" PRId64
		    ": its proof is malformed: %s", file, l.index,
		    e.msg[0] != '\0' ? e.msg : "'proof' is not an array");
		goto out;
	}
	if (l.index >= c->size) {
		report(v, 0, 0, "entry", file, l.index, "%s: entry %" PRId64
		    " is not below the checkpoint's size %" PRId64, file,
		    l.index, c->size);
		goto out;
	}
	if (merkle_verify_inclusion(l.index, c->size, l.hash, hashes, n,
	    c->root) == -1) {
		report(v, 0, 0, "entry", file, l.index, "%s: entry %" PRId64
		    ": its proof (%zu hashes) does not lead from its leaf to "
		    "the checkpoint's root: the entry is not in that tree as "
		    "it is", file, l.index, n);
		goto out;
	}
	report(v, 1, 1, "entry", file, l.index, "entry %" PRId64 ": about "
	    "tenant %s, included in the checkpoint of size %" PRId64,
	    l.index, tenant, c->size);
	ok = 1;
out:
	leaf_cleanup(&l);
	return ok;
}

/* --tenant-log FILE [--tenant T]: a saved access-log answer. */
void
verify_tenant_log(struct verify *v, const struct note_verifier *vk,
    const char *file, const struct buf *b, const char *want)
{
	const json_t *list, *next, *size, *en;
	const char *tenant, *note;
	struct checkpoint c;
	json_t *doc, *rec;
	size_t i, good = 0;
	int64_t prev = -1;

	doc = json_file(v, "tenant-log", "tenant log", file, b);
	if (doc == NULL)
		return;
	tenant = json_string_value(json_object_get(doc, "tenant"));
	if (tenant == NULL) {
		report(v, 0, 0, "tenant-log", file, -1, "tenant log %s: no "
		    "'tenant'", file);
		if (want == NULL)
			goto out;
		tenant = want;
	} else if (want != NULL && strcmp(tenant, want) != 0) {
		report(v, 0, 0, "tenant-log", file, -1, "tenant log %s is "
		    "about tenant %s, not %s", file, tenant, want);
		tenant = want;
	}
	note = json_string_value(json_object_get(doc, "checkpoint"));
	if (note == NULL) {
		report(v, 0, 0, "checkpoint", file, -1, "tenant log %s: no "
		    "'checkpoint' (a signed note as text)", file);
		goto out;
	}
	if (verify_checkpoint_open(v, "checkpoint", "checkpoint in", file, note,
	    json_string_length(json_object_get(doc, "checkpoint")), vk,
	    &c) == -1)
		goto out;
	size = json_object_get(doc, "size");
	if (!json_is_integer(size) || json_integer_value(size) != c.size) {
		report(v, 0, 0, "tenant-log", file, -1, "tenant log %s: its "
		    "'size' is not its checkpoint's size %" PRId64, file,
		    c.size);
		goto out;
	}
	list = json_object_get(doc, "entries");
	if (!json_is_array(list)) {
		report(v, 0, 0, "tenant-log", file, -1, "tenant log %s: "
		    "'entries' is not an array", file);
		goto out;
	}
	json_array_foreach(list, i, en)
		good += (size_t)tenant_entry(v, file, i, en, tenant, &c,
		    &prev);
	next = json_object_get(doc, "next");
	rec = report(v, good == json_array_size(list), 0, "tenant-log", file,
	    -1, "tenant log %s: %zu of %zu entries about tenant %s verified "
	    "against the checkpoint of size %" PRId64 "%s", file, good,
	    json_array_size(list), tenant, c.size,
	    good == json_array_size(list) ? "" : " (see the failures)");
	verify_rec_str(rec, "tenant", tenant);
	if (rec != NULL) {
		json_object_set_new(rec, "size", json_integer(c.size));
		json_object_set_new(rec, "entries",
		    json_integer((json_int_t)json_array_size(list)));
		json_object_set_new(rec, "verified",
		    json_integer((json_int_t)good));
		json_object_set_new(rec, "next", json_is_integer(next) ?
		    json_integer(json_integer_value(next)) : json_null());
	}
	if (json_is_integer(next) && v->checks == NULL)
		printf("note: this is one page; more entries follow from "
		    "index %" JSON_INTEGER_FORMAT " (custos access-log TENANT "
		    "--start %" JSON_INTEGER_FORMAT ")\n",
		    json_integer_value(next), json_integer_value(next));
out:
	json_decref(doc);
}
