/* SPDX-License-Identifier: ISC */
/*
 * tilenodes: the inner levels of a tile; see tilenodes.h.  Each level is
 * hashed from the one below it, 2^(8-s) nodes at level s for a full tile:
 * 255 node hashes in all, the same work as the root alone.
 */
#include "tlog/tilenodes.h"

void
tilenodes_compute(merkle_hash *nodes, int width)
{
	int s, j, n;

	for (s = 1; s <= TILE_HEIGHT; s++) {
		merkle_hash *lo = nodes + tilenodes_offset(s - 1);
		merkle_hash *up = nodes + tilenodes_offset(s);

		n = width >> s;
		for (j = 0; j < n; j++)
			merkle_node_hash(up[j], lo[2 * j], lo[2 * j + 1]);
	}
}

const merkle_hash *
tilenodes_at(const merkle_hash *nodes, int width, int s, int64_t j)
{
	if (s < 0 || s > TILE_HEIGHT || j < 0 || j >= (width >> s))
		return NULL;
	return nodes + tilenodes_offset(s) + j;
}
