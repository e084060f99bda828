/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of audit/event: the serialised log entry has exactly the key
 * order documented in event.h, empty values are null, "detail" appears only
 * when it holds something, the index columns point at the event's fields,
 * and nothing but the documented keys (so no secret) is ever written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "audit/event.h"
#include "common/str.h"

/* 2022-01-21T14:03:00.123Z */
#define T_MS INT64_C(1642773780123)

static void
full_event(struct event *ev)
{
	event_init(ev);
	ev->actor.kind = ACTOR_ENGINEER;
	str_copy(ev->actor.id, sizeof(ev->actor.id), "eng_1");
	str_copy(ev->actor.vendor, sizeof(ev->actor.vendor), "ven_1");
	str_copy(ev->actor.tenant, sizeof(ev->actor.tenant), "ten_own");
	str_copy(ev->actor.session, sizeof(ev->actor.session), "ses_1");
	str_copy(ev->actor.device, sizeof(ev->actor.device), "dev_1");
	str_copy(ev->source, sizeof(ev->source), "192.0.2.7");
	ev->action = "user.password_reset";
	str_copy(ev->tenant, sizeof(ev->tenant), "ten_1");
	str_copy(ev->target, sizeof(ev->target), "usr_1");
	ev->allowed = 1;
}

static char *
serialize(const struct event *ev, int64_t t, struct rec_entry *en)
{
	struct buf b;
	char *s;

	buf_init(&b, 64 * 1024);
	memset(en, 0, sizeof(*en));
	assert_int_equal(event_serialize(ev, t, &b, en), 0);
	s = buf_steal(&b, NULL);
	assert_non_null(s);
	return s;
}

static void
full_entry_has_documented_key_order_exactly(void **state)
{
	struct rec_entry en;
	struct event ev;
	char *s;

	full_event(&ev);
	s = serialize(&ev, T_MS, &en);
	assert_string_equal(s,
	    "{\"v\":1,\"time\":\"2022-01-21T14:03:00.123Z\","
	    "\"actor\":{\"kind\":\"engineer\",\"id\":\"eng_1\","
	    "\"vendor\":\"ven_1\"},"
	    "\"session\":\"ses_1\",\"device\":\"dev_1\","
	    "\"source\":\"192.0.2.7\",\"action\":\"user.password_reset\","
	    "\"tenant\":\"ten_1\",\"target\":\"usr_1\","
	    "\"outcome\":\"allowed\",\"reason\":null}");
	free(s);
	event_cleanup(&ev);
}

static void
empty_fields_are_null_and_denial_has_reason(void **state)
{
	struct rec_entry en;
	struct event ev;
	char *s;

	event_init(&ev);
	ev.action = "auth.login";
	str_copy(ev.reason, sizeof(ev.reason), "bad_password");
	s = serialize(&ev, 0, &en);
	assert_string_equal(s,
	    "{\"v\":1,\"time\":\"1970-01-01T00:00:00.000Z\","
	    "\"actor\":{\"kind\":\"anonymous\",\"id\":null,\"vendor\":null},"
	    "\"session\":null,\"device\":null,\"source\":null,"
	    "\"action\":\"auth.login\",\"tenant\":null,\"target\":null,"
	    "\"outcome\":\"denied\",\"reason\":\"bad_password\"}");
	free(s);
	event_cleanup(&ev);
}

static void
detail_comes_last_and_only_when_set(void **state)
{
	struct rec_entry en;
	struct event ev;
	const char *tail = ",\"reason\":null,"
	    "\"detail\":{\"via\":\"import\",\"count\":\"3\"}}";
	char *s;

	full_event(&ev);
	event_detail(&ev, "via", "import");
	event_detail(&ev, "count", "3");
	s = serialize(&ev, T_MS, &en);
	assert_true(strlen(s) > strlen(tail));
	assert_string_equal(s + strlen(s) - strlen(tail), tail);
	free(s);
	event_cleanup(&ev);
	assert_null(ev.detail);

	/* An empty detail object is left out. */
	full_event(&ev);
	ev.detail = json_object();
	s = serialize(&ev, T_MS, &en);
	assert_null(strstr(s, "detail"));
	free(s);
	event_cleanup(&ev);
}

static void
milliseconds_are_zero_padded(void **state)
{
	struct rec_entry en;
	struct event ev;
	char *s;

	full_event(&ev);
	s = serialize(&ev, INT64_C(1642773780007), &en);
	assert_non_null(strstr(s, "\"time\":\"2022-01-21T14:03:00.007Z\""));
	free(s);
	event_cleanup(&ev);
}

static void
index_columns_point_at_the_event(void **state)
{
	struct rec_entry en;
	struct event ev;
	char *s;

	full_event(&ev);
	s = serialize(&ev, T_MS, &en);
	assert_string_equal(en.actor_id, "eng_1");
	assert_string_equal(en.tenant_id, "ten_1");
	assert_string_equal(en.action, "user.password_reset");
	assert_string_equal(en.session_id, "ses_1");
	assert_string_equal(en.device_id, "dev_1");
	assert_string_equal(en.source, "192.0.2.7");
	assert_int_equal(en.allowed, 1);
	free(s);
	event_cleanup(&ev);
}

/* Every key of the entry and of its actor is one that event.h names:
 * there is no field through which anything else can leak. */
static void
only_documented_keys_are_written(void **state)
{
	static const char *const top[] = {"v", "time", "actor", "session",
	    "device", "source", "action", "tenant", "target", "outcome",
	    "reason", "detail", NULL};
	static const char *const act[] = {"kind", "id", "vendor", NULL};
	struct rec_entry en;
	struct event ev;
	json_error_t je;
	const char *k;
	json_t *o, *v;
	size_t i;
	char *s;

	full_event(&ev);
	event_detail(&ev, "via", "import");
	s = serialize(&ev, T_MS, &en);
	o = json_loads(s, 0, &je);
	assert_non_null(o);
	json_object_foreach(o, k, v) {
		for (i = 0; top[i] != NULL; i++)
			if (strcmp(k, top[i]) == 0)
				break;
		if (top[i] == NULL)
			fail_msg("undocumented key '%s'", k);
	}
	json_object_foreach(json_object_get(o, "actor"), k, v) {
		for (i = 0; act[i] != NULL; i++)
			if (strcmp(k, act[i]) == 0)
				break;
		if (act[i] == NULL)
			fail_msg("undocumented actor key '%s'", k);
	}
	/* The actor's own tenant is not part of the entry. */
	assert_null(strstr(s, "ten_own"));
	json_decref(o);
	free(s);
	event_cleanup(&ev);
}

static void
non_ascii_is_escaped_and_quotes_cannot_break_out(void **state)
{
	struct rec_entry en;
	struct event ev;
	json_error_t je;
	json_t *o;
	char *s;

	full_event(&ev);
	str_copy(ev.target, sizeof(ev.target), "caf\xc3\xa9\",\"outcome\":\"x");
	s = serialize(&ev, T_MS, &en);
	assert_non_null(strstr(s, "caf\\u00E9"));
	o = json_loads(s, JSON_REJECT_DUPLICATES, &je);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "outcome")),
	    "allowed");
	json_decref(o);
	free(s);
	event_cleanup(&ev);
}

static void
serialize_fails_when_the_buffer_cap_is_too_small(void **state)
{
	struct rec_entry en;
	struct event ev;
	struct buf b;

	full_event(&ev);
	buf_init(&b, 32);
	memset(&en, 0, sizeof(en));
	assert_int_equal(event_serialize(&ev, T_MS, &b, &en), -1);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
	event_cleanup(&ev);
}

static void
actor_kinds_have_their_names(void **state)
{
	assert_string_equal(actor_kind_name(ACTOR_ANONYMOUS), "anonymous");
	assert_string_equal(actor_kind_name(ACTOR_OPERATOR), "operator");
	assert_string_equal(actor_kind_name(ACTOR_ENGINEER), "engineer");
	assert_string_equal(actor_kind_name(ACTOR_TENANT_ADMIN),
	    "tenant_admin");
	assert_string_equal(actor_kind_name(ACTOR_TENANT_USER),
	    "tenant_user");
	assert_string_equal(actor_kind_name(-1), "unknown");
	assert_string_equal(actor_kind_name(ACTOR_KIND_COUNT), "unknown");
}

/*
 * The writer takes a short cut for entries whose strings are plain ASCII;
 * whichever way an entry is written, its bytes are jansson's canonical
 * dump of the same object (compact, key order kept, non-ASCII escaped).
 */
static void
every_entry_is_janssons_canonical_dump(void **state)
{
	static const char *const vals[] = {"", "eng-1", "a\"b", "back\\slash",
	    "tab\there", "caf\xc3\xa9", "\xf0\x9f\x94\x91", "x/y", "~del\x7f",
	    "10.0.0.1"};
	size_t nv = sizeof(vals) / sizeof(vals[0]), i;

	for (i = 0; i < 400; i++) {
		struct rec_entry en;
		struct event ev;
		json_error_t je;
		struct buf b;
		json_t *o;
		char *again;

		event_init(&ev);
		ev.actor.kind = (int)(i % ACTOR_KIND_COUNT);
		str_copy(ev.actor.id, sizeof(ev.actor.id), vals[i % nv]);
		str_copy(ev.actor.vendor, sizeof(ev.actor.vendor),
		    vals[(i / 3) % nv]);
		str_copy(ev.actor.session, sizeof(ev.actor.session),
		    vals[(i / 7) % nv]);
		str_copy(ev.source, sizeof(ev.source), vals[(i / 11) % nv]);
		ev.action = i % 13 == 0 ? "user.password_reset" : "ticket.view";
		str_copy(ev.tenant, sizeof(ev.tenant), vals[(i / 5) % nv]);
		str_copy(ev.target, sizeof(ev.target), vals[(i / 17) % nv]);
		ev.allowed = (int)(i % 2);
		if (i % 4 == 0)
			str_copy(ev.reason, sizeof(ev.reason), vals[i % nv]);
		if (i % 3 == 0)
			event_detail(&ev, "grant", vals[(i / 2) % nv]);
		if (i % 6 == 0)
			event_detail(&ev, vals[(i / 19) % nv][0] != '\0' ?
			    vals[(i / 19) % nv] : "k", "v");
		buf_init(&b, 64 * 1024);
		memset(&en, 0, sizeof(en));
		assert_int_equal(event_serialize(&ev, 1642773780123 + (int64_t)i,
		    &b, &en), 0);
		o = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
		assert_non_null(o);
		again = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
		    JSON_ENSURE_ASCII);
		assert_non_null(again);
		assert_int_equal(strlen(again), b.len);
		assert_memory_equal(again, b.data, b.len);
		free(again);
		json_decref(o);
		buf_cleanup(&b);
		event_cleanup(&ev);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_entry_has_documented_key_order_exactly),
		cmocka_unit_test(empty_fields_are_null_and_denial_has_reason),
		cmocka_unit_test(detail_comes_last_and_only_when_set),
		cmocka_unit_test(milliseconds_are_zero_padded),
		cmocka_unit_test(index_columns_point_at_the_event),
		cmocka_unit_test(only_documented_keys_are_written),
		cmocka_unit_test(
		    non_ascii_is_escaped_and_quotes_cannot_break_out),
		cmocka_unit_test(
		    serialize_fails_when_the_buffer_cap_is_too_small),
		cmocka_unit_test(actor_kinds_have_their_names),
		cmocka_unit_test(every_entry_is_janssons_canonical_dump),
	};

	return cmocka_run_group_tests_name("unit.event", tests, NULL, NULL);
}
