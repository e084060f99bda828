/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of common/jsonx: request bodies must be one JSON object
 * without duplicate keys, NULs or invalid UTF-8, nested at most
 * JX_MAX_DEPTH deep; every field helper checks type and limits and fails
 * with a 400 whose message names the field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonx.h"

static json_t *
parse(const char *text)
{
	struct err e;

	err_init(&e);
	return jx_parse_object(text, strlen(text), &e);
}

/* Asserts text is refused with a 400 whose message contains want. */
static void
parse_refused(const char *text, size_t len, const char *want)
{
	struct err e;
	json_t *v;

	err_init(&e);
	v = jx_parse_object(text, len, &e);
	if (v != NULL) {
		json_decref(v);
		fail_msg("'%s' was accepted", text);
	}
	assert_int_equal(e.status, 400);
	assert_string_equal(e.code, "bad_request");
	if (strstr(e.msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, want);
}

static void
assert_400_naming(const struct err *e, const char *want)
{
	assert_int_equal(e->status, 400);
	assert_string_equal(e->code, "bad_request");
	if (strstr(e->msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", e->msg, want);
}

static void
an_object_parses(void **state)
{
	json_t *v = parse("{\"name\":\"Acme\",\"n\":3,\"x\":{\"y\":[1,2]}}");

	assert_non_null(v);
	assert_true(json_is_object(v));
	assert_string_equal(json_string_value(json_object_get(v, "name")),
	    "Acme");
	json_decref(v);
}

static void
empty_malformed_and_non_object_bodies_are_400(void **state)
{
	parse_refused("", 0, "empty");
	parse_refused("{", 1, "malformed JSON");
	parse_refused("{\"a\":}", 6, "malformed JSON");
	parse_refused("{} x", 4, "malformed JSON");
	parse_refused("{}{}", 4, "malformed JSON");
	parse_refused("[1,2]", 5, "must be a JSON object");
	/* Bare scalars are refused by the JSON parser itself. */
	parse_refused("\"str\"", 5, "JSON");
	parse_refused("42", 2, "JSON");
	parse_refused("null", 4, "JSON");
}

static void
duplicate_keys_are_refused_at_any_level(void **state)
{
	parse_refused("{\"a\":1,\"a\":2}", 13, "malformed JSON");
	parse_refused("{\"o\":{\"k\":1,\"k\":1}}", 19, "malformed JSON");
}

static void
nul_and_invalid_utf8_are_refused(void **state)
{
	static const char nul[] = "{\"a\":\"x\\u0000y\"}";
	static const char raw_nul[] = "{\"a\":\"x\0y\"}";
	static const char bad_utf8[] = "{\"a\":\"\xc0\xaf\"}";
	static const char lone_surrogate[] = "{\"a\":\"\\ud800\"}";

	parse_refused(nul, sizeof(nul) - 1, "malformed JSON");
	parse_refused(raw_nul, sizeof(raw_nul) - 1, "malformed JSON");
	parse_refused(bad_utf8, sizeof(bad_utf8) - 1, "malformed JSON");
	parse_refused(lone_surrogate, sizeof(lone_surrogate) - 1,
	    "malformed JSON");
}

/* {"a": [[...[]...]]} with n arrays: the innermost sits at depth n. */
static char *
nested(int n)
{
	struct buf b;
	int i;

	buf_init(&b, 1 << 20);
	assert_int_equal(buf_puts(&b, "{\"a\":"), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_puts(&b, "["), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_puts(&b, "]"), 0);
	assert_int_equal(buf_puts(&b, "}"), 0);
	return buf_steal(&b, NULL);
}

static void
depth_limit_is_exactly_jx_max_depth(void **state)
{
	char *ok = nested(JX_MAX_DEPTH), *deep = nested(JX_MAX_DEPTH + 1);
	char *very = nested(100000);
	json_t *v;

	v = parse(ok);
	assert_non_null(v);
	json_decref(v);
	parse_refused(deep, strlen(deep), "deeper than 16");
	/* Far past the limit: refused, not a stack overflow. */
	v = parse(very);
	assert_null(v);
	free(ok);
	free(deep);
	free(very);
}

static void
only_names_the_unknown_field(void **state)
{
	static const char *const allowed[] = {"name", "id", NULL};
	json_t *v = parse("{\"name\":\"a\",\"colour\":\"red\"}");
	struct err e;

	assert_non_null(v);
	err_init(&e);
	assert_int_equal(jx_only(v, allowed, &e), -1);
	assert_400_naming(&e, "unknown field 'colour'");
	json_decref(v);
	v = parse("{\"name\":\"a\",\"id\":\"b\"}");
	err_init(&e);
	assert_int_equal(jx_only(v, allowed, &e), 0);
	json_decref(v);
}

static void
only_does_not_echo_unprintable_keys(void **state)
{
	static const char *const allowed[] = {"name", NULL};
	json_t *v = parse("{\"\\u001b[2Jevil\":1}");
	struct err e;

	assert_non_null(v);
	err_init(&e);
	assert_int_equal(jx_only(v, allowed, &e), -1);
	assert_400_naming(&e, "unknown field");
	assert_null(strchr(e.msg, '\x1b'));
	json_decref(v);
}

static void
str_checks_presence_type_length_and_cleanliness(void **state)
{
	json_t *v = parse("{\"name\":\"Acme\",\"n\":3,\"nul\":null,"
	    "\"ctl\":\"a\\nb\",\"long\":\"abcdef\"}");
	const char *s = "sentinel";
	struct err e;

	assert_non_null(v);
	err_init(&e);
	assert_int_equal(jx_str(&s, v, "name", 1, 10, JX_REQUIRED, &e), 0);
	assert_string_equal(s, "Acme");

	err_init(&e);
	assert_int_equal(jx_str(&s, v, "missing", 1, 10, JX_REQUIRED, &e),
	    -1);
	assert_400_naming(&e, "field 'missing' is required");

	err_init(&e);
	assert_int_equal(jx_str(&s, v, "nul", 1, 10, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'nul' is required");

	s = "sentinel";
	assert_int_equal(jx_str(&s, v, "missing", 1, 10, JX_OPTIONAL, &e), 0);
	assert_null(s);

	err_init(&e);
	assert_int_equal(jx_str(&s, v, "n", 1, 10, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'n' must be a string");

	err_init(&e);
	assert_int_equal(jx_str(&s, v, "long", 1, 5, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'long' must be 1 to 5 bytes long");
	err_init(&e);
	assert_int_equal(jx_str(&s, v, "long", 7, 9, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'long'");
	assert_int_equal(jx_str(&s, v, "long", 6, 6, JX_REQUIRED, &e), 0);

	/* Control characters pass unless the field must be clean. */
	assert_int_equal(jx_str(&s, v, "ctl", 1, 10, JX_REQUIRED, &e), 0);
	err_init(&e);
	assert_int_equal(jx_str(&s, v, "ctl", 1, 10,
	    JX_REQUIRED | JX_CLEAN, &e), -1);
	assert_400_naming(&e, "field 'ctl' must not contain control");
	json_decref(v);
}

static void
str_length_is_counted_in_bytes(void **state)
{
	/* Four euro signs: 4 characters, 12 bytes. */
	json_t *v = parse("{\"p\":\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\"}");
	const char *s;
	struct err e;

	assert_non_null(v);
	err_init(&e);
	assert_int_equal(jx_str(&s, v, "p", 1, 11, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'p'");
	assert_int_equal(jx_str(&s, v, "p", 1, 12, JX_REQUIRED | JX_CLEAN,
	    &e), 0);
	json_decref(v);
}

static void
int_checks_presence_type_and_range(void **state)
{
	json_t *v = parse("{\"m\":30,\"s\":\"30\",\"f\":1.5,\"b\":true,"
	    "\"big\":9223372036854775807,\"neg\":-4}");
	int64_t n = 777;
	struct err e;

	assert_non_null(v);
	err_init(&e);
	assert_int_equal(jx_int(&n, v, "m", 1, 480, JX_REQUIRED, &e), 0);
	assert_true(n == 30);

	n = 777;
	err_init(&e);
	assert_int_not_equal(jx_int(&n, v, "absent", 1, 480, JX_OPTIONAL, &e),
	    -1);
	assert_true(n == 777);
	assert_int_equal(e.status, 0);

	err_init(&e);
	assert_int_equal(jx_int(&n, v, "absent", 1, 480, JX_REQUIRED, &e),
	    -1);
	assert_400_naming(&e, "field 'absent' is required");

	err_init(&e);
	assert_int_equal(jx_int(&n, v, "s", 1, 480, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 's' must be an integer");
	err_init(&e);
	assert_int_equal(jx_int(&n, v, "f", 1, 480, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'f' must be an integer");
	err_init(&e);
	assert_int_equal(jx_int(&n, v, "b", 1, 480, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'b' must be an integer");

	err_init(&e);
	assert_int_equal(jx_int(&n, v, "big", 1, 480, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'big' must be between 1 and 480");
	err_init(&e);
	assert_int_equal(jx_int(&n, v, "neg", 0, 480, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'neg' must be between 0 and 480");
	assert_int_equal(jx_int(&n, v, "neg", -4, -4, JX_REQUIRED, &e), 0);
	assert_true(n == -4);
	json_decref(v);
}

static void
enum_maps_values_to_indexes_and_names_the_field(void **state)
{
	static const char *const roles[] = {"user", "admin", NULL};
	json_t *v = parse("{\"role\":\"admin\",\"bad\":\"root\",\"n\":1,"
	    "\"case\":\"Admin\"}");
	struct err e;
	int i = 99;

	assert_non_null(v);
	err_init(&e);
	assert_int_equal(jx_enum(&i, v, "role", roles, JX_REQUIRED, &e), 0);
	assert_int_equal(i, 1);

	assert_int_equal(jx_enum(&i, v, "absent", roles, JX_OPTIONAL, &e), 0);
	assert_int_equal(i, -1);

	err_init(&e);
	assert_int_equal(jx_enum(&i, v, "absent", roles, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'absent' is required");

	err_init(&e);
	assert_int_equal(jx_enum(&i, v, "bad", roles, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'bad' has an unknown value");
	err_init(&e);
	assert_int_equal(jx_enum(&i, v, "case", roles, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'case'");
	err_init(&e);
	assert_int_equal(jx_enum(&i, v, "n", roles, JX_REQUIRED, &e), -1);
	assert_400_naming(&e, "field 'n' must be a string");
	json_decref(v);
}

static void
dump_preserves_key_order_compactly(void **state)
{
	json_t *v = parse("{\"z\": 1, \"a\": [true, null], \"m\": \"x\"}");
	char *s;

	assert_non_null(v);
	s = jx_dump(v);
	assert_string_equal(s, "{\"z\":1,\"a\":[true,null],\"m\":\"x\"}");
	free(s);
	json_decref(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_object_parses),
		cmocka_unit_test(empty_malformed_and_non_object_bodies_are_400),
		cmocka_unit_test(duplicate_keys_are_refused_at_any_level),
		cmocka_unit_test(nul_and_invalid_utf8_are_refused),
		cmocka_unit_test(depth_limit_is_exactly_jx_max_depth),
		cmocka_unit_test(only_names_the_unknown_field),
		cmocka_unit_test(only_does_not_echo_unprintable_keys),
		cmocka_unit_test(
		    str_checks_presence_type_length_and_cleanliness),
		cmocka_unit_test(str_length_is_counted_in_bytes),
		cmocka_unit_test(int_checks_presence_type_and_range),
		cmocka_unit_test(
		    enum_maps_values_to_indexes_and_names_the_field),
		cmocka_unit_test(dump_preserves_key_order_compactly),
	};

	return cmocka_run_group_tests_name("unit.jsonx", tests, NULL, NULL);
}
