/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of directory/ (directory.c and bulk.c) without HTTP, on a real
 * SQLite store: each kind of object is checked as a create call and
 * inserted (an id taken is a 409, a user id is unique across tenants, what
 * an object names must exist, a device key is 32 bytes of Ed25519, an
 * engineer gets a TOTP secret and a hashed password), its entry names it,
 * deleting a user ends their sessions, and a bulk import stores every line
 * with its own entry or nothing, naming the line it refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>

#include "access_fixture.h"
#include "auth/password.h"
#include "op_fixture.h"
#include "common/jsonx.h"
#include "directory/bulk.h"
#include "directory/directory.h"

/* A 32-byte key, base64. */
#define KEY32 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
/* 31 bytes, base64. */
#define KEY31 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg=="

FX_PUTTER(fx_put_session, struct rec_session, session_insert)

/* Parses text as a create of kind under parent; 0 or -1 with e. */
static int
parse(struct dir_object *d, int kind, const char *text, const char *parent,
    struct err *e)
{
	json_t *o = jx_parse_object(text, strlen(text), e);
	int rc;

	assert_non_null(o);
	rc = dir_parse(d, kind, o, parent, FX_NOW, "custos", 0, e);
	json_decref(o);
	return rc;
}

/* Parses and inserts; the insert's rc (or -1 from the parse). */
static int
create(struct fx *f, int kind, const char *text, const char *parent,
    struct err *e)
{
	struct dir_object d;
	int rc;

	err_init(e);
	if (parse(&d, kind, text, parent, e) == -1) {
		dir_object_cleanup(&d);
		return -1;
	}
	rc = fx_run(f, dir_insert, &d, e);
	dir_object_cleanup(&d);
	return rc;
}

static void
an_id_taken_by_the_same_kind_is_a_409(void **state)
{
	struct fx *f = *state;
	struct err e;

	assert_int_equal(create(f, DIR_VENDOR, "{\"id\":\"ven_a\",\"name\":"
	    "\"Another\"}", NULL, &e), -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(create(f, DIR_TENANT, "{\"id\":\"ten_req\",\"name\":"
	    "\"Again\"}", NULL, &e), -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(create(f, DIR_VENDOR, "{\"id\":\"ven_c\",\"name\":"
	    "\"Vendor C\"}", NULL, &e), 0);
}

static void
a_user_id_is_unique_across_tenants(void **state)
{
	struct fx *f = *state;
	struct err e;

	assert_int_equal(create(f, DIR_USER, "{\"id\":\"usr_ten_req\","
	    "\"username\":\"someone\",\"email\":\"s@example.test\"}",
	    "ten_auto", &e), -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(create(f, DIR_USER, "{\"id\":\"usr_new\","
	    "\"username\":\"someone\",\"email\":\"s@example.test\"}",
	    "ten_auto", &e), 0);
}

static void
what_an_object_names_must_exist(void **state)
{
	struct fx *f = *state;
	struct err e;

	assert_int_equal(create(f, DIR_ENGINEER, "{\"username\":\"new\","
	    "\"vendor\":\"ven_zz\",\"password\":\"correct horse battery\"}",
	    NULL, &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.msg, "field 'vendor' names nothing that "
	    "exists");
	assert_int_equal(create(f, DIR_DEVICE, "{\"name\":\"laptop\","
	    "\"public_key\":\"" KEY32 "\"}", "eng_zz", &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.msg, "field 'engineer' names nothing that "
	    "exists");
	assert_int_equal(create(f, DIR_USER, "{\"username\":\"u\","
	    "\"email\":\"u@example.test\"}", "ten_zz", &e), -1);
	assert_int_equal(e.status, 404);
	assert_int_equal(create(f, DIR_TICKET, "{\"subject\":\"s\",\"body\":"
	    "\"b\",\"requester\":\"r@example.test\"}", "ten_zz", &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.msg, "field 'tenant' names nothing that "
	    "exists");
}

static void
a_device_key_is_32_bytes_of_ed25519(void **state)
{
	struct fx *f = *state;
	struct store_conn *c;
	struct rec_device d;
	struct err e;

	assert_int_equal(create(f, DIR_DEVICE, "{\"id\":\"dev_1\",\"name\":"
	    "\"laptop\",\"public_key\":\"" KEY31 "\"}", "eng_a1", &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.msg, "field 'public_key' must be the base64 "
	    "of a 32-byte Ed25519 public key");
	assert_int_equal(create(f, DIR_DEVICE, "{\"id\":\"dev_1\",\"name\":"
	    "\"laptop\",\"public_key\":\"not base64!\"}", "eng_a1", &e), -1);
	assert_int_equal(e.status, 400);
	assert_int_equal(create(f, DIR_DEVICE, "{\"id\":\"dev_1\",\"name\":"
	    "\"laptop\",\"public_key\":\"" KEY32 "\"}", "eng_a1", &e), 0);
	c = fx_reader(f);
	assert_int_equal(f->ops->device_get(c, "dev_1", &d, &e), 0);
	store_reader_put(f->s, c);
	assert_string_equal(d.engineer_id, "eng_a1");
	assert_int_equal(d.public_key[31], 31);
}

static void
an_engineer_gets_a_totp_secret_and_a_hashed_password(void **state)
{
	struct dir_object d;
	struct err e;

	(void)state;
	err_init(&e);
	/* Without a password: no hash, so no login until an invitation
	 * (auth/invite.h) enrols the engineer. */
	assert_int_equal(parse(&d, DIR_ENGINEER, "{\"username\":\"new\","
	    "\"vendor\":\"ven_a\"}", NULL, &e), 0);
	assert_string_equal(d.u.engineer.password_hash, "");
	dir_object_cleanup(&d);
	assert_int_equal(parse(&d, DIR_ENGINEER, "{\"id\":\"eng_n\","
	    "\"username\":\"new\",\"vendor\":\"ven_a\",\"password\":"
	    "\"correct horse battery\"}", NULL, &e), 0);
	assert_memory_equal(d.u.engineer.password_hash, "$argon2id$", 10);
	assert_non_null(strstr(d.totp_uri, "otpauth://totp/"));
	assert_non_null(strstr(d.totp_uri, "secret="));
	dir_object_cleanup(&d);
	/* Outside a bulk import, "kind" is not a field. */
	assert_int_equal(parse(&d, DIR_VENDOR, "{\"kind\":\"vendor\","
	    "\"name\":\"V\"}", NULL, &e), -1);
	assert_int_equal(e.status, 400);
	dir_object_cleanup(&d);
}

static void
a_tenant_waits_for_approval_unless_told_otherwise(void **state)
{
	struct dir_object d;
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(parse(&d, DIR_TENANT, "{\"name\":\"T\"}", NULL, &e),
	    0);
	assert_int_equal(d.u.tenant.policy, POLICY_APPROVAL_REQUIRED);
	assert_memory_equal(d.u.tenant.id, "ten_", 4);
	dir_object_cleanup(&d);
	assert_int_equal(parse(&d, DIR_TENANT, "{\"name\":\"T\","
	    "\"support_policy\":\"deny\"}", NULL, &e), 0);
	assert_int_equal(d.u.tenant.policy, POLICY_DENY);
	dir_object_cleanup(&d);
	assert_int_equal(parse(&d, DIR_TENANT, "{\"name\":\"T\","
	    "\"support_policy\":\"sometimes\"}", NULL, &e), -1);
	assert_int_equal(e.status, 400);
	dir_object_cleanup(&d);
}

static void
the_entry_names_the_object_its_tenant_and_a_devices_engineer(void **state)
{
	struct dir_object d;
	struct event ev;
	struct err e;

	(void)state;
	err_init(&e);
	event_init(&ev);
	assert_int_equal(parse(&d, DIR_DEVICE, "{\"id\":\"dev_9\",\"name\":"
	    "\"laptop\",\"public_key\":\"" KEY32 "\"}", "eng_a1", &e), 0);
	dir_object_event(&d, &ev);
	assert_string_equal(ev.target, "dev_9");
	assert_string_equal(fx_detail(&ev, "engineer"), "eng_a1");
	assert_string_equal(ev.tenant, "");
	dir_object_cleanup(&d);
	event_cleanup(&ev);
	event_init(&ev);
	assert_int_equal(parse(&d, DIR_TICKET, "{\"id\":\"tkt_9\",\"subject\":"
	    "\"s\",\"body\":\"b\",\"requester\":\"r@example.test\"}",
	    "ten_req", &e), 0);
	dir_object_event(&d, &ev);
	assert_string_equal(ev.target, "tkt_9");
	assert_string_equal(ev.tenant, "ten_req");
	dir_object_cleanup(&d);
	event_cleanup(&ev);
}

static void
deleting_a_user_ends_their_sessions(void **state)
{
	struct fx *f = *state;
	struct rec_session s, got;
	struct rec_user u;
	struct store_conn *c;
	struct err e;

	memset(&s, 0, sizeof(s));
	str_copy(s.id, sizeof(s.id), "ses_1");
	randombytes_buf(s.token_hash, sizeof(s.token_hash));
	s.principal = PRINCIPAL_TENANT_USER;
	str_copy(s.principal_id, sizeof(s.principal_id), "usr_ten_req");
	str_copy(s.tenant_id, sizeof(s.tenant_id), "ten_req");
	s.created = s.last_seen = FX_NOW;
	s.expires = FX_NOW + 3600;
	fx_put(f, fx_put_session, &s);
	err_init(&e);
	c = fx_reader(f);
	assert_int_equal(dir_user_load(&u, c, f->ops, "ten_auto",
	    "usr_ten_req", &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.reason, "no_such_user");
	assert_int_equal(dir_user_load(&u, c, f->ops, "ten_req",
	    "usr_ten_req", &e), 0);
	store_reader_put(f->s, c);
	assert_int_equal(fx_run(f, dir_user_delete, &u, &e), 0);
	c = fx_reader(f);
	assert_int_equal(f->ops->user_get(c, "ten_req", "usr_ten_req", &u,
	    &e), 1);
	assert_int_equal(f->ops->session_get_id(c, "ses_1", &got, &e), 1);
	assert_int_equal(f->ops->user_get(c, "ten_req", "adm_ten_req", &u,
	    &e), 0);
	store_reader_put(f->s, c);
	rec_user_wipe(&u);
}

static struct actor
operator(void)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.kind = ACTOR_OPERATOR;
	str_copy(a.id, sizeof(a.id), "operator");
	return a;
}

static int
bulk(struct fx *f, struct bulk *b, const char *text, struct err *e)
{
	struct actor by = operator();
	struct bulk_in in = {&by, "127.0.0.1", "custos", FX_NOW};
	int rc;

	err_init(e);
	rc = bulk_parse(b, text, strlen(text), f->ops, &in, e);
	if (rc == 0)
		rc = store_write_all(f->s, b->jobs, b->n, e);
	return rc;
}

static void
a_bulk_import_stores_every_line_with_its_own_entry(void **state)
{
	struct fx *f = *state;
	int64_t before = fx_entries(f);
	struct rec_tenant t;
	struct store_conn *c;
	struct bulk b;
	struct err e;

	assert_int_equal(bulk(f, &b, "{\"kind\":\"vendor\",\"id\":\"ven_c\","
	    "\"name\":\"C\"}\r\n\n"
	    "{\"kind\":\"tenant\",\"id\":\"ten_c\",\"name\":\"C\"}\n"
	    "{\"kind\":\"user\",\"id\":\"usr_c\",\"tenant\":\"ten_c\","
	    "\"username\":\"c\",\"email\":\"c@example.test\"}\n", &e), 0);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.counts[DIR_VENDOR], 1);
	assert_int_equal(b.counts[DIR_TENANT], 1);
	assert_int_equal(b.counts[DIR_USER], 1);
	assert_string_equal(b.items[2].ev.action, "user.create");
	assert_string_equal(b.items[2].ev.tenant, "ten_c");
	assert_string_equal(fx_detail(&b.items[2].ev, "via"), "import");
	assert_int_equal(b.items[2].line, 4);
	bulk_cleanup(&b);
	assert_int_equal(fx_entries(f), before + 3);
	c = fx_reader(f);
	assert_int_equal(f->ops->tenant_get(c, "ten_c", &t, &e), 0);
	store_reader_put(f->s, c);
}

static void
a_bulk_import_stores_nothing_when_a_line_is_refused(void **state)
{
	struct fx *f = *state;
	int64_t before = fx_entries(f);
	struct rec_vendor v;
	struct store_conn *c;
	struct bulk b;
	struct err e;

	assert_int_equal(bulk(f, &b, "{\"kind\":\"vendor\",\"id\":\"ven_c\","
	    "\"name\":\"C\"}\n{\"kind\":\"gadget\"}\n", &e), -1);
	assert_int_equal(e.status, 400);
	assert_memory_equal(e.msg, "line 2: ", 8);
	bulk_cleanup(&b);
	/* Parsed, but the store refuses line 2: line 1 goes too. */
	assert_int_equal(bulk(f, &b, "{\"kind\":\"vendor\",\"id\":\"ven_c\","
	    "\"name\":\"C\"}\n{\"kind\":\"engineer\",\"username\":\"x\","
	    "\"vendor\":\"ven_zz\",\"password_hash\":\"$argon2id$v=19$m=65536,"
	    "t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG\"}\n", &e),
	    -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.msg, "line 2: field 'vendor' names nothing "
	    "that exists");
	bulk_cleanup(&b);
	assert_int_equal(fx_entries(f), before);
	c = fx_reader(f);
	assert_int_equal(f->ops->vendor_get(c, "ven_c", &v, &e), 1);
	store_reader_put(f->s, c);
	assert_int_equal(bulk(f, &b, "\n\r\n", &e), -1);
	assert_string_equal(e.msg, "the body holds no JSON lines");
	bulk_cleanup(&b);
	assert_int_equal(bulk(f, &b, "", &e), -1);
	assert_int_equal(e.status, 400);
	bulk_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(an_id_taken_by_the_same_kind_is_a_409),
		T(a_user_id_is_unique_across_tenants),
		T(what_an_object_names_must_exist),
		T(a_device_key_is_32_bytes_of_ed25519),
		T(an_engineer_gets_a_totp_secret_and_a_hashed_password),
		T(a_tenant_waits_for_approval_unless_told_otherwise),
		T(the_entry_names_the_object_its_tenant_and_a_devices_engineer),
		T(deleting_a_user_ends_their_sessions),
		T(a_bulk_import_stores_every_line_with_its_own_entry),
		T(a_bulk_import_stores_nothing_when_a_line_is_refused),
#undef T
	};

	/* The cheapest Argon2id: the rules, not the cost, are tested. */
	if (sodium_init() < 0 || password_setup(crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
