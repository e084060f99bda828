/* SPDX-License-Identifier: ISC */
#include "scope/scope.h"

#include <stdlib.h>
#include <string.h>

#include "audit/action.h"
#include "common/clock.h"
#include "common/str.h"

/* One matched entry, kept until all principals were read. */
struct hit {
	int64_t index;
	char *bytes;
	size_t len;
};

struct hits {
	struct hit *v;
	size_t n, cap;
	int overflow;
};

static int
hit_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct hits *h = arg;

	if (h->n == SCOPE_ENTRIES_MAX) {
		h->overflow = 1;
		return 1;
	}
	if (h->n == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 256;
		struct hit *nv = realloc(h->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			h->overflow = 1;
			return 1;
		}
		h->v = nv;
		h->cap = ncap;
	}
	h->v[h->n].bytes = malloc(len + 1);
	if (h->v[h->n].bytes == NULL) {
		h->overflow = 1;
		return 1;
	}
	memcpy(h->v[h->n].bytes, bytes, len);
	h->v[h->n].bytes[len] = '\0';
	h->v[h->n].len = len;
	h->v[h->n].index = index;
	h->n++;
	return 0;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static void
hits_free(struct hits *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->v[i].bytes);
	free(h->v);
}

/* Reads every principal's entries; sorted by index, duplicates out. */
static int
collect(struct store_conn *c, const struct store_ops *ops,
    const struct scope_query *q, struct hits *h, struct err *e)
{
	size_t i, o;
	int k;

	for (k = 0; k < SP_COUNT; k++)
		for (i = 0; i < q->n[k]; i++)
			if (ops->entry_by_principal(c, k, q->ids[k][i], q->from,
			    q->to, hit_cb, h, e) == -1)
				return -1;
	if (h->overflow)
		return err_bad_request(e, "the question matches more than %d "
		    "entries; narrow the window or the principals",
		    SCOPE_ENTRIES_MAX);
	if (h->n > 0)
		qsort(h->v, h->n, sizeof(*h->v), hit_cmp);
	for (i = o = 0; i < h->n; i++) {
		if (o > 0 && h->v[o - 1].index == h->v[i].index) {
			free(h->v[i].bytes);
			continue;
		}
		h->v[o++] = h->v[i];
	}
	h->n = o;
	return 0;
}

static const char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* Adds one to obj[key]. */
static void
count(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	json_object_set_new(obj, key, json_integer(v != NULL ?
	    json_integer_value(v) + 1 : 1));
}

/* 1 when the action touches neither the tenant's data nor its users:
 * asking for access, second approvals, logins. */
static int
action_neutral(const char *name)
{
	return strncmp(name, "access_request.", 15) == 0 ||
	    strncmp(name, "approval.", 9) == 0 || strncmp(name, "auth.", 5) == 0;
}

/* 1 when the action changes a tenant (role table), by name. */
static int
action_writes(const char *name)
{
	int a;

	for (a = 0; a < ACT_COUNT; a++)
		if (strcmp(action_get(a)->name, name) == 0)
			return action_get(a)->write;
	/* Imported actions the role table does not know: resets are
	 * writes, whatever their source calls them. */
	return strstr(name, "reset") != NULL ||
	    strstr(name, "delete") != NULL || strstr(name, "create") != NULL;
}

static json_t *
tenant_row(json_t *tenants, const char *tid)
{
	json_t *t = json_object_get(tenants, tid);

	if (t != NULL)
		return t;
	t = json_pack("{s:s,s:s,s:n,s:n,s:{},s:[],s:{},s:[],s:[],s:{}}",
	    "tenant", tid, "exposure", "exposed", "first", "last", "actions",
	    "users_affected", "denied", "entries", "grants",
	    "users_affected_set");
	json_object_set_new(tenants, tid, t);
	return t;
}

/* Widens the row's [first, last] with an event time (RFC 3339 strings of
 * one format compare as times). */
static void
widen(json_t *row, const char *when)
{
	const char *f = json_string_value(json_object_get(row, "first"));
	const char *l = json_string_value(json_object_get(row, "last"));

	if (f == NULL || strcmp(when, f) < 0)
		json_object_set_new(row, "first", json_string(when));
	if (l == NULL || strcmp(when, l) > 0)
		json_object_set_new(row, "last", json_string(when));
}

static void
rank(json_t *row, const char *exposure)
{
	static const char *const order[] = {"exposed", "viewed", "acted_upon"};
	const char *cur = jstr(row, "exposure");
	int a = 0, b = 0, i;

	for (i = 0; i < 3; i++) {
		if (strcmp(cur, order[i]) == 0)
			a = i;
		if (strcmp(exposure, order[i]) == 0)
			b = i;
	}
	if (b > a)
		json_object_set_new(row, "exposure", json_string(exposure));
}

struct exposure {
	json_t *tenants;
	int64_t from, to;
};

static int
grant_cb(void *arg, const struct rec_grant *g)
{
	struct exposure *x = arg;
	json_t *row = tenant_row(x->tenants, g->tenant_id);
	json_t *grants = json_object_get(row, "grants");
	char s[RFC3339_LEN];
	size_t i;
	json_t *v;

	json_array_foreach(grants, i, v)
		if (strcmp(json_string_value(v), g->id) == 0)
			return 0;
	json_array_append_new(grants, json_string(g->id));
	/* Held from approval (or the window's start) on. */
	time_format(s, g->decided > x->from ? g->decided : x->from);
	if (json_is_null(json_object_get(row, "first")))
		widen(row, s);
	return 0;
}

static int
policy_cb(void *arg, const char *id)
{
	struct exposure *x = arg;
	json_t *row = tenant_row(x->tenants, id);

	if (json_object_get(row, "policy") == NULL)
		json_object_set_new(row, "policy",
		    json_string("auto_approve"));
	return 0;
}

/* Support-policy changes, per tenant: [[time, from, to], ...]. */
static int
change_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	json_t *changes = arg, *ev = json_loadb(bytes, len, 0, NULL);
	json_t *detail, *list;
	const char *tid;
	int64_t t;

	if (ev == NULL)
		return 0;
	tid = jstr(ev, "tenant");
	detail = json_object_get(ev, "detail");
	if (tid[0] != '\0' && time_parse(&t, jstr(ev, "time")) == 0 &&
	    detail != NULL) {
		list = json_object_get(changes, tid);
		if (list == NULL) {
			list = json_array();
			json_object_set_new(changes, tid, list);
		}
		json_array_append_new(list, json_pack("[I,s,s]",
		    (json_int_t)t, jstr(detail, "from"), jstr(detail, "to")));
	}
	json_decref(ev);
	return 0;
}

struct walk {
	struct exposure *x;
	json_t *changes;
};

/* 1 when [a, b) meets the window. */
static int
meets(const struct exposure *x, int64_t a, int64_t b)
{
	return a < x->to && b > x->from;
}

/*
 * Was tenant t's policy auto_approve at some time in the window?  Its
 * policy before the first recorded change is that change's "from", after
 * each change its "to"; without changes, the policy it has now.  A tenant
 * created after the window was not there to enter.
 */
static int
tenant_cb(void *arg, const struct rec_tenant *t)
{
	struct walk *w = arg;
	json_t *list = json_object_get(w->changes, t->id), *ch;
	const char *cur;
	int64_t start = t->created;
	size_t i;
	int was = 0;

	if (t->created >= w->x->to)
		return 0;
	if (list == NULL) {
		was = t->policy == POLICY_AUTO_APPROVE;
	} else {
		cur = json_string_value(json_array_get(json_array_get(list, 0),
		    1));
		json_array_foreach(list, i, ch) {
			int64_t at = json_integer_value(json_array_get(ch, 0));

			if (cur != NULL && strcmp(cur, "auto_approve") == 0 &&
			    meets(w->x, start, at))
				was = 1;
			start = at > start ? at : start;
			cur = json_string_value(json_array_get(ch, 2));
		}
		if (cur != NULL && strcmp(cur, "auto_approve") == 0 &&
		    meets(w->x, start, INT64_MAX))
			was = 1;
	}
	return was ? policy_cb(w->x, t->id) : 0;
}

static int
auto_approve_then(struct store_conn *c, const struct store_ops *ops,
    struct exposure *x, struct err *e)
{
	struct walk w = {x, json_object()};
	int rc = -1;

	if (ops->entry_policy_changes(c, change_cb, w.changes, e) == 0 &&
	    ops->tenant_list(c, tenant_cb, &w, e) == 0)
		rc = 0;
	json_decref(w.changes);
	return rc;
}

/* The engineers behind the matched entries, and those named. */
static void
add_engineer(json_t *set, const char *id)
{
	if (id[0] != '\0')
		json_object_set_new(set, id, json_true());
}

static int
exposure_rank(const json_t *row)
{
	const char *ex = jstr(row, "exposure");

	return strcmp(ex, "acted_upon") == 0 ? 0 : strcmp(ex, "viewed") == 0 ?
	    1 : 2;
}

static int
row_cmp(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a;
	const json_t *y = *(const json_t *const *)b;
	int rx = exposure_rank(x), ry = exposure_rank(y);

	if (rx != ry)
		return rx - ry;
	return strcmp(jstr(x, "tenant"), jstr(y, "tenant"));
}

/* Acted upon first, then viewed, then exposed; by tenant id within. */
static void
sort_rows(json_t *list)
{
	size_t n = json_array_size(list), i;
	json_t **v = calloc(n ? n : 1, sizeof(*v));

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(list, i));
	qsort(v, n, sizeof(*v), row_cmp);
	json_array_clear(list);
	for (i = 0; i < n; i++)
		json_array_append_new(list, v[i]);
	free(v);
}

json_t *
scope_principals(struct store_conn *c, const struct store_ops *ops,
    const struct scope_query *q, int64_t *max_index, struct err *e)
{
	struct hits h;
	struct exposure x;
	json_t *tenants = json_object(), *engineers = json_object(), *out;
	json_t *list = NULL, *attempted = NULL;
	int64_t events = 0, denied = 0, exposed = 0, viewed = 0, acted = 0;
	const char *k;
	json_t *row;
	size_t i;

	memset(&h, 0, sizeof(h));
	*max_index = -1;
	if (collect(c, ops, q, &h, e) == -1)
		goto fail;
	for (i = 0; i < q->n[SP_ENGINEER]; i++)
		add_engineer(engineers, q->ids[SP_ENGINEER][i]);
	for (i = 0; i < h.n; i++) {
		json_t *ev = json_loadb(h.v[i].bytes, h.v[i].len, 0, NULL);
		const char *tid, *action, *when;
		json_t *actor;
		int allowed;

		if (ev == NULL)
			continue;
		events++;
		*max_index = h.v[i].index;
		actor = json_object_get(ev, "actor");
		if (strcmp(jstr(actor, "kind"), "engineer") == 0)
			add_engineer(engineers, jstr(actor, "id"));
		tid = jstr(ev, "tenant");
		action = jstr(ev, "action");
		when = jstr(ev, "time");
		allowed = strcmp(jstr(ev, "outcome"), "allowed") == 0;
		if (!allowed)
			denied++;
		if (tid[0] == '\0') {
			json_decref(ev);
			continue;
		}
		row = tenant_row(tenants, tid);
		widen(row, when);
		json_array_append_new(json_object_get(row, "entries"),
		    json_integer(h.v[i].index));
		if (!allowed) {
			count(json_object_get(row, "denied"), action);
		} else {
			count(json_object_get(row, "actions"), action);
			if (action_neutral(action)) {
				/* counted, but no exposure of its own */
			} else if (action_writes(action)) {
				rank(row, "acted_upon");
				if (strstr(action, "user.") == action &&
				    jstr(ev, "target")[0] != '\0')
					json_object_set_new(json_object_get(
					    row, "users_affected_set"),
					    jstr(ev, "target"), json_true());
			} else {
				rank(row, "viewed");
			}
		}
		json_decref(ev);
	}
	/* Exposure: every grant the engineers (or vendors) held in the
	 * window, and every tenant whose policy let any engineer in. */
	x.tenants = tenants;
	x.from = q->from;
	x.to = q->to;
	json_object_foreach(engineers, k, row)
		if (ops->grant_overlapping(c, k, NULL, q->from, q->to, grant_cb,
		    &x, e) == -1)
			goto fail;
	for (i = 0; i < q->n[SP_VENDOR]; i++)
		if (ops->grant_overlapping(c, NULL, q->ids[SP_VENDOR][i],
		    q->from, q->to, grant_cb, &x, e) == -1)
			goto fail;
	if ((json_object_size(engineers) > 0 || q->n[SP_VENDOR] > 0) &&
	    auto_approve_then(c, ops, &x, e) == -1)
		goto fail;
	list = json_array();
	attempted = json_array();
	json_object_foreach(tenants, k, row) {
		/* (sorted below) */
		json_t *set = json_object_get(row, "users_affected_set");
		json_t *users = json_object_get(row, "users_affected");
		const char *u;
		json_t *dummy;
		const char *ex = jstr(row, "exposure");

		json_object_foreach(set, u, dummy)
			json_array_append_new(users, json_string(u));
		json_object_del(row, "users_affected_set");
		/* Only refused attempts, and no access held: not exposed, but
		 * the customer should know someone tried. */
		if (strcmp(ex, "exposed") == 0 &&
		    json_array_size(json_object_get(row, "grants")) == 0 &&
		    json_object_get(row, "policy") == NULL) {
			json_object_del(row, "exposure");
			json_array_append(attempted, row);
			continue;
		}
		if (strcmp(ex, "acted_upon") == 0)
			acted++;
		else if (strcmp(ex, "viewed") == 0)
			viewed++;
		else
			exposed++;
		json_array_append(list, row);
	}
	sort_rows(list);
	out = json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:I},s:o,s:o}", "summary",
	    "events", (json_int_t)events, "tenants_exposed",
	    (json_int_t)exposed, "tenants_viewed", (json_int_t)viewed,
	    "tenants_acted_upon", (json_int_t)acted, "denied",
	    (json_int_t)denied, "tenants_attempted",
	    (json_int_t)json_array_size(attempted), "tenants", list,
	    "attempted", attempted);
	json_decref(tenants);
	json_decref(engineers);
	hits_free(&h);
	return out;
fail:
	json_decref(list);
	json_decref(attempted);
	json_decref(tenants);
	json_decref(engineers);
	hits_free(&h);
	return NULL;
}

/* Adds an entry to the row of principal (kind, id) in rows. */
static void
touch(json_t *rows, const char *kind, const char *id, const char *when,
    const char *action, int allowed, int64_t index)
{
	char key[160];
	json_t *row;

	if (id[0] == '\0')
		return;
	str_printf(key, sizeof(key), "%s:%s", kind, id);
	row = json_object_get(rows, key);
	if (row == NULL) {
		row = json_pack("{s:s,s:s,s:n,s:n,s:{},s:{},s:[]}", "kind", kind,
		    "id", id, "first", "last", "actions", "denied", "entries");
		json_object_set_new(rows, key, row);
	}
	widen(row, when);
	count(json_object_get(row, allowed ? "actions" : "denied"), action);
	json_array_append_new(json_object_get(row, "entries"),
	    json_integer(index));
}

json_t *
scope_tenant(struct store_conn *c, const struct store_ops *ops,
    const char *tenant, int64_t from, int64_t to, int64_t *max_index,
    struct err *e)
{
	struct scope_query *q = calloc(1, sizeof(*q));
	struct hits h;
	json_t *rows = json_object(), *list, *row;
	const char *k;
	size_t i;

	memset(&h, 0, sizeof(h));
	*max_index = -1;
	if (q == NULL) {
		json_decref(rows);
		err_internal(e, "out of memory");
		return NULL;
	}
	q->ids[SP_TENANT][0] = tenant;
	q->n[SP_TENANT] = 1;
	q->from = from;
	q->to = to;
	if (collect(c, ops, q, &h, e) == -1) {
		free(q);
		json_decref(rows);
		hits_free(&h);
		return NULL;
	}
	for (i = 0; i < h.n; i++) {
		json_t *ev = json_loadb(h.v[i].bytes, h.v[i].len, 0, NULL);
		json_t *actor;
		const char *when, *action, *kind;
		int allowed;

		if (ev == NULL)
			continue;
		*max_index = h.v[i].index;
		actor = json_object_get(ev, "actor");
		when = jstr(ev, "time");
		action = jstr(ev, "action");
		kind = jstr(actor, "kind");
		allowed = strcmp(jstr(ev, "outcome"), "allowed") == 0;
		/* Each kind of principal the scope question can name. */
		if (strcmp(kind, "engineer") == 0)
			touch(rows, "engineer", jstr(actor, "id"), when, action,
			    allowed, h.v[i].index);
		else
			touch(rows, kind, jstr(actor, "id"), when, action,
			    allowed, h.v[i].index);
		touch(rows, "vendor", jstr(actor, "vendor"), when, action,
		    allowed, h.v[i].index);
		touch(rows, "device", jstr(ev, "device"), when, action, allowed,
		    h.v[i].index);
		touch(rows, "session", jstr(ev, "session"), when, action,
		    allowed, h.v[i].index);
		touch(rows, "ip", jstr(ev, "source"), when, action, allowed,
		    h.v[i].index);
		json_decref(ev);
	}
	list = json_array();
	json_object_foreach(rows, k, row)
		json_array_append(list, row);
	json_decref(rows);
	hits_free(&h);
	free(q);
	return json_pack("{s:o}", "principals", list);
}
