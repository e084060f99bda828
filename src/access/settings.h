/* SPDX-License-Identifier: ISC */
/*
 * settings: a tenant's admins set who may enter their tenant and how
 * (PUT /v1/tenants/{t}/support-policy): the support policy, the longest
 * access request (max_minutes, 1..TENANT_MAX_MINUTES_CAP), who may give a
 * second approval and which actions need one.  What is not given keeps
 * its value.  The change is recorded with the policy before and after
 * and the other settings as they will be (detail from, to, max_minutes,
 * second_approver, sensitive_actions), which the report and detection
 * read.  Nothing here knows HTTP.
 */
#ifndef CUSTOS_ACCESS_SETTINGS_H
#define CUSTOS_ACCESS_SETTINGS_H

#include <stdint.h>

#include "audit/event.h"
#include "common/err.h"
#include "store/store.h"

/* What the admin gives; -1 (0 for max_minutes) keeps today's value. */
struct settings_in {
	int policy;             /* enum rec_policy */
	int64_t max_minutes;
	int second_approver;    /* enum rec_second_approver */
	int has_sensitive;
	unsigned sensitive;     /* bits of sensitive actions */
};

/* Starts in with every setting kept. */
void settings_in_init(struct settings_in *in);

/*
 * Builds into out tenant t with in's changes, and names the change in ev.
 * 400 when a value is out of range.
 */
int settings_change(struct rec_tenant *out, const struct rec_tenant *t,
    const struct settings_in *in, struct event *ev, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: stores the settings of t (a struct rec_tenant).  0 or
 * -1. */
int settings_apply(struct store_conn *c, const struct store_ops *ops,
    void *t, struct err *e) __attribute__((warn_unused_result));

#endif
