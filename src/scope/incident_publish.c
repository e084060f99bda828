/* SPDX-License-Identifier: ISC */
/*
 * Publishing an incident: one notice per tenant, its own report or its
 * proof of not being affected attached; see incident_publish.h.
 */
#include "scope/incident_publish.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/action.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/jsonx.h"
#include "common/str.h"
#include "scope/incident.h"
#include "scope/scope_report.h"
#include "tlog/proof.h"
#include "tlog/sealer.h"
#include "tlog/tlog.h"

#define TEXT_MAX (64 * 1024)
#define SUMMARY_MAX ((size_t)64 << 20)

static const char *const exposure_words[][2] = {
	{"acted_upon", "acted upon: something in your tenant was changed"},
	{"viewed", "viewed: your tenant's data was read"},
	{"exposed", "exposed: access to your tenant was open to them (an "
	    "approved request, or a policy that lets any engineer in), "
	    "though no read or change of its data was recorded"},
	{"attempted", "attempted: access to your tenant was tried and "
	    "refused every time"},
};

static const char *
exposure_text(const char *x)
{
	size_t i;

	for (i = 0; i < sizeof(exposure_words) / sizeof(exposure_words[0]);
	    i++)
		if (strcmp(x, exposure_words[i][0]) == 0)
			return exposure_words[i][1];
	return x;
}

/* A JSON string's value, or "". */
static const char *
str_or(const json_t *s)
{
	return json_is_string(s) ? json_string_value(s) : "";
}

/* ---- what was told before ---- */

static int
told_cb(void *arg, const struct rec_incident_notice *r)
{
	return json_object_set_new(arg, r->tenant_id, json_true()) == -1;
}

/* A new slot for tenant, or NULL (out of memory). */
static struct publish_tenant *
slot(struct publish *p, const char *tenant, const char *exposure)
{
	struct publish_tenant *t;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct publish_tenant *v = realloc(p->t, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		memset(v + p->cap, 0, (cap - p->cap) * sizeof(*v));
		p->t = v;
		p->cap = cap;
	}
	t = &p->t[p->n];
	memset(t, 0, sizeof(*t));
	str_copy(t->rec.tenant_id, sizeof(t->rec.tenant_id), tenant);
	str_copy(t->rec.exposure, sizeof(t->rec.exposure), exposure);
	str_copy(t->rec.incident_id, sizeof(t->rec.incident_id), p->inc.id);
	str_copy(t->rec.created_by, sizeof(t->rec.created_by), p->by.id);
	t->rec.created = p->now;
	event_init(&t->ev);
	t->p = p;
	return t;
}

/* ---- the texts ---- */

static int
head(struct buf *b, const struct publish_in *in, const struct publish *p,
    const char *from, const char *to)
{
	if (buf_printf(b, "Security incident: %s\n\n", p->inc.title) == -1)
		return -1;
	if (in->message != NULL && in->message[0] != '\0' &&
	    buf_printf(b, "%s\n\n", in->message) == -1)
		return -1;
	return buf_printf(b, "Incident %s, window %s to %s.\n\n", p->inc.id,
	    from, to);
}

static int
counts_text(struct buf *b, const json_t *counts, const char *title)
{
	const char *k, *words;
	json_t *v;

	if (json_object_size(counts) == 0)
		return 0;
	if (buf_printf(b, "%s\n", title) == -1)
		return -1;
	json_object_foreach((json_t *)(uintptr_t)counts, k, v) {
		words = action_words(k);
		if (buf_printf(b, "  - %s x %" JSON_INTEGER_FORMAT "%s%s\n", k,
		    json_integer_value(v), words != NULL ? ": " : "",
		    words != NULL ? words : "") == -1)
			return -1;
	}
	return buf_puts(b, "\n");
}

static int
list_text(struct buf *b, const json_t *a, const char *sep)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		if (buf_printf(b, "%s%s", i > 0 ? sep : "",
		    json_string_value(v)) == -1)
			return -1;
	return 0;
}

/* 1 when one of the counted actions is of class cls (action.h). */
static int
has_class(const json_t *counts, int cls)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)counts, k, v)
		if (action_class_of(k) == cls)
			return 1;
	return 0;
}

/* The notice of an affected tenant, from its row of the summary. */
static int
affected_text(struct buf *b, const struct publish_in *in,
    const struct publish *p, const struct publish_tenant *t,
    const json_t *row, const char *from, const char *to, const char *att)
{
	const json_t *users = json_object_get(row, "users_affected");
	const json_t *grants = json_object_get(row, "grants");
	const char *x = t->rec.exposure, *first, *last;
	const char *policy = json_string_value(json_object_get(row, "policy"));
	int acted = has_class(json_object_get(row, "actions"), ACTION_WRITE);
	int read = has_class(json_object_get(row, "actions"), ACTION_READ);

	first = json_string_value(json_object_get(row, "first"));
	last = json_string_value(json_object_get(row, "last"));
	if (head(b, in, p, from, to) == -1 ||
	    buf_printf(b, "Your tenant %s (%s) was affected.\n\nExposure: "
	    "%s.\n", t->name, t->rec.tenant_id, exposure_text(x)) == -1 ||
	    (first != NULL && buf_printf(b, "First seen %s, last seen %s.\n",
	    first, last != NULL ? last : first) == -1) ||
	    buf_puts(b, "\n") == -1 ||
	    counts_text(b, json_object_get(row, "actions"), "What was done "
	    "(allowed):") == -1 ||
	    counts_text(b, json_object_get(row, "denied"), "What was tried "
	    "and refused:") == -1)
		return -1;
	if (json_array_size(users) > 0 && (buf_puts(b, "Users acted upon: ")
	    == -1 || list_text(b, users, ", ") == -1 ||
	    buf_puts(b, "\n") == -1))
		return -1;
	if (json_array_size(grants) > 0 && (buf_puts(b, "Access requests "
	    "involved: ") == -1 || list_text(b, grants, ", ") == -1 ||
	    buf_puts(b, "\n") == -1))
		return -1;
	if (buf_puts(b, "\nWhat to do:\n") == -1)
		return -1;
	if (json_array_size(users) > 0 && (buf_puts(b, "  - Reset the "
	    "password and the MFA factors of these users, and end their "
	    "sessions: ") == -1 || list_text(b, users, ", ") == -1 ||
	    buf_puts(b, ".\n") == -1))
		return -1;
	if (acted && buf_puts(b, "  - Review every change listed in the "
	    "attached report and undo what you did not ask for.\n") == -1)
		return -1;
	if (read && buf_puts(b, "  - Treat "
	    "the data the report says was read as disclosed: review what it "
	    "held and whom you must tell.\n") == -1)
		return -1;
	if (json_array_size(grants) > 0 && buf_puts(b, "  - Review the "
	    "access requests above in the console; revoke any still "
	    "open.\n") == -1)
		return -1;
	if (policy != NULL && strcmp(policy, "auto_approve") == 0 &&
	    buf_puts(b, "  - Your support policy let any engineer in without "
	    "your approval (auto_approve): consider approval_required.\n") ==
	    -1)
		return -1;
	return buf_printf(b, "\nYour report is attached (%s): the entries "
	    "about your tenant that this incident cites, each with its "
	    "inclusion proof, and the log's signed checkpoint.  It names no "
	    "other customer.  Check it yourself, offline:\n\n"
	    "  custos log-key > log.key\n"
	    "  custos tenant-log-key %s > %s.log-key\n"
	    "  custos verify --key log.key --tenant-log %s "
	    "--tenant %s --log-key %s.log-key\n\n"
	    "The console shows it too: GET /v1/tenants/%s/incidents/%s.\n",
	    SCOPE_REPORT_FORMAT, t->rec.tenant_id, t->rec.tenant_id, att,
	    t->rec.tenant_id, t->rec.tenant_id, t->rec.tenant_id, p->inc.id);
}

static int
unaffected_text(struct buf *b, const struct publish_in *in,
    const struct publish *p, const struct publish_tenant *t,
    const char *from, const char *to, int64_t size, size_t entries,
    size_t in_window, int omitted, const char *att)
{
	if (head(b, in, p, from, to) == -1 ||
	    buf_printf(b, "Your tenant %s (%s) was not affected: no entry "
	    "about your tenant in the window names the principals of this "
	    "incident.\n\n", t->name, t->rec.tenant_id) == -1)
		return -1;
	if (omitted)
		return buf_printf(b, "Your tenant has more than %d entries in "
		    "the log, too many to attach.  Check them against the "
		    "server itself (every entry about your tenant, none "
		    "hidden):\n\n  custos verify --key log.key --tenant %s "
		    "--log-key %s.log-key\n", PUBLISH_PROOF_MAX,
		    t->rec.tenant_id, t->rec.tenant_id);
	return buf_printf(b, "The proof is attached: every entry about your "
	    "tenant in the log up to a signed checkpoint of %lld entries "
	    "(%zu entries, %zu of them in the window), each with its "
	    "inclusion proof.  Check offline that the log holds no other "
	    "entry about your tenant below that size, none hidden:\n\n"
	    "  custos log-key > log.key\n"
	    "  custos tenant-log-key %s > %s.log-key\n"
	    "  custos verify --key log.key --tenant %s --log-key %s.log-key "
	    "--access-log %s\n\n"
	    "(the entry bundles are the log's public tiles: --tiles DIR to "
	    "use a copy).\n", (long long)size, entries, in_window,
	    t->rec.tenant_id, t->rec.tenant_id, t->rec.tenant_id,
	    t->rec.tenant_id, att);
}

/* ---- the proof of an unaffected tenant ---- */

struct proof_walk {
	int64_t size;
	int64_t *v;
	size_t n;
	int over;
};

static int
index_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct proof_walk *w = arg;

	(void)bytes;
	(void)len;
	if (index >= w->size)
		return 1;
	if (w->n == PUBLISH_PROOF_MAX) {
		w->over = 1;
		return 1;
	}
	w->v[w->n++] = index;
	return 0;
}

static json_t *
b64(const void *p, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(len);
	json_t *o;

	if (s == NULL)
		return NULL;
	sodium_bin2base64(s, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	o = json_string(s);
	free(s);
	return o;
}

struct proof_entry {
	struct sealer *sealer;
	json_t *out;
	struct err *e;
};

/* {index, leaf, sealed, event}, as the access log serves it. */
static int
leaf_cb(void *arg, const struct rec_leaf *r)
{
	struct proof_entry *x = arg;
	const uint8_t *sealed = NULL;
	size_t len = 0;

	if (r->leaf == NULL) {
		err_internal(x->e, "log entry %lld has no sealed leaf",
		    (long long)r->index);
		return 1;
	}
	if (sealer_body(x->sealer, r, &sealed, &len, x->e) == -1)
		return 1;
	x->out = json_pack("{s:I,s:o,s:o,s:o}", "index", (json_int_t)r->index,
	    "leaf", b64(r->leaf, r->leaf_len), "sealed", b64(sealed, len),
	    "event", json_loadb(r->bytes, r->len, 0, NULL));
	return 1;
}

/* The tenant's entries below size, proven, into entries; *in_window
 * counts those of the incident's window.  1 when there are more than
 * PUBLISH_PROOF_MAX (entries then empty). */
static int
proof_entries(const struct publish_in *in, const struct publish *p,
    struct sealer *sealer, const char *tenant, int64_t size, json_t *entries,
    size_t *in_window, struct err *e)
{
	merkle_hash h[MERKLE_PROOF_MAX];
	struct proof_walk w = {size, NULL, 0, 0};
	size_t i, n;
	int rc = -1;

	*in_window = 0;
	w.v = calloc(PUBLISH_PROOF_MAX, sizeof(*w.v));
	if (w.v == NULL)
		return err_internal(e, "out of memory");
	if (in->ops->entry_range_tenant(in->c, tenant, 0, PUBLISH_PROOF_MAX +
	    1, index_cb, &w, e) == -1)
		goto out;
	if (w.over) {
		rc = 1;
		goto out;
	}
	for (i = 0; i < w.n; i++) {
		struct proof_entry x = {sealer, NULL, e};
		const char *t;

		if (in->ops->entry_leaves(in->c, w.v[i], w.v[i] + 1, 1,
		    leaf_cb, &x, e) == -1)
			goto out;
		if (x.out == NULL) {
			if (e->status == 0)
				err_internal(e, "log entry %lld is gone",
				    (long long)w.v[i]);
			goto out;
		}
		t = json_string_value(json_object_get(json_object_get(x.out,
		    "event"), "time"));
		/* RFC 3339 to the second, compared as text (same form). */
		if (t != NULL && strlen(t) >= 19 && strncmp(t, p->from, 19) >=
		    0 && strncmp(t, p->to, 19) < 0)
			(*in_window)++;
		if (tlog_inclusion(in->tlog, in->c, w.v[i], size, h, &n,
		    e) == -1) {
			json_decref(x.out);
			goto out;
		}
		json_object_set_new(x.out, "proof", proof_encode_hashes(
		    (const merkle_hash *)h, n));
		if (json_array_append_new(entries, x.out) == -1) {
			err_internal(e, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	free(w.v);
	return rc;
}

/* ---- building ---- */

/* Stages t's mail (attachment t->attachment); a tenant nobody can be
 * told goes to unreached and its slot is dropped. */
static int
stage(struct publish *p, const struct publish_in *in,
    struct publish_tenant *t, const char *subject, const char *text,
    const char *att_name, struct err *e)
{
	notice_init(&t->mail, in->mail);
	if (notice_stage_attach(&t->mail, in->c, in->ops, t->rec.tenant_id,
	    subject, text, att_name, t->attachment, strlen(t->attachment),
	    &t->recipients, e) == -1)
		return -1;
	/* Written into each staged message: not needed any more. */
	free(t->attachment);
	t->attachment = NULL;
	if (t->recipients > 0) {
		t->rec.recipients = (int)t->recipients;
		p->n++;
		return 0;
	}
	/* Not told: said in the answer, never dropped in silence. */
	if (json_array_append_new(p->unreached, json_pack("{s:s,s:s,s:s}",
	    "tenant", t->rec.tenant_id, "exposure", t->rec.exposure, "reason",
	    "the tenant has no active admin with an e-mail address")) == -1)
		return err_internal(e, "out of memory");
	free(t->doc);
	event_cleanup(&t->ev);
	memset(t, 0, sizeof(*t));
	return 0;
}

/* The notice doc kept for the console: the text, and what is attached
 * (the report is kept with the incident; the proof is kept here). */
static int
keep(struct publish_tenant *t, const struct publish *p, const char *text,
    const char *published, const char *from, const char *to,
    const json_t *proof, struct err *e)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s}",
	    "format", PUBLISH_NOTICE_FORMAT, "incident", p->inc.id, "title",
	    p->inc.title, "tenant", t->rec.tenant_id, "from", from, "to", to,
	    "published", published, "exposure", t->rec.exposure, "affected",
	    strcmp(t->rec.exposure, "unaffected") != 0, "text", text);

	if (o == NULL)
		return err_internal(e, "out of memory");
	if (proof != NULL) {
		json_object_set(o, "proof", (json_t *)(uintptr_t)proof);
	} else {
		char path[ID_MAX * 2 + 32];

		(void)str_printf(path, sizeof(path), "/v1/tenants/%s/"
		    "incidents/%s", t->rec.tenant_id, p->inc.id);
		json_object_set_new(o, "report", json_string(path));
	}
	t->doc = jx_dump(o);
	json_decref(o);
	if (t->doc == NULL)
		return err_internal(e, "out of memory");
	t->rec.doc = t->doc;
	t->rec.len = strlen(t->doc);
	return 0;
}

static int
one_affected(struct publish *p, const struct publish_in *in,
    const json_t *row, const char *from, const char *to, const char *now,
    struct err *e)
{
	const char *tenant = json_string_value(json_object_get(row, "tenant"));
	const char *x = json_string_value(json_object_get(row, "exposure"));
	const char *name = json_string_value(json_object_get(row, "name"));
	struct publish_tenant *t;
	char subject[REC_TITLE_MAX + 64], att[ID_MAX * 2 + 32];
	struct buf text, rep;
	int rc = -1, found;

	if (tenant == NULL || x == NULL)
		return err_internal(e, "incident %s: a tenant row without "
		    "tenant or exposure", p->inc.id);
	t = slot(p, tenant, x);
	if (t == NULL)
		return err_internal(e, "out of memory");
	str_copy(t->name, sizeof(t->name), name != NULL ? name : "");
	buf_init(&text, TEXT_MAX);
	buf_init(&rep, INCIDENT_REPORT_MAX + 1);
	found = in->ops->incident_report_get(in->c, p->inc.id, tenant, &rep,
	    e);
	if (found == -1)
		goto out;
	if (found == 1) {
		err_internal(e, "incident %s has no report of tenant %s",
		    p->inc.id, tenant);
		goto out;
	}
	(void)str_printf(att, sizeof(att), "report-%s-%s.json", p->inc.id,
	    tenant);
	if (buf_puts(&rep, "") == -1 || affected_text(&text, in, p, t, row,
	    from, to, att) == -1 || buf_puts(&text, "") == -1) {
		err_internal(e, "notice too large");
		goto out;
	}
	t->attachment = strdup(rep.data);
	if (t->attachment == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	(void)str_printf(subject, sizeof(subject), "Security incident: %s",
	    p->inc.title);
	if (keep(t, p, text.data, now, from, to, NULL, e) == -1 ||
	    stage(p, in, t, subject, text.data, att, e) == -1)
		goto out;
	rc = 0;
out:
	buf_cleanup(&text);
	buf_cleanup(&rep);
	return rc;
}

static int
one_unaffected(struct publish *p, const struct publish_in *in,
    struct sealer *sealer, const char *tenant, const char *note,
    int64_t size, const char *from, const char *to, const char *now,
    struct err *e)
{
	struct publish_tenant *t;
	struct rec_tenant rt;
	char subject[REC_TITLE_MAX + 64], att[ID_MAX * 2 + 32];
	json_t *proof = NULL, *entries = json_array();
	size_t in_window = 0;
	struct buf text;
	int rc = -1, over, found;

	t = slot(p, tenant, "unaffected");
	if (t == NULL || entries == NULL) {
		json_decref(entries);
		return err_internal(e, "out of memory");
	}
	found = in->ops->tenant_get(in->c, tenant, &rt, e);
	if (found == -1) {
		json_decref(entries);
		return -1;
	}
	str_copy(t->name, sizeof(t->name), found == 0 ? rt.name : "");
	buf_init(&text, TEXT_MAX);
	over = proof_entries(in, p, sealer, tenant, size, entries, &in_window,
	    e);
	if (over == -1)
		goto out;
	/* The access log's answer (GET /v1/tenants/{t}/access-log), with
	 * what it proves said beside it. */
	proof = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:O,s:n}",
	    "format", PUBLISH_NOTICE_FORMAT, "incident", p->inc.id, "title",
	    p->inc.title, "from", from, "to", to, "tenant", tenant,
	    "checkpoint", note, "size", (json_int_t)size, "entries", entries,
	    "next");
	if (proof == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	(void)str_printf(att, sizeof(att), "proof-%s-%s.json", p->inc.id,
	    tenant);
	p->proven += json_array_size(entries);
	if (unaffected_text(&text, in, p, t, from, to, size,
	    json_array_size(entries), in_window, over, att) == -1 ||
	    buf_puts(&text, "") == -1) {
		err_internal(e, "notice too large");
		goto out;
	}
	t->attachment = jx_dump(proof);
	if (t->attachment == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	(void)str_printf(subject, sizeof(subject), "Security incident: %s "
	    "(not affected)", p->inc.title);
	if (keep(t, p, text.data, now, from, to, proof, e) == -1 ||
	    stage(p, in, t, subject, text.data, att, e) == -1)
		goto out;
	rc = 0;
out:
	json_decref(proof);
	json_decref(entries);
	buf_cleanup(&text);
	return rc;
}

struct ids {
	char (*v)[ID_MAX];
	size_t n, cap;
};

static int
tenant_cb(void *arg, const struct rec_tenant *t)
{
	struct ids *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char (*v)[ID_MAX] = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return 1;
		l->v = v;
		l->cap = cap;
	}
	str_copy(l->v[l->n++], ID_MAX, t->id);
	return 0;
}

static int
unaffected_all(struct publish *p, const struct publish_in *in,
    const json_t *told, const json_t *rows, const char *from, const char *to,
    const char *now, struct err *e)
{
	struct ids l = {NULL, 0, 0};
	struct sealer *sealer = NULL;
	struct buf note;
	int64_t size = 0;
	size_t i, k;
	json_t *row;
	int rc = -1, mine;

	buf_init(&note, 64 * 1024);
	if (in->ops->tenant_list(in->c, tenant_cb, &l, e) == -1)
		goto out;
	sealer = sealer_new(4);
	if (sealer == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	/* One checkpoint for every proof: the log as it is now. */
	if (tlog_checkpoint(in->tlog, tlog_size(in->tlog), &note, &size,
	    e) == -1)
		goto out;
	for (i = 0; i < l.n; i++) {
		if (json_object_get(told, l.v[i]) != NULL)
			continue;
		mine = 0;
		json_array_foreach(rows, k, row)
			if (strcmp(l.v[i], str_or(json_object_get(row,
			    "tenant"))) == 0)
				mine = 1;
		if (mine)
			continue;
		/* What one request holds in memory is bounded: the rest
		 * waits for the next publication. */
		if (p->proven >= PUBLISH_PROOFS_BUDGET) {
			p->deferred++;
			continue;
		}
		if (one_unaffected(p, in, sealer, l.v[i], note.data, size,
		    from, to, now, e) == -1)
			goto out;
	}
	rc = 0;
out:
	sealer_free(sealer);
	buf_cleanup(&note);
	free(l.v);
	return rc;
}

int
publish_prepare(struct publish *p, const struct publish_in *in,
    struct err *e)
{
	char from[RFC3339_LEN], to[RFC3339_LEN], now[RFC3339_LEN];
	json_t *told = NULL, *rows;
	struct buf doc;
	size_t i;
	json_t *row;
	int rc = -1, found;

	memset(p, 0, sizeof(*p));
	p->by = *in->by;
	p->now = in->now;
	str_copy(p->source, sizeof(p->source), in->source);
	p->unreached = json_array();
	told = json_object();
	buf_init(&doc, SUMMARY_MAX);
	if (p->unreached == NULL || told == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	found = in->ops->incident_get(in->c, in->incident_id, &p->inc, &doc,
	    e);
	if (found == -1)
		goto out;
	if (found == 1) {
		err_refuse(e, 404, "not_found", "no_such_incident",
		    "no such incident");
		goto out;
	}
	p->summary = json_loadb(doc.data, doc.len, 0, NULL);
	rows = json_object_get(p->summary, "tenants");
	if (!json_is_array(rows)) {
		err_internal(e, "incident %s: its summary has no tenants",
		    p->inc.id);
		goto out;
	}
	if (in->ops->incident_notice_list(in->c, p->inc.id, NULL, INT64_MAX,
	    told_cb, told, e) == -1)
		goto out;
	p->already = json_object_size(told);
	time_format(from, p->inc.from);
	time_format(to, p->inc.to);
	time_format(now, in->now);
	str_copy(p->from, sizeof(p->from), from);
	str_copy(p->to, sizeof(p->to), to);
	json_array_foreach(rows, i, row) {
		if (json_object_get(told, str_or(json_object_get(row,
		    "tenant"))) != NULL)
			continue;
		if (one_affected(p, in, row, from, to, now, e) == -1)
			goto out;
	}
	if (in->unaffected && unaffected_all(p, in, told, rows, from, to, now,
	    e) == -1)
		goto out;
	if (p->n == 0 && json_array_size(p->unreached) == 0) {
		err_refuse(e, 409, "conflict", "already_published", "every "
		    "tenant this publication would tell was told before (%zu "
		    "notices): nothing left to send", p->already);
		goto out;
	}
	rc = 0;
out:
	json_decref(told);
	buf_cleanup(&doc);
	return rc;
}

static int
exists_cb(void *arg, const struct rec_incident_notice *r)
{
	(void)r;
	*(int *)arg = 1;
	return 1;
}

int
publish_apply(struct store_conn *c, const struct store_ops *ops, void *arg,
    struct err *e)
{
	struct publish *p = arg;
	size_t i;
	int there;

	for (i = 0; i < p->n; i++) {
		there = 0;
		if (ops->incident_notice_list(c, p->inc.id,
		    p->t[i].rec.tenant_id, 1, exists_cb, &there, e) == -1)
			return -1;
		if (there)
			return 1;
	}
	for (i = 0; i < p->n; i++)
		if (ops->incident_notice_insert(c, &p->t[i].rec, e) == -1)
			return -1;
	return 0;
}

/* The incident.notify entry of one tenant told. */
static int
notify_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct publish_tenant *t = arg;
	struct event *ev = &t->ev;
	char n[24];

	(void)apply_err;
	(void)index;
	if (apply_rc != 0)
		return 1;
	event_cleanup(ev);
	event_init(ev);
	ev->actor = t->p->by;
	str_copy(ev->source, sizeof(ev->source), t->p->source);
	ev->action = "incident.notify";
	str_copy(ev->tenant, sizeof(ev->tenant), t->rec.tenant_id);
	str_copy(ev->target, sizeof(ev->target), t->rec.incident_id);
	ev->allowed = 1;
	event_detail(ev, "exposure", t->rec.exposure);
	(void)str_printf(n, sizeof(n), "%d", t->rec.recipients);
	event_detail(ev, "recipients", n);
	return event_serialize(ev, time_ms, out, en);
}

void
publish_jobs(struct publish *p, struct store_job *jobs)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		jobs[i].apply = NULL;
		jobs[i].entry = notify_entry;
		jobs[i].arg = &p->t[i];
	}
}

void
publish_deliver(struct publish *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		notice_deliver(&p->t[i].mail);
}

json_t *
publish_json(const struct publish *p)
{
	json_t *told = json_array();
	size_t i;

	if (told == NULL)
		return NULL;
	for (i = 0; i < p->n; i++)
		json_array_append_new(told, json_pack("{s:s,s:s,s:i}",
		    "tenant", p->t[i].rec.tenant_id, "exposure",
		    p->t[i].rec.exposure, "recipients", p->t[i].rec.recipients));
	return json_pack("{s:s,s:o,s:O,s:I,s:I}", "incident", p->inc.id,
	    "notified", told, "unreached", p->unreached, "already_notified",
	    (json_int_t)p->already, "deferred", (json_int_t)p->deferred);
}

void
publish_cleanup(struct publish *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		notice_discard(&p->t[i].mail);
		free(p->t[i].doc);
		free(p->t[i].attachment);
		event_cleanup(&p->t[i].ev);
	}
	/* A slot being built when preparing failed. */
	if (p->t != NULL && p->n < p->cap) {
		notice_discard(&p->t[p->n].mail);
		free(p->t[p->n].doc);
		free(p->t[p->n].attachment);
		event_cleanup(&p->t[p->n].ev);
	}
	free(p->t);
	json_decref(p->summary);
	json_decref(p->unreached);
	memset(p, 0, sizeof(*p));
}
