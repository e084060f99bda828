/* SPDX-License-Identifier: ISC */
/*
 * GET /v1/export (issue 16, docs/export.md): where each SIEM export
 * destination stands -- its cursor as the store holds it (whichever node
 * exports it), how far behind the log it is, and, on the node that
 * holds its lease, the age of the oldest unsent entry and this run's
 * counters.  The operator's; not recorded (monitoring, as log.health).
 * Nothing of a destination's secrets (the HEC token) is in it.
 */
#include <jansson.h>

#include "api/api.h"
#include "api/req.h"
#include "common/clock.h"
#include "export/export.h"
#include "store/store.h"

static const char *const kinds[] = {"file", "syslog", "hec", "bulk"};

int
h_export_status(struct req *q)
{
	struct store_conn *c;
	json_t *list = json_array();
	int64_t size = store_entry_count(q->ctx->store);
	int i, n = export_count(q->ctx->exporter);

	if (list == NULL)
		return err_internal(&q->err, "out of memory");
	c = n > 0 ? req_reader(q) : NULL;
	if (n > 0 && c == NULL) {
		json_decref(list);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct export_spec *sp = export_spec_of(q->ctx->exporter,
		    i);
		struct export_lag lag;
		int64_t next = 0, updated = 0;
		char when[RFC3339_MS_LEN];
		int rc;

		if (export_lag(q->ctx->exporter, i, &lag) == -1)
			continue;
		rc = store_ops(q->ctx->store)->export_cursor_get(c, sp->name,
		    &next, &updated, &q->err);
		if (rc == -1) {
			json_decref(list);
			return -1;
		}
		time_format_ms(when, updated);
		json_array_append_new(list, json_pack(
		    "{s:s,s:s,s:I,s:o,s:I,s:o,s:b,s:I,s:I}",
		    "name", sp->name, "kind", kinds[sp->kind],
		    "cursor", (json_int_t)next,
		    "updated", rc == 0 ? json_string(when) : json_null(),
		    "behind", (json_int_t)(size > next ? size - next : 0),
		    "seconds_behind", lag.held ? json_integer(
		    lag.seconds_behind) : json_null(),
		    "held", lag.held, "sent", (json_int_t)lag.sent,
		    "failures", (json_int_t)lag.failures));
	}
	req_ok(q, 200, json_pack("{s:I,s:o}", "log_size", (json_int_t)size,
	    "destinations", list));
	return 0;
}
