/* SPDX-License-Identifier: ISC */
/*
 * expo: a writer of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): the
 * HELP and TYPE lines of a family, its samples with escaped label values,
 * and a histogram's cumulative _bucket{le=...} series ending at +Inf with
 * its _sum and _count.  It holds no state: metrics.c reads its counters
 * and hands the figures here.  Label names are the caller's constants;
 * label values may be anything (escaped: backslash, double quote, line
 * feed).  Every function returns 0, or -1 when out no longer has room.
 */
#ifndef CUSTOS_METRICS_EXPO_H
#define CUSTOS_METRICS_EXPO_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* The Content-Type of the format. */
#define EXPO_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* One label: name (a constant matching [a-zA-Z_][a-zA-Z0-9_]*) = value. */
struct expo_label {
	const char *name;
	const char *value;
};

/* "# HELP name help" and "# TYPE name type"; type is counter, gauge or
 * histogram.  help is escaped (backslash, line feed). */
int expo_family(struct buf *out, const char *name, const char *type,
    const char *help) __attribute__((warn_unused_result));

/* One sample line: name{labels} value (integers without a fraction). */
int expo_sample_int(struct buf *out, const char *name,
    const struct expo_label *labels, size_t nlabels, int64_t value)
	__attribute__((warn_unused_result));
int expo_sample(struct buf *out, const char *name,
    const struct expo_label *labels, size_t nlabels, double value)
	__attribute__((warn_unused_result));

/*
 * A histogram's series: for each of the nbounds upper bounds (ascending)
 * a _bucket line with the cumulative count of observations at or below
 * it, then le="+Inf" with all of them, _sum and _count (equal to +Inf's).
 * counts[] holds nbounds + 1 per-bucket (not cumulative) counts, the last
 * for observations above every bound.  labels come before le.
 */
int expo_histogram(struct buf *out, const char *name,
    const struct expo_label *labels, size_t nlabels, const double *bounds,
    size_t nbounds, const uint64_t *counts, double sum)
	__attribute__((warn_unused_result));

#endif
