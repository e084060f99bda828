/* SPDX-License-Identifier: ISC */
#include "auth/session.h"

#include <string.h>

#include "common/rand.h"
#include "common/str.h"

int
session_new(struct rec_session *s, char *token, size_t size, int principal,
    const char *principal_id, const char *tenant, const char *vendor,
    const char *device, const char *source, int64_t now, int64_t lifetime)
{
	memset(s, 0, sizeof(*s));
	if (token_new(token, size, "cse") == -1)
		return -1;
	token_hash(s->token_hash, token);
	id_new(s->id, "ses");
	s->principal = principal;
	str_copy(s->principal_id, sizeof(s->principal_id), principal_id);
	str_copy(s->tenant_id, sizeof(s->tenant_id), tenant);
	str_copy(s->vendor_id, sizeof(s->vendor_id), vendor);
	str_copy(s->device_id, sizeof(s->device_id), device);
	str_copy(s->source, sizeof(s->source), source);
	s->created = now;
	s->expires = now + lifetime;
	s->last_seen = now;
	return 0;
}
