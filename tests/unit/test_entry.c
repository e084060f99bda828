/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of audit/entry, the one reader of a log entry: every field
 * of a canonical entry is read in place exactly as jansson reads it,
 * non-canonical entries (other key order, escapes, other time forms, "")
 * are left to jansson and read the same, the detail is passed on key by
 * key alike either way, and the strict reader for imports names the
 * field it refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "audit/entry.h"
#include "common/buf.h"
#include "common/str.h"

#define CANONICAL "{\"v\":1,\"time\":\"2026-11-21T08:18:27.616Z\"," \
	"\"actor\":{\"kind\":\"engineer\",\"id\":\"eng1\"," \
	"\"vendor\":\"sitel\"},\"session\":\"ses_a\",\"device\":\"dev1\"," \
	"\"source\":\"127.0.0.2\",\"action\":\"user.password_reset\"," \
	"\"tenant\":\"acme\",\"target\":\"usr-1\",\"outcome\":\"denied\"," \
	"\"reason\":\"role_forbids\",\"detail\":{\"engineer\":\"eng2\"," \
	"\"imported\":\"okta\",\"ticket\":\"T-1\"}}"

#define TENANT "\"tenant\":\"acme\""

/* 2026-11-21T08:18:27.616Z */
#define T_MS INT64_C(1795249107616)

static void
read_both(struct entry *fast, struct entry *slow, const char *text,
    int want_scan)
{
	assert_int_equal(entry_scan(fast, 9, text, strlen(text)), want_scan);
	assert_int_equal(entry_parse(slow, 9, text, strlen(text)), 0);
	assert_int_equal(entry_read(fast, 9, text, strlen(text)), 0);
	assert_memory_equal(fast, slow, sizeof(*fast));
}

static void
every_field_of_a_canonical_entry_is_read_in_place(void **state)
{
	struct entry fast, slow;

	(void)state;
	read_both(&fast, &slow, CANONICAL, 0);
	assert_true(fast.index == 9);
	assert_true(fast.time_ms == T_MS);
	assert_int_equal(fast.actor_kind, ACTOR_ENGINEER);
	assert_string_equal(fast.actor, "eng1");
	assert_string_equal(fast.vendor, "sitel");
	assert_string_equal(fast.session, "ses_a");
	assert_string_equal(fast.device, "dev1");
	assert_string_equal(fast.source, "127.0.0.2");
	assert_string_equal(fast.action, "user.password_reset");
	assert_string_equal(fast.tenant, "acme");
	assert_string_equal(fast.target, "usr-1");
	assert_int_equal(fast.allowed, 0);
	assert_string_equal(fast.reason, "role_forbids");
	assert_string_equal(fast.engineer, "eng2");
	assert_int_equal(fast.imported, 1);
	assert_int_equal(fast.ndetail, 3);
}

static void
what_event_c_writes_is_canonical_and_reads_back(void **state)
{
	struct entry fast, slow;
	struct rec_entry en;
	struct event ev;
	struct buf b;

	(void)state;
	buf_init(&b, 64 * 1024);
	event_init(&ev);
	ev.actor.kind = ACTOR_TENANT_ADMIN;
	str_copy(ev.actor.id, sizeof(ev.actor.id), "adm");
	str_copy(ev.tenant, sizeof(ev.tenant), "acme");
	ev.action = "access_request.approve";
	ev.allowed = 1;
	event_detail(&ev, "decided_by", "adm");
	event_detail(&ev, "state", "approved");
	assert_int_equal(event_serialize(&ev, T_MS, &b, &en), 0);
	read_both(&fast, &slow, b.data, 0);
	assert_true(fast.time_ms == T_MS);
	assert_int_equal(fast.actor_kind, ACTOR_TENANT_ADMIN);
	assert_string_equal(fast.vendor, "");   /* null */
	assert_string_equal(fast.source, "");
	assert_int_equal(fast.allowed, 1);
	assert_int_equal(fast.ndetail, 2);
	event_cleanup(&ev);
	buf_cleanup(&b);
}

static void
other_forms_are_left_to_jansson_and_read_alike(void **state)
{
	static const char *const texts[] = {
		/* keys in another order */
		"{\"time\":\"2026-11-21T08:18:27.616Z\",\"v\":1,\"actor\":"
		"{\"kind\":\"system\",\"id\":\"custosd\",\"vendor\":null},"
		"\"action\":\"log.integrity_alert\",\"outcome\":\"allowed\"}",
		/* an escape */
		"{\"v\":1,\"time\":\"2026-11-21T08:18:27.616Z\",\"actor\":{"
		"\"kind\":\"engineer\",\"id\":\"eng1\",\"vendor\":null},"
		"\"session\":null,\"device\":null,\"source\":null,\"action\":"
		"\"user.list\",\"tenant\":\"acme\",\"target\":\"caf\\u00e9\","
		"\"outcome\":\"allowed\",\"reason\":null}",
		/* an empty string, which null must stay apart from */
		"{\"v\":1,\"time\":\"2026-11-21T08:18:27.616Z\",\"actor\":{"
		"\"kind\":\"engineer\",\"id\":\"eng1\",\"vendor\":null},"
		"\"session\":null,\"device\":null,\"source\":null,\"action\":"
		"\"user.list\",\"tenant\":\"\",\"target\":null,"
		"\"outcome\":\"allowed\",\"reason\":null}",
		NULL,
	};
	struct entry fast, slow;
	size_t i;

	(void)state;
	for (i = 0; texts[i] != NULL; i++)
		read_both(&fast, &slow, texts[i], 1);
	assert_string_equal(slow.tenant, "");
	assert_int_equal(entry_read(&fast, 1, "{\"v\":1}", 7), -1);
	assert_int_equal(entry_read(&fast, 1, "[]", 2), -1);
}

static void
times_in_other_rfc3339_forms_are_read_to_the_millisecond(void **state)
{
	const char *a = "{\"v\":1,\"time\":\"2022-01-20T14:06:45.9Z\","
	    "\"actor\":{\"kind\":\"system\"},\"action\":\"x\","
	    "\"outcome\":\"allowed\"}";
	const char *b = "{\"v\":1,\"time\":\"2022-01-20T15:06:45+01:00\","
	    "\"actor\":{\"kind\":\"system\"},\"action\":\"x\","
	    "\"outcome\":\"allowed\"}";
	const char *c = "{\"v\":1,\"time\":\"1969-12-31T23:59:59.500Z\","
	    "\"actor\":{\"kind\":\"system\"},\"action\":\"x\","
	    "\"outcome\":\"allowed\"}";
	struct entry d;

	(void)state;
	assert_int_equal(entry_read(&d, 0, a, strlen(a)), 0);
	assert_true(d.time_ms == INT64_C(1642687605900));
	assert_int_equal(entry_read(&d, 0, b, strlen(b)), 0);
	assert_true(d.time_ms == INT64_C(1642687605000));
	assert_int_equal(entry_read(&d, 0, c, strlen(c)), 0);
	assert_true(d.time_ms == -500);
}

/* Writes "key=value;" (value "(none)" when not a string) into a buf. */
static int
collect(void *arg, const char *key, size_t key_len, const char *value,
    size_t value_len)
{
	struct buf *b = arg;

	if (buf_append(b, key, key_len) == -1 || buf_puts(b, "=") == -1)
		return -1;
	if (value == NULL)
		return buf_puts(b, "(none);");
	if (buf_append(b, value, value_len) == -1)
		return -1;
	return buf_puts(b, ";");
}

static void
the_detail_is_passed_on_alike_in_place_and_by_jansson(void **state)
{
	const char *other = "{\"time\":\"2026-11-21T08:18:27.616Z\",\"v\":1,"
	    "\"actor\":{\"kind\":\"engineer\"},\"action\":\"x\",\"outcome\":"
	    "\"allowed\",\"detail\":{\"engineer\":\"eng2\",\"imported\":"
	    "\"okta\",\"ticket\":\"T-1\",\"n\":7}}";
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(entry_detail(CANONICAL, strlen(CANONICAL), collect,
	    &b), 0);
	assert_string_equal(b.data,
	    "engineer=eng2;imported=okta;ticket=T-1;");
	buf_reset(&b);
	assert_int_equal(entry_detail(other, strlen(other), collect, &b), 0);
	assert_string_equal(b.data,
	    "engineer=eng2;imported=okta;ticket=T-1;n=(none);");
	assert_int_equal(entry_detail("{}", 2, collect, &b), -1);
	buf_cleanup(&b);
}

/* CANONICAL with swap put in place of from. */
static void
refused_naming(const char *from, const char *swap, const char *want)
{
	char text[2048];
	const char *at = strstr(CANONICAL, from);
	struct err e;
	size_t k;

	assert_non_null(at);
	k = (size_t)(at - CANONICAL);
	assert_true(k + strlen(swap) + strlen(at) < sizeof(text));
	memcpy(text, CANONICAL, k);
	str_copy(text + k, sizeof(text) - k, swap);
	str_copy(text + strlen(text), sizeof(text) - strlen(text),
	    at + strlen(from));
	err_init(&e);
	if (entry_check(text, strlen(text), &e) != -1)
		fail_msg("accepted: %s", text);
	assert_int_equal(e.status, 400);
	if (strstr(e.msg, want) == NULL)
		fail_msg("'%s' does not name '%s'", e.msg, want);
}

static void
the_strict_reader_takes_entries_and_names_what_it_refuses(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(entry_check(CANONICAL, strlen(CANONICAL), &e), 0);
	refused_naming(TENANT, "\"tenant\":\"\"", "'tenant'");
	refused_naming(TENANT, "\"tenant\":7", "'tenant'");
	refused_naming(TENANT, "\"tenant\":\"acme\",\"colour\":\"red\"",
	    "'colour'");
	refused_naming("\"v\":1", "\"v\":2", "'v'");
	refused_naming("\"kind\":\"engineer\"", "\"kind\":\"root\"", "'kind'");
	refused_naming("\"reason\":\"role_forbids\"", "\"reason\":\"01234567"
	    "890123456789012345678901234567890123456789012345678901234\"",
	    "'reason'");
	refused_naming("\"detail\":{\"engineer\":\"eng2\",\"imported\":"
	    "\"okta\",\"ticket\":\"T-1\"}", "\"detail\":[\"x\"]", "'detail'");
	assert_int_equal(entry_check("[1]", 3, &e), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    every_field_of_a_canonical_entry_is_read_in_place),
		cmocka_unit_test(
		    what_event_c_writes_is_canonical_and_reads_back),
		cmocka_unit_test(
		    other_forms_are_left_to_jansson_and_read_alike),
		cmocka_unit_test(
		    times_in_other_rfc3339_forms_are_read_to_the_millisecond),
		cmocka_unit_test(
		    the_detail_is_passed_on_alike_in_place_and_by_jansson),
		cmocka_unit_test(
		    the_strict_reader_takes_entries_and_names_what_it_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
