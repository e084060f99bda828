/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes tilepath_parse on arbitrary text: a path it accepts formats back
 * to exactly itself (one spelling per tile) and a refusal is a 404.  The
 * same bytes read as a tile_ref must, when tilepath_format takes it,
 * parse back to the same tile.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tilepath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_parse(const char *s)
{
	struct tile_ref t;
	char again[128];
	struct err e;

	err_init(&e);
	if (tilepath_parse(&t, s, &e) == -1) {
		if (e.status != 404 || e.msg[0] == '\0')
			abort();
		return;
	}
	if (t.index < 0 || t.width < 1 || t.width > TILE_WIDTH ||
	    t.level < 0 || t.level > 63 || (t.entries && t.level != 0))
		abort();
	if (tilepath_format(again, sizeof(again), &t) != 0 ||
	    strcmp(again, s) != 0)
		abort();
}

static void
fuzz_format(const uint8_t *data, size_t size)
{
	struct tile_ref t, back;
	char path[128];
	struct err e;
	uint64_t n = 0;
	size_t i;

	if (size < 11)
		return;
	memset(&t, 0, sizeof(t));
	t.entries = data[0] & 1;
	t.level = t.entries ? 0 : (int)(signed char)data[1];
	t.width = (int)data[2] + (data[0] & 2 ? 1 : 0);
	for (i = 0; i < 8; i++)
		n = n << 8 | data[3 + i];
	t.index = (int64_t)(n >> (data[0] >> 2));
	if (tilepath_format(path, sizeof(path), &t) != 0)
		return;
	err_init(&e);
	if (tilepath_parse(&back, path, &e) != 0 ||
	    back.entries != t.entries || back.level != t.level ||
	    back.index != t.index || back.width != t.width)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 256)
		return 0;
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_parse(s);
	free(s);
	fuzz_format(data, size);
	return 0;
}
