/* SPDX-License-Identifier: ISC */
/*
 * notice: mail to every active admin of a tenant (new access request,
 * approved by policy, break-glass, about to expire, second approval
 * asked).  Staged in the outbox before the commit, delivered after it,
 * discarded if the change failed, so an admin is never told of something
 * that was not committed.  Notices carry no link and nothing that grants
 * anything: the admin acts through their own authenticated session.
 *
 * The workflows in access/ write the text and stage it; whoever runs the
 * write (an API handler, the sweeper) delivers or discards.
 */
#ifndef CUSTOS_MAIL_NOTICE_H
#define CUSTOS_MAIL_NOTICE_H

#include <stddef.h>

#include "common/err.h"
#include "mail/outbox.h"
#include "store/store.h"

#define NOTICE_MAX 64           /* admins written to per notice */
#define NOTICE_BODY_MAX 2048

/* Where notices go, and from whom.  The strings are borrowed. */
struct notice_cfg {
	const char *outbox_dir;
	const char *from;
	const char *console_url;        /* NULL: mails carry no link */
};

#define NOTICE_LINK_MAX 512

/*
 * The console's page of one thing a mail is about (what: "requests",
 * "approvals") in tenant, into out: "<console>/#/t/<tenant>/<what>/<id>".
 * The link names the thing only; opening it still takes signing in as a
 * tenant admin.  "" when no console URL is configured.
 */
void notice_link(char *out, size_t size, const struct notice_cfg *cfg,
    const char *tenant, const char *what, const char *id);

/* Mail staged for one change. */
struct notice {
	struct notice_cfg cfg;
	struct outbox_msg msg[NOTICE_MAX];
	size_t n;
};

/* An empty notice that will go through cfg (copied; its strings are
 * borrowed and must outlive the notice). */
void notice_init(struct notice *n, const struct notice_cfg *cfg);

/* Stages subject/body to each active admin of tenant_id (read through c).
 * On failure nothing stays staged. */
int notice_stage(struct notice *n, struct store_conn *c,
    const struct store_ops *ops, const char *tenant_id, const char *subject,
    const char *body, struct err *e) __attribute__((warn_unused_result));

/*
 * Issue 16, disclose: as notice_stage, each message carrying att (JSON,
 * att_len bytes) as the attachment att_name; *staged says how many
 * admins (active, with an address) it was staged for, 0 when the tenant
 * has none.  On failure nothing of this notice stays staged.
 */
int notice_stage_attach(struct notice *n, struct store_conn *c,
    const struct store_ops *ops, const char *tenant_id, const char *subject,
    const char *body, const char *att_name, const char *att, size_t att_len,
    size_t *staged, struct err *e) __attribute__((warn_unused_result));

/* After the commit: moves the staged mail into new/. */
void notice_deliver(struct notice *n);

/* The change failed (or was delivered already): removes what is still
 * staged. */
void notice_discard(struct notice *n);

#endif
