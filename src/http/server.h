/* SPDX-License-Identifier: ISC */
/*
 * server: HTTP/1.1 over libmicrohttpd, on a fixed pool of threads polling
 * with epoll, and a fixed pool of application workers.  It collects each
 * request body up to a cap the application chooses once it has seen the
 * headers (refusing a declared Content-Length over it before the body is
 * read), then suspends the connection and hands the whole request to a
 * worker.  The application answers at once, or later from any thread
 * (http_complete): a request waiting for its log entry's commit holds no
 * thread.  No thread ever waits on a client: the connection guard
 * (guard.h) gives headers and bodies deadlines and makes room at the
 * connection limits.  See docs/internals/http.md.
 */
#ifndef CUSTOS_HTTP_SERVER_H
#define CUSTOS_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define HTTP_HEADER_BYTES (16 * 1024)   /* all headers of one request */
#define HTTP_ADDR_MAX 64                /* textual IPv4/IPv6 address */

#define HTTP_COOKIE_MAX 256

struct http_server;
struct guard_conn;

struct http_req {
	const char *method;
	const char *path;               /* as sent, percent-decoded by MHD */
	char source[HTTP_ADDR_MAX];     /* peer address */
	struct buf body;
	int tls;                        /* came over TLS */
	int body_too_large;
	size_t body_cap;
	void *conn;                     /* struct MHD_Connection */
	int64_t started_ns;             /* CLOCK_MONOTONIC at its headers */
	int tag;                        /* the application's label for
					 * done() (api: the action); -1 */
	/* the server's own */
	struct http_server *srv;
	struct guard_conn *guard;
	int state;
	struct http_req *next;          /* in the workers' queue */
	struct http_resp *resp;
};

struct http_resp {
	int status;
	const char *content_type;
	struct buf body;
	char retry_after[16];           /* "" or seconds */
	const char *cache_control;      /* NULL: no-store */
	const char *etag;               /* NULL: none */
	char set_cookie[HTTP_COOKIE_MAX];       /* "" or one Set-Cookie */
};

/* What handle() says. */
enum http_outcome {
	HTTP_DONE,      /* out is filled: send it */
	HTTP_PENDING    /* http_complete(r) will be called, exactly once */
};

struct http_app {
	/* Called once the headers are in: how many body bytes to accept.
	 * A declared Content-Length over it is not read: the request goes
	 * to handle() at once with body_too_large set. */
	size_t (*body_cap)(void *ctx, const struct http_req *r);
	/* Called on a worker with the whole request; fills out now
	 * (HTTP_DONE) or later (HTTP_PENDING).  r and out live until
	 * http_complete(r) is called. */
	enum http_outcome (*handle)(void *ctx, struct http_req *r,
	    struct http_resp *out);
	/* May be NULL.  Called once per answered request (refusals before
	 * handle() included, r->tag then -1) just before it is sent, with
	 * the status and the nanoseconds since its headers: for metrics.
	 * Any thread; must not block. */
	void (*done)(void *ctx, const struct http_req *r, int status,
	    int64_t ns);
	void *ctx;
};

struct http_config {
	const char *listen;             /* "ADDR:PORT" or "[ADDR6]:PORT" */
	const char *tls_cert;           /* PEM files, or NULL for plain HTTP */
	const char *tls_key;
	unsigned max_connections;
	unsigned per_ip_connections;    /* 0: no per-address limit */
	unsigned timeout_seconds;       /* inactivity while answering */
	unsigned header_seconds;        /* headers complete within */
	unsigned body_min_rate;         /* bytes/s, after header_seconds */
	unsigned poll_threads;          /* 0: one per core */
	unsigned workers;               /* application workers; 0: 16 */
};

struct http_server *http_start(const struct http_config *cfg,
    const struct http_app *app, struct err *e);
/* Stops accepting, waits (a bounded time) for pending answers, stops. */
void http_stop(struct http_server *s);

/*
 * Sends the answer the application has put in the out given to handle():
 * called once per HTTP_PENDING request, from any thread.  r belongs to
 * the server again when it returns.
 */
void http_complete(struct http_req *r);

/* A request header, query argument or cookie, or NULL. */
const char *http_header(const struct http_req *r, const char *name);
const char *http_query(const struct http_req *r, const char *name);
const char *http_cookie(const struct http_req *r, const char *name);

/* Splits "ADDR:PORT" / "[ADDR]:PORT"; 0 or -1. */
int http_parse_listen(const char *s, char *addr, size_t addrsize,
    unsigned *port) __attribute__((warn_unused_result));

#endif
