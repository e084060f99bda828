/* SPDX-License-Identifier: ISC */
#include "http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/num.h"
#include "common/str.h"
#include "http/guard.h"

#define TLS_FILE_MAX (256 * 1024)

#define WORKERS_DEFAULT 16
#define STOP_WAIT_SECONDS 30

struct http_server {
	struct MHD_Daemon *mhd;
	struct http_app app;
	struct guard *guard;
	char *cert, *key;

	pthread_mutex_t mu;             /* the workers' queue */
	pthread_cond_t work_cv;         /* workers wait for requests */
	/* Apart, so that the writer's completions and the workers' queue
	 * do not contend. */
	pthread_mutex_t stop_mu;        /* inflight, stopping */
	pthread_cond_t idle_cv;         /* http_stop waits for inflight 0 */
	struct http_req *qhead, *qtail;
	unsigned inflight;              /* suspended requests */
	int stopping, workers_quit;
	pthread_t *workers;
	unsigned nworkers;
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

const char *
http_cookie(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
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

/*
 * The same headers on every answer, JSON or page: the console runs only
 * its own scripts and styles from this origin (no inline code, so an
 * injected <script> does not run), talks only to this origin, and may
 * not be framed (clickjacking).  See docs/security.md.
 */
#define CSP "default-src 'none'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; form-action 'self'; " \
	"frame-ancestors 'none'; base-uri 'none'"

static void
add_security_headers(struct MHD_Response *resp, int tls)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy",
	    "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy",
	    "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy",
	    "publickey-credentials-get=(self), "
	    "publickey-credentials-create=(self), camera=(), microphone=(), "
	    "geolocation=(), payment=(), usb=()");
	if (tls)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		    "max-age=31536000");
}

static enum MHD_Result
send_resp(struct MHD_Connection *c, struct http_resp *out, int tls)
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
	add_security_headers(resp, tls);
	if (out->etag != NULL)
		MHD_add_response_header(resp, "ETag", out->etag);
	if (out->set_cookie[0] != '\0')
		MHD_add_response_header(resp, "Set-Cookie", out->set_cookie);
	if (out->retry_after[0] != '\0')
		MHD_add_response_header(resp, "Retry-After", out->retry_after);
	ret = MHD_queue_response(c, (unsigned)out->status, resp);
	MHD_destroy_response(resp);
	/* A new session's cookie holds its token; MHD keeps its own copy. */
	explicit_bzero(out->set_cookie, sizeof(out->set_cookie));
	return ret;
}

/* Where a request is, as the server sees it. */
enum req_state {
	RQ_READING,     /* headers in, body coming */
	RQ_APP,         /* suspended: queued or with the application */
	RQ_READY        /* answered: to be sent once resumed */
};

/* A header's occurrences, for the Content-Length check. */
struct header_count {
	const char *name;
	int n;
};

static enum MHD_Result
count_header(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct header_count *h = arg;

	if (key != NULL && strcasecmp(key, h->name) == 0)
		h->n++;
	return MHD_YES;
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The application's done(), for metrics. */
static void
app_done(struct http_server *s, const struct http_req *r, int status)
{
	if (s->app.done != NULL)
		s->app.done(s->app.ctx, r, status, mono_ns() - r->started_ns);
}

/* Sends a plain JSON error before the application saw the request. */
static enum MHD_Result
refuse(struct MHD_Connection *c, int status, const char *code,
    const char *msg)
{
	struct http_resp out;
	enum MHD_Result ret;

	memset(&out, 0, sizeof(out));
	buf_init(&out.body, 1024);
	out.status = status;
	if (buf_printf(&out.body, "{\"error\":{\"code\":\"%s\",\"message\":"
	    "\"%s\"}}\n", code, msg) == -1)
		out.status = 500;
	ret = send_resp(c, &out, 0);
	buf_cleanup(&out.body);
	return ret;
}

/*
 * Gives r to a worker: the connection is suspended first, so that an
 * answer completed at once cannot resume it before.  While stopping, the
 * request is answered 503 here instead.
 */
static enum MHD_Result
dispatch(struct http_server *s, struct MHD_Connection *c, struct http_req *r)
{
	pthread_mutex_lock(&s->stop_mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->stop_mu);
		app_done(s, r, 503);
		return refuse(c, 503, "unavailable", "the server is stopping");
	}
	s->inflight++;
	pthread_mutex_unlock(&s->stop_mu);
	r->state = RQ_APP;
	guard_busy(s->guard, r->guard);
	MHD_suspend_connection(c);
	r->next = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->qtail != NULL)
		s->qtail->next = r;
	else
		s->qhead = r;
	s->qtail = r;
	pthread_cond_signal(&s->work_cv);
	pthread_mutex_unlock(&s->mu);
	return MHD_YES;
}

void
http_complete(struct http_req *r)
{
	struct http_server *s = r->srv;
	struct MHD_Connection *c = r->conn;

	app_done(s, r, r->resp->status);
	/* Seen by the polling thread after the resume (which locks). */
	__atomic_store_n(&r->state, RQ_READY, __ATOMIC_RELEASE);
	/* From here r may be sent and freed by a polling thread. */
	MHD_resume_connection(c);
	/* Under the lock: once http_stop sees 0, s may be gone. */
	pthread_mutex_lock(&s->stop_mu);
	if (--s->inflight == 0)
		pthread_cond_broadcast(&s->idle_cv);
	pthread_mutex_unlock(&s->stop_mu);
}

static void *
worker_main(void *arg)
{
	struct http_server *s = arg;
	struct http_req *r;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->qhead == NULL && !s->workers_quit)
			pthread_cond_wait(&s->work_cv, &s->mu);
		if (s->qhead == NULL)
			break;
		r = s->qhead;
		s->qhead = r->next;
		if (s->qhead == NULL)
			s->qtail = NULL;
		pthread_mutex_unlock(&s->mu);
		if (s->app.handle(s->app.ctx, r, r->resp) == HTTP_DONE)
			http_complete(r);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static struct guard_conn *
conn_guard(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* The headers are in: a new request, or a refusal before its body. */
/* libmicrohttpd's URI logger: the raw target, for the NUL check. */
static void *
on_target(void *cls, const char *uri, struct MHD_Connection *c)
{
	guard_target(conn_guard(c), uri);
	return NULL;
}

static enum MHD_Result
on_headers(struct http_server *s, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, void **con_cls)
{
	struct header_count cl = {"Content-Length", 0};
	struct http_req *r;
	const char *len;
	int64_t declared = -1;

	r = calloc(1, sizeof(*r) + sizeof(*r->resp));
	if (r == NULL)
		return MHD_NO;
	r->resp = (struct http_resp *)(r + 1);
	r->method = method;
	r->path = url;
	r->conn = c;
	r->srv = s;
	r->started_ns = mono_ns();
	r->tag = -1;
	r->tls = s->cert != NULL;
	r->guard = conn_guard(c);
	buf_init(&r->resp->body, SIZE_MAX / 2);
	peer_address(c, r->source, sizeof(r->source));
	*con_cls = r;
	guard_headers_done(s->guard, r->guard);
	/* A raw NUL would cut the path short where it is read as a C
	 * string: refused, as %00 is (see unescape). */
	if (!guard_target_whole(r->guard, version)) {
		app_done(s, r, 400);
		return refuse(c, 400, "bad_request", "the request target "
		    "holds a NUL byte");
	}
	/* Two lengths are two readings of one request (smuggling): no. */
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &cl);
	if (cl.n > 1) {
		app_done(s, r, 400);
		return refuse(c, 400, "bad_request", "more than one "
		    "Content-Length header");
	}
	r->body_cap = s->app.body_cap(s->app.ctx, r);
	buf_init_secret(&r->body, r->body_cap);
	len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Content-Length");
	if (len != NULL && MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Transfer-Encoding") == NULL &&
	    num_parse_i64(&declared, len, 0, INT64_MAX) == 0 &&
	    (uint64_t)declared > r->body_cap) {
		/* Refused before a byte of the body is read. */
		r->body_too_large = 1;
		return dispatch(s, c, r);
	}
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct http_req *r = *con_cls;

	if (r == NULL)
		return on_headers(s, c, url, method, version, con_cls);
	if (__atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == RQ_READY)
		return send_resp(c, r->resp, r->tls);
	if (r->state == RQ_APP)
		return MHD_YES;
	if (*upload_data_size > 0) {
		/* Past the cap the rest is read and dropped, so the client
		 * still gets a clear answer instead of a reset. */
		guard_body(s->guard, r->guard, *upload_data_size);
		if (!r->body_too_large && buf_append(&r->body, upload_data,
		    *upload_data_size) == -1) {
			r->body_too_large = 1;
			buf_reset(&r->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	return dispatch(s, c, r);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct http_req *r = *con_cls;

	if (r == NULL)
		return;
	guard_idle(s->guard, r->guard);
	buf_cleanup(&r->body);
	buf_cleanup(&r->resp->body);
	free(r);
	*con_cls = NULL;
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	const union MHD_ConnectionInfo *fd, *addr;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		/* Before libmicrohttpd closes the descriptor. */
		guard_close(s->guard, *socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	addr = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	*socket_context = fd == NULL ? NULL : guard_open(s->guard,
	    fd->connect_fd, addr != NULL ? addr->client_addr : NULL, c);
}

/*
 * libmicrohttpd 0.9.75 answers a malformed or huge Content-Length itself,
 * and sends that answer's headers twice (its error path builds them, then
 * its state machine builds them again).  It tells so only to its logger,
 * on the thread serving the connection, before it queues that answer: the
 * logger then finds that connection (the calling thread's one whose
 * headers are in but which has neither reached the application nor been
 * answered), writes one clean answer on plain HTTP, and ends it, so the
 * doubled headers are never sent.
 */
static int
pick_refused(void *arg)
{
	struct MHD_Connection *c = arg;

	return MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE) != NULL &&
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS) == NULL;
}

struct last_words {
	int tls;
	int status;
	const char *why;
};

static void
say_last(int fd, void *arg)
{
	const struct last_words *w = arg;
	char body[160], msg[512];

	if (w->tls)
		return;
	if (str_printf(body, sizeof(body), "{\"error\":{\"code\":\"%s\","
	    "\"message\":\"%s\"}}\n", w->status == 413 ? "too_large" :
	    "bad_request", w->why) == -1)
		return;
	if (str_printf(msg, sizeof(msg), "HTTP/1.1 %d %s\r\nConnection: "
	    "close\r\nContent-Type: application/json\r\nCache-Control: "
	    "no-store\r\nContent-Length: %zu\r\n\r\n%s", w->status,
	    w->status == 413 ? "Content Too Large" : "Bad Request",
	    strlen(body), body) == 0)
		(void)!send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *s = cls;
	struct last_words w;
	char line[512];

	if (strstr(fmt, "Content-Length") != NULL) {
		w.tls = s->cert != NULL;
		w.status = strstr(fmt, "Too large") != NULL ? 413 : 400;
		w.why = w.status == 413 ? "the Content-Length is too large" :
		    "the Content-Length is malformed";
		if (guard_end_mine(s->guard, pick_refused, say_last, &w))
			return;
	}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (vsnprintf(line, sizeof(line), fmt, ap) < 0)
		return;
#pragma GCC diagnostic pop
	line[strcspn(line, "\n")] = '\0';
	log_info("libmicrohttpd: %s", line);
}

static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct http_server *s = cls;

	return guard_admit(s->guard, addr) ? MHD_YES : MHD_NO;
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

/* The listen address of cfg into ss; MHD_USE_IPv6 or 0, or -1 with e. */
static int
listen_address(const struct http_config *cfg, struct sockaddr_storage *ss,
    unsigned *flags, struct err *e)
{
	char addr[HTTP_ADDR_MAX];
	unsigned port;

	memset(ss, 0, sizeof(*ss));
	if (http_parse_listen(cfg->listen, addr, sizeof(addr), &port) == -1)
		return err_bad_request(e, "listen address '%s' is not "
		    "ADDR:PORT", cfg->listen);
	if (inet_pton(AF_INET, addr,
	    &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, addr,
	    &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*flags |= MHD_USE_IPv6;
	} else {
		return err_bad_request(e, "listen address '%s' is not an IP "
		    "address", addr);
	}
	return 0;
}

static int
start_workers(struct http_server *s, unsigned n, struct err *e)
{
	s->workers = calloc(n, sizeof(*s->workers));
	if (s->workers == NULL)
		return err_internal(e, "out of memory");
	for (s->nworkers = 0; s->nworkers < n; s->nworkers++)
		if (pthread_create(&s->workers[s->nworkers], NULL,
		    worker_main, s) != 0)
			return err_internal(e, "cannot start the HTTP "
			    "workers");
	return 0;
}

static void
stop_workers(struct http_server *s)
{
	unsigned i;

	pthread_mutex_lock(&s->mu);
	s->workers_quit = 1;
	pthread_cond_broadcast(&s->work_cv);
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < s->nworkers; i++)
		pthread_join(s->workers[i], NULL);
	free(s->workers);
	s->workers = NULL;
	s->nworkers = 0;
}

struct http_server *
http_start(const struct http_config *cfg, const struct http_app *app,
    struct err *e)
{
	struct sockaddr_storage ss;
	struct guard_config gc;
	struct http_server *s;
	unsigned flags, pool, limit;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ERROR_LOG;
	if (listen_address(cfg, &ss, &flags, e) == -1)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	s->app = *app;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->stop_mu, NULL);
	pthread_cond_init(&s->work_cv, NULL);
	pthread_cond_init(&s->idle_cv, NULL);
	memset(&gc, 0, sizeof(gc));
	gc.max_connections = cfg->max_connections;
	gc.per_ip = cfg->per_ip_connections;
	gc.header_seconds = cfg->header_seconds;
	gc.body_min_rate = cfg->body_min_rate;
	gc.body_grace_seconds = cfg->header_seconds;
	s->guard = guard_new(&gc, e);
	if (s->guard == NULL)
		goto fail;
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
	if (start_workers(s, cfg->workers > 0 ? cfg->workers :
	    WORKERS_DEFAULT, e) == -1)
		goto fail;
	pool = cfg->poll_threads > 0 ? cfg->poll_threads :
	    cores > 0 ? (unsigned)cores : 1;
	/* The guard keeps the limits; libmicrohttpd's own limit (shared out
	 * among the polling threads) leaves room for the connections being
	 * evicted, which count until they are closed. */
	limit = cfg->max_connections + cfg->max_connections / 4 + 16 * pool;
	s->mhd = MHD_start_daemon(flags, 0, on_accept, s, on_request, s,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, pool,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
	    MHD_OPTION_CONNECTION_LIMIT, limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_seconds,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_HEADER_BYTES * 2,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, on_target, NULL,
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
	struct timespec until;

	if (s == NULL)
		return;
	/* No request may stay suspended when libmicrohttpd stops: refuse
	 * new ones, let the workers and the store finish the others. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += STOP_WAIT_SECONDS;
	pthread_mutex_lock(&s->stop_mu);
	s->stopping = 1;
	while (s->inflight > 0 &&
	    pthread_cond_timedwait(&s->idle_cv, &s->stop_mu, &until) == 0)
		;
	if (s->inflight > 0)
		log_error("http: %u requests still unanswered after %d s",
		    s->inflight, STOP_WAIT_SECONDS);
	pthread_mutex_unlock(&s->stop_mu);
	if (s->workers != NULL)
		stop_workers(s);
	if (s->mhd != NULL)
		MHD_stop_daemon(s->mhd);
	guard_free(s->guard);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->stop_mu);
	pthread_cond_destroy(&s->work_cv);
	pthread_cond_destroy(&s->idle_cv);
	str_free_secret(s->key);
	free(s->cert);
	free(s);
}
