/* SPDX-License-Identifier: ISC */
/*
 * okta: Okta System Log events as an import format, so a company can
 * scope an incident in its own identity provider's history.  An event is
 * the JSON object the System Log API (GET /api/v1/logs), its exports and
 * Event Hooks produce (uuid, published, eventType, actor, client,
 * outcome, target[], authenticationContext, transaction, debugContext,
 * ...).  The event types that matter to support access are mapped onto
 * custos actions by a table (built in, extended or overridden by the
 * operator: struct okta_conf); all others are skipped.  The table and the
 * rules are in docs/import.md.
 *
 * Real exports are messy.  Only an event without uuid, published (an RFC
 * 3339 time) or eventType, or without an actor custos can name, is
 * refused; a field that is merely odd (client.ipAddress "null", a session
 * id longer than an id, more than 64 targets, a device id that is no id)
 * is dropped, the event imported without it, and the drop reported
 * (OKTA_DROP_*).  Fields custos does not read are ignored.
 */
#ifndef CUSTOS_IMPORTER_OKTA_H
#define CUSTOS_IMPORTER_OKTA_H

#include <jansson.h>
#include <stddef.h>

#include "common/err.h"
#include "importer/importer.h"

#define OKTA_TYPE_MAX 128       /* bytes of an eventType */
#define OKTA_UUID_MAX 64
#define OKTA_TARGETS_MAX 64     /* elements of target[] read */
#define OKTA_STR_MAX 1024       /* any other string read */
#define OKTA_MAP_MAX 1024       /* operator's rows */
#define OKTA_VENDORS_MAX 256    /* operator's login domains */

enum {
	OKTA_MAPPED = 0,
	OKTA_SKIPPED = 1
};

/* Fields dropped from an imported event (bits), each counted by name. */
enum okta_drop {
	OKTA_DROP_IP = 1 << 0,          /* client.ipAddress not an address */
	OKTA_DROP_SESSION = 1 << 1,     /* externalSessionId not an id */
	OKTA_DROP_DEVICE = 1 << 2,      /* device.id not an id */
	OKTA_DROP_TARGETS = 1 << 3,     /* target[] beyond the 64th */
	OKTA_DROP_TARGET = 1 << 4,      /* target user's login too long */
	OKTA_DROP_TENANT = 1 << 5,      /* a tenant that is not an id */
	OKTA_DROP_FIELD = 1 << 6,       /* a read field of the wrong type */
	OKTA_DROP_COUNT = 7
};

/* The name of drop bit k (0..OKTA_DROP_COUNT-1), for the answer. */
const char *okta_drop_name(int k);

/* One row of the mapping: eventType (ending ".*": a prefix) -> action,
 * actor kind, class (ACTION_NEUTRAL/READ/WRITE); action NULL: skip. */
struct okta_rule {
	const char *type;
	const char *action;
	int kind;
	int cls;
};

/* A login domain whose people are a vendor's. */
struct okta_vendor {
	char domain[ID_MAX];
	char vendor[ID_MAX];
};

/* The operator's additions (config okta-map-file, okta-vendor-domains). */
struct okta_conf {
	struct okta_rule *rules;
	char **owned;                   /* the rules' strings, to free */
	size_t nrules, nowned;
	struct okta_vendor *vendors;
	size_t nvendors;
};

void okta_conf_init(struct okta_conf *c) __attribute__((nonnull));
void okta_conf_free(struct okta_conf *c);

/*
 * Adds one mapping line "eventType action kind", where action is a custos
 * action name or "-" (skip the type), and kind one of engineer,
 * tenant_admin, tenant_user, system.  Blank lines and '#' comments are
 * accepted and ignored.  An operator's row wins over the built-in one.
 */
int okta_conf_map_line(struct okta_conf *c, const char *line,
    struct err *e) __attribute__((warn_unused_result, nonnull));

/* Reads mapping lines from path (at most OKTA_MAP_MAX rows); -1 with e
 * naming the line. */
int okta_conf_map_file(struct okta_conf *c, const char *path,
    struct err *e) __attribute__((warn_unused_result, nonnull));

/* Adds space-separated "domain=vendor" pairs (domain lower-cased). */
int okta_conf_vendors(struct okta_conf *c, const char *value,
    struct err *e) __attribute__((warn_unused_result, nonnull));

/* The rule for an event type (conf may be NULL), or NULL: skipped. */
const struct okta_rule *okta_rule_find(const struct okta_conf *conf,
    const char *type) __attribute__((nonnull(2)));

/* The custos action a type maps to by the built-in table, or NULL. */
const char *okta_action(const char *type) __attribute__((nonnull));

/* The class (ACTION_*) of an action the built-in table produces, or -1
 * for a name it does not produce (scope asks, audit/action.c first). */
int okta_action_class(const char *action) __attribute__((nonnull));

/* The built-in table, for printing. */
const struct okta_rule *okta_builtin(size_t *n) __attribute__((nonnull));

/*
 * Maps one event o onto ie, which the caller has initialised and cleans
 * up whatever the result.  tenant (NULL, or an id) is the tenant of the
 * whole export.  conf (may be NULL) adds the operator's rows and vendors.
 * type receives eventType whenever the envelope is valid; *drops the
 * OKTA_DROP_* bits.  OKTA_MAPPED, OKTA_SKIPPED, or -1 with a 400 in e
 * and *why the reason's short name ("missing_field", "bad_time",
 * "bad_actor", "bad_outcome").
 */
int okta_map_json(struct import_event *ie, char type[OKTA_TYPE_MAX + 1],
    const json_t *o, const char *tenant, const struct okta_conf *conf,
    unsigned *drops, const char **why, struct err *e)
	__attribute__((warn_unused_result, nonnull(1, 2, 6, 7, 8)));

/* As okta_map_json over len bytes of JSON (malformed: why
 * "malformed_json"), with no conf. */
int okta_map(struct import_event *ie, char type[OKTA_TYPE_MAX + 1],
    const char *data, size_t len, const char *tenant, struct err *e)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 6)));

#endif
