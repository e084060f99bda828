/* SPDX-License-Identifier: ISC */
/*
 * sweeper: records what time alone changes.  Access requests past their
 * deadline are moved to expired (an access_request.expire entry each, by
 * custosd itself), and tenant admins are mailed when an approved access is
 * about to end.  Enforcement never waits for it: every request computes
 * the effective state at its own time.
 */
#ifndef CUSTOS_API_SWEEPER_H
#define CUSTOS_API_SWEEPER_H

#include "api/api.h"

struct sweeper;

struct sweeper *sweeper_start(struct api_ctx *ctx, struct err *e);
void sweeper_stop(struct sweeper *s);

/* One pass now (tests and start-up); the number of grants it handled. */
int sweeper_run(struct api_ctx *ctx);

#endif
