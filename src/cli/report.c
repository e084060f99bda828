/* SPDX-License-Identifier: ISC */
/*
 * report.c: the scope reports (see report.h).
 *
 * The Markdown page is written for a customer's administrator who may
 * never have heard of custos: what happened and what to do first, the
 * evidence (timeline, proofs) after.  Everything quoted from the answer or
 * from the log goes through md_text() or md_code(), which drop control
 * characters and neutralise Markdown and HTML: a tenant's name or a user
 * id was typed by someone else, and the page goes to a customer.
 *
 * The tenants are those of the answer's "tenants" and then of its
 * "attempted" (tenants where every attempt was refused), the latter with
 * "exposure": "attempted": their customers should know someone tried.
 *
 * The per-tenant JSON is the access-log answer's shape ({tenant,
 * checkpoint, size, entries: [{index, leaf, event, proof}]}, which
 * `custos verify --tenant-log` checks) plus the tenant's part of the scope
 * answer, the window, the principals and the verifier key.  Its entries
 * are those the answer cites that are about the tenant, in ascending
 * order; a cited entry about no tenant or another one (which verify
 * --tenant-log would refuse) goes to "other_entries", proven the same way.
 */
#include "cli/report.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/str.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/proof.h"

#define REPORT_FILE_MAX ((size_t)256 << 20)     /* one file written */
#define REPORT_STEM_MAX 200     /* file name made from a tenant id */
#define REPORT_ID_MAX 1024      /* a tenant id in an answer */
#define REPORT_CODE_MAX 200     /* longest text put in a code span */
#define REPORT_PATH_MAX 4096
#define REPORT_CONTACT "[CONTACT: name, e-mail address and telephone " \
	"number of the person handling this incident]"

/* jansson takes no const; the report never changes what it was given. */
#define UNCONST(p) ((json_t *)(uintptr_t)(p))

struct report {
	const json_t *answer;
	json_t *tenants;        /* "tenants", then "attempted" (exposure set) */
	const json_t *principals;       /* the question's, as echoed */
	const char *key;
	const char *generated;
	const char *note;       /* the signed checkpoint, as in the answer */
	size_t note_len;
	struct note_verifier vk;
	struct checkpoint cp;
	json_t *entries;        /* "index" -> {index, leaf, event, proof} */
};

/* ---- reading the answer ---- */

/* A checked entry of the report, or NULL. */
static const json_t *
entry_get(const struct report *r, int64_t index)
{
	char key[32];

	if (str_printf(key, sizeof(key), "%" PRId64, index) == -1)
		return NULL;
	return json_object_get(r->entries, key);
}

/*
 * Checks the cited entry index: the caller sent its leaf and a proof, the
 * proof leads from the leaf to the checkpoint's root, the leaf is a JSON
 * object.  Keeps {index, leaf, event, proof} in r->entries.  0 or -1.
 */
static int
entry_check(struct report *r, const json_t *given, int64_t index,
    struct err *e)
{
	merkle_hash hashes[MERKLE_PROOF_MAX], leaf_hash;
	const json_t *en, *pr;
	json_t *event = NULL, *kept = NULL;
	uint8_t *bytes = NULL;
	char key[32];
	int64_t got;
	size_t len, n;
	struct err ie;
	int rc = -1;

	err_init(&ie);
	if (str_printf(key, sizeof(key), "%" PRId64, index) == -1)
		return err_internal(e, "entry index too long");
	if (json_object_get(r->entries, key) != NULL)
		return 0;
	if (json_object_size(r->entries) >= REPORT_ENTRIES_MAX)
		return err_bad_request(e, "the answer cites more than %d "
		    "entries", REPORT_ENTRIES_MAX);
	en = json_object_get(given, key);
	if (en == NULL)
		return err_bad_request(e, "entry %" PRId64 ": cited, but not "
		    "fetched from the log", index);
	if (proof_parse_entry(&got, &bytes, &len, en, &ie) == -1) {
		err_bad_request(e, "entry %" PRId64 ": %s", index, ie.msg);
		goto out;
	}
	if (got != index) {
		err_bad_request(e, "entry %" PRId64 ": the log sent entry %"
		    PRId64 " instead", index, got);
		goto out;
	}
	event = json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES,
	    NULL);
	if (!json_is_object(event)) {
		err_bad_request(e, "entry %" PRId64 ": its leaf is not a JSON "
		    "object", index);
		goto out;
	}
	pr = json_object_get(en, "proof");
	if (!json_is_array(pr)) {
		err_bad_request(e, "entry %" PRId64 ": no inclusion proof",
		    index);
		goto out;
	}
	if (proof_decode_hashes(hashes, MERKLE_PROOF_MAX, &n, pr, "proof",
	    &ie) == -1) {
		err_bad_request(e, "entry %" PRId64 ": its proof is malformed: "
		    "%s", index, ie.msg);
		goto out;
	}
	merkle_leaf_hash(leaf_hash, bytes, len);
	if (merkle_verify_inclusion(index, r->cp.size, leaf_hash, hashes, n,
	    r->cp.root) == -1) {
		err_bad_request(e, "entry %" PRId64 ": its proof (%zu hashes) "
		    "does not lead from its leaf to the root of the checkpoint "
		    "of size %" PRId64, index, n, r->cp.size);
		goto out;
	}
	kept = json_pack("{s:I, s:O, s:O, s:O}", "index", (json_int_t)index,
	    "leaf", json_object_get(en, "leaf"), "event", event, "proof", pr);
	if (kept == NULL || json_object_set_new(r->entries, key, kept) == -1) {
		err_internal(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	json_decref(event);
	free(bytes);
	return rc;
}

/* One element of the answer's "tenants". */
static int
tenant_check(struct report *r, const json_t *given, const json_t *t,
    size_t pos, json_t *seen, struct err *e)
{
	const json_t *list, *v;
	const char *id;
	size_t i;

	if (!json_is_object(t))
		return err_bad_request(e, "tenants[%zu] is not an object",
		    pos);
	id = cli_jstr(t, "tenant");
	if (id == NULL || id[0] == '\0' ||
	    json_string_length(json_object_get(t, "tenant")) > REPORT_ID_MAX ||
	    strlen(id) != json_string_length(json_object_get(t, "tenant")) ||
	    !str_is_clean_utf8(id, strlen(id)))
		return err_bad_request(e, "tenants[%zu]: no 'tenant', or one "
		    "that is not a clean id", pos);
	if (json_object_get(seen, id) != NULL)
		return err_bad_request(e, "tenants[%zu]: tenant %s is listed "
		    "twice", pos, id);
	if (json_object_set_new(seen, id, json_true()) == -1)
		return err_internal(e, "out of memory");
	list = json_object_get(t, "entries");
	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return err_bad_request(e, "tenant %s: 'entries' is not an "
		    "array", id);
	json_array_foreach(list, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= r->cp.size)
			return err_bad_request(e, "tenant %s: entries[%zu] is "
			    "not an index below the checkpoint's size %" PRId64,
			    id, i, r->cp.size);
		if (given != NULL &&
		    entry_check(r, given, json_integer_value(v), e) == -1)
			return -1;
	}
	return 0;
}

/*
 * r->tenants: the answer's "tenants" and, marked "attempted", its
 * "attempted"; r->principals: the question as the answer echoes it
 * ("principals", or "query").  0 or -1 with e.
 */
static int
rows_take(struct report *r, const json_t *answer, struct err *e)
{
	const json_t *list = json_object_get(answer, "tenants"), *t;
	const json_t *tried = json_object_get(answer, "attempted");
	json_t *row;
	size_t i;

	r->principals = json_object_get(answer, "principals");
	if (!json_is_object(r->principals))
		r->principals = json_object_get(answer, "query");
	if (!json_is_array(list) || (tried != NULL && !json_is_null(tried) &&
	    !json_is_array(tried)) || json_array_size(list) +
	    json_array_size(tried) > REPORT_TENANTS_MAX)
		return err_bad_request(e, "the answer's 'tenants' and "
		    "'attempted' are not arrays of at most %d tenants",
		    REPORT_TENANTS_MAX);
	r->tenants = json_array();
	if (r->tenants == NULL)
		return err_internal(e, "out of memory");
	json_array_foreach(list, i, t)
		if (json_array_append(r->tenants, UNCONST(t)) == -1)
			return err_internal(e, "out of memory");
	json_array_foreach(tried, i, t) {
		row = json_is_object(t) ? json_copy(UNCONST(t)) :
		    json_incref(UNCONST(t));
		if (row == NULL || json_array_append_new(r->tenants, row) == -1)
			return err_internal(e, "out of memory");
		if (json_is_object(row) &&
		    json_object_get(row, "exposure") == NULL &&
		    json_object_set_new(row, "exposure",
		    json_string("attempted")) == -1)
			return err_internal(e, "out of memory");
	}
	return 0;
}

/*
 * The checks that need no entry: the key, the signed checkpoint, its size,
 * the tenants' shape and their indexes below the size.  With given NULL
 * the entries are not looked at.
 */
static int
answer_check(struct report *r, const json_t *answer, const char *key,
    const json_t *given, struct err *e)
{
	const json_t *t, *size;
	json_t *seen;
	size_t i, body_len;
	struct err ie;
	int rc = -1;

	err_init(&ie);
	r->answer = answer;
	r->key = key;
	seen = json_object();
	if (seen == NULL)
		return err_internal(e, "out of memory");
	if (!json_is_object(answer)) {
		err_bad_request(e, "the answer is not a JSON object");
		goto out;
	}
	if (rows_take(r, answer, e) == -1)
		goto out;
	r->note = cli_jstr(answer, "checkpoint");
	if (r->note == NULL) {
		err_bad_request(e, "the answer has no 'checkpoint'");
		goto out;
	}
	r->note_len = json_string_length(json_object_get(answer,
	    "checkpoint"));
	if (note_verifier_parse(&r->vk, key, &ie) == -1) {
		err_bad_request(e, "the log's key is not a verifier key: %s",
		    ie.msg);
		goto out;
	}
	if (r->note_len == 0 || r->note_len > NOTE_MAX ||
	    strlen(r->note) != r->note_len) {
		err_bad_request(e, "the answer's checkpoint is empty, too "
		    "long or holds a NUL byte");
		goto out;
	}
	if (note_open(r->note, r->note_len, &r->vk, &body_len, &ie) == -1) {
		err_bad_request(e, "the answer's checkpoint is not signed by "
		    "the log's key %s: %s", r->vk.name, ie.msg);
		goto out;
	}
	if (checkpoint_parse(&r->cp, r->note, body_len, &ie) == -1) {
		err_bad_request(e, "the answer's checkpoint is signed but is "
		    "not a checkpoint: %s", ie.msg);
		goto out;
	}
	if (strcmp(r->cp.origin, r->vk.name) != 0) {
		err_bad_request(e, "the answer's checkpoint is of log '%s', "
		    "not of '%s'", r->cp.origin, r->vk.name);
		goto out;
	}
	size = json_object_get(answer, "size");
	if (!json_is_integer(size) || json_integer_value(size) != r->cp.size) {
		err_bad_request(e, "the answer's 'size' is not its "
		    "checkpoint's size %" PRId64, r->cp.size);
		goto out;
	}
	json_array_foreach(r->tenants, i, t)
		if (tenant_check(r, given, t, i, seen, e) == -1)
			goto out;
	rc = 0;
out:
	json_decref(seen);
	return rc;
}

int
report_precheck(const json_t *answer, const char *key, struct err *e)
{
	struct report r;
	int rc;

	err_init(e);
	memset(&r, 0, sizeof(r));
	rc = answer_check(&r, answer, key, NULL, e);
	json_decref(r.tenants);
	return rc;
}

struct report *
report_new(const struct report_input *in, struct err *e)
{
	struct report *r;

	err_init(e);
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	r->generated = in->generated;
	r->entries = json_object();
	if (r->entries == NULL) {
		err_internal(e, "out of memory");
		goto fail;
	}
	if (answer_check(r, in->answer, in->key, in->entries, e) == -1)
		goto fail;
	return r;
fail:
	report_free(r);
	return NULL;
}

void
report_free(struct report *r)
{
	if (r == NULL)
		return;
	json_decref(r->entries);
	json_decref(r->tenants);
	free(r);
}

size_t
report_tenants(const struct report *r)
{
	return json_array_size(r->tenants);
}

/* ---- the directory and the files ---- */

int
report_dir_prepare(const char *dir, int force, struct err *e)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int empty = 1;

	err_init(e);
	if (dir[0] == '\0')
		return err_bad_request(e, "the report directory is empty");
	if (mkdir(dir, S_IRWXU) == 0)
		return 0;
	if (errno != EEXIST)
		return err_internal(e, "%s: %s", dir, strerror(errno));
	if (lstat(dir, &st) == -1)
		return err_internal(e, "%s: %s", dir, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return err_internal(e, "%s: is a symbolic link; refusing to "
		    "follow it", dir);
	if (!S_ISDIR(st.st_mode))
		return err_internal(e, "%s: exists and is not a directory",
		    dir);
	if (force)
		return 0;
	d = opendir(dir);
	if (d == NULL)
		return err_internal(e, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		empty = 0;
		break;
	}
	closedir(d);
	if (!empty) {
		err_bad_request(e, "%s exists and is not empty (--force writes "
		    "into it anyway, replacing reports of the same names)",
		    dir);
		return 1;
	}
	return 0;
}

/*
 * The file name stem of a tenant's report: the id with every byte but
 * [A-Za-z0-9_-] (and '.' after the first) written %XX, so that no id can
 * reach outside the directory or hide a file, and different ids give
 * different names.  "summary" (any case) is written %73ummary: the
 * operator's files keep their names.  0 or -1 (too long).
 */
static int
file_stem(char out[REPORT_STEM_MAX + 1], const char *tenant)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; tenant[i] != '\0'; i++) {
		unsigned char c = (unsigned char)tenant[i];
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && i > 0);

		if (strcasecmp(tenant, "summary") == 0 && i == 0)
			plain = 0;
		if (o + (plain ? 1 : 3) > REPORT_STEM_MAX)
			return -1;
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return o > 0 ? 0 : -1;
}

static int
dump_cb(const char *p, size_t n, void *data)
{
	return buf_append(data, p, n);
}

/* Writes dir/name.  0 or -1 with e. */
static int
file_put(const char *dir, const char *name, const char *data, size_t len,
    int force, struct err *e)
{
	char path[REPORT_PATH_MAX];
	int rc;

	if (str_printf(path, sizeof(path), "%s/%s", dir, name) == -1)
		return err_internal(e, "%s/%s: path too long", dir, name);
	rc = cli_write_file(path, data, len, !force);
	if (rc == 1)
		return err_internal(e, "%s exists; not replaced (--force "
		    "replaces it)", path);
	if (rc == -1)
		return err_internal(e, "%s: cannot write it", path);
	return 0;
}

static int
json_put(const char *dir, const char *name, const json_t *doc, int force,
    struct err *e)
{
	struct buf b;
	int rc = -1;

	buf_init(&b, REPORT_FILE_MAX);
	if (json_dump_callback(doc, dump_cb, &b, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) == -1 ||
	    buf_puts(&b, "\n") == -1) {
		err_internal(e, "%s: cannot encode it (larger than %zu "
		    "bytes?)", name, REPORT_FILE_MAX);
		goto out;
	}
	rc = file_put(dir, name, b.data, b.len, force, e);
out:
	buf_cleanup(&b);
	return rc;
}

/* ---- Markdown ---- */

/* A page being written; the first failed append sticks. */
struct md {
	struct buf b;
	int failed;
};

static void
md_puts(struct md *m, const char *s)
{
	if (!m->failed && buf_puts(&m->b, s) == -1)
		m->failed = 1;
}

static void md_printf(struct md *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
md_printf(struct md *m, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	/* Only our own short formats come here; truncation shortens. */
	(void)vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	md_puts(m, tmp);
}

/* The length of a valid, non-control UTF-8 character at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t need, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] != 0x7f ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	for (i = 1; i < need; i++)
		if (s[i] == '\0')
			return 0;
	return str_is_clean_utf8((const char *)s, need) ? need : 0;
}

/*
 * Text from outside as Markdown inline text: control characters and
 * invalid UTF-8 become '?', and the characters that Markdown or HTML
 * would read as markup are backslash-escaped (CommonMark lets any ASCII
 * punctuation be).
 */
static void
md_text(struct md *m, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "-");
	size_t k;

	while (*p != '\0' && !m->failed) {
		k = utf8_len(p);
		if (k == 0) {
			md_puts(m, "?");
			p++;
			continue;
		}
		if (k == 1 && strchr("\\`*_{}[]<>#|~&!$", *p) != NULL)
			md_puts(m, "\\");
		if (buf_append(&m->b, p, k) == -1)
			m->failed = 1;
		p += k;
	}
}

/* 1 when s may stand in a code span, also in a table cell. */
static int
code_safe(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f || s[i] == '`' || s[i] == '|' ||
		    i >= REPORT_CODE_MAX)
			return 0;
	return i > 0;
}

/* An identifier or time: `s` when it can be, else escaped text. */
static void
md_code(struct md *m, const char *s)
{
	if (s == NULL) {
		md_puts(m, "-");
		return;
	}
	if (!code_safe(s)) {
		md_text(m, s);
		return;
	}
	md_puts(m, "`");
	md_puts(m, s);
	md_puts(m, "`");
}

/* Writes "name count, name count" of a {name: count} object; "none". */
static void
md_counts(struct md *m, const json_t *counts)
{
	const char *k;
	json_t *v;
	int first = 1;

	json_object_foreach(UNCONST(counts), k, v) {
		if (!json_is_integer(v))
			continue;
		if (!first)
			md_puts(m, ", ");
		md_code(m, k);
		md_printf(m, " %" JSON_INTEGER_FORMAT, json_integer_value(v));
		first = 0;
	}
	if (first)
		md_puts(m, "none");
}

/* Writes the strings of an array, comma-separated; "none". */
static void
md_list(struct md *m, const json_t *a)
{
	const json_t *v;
	size_t i;
	int first = 1;

	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			continue;
		if (!first)
			md_puts(m, ", ");
		md_code(m, json_string_value(v));
		first = 0;
	}
	if (first)
		md_puts(m, "none");
}

static json_int_t
count_sum(const json_t *counts)
{
	const char *k;
	json_t *v;
	json_int_t n = 0;

	json_object_foreach(UNCONST(counts), k, v)
		if (json_is_integer(v) && json_integer_value(v) > 0 &&
		    n <= INT64_MAX - json_integer_value(v))
			n += json_integer_value(v);
	return n;
}

static const struct {
	const char *action;
	const char *meaning;
} action_words[] = {
	{ "user.password_reset", "a password reset was started: a reset "
	  "link was mailed to the user's own address" },
	{ "user.mfa_reset", "the user's MFA factors were removed: the user "
	  "enrols again at the next login" },
	{ "user.list", "the list of your users (names, e-mail addresses, "
	  "roles, MFA status) was read" },
	{ "ticket.list", "your support tickets were listed" },
	{ "ticket.view", "a support ticket was read" },
	{ "user.create", "a user was created" },
	{ "user.delete", "a user was deleted" },
	{ "tenant.export", "your tenant's data was exported" },
	{ "access_request.create", "access to your tenant was requested" },
	{ "access_request.approve", "a request for access was approved" },
	{ "break_glass", "emergency access was opened by the operator" },
};

static const char *
action_meaning(const char *action)
{
	size_t i;

	for (i = 0; i < sizeof(action_words) / sizeof(action_words[0]); i++)
		if (strcmp(action_words[i].action, action) == 0)
			return action_words[i].meaning;
	return NULL;
}

static void
md_exposure(struct md *m, const char *exposure)
{
	if (exposure != NULL && strcmp(exposure, "acted_upon") == 0)
		md_puts(m, "acted upon");
	else
		md_text(m, exposure != NULL ? exposure : "unknown");
}

static void
exposure_sentence(struct md *m, const char *exposure)
{
	if (exposure != NULL && strcmp(exposure, "acted_upon") == 0)
		md_puts(m, "**Acted upon**: at least one allowed action "
		    "changed something in your tenant (for example a password "
		    "or MFA reset).");
	else if (exposure != NULL && strcmp(exposure, "viewed") == 0)
		md_puts(m, "**Viewed**: data in your tenant was read (for "
		    "example the list of users or tickets); no allowed action "
		    "changed anything.");
	else if (exposure != NULL && strcmp(exposure, "exposed") == 0)
		md_puts(m, "**Exposed**: the principals below held access to "
		    "your tenant during the window (an approved access request "
		    "or your support policy let them in), but no allowed "
		    "action in your tenant is recorded.");
	else if (exposure != NULL && strcmp(exposure, "attempted") == 0)
		md_puts(m, "**Attempted**: the principals below tried to act "
		    "in your tenant and custos refused every attempt: they "
		    "held no access to it, and nothing was read or changed "
		    "through support.");
	else {
		md_puts(m, "Exposure: ");
		md_text(m, exposure);
		md_puts(m, ".");
	}
}

/* "engineer `e1`, device `d1`" from the echoed principals. */
static void
md_principals(struct md *m, const json_t *p)
{
	static const struct {
		const char *key;
		const char *word;
	} kinds[] = {
		{ "engineers", "engineer" }, { "devices", "device" },
		{ "sessions", "session" }, { "vendors", "vendor" },
		{ "ips", "source address" },
	};
	const json_t *list, *v;
	size_t i, k;
	int first = 1;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		list = json_object_get(p, kinds[k].key);
		json_array_foreach(list, i, v) {
			if (!json_is_string(v))
				continue;
			md_puts(m, first ? "" : ", ");
			md_puts(m, kinds[k].word);
			md_puts(m, " ");
			md_code(m, json_string_value(v));
			first = 0;
		}
	}
	if (first)
		md_puts(m, "(not given in the answer)");
}

static int
index_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The tenant's cited indexes, ascending, each once: *out (free()). */
static int
tenant_indexes(const json_t *t, int64_t **out, size_t *n)
{
	const json_t *list = json_object_get(t, "entries"), *v;
	int64_t *a;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (!json_is_array(list) || json_array_size(list) == 0)
		return 0;
	a = calloc(json_array_size(list), sizeof(*a));
	if (a == NULL)
		return -1;
	json_array_foreach(list, i, v)
		a[i] = json_integer_value(v);
	qsort(a, json_array_size(list), sizeof(*a), index_cmp);
	for (i = 0; i < json_array_size(list); i++)
		if (k == 0 || a[k - 1] != a[i])
			a[k++] = a[i];
	*out = a;
	*n = k;
	return 0;
}

/* 1 when the checked entry's leaf is about tenant. */
static int
entry_about(const json_t *en, const char *tenant)
{
	const char *t = cli_jstr(json_object_get(en, "event"), "tenant");

	return t != NULL && strcmp(t, tenant) == 0;
}

static void
md_timeline(struct md *m, const struct report *r, const char *tenant,
    const int64_t *idx, size_t n)
{
	const json_t *en, *ev, *actor;
	const char *reason, *vendor;
	size_t i;
	int others = 0;

	md_puts(m, "| entry | time (UTC) | who | device | source address | "
	    "action | target | outcome |\n|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		en = entry_get(r, idx[i]);
		ev = json_object_get(en, "event");
		actor = json_object_get(ev, "actor");
		md_printf(m, "| %" PRId64 "%s | ", idx[i],
		    entry_about(en, tenant) ? "" : " (*)");
		others |= !entry_about(en, tenant);
		md_code(m, cli_jstr(ev, "time"));
		md_puts(m, " | ");
		md_text(m, cli_jstr(actor, "kind"));
		md_puts(m, " ");
		md_code(m, cli_jstr(actor, "id"));
		vendor = cli_jstr(actor, "vendor");
		if (vendor != NULL) {
			md_puts(m, " of vendor ");
			md_code(m, vendor);
		}
		md_puts(m, " | ");
		md_code(m, cli_jstr(ev, "device"));
		md_puts(m, " | ");
		md_code(m, cli_jstr(ev, "source"));
		md_puts(m, " | ");
		md_code(m, cli_jstr(ev, "action"));
		md_puts(m, " | ");
		md_code(m, cli_jstr(ev, "target"));
		md_puts(m, " | ");
		md_text(m, cli_jstr(ev, "outcome"));
		reason = cli_jstr(ev, "reason");
		if (reason != NULL) {
			md_puts(m, " (");
			md_code(m, reason);
			md_puts(m, ")");
		}
		md_puts(m, " |\n");
	}
	if (others)
		md_puts(m, "\n(*) This entry is not about your tenant (for "
		    "example the login that opened the session); it is in the "
		    "JSON file's `other_entries`, with its proof, and `custos "
		    "verify --tenant-log` does not check it.\n");
}

/* A shell word for s, or NULL when it cannot be one simply. */
static const char *
shell_word(char *tmp, size_t size, const char *s)
{
	size_t i;
	int plain = 1;

	if (!code_safe(s) || strchr(s, '\'') != NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:@%+=,/",
		    s[i]) == NULL)
			plain = 0;
	if (plain)
		return s;
	if (str_printf(tmp, size, "'%s'", s) == -1)
		return NULL;
	return tmp;
}

static void
tenant_md(struct md *m, const struct report *r, const json_t *t,
    const char *stem, const int64_t *idx, size_t n)
{
	const char *tenant = cli_jstr(t, "tenant"), *name = cli_jstr(t, "name");
	const char *exposure = cli_jstr(t, "exposure"), *from, *to, *word, *k;
	const json_t *actions = json_object_get(t, "actions"), *v;
	const json_t *denied = json_object_get(t, "denied");
	const json_t *users = json_object_get(t, "users_affected");
	const json_t *grants = json_object_get(t, "grants");
	char tmp[REPORT_CODE_MAX + 8];
	size_t nusers = json_array_size(users), i, step = 1;

	from = cli_jstr(r->answer, "from");
	to = cli_jstr(r->answer, "to");
	md_puts(m, "# Support access to ");
	md_text(m, name != NULL ? name : tenant);
	md_puts(m, ": incident report\n\n");
	md_puts(m, "| | |\n|---|---|\n| Tenant | ");
	md_code(m, tenant);
	if (name != NULL) {
		md_puts(m, " (");
		md_text(m, name);
		md_puts(m, ")");
	}
	md_puts(m, " |\n| Window | ");
	md_code(m, from);
	md_puts(m, " to ");
	md_code(m, to);
	md_puts(m, " (UTC; the end is not included) |\n| Exposure | **");
	md_exposure(m, exposure);
	md_puts(m, "** |\n| First activity | ");
	md_code(m, cli_jstr(t, "first"));
	md_puts(m, " |\n| Last activity | ");
	md_code(m, cli_jstr(t, "last"));
	md_printf(m, " |\n| Allowed actions | %" JSON_INTEGER_FORMAT
	    " |\n| Refused attempts | %" JSON_INTEGER_FORMAT
	    " |\n| Users affected | %zu |\n| Log entries cited | %zu (each "
	    "with its proof, in `%s.json`) |\n| Report prepared | ",
	    count_sum(actions), count_sum(denied), nusers, n, stem);
	md_code(m, r->generated);
	md_printf(m, " |\n| Log checkpoint | size %" PRId64 " |\n\n",
	    r->cp.size);

	md_puts(m, "## Summary\n\nWe investigated what was done in our "
	    "customers' tenants by these principals: ");
	md_principals(m, r->principals);
	md_puts(m, ".  Your tenant is in the results.\n\n");
	exposure_sentence(m, exposure);
	md_puts(m, "\n\nEverything below comes from custos's transparency "
	    "log, which records every request support makes, allowed or "
	    "refused, and which can be checked independently (see the "
	    "last section).\n\n");

	md_puts(m, "## What happened\n\n");
	if (count_sum(actions) > 0) {
		md_puts(m, "Allowed actions in your tenant:\n\n| action | "
		    "times | what it means |\n|---|---|---|\n");
		json_object_foreach(UNCONST(actions), k, v) {
			if (!json_is_integer(v))
				continue;
			md_puts(m, "| ");
			md_code(m, k);
			md_printf(m, " | %" JSON_INTEGER_FORMAT " | ",
			    json_integer_value(v));
			word = action_meaning(k);
			md_puts(m, word != NULL ? word : "-");
			md_puts(m, " |\n");
		}
		md_puts(m, "\n");
	} else {
		md_puts(m, "No allowed action in your tenant is recorded in "
		    "the window.\n\n");
	}
	if (count_sum(denied) > 0) {
		md_puts(m, "Attempts that custos refused (they changed "
		    "nothing, but show intent):\n\n| action | times |\n"
		    "|---|---|\n");
		json_object_foreach(UNCONST(denied), k, v) {
			if (!json_is_integer(v))
				continue;
			md_puts(m, "| ");
			md_code(m, k);
			md_printf(m, " | %" JSON_INTEGER_FORMAT " |\n",
			    json_integer_value(v));
		}
		md_puts(m, "\n");
	}
	md_puts(m, "### Users affected\n\n");
	if (nusers == 0) {
		md_puts(m, "No user of your tenant was the target of a reset "
		    "in the window.\n\n");
	} else {
		md_puts(m, "These users were the targets of resets:\n\n");
		json_array_foreach(users, i, v) {
			md_puts(m, "- ");
			md_code(m, json_string_value(v));
			md_puts(m, "\n");
		}
		md_puts(m, "\n");
	}
	md_puts(m, "### Access that let them in\n\n");
	if (json_array_size(grants) > 0) {
		md_puts(m, "Access requests (ids as your administrators see "
		    "them in `custos requests`): ");
		md_list(m, grants);
		md_puts(m, ".\n\n");
	}
	if (cli_jstr(t, "policy") != NULL) {
		md_puts(m, "Your support policy, ");
		md_code(m, cli_jstr(t, "policy"));
		md_puts(m, ", let any support engineer in without a request "
		    "for the whole window.  Consider `approval_required` "
		    "(`custos policy TENANT --set-policy "
		    "approval_required`).\n\n");
	}
	if (json_array_size(grants) == 0 && cli_jstr(t, "policy") == NULL)
		md_puts(m, "No access request or policy that let them in is "
		    "recorded.\n\n");
	md_puts(m, "### Timeline\n\n");
	if (n == 0)
		md_puts(m, "No log entry is cited for your tenant.\n\n");
	else {
		md_timeline(m, r, tenant, idx, n);
		md_puts(m, "\n");
	}

	md_puts(m, "## What you should do\n\n");
	if (nusers > 0) {
		md_printf(m, "%zu. **Force a password reset** for each user "
		    "listed above, by your own administrators (not through "
		    "support), and end their open sessions: a reset link may "
		    "have reached someone else.\n", step++);
		md_printf(m, "%zu. **Review their MFA factors**: remove any "
		    "factor the user did not enrol themselves, and have them "
		    "enrol again.\n", step++);
	} else if (exposure != NULL && strcmp(exposure, "viewed") == 0) {
		md_printf(m, "%zu. **No reset of your users is recorded**, but "
		    "data was read: if it matters to you (the user list holds "
		    "e-mail addresses), warn your users about phishing that "
		    "may use it.\n", step++);
	} else {
		md_printf(m, "%zu. **Nothing in your tenant was changed or "
		    "read** through support in the window; the steps below "
		    "are precautions.\n", step++);
	}
	md_printf(m, "%zu. **Check your own logs** (identity provider, "
	    "applications, mail) for ", step++);
	md_code(m, from);
	md_puts(m, " to ");
	md_code(m, to);
	md_puts(m, " and the days after: sign-ins of the users above, "
	    "password and MFA changes, and requests from the source "
	    "addresses in the timeline.\n");
	md_printf(m, "%zu. **Review support access**: your administrators "
	    "can list access requests (`custos requests TENANT`), revoke "
	    "any still open, and read every log entry about your tenant "
	    "(`custos access-log TENANT`).\n", step++);
	md_printf(m, "%zu. **Contact us**: %s, quoting your tenant ", step++,
	    REPORT_CONTACT);
	md_code(m, tenant);
	md_puts(m, " and this window.\n\n");

	md_puts(m, "## How to verify this report\n\n");
	md_printf(m, "`%s.json` holds, for every entry in the timeline, the "
	    "exact bytes the log holds (`leaf`, base64) and an inclusion "
	    "proof (`proof`) against a checkpoint of the log signed with "
	    "the log's key (`checkpoint`, tree size %" PRId64 ").\n\n", stem,
	    r->cp.size);
	md_puts(m, "1. Get the log's verifier key from us over a channel you "
	    "trust, not only from this report (its copy in the JSON file "
	    "proves only that the file agrees with itself).  It must read:"
	    "\n\n   ```\n   ");
	md_puts(m, code_safe(r->key) ? r->key : "(see the JSON file)");
	md_puts(m, "\n   ```\n\n   Save it as `log.key`.\n");
	md_printf(m, "2. Run the custos command-line tool, which needs no "
	    "server and sends nothing anywhere:\n\n   ```\n   custos verify "
	    "--key log.key --tenant-log %s.json", stem);
	k = shell_word(tmp, sizeof(tmp), tenant);
	if (k != NULL) {
		md_puts(m, " --tenant ");
		md_puts(m, k);
	}
	md_puts(m, "\n   ```\n\n   It ends with `verified: N checks passed` "
	    "(exit status 0) when the checkpoint's signature is the key's, "
	    "every entry is about your tenant, and every entry's proof leads "
	    "from its bytes to the signed root.\n");
	md_puts(m, "3. Keep the checkpoint (the JSON file's `checkpoint`). "
	    "Later checkpoints of the log must extend it (`custos "
	    "consistency` and `custos verify --old-checkpoint`): a log that "
	    "dropped or changed an entry afterwards cannot pass.\n\n");
	md_puts(m, "This proves that each entry above is in the signed log, "
	    "byte for byte, and is about your tenant.  It does not prove "
	    "that the list is complete: your administrators can fetch every "
	    "entry about your tenant, with proofs, with `custos access-log` "
	    "and compare.\n\nWithout custos: a leaf's hash is "
	    "SHA-256(0x00 || leaf bytes), proofs are RFC 9162 inclusion "
	    "proofs (section 2.1.3), and the checkpoint is a C2SP signed "
	    "note (tlog-checkpoint, Ed25519).\n");
}

/* ---- the per-tenant JSON ---- */

static json_t *
tenant_doc(const struct report *r, const json_t *t, const int64_t *idx,
    size_t n)
{
	const char *tenant = cli_jstr(t, "tenant"), *k;
	const char *const window[] = { "from", "to", NULL };
	json_t *o, *list, *other, *v;
	const json_t *en;
	size_t i;
	int bad = 0;

	o = json_object();
	list = json_array();
	other = json_array();
	if (o == NULL || list == NULL || other == NULL)
		goto fail;
	bad |= json_object_set_new(o, "format", json_string(REPORT_FORMAT));
	json_object_foreach(UNCONST(t), k, v) {
		if (strcmp(k, "entries") == 0 || strcmp(k, "proofs") == 0)
			continue;
		bad |= json_object_set(o, k, v);
	}
	for (i = 0; window[i] != NULL; i++)
		if (json_object_get(r->answer, window[i]) != NULL)
			bad |= json_object_set(o, window[i],
			    json_object_get(r->answer, window[i]));
	bad |= json_object_set_new(o, "generated", json_string(r->generated));
	if (r->principals != NULL)
		bad |= json_object_set(o, "principals",
		    UNCONST(r->principals));
	bad |= json_object_set_new(o, "key", json_string(r->key));
	bad |= json_object_set(o, "checkpoint",
	    json_object_get(r->answer, "checkpoint"));
	bad |= json_object_set_new(o, "size", json_integer(r->cp.size));
	for (i = 0; i < n; i++) {
		en = entry_get(r, idx[i]);
		if (en == NULL)
			goto fail;
		bad |= json_array_append(entry_about(en, tenant) ? list : other,
		    UNCONST(en));
	}
	bad |= json_object_set(o, "entries", list);
	if (json_array_size(other) > 0)
		bad |= json_object_set(o, "other_entries", other);
	if (bad)
		goto fail;
	json_decref(list);
	json_decref(other);
	return o;
fail:
	json_decref(list);
	json_decref(other);
	json_decref(o);
	return NULL;
}

/* ---- the operator's summary ---- */

static json_t *
summary_doc(const struct report *r, const json_t *names)
{
	static const char *const copied[] = { "from", "to", "checkpoint",
	    "size", "summary", NULL };
	const json_t *t;
	json_t *o, *list, *one, *v;
	const char *k;
	size_t i;
	int bad = 0;

	o = json_object();
	list = json_array();
	if (o == NULL || list == NULL)
		goto fail;
	bad |= json_object_set_new(o, "format",
	    json_string(REPORT_SUMMARY_FORMAT));
	bad |= json_object_set_new(o, "generated", json_string(r->generated));
	for (i = 0; copied[i] != NULL; i++)
		if (json_object_get(r->answer, copied[i]) != NULL)
			bad |= json_object_set(o, copied[i],
			    json_object_get(r->answer, copied[i]));
	if (r->principals != NULL)
		bad |= json_object_set(o, "principals",
		    UNCONST(r->principals));
	bad |= json_object_set_new(o, "key", json_string(r->key));
	json_array_foreach(r->tenants, i, t) {
		one = json_object();
		if (one == NULL || json_array_append_new(list, one) == -1)
			goto fail;
		json_object_foreach(UNCONST(t), k, v)
			if (strcmp(k, "proofs") != 0)
				bad |= json_object_set(one, k, v);
		bad |= json_object_set(one, "files",
		    json_array_get(names, i));
	}
	bad |= json_object_set(o, "tenants", list);
	if (bad)
		goto fail;
	json_decref(list);
	return o;
fail:
	json_decref(list);
	json_decref(o);
	return NULL;
}

static void
summary_md(struct md *m, const struct report *r, const json_t *names)
{
	const json_t *sum = json_object_get(r->answer, "summary"), *t, *f;
	static const struct {
		const char *key;
		const char *head;
	} cols[] = {
		{ "events", "events" },
		{ "tenants_acted_upon", "tenants acted upon" },
		{ "tenants_viewed", "viewed" },
		{ "tenants_exposed", "exposed" },
		{ "tenants_attempted", "attempted" },
		{ "denied", "refused attempts" },
	};
	size_t i;

	md_puts(m, "# Scope: ");
	md_principals(m, r->principals);
	md_puts(m, "\n\n| | |\n|---|---|\n| Window | ");
	md_code(m, cli_jstr(r->answer, "from"));
	md_puts(m, " to ");
	md_code(m, cli_jstr(r->answer, "to"));
	md_puts(m, " (UTC; the end is not included) |\n| Prepared | ");
	md_code(m, r->generated);
	md_printf(m, " |\n| Log checkpoint | size %" PRId64 " |\n| Log key | ",
	    r->cp.size);
	md_code(m, r->key);
	md_puts(m, " |\n\n");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		md_printf(m, "| %s ", cols[i].head);
	md_puts(m, "|\n");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		md_puts(m, "|---");
	md_puts(m, "|\n");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		const json_t *v = json_object_get(sum, cols[i].key);

		if (json_is_integer(v))
			md_printf(m, "| %" JSON_INTEGER_FORMAT " ",
			    json_integer_value(v));
		else
			md_puts(m, "| - ");
	}
	md_puts(m, "|\n\n## Tenants\n\n");
	if (json_array_size(r->tenants) == 0) {
		md_puts(m, "No tenant was touched or exposed in the window: "
		    "there is no report to send.\n");
		return;
	}
	md_puts(m, "| tenant | name | exposure | first | last | actions | "
	    "users affected | refused | report |\n"
	    "|---|---|---|---|---|---|---|---|---|\n");
	json_array_foreach(r->tenants, i, t) {
		f = json_array_get(names, i);
		md_puts(m, "| ");
		md_code(m, cli_jstr(t, "tenant"));
		md_puts(m, " | ");
		md_text(m, cli_jstr(t, "name"));
		md_puts(m, " | ");
		md_exposure(m, cli_jstr(t, "exposure"));
		md_puts(m, " | ");
		md_code(m, cli_jstr(t, "first"));
		md_puts(m, " | ");
		md_code(m, cli_jstr(t, "last"));
		md_puts(m, " | ");
		md_counts(m, json_object_get(t, "actions"));
		md_puts(m, " | ");
		md_list(m, json_object_get(t, "users_affected"));
		md_puts(m, " | ");
		md_counts(m, json_object_get(t, "denied"));
		md_puts(m, " | ");
		md_code(m, cli_jstr(f, "md"));
		md_puts(m, ", ");
		md_code(m, cli_jstr(f, "json"));
		md_puts(m, " |\n");
	}
	md_puts(m, "\n## Sending the reports\n\nEach tenant's administrators "
	    "get its two files: the page (`.md`) and the evidence (`.json`)."
	    "  Before sending, replace the contact placeholder in each page "
	    "(`" REPORT_CONTACT "`).  Give customers the log's verifier key "
	    "(above) over a channel they trust, apart from the report.\n\n"
	    "Check a report the way the customer will:\n\n```\ncustos "
	    "log-key > log.key\ncustos verify --key log.key --tenant-log "
	    "TENANT.json --tenant TENANT\n```\n\nEvery proof was checked "
	    "against the signed checkpoint before these files were "
	    "written.\n");
}

static int
md_put(const char *dir, const char *name, struct md *m, int force,
    struct err *e)
{
	if (m->failed)
		return err_internal(e, "%s: larger than %zu bytes, or out of "
		    "memory", name, REPORT_FILE_MAX);
	return file_put(dir, name, m->b.data, m->b.len, force, e);
}

int
report_write(const struct report *r, const char *dir, int force,
    json_t **files, struct err *e)
{
	char stem[REPORT_STEM_MAX + 1], name[REPORT_STEM_MAX + 8];
	char mdname[REPORT_STEM_MAX + 8];
	const json_t *t;
	json_t *names = NULL, *written = NULL, *doc = NULL, *pair;
	int64_t *idx = NULL;
	struct md m;
	size_t i, n;
	int rc = -1;

	err_init(e);
	buf_init(&m.b, REPORT_FILE_MAX);
	m.failed = 0;
	if (files != NULL)
		*files = NULL;
	names = json_array();
	written = json_array();
	if (names == NULL || written == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	json_array_foreach(r->tenants, i, t) {
		if (file_stem(stem, cli_jstr(t, "tenant")) == -1) {
			err_bad_request(e, "tenant %s: the id is too long for "
			    "a file name", cli_jstr(t, "tenant"));
			goto out;
		}
		if (tenant_indexes(t, &idx, &n) == -1) {
			err_internal(e, "out of memory");
			goto out;
		}
		doc = tenant_doc(r, t, idx, n);
		if (doc == NULL) {
			err_internal(e, "tenant %s: cannot build its report",
			    stem);
			goto out;
		}
		(void)str_printf(name, sizeof(name), "%s.json", stem);
		if (json_put(dir, name, doc, force, e) == -1)
			goto out;
		json_decref(doc);
		doc = NULL;
		buf_reset(&m.b);
		m.failed = 0;
		tenant_md(&m, r, t, stem, idx, n);
		free(idx);
		idx = NULL;
		(void)str_printf(mdname, sizeof(mdname), "%s.md", stem);
		pair = json_pack("{s:s, s:s}", "json", name, "md", mdname);
		if (pair == NULL || json_array_append_new(names, pair) == -1 ||
		    json_array_append_new(written, json_string(name)) == -1 ||
		    json_array_append_new(written, json_string(mdname)) == -1) {
			err_internal(e, "out of memory");
			goto out;
		}
		if (md_put(dir, mdname, &m, force, e) == -1)
			goto out;
	}
	doc = summary_doc(r, names);
	if (doc == NULL) {
		err_internal(e, "cannot build the summary");
		goto out;
	}
	if (json_put(dir, "summary.json", doc, force, e) == -1)
		goto out;
	buf_reset(&m.b);
	m.failed = 0;
	summary_md(&m, r, names);
	if (md_put(dir, "summary.md", &m, force, e) == -1)
		goto out;
	if (json_array_append_new(written, json_string("summary.json")) ==
	    -1 || json_array_append_new(written, json_string("summary.md")) ==
	    -1) {
		err_internal(e, "out of memory");
		goto out;
	}
	if (files != NULL) {
		*files = written;
		written = NULL;
	}
	rc = 0;
out:
	free(idx);
	json_decref(doc);
	json_decref(written);
	json_decref(names);
	buf_cleanup(&m.b);
	return rc;
}
