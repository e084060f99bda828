/* SPDX-License-Identifier: ISC */
/*
 * custos's own entry format, parsed back into an event.  See entries.h;
 * the format itself is documented in docs/internals/log-entries.md.
 */
#include "importer/entries.h"

#include <string.h>

#include "common/jsonx.h"
#include "common/rand.h"
#include "common/str.h"

static const char *const entry_keys[] = {"v", "time", "actor", "session",
    "device", "source", "action", "tenant", "target", "outcome", "reason",
    "detail", NULL};
static const char *const actor_keys[] = {"kind", "id", "vendor", NULL};
static const char *const outcome_names[] = {"denied", "allowed", NULL};

/* Prefixes e's message with where the field sits. */
static int
inside(struct err *e, const char *where)
{
	char msg[ERR_MSG_MAX];

	str_copy(msg, sizeof(msg), e->msg);
	(void)str_printf(e->msg, sizeof(e->msg), "in '%s': %s", where, msg);
	return -1;
}

/* An optional id field copied into dst[ID_MAX]; valid(s) must hold. */
static int
opt_id(char *dst, const json_t *o, const char *key, int (*valid)(const char *),
    struct err *e)
{
	const char *s;

	if (jx_str(&s, o, key, 1, ID_MAX - 1, JX_CLEAN, e) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if (!valid(s))
		return err_bad_request(e, "field '%s' is not a valid id", key);
	return str_copy(dst, ID_MAX, s);
}

static int
action_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return i > 0 && i <= IMPORT_ACTION_MAX;
}

static int
parse_actor(struct actor *a, const json_t *o, struct err *e)
{
	const char *kinds[ACTOR_KIND_COUNT + 1];
	int i, kind;

	if (!json_is_object(o))
		return err_bad_request(e, "field 'actor' must be an object");
	for (i = 0; i < ACTOR_KIND_COUNT; i++)
		kinds[i] = actor_kind_name(i);
	kinds[ACTOR_KIND_COUNT] = NULL;
	if (jx_only(o, actor_keys, e) == -1 ||
	    jx_enum(&kind, o, "kind", kinds, JX_REQUIRED, e) == -1 ||
	    opt_id(a->id, o, "id", import_principal_valid, e) == -1 ||
	    opt_id(a->vendor, o, "vendor", id_valid, e) == -1)
		return inside(e, "actor");
	a->kind = kind;
	return 0;
}

/* Copies the detail object, checking that it holds short strings only. */
static int
parse_detail(struct event *ev, const json_t *o, struct err *e)
{
	const char *k;
	json_t *v;

	if (o == NULL || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return err_bad_request(e, "field 'detail' must be an object");
	if (json_object_size(o) > IMPORT_DETAIL_KEYS_MAX)
		return err_bad_request(e, "field 'detail' has more than %d "
		    "keys", IMPORT_DETAIL_KEYS_MAX);
	json_object_foreach((json_t *)(uintptr_t)o, k, v) {
		size_t kn = strlen(k);

		if (kn == 0 || kn > IMPORT_DETAIL_KEY_MAX ||
		    !str_is_clean_utf8(k, kn))
			return err_bad_request(e, "field 'detail' has a key "
			    "that is empty, longer than %d bytes or not "
			    "printable", IMPORT_DETAIL_KEY_MAX);
		if (!json_is_string(v) ||
		    json_string_length(v) > IMPORT_DETAIL_VALUE_MAX ||
		    !str_is_clean_utf8(json_string_value(v),
		    json_string_length(v)))
			return err_bad_request(e, "field 'detail.%s' must be "
			    "a printable string of at most %d bytes", k,
			    IMPORT_DETAIL_VALUE_MAX);
		event_detail(ev, k, json_string_value(v));
	}
	if (ev->detail == NULL && json_object_size(o) > 0)
		return err_internal(e, "out of memory");
	return 0;
}

int
entries_parse(struct import_event *ie, const char *data, size_t len,
    struct err *e)
{
	struct event *ev = &ie->ev;
	const char *s;
	int64_t v = 0;
	json_t *o;
	int outcome, rc = -1;

	o = import_parse_object(data, len, e);
	if (o == NULL)
		return -1;
	if (jx_only(o, entry_keys, e) == -1 ||
	    jx_int(&v, o, "v", 1, 1, JX_REQUIRED, e) == -1)
		goto out;
	if (jx_str(&s, o, "time", 1, IMPORT_TIME_MAX, JX_REQUIRED | JX_CLEAN,
	    e) == -1)
		goto out;
	if (import_time_ms(&ev->time_ms, s) == -1) {
		err_bad_request(e, "field 'time' must be an RFC 3339 time "
		    "after 1970-01-01T00:00:00Z");
		goto out;
	}
	if (json_object_get(o, "actor") == NULL) {
		err_bad_request(e, "field 'actor' is required");
		goto out;
	}
	if (parse_actor(&ev->actor, json_object_get(o, "actor"), e) == -1 ||
	    opt_id(ev->actor.session, o, "session", id_valid, e) == -1 ||
	    opt_id(ev->actor.device, o, "device", id_valid, e) == -1 ||
	    opt_id(ev->tenant, o, "tenant", id_valid, e) == -1)
		goto out;
	if (jx_str(&s, o, "source", 1, REC_ADDR_MAX - 1, JX_CLEAN, e) == -1)
		goto out;
	if (s != NULL) {
		if (!import_ip_valid(s)) {
			err_bad_request(e, "field 'source' must be an IP "
			    "address");
			goto out;
		}
		str_copy(ev->source, sizeof(ev->source), s);
	}
	if (jx_str(&s, o, "action", 1, IMPORT_ACTION_MAX,
	    JX_REQUIRED | JX_CLEAN, e) == -1)
		goto out;
	if (!action_valid(s)) {
		err_bad_request(e, "field 'action' may hold only letters, "
		    "digits, '_', '.' and '-'");
		goto out;
	}
	import_event_set_action(ie, s);
	if (jx_str(&s, o, "target", 1, EVENT_TARGET_MAX - 1, JX_CLEAN,
	    e) == -1)
		goto out;
	if (s != NULL)
		str_copy(ev->target, sizeof(ev->target), s);
	if (jx_enum(&outcome, o, "outcome", outcome_names, JX_REQUIRED,
	    e) == -1)
		goto out;
	ev->allowed = outcome == 1;
	if (jx_str(&s, o, "reason", 1, EVENT_REASON_MAX - 1, JX_CLEAN,
	    e) == -1)
		goto out;
	if (s != NULL)
		str_copy(ev->reason, sizeof(ev->reason), s);
	if (parse_detail(ev, json_object_get(o, "detail"), e) == -1)
		goto out;
	/* The mark names where the event came from first. */
	if (ev->detail == NULL ||
	    json_object_get(ev->detail, "imported") == NULL)
		event_detail(ev, "imported", "custos");
	if (ev->detail == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}
