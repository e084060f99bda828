/* SPDX-License-Identifier: ISC */
#include "api/notify.h"

#include <string.h>

#include "common/log.h"
#include "common/str.h"

struct admins {
	char email[NOTIFY_MAX][REC_EMAIL_MAX + 1];
	size_t n;
};

static int
admin_cb(void *arg, const struct rec_user *u)
{
	struct admins *a = arg;

	if (u->role != ROLE_ADMIN || u->status != STATUS_ACTIVE)
		return 0;
	if (a->n == NOTIFY_MAX)
		return 1;
	str_copy(a->email[a->n++], REC_EMAIL_MAX + 1, u->email);
	return 0;
}

int
notify_stage(struct api_ctx *ctx, struct store_conn *c,
    const char *tenant_id, const char *subject, const char *body,
    struct notice *n, struct err *e)
{
	struct admins a;
	size_t i;

	memset(&a, 0, sizeof(a));
	if (store_ops(ctx->store)->user_list(c, tenant_id, admin_cb, &a,
	    e) == -1)
		return -1;
	for (i = 0; i < a.n; i++) {
		if (outbox_stage(&n->msg[n->n], ctx->cfg.outbox_dir,
		    ctx->cfg.mail_from, a.email[i], subject, body) == -1) {
			notify_discard(ctx, n);
			return err_internal(e, "cannot write to the outbox");
		}
		n->n++;
	}
	return 0;
}

void
notify_deliver(struct api_ctx *ctx, struct notice *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		if (outbox_deliver(&n->msg[i], ctx->cfg.outbox_dir) == -1)
			log_error("notify: cannot deliver %s", n->msg[i].name);
	n->n = 0;
}

void
notify_discard(struct api_ctx *ctx, struct notice *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		outbox_discard(&n->msg[i], ctx->cfg.outbox_dir);
	n->n = 0;
}
