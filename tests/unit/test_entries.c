/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of importer/entries: an entry custos wrote parses back into
 * the same event (serialising it again gives the same entry, plus the
 * "imported": "custos" mark, or the mark it already had), and anything
 * that is not exactly the entry format is a 400 naming the field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "importer/entries.h"

/* 2022-01-21T14:03:00.123Z */
#define T_MS INT64_C(1642773780123)

static char *
serialize(struct event *ev)
{
	struct rec_entry en;
	struct buf b;
	char *s;

	buf_init(&b, 64 * 1024);
	memset(&en, 0, sizeof(en));
	assert_int_equal(event_serialize(ev, T_MS, &b, &en), 0);
	s = buf_steal(&b, NULL);
	assert_non_null(s);
	return s;
}

/* Parses text, serialises the result, and checks it is text again plus
 * detail.imported == mark. */
static void
round_trip(const char *text, const char *mark)
{
	struct import_event ie;
	json_t *a, *b, *d;
	struct err e;
	char *again;

	err_init(&e);
	import_event_init(&ie);
	if (entries_parse(&ie, text, strlen(text), &e) != 0)
		fail_msg("%s: %s", text, e.msg);
	again = serialize(import_event_get(&ie));
	a = json_loads(text, 0, NULL);
	b = json_loads(again, 0, NULL);
	assert_non_null(a);
	assert_non_null(b);
	d = json_object_get(b, "detail");
	assert_non_null(d);
	assert_string_equal(json_string_value(json_object_get(d,
	    "imported")), mark);
	if (json_object_get(a, "detail") == NULL) {
		assert_int_equal(json_object_size(d), 1);
		json_object_del(b, "detail");
	} else if (json_object_get(json_object_get(a, "detail"),
	    "imported") == NULL) {
		json_object_del(d, "imported");
	}
	if (!json_equal(a, b))
		fail_msg("%s\nbecame\n%s", text, again);
	json_decref(a);
	json_decref(b);
	free(again);
	import_event_cleanup(&ie);
}

static void
entries_custos_wrote_parse_back_to_the_same_event(void **state)
{
	struct event ev;
	char *s;

	event_init(&ev);
	ev.actor.kind = ACTOR_ENGINEER;
	str_copy(ev.actor.id, sizeof(ev.actor.id), "eng_1");
	str_copy(ev.actor.vendor, sizeof(ev.actor.vendor), "ven_1");
	str_copy(ev.actor.session, sizeof(ev.actor.session), "ses_1");
	str_copy(ev.actor.device, sizeof(ev.actor.device), "dev_1");
	str_copy(ev.source, sizeof(ev.source), "2001:db8::7");
	ev.action = "user.password_reset";
	str_copy(ev.tenant, sizeof(ev.tenant), "ten_1");
	str_copy(ev.target, sizeof(ev.target), "usr_1");
	ev.allowed = 1;
	event_detail(&ev, "grant", "req_1");
	event_detail(&ev, "delivered_to", "a***@e***.com");
	s = serialize(&ev);
	round_trip(s, "custos");
	free(s);
	event_cleanup(&ev);

	/* Nulls everywhere, a denial, no detail. */
	event_init(&ev);
	ev.action = "unknown";
	str_copy(ev.source, sizeof(ev.source), "192.0.2.1");
	str_copy(ev.target, sizeof(ev.target), "GET /v1/nowhere?x=\"y\"");
	str_copy(ev.reason, sizeof(ev.reason), "no_such_route");
	s = serialize(&ev);
	round_trip(s, "custos");
	free(s);
	event_cleanup(&ev);

	/* An entry imported before keeps the name of its first source. */
	round_trip("{\"v\":1,\"time\":\"2022-01-20T14:06:45.900Z\","
	    "\"actor\":{\"kind\":\"engineer\",\"id\":\"jdoe@sitel.example\","
	    "\"vendor\":null},\"session\":\"102sess\",\"device\":null,"
	    "\"source\":\"203.0.113.45\",\"action\":\"user.password_reset\","
	    "\"tenant\":\"acme.example\",\"target\":\"alice@acme.example\","
	    "\"outcome\":\"allowed\",\"reason\":null,\"detail\":{"
	    "\"imported\":\"okta\",\"okta_uuid\":\"6f1a\"}}", "okta");
}

static void
the_entry_keeps_its_own_time(void **state)
{
	const char *text = "{\"v\":1,\"time\":\"2022-01-20T14:06:45.9Z\","
	    "\"actor\":{\"kind\":\"system\",\"id\":\"custosd\","
	    "\"vendor\":null},\"action\":\"log.integrity_alert\","
	    "\"outcome\":\"allowed\"}";
	struct import_event ie;
	struct err e;

	err_init(&e);
	import_event_init(&ie);
	assert_int_equal(entries_parse(&ie, text, strlen(text), &e), 0);
	assert_true(ie.ev.time_ms == INT64_C(1642687605900));
	assert_int_equal(ie.ev.actor.kind, ACTOR_SYSTEM);
	assert_string_equal(import_event_get(&ie)->action,
	    "log.integrity_alert");
	import_event_cleanup(&ie);
}

/* The base entry with key set to raw JSON value (NULL: removed). */
static void
expect_400(const char *key, const char *value, const char *want)
{
	struct import_event ie;
	char text[4096];
	json_t *o, *v = NULL;
	struct err e;
	char *s;

	o = json_loads("{\"v\":1,\"time\":\"2022-01-21T14:03:00.123Z\","
	    "\"actor\":{\"kind\":\"engineer\",\"id\":\"eng_1\","
	    "\"vendor\":\"ven_1\"},\"session\":\"ses_1\",\"device\":\"dev_1\","
	    "\"source\":\"192.0.2.7\",\"action\":\"user.list\","
	    "\"tenant\":\"ten_1\",\"target\":null,\"outcome\":\"allowed\","
	    "\"reason\":null,\"detail\":{\"grant\":\"req_1\"}}", 0, NULL);
	assert_non_null(o);
	if (value != NULL) {
		v = json_loads(value, JSON_DECODE_ANY, NULL);
		assert_non_null(v);
	}
	if (strcmp(key, "actor.id") == 0 || strcmp(key, "actor.kind") == 0 ||
	    strcmp(key, "actor.vendor") == 0 || strcmp(key, "actor.x") == 0) {
		if (v != NULL)
			json_object_set_new(json_object_get(o, "actor"),
			    key + 6, v);
		else
			json_object_del(json_object_get(o, "actor"), key + 6);
	} else if (v != NULL) {
		json_object_set_new(o, key, v);
	} else {
		json_object_del(o, key);
	}
	s = json_dumps(o, JSON_COMPACT);
	assert_non_null(s);
	str_copy(text, sizeof(text), s);
	free(s);
	json_decref(o);
	err_init(&e);
	import_event_init(&ie);
	if (entries_parse(&ie, text, strlen(text), &e) != -1)
		fail_msg("accepted: %s", text);
	assert_int_equal(e.status, 400);
	if (strstr(e.msg, want) == NULL)
		fail_msg("'%s' does not name '%s'", e.msg, want);
	import_event_cleanup(&ie);
}

static void
anything_but_the_entry_format_is_a_400_naming_the_field(void **state)
{
	char many[2048];
	size_t o = 0;
	int i;

	expect_400("colour", "\"red\"", "'colour'");
	expect_400("v", NULL, "'v'");
	expect_400("v", "2", "'v'");
	expect_400("time", NULL, "'time'");
	expect_400("time", "\"21 Jan 2022\"", "'time'");
	expect_400("time", "1642773780", "'time'");
	expect_400("actor", NULL, "'actor'");
	expect_400("actor", "\"eng_1\"", "'actor'");
	expect_400("actor.kind", "\"superuser\"", "'kind'");
	expect_400("actor.kind", NULL, "'kind'");
	expect_400("actor.x", "1", "'x'");
	expect_400("actor.id", "\"eng 1\"", "'id'");
	expect_400("actor.vendor", "\"v@x.example\"", "'vendor'");
	expect_400("session", "\"ses/1\"", "'session'");
	expect_400("device", "7", "'device'");
	expect_400("tenant", "\"\"", "'tenant'");
	expect_400("source", "\"localhost\"", "'source'");
	expect_400("action", NULL, "'action'");
	expect_400("action", "\"user list\"", "'action'");
	expect_400("action", "\"a\\u0001\"", "'action'");
	expect_400("target", "\"line\\nbreak\"", "'target'");
	expect_400("outcome", "\"maybe\"", "'outcome'");
	expect_400("outcome", NULL, "'outcome'");
	expect_400("reason", "\"0123456789012345678901234567890123456789"
	    "012345678901234567890123\"", "'reason'");
	expect_400("detail", "[]", "'detail'");
	expect_400("detail", "{\"n\":1}", "'detail.n'");
	expect_400("detail", "{\"n\":{\"deep\":\"x\"}}", "'detail.n'");
	o += (size_t)snprintf(many, sizeof(many), "{");
	for (i = 0; i <= IMPORT_DETAIL_KEYS_MAX; i++)
		o += (size_t)snprintf(many + o, sizeof(many) - o,
		    "%s\"k%d\":\"v\"", i ? "," : "", i);
	(void)snprintf(many + o, sizeof(many) - o, "}");
	expect_400("detail", many, "'detail'");
}

static void
actors_may_be_named_by_an_email_login(void **state)
{
	const char *text = "{\"v\":1,\"time\":\"2022-01-21T14:03:00.123Z\","
	    "\"actor\":{\"kind\":\"engineer\",\"id\":\"jdoe@sitel.example\"},"
	    "\"action\":\"auth.login\",\"outcome\":\"denied\","
	    "\"reason\":\"VERIFICATION_ERROR\"}";
	struct import_event ie;
	struct err e;

	err_init(&e);
	import_event_init(&ie);
	assert_int_equal(entries_parse(&ie, text, strlen(text), &e), 0);
	assert_string_equal(ie.ev.actor.id, "jdoe@sitel.example");
	assert_int_equal(ie.ev.allowed, 0);
	assert_string_equal(ie.ev.reason, "VERIFICATION_ERROR");
	import_event_cleanup(&ie);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    entries_custos_wrote_parse_back_to_the_same_event),
		cmocka_unit_test(the_entry_keeps_its_own_time),
		cmocka_unit_test(
		    anything_but_the_entry_format_is_a_400_naming_the_field),
		cmocka_unit_test(actors_may_be_named_by_an_email_login),
	};

	return cmocka_run_group_tests_name("unit.entries", tests, NULL, NULL);
}
