/* SPDX-License-Identifier: ISC */
#include "export/export.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/log.h"
#include "common/str.h"
#include "common/textfile.h"
#include "store/lease.h"

#define WAIT_MS 1000
#define BATCH_BYTES ((size_t)64 << 20)  /* one batch's cap */
#define BACKOFF_MAX_MS 60000
#define HTTP_TIMEOUT 30                 /* seconds */
#define EXPORT_TOKEN_MAX 512

struct dest {
	struct export *x;
	struct export_spec spec;
	struct lease *lease;
	pthread_t thread;
	int started;
	char token[EXPORT_TOKEN_MAX];          /* hec */
	/* The thread's own. */
	int fd;                         /* file */
	int64_t file_size;
	CURL *conn;                     /* syslog: a CONNECT_ONLY socket */
	struct buf batch;
	int64_t takes;
	int64_t batch_first_ms;         /* time of the batch's first entry */
	int64_t count;                  /* events in the batch */
	int64_t end;                    /* the index after the batch */
	/* Under x->mu: what export_lag() reads. */
	int64_t next;
	int64_t oldest_ms;              /* time of the entry at next, or 0 */
	int64_t sent, failures;
};

struct export {
	struct store *st;
	const struct clock *clk;
	char origin[512];
	char hostname[256];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
	int ndest;
	struct dest d[EXPORT_MAX];
};

static int
stopping(struct export *x)
{
	int s;

	pthread_mutex_lock(&x->mu);
	s = x->stopping;
	pthread_mutex_unlock(&x->mu);
	return s;
}

/* Sleeps ms unless custosd stops meanwhile. */
static void
nap(struct export *x, int64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&x->mu);
	if (!x->stopping)
		pthread_cond_timedwait(&x->cv, &x->mu, &ts);
	pthread_mutex_unlock(&x->mu);
}

/* ---- cursor ---------------------------------------------------------- */

static int
cursor_load(struct dest *d)
{
	struct store_conn *c;
	struct err e;
	int64_t next = 0;
	int rc;

	err_init(&e);
	c = store_reader_get(d->x->st, &e);
	if (c == NULL)
		return -1;
	rc = store_ops(d->x->st)->export_cursor_get(c, d->spec.name, &next,
	    NULL, &e);
	store_reader_put(d->x->st, c);
	if (rc == -1) {
		log_error("export %s: cannot read its cursor: %s",
		    d->spec.name, e.msg);
		return -1;
	}
	/* A new destination starts at the log's first entry: "every entry
	 * at least once". */
	pthread_mutex_lock(&d->x->mu);
	d->next = rc == 1 ? 0 : next;
	pthread_mutex_unlock(&d->x->mu);
	return 0;
}

struct save_job {
	struct dest *d;
	int64_t next, now;
};

static int
save_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct save_job *j = arg;

	if (lease_fence(j->d->lease, c, e) == -1)
		return -1;
	return store_ops(j->d->x->st)->export_cursor_set(c, j->d->spec.name,
	    j->next, j->now, e);
}

static int
cursor_save(struct dest *d, int64_t next)
{
	struct save_job j = {d, next, clock_now_ms(d->x->clk)};
	struct store_job job = {save_apply, NULL, &j};
	struct err e;

	err_init(&e);
	if (store_write(d->x->st, &job, NULL, &e) == -1) {
		log_error("export %s: cannot move its cursor: %s",
		    d->spec.name, e.msg);
		return -1;
	}
	return 0;
}

/* ---- batch ----------------------------------------------------------- */

struct fill {
	struct dest *d;
	int64_t limit;
	int rc;
	struct buf ev;
};

static int
syslog_pri(const char *event)
{
	/* facility auth (4); info, or warning for a refusal or a finding */
	return 4 * 8 + (strstr(event, "\"class_uid\":2004") != NULL ||
	    strstr(event, "\"status_id\":2") != NULL ? 4 : 6);
}

/* Appends the event in ev (entry index) to the batch in the shape of the
 * destination. */
static int
frame(struct dest *d, int64_t index, int64_t time_ms, const struct buf *ev)
{
	struct buf *b = &d->batch;
	char uid[600];

	switch (d->spec.kind) {
	case EXPORT_FILE:
		return buf_append(b, ev->data, ev->len) == -1 ||
		    buf_puts(b, "\n") == -1 ? -1 : 0;
	case EXPORT_SYSLOG:
		return export_syslog_frame(b, syslog_pri(ev->data), time_ms,
		    d->x->hostname, ev->data, ev->len);
	case EXPORT_HEC:
		return buf_puts(b, "{\"event\":") == -1 ||
		    buf_append(b, ev->data, ev->len) == -1 ||
		    buf_printf(b, ",\"time\":%lld.%03lld,\"sourcetype\":"
		    "\"ocsf\",\"source\":\"custos\"}", (long long)(time_ms /
		    1000), (long long)(time_ms % 1000)) == -1 ? -1 : 0;
	case EXPORT_BULK:
		str_printf(uid, sizeof(uid), "%s/%lld", d->x->origin,
		    (long long)index);
		return buf_printf(b, "{\"create\":{\"_index\":\"%s\","
		    "\"_id\":", d->spec.index) == -1 ||
		    jsonw_str(b, uid) == -1 || buf_puts(b, "}}\n") == -1 ||
		    buf_append(b, ev->data, ev->len) == -1 ||
		    buf_puts(b, "\n") == -1 ? -1 : 0;
	default:
		return -1;
	}
}

/* The time field of the event just made (ms); its first "time":. */
static int64_t
event_time(const struct buf *ev)
{
	const char *p = strstr(ev->data, ",\"time\":");
	int64_t t = 0;

	if (p == NULL)
		return 0;
	for (p += 8; *p >= '0' && *p <= '9'; p++)
		t = t * 10 + (*p - '0');
	return t;
}

static int
fill_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct fill *f = arg;
	struct dest *d = f->d;
	struct err e;
	int rc;

	err_init(&e);
	buf_reset(&f->ev);
	rc = ocsf_entry(&f->ev, d->x->origin, index, bytes, len,
	    &d->spec.view, &e);
	d->end = index + 1;
	if (rc == -1) {
		/* Not an entry custos can read: said once in the log and
		 * skipped, rather than blocking every later entry. */
		log_warn("export %s: entry %lld skipped: %s", d->spec.name,
		    (long long)index, e.msg);
		return 0;
	}
	if (rc == 1)            /* not this destination's to see */
		return 0;
	/* f->ev is NUL-ended (buf), so strstr may read it. */
	if (d->count == 0)
		d->batch_first_ms = event_time(&f->ev);
	if (frame(d, index, event_time(&f->ev), &f->ev) == -1) {
		f->rc = -1;
		return 1;
	}
	d->count++;
	return d->count >= f->limit;
}

/* Reads entries [from, head) into the batch, at most spec.batch events. */
static int
batch_fill(struct dest *d, int64_t from, int64_t head)
{
	struct store_conn *c;
	struct fill f = {d, d->spec.batch, 0, {0}};
	struct err e;
	int64_t end = head;
	int rc;

	err_init(&e);
	buf_reset(&d->batch);
	buf_init(&f.ev, (size_t)1 << 20);
	d->count = 0;
	d->end = from;
	if (end - from > d->spec.batch * 4)
		end = from + d->spec.batch * 4;
	c = store_reader_get(d->x->st, &e);
	if (c == NULL) {
		buf_cleanup(&f.ev);
		return -1;
	}
	rc = store_ops(d->x->st)->entry_range(c, from, end, fill_cb, &f, &e);
	store_reader_put(d->x->st, c);
	buf_cleanup(&f.ev);
	if (rc == -1 || f.rc == -1) {
		log_error("export %s: cannot read the log: %s", d->spec.name,
		    rc == -1 ? e.msg : "batch too large");
		return -1;
	}
	return 0;
}

/* ---- transports ------------------------------------------------------ */

/* The size of the file up to its last newline: a batch cut short by a
 * crash left a partial line, never acknowledged, that goes again whole. */
static int64_t
whole_lines(int fd, int64_t size)
{
	char chunk[4096];
	int64_t end = size;

	while (end > 0) {
		int64_t from = end > (int64_t)sizeof(chunk) ?
		    end - (int64_t)sizeof(chunk) : 0;
		ssize_t n = pread(fd, chunk, (size_t)(end - from), from);

		if (n != (ssize_t)(end - from))
			return -1;
		while (n > 0 && chunk[n - 1] != '\n')
			n--;
		if (n > 0)
			return from + n;
		end = from;
	}
	return 0;
}

static int
file_open(struct dest *d)
{
	struct stat sb;
	int64_t keep;

	d->fd = open(d->spec.target, O_RDWR | O_CREAT | O_APPEND |
	    O_CLOEXEC | O_NOFOLLOW, 0640);
	if (d->fd == -1) {
		log_error("export %s: cannot open %s: %s", d->spec.name,
		    d->spec.target, strerror(errno));
		return -1;
	}
	d->file_size = fstat(d->fd, &sb) == 0 ? (int64_t)sb.st_size : 0;
	keep = whole_lines(d->fd, d->file_size);
	if (keep >= 0 && keep < d->file_size) {
		log_warn("export %s: %s ended in a partial line (a crash); "
		    "cut back to its last whole line", d->spec.name,
		    d->spec.target);
		if (ftruncate(d->fd, (off_t)keep) == 0)
			d->file_size = keep;
	}
	return 0;
}

/* FILE -> FILE.1 -> ... -> FILE.keep (dropped). */
static int
file_rotate(struct dest *d)
{
	char from[1100], to[1100];
	int64_t k;

	close(d->fd);
	d->fd = -1;
	for (k = d->spec.keep; k >= 1; k--) {
		if (k == 1)
			str_copy(from, sizeof(from), d->spec.target);
		else
			str_printf(from, sizeof(from), "%s.%lld",
			    d->spec.target, (long long)(k - 1));
		str_printf(to, sizeof(to), "%s.%lld", d->spec.target,
		    (long long)k);
		if (rename(from, to) == -1 && errno != ENOENT)
			log_warn("export %s: cannot rotate %s: %s",
			    d->spec.name, from, strerror(errno));
	}
	return file_open(d);
}

static int
send_file(struct dest *d)
{
	const char *p = d->batch.data;
	size_t left = d->batch.len;

	if (d->fd == -1 && file_open(d) == -1)
		return -1;
	if (d->spec.max_bytes > 0 && d->file_size > 0 && d->file_size +
	    (int64_t)left > d->spec.max_bytes && file_rotate(d) == -1)
		return -1;
	while (left > 0) {
		ssize_t n = write(d->fd, p, left);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_error("export %s: cannot write %s: %s",
			    d->spec.name, d->spec.target, strerror(errno));
			close(d->fd);
			d->fd = -1;
			return -1;
		}
		p += n;
		left -= (size_t)n;
		d->file_size += n;
	}
	if (fdatasync(d->fd) == -1) {
		log_error("export %s: cannot sync %s: %s", d->spec.name,
		    d->spec.target, strerror(errno));
		return -1;
	}
	return 0;
}

static void
syslog_close(struct dest *d)
{
	if (d->conn != NULL)
		curl_easy_cleanup(d->conn);
	d->conn = NULL;
}

/* A TCP (or TLS) connection to HOST:PORT through libcurl's CONNECT_ONLY:
 * curl does the connect and the TLS handshake (OpenSSL, with the system's
 * or spec.ca's roots), then carries our bytes as they are. */
static int
syslog_connect(struct dest *d)
{
	char url[1100];
	CURLcode rc;

	str_printf(url, sizeof(url), "%s://%s/", d->spec.tls ? "https" :
	    "http", d->spec.target);
	d->conn = curl_easy_init();
	if (d->conn == NULL)
		return -1;
	curl_easy_setopt(d->conn, CURLOPT_URL, url);
	curl_easy_setopt(d->conn, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(d->conn, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(d->conn, CURLOPT_CONNECTTIMEOUT, 10L);
	if (d->spec.ca[0] != '\0')
		curl_easy_setopt(d->conn, CURLOPT_CAINFO, d->spec.ca);
	rc = curl_easy_perform(d->conn);
	if (rc != CURLE_OK) {
		log_error("export %s: cannot connect to %s: %s", d->spec.name,
		    d->spec.target, curl_easy_strerror(rc));
		syslog_close(d);
		return -1;
	}
	return 0;
}

static int
send_syslog(struct dest *d)
{
	const char *p = d->batch.data;
	size_t left = d->batch.len;
	int tries = 0;

	if (d->conn == NULL && syslog_connect(d) == -1)
		return -1;
	while (left > 0) {
		size_t n = 0;
		CURLcode rc = curl_easy_send(d->conn, p, left, &n);

		if (rc == CURLE_AGAIN) {
			curl_socket_t s;
			struct pollfd pfd;

			if (curl_easy_getinfo(d->conn, CURLINFO_ACTIVESOCKET,
			    &s) != CURLE_OK || ++tries > HTTP_TIMEOUT)
				goto fail;
			pfd.fd = s;
			pfd.events = POLLOUT;
			pfd.revents = 0;
			poll(&pfd, 1, 1000);
			continue;
		}
		if (rc != CURLE_OK) {
			log_error("export %s: cannot send to %s: %s",
			    d->spec.name, d->spec.target,
			    curl_easy_strerror(rc));
			goto fail;
		}
		tries = 0;
		p += n;
		left -= n;
	}
	return 0;
fail:
	/* The receiver may hold part of a frame: a new connection starts
	 * clean, and the whole batch goes again. */
	syslog_close(d);
	return -1;
}

static size_t
keep_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (buf_append(b, p, size * n) == -1)
		return 0;
	return size * n;
}

static int
send_http(struct dest *d)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct buf body, auth;
	long status = 0;
	CURLcode rc;
	int ok = -1;

	buf_init(&body, (size_t)16 << 20);
	buf_init_secret(&auth, EXPORT_TOKEN_MAX + 32);
	if (c == NULL)
		goto out;
	if (d->spec.kind == EXPORT_HEC) {
		if (buf_printf(&auth, "Authorization: Splunk %s", d->token) ==
		    -1 || buf_puts(&auth, "") == -1)
			goto out;
		h = curl_slist_append(h, auth.data);
		h = curl_slist_append(h, "Content-Type: application/json");
	} else {
		h = curl_slist_append(h, "Content-Type: application/x-ndjson");
	}
	curl_easy_setopt(c, CURLOPT_URL, d->spec.target);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->batch.data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)d->batch.len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)HTTP_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	if (d->spec.ca[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, d->spec.ca);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK || status < 200 || status > 299) {
		log_warn("export %s: %s answered %ld%s%s", d->spec.name,
		    d->spec.kind == EXPORT_HEC ? "HEC" : "_bulk", status,
		    rc != CURLE_OK ? ": " : "", rc != CURLE_OK ?
		    curl_easy_strerror(rc) : "");
		goto out;
	}
	if (d->spec.kind == EXPORT_BULK && !export_bulk_ok(body.data,
	    body.len)) {
		log_warn("export %s: _bulk refused some items", d->spec.name);
		goto out;
	}
	ok = 0;
out:
	curl_slist_free_all(h);
	if (c != NULL)
		curl_easy_cleanup(c);
	buf_cleanup(&auth);
	buf_cleanup(&body);
	return ok;
}

static int
batch_send(struct dest *d)
{
	if (d->batch.len == 0)
		return 0;
	switch (d->spec.kind) {
	case EXPORT_FILE:
		return send_file(d);
	case EXPORT_SYSLOG:
		return send_syslog(d);
	default:
		return send_http(d);
	}
}

/* ---- the thread ------------------------------------------------------ */

static void *
dest_main(void *arg)
{
	struct dest *d = arg;
	struct export *x = d->x;
	int64_t backoff = 0, next = -1;

	while (!stopping(x)) {
		int64_t head, takes;

		if (!lease_held(d->lease, NULL)) {
			lease_wait(d->lease, WAIT_MS);
			continue;
		}
		takes = lease_takes(d->lease);
		if (takes != d->takes || next == -1) {
			if (cursor_load(d) == -1) {
				nap(x, WAIT_MS);
				continue;
			}
			d->takes = takes;
			pthread_mutex_lock(&x->mu);
			next = d->next;
			pthread_mutex_unlock(&x->mu);
			/* At once (the lease held), so that a line a crash cut
			 * short is cut back before the next batch is due. */
			if (d->spec.kind == EXPORT_FILE && d->fd == -1)
				(void)file_open(d);
		}
		head = store_wait_entries(x->st, next, WAIT_MS);
		if (head <= next) {
			pthread_mutex_lock(&x->mu);
			d->oldest_ms = 0;
			pthread_mutex_unlock(&x->mu);
			continue;
		}
		if (batch_fill(d, next, head) == -1) {
			nap(x, WAIT_MS);
			continue;
		}
		pthread_mutex_lock(&x->mu);
		d->oldest_ms = d->batch_first_ms;
		pthread_mutex_unlock(&x->mu);
		if (batch_send(d) == -1) {
			pthread_mutex_lock(&x->mu);
			d->failures++;
			pthread_mutex_unlock(&x->mu);
			backoff = backoff == 0 ? 1000 : backoff * 2;
			if (backoff > BACKOFF_MAX_MS)
				backoff = BACKOFF_MAX_MS;
			nap(x, backoff);
			continue;
		}
		backoff = 0;
		/* Acknowledged: now, and only now, the cursor moves.  If the
		 * write fails the batch goes again (duplicates, never a
		 * gap). */
		if (cursor_save(d, d->end) == -1) {
			nap(x, WAIT_MS);
			continue;
		}
		next = d->end;
		pthread_mutex_lock(&x->mu);
		d->next = next;
		d->sent += d->count;
		pthread_mutex_unlock(&x->mu);
	}
	return NULL;
}

static int
token_read(struct dest *d, struct err *e)
{
	struct buf b;
	size_t n;

	buf_init_secret(&b, EXPORT_TOKEN_MAX);
	if (textfile_read(&b, d->spec.token_file, EXPORT_TOKEN_MAX, e) != 0) {
		buf_cleanup(&b);
		return err_bad_request(e, "export %s: cannot read %s",
		    d->spec.name, d->spec.token_file);
	}
	n = b.len;
	while (n > 0 && (b.data[n - 1] == '\n' || b.data[n - 1] == '\r' ||
	    b.data[n - 1] == ' '))
		n--;
	if (n == 0 || n >= sizeof(d->token) ||
	    !str_is_clean_utf8(b.data, n) || memchr(b.data, ' ', n) != NULL) {
		buf_cleanup(&b);
		return err_bad_request(e, "export %s: %s holds no token",
		    d->spec.name, d->spec.token_file);
	}
	memcpy(d->token, b.data, n);
	d->token[n] = '\0';
	buf_cleanup(&b);
	return 0;
}

struct export *
export_start(struct store *st, const struct clock *clk,
    const struct export_config *cfg, struct err *e)
{
	struct export *x = calloc(1, sizeof(*x));
	int i;

	if (x == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	x->st = st;
	x->clk = clk;
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cv, NULL);
	str_copy(x->origin, sizeof(x->origin), cfg->origin);
	if (gethostname(x->hostname, sizeof(x->hostname) - 1) == -1)
		str_copy(x->hostname, sizeof(x->hostname), "-");
	for (i = 0; i < cfg->ndest; i++) {
		struct dest *d = &x->d[i];
		char lname[64];

		d->x = x;
		d->spec = cfg->dest[i];
		d->fd = -1;
		buf_init(&d->batch, BATCH_BYTES);
		x->ndest++;
		if (d->spec.kind == EXPORT_HEC && token_read(d, e) == -1)
			goto fail;
		str_printf(lname, sizeof(lname), "export:%s", d->spec.name);
		d->lease = lease_start(st, lname, cfg->node,
		    cfg->lease_ttl_ms, e);
		if (d->lease == NULL)
			goto fail;
	}
	for (i = 0; i < x->ndest; i++) {
		if (pthread_create(&x->d[i].thread, NULL, dest_main,
		    &x->d[i]) != 0) {
			err_internal(e, "cannot start an export thread");
			goto fail;
		}
		x->d[i].started = 1;
		pthread_setname_np(x->d[i].thread, "custos-export");
	}
	return x;
fail:
	export_stop(x);
	return NULL;
}

void
export_stop(struct export *x)
{
	int i;

	if (x == NULL)
		return;
	pthread_mutex_lock(&x->mu);
	x->stopping = 1;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
	for (i = 0; i < x->ndest; i++) {
		struct dest *d = &x->d[i];

		if (d->started)
			pthread_join(d->thread, NULL);
		lease_stop(d->lease);
		if (d->fd != -1)
			close(d->fd);
		syslog_close(d);
		buf_cleanup(&d->batch);
		explicit_bzero(d->token, sizeof(d->token));
	}
	pthread_cond_destroy(&x->cv);
	pthread_mutex_destroy(&x->mu);
	free(x);
}

int
export_count(const struct export *x)
{
	return x != NULL ? x->ndest : 0;
}

const struct export_spec *
export_spec_of(const struct export *x, int i)
{
	if (x == NULL || i < 0 || i >= x->ndest)
		return NULL;
	return &x->d[i].spec;
}

int
export_lag(struct export *x, int i, struct export_lag *out)
{
	struct dest *d;
	int64_t head, now;

	if (x == NULL || i < 0 || i >= x->ndest)
		return -1;
	d = &x->d[i];
	head = store_entry_count(x->st);
	now = clock_now_ms(x->clk);
	memset(out, 0, sizeof(*out));
	str_copy(out->name, sizeof(out->name), d->spec.name);
	pthread_mutex_lock(&x->mu);
	out->next = d->next;
	out->behind = head > d->next ? head - d->next : 0;
	out->seconds_behind = out->behind > 0 && d->oldest_ms > 0 &&
	    now > d->oldest_ms ? (now - d->oldest_ms) / 1000 : 0;
	out->sent = d->sent;
	out->failures = d->failures;
	pthread_mutex_unlock(&x->mu);
	out->held = lease_held(d->lease, NULL);
	return 0;
}
