/* SPDX-License-Identifier: ISC */
#include "store/records.h"

#include <sodium.h>
#include <stdlib.h>

void
rec_ticket_cleanup(struct rec_ticket *t)
{
	free(t->body);
	t->body = NULL;
}

void
rec_engineer_wipe(struct rec_engineer *e)
{
	sodium_memzero(e->password_hash, sizeof(e->password_hash));
	sodium_memzero(&e->totp, sizeof(e->totp));
}

void
rec_user_wipe(struct rec_user *u)
{
	sodium_memzero(u->password_hash, sizeof(u->password_hash));
	sodium_memzero(&u->totp, sizeof(u->totp));
}

void
rec_invitation_wipe(struct rec_invitation *r)
{
	sodium_memzero(r->pending_password, sizeof(r->pending_password));
	sodium_memzero(&r->pending_totp, sizeof(r->pending_totp));
}
