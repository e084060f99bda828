/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of cli/table, the CLI's one table renderer: columns are
 * padded to their widest cell two spaces apart (the last one not), cells
 * from the server are cleaned of control characters, a missing cell shows
 * as "-", and cli_table_show() takes a list out of an answer, says when
 * it is empty and refuses an answer without it.  The CLI is no library,
 * so its two files are compiled in here.
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

#include "../../src/cli/out.c"
#include "../../src/cli/table.c"

/* What t prints, as a new string. */
static char *
printed(const struct cli_table *t)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	assert_non_null(f);
	cli_table_print(t, f);
	assert_int_equal(fclose(f), 0);
	return s;
}

static void
columns_are_padded_to_their_widest_cell(void **state)
{
	static const char *const head[] = { "ID", "NAME", "ROLE" };
	const char *r1[] = { "1", "alice", "admin" };
	const char *r2[] = { "22", "bo", NULL };
	struct cli_table *t = cli_table_new(3, head);
	char *s;

	(void)state;
	assert_non_null(t);
	assert_int_equal(cli_table_add(t, r1), 0);
	assert_int_equal(cli_table_add(t, r2), 0);
	s = printed(t);
	assert_string_equal(s,
	    "ID  NAME   ROLE\n"
	    "1   alice  admin\n"
	    "22  bo     -\n");
	free(s);
	cli_table_free(t);
}

static void
cells_are_cleaned_and_measured_in_characters(void **state)
{
	static const char *const head[] = { "A", "B" };
	const char *r1[] = { "caf\xc3\xa9", "x" };
	const char *r2[] = { "\x1b[31mred", "y" };
	struct cli_table *t = cli_table_new(2, head);
	char *s;

	(void)state;
	assert_non_null(t);
	assert_int_equal(cli_table_add(t, r1), 0);
	assert_int_equal(cli_table_add(t, r2), 0);
	s = printed(t);
	assert_string_equal(s,
	    "A         B\n"
	    "caf\xc3\xa9      x\n"
	    "?[31mred  y\n");
	free(s);
	cli_table_free(t);
}

static void
row(struct cli_row *r, const json_t *item)
{
	const json_t *n = json_object_get(item, "n");

	r->cell[0] = json_string_value(json_object_get(item, "id"));
	if (json_is_integer(n) && str_printf(r->tmp[0], sizeof(r->tmp[0]),
	    "%" JSON_INTEGER_FORMAT, json_integer_value(n)) == 0)
		r->cell[1] = r->tmp[0];
}

/* Runs cli_table_show on answer with stdout into a file; its output. */
static char *
shown(const char *answer, int *rc)
{
	static const char *const head[] = { "ID", "N" };
	static const struct cli_table_spec spec = { head, 2, "things",
	    "things list", "no things", row };
	struct buf raw;
	char *out;
	json_t *a;
	FILE *f;
	long n;
	int saved;

	a = json_loads(answer, 0, NULL);
	assert_non_null(a);
	buf_init(&raw, 4096);
	assert_int_equal(buf_puts(&raw, answer), 0);
	f = tmpfile();
	assert_non_null(f);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved != -1);
	assert_true(dup2(fileno(f), STDOUT_FILENO) != -1);
	*rc = cli_table_show(a, &raw, &spec);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) != -1);
	close(saved);
	n = ftell(f);
	assert_true(n >= 0);
	out = calloc(1, (size_t)n + 1);
	assert_non_null(out);
	rewind(f);
	assert_int_equal(fread(out, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf_cleanup(&raw);
	json_decref(a);
	return out;
}

static void
a_list_in_an_answer_becomes_a_table_or_says_it_is_empty(void **state)
{
	char *s;
	int rc;

	(void)state;
	s = shown("{\"things\":[{\"id\":\"a\",\"n\":1},{\"id\":\"bb\"}]}", &rc);
	assert_int_equal(rc, CLI_OK);
	assert_string_equal(s, "ID  N\na   1\nbb  -\n");
	free(s);
	s = shown("{\"things\":[]}", &rc);
	assert_int_equal(rc, CLI_OK);
	assert_string_equal(s, "no things\n");
	free(s);
	s = shown("{\"other\":1}", &rc);
	assert_int_equal(rc, CLI_FAIL);
	assert_string_equal(s, "{\"other\":1}\n");   /* as it came */
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(columns_are_padded_to_their_widest_cell),
		cmocka_unit_test(cells_are_cleaned_and_measured_in_characters),
		cmocka_unit_test(
		    a_list_in_an_answer_becomes_a_table_or_says_it_is_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
