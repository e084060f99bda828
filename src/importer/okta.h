/* SPDX-License-Identifier: ISC */
/*
 * okta: Okta System Log events as an import format, so a company can
 * scope an incident in its own identity provider's history.  An event is
 * the JSON object the System Log API (GET /api/v1/logs) and its exports
 * produce (uuid, published, eventType, actor, client, outcome, target[],
 * authenticationContext, transaction, debugContext, ...).  The event types
 * that matter to support access are mapped onto custos actions; all
 * others are skipped.  The table and the rules are in docs/import.md.
 *
 * Okta adds fields to its events over time, so fields custos does not read
 * are ignored; every field it reads is checked for type and limit.
 */
#ifndef CUSTOS_IMPORTER_OKTA_H
#define CUSTOS_IMPORTER_OKTA_H

#include <stddef.h>

#include "common/err.h"
#include "importer/importer.h"

#define OKTA_TYPE_MAX 128       /* bytes of an eventType */
#define OKTA_UUID_MAX 64
#define OKTA_TARGETS_MAX 64     /* elements of target[] */
#define OKTA_STR_MAX 1024       /* any other string read */

enum {
	OKTA_MAPPED = 0,
	OKTA_SKIPPED = 1
};

/*
 * Maps one event (len bytes of JSON) onto ie, which the caller has
 * initialised and cleans up whatever the result.  tenant (NULL, or an id)
 * is the tenant of the whole export, for events that name none of their
 * own (the tenant rules are in map_tenant).  type receives the
 * event's eventType whenever the envelope (uuid, published, eventType)
 * is valid.  Returns OKTA_MAPPED with ie holding the entry (its own time,
 * detail "imported": "okta" and the Okta ids), OKTA_SKIPPED for an event
 * type custos does not map (only the envelope was checked), or -1 with a
 * 400 in e naming the field.
 */
int okta_map(struct import_event *ie, char type[OKTA_TYPE_MAX + 1],
    const char *data, size_t len, const char *tenant, struct err *e)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 6)));

/* The custos action an event type maps to, or NULL when it is skipped. */
const char *okta_action(const char *type) __attribute__((nonnull));

#endif
