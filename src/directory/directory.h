/* SPDX-License-Identifier: ISC */
/*
 * directory: what custos protects -- vendors, support engineers and their
 * devices, tenants, their users and admins, tickets.  This module turns the
 * JSON of a create call (or of one line of a bulk import) into a checked
 * record and inserts it; the operator API and the importer both use it, so
 * each object is validated in one place.
 */
#ifndef CUSTOS_DIRECTORY_DIRECTORY_H
#define CUSTOS_DIRECTORY_DIRECTORY_H

#include <jansson.h>

#include "common/err.h"
#include "store/store.h"

enum dir_kind {
	DIR_VENDOR,
	DIR_ENGINEER,
	DIR_DEVICE,
	DIR_TENANT,
	DIR_USER,
	DIR_TICKET,
	DIR_KIND_COUNT
};

/* One parsed object, ready to insert. */
struct dir_object {
	int kind;
	union {
		struct rec_vendor vendor;
		struct rec_engineer engineer;
		struct rec_device device;
		struct rec_tenant tenant;
		struct rec_user user;
		struct rec_ticket ticket;
	} u;
	char totp_uri[512];     /* engineers: for the operator to hand over */
};

extern const char *const dir_kind_names[];      /* NULL-ended */

/*
 * Parses o as a create call of kind.  parent is the id from the path (the
 * tenant of a user or ticket, the engineer of a device) or NULL, in which
 * case import lines name it in "tenant"/"engineer".  import allows the
 * "kind" key.  Hashes passwords (Argon2id) unless a password_hash is given.
 * Caller calls dir_object_cleanup().
 */
int dir_parse(struct dir_object *d, int kind, const json_t *o,
    const char *parent, int64_t now, const char *issuer, int import,
    struct err *e) __attribute__((warn_unused_result));

/* Inserts d on the writer; checks that what it refers to exists
 * (404 naming the field otherwise). */
int dir_insert(struct store_conn *c, const struct store_ops *ops,
    const struct dir_object *d, struct err *e)
	__attribute__((warn_unused_result));

/* The id of d, and the tenant it lives in ("" for none). */
const char *dir_object_id(const struct dir_object *d);
const char *dir_object_tenant(const struct dir_object *d);

void dir_object_cleanup(struct dir_object *d);

#endif
