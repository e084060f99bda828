/* SPDX-License-Identifier: ISC */
#include "audit/event.h"

#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/str.h"

static const char *const kind_names[ACTOR_KIND_COUNT] = {
	[ACTOR_ANONYMOUS] = "anonymous",
	[ACTOR_OPERATOR] = "operator",
	[ACTOR_ENGINEER] = "engineer",
	[ACTOR_TENANT_ADMIN] = "tenant_admin",
	[ACTOR_TENANT_USER] = "tenant_user",
	[ACTOR_SYSTEM] = "system",
};

const char *
actor_kind_name(int kind)
{
	if (kind < 0 || kind >= ACTOR_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

void
event_init(struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
}

void
event_cleanup(struct event *ev)
{
	json_decref(ev->detail);
	ev->detail = NULL;
}

void
event_detail(struct event *ev, const char *key, const char *value)
{
	if (ev->detail == NULL)
		ev->detail = json_object();
	if (ev->detail != NULL)
		json_object_set_new(ev->detail, key, json_string(value));
}

/* A string, or null when empty. */
static json_t *
str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

int
event_serialize(const struct event *ev, int64_t time_ms, struct buf *out,
    struct rec_entry *en)
{
	char when[RFC3339_MS_LEN];
	json_t *o, *actor;
	char *text = NULL;
	int rc = -1;

	if (ev->time_ms != 0)
		time_ms = ev->time_ms;
	time_format_ms(when, time_ms);
	o = json_object();
	actor = json_object();
	if (o == NULL || actor == NULL)
		goto out;
	json_object_set_new(actor, "kind",
	    json_string(actor_kind_name(ev->actor.kind)));
	json_object_set_new(actor, "id", str_or_null(ev->actor.id));
	json_object_set_new(actor, "vendor", str_or_null(ev->actor.vendor));
	json_object_set_new(o, "v", json_integer(1));
	json_object_set_new(o, "time", json_string(when));
	json_object_set(o, "actor", actor);
	json_object_set_new(o, "session", str_or_null(ev->actor.session));
	json_object_set_new(o, "device", str_or_null(ev->actor.device));
	json_object_set_new(o, "source", str_or_null(ev->source));
	json_object_set_new(o, "action", json_string(ev->action));
	json_object_set_new(o, "tenant", str_or_null(ev->tenant));
	json_object_set_new(o, "target", str_or_null(ev->target));
	json_object_set_new(o, "outcome",
	    json_string(ev->allowed ? "allowed" : "denied"));
	json_object_set_new(o, "reason", str_or_null(ev->reason));
	if (ev->detail != NULL && json_object_size(ev->detail) > 0)
		json_object_set(o, "detail", ev->detail);
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII);
	if (text == NULL || buf_puts(out, text) == -1)
		goto out;
	en->actor_id = ev->actor.id;
	en->vendor_id = ev->actor.vendor;
	en->time = ev->time_ms != 0 ? ev->time_ms / 1000 : 0;
	en->tenant_id = ev->tenant;
	en->action = ev->action;
	en->session_id = ev->actor.session;
	en->device_id = ev->actor.device;
	en->source = ev->source;
	en->allowed = ev->allowed;
	en->time_ms = time_ms;
	en->target = ev->target;
	rc = 0;
out:
	free(text);
	json_decref(actor);
	json_decref(o);
	return rc;
}
