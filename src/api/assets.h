/* SPDX-License-Identifier: ISC */
/*
 * assets: the console's files, built into custosd from console/ by
 * cmake/embed_console.cmake (the generated console_assets.c).
 */
#ifndef CUSTOS_API_ASSETS_H
#define CUSTOS_API_ASSETS_H

#include <stddef.h>

struct console_asset {
	const char *path;               /* "/console/js/app.js" */
	const unsigned char *data;
	size_t len;
	const char *type;               /* Content-Type */
	const char *etag;               /* quoted */
};

extern const struct console_asset console_assets[];
extern const size_t console_assets_count;

#endif
