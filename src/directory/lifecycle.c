/* SPDX-License-Identifier: ISC */
#include "directory/lifecycle.h"

#include <stdlib.h>
#include <string.h>

#include "common/str.h"

const char *const lifecycle_status_names[] = {
	[STATUS_ACTIVE] = "active",
	[STATUS_SUSPENDED] = "suspended",
	[STATUS_OFFBOARDED] = "offboarded",
	NULL,
};

static const char *const kind_names[] = {"engineer", "vendor"};
static const char *const op_names[] = {"suspend", "resume", "offboard"};

const char *
lifecycle_status_name(int status)
{
	return status >= STATUS_ACTIVE && status <= STATUS_OFFBOARDED ?
	    lifecycle_status_names[status] : "suspended";
}

int
lifecycle_status_parse(const char *name)
{
	int i;

	for (i = 0; lifecycle_status_names[i] != NULL; i++)
		if (strcmp(name, lifecycle_status_names[i]) == 0)
			return i;
	return -1;
}

int
lifecycle_prepare(struct lifecycle_run *run, struct store_conn *c,
    const struct store_ops *ops, int kind, int op, const char *id,
    const char *reason, int64_t now, struct err *e)
{
	struct rec_engineer en;
	struct rec_vendor v;
	const char *what = kind_names[kind];
	int found, level;

	memset(run, 0, sizeof(*run));
	run->kind = kind;
	run->op = op;
	run->now = now;
	str_copy(run->id, sizeof(run->id), id);
	if (kind == LIFECYCLE_ENGINEER) {
		found = ops->engineer_get(c, id, &en, e);
		rec_engineer_wipe(&en);
		if (found == 0) {
			run->from = en.status;
			str_copy(run->vendor_id, sizeof(run->vendor_id),
			    en.vendor_id);
		}
	} else {
		found = ops->vendor_get(c, id, &v, e);
		if (found == 0)
			run->from = v.status;
	}
	if (found == -1)
		return -1;
	if (found == 1)
		return err_refuse(e, 404, "not_found", "not_found",
		    "no such %s: %s", what, id);
	if (run->from == STATUS_OFFBOARDED)
		return err_refuse(e, 409, "conflict", "offboarded", "the %s %s "
		    "is offboarded: that is final", what, id);
	if (op == LIFECYCLE_SUSPEND && run->from == STATUS_SUSPENDED)
		return err_refuse(e, 409, "conflict", "state", "the %s %s is "
		    "suspended already", what, id);
	if (op == LIFECYCLE_RESUME && run->from == STATUS_ACTIVE)
		return err_refuse(e, 409, "conflict", "state", "the %s %s is "
		    "not suspended", what, id);
	if (op == LIFECYCLE_RESUME)
		return 0;
	/* Suspending ends sessions only (grants wait, unusable); offboarding
	 * ends passkeys and access too. */
	level = op == LIFECYCLE_OFFBOARD ? CONTAIN_ACCESS : CONTAIN_SESSIONS;
	if (contain_prepare(&run->end, c, ops, kind == LIFECYCLE_ENGINEER ?
	    CONTAIN_ENGINEER : CONTAIN_VENDOR, level, id, reason, now, e) ==
	    -1)
		return -1;
	run->ends = 1;
	run->end.cause = op_names[op];
	str_copy(run->end.r.id, sizeof(run->end.r.id), id);
	return 0;
}

void
lifecycle_run_cleanup(struct lifecycle_run *run)
{
	if (run->ends)
		contain_run_cleanup(&run->end);
	run->ends = 0;
}

struct vendor_invites {
	struct store_conn *c;
	const struct store_ops *ops;
	const char *vendor;
	int64_t now;
	struct err *e;
	int failed;
};

static int
vendor_invites_cb(void *arg, const struct rec_engineer *r)
{
	struct vendor_invites *x = arg;

	if (strcmp(r->vendor_id, x->vendor) != 0)
		return 0;
	if (x->ops->invitation_revoke_principal(x->c, INVITE_ENGINEER, "",
	    r->id, x->now, x->e) == -1) {
		x->failed = 1;
		return 1;
	}
	return 0;
}

/* Offboarding's own part: devices, invitations, a vendor's engineers. */
static int
offboard(struct store_conn *c, const struct store_ops *ops,
    struct lifecycle_run *run, struct err *e)
{
	struct vendor_invites x = {c, ops, run->id, run->now, e, 0};

	if (run->kind == LIFECYCLE_ENGINEER)
		return ops->device_revoke_all(c, run->id, NULL, run->now,
		    &run->devices_revoked, e) == -1 ||
		    ops->approval_cancel_all(c, run->id, NULL, run->now,
		    "offboard", &run->approvals_cancelled, e) == -1 ||
		    ops->invitation_revoke_principal(c, INVITE_ENGINEER, "",
		    run->id, run->now, e) == -1 ? -1 : 0;
	if (ops->device_revoke_all(c, NULL, run->id, run->now,
	    &run->devices_revoked, e) == -1 ||
	    ops->approval_cancel_all(c, NULL, run->id, run->now, "offboard",
	    &run->approvals_cancelled, e) == -1 ||
	    ops->engineer_offboard_vendor(c, run->id, run->now,
	    &run->engineers_offboarded, e) == -1 ||
	    ops->engineer_list(c, vendor_invites_cb, &x, e) == -1 || x.failed)
		return -1;
	return 0;
}

int
lifecycle_apply(struct store_conn *c, const struct store_ops *ops, void *arg,
    struct err *e)
{
	struct lifecycle_run *run = arg;
	int status, rc;

	status = run->op == LIFECYCLE_SUSPEND ? STATUS_SUSPENDED :
	    run->op == LIFECYCLE_RESUME ? STATUS_ACTIVE : STATUS_OFFBOARDED;
	rc = run->kind == LIFECYCLE_ENGINEER ?
	    ops->engineer_set_status(c, run->id, status, run->now, e) :
	    ops->vendor_set_status(c, run->id, status, run->now, e);
	if (rc != 0)
		return rc;
	if (run->ends && contain_end(c, ops, &run->end, e) == -1)
		return -1;
	if (run->op == LIFECYCLE_OFFBOARD && offboard(c, ops, run, e) == -1)
		return -1;
	return 0;
}

size_t
lifecycle_jobs(struct lifecycle_run *run, struct store_job **jobs,
    struct err *e)
{
	*jobs = NULL;
	if (!run->ends || run->end.cap == 0)
		return 0;
	*jobs = calloc(run->end.cap, sizeof(**jobs));
	if (*jobs == NULL) {
		err_internal(e, "out of memory");
		return (size_t)-1;
	}
	contain_grant_jobs(&run->end, *jobs);
	return run->end.cap;
}

static size_t
grants_revoked(const struct lifecycle_run *run)
{
	size_t i, k = 0;

	for (i = 0; run->ends && i < run->end.ngrants; i++)
		k += run->end.grants[i].state == GRANT_REVOKED;
	return k;
}

void
lifecycle_detail(const struct lifecycle_run *run, struct event *ev)
{
	char n[24];

	event_detail(ev, "from", lifecycle_status_name(run->from));
	if (run->kind == LIFECYCLE_ENGINEER)
		event_detail(ev, "vendor", run->vendor_id);
	if (!run->ends)
		return;
	str_printf(n, sizeof(n), "%lld", (long long)run->end.sessions_ended);
	event_detail(ev, "sessions_ended", n);
	if (run->op != LIFECYCLE_OFFBOARD)
		return;
	str_printf(n, sizeof(n), "%lld", (long long)run->end.passkeys_ended);
	event_detail(ev, "passkeys_ended", n);
	str_printf(n, sizeof(n), "%zu", grants_revoked(run));
	event_detail(ev, "grants_revoked", n);
	str_printf(n, sizeof(n), "%lld", (long long)run->devices_revoked);
	event_detail(ev, "devices_revoked", n);
	str_printf(n, sizeof(n), "%lld", (long long)run->approvals_cancelled);
	event_detail(ev, "approvals_cancelled", n);
	if (run->kind == LIFECYCLE_VENDOR) {
		str_printf(n, sizeof(n), "%lld",
		    (long long)run->engineers_offboarded);
		event_detail(ev, "engineers_offboarded", n);
	}
}

json_t *
lifecycle_json(const struct lifecycle_run *run)
{
	int to = run->op == LIFECYCLE_SUSPEND ? STATUS_SUSPENDED :
	    run->op == LIFECYCLE_RESUME ? STATUS_ACTIVE : STATUS_OFFBOARDED;
	json_t *o, *revoked;
	size_t i;

	o = json_pack("{s:s,s:s,s:s,s:s}", "id", run->id, "kind",
	    kind_names[run->kind], "status", lifecycle_status_names[to],
	    "previous_status", lifecycle_status_name(run->from));
	if (o == NULL)
		return NULL;
	if (!run->ends)
		return o;
	json_object_set_new(o, "sessions_ended",
	    json_integer(run->end.sessions_ended));
	if (run->op != LIFECYCLE_OFFBOARD)
		return o;
	revoked = json_array();
	for (i = 0; i < run->end.ngrants; i++)
		if (run->end.grants[i].state == GRANT_REVOKED)
			json_array_append_new(revoked, json_pack(
			    "{s:s,s:s,s:s}", "id", run->end.grants[i].id,
			    "tenant", run->end.grants[i].tenant_id,
			    "engineer", run->end.grants[i].engineer_id));
	json_object_set_new(o, "grants_revoked", revoked);
	json_object_set_new(o, "passkeys_ended",
	    json_integer(run->end.passkeys_ended));
	json_object_set_new(o, "devices_revoked",
	    json_integer(run->devices_revoked));
	json_object_set_new(o, "approvals_cancelled",
	    json_integer(run->approvals_cancelled));
	if (run->kind == LIFECYCLE_VENDOR)
		json_object_set_new(o, "engineers_offboarded",
		    json_integer(run->engineers_offboarded));
	return o;
}

int
lifecycle_device_revoke(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	struct device_revoke *r = arg;
	int rc;

	rc = ops->device_revoke(c, r->id, r->now, e);
	if (rc != 0)
		return rc;
	if (ops->session_end_matching(c, CONTAIN_DEVICE, r->id,
	    &r->sessions_ended, e) == -1 ||
	    ops->passkey_revoke(c, PRINCIPAL_ENGINEER, NULL, NULL, r->id,
	    NULL, &r->passkeys_ended, e) == -1)
		return -1;
	return 0;
}

int
lifecycle_reenrol_apply(struct store_conn *c, const struct store_ops *ops,
    struct reenrol *r, struct err *e)
{
	struct rec_totp none;
	int rc;

	memset(&none, 0, sizeof(none));
	/* No password matches "", no code matches an empty seed: the
	 * engineer signs in again only through the invitation. */
	rc = ops->engineer_set_secrets(c, r->engineer_id, "", &none, e);
	if (rc != 0)
		return rc;
	if (ops->session_end_matching(c, CONTAIN_ENGINEER, r->engineer_id,
	    &r->sessions_ended, e) == -1)
		return -1;
	if (r->keep_devices)
		return 0;
	if (ops->device_revoke_all(c, r->engineer_id, NULL, r->now,
	    &r->devices_revoked, e) == -1 ||
	    ops->passkey_revoke(c, PRINCIPAL_ENGINEER, r->engineer_id, NULL,
	    NULL, NULL, &r->passkeys_ended, e) == -1)
		return -1;
	return 0;
}
