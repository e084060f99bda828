/* SPDX-License-Identifier: ISC */
/*
 * incident: a scope question the operator keeps (POST /v1/incidents).
 *
 * incident_build asks scope (scope.h) on a reader, signs or takes a
 * checkpoint that covers every entry the answer cites, and makes one
 * report per tenant of the answer ("tenants" and "attempted"), as the
 * CLI's `scope --report` makes them (scope_report.h), plus the operator's
 * summary: the answer without the reports.  incident_apply stores all of
 * it on the writer, with the request's entry.  A tenant's admins read
 * only their own report; the operator reads everything.  Nothing here
 * knows HTTP.  See docs/internals/scope.md, "Incidents".
 */
#ifndef CUSTOS_SCOPE_INCIDENT_H
#define CUSTOS_SCOPE_INCIDENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "scope/scope.h"
#include "store/store.h"

#define INCIDENT_TITLE_MIN 3
#define INCIDENT_ENTRIES_MAX 20000      /* cited entries one incident keeps */
#define INCIDENT_REPORT_MAX ((size_t)32 << 20)  /* one report's JSON */

struct tlog;

struct incident_in {
	struct store_conn *c;           /* a reader */
	const struct store_ops *ops;
	struct tlog *tlog;
	const char *title;              /* checked by the caller's parse */
	const char *created_by;
	int64_t now;
	const struct scope_query *q;    /* forward question, principals */
	const json_t *principals;       /* q as asked, echoed in reports */
};

/* A built incident: its row, its reports and their JSON texts. */
struct incident {
	struct rec_incident rec;
	struct rec_incident_report *reports;
	size_t n;
	char *summary;                  /* rec.doc */
	char **docs;                    /* reports[i].doc */
	json_t *answer;                 /* the summary as JSON */
};

/* 0 when title is INCIDENT_TITLE_MIN..REC_TITLE_MAX bytes of clean
 * UTF-8; else 400 naming field 'title'. */
int incident_title_check(const char *title, struct err *e)
	__attribute__((warn_unused_result));

/*
 * Builds the incident of in into *x (incident_cleanup() it whatever the
 * result).  -1 with e: a store or log error, or a question citing more
 * than INCIDENT_ENTRIES_MAX entries (400).
 */
int incident_build(struct incident *x, const struct incident_in *in,
    struct err *e) __attribute__((warn_unused_result));

/* The change, on the writer (an op_fn): the incident and its reports.
 * 0, or -1 with e. */
int incident_apply(struct store_conn *c, const struct store_ops *ops,
    void *x /* struct incident */, struct err *e)
	__attribute__((warn_unused_result));

void incident_cleanup(struct incident *x);

#endif
