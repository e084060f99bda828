/* SPDX-License-Identifier: ISC */
#include "detect/dentry.h"

#include <jansson.h>
#include <string.h>

#include "common/clock.h"
#include "common/str.h"

#define ENTRY_MAX (64 * 1024)

/* Copies o[key] when it is a string that fits; "" otherwise. */
static void
field(char *dst, size_t size, const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (v == NULL || str_copy(dst, size, v) == -1)
		dst[0] = '\0';
}

int
dentry_parse(struct dentry *d, int64_t index, const char *bytes, size_t len)
{
	char stamp[32];
	const char *kind, *outcome;
	json_t *o, *actor, *detail;
	int64_t secs;
	size_t i;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	d->index = index;
	if (len > ENTRY_MAX)
		return -1;
	o = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o))
		goto out;
	actor = json_object_get(o, "actor");
	detail = json_object_get(o, "detail");
	kind = json_string_value(json_object_get(actor, "kind"));
	outcome = json_string_value(json_object_get(o, "outcome"));
	field(stamp, sizeof(stamp), o, "time");
	/* "2026-11-21T05:42:43.401Z": seconds, then the milliseconds. */
	if (kind == NULL || outcome == NULL || strlen(stamp) != 24 ||
	    stamp[19] != '.' || stamp[23] != 'Z')
		goto out;
	memcpy(stamp + 19, "Z", 2);
	if (time_parse(&secs, stamp) == -1)
		goto out;
	d->time_ms = secs * 1000;
	field(stamp, sizeof(stamp), o, "time");
	for (i = 20; i < 23; i++) {
		if (stamp[i] < '0' || stamp[i] > '9')
			goto out;
		d->time_ms += (stamp[i] - '0') * (i == 20 ? 100 : i == 21 ?
		    10 : 1);
	}
	d->actor_kind = -1;
	for (i = 0; i < ACTOR_KIND_COUNT; i++)
		if (strcmp(kind, actor_kind_name((int)i)) == 0)
			d->actor_kind = (int)i;
	if (d->actor_kind == -1)
		goto out;
	field(d->actor, sizeof(d->actor), actor, "id");
	field(d->vendor, sizeof(d->vendor), actor, "vendor");
	field(d->session, sizeof(d->session), o, "session");
	field(d->device, sizeof(d->device), o, "device");
	field(d->source, sizeof(d->source), o, "source");
	field(d->action, sizeof(d->action), o, "action");
	field(d->tenant, sizeof(d->tenant), o, "tenant");
	field(d->target, sizeof(d->target), o, "target");
	field(d->reason, sizeof(d->reason), o, "reason");
	d->allowed = strcmp(outcome, "allowed") == 0;
	if (json_is_object(detail)) {
		field(d->engineer, sizeof(d->engineer), detail, "engineer");
		d->imported = json_object_get(detail, "imported") != NULL;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}
