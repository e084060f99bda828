/* SPDX-License-Identifier: ISC */
/*
 * tilepath: the C2SP tlog-tiles paths (https://c2sp.org/tlog-tiles):
 *   tile/<L>/<N>[.p/<W>]          hashes at level 8*L, tile number N
 *   tile/entries/<N>[.p/<W>]      entry bundle N
 * N is written in groups of three digits, each but the last with an "x"
 * prefix: 1234067 -> x001/x234/067.  W is 1..255 for a partial tile.
 */
#ifndef CUSTOS_TLOG_TILEPATH_H
#define CUSTOS_TLOG_TILEPATH_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define TILE_HEIGHT 8
#define TILE_WIDTH 256

struct tile_ref {
	int entries;            /* 1: an entry bundle; level unused */
	int level;              /* 0..63 */
	int64_t index;          /* N */
	int width;              /* 256 for a full tile, else 1..255 */
};

/* Parses the part of a path after "tile/". */
int tilepath_parse(struct tile_ref *t, const char *path, struct err *e)
	__attribute__((warn_unused_result));

/* Writes the path (without a leading "tile/"). */
int tilepath_format(char *out, size_t size, const struct tile_ref *t)
	__attribute__((warn_unused_result));

#endif
