/* SPDX-License-Identifier: ISC */
/*
 * lifecycle: what becomes of an engineer, a vendor or a device after it
 * was made (docs/internals/directory.md, "The lifecycle").
 *
 *   suspend    the account's sessions end and its logins and requests are
 *              refused (401 engineer_inactive / vendor_inactive); its
 *              access requests are kept but serve nobody until resumed.
 *   resume     back to active; a suspended account only.
 *   offboard   final (resume answers 409): sessions end, devices and
 *              passkeys are revoked, every open access request (pending,
 *              or approved and unexpired) is revoked with its own
 *              access_request.revoke entry in its tenant's log, open
 *              second approvals end (expired, decided_by "offboard"),
 *              with the approved ones the engineer gave (a suspended
 *              one's serve nobody until resumed: approval_check),
 *              open invitations are revoked.  Rows and entries stay: scope
 *              still names the engineer.
 *
 * A vendor's suspension refuses every engineer of the vendor while it
 * lasts (their own status is kept); its offboarding offboards each of
 * them.  A device's revocation ends the sessions and passkeys of that
 * device; its row stays, refused at login and in sessions.
 *
 * Re-enrolment clears an engineer's password and TOTP seed (and devices
 * and passkeys unless kept), ends their sessions and mails an invitation
 * (auth/invite.h) to their address: the operator never sees a secret or
 * the link.
 *
 * The ending of sessions, passkeys and access goes through the
 * containment's own code (access/contain.h, contain_end), so both ways
 * of shutting an engineer out end the same things.  Nothing here knows
 * HTTP.
 */
#ifndef CUSTOS_DIRECTORY_LIFECYCLE_H
#define CUSTOS_DIRECTORY_LIFECYCLE_H

#include <jansson.h>
#include <stdint.h>

#include "access/contain.h"
#include "audit/event.h"
#include "common/err.h"
#include "store/store.h"

enum lifecycle_kind {
	LIFECYCLE_ENGINEER,
	LIFECYCLE_VENDOR
};

enum lifecycle_op {
	LIFECYCLE_SUSPEND,
	LIFECYCLE_RESUME,
	LIFECYCLE_OFFBOARD,
	LIFECYCLE_OP_COUNT
};

/* "active", "suspended", "offboarded" by enum rec_status. */
extern const char *const lifecycle_status_names[];      /* NULL-ended */

/* The name of a status read from the store: "suspended" for a value out
 * of range (refused as suspended is: never an index past the table). */
const char *lifecycle_status_name(int status);

/* The status named name, or -1. */
int lifecycle_status_parse(const char *name);

/* One change on its way through the writer. */
struct lifecycle_run {
	int kind;                       /* enum lifecycle_kind */
	int op;                         /* enum lifecycle_op */
	char id[ID_MAX];
	char vendor_id[ID_MAX];         /* an engineer's vendor */
	int from;                       /* the status before */
	int64_t now;
	struct contain_run end;         /* what suspend/offboard end */
	int ends;                       /* end is prepared */
	/* filled on the writer */
	int64_t devices_revoked;
	int64_t approvals_cancelled;    /* second approvals left open */
	int64_t engineers_offboarded;   /* a vendor's */
};

/*
 * Loads the engineer or vendor id (404 not_found) and checks that op may
 * run from its status (409 conflict, reason "offboarded" for anything on
 * an offboarded one, "state" for suspending a suspended or resuming an
 * active one); prepares what it will end.  Free with
 * lifecycle_run_cleanup().
 */
int lifecycle_prepare(struct lifecycle_run *run, struct store_conn *c,
    const struct store_ops *ops, int kind, int op, const char *id,
    const char *reason, int64_t now, struct err *e)
	__attribute__((warn_unused_result));
void lifecycle_run_cleanup(struct lifecycle_run *run);

/* The change on the writer (an op_fn: arg is the run): 0; 1 when the
 * account was offboarded meanwhile (nothing changed); -1 with e. */
int lifecycle_apply(struct store_conn *c, const struct store_ops *ops,
    void *run, struct err *e) __attribute__((warn_unused_result));

/* The jobs recording each access request the run revoked: fills
 * jobs[0..run->end.cap) (contain_grant_jobs). */
size_t lifecycle_jobs(struct lifecycle_run *run, struct store_job **jobs,
    struct err *e) __attribute__((warn_unused_result));

/* What it did, as detail of its entry and as the answer. */
void lifecycle_detail(const struct lifecycle_run *run, struct event *ev);
json_t *lifecycle_json(const struct lifecycle_run *run);

/* A device's revocation: its row marked, its sessions and passkeys
 * ended.  (An op_fn: arg is the struct device_revoke.) */
struct device_revoke {
	char id[ID_MAX];
	char engineer_id[ID_MAX];
	int64_t now;
	int64_t sessions_ended, passkeys_ended;
};
int lifecycle_device_revoke(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e) __attribute__((warn_unused_result));

/* A re-enrolment's change, before its invitation (auth/invite.h) is
 * stored in the same commit: secrets cleared, sessions ended, devices
 * and passkeys revoked unless kept. */
struct reenrol {
	char engineer_id[ID_MAX];
	int keep_devices;
	int64_t now;
	int64_t sessions_ended, devices_revoked, passkeys_ended;
};
int lifecycle_reenrol_apply(struct store_conn *c,
    const struct store_ops *ops, struct reenrol *r, struct err *e)
	__attribute__((warn_unused_result));

#endif
