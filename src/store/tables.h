/* SPDX-License-Identifier: ISC */
/*
 * tables: the store's tables as data (tables.c), for the copy between
 * backends.  A column is an integer (I: int64), text (T) or bytes (B);
 * any may be NULL.  SQLite's dynamic typing is read by the declared type
 * (an integer in a bytes column reads as its decimal text), so a row
 * reads the same from either backend.
 */
#ifndef CUSTOS_STORE_TABLES_H
#define CUSTOS_STORE_TABLES_H

#include <stddef.h>
#include <stdint.h>

#define TABLE_COLS_MAX 16

struct table_spec {
	const char *name;
	const char *key;                /* ORDER BY of a dump */
	const char *types;              /* one of I, T, B per column */
	const char *cols[TABLE_COLS_MAX];
	int update;                     /* load: 1, UPDATE t SET cols[1..]
					 * WHERE cols[0] = (rows exist);
					 * 2, DELETE WHERE cols[0] = */
};

/* One value of a row (valid during the dump's callback, or for the
 * load's call). */
struct table_value {
	char type;                      /* 'I', 'T', 'B'; 'N': NULL */
	int64_t i;
	const void *p;                  /* text (not NUL-ended) or bytes */
	size_t len;
};

extern const struct table_spec tables[];
extern const size_t tables_count;

/* The number of columns of t. */
size_t table_ncols(const struct table_spec *t);

#endif
