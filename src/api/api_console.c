/* SPDX-License-Identifier: ISC */
/*
 * The console's files: GET / is the console's one page, GET /console/...
 * its scripts and styles, GET /reset the page a mailed reset link opens.
 * All built into custosd (api/assets.h), the same for everyone, served
 * with the strict headers every answer carries (src/http/server.c): no
 * inline script, nothing from another origin, no framing.
 */
#include <string.h>

#include "api/assets.h"
#include "api/req.h"
#include "common/str.h"

#define ASSET_PATH_MAX 128

static const struct console_asset *
asset_find(const char *path)
{
	size_t i;

	for (i = 0; i < console_assets_count; i++)
		if (strcmp(console_assets[i].path, path) == 0)
			return &console_assets[i];
	return NULL;
}

int
h_console(struct req *q)
{
	const struct console_asset *a;
	const char *path = q->http->path;
	char want[ASSET_PATH_MAX];

	if (strcmp(path, "/") == 0)
		path = "/console/index.html";
	else if (strcmp(path, "/reset") == 0)
		path = "/console/reset.html";
	if (strlen(path) >= sizeof(want) || strstr(path, "..") != NULL) {
		q->err.reason = "no_such_route";
		return err_set(&q->err, 404, "not_found", "no such file");
	}
	str_copy(want, sizeof(want), path);
	a = asset_find(want);
	if (a == NULL) {
		q->err.reason = "no_such_route";
		return err_set(&q->err, 404, "not_found", "no such file");
	}
	buf_reset(&q->raw);
	if (buf_append(&q->raw, a->data, a->len) == -1)
		return err_internal(&q->err, "answer too large");
	q->has_raw = 1;
	q->raw_type = a->type;
	/* Revalidated on every use, so a new custosd's console is never
	 * mixed with an old one's cached scripts. */
	q->cache_control = "no-cache";
	q->etag = a->etag;
	q->status = 200;
	return 0;
}
