/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/challenges (a challenge serves once, for its purpose
 * only, until it expires; the anonymous share of the table is capped so
 * sign-in floods cannot crowd out step-ups), of the passkey helpers that
 * need no store (user handles derived per person, the counter rule) and
 * of the credential JSON parsers' refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/challenges.h"
#include "auth/passkey.h"
#include "common/jsonx.h"

#define T 1800000000

static void
put(struct challenge *c, int purpose, const char *session)
{
	struct err e;

	memset(c, 0, sizeof(*c));
	c->purpose = purpose;
	snprintf(c->session, sizeof(c->session), "%s", session);
	err_init(&e);
	assert_int_equal(challenges_put(c, T, &e), 0);
}

static void
a_challenge_serves_once_for_its_purpose_until_it_expires(void **state)
{
	struct challenge a, b, got;
	uint8_t zero[CHALLENGE_BYTES] = {0};

	(void)state;
	put(&a, CHALLENGE_STEP_UP, "ses_1");
	put(&b, CHALLENGE_STEP_UP, "ses_1");
	assert_string_not_equal(a.id, b.id);
	assert_memory_not_equal(a.bytes, b.bytes, CHALLENGE_BYTES);
	assert_memory_not_equal(a.bytes, zero, CHALLENGE_BYTES);
	assert_int_equal(strlen(a.id), 3 + 32);
	assert_int_equal(a.expires, T + CHALLENGES_TTL);
	assert_int_equal(challenges_take(&got, a.id, CHALLENGE_STEP_UP, T + 1),
	    0);
	assert_memory_equal(got.bytes, a.bytes, CHALLENGE_BYTES);
	assert_string_equal(got.session, "ses_1");
	/* Once. */
	assert_int_equal(challenges_take(&got, a.id, CHALLENGE_STEP_UP, T + 1),
	    1);
	/* Asked for another purpose: refused, and gone. */
	assert_int_equal(challenges_take(&got, b.id, CHALLENGE_SIGN_IN, T), 1);
	assert_int_equal(challenges_take(&got, b.id, CHALLENGE_STEP_UP, T), 1);
	/* Expired. */
	put(&a, CHALLENGE_REGISTER, "ses_2");
	assert_int_equal(challenges_take(&got, a.id, CHALLENGE_REGISTER,
	    T + CHALLENGES_TTL), 1);
	assert_int_equal(challenges_take(&got, "nonsense", CHALLENGE_REGISTER,
	    T), 1);
}

static void
anonymous_challenges_cannot_fill_the_table(void **state)
{
	struct challenge c;
	struct err e;
	int i, n = 0;

	(void)state;
	for (i = 0; i < CHALLENGES_MAX; i++) {
		memset(&c, 0, sizeof(c));
		c.purpose = CHALLENGE_SIGN_IN;
		err_init(&e);
		if (challenges_put(&c, T + 1000, &e) == 0)
			n++;
		else
			assert_int_equal(e.status, 503);
	}
	assert_int_equal(n, CHALLENGES_ANON_MAX);
	/* A signed-in person still gets one. */
	memset(&c, 0, sizeof(c));
	c.purpose = CHALLENGE_STEP_UP;
	snprintf(c.session, sizeof(c.session), "ses_3");
	err_init(&e);
	assert_int_equal(challenges_put(&c, T + 1000, &e), 0);
	/* Once they expire the share is free again. */
	memset(&c, 0, sizeof(c));
	c.purpose = CHALLENGE_SIGN_IN;
	assert_int_equal(challenges_put(&c, T + 1000 + CHALLENGES_TTL, &e),
	    0);
}

/* Puts a challenge at now; returns challenges_put's answer. */
static int
put_at(struct challenge *c, int purpose, const char *session,
    const char *source, int64_t now)
{
	struct err e;

	memset(c, 0, sizeof(*c));
	c->purpose = purpose;
	snprintf(c->session, sizeof(c->session), "%s", session);
	snprintf(c->source, sizeof(c->source), "%s", source);
	err_init(&e);
	return challenges_put(c, now, &e);
}

static void
a_binding_holds_its_share_and_the_oldest_makes_way(void **state)
{
	struct challenge c[CHALLENGES_PER_BINDING + 1], s, got;
	int64_t now = T + 10000;
	int i;

	(void)state;
	for (i = 0; i <= CHALLENGES_PER_BINDING; i++)
		assert_int_equal(put_at(&c[i], CHALLENGE_REGISTER, "ses_b", "",
		    now + i), 0);
	/* A step-up of the same session is of the other pool: untouched. */
	assert_int_equal(put_at(&s, CHALLENGE_STEP_UP, "ses_b", "", now), 0);
	for (i = 1; i <= CHALLENGES_PER_BINDING; i++)
		assert_int_equal(put_at(&c[0], CHALLENGE_REGISTER, "ses_b", "",
		    now + 10), 0);
	/* All were replaced but the newest (c[0] now). */
	for (i = 0; i <= CHALLENGES_PER_BINDING; i++)
		assert_int_equal(challenges_take(&got, c[i].id,
		    CHALLENGE_REGISTER, now + 20), i == 0 ? 0 : 1);
	assert_int_equal(challenges_take(&got, s.id, CHALLENGE_STEP_UP,
	    now + 20), 0);
}

static void
one_address_cannot_take_the_anonymous_share(void **state)
{
	struct challenge first, c, other, got;
	int64_t now = T + 20000;
	int i;

	(void)state;
	assert_int_equal(put_at(&first, CHALLENGE_SIGN_IN, "", "192.0.2.1",
	    now), 0);
	for (i = 0; i < CHALLENGES_MAX; i++)
		assert_int_equal(put_at(&c, CHALLENGE_SIGN_IN, "", "192.0.2.1",
		    now + 1), 0);
	/* Its oldest was replaced; its newest serves. */
	assert_int_equal(challenges_take(&got, first.id, CHALLENGE_SIGN_IN,
	    now + 2), 1);
	assert_int_equal(challenges_take(&got, c.id, CHALLENGE_SIGN_IN,
	    now + 2), 0);
	/* Another address is served. */
	assert_int_equal(put_at(&other, CHALLENGE_SIGN_IN, "", "192.0.2.2",
	    now + 2), 0);
	assert_int_equal(challenges_take(&got, other.id, CHALLENGE_SIGN_IN,
	    now + 3), 0);
}

static void
step_ups_keep_their_reserve(void **state)
{
	struct challenge c;
	char ses[32];
	int64_t now = T + 30000;
	int i, n = 0;

	(void)state;
	/* Registrations of ever new sessions fill what is not kept. */
	for (i = 0; i < CHALLENGES_MAX; i++) {
		snprintf(ses, sizeof(ses), "ses_r%d", i);
		if (put_at(&c, CHALLENGE_REGISTER, ses, "", now) == 0)
			n++;
	}
	assert_int_equal(n, CHALLENGES_MAX - CHALLENGES_STEP_UP_RESERVE);
	/* A step-up is still served. */
	assert_int_equal(put_at(&c, CHALLENGE_STEP_UP, "ses_admin", "", now),
	    0);
	/* And the reserve is for step-ups only. */
	assert_int_equal(put_at(&c, CHALLENGE_REGISTER, "ses_new", "", now),
	    -1);
}

static void
user_handles_are_per_person(void **state)
{
	struct passkey_who a = {PRINCIPAL_TENANT_USER, "u1", "t1", ""};
	struct passkey_who b = {PRINCIPAL_TENANT_USER, "u1", "t2", ""};
	struct passkey_who c = {PRINCIPAL_ENGINEER, "u1", "", "dev1"};
	struct passkey_who d = {PRINCIPAL_ENGINEER, "u1", "", "dev2"};
	uint8_t ha[16], hb[16], hc[16], hd[16], again[16];

	(void)state;
	passkey_user_handle(ha, &a);
	passkey_user_handle(hb, &b);
	passkey_user_handle(hc, &c);
	passkey_user_handle(hd, &d);
	passkey_user_handle(again, &a);
	assert_memory_equal(ha, again, 16);
	assert_memory_not_equal(ha, hb, 16);
	assert_memory_not_equal(ha, hc, 16);
	/* One engineer, one handle, whatever the device. */
	assert_memory_equal(hc, hd, 16);
}

static void
the_counter_must_grow_unless_it_is_always_zero(void **state)
{
	(void)state;
	assert_true(passkey_count_ok(0, 0));
	assert_true(passkey_count_ok(0, 1));
	assert_true(passkey_count_ok(5, 6));
	assert_false(passkey_count_ok(5, 5));
	assert_false(passkey_count_ok(5, 4));
	assert_false(passkey_count_ok(5, 0));
}

static int
parse_assertion(const char *text)
{
	static struct passkey_assertion_in in;
	struct err e;
	json_t *o;
	int rc;

	err_init(&e);
	o = jx_parse_object(text, strlen(text), &e);
	assert_non_null(o);
	rc = passkey_parse_assertion(&in, o, &e);
	if (rc == -1)
		assert_int_equal(e.status, 400);
	json_decref(o);
	return rc;
}

static void
credential_json_is_checked_field_by_field(void **state)
{
	(void)state;
	assert_int_equal(parse_assertion("{\"id\":\"AAEC\",\"response\":{"
	    "\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AA\","
	    "\"signature\":\"AA\",\"userHandle\":null}}"), 0);
	/* rawId must be the id. */
	assert_int_equal(parse_assertion("{\"id\":\"AAEC\",\"rawId\":\"AAED\","
	    "\"response\":{\"clientDataJSON\":\"e30\",\"authenticatorData\":"
	    "\"AA\",\"signature\":\"AA\"}}"), -1);
	/* Padding and standard base64 are refused. */
	assert_int_equal(parse_assertion("{\"id\":\"AAEC\",\"response\":{"
	    "\"clientDataJSON\":\"e30=\",\"authenticatorData\":\"AA\","
	    "\"signature\":\"AA\"}}"), -1);
	assert_int_equal(parse_assertion("{\"id\":\"AA+/\",\"response\":{"
	    "\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AA\","
	    "\"signature\":\"AA\"}}"), -1);
	/* Unknown fields, a wrong type, a missing signature. */
	assert_int_equal(parse_assertion("{\"id\":\"AAEC\",\"x\":1,"
	    "\"response\":{\"clientDataJSON\":\"e30\",\"authenticatorData\":"
	    "\"AA\",\"signature\":\"AA\"}}"), -1);
	assert_int_equal(parse_assertion("{\"id\":\"AAEC\",\"type\":\"other\","
	    "\"response\":{\"clientDataJSON\":\"e30\",\"authenticatorData\":"
	    "\"AA\",\"signature\":\"AA\"}}"), -1);
	assert_int_equal(parse_assertion("{\"id\":\"AAEC\",\"response\":{"
	    "\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AA\"}}"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    a_challenge_serves_once_for_its_purpose_until_it_expires),
		cmocka_unit_test(anonymous_challenges_cannot_fill_the_table),
		cmocka_unit_test(
		    a_binding_holds_its_share_and_the_oldest_makes_way),
		cmocka_unit_test(one_address_cannot_take_the_anonymous_share),
		cmocka_unit_test(step_ups_keep_their_reserve),
		cmocka_unit_test(user_handles_are_per_person),
		cmocka_unit_test(the_counter_must_grow_unless_it_is_always_zero),
		cmocka_unit_test(credential_json_is_checked_field_by_field),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
