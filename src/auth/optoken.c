/* SPDX-License-Identifier: ISC */
/*
 * Named operator tokens: their secrets, names, states and scopes.  See
 * optoken.h.
 */
#include "auth/optoken.h"

#include <sodium.h>
#include <string.h>

#include "audit/action.h"
#include "common/rand.h"
#include "common/str.h"

int
optoken_make(char *token, size_t size, uint8_t hash[TOKEN_HASH_LEN])
{
	/* The root token's prefix: one shape for every operator token. */
	if (size < TOKEN_MAX + 1 || token_new(token, size, "cop") == -1) {
		sodium_memzero(token, size);
		return -1;
	}
	token_hash(hash, token);
	return 0;
}

void
optoken_id_new(char out[ID_MAX])
{
	id_new(out, "opt");
}

int
optoken_name_valid(const char *name)
{
	/* No leading '.': "." and ".." are no path segments. */
	return id_valid(name) && strlen(name) <= REC_OPTOKEN_NAME_MAX &&
	    name[0] != '.' && strncmp(name, "opt_", 4) != 0 &&
	    strcmp(name, "operator") != 0;
}

int
optoken_state(const struct rec_optoken *r, int64_t now)
{
	if (r->revoked != 0)
		return OPTOKEN_REVOKED;
	if (r->expires != 0 && now >= r->expires)
		return OPTOKEN_EXPIRED;
	return OPTOKEN_LIVE;
}

void
optoken_scopes_text(char *out, size_t size, unsigned bits)
{
	const char *sep = "";
	size_t n, k;
	int s;

	out[0] = '\0';
	if ((bits & SCOPES_ALL) == SCOPES_ALL) {
		str_copy(out, size, "any scope");
		return;
	}
	for (s = 0; s < OPSCOPE_COUNT; s++) {
		if (!(bits & OPSCOPE_BIT(s)))
			continue;
		n = strlen(out);
		k = 0;
		for (int t = s + 1; t < OPSCOPE_COUNT; t++)
			if (bits & OPSCOPE_BIT(t))
				k++;
		if (str_printf(out + n, size - n, "%s%s", sep,
		    op_scope_name(s)) == -1)
			return;
		sep = k == 1 ? " or " : ", ";
	}
}

int
optoken_check_scope(const struct rec_optoken *r, int action, struct err *e)
{
	unsigned need = action_scopes(action);
	const char *have = op_scope_name(r->scope);
	char words[64];

	if (action_scope_allows(r->scope, action))
		return 0;
	if (need == 0)
		return err_refuse(e, 403, "forbidden", "operator_scope",
		    "%s is for the root operator token and operator persons "
		    "only: operator token '%s' (scope %s) may not do it",
		    action_get(action)->name, r->name,
		    have != NULL ? have : "unknown");
	optoken_scopes_text(words, sizeof(words), need);
	return err_refuse(e, 403, "forbidden", "operator_scope",
	    "%s needs an operator token of scope %s: operator token '%s' "
	    "has scope %s", action_get(action)->name, words, r->name,
	    have != NULL ? have : "unknown");
}
