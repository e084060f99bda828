/* SPDX-License-Identifier: ISC */
/*
 * event: one recorded request, and its serialisation as a log entry.
 *
 * The leaf of the transparency log is the event serialised once, as compact
 * JSON with this fixed key order, and stored as exactly those bytes:
 *
 *   {"v":1,"time":"<RFC 3339, ms>","actor":{"kind":..,"id":..,"vendor":..},
 *    "session":..,"device":..,"source":..,"action":..,"tenant":..,
 *    "target":..,"outcome":"allowed"|"denied","reason":..,"detail":{..}}
 *
 * Absent values are null; "detail" is omitted when empty.  Nothing secret
 * may be put in an event: callers pass ids, never tokens or passwords.
 */
#ifndef CUSTOS_AUDIT_EVENT_H
#define CUSTOS_AUDIT_EVENT_H

#include <jansson.h>
#include <stdint.h>

#include "common/buf.h"
#include "store/records.h"

#define EVENT_TARGET_MAX 160
#define EVENT_REASON_MAX 64

enum actor_kind {
	ACTOR_ANONYMOUS = 0,
	ACTOR_OPERATOR,
	ACTOR_ENGINEER,
	ACTOR_TENANT_ADMIN,
	ACTOR_TENANT_USER,
	ACTOR_SYSTEM,           /* custosd itself (alerts, integrity) */
	ACTOR_KIND_COUNT
};

struct actor {
	int kind;                       /* enum actor_kind */
	char id[ID_MAX];
	char vendor[ID_MAX];            /* engineers */
	char tenant[ID_MAX];            /* tenant admins and users */
	char session[ID_MAX];
	char device[ID_MAX];
};

struct event {
	struct actor actor;
	char source[REC_ADDR_MAX];
	const char *action;             /* static string */
	char tenant[ID_MAX];
	char target[EVENT_TARGET_MAX];
	int allowed;
	char reason[EVENT_REASON_MAX];
	json_t *detail;                 /* owned, may be NULL */
	int64_t time_ms;                /* when it happened, for imported
					 * events; 0: the commit's time */
};

const char *actor_kind_name(int kind);

/*
 * 1 when an actor of this kind, in an entry about tenant, is an engineer:
 * a signed-in engineer, or the account an engineer's refused login named
 * (anonymous, with an id and no tenant; a tenant login names its tenant).
 * Ids of different kinds may be equal (a tenant user may be called like an
 * engineer): whatever matches an engineer's id matches this too.
 */
int actor_is_engineer(int kind, const char *id, const char *tenant);

void event_init(struct event *ev);
void event_cleanup(struct event *ev);

/* Adds a string to the event's detail object. */
void event_detail(struct event *ev, const char *key, const char *value);

/* Serialises ev as the log entry of index at time_ms into out, and points
 * en's index columns at ev's fields.  0 or -1. */
int event_serialize(const struct event *ev, int64_t time_ms, struct buf *out,
    struct rec_entry *en) __attribute__((warn_unused_result));

#endif
