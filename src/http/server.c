/* SPDX-License-Identifier: ISC */
#include "http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/num.h"
#include "common/str.h"

#define TLS_FILE_MAX (256 * 1024)

struct http_server {
	struct MHD_Daemon *mhd;
	struct http_app app;
	char *cert, *key;
};

int
http_parse_listen(const char *s, char *addr, size_t addrsize,
    unsigned *port)
{
	const char *colon;
	int64_t p;
	size_t n;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || end[1] != ':')
			return -1;
		n = (size_t)(end - s - 1);
		colon = end + 1;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		n = (size_t)(colon - s);
	}
	if (n == 0 || n >= addrsize)
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (num_parse_i64(&p, colon + 1, 0, 65535) == -1)
		return -1;
	*port = (unsigned)p;
	return 0;
}

const char *
http_header(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
http_query(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

static void
peer_address(struct MHD_Connection *c, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	str_copy(out, size, "");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)size);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)size);
	}
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * libmicrohttpd's %HH decoding of the path and the query, but for %00: a
 * NUL would cut the path or a value short where everything after reads it
 * as a C string (".../tickets/t1%00zzz" would be served and recorded as
 * t1), so it stays the three characters "%00", which no id, number or
 * name accepts: the request is refused as malformed.
 */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *r = s, *w = s;
	int hi, lo;

	while (*r != '\0') {
		hi = r[0] == '%' ? hex_digit(r[1]) : -1;
		lo = hi >= 0 ? hex_digit(r[2]) : -1;
		if (lo >= 0 && hi * 16 + lo != 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static enum MHD_Result
send_resp(struct MHD_Connection *c, struct http_resp *out)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = 0;
	char *body;

	body = buf_steal(&out->body, &len);
	if (body == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer_with_free_callback(len, body,
	    free);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type",
	    out->content_type != NULL ? out->content_type :
	    "application/json");
	MHD_add_response_header(resp, "Cache-Control",
	    out->cache_control != NULL ? out->cache_control : "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	/* Only the reset page runs script, its own and inline. */
	MHD_add_response_header(resp, "Content-Security-Policy",
	    out->content_type != NULL &&
	    strncmp(out->content_type, "text/html", 9) == 0 ?
	    "default-src 'none'; script-src 'unsafe-inline'; "
	    "style-src 'unsafe-inline'; connect-src 'self'; "
	    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'" :
	    "default-src 'none'; frame-ancestors 'none'");
	if (out->retry_after[0] != '\0')
		MHD_add_response_header(resp, "Retry-After", out->retry_after);
	ret = MHD_queue_response(c, (unsigned)out->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct http_req *r = *con_cls;
	struct http_resp out;
	enum MHD_Result ret;

	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return MHD_NO;
		r->method = method;
		r->path = url;
		r->conn = c;
		peer_address(c, r->source, sizeof(r->source));
		r->body_cap = s->app.body_cap(s->app.ctx, r);
		buf_init_secret(&r->body, r->body_cap);
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* Past the cap the rest is read and dropped, so the client
		 * still gets a clear answer instead of a reset. */
		if (!r->body_too_large && buf_append(&r->body, upload_data,
		    *upload_data_size) == -1) {
			r->body_too_large = 1;
			buf_reset(&r->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	memset(&out, 0, sizeof(out));
	buf_init(&out.body, SIZE_MAX / 2);
	out.status = 500;
	s->app.handle(s->app.ctx, r, &out);
	ret = send_resp(c, &out);
	buf_cleanup(&out.body);
	return ret;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *con_cls;

	if (r == NULL)
		return;
	buf_cleanup(&r->body);
	free(r);
	*con_cls = NULL;
}

static char *
read_pem(const char *path, struct err *e)
{
	struct buf b;
	char chunk[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		err_internal(e, "cannot open %s", path);
		return NULL;
	}
	buf_init_secret(&b, TLS_FILE_MAX);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&b, chunk, (size_t)n) == -1) {
			n = -1;
			break;
		}
	close(fd);
	if (n < 0) {
		buf_cleanup(&b);
		err_internal(e, "cannot read %s (or larger than %d bytes)",
		    path, TLS_FILE_MAX);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

struct http_server *
http_start(const struct http_config *cfg, const struct http_app *app,
    struct err *e)
{
	struct sockaddr_storage ss;
	struct http_server *s;
	char addr[HTTP_ADDR_MAX];
	unsigned port, flags;

	memset(&ss, 0, sizeof(ss));
	if (http_parse_listen(cfg->listen, addr, sizeof(addr), &port) == -1) {
		err_bad_request(e, "listen address '%s' is not ADDR:PORT",
		    cfg->listen);
		return NULL;
	}
	flags = MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (inet_pton(AF_INET, addr,
	    &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, addr,
	    &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		flags |= MHD_USE_IPv6;
	} else {
		err_bad_request(e, "listen address '%s' is not an IP address",
		    addr);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	s->app = *app;
	if (cfg->tls_cert != NULL || cfg->tls_key != NULL) {
		if (cfg->tls_cert == NULL || cfg->tls_key == NULL) {
			err_bad_request(e, "TLS needs both --tls-cert and "
			    "--tls-key");
			goto fail;
		}
		s->cert = read_pem(cfg->tls_cert, e);
		s->key = s->cert != NULL ? read_pem(cfg->tls_key, e) : NULL;
		if (s->key == NULL)
			goto fail;
		flags |= MHD_USE_TLS;
	}
	s->mhd = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL,
	    on_request, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_seconds,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_HEADER_BYTES * 2,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    s->cert != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    s->cert, MHD_OPTION_HTTPS_MEM_KEY, s->key, MHD_OPTION_END);
	if (s->mhd == NULL) {
		err_internal(e, "cannot listen on %s", cfg->listen);
		goto fail;
	}
	return s;
fail:
	http_stop(s);
	return NULL;
}

void
http_stop(struct http_server *s)
{
	if (s == NULL)
		return;
	if (s->mhd != NULL)
		MHD_stop_daemon(s->mhd);
	str_free_secret(s->key);
	free(s->cert);
	free(s);
}
