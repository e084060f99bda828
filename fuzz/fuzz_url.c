/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes url_origin_parse, the parser of --public-url (config files and
 * the environment): an accepted URL gives an http(s) origin that is
 * scheme://host[:port] with a lower-case host of allowed characters and no
 * path, and parsing that origin again gives the same parts; a refusal is a
 * 400 that names the public URL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[600];
	struct url_origin o, again;
	struct err e;
	size_t i;

	if (size >= sizeof(text) || memchr(data, 0, size) != NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err_init(&e);
	if (url_origin_parse(&o, text, &e) == -1) {
		if (e.status != 400 || strstr(e.msg, "public URL") == NULL)
			abort();
		return 0;
	}
	if (o.host[0] == '\0' || strncmp(o.origin, o.secure ? "https://" :
	    "http://", o.secure ? 8 : 7) != 0)
		abort();
	for (i = 0; o.host[i] != '\0'; i++)
		if (o.host[i] >= 'A' && o.host[i] <= 'Z')
			abort();
	if (strchr(o.origin + 8, '/') != NULL)
		abort();
	if (url_origin_parse(&again, o.origin, &e) == -1 ||
	    strcmp(again.origin, o.origin) != 0 ||
	    strcmp(again.host, o.host) != 0 || again.secure != o.secure)
		abort();
	return 0;
}
