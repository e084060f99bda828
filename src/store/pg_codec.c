/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend's row codec (see pg_codec.h): per record type,
 * its bind (record -> the next parameters) and its column read (binary
 * row -> record), in the order of the record's *_COLS list, as
 * sqlite_codec.c does for SQLite.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_codec.h"
#include "store/seal.h"

void
pg_bind_str(struct pg_params *p, const char *v)
{
	pg_param_text(p, v != NULL ? v : "");
}

void
pg_bind_totp(struct pg_params *p, struct pg_box *box,
    const struct rec_totp *t, const char *kind, const char *tenant,
    const char *id)
{
	box->n = 0;
	if (t->len == 0) {
		pg_param_null(p);
		return;
	}
	/* Sealed for its row: the database holds no second factor. */
	seal_secret(box->b, &box->n, kind, tenant, id, t->secret, t->len);
	pg_param_blob(p, box->b, box->n);
}

void
pg_col_blob(uint8_t *dst, size_t size, size_t *len, const PGresult *r,
    int row, int col)
{
	size_t n;
	const char *v = pg_get_bytes(r, row, col, &n);

	if (n > size)
		n = 0;
	if (n > 0)
		memcpy(dst, v, n);
	if (len != NULL)
		*len = n;
}

void
pg_col_totp(struct rec_totp *t, const PGresult *r, int row, int col,
    const char *kind, const char *tenant, const char *id)
{
	uint8_t box[SEAL_MAX];
	size_t n = 0;

	pg_col_blob(box, sizeof(box), &n, r, row, col);
	if (n == 0 || seal_open(t->secret, sizeof(t->secret), &t->len, kind,
	    tenant, id, box, n) == -1)
		t->len = 0;
}

/* An integer column read into an int field. */
static int
col_int(const PGresult *r, int row, int col)
{
	return (int)pg_get_int(r, row, col);
}

void
pg_bind_vendor(struct pg_params *p, const struct rec_vendor *v)
{
	pg_param_text(p, v->id);
	pg_param_text(p, v->name);
	pg_param_int(p, v->created);
	pg_param_int(p, v->status);
	pg_param_int(p, v->status_changed);
}

void
pg_col_vendor(struct rec_vendor *out, const PGresult *r, int row)
{
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->name, sizeof(out->name), r, row, 1);
	out->created = pg_get_int(r, row, 2);
	out->status = col_int(r, row, 3);
	out->status_changed = pg_get_int(r, row, 4);
}

void
pg_bind_engineer(struct pg_params *p, struct pg_box *box,
    const struct rec_engineer *r)
{
	pg_param_text(p, r->id);
	pg_param_text(p, r->username);
	pg_param_text(p, r->vendor_id);
	pg_param_text(p, r->password_hash);
	pg_bind_totp(p, box, &r->totp, SEAL_KIND_ENGINEER, "", r->id);
	pg_param_int(p, r->totp.last_step);
	pg_param_int(p, r->status);
	pg_param_int(p, r->created);
	pg_param_text(p, r->email);
	pg_param_int(p, r->status_changed);
}

void
pg_col_engineer(struct rec_engineer *out, const PGresult *r, int row)
{
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->username, sizeof(out->username), r, row, 1);
	pg_get_text(out->vendor_id, sizeof(out->vendor_id), r, row, 2);
	pg_get_text(out->password_hash, sizeof(out->password_hash), r, row,
	    3);
	pg_col_totp(&out->totp, r, row, 4, SEAL_KIND_ENGINEER, "", out->id);
	out->totp.last_step = pg_get_int(r, row, 5);
	out->status = col_int(r, row, 6);
	out->created = pg_get_int(r, row, 7);
	pg_get_text(out->email, sizeof(out->email), r, row, 8);
	out->status_changed = pg_get_int(r, row, 9);
}

void
pg_bind_device(struct pg_params *p, const struct rec_device *d)
{
	pg_param_text(p, d->id);
	pg_param_text(p, d->engineer_id);
	pg_param_text(p, d->name);
	pg_param_blob(p, d->public_key, 32);
	pg_param_int(p, d->created);
	pg_param_int(p, d->revoked);
}

int
pg_col_device(struct rec_device *out, const PGresult *r, int row,
    struct err *e)
{
	size_t n;

	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->engineer_id, sizeof(out->engineer_id), r, row, 1);
	pg_get_text(out->name, sizeof(out->name), r, row, 2);
	pg_col_blob(out->public_key, sizeof(out->public_key), &n, r, row, 3);
	out->created = pg_get_int(r, row, 4);
	out->revoked = pg_get_int(r, row, 5);
	return n == 32 ? 0 : err_internal(e, "device key is damaged");
}

void
pg_bind_tenant_new(struct pg_params *p, const struct rec_tenant *t)
{
	pg_param_text(p, t->id);
	pg_param_text(p, t->name);
	pg_param_int(p, t->policy);
	pg_param_int(p, t->created);
}

void
pg_col_tenant(struct rec_tenant *out, const PGresult *r, int row)
{
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->name, sizeof(out->name), r, row, 1);
	out->policy = col_int(r, row, 2);
	out->created = pg_get_int(r, row, 3);
	out->users_version = pg_get_int(r, row, 4);
	out->max_minutes = pg_get_int(r, row, 5);
	out->second_approver = col_int(r, row, 6);
	out->sensitive = (unsigned)pg_get_int(r, row, 7);
}

void
pg_bind_user(struct pg_params *p, struct pg_box *box,
    const struct rec_user *u)
{
	pg_param_text(p, u->id);
	pg_param_text(p, u->tenant_id);
	pg_param_text(p, u->username);
	pg_param_text(p, u->email);
	pg_param_int(p, u->role);
	pg_param_int(p, u->status);
	pg_param_text(p, u->password_hash);
	pg_bind_totp(p, box, &u->totp, SEAL_KIND_USER, u->tenant_id, u->id);
	pg_param_int(p, u->totp.last_step);
	pg_param_int(p, u->mfa_enrolled);
	pg_param_int(p, u->created);
}

void
pg_col_user(struct rec_user *out, const PGresult *r, int row)
{
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->tenant_id, sizeof(out->tenant_id), r, row, 1);
	pg_get_text(out->username, sizeof(out->username), r, row, 2);
	pg_get_text(out->email, sizeof(out->email), r, row, 3);
	out->role = col_int(r, row, 4);
	out->status = col_int(r, row, 5);
	pg_get_text(out->password_hash, sizeof(out->password_hash), r, row,
	    6);
	pg_col_totp(&out->totp, r, row, 7, SEAL_KIND_USER, out->tenant_id,
	    out->id);
	out->totp.last_step = pg_get_int(r, row, 8);
	out->mfa_enrolled = col_int(r, row, 9);
	out->created = pg_get_int(r, row, 10);
}

void
pg_bind_ticket(struct pg_params *p, const struct rec_ticket *t)
{
	pg_param_text(p, t->id);
	pg_param_text(p, t->tenant_id);
	pg_param_text(p, t->subject);
	pg_bind_str(p, t->body);
	pg_param_text(p, t->requester);
	pg_param_text(p, t->status);
	pg_param_int(p, t->created);
}

int
pg_col_ticket(struct rec_ticket *out, const PGresult *r, int row,
    struct err *e)
{
	size_t n;
	const char *body;

	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->tenant_id, sizeof(out->tenant_id), r, row, 1);
	pg_get_text(out->subject, sizeof(out->subject), r, row, 2);
	pg_get_text(out->requester, sizeof(out->requester), r, row, 4);
	pg_get_text(out->status, sizeof(out->status), r, row, 5);
	out->created = pg_get_int(r, row, 6);
	out->body = NULL;
	if (!pg_is_null(r, row, 3)) {
		body = pg_get_bytes(r, row, 3, &n);
		out->body = malloc(n + 1);
		if (out->body == NULL)
			return err_internal(e, "out of memory");
		memcpy(out->body, body, n);
		out->body[n] = '\0';
	}
	return 0;
}

void
pg_bind_session(struct pg_params *p, const struct rec_session *r)
{
	pg_param_text(p, r->id);
	pg_param_blob(p, r->token_hash, TOKEN_HASH_LEN);
	pg_param_int(p, r->principal);
	pg_param_text(p, r->principal_id);
	pg_param_text(p, r->tenant_id);
	pg_param_text(p, r->vendor_id);
	pg_param_text(p, r->device_id);
	pg_param_text(p, r->source);
	pg_param_int(p, r->created);
	pg_param_int(p, r->expires);
	pg_param_int(p, r->last_seen);
	pg_param_int(p, r->console);
}

void
pg_col_session(struct rec_session *out, const PGresult *r, int row)
{
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_col_blob(out->token_hash, TOKEN_HASH_LEN, NULL, r, row, 1);
	out->principal = col_int(r, row, 2);
	pg_get_text(out->principal_id, sizeof(out->principal_id), r, row, 3);
	pg_get_text(out->tenant_id, sizeof(out->tenant_id), r, row, 4);
	pg_get_text(out->vendor_id, sizeof(out->vendor_id), r, row, 5);
	pg_get_text(out->device_id, sizeof(out->device_id), r, row, 6);
	pg_get_text(out->source, sizeof(out->source), r, row, 7);
	out->created = pg_get_int(r, row, 8);
	out->expires = pg_get_int(r, row, 9);
	out->last_seen = pg_get_int(r, row, 10);
	out->console = col_int(r, row, 11);
}

void
pg_bind_login(struct pg_params *p, const struct rec_login *l)
{
	pg_param_text(p, l->id);
	pg_param_text(p, l->engineer_id);
	pg_param_text(p, l->device_id);
	pg_param_text(p, l->challenge);
	pg_param_text(p, l->source);
	pg_param_int(p, l->expires);
	pg_param_int(p, l->password);
}

void
pg_col_login(struct rec_login *out, const PGresult *r, int row)
{
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->engineer_id, sizeof(out->engineer_id), r, row, 1);
	pg_get_text(out->device_id, sizeof(out->device_id), r, row, 2);
	pg_get_text(out->challenge, sizeof(out->challenge), r, row, 3);
	pg_get_text(out->source, sizeof(out->source), r, row, 4);
	out->expires = pg_get_int(r, row, 5);
	out->password = col_int(r, row, 6);
}

void
pg_bind_reset(struct pg_params *p, const struct rec_reset *r)
{
	pg_param_blob(p, r->token_hash, TOKEN_HASH_LEN);
	pg_param_text(p, r->tenant_id);
	pg_param_text(p, r->user_id);
	pg_param_int(p, r->expires);
}

void
pg_col_reset(struct rec_reset *out, const PGresult *r, int row)
{
	pg_col_blob(out->token_hash, TOKEN_HASH_LEN, NULL, r, row, 0);
	pg_get_text(out->tenant_id, sizeof(out->tenant_id), r, row, 1);
	pg_get_text(out->user_id, sizeof(out->user_id), r, row, 2);
	out->expires = pg_get_int(r, row, 3);
}

void
pg_bind_throttle(struct pg_params *p, const struct rec_throttle *t)
{
	pg_param_text(p, t->key);
	pg_param_int(p, t->failures);
	pg_param_int(p, t->last_failure);
	pg_param_int(p, t->locked_until);
}

void
pg_col_throttle(struct rec_throttle *out, const PGresult *r, int row)
{
	pg_get_text(out->key, sizeof(out->key), r, row, 0);
	out->failures = pg_get_int(r, row, 1);
	out->last_failure = pg_get_int(r, row, 2);
	out->locked_until = pg_get_int(r, row, 3);
}

void
pg_bind_grant(struct pg_params *p, const struct rec_grant *g)
{
	pg_param_text(p, g->id);
	pg_param_text(p, g->tenant_id);
	pg_param_text(p, g->engineer_id);
	pg_param_text(p, g->vendor_id);
	pg_param_text(p, g->ticket_id);
	pg_param_text(p, g->reason);
	pg_param_int(p, g->minutes);
	pg_param_int(p, g->state);
	pg_param_int(p, g->break_glass);
	pg_param_int(p, g->created);
	pg_param_int(p, g->decided);
	pg_param_text(p, g->decided_by);
	pg_param_int(p, g->deadline);
	pg_param_int(p, g->notified);
}

void
pg_col_grant(struct rec_grant *out, const PGresult *r, int row)
{
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->tenant_id, sizeof(out->tenant_id), r, row, 1);
	pg_get_text(out->engineer_id, sizeof(out->engineer_id), r, row, 2);
	pg_get_text(out->vendor_id, sizeof(out->vendor_id), r, row, 3);
	pg_get_text(out->ticket_id, sizeof(out->ticket_id), r, row, 4);
	pg_get_text(out->reason, sizeof(out->reason), r, row, 5);
	out->minutes = pg_get_int(r, row, 6);
	out->state = col_int(r, row, 7);
	out->break_glass = col_int(r, row, 8);
	out->created = pg_get_int(r, row, 9);
	out->decided = pg_get_int(r, row, 10);
	pg_get_text(out->decided_by, sizeof(out->decided_by), r, row, 11);
	out->deadline = pg_get_int(r, row, 12);
	out->notified = col_int(r, row, 13);
}

void
pg_bind_approval(struct pg_params *p, const struct rec_approval *a)
{
	pg_param_text(p, a->id);
	pg_param_text(p, a->tenant_id);
	pg_param_text(p, a->engineer_id);
	pg_param_text(p, a->vendor_id);
	pg_param_text(p, a->action);
	pg_param_text(p, a->target);
	pg_param_text(p, a->reason);
	pg_param_int(p, a->state);
	pg_param_int(p, a->created);
	pg_param_int(p, a->deadline);
	pg_param_text(p, a->decided_by);
	pg_param_int(p, a->decided);
}

void
pg_col_approval(struct rec_approval *out, const PGresult *r, int row)
{
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	pg_get_text(out->tenant_id, sizeof(out->tenant_id), r, row, 1);
	pg_get_text(out->engineer_id, sizeof(out->engineer_id), r, row, 2);
	pg_get_text(out->vendor_id, sizeof(out->vendor_id), r, row, 3);
	pg_get_text(out->action, sizeof(out->action), r, row, 4);
	pg_get_text(out->target, sizeof(out->target), r, row, 5);
	pg_get_text(out->reason, sizeof(out->reason), r, row, 6);
	out->state = col_int(r, row, 7);
	out->created = pg_get_int(r, row, 8);
	out->deadline = pg_get_int(r, row, 9);
	pg_get_text(out->decided_by, sizeof(out->decided_by), r, row, 10);
	out->decided = pg_get_int(r, row, 11);
}

void
pg_bind_alert_new(struct pg_params *p, const struct rec_alert *a)
{
	pg_param_text(p, a->id);
	pg_param_int(p, a->time_ms);
	pg_param_text(p, a->rule);
	pg_param_int(p, a->severity);
	pg_param_text(p, a->subject);
	pg_param_textn(p, a->doc, a->len);
	pg_param_int(p, a->webhook);
}

void
pg_col_alert(struct rec_alert *out, const PGresult *r, int row)
{
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	out->time_ms = pg_get_int(r, row, 1);
	pg_get_text(out->rule, sizeof(out->rule), r, row, 2);
	out->severity = col_int(r, row, 3);
	pg_get_text(out->subject, sizeof(out->subject), r, row, 4);
	out->doc = pg_get_bytes(r, row, 5, &out->len);
	out->webhook = col_int(r, row, 6);
	out->attempts = col_int(r, row, 7);
	out->next_attempt = pg_get_int(r, row, 8);
}

void
pg_bind_containment_new(struct pg_params *p,
    const struct rec_containment *r)
{
	pg_param_text(p, r->id);
	pg_param_int(p, r->kind);
	pg_param_text(p, r->target);
	pg_param_text(p, r->engineer_id);
	pg_param_text(p, r->vendor_id);
	pg_param_text(p, r->reason);
	pg_param_text(p, r->created_by);
	pg_param_text(p, r->alert_id);
	pg_param_int(p, r->created);
	pg_param_int(p, r->refuse_logins);
	pg_param_int(p, r->revoke_access);
}

void
pg_col_containment(struct rec_containment *out, const PGresult *r, int row)
{
	memset(out, 0, sizeof(*out));
	pg_get_text(out->id, sizeof(out->id), r, row, 0);
	out->kind = col_int(r, row, 1);
	pg_get_text(out->target, sizeof(out->target), r, row, 2);
	pg_get_text(out->engineer_id, sizeof(out->engineer_id), r, row, 3);
	pg_get_text(out->vendor_id, sizeof(out->vendor_id), r, row, 4);
	pg_get_text(out->reason, sizeof(out->reason), r, row, 5);
	pg_get_text(out->created_by, sizeof(out->created_by), r, row, 6);
	pg_get_text(out->alert_id, sizeof(out->alert_id), r, row, 7);
	out->created = pg_get_int(r, row, 8);
	out->lifted = pg_get_int(r, row, 9);
	pg_get_text(out->lifted_by, sizeof(out->lifted_by), r, row, 10);
	pg_get_text(out->lift_reason, sizeof(out->lift_reason), r, row, 11);
	out->refuse_logins = col_int(r, row, 12);
	out->revoke_access = col_int(r, row, 13);
}
