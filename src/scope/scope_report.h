/* SPDX-License-Identifier: ISC */
/*
 * scope_report: one tenant's report of a scope answer, built in custosd
 * for the incidents the console keeps (src/scope/incident.h).
 *
 * The document is the one `custos scope --report DIR` writes as
 * DIR/<tenant>.json (format custos-scope-report/1, docs/cli.md): the
 * tenant's row of the answer (exposure, first, last, actions, denied,
 * users_affected, grants, name; "attempted" rows with exposure
 * "attempted"), the window, when it was made, the question's principals,
 * the log's verifier key, the signed checkpoint and its size, and every
 * cited entry about the tenant as the access log serves it ({index, leaf,
 * sealed, event, proof}: the sealed leaf and body in base64, the entry's
 * plaintext, its inclusion proof to that checkpoint), so that
 * `custos verify --tenant-log` checks it as it checks the CLI's.  A cited
 * entry about no tenant or another one goes to "other_entries" with its
 * event left out: a tenant's report never carries another tenant's
 * plaintext (the CLI's, written for the operator, does; see
 * docs/internals/scope.md).
 */
#ifndef CUSTOS_SCOPE_SCOPE_REPORT_H
#define CUSTOS_SCOPE_SCOPE_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "common/err.h"
#include "scope/scope.h"
#include "store/store.h"

#define SCOPE_REPORT_FORMAT "custos-scope-report/1"

struct tlog;
struct sealer;

/* What every tenant's report of one answer shares. */
struct scope_report_in {
	struct store_conn *c;           /* a reader */
	const struct store_ops *ops;
	struct tlog *tlog;
	struct sealer *sealer;          /* the caller's (one per thread) */
	const char *key;                /* the log's verifier key */
	const char *checkpoint;         /* signed, covering every cited entry */
	int64_t size;                   /* its tree size */
	const char *from, *to;          /* RFC 3339 */
	const char *generated;          /* RFC 3339 */
	const json_t *principals;       /* the question's */
};

/* A tenant's row of the answer as POST /v1/scope writes it (attempted
 * rows carry no exposure).  NULL when out of memory. */
json_t *scope_row_json(const struct scope_row *r, int attempted);

/*
 * The report of row r (attempted: from the answer's "attempted") whose
 * tenant is called name ("" when unknown) into *out (a new reference).
 * 0, or -1 with e (a cited entry gone or damaged: 500).
 */
int scope_report_tenant(json_t **out, const struct scope_report_in *in,
    const struct scope_row *r, int attempted, const char *name,
    struct err *e) __attribute__((warn_unused_result));

#endif
