/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/tilepath: the C2SP tlog-tiles path grammar.  The
 * spec's own examples parse, every tile has exactly one accepted spelling
 * (format(parse(p)) == p and parse(format(t)) == t), and anything else is
 * refused as a 404.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tlog/tilepath.h"

static void
parses(const char *path, int entries, int level, int64_t index, int width)
{
	struct tile_ref t;
	struct err e;
	char out[64];

	err_init(&e);
	if (tilepath_parse(&t, path, &e) != 0)
		fail_msg("'%s' refused: %s", path, e.msg);
	assert_int_equal(t.entries, entries);
	if (!entries)
		assert_int_equal(t.level, level);
	assert_int_equal(t.index, index);
	assert_int_equal(t.width, width);
	assert_int_equal(tilepath_format(out, sizeof(out), &t), 0);
	assert_string_equal(out, path);
}

static void
refused(const char *path)
{
	struct tile_ref t;
	struct err e;

	err_init(&e);
	if (tilepath_parse(&t, path, &e) != -1)
		fail_msg("'%s' accepted", path);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.code, "not_found");
	assert_true(e.msg[0] != '\0');
}

static void
spec_examples_parse(void **state)
{
	/* tlog-tiles: "index 1234067 will be encoded as x001/x234/067". */
	parses("0/x001/x234/067", 0, 0, 1234067, 256);
	parses("0/000", 0, 0, 0, 256);
	parses("0/001.p/112", 0, 0, 1, 112);
	/* A tree of 70,000: 273 full level-0 tiles, then width 112, ... */
	parses("0/273.p/112", 0, 0, 273, 112);
	parses("1/000", 0, 1, 0, 256);
	parses("1/001.p/17", 0, 1, 1, 17);
	parses("2/000.p/1", 0, 2, 0, 1);
	parses("entries/x001/x234/067", 1, 0, 1234067, 256);
	parses("entries/000.p/255", 1, 0, 0, 255);
	parses("63/999", 0, 63, 999, 256);
	parses("10/x999/999", 0, 10, 999999, 256);
	parses("0/x009/x223/x372/x036/x854/x775/807", 0, 0, INT64_MAX, 256);
}

static void
every_tile_has_one_spelling(void **state)
{
	struct tile_ref t, back;
	struct err e;
	char out[64];
	int64_t n;
	int i, w;

	/* Powers of 10 and their neighbours, and every group boundary. */
	for (n = 1, i = 0; i < 19; i++, n *= 10) {
		int64_t cand[] = {n - 1, n, n + 1, n * 7 / 3};
		size_t k;

		for (k = 0; k < 4; k++)
			for (w = 1; w <= 256; w += 85) {
				memset(&t, 0, sizeof(t));
				t.entries = (int)(k & 1);
				t.level = t.entries ? 0 : i % 64;
				t.index = cand[k];
				t.width = w;
				assert_int_equal(tilepath_format(out,
				    sizeof(out), &t), 0);
				err_init(&e);
				assert_int_equal(tilepath_parse(&back, out,
				    &e), 0);
				assert_int_equal(back.entries, t.entries);
				assert_int_equal(back.level, t.level);
				assert_int_equal(back.index, t.index);
				assert_int_equal(back.width, t.width);
			}
		if (n > INT64_MAX / 10)
			break;
	}
	for (n = 0; n < 3000; n++) {
		memset(&t, 0, sizeof(t));
		t.index = n * 997;
		t.width = 256;
		assert_int_equal(tilepath_format(out, sizeof(out), &t), 0);
		err_init(&e);
		assert_int_equal(tilepath_parse(&back, out, &e), 0);
		assert_int_equal(back.index, t.index);
	}
}

static void
non_canonical_and_malformed_paths_are_refused(void **state)
{
	static const char *const bad[] = {
		"", "0", "0/", "/0/000", "0//000", "0/000/", "0/000 ",
		"0/00", "0/0000", "0/1", "0/12", "0/x001", "0/x001/",
		"0/x000/001",           /* a second spelling of 1 */
		"0/x000/x001/002",
		"0/001/002", "0/x01/002", "0/x0001/002", "0/X001/002",
		"00/000", "01/000", "64/000", "100/000", "-1/000", "+1/000",
		"a/000", "0/abc", "0/-01", "0/+01",
		"0/000.p/0", "0/000.p/256", "0/000.p/01", "0/000.p/",
		"0/000.p", "0/000.p/1/", "0/000.p/1x", "0/000.q/1",
		"0/000.p/1000", "0/000p/1", "0/000.", "0/000.p/-1",
		"entries", "entries/", "entries/0", "entries/x000/000",
		"entries/000.p/0", "Entries/000", "entry/000", "data/000",
		"0/000?x", "0/000#", "0/000\n", "0/000/../000",
		/* Beyond int64. */
		"0/x009/x223/x372/x036/x854/x775/808",
		"0/x010/x000/x000/x000/x000/x000/000",
		"0/x001/x000/x000/x000/x000/x000/x000/000",
		"0/x999/x999/x999/x999/x999/x999/x999/999",
		/* Longer than any tile path. */
		"0/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/001",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i]);
}

static void
format_refuses_what_no_path_can_say(void **state)
{
	struct tile_ref t = {0, 0, 0, 256};
	char out[64], tiny[6];

	t.width = 0;
	assert_int_equal(tilepath_format(out, sizeof(out), &t), -1);
	t.width = 257;
	assert_int_equal(tilepath_format(out, sizeof(out), &t), -1);
	t.width = 256;
	t.index = -1;
	assert_int_equal(tilepath_format(out, sizeof(out), &t), -1);
	t.index = 0;
	t.level = 64;
	assert_int_equal(tilepath_format(out, sizeof(out), &t), -1);
	t.level = -1;
	assert_int_equal(tilepath_format(out, sizeof(out), &t), -1);
	t.level = 5;
	t.index = 1234067;
	assert_int_equal(tilepath_format(tiny, sizeof(tiny), &t), -1);
	assert_int_equal(tilepath_format(out, sizeof(out), &t), 0);
	assert_string_equal(out, "5/x001/x234/067");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_examples_parse),
		cmocka_unit_test(every_tile_has_one_spelling),
		cmocka_unit_test(non_canonical_and_malformed_paths_are_refused),
		cmocka_unit_test(format_refuses_what_no_path_can_say),
	};

	return cmocka_run_group_tests_name("unit.tilepath", tests, NULL, NULL);
}
