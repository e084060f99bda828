/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the bulk import (POST /v1/import) as h_import in api_directory.c
 * takes it: the body split into lines at '\n' (a trailing '\r' dropped,
 * empty lines skipped), each line one JSON object whose "kind" picks the
 * dir_parse, and each parsed object turned into its log entry.  Bad lines
 * must be a 400; every entry must be valid JSON that names the object.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/event.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "common/jsonx.h"
#include "common/log.h"
#include "common/str.h"
#include "directory/directory.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINES_MAX 64            /* per input, to keep runs fast */

static const char *const create_actions[DIR_KIND_COUNT] = {
	[DIR_VENDOR] = "vendor.create",
	[DIR_ENGINEER] = "engineer.create",
	[DIR_DEVICE] = "device.create",
	[DIR_TENANT] = "tenant.create",
	[DIR_USER] = "user.create",
	[DIR_TICKET] = "ticket.create",
};

static void
must_be_400(const struct err *e, long lineno)
{
	if (e->status != 400 || e->msg[0] == '\0') {
		log_error("fuzz: line %ld: status %d: %s", lineno, e->status,
		    e->msg);
		abort();
	}
}

/* The import's entry for d must serialise to JSON naming d. */
static void
entry_of(const struct dir_object *d, int kind)
{
	struct rec_entry en;
	struct event ev;
	json_error_t je;
	struct buf b;
	json_t *o;

	event_init(&ev);
	ev.actor.kind = ACTOR_OPERATOR;
	str_copy(ev.actor.id, sizeof(ev.actor.id), "operator");
	str_copy(ev.source, sizeof(ev.source), "127.0.0.1");
	ev.action = create_actions[kind];
	str_copy(ev.tenant, sizeof(ev.tenant), dir_object_tenant(d));
	str_copy(ev.target, sizeof(ev.target), dir_object_id(d));
	ev.allowed = 1;
	event_detail(&ev, "via", "import");
	buf_init(&b, 256 * 1024);
	memset(&en, 0, sizeof(en));
	if (event_serialize(&ev, 1642773780123, &b, &en) == -1)
		abort();
	o = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL || strcmp(json_string_value(json_object_get(o,
	    "target")), dir_object_id(d)) != 0)
		abort();
	json_decref(o);
	buf_cleanup(&b);
	event_cleanup(&ev);
}

static void
import_line(const char *line, size_t len, long lineno)
{
	struct dir_object *d;
	struct err e;
	json_t *o;
	int kind;

	err_init(&e);
	o = jx_parse_object(line, len, &e);
	if (o == NULL) {
		must_be_400(&e, lineno);
		return;
	}
	d = malloc(sizeof(*d));
	if (d == NULL)
		abort();
	memset(d, 0, sizeof(*d));
	if (jx_enum(&kind, o, "kind", dir_kind_names, JX_REQUIRED, &e) == -1)
		must_be_400(&e, lineno);
	else if (dir_parse(d, kind, o, NULL, 1642773780, "custos", 1,
	    &e) == -1)
		must_be_400(&e, lineno);
	else
		entry_of(d, kind);
	dir_object_cleanup(d);
	free(d);
	json_decref(o);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0 || password_setup(1, 8192) != 0 ||
	    totp_setup() != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	long lineno = 0;

	for (; p < end && lineno < LINES_MAX; p = nl + 1) {
		size_t len;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		len = (size_t)(nl - p);
		lineno++;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;
		import_line(p, len, lineno);
	}
	return 0;
}
