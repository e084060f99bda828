/* SPDX-License-Identifier: ISC */
/*
 * report_int: what the three files of the scope reports share -- report.c
 * checks the answer and the proofs of the entries it cites, report_md.c
 * writes the Markdown pages, report_write.c the directory, the JSON
 * documents and the files.  Commands use report.h, not this.
 */
#ifndef CUSTOS_CLI_REPORT_INT_H
#define CUSTOS_CLI_REPORT_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/entry.h"
#include "cli/report.h"
#include "common/buf.h"
#include "tlog/note.h"

#define REPORT_FILE_MAX ((size_t)256 << 20)     /* one file written */
#define REPORT_STEM_MAX 200     /* file name made from a tenant id */
#define REPORT_ID_MAX 1024      /* a tenant id in an answer */
#define REPORT_CODE_MAX 200     /* longest text put in a code span */
#define REPORT_PATH_MAX 4096
#define REPORT_CONTACT "[CONTACT: name, e-mail address and telephone " \
	"number of the person handling this incident]"

/* jansson takes no const; the report never changes what it was given. */
#define UNCONST(p) ((json_t *)(uintptr_t)(p))

struct report {
	const json_t *answer;
	json_t *tenants;        /* "tenants", then "attempted" (exposure set) */
	const json_t *principals;       /* the question's, as echoed */
	const char *key;
	const char *generated;
	const char *note;       /* the signed checkpoint, as in the answer */
	size_t note_len;
	struct note_verifier vk;
	struct checkpoint cp;
	json_t *entries;        /* "index" -> {index, leaf, event, proof} */
};

/* A page being written; the first failed append sticks. */
struct md {
	struct buf b;
	int failed;
};

/* A checked entry of the report ({index, leaf, event, proof}), or NULL. */
const json_t *report_cited(const struct report *r, int64_t index);

/* Reads a checked entry's leaf with the one entry reader.  0, or -1 when
 * the leaf is not a log entry. */
int report_cited_read(struct entry *d, const json_t *en)
	__attribute__((warn_unused_result));

/* 1 when the checked entry's leaf is about tenant. */
int report_about(const json_t *en, const char *tenant);

/* The tenant's page: t its row of the answer, stem its file name, idx
 * its n cited indexes, ascending. */
void report_md_tenant(struct md *m, const struct report *r,
    const json_t *t, const char *stem, const int64_t *idx, size_t n);

/* The operator's page; names holds each tenant's {json, md} files. */
void report_md_summary(struct md *m, const struct report *r,
    const json_t *names);

#endif
