/* SPDX-License-Identifier: ISC */
/*
 * cmd_verify.c: `custos verify`, the offline checker of the transparency
 * log.  It talks to no server: every input is a file someone saved (with
 * `custos checkpoint`, `entry`, `proof`, `consistency`, `access-log`, or
 * curl), so nothing here has to trust custosd.
 *
 * It runs in two phases.  First every file is read (symbolic links
 * refused, sizes capped): a file that cannot be read is exit 3 before
 * anything is said.  Then the checks run; each one prints a line (or a
 * record under --json), and a failed check names the file, the entry
 * index and what did not hold.  Malformed content is a failed check
 * (exit 1): a proof that cannot be parsed does not prove anything.
 *
 * A checkpoint counts only when it is a C2SP signed note carrying a valid
 * signature by the given key and its origin line equals the key's name
 * (C2SP leaves that pairing to the log; custos always signs with its
 * origin as the key name, and requiring it stops a checkpoint of some
 * other log signed by the same key from being taken for this one).
 */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/entry.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/str.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/proof.h"

#define VERIFY_KEY_FILE_MAX ((size_t)64 << 10)
#define VERIFY_NOTE_FILE_MAX ((size_t)1 << 20)  /* a note is <= NOTE_MAX */
#define VERIFY_PROOF_FILE_MAX ((size_t)1 << 20)
#define VERIFY_ENTRY_FILE_MAX ((size_t)4 << 20)
#define VERIFY_TENANT_LOG_MAX ((size_t)64 << 20)
#define VERIFY_MSG_MAX 1024
#define VERIFY_SHOW_FAILURES 20 /* failure lines printed, the rest counted */
#define HASH_B64_LEN sodium_base64_ENCODED_LEN(MERKLE_HASH, \
	sodium_base64_VARIANT_ORIGINAL)

struct verify {
	const struct cli *ctx;
	json_t *checks;         /* --json: the records, else NULL */
	size_t passed;
	size_t failed;
	size_t shown;           /* failure lines printed */
};

/* A leaf read from an entry object. */
struct leaf {
	int64_t index;
	uint8_t *bytes;         /* free() */
	size_t len;
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

/*
 * Records one check.  The message is the whole human line; it is cleaned
 * and then printed (stdout when it held, stderr when it failed, nothing
 * when quiet and it held) or, under --json, kept as a record of check,
 * file, index (when >= 0), ok and message.  Returns the record (borrowed,
 * for extra fields) or NULL.
 */
static json_t *
report(struct verify *v, int ok, int quiet, const char *check,
    const char *file, int64_t index, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static json_t *
report(struct verify *v, int ok, int quiet, const char *check,
    const char *file, int64_t index, const char *fmt, ...)
{
	char msg[VERIFY_MSG_MAX], name[VERIFY_MSG_MAX];
	json_t *rec;
	va_list ap;

	va_start(ap, fmt);
	/* Truncation only shortens the message. */
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
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

static void
hash_b64(char out[HASH_B64_LEN], const merkle_hash h)
{
	sodium_bin2base64(out, HASH_B64_LEN, h, MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL);
}

/* A string field of a record, cleaned like the messages. */
static void
rec_str(json_t *rec, const char *key, const char *value)
{
	char tmp[VERIFY_MSG_MAX];

	if (rec == NULL)
		return;
	(void)str_copy(tmp, sizeof(tmp), value);
	msg_clean(tmp);
	json_object_set_new(rec, key, json_string(tmp));
}

/* Reads a whole file into b (cap max).  CLI_OK or CLI_FAIL (printed). */
static int
file_read(struct buf *b, const char *path, size_t max)
{
	buf_init(b, max);
	return cli_read_file(b, path, 1) == -1 ? CLI_FAIL : CLI_OK;
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
 * The verifier key: arg names a file holding it (read with O_NOFOLLOW,
 * trailing white space dropped) or is the key itself.  Returns CLI_OK,
 * CLI_NEGATIVE (a key file that holds no key: a failed check), CLI_USAGE
 * or CLI_FAIL.
 */
static int
key_load(struct verify *v, struct note_verifier *vk, const char *arg)
{
	struct stat st;
	struct buf b;
	struct err e;
	const char *file = NULL;
	json_t *rec;
	int rc;

	err_init(&e);
	buf_init(&b, VERIFY_KEY_FILE_MAX);
	if (lstat(arg, &st) == 0) {
		file = arg;
		rc = file_read(&b, arg, VERIFY_KEY_FILE_MAX);
		if (rc != CLI_OK)
			goto out;
		while (b.len > 0 && (b.data[b.len - 1] == '\n' ||
		    b.data[b.len - 1] == '\r' || b.data[b.len - 1] == ' ' ||
		    b.data[b.len - 1] == '\t'))
			b.data[--b.len] = '\0';
		if (b.len == 0 || memchr(b.data, '\0', b.len) != NULL ||
		    note_verifier_parse(vk, b.data, &e) == -1) {
			report(v, 0, 0, "key", file, -1, "key %s: not a "
			    "verifier key (name+hash+base64): %s", file,
			    e.msg[0] != '\0' ? e.msg : "empty, or it holds a "
			    "NUL byte");
			rc = CLI_NEGATIVE;
			goto out;
		}
	} else if (note_verifier_parse(vk, arg, &e) == -1) {
		rc = cli_usage(v->ctx, "--key: no such file, and not a "
		    "verifier key (name+hash+base64): %s", e.msg);
		goto out;
	}
	rec = report(v, 1, 0, "key", file, -1, "key: %s, key id "
	    "%02x%02x%02x%02x%s%s", vk->name, vk->key_id[0], vk->key_id[1],
	    vk->key_id[2], vk->key_id[3], file != NULL ? ", from " : "",
	    file != NULL ? file : "");
	rec_str(rec, "name", vk->name);
	rc = CLI_OK;
out:
	buf_cleanup(&b);
	return rc;
}

/*
 * Opens a signed checkpoint: a valid signature by vk, a well-formed body,
 * the origin equal to the key's name.  0 with *c set, or -1 after a
 * failed check.  what ("checkpoint", "old checkpoint") starts the lines.
 */
static int
checkpoint_open(struct verify *v, const char *check, const char *what,
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
	rec_str(rec, "origin", c->origin);
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
	json_decref(l->event);
	memset(l, 0, sizeof(*l));
}

/*
 * Takes index and leaf from an entry object and hashes the leaf.  When
 * the object carries "event" (a convenience copy), it must equal the leaf
 * parsed as JSON: a reader trusts what it sees.  The leaf is parsed as
 * JSON whenever it can be (l->event); need_json makes that a condition.
 * 0, or -1 with why[] set.
 */
static int
leaf_take(struct leaf *l, const json_t *en, int need_json, char *why,
    size_t whylen)
{
	const json_t *shown;
	json_error_t je;
	uint8_t *bytes = NULL;
	int64_t index = -1;
	struct err e;
	size_t len = 0;

	memset(l, 0, sizeof(*l));
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
	l->event = json_loadb((const char *)l->bytes, l->len,
	    JSON_REJECT_DUPLICATES, &je);
	if (l->event != NULL && !json_is_object(l->event)) {
		json_decref(l->event);
		l->event = NULL;
	}
	l->is_entry = entry_read(&l->d, index, (const char *)bytes, len) == 0;
	shown = json_object_get(en, "event");
	if (l->event == NULL && (need_json || (shown != NULL &&
	    !json_is_null(shown)))) {
		(void)str_printf(why, whylen, "the leaf is not a JSON "
		    "object");
		return -1;
	}
	if (shown != NULL && !json_is_null(shown) &&
	    !json_equal(shown, l->event)) {
		(void)str_printf(why, whylen, "its 'event' differs from its "
		    "leaf (the leaf's bytes are what the log holds)");
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
static void
check_inclusion(struct verify *v, const struct checkpoint *c,
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
	if (leaf_take(&l, en, 0, why, sizeof(why)) == -1) {
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
static void
check_consistency(struct verify *v, const struct note_verifier *vk,
    const struct checkpoint *c, const char *ofile, const struct buf *ob,
    const char *pfile, const struct buf *pb)
{
	struct checkpoint old;
	merkle_hash empty;
	json_t *pdoc = NULL;
	struct proof p;
	struct err e;

	err_init(&e);
	if (checkpoint_open(v, "old-checkpoint", "old checkpoint", ofile,
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
	if (leaf_take(&l, en, 1, why, sizeof(why)) == -1) {
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
static void
check_tenant_log(struct verify *v, const struct note_verifier *vk,
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
	if (checkpoint_open(v, "checkpoint", "checkpoint in", file, note,
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
	rec_str(rec, "tenant", tenant);
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

/* verify's options, as given (NULL: not). */
struct verify_args {
	const char *key, *cp, *entry, *proof, *old, *cons, *tlog, *tenant;
};

/* The options that go together, or not.  CLI_OK or CLI_USAGE. */
static int
args_check(const struct cli *ctx, const struct verify_args *a)
{
	if (a->key == NULL)
		return cli_usage(ctx, "--key is required (the log's verifier "
		    "key, or a file holding it: custos log-key)");
	if ((a->cp == NULL) == (a->tlog == NULL))
		return cli_usage(ctx, "give --checkpoint or --tenant-log "
		    "(one)");
	if ((a->entry == NULL) != (a->proof == NULL))
		return cli_usage(ctx, "--entry and --proof go together");
	if ((a->old == NULL) != (a->cons == NULL))
		return cli_usage(ctx, "--old-checkpoint and --consistency go "
		    "together");
	if (a->tlog != NULL && (a->entry != NULL || a->old != NULL))
		return cli_usage(ctx, "--tenant-log takes no --entry, --proof, "
		    "--old-checkpoint or --consistency");
	if (a->tenant != NULL && a->tlog == NULL)
		return cli_usage(ctx, "--tenant goes with --tenant-log");
	if (a->tenant != NULL && a->tenant[0] == '\0')
		return cli_usage(ctx, "--tenant must not be empty");
	return CLI_OK;
}

/* The outcome: the JSON record, or a line.  An enum cli_exit. */
static int
verify_print(const struct verify *v)
{
	json_t *out;

	if (v->checks != NULL) {
		out = json_pack("{s:b,s:I,s:I,s:O}", "ok", v->failed == 0,
		    "passed", (json_int_t)v->passed, "failed",
		    (json_int_t)v->failed, "checks", v->checks);
		if (out == NULL) {
			cli_warn("out of memory");
			return CLI_FAIL;
		}
		cli_json_print(out);
		json_decref(out);
	} else if (v->failed == 0) {
		printf("verified: %zu checks passed\n", v->passed);
	} else {
		if (v->failed > v->shown)
			fprintf(stderr, "custos verify: ... and %zu more "
			    "failures\n", v->failed - v->shown);
		fprintf(stderr, "custos verify: verification FAILED: %zu "
		    "of %zu checks\n", v->failed, v->failed + v->passed);
	}
	return v->failed == 0 ? CLI_OK : CLI_NEGATIVE;
}

/*
 * verify --key KEY --checkpoint FILE [--entry FILE --proof FILE]
 *        [--old-checkpoint FILE --consistency FILE]
 * verify --key KEY --tenant-log FILE [--tenant T]
 */
int
cmd_verify(struct cli *ctx, int argc, char **argv)
{
	struct verify_args a = { NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL };
	struct buf cpb, eb, pb, ob, csb, tb;
	struct note_verifier vk;
	struct checkpoint c;
	struct verify v;
	char *pos[1];
	size_t i;
	int npos, rc;
	const struct {
		const char *const *path;
		struct buf *b;
		size_t max;
	} files[] = {
		{ &a.cp, &cpb, VERIFY_NOTE_FILE_MAX },
		{ &a.entry, &eb, VERIFY_ENTRY_FILE_MAX },
		{ &a.proof, &pb, VERIFY_PROOF_FILE_MAX },
		{ &a.old, &ob, VERIFY_NOTE_FILE_MAX },
		{ &a.cons, &csb, VERIFY_PROOF_FILE_MAX },
		{ &a.tlog, &tb, VERIFY_TENANT_LOG_MAX },
	};
	const struct cli_opt opts[] = {
		{ "key", &a.key, NULL },
		{ "checkpoint", &a.cp, NULL },
		{ "entry", &a.entry, NULL },
		{ "proof", &a.proof, NULL },
		{ "old-checkpoint", &a.old, NULL },
		{ "consistency", &a.cons, NULL },
		{ "tenant-log", &a.tlog, NULL },
		{ "tenant", &a.tenant, NULL },
		{ NULL, NULL, NULL },
	};

	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	buf_init(&cpb, 0);
	buf_init(&eb, 0);
	buf_init(&pb, 0);
	buf_init(&ob, 0);
	buf_init(&csb, 0);
	buf_init(&tb, 0);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc == CLI_OK)
		rc = args_check(ctx, &a);
	if (rc != CLI_OK)
		goto out;
	if (ctx->json) {
		v.checks = json_array();
		if (v.checks == NULL) {
			cli_warn("out of memory");
			rc = CLI_FAIL;
			goto out;
		}
	}

	/* Every file first: one that cannot be read stops all (exit 3). */
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (*files[i].path == NULL)
			continue;
		rc = file_read(files[i].b, *files[i].path, files[i].max);
		if (rc != CLI_OK)
			goto out;
	}
	rc = key_load(&v, &vk, a.key);
	if (rc == CLI_USAGE || rc == CLI_FAIL)
		goto out;

	/* The checks. */
	if (rc == CLI_OK && a.cp != NULL) {
		if (checkpoint_open(&v, "checkpoint", "checkpoint", a.cp,
		    cpb.data, cpb.len, &vk, &c) == 0) {
			if (a.entry != NULL)
				check_inclusion(&v, &c, a.entry, &eb, a.proof,
				    &pb);
			if (a.old != NULL)
				check_consistency(&v, &vk, &c, a.old, &ob,
				    a.cons, &csb);
		}
	} else if (rc == CLI_OK) {
		check_tenant_log(&v, &vk, a.tlog, &tb, a.tenant);
	}
	rc = verify_print(&v);
out:
	json_decref(v.checks);
	buf_cleanup(&tb);
	buf_cleanup(&csb);
	buf_cleanup(&ob);
	buf_cleanup(&pb);
	buf_cleanup(&eb);
	buf_cleanup(&cpb);
	return rc;
}
