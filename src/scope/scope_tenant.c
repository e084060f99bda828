/* SPDX-License-Identifier: ISC */
/*
 * The inverse scope question: which principals touched one tenant in a
 * window.  The tenant's entries come in index order through the store's
 * (tenant_id, time) index and are read with audit/entry.h's reader (the
 * principals of every kind are not all columns); each entry counts
 * towards its actor, the actor's vendor, its device, session and source.
 */
#include "scope/scope.h"

#include <stdlib.h>
#include <string.h>

#include "audit/entry.h"
#include "common/str.h"
#include "scope/tally.h"

struct inv {
	struct tally_strtab keys;       /* "kind:id" -> principal number */
	struct tally_strtab actions;
	struct scope_principal **v;
	size_t n, cap;
	int64_t *first_ms, *last_ms;    /* by principal number */
	size_t nms;
	int64_t count;
	int overflow, oom;
};

/* The number of principal (kind, id), made when new; -1 out of memory. */
static int32_t
principal_get(struct inv *w, const char *kind, const char *id)
{
	char key[160];
	struct scope_principal *p;
	int32_t k;
	int len = str_printf(key, sizeof(key), "%s:%s", kind, id);

	if (len < 0)
		return -1;
	k = tally_intern(&w->keys, key, strlen(key));
	if (k < 0 || (size_t)k < w->n)
		return k;
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 32;
		struct scope_principal **nv = realloc(w->v, ncap * sizeof(*nv));
		int64_t *f = realloc(w->first_ms, ncap * sizeof(*f));
		int64_t *l;

		if (nv != NULL)
			w->v = nv;
		if (f != NULL)
			w->first_ms = f;
		l = realloc(w->last_ms, ncap * sizeof(*l));
		if (l != NULL)
			w->last_ms = l;
		if (nv == NULL || f == NULL || l == NULL)
			return -1;
		w->cap = ncap;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -1;
	p->kind = kind;
	str_copy(p->id, sizeof(p->id), id);
	w->v[w->n++] = p;
	return k;
}

/* Adds entry d to the row of principal (kind, id). */
static int
touch(struct inv *w, const char *kind, const char *id,
    const struct entry *d, const char *action)
{
	struct scope_principal *p;
	int32_t k;

	if (id[0] == '\0')
		return 0;
	k = principal_get(w, kind, id);
	if (k < 0)
		return -1;
	p = w->v[k];
	if (p->entries.n == 0 || d->time_ms < w->first_ms[k])
		w->first_ms[k] = d->time_ms;
	if (p->entries.n == 0 || d->time_ms > w->last_ms[k])
		w->last_ms[k] = d->time_ms;
	if (tally_count(d->allowed ? &p->actions : &p->denied, action) == -1)
		return -1;
	return tally_index_push(&p->entries, d->index);
}

static int
entry_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct scope_inverse *out = arg;
	struct inv *w = out->priv;
	const char *action;
	struct entry d;
	int32_t a;

	if (w->count++ == SCOPE_ENTRIES_MAX) {
		w->overflow = 1;
		return 1;
	}
	if (entry_read(&d, index, bytes, len) != 0)
		return 0;
	out->max_index = index;
	a = tally_intern(&w->actions, d.action, strlen(d.action));
	if (a < 0) {
		w->oom = 1;
		return 1;
	}
	action = w->actions.s[a];
	/* Each kind of principal the scope question can name. */
	if (touch(w, actor_kind_name(d.actor_kind), d.actor, &d, action) ||
	    touch(w, "vendor", d.vendor, &d, action) ||
	    touch(w, "device", d.device, &d, action) ||
	    touch(w, "session", d.session, &d, action) ||
	    touch(w, "ip", d.source, &d, action)) {
		w->oom = 1;
		return 1;
	}
	return 0;
}

int
scope_tenant(struct scope_inverse *out, struct store_conn *c,
    const struct store_ops *ops, const char *tenant, int64_t from,
    int64_t to, struct err *e)
{
	struct inv *w;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->max_index = -1;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return err_internal(e, "out of memory");
	out->priv = w;
	tally_strtab_init(&w->keys);
	tally_strtab_init(&w->actions);
	/* In index order, one principal: no duplicates to drop. */
	if (ops->entry_by_principal(c, SP_TENANT, tenant, from, to, entry_cb,
	    out, e) == -1)
		return -1;
	if (w->oom)
		return err_internal(e, "out of memory");
	if (w->overflow)
		return err_bad_request(e, "the question matches more than %d "
		    "entries; narrow the window or the principals",
		    SCOPE_ENTRIES_MAX);
	for (i = 0; i < w->n; i++) {
		time_format_ms(w->v[i]->first, w->first_ms[i]);
		time_format_ms(w->v[i]->last, w->last_ms[i]);
	}
	out->v = w->v;
	out->n = w->n;
	return 0;
}

void
scope_inverse_free(struct scope_inverse *out)
{
	struct inv *w;
	size_t i;

	if (out == NULL)
		return;
	w = out->priv;
	if (w != NULL) {
		for (i = 0; i < w->n; i++) {
			tally_counts_cleanup(&w->v[i]->actions);
			tally_counts_cleanup(&w->v[i]->denied);
			tally_indexes_cleanup(&w->v[i]->entries);
			free(w->v[i]);
		}
		free(w->v);
		free(w->first_ms);
		free(w->last_ms);
		tally_strtab_cleanup(&w->keys);
		tally_strtab_cleanup(&w->actions);
		free(w);
	}
	memset(out, 0, sizeof(*out));
	out->max_index = -1;
}
