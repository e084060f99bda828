/* SPDX-License-Identifier: ISC */
#include "access/contain.h"

#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/str.h"

const char *const contain_kind_names[] = {
	[CONTAIN_ENGINEER] = "engineer",
	[CONTAIN_DEVICE] = "device",
	[CONTAIN_SESSION] = "session",
	[CONTAIN_VENDOR] = "vendor",
	[CONTAIN_KIND_COUNT] = NULL,
};

const char *const contain_level_names[] = {
	[CONTAIN_SESSIONS] = "sessions",
	[CONTAIN_LOGINS] = "logins",
	[CONTAIN_ACCESS] = "access",
	[CONTAIN_LEVEL_COUNT] = NULL,
};

int
contain_kind_parse(const char *kind)
{
	int i;

	for (i = 0; i < CONTAIN_KIND_COUNT; i++)
		if (strcmp(kind, contain_kind_names[i]) == 0)
			return i;
	return -1;
}

int
contain_level_parse(const char *level)
{
	int i;

	for (i = 0; i < CONTAIN_LEVEL_COUNT; i++)
		if (strcmp(level, contain_level_names[i]) == 0)
			return i;
	return -1;
}

const char *
contain_level_name(const struct rec_containment *r)
{
	if (r->refuse_logins)
		return r->revoke_access ? "access" : "logins";
	return r->revoke_access ? "sessions+access" : "sessions";
}

int
contain_in_force(const struct rec_containment *r)
{
	return r->lifted == 0 && r->refuse_logins;
}

const char *
contain_enforced(const struct rec_containment *r)
{
	if (r->lifted != 0)
		return r->revoke_access ? "lifted: logins allowed again; "
		    "revoked access stays revoked" : "lifted: logins allowed "
		    "again; approvals kept";
	if (r->refuse_logins)
		return r->revoke_access ? "sessions ended; logins refused "
		    "until lifted; open access revoked" : "sessions ended; "
		    "logins refused until lifted; approvals kept";
	return r->revoke_access ? "sessions ended; open access revoked; "
	    "logins still allowed" : "sessions ended; logins still allowed; "
	    "approvals kept";
}

static int
count_cb(void *arg, const struct rec_grant *g)
{
	(void)g;
	(*(size_t *)arg)++;
	return 0;
}

/* Fills r's engineer and vendor from what it targets. */
static int
resolve(struct rec_containment *r, struct store_conn *c,
    const struct store_ops *ops, struct err *e)
{
	struct rec_engineer en;
	struct rec_device d;
	struct rec_session s;
	struct rec_vendor v;
	int found;

	memset(&en, 0, sizeof(en));
	switch (r->kind) {
	case CONTAIN_VENDOR:
		found = ops->vendor_get(c, r->target, &v, e);
		break;
	case CONTAIN_SESSION:
		found = ops->session_get_id(c, r->target, &s, e);
		if (found == 0 && s.principal == PRINCIPAL_ENGINEER)
			str_copy(r->engineer_id, sizeof(r->engineer_id),
			    s.principal_id);
		if (found == 0)
			str_copy(r->vendor_id, sizeof(r->vendor_id),
			    s.vendor_id);
		break;
	case CONTAIN_DEVICE:
		found = ops->device_get(c, r->target, &d, e);
		if (found == 0)
			str_copy(r->engineer_id, sizeof(r->engineer_id),
			    d.engineer_id);
		break;
	default:
		str_copy(r->engineer_id, sizeof(r->engineer_id), r->target);
		found = 0;
		break;
	}
	if (found == 0 && r->engineer_id[0] != '\0') {
		found = ops->engineer_get(c, r->engineer_id, &en, e);
		if (found == 0)
			str_copy(r->vendor_id, sizeof(r->vendor_id),
			    en.vendor_id);
		rec_engineer_wipe(&en);
	}
	if (found == 1) {
		return err_refuse(e, 404, "not_found", "not_found",
		    "no such %s: %s", contain_kind_names[r->kind], r->target);
	}
	return found;
}

int
contain_prepare(struct contain_run *run, struct store_conn *c,
    const struct store_ops *ops, int kind, int level, const char *target,
    const char *reason, int64_t now, struct err *e)
{
	size_t n = 0, i;

	memset(run, 0, sizeof(*run));
	if (kind == CONTAIN_SESSION && level != CONTAIN_SESSIONS)
		return err_refuse(e, 400, "bad_request", "bad_request",
		    "a session containment ends the session (level "
		    "'sessions'); contain its engineer to refuse logins or "
		    "revoke access");
	run->r.kind = kind;
	run->now = now;
	run->r.created = now;
	run->r.refuse_logins = level >= CONTAIN_LOGINS;
	run->r.revoke_access = level == CONTAIN_ACCESS;
	str_copy(run->r.target, sizeof(run->r.target), target);
	str_copy(run->r.reason, sizeof(run->r.reason), reason);
	id_new(run->r.id, "cnt");
	if (resolve(&run->r, c, ops, e) == -1)
		return -1;
	if (run->r.revoke_access && (run->r.engineer_id[0] != '\0' ||
	    kind == CONTAIN_VENDOR)) {
		if (ops->grant_open(c, run->r.engineer_id,
		    kind == CONTAIN_VENDOR ? run->r.target : NULL, now,
		    count_cb, &n, e) == -1)
			return -1;
		n += CONTAIN_MARGIN;
	}
	run->cap = n;
	if (n > 0) {
		run->grants = calloc(n, sizeof(*run->grants));
		run->slots = calloc(n, sizeof(*run->slots));
		if (run->grants == NULL || run->slots == NULL)
			return err_internal(e, "out of memory");
		for (i = 0; i < n; i++) {
			run->slots[i].run = run;
			run->slots[i].k = i;
			event_init(&run->slots[i].ev);
		}
	}
	return 0;
}

void
contain_run_cleanup(struct contain_run *run)
{
	size_t i;

	for (i = 0; run->slots != NULL && i < run->cap; i++)
		event_cleanup(&run->slots[i].ev);
	free(run->grants);
	free(run->slots);
	run->grants = NULL;
	run->slots = NULL;
}

struct collect {
	struct contain_run *run;
	int overflow;
};

static int
collect_cb(void *arg, const struct rec_grant *g)
{
	struct collect *x = arg;

	if (x->run->ngrants == x->run->cap) {
		x->overflow = 1;
		return 1;
	}
	x->run->grants[x->run->ngrants++] = *g;
	return 0;
}

struct vendor_passkeys {
	struct store_conn *c;
	const struct store_ops *ops;
	const char *vendor;
	int64_t n;
	struct err *e;
	int failed;
};

static int
vendor_passkeys_cb(void *arg, const struct rec_engineer *r)
{
	struct vendor_passkeys *x = arg;
	int64_t n = 0;

	if (strcmp(r->vendor_id, x->vendor) != 0)
		return 0;
	if (x->ops->passkey_revoke(x->c, PRINCIPAL_ENGINEER, r->id, NULL,
	    NULL, NULL, &n, x->e) == -1) {
		x->failed = 1;
		return 1;
	}
	x->n += n;
	return 0;
}

/* Revokes the passkeys the containment reaches (contain.h); counts them
 * in run->passkeys_ended.  Within the containment's transaction. */
static int
end_passkeys(struct store_conn *c, const struct store_ops *ops,
    struct contain_run *run, struct err *e)
{
	struct vendor_passkeys x = {c, ops, run->r.target, 0, e, 0};

	run->passkeys_ended = 0;
	switch (run->r.kind) {
	case CONTAIN_SESSION:
		return ops->passkey_revoke(c, 0, NULL, NULL, NULL,
		    run->r.target, &run->passkeys_ended, e);
	case CONTAIN_DEVICE:
		return ops->passkey_revoke(c, PRINCIPAL_ENGINEER, NULL, NULL,
		    run->r.target, NULL, &run->passkeys_ended, e);
	case CONTAIN_ENGINEER:
		if (!run->r.refuse_logins)
			return 0;
		return ops->passkey_revoke(c, PRINCIPAL_ENGINEER,
		    run->r.target, NULL, NULL, NULL, &run->passkeys_ended, e);
	case CONTAIN_VENDOR:
		if (!run->r.refuse_logins)
			return 0;
		if (ops->engineer_list(c, vendor_passkeys_cb, &x, e) == -1 ||
		    x.failed)
			return -1;
		run->passkeys_ended = x.n;
		return 0;
	default:
		return 0;
	}
}

int
contain_apply(struct store_conn *c, const struct store_ops *ops,
    struct contain_run *run, struct err *e)
{
	if (ops->containment_insert(c, &run->r, e) == -1)
		return -1;
	return contain_end(c, ops, run, e);
}

int
contain_end(struct store_conn *c, const struct store_ops *ops,
    struct contain_run *run, struct err *e)
{
	struct collect x = {run, 0};
	size_t i;

	run->ngrants = 0;
	if (ops->session_end_matching(c, run->r.kind, run->r.target,
	    &run->sessions_ended, e) == -1 ||
	    end_passkeys(c, ops, run, e) == -1)
		return -1;
	/* A device's owner loses their access too: whoever held the
	 * device could have used it. */
	if (run->cap > 0 && ops->grant_open(c, run->r.engineer_id,
	    run->r.kind == CONTAIN_VENDOR ? run->r.target : NULL, run->now,
	    collect_cb, &x, e) == -1)
		return -1;
	if (x.overflow)
		return err_set(e, 409, "conflict", "access requests kept "
		    "opening while the containment ran; run it again");
	for (i = 0; i < run->ngrants; i++) {
		struct rec_grant *g = &run->grants[i];
		int from = g->state, rc;

		g->state = GRANT_REVOKED;
		g->deadline = run->now;
		rc = ops->grant_transition(c, g, from, e);
		if (rc == -1)
			return -1;
		if (rc == 1)
			g->state = from;        /* answered meanwhile */
	}
	return 0;
}

void
contain_detail(const struct contain_run *run, struct event *ev)
{
	char n[24];
	size_t i, k = 0;

	event_detail(ev, "kind", contain_kind_names[run->r.kind]);
	event_detail(ev, contain_kind_names[run->r.kind], run->r.target);
	event_detail(ev, "level", contain_level_name(&run->r));
	if (run->r.engineer_id[0] != '\0' && run->r.kind != CONTAIN_ENGINEER)
		event_detail(ev, "engineer", run->r.engineer_id);
	str_printf(n, sizeof(n), "%lld", (long long)run->sessions_ended);
	event_detail(ev, "sessions_ended", n);
	str_printf(n, sizeof(n), "%lld", (long long)run->passkeys_ended);
	event_detail(ev, "passkeys_ended", n);
	for (i = 0; i < run->ngrants; i++)
		k += run->grants[i].state == GRANT_REVOKED;
	str_printf(n, sizeof(n), "%zu", k);
	event_detail(ev, "grants_revoked", n);
	if (run->r.alert_id[0] != '\0')
		event_detail(ev, "alert", run->r.alert_id);
}

json_t *
containment_json(const struct rec_containment *r)
{
	char created[RFC3339_LEN], lifted[RFC3339_LEN];
	json_t *o;

	time_format(created, r->created);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:b}", "id",
	    r->id, "kind", contain_kind_names[r->kind], "target", r->target,
	    "reason", r->reason, "created", created, "created_by",
	    r->created_by, "in_force", contain_in_force(r), "level",
	    contain_level_name(r), "enforced", contain_enforced(r),
	    "revoked_access", r->revoke_access);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, contain_kind_names[r->kind],
	    json_string(r->target));
	if (r->engineer_id[0] != '\0')
		json_object_set_new(o, "engineer", json_string(r->engineer_id));
	if (r->vendor_id[0] != '\0')
		json_object_set_new(o, "vendor", json_string(r->vendor_id));
	json_object_set_new(o, "alert", r->alert_id[0] != '\0' ?
	    json_string(r->alert_id) : json_null());
	json_object_set_new(o, "refuses_logins",
	    json_boolean(contain_in_force(r)));
	if (r->lifted != 0) {
		time_format(lifted, r->lifted);
		json_object_set_new(o, "lifted", json_string(lifted));
		json_object_set_new(o, "lifted_by", json_string(r->lifted_by));
		json_object_set_new(o, "lift_reason",
		    json_string(r->lift_reason));
	}
	return o;
}

json_t *
contain_json(const struct contain_run *run)
{
	json_t *o = containment_json(&run->r), *revoked = json_array();
	size_t i;

	if (o == NULL || revoked == NULL) {
		json_decref(o);
		json_decref(revoked);
		return NULL;
	}
	for (i = 0; i < run->ngrants; i++)
		if (run->grants[i].state == GRANT_REVOKED)
			json_array_append_new(revoked, json_pack("{s:s,s:s,s:s}",
			    "id", run->grants[i].id, "tenant",
			    run->grants[i].tenant_id, "engineer",
			    run->grants[i].engineer_id));
	json_object_set_new(o, "sessions_ended",
	    json_integer(run->sessions_ended));
	json_object_set_new(o, "passkeys_ended",
	    json_integer(run->passkeys_ended));
	json_object_set_new(o, "grants_revoked", revoked);
	return o;
}

/* The access_request.revoke entry of one revoked grant, or none. */
static int
grant_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct contain_slot *s = arg;
	struct contain_run *run = s->run;
	struct event *ev = &s->ev;
	const struct rec_grant *g;

	(void)apply_rc;
	(void)apply_err;
	(void)index;
	if (s->k >= run->ngrants || run->grants[s->k].state != GRANT_REVOKED)
		return 1;
	g = &run->grants[s->k];
	event_cleanup(ev);
	event_init(ev);
	ev->actor = run->by;
	str_copy(ev->source, sizeof(ev->source), run->source);
	ev->action = "access_request.revoke";
	str_copy(ev->tenant, sizeof(ev->tenant), g->tenant_id);
	str_copy(ev->target, sizeof(ev->target), g->id);
	ev->allowed = 1;
	event_detail(ev, "engineer", g->engineer_id);
	event_detail(ev, "state", "revoked");
	event_detail(ev, run->cause != NULL ? run->cause : "containment",
	    run->r.id);
	return event_serialize(ev, time_ms, out, en);
}

void
contain_grant_jobs(struct contain_run *run, struct store_job *jobs)
{
	size_t i;

	for (i = 0; i < run->cap; i++) {
		jobs[i].apply = NULL;
		jobs[i].entry = grant_entry;
		jobs[i].arg = &run->slots[i];
	}
}

int
contain_refuses(struct store_conn *c, const struct store_ops *ops,
    const char *engineer_id, const char *vendor_id, const char *device_id,
    struct rec_containment *out, struct err *e)
{
	struct rec_containment r;
	int rc;

	rc = ops->containment_find(c, engineer_id, vendor_id, device_id, &r,
	    e);
	if (rc == -1)
		return -1;
	if (rc == 0 && out != NULL)
		*out = r;
	return rc == 0;
}
