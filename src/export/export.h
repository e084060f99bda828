/* SPDX-License-Identifier: ISC */
/*
 * export: the log as a stream of OCSF events to SIEM destinations (issue
 * 16, docs/export.md, docs/internals/export.md).
 *
 * Each destination has a thread that follows the log from its durable
 * cursor (store_ops.export_cursor_*, one row per destination): it reads
 * a batch of entries, maps each through its view (export/ocsf.h), sends
 * the batch, and moves the cursor only once the destination acknowledged
 * it -- the file written and fdatasync()ed, the syslog bytes written
 * to the socket, the HTTP receiver answering 2xx (for _bulk: every item
 * created or already there).  So delivery is at least once: a batch sent
 * but not yet recorded is sent again after a restart, with the same
 * metadata.uid and the same bytes.  A failed send is retried with
 * backoff (1 s doubling to 60 s).  In a cluster one node exports per
 * destination: each has its lease "export:NAME" (store/lease.h), and the
 * cursor is written fenced by it.
 */
#ifndef CUSTOS_EXPORT_EXPORT_H
#define CUSTOS_EXPORT_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "common/clock.h"
#include "common/err.h"
#include "export/ocsf.h"
#include "store/store.h"

#define EXPORT_MAX 8                    /* destinations */
#define EXPORT_NAME_MAX 32

enum export_kind { EXPORT_FILE, EXPORT_SYSLOG, EXPORT_HEC, EXPORT_BULK };

/* One destination, as the `export` option gives it (export_spec_parse). */
struct export_spec {
	char name[EXPORT_NAME_MAX];
	int kind;                       /* enum export_kind */
	char target[1024];              /* path, host:port or URL */
	struct ocsf_view view;
	int64_t max_bytes;              /* file: rotate beyond (0: never) */
	int64_t keep;                   /* file: rotated files kept */
	int tls;                        /* syslog: TLS */
	char ca[1024];                  /* syslog, http: CA file ("": system) */
	char token_file[1024];          /* hec: the token's file */
	char index[128];                /* bulk: the index */
	int64_t batch;                  /* events per batch */
};

/*
 * Parses one `export` value: "NAME KIND TARGET [key=value ...]", KIND
 * file, syslog, hec or bulk; keys scope (all | operator | tenant:ID),
 * fields (full | public), max-bytes, keep, tls (0|1), ca, token-file,
 * index, batch.  0, or -1 with a 400 in e naming what is wrong.
 */
int export_spec_parse(struct export_spec *out, const char *value,
    struct err *e) __attribute__((warn_unused_result, nonnull));

/*
 * 1 when an Elasticsearch _bulk answer (body, len) says every item was
 * created or already existed (409: a duplicate _id, which is what the
 * stable id is for); else 0.  The answer is outside input.
 */
int export_bulk_ok(const char *body, size_t len);

/* Frames one message for syslog over TCP: RFC 6587 octet counting,
 * "LEN SP" then an RFC 5424 message of PRI pri, time_ms, hostname and
 * msg.  0, or -1 when out is full. */
int export_syslog_frame(struct buf *out, int pri, int64_t time_ms,
    const char *hostname, const char *msg, size_t msg_len)
	__attribute__((warn_unused_result));

struct export;

struct export_config {
	struct export_spec dest[EXPORT_MAX];
	int ndest;
	const char *origin;             /* the log's origin: metadata.uid */
	const char *node;               /* for the leases */
	int64_t lease_ttl_ms;
};

/* Starts a thread per destination; NULL with e (bad token file...). */
struct export *export_start(struct store *st, const struct clock *clk,
    const struct export_config *cfg, struct err *e);
/* Stops the threads (a batch in flight is sent again later); NULL ok. */
void export_stop(struct export *x);

struct export_lag {
	char name[EXPORT_NAME_MAX];
	int64_t next;                   /* the cursor: next index to send */
	int64_t behind;                 /* entries not yet acknowledged */
	int64_t seconds_behind;         /* age of the oldest unsent entry */
	int64_t sent;                   /* events acknowledged (this run) */
	int64_t failures;               /* failed sends (this run) */
	int held;                       /* this node exports it */
};

/* Destination i's lag now (0..ndest-1): 0, or -1 when there is no i.
 * Any thread may call it (the metrics helper publishes it). */
int export_lag(struct export *x, int i, struct export_lag *out);
int export_count(const struct export *x);
/* Destination i's configuration (NULL when there is no i). */
const struct export_spec *export_spec_of(const struct export *x, int i);

#endif
