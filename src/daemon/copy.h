/* SPDX-License-Identifier: ISC */
/*
 * copy: moves a whole store from one backend to another (custosd
 * copy-store): SQLite to PostgreSQL, back, or SQLite to SQLite.  Every
 * table of tables.c is read from the source in key order and written to
 * the target in one transaction; then both are read again and compared,
 * table by table, by a SHA-256 over each table's rows (type, length and
 * bytes of every value), and the log's Merkle root is recomputed from
 * the target's leaves and compared with its latest checkpoint.  So the
 * log arrives bit for bit: the same leaves, tiles and signed
 * checkpoints, which still verify under the same key.
 */
#ifndef CUSTOS_DAEMON_COPY_H
#define CUSTOS_DAEMON_COPY_H

#include <stdio.h>

#include "common/err.h"

/*
 * Copies the store at from into the store at to (each a SQLite file path
 * or a postgresql:// URL: store_ops_for).  The target is migrated first
 * and must hold nothing yet (only meta's own marks): else 409 and nothing
 * is written.  Writes a line per table and the log's check to out.
 * 0, or -1 with e (the target's transaction rolled back).
 */
int store_copy(const char *from, const char *to, FILE *out, struct err *e)
	__attribute__((warn_unused_result));

#endif
