/* SPDX-License-Identifier: ISC */
/*
 * ocsf: a log entry as an OCSF event (issue 16, docs/export.md).
 *
 * Each entry becomes one event of the class its action belongs to
 * (Authentication 3002, Account Change 3001, User Access Management 3005,
 * API Activity 6003; an `alert` or `log.integrity_alert` entry, i.e. every
 * alert, a Detection Finding 2004), against OCSF OCSF_VERSION (the schema
 * read from github.com/ocsf/ocsf-schema, see scripts/ocsf-required).
 * metadata.uid is "<log origin>/<index>": stable, so a receiver
 * de-duplicates on it, and the same entry always gives the same bytes
 * (keys sorted, compact).
 *
 * What a destination sees is its view: a scope (every entry, the
 * operator's own -- entries about no tenant --, or one tenant's) and a
 * field level (full, or public: no ids of people, tenants, targets,
 * sessions, devices, addresses nor details -- no more than the public
 * tree tells, plus the action, outcome, actor kind and vendor).  Detail
 * keys that could name a secret are never exported (ocsf_detail_ok).
 */
#ifndef CUSTOS_EXPORT_OCSF_H
#define CUSTOS_EXPORT_OCSF_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "store/records.h"

#define OCSF_VERSION "1.8.0"

enum ocsf_scope { OCSF_SCOPE_ALL, OCSF_SCOPE_OPERATOR, OCSF_SCOPE_TENANT };
enum ocsf_fields { OCSF_FIELDS_FULL, OCSF_FIELDS_PUBLIC };

struct ocsf_view {
	int scope;                      /* enum ocsf_scope */
	char tenant[ID_MAX];            /* OCSF_SCOPE_TENANT's */
	int fields;                     /* enum ocsf_fields */
};

/* What class and activity an action maps to (for the docs' table and
 * the tests); unknown actions give API Activity, activity Other (99). */
void ocsf_class_of(const char *action, int *class_uid, int *activity_id);

/*
 * Appends entry index (bytes, len) of the log origin as one OCSF event
 * (JSON, no newline) to out.  0 when appended; 1 when the view leaves
 * the entry out (nothing appended); -1 with e when the bytes are not an
 * entry or out is full (out then as before).
 */
int ocsf_entry(struct buf *out, const char *origin, int64_t index,
    const char *bytes, size_t len, const struct ocsf_view *v,
    struct err *e) __attribute__((warn_unused_result));

/* 1 when a detail key may leave custos (no part of it names a secret:
 * token, secret, password, code, key, cookie, link, hash), else 0. */
int ocsf_detail_ok(const char *key, size_t len);

#endif
