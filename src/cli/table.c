/* SPDX-License-Identifier: ISC */
/*
 * table.c: tables for human output (see table.h).
 */
#include "cli/table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/out.h"

#define CLI_CELL_MAX 4096       /* longest table cell shown, in bytes */

struct cli_table {
	size_t ncols;
	size_t nrows;           /* rows[0] is the header */
	size_t alloc;
	char **cells;           /* nrows * ncols */
	size_t *widths;         /* per cell, in characters */
	size_t *colw;           /* per column */
};

static int
table_row(struct cli_table *t, const char *const *cells)
{
	size_t i, base;
	char **nc;
	size_t *nw;

	if (t->nrows == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 16;

		if (na > SIZE_MAX / t->ncols / sizeof(char *))
			return -1;
		nc = realloc(t->cells, na * t->ncols * sizeof(char *));
		if (nc == NULL)
			return -1;
		t->cells = nc;
		nw = realloc(t->widths, na * t->ncols * sizeof(size_t));
		if (nw == NULL)
			return -1;
		t->widths = nw;
		t->alloc = na;
	}
	base = t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		const char *s = cells[i] != NULL ? cells[i] : "-";

		t->cells[base + i] = cli_clean_dup(s, 0, CLI_CELL_MAX,
		    &t->widths[base + i]);
		if (t->cells[base + i] == NULL) {
			while (i-- > 0)
				free(t->cells[base + i]);
			return -1;
		}
	}
	for (i = 0; i < t->ncols; i++)
		if (t->widths[base + i] > t->colw[i])
			t->colw[i] = t->widths[base + i];
	t->nrows++;
	return 0;
}

struct cli_table *
cli_table_new(size_t ncols, const char *const *headers)
{
	struct cli_table *t;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	t->colw = calloc(ncols, sizeof(size_t));
	if (t->colw == NULL || table_row(t, headers) == -1) {
		cli_table_free(t);
		return NULL;
	}
	return t;
}

int
cli_table_add(struct cli_table *t, const char *const *cells)
{
	return table_row(t, cells);
}

void
cli_table_print(const struct cli_table *t, FILE *f)
{
	size_t r, c, k, idx;

	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			idx = r * t->ncols + c;
			fputs(t->cells[idx], f);
			if (c + 1 == t->ncols)
				break;
			for (k = t->widths[idx]; k < t->colw[c] + 2; k++)
				fputc(' ', f);
		}
		fputc('\n', f);
	}
}

void
cli_table_free(struct cli_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (t->cells != NULL)
		for (i = 0; i < t->nrows * t->ncols; i++)
			free(t->cells[i]);
	free(t->cells);
	free(t->widths);
	free(t->colw);
	free(t);
}

int
cli_table_show(const json_t *a, const struct buf *answer,
    const struct cli_table_spec *spec)
{
	const json_t *list = json_object_get(a, spec->list), *item;
	struct cli_table *tab;
	struct cli_row *r;
	size_t i;
	int rc = CLI_FAIL;

	if (!json_is_array(list))
		return cli_unexpected(answer, spec->what);
	if (json_array_size(list) == 0) {
		printf("%s\n", spec->none);
		return CLI_OK;
	}
	if (spec->ncols > CLI_TABLE_COLS_MAX)
		return CLI_FAIL;
	r = malloc(sizeof(*r));
	tab = cli_table_new(spec->ncols, spec->head);
	if (r == NULL || tab == NULL)
		goto out;
	json_array_foreach(list, i, item) {
		memset(r->cell, 0, sizeof(r->cell));
		spec->row(r, item);
		if (cli_table_add(tab, r->cell) == -1)
			goto out;
	}
	cli_table_print(tab, stdout);
	rc = CLI_OK;
out:
	if (rc != CLI_OK)
		cli_warn("out of memory");
	cli_table_free(tab);
	free(r);
	return rc;
}
