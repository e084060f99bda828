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

int
actor_is_engineer(int kind, const char *id, const char *tenant)
{
	if (id[0] == '\0')
		return 0;
	return kind == ACTOR_ENGINEER || (kind == ACTOR_ANONYMOUS &&
	    tenant[0] == '\0');
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

/* 1 when s is plain printable ASCII that JSON writes as it is. */
static int
plain(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e ||
		    *s == '"' || *s == '\\')
			return 0;
	return 1;
}

static int
put_str_or_null(struct buf *b, const char *key, const char *s)
{
	if (buf_puts(b, key) == -1)
		return -1;
	if (s == NULL || s[0] == '\0')
		return buf_puts(b, "null");
	return buf_puts(b, "\"") == -1 || buf_puts(b, s) == -1 ||
	    buf_puts(b, "\"") == -1 ? -1 : 0;
}

/*
 * The entry written straight into out, when every string in it is plain
 * ASCII: then these bytes are exactly what jansson gives below (the same
 * keys in the same order, compact, nothing to escape), without building a
 * tree per request.  1 when something needs escaping: then jansson writes
 * it.  unit.event holds the two to the same bytes.
 */
static int
serialize_plain(const struct event *ev, const char *when, struct buf *out)
{
	const char *k;
	json_t *v;
	size_t mark = out->len;
	int first = 1;

	if (!plain(ev->actor.id) || !plain(ev->actor.vendor) ||
	    !plain(ev->actor.session) || !plain(ev->actor.device) ||
	    !plain(ev->source) || ev->action == NULL || !plain(ev->action) ||
	    !plain(ev->tenant) || !plain(ev->target) || !plain(ev->reason))
		return 1;
	json_object_foreach(ev->detail, k, v)
		if (!plain(k) || !json_is_string(v) ||
		    !plain(json_string_value(v)))
			return 1;
	if (buf_puts(out, "{\"v\":1,\"time\":\"") == -1 ||
	    buf_puts(out, when) == -1 ||
	    buf_puts(out, "\",\"actor\":{\"kind\":\"") == -1 ||
	    buf_puts(out, actor_kind_name(ev->actor.kind)) == -1 ||
	    put_str_or_null(out, "\",\"id\":", ev->actor.id) == -1 ||
	    put_str_or_null(out, ",\"vendor\":", ev->actor.vendor) == -1 ||
	    put_str_or_null(out, "},\"session\":", ev->actor.session) == -1 ||
	    put_str_or_null(out, ",\"device\":", ev->actor.device) == -1 ||
	    put_str_or_null(out, ",\"source\":", ev->source) == -1 ||
	    buf_puts(out, ",\"action\":\"") == -1 ||
	    buf_puts(out, ev->action) == -1 ||
	    put_str_or_null(out, "\",\"tenant\":", ev->tenant) == -1 ||
	    put_str_or_null(out, ",\"target\":", ev->target) == -1 ||
	    buf_puts(out, ev->allowed ? ",\"outcome\":\"allowed\"" :
	    ",\"outcome\":\"denied\"") == -1 ||
	    put_str_or_null(out, ",\"reason\":", ev->reason) == -1)
		goto full;
	if (ev->detail != NULL && json_object_size(ev->detail) > 0) {
		if (buf_puts(out, ",\"detail\":{") == -1)
			goto full;
		json_object_foreach(ev->detail, k, v) {
			if (buf_puts(out, first ? "\"" : ",\"") == -1 ||
			    buf_puts(out, k) == -1 ||
			    buf_puts(out, "\":\"") == -1 ||
			    buf_puts(out, json_string_value(v)) == -1 ||
			    buf_puts(out, "\"") == -1)
				goto full;
			first = 0;
		}
		if (buf_puts(out, "}") == -1)
			goto full;
	}
	if (buf_puts(out, "}") == -1)
		goto full;
	return 0;
full:
	out->len = mark;
	return -1;
}

/* The same through jansson, for entries with something to escape. */
static int
serialize_json(const struct event *ev, const char *when, struct buf *out)
{
	json_t *o, *actor;
	char *text = NULL;
	int rc = -1;

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
	if (text != NULL && buf_puts(out, text) == 0)
		rc = 0;
out:
	free(text);
	json_decref(actor);
	json_decref(o);
	return rc;
}

int
event_serialize(const struct event *ev, int64_t time_ms, struct buf *out,
    struct rec_entry *en)
{
	char when[RFC3339_MS_LEN];
	int rc;

	if (ev->time_ms != 0)
		time_ms = ev->time_ms;
	time_format_ms(when, time_ms);
	rc = serialize_plain(ev, when, out);
	if (rc == 1)
		rc = serialize_json(ev, when, out);
	if (rc == -1)
		return -1;
	en->actor_id = ev->actor.id;
	en->engineer_id = actor_is_engineer(ev->actor.kind, ev->actor.id,
	    ev->tenant) ? ev->actor.id : "";
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
	return 0;
}
