/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of common/log's JSON lines (--log-format json): whatever a
 * message holds (quotes, backslashes, line feeds, control bytes, invalid
 * UTF-8, a message longer than a line), each call writes exactly one
 * line that jansson parses as {time, level, daemon, msg}, and the text
 * format is unchanged.  Descriptor 2 is pointed at a temporary file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

static char path[] = "/tmp/custos-test-log-XXXXXX";

/* Everything written to descriptor 2 since the last call. */
static char *
captured(void)
{
	FILE *f = fopen(path, "r");
	char *s = calloc(1, 1 << 16);
	size_t n;

	assert_non_null(f);
	assert_non_null(s);
	n = fread(s, 1, (1 << 16) - 1, f);
	s[n] = '\0';
	fclose(f);
	assert_int_equal(truncate(path, 0), 0);
	return s;
}

static int
setup(void **state)
{
	int fd = mkstemp(path);

	if (fd == -1)
		return -1;
	close(fd);
	return log_file_open(path);
}

static int
teardown(void **state)
{
	unlink(path);
	return 0;
}

static json_t *
one_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	json_error_t je;
	json_t *o;

	assert_non_null(nl);
	assert_int_equal(nl[1], '\0');          /* exactly one line */
	o = json_loadb(s, (size_t)(nl - s), 0, &je);
	if (o == NULL)
		fail_msg("not JSON (%s): %s", je.text, s);
	assert_int_equal(json_object_size(o), 4);
	assert_non_null(json_object_get(o, "time"));
	assert_string_equal(json_string_value(json_object_get(o, "daemon")),
	    "custosd");
	return o;
}

static void
odd_messages_are_one_json_line_each(void **state)
{
	char longmsg[5000];
	json_t *o;
	char *s;

	log_set_format(LOG_FORMAT_JSON);
	log_warn("q\"b\\s\nnl\ttab\x01\x1f del\x7f");
	s = captured();
	o = one_line(s);
	assert_string_equal(json_string_value(json_object_get(o, "level")),
	    "warn");
	assert_string_equal(json_string_value(json_object_get(o, "msg")),
	    "q\"b\\s\nnl\ttab\x01\x1f del\x7f");
	json_decref(o);
	free(s);

	/* Invalid UTF-8 becomes U+FFFD; valid multibyte stays. */
	log_error("bad \xff\xc3 ok \xc3\xa9 \xe2\x82\xac \xed\xa0\x80 end");
	s = captured();
	o = one_line(s);
	assert_string_equal(json_string_value(json_object_get(o, "msg")),
	    "bad \xef\xbf\xbd\xef\xbf\xbd ok \xc3\xa9 \xe2\x82\xac "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd end");
	json_decref(o);
	free(s);

	/* Longer than a line: cut, still one JSON line. */
	memset(longmsg, '"', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	log_info("%s", longmsg);
	s = captured();
	o = one_line(s);
	assert_true(strlen(json_string_value(json_object_get(o, "msg"))) >
	    100);
	json_decref(o);
	free(s);
}

static void
text_format_is_unchanged(void **state)
{
	char *s;

	log_set_format(LOG_FORMAT_TEXT);
	log_warn("plain %d", 7);
	s = captured();
	assert_non_null(strstr(s, " custosd warn: plain 7\n"));
	assert_int_equal(s[4], '-');
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(odd_messages_are_one_json_line_each),
		cmocka_unit_test(text_format_is_unchanged),
	};

	return cmocka_run_group_tests_name("unit.log", tests, setup,
	    teardown);
}
