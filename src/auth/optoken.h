/* SPDX-License-Identifier: ISC */
/*
 * optoken: named operator tokens with a scope (issue 14).
 *
 * Besides the root operator token (DIR/operator.token) the root token's
 * holder and operator persons may make named tokens, each with exactly
 * one scope (enum op_scope, audit/action.h): directory (the directory's
 * changes), responder (alerts, containment, scope, incidents) or auditor
 * (reads, and the scope question).  Every action of the action table says
 * which scopes may use it; reads default to all three.
 *
 * A token looks like the root token ("cop_" + 52 base32 characters), so
 * the API's token_shaped() holds for it; the store keeps only its SHA-256.
 * It is looked up on every request (a revocation bites on the next use),
 * refused when revoked (401 token_revoked) or expired (401
 * token_expired), and out of its scope refused with a 403 reason
 * operator_scope that names the scopes the action needs.  Its requests
 * are the operator's (actor kind operator) under the token's id, and
 * their entries carry the token's name and scope as details.
 */
#ifndef CUSTOS_AUTH_OPTOKEN_H
#define CUSTOS_AUTH_OPTOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "store/records.h"

/* Where a token stands at a time. */
enum optoken_state {
	OPTOKEN_LIVE = 0,
	OPTOKEN_REVOKED,
	OPTOKEN_EXPIRED
};

/* A new token's secret into token[size] (TOKEN_MAX + 1 bytes; wipe it once
 * handed out) and its hash.  0 or -1. */
int optoken_make(char *token, size_t size, uint8_t hash[TOKEN_HASH_LEN])
	__attribute__((warn_unused_result, nonnull));

/* A new token id, "opt_" + 26 base32 characters. */
void optoken_id_new(char out[ID_MAX]);

/*
 * 1 when name may name a token: 1..REC_OPTOKEN_NAME_MAX of [A-Za-z0-9_.-]
 * (it is used in paths), not starting with '.' ("." and ".." are no
 * path segments) nor "opt_" (ids do, and a path takes either), and not
 * "operator" (the root token's actor id).
 */
int optoken_name_valid(const char *name) __attribute__((nonnull));

/* The state of r at now. */
int optoken_state(const struct rec_optoken *r, int64_t now)
	__attribute__((nonnull));

/*
 * 0 when a token of r's scope may use action (enum action); else -1 with
 * a 403 "forbidden", reason "operator_scope", whose message names the
 * token's scope and the scopes the action needs (or that only the root
 * token and operator persons may).
 */
int optoken_check_scope(const struct rec_optoken *r, int action,
    struct err *e) __attribute__((warn_unused_result, nonnull));

/* "directory or responder", "any scope", or "" for none: the scopes of
 * bits, in words, into out[size]. */
void optoken_scopes_text(char *out, size_t size, unsigned bits)
	__attribute__((nonnull));

#endif
