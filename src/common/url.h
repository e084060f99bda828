/* SPDX-License-Identifier: ISC */
/*
 * url: the parts of the console's public URL that the browser's security
 * model is built on: the origin (scheme://host[:port], what an Origin
 * header and WebAuthn's clientDataJSON carry) and the host (WebAuthn's
 * relying-party id).  Only http and https; no user info.
 */
#ifndef CUSTOS_COMMON_URL_H
#define CUSTOS_COMMON_URL_H

#include <stddef.h>

#include "common/err.h"

#define URL_ORIGIN_MAX 256

struct url_origin {
	char origin[URL_ORIGIN_MAX];     /* "https://gate.example.com:8443" */
	char host[URL_ORIGIN_MAX];       /* "gate.example.com" */
	int secure;                      /* https */
};

/* Splits url ("http[s]://host[:port][/path]") into o.  0, or -1 with e
 * (400) naming what is wrong.  Hosts are lower-cased; a default port
 * (80 for http, 443 for https) is left out of the origin, as browsers
 * do. */
int url_origin_parse(struct url_origin *o, const char *url, struct err *e)
	__attribute__((warn_unused_result, nonnull));

/* The console's URL when none is configured, for listen "ADDR:PORT":
 * http(s)://localhost:PORT for a loopback address (an IP address can never
 * be a WebAuthn relying party, and browsers treat localhost as a secure
 * context), else http(s)://ADDR:PORT.  0 or -1. */
int url_default_public(char *out, size_t size, const char *listen,
    int tls) __attribute__((warn_unused_result, nonnull));

#endif
