/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of common/conf: "key = value" lines, comments and blank
 * lines; every refusal names its line; no control character or invalid
 * UTF-8 reaches a value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf.h"
#include "common/str.h"

#define MAXSET 16

struct got {
	int n;
	char key[MAXSET][64];
	char value[MAXSET][CONF_LINE_MAX + 1];
	int line[MAXSET];
	int stop_at;            /* fail the callback on this setting (1-based) */
};

static int
collect(void *arg, const char *key, const char *value, int line,
    struct err *e)
{
	struct got *g = arg;

	if (g->n >= MAXSET)
		return err_bad_request(e, "too many settings");
	str_copy(g->key[g->n], sizeof(g->key[0]), key);
	str_copy(g->value[g->n], sizeof(g->value[0]), value);
	g->line[g->n] = line;
	g->n++;
	if (g->stop_at == g->n)
		return err_bad_request(e, "config line %d: unknown key '%s'",
		    line, key);
	return 0;
}

static int
run(struct got *g, const char *text, size_t len, struct err *e)
{
	memset(g, 0, sizeof(*g));
	err_init(e);
	return conf_parse(text, len, collect, g, e);
}

#define RUN(g, lit, e) run((g), (lit), sizeof(lit) - 1, (e))

static void
refused_on_line(const char *text, size_t len, int line)
{
	char want[32];
	struct got g;
	struct err e;

	if (run(&g, text, len, &e) != -1)
		fail_msg("'%s' was accepted", text);
	assert_int_equal(e.status, 400);
	str_printf(want, sizeof(want), "line %d", line);
	if (strstr(e.msg, want) == NULL)
		fail_msg("message '%s' does not name %s", e.msg, want);
}

#define REFUSED(lit, line) refused_on_line((lit), sizeof(lit) - 1, (line))

static void
settings_are_read_with_their_line_numbers(void **state)
{
	static const char text[] =
	    "# custosd.conf\n"
	    "\n"
	    "listen = 127.0.0.1:8443\n"
	    "   data=/var/lib/custos   \n"
	    "\tsession-lifetime\t=\t3600\t\n"
	    "  # indented comment\n"
	    "issuer = Example Corp  support\n";
	struct got g;
	struct err e;

	assert_int_equal(RUN(&g, text, &e), 0);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.key[0], "listen");
	assert_string_equal(g.value[0], "127.0.0.1:8443");
	assert_int_equal(g.line[0], 3);
	assert_string_equal(g.key[1], "data");
	assert_string_equal(g.value[1], "/var/lib/custos");
	assert_int_equal(g.line[1], 4);
	assert_string_equal(g.key[2], "session-lifetime");
	assert_string_equal(g.value[2], "3600");
	assert_int_equal(g.line[2], 5);
	assert_string_equal(g.key[3], "issuer");
	assert_string_equal(g.value[3], "Example Corp  support");
	assert_int_equal(g.line[3], 7);
}

static void
value_is_the_rest_of_the_line_after_the_first_equals(void **state)
{
	struct got g;
	struct err e;

	assert_int_equal(RUN(&g, "k = a=b = c\nempty =\nhash = x # y", &e),
	    0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.value[0], "a=b = c");
	assert_string_equal(g.key[1], "empty");
	assert_string_equal(g.value[1], "");
	/* No inline comments: '#' inside a value is part of it. */
	assert_string_equal(g.value[2], "x # y");
	assert_int_equal(g.line[2], 3);
}

static void
crlf_lines_and_missing_final_newline_are_fine(void **state)
{
	struct got g;
	struct err e;

	assert_int_equal(RUN(&g, "a = 1\r\nb = 2\r\n# c\r\n\r\nd = 4", &e),
	    0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.value[0], "1");
	assert_string_equal(g.value[1], "2");
	assert_string_equal(g.key[2], "d");
	assert_string_equal(g.value[2], "4");
	assert_int_equal(g.line[2], 5);
	assert_int_equal(RUN(&g, "", &e), 0);
	assert_int_equal(g.n, 0);
}

static void
utf8_values_are_kept(void **state)
{
	struct got g;
	struct err e;

	assert_int_equal(RUN(&g, "issuer = Caf\xc3\xa9 \xe2\x82\xac\n", &e),
	    0);
	assert_string_equal(g.value[0], "Caf\xc3\xa9 \xe2\x82\xac");
}

static void
malformed_lines_are_refused_naming_the_line(void**state)
{
	REFUSED("a = 1\n\njust words\n", 3);
	REFUSED("= value\n", 1);
	REFUSED("a = 1\n   = value\n", 2);
	REFUSED("Listen = x\n", 1);
	REFUSED("# c\nlisten port = 1\n", 2);
	REFUSED("a = 1\nb_c = 2\n", 2);
	REFUSED("a.b = 1\n", 1);
	REFUSED("k\xc3\xa9y = 1\n", 1);
}

static void
control_characters_and_bad_utf8_are_refused_naming_the_line(void **state)
{
	REFUSED("a = 1\nb = x\x01y\n", 2);
	REFUSED("a = 1\nb = x\x1b[31m\n", 2);
	REFUSED("a = \x7f\n", 1);
	REFUSED("a = 1\n\nb = \xc3\x28\n", 3);
	REFUSED("b = \xc0\xaf\n", 1);
	REFUSED("b = \xed\xa0\x80\n", 1);
	REFUSED("b = \xc2\x85\n", 1);
	REFUSED("a = x\0y\n", 1);
}

/* Tabs count as blanks and CR may end a line, but neither may hide what
 * follows them from the control-character and UTF-8 check. */
static void
control_characters_after_a_tab_or_cr_are_refused(void **state)
{
	REFUSED("a = 1\nb =\tx\x01y\n", 2);
	REFUSED("b = x\ty\x1b[2J\n", 1);
	REFUSED("b = x\ty\xc0\xaf\n", 1);
	REFUSED("b = x\ry\n", 1);
	REFUSED("b = x\r\x01\n", 1);
}

static void
overlong_line_is_refused_naming_the_line(void **state)
{
	char *text = malloc(CONF_LINE_MAX + 64);
	struct got g;
	struct err e;
	size_t n;

	assert_non_null(text);
	memcpy(text, "a = 1\nk = ", 10);
	n = 10;
	memset(text + n, 'v', CONF_LINE_MAX - 4);
	n += CONF_LINE_MAX - 4;
	text[n++] = '\n';
	/* Line 2 is CONF_LINE_MAX bytes: the most there may be. */
	assert_int_equal(run(&g, text, n, &e), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(strlen(g.value[1]), CONF_LINE_MAX - 4);
	memmove(text + 10, text + 9, n - 9);
	n++;
	refused_on_line(text, n, 2);
	free(text);
}

static void
callback_failure_stops_parsing(void **state)
{
	struct got g;
	struct err e;

	memset(&g, 0, sizeof(g));
	g.stop_at = 2;
	err_init(&e);
	assert_int_equal(conf_parse("a = 1\nb = 2\nc = 3\n", 18, collect, &g,
	    &e), -1);
	assert_int_equal(g.n, 2);
	assert_non_null(strstr(e.msg, "line 2"));
	assert_non_null(strstr(e.msg, "'b'"));
}

static void
read_file_is_capped_and_refuses_symlinks(void **state)
{
	char dir[] = "/tmp/custos-conf-XXXXXX", path[64], link[64];
	struct err e;
	size_t len = 0;
	char *s;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	str_printf(path, sizeof(path), "%s/custosd.conf", dir);
	str_printf(link, sizeof(link), "%s/link.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("listen = 127.0.0.1:1\n", f);
	fclose(f);
	err_init(&e);
	s = conf_read_file(path, 1024, &len, &e);
	assert_non_null(s);
	assert_int_equal(len, 21);
	assert_string_equal(s, "listen = 127.0.0.1:1\n");
	free(s);
	err_init(&e);
	assert_null(conf_read_file(path, 20, &len, &e));
	assert_non_null(strstr(e.msg, "larger than 20"));
	assert_int_equal(symlink(path, link), 0);
	err_init(&e);
	assert_null(conf_read_file(link, 1024, &len, &e));
	unlink(link);
	unlink(path);
	rmdir(dir);
}

static void
read_file_of_empty_file_gives_empty_string(void **state)
{
	char path[] = "/tmp/custos-conf-empty-XXXXXX";
	struct err e;
	size_t len = 99;
	char *s, first;
	int fd;

	fd = mkstemp(path);
	assert_true(fd != -1);
	close(fd);
	err_init(&e);
	s = conf_read_file(path, 1024, &len, &e);
	unlink(path);
	assert_non_null(s);
	first = s[0];
	free(s);
	assert_int_equal(len, 0);
	assert_int_equal(first, '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(settings_are_read_with_their_line_numbers),
		cmocka_unit_test(
		    value_is_the_rest_of_the_line_after_the_first_equals),
		cmocka_unit_test(crlf_lines_and_missing_final_newline_are_fine),
		cmocka_unit_test(utf8_values_are_kept),
		cmocka_unit_test(malformed_lines_are_refused_naming_the_line),
		cmocka_unit_test(
		    control_characters_and_bad_utf8_are_refused_naming_the_line),
		cmocka_unit_test(
		    control_characters_after_a_tab_or_cr_are_refused),
		cmocka_unit_test(overlong_line_is_refused_naming_the_line),
		cmocka_unit_test(callback_failure_stops_parsing),
		cmocka_unit_test(read_file_is_capped_and_refuses_symlinks),
		cmocka_unit_test(read_file_of_empty_file_gives_empty_string),
	};

	return cmocka_run_group_tests_name("unit.conf", tests, NULL, NULL);
}
