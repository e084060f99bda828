/* SPDX-License-Identifier: ISC */
#include "directory/directory.h"

#include <sodium.h>
#include <string.h>

#include "access/policy.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "common/b64.h"
#include "common/jsonx.h"
#include "common/str.h"

const char *const dir_kind_names[] = {
	[DIR_VENDOR] = "vendor",
	[DIR_ENGINEER] = "engineer",
	[DIR_DEVICE] = "device",
	[DIR_TENANT] = "tenant",
	[DIR_USER] = "user",
	[DIR_TICKET] = "ticket",
	NULL,
};

static const char *const prefixes[] = {"ven", "eng", "dev", "ten", "usr",
    "tkt"};
static const char *const roles[] = {"user", "admin", NULL};

/* The object's id: given in "id" (checked), or a new one. */
static int
take_id(char out[ID_MAX], const json_t *o, int kind, struct err *e)
{
	const char *id;

	if (jx_str(&id, o, "id", 1, ID_MAX - 1, JX_OPTIONAL, e) == -1)
		return -1;
	if (id == NULL) {
		id_new(out, prefixes[kind]);
		return 0;
	}
	if (!id_valid(id))
		return err_bad_request(e, "field 'id' may hold only letters, "
		    "digits, '_', '-' and '.'");
	return str_copy(out, ID_MAX, id);
}

static int
take_parent(char out[ID_MAX], const json_t *o, const char *parent,
    const char *field, struct err *e)
{
	const char *p = parent;

	if (p == NULL && jx_str(&p, o, field, 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, e) == -1)
		return -1;
	if (!id_valid(p))
		return err_bad_request(e, "field '%s' is not a valid id",
		    field);
	return str_copy(out, ID_MAX, p);
}

/* A password, or a ready Argon2id hash (bulk loads), into hash. */
static int
take_password(char hash[REC_PWHASH_MAX], const json_t *o, int required,
    struct err *e)
{
	const char *pw, *ph;

	if (jx_str(&pw, o, "password", 0, PASSWORD_MAX + 1, JX_OPTIONAL,
	    e) == -1 || jx_str(&ph, o, "password_hash", 1,
	    REC_PWHASH_MAX - 1, JX_OPTIONAL, e) == -1)
		return -1;
	if (pw != NULL && ph != NULL)
		return err_bad_request(e, "give 'password' or "
		    "'password_hash', not both");
	if (ph != NULL) {
		if (!password_hash_valid(ph))
			return err_bad_request(e, "field 'password_hash' must "
			    "be an Argon2id hash ($argon2id$v=19$...)");
		return str_copy(hash, REC_PWHASH_MAX, ph);
	}
	if (pw == NULL) {
		if (required)
			return err_bad_request(e, "field 'password' is "
			    "required");
		hash[0] = '\0';
		return 0;
	}
	if (password_acceptable(pw, strlen(pw), "password", e) == -1)
		return -1;
	if (password_hash(hash, pw, strlen(pw)) == -1)
		return err_internal(e, "cannot hash the password");
	return 0;
}

static int
take_totp(struct rec_totp *t, const json_t *o, struct err *e)
{
	const char *b32;

	if (jx_str(&b32, o, "totp_secret", 1, TOTP_B32_MAX, JX_OPTIONAL, e) ==
	    -1)
		return -1;
	if (b32 == NULL) {
		totp_generate(t);
		return 1;
	}
	return totp_from_base32(t, b32, "totp_secret", e);
}

static int
parse_vendor(struct dir_object *d, const json_t *o, struct err *e)
{
	static const char *const keys[] = {"kind", "id", "name", NULL};
	const char *name;

	if (jx_only(o, keys, e) || take_id(d->u.vendor.id, o, DIR_VENDOR, e) ||
	    jx_str(&name, o, "name", 1, REC_NAME_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, e))
		return -1;
	return str_copy(d->u.vendor.name, REC_NAME_MAX, name);
}

static int
parse_engineer(struct dir_object *d, const json_t *o, const char *issuer,
    struct err *e)
{
	static const char *const keys[] = {"kind", "id", "username", "vendor",
	    "password", "password_hash", "totp_secret", "email", NULL};
	struct rec_engineer *r = &d->u.engineer;
	const char *username, *email;

	if (jx_only(o, keys, e) || take_id(r->id, o, DIR_ENGINEER, e) ||
	    jx_str(&username, o, "username", 1, REC_USERNAME_MAX,
	    JX_REQUIRED | JX_CLEAN, e) ||
	    take_parent(r->vendor_id, o, NULL, "vendor", e) ||
	    /* Without one the engineer enrols by invitation. */
	    take_password(r->password_hash, o, 0, e) ||
	    take_totp(&r->totp, o, e) == -1 ||
	    jx_str(&email, o, "email", 3, REC_EMAIL_MAX, JX_OPTIONAL |
	    JX_CLEAN, e))
		return -1;
	/* The address invitations (and a re-enrolment's) go to. */
	if (email != NULL && !str_is_email(email))
		return err_bad_request(e, "field 'email' is not an e-mail "
		    "address");
	if (email != NULL)
		str_copy(r->email, sizeof(r->email), email);
	str_copy(r->username, sizeof(r->username), username);
	if (totp_uri(d->totp_uri, sizeof(d->totp_uri), &r->totp, issuer,
	    username) == -1)
		return err_internal(e, "cannot make a TOTP URI");
	return 0;
}

static int
parse_device(struct dir_object *d, const json_t *o, const char *parent,
    struct err *e)
{
	static const char *const keys[] = {"kind", "id", "engineer", "name",
	    "public_key", NULL};
	struct rec_device *r = &d->u.device;
	const char *name, *pk;
	size_t n = 0;

	if (jx_only(o, keys, e) || take_id(r->id, o, DIR_DEVICE, e) ||
	    take_parent(r->engineer_id, o, parent, "engineer", e) ||
	    jx_str(&name, o, "name", 1, REC_NAME_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, e) ||
	    jx_str(&pk, o, "public_key", 1, 64, JX_REQUIRED, e))
		return -1;
	if (b64_decode(r->public_key, sizeof(r->public_key), &n, pk,
	    strlen(pk)) != 0 || n != sizeof(r->public_key))
		return err_bad_request(e, "field 'public_key' must be the "
		    "base64 of a 32-byte Ed25519 public key");
	return str_copy(r->name, sizeof(r->name), name);
}

static int
parse_tenant(struct dir_object *d, const json_t *o, struct err *e)
{
	static const char *const keys[] = {"kind", "id", "name",
	    "support_policy", NULL};
	struct rec_tenant *r = &d->u.tenant;
	const char *name;
	int policy;

	if (jx_only(o, keys, e) || take_id(r->id, o, DIR_TENANT, e) ||
	    jx_str(&name, o, "name", 1, REC_NAME_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, e) ||
	    jx_enum(&policy, o, "support_policy", policy_names, JX_OPTIONAL,
	    e))
		return -1;
	r->policy = policy == -1 ? POLICY_APPROVAL_REQUIRED : policy;
	return str_copy(r->name, sizeof(r->name), name);
}

static int
parse_user(struct dir_object *d, const json_t *o, const char *parent,
    struct err *e)
{
	static const char *const keys[] = {"kind", "id", "tenant", "username",
	    "email", "password", "password_hash", "role", "totp_secret",
	    NULL};
	struct rec_user *r = &d->u.user;
	const char *username, *email, *b32;
	int role;

	if (jx_only(o, keys, e) || take_id(r->id, o, DIR_USER, e) ||
	    take_parent(r->tenant_id, o, parent, "tenant", e) ||
	    jx_str(&username, o, "username", 1, REC_USERNAME_MAX,
	    JX_REQUIRED | JX_CLEAN, e) ||
	    jx_str(&email, o, "email", 3, REC_EMAIL_MAX,
	    JX_REQUIRED | JX_CLEAN, e) ||
	    jx_enum(&role, o, "role", roles, JX_OPTIONAL, e) ||
	    take_password(r->password_hash, o, 0, e) ||
	    jx_str(&b32, o, "totp_secret", 1, TOTP_B32_MAX, JX_OPTIONAL, e))
		return -1;
	if (!str_is_email(email))
		return err_bad_request(e, "field 'email' is not an e-mail "
		    "address");
	/* Without a secret the user enrols at first login. */
	if (b32 != NULL) {
		if (totp_from_base32(&r->totp, b32, "totp_secret", e) == -1)
			return -1;
		r->mfa_enrolled = 1;
	}
	r->role = role == -1 ? ROLE_USER : role;
	r->status = STATUS_ACTIVE;
	str_copy(r->username, sizeof(r->username), username);
	return str_copy(r->email, sizeof(r->email), email);
}

static int
parse_ticket(struct dir_object *d, const json_t *o, const char *parent,
    struct err *e)
{
	static const char *const keys[] = {"kind", "id", "tenant", "subject",
	    "body", "requester", NULL};
	struct rec_ticket *r = &d->u.ticket;
	const char *subject, *body, *requester;

	if (jx_only(o, keys, e) || take_id(r->id, o, DIR_TICKET, e) ||
	    take_parent(r->tenant_id, o, parent, "tenant", e) ||
	    jx_str(&subject, o, "subject", 1, REC_SUBJECT_MAX,
	    JX_REQUIRED | JX_CLEAN, e) ||
	    jx_str(&body, o, "body", 0, REC_BODY_MAX, JX_REQUIRED, e) ||
	    jx_str(&requester, o, "requester", 1, REC_EMAIL_MAX,
	    JX_REQUIRED | JX_CLEAN, e))
		return -1;
	r->body = strdup(body);
	if (r->body == NULL)
		return err_internal(e, "out of memory");
	str_copy(r->status, sizeof(r->status), "open");
	str_copy(r->requester, sizeof(r->requester), requester);
	return str_copy(r->subject, sizeof(r->subject), subject);
}

int
dir_parse(struct dir_object *d, int kind, const json_t *o,
    const char *parent, int64_t now, const char *issuer, int import,
    struct err *e)
{
	int rc = -1;

	memset(d, 0, sizeof(*d));
	d->kind = kind;
	if (!import && json_object_get(o, "kind") != NULL)
		return err_bad_request(e, "unknown field 'kind'");
	switch (kind) {
	case DIR_VENDOR:
		rc = parse_vendor(d, o, e);
		d->u.vendor.created = now;
		break;
	case DIR_ENGINEER:
		rc = parse_engineer(d, o, issuer, e);
		d->u.engineer.created = now;
		break;
	case DIR_DEVICE:
		rc = parse_device(d, o, parent, e);
		d->u.device.created = now;
		break;
	case DIR_TENANT:
		rc = parse_tenant(d, o, e);
		d->u.tenant.created = now;
		break;
	case DIR_USER:
		rc = parse_user(d, o, parent, e);
		d->u.user.created = now;
		break;
	case DIR_TICKET:
		rc = parse_ticket(d, o, parent, e);
		d->u.ticket.created = now;
		break;
	default:
		rc = err_bad_request(e, "field 'kind' has an unknown value");
	}
	return rc;
}

static int
must_exist(int found, const char *field, struct err *e)
{
	if (found == 1)
		return err_set(e, 404, "not_found", "field '%s' names "
		    "nothing that exists", field);
	return found;
}

int
dir_insert(struct store_conn *c, const struct store_ops *ops, void *arg,
    struct err *e)
{
	const struct dir_object *d = arg;
	struct rec_vendor v;
	struct rec_engineer en;
	struct rec_tenant t;
	int rc;

	switch (d->kind) {
	case DIR_VENDOR:
		return ops->vendor_insert(c, &d->u.vendor, e);
	case DIR_ENGINEER:
		if (must_exist(ops->vendor_get(c, d->u.engineer.vendor_id, &v,
		    e), "vendor", e) == -1)
			return -1;
		/* An offboarded vendor takes no one new (lifecycle.h). */
		if (v.status == STATUS_OFFBOARDED)
			return err_refuse(e, 409, "conflict", "offboarded",
			    "vendor %s is offboarded", v.id);
		return ops->engineer_insert(c, &d->u.engineer, e);
	case DIR_DEVICE:
		rc = ops->engineer_get(c, d->u.device.engineer_id, &en, e);
		rec_engineer_wipe(&en);
		if (must_exist(rc, "engineer", e) == -1)
			return -1;
		if (en.status == STATUS_OFFBOARDED)
			return err_refuse(e, 409, "conflict", "offboarded",
			    "engineer %s is offboarded", en.id);
		return ops->device_insert(c, &d->u.device, e);
	case DIR_TENANT:
		return ops->tenant_insert(c, &d->u.tenant, e);
	case DIR_USER:
		if (must_exist(ops->tenant_get(c, d->u.user.tenant_id, &t, e),
		    "tenant", e) == -1)
			return -1;
		return ops->user_insert(c, &d->u.user, e);
	case DIR_TICKET:
		if (must_exist(ops->tenant_get(c, d->u.ticket.tenant_id, &t,
		    e), "tenant", e) == -1)
			return -1;
		return ops->ticket_insert(c, &d->u.ticket, e);
	}
	return err_internal(e, "unknown object kind");
}

void
dir_object_event(const struct dir_object *d, struct event *ev)
{
	str_copy(ev->target, sizeof(ev->target), dir_object_id(d));
	if (d->kind == DIR_DEVICE)
		event_detail(ev, "engineer", d->u.device.engineer_id);
	if (dir_object_tenant(d)[0] != '\0')
		str_copy(ev->tenant, sizeof(ev->tenant),
		    dir_object_tenant(d));
}

int
dir_user_load(struct rec_user *u, struct store_conn *c,
    const struct store_ops *ops, const char *tenant_id, const char *id,
    struct err *e)
{
	int found = ops->user_get(c, tenant_id, id, u, e);

	if (found == 1) {
		return err_refuse(e, 404, "not_found", "no_such_user",
		    "no such user in this tenant");
	}
	return found;
}

int
dir_user_delete(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	const struct rec_user *u = arg;

	/* Its passkeys end with it: a user made later under the same id
	 * must not sign in with them. */
	if (ops->session_delete_user(c, u->tenant_id, u->id, e) == -1 ||
	    ops->passkey_revoke(c, PRINCIPAL_TENANT_USER, u->id, u->tenant_id,
	    NULL, NULL, NULL, e) == -1)
		return -1;
	return ops->user_delete(c, u->tenant_id, u->id, e) == -1 ? -1 : 0;
}

const char *
dir_object_id(const struct dir_object *d)
{
	switch (d->kind) {
	case DIR_VENDOR: return d->u.vendor.id;
	case DIR_ENGINEER: return d->u.engineer.id;
	case DIR_DEVICE: return d->u.device.id;
	case DIR_TENANT: return d->u.tenant.id;
	case DIR_USER: return d->u.user.id;
	case DIR_TICKET: return d->u.ticket.id;
	}
	return "";
}

const char *
dir_object_tenant(const struct dir_object *d)
{
	switch (d->kind) {
	case DIR_TENANT: return d->u.tenant.id;
	case DIR_USER: return d->u.user.tenant_id;
	case DIR_TICKET: return d->u.ticket.tenant_id;
	}
	return "";
}

void
dir_object_cleanup(struct dir_object *d)
{
	if (d->kind == DIR_TICKET)
		rec_ticket_cleanup(&d->u.ticket);
	sodium_memzero(d, sizeof(*d));
}
