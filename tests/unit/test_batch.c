/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of importer/batch (an event import from body to jobs,
 * without HTTP) on a real SQLite store: every event becomes an entry job
 * of its own and learns its index when appended, a refused record names
 * its line and stores nothing, Okta types custos does not map are counted
 * as skipped, a tenant is taken with format=okta only, and an empty body
 * is refused in the format's words.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "importer/batch.h"

#define ENTRY(target) "{\"v\":1,\"time\":\"2022-01-20T14:06:45.900Z\"," \
	"\"actor\":{\"kind\":\"engineer\",\"id\":\"jdoe@sitel.example\"," \
	"\"vendor\":null},\"session\":\"102sess\",\"device\":null," \
	"\"source\":\"203.0.113.45\",\"action\":\"user.password_reset\"," \
	"\"tenant\":\"acme.example\",\"target\":\"" target "\"," \
	"\"outcome\":\"allowed\",\"reason\":null,\"detail\":{" \
	"\"imported\":\"okta\",\"okta_uuid\":\"6f1a\"}}"

/* A minimal Okta event of type (mapped or not). */
#define OKTA(type) "{\"uuid\":\"6f1a0006-7a3b-11ec-9d2c-0b5e6a4f0006\"," \
	"\"published\":\"2022-01-20T14:06:45.9Z\",\"eventType\":\"" type \
	"\",\"actor\":7,\"outcome\":{\"result\":\"SUCCESS\"}}"

static int
parse(struct batch *b, int format, const char *text, const char *tenant,
    struct err *e)
{
	err_init(e);
	return batch_parse(b, format, text, strlen(text), tenant, e);
}

static void
every_event_is_an_entry_of_its_own_with_its_index(void **state)
{
	struct fx *f = *state;
	int64_t before = fx_entries(f);
	struct batch b;
	struct err e;

	assert_int_equal(parse(&b, BATCH_ENTRIES, ENTRY("alice") "\n\n"
	    ENTRY("bob") "\n", NULL, &e), 0);
	assert_int_equal(b.n, 2);
	assert_non_null(b.jobs);
	assert_int_equal(b.items[0].index, -1);
	assert_int_equal(store_write_all(f->s, b.jobs, b.n, &e), 0);
	assert_int_equal(fx_entries(f), before + 2);
	assert_int_equal(b.items[0].index, before);
	assert_int_equal(b.items[1].index, before + 1);
	batch_cleanup(&b);
}

static void
a_refused_record_names_its_line(void **state)
{
	struct batch b;
	struct err e;

	(void)state;
	assert_int_equal(parse(&b, BATCH_ENTRIES, ENTRY("alice") "\n"
	    "{\"v\":1}\n", NULL, &e), -1);
	assert_int_equal(e.status, 400);
	assert_memory_equal(e.msg, "line 2: ", 8);
	batch_cleanup(&b);
}

static void
okta_types_not_mapped_are_counted_as_skipped(void **state)
{
	struct batch b;
	struct err e;
	json_t *n;

	(void)state;
	assert_int_equal(parse(&b, BATCH_OKTA, "[" OKTA("user.authentication"
	    ".sso") "," OKTA("user.authentication.sso") "]", "acme", &e), 0);
	assert_int_equal(b.n, 0);
	assert_null(b.jobs);
	n = json_object_get(b.skipped, "user.authentication.sso");
	assert_non_null(n);
	assert_int_equal(json_integer_value(n), 2);
	batch_cleanup(&b);
}

static void
a_tenant_is_taken_with_okta_only_and_an_empty_body_is_refused(void **state)
{
	struct batch b;
	struct err e;

	(void)state;
	assert_int_equal(parse(&b, BATCH_ENTRIES, ENTRY("alice"), "acme", &e),
	    -1);
	assert_string_equal(e.msg, "query parameter 'tenant' must be a "
	    "tenant id, and is taken with format=okta only");
	batch_cleanup(&b);
	assert_int_equal(parse(&b, BATCH_OKTA, "[]", "no/slash", &e), -1);
	assert_int_equal(e.status, 400);
	batch_cleanup(&b);
	assert_int_equal(parse(&b, BATCH_OKTA, "", NULL, &e), -1);
	assert_string_equal(e.msg, "the body must hold events: JSON lines "
	    "or one JSON array");
	batch_cleanup(&b);
	assert_int_equal(parse(&b, BATCH_ENTRIES, "\n\n", NULL, &e), -1);
	assert_string_equal(e.msg, "the body holds no events");
	batch_cleanup(&b);
	assert_int_equal(batch_format_parse("okta"), BATCH_OKTA);
	assert_int_equal(batch_format_parse("entries"), BATCH_ENTRIES);
	assert_int_equal(batch_format_parse("directory"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(every_event_is_an_entry_of_its_own_with_its_index),
		T(a_refused_record_names_its_line),
		T(okta_types_not_mapped_are_counted_as_skipped),
		T(a_tenant_is_taken_with_okta_only_and_an_empty_body_is_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
