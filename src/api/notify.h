/* SPDX-License-Identifier: ISC */
/*
 * notify: mail to every admin of a tenant (new access request, approved by
 * policy, break-glass, about to expire, second approval asked).  Staged in
 * the outbox before the commit, delivered after it, discarded if the change
 * failed.  Notices carry no link and nothing that grants anything: the
 * admin acts through their own authenticated session.
 */
#ifndef CUSTOS_API_NOTIFY_H
#define CUSTOS_API_NOTIFY_H

#include <stddef.h>

#include "api/api.h"
#include "mail/outbox.h"

#define NOTIFY_MAX 64           /* admins written to per notice */

struct notice {
	struct outbox_msg msg[NOTIFY_MAX];
	size_t n;
};

/* Stages subject/body to each admin of tenant_id (read through c). */
int notify_stage(struct api_ctx *ctx, struct store_conn *c,
    const char *tenant_id, const char *subject, const char *body,
    struct notice *n, struct err *e) __attribute__((warn_unused_result));

/* After the commit: moves the staged mail into new/. */
void notify_deliver(struct api_ctx *ctx, struct notice *n);

/* The change failed: removes the staged mail. */
void notify_discard(struct api_ctx *ctx, struct notice *n);

#endif
