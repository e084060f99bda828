/* SPDX-License-Identifier: ISC */
/*
 * table: the one renderer of tables for human output.  Columns are padded
 * to their widest cell, two spaces apart; every cell is cleaned as
 * cli_put() does (it came from the server, which got it from someone
 * else).  Commands describe a table (headers, where the list is in the
 * answer, how one element becomes a row) and cli_table_show() does the
 * rest: the checks of the answer's shape, the empty case, the output.
 */
#ifndef CUSTOS_CLI_TABLE_H
#define CUSTOS_CLI_TABLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"

#define CLI_TABLE_COLS_MAX 12
#define CLI_TABLE_TMP 512       /* one made-up cell */

/* An opaque table being filled. */
struct cli_table;

struct cli_table *cli_table_new(size_t ncols, const char *const *headers);

/* Adds a row of ncols cells (NULL shows as "-").  Returns 0 or -1. */
int cli_table_add(struct cli_table *t, const char *const *cells)
	__attribute__((warn_unused_result));

void cli_table_print(const struct cli_table *t, FILE *f);

void cli_table_free(struct cli_table *t);

/* One row being made: cell[i] may point into the element or into tmp. */
struct cli_row {
	const char *cell[CLI_TABLE_COLS_MAX];
	char tmp[8][CLI_TABLE_TMP];
};

/* Fills r->cell[0..ncols) from one element of the list. */
typedef void (*cli_row_fn)(struct cli_row *r, const json_t *item);

struct cli_table_spec {
	const char *const *head;        /* ncols headers */
	size_t ncols;                   /* at most CLI_TABLE_COLS_MAX */
	const char *list;               /* the answer's key of the array */
	const char *what;               /* named when it is missing */
	const char *none;               /* printed when it is empty */
	cli_row_fn row;
};

/*
 * Prints a[spec->list] as a table on stdout, spec->none when the array is
 * empty; when it is no array, says so and shows the answer as it came.
 * Returns an enum cli_exit.
 */
int cli_table_show(const json_t *a, const struct buf *answer,
    const struct cli_table_spec *spec) __attribute__((nonnull));

#endif
