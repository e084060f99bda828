/* SPDX-License-Identifier: ISC */
/*
 * standing: may an engineer act now, as far as the directory's lifecycle
 * says (directory/lifecycle.h changes it): the engineer active (neither
 * suspended nor offboarded), their vendor active, the device they act
 * from not revoked.  Asked at login (auth/login.c), by every request of
 * an engineer's session (api.c) and by enrolment (auth/invite.c), beside
 * the containment's own question (access/contain.h).  Here, below auth,
 * so that auth may ask it.
 */
#ifndef CUSTOS_ACCESS_STANDING_H
#define CUSTOS_ACCESS_STANDING_H

#include "common/err.h"
#include "store/store.h"

/*
 * 0 when engineer en may act from device_id ("" or NULL: no device in
 * question); 1 with *why "engineer_inactive", "vendor_inactive" or
 * "device_revoked"; -1 on a store error.
 */
int standing_refuses(struct store_conn *c, const struct store_ops *ops,
    const struct rec_engineer *en, const char *device_id, const char **why,
    struct err *e) __attribute__((warn_unused_result));

#endif
