/* SPDX-License-Identifier: ISC */
#include "mail/notice.h"

#include <string.h>

#include "common/log.h"
#include "common/str.h"

struct admins {
	char email[NOTICE_MAX][REC_EMAIL_MAX + 1];
	size_t n;
};

static int
admin_cb(void *arg, const struct rec_user *u)
{
	struct admins *a = arg;

	if (u->role != ROLE_ADMIN || u->status != STATUS_ACTIVE ||
	    u->email[0] == '\0')
		return 0;
	if (a->n == NOTICE_MAX)
		return 1;
	str_copy(a->email[a->n++], REC_EMAIL_MAX + 1, u->email);
	return 0;
}

void
notice_init(struct notice *n, const struct notice_cfg *cfg)
{
	memset(n, 0, sizeof(*n));
	n->cfg = *cfg;
}

void
notice_link(char *out, size_t size, const struct notice_cfg *cfg,
    const char *tenant, const char *what, const char *id)
{
	if (cfg->console_url == NULL || str_printf(out, size, "%s/#/t/%s/%s/%s",
	    cfg->console_url, tenant, what, id) == -1)
		str_copy(out, size, "");
}

int
notice_stage(struct notice *n, struct store_conn *c,
    const struct store_ops *ops, const char *tenant_id, const char *subject,
    const char *body, struct err *e)
{
	struct admins a;
	size_t i;

	memset(&a, 0, sizeof(a));
	if (ops->user_list(c, tenant_id, admin_cb, &a, e) == -1)
		return -1;
	for (i = 0; i < a.n; i++) {
		if (outbox_stage(&n->msg[n->n], n->cfg.outbox_dir,
		    n->cfg.from, a.email[i], subject, body) == -1) {
			notice_discard(n);
			return err_internal(e, "cannot write to the outbox");
		}
		n->n++;
	}
	return 0;
}

void
notice_deliver(struct notice *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		if (outbox_deliver(&n->msg[i], n->cfg.outbox_dir) == -1)
			log_error("notice: cannot deliver %s", n->msg[i].name);
	n->n = 0;
}

void
notice_discard(struct notice *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		outbox_discard(&n->msg[i], n->cfg.outbox_dir);
	n->n = 0;
}

int
notice_stage_attach(struct notice *n, struct store_conn *c,
    const struct store_ops *ops, const char *tenant_id, const char *subject,
    const char *body, const char *att_name, const char *att, size_t att_len,
    size_t *staged, struct err *e)
{
	struct admins a;
	size_t i;

	*staged = 0;
	memset(&a, 0, sizeof(a));
	if (ops->user_list(c, tenant_id, admin_cb, &a, e) == -1)
		return -1;
	for (i = 0; i < a.n; i++) {
		if (outbox_stage_attach(&n->msg[n->n], n->cfg.outbox_dir,
		    n->cfg.from, a.email[i], subject, body, att_name,
		    "application/json", att, att_len) == -1) {
			notice_discard(n);
			return err_internal(e, "cannot write to the outbox");
		}
		n->n++;
		(*staged)++;
	}
	return 0;
}
