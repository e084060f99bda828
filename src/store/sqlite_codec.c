/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's row codec (see sqlite_codec.h): per record type,
 * its bind (record -> ?1, ?2, ...) and its column read (row -> record), in
 * the order of the record's *_COLS list.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/seal.h"
#include "store/sqlite_codec.h"
#include "store/sqlite_int.h"

/* Binds "" for a NULL string: every text column is NOT NULL. */
static void
bind_str(sqlite3_stmt *s, int i, const char *v)
{
	sq_bind_text(s, i, v != NULL ? v : "");
}

void
sq_bind_totp(sqlite3_stmt *s, int i, const struct rec_totp *t,
    const char *kind, const char *tenant, const char *id)
{
	uint8_t box[SEAL_MAX];
	size_t n = 0;

	if (t->len == 0) {
		sqlite3_bind_null(s, i);
		return;
	}
	/* Sealed for its row: the file holds no second factor. */
	seal_secret(box, &n, kind, tenant, id, t->secret, t->len);
	sqlite3_bind_blob(s, i, box, (int)n, SQLITE_TRANSIENT);
}

/* Column i's sealed secret, opened for the row (kind, tenant, id); a box
 * that does not open for it (moved from another row, damaged) reads as
 * no secret, which no code matches. */
static void
col_totp(struct rec_totp *t, sqlite3_stmt *s, int i, const char *kind,
    const char *tenant, const char *id)
{
	uint8_t box[SEAL_MAX];
	size_t n = 0;

	sq_col_blob(box, sizeof(box), &n, s, i);
	if (n == 0 || seal_open(t->secret, sizeof(t->secret), &t->len, kind,
	    tenant, id, box, n) == -1)
		t->len = 0;
}

void
sq_bind_vendor(sqlite3_stmt *s, const struct rec_vendor *v)
{
	sq_bind_text(s, 1, v->id);
	sq_bind_text(s, 2, v->name);
	sqlite3_bind_int64(s, 3, v->created);
	sqlite3_bind_int(s, 4, v->status);
	sqlite3_bind_int64(s, 5, v->status_changed);
}

void
sq_col_vendor(struct rec_vendor *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->name, sizeof(out->name), s, 1);
	out->created = sqlite3_column_int64(s, 2);
	out->status = sqlite3_column_int(s, 3);
	out->status_changed = sqlite3_column_int64(s, 4);
}

void
sq_bind_engineer(sqlite3_stmt *s, const struct rec_engineer *r)
{
	sq_bind_text(s, 1, r->id);
	sq_bind_text(s, 2, r->username);
	sq_bind_text(s, 3, r->vendor_id);
	sq_bind_text(s, 4, r->password_hash);
	sq_bind_totp(s, 5, &r->totp, SEAL_KIND_ENGINEER, "", r->id);
	sqlite3_bind_int64(s, 6, r->totp.last_step);
	sqlite3_bind_int(s, 7, r->status);
	sqlite3_bind_int64(s, 8, r->created);
	sq_bind_text(s, 9, r->email);
	sqlite3_bind_int64(s, 10, r->status_changed);
}

void
sq_col_engineer(struct rec_engineer *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->username, sizeof(out->username), s, 1);
	sq_col_text(out->vendor_id, sizeof(out->vendor_id), s, 2);
	sq_col_text(out->password_hash, sizeof(out->password_hash), s, 3);
	col_totp(&out->totp, s, 4, SEAL_KIND_ENGINEER, "", out->id);
	out->totp.last_step = sqlite3_column_int64(s, 5);
	out->status = sqlite3_column_int(s, 6);
	out->created = sqlite3_column_int64(s, 7);
	sq_col_text(out->email, sizeof(out->email), s, 8);
	out->status_changed = sqlite3_column_int64(s, 9);
}

void
sq_bind_device(sqlite3_stmt *s, const struct rec_device *d)
{
	sq_bind_text(s, 1, d->id);
	sq_bind_text(s, 2, d->engineer_id);
	sq_bind_text(s, 3, d->name);
	sqlite3_bind_blob(s, 4, d->public_key, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, d->created);
	sqlite3_bind_int64(s, 6, d->revoked);
}

int
sq_col_device(struct rec_device *out, sqlite3_stmt *s, struct err *e)
{
	size_t n;

	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->engineer_id, sizeof(out->engineer_id), s, 1);
	sq_col_text(out->name, sizeof(out->name), s, 2);
	sq_col_blob(out->public_key, sizeof(out->public_key), &n, s, 3);
	out->created = sqlite3_column_int64(s, 4);
	out->revoked = sqlite3_column_int64(s, 5);
	return n == 32 ? 0 : err_internal(e, "device key is damaged");
}

void
sq_bind_tenant_new(sqlite3_stmt *s, const struct rec_tenant *t)
{
	sq_bind_text(s, 1, t->id);
	sq_bind_text(s, 2, t->name);
	sqlite3_bind_int(s, 3, t->policy);
	sqlite3_bind_int64(s, 4, t->created);
}

void
sq_col_tenant(struct rec_tenant *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->name, sizeof(out->name), s, 1);
	out->policy = sqlite3_column_int(s, 2);
	out->created = sqlite3_column_int64(s, 3);
	out->users_version = sqlite3_column_int64(s, 4);
	out->max_minutes = sqlite3_column_int64(s, 5);
	out->second_approver = sqlite3_column_int(s, 6);
	out->sensitive = (unsigned)sqlite3_column_int64(s, 7);
}

void
sq_bind_user(sqlite3_stmt *s, const struct rec_user *u)
{
	sq_bind_text(s, 1, u->id);
	sq_bind_text(s, 2, u->tenant_id);
	sq_bind_text(s, 3, u->username);
	sq_bind_text(s, 4, u->email);
	sqlite3_bind_int(s, 5, u->role);
	sqlite3_bind_int(s, 6, u->status);
	sq_bind_text(s, 7, u->password_hash);
	sq_bind_totp(s, 8, &u->totp, SEAL_KIND_USER, u->tenant_id, u->id);
	sqlite3_bind_int64(s, 9, u->totp.last_step);
	sqlite3_bind_int(s, 10, u->mfa_enrolled);
	sqlite3_bind_int64(s, 11, u->created);
}

void
sq_col_user(struct rec_user *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 1);
	sq_col_text(out->username, sizeof(out->username), s, 2);
	sq_col_text(out->email, sizeof(out->email), s, 3);
	out->role = sqlite3_column_int(s, 4);
	out->status = sqlite3_column_int(s, 5);
	sq_col_text(out->password_hash, sizeof(out->password_hash), s, 6);
	col_totp(&out->totp, s, 7, SEAL_KIND_USER, out->tenant_id, out->id);
	out->totp.last_step = sqlite3_column_int64(s, 8);
	out->mfa_enrolled = sqlite3_column_int(s, 9);
	out->created = sqlite3_column_int64(s, 10);
}

void
sq_bind_ticket(sqlite3_stmt *s, const struct rec_ticket *t)
{
	sq_bind_text(s, 1, t->id);
	sq_bind_text(s, 2, t->tenant_id);
	sq_bind_text(s, 3, t->subject);
	bind_str(s, 4, t->body);
	sq_bind_text(s, 5, t->requester);
	sq_bind_text(s, 6, t->status);
	sqlite3_bind_int64(s, 7, t->created);
}

int
sq_col_ticket(struct rec_ticket *out, sqlite3_stmt *s, struct err *e)
{
	const unsigned char *body = sqlite3_column_text(s, 3);

	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 1);
	sq_col_text(out->subject, sizeof(out->subject), s, 2);
	sq_col_text(out->requester, sizeof(out->requester), s, 4);
	sq_col_text(out->status, sizeof(out->status), s, 5);
	out->created = sqlite3_column_int64(s, 6);
	out->body = NULL;
	if (body != NULL) {
		out->body = strdup((const char *)body);
		if (out->body == NULL)
			return err_internal(e, "out of memory");
	}
	return 0;
}

void
sq_bind_session(sqlite3_stmt *s, const struct rec_session *r)
{
	sq_bind_text(s, 1, r->id);
	sqlite3_bind_blob(s, 2, r->token_hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, r->principal);
	sq_bind_text(s, 4, r->principal_id);
	sq_bind_text(s, 5, r->tenant_id);
	sq_bind_text(s, 6, r->vendor_id);
	sq_bind_text(s, 7, r->device_id);
	sq_bind_text(s, 8, r->source);
	sqlite3_bind_int64(s, 9, r->created);
	sqlite3_bind_int64(s, 10, r->expires);
	sqlite3_bind_int64(s, 11, r->last_seen);
	sqlite3_bind_int(s, 12, r->console);
}

void
sq_col_session(struct rec_session *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_blob(out->token_hash, TOKEN_HASH_LEN, NULL, s, 1);
	out->principal = sqlite3_column_int(s, 2);
	sq_col_text(out->principal_id, sizeof(out->principal_id), s, 3);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 4);
	sq_col_text(out->vendor_id, sizeof(out->vendor_id), s, 5);
	sq_col_text(out->device_id, sizeof(out->device_id), s, 6);
	sq_col_text(out->source, sizeof(out->source), s, 7);
	out->created = sqlite3_column_int64(s, 8);
	out->expires = sqlite3_column_int64(s, 9);
	out->last_seen = sqlite3_column_int64(s, 10);
	out->console = sqlite3_column_int(s, 11);
}

void
sq_bind_login(sqlite3_stmt *s, const struct rec_login *l)
{
	sq_bind_text(s, 1, l->id);
	sq_bind_text(s, 2, l->engineer_id);
	sq_bind_text(s, 3, l->device_id);
	sq_bind_text(s, 4, l->challenge);
	sq_bind_text(s, 5, l->source);
	sqlite3_bind_int64(s, 6, l->expires);
	sqlite3_bind_int(s, 7, l->password);
}

void
sq_col_login(struct rec_login *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->engineer_id, sizeof(out->engineer_id), s, 1);
	sq_col_text(out->device_id, sizeof(out->device_id), s, 2);
	sq_col_text(out->challenge, sizeof(out->challenge), s, 3);
	sq_col_text(out->source, sizeof(out->source), s, 4);
	out->expires = sqlite3_column_int64(s, 5);
	out->password = sqlite3_column_int(s, 6);
}

void
sq_bind_reset(sqlite3_stmt *s, const struct rec_reset *r)
{
	sqlite3_bind_blob(s, 1, r->token_hash, TOKEN_HASH_LEN, SQLITE_STATIC);
	sq_bind_text(s, 2, r->tenant_id);
	sq_bind_text(s, 3, r->user_id);
	sqlite3_bind_int64(s, 4, r->expires);
}

void
sq_col_reset(struct rec_reset *out, sqlite3_stmt *s)
{
	sq_col_blob(out->token_hash, TOKEN_HASH_LEN, NULL, s, 0);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 1);
	sq_col_text(out->user_id, sizeof(out->user_id), s, 2);
	out->expires = sqlite3_column_int64(s, 3);
}

void
sq_bind_throttle(sqlite3_stmt *s, const struct rec_throttle *t)
{
	sq_bind_text(s, 1, t->key);
	sqlite3_bind_int64(s, 2, t->failures);
	sqlite3_bind_int64(s, 3, t->last_failure);
	sqlite3_bind_int64(s, 4, t->locked_until);
}

void
sq_col_throttle(struct rec_throttle *out, sqlite3_stmt *s)
{
	sq_col_text(out->key, sizeof(out->key), s, 0);
	out->failures = sqlite3_column_int64(s, 1);
	out->last_failure = sqlite3_column_int64(s, 2);
	out->locked_until = sqlite3_column_int64(s, 3);
}

void
sq_bind_grant(sqlite3_stmt *s, const struct rec_grant *g)
{
	sq_bind_text(s, 1, g->id);
	sq_bind_text(s, 2, g->tenant_id);
	sq_bind_text(s, 3, g->engineer_id);
	sq_bind_text(s, 4, g->vendor_id);
	sq_bind_text(s, 5, g->ticket_id);
	sq_bind_text(s, 6, g->reason);
	sqlite3_bind_int64(s, 7, g->minutes);
	sqlite3_bind_int(s, 8, g->state);
	sqlite3_bind_int(s, 9, g->break_glass);
	sqlite3_bind_int64(s, 10, g->created);
	sqlite3_bind_int64(s, 11, g->decided);
	sq_bind_text(s, 12, g->decided_by);
	sqlite3_bind_int64(s, 13, g->deadline);
	sqlite3_bind_int(s, 14, g->notified);
}

void
sq_col_grant(struct rec_grant *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 1);
	sq_col_text(out->engineer_id, sizeof(out->engineer_id), s, 2);
	sq_col_text(out->vendor_id, sizeof(out->vendor_id), s, 3);
	sq_col_text(out->ticket_id, sizeof(out->ticket_id), s, 4);
	sq_col_text(out->reason, sizeof(out->reason), s, 5);
	out->minutes = sqlite3_column_int64(s, 6);
	out->state = sqlite3_column_int(s, 7);
	out->break_glass = sqlite3_column_int(s, 8);
	out->created = sqlite3_column_int64(s, 9);
	out->decided = sqlite3_column_int64(s, 10);
	sq_col_text(out->decided_by, sizeof(out->decided_by), s, 11);
	out->deadline = sqlite3_column_int64(s, 12);
	out->notified = sqlite3_column_int(s, 13);
}

void
sq_bind_approval(sqlite3_stmt *s, const struct rec_approval *a)
{
	sq_bind_text(s, 1, a->id);
	sq_bind_text(s, 2, a->tenant_id);
	sq_bind_text(s, 3, a->engineer_id);
	sq_bind_text(s, 4, a->vendor_id);
	sq_bind_text(s, 5, a->action);
	sq_bind_text(s, 6, a->target);
	sq_bind_text(s, 7, a->reason);
	sqlite3_bind_int(s, 8, a->state);
	sqlite3_bind_int64(s, 9, a->created);
	sqlite3_bind_int64(s, 10, a->deadline);
	sq_bind_text(s, 11, a->decided_by);
	sqlite3_bind_int64(s, 12, a->decided);
}

void
sq_col_approval(struct rec_approval *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	sq_col_text(out->tenant_id, sizeof(out->tenant_id), s, 1);
	sq_col_text(out->engineer_id, sizeof(out->engineer_id), s, 2);
	sq_col_text(out->vendor_id, sizeof(out->vendor_id), s, 3);
	sq_col_text(out->action, sizeof(out->action), s, 4);
	sq_col_text(out->target, sizeof(out->target), s, 5);
	sq_col_text(out->reason, sizeof(out->reason), s, 6);
	out->state = sqlite3_column_int(s, 7);
	out->created = sqlite3_column_int64(s, 8);
	out->deadline = sqlite3_column_int64(s, 9);
	sq_col_text(out->decided_by, sizeof(out->decided_by), s, 10);
	out->decided = sqlite3_column_int64(s, 11);
}

void
sq_bind_entry(sqlite3_stmt *s, const struct rec_entry *en)
{
	sqlite3_bind_int64(s, 1, en->index);
	sqlite3_bind_int64(s, 2, en->time);
	bind_str(s, 3, en->actor_id);
	bind_str(s, 4, en->tenant_id);
	bind_str(s, 5, en->action);
	bind_str(s, 6, en->session_id);
	bind_str(s, 7, en->device_id);
	bind_str(s, 8, en->source);
	sqlite3_bind_int(s, 9, en->allowed);
	sqlite3_bind_blob(s, 10, en->bytes, (int)en->len, SQLITE_STATIC);
	bind_str(s, 11, en->vendor_id);
	if (en->leaf != NULL)
		sqlite3_bind_blob(s, 12, en->leaf, (int)en->leaf_len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 12);
}

void
sq_bind_alert_new(sqlite3_stmt *s, const struct rec_alert *a)
{
	sq_bind_text(s, 1, a->id);
	sqlite3_bind_int64(s, 2, a->time_ms);
	sq_bind_text(s, 3, a->rule);
	sqlite3_bind_int(s, 4, a->severity);
	sq_bind_text(s, 5, a->subject);
	sqlite3_bind_text(s, 6, a->doc, (int)a->len, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, a->webhook);
}

void
sq_col_alert(struct rec_alert *out, sqlite3_stmt *s)
{
	sq_col_text(out->id, sizeof(out->id), s, 0);
	out->time_ms = sqlite3_column_int64(s, 1);
	sq_col_text(out->rule, sizeof(out->rule), s, 2);
	out->severity = sqlite3_column_int(s, 3);
	sq_col_text(out->subject, sizeof(out->subject), s, 4);
	out->doc = (const char *)sqlite3_column_text(s, 5);
	out->len = (size_t)sqlite3_column_bytes(s, 5);
	out->webhook = sqlite3_column_int(s, 6);
	out->attempts = sqlite3_column_int(s, 7);
	out->next_attempt = sqlite3_column_int64(s, 8);
}

void
sq_bind_containment_new(sqlite3_stmt *s, const struct rec_containment *r)
{
	sq_bind_text(s, 1, r->id);
	sqlite3_bind_int(s, 2, r->kind);
	sq_bind_text(s, 3, r->target);
	sq_bind_text(s, 4, r->engineer_id);
	sq_bind_text(s, 5, r->vendor_id);
	sq_bind_text(s, 6, r->reason);
	sq_bind_text(s, 7, r->created_by);
	sq_bind_text(s, 8, r->alert_id);
	sqlite3_bind_int64(s, 9, r->created);
	sqlite3_bind_int(s, 10, r->refuse_logins);
	sqlite3_bind_int(s, 11, r->revoke_access);
}

void
sq_col_containment(struct rec_containment *out, sqlite3_stmt *s)
{
	memset(out, 0, sizeof(*out));
	sq_col_text(out->id, sizeof(out->id), s, 0);
	out->kind = sqlite3_column_int(s, 1);
	sq_col_text(out->target, sizeof(out->target), s, 2);
	sq_col_text(out->engineer_id, sizeof(out->engineer_id), s, 3);
	sq_col_text(out->vendor_id, sizeof(out->vendor_id), s, 4);
	sq_col_text(out->reason, sizeof(out->reason), s, 5);
	sq_col_text(out->created_by, sizeof(out->created_by), s, 6);
	sq_col_text(out->alert_id, sizeof(out->alert_id), s, 7);
	out->created = sqlite3_column_int64(s, 8);
	out->lifted = sqlite3_column_int64(s, 9);
	sq_col_text(out->lifted_by, sizeof(out->lifted_by), s, 10);
	sq_col_text(out->lift_reason, sizeof(out->lift_reason), s, 11);
	out->refuse_logins = sqlite3_column_int(s, 12);
	out->revoke_access = sqlite3_column_int(s, 13);
}
