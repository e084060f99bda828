/* SPDX-License-Identifier: ISC */
/*
 * report.c: the scope reports (see report.h), their checking: the answer,
 * its signed checkpoint and the proof of every entry it cites.  The pages
 * are report_md.c's, the files report_write.c's.
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
#include "cli/report_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/b64.h"
#include "common/str.h"
#include "tlog/leaf.h"
#include "tlog/merkle.h"
#include "tlog/proof.h"

/* ---- reading the answer ---- */

const json_t *
report_cited(const struct report *r, int64_t index)
{
	char key[32];

	if (str_printf(key, sizeof(key), "%" PRId64, index) == -1)
		return NULL;
	return json_object_get(r->entries, key);
}

/*
 * The event of a cited entry whose leaf is bytes: the leaf parsed as JSON
 * (a plaintext leaf), or, for a custos-leaf-v1 leaf, en's "event" with
 * en's "sealed" checked against the leaf's body_hash (*sealed borrowed
 * from en).  0 with a new reference in *event, or -1 with e.
 */
static int
event_take(const json_t *en, const uint8_t *bytes, size_t len,
    json_t **event, const json_t **sealed, struct err *e)
{
	const json_t *s = json_object_get(en, "sealed");
	uint8_t *body = NULL;
	size_t blen = 0, max;
	int rc = -1;

	*sealed = NULL;
	*event = NULL;
	if (len != LEAF_BYTES || bytes[0] != LEAF_VERSION) {
		*event = json_loadb((const char *)bytes, len,
		    JSON_REJECT_DUPLICATES, NULL);
		if (json_is_object(*event))
			return 0;
		json_decref(*event);
		*event = NULL;
		return err_bad_request(e, "its leaf is neither a JSON object "
		    "nor a %s leaf", LEAF_FORMAT);
	}
	if (!json_is_string(s) || !json_is_object(json_object_get(en,
	    "event")))
		return err_bad_request(e, "its leaf is sealed, and the log "
		    "sent no 'sealed' body or no 'event'");
	max = json_string_length(s) / 4 * 3 + 3;
	body = malloc(max);
	if (body == NULL)
		return err_internal(e, "out of memory");
	if (b64_decode(body, max, &blen, json_string_value(s),
	    json_string_length(s)) == -1) {
		err_bad_request(e, "its 'sealed' is not base64");
		goto out;
	}
	if (leaf_check_body(bytes, len, body, blen, e) == -1)
		goto out;
	*event = json_incref(json_object_get(en, "event"));
	*sealed = s;
	rc = 0;
out:
	free(body);
	return rc;
}

/*
 * Checks the cited entry index: the caller sent its leaf and a proof, the
 * proof leads from the leaf to the checkpoint's root, the leaf is a JSON
 * object.  Keeps {index, leaf, event, proof} in r->entries.  0 or -1.
 */
static int
cited_check(struct report *r, const json_t *given, int64_t index,
    struct err *e)
{
	merkle_hash hashes[MERKLE_PROOF_MAX], leaf_hash;
	const json_t *en, *pr;
	json_t *event = NULL, *kept = NULL;
	const json_t *sealed;
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
	/* Not a reading of the entry (report_cited_read is): the event the
	 * evidence file carries.  A plaintext leaf is its own event (verify
	 * --tenant-log compares them); a sealed one (custos-leaf-v1) comes
	 * with its sealed body, which must hash to the leaf, and the event
	 * the operator's log sent, which only the tenant's log key binds to
	 * that body (verify --tenant-log --log-key, on the customer's side). */
	if (event_take(en, bytes, len, &event, &sealed, e) == -1) {
		err_bad_request(e, "entry %" PRId64 ": %s", index, e->msg);
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
	kept = json_pack("{s:I, s:O, s:O*, s:O, s:O}", "index",
	    (json_int_t)index, "leaf", json_object_get(en, "leaf"), "sealed",
	    sealed, "event", event, "proof", pr);
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
		    cited_check(r, given, json_integer_value(v), e) == -1)
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

/* Frees what jansson allocated (json_dumps), with its free function: the
 * CLI's is not free() (main.c wipes jansson's memory). */
static void
jfree(void *p)
{
	json_malloc_t m;
	json_free_t f;

	json_get_alloc_funcs(&m, &f);
	if (f != NULL)
		f(p);
	else
		free(p);
}

int
report_cited_read(struct entry *d, const json_t *en)
{
	uint8_t *bytes = NULL;
	char *text;
	int64_t index;
	size_t len;
	struct err e;
	int rc = -1;

	err_init(&e);
	if (proof_parse_entry(&index, &bytes, &len, en, &e) == 0) {
		if (len == LEAF_BYTES && bytes[0] == LEAF_VERSION) {
			/* Sealed: the event, checked as report_new says. */
			text = json_dumps(json_object_get(en, "event"),
			    JSON_COMPACT);
			rc = text != NULL ? entry_read(d, index, text,
			    strlen(text)) : -1;
			jfree(text);
		} else {
			rc = entry_read(d, index, (const char *)bytes, len);
		}
	}
	free(bytes);
	return rc;
}

int
report_about(const json_t *en, const char *tenant)
{
	struct entry d;

	return report_cited_read(&d, en) == 0 && d.tenant[0] != '\0' &&
	    strcmp(d.tenant, tenant) == 0;
}
