/* SPDX-License-Identifier: ISC */
/*
 * rules: the detection rules as data.  Each rule has a name, what it looks
 * for, a severity, a threshold and a window, and what it does on its own
 * when it fires (contain or only alert).  The defaults below are modelled
 * on the public Okta detections of Sigma, Elastic and Panther; every field
 * can be changed in the config file, one line per rule:
 *
 *     rule-tenant-hopping = threshold=15 window=3600 severity=high
 *     rule-off-hours = enabled=no
 *
 * The value is "key=value" words: enabled (yes|no), severity
 * (low|medium|high|critical), threshold (1..100000), window (seconds,
 * 60..604800), contain (none|session|engineer|device|vendor: what to
 * contain) and level (sessions|logins|access: how far, access/contain.h;
 * for contain=session only sessions).  By default no rule revokes a
 * customer's approval (level access): one signal is no proof, and most can
 * be caused by someone without the engineer's factors.  The parser is
 * fuzzed (fuzz/fuzz_rules.c).
 */
#ifndef CUSTOS_DETECT_RULES_H
#define CUSTOS_DETECT_RULES_H

#include <stdint.h>

#include "common/err.h"

enum rule_id {
	RULE_UNREGISTERED_DEVICE = 0,
	RULE_NEW_NETWORK,
	RULE_SESSION_TWO_ADDRESSES,
	RULE_TENANT_HOPPING,
	RULE_RESET_BURST,
	RULE_FORBIDDEN_PROBE,
	RULE_LOGIN_FAILURES,
	RULE_ACCOUNT_LOCKED,
	RULE_CREDENTIAL_THEN_ACCESS,
	RULE_OFF_HOURS,
	RULE_BREAK_GLASS,
	RULE_SEVERAL_SIGNALS,
	RULE_PASSKEY_CLONE,
	RULE_COUNT
};

enum severity {
	SEV_LOW = 1,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL
};

/* What a rule does on its own besides alerting. */
enum rule_contain {
	RC_NONE = 0,
	RC_SESSION,     /* end the session(s) involved; refuse nothing */
	RC_ENGINEER,    /* contain the engineer, at the rule's level */
	RC_DEVICE,      /* contain the device involved */
	RC_VENDOR,      /* contain the engineer's whole vendor */
	RC_COUNT
};

struct rule {
	const char *name;       /* "tenant_hopping": in alerts and the API */
	const char *title;      /* a line for people */
	int enabled;
	int severity;           /* enum severity */
	int64_t threshold;      /* how many make the pattern (1: any) */
	int64_t window;         /* seconds the pattern must fit in; also
				 * how long a fired alert stays quiet */
	int contain;            /* enum rule_contain */
	int level;              /* enum contain_level (access/contain.h):
				 * sessions, logins (the default) or access */
};

struct rules {
	struct rule r[RULE_COUNT];
};

extern const char *const severity_names[];      /* by enum severity */
extern const char *const rule_contain_names[];  /* NULL-ended */

/* Severity by name; -1 when unknown. */
int severity_parse(const char *s);

/* Rule by name ("tenant_hopping"); -1 when unknown. */
int rules_find(const char *name);

void rules_defaults(struct rules *rs);

/*
 * Applies one config setting: key is "rule-NAME" with dashes
 * ("rule-tenant-hopping"), value as above.  400 naming the problem.
 */
int rules_set(struct rules *rs, const char *key, const char *value,
    struct err *e) __attribute__((warn_unused_result));

/* The longest window of any enabled rule (what the engine remembers). */
int64_t rules_max_window(const struct rules *rs);

#endif
