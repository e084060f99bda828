/* SPDX-License-Identifier: ISC */
/*
 * server: HTTP/1.1 over libmicrohttpd, one thread per connection (a request
 * may block until its log entry is durable without stalling others).  It
 * collects each request body up to a cap the application chooses once it
 * has seen the headers, then hands the whole request to the application.
 */
#ifndef CUSTOS_HTTP_SERVER_H
#define CUSTOS_HTTP_SERVER_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

#define HTTP_HEADER_BYTES (16 * 1024)   /* all headers of one request */
#define HTTP_ADDR_MAX 64                /* textual IPv4/IPv6 address */

struct http_req {
	const char *method;
	const char *path;               /* as sent, percent-decoded by MHD */
	char source[HTTP_ADDR_MAX];     /* peer address */
	struct buf body;
	int body_too_large;
	size_t body_cap;
	void *conn;                     /* struct MHD_Connection */
};

struct http_resp {
	int status;
	const char *content_type;
	struct buf body;
	char retry_after[16];           /* "" or seconds */
	const char *cache_control;      /* NULL: no-store */
};

struct http_app {
	/* Called once the headers are in: how many body bytes to accept. */
	size_t (*body_cap)(void *ctx, const struct http_req *r);
	/* Called with the whole request; fills out. */
	void (*handle)(void *ctx, struct http_req *r, struct http_resp *out);
	void *ctx;
};

struct http_config {
	const char *listen;             /* "ADDR:PORT" or "[ADDR6]:PORT" */
	const char *tls_cert;           /* PEM files, or NULL for plain HTTP */
	const char *tls_key;
	unsigned max_connections;
	unsigned per_ip_connections;    /* 0: no per-address limit */
	unsigned timeout_seconds;
};

struct http_server;

struct http_server *http_start(const struct http_config *cfg,
    const struct http_app *app, struct err *e);
void http_stop(struct http_server *s);

/* A request header or query argument, or NULL. */
const char *http_header(const struct http_req *r, const char *name);
const char *http_query(const struct http_req *r, const char *name);

/* Splits "ADDR:PORT" / "[ADDR]:PORT"; 0 or -1. */
int http_parse_listen(const char *s, char *addr, size_t addrsize,
    unsigned *port) __attribute__((warn_unused_result));

#endif
