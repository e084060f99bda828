/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the parsing of JSON request bodies: jx_parse_object, then the
 * field helpers over the fields of every create (and login) call the way
 * the handlers take them, then dir_parse for every kind as an import line
 * and as a create call under a parent.  Bad input must come back as a 400
 * naming a field, never a 500 or a crash.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "access/policy.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "common/jsonx.h"
#include "common/log.h"
#include "common/rand.h"
#include "common/str.h"
#include "directory/directory.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum ftype { F_STR, F_INT, F_ENUM };

struct field {
	const char *key;
	int type;
	size_t min, max;        /* bytes for strings, range for ints */
	int flags;
	const char *const *values;
};

struct call {
	const char *name;
	const char *const *keys;
	struct field fields[8];
};

static const char *const roles[] = {"user", "admin", NULL};

#define REQ_CLEAN (JX_REQUIRED | JX_CLEAN)

static const char *const k_vendor[] = {"name", NULL};
static const char *const k_engineer[] = {"username", "vendor", "password",
    "password_hash", "totp_secret", NULL};
static const char *const k_device[] = {"name", "public_key", NULL};
static const char *const k_tenant[] = {"name", "support_policy", NULL};
static const char *const k_user[] = {"username", "email", "password",
    "password_hash", "role", "totp_secret", NULL};
static const char *const k_ticket[] = {"subject", "body", "requester",
    NULL};
static const char *const k_login[] = {"username", "password", "device",
    NULL};
static const char *const k_verify[] = {"login_id", "password", "totp",
    "device_signature", NULL};
static const char *const k_tlogin[] = {"username", "password", "totp",
    NULL};
static const char *const k_reset[] = {"token", "new_password", NULL};
static const char *const k_policy[] = {"support_policy", NULL};
static const char *const k_access[] = {"ticket", "reason", "minutes",
    NULL};

static const struct call calls[] = {
	{"vendor", k_vendor, {
		{"name", F_STR, 1, REC_NAME_MAX - 1, REQ_CLEAN, NULL},
	}},
	{"engineer", k_engineer, {
		{"username", F_STR, 1, REC_USERNAME_MAX, REQ_CLEAN, NULL},
		{"vendor", F_STR, 1, ID_MAX - 1, REQ_CLEAN, NULL},
		{"password", F_STR, 0, PASSWORD_MAX + 1, JX_OPTIONAL, NULL},
		{"password_hash", F_STR, 1, REC_PWHASH_MAX - 1, JX_OPTIONAL,
		    NULL},
		{"totp_secret", F_STR, 1, TOTP_B32_MAX, JX_OPTIONAL, NULL},
	}},
	{"device", k_device, {
		{"name", F_STR, 1, REC_NAME_MAX - 1, REQ_CLEAN, NULL},
		{"public_key", F_STR, 1, 64, JX_REQUIRED, NULL},
	}},
	{"tenant", k_tenant, {
		{"name", F_STR, 1, REC_NAME_MAX - 1, REQ_CLEAN, NULL},
		{"support_policy", F_ENUM, 0, 0, JX_OPTIONAL, policy_names},
	}},
	{"user", k_user, {
		{"username", F_STR, 1, REC_USERNAME_MAX, REQ_CLEAN, NULL},
		{"email", F_STR, 3, REC_EMAIL_MAX, REQ_CLEAN, NULL},
		{"role", F_ENUM, 0, 0, JX_OPTIONAL, roles},
		{"password", F_STR, 0, PASSWORD_MAX + 1, JX_OPTIONAL, NULL},
		{"totp_secret", F_STR, 1, TOTP_B32_MAX, JX_OPTIONAL, NULL},
	}},
	{"ticket", k_ticket, {
		{"subject", F_STR, 1, REC_SUBJECT_MAX, REQ_CLEAN, NULL},
		{"body", F_STR, 0, REC_BODY_MAX, JX_REQUIRED, NULL},
		{"requester", F_STR, 1, REC_EMAIL_MAX, REQ_CLEAN, NULL},
	}},
	{"auth.login", k_login, {
		{"username", F_STR, 1, REC_USERNAME_MAX, REQ_CLEAN, NULL},
		{"password", F_STR, 1, PASSWORD_MAX, JX_OPTIONAL, NULL},
		{"device", F_STR, 1, ID_MAX - 1, REQ_CLEAN, NULL},
	}},
	{"auth.verify", k_verify, {
		{"login_id", F_STR, 1, ID_MAX - 1, REQ_CLEAN, NULL},
		{"password", F_STR, 1, PASSWORD_MAX, JX_OPTIONAL, NULL},
		{"totp", F_STR, 6, 8, JX_REQUIRED, NULL},
		{"device_signature", F_STR, 1, 128, JX_REQUIRED, NULL},
	}},
	{"tenant.login", k_tlogin, {
		{"username", F_STR, 1, REC_USERNAME_MAX, REQ_CLEAN, NULL},
		{"password", F_STR, 1, PASSWORD_MAX, JX_REQUIRED, NULL},
		{"totp", F_STR, 6, 8, JX_OPTIONAL, NULL},
	}},
	{"password_reset", k_reset, {
		{"token", F_STR, 1, TOKEN_MAX, REQ_CLEAN, NULL},
		{"new_password", F_STR, 1, PASSWORD_MAX, JX_REQUIRED, NULL},
	}},
	{"support_policy", k_policy, {
		{"support_policy", F_ENUM, 0, 0, JX_REQUIRED, policy_names},
	}},
	{"access_request", k_access, {
		{"ticket", F_STR, 1, ID_MAX - 1, REQ_CLEAN, NULL},
		{"reason", F_STR, 1, 500, REQ_CLEAN, NULL},
		{"minutes", F_INT, 1, 480, JX_REQUIRED, NULL},
	}},
};

/* A refusal of outside input is a 400 with a message, never a 500. */
static void
must_be_400(const struct err *e, const char *what)
{
	if (e->status != 400 || e->code == NULL || e->msg[0] == '\0') {
		log_error("fuzz: %s: status %d (%s): %s", what, e->status,
		    e->code != NULL ? e->code : "-", e->msg);
		abort();
	}
}

/* A field helper's refusal must name its field. */
static void
must_name(const struct err *e, const char *key)
{
	char want[80];

	must_be_400(e, key);
	str_printf(want, sizeof(want), "'%s'", key);
	if (strstr(e->msg, want) == NULL) {
		log_error("fuzz: message '%s' does not name %s", e->msg, key);
		abort();
	}
}

static void
take_fields(const json_t *o, const struct call *c)
{
	const struct field *f;
	struct err e;
	const char *s;
	int64_t n = 0;
	int i = 0;

	err_init(&e);
	if (jx_only(o, c->keys, &e) == -1)
		must_be_400(&e, c->name);
	for (f = c->fields; f->key != NULL; f++) {
		err_init(&e);
		switch (f->type) {
		case F_STR:
			if (jx_str(&s, o, f->key, f->min, f->max, f->flags,
			    &e) == -1) {
				must_name(&e, f->key);
				break;
			}
			if (s == NULL)
				break;
			if (strlen(s) > f->max ||
			    ((f->flags & JX_CLEAN) &&
			    !str_is_clean_utf8(s, strlen(s))))
				abort();
			break;
		case F_INT:
			if (jx_int(&n, o, f->key, (int64_t)f->min,
			    (int64_t)f->max, f->flags, &e) == -1)
				must_name(&e, f->key);
			else if (json_object_get(o, f->key) != NULL &&
			    json_is_integer(json_object_get(o, f->key)) &&
			    (n < (int64_t)f->min || n > (int64_t)f->max))
				abort();
			break;
		case F_ENUM:
			if (jx_enum(&i, o, f->key, f->values, f->flags,
			    &e) == -1)
				must_name(&e, f->key);
			else if (i < -1 || (i >= 0 && f->values[i] == NULL))
				abort();
			break;
		}
	}
}

static void
check_object(const struct dir_object *d)
{
	const char *id = dir_object_id(d);

	if (!id_valid(id))
		abort();
	switch (d->kind) {
	case DIR_VENDOR:
		if (!str_is_clean_utf8(d->u.vendor.name,
		    strlen(d->u.vendor.name)))
			abort();
		break;
	case DIR_USER:
		if (!str_is_email(d->u.user.email) ||
		    !id_valid(d->u.user.tenant_id))
			abort();
		break;
	case DIR_ENGINEER:
		if (d->u.engineer.totp.len < 10 ||
		    d->u.engineer.totp.len > REC_TOTP_MAX ||
		    strncmp(d->totp_uri, "otpauth://totp/", 15) != 0)
			abort();
		break;
	case DIR_TICKET:
		if (d->u.ticket.body == NULL)
			abort();
		break;
	}
}

static void
parse_as(const json_t *o, int kind, const char *parent, int import)
{
	struct dir_object *d = malloc(sizeof(*d));
	struct err e;

	if (d == NULL)
		return;
	err_init(&e);
	if (dir_parse(d, kind, o, parent, 1642773780, "custos", import,
	    &e) == -1)
		must_be_400(&e, dir_kind_names[kind]);
	else
		check_object(d);
	dir_object_cleanup(d);
	free(d);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0 || password_setup(1, 8192) != 0 ||
	    totp_setup() != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const parents[DIR_KIND_COUNT] = {
		[DIR_DEVICE] = "eng_1", [DIR_USER] = "ten_1",
		[DIR_TICKET] = "ten_1",
	};
	struct err e;
	json_t *o;
	size_t i;
	int k;

	err_init(&e);
	o = jx_parse_object((const char *)data, size, &e);
	if (o == NULL) {
		must_be_400(&e, "body");
		return 0;
	}
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		take_fields(o, &calls[i]);
	for (k = 0; k < DIR_KIND_COUNT; k++) {
		parse_as(o, k, NULL, 1);
		parse_as(o, k, parents[k], 0);
	}
	json_decref(o);
	return 0;
}
