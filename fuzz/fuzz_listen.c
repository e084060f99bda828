/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes http_parse_listen, which splits --listen's "ADDR:PORT" or
 * "[ADDR6]:PORT".  What it accepts must put back together into the input:
 * a non-empty address that fits its buffer and a port of 0..65535.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char addr[64], again[512];
	unsigned port = 99999;
	const char *colon;
	char *s;

	if (size > 400)
		return 0;
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(addr, 'Z', sizeof(addr));
	if (http_parse_listen(s, addr, sizeof(addr), &port) == 0) {
		if (memchr(addr, '\0', sizeof(addr)) == NULL ||
		    addr[0] == '\0' || port > 65535)
			abort();
		/* The port is the text after the last ':' of the input. */
		colon = strrchr(s, ':');
		if (colon == NULL || colon[1] == '\0')
			abort();
		if (s[0] == '[')
			snprintf(again, sizeof(again), "[%s]:%s", addr,
			    colon + 1);
		else
			snprintf(again, sizeof(again), "%s:%s", addr,
			    colon + 1);
		if (strcmp(again, s) != 0)
			abort();
	}
	free(s);
	return 0;
}
