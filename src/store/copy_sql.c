/* SPDX-License-Identifier: ISC */
/*
 * SQL texts of a table copy (copy_sql.h).
 */
#include <string.h>

#include "store/copy_sql.h"

int
copy_sql_cols(struct buf *out, const struct table_spec *t)
{
	size_t i, n = table_ncols(t);

	for (i = 0; i < n; i++)
		if (buf_printf(out, "%s%s", i > 0 ? ", " : "",
		    t->cols[i]) == -1)
			return -1;
	return 0;
}

int
copy_sql_select(struct buf *out, const struct table_spec *t)
{
	buf_reset(out);
	if (buf_puts(out, "SELECT ") == -1 || copy_sql_cols(out, t) == -1 ||
	    buf_printf(out, " FROM %s ORDER BY %s", t->name, t->key) == -1 ||
	    buf_append(out, "", 1) == -1)
		return -1;
	return 0;
}

int
copy_sql_insert(struct buf *out, const struct table_spec *t, const char *p)
{
	size_t i, n = table_ncols(t);

	buf_reset(out);
	if (t->update)
		return copy_sql_update(out, t, p);
	if (buf_printf(out, "INSERT INTO %s(", t->name) == -1 ||
	    copy_sql_cols(out, t) == -1 || buf_puts(out, ") VALUES (") == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (buf_printf(out, "%s%s%zu", i > 0 ? ", " : "", p,
		    i + 1) == -1)
			return -1;
	if (buf_puts(out, ")") == -1 || buf_append(out, "", 1) == -1)
		return -1;
	return 0;
}

int
copy_sql_update(struct buf *out, const struct table_spec *t, const char *p)
{
	size_t i, n = table_ncols(t);

	buf_reset(out);
	if (t->update == 2)
		return buf_printf(out, "DELETE FROM %s WHERE %s = %s1",
		    t->name, t->cols[0], p) == -1 ||
		    buf_append(out, "", 1) == -1 ? -1 : 0;
	if (buf_printf(out, "UPDATE %s SET ", t->name) == -1)
		return -1;
	for (i = 1; i < n; i++)
		if (buf_printf(out, "%s%s = %s%zu", i > 1 ? ", " : "",
		    t->cols[i], p, i + 1) == -1)
			return -1;
	if (buf_printf(out, " WHERE %s = %s1", t->cols[0], p) == -1 ||
	    buf_append(out, "", 1) == -1)
		return -1;
	return 0;
}
