/* SPDX-License-Identifier: ISC */
/*
 * report: the per-customer reports of `custos scope --report DIR`.
 *
 * From a scope answer (POST /v1/scope with proofs), the log's verifier key
 * and the entries the answer cites (each with its leaf from
 * GET /v1/log/entries and its inclusion proof), report_new() first checks
 * everything it is going to hand out: the checkpoint is a note signed by
 * the key whose origin is the key's name and whose size is the answer's,
 * and every cited entry's proof leads from its leaf to the checkpoint's
 * root.  A report that a customer cannot verify is never written.  Then
 * report_write() writes, per tenant, DIR/<tenant>.json (a superset of the
 * access-log answer that `custos verify --tenant-log` checks) and
 * DIR/<tenant>.md (what happened, to whom, what to do, how to verify),
 * and DIR/summary.json and DIR/summary.md for the operator.
 *
 * It talks to no server and trusts none of its input: the answer, the
 * leaves and the proofs are outside bytes, checked here; text from them
 * is cleaned before it reaches a Markdown page.  The file formats are in
 * docs/cli.md.
 */
#ifndef CUSTOS_CLI_REPORT_H
#define CUSTOS_CLI_REPORT_H

#include <jansson.h>

#include "common/err.h"

#define REPORT_FORMAT "custos-scope-report/1"
#define REPORT_SUMMARY_FORMAT "custos-scope-summary/1"
#define REPORT_TENANTS_MAX 100000       /* tenants in one answer */
#define REPORT_ENTRIES_MAX 1000000      /* cited entries in one answer */

struct report_input {
	const json_t *answer;   /* the scope answer (forward, not inverse) */
	const char *key;        /* the verifier key, name+hash+base64 */
	/* Object: decimal index -> {"index", "leaf", "proof": [base64]},
	 * one for every index some tenant's "entries" cites. */
	const json_t *entries;
	const char *generated;  /* RFC 3339: when the reports are made */
};

struct report;

/*
 * Checks in (see above) and keeps what the files need; the caller keeps
 * ownership of in's members, which must outlive the report.  Returns the
 * report, or NULL with e's message naming what did not hold (the entry,
 * the tenant, the field).
 */
struct report *report_new(const struct report_input *in, struct err *e)
	__attribute__((warn_unused_result, nonnull));

void report_free(struct report *r);

/*
 * The checks of report_new that need no entry: the key, the checkpoint
 * signed by it, the answer's size and tenants, every cited index below
 * the size.  Run before fetching the evidence.  0, or -1 with e.
 */
int report_precheck(const json_t *answer, const char *key, struct err *e)
	__attribute__((warn_unused_result, nonnull));

/* The number of tenants the report covers. */
size_t report_tenants(const struct report *r) __attribute__((nonnull));

/*
 * Makes dir (mode 0700), or takes an existing directory that is empty (or
 * not, when force).  A symbolic link is refused.  Returns 0, 1 when dir
 * exists and is not empty (and not force), -1 with e.
 */
int report_dir_prepare(const char *dir, int force, struct err *e)
	__attribute__((warn_unused_result, nonnull));

/*
 * Writes the files into dir (prepared above), each by way of a temporary
 * file and a rename, mode 0600.  Without force an existing file is left
 * alone and is an error.  *files (when not NULL) gets a new array of the
 * names written, relative to dir.  Returns 0, or -1 with e (files written
 * before the failure stay).
 */
int report_write(const struct report *r, const char *dir, int force,
    json_t **files, struct err *e)
	__attribute__((warn_unused_result, nonnull(1, 2, 5)));

#endif
