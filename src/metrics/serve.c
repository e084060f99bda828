/* SPDX-License-Identifier: ISC */
#include "metrics/serve.h"

#include <stdlib.h>
#include <string.h>

#include "http/server.h"
#include "metrics/expo.h"


struct metrics_server {
	struct http_server *http;
	struct metrics *m;
};

static size_t
no_body(void *ctx, const struct http_req *r)
{
	return 0;
}

static int
say(struct http_resp *out, int status, const char *code, const char *msg)
{
	out->status = status;
	buf_reset(&out->body);
	return buf_printf(&out->body, "{\"error\":{\"code\":\"%s\","
	    "\"message\":\"%s\"}}\n", code, msg);
}

static enum http_outcome
handle(void *ctx, struct http_req *r, struct http_resp *out)
{
	struct metrics_server *s = ctx;

	if (strcmp(r->path, "/metrics") != 0) {
		(void)!say(out, 404, "not_found", "only /metrics is here");
		return HTTP_DONE;
	}
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		(void)!say(out, 405, "bad_request", "only GET");
		return HTTP_DONE;
	}
	if (r->body.len > 0 || r->body_too_large) {
		(void)!say(out, 400, "bad_request", "no body here");
		return HTTP_DONE;
	}
	metrics_scraped(s->m);
	out->status = 200;
	out->content_type = EXPO_CONTENT_TYPE;
	if (metrics_write(s->m, &out->body) == -1)
		(void)!say(out, 500, "internal", "the metrics do not fit");
	return HTTP_DONE;
}

struct metrics_server *
metrics_serve(const char *listen, struct metrics *m, struct err *e)
{
	struct metrics_server *s = calloc(1, sizeof(*s));
	struct http_config hc;
	struct http_app app;

	if (s == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	s->m = m;
	memset(&hc, 0, sizeof(hc));
	hc.listen = listen;
	hc.max_connections = 32;
	hc.per_ip_connections = 0;
	hc.timeout_seconds = 30;
	hc.header_seconds = 10;
	hc.body_min_rate = 0;
	/* libmicrohttpd wants a pool of two or more (one: its warning). */
	hc.poll_threads = 2;
	hc.workers = 1;
	memset(&app, 0, sizeof(app));
	app.body_cap = no_body;
	app.handle = handle;
	app.ctx = s;
	s->http = http_start(&hc, &app, e);
	if (s->http == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void
metrics_serve_stop(struct metrics_server *s)
{
	if (s == NULL)
		return;
	http_stop(s->http);
	free(s);
}
