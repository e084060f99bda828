/* SPDX-License-Identifier: ISC */
/*
 * custosd: start-up and wiring.  Reads the configuration, opens the store,
 * makes DIR/operator.token on first start, serves the API until SIGINT or
 * SIGTERM.  SIGHUP rereads the configuration and reopens --log-file
 * (reload() below).  Only this file may exit the process.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/sweeper.h"
#include "audit/flood.h"
#include "api/api.h"
#include "api/cache.h"
#include "auth/password.h"
#include "auth/secrets.h"
#include "auth/totp.h"
#include "common/jsonx.h"
#include "common/log.h"
#include "common/url.h"
#include "common/str.h"
#include "daemon/config.h"
#include "daemon/copy_store.h"
#include "daemon/pidlock.h"
#include "detect/detect.h"
#include "export/export.h"
#include "importer/okta.h"
#include "mail/outbox.h"
#include "scope/incident_publish.h"
#include "metrics/metrics.h"
#include "metrics/serve.h"
#include "store/lease.h"
#include "tlog/note.h"
#include "tlog/tlog.h"

#define OPERATOR_HASH_KEY API_OPERATOR_HASH_KEY

/* Writes path (mode 0600) by temp file and rename. */
static int
write_secret_file(const char *path, const char *text)
{
	char tmp[4096];
	size_t len = strlen(text), off = 0;
	int fd;

	if (str_printf(tmp, sizeof(tmp), "%s.tmp", path) == -1)
		return -1;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1 || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct init_job {
	const struct store_ops *ops;
	uint8_t hash[TOKEN_HASH_LEN];
};

static int
apply_init(struct store_conn *c, void *arg, struct err *e)
{
	struct init_job *j = arg;

	return j->ops->meta_set(c, OPERATOR_HASH_KEY, j->hash,
	    sizeof(j->hash), e);
}

/* Loads the operator token's hash, making the token on first start. */
static int
operator_token(struct api_ctx *ctx, struct store *st, const char *data,
    struct err *e)
{
	const struct store_ops *ops = store_ops(st);
	char token[TOKEN_MAX + 2], path[4096];
	struct init_job j;
	struct store_job job = {apply_init, NULL, &j};
	struct store_conn *c;
	struct buf b;
	int found, rc = -1;

	buf_init(&b, 64);
	c = store_reader_get(st, e);
	if (c == NULL)
		return -1;
	found = ops->meta_get(c, OPERATOR_HASH_KEY, &b, e);
	store_reader_put(st, c);
	if (found == -1)
		goto out;
	if (found == 0) {
		if (b.len != TOKEN_HASH_LEN) {
			err_internal(e, "the stored operator token hash is "
			    "damaged");
			goto out;
		}
		memcpy(ctx->operator_hash, b.data, TOKEN_HASH_LEN);
		if (str_printf(path, sizeof(path), "%s/operator.token", data) ==
		    0 && access(path, F_OK) == -1 && errno == ENOENT)
			log_info("the root operator token was made by another "
			    "node of this cluster: copy its DIR/operator.token "
			    "here if you need it");
		rc = 0;
		goto out;
	}
	if (token_new(token, sizeof(token), "cop") == -1 ||
	    str_printf(path, sizeof(path), "%s/operator.token", data) == -1) {
		err_internal(e, "cannot make the operator token");
		goto out;
	}
	j.ops = ops;
	token_hash(j.hash, token);
	memcpy(ctx->operator_hash, j.hash, TOKEN_HASH_LEN);
	{
		size_t n = strlen(token);

		token[n] = '\n';
		token[n + 1] = '\0';
	}
	if (write_secret_file(path, token) == -1) {
		err_internal(e, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	if (store_write(st, &job, NULL, e) == -1)
		goto out;
	log_info("first start: wrote %s (mode 0600)", path);
	rc = 0;
out:
	sodium_memzero(token, sizeof(token));
	buf_cleanup(&b);
	return rc;
}

#define NODE_ID_FILE "node.id"
#define NODE_NAME_MAX 64

/* This node's name: --node-name, or DIR/node.id ("n-" and 13 base32
 * letters of 8 random bytes, made on first start). */
static int
node_name(char *out, size_t size, const struct config *cfg, struct err *e)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	char path[4096], text[NODE_NAME_MAX + 2];
	uint8_t raw[8];
	uint64_t v = 0;
	ssize_t n;
	size_t i;
	int fd;

	if (cfg->node_name != NULL) {
		if (cfg->node_name[0] == '\0' || strspn(cfg->node_name,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-_.") != strlen(cfg->node_name) ||
		    str_copy(out, size, cfg->node_name) == -1 ||
		    strlen(cfg->node_name) > NODE_NAME_MAX)
			return err_bad_request(e, "--node-name: at most %d "
			    "letters, digits, '-', '_' or '.'", NODE_NAME_MAX);
		return 0;
	}
	if (str_printf(path, sizeof(path), "%s/%s", cfg->data,
	    NODE_ID_FILE) == -1)
		return err_internal(e, "data directory path too long");
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd != -1) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (n <= 0)
			return err_internal(e, "%s is empty or unreadable",
			    path);
		text[n] = '\0';
		text[strcspn(text, "\r\n")] = '\0';
		if (text[0] == '\0' || str_copy(out, size, text) == -1)
			return err_internal(e, "%s is damaged", path);
		return 0;
	}
	if (errno != ENOENT)
		return err_internal(e, "cannot read %s: %s", path,
		    strerror(errno));
	randombytes_buf(raw, sizeof(raw));
	for (i = 0; i < sizeof(raw); i++)
		v = v << 8 | raw[i];
	text[0] = 'n';
	text[1] = '-';
	/* 64 bits in 13 letters: the last holds 4 bits and a zero. */
	for (i = 0; i < 13; i++)
		text[2 + i] = b32[(i < 12 ? v >> (59 - 5 * i) : v << 1) & 31];
	text[15] = '\0';
	if (str_copy(out, size, text) == -1)
		return err_internal(e, "node name too long");
	text[15] = '\n';
	text[16] = '\0';
	if (write_secret_file(path, text) == -1)
		return err_internal(e, "cannot write %s: %s", path,
		    strerror(errno));
	return 0;
}

#define META_SECRETS_ID "secrets_id"

struct secrets_id_job {
	const struct store_ops *ops;
	char id[SECRETS_BLIND_LEN + 1];
};

static int
apply_secrets_id(struct store_conn *c, void *arg, struct err *e)
{
	struct secrets_id_job *j = arg;

	return j->ops->meta_set(c, META_SECRETS_ID, j->id, strlen(j->id), e);
}

/*
 * Several nodes share DIR/secrets.key (TOTP seeds are sealed under it):
 * the first records a fingerprint of it (a keyed hash of a fixed string,
 * which tells nothing of the key), and a node whose key gives another
 * refuses to start.  One node (SQLite): nothing to compare.
 */
static int
secrets_check(struct store *st, struct err *e)
{
	struct secrets_id_job j;
	struct store_job job = {apply_secrets_id, NULL, &j};
	struct store_conn *c;
	struct buf b;
	int found, rc = -1;

	j.ops = store_ops(st);
	if (j.ops->init_lock == NULL)
		return 0;
	secrets_blind(j.id, sizeof(j.id), "custos.secrets_id", "cluster");
	buf_init(&b, 128);
	c = store_reader_get(st, e);
	if (c == NULL)
		goto out;
	found = j.ops->meta_get(c, META_SECRETS_ID, &b, e);
	store_reader_put(st, c);
	if (found == -1)
		goto out;
	if (found == 1) {
		rc = store_write(st, &job, NULL, e);
		goto out;
	}
	if (b.len != strlen(j.id) || sodium_memcmp(b.data, j.id, b.len) != 0) {
		err_internal(e, "this node's secrets.key is not the key of "
		    "the other nodes on this store: copy DIR/secrets.key (and "
		    "DIR/log.key) from a node of this cluster");
		goto out;
	}
	rc = 0;
out:
	buf_cleanup(&b);
	return rc;
}

#define FD_RESERVE 256          /* descriptors kept for all but clients */
#define CONNECTIONS_AUTO_MAX 16384

/*
 * Raises the soft open-files limit to the hard one and returns how many
 * connections fit in it: asked (0: as many as fit, up to
 * CONNECTIONS_AUTO_MAX), lowered when it does not fit.  The HTTP server
 * holds a quarter more descriptors than its limit while it evicts.
 */
static int64_t
connections_that_fit(int64_t asked)
{
	struct rlimit rl;
	int64_t fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			rl.rlim_cur = was;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)1 << 30)
		fit = CONNECTIONS_AUTO_MAX * 2;
	else
		fit = ((int64_t)rl.rlim_cur - FD_RESERVE) * 4 / 5;
	if (fit < 16)
		fit = 16;
	if (asked == 0)
		return fit < CONNECTIONS_AUTO_MAX ? fit : CONNECTIONS_AUTO_MAX;
	if (asked > fit) {
		log_warn("--max-connections %lld does not fit in the open-files "
		    "limit (%llu): using %lld", (long long)asked,
		    (unsigned long long)rl.rlim_cur, (long long)fit);
		return fit;
	}
	return asked;
}

/* The sweeper waits while the log is damaged: it could not append. */
static int
log_halted(void *arg)
{
	return tlog_broken(arg) != NULL;
}

static void
reload_note(void *arg, const char *name, int live)
{
	if (live)
		log_info("SIGHUP: %s changed: applied", name);
	else
		log_warn("SIGHUP: %s changed: needs a restart; the running "
		    "value is kept", name);
}

/* Issue 16: each group commit of the writer, in the metrics. */
static void
commit_observed(void *arg, int batch, int64_t ns, int ok)
{
	metrics_commit(arg, batch, ns, ok);
}

/*
 * Issue 16: the log's figures for a scrape (metrics_set_collector): the
 * committed entries, the tree's size and the latest checkpoint's age,
 * read from a reader connection (one small query).
 */
static void
collect_log(void *arg, struct metrics *m)
{
	struct api_ctx *ctx = arg;
	struct store_conn *c;
	struct buf note;
	int64_t when = 0;
	double age = -1;
	struct err e;

	err_init(&e);
	buf_init(&note, NOTE_MAX + 1);
	c = store_reader_get(ctx->store, &e);
	if (c != NULL && store_ops(ctx->store)->checkpoint_latest_time(c,
	    &note, &when, &e) == 0)
		age = (double)(clock_now(ctx->clock) - when);
	if (c != NULL)
		store_reader_put(ctx->store, c);
	buf_cleanup(&note);
	/* None signed yet: the age is left out. */
	metrics_log_set(m, store_entry_count(ctx->store), tlog_size(ctx->tlog),
	    age);
	/* The SIEM export's lag (export/export.h), from the node that
	 * exports each destination: its lease holder knows the age of the
	 * oldest unsent entry. */
	{
		int i;

		for (i = 0; i < export_count(ctx->exporter); i++) {
			struct export_lag lag;

			if (export_lag(ctx->exporter, i, &lag) == 0 &&
			    lag.held)
				(void)metrics_export_lag_set(m, lag.name,
				    lag.behind, (double)lag.seconds_behind);
		}
	}
}

/*
 * SIGHUP: reads the configuration again (file, environment, flags, as at
 * start) and applies what config_is_live() names; reopens the log file
 * whether or not it changed, which is what logrotate needs.  cfg stays the
 * configuration in force: only its live options change.  A file that no
 * longer parses changes nothing.
 */
static void
reload(struct config *cfg, struct api_ctx *ctx, int argc, char **argv)
{
	struct config next;
	struct err e;
	char *swap;
	int rc;

	err_init(&e);
	rc = config_load(&next, argc, argv, &e);
	if (rc != 0) {
		log_error("SIGHUP: %s; nothing changed", rc == -1 ? e.msg :
		    "unexpected answer");
		goto out;
	}
	if (cfg->log_file != NULL && next.log_file == NULL) {
		/* stderr was replaced at start: there is no going back. */
		log_warn("SIGHUP: log-file removed: needs a restart; still "
		    "logging to %s", cfg->log_file);
		next.log_file = strdup(cfg->log_file);
		if (next.log_file == NULL) {
			log_error("SIGHUP: out of memory; nothing changed");
			goto out;
		}
	}
	if (next.log_file != NULL && log_file_open(next.log_file) == -1) {
		log_error("SIGHUP: cannot open log file %s: %s; nothing "
		    "changed", next.log_file, strerror(errno));
		goto out;
	}
	config_diff(cfg, &next, reload_note, NULL);
	swap = cfg->log_file;
	cfg->log_file = next.log_file;
	next.log_file = swap;
	cfg->quiet = next.quiet;
	log_set_quiet((int)cfg->quiet);
	cfg->flood_budget = next.flood_budget;
	if (ctx->flood != NULL)
		flood_set_budget(ctx->flood, (uint32_t)cfg->flood_budget);
	cfg->session_lifetime = next.session_lifetime;
	cfg->session_idle = next.session_idle;
	cfg->reset_ttl = next.reset_ttl;
	api_config_set_live(&ctx->cfg, cfg->session_lifetime,
	    cfg->session_idle, cfg->reset_ttl);
	log_info("SIGHUP: configuration reread%s%s", cfg->log_file != NULL ?
	    ", log reopened: " : "", cfg->log_file != NULL ? cfg->log_file :
	    "");
out:
	config_free(&next);
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct api_ctx ctx;
	struct clock clk;
	struct store_config scfg;
	struct http_config hcfg;
	struct http_app app;
	struct store *st = NULL;
	struct tlog *tl = NULL;
	struct sweeper *sw = NULL;
	struct sweeper_config swcfg;
	struct detect *det = NULL;
	struct detect_config dcfg;
	struct export *exporter = NULL;
	struct tlog_config tcfg;
	struct okta_conf okta;
	struct http_server *srv = NULL;
	struct metrics *mx = NULL;
	struct metrics_server *msrv = NULL;
	char dbpath[4096], outbox[4096], url[600], node[NODE_NAME_MAX + 1];
	struct lease *l_signer = NULL, *l_detect = NULL, *l_sweeper = NULL;
	int64_t ttl_ms;
	sigset_t sigs;
	struct err e;
	int rc, sig, status = 1, lockfd = -1;

	err_init(&e);
	okta_conf_init(&okta);
	if (argc >= 2 && strcmp(argv[1], "copy-store") == 0)
		return copy_store_main(argc - 1, argv + 1);
	memset(&ctx, 0, sizeof(ctx));
	/* A reload sent while custosd starts (systemd counts it started at
	 * exec) waits for the sigwait below instead of killing it; every
	 * thread inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	rc = config_load(&cfg, argc, argv, &e);
	if (rc != 0) {
		if (rc == -1) {
			fprintf(stderr, "custosd: %s\n(see custosd --help)\n",
			    e.msg);
			status = 2;
		} else {
			status = 0;
		}
		goto out;
	}
	log_set_quiet((int)cfg.quiet);
	log_set_format(cfg.log_format != NULL && strcmp(cfg.log_format,
	    "json") == 0 ? LOG_FORMAT_JSON : LOG_FORMAT_TEXT);
	if (cfg.log_file != NULL && log_file_open(cfg.log_file) == -1) {
		fprintf(stderr, "custosd: cannot open --log-file %s: %s\n",
		    cfg.log_file, strerror(errno));
		goto out;
	}
	/* A file that reaches its size limit is a failed write, which the
	 * store answers (503, nothing recorded), not the end of custosd. */
	signal(SIGXFSZ, SIG_IGN);
	jx_wipe_on_free();
	if (sodium_init() < 0 || totp_setup() == -1 ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    password_setup((unsigned long long)cfg.pwhash_ops,
	    (size_t)cfg.pwhash_mem) == -1) {
		log_error("cannot initialise the crypto libraries");
		goto out;
	}
	umask(077);
	if (mkdir(cfg.data, 0700) == -1 && errno != EEXIST) {
		log_error("cannot create %s: %s", cfg.data, strerror(errno));
		goto out;
	}
	if (pidlock_take(&lockfd, cfg.data, &e) == -1) {
		log_error("%s", e.msg);
		goto out;
	}
	if (str_printf(dbpath, sizeof(dbpath), "%s/custos.db", cfg.data) ==
	    -1 || str_printf(outbox, sizeof(outbox), "%s/outbox", cfg.data) ==
	    -1 || outbox_init(outbox) == -1) {
		log_error("cannot prepare %s/outbox", cfg.data);
		goto out;
	}
	if (secrets_setup(cfg.data, &e) == -1) {
		log_error("%s", e.msg);
		goto out;
	}
	clk.file = cfg.test_clock;
	if (node_name(node, sizeof(node), &cfg, &e) == -1) {
		log_error("%s", e.msg);
		goto out;
	}
	memset(&scfg, 0, sizeof(scfg));
	/* --store: a PostgreSQL URL (several nodes), or the SQLite file.
	 * The URL may hold a password: it is never logged. */
	scfg.where = cfg.store != NULL && cfg.store[0] != '\0' ? cfg.store :
	    dbpath;
	scfg.ops = store_ops_for(scfg.where);
	scfg.readers = (int)cfg.readers;
	scfg.clock = &clk;
	scfg.node = node;
	st = store_open(&scfg, &e);
	if (st == NULL || secrets_check(st, &e) == -1 ||
	    secrets_seal_stored(st, &e) == -1) {
		log_error("%s", e.msg);
		goto out;
	}
	/* Issue 16: counted from the first commit on. */
	mx = metrics_new(CUSTOS_VERSION, store_node(st), store_backend(st));
	if (mx == NULL) {
		log_error("out of memory");
		goto out;
	}
	store_set_commit_observer(st, commit_observed, mx);
	/* Several nodes: the jobs one node at a time runs.  On SQLite each
	 * lease is simply held. */
	ttl_ms = (cfg.lease_ttl > 0 ? cfg.lease_ttl : 5) * 1000;
	l_signer = lease_start(st, "signer", node, ttl_ms, &e);
	if (l_signer != NULL)
		l_sweeper = lease_start(st, "sweeper", node, ttl_ms, &e);
	if (l_sweeper != NULL && cfg.detect)
		l_detect = lease_start(st, "detect", node, ttl_ms, &e);
	if (l_signer == NULL || l_sweeper == NULL || (cfg.detect &&
	    l_detect == NULL)) {
		log_error("%s", e.msg);
		goto out;
	}
	memset(&tcfg, 0, sizeof(tcfg));
	tcfg.data_dir = cfg.data;
	tcfg.origin = cfg.log_origin;
	tcfg.store = st;
	tcfg.clock = &clk;
	tcfg.accept_log_rewrite = (int)cfg.accept_log_rewrite;
	tcfg.witnesses = (const char *const *)cfg.witness;
	tcfg.nwitnesses = (size_t)cfg.nwitness;
	tcfg.signer_lease = l_signer;
	tl = tlog_open(&tcfg, &e);
	if (tl == NULL) {
		log_error("%s", e.msg);
		goto out;
	}
	memset(&ctx, 0, sizeof(ctx));
	/* helper optok: the root token's hash may be rotated while serving;
	 * the locks live as long as the process. */
	if (api_ctx_init_locks(&ctx) == -1) {
		log_error("cannot set up the operator token's lock");
		goto out;
	}
	ctx.store = st;
	ctx.tlog = tl;
	ctx.clock = &clk;
	ctx.metrics = mx;
	metrics_set_collector(mx, collect_log, &ctx);
	/* At most 2048 tenants' user lists of up to 64 KiB: 128 MiB. */
	ctx.users_cache = cache_new(2048, 64 * 1024);
	api_config_defaults(&ctx.cfg);
	ctx.cfg.session_lifetime = cfg.session_lifetime;
	ctx.cfg.session_idle = cfg.session_idle;
	ctx.cfg.reset_ttl = cfg.reset_ttl;
	{
		struct flood_config fc = {cfg.flood_interval * 1000,
		    (uint32_t)cfg.flood_budget};

		ctx.flood = flood_new(&fc);
		if (ctx.flood == NULL) {
			log_error("out of memory");
			goto out;
		}
	}
	ctx.cfg.outbox_dir = outbox;
	ctx.cfg.data_dir = cfg.data;
	/* Issue 16: the Okta import's mapping rows and vendor domains. */
	if ((cfg.okta_map_file != NULL && okta_conf_map_file(&okta,
	    cfg.okta_map_file, &e) == -1) || (cfg.okta_vendor_domains != NULL &&
	    okta_conf_vendors(&okta, cfg.okta_vendor_domains, &e) == -1)) {
		log_error("%s", e.msg);
		goto out;
	}
	ctx.cfg.okta = &okta;
	/* Issue 16: incident notices a crash left staged after their
	 * commit go out now (before anything else is staged). */
	{
		struct store_conn *rconn = store_reader_get(st, &e);
		int nrec;

		if (rconn == NULL) {
			log_error("%s", e.msg);
			goto out;
		}
		nrec = publish_recover(rconn, store_ops(st), outbox);
		store_reader_put(st, rconn);
		if (nrec > 0)
			log_info("delivered %d incident notice(s) left staged "
			    "by a crash", nrec);
	}
	if (url_default_public(url, sizeof(url), cfg.listen,
	    cfg.tls_cert != NULL) == -1 ||
	    api_config_public_url(&ctx.cfg, cfg.public_url != NULL ?
	    cfg.public_url : url, &e) == -1) {
		log_error("--public-url: %s", e.msg[0] != '\0' ? e.msg :
		    "too long");
		goto out;
	}
	if (operator_token(&ctx, st, cfg.data, &e) == -1) {
		log_error("%s", e.msg);
		goto out;
	}
	/* fixtok: the named tokens that may send an import's body. */
	if (api_import_keys_refresh(&ctx, &e) == -1) {
		log_error("operator tokens: %s", e.msg);
		goto out;
	}
	/* Several nodes: the start-up lock goes; changes of operator tokens
	 * on other nodes are followed from now on. */
	store_init_done(st);
	ctx.lease_signer = l_signer;
	ctx.lease_detect = l_detect;
	ctx.lease_sweeper = l_sweeper;
	api_follow_tokens(&ctx);
	/* Signals are taken by sigwait below, not by any thread. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(&hcfg, 0, sizeof(hcfg));
	hcfg.listen = cfg.listen;
	hcfg.tls_cert = cfg.tls_cert;
	hcfg.tls_key = cfg.tls_key;
	hcfg.max_connections = (unsigned)connections_that_fit(
	    cfg.max_connections);
	hcfg.per_ip_connections = (unsigned)cfg.per_ip_connections;
	hcfg.timeout_seconds = 60;
	hcfg.header_seconds = (unsigned)cfg.header_timeout;
	hcfg.body_min_rate = (unsigned)cfg.body_min_rate;
	hcfg.workers = (unsigned)cfg.workers;
	app.body_cap = api_body_cap;
	app.handle = api_handle;
	app.done = api_done;
	app.ctx = &ctx;
	memset(&swcfg, 0, sizeof(swcfg));
	swcfg.store = st;
	swcfg.clock = &clk;
	swcfg.mail.outbox_dir = outbox;
	swcfg.mail.from = ctx.cfg.mail_from;
	swcfg.mail.console_url = ctx.cfg.public_url;
	swcfg.halted = log_halted;
	swcfg.halted_arg = tl;
	swcfg.throttle_window = ctx.cfg.throttle_window;
	swcfg.lease = l_sweeper;
	sw = sweeper_start(&swcfg, &e);
	if (sw == NULL) {
		log_error("%s", e.msg);
		goto out;
	}
	if (cfg.detect) {
		memset(&dcfg, 0, sizeof(dcfg));
		dcfg.rules = cfg.rules;
		dcfg.webhook_url = cfg.alert_webhook;
		dcfg.webhook_attempts = (int)cfg.alert_webhook_attempts;
		dcfg.mail_to = strcmp(cfg.alert_mail, "none") != 0 ?
		    cfg.alert_mail : NULL;
		dcfg.outbox_dir = outbox;
		dcfg.mail_from = ctx.cfg.mail_from;
		dcfg.use_syslog = (int)cfg.alert_syslog;
		dcfg.lease = l_detect;
		dcfg.metrics = mx;
		det = detect_start(st, &clk, &dcfg, &e);
		if (det == NULL) {
			log_error("%s", e.msg);
			goto out;
		}
	}
	if (cfg.nexport > 0) {
		struct export_config *xcfg = calloc(1, sizeof(*xcfg));
		int64_t k;

		if (xcfg == NULL) {
			log_error("out of memory");
			goto out;
		}
		for (k = 0; k < cfg.nexport; k++)
			if (export_spec_parse(&xcfg->dest[k],
			    cfg.export_dest[k], &e) == -1) {
				free(xcfg);
				log_error("%s", e.msg);
				goto out;
			}
		xcfg->ndest = (int)cfg.nexport;
		xcfg->origin = tlog_origin(tl);
		xcfg->node = node;
		xcfg->lease_ttl_ms = ttl_ms;
		exporter = export_start(st, &clk, xcfg, &e);
		free(xcfg);
		if (exporter == NULL) {
			log_error("%s", e.msg);
			goto out;
		}
		ctx.exporter = exporter;
	}
	srv = http_start(&hcfg, &app, &e);
	if (srv == NULL) {
		log_error("%s", e.msg);
		goto out;
	}
	if (cfg.metrics_listen != NULL) {
		msrv = metrics_serve(cfg.metrics_listen, mx, &e);
		if (msrv == NULL) {
			log_error("--metrics-listen: %s", e.msg);
			goto out;
		}
		log_info("metrics on http://%s/metrics", cfg.metrics_listen);
	}
	log_info("listening on %s, store %s (%s), node %s, %lld log entries",
	    url, store_ops(st) == &store_sqlite_ops ? dbpath : "--store",
	    store_backend(st), store_node(st),
	    (long long)store_entry_count(st));
	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		reload(&cfg, &ctx, argc, argv);
	}
	log_info("stopping on signal %d", sig);
	status = 0;
out:
	metrics_serve_stop(msrv);
	http_stop(srv);
	/* What the flood account only counted goes into the log now. */
	if (st != NULL)
		api_flood_flush(&ctx, 1);
	flood_free(ctx.flood);
	detect_stop(det);
	export_stop(exporter);
	sweeper_stop(sw);
	cache_free(ctx.users_cache);
	tlog_close(tl);
	/* After the signer and publisher, which ask the signer lease. */
	lease_stop(l_detect);
	lease_stop(l_sweeper);
	lease_stop(l_signer);
	/* After the store's watcher, which rereads the tokens. */
	store_close(st);
	/* After every part that counts. */
	metrics_free(mx);
	/* Set up last by api_ctx_init_locks: the locks are there too. */
	if (ctx.import_keys != NULL)
		api_ctx_cleanup_locks(&ctx);
	/* The lock goes last: nothing of this daemon touches DIR after. */
	if (lockfd != -1)
		close(lockfd);
	okta_conf_free(&okta);
	config_free(&cfg);
	curl_global_cleanup();
	return status;
}
