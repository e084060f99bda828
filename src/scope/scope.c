/* SPDX-License-Identifier: ISC */
/*
 * The scope question (see scope.h and docs/internals/scope.md): the
 * matched entries' columns (index, time, actor, tenant, action, outcome,
 * the time as written and the user an allowed user.* action hit) come
 * from the store's covering indexes, are interned to small numbers and
 * sorted by index; one pass counts them into C rows per tenant.  The bytes
 * of an entry are read (through audit/entry.h's reader) only for what no
 * column holds: whether its actor is an engineer, once per engineer.
 */
#include "scope/scope.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit/action.h"
#include "audit/entry.h"
#include "common/str.h"
#include "importer/okta.h"
#include "scope/tally.h"

#define POLICY_NAME_MAX 32

/* One matched entry's columns, strings interned. */
struct hit {
	int64_t index;
	int32_t tenant, action, actor;
	int32_t user;                   /* -1: none */
	int allowed;
	char time[SCOPE_TIME_MAX];
};

/* How scope counts an allowed action. */
enum { AC_UNKNOWN = 0, AC_NEUTRAL, AC_WRITES, AC_READS };

/* An actor's standing, as far as the entries read tell. */
enum { ACTOR_UNREAD = 0, ACTOR_ENGINEER_SEEN };

/* A support-policy change: tenant's policy went from -> to at time at. */
struct change {
	char tenant[SCOPE_ID_MAX];
	int64_t at, index;
	char from[POLICY_NAME_MAX], to[POLICY_NAME_MAX];
};

struct work {
	struct store_conn *c;
	const struct store_ops *ops;
	const struct scope_query *q;
	struct err *e;
	struct hit *hits;
	size_t n, cap;
	int overflow, oom;
	struct tally_strtab tenants, actions, actors, users;
	unsigned char *action_class;    /* by action number */
	unsigned char *actor_state;     /* by actor number */
	struct scope_row **row_of;      /* by tenant number */
	size_t nrow_of;
	struct scope_row **rows;        /* in the order created */
	size_t nrows, caprows;
	struct scope_strings engineers; /* in the order met */
	struct change *changes;
	size_t nchanges, capchanges;
	struct entry ent;               /* the last entry read */
	int ent_ok;
};

/* How scope counts an allowed action: the action table's class (by name;
 * names it does not know, imported events, read by their shape). */
static int
action_class(const char *name)
{
	static const unsigned char map[] = {
		[ACTION_NEUTRAL] = AC_NEUTRAL, [ACTION_READ] = AC_READS,
		[ACTION_WRITE] = AC_WRITES,
	};
	int k = action_by_name(name) == -1 ? okta_action_class(name) : -1;

	/* custos's own actions first; then the class the Okta importer's
	 * table gives the names it makes (issue 16); then the shape. */
	return map[k >= 0 ? k : action_class_of(name)];
}

const char *
scope_exposure_name(int exposure)
{
	static const char *const names[] = {"acted_upon", "viewed", "exposed"};

	return exposure >= 0 && exposure <= SCOPE_EXPOSED ? names[exposure] :
	    "exposed";
}

static int
hit_cb(void *arg, const struct store_entry_cols *r)
{
	struct work *w = arg;
	struct hit *h;

	if (w->n == SCOPE_ENTRIES_MAX) {
		w->overflow = 1;
		return 1;
	}
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 1024;
		struct hit *nv = realloc(w->hits, ncap * sizeof(*nv));

		if (nv == NULL) {
			w->oom = 1;
			return 1;
		}
		w->hits = nv;
		w->cap = ncap;
	}
	h = &w->hits[w->n];
	h->index = r->index;
	h->allowed = r->allowed;
	str_copy(h->time, sizeof(h->time), r->time_text);
	h->user = r->user[0] == '\0' ? -1 : tally_intern(&w->users, r->user,
	    strlen(r->user));
	h->tenant = tally_intern(&w->tenants, r->tenant_id,
	    strlen(r->tenant_id));
	h->action = tally_intern(&w->actions, r->action, strlen(r->action));
	h->actor = tally_intern(&w->actors, r->actor_id, strlen(r->actor_id));
	if (h->tenant < 0 || h->action < 0 || h->actor < 0 ||
	    (h->user < 0 && r->user[0] != '\0')) {
		w->oom = 1;
		return 1;
	}
	w->n++;
	return 0;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* Reads every principal's entries' columns; sorted by index, duplicates
 * out. */
static int
collect(struct work *w)
{
	const struct scope_query *q = w->q;
	size_t i, o;
	int k;

	for (k = 0; k < SP_COUNT; k++)
		for (i = 0; i < q->n[k] && !w->overflow && !w->oom; i++)
			if (w->ops->entry_cols_by_principal(w->c, k,
			    q->ids[k][i], q->from, q->to, hit_cb, w, w->e) == -1)
				return -1;
	if (w->oom)
		return err_internal(w->e, "out of memory");
	if (w->overflow)
		return err_bad_request(w->e, "the question matches more than "
		    "%d entries; narrow the window or the principals",
		    SCOPE_ENTRIES_MAX);
	if (w->n > 0)
		qsort(w->hits, w->n, sizeof(*w->hits), hit_cmp);
	for (i = o = 0; i < w->n; i++)
		if (o == 0 || w->hits[o - 1].index != w->hits[i].index)
			w->hits[o++] = w->hits[i];
	w->n = o;
	w->action_class = calloc(w->actions.n + 1, 1);
	w->actor_state = calloc(w->actors.n + 1, 1);
	if (w->action_class == NULL || w->actor_state == NULL)
		return err_internal(w->e, "out of memory");
	return 0;
}

static int
entry_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct work *w = arg;

	w->ent_ok = entry_read(&w->ent, index, bytes, len) == 0;
	return 0;
}

/* Reads entry index into w->ent: 0 done, 1 absent or not an entry. */
static int
read_entry(struct work *w, int64_t index)
{
	w->ent_ok = 0;
	if (w->ops->entry_get(w->c, index, entry_cb, w, w->e) == -1)
		return -1;
	return w->ent_ok ? 0 : 1;
}

/* The row of tenant number t, made when it has none yet. */
static struct scope_row *
row_get(struct work *w, int32_t t)
{
	struct scope_row *r;

	if ((size_t)t >= w->nrow_of) {
		size_t n = w->tenants.cap > (size_t)t ? w->tenants.cap :
		    (size_t)t + 1;
		struct scope_row **nv = realloc(w->row_of, n * sizeof(*nv));

		if (nv == NULL)
			return NULL;
		memset(nv + w->nrow_of, 0, (n - w->nrow_of) * sizeof(*nv));
		w->row_of = nv;
		w->nrow_of = n;
	}
	if (w->row_of[t] != NULL)
		return w->row_of[t];
	if (w->nrows == w->caprows) {
		size_t ncap = w->caprows ? w->caprows * 2 : 64;
		struct scope_row **nv = realloc(w->rows, ncap * sizeof(*nv));

		if (nv == NULL)
			return NULL;
		w->rows = nv;
		w->caprows = ncap;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	str_copy(r->tenant, sizeof(r->tenant), w->tenants.s[t]);
	r->exposure = SCOPE_EXPOSED;
	w->rows[w->nrows++] = r;
	w->row_of[t] = r;
	return r;
}

static struct scope_row *
row_named(struct work *w, const char *tenant)
{
	int32_t t = tally_intern(&w->tenants, tenant, strlen(tenant));

	return t < 0 ? NULL : row_get(w, t);
}

/* Notes the actor of h as an engineer when its entry says so.  Read once
 * per actor that is one; other actors' entries are read each. */
static int
actor_check(struct work *w, const struct hit *h)
{
	const char *id = w->actors.s[h->actor];
	int rc;

	if (id[0] == '\0' || w->actor_state[h->actor] == ACTOR_ENGINEER_SEEN)
		return 0;
	rc = read_entry(w, h->index);
	if (rc != 0 || w->ent.actor_kind != ACTOR_ENGINEER)
		return rc == -1 ? -1 : 0;
	w->actor_state[h->actor] = ACTOR_ENGINEER_SEEN;
	return tally_string_add(&w->engineers, id) == -1 ?
	    err_internal(w->e, "out of memory") : 0;
}

/* Counts one entry into its tenant's row. */
static int
tally_hit(struct work *w, struct scope_row *row, const struct hit *h)
{
	const char *action = w->actions.s[h->action];
	unsigned char *cls = &w->action_class[h->action];

	/* Times as written compare as times (one format). */
	if (!row->seen || strcmp(h->time, row->first) < 0)
		str_copy(row->first, sizeof(row->first), h->time);
	if (!row->seen || strcmp(h->time, row->last) > 0)
		str_copy(row->last, sizeof(row->last), h->time);
	row->seen = 1;
	if (tally_index_push(&row->entries, h->index) == -1)
		return err_internal(w->e, "out of memory");
	if (!h->allowed)
		return tally_count(&row->denied, action) == -1 ?
		    err_internal(w->e, "out of memory") : 0;
	if (tally_count(&row->actions, action) == -1)
		return err_internal(w->e, "out of memory");
	if (*cls == AC_UNKNOWN)
		*cls = (unsigned char)action_class(action);
	if (*cls == AC_WRITES) {
		row->exposure = SCOPE_ACTED_UPON;
		if (strncmp(action, "user.", 5) == 0 && h->user >= 0 &&
		    tally_string_add(&row->users_affected,
		    w->users.s[h->user]) == -1)
			return err_internal(w->e, "out of memory");
	} else if (*cls == AC_READS && row->exposure == SCOPE_EXPOSED) {
		row->exposure = SCOPE_VIEWED;
	}
	return 0;
}

/* The entries, in index order, into rows. */
static int
tally_hits(struct work *w, struct scope_answer *a)
{
	struct scope_row *row;
	size_t i;

	for (i = 0; i < w->q->n[SP_ENGINEER]; i++)
		if (w->q->ids[SP_ENGINEER][i][0] != '\0' &&
		    tally_string_add(&w->engineers,
		    w->q->ids[SP_ENGINEER][i]) == -1)
			return err_internal(w->e, "out of memory");
	for (i = 0; i < w->n; i++) {
		const struct hit *h = &w->hits[i];

		a->events++;
		a->max_index = h->index;
		if (actor_check(w, h) == -1)
			return -1;
		if (!h->allowed)
			a->denied++;
		if (w->tenants.s[h->tenant][0] == '\0')
			continue;
		row = row_get(w, h->tenant);
		if (row == NULL)
			return err_internal(w->e, "out of memory");
		if (tally_hit(w, row, h) == -1)
			return -1;
		if (h->allowed && w->actor_state[h->actor] ==
		    ACTOR_ENGINEER_SEEN && strcmp(w->actions.s[h->action],
		    "auth.login") == 0)
			row->signed_in = 1;
	}
	return 0;
}

static int
grant_cb(void *arg, const struct rec_grant *g)
{
	struct work *w = arg;
	struct scope_row *row = row_named(w, g->tenant_id);
	size_t i;

	if (row == NULL) {
		w->oom = 1;
		return 1;
	}
	for (i = 0; i < row->grants.n; i++)
		if (strcmp(row->grants.v[i], g->id) == 0)
			return 0;
	if (tally_string_add(&row->grants, g->id) == -1) {
		w->oom = 1;
		return 1;
	}
	/* Held from approval (or the window's start) on. */
	if (!row->seen && row->first[0] == '\0') {
		time_format(row->first, g->decided > w->q->from ? g->decided :
		    w->q->from);
		str_copy(row->last, sizeof(row->last), row->first);
	}
	return 0;
}

/* Every grant the engineers (or vendors) held in the window. */
static int
grants(struct work *w)
{
	size_t i;

	for (i = 0; i < w->engineers.n; i++)
		if (w->ops->grant_overlapping_ids(w->c, w->engineers.v[i], NULL,
		    w->q->from, w->q->to, grant_cb, w, w->e) == -1)
			return -1;
	for (i = 0; i < w->q->n[SP_VENDOR]; i++)
		if (w->ops->grant_overlapping_ids(w->c, NULL,
		    w->q->ids[SP_VENDOR][i], w->q->from, w->q->to, grant_cb, w,
		    w->e) == -1)
			return -1;
	return w->oom ? err_internal(w->e, "out of memory") : 0;
}

static const char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* A support-policy change.  Its detail (from, to) is in no column and
 * not in struct entry: read with jansson (such entries are few). */
static int
change_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct work *w = arg;
	json_t *ev = json_loadb(bytes, len, 0, NULL), *detail;
	struct change *ch;
	const char *tid;
	int64_t t;

	if (ev == NULL)
		return 0;
	tid = jstr(ev, "tenant");
	detail = json_object_get(ev, "detail");
	if (tid[0] != '\0' && time_parse(&t, jstr(ev, "time")) == 0 &&
	    detail != NULL) {
		if (w->nchanges == w->capchanges) {
			size_t ncap = w->capchanges ? w->capchanges * 2 : 16;
			struct change *nv = realloc(w->changes,
			    ncap * sizeof(*nv));

			if (nv == NULL) {
				json_decref(ev);
				w->oom = 1;
				return 1;
			}
			w->changes = nv;
			w->capchanges = ncap;
		}
		ch = &w->changes[w->nchanges++];
		str_copy(ch->tenant, sizeof(ch->tenant), tid);
		ch->at = t;
		ch->index = index;
		str_copy(ch->from, sizeof(ch->from), jstr(detail, "from"));
		str_copy(ch->to, sizeof(ch->to), jstr(detail, "to"));
	}
	json_decref(ev);
	return 0;
}

/* By tenant, then in log order. */
static int
change_cmp(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c = strcmp(x->tenant, y->tenant);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* 1 when [a, b) meets the window. */
static int
meets(const struct scope_query *q, int64_t a, int64_t b)
{
	return a < q->to && b > q->from;
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
	struct work *w = arg;
	struct scope_row *row;
	const struct change *ch = NULL;
	const char *cur;
	int64_t start = t->created;
	size_t lo = 0, hi = w->nchanges;
	int was = 0;

	if (t->created >= w->q->to)
		return 0;
	while (lo < hi) {               /* the tenant's first change */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(w->changes[mid].tenant, t->id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < w->nchanges && strcmp(w->changes[lo].tenant, t->id) == 0)
		ch = &w->changes[lo];
	if (ch == NULL) {
		was = t->policy == POLICY_AUTO_APPROVE;
	} else {
		cur = ch->from;
		for (; ch < w->changes + w->nchanges &&
		    strcmp(ch->tenant, t->id) == 0; ch++) {
			if (strcmp(cur, "auto_approve") == 0 &&
			    meets(w->q, start, ch->at))
				was = 1;
			start = ch->at > start ? ch->at : start;
			cur = ch->to;
		}
		if (strcmp(cur, "auto_approve") == 0 &&
		    meets(w->q, start, INT64_MAX))
			was = 1;
	}
	if (!was)
		return 0;
	row = row_named(w, t->id);
	if (row == NULL) {
		w->oom = 1;
		return 1;
	}
	row->auto_approve = 1;
	return 0;
}

/* Every tenant whose policy let any engineer in during the window. */
static int
auto_approve_then(struct work *w)
{
	if (w->engineers.n == 0 && w->q->n[SP_VENDOR] == 0)
		return 0;
	if (w->ops->entry_policy_changes(w->c, change_cb, w, w->e) == -1)
		return -1;
	if (w->oom)
		return err_internal(w->e, "out of memory");
	if (w->nchanges > 0)
		qsort(w->changes, w->nchanges, sizeof(*w->changes),
		    change_cmp);
	if (w->ops->tenant_list(w->c, tenant_cb, w, w->e) == -1)
		return -1;
	return w->oom ? err_internal(w->e, "out of memory") : 0;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct scope_row *x = *(const struct scope_row *const *)a;
	const struct scope_row *y = *(const struct scope_row *const *)b;

	if (x->exposure != y->exposure)
		return x->exposure - y->exposure;
	return strcmp(x->tenant, y->tenant);
}

/* Rows into the answer's two lists. */
static int
finish(struct work *w, struct scope_answer *a)
{
	size_t i;

	a->tenants = calloc(w->nrows + 1, sizeof(*a->tenants));
	a->attempted = calloc(w->nrows + 1, sizeof(*a->attempted));
	if (a->tenants == NULL || a->attempted == NULL)
		return err_internal(w->e, "out of memory");
	for (i = 0; i < w->nrows; i++) {
		struct scope_row *row = w->rows[i];

		/* Attempted: only refused tries, no access held.  An
		 * engineer's sign-in that succeeded (auth.login allowed: an
		 * imported Okta user.session.start, issue 16) is access
		 * held, though neutral: the tenant is at least exposed.
		 * Asking (access_request.*) is not; nor is the customer's
		 * own admin signing in. */
		if (row->exposure == SCOPE_EXPOSED && row->grants.n == 0 &&
		    !row->auto_approve && !row->signed_in) {
			a->attempted[a->n_attempted++] = row;
			continue;
		}
		if (row->exposure == SCOPE_ACTED_UPON)
			a->acted_upon++;
		else if (row->exposure == SCOPE_VIEWED)
			a->viewed++;
		else
			a->exposed++;
		a->tenants[a->n_tenants++] = row;
	}
	if (a->n_tenants > 0)
		qsort(a->tenants, a->n_tenants, sizeof(*a->tenants), row_cmp);
	return 0;
}

int
scope_principals(struct scope_answer *a, struct store_conn *c,
    const struct store_ops *ops, const struct scope_query *q, struct err *e)
{
	struct work *w;

	memset(a, 0, sizeof(*a));
	a->max_index = -1;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return err_internal(e, "out of memory");
	a->priv = w;
	w->c = c;
	w->ops = ops;
	w->q = q;
	w->e = e;
	tally_strtab_init(&w->tenants);
	tally_strtab_init(&w->actions);
	tally_strtab_init(&w->actors);
	tally_strtab_init(&w->users);
	if (collect(w) == -1 || tally_hits(w, a) == -1 || grants(w) == -1 ||
	    auto_approve_then(w) == -1 || finish(w, a) == -1)
		return -1;
	return 0;
}

static void
row_free(struct scope_row *r)
{
	tally_counts_cleanup(&r->actions);
	tally_counts_cleanup(&r->denied);
	tally_strings_cleanup(&r->users_affected);
	tally_indexes_cleanup(&r->entries);
	tally_strings_cleanup(&r->grants);
	free(r);
}

void
scope_answer_free(struct scope_answer *a)
{
	struct work *w;
	size_t i;

	if (a == NULL)
		return;
	w = a->priv;
	if (w != NULL) {
		for (i = 0; i < w->nrows; i++)
			row_free(w->rows[i]);
		free(w->rows);
		free(w->row_of);
		free(w->hits);
		free(w->action_class);
		free(w->actor_state);
		free(w->changes);
		tally_strings_cleanup(&w->engineers);
		tally_strtab_cleanup(&w->tenants);
		tally_strtab_cleanup(&w->actions);
		tally_strtab_cleanup(&w->actors);
		tally_strtab_cleanup(&w->users);
		free(w);
	}
	free(a->tenants);
	free(a->attempted);
	memset(a, 0, sizeof(*a));
	a->max_index = -1;
}
