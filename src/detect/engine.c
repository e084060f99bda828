/* SPDX-License-Identifier: ISC */
#include "detect/engine.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "detect/hours.h"

#define KEY_MAX (ID_MAX + EVENT_TARGET_MAX + 16)
#define STAMPS_MAX 4096         /* per list: older ones are dropped */
#define NETS_MAX 256            /* networks remembered per engineer */
#define NET_MAX 48
#define SWEEP_EVERY 4096        /* entries between evictions */

struct stamp {
	int64_t t_ms;
	int64_t index;
	char tenant[ID_MAX];    /* tenant lists only */
};

struct stamps {
	struct stamp *v;
	size_t n, cap;
};

enum hours_state { HOURS_UNKNOWN = 0, HOURS_NONE, HOURS_SET };

/* What the rules remember about one engineer, session or account. */
struct state {
	char key[KEY_MAX];      /* "e:ID", "s:ID", or an account's
				 * "a:K:TENANT:ID" or "a:name:K:TENANT:NAME"
				 * (K: e engineer, t tenant user) */
	int64_t last_ms;
	int64_t fired_ms[RULE_COUNT];
	struct stamps tenants, resets, fails;
	/* engineers */
	int64_t cred_ms, cred_index;
	char (*nets)[NET_MAX];
	size_t nnets;
	int nets_loaded;
	int hours_state;
	struct hours hours;
	int64_t signal_ms[RULE_COUNT];  /* engineers: the last alert of each
					 * rule about them (several_signals) */
	int64_t signal_index[RULE_COUNT];
	/* sessions */
	char source[REC_ADDR_MAX];
	int64_t source_ms, source_index;
};

struct engine {
	const struct rules *rs;
	const struct engine_lookup *lk;
	struct state **slots;   /* open addressing; NULL: empty */
	size_t cap, n;
	uint64_t fed;
	int64_t now_ms;
	int history;            /* reads imported entries only (set_history) */
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;    /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
state_free(struct state *s)
{
	if (s == NULL)
		return;
	free(s->tenants.v);
	free(s->resets.v);
	free(s->fails.v);
	free(s->nets);
	free(s);
}

/*
 * Moves every state into a new table of cap slots, dropping those not
 * touched within keep_ms before now (keep_ms < 0: none).  -1 when out of
 * memory (the table stays as it was).
 */
static int
rehash(struct engine *en, size_t cap, int64_t keep_ms)
{
	struct state **v = calloc(cap, sizeof(*v));
	size_t i, n = 0;

	if (v == NULL)
		return -1;
	for (i = 0; i < en->cap; i++) {
		struct state *s = en->slots[i];
		size_t j;

		if (s == NULL)
			continue;
		if (keep_ms >= 0 && s->last_ms + keep_ms < en->now_ms) {
			state_free(s);
			continue;
		}
		j = hash(s->key) & (cap - 1);
		while (v[j] != NULL)
			j = (j + 1) & (cap - 1);
		v[j] = s;
		n++;
	}
	free(en->slots);
	en->slots = v;
	en->cap = cap;
	en->n = n;
	return 0;
}

/* The state of key, made when missing; NULL when out of memory. */
static struct state *
state_get(struct engine *en, const char *prefix, const char *id)
{
	char key[KEY_MAX];
	size_t j;

	if (str_printf(key, sizeof(key), "%s%s", prefix, id) == -1)
		return NULL;
	if (en->n * 2 >= en->cap && rehash(en, en->cap * 2, -1) == -1)
		return NULL;
	j = hash(key) & (en->cap - 1);
	while (en->slots[j] != NULL) {
		if (strcmp(en->slots[j]->key, key) == 0) {
			en->slots[j]->last_ms = en->now_ms;
			return en->slots[j];
		}
		j = (j + 1) & (en->cap - 1);
	}
	en->slots[j] = calloc(1, sizeof(struct state));
	if (en->slots[j] == NULL)
		return NULL;
	str_copy(en->slots[j]->key, KEY_MAX, key);
	en->slots[j]->last_ms = en->now_ms;
	en->n++;
	return en->slots[j];
}

/* Drops states not touched for longer than any window (their cached
 * hours and networks are read again when needed). */
static void
sweep(struct engine *en)
{
	(void)rehash(en, en->cap, (rules_max_window(en->rs) + 60) * 1000);
}

struct engine *
engine_new(const struct rules *rs, const struct engine_lookup *lk)
{
	struct engine *en = calloc(1, sizeof(*en));

	if (en == NULL)
		return NULL;
	en->rs = rs;
	en->lk = lk;
	en->cap = 1024;
	en->slots = calloc(en->cap, sizeof(*en->slots));
	if (en->slots == NULL) {
		free(en);
		return NULL;
	}
	return en;
}

void
engine_free(struct engine *en)
{
	size_t i;

	if (en == NULL)
		return;
	for (i = 0; i < en->cap; i++)
		state_free(en->slots[i]);
	free(en->slots);
	free(en);
}

void
engine_set_history(struct engine *en)
{
	en->history = 1;
}

size_t
engine_states(const struct engine *en)
{
	return en->n;
}

/* 1 when times a and b (ms) lie within window_ms of each other, in
 * either order: imported history may be fed out of time order. */
static int
within(int64_t a, int64_t b, int64_t window_ms)
{
	return a - b <= window_ms && b - a <= window_ms;
}

/* Forgets stamps farther than window_ms from now (before it, or after
 * it when history is fed out of order). */
static void
stamps_prune(struct stamps *l, int64_t now_ms, int64_t window_ms)
{
	size_t i, k = 0;

	for (i = 0; i < l->n; i++)
		if (within(l->v[i].t_ms, now_ms, window_ms))
			l->v[k++] = l->v[i];
	l->n = k;
}

static int
stamps_add(struct stamps *l, const struct entry *d, const char *tenant)
{
	struct stamp *v;

	if (l->n == STAMPS_MAX) {
		memmove(l->v, l->v + 1, (l->n - 1) * sizeof(*l->v));
		l->n--;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;

		v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	v = &l->v[l->n++];
	v->t_ms = d->time_ms;
	v->index = d->index;
	str_copy(v->tenant, sizeof(v->tenant), tenant != NULL ? tenant : "");
	return 0;
}

/* A new raise for rule r about the entry d, unless r is off or fired for
 * this state within its window. */
static int
raise_begin(struct engine *en, struct state *s, int r, const struct entry *d,
    struct alert_raise *a)
{
	const struct rule *ru = &en->rs->r[r];

	if (!ru->enabled)
		return 0;
	if (s->fired_ms[r] != 0 && within(s->fired_ms[r], d->time_ms,
	    ru->window * 1000 - 1))
		return 0;
	s->fired_ms[r] = d->time_ms;
	memset(a, 0, sizeof(*a));
	a->rule = r;
	a->subject_kind = "engineer";
	if (actor_is_engineer(d->actor_kind, d->actor, d->tenant)) {
		str_copy(a->engineer, sizeof(a->engineer), d->actor);
		str_copy(a->vendor, sizeof(a->vendor), d->vendor);
	}
	str_copy(a->subject, sizeof(a->subject), a->engineer);
	str_copy(a->session, sizeof(a->session), d->session);
	str_copy(a->device, sizeof(a->device), d->device);
	str_copy(a->source, sizeof(a->source), d->source);
	str_copy(a->tenant, sizeof(a->tenant), d->tenant);
	a->first_ms = a->last_ms = d->time_ms;
	return 1;
}

static void
raise_entry(struct alert_raise *a, int64_t index, int64_t t_ms)
{
	if (a->nentries < ALERT_ENTRIES_MAX)
		a->entries[a->nentries++] = index;
	if (t_ms < a->first_ms)
		a->first_ms = t_ms;
	if (t_ms > a->last_ms)
		a->last_ms = t_ms;
}

static void
raise_stamps(struct alert_raise *a, const struct stamps *l)
{
	size_t i = l->n > ALERT_ENTRIES_MAX ? l->n - ALERT_ENTRIES_MAX : 0;

	for (; i < l->n; i++)
		raise_entry(a, l->v[i].index, l->v[i].t_ms);
}

static void emit(struct engine *en, engine_emit_fn fn, void *arg,
    struct alert_raise *a, const struct entry *d);

/* 1 for the rules several_signals counts: what only someone signed in
 * as the engineer (or holding their session) can set off.  Refused
 * logins, lockouts and unregistered devices are not among them: anyone
 * who knows a username causes those. */
static int
is_signal(int rule)
{
	switch (rule) {
	case RULE_NEW_NETWORK:
	case RULE_SESSION_TWO_ADDRESSES:
	case RULE_TENANT_HOPPING:
	case RULE_RESET_BURST:
	case RULE_FORBIDDEN_PROBE:
	case RULE_CREDENTIAL_THEN_ACCESS:
		return 1;
	default:
		return 0;
	}
}

/* After alert a about an engineer: several_signals when alerts of
 * threshold different rules about them fell within its window. */
static void
rule_several_signals(struct engine *en, const struct alert_raise *a,
    const struct entry *d, engine_emit_fn fn, void *arg)
{
	const struct rule *ru = &en->rs->r[RULE_SEVERAL_SIGNALS];
	struct alert_raise b;
	struct state *s;
	char names[200];
	int64_t n = 0;
	size_t len = 0;
	int r;

	if (!ru->enabled || !is_signal(a->rule) || a->engineer[0] == '\0')
		return;
	s = state_get(en, "e:", a->engineer);
	if (s == NULL)
		return;
	s->signal_ms[a->rule] = d->time_ms;
	s->signal_index[a->rule] = d->index;
	names[0] = '\0';
	for (r = 0; r < RULE_COUNT; r++) {
		if (s->signal_ms[r] == 0 || !within(s->signal_ms[r],
		    d->time_ms, ru->window * 1000))
			continue;
		n++;
		if (str_printf(names + len, sizeof(names) - len, "%s%s",
		    len > 0 ? ", " : "", en->rs->r[r].name) == 0)
			len = strlen(names);
	}
	if (n < ru->threshold || !raise_begin(en, s, RULE_SEVERAL_SIGNALS, d,
	    &b))
		return;
	str_copy(b.engineer, sizeof(b.engineer), a->engineer);
	str_copy(b.vendor, sizeof(b.vendor), a->vendor);
	str_copy(b.subject, sizeof(b.subject), a->engineer);
	for (r = 0; r < RULE_COUNT; r++)
		if (s->signal_ms[r] != 0 && within(s->signal_ms[r],
		    d->time_ms, ru->window * 1000) &&
		    s->signal_index[r] != d->index)
			raise_entry(&b, s->signal_index[r], s->signal_ms[r]);
	str_printf(b.message, sizeof(b.message), "%lld different alerts "
	    "about %s within %lld s (%s): strong evidence",
	    (long long)n, a->engineer, (long long)ru->window, names);
	emit(en, fn, arg, &b, d);
}

static void
emit(struct engine *en, engine_emit_fn fn, void *arg, struct alert_raise *a,
    const struct entry *d)
{
	size_t i;

	for (i = 0; i < a->nentries; i++)
		if (a->entries[i] == d->index)
			break;
	if (i == a->nentries) {
		/* The entry that completed the pattern is always named. */
		if (a->nentries == ALERT_ENTRIES_MAX) {
			memmove(a->entries, a->entries + 1,
			    (ALERT_ENTRIES_MAX - 1) * sizeof(a->entries[0]));
			a->nentries--;
		}
		raise_entry(a, d->index, d->time_ms);
	}
	fn(arg, a);
	rule_several_signals(en, a, d, fn, arg);
}

int
engine_network(char *out, size_t size, const char *addr)
{
	unsigned char b[16];
	char text[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, addr, b) == 1) {
		b[3] = 0;
		if (inet_ntop(AF_INET, b, text, sizeof(text)) == NULL)
			return -1;
		return str_printf(out, size, "%s/24", text);
	}
	if (inet_pton(AF_INET6, addr, b) == 1) {
		memset(b + 6, 0, 10);
		if (inet_ntop(AF_INET6, b, text, sizeof(text)) == NULL)
			return -1;
		return str_printf(out, size, "%s/48", text);
	}
	return -1;
}

static int
nets_has(const struct state *s, const char *net)
{
	size_t i;

	for (i = 0; i < s->nnets; i++)
		if (strcmp(s->nets[i], net) == 0)
			return 1;
	return 0;
}

static void
nets_add(struct state *s, const char *net)
{
	if (nets_has(s, net))
		return;
	if (s->nets == NULL) {
		s->nets = calloc(NETS_MAX, NET_MAX);
		if (s->nets == NULL)
			return;
	}
	if (s->nnets == NETS_MAX) {
		memmove(s->nets, s->nets + 1, (NETS_MAX - 1) * NET_MAX);
		s->nnets--;
	}
	str_copy(s->nets[s->nnets++], NET_MAX, net);
}

static void
learn_login(void *arg, const char *source)
{
	char net[NET_MAX];

	if (engine_network(net, sizeof(net), source) == 0)
		nets_add(arg, net);
}

/* A login of a registered device from a network not seen before. */
static void
rule_new_network(struct engine *en, struct state *s, const struct entry *d,
    engine_emit_fn fn, void *arg)
{
	char net[NET_MAX];
	struct alert_raise a;
	int known;

	if (engine_network(net, sizeof(net), d->source) == -1)
		return;
	if (!s->nets_loaded) {
		s->nets_loaded = 1;
		/* History compares with the history itself: custosd's own
		 * logins are of another time. */
		if (!en->history && en->lk->logins(en->lk->ctx, d->actor,
		    d->time_ms / 1000 - NETWORK_HISTORY_DAYS * 86400, d->index,
		    learn_login, s) == -1)
			return;
	}
	/* An engineer's first login has nothing to compare with. */
	known = s->nnets == 0 || nets_has(s, net);
	nets_add(s, net);
	if (known || fn == NULL || !raise_begin(en, s, RULE_NEW_NETWORK, d, &a))
		return;
	str_printf(a.message, sizeof(a.message), "%s logged in from %s "
	    "(network %s), not among the %zu network(s) of the last %d days",
	    d->actor, d->source, net, s->nnets - 1, NETWORK_HISTORY_DAYS);
	emit(en, fn, arg, &a, d);
}

static void
rule_off_hours(struct engine *en, struct state *s, const struct entry *d,
    engine_emit_fn fn, void *arg)
{
	char text[HOURS_TEXT_MAX + 1];
	struct alert_raise a;
	struct err e;

	/* The declared hours are today's, and for the engineers custos
	 * knows: not a measure for imported history. */
	if (!en->rs->r[RULE_OFF_HOURS].enabled || en->history)
		return;
	if (s->hours_state == HOURS_UNKNOWN) {
		if (en->lk->hours(en->lk->ctx, d->actor, text, sizeof(text)) ==
		    -1)
			return;
		err_init(&e);
		s->hours_state = text[0] != '\0' && hours_parse(&s->hours,
		    text, &e) == 0 ? HOURS_SET : HOURS_NONE;
	}
	if (s->hours_state != HOURS_SET || hours_contain(&s->hours,
	    d->time_ms / 1000) || fn == NULL ||
	    !raise_begin(en, s, RULE_OFF_HOURS, d, &a))
		return;
	str_printf(a.message, sizeof(a.message), "%s was active (%s) "
	    "outside the declared working hours", d->actor, d->action);
	emit(en, fn, arg, &a, d);
}

static int
entered_tenant(const struct entry *d)
{
	return d->allowed && d->tenant[0] != '\0' &&
	    strncmp(d->action, "access_request.", 15) != 0 &&
	    strncmp(d->action, "approval.", 9) != 0;
}

static void
rule_tenant_hopping(struct engine *en, struct state *s,
    const struct entry *d, engine_emit_fn fn, void *arg)
{
	const struct rule *ru = &en->rs->r[RULE_TENANT_HOPPING];
	struct alert_raise a;
	size_t i;

	stamps_prune(&s->tenants, d->time_ms, ru->window * 1000);
	for (i = 0; i < s->tenants.n; i++)
		if (strcmp(s->tenants.v[i].tenant, d->tenant) == 0)
			break;
	if (i < s->tenants.n) {
		s->tenants.v[i].t_ms = d->time_ms;
		s->tenants.v[i].index = d->index;
		return;
	}
	if (stamps_add(&s->tenants, d, d->tenant) == -1)
		return;
	if ((int64_t)s->tenants.n <= ru->threshold || fn == NULL ||
	    !raise_begin(en, s, RULE_TENANT_HOPPING, d, &a))
		return;
	raise_stamps(&a, &s->tenants);
	str_printf(a.message, sizeof(a.message), "%s entered %zu distinct "
	    "tenants within %lld s (threshold %lld)", d->actor, s->tenants.n,
	    (long long)ru->window, (long long)ru->threshold);
	emit(en, fn, arg, &a, d);
}

/* Adds d to l and raises rule r when l holds threshold stamps. */
static void
rule_count(struct engine *en, struct state *s, struct stamps *l, int r,
    const struct entry *d, int live, struct alert_raise *a)
{
	const struct rule *ru = &en->rs->r[r];

	stamps_prune(l, d->time_ms, ru->window * 1000);
	if (stamps_add(l, d, NULL) == -1)
		return;
	a->rule = -1;
	if ((int64_t)l->n < ru->threshold || !live ||
	    !raise_begin(en, s, r, d, a))
		return;
	raise_stamps(a, l);
}

/* The sessions of anyone signed in: one session, two addresses. */
static void
rule_session(struct engine *en, const struct entry *d, engine_emit_fn fn,
    void *arg)
{
	const struct rule *ru = &en->rs->r[RULE_SESSION_TWO_ADDRESSES];
	struct state *s = state_get(en, "s:", d->session);
	struct alert_raise a;

	if (s == NULL)
		return;
	if (s->source[0] == '\0' || strcmp(s->source, d->source) == 0) {
		str_copy(s->source, sizeof(s->source), d->source);
		s->source_ms = d->time_ms;
		s->source_index = d->index;
		return;
	}
	if (within(d->time_ms, s->source_ms, ru->window * 1000) &&
	    fn != NULL &&
	    raise_begin(en, s, RULE_SESSION_TWO_ADDRESSES, d, &a)) {
		a.subject_kind = "session";
		str_copy(a.subject, sizeof(a.subject), d->session);
		raise_entry(&a, s->source_index, s->source_ms);
		str_printf(a.message, sizeof(a.message), "session %s was used "
		    "from %s and, %lld s apart, from %s", d->session,
		    s->source, (long long)(llabs(d->time_ms - s->source_ms) /
		    1000),
		    d->source);
		emit(en, fn, arg, &a, d);
	}
	str_copy(s->source, sizeof(s->source), d->source);
	s->source_ms = d->time_ms;
	s->source_index = d->index;
}

/* A login that signs an engineer in: password, TOTP and device, or a
 * passkey (which stands for a device).  In imported history a sign-in
 * is one entry, auth.login (Okta's user.session.start). */
static int
is_login(const struct engine *en, const struct entry *d)
{
	return strcmp(d->action, "auth.verify") == 0 ||
	    strcmp(d->action, "auth.passkey") == 0 ||
	    (en->history && strcmp(d->action, "auth.login") == 0);
}

/* An imported refused sign-in that says the account is locked (Okta's
 * outcome.reason LOCKED_OUT, custos's locked). */
static int
history_locked(const struct engine *en, const struct entry *d)
{
	return en->history && !d->allowed &&
	    strcmp(d->action, "auth.login") == 0 &&
	    (strcasecmp(d->reason, "locked_out") == 0 ||
	    strcasecmp(d->reason, "locked") == 0);
}

static int
login_failure(const struct engine *en, const struct entry *d)
{
	static const char *const reasons[] = {"bad_credentials",
	    "bad_password", "bad_totp", "totp_reused", "bad_device_signature",
	    "unknown_user", NULL};
	size_t i;

	if (d->allowed || (strcmp(d->action, "auth.login") != 0 &&
	    !is_login(en, d)))
		return 0;
	/* A decoy login names no account: nothing to count it against. */
	if (d->actor[0] == '\0' && d->target[0] == '\0')
		return 0;
	/* Imported refusals carry the other system's reasons
	 * (INVALID_CREDENTIALS, VERIFICATION_ERROR, ...): each counts. */
	if (en->history)
		return !history_locked(en, d);
	for (i = 0; reasons[i] != NULL; i++)
		if (strcmp(d->reason, reasons[i]) == 0)
			return 1;
	return 0;
}

/*
 * The state of the account a login tried: an engineer's, or a tenant's
 * user's (within that tenant: ids and usernames of different kinds and
 * tenants may be equal, and are other accounts), by id, or by the name
 * tried when no account has it.
 */
static struct state *
account_state(struct engine *en, const struct entry *d)
{
	char key[KEY_MAX];
	const char *kind = d->tenant[0] == '\0' ? "e" : "t";

	if (str_printf(key, sizeof(key), "%s:%s:%s", kind, d->tenant,
	    d->actor[0] != '\0' ? d->actor : d->target) == -1)
		return NULL;
	return state_get(en, d->actor[0] != '\0' ? "a:" : "a:name:", key);
}

/* Failed logins and lockouts, per account tried. */
static void
rule_logins(struct engine *en, const struct entry *d, engine_emit_fn fn,
    void *arg)
{
	int locked = (!d->allowed && strcmp(d->reason, "locked") == 0) ||
	    history_locked(en, d);
	struct alert_raise a;
	struct state *s;

	if (!locked && !login_failure(en, d))
		return;
	s = account_state(en, d);
	if (s == NULL)
		return;
	if (locked) {
		if (fn == NULL || !raise_begin(en, s, RULE_ACCOUNT_LOCKED, d,
		    &a))
			return;
		raise_stamps(&a, &s->fails);
		str_printf(a.message, sizeof(a.message), "account %s is "
		    "locked after repeated failures; this attempt came from "
		    "%s", d->actor[0] != '\0' ? d->actor : d->target,
		    d->source);
	} else {
		rule_count(en, s, &s->fails, RULE_LOGIN_FAILURES, d,
		    fn != NULL, &a);
		if (a.rule != RULE_LOGIN_FAILURES)
			return;
		str_printf(a.message, sizeof(a.message), "%zu failed logins "
		    "for account %s within %lld s (last: %s from %s)",
		    s->fails.n, d->actor[0] != '\0' ? d->actor : d->target,
		    (long long)en->rs->r[RULE_LOGIN_FAILURES].window,
		    d->reason, d->source);
	}
	a.subject_kind = "account";
	str_copy(a.subject, sizeof(a.subject), d->actor[0] != '\0' ?
	    d->actor : d->target);
	emit(en, fn, arg, &a, d);
}

/*
 * A device added to an engineer (by the operator, or by whoever holds the
 * engineer's invitation link): a first device is enrolment; another one is
 * a new credential on the account (credential_then_access).
 */
static void
device_added(struct engine *en, const struct entry *d)
{
	struct state *s;
	int64_t n = 0;

	/* Today's device count says nothing about history. */
	if (en->history || d->engineer[0] == '\0' ||
	    en->lk->devices(en->lk->ctx, d->engineer, &n) == -1 || n < 2)
		return;
	s = state_get(en, "e:", d->engineer);
	if (s == NULL)
		return;
	s->cred_ms = d->time_ms;
	s->cred_index = d->index;
}

/* What the operator's entries tell the rules. */
static void
operator_entry(struct engine *en, const struct entry *d, engine_emit_fn fn,
    void *arg)
{
	struct alert_raise a;
	struct state *s;

	if (!d->allowed)
		return;
	if (strcmp(d->action, "engineer.working_hours") == 0) {
		s = state_get(en, "e:", d->target);
		if (s != NULL)
			s->hours_state = HOURS_UNKNOWN;
	} else if (strcmp(d->action, "device.create") == 0) {
		device_added(en, d);
	} else if (strcmp(d->action, "access_request.break_glass") == 0 &&
	    d->engineer[0] != '\0') {
		s = state_get(en, "e:", d->engineer);
		if (s == NULL || fn == NULL ||
		    !raise_begin(en, s, RULE_BREAK_GLASS, d, &a))
			return;
		str_copy(a.engineer, sizeof(a.engineer), d->engineer);
		str_copy(a.subject, sizeof(a.subject), d->engineer);
		a.session[0] = a.device[0] = '\0';
		str_printf(a.message, sizeof(a.message), "break-glass access "
		    "to tenant %s for %s (%s)", d->tenant, d->engineer,
		    d->target);
		emit(en, fn, arg, &a, d);
	}
}

static int
forbidden_probe(const struct entry *d)
{
	return !d->allowed && (strcmp(d->reason, "role_forbids") == 0 ||
	    strcmp(d->action, "user.create") == 0 ||
	    strcmp(d->action, "user.delete") == 0 ||
	    strcmp(d->action, "tenant.export") == 0);
}

static int
is_reset(const struct entry *d)
{
	return d->allowed && (strcmp(d->action, "user.password_reset") == 0 ||
	    strcmp(d->action, "user.mfa_reset") == 0);
}

/* The rules about what a signed-in engineer does. */
static void
engineer_entry(struct engine *en, const struct entry *d, engine_emit_fn fn,
    void *arg)
{
	const struct rules *rs = en->rs;
	struct state *s = state_get(en, "e:", d->actor);
	struct alert_raise a;

	if (s == NULL)
		return;
	if (is_login(en, d) && d->allowed && rs->r[RULE_NEW_NETWORK].enabled)
		rule_new_network(en, s, d, fn, arg);
	if (d->allowed)
		rule_off_hours(en, s, d, fn, arg);
	/* A passkey the engineer registers is a new credential on the
	 * account, as another device is (operator_entry): a stolen session
	 * plants one to come back by. */
	if (d->allowed && strcmp(d->action, "passkey.register") == 0) {
		s->cred_ms = d->time_ms;
		s->cred_index = d->index;
	}
	if (entered_tenant(d)) {
		rule_tenant_hopping(en, s, d, fn, arg);
		if (s->cred_ms != 0 && d->time_ms >= s->cred_ms &&
		    d->time_ms - s->cred_ms <=
		    rs->r[RULE_CREDENTIAL_THEN_ACCESS].window * 1000) {
			if (fn != NULL && raise_begin(en, s,
			    RULE_CREDENTIAL_THEN_ACCESS, d, &a)) {
				raise_entry(&a, s->cred_index, s->cred_ms);
				str_printf(a.message, sizeof(a.message),
				    "%s entered tenant %s %lld s after a new "
				    "device or passkey was registered to the "
				    "account",
				    d->actor, d->tenant, (long long)
				    ((d->time_ms - s->cred_ms) / 1000));
				emit(en, fn, arg, &a, d);
			}
			s->cred_ms = 0;
		}
	}
	if (is_reset(d)) {
		rule_count(en, s, &s->resets, RULE_RESET_BURST, d, fn != NULL,
		    &a);
		if (a.rule == RULE_RESET_BURST) {
			str_printf(a.message, sizeof(a.message), "%s made %zu "
			    "password/MFA resets within %lld s (threshold "
			    "%lld)", d->actor, s->resets.n,
			    (long long)rs->r[RULE_RESET_BURST].window,
			    (long long)rs->r[RULE_RESET_BURST].threshold);
			emit(en, fn, arg, &a, d);
		}
	}
	if (forbidden_probe(d) && fn != NULL &&
	    raise_begin(en, s, RULE_FORBIDDEN_PROBE, d, &a)) {
		str_printf(a.message, sizeof(a.message), "%s tried %s%s%s, "
		    "which support may not do", d->actor, d->action,
		    d->tenant[0] != '\0' ? " in tenant " : "", d->tenant);
		emit(en, fn, arg, &a, d);
	}
}

/*
 * A passkey sign-in or step-up refused because the authenticator's
 * signature counter did not grow (reason sign_count): the same
 * credential is signing from two places, which WebAuthn names as the sign
 * of a cloned authenticator.  Per person (or passkey, when the entry
 * names no one).
 */
static void
rule_passkey_clone(struct engine *en, const struct entry *d,
    engine_emit_fn fn, void *arg)
{
	const char *who = d->actor[0] != '\0' ? d->actor : d->target;
	struct alert_raise a;
	struct state *s;

	if (d->allowed || strcmp(d->reason, "sign_count") != 0 ||
	    who[0] == '\0' || fn == NULL)
		return;
	s = state_get(en, "p:", who);
	if (s == NULL || !raise_begin(en, s, RULE_PASSKEY_CLONE, d, &a))
		return;
	a.subject_kind = "account";
	str_copy(a.subject, sizeof(a.subject), who);
	str_printf(a.message, sizeof(a.message), "%s of %s was refused: the "
	    "passkey's signature counter did not grow, so a copy of its key "
	    "may be in use (from %s)", d->action, who, d->source);
	emit(en, fn, arg, &a, d);
}

void
engine_feed(struct engine *en, const struct entry *d, engine_emit_fn fn,
    void *arg)
{
	struct alert_raise a;
	struct state *s;

	/* Live and history keep apart: each engine reads only its own. */
	if ((d->imported != 0) != (en->history != 0))
		return;
	en->now_ms = d->time_ms;
	if (++en->fed % SWEEP_EVERY == 0)
		sweep(en);
	rule_passkey_clone(en, d, fn, arg);
	if (d->allowed && strcmp(d->action, "invitation.device") == 0)
		device_added(en, d);
	if (d->actor_kind == ACTOR_OPERATOR) {
		operator_entry(en, d, fn, arg);
		return;
	}
	if (d->actor_kind == ACTOR_SYSTEM)
		return;
	rule_logins(en, d, fn, arg);
	if (!d->allowed && strcmp(d->action, "auth.login") == 0 &&
	    strcmp(d->reason, "unregistered_device") == 0 &&
	    d->actor[0] != '\0' && d->tenant[0] == '\0') {
		s = state_get(en, "e:", d->actor);
		if (s != NULL && fn != NULL &&
		    raise_begin(en, s, RULE_UNREGISTERED_DEVICE, d, &a)) {
			str_printf(a.message, sizeof(a.message), "the password "
			    "of %s was used from %s with device '%s', which is "
			    "not registered to the account", d->actor,
			    d->source, d->device[0] != '\0' ? d->device :
			    "(unknown)");
			emit(en, fn, arg, &a, d);
		}
	}
	if (d->session[0] != '\0' && d->source[0] != '\0' &&
	    (d->actor_kind == ACTOR_ENGINEER ||
	    d->actor_kind == ACTOR_TENANT_ADMIN ||
	    d->actor_kind == ACTOR_TENANT_USER))
		rule_session(en, d, fn, arg);
	if (d->actor_kind == ACTOR_ENGINEER && d->actor[0] != '\0')
		engineer_entry(en, d, fn, arg);
}
