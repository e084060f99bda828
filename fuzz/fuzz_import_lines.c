/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the bulk import (POST /v1/import) through the one parser the
 * daemon uses, bulk_parse (directory/bulk.c): the body split into JSON
 * lines, each checked by dir_parse for its "kind", each object given its
 * create entry.  A refused body must be a 400 with a message; an accepted
 * one must give one job per object whose entry is valid JSON naming it.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/event.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "common/log.h"
#include "common/str.h"
#include "directory/bulk.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINES_MAX 64            /* per input, to keep runs fast */

/* The item's entry, as the writer would serialise it, names its object. */
static void
entry_of(const struct bulk_item *it)
{
	struct rec_entry en;
	json_error_t je;
	struct buf b;
	json_t *o;

	buf_init(&b, 256 * 1024);
	memset(&en, 0, sizeof(en));
	if (event_serialize(&it->ev, 1642773780123, &b, &en) == -1)
		abort();
	o = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL || strcmp(json_string_value(json_object_get(o,
	    "target")), dir_object_id(&it->d)) != 0)
		abort();
	json_decref(o);
	buf_cleanup(&b);
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
	const char *p = (const char *)data, *nl;
	struct actor by;
	struct bulk_in in;
	struct bulk b;
	struct err e;
	size_t len = 0, i;
	long lines = 0;

	/* At most LINES_MAX lines: every engineer line hashes a password. */
	while (len < size && lines < LINES_MAX) {
		nl = memchr(p + len, '\n', size - len);
		len = nl != NULL ? (size_t)(nl - p) + 1 : size;
		lines++;
	}
	memset(&by, 0, sizeof(by));
	by.kind = ACTOR_OPERATOR;
	str_copy(by.id, sizeof(by.id), "operator");
	in.by = &by;
	in.source = "127.0.0.1";
	in.issuer = "custos";
	in.now = 1642773780;
	memset(&b, 0, sizeof(b));
	err_init(&e);
	if (bulk_parse(&b, p, len, NULL, &in, &e) == -1) {
		if (e.status != 400 || e.msg[0] == '\0') {
			log_error("fuzz: status %d: %s", e.status, e.msg);
			abort();
		}
	} else {
		if (b.n == 0 || b.jobs == NULL)
			abort();
		for (i = 0; i < b.n; i++)
			entry_of(&b.items[i]);
	}
	bulk_cleanup(&b);
	return 0;
}
