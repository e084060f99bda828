/* SPDX-License-Identifier: ISC */
#include "detect/rules.h"

#include <string.h>

#include "access/contain.h"
#include "common/num.h"
#include "common/str.h"

#define RULE_VALUE_MAX 256

const char *const severity_names[] = {
	[0] = "none", [SEV_LOW] = "low", [SEV_MEDIUM] = "medium",
	[SEV_HIGH] = "high", [SEV_CRITICAL] = "critical",
};

const char *const rule_contain_names[] = {
	[RC_NONE] = "none", [RC_SESSION] = "session",
	[RC_ENGINEER] = "engineer", [RC_DEVICE] = "device",
	[RC_VENDOR] = "vendor", [RC_COUNT] = NULL,
};

/* How far a rule contains unless its settings say otherwise: sessions
 * ended and logins refused, customers' approvals kept. */
#define LEVEL_DEFAULT CONTAIN_LOGINS

/*
 * The defaults.  Thresholds are per engineer (or account, or session).
 * Only a session used from two addresses (a stolen token at work) ends
 * something on its own: that session.  A refused login with an
 * unregistered device alerts only: it may be a typo.  custosd's own
 * logins no longer record that reason (the device signs first and every
 * early failure reads bad_credentials): the rule reads imported history
 * of earlier versions.
 */
static const struct rule defaults[RULE_COUNT] = {
	[RULE_UNREGISTERED_DEVICE] = {"unregistered_device",
	    "login with the right password from a device not registered to "
	    "the engineer", 1, SEV_HIGH, 1, 3600, RC_NONE, LEVEL_DEFAULT},
	[RULE_NEW_NETWORK] = {"new_network",
	    "login from a network (/24 or /48) the engineer has not used in "
	    "90 days", 1, SEV_MEDIUM, 1, 3600, RC_NONE, LEVEL_DEFAULT},
	[RULE_SESSION_TWO_ADDRESSES] = {"session_two_addresses",
	    "one session used from two source addresses", 1, SEV_HIGH, 1,
	    1800, RC_SESSION, CONTAIN_SESSIONS},
	[RULE_TENANT_HOPPING] = {"tenant_hopping",
	    "an engineer entered more distinct tenants than usual", 1,
	    SEV_MEDIUM, 10, 3600, RC_NONE, LEVEL_DEFAULT},
	[RULE_RESET_BURST] = {"reset_burst",
	    "a burst of password or MFA resets by one engineer", 1, SEV_HIGH,
	    5, 3600, RC_NONE, LEVEL_DEFAULT},
	[RULE_FORBIDDEN_PROBE] = {"forbidden_probe",
	    "an engineer tried what support may not do (create, delete, "
	    "export)", 1, SEV_HIGH, 1, 600, RC_NONE, LEVEL_DEFAULT},
	[RULE_LOGIN_FAILURES] = {"login_failures",
	    "repeated failed logins or TOTP codes for one account", 1,
	    SEV_MEDIUM, 5, 900, RC_NONE, LEVEL_DEFAULT},
	[RULE_ACCOUNT_LOCKED] = {"account_locked",
	    "an account was locked after failed logins", 1, SEV_HIGH, 1, 900,
	    RC_NONE, LEVEL_DEFAULT},
	[RULE_CREDENTIAL_THEN_ACCESS] = {"credential_then_access",
	    "a new credential on an engineer's account, then tenant access",
	    1, SEV_HIGH, 1, 3600, RC_NONE, LEVEL_DEFAULT},
	[RULE_OFF_HOURS] = {"off_hours",
	    "activity outside the engineer's declared working hours", 1,
	    SEV_MEDIUM, 1, 3600, RC_NONE, LEVEL_DEFAULT},
	[RULE_BREAK_GLASS] = {"break_glass",
	    "break-glass access was opened", 1, SEV_HIGH, 1, 60, RC_NONE,
	    LEVEL_DEFAULT},
	/* Strong evidence: set contain=engineer level=access to revoke
	 * customers' approvals on it. */
	[RULE_SEVERAL_SIGNALS] = {"several_signals",
	    "alerts of several different rules about what one signed-in "
	    "engineer did", 1, SEV_CRITICAL, 2, 3600, RC_NONE, LEVEL_DEFAULT},
	/* A passkey's signature counter that did not grow: two copies of
	 * one authenticator's key are in use (WebAuthn's clone warning). */
	[RULE_PASSKEY_CLONE] = {"passkey_clone",
	    "a passkey's signature counter went backwards: its key may have "
	    "been copied", 1, SEV_HIGH, 1, 3600, RC_NONE, LEVEL_DEFAULT},
};

int
severity_parse(const char *s)
{
	int i;

	for (i = SEV_LOW; i <= SEV_CRITICAL; i++)
		if (strcmp(s, severity_names[i]) == 0)
			return i;
	return -1;
}

int
rules_find(const char *name)
{
	int i;

	for (i = 0; i < RULE_COUNT; i++)
		if (strcmp(name, defaults[i].name) == 0)
			return i;
	return -1;
}

void
rules_defaults(struct rules *rs)
{
	memcpy(rs->r, defaults, sizeof(defaults));
}

static int
set_word(struct rule *r, const char *k, const char *v, struct err *e)
{
	int64_t n;
	int i;

	if (strcmp(k, "enabled") == 0) {
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return err_bad_request(e, "enabled must be yes or no");
		r->enabled = strcmp(v, "yes") == 0;
	} else if (strcmp(k, "severity") == 0) {
		i = severity_parse(v);
		if (i == -1)
			return err_bad_request(e, "severity must be low, "
			    "medium, high or critical");
		r->severity = i;
	} else if (strcmp(k, "threshold") == 0) {
		if (num_parse_i64(&n, v, 1, 100000) == -1)
			return err_bad_request(e, "threshold must be an "
			    "integer from 1 to 100000");
		r->threshold = n;
	} else if (strcmp(k, "window") == 0) {
		if (num_parse_i64(&n, v, 60, 7 * 86400) == -1)
			return err_bad_request(e, "window must be seconds "
			    "from 60 to 604800");
		r->window = n;
	} else if (strcmp(k, "level") == 0) {
		i = contain_level_parse(v);
		if (i == -1)
			return err_bad_request(e, "level must be sessions, "
			    "logins or access");
		r->level = i;
	} else if (strcmp(k, "contain") == 0) {
		for (i = 0; i < RC_COUNT; i++)
			if (strcmp(v, rule_contain_names[i]) == 0)
				break;
		if (i == RC_COUNT)
			return err_bad_request(e, "contain must be none, "
			    "session, engineer, device or vendor");
		r->contain = i;
	} else {
		return err_bad_request(e, "unknown rule setting '%.32s' (known: "
		    "enabled, severity, threshold, window, contain, level)", k);
	}
	return 0;
}

int
rules_set(struct rules *rs, const char *key, const char *value,
    struct err *e)
{
	char name[64], text[RULE_VALUE_MAX + 1], *p, *word, *eq;
	struct rule r;
	size_t i;
	int id, level_given = 0;

	if (strncmp(key, "rule-", 5) != 0 || str_copy(name, sizeof(name),
	    key + 5) == -1)
		return err_bad_request(e, "unknown option '%.64s'", key);
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] == '-')
			name[i] = '_';
	id = rules_find(name);
	if (id == -1)
		return err_bad_request(e, "%.64s: no such rule", key);
	if (str_copy(text, sizeof(text), value) == -1)
		return err_bad_request(e, "%s: the value is longer than %d "
		    "bytes", key, RULE_VALUE_MAX);
	r = rs->r[id];
	for (p = text; *p != '\0';) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		word = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
		eq = strchr(word, '=');
		if (eq == NULL)
			return err_bad_request(e, "%s: '%.32s' is not "
			    "key=value", key, word);
		*eq = '\0';
		level_given |= strcmp(word, "level") == 0;
		if (set_word(&r, word, eq + 1, e) == -1) {
			struct err inner = *e;

			return err_bad_request(e, "%s: %s", key, inner.msg);
		}
	}
	/* A session is ended, nothing more: contain=session is of level
	 * sessions, whatever the rule's level was. */
	if (r.contain == RC_SESSION && level_given &&
	    r.level != CONTAIN_SESSIONS)
		return err_bad_request(e, "%s: contain=session ends sessions "
		    "only (level=sessions)", key);
	if (r.contain == RC_SESSION)
		r.level = CONTAIN_SESSIONS;
	rs->r[id] = r;
	return 0;
}

int64_t
rules_max_window(const struct rules *rs)
{
	int64_t m = 0;
	int i;

	for (i = 0; i < RULE_COUNT; i++)
		if (rs->r[i].enabled && rs->r[i].window > m)
			m = rs->r[i].window;
	return m;
}
