/* SPDX-License-Identifier: ISC */
/*
 * incident_publish: telling tenants of a kept incident (issue 16, item 5;
 * POST /v1/incidents/{id}/publish).
 *
 * Each tenant of the incident's answer (its report: acted upon, viewed,
 * exposed or attempted) is told by mail to its admins (role admin,
 * active, with an address), the notice carrying only that tenant's
 * report (custos-scope-report/1, which `custos verify --tenant-log`
 * checks offline) and what to do.  Asked for ("unaffected"), every other
 * tenant is told it was not affected, with the proof: its access-log
 * answer as GET /v1/tenants/{t}/access-log gives it (every entry about it
 * below a signed checkpoint, each with its inclusion proof), which
 * `custos verify --tenant --access-log` checks for completeness.  A
 * notice never names another tenant, nor how many others were affected.
 *
 * One notice per tenant, ever (the table's primary key): publishing
 * again tells only the tenants not told yet (also those deferred when
 * the unaffected tenants' proofs passed PUBLISH_PROOFS_BUDGET entries) (a tenant with no admin
 * address is never marked told, so a later publish reaches it once it
 * has one); when none is left it is refused, 409 already_published.
 * Each notice is recorded as its own entry (incident.notify, sealed for
 * that tenant, target the incident); the request is incident.publish.
 * Mail is staged before the commit and delivered after it.  Nothing here
 * knows HTTP.  See docs/internals/scope.md, "Publishing an incident".
 */
#ifndef CUSTOS_SCOPE_INCIDENT_PUBLISH_H
#define CUSTOS_SCOPE_INCIDENT_PUBLISH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/event.h"
#include "common/err.h"
#include "mail/notice.h"
#include "store/store.h"

#define PUBLISH_MESSAGE_MAX 4000        /* the operator's text, bytes */
#define PUBLISH_PROOF_MAX 20000         /* entries in an unaffected proof */
/* Proven entries one publication builds for unaffected tenants; past
 * it the remaining tenants are deferred to the next publication. */
#define PUBLISH_PROOFS_BUDGET 60000
#define PUBLISH_NOTICE_FORMAT "custos-incident-notice/1"

struct tlog;

struct publish_in {
	struct store_conn *c;           /* a reader */
	const struct store_ops *ops;
	struct tlog *tlog;
	const char *incident_id;
	int unaffected;                 /* tell the other tenants too */
	const char *message;            /* the operator's text, or NULL */
	const struct actor *by;
	const char *source;
	int64_t now;
	const struct notice_cfg *mail;
	const char *console_path;       /* "" or the console's URL */
};

/* One tenant to tell. */
struct publish_tenant {
	struct rec_incident_notice rec;
	char name[REC_NAME_MAX];
	char *doc;                      /* rec.doc */
	char *attachment;               /* the report or the proof */
	struct notice mail;
	size_t recipients;
	struct event ev;                /* its incident.notify entry */
	const struct publish *p;
};

struct publish {
	struct rec_incident inc;
	json_t *summary;
	struct publish_tenant *t;       /* to tell (recipients > 0) */
	size_t n, cap;
	json_t *unreached;              /* [{tenant, exposure, reason}] */
	size_t already;                 /* told before */
	size_t proven;                  /* entries in the proofs built */
	size_t deferred;                /* unaffected tenants left for the
					 * next publication */
	struct actor by;
	char source[REC_ADDR_MAX];
	int64_t now;
	char from[32], to[32];          /* the window, RFC 3339 */
};

/*
 * Reads the incident and what was told before, builds every notice and
 * stages its mail into *p (publish_cleanup() it whatever the result).
 * -1 with e: 404 no_such_incident, 409 already_published (every tenant
 * to tell was told), 400, or a store, log or outbox error.
 */
int publish_prepare(struct publish *p, const struct publish_in *in,
    struct err *e) __attribute__((warn_unused_result));

/* The change on the writer (an op_fn): the notices; 1 when one of the
 * tenants was told meanwhile (nothing changed). */
int publish_apply(struct store_conn *c, const struct store_ops *ops,
    void *p /* struct publish */, struct err *e)
	__attribute__((warn_unused_result));

/* The incident.notify entries, one job per tenant told, into jobs
 * (p->n of them). */
void publish_jobs(struct publish *p, struct store_job *jobs);

/* After the commit: the staged mail goes out. */
void publish_deliver(struct publish *p);

/* The operator's answer: notified, unreached, already_notified,
 * deferred. */
json_t *publish_json(const struct publish *p);

/* Discards mail still staged and frees p. */
void publish_cleanup(struct publish *p);

#endif
