/* SPDX-License-Identifier: ISC */
/*
 * tilepath: C2SP tlog-tiles paths.  Only the canonical spelling of a tile
 * is accepted, so that each tile has exactly one path (and one cache
 * entry): L and W are decimal without leading zeros, N is in groups of
 * exactly three digits with no leading all-zero "x000/" group, and nothing
 * may follow.  Hence tilepath_format(tilepath_parse(p)) == p.
 */
#include "tlog/tilepath.h"

#include <string.h>

#include "common/str.h"

#define TILE_LEVEL_MAX 63
#define TILE_GROUPS_MAX 7       /* INT64_MAX has 19 digits */
#define TILEPATH_MAX 64         /* longer than any valid path */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Parses a decimal in [min, max] with no leading zero at *pp, of at most
 * `digits` digits; advances *pp.
 */
static int
parse_small(int *out, const char **pp, int min, int max, int digits)
{
	const char *p = *pp;
	int v = 0, n = 0;

	while (is_digit(*p) && n < digits + 1) {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n == 0 || n > digits || (n > 1 && **pp == '0') || v < min ||
	    v > max)
		return -1;
	*out = v;
	*pp = p;
	return 0;
}

/* Parses N as "x123/x456/789" at *pp; advances *pp. */
static int
parse_index(int64_t *out, const char **pp)
{
	const char *p = *pp;
	int64_t v = 0;
	int groups, g, x;

	for (groups = 0; groups < TILE_GROUPS_MAX; groups++) {
		x = *p == 'x';
		if (x)
			p++;
		if (!is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]))
			return -1;
		g = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
		/* A leading "x000/" group is a second spelling of N. */
		if (x && groups == 0 && g == 0)
			return -1;
		if (v > (INT64_MAX - g) / 1000)
			return -1;
		v = v * 1000 + g;
		if (!x) {
			*out = v;
			*pp = p;
			return 0;
		}
		if (*p != '/')
			return -1;
		p++;
	}
	return -1;
}

int
tilepath_parse(struct tile_ref *t, const char *path, struct err *e)
{
	const char *p = path;

	memset(t, 0, sizeof(*t));
	if (strnlen(path, TILEPATH_MAX) >= TILEPATH_MAX)
		goto bad;
	if (strncmp(p, "entries/", 8) == 0) {
		t->entries = 1;
		p += 8;
	} else {
		if (parse_small(&t->level, &p, 0, TILE_LEVEL_MAX, 2) == -1 ||
		    *p != '/')
			goto bad;
		p++;
	}
	if (parse_index(&t->index, &p) == -1)
		goto bad;
	t->width = TILE_WIDTH;
	if (*p == '.') {
		if (strncmp(p, ".p/", 3) != 0)
			goto bad;
		p += 3;
		if (parse_small(&t->width, &p, 1, TILE_WIDTH - 1, 3) == -1)
			goto bad;
	}
	if (*p != '\0')
		goto bad;
	return 0;
bad:
	memset(t, 0, sizeof(*t));
	return err_set(e, 404, "not_found", "no such tile path; tiles are "
	    "tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>] "
	    "(c2sp.org/tlog-tiles)");
}

int
tilepath_format(char *out, size_t size, const struct tile_ref *t)
{
	char tmp[TILEPATH_MAX], *p = tmp;
	int groups[TILE_GROUPS_MAX], ng = 0, i;
	int64_t n = t->index;
	size_t left = sizeof(tmp);
	int w;

	if (size > 0)
		out[0] = '\0';
	if (t->index < 0 || t->width < 1 || t->width > TILE_WIDTH ||
	    (!t->entries && (t->level < 0 || t->level > TILE_LEVEL_MAX)))
		return -1;
	do {
		groups[ng++] = (int)(n % 1000);
		n /= 1000;
	} while (n > 0);
	if (t->entries)
		w = str_printf(p, left, "entries/");
	else
		w = str_printf(p, left, "%d/", t->level);
	for (i = ng - 1; w == 0 && i >= 0; i--) {
		p += strlen(p);
		left = sizeof(tmp) - (size_t)(p - tmp);
		w = str_printf(p, left, i > 0 ? "x%03d/" : "%03d", groups[i]);
	}
	if (w == 0 && t->width < TILE_WIDTH) {
		p += strlen(p);
		left = sizeof(tmp) - (size_t)(p - tmp);
		w = str_printf(p, left, ".p/%d", t->width);
	}
	if (w == -1)
		return -1;
	return str_copy(out, size, tmp);
}
