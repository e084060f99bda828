/* SPDX-License-Identifier: ISC */
/*
 * directory: what custos protects -- vendors, support engineers and their
 * devices, tenants, their users and admins, tickets.  This module turns the
 * JSON of a create call (or of one line of a bulk import) into a checked
 * record and inserts it; the operator API and the bulk import (bulk.h)
 * both use it, so each object is validated in one place.
 *
 * The rules: an id is given (letters, digits, '_', '-', '.') or made with
 * the kind's prefix; an id taken by an object of the same kind is a 409;
 * an engineer names an existing vendor, a device an existing engineer, a
 * user or ticket an existing tenant (404 naming the field); a device key
 * is the base64 of 32 bytes (Ed25519); an engineer without a TOTP secret
 * gets a new one, a user without one enrols at first login; passwords
 * are hashed here (Argon2id) unless a ready hash is given.  Deleting a
 * user ends every session of theirs in the same commit.  Nothing here
 * knows HTTP.
 */
#ifndef CUSTOS_DIRECTORY_DIRECTORY_H
#define CUSTOS_DIRECTORY_DIRECTORY_H

#include <jansson.h>

#include "audit/event.h"
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

/* Inserts d (a struct dir_object) on the writer; checks that what it
 * refers to exists (404 naming the field otherwise); 409 when its id is
 * taken.  0 or -1. */
int dir_insert(struct store_conn *c, const struct store_ops *ops,
    void *d, struct err *e) __attribute__((warn_unused_result));

/* Names d in its create entry: target, tenant, and for a device the
 * engineer whose credential it is (detection watches for new ones). */
void dir_object_event(const struct dir_object *d, struct event *ev);

/* Loads user id of tenant_id (read on c); 404 no_such_user when there is
 * none in that tenant. */
int dir_user_load(struct rec_user *u, struct store_conn *c,
    const struct store_ops *ops, const char *tenant_id, const char *id,
    struct err *e) __attribute__((warn_unused_result));

/* On the writer: deletes user u (a struct rec_user) and ends every
 * session of theirs.  0 or -1. */
int dir_user_delete(struct store_conn *c, const struct store_ops *ops,
    void *u, struct err *e) __attribute__((warn_unused_result));

/* The id of d, and the tenant it lives in ("" for none). */
const char *dir_object_id(const struct dir_object *d);
const char *dir_object_tenant(const struct dir_object *d);

void dir_object_cleanup(struct dir_object *d);

#endif
