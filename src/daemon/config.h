/* SPDX-License-Identifier: ISC */
/*
 * config: custosd's one start-up configuration, from (lowest first)
 * defaults, the config file (--config), CUSTOS_* environment variables and
 * command-line flags.  Every option has the same name in all three:
 * --session-idle, CUSTOS_SESSION_IDLE, "session-idle = 1800".
 */
#ifndef CUSTOS_DAEMON_CONFIG_H
#define CUSTOS_DAEMON_CONFIG_H

#include <stdint.h>

#include "common/err.h"
#include "detect/rules.h"

#define CONFIG_WITNESS_MAX 16
#define CONFIG_EXPORT_MAX 8             /* export/export.h EXPORT_MAX */

struct config {
	char *data;
	char *listen;
	char *config;
	char *tls_cert;
	char *tls_key;
	char *public_url;
	char *test_clock;
	char *log_origin;
	char *log_file;                 /* NULL: stderr */
	char *store;                    /* NULL: DIR/custos.db; or a
					 * postgresql:// URL (issue 15) */
	char *node_name;                /* NULL: DIR/node.id */
	int64_t lease_ttl;              /* seconds; 0: the default, 5 */
	int64_t session_lifetime;
	int64_t session_idle;
	int64_t reset_ttl;
	int64_t pwhash_ops;
	int64_t pwhash_mem;
	int64_t max_connections;        /* 0: sized to RLIMIT_NOFILE */
	int64_t per_ip_connections;
	int64_t flood_budget;
	int64_t flood_interval;
	int64_t header_timeout;         /* seconds */
	int64_t body_min_rate;          /* bytes a second */
	int64_t workers;
	int64_t readers;
	int64_t quiet;
	int64_t detect;                 /* run the rules (default 1) */
	char *alert_webhook;
	int64_t alert_webhook_attempts;
	char *alert_mail;
	int64_t alert_syslog;
	struct rules rules;             /* defaults, then rule-* settings */
	int64_t accept_log_rewrite;     /* start over a log that does not
					 * extend DIR/log.anchor */
	char *witness[CONFIG_WITNESS_MAX];      /* "URL=KEY" each */
	int64_t nwitness;
	/* Issue 16, helper metrics. */
	char *metrics_listen;           /* NULL: no separate listener */
	char *log_format;               /* "text" (default) or "json" */
	char *okta_map_file;            /* issue 16: importer/okta.h */
	char *okta_vendor_domains;      /* "domain=vendor ..." */
	/* SIEM export destinations (issue 16): each value as given,
	 * checked by export_spec_parse at parse time. */
	char *export_dest[CONFIG_EXPORT_MAX];
	int64_t nexport;
};

/* Fills c from argv, the environment and the config file.  Returns 0, 1
 * when --help or --version was answered, -1 with e on a usage error. */
int config_load(struct config *c, int argc, char **argv, struct err *e)
	__attribute__((warn_unused_result));
void config_free(struct config *c);

/* 1 when SIGHUP applies option name at once, 0 when it needs a restart. */
int config_is_live(const char *name);

/*
 * Calls cb once for each option whose value differs between old and new
 * (as "name", or "rule-*" for any detection rule), with live from
 * config_is_live().  For SIGHUP: what to apply, what to warn about.
 */
void config_diff(const struct config *old, const struct config *new,
    void (*cb)(void *arg, const char *name, int live), void *arg);
void config_usage(void);

#endif
