/* SPDX-License-Identifier: ISC */
#include "daemon/config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/action.h"
#include "common/conf.h"
#include "common/num.h"
#include "common/str.h"
#include "export/export.h"

enum opt_type { OPT_STR, OPT_INT, OPT_FLAG, OPT_WITNESS, OPT_EXPORT };

struct opt {
	const char *name;
	int type;
	size_t off;
	int64_t min, max;
	const char *arg;
	const char *help;
};

#define S(f) OPT_STR, offsetof(struct config, f), 0, 0
#define I(f, lo, hi) OPT_INT, offsetof(struct config, f), lo, hi
#define F(f) OPT_FLAG, offsetof(struct config, f), 0, 1

static const struct opt opts[] = {
	{"data", S(data), "DIR", "where the store, keys, operator.token "
	    "and outbox/ live (required)"},
	{"store", S(store), "URL", "the store: the SQLite file DIR/custos.db "
	    "(default), or a postgresql:// URL (libpq's syntax; keep a "
	    "password in ~/.pgpass or PGPASSWORD, not here); any number of "
	    "custosd, each with its own --data, may share one database"},
	{"node-name", S(node_name), "NAME", "this node's name in leases and "
	    "health (default: random, kept in DIR/node.id)"},
	{"lease-ttl", I(lease_ttl, 1, 600), "SECONDS", "how long a node's "
	    "lease on a cluster-wide job (signer, detect, sweeper) lasts "
	    "without renewal: a dead node's jobs move within it (default 5)"},
	{"listen", S(listen), "ADDR:PORT", "address to serve on "
	    "(default 127.0.0.1:8443)"},
	{"config", S(config), "FILE", "read options from FILE "
	    "(key = value lines)"},
	{"tls-cert", S(tls_cert), "FILE", "serve HTTPS with this PEM "
	    "certificate"},
	{"tls-key", S(tls_key), "FILE", "... and this PEM key"},
	{"public-url", S(public_url), "URL", "where people reach the console: "
	    "its origin, the passkeys' relying party and the base of mailed "
	    "links (default http://localhost:PORT on a loopback address, "
	    "else http://LISTEN)"},
	{"log-origin", S(log_origin), "NAME", "the log's origin line and key "
	    "name, fixed at first start (default <hostname>/custos-log)"},
	{"session-lifetime", I(session_lifetime, 60, 7 * 86400), "SECONDS",
	    "absolute session lifetime (default 28800, a shift)"},
	{"session-idle", I(session_idle, 60, 86400), "SECONDS",
	    "idle timeout (default 1800)"},
	{"reset-ttl", I(reset_ttl, 60, 86400), "SECONDS",
	    "lifetime of a password-reset link (default 3600)"},
	{"pwhash-ops", I(pwhash_ops, 1, 64), "N",
	    "Argon2id passes (default libsodium interactive: 2)"},
	{"pwhash-mem", I(pwhash_mem, 8192, (int64_t)4 << 30), "BYTES",
	    "Argon2id memory (default 67108864)"},
	{"max-connections", I(max_connections, 1, 100000), "N",
	    "simultaneous connections (default: what the open-files limit "
	    "allows, at most 16384; custosd raises its soft RLIMIT_NOFILE to "
	    "the hard limit at start and lowers N to fit).  At this limit or "
	    "the next, a newcomer evicts the connection waiting longest for "
	    "its headers"},
	{"per-ip-connections", I(per_ip_connections, 0, 100000), "N",
	    "per client address, 0 for no limit (default 256)"},
	{"flood-budget", I(flood_budget, 1, 1000000), "N",
	    "refusals naming no one (bad tokens, unknown routes, malformed "
	    "logins) per address and interval before it gets 429 at once "
	    "(default 120)"},
	{"flood-interval", I(flood_interval, 1, 86400), "SECONDS",
	    "the interval of that budget; after the first refusal of a kind, "
	    "the rest are recorded as one tally entry per interval "
	    "(default 60)"},
	{"header-timeout", I(header_timeout, 1, 3600), "SECONDS",
	    "a request's headers must be in within this time of the "
	    "connection (or of the previous answer); the body then at "
	    "--body-min-rate (default 10)"},
	{"body-min-rate", I(body_min_rate, 0, 1 << 30), "BYTES",
	    "least average bytes a second of a request body, checked after "
	    "--header-timeout; 0 for none (default 1024)"},
	{"workers", I(workers, 1, 1024), "N",
	    "threads running requests (default 16); connections are polled "
	    "by one thread per core"},
	{"readers", I(readers, 1, 1024), "N",
	    "store reader connections (default 32)"},
#ifdef CUSTOS_TEST_HOOKS
	/* Test builds only (cmake -DCUSTOS_TEST_HOOKS=ON, the asan, dev
	 * and fuzz presets): a release custosd reads the real clock. */
	{"test-clock", S(test_clock), "FILE", "tests only: read the time "
	    "(epoch seconds) from FILE"},
#endif
	{"quiet", F(quiet), NULL, "log only warnings and errors"},
	{"log-file", S(log_file), "FILE", "append the operational log to "
	    "FILE instead of stderr (SIGHUP reopens it, for logrotate)"},
	{"detect", I(detect, 0, 1), "0|1", "run the detection rules "
	    "(default 1)"},
	{"alert-webhook", S(alert_webhook), "URL", "POST each alert's JSON "
	    "here (retried with backoff)"},
	{"alert-webhook-attempts", I(alert_webhook_attempts, 1, 1000), "N",
	    "tries per alert before giving up (default 12)"},
	{"alert-mail", S(alert_mail), "ADDRESS", "the operator's mailbox for "
	    "alerts, in the outbox (default operator@localhost; 'none': off)"},
	{"alert-syslog", I(alert_syslog, 0, 1), "0|1", "alerts to syslog "
	    "(LOG_AUTH; default 1)"},
	{"okta-map-file", S(okta_map_file), "FILE", "Okta import: lines "
	    "'eventType action [kind]' that add to or override the built-in "
	    "mapping ('-' as action skips the type; 'p.*' a prefix; "
	    "docs/import.md)"},
	{"okta-vendor-domains", S(okta_vendor_domains), "DOMAIN=VENDOR...",
	    "Okta import: the vendor of an actor whose login is at DOMAIN "
	    "(or under it), space-separated pairs"},
	{"witness", OPT_WITNESS, 0, 0, 0, "URL=KEY", "a C2SP tlog witness "
	    "(custos witness) to cosign each checkpoint: its URL and its "
	    "verifier key (repeatable; several in one value separated by "
	    "spaces); GET /v1/log/checkpoint carries the cosignatures"},
	{"accept-log-rewrite", F(accept_log_rewrite), NULL, "start although "
	    "the log does not extend DIR/log.anchor (a restored backup, a "
	    "rewritten database) or has entries but no tree, and anchor it as "
	    "it is; checkpoints signed before are no longer extended and "
	    "witnesses will refuse the new ones (docs/operator-guide.md)"},
	{"metrics-listen", S(metrics_listen), "ADDR:PORT", "also serve "
	    "GET /metrics (Prometheus) here, without authentication and "
	    "unrecorded: keep it on loopback or firewalled (docs/metrics.md); "
	    "the main listener serves it to the operator's token"},
	{"log-format", S(log_format), "text|json", "the operational log's "
	    "lines: text (default) or one JSON object a line "
	    "{time, level, daemon, msg}"},
	{"export", OPT_EXPORT, 0, 0, 0, "'NAME KIND TARGET [K=V ...]'",
	    "stream every log entry as an OCSF event to a SIEM destination "
	    "(repeatable, at most 8): KIND file (TARGET a path; max-bytes=N "
	    "keep=N rotate it), syslog (HOST:PORT, RFC 5424 over TCP, tls=1 "
	    "ca=FILE), hec (Splunk HEC URL, token-file=FILE) or bulk "
	    "(Elasticsearch _bulk URL, index=NAME); scope=all|operator|"
	    "tenant:ID and fields=full|public say what it may see, batch=N "
	    "(docs/export.md)"},
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

void
config_usage(void)
{
	size_t i;

	printf("usage: custosd --data DIR [options]\n\n"
	    "custosd is the custos support-access gateway daemon.\n\n"
	    "options (also CUSTOS_<NAME> in the environment and 'name = value'"
	    " in --config):\n");
	for (i = 0; i < NOPTS; i++) {
		char left[48];

		str_printf(left, sizeof(left), "--%s%s%s", opts[i].name,
		    opts[i].arg != NULL ? " " : "",
		    opts[i].arg != NULL ? opts[i].arg : "");
		printf("  %-30s %s\n", left, opts[i].help);
	}
	printf("  %-30s %s\n", "--rule-NAME SETTINGS", "change a detection "
	    "rule, e.g. --rule-tenant-hopping 'threshold=15 window=3600'; "
	    "rules and settings: docs/detection.md");
	printf("  %-30s %s\n", "SIGHUP", "reread --config and reopen "
	    "--log-file; applied at once: quiet, log-file, flood-budget, "
	    "session-lifetime, session-idle, reset-ttl; every other change "
	    "is logged and waits for a restart");
	printf("  %-30s %s\n", "--actions", "print the action table (routes, "
	    "who may call each, recorded or not) as JSON lines, and exit");
	printf("  %-30s %s\n  %-30s %s\n", "--help", "show this help",
	    "--version", "show the version");
}

static const struct opt *
opt_find(const char *name)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

/* Appends each space-separated "URL=KEY" of value to c->witness. */
static int
witness_add(struct config *c, const char *value, const char *where,
    struct err *e)
{
	const char *p = value, *end;
	size_t n;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return 0;
		end = p + strcspn(p, " \t");
		n = (size_t)(end - p);
		if (c->nwitness == CONFIG_WITNESS_MAX)
			return err_bad_request(e, "%s: at most %d witnesses",
			    where, CONFIG_WITNESS_MAX);
		if (memchr(p, '=', n) == NULL)
			return err_bad_request(e, "%s: witness must be URL=KEY",
			    where);
		c->witness[c->nwitness] = strndup(p, n);
		if (c->witness[c->nwitness] == NULL)
			return err_internal(e, "out of memory");
		c->nwitness++;
		p = end;
	}
}

/* Appends one export destination, checked now so a bad one stops the
 * start with its reason; names are unique. */
static int
export_add(struct config *c, const char *value, const char *where,
    struct err *e)
{
	struct export_spec spec, other;
	int64_t k;

	if (value == NULL)
		return err_bad_request(e, "%s: export needs a value", where);
	if (export_spec_parse(&spec, value, e) == -1) {
		char why[ERR_MSG_MAX];

		str_copy(why, sizeof(why), e->msg);
		return err_bad_request(e, "%s: %s", where, why);
	}
	for (k = 0; k < c->nexport; k++)
		if (export_spec_parse(&other, c->export_dest[k], e) == 0 &&
		    strcmp(other.name, spec.name) == 0)
			return err_bad_request(e, "%s: export %s given twice",
			    where, spec.name);
	if (c->nexport == CONFIG_EXPORT_MAX)
		return err_bad_request(e, "%s: at most %d exports", where,
		    CONFIG_EXPORT_MAX);
	c->export_dest[c->nexport] = strdup(value);
	if (c->export_dest[c->nexport] == NULL)
		return err_internal(e, "out of memory");
	c->nexport++;
	return 0;
}

static int
opt_set(struct config *c, const struct opt *o, const char *value,
    const char *where, struct err *e)
{
	char *base = (char *)c;

	if (o->type == OPT_STR) {
		char **slot = (char **)(void *)(base + o->off);
		char *dup = strdup(value);

		if (dup == NULL)
			return err_internal(e, "out of memory");
		free(*slot);
		*slot = dup;
		return 0;
	}
	if (o->type == OPT_WITNESS)
		return witness_add(c, value, where, e);
	if (o->type == OPT_EXPORT)
		return export_add(c, value, where, e);
	if (o->type == OPT_FLAG && value == NULL)
		value = "1";
	if (num_parse_i64((int64_t *)(void *)(base + o->off), value, o->min,
	    o->max) == -1)
		return err_bad_request(e, "%s: %s must be an integer from %lld "
		    "to %lld", where, o->name, (long long)o->min,
		    (long long)o->max);
	return 0;
}

/* A rule-NAME setting, with where it came from in the error. */
static int
rule_set(struct config *c, const char *key, const char *value,
    const char *where, struct err *e)
{
	if (rules_set(&c->rules, key, value, e) == -1) {
		struct err inner = *e;

		return err_bad_request(e, "%s: %s", where, inner.msg);
	}
	return 0;
}

static int
conf_cb(void *arg, const char *key, const char *value, int line,
    struct err *e)
{
	const struct opt *o = opt_find(key);
	char where[64];

	str_printf(where, sizeof(where), "config line %d", line);
	if (strncmp(key, "rule-", 5) == 0)
		return rule_set(arg, key, value, where, e);
	if (o == NULL || strcmp(key, "config") == 0)
		return err_bad_request(e, "%s: unknown option '%s'", where,
		    key);
	return opt_set(arg, o, value, where, e);
}

static int
load_env(struct config *c, struct err *e)
{
	size_t i, k;

	for (i = 0; i < NOPTS; i++) {
		char name[64];
		const char *v;

		str_printf(name, sizeof(name), "CUSTOS_%s", opts[i].name);
		for (k = 7; name[k] != '\0'; k++)
			name[k] = name[k] == '-' ? '_' :
			    (char)(name[k] >= 'a' && name[k] <= 'z' ?
			    name[k] - 32 : name[k]);
		v = getenv(name);
		if (v != NULL && opt_set(c, &opts[i], v, name, e) == -1)
			return -1;
	}
	for (i = 0; i < RULE_COUNT; i++) {
		char name[64], key[64];
		const char *v;

		str_printf(key, sizeof(key), "rule-%s", c->rules.r[i].name);
		str_printf(name, sizeof(name), "CUSTOS_RULE_%s",
		    c->rules.r[i].name);
		for (k = 5; key[k] != '\0'; k++)
			if (key[k] == '_')
				key[k] = '-';
		for (k = 12; name[k] != '\0'; k++)
			if (name[k] >= 'a' && name[k] <= 'z')
				name[k] = (char)(name[k] - 32);
		v = getenv(name);
		if (v != NULL && rule_set(c, key, v, name, e) == -1)
			return -1;
	}
	return 0;
}

/* Flags win over everything, so they are applied last (twice is fine). */
static int
load_flags(struct config *c, int argc, char **argv, int only_config,
    struct err *e)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *value = NULL;
		const struct opt *o;
		char name[64];

		if (strncmp(a, "--", 2) != 0)
			return err_bad_request(e, "unexpected argument '%.64s'",
			    a);
		a += 2;
		eq = strchr(a, '=');
		if (str_copy(name, sizeof(name), a) == -1)
			return err_bad_request(e, "unknown option");
		if (eq != NULL) {
			name[eq - a] = '\0';
			value = eq + 1;
		}
		if (strncmp(name, "rule-", 5) == 0) {
			if (value == NULL && i + 1 >= argc)
				return err_bad_request(e, "--%s needs a value",
				    name);
			if (value == NULL)
				value = argv[++i];
			if (!only_config && rule_set(c, name, value,
			    "command line", e) == -1)
				return -1;
			continue;
		}
		o = opt_find(name);
		if (o == NULL)
			return err_bad_request(e, "unknown option '--%s'",
			    name);
		if (o->type != OPT_FLAG && value == NULL) {
			if (i + 1 >= argc)
				return err_bad_request(e, "--%s needs a value",
				    name);
			value = argv[++i];
		}
		if (only_config != (strcmp(name, "config") == 0))
			continue;
		if (opt_set(c, o, value, "command line", e) == -1)
			return -1;
	}
	return 0;
}

int
config_load(struct config *c, int argc, char **argv, struct err *e)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			config_usage();
			return 1;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("custosd %s\n", CUSTOS_VERSION);
			return 1;
		}
		if (strcmp(argv[i], "--actions") == 0) {
			if (action_table_print(stdout) == -1)
				return err_set(e, 500, "internal", "cannot "
				    "write the action table");
			return 1;
		}
	}
	c->session_lifetime = 8 * 3600;
	c->session_idle = 30 * 60;
	c->reset_ttl = 3600;
	c->max_connections = 0;         /* sized by main to the rlimit */
	c->per_ip_connections = 256;
	c->header_timeout = 10;
	c->body_min_rate = 1024;
	c->workers = 16;
	c->readers = 32;
	c->flood_budget = 120;
	c->flood_interval = 60;
	c->detect = 1;
	c->alert_webhook_attempts = 12;
	c->alert_syslog = 1;
	rules_defaults(&c->rules);
	/* The config file is named by a flag or the environment. */
	if (load_flags(c, argc, argv, 1, e) == -1)
		return -1;
	if (c->config == NULL && getenv("CUSTOS_CONFIG") != NULL &&
	    opt_set(c, opt_find("config"), getenv("CUSTOS_CONFIG"),
	    "CUSTOS_CONFIG", e) == -1)
		return -1;
	if (c->config != NULL) {
		size_t len = 0;
		char *text = conf_read_file(c->config, CONF_FILE_MAX, &len, e);
		int rc;

		if (text == NULL)
			return -1;
		rc = conf_parse(text, len, conf_cb, c, e);
		free(text);
		if (rc == -1)
			return -1;
	}
	if (load_env(c, e) == -1 || load_flags(c, argc, argv, 0, e) == -1)
		return -1;
	if (c->data == NULL)
		return err_bad_request(e, "--data DIR is required");
	if (c->listen == NULL && (c->listen = strdup("127.0.0.1:8443")) ==
	    NULL)
		return err_internal(e, "out of memory");
	if (c->alert_mail == NULL && (c->alert_mail =
	    strdup("operator@localhost")) == NULL)
		return err_internal(e, "out of memory");
	if (c->log_format != NULL && strcmp(c->log_format, "text") != 0 &&
	    strcmp(c->log_format, "json") != 0)
		return err_bad_request(e, "--log-format is text or json, not "
		    "'%s'", c->log_format);
	return 0;
}

void
config_free(struct config *c)
{
	free(c->data);
	free(c->listen);
	free(c->config);
	free(c->tls_cert);
	free(c->tls_key);
	free(c->public_url);
	free(c->test_clock);
	free(c->alert_webhook);
	free(c->alert_mail);
	free(c->okta_map_file);
	free(c->okta_vendor_domains);
	free(c->log_origin);
	free(c->log_file);
	free(c->store);
	free(c->node_name);
	free(c->metrics_listen);
	free(c->log_format);
	while (c->nwitness > 0)
		free(c->witness[--c->nwitness]);
	while (c->nexport > 0)
		free(c->export_dest[--c->nexport]);
}

/*
 * What a SIGHUP may change in a running custosd: each is read through an
 * atomic or a lock where it is used.  Everything else is copied into the
 * parts at start-up, or shapes what they hold (sockets, threads, the
 * store, the log's key), and needs a restart.
 */
static const char *const live_options[] = {
	"quiet", "log-file", "flood-budget", "session-lifetime",
	"session-idle", "reset-ttl",
};

int
config_is_live(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(live_options) / sizeof(live_options[0]); i++)
		if (strcmp(live_options[i], name) == 0)
			return 1;
	return 0;
}

static int
str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

void
config_diff(const struct config *old, const struct config *new,
    void (*cb)(void *arg, const char *name, int live), void *arg)
{
	const char *o = (const char *)old, *n = (const char *)new;
	size_t i;
	int64_t k;

	for (i = 0; i < NOPTS; i++) {
		const struct opt *p = &opts[i];
		int differs = 0;

		if (p->type == OPT_STR)
			differs = str_differs(
			    *(char *const *)(const void *)(o + p->off),
			    *(char *const *)(const void *)(n + p->off));
		else if (p->type == OPT_INT || p->type == OPT_FLAG)
			differs = *(const int64_t *)(const void *)(o + p->off) !=
			    *(const int64_t *)(const void *)(n + p->off);
		else if (p->type == OPT_WITNESS) {
			differs = old->nwitness != new->nwitness;
			for (k = 0; !differs && k < old->nwitness; k++)
				differs = str_differs(old->witness[k],
				    new->witness[k]);
		} else if (p->type == OPT_EXPORT) {
			differs = old->nexport != new->nexport;
			for (k = 0; !differs && k < old->nexport; k++)
				differs = str_differs(old->export_dest[k],
				    new->export_dest[k]);
		}
		if (differs)
			cb(arg, p->name, config_is_live(p->name));
	}
	for (i = 0; i < RULE_COUNT; i++) {
		const struct rule *a = &old->rules.r[i], *b = &new->rules.r[i];

		if (a->enabled != b->enabled || a->severity != b->severity ||
		    a->threshold != b->threshold || a->window != b->window ||
		    a->contain != b->contain || a->level != b->level) {
			cb(arg, "rule-*", 0);
			break;
		}
	}
}
