/* SPDX-License-Identifier: ISC */
#include <ctype.h>
#include <string.h>

#include "common/num.h"
#include "common/str.h"
#include "common/url.h"

int
url_origin_parse(struct url_origin *o, const char *url, struct err *e)
{
	const char *p, *host, *end, *colon;
	size_t hlen, i;
	int64_t port = -1;
	char pbuf[8];

	memset(o, 0, sizeof(*o));
	if (strncmp(url, "https://", 8) == 0) {
		o->secure = 1;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		return err_set(e, 400, "bad_request", "public URL '%.64s': "
		    "must start with http:// or https://", url);
	}
	host = p;
	end = host + strcspn(host, "/?#");
	if (memchr(host, '@', (size_t)(end - host)) != NULL)
		return err_set(e, 400, "bad_request", "public URL: no user "
		    "name or password may be given");
	if (*host == '[') {             /* [v6]:port */
		const char *rb = memchr(host, ']', (size_t)(end - host));

		if (rb == NULL)
			return err_set(e, 400, "bad_request", "public URL: "
			    "unclosed '['");
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		if (rb + 1 < end && colon == NULL)
			return err_set(e, 400, "bad_request", "public URL: "
			    "junk after ']'");
		hlen = (size_t)(rb + 1 - host);
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
		hlen = (size_t)((colon != NULL ? colon : end) - host);
	}
	if (hlen == 0 || hlen >= sizeof(o->host) - 1)
		return err_set(e, 400, "bad_request", "public URL: the host "
		    "is empty or too long");
	for (i = 0; i < hlen; i++) {
		unsigned char ch = (unsigned char)host[i];

		if (!isalnum(ch) && strchr("-._[]:", ch) == NULL)
			return err_set(e, 400, "bad_request", "public URL: "
			    "the host has a character that is not allowed");
		o->host[i] = (char)tolower(ch);
	}
	o->host[hlen] = '\0';
	if (colon != NULL) {
		size_t plen = (size_t)(end - colon - 1);

		if (plen == 0 || plen >= sizeof(pbuf))
			return err_set(e, 400, "bad_request", "public URL: "
			    "bad port");
		memcpy(pbuf, colon + 1, plen);
		pbuf[plen] = '\0';
		if (num_parse_i64(&port, pbuf, 1, 65535) == -1)
			return err_set(e, 400, "bad_request", "public URL: "
			    "bad port");
	}
	if (port == (o->secure ? 443 : 80))
		port = -1;
	if (port == -1)
		return str_printf(o->origin, sizeof(o->origin), "%s://%s",
		    o->secure ? "https" : "http", o->host) == -1 ?
		    err_set(e, 400, "bad_request", "public URL: too long") : 0;
	return str_printf(o->origin, sizeof(o->origin), "%s://%s:%lld",
	    o->secure ? "https" : "http", o->host, (long long)port) == -1 ?
	    err_set(e, 400, "bad_request", "public URL: too long") : 0;
}

int
url_default_public(char *out, size_t size, const char *listen, int tls)
{
	const char *scheme = tls ? "https" : "http";
	const char *port = strrchr(listen, ':');

	if (port != NULL && (strncmp(listen, "127.", 4) == 0 ||
	    strncmp(listen, "[::1]:", 6) == 0 ||
	    strncmp(listen, "localhost:", 10) == 0))
		return str_printf(out, size, "%s://localhost%s", scheme, port);
	return str_printf(out, size, "%s://%s", scheme, listen);
}
