/* SPDX-License-Identifier: ISC */
/*
 * GET /metrics on the main listener (issue 16): the registry of
 * metrics/metrics.h in Prometheus's text format, for the operator's
 * token (action metrics.read).  docs/metrics.md says what each metric
 * means; nothing in it names a tenant or a user.
 */
#include "api/req.h"
#include "metrics/expo.h"
#include "metrics/metrics.h"

int
h_metrics_read(struct req *q)
{
	if (q->ctx->metrics == NULL) {
		q->err.reason = "no_metrics";
		return err_set(&q->err, 404, "not_found", "this custosd keeps "
		    "no metrics");
	}
	if (metrics_write(q->ctx->metrics, &q->raw) == -1)
		return err_internal(&q->err, "the metrics do not fit");
	q->has_raw = 1;
	q->raw_type = EXPO_CONTENT_TYPE;
	q->status = 200;
	return 0;
}
