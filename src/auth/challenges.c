/* SPDX-License-Identifier: ISC */
#include "auth/challenges.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "common/str.h"

/* Under mu; zero-initialised: every slot free. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct challenge c[CHALLENGES_MAX];     /* id "" : free */
	int anon;                               /* anonymous ones in use */
	int other;                              /* not step-ups, in use */
} tab;

static int
anonymous(const struct challenge *c)
{
	return c->session[0] == '\0';
}

static int
step_up(const struct challenge *c)
{
	return c->purpose == CHALLENGE_STEP_UP;
}

/* 1 when a and b are of one pool and share a binding (challenges.h). */
static int
same_binding(const struct challenge *a, const struct challenge *b)
{
	if (step_up(a) != step_up(b))
		return 0;
	if (a->session[0] != '\0' && strcmp(a->session, b->session) == 0)
		return 1;
	if (a->invitation[0] != '\0' &&
	    strcmp(a->invitation, b->invitation) == 0)
		return 1;
	if (a->who.principal != 0 && a->who.principal == b->who.principal &&
	    strcmp(a->who.id, b->who.id) == 0 &&
	    strcmp(a->who.tenant, b->who.tenant) == 0)
		return 1;
	/* An anonymous sign-in's binding is its address. */
	return a->purpose == CHALLENGE_SIGN_IN &&
	    b->purpose == CHALLENGE_SIGN_IN && a->source[0] != '\0' &&
	    strcmp(a->source, b->source) == 0;
}

/* Frees slot i.  Under tab.mu. */
static void
drop(int i)
{
	if (anonymous(&tab.c[i]))
		tab.anon--;
	if (!step_up(&tab.c[i]))
		tab.other--;
	sodium_memzero(&tab.c[i], sizeof(tab.c[i]));
}

int
challenges_put(struct challenge *ch, int64_t now, struct err *e)
{
	uint8_t r[16];
	int i, slot = -1, anon = anonymous(ch), n = 0, oldest = -1, cap;

	randombytes_buf(r, sizeof(r));
	memcpy(ch->id, "ch_", 3);
	sodium_bin2hex(ch->id + 3, sizeof(ch->id) - 3, r, sizeof(r));
	randombytes_buf(ch->bytes, sizeof(ch->bytes));
	ch->expires = now + CHALLENGES_TTL;
	cap = ch->purpose == CHALLENGE_SIGN_IN && anon ?
	    CHALLENGES_PER_SOURCE : CHALLENGES_PER_BINDING;
	pthread_mutex_lock(&mu);
	for (i = 0; i < CHALLENGES_MAX; i++) {
		if (tab.c[i].id[0] != '\0' && tab.c[i].expires <= now)
			drop(i);
		if (tab.c[i].id[0] == '\0') {
			if (slot == -1)
				slot = i;
			continue;
		}
		if (same_binding(ch, &tab.c[i])) {
			n++;
			if (oldest == -1 ||
			    tab.c[i].expires < tab.c[oldest].expires)
				oldest = i;
		}
	}
	/* The binding's share is full: its oldest makes way. */
	if (n >= cap && oldest != -1) {
		drop(oldest);
		slot = oldest;
	}
	if (slot != -1 && (!anon || tab.anon < CHALLENGES_ANON_MAX) &&
	    (step_up(ch) || tab.other < CHALLENGES_MAX -
	    CHALLENGES_STEP_UP_RESERVE)) {
		tab.c[slot] = *ch;
		if (anon)
			tab.anon++;
		if (!step_up(ch))
			tab.other++;
	} else {
		slot = -1;
	}
	pthread_mutex_unlock(&mu);
	if (slot == -1)
		return err_refuse(e, 503, "unavailable", "challenges_full",
		    "too many passkey ceremonies under way; try again in a "
		    "moment");
	return 0;
}

int
challenges_take(struct challenge *out, const char *id, int purpose,
    int64_t now)
{
	int i, rc = 1;

	if (strncmp(id, "ch_", 3) != 0)
		return 1;
	pthread_mutex_lock(&mu);
	for (i = 0; i < CHALLENGES_MAX; i++) {
		if (tab.c[i].id[0] == '\0' || strcmp(tab.c[i].id, id) != 0)
			continue;
		if (tab.c[i].purpose == purpose && tab.c[i].expires > now) {
			*out = tab.c[i];
			rc = 0;
		}
		/* Asked for with the wrong purpose or too late: gone too,
		 * so a guess at its use costs the challenge. */
		drop(i);
		break;
	}
	pthread_mutex_unlock(&mu);
	return rc;
}
