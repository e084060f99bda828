/* SPDX-License-Identifier: ISC */
/*
 * The directory's lifecycle over HTTP (issue 14; the rules are in
 * directory/lifecycle.h):
 *
 *   GET    /v1/vendors/{id}                   one vendor
 *   POST   /v1/vendors/{id}/suspend|resume|offboard {reason}
 *   GET    /v1/engineers/{id}                 one engineer, devices too
 *   POST   /v1/engineers/{id}/suspend|resume|offboard {reason}
 *   POST   /v1/engineers/{id}/re-enrol {reason, email?, keep_devices?,
 *          device?}                           202 {invitation, delivered_to}
 *   GET    /v1/devices?engineer=&vendor=      devices, paged
 *   GET    /v1/engineers/{id}/devices
 *   DELETE /v1/engineers/{id}/devices/{d}     revoked, kept for history
 *   GET    /v1/tenants/{t}/users/{u}          one user (operator, admins)
 *
 * Every change names its reason in its entry ("reason"); what it ended is
 * in the entry's details and the answer.  A re-enrolment's link goes by
 * mail only, to the engineer's address: no answer holds it.
 */
#include <stdlib.h>
#include <string.h>

#include "access/grant.h"
#include "access/standing.h"
#include "api/req.h"
#include "auth/invite.h"
#include "common/clock.h"
#include "common/jsonx.h"
#include "common/str.h"
#include "directory/lifecycle.h"

#define DEVICES_MAX 1000        /* devices in one engineer's answer */

static int
not_found(struct req *q, const char *what, const char *id)
{
	q->err.reason = "not_found";
	return err_set(&q->err, 404, "not_found", "no such %s: %s", what, id);
}

static int
bad(struct req *q)
{
	q->err.reason = "bad_request";
	return -1;
}

static json_t *
stamp(int64_t t)
{
	return t != 0 ? grant_stamp_json(t) : json_null();
}

static json_t *
device_json(const struct rec_device *d, const char *vendor)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o}", "id", d->id, "name",
	    d->name, "engineer", d->engineer_id, "created",
	    grant_stamp_json(d->created), "revoked", stamp(d->revoked));

	if (o != NULL && vendor != NULL)
		json_object_set_new(o, "vendor", json_string(vendor));
	return o;
}

/* ---- reads ---- */

struct count_vendor {
	const char *vendor;
	int64_t n;
};

static int
count_vendor_cb(void *arg, const struct rec_engineer *r)
{
	struct count_vendor *x = arg;

	x->n += strcmp(r->vendor_id, x->vendor) == 0;
	return 0;
}

int
h_vendor_view(struct req *q)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *id = req_param(q, 0);
	struct store_conn *c = req_reader(q);
	struct count_vendor x = {NULL, 0};
	struct rec_vendor v;
	int found;

	if (id == NULL || c == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	found = ops->vendor_get(c, id, &v, &q->err);
	if (found == -1)
		return -1;
	if (found == 1)
		return not_found(q, "vendor", id);
	x.vendor = v.id;
	if (ops->engineer_list(c, count_vendor_cb, &x, &q->err) == -1)
		return -1;
	req_ok(q, 200, json_pack("{s:s,s:s,s:o,s:s,s:o,s:I}", "id", v.id,
	    "name", v.name, "created", grant_stamp_json(v.created), "status",
	    lifecycle_status_name(v.status), "status_changed",
	    stamp(v.status_changed), "engineers", (json_int_t)x.n));
	return 0;
}

struct devs {
	const char *engineer;
	json_t *list;
	int n;
};

static int
devs_cb(void *arg, const struct rec_device *d)
{
	struct devs *x = arg;

	if (strcmp(d->engineer_id, x->engineer) != 0)
		return 0;
	if (x->n++ >= DEVICES_MAX)
		return 1;
	return json_array_append_new(x->list, device_json(d, NULL)) == -1;
}

static int
count_cb(void *arg, const struct rec_passkey *p)
{
	(void)p;
	(*(int64_t *)arg)++;
	return 0;
}

int
h_engineer_view(struct req *q)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *id = req_param(q, 0), *why = NULL;
	struct store_conn *c = req_reader(q);
	struct rec_engineer en;
	struct rec_vendor v;
	struct rec_containment k;
	struct devs x = {NULL, NULL, 0};
	int64_t passkeys = 0;
	int found, enrolled, contained;
	json_t *o;

	if (id == NULL || c == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	found = ops->engineer_get(c, id, &en, &q->err);
	enrolled = found == 0 && en.password_hash[0] != '\0';
	rec_engineer_wipe(&en);
	if (found == -1)
		return -1;
	if (found == 1)
		return not_found(q, "engineer", id);
	found = ops->vendor_get(c, en.vendor_id, &v, &q->err);
	if (found == -1)
		return -1;
	x.engineer = en.id;
	x.list = json_array();
	if (x.list == NULL)
		return err_internal(&q->err, "out of memory");
	contained = contain_refuses(c, ops, en.id, "", "", &k, &q->err);
	if (contained == -1 || ops->device_list(c, devs_cb, &x, &q->err) ==
	    -1 || ops->passkey_list(c, PRINCIPAL_ENGINEER, en.id, "", "",
	    count_cb, &passkeys, &q->err) == -1 ||
	    standing_refuses(c, ops, &en, "", &why, &q->err) == -1) {
		json_decref(x.list);
		return -1;
	}
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:b,s:o,s:I,s:o}",
	    "id", en.id, "username", en.username, "vendor", en.vendor_id,
	    "vendor_name", found == 0 ? v.name : "", "email", en.email,
	    "status", lifecycle_status_name(en.status), "status_changed",
	    stamp(en.status_changed), "created", grant_stamp_json(en.created),
	    "enrolled", enrolled, "devices", x.list, "passkeys",
	    (json_int_t)passkeys, "contained", contained == 1 ?
	    json_string(k.id) : json_null());
	if (o == NULL)
		return err_internal(&q->err, "out of memory");
	json_object_set_new(o, "vendor_status", json_string(found == 0 ?
	    lifecycle_status_name(v.status) : "offboarded"));
	/* Whether the engineer may sign in now, and if not why. */
	json_object_set_new(o, "refused", why != NULL ? json_string(why) :
	    json_null());
	req_ok(q, 200, o);
	return 0;
}

struct dev_all {
	json_t *vendors;                /* engineer id -> vendor id */
	json_t *list;
	int fail;
};

static int
eng_vendor_cb(void *arg, const struct rec_engineer *r)
{
	struct dev_all *x = arg;

	return json_object_set_new(x->vendors, r->id,
	    json_string(r->vendor_id)) == -1;
}

static int
dev_all_cb(void *arg, const struct rec_device *d)
{
	struct dev_all *x = arg;

	if (json_array_append_new(x->list, device_json(d, json_string_value(
	    json_object_get(x->vendors, d->engineer_id)))) == -1) {
		x->fail = 1;
		return 1;
	}
	return 0;
}

/* GET /v1/devices?engineer=&vendor=&q=&limit=&after= and GET
 * /v1/engineers/{id}/devices: by engineer, then id. */
int
h_device_list(struct req *q)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct dev_all x = {NULL, NULL, 0};
	struct dir_filter f;
	struct rec_engineer en;
	struct store_conn *c;
	const char *eng = NULL;
	int rc = -1, found;

	if (dir_filter_parse(q, &f) == -1)
		return -1;
	/* Devices are live or revoked, not suspended: no status filter. */
	f.status = NULL;
	if (q->nparams > 0) {
		eng = req_param(q, 0);
		if (eng == NULL)
			return -1;
		f.engineer = eng;
		str_copy(q->ev.target, sizeof(q->ev.target), eng);
	}
	c = req_reader(q);
	if (c == NULL)
		return -1;
	if (eng != NULL) {
		found = ops->engineer_get(c, eng, &en, &q->err);
		rec_engineer_wipe(&en);
		if (found == -1)
			return -1;
		if (found == 1)
			return not_found(q, "engineer", eng);
	}
	x.vendors = json_object();
	x.list = json_array();
	if (x.vendors == NULL || x.list == NULL) {
		err_internal(&q->err, "out of memory");
		goto out;
	}
	if (ops->engineer_list(c, eng_vendor_cb, &x, &q->err) == -1 ||
	    ops->device_list(c, dev_all_cb, &x, &q->err) == -1 || x.fail) {
		if (q->err.status == 0)
			err_internal(&q->err, "out of memory");
		goto out;
	}
	rc = dir_page(q, &f, x.list, "devices");
out:
	json_decref(x.vendors);
	json_decref(x.list);
	return rc;
}

static json_t *
user_json(const struct rec_user *u)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "id", u->id, "username",
	    u->username, "email", u->email, "role", u->role == ROLE_ADMIN ?
	    "admin" : "user", "status", u->status == STATUS_ACTIVE ? "active" :
	    "suspended", "mfa_enrolled", u->mfa_enrolled);
}

/* A page of users being read: one more than asked says there is a next. */
struct user_page {
	json_t *list;
	int64_t limit;
	char next[ID_MAX];
	int fail;
};

static int
user_cb(void *arg, const struct rec_user *u)
{
	struct user_page *p = arg;

	if ((int64_t)json_array_size(p->list) == p->limit) {
		str_copy(p->next, sizeof(p->next), json_string_value(
		    json_object_get(json_array_get(p->list, p->limit - 1),
		    "id")));
		return 1;
	}
	if (json_array_append_new(p->list, user_json(u)) == -1) {
		p->fail = 1;
		return 1;
	}
	return 0;
}

/*
 * GET /v1/tenants/{t}/users: with q, status, limit or after, a filtered
 * page of the list (as the directory's other lists), read a page at a
 * time from the store (at most limit + 1 rows); without them the
 * whole list as before (h_user_list, cached per tenant).  Either way the
 * tenant's second-approval rule for engineers holds.
 */
int
h_user_browse(struct req *q)
{
	struct user_page p = {NULL, 0, "", 0};
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct dir_filter f;
	struct store_conn *c;
	struct rec_user u;
	int found;

	if (http_query(q->http, "q") == NULL &&
	    http_query(q->http, "status") == NULL &&
	    http_query(q->http, "limit") == NULL &&
	    http_query(q->http, "after") == NULL)
		return h_user_list(q);
	if (dir_filter_parse(q, &f) == -1)
		return -1;
	if (f.vendor != NULL || f.engineer != NULL) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "a user list takes q, status, "
		    "limit and after");
	}
	if (req_second_approval(q, http_query(q->http, "approval"), "", 0) ==
	    -1)
		return -1;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	/* As the other lists: after names one of this list. */
	if (f.after != NULL) {
		found = ops->user_get(c, q->tenant.id, f.after, &u, &q->err);
		rec_user_wipe(&u);
		if (found == -1)
			return -1;
		if (found == 1) {
			q->err.reason = "bad_request";
			return err_bad_request(&q->err, "query parameter "
			    "'after' names nothing in this list");
		}
	}
	p.limit = f.limit;
	p.list = json_array();
	if (p.list == NULL)
		return err_internal(&q->err, "out of memory");
	if (ops->user_page(c, q->tenant.id, f.q != NULL ? f.q : "",
	    f.status != NULL ? lifecycle_status_parse(f.status) : -1,
	    f.after != NULL ? f.after : "", p.limit + 1, user_cb, &p,
	    &q->err) == -1 || p.fail) {
		json_decref(p.list);
		return q->err.status != 0 ? -1 : err_internal(&q->err,
		    "out of memory");
	}
	req_ok(q, 200, json_pack("{s:o,s:o}", "users", p.list, "next",
	    p.next[0] != '\0' ? json_string(p.next) : json_null()));
	return 0;
}

/* GET /v1/tenants/{t}/users/{u}: as user.list shows each user. */
int
h_user_view(struct req *q)
{
	const char *id = req_param(q, 1);
	struct store_conn *c = req_reader(q);
	struct rec_user u;
	json_t *o;
	int found;

	if (id == NULL || c == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	found = store_ops(q->ctx->store)->user_get(c, q->tenant.id, id, &u,
	    &q->err);
	rec_user_wipe(&u);
	if (found == -1)
		return -1;
	if (found == 1)
		return not_found(q, "user in this tenant", id);
	o = user_json(&u);
	if (o == NULL)
		return err_internal(&q->err, "out of memory");
	json_object_set_new(o, "created", grant_stamp_json(u.created));
	req_ok(q, 200, o);
	return 0;
}

/* ---- changes ---- */

/* The body's reason (required: it is the entry's "reason"). */
static int
take_reason(struct req *q, const json_t *b, const char *const *keys,
    const char **reason)
{
	if (b == NULL)
		return -1;
	if (jx_only(b, keys, &q->err) == -1 || jx_str(reason, b, "reason", 1,
	    REC_REASON_MAX, JX_REQUIRED | JX_CLEAN, &q->err) == -1)
		return bad(q);
	event_detail(&q->ev, "reason", *reason);
	return 0;
}

struct lc_op {
	struct lifecycle_run *run;
	struct event *ev;
};

static int
lifecycle_op_apply(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	struct lc_op *o = arg;
	int rc = lifecycle_apply(c, ops, o->run, e);

	if (rc == 0)
		lifecycle_detail(o->run, o->ev);
	return rc;
}

/* POST /v1/{engineers,vendors}/{id}/{suspend,resume,offboard} {reason}. */
int
h_lifecycle(struct req *q)
{
	static const char *const keys[] = {"reason", NULL};
	const int a = q->route->action;
	const int kind = a == ACT_VENDOR_SUSPEND || a == ACT_VENDOR_RESUME ||
	    a == ACT_VENDOR_OFFBOARD ? LIFECYCLE_VENDOR : LIFECYCLE_ENGINEER;
	const int op = a == ACT_VENDOR_SUSPEND || a == ACT_ENGINEER_SUSPEND ?
	    LIFECYCLE_SUSPEND : a == ACT_VENDOR_RESUME ||
	    a == ACT_ENGINEER_RESUME ? LIFECYCLE_RESUME : LIFECYCLE_OFFBOARD;
	const char *id = req_param(q, 0), *reason;
	struct lifecycle_run run;
	struct lc_op o = {&run, &q->ev};
	struct store_job *more = NULL;
	struct store_conn *c;
	size_t n;
	int rc = -1;

	memset(&run, 0, sizeof(run));
	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	if (take_reason(q, req_body(q), keys, &reason) == -1)
		return -1;
	c = req_reader(q);
	if (c == NULL || lifecycle_prepare(&run, c, store_ops(q->ctx->store),
	    kind, op, id, reason, q->now, &q->err) == -1)
		goto out;
	if (run.ends) {
		run.end.by = q->actor;
		str_copy(run.end.source, sizeof(run.end.source),
		    q->ev.source);
	}
	n = lifecycle_jobs(&run, &more, &q->err);
	if (n == (size_t)-1)
		goto out;
	if (req_write_op_with(q, lifecycle_op_apply, &o,
	    kind == LIFECYCLE_VENDOR ? "vendor" : "engineer", more, n) == -1)
		goto out;
	req_ok(q, 200, lifecycle_json(&run));
	rc = 0;
out:
	free(more);
	lifecycle_run_cleanup(&run);
	return rc;
}

static int
device_revoke_apply(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	struct device_revoke *r = arg;
	char n[24];
	int rc = lifecycle_device_revoke(c, store_ops(q->ctx->store), r, e);

	if (rc == 1)
		return err_refuse(e, 409, "conflict", "state", "the device "
		    "%s is revoked already", r->id);
	if (rc == 0) {
		str_printf(n, sizeof(n), "%lld", (long long)r->sessions_ended);
		event_detail(&q->ev, "sessions_ended", n);
		str_printf(n, sizeof(n), "%lld", (long long)r->passkeys_ended);
		event_detail(&q->ev, "passkeys_ended", n);
	}
	return rc;
}

/* DELETE /v1/engineers/{id}/devices/{d}: revoked, never deleted. */
int
h_device_revoke(struct req *q)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *eng = req_param(q, 0), *dev = req_param(q, 1);
	struct device_revoke r;
	struct rec_device d;
	struct store_conn *c;
	json_t *b = NULL;
	const char *reason = NULL;
	int found;

	memset(&r, 0, sizeof(r));
	if (eng == NULL || dev == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), dev);
	event_detail(&q->ev, "engineer", eng);
	/* A reason is welcome but a DELETE may come without a body. */
	if (q->http->body.len > 0) {
		static const char *const keys[] = {"reason", NULL};

		b = req_body(q);
		if (b == NULL || jx_only(b, keys, &q->err) == -1 ||
		    jx_str(&reason, b, "reason", 1, REC_REASON_MAX, JX_CLEAN,
		    &q->err) == -1)
			return bad(q);
		if (reason != NULL)
			event_detail(&q->ev, "reason", reason);
	}
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = ops->device_get(c, dev, &d, &q->err);
	if (found == -1)
		return -1;
	if (found == 1 || strcmp(d.engineer_id, eng) != 0)
		return not_found(q, "device of this engineer", dev);
	if (d.revoked != 0) {
		q->err.reason = "state";
		return err_set(&q->err, 409, "conflict", "the device %s is "
		    "revoked already", dev);
	}
	str_copy(r.id, sizeof(r.id), d.id);
	str_copy(r.engineer_id, sizeof(r.engineer_id), d.engineer_id);
	r.now = q->now;
	if (req_write(q, device_revoke_apply, &r) == -1)
		return -1;
	d.revoked = q->now;
	req_ok(q, 200, json_pack("{s:o,s:I,s:I}", "device", device_json(&d,
	    NULL), "sessions_ended", (json_int_t)r.sessions_ended,
	    "passkeys_ended", (json_int_t)r.passkeys_ended));
	return 0;
}

/* A re-enrolment on the writer: the engineer's secrets go, then the
 * invitation is stored, in one commit. */
struct reenrol_op {
	struct reenrol r;
	struct invite_run *run;
	/* The engineer's open access ends too: what a tenant approved was
	 * for whoever held the old credentials, and the invitation may go
	 * to someone else (a new address). */
	struct contain_run end;
	int ends;
};

static int
reenrol_apply(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct reenrol_op *o = arg;
	char n[24];
	int rc = lifecycle_reenrol_apply(c, ops, &o->r, e);

	if (rc == 1)
		return err_refuse(e, 404, "not_found", "not_found", "no such "
		    "engineer: %s", o->r.engineer_id);
	if (rc == -1 || (o->ends && contain_end(c, ops, &o->end, e) == -1) ||
	    invite_apply(c, ops, o->run, e) == -1)
		return -1;
	str_printf(n, sizeof(n), "%lld", (long long)o->r.sessions_ended);
	event_detail(&q->ev, "sessions_ended", n);
	str_printf(n, sizeof(n), "%lld", (long long)o->r.devices_revoked);
	event_detail(&q->ev, "devices_revoked", n);
	str_printf(n, sizeof(n), "%lld", (long long)o->r.passkeys_ended);
	event_detail(&q->ev, "passkeys_ended", n);
	return 0;
}

/* POST /v1/engineers/{id}/re-enrol {reason, email?, keep_devices?,
 * device?}: 202 {invitation, delivered_to, expires_at}. */
int
h_engineer_reenrol(struct req *q)
{
	static const char *const keys[] = {"reason", "email", "keep_devices",
	    "device", NULL};
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *id = req_param(q, 0), *reason, *email, *device, *why;
	struct reenrol_op o;
	struct invite_run run;
	struct invite_mail m;
	struct rec_invitation proto;
	struct rec_engineer en;
	struct rec_device d;
	struct store_conn *c;
	char expires[RFC3339_LEN];
	json_t *b = req_body(q), *keep;
	struct store_job *more = NULL;
	size_t n = 0, i, revoked = 0;
	int found, rc = -1;

	memset(&o, 0, sizeof(o));
	memset(&run, 0, sizeof(run));
	memset(&proto, 0, sizeof(proto));
	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	if (take_reason(q, b, keys, &reason) == -1 ||
	    jx_str(&email, b, "email", 3, REC_EMAIL_MAX, JX_CLEAN, &q->err) ==
	    -1 || jx_str(&device, b, "device", 1, ID_MAX - 1, JX_CLEAN,
	    &q->err) == -1)
		return bad(q);
	keep = json_object_get(b, "keep_devices");
	if (keep != NULL && !json_is_boolean(keep)) {
		err_bad_request(&q->err, "field 'keep_devices' must be true or "
		    "false");
		return bad(q);
	}
	o.r.keep_devices = keep != NULL && json_is_true(keep);
	if (device != NULL && !o.r.keep_devices) {
		err_bad_request(&q->err, "field 'device' names a kept device: "
		    "give 'keep_devices': true with it");
		return bad(q);
	}
	if (email != NULL && !str_is_email(email)) {
		err_bad_request(&q->err, "field 'email' is not an e-mail "
		    "address");
		return bad(q);
	}
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = ops->engineer_get(c, id, &en, &q->err);
	rec_engineer_wipe(&en);
	if (found == -1)
		return -1;
	if (found == 1)
		return not_found(q, "engineer", id);
	if (standing_refuses(c, ops, &en, "", &why, &q->err) == -1)
		return -1;
	if (why != NULL) {
		q->err.reason = why;
		return err_set(&q->err, 409, "conflict", "the engineer is not "
		    "active (%s): resume first", why);
	}
	if (email == NULL && en.email[0] == '\0') {
		err_bad_request(&q->err, "the engineer has no address on file: "
		    "give field 'email'");
		return bad(q);
	}
	if (device != NULL) {
		found = ops->device_get(c, device, &d, &q->err);
		if (found == -1)
			return -1;
		if (found == 1 || strcmp(d.engineer_id, en.id) != 0 ||
		    d.revoked != 0)
			return not_found(q, "live device of this engineer",
			    device);
	}
	proto.kind = INVITE_ENGINEER;
	str_copy(proto.principal_id, sizeof(proto.principal_id), en.id);
	str_copy(proto.username, sizeof(proto.username), en.username);
	str_copy(proto.email, sizeof(proto.email), email != NULL ? email :
	    en.email);
	if (device != NULL)
		str_copy(proto.device_id, sizeof(proto.device_id), device);
	str_copy(proto.created_by, sizeof(proto.created_by),
	    q->actor.id[0] != '\0' ? q->actor.id :
	    actor_kind_name(q->actor.kind));
	m.outbox_dir = q->ctx->cfg.outbox_dir;
	m.from = q->ctx->cfg.mail_from;
	m.public_url = q->ctx->cfg.public_url;
	m.product = q->ctx->cfg.issuer;
	m.where = NULL;
	if (invite_begin(&run, &m, &proto, q->now, &q->err) == -1)
		goto out;
	if (contain_prepare(&o.end, c, ops, CONTAIN_ENGINEER, CONTAIN_ACCESS,
	    en.id, reason, q->now, &q->err) == -1)
		goto out;
	o.ends = 1;
	/* Passkeys and devices: lifecycle_reenrol_apply (keep_devices). */
	o.end.r.refuse_logins = 0;
	o.end.by = q->actor;
	str_copy(o.end.source, sizeof(o.end.source), q->ev.source);
	o.end.cause = "re_enrol";
	str_copy(o.end.r.id, sizeof(o.end.r.id), en.id);
	n = o.end.cap;
	if (n > 0) {
		more = calloc(n, sizeof(*more));
		if (more == NULL) {
			err_internal(&q->err, "out of memory");
			goto out;
		}
		contain_grant_jobs(&o.end, more);
	}
	str_copy(o.r.engineer_id, sizeof(o.r.engineer_id), en.id);
	o.r.now = q->now;
	o.run = &run;
	event_detail(&q->ev, "invitation", run.inv.id);
	event_detail(&q->ev, "delivered_to", run.masked);
	event_detail(&q->ev, "keep_devices", o.r.keep_devices ? "true" :
	    "false");
	if (req_write_with(q, reenrol_apply, &o, more, n) == -1 ||
	    invite_deliver(&run, &q->err) == -1)
		goto out;
	time_format(expires, run.inv.expires);
	for (i = 0; i < o.end.ngrants; i++)
		revoked += o.end.grants[i].state == GRANT_REVOKED;
	req_ok(q, 202, json_pack("{s:s,s:s,s:s,s:I,s:I,s:I}", "invitation",
	    run.inv.id, "delivered_to", run.masked, "expires_at", expires,
	    "sessions_ended", (json_int_t)o.r.sessions_ended,
	    "devices_revoked", (json_int_t)o.r.devices_revoked,
	    "grants_revoked", (json_int_t)revoked));
	rc = 0;
out:
	free(more);
	if (o.ends)
		contain_run_cleanup(&o.end);
	invite_run_cleanup(&run);
	return rc;
}
