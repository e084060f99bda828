/* SPDX-License-Identifier: ISC */
/*
 * custos's own entry format, read back into an event.  See entries.h;
 * the format itself is documented in docs/internals/log-entries.md.
 *
 * Reading an entry is audit/entry.c's job (the one reader of the log's
 * entries): a canonical entry -- what custos writes, so what one custos
 * exports to another -- is read in place, anything else is checked field
 * by field there (entry_check names the field) and read with jansson.
 * What is left here is what importing adds: the ids, the address and the
 * action must be ones custos could have written, the time after 1970 and
 * the detail small and printable.  The event is serialised again by
 * audit/event.c, the one writer.
 */
#include "importer/entries.h"

#include <string.h>

#include "audit/entry.h"
#include "common/rand.h"
#include "common/str.h"

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

/* An optional id: "" (absent) or valid(s); copied into dst[ID_MAX]. */
static int
opt_id(char *dst, const char *s, const char *key, const char *where,
    int (*valid)(const char *), struct err *e)
{
	if (s[0] != '\0' && !valid(s)) {
		if (where != NULL)
			return err_bad_request(e, "in '%s': field '%s' is not "
			    "a valid id", where, key);
		return err_bad_request(e, "field '%s' is not a valid id", key);
	}
	return str_copy(dst, ID_MAX, s);
}

struct detail_take {
	struct event *ev;
	struct err *e;
	int failed;             /* e says why */
};

/* One key of the detail: short, printable, a short printable string. */
static int
detail_take(void *arg, const char *key, size_t key_len, const char *value,
    size_t value_len)
{
	char k[IMPORT_DETAIL_KEY_MAX + 1], v[IMPORT_DETAIL_VALUE_MAX + 1];
	struct detail_take *dt = arg;

	dt->failed = 1;
	if (key_len == 0 || key_len > IMPORT_DETAIL_KEY_MAX ||
	    !str_is_clean_utf8(key, key_len))
		return err_bad_request(dt->e, "field 'detail' has a key that "
		    "is empty, longer than %d bytes or not printable",
		    IMPORT_DETAIL_KEY_MAX);
	memcpy(k, key, key_len);
	k[key_len] = '\0';
	if (value == NULL || value_len > IMPORT_DETAIL_VALUE_MAX ||
	    !str_is_clean_utf8(value, value_len))
		return err_bad_request(dt->e, "field 'detail.%s' must be a "
		    "printable string of at most %d bytes", k,
		    IMPORT_DETAIL_VALUE_MAX);
	memcpy(v, value, value_len);
	v[value_len] = '\0';
	event_detail(dt->ev, k, v);
	if (dt->ev->detail == NULL)
		return err_internal(dt->e, "out of memory");
	dt->failed = 0;
	return 0;
}

/* What importing adds to the reader's checks, into ev. */
static int
entry_take(struct import_event *ie, const struct entry *d, struct err *e)
{
	struct event *ev = &ie->ev;

	if (d->time_ms <= 0)
		return err_bad_request(e, "field 'time' must be an RFC 3339 "
		    "time after 1970-01-01T00:00:00Z");
	ev->time_ms = d->time_ms;
	ev->actor.kind = d->actor_kind;
	if (opt_id(ev->actor.id, d->actor, "id", "actor",
	    import_principal_valid, e) == -1 ||
	    opt_id(ev->actor.vendor, d->vendor, "vendor", "actor", id_valid,
	    e) == -1 ||
	    opt_id(ev->actor.session, d->session, "session", NULL, id_valid,
	    e) == -1 ||
	    opt_id(ev->actor.device, d->device, "device", NULL, id_valid,
	    e) == -1 ||
	    opt_id(ev->tenant, d->tenant, "tenant", NULL, id_valid, e) == -1)
		return -1;
	if (d->source[0] != '\0' && !import_ip_valid(d->source))
		return err_bad_request(e, "field 'source' must be an IP "
		    "address");
	str_copy(ev->source, sizeof(ev->source), d->source);
	if (!action_valid(d->action))
		return err_bad_request(e, "field 'action' may hold only "
		    "letters, digits, '_', '.' and '-'");
	if (import_event_set_action(ie, d->action) == -1)
		return err_bad_request(e, "field 'action' is longer than %d "
		    "bytes", IMPORT_ACTION_MAX);
	str_copy(ev->target, sizeof(ev->target), d->target);
	ev->allowed = d->allowed;
	str_copy(ev->reason, sizeof(ev->reason), d->reason);
	return 0;
}

int
entries_parse(struct import_event *ie, const char *data, size_t len,
    struct err *e)
{
	struct detail_take dt = {&ie->ev, e, 0};
	struct entry d;

	/* Not canonical: the reader says which field is wrong, if any. */
	if (entry_scan(&d, 0, data, len) != 0) {
		if (entry_check(data, len, e) == -1)
			return -1;
		if (entry_parse(&d, 0, data, len) == -1)
			return err_bad_request(e, "not a log entry");
	}
	if (entry_take(ie, &d, e) == -1)
		return -1;
	if (d.ndetail > IMPORT_DETAIL_KEYS_MAX)
		return err_bad_request(e, "field 'detail' has more than %d "
		    "keys", IMPORT_DETAIL_KEYS_MAX);
	dt.failed = 0;
	if (d.ndetail > 0 && entry_detail(data, len, detail_take, &dt) == -1)
		return dt.failed ? -1 : err_bad_request(e, "field 'detail' "
		    "cannot be read");
	/* The mark names where the event came from first. */
	if (!d.imported)
		event_detail(&ie->ev, "imported", "custos");
	if (ie->ev.detail == NULL)
		return err_internal(e, "out of memory");
	return 0;
}
