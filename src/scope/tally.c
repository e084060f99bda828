/* SPDX-License-Identifier: ISC */
/*
 * Interned strings and growable lists for scope (see tally.h).
 */
#include "scope/tally.h"

#include <stdlib.h>
#include <string.h>

static uint64_t
hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;    /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
tally_strtab_init(struct tally_strtab *t)
{
	memset(t, 0, sizeof(*t));
}

void
tally_strtab_cleanup(struct tally_strtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* The slot of s: its own, or the empty one it would take. */
static size_t
probe(const struct tally_strtab *t, const char *s, size_t len)
{
	size_t mask = t->nslot - 1, i = (size_t)hash(s, len) & mask;

	for (;;) {
		int32_t v = t->slot[i];

		if (v == 0 || (strncmp(t->s[v - 1], s, len) == 0 &&
		    t->s[v - 1][len] == '\0'))
			return i;
		i = (i + 1) & mask;
	}
}

static int
grow(struct tally_strtab *t)
{
	size_t nslot = t->nslot ? t->nslot * 2 : 64, i, mask = nslot - 1;
	int32_t *slot = calloc(nslot, sizeof(*slot));

	if (slot == NULL)
		return -1;
	for (i = 0; i < t->n; i++) {
		size_t j = (size_t)hash(t->s[i], strlen(t->s[i])) & mask;

		while (slot[j] != 0)
			j = (j + 1) & mask;
		slot[j] = (int32_t)i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = nslot;
	return 0;
}

int32_t
tally_intern(struct tally_strtab *t, const char *s, size_t len)
{
	size_t i;
	char *copy;

	if (t->n >= TALLY_STRINGS_MAX)
		return -1;
	if ((t->n + 1) * 2 > t->nslot && grow(t) == -1)
		return -1;
	i = probe(t, s, len);
	if (t->slot[i] != 0)
		return t->slot[i] - 1;
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;
		char **ns = realloc(t->s, ncap * sizeof(*ns));

		if (ns == NULL)
			return -1;
		t->s = ns;
		t->cap = ncap;
	}
	copy = malloc(len + 1);
	if (copy == NULL)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	t->s[t->n] = copy;
	t->slot[i] = (int32_t)++t->n;
	return (int32_t)t->n - 1;
}

/* v (n used of *cap elements of size), with room for one more: v itself
 * or a larger copy; NULL when out of memory (v is left as it was). */
static void *
room(void *v, size_t n, size_t *cap, size_t size)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 8;
	nv = realloc(v, ncap * size);
	if (nv != NULL)
		*cap = ncap;
	return nv;
}

int
tally_count(struct scope_counts *c, const char *action)
{
	struct scope_count *nv;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].action == action) {
			c->v[i].n++;
			return 0;
		}
	nv = room(c->v, c->n, &c->cap, sizeof(*c->v));
	if (nv == NULL)
		return -1;
	c->v = nv;
	c->v[c->n].action = action;
	c->v[c->n].n = 1;
	c->n++;
	return 0;
}

void
tally_counts_cleanup(struct scope_counts *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int
tally_index_push(struct scope_indexes *x, int64_t index)
{
	int64_t *nv = room(x->v, x->n, &x->cap, sizeof(*x->v));

	if (nv == NULL)
		return -1;
	x->v = nv;
	x->v[x->n++] = index;
	return 0;
}

void
tally_indexes_cleanup(struct scope_indexes *x)
{
	free(x->v);
	memset(x, 0, sizeof(*x));
}

int
tally_string_add(struct scope_strings *l, const char *s)
{
	char **nv;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 0;
	nv = room(l->v, l->n, &l->cap, sizeof(*l->v));
	if (nv == NULL)
		return -1;
	l->v = nv;
	l->v[l->n] = strdup(s);
	if (l->v[l->n] == NULL)
		return -1;
	l->n++;
	return 0;
}

void
tally_strings_cleanup(struct scope_strings *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
