/* SPDX-License-Identifier: ISC */
/*
 * http.c: the libcurl wrapper.  The handle is reset (not re-made) before
 * each request: curl_easy_reset keeps the connection cache, so a run of
 * calls to one server stays on one TCP connection.
 */
#include "cli/http.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/jsonx.h"
#include "common/str.h"

#ifndef CUSTOS_VERSION
#define CUSTOS_VERSION "0"
#endif

#define URL_BUILD_MAX (CLI_URL_MAX + 16384)

struct cli_http {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
};

struct sink {
	struct buf *b;
	int too_big;
};

static size_t
on_data(char *p, size_t size, size_t n, void *data)
{
	struct sink *s = data;

	/* libcurl documents size as always 1. */
	if (size != 1 || buf_append(s->b, p, n) == -1) {
		s->too_big = 1;
		return 0;
	}
	return n;
}

static struct cli_http *
http_get(struct cli_conn *conn)
{
	struct cli_http *h;

	if (conn->http != NULL)
		return conn->http;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->curl = curl_easy_init();
	if (h->curl == NULL) {
		free(h);
		return NULL;
	}
	conn->http = h;
	return h;
}

/* Wipes header strings (one holds the token) before freeing them. */
static void
headers_free(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next)
		if (p->data != NULL)
			sodium_memzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static int
headers_add(struct curl_slist **l, const char *h)
{
	struct curl_slist *n = curl_slist_append(*l, h);

	if (n == NULL)
		return -1;
	*l = n;
	return 0;
}

static struct curl_slist *
headers_make(const struct cli_conn *conn, const char *content_type,
    int has_body)
{
	struct curl_slist *l = NULL;
	struct buf h;
	int ok = 0;

	buf_init_secret(&h, CLI_TOKEN_MAX + 256);
	if (headers_add(&l, "Accept: application/json") == -1 ||
	    /* No "Expect: 100-continue" round trip before big bodies. */
	    headers_add(&l, "Expect:") == -1)
		goto out;
	if (has_body) {
		if (buf_printf(&h, "Content-Type: %s", content_type) == -1 ||
		    headers_add(&l, h.data) == -1)
			goto out;
		buf_reset(&h);
	}
	if (conn->token != NULL && !conn->anonymous) {
		if (buf_printf(&h, "Authorization: Bearer %s",
		    conn->token) == -1 || headers_add(&l, h.data) == -1)
			goto out;
	}
	ok = 1;
out:
	buf_cleanup(&h);
	if (!ok) {
		headers_free(l);
		return NULL;
	}
	return l;
}

static int
http_setup(struct cli_http *h, const struct cli_conn *conn, const char *method,
    const char *url, const void *body, size_t body_len,
    struct curl_slist *headers, struct sink *sink)
{
	CURL *c = h->curl;
	CURLcode rc = CURLE_OK;

#define SET(opt, val) do {						\
		if (rc == CURLE_OK)					\
			rc = curl_easy_setopt(c, opt, val);		\
	} while (0)

	SET(CURLOPT_URL, url);
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_NOPROGRESS, 1L);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_CONNECTTIMEOUT, (long)CLI_HTTP_CONNECT_TIMEOUT);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_USERAGENT, "custos/" CUSTOS_VERSION);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_WRITEFUNCTION, on_data);
	SET(CURLOPT_WRITEDATA, sink);
	if (conn->cacert != NULL)
		SET(CURLOPT_CAINFO, conn->cacert);
	if (conn->timeout_ms > 0)
		SET(CURLOPT_TIMEOUT_MS, conn->timeout_ms);
	if (strcmp(method, "GET") == 0) {
		SET(CURLOPT_HTTPGET, 1L);
	} else {
		if (strcmp(method, "POST") == 0)
			SET(CURLOPT_POST, 1L);
		else
			SET(CURLOPT_CUSTOMREQUEST, method);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		SET(CURLOPT_POSTFIELDS, body != NULL ? body : "");
	}
#undef SET
	return rc == CURLE_OK ? 0 : -1;
}

static int
http_send(struct cli_conn *conn, const char *method, const char *path,
    const void *body, size_t body_len, const char *content_type,
    long *status, struct buf *answer, size_t (*read)(char *, size_t,
    size_t, void *), void *read_arg, int64_t stream_len)
{
	struct curl_slist *headers = NULL;
	struct cli_http *h;
	struct sink sink;
	struct buf url;
	CURLcode rc;
	int ret = -1;

	*status = 0;
	conn->retry_after = -1;
	buf_reset(answer);
	buf_init(&url, URL_BUILD_MAX);
	if (content_type == NULL)
		content_type = "application/json";
	h = http_get(conn);
	if (h == NULL) {
		cli_warn("cannot start libcurl");
		goto out;
	}
	curl_easy_reset(h->curl);
	h->errbuf[0] = '\0';
	if (buf_puts(&url, conn->server) == -1 || buf_puts(&url, path) == -1) {
		cli_warn("%s %s: URL too long", method, path);
		goto out;
	}
	headers = headers_make(conn, content_type, body != NULL ||
	    read != NULL);
	sink.b = answer;
	sink.too_big = 0;
	if (headers == NULL || http_setup(h, conn, method, url.data, body,
	    body_len, headers, &sink) == -1) {
		cli_warn("%s %s: cannot set up the request", method, path);
		goto out;
	}
	if (read != NULL && (curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS,
	    (char *)NULL) != CURLE_OK || curl_easy_setopt(h->curl,
	    CURLOPT_READFUNCTION, read) != CURLE_OK ||
	    curl_easy_setopt(h->curl, CURLOPT_READDATA, read_arg) !=
	    CURLE_OK || curl_easy_setopt(h->curl,
	    CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)stream_len) !=
	    CURLE_OK || curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS,
	    0L) != CURLE_OK)) {
		cli_warn("%s %s: cannot set up the request", method, path);
		goto out;
	}
	rc = curl_easy_perform(h->curl);
	if (rc != CURLE_OK) {
		if (conn->quiet)        /* the caller tries again (wait) */
			(void)str_copy(conn->last_error,
			    sizeof(conn->last_error), h->errbuf[0] != '\0' ?
			    h->errbuf : curl_easy_strerror(rc));
		else if (sink.too_big)
			cli_warn("%s %s: the answer is larger than %zu bytes",
			    method, path, answer->max);
		else
			cli_warn("%s %s: %s", method, path,
			    h->errbuf[0] != '\0' ? h->errbuf :
			    curl_easy_strerror(rc));
		goto out;
	}
	if (curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE,
	    status) != CURLE_OK) {
		cli_warn("%s %s: no HTTP status", method, path);
		goto out;
	}
	{
		curl_off_t ra = -1;

		if (curl_easy_getinfo(h->curl, CURLINFO_RETRY_AFTER,
		    &ra) == CURLE_OK && ra > 0)
			conn->retry_after = ra > 86400 ? 86400 : (long)ra;
	}
	ret = 0;
out:
	if (h != NULL) {
		/* Drop libcurl's pointers to memory about to be freed. */
		(void)curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
		(void)curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, NULL);
	}
	headers_free(headers);
	buf_cleanup(&url);
	return ret;
}

int
cli_http_send(struct cli_conn *conn, const char *method, const char *path,
    const void *body, size_t body_len, const char *content_type,
    long *status, struct buf *answer)
{
	return http_send(conn, method, path, body, body_len, content_type,
	    status, answer, NULL, NULL, 0);
}

int
cli_http_send_stream(struct cli_conn *conn, const char *method,
    const char *path, size_t (*read)(char *dst, size_t size, size_t n,
    void *arg), void *arg, int64_t body_len, const char *content_type,
    long *status, struct buf *answer)
{
	return http_send(conn, method, path, NULL, 0, content_type, status,
	    answer, read, arg, body_len);
}

int
cli_http_request(struct cli_conn *conn, const char *method, const char *path,
    const void *body, size_t body_len, const char *content_type,
    long *status, struct buf *answer)
{
	if (cli_http_send(conn, method, path, body, body_len, content_type,
	    status, answer) == -1)
		return -1;
	if (*status >= 400 || *status < 200)
		cli_http_print_error(conn, *status, answer);
	return 0;
}

void
cli_http_print_error(const struct cli_conn *conn, long status,
    const struct buf *answer)
{
	const char *code = NULL, *msg = NULL;
	json_t *v = NULL, *e;

	if (answer->len > 0)
		v = json_loadb(answer->data, answer->len, 0, NULL);
	e = json_object_get(v, "error");
	if (e != NULL) {
		code = json_string_value(json_object_get(e, "code"));
		msg = json_string_value(json_object_get(e, "message"));
	}
	if (code != NULL)
		cli_error(code, "%s", msg != NULL ? msg : "(no message)");
	else
		cli_error(status == 429 ? "rate_limited" : status == 503 ?
		    "unavailable" : status >= 500 ? "internal" : "http",
		    "the server answered HTTP %ld", status);
	/* Say when to try again, unless the server's message does. */
	if ((status == 429 || status == 503) &&
	    (msg == NULL || strstr(msg, "try again") == NULL)) {
		if (conn->retry_after > 0)
			cli_warn("try again in %ld s", conn->retry_after);
		else
			cli_warn("try again later");
	}
	if (status == 401 && !conn->anonymous) {
		if (conn->token == NULL)
			cli_warn("no token: run 'custos login', or give "
			    "--token-file or CUSTOS_TOKEN");
		else if (conn->token_from_session)
			cli_warn("the saved session may have ended; run "
			    "'custos login' again");
	}
	json_decref(v);
}

int
cli_http_exit(long status)
{
	if (status >= 200 && status <= 299)
		return CLI_OK;
	if (status == 429 || status == 503)
		return CLI_LATER;
	if (status >= 400 && status <= 499)
		return CLI_NEGATIVE;
	return CLI_FAIL;
}

int
cli_http_json(struct cli_conn *conn, const char *method, const char *path,
    const json_t *body, struct buf *answer, json_t **out)
{
	struct buf req;
	struct err e;
	long status;
	json_t *v;
	int rc = CLI_FAIL;

	*out = NULL;
	err_init(&e);
	buf_init_secret(&req, CLI_HTTP_BODY_MAX);
	if (body != NULL && cli_json_dump(&req, body) == -1) {
		cli_warn("%s %s: cannot encode the request", method, path);
		goto out;
	}
	if (cli_http_request(conn, method, path, body != NULL ? req.data : NULL,
	    req.len, NULL, &status, answer) == -1)
		goto out;
	rc = cli_http_exit(status);
	if (rc != CLI_OK)
		goto out;
	if (answer->len == 0) {
		v = json_object();
	} else {
		v = jx_parse_object(answer->data, answer->len, &e);
		if (v == NULL) {
			cli_warn("%s %s: malformed answer from the server: "
			    "%s", method, path, e.msg);
			rc = CLI_FAIL;
			goto out;
		}
	}
	if (v == NULL) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	*out = v;
out:
	buf_cleanup(&req);
	return rc;
}

void
cli_http_free(struct cli_http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}
