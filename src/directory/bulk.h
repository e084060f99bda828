/* SPDX-License-Identifier: ISC */
/*
 * bulk: the directory's bulk import (POST /v1/import, what `custos seed`
 * sends): JSON lines, one object each with its "kind", checked by
 * dir_parse like a create call.  Every object gets its own create entry
 * (detail via=import) and all lines are stored in one transaction, or
 * none; a refusal names the line ("line N: ...").  Nothing here knows
 * HTTP.
 */
#ifndef CUSTOS_DIRECTORY_BULK_H
#define CUSTOS_DIRECTORY_BULK_H

#include <stddef.h>
#include <stdint.h>

#include "audit/event.h"
#include "common/err.h"
#include "directory/directory.h"
#include "store/store.h"

#define BULK_LINE_MAX (1024 * 1024)
#define BULK_LINES_MAX 100000

struct bulk_item {
	struct dir_object d;
	struct event ev;
	long line;
	const struct store_ops *ops;
};

/* Who imports, and how. */
struct bulk_in {
	const struct actor *by;
	const char *source;             /* the caller's address */
	const char *issuer;             /* of engineers' TOTP URIs */
	int64_t now;
};

struct bulk {
	struct bulk_item *items;
	size_t n, cap;
	int counts[DIR_KIND_COUNT];     /* objects per kind */
	struct store_job *jobs;         /* one per item, after bulk_parse */
};

/*
 * Parses data (len bytes of JSON lines; blank lines and a '\r' before the
 * '\n' are skipped) into b and makes its jobs (b->jobs[0..b->n)), which the
 * caller hands to store_write_all.  400 naming the line when one is not a
 * valid object, is longer than BULK_LINE_MAX or there are more than
 * BULK_LINES_MAX; 400 when there is none.  Free b with bulk_cleanup()
 * either way.
 */
int bulk_parse(struct bulk *b, const char *data, size_t len,
    const struct store_ops *ops, const struct bulk_in *in, struct err *e)
	__attribute__((warn_unused_result));

void bulk_cleanup(struct bulk *b);

#endif
