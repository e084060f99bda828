/* SPDX-License-Identifier: ISC */
/*
 * Public reads of the recorded requests: GET /v1/log/entries?start=&end=.
 */
#include <sodium.h>
#include <stdlib.h>

#include "api/req.h"
#include "common/num.h"

#define LOG_PAGE_MAX 1000

static int
entry_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	json_t *entries = arg, *event, *o;
	size_t b64len = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(b64len);

	if (b64 == NULL)
		return 1;
	sodium_bin2base64(b64, b64len, (const unsigned char *)bytes, len,
	    sodium_base64_VARIANT_ORIGINAL);
	event = json_loadb(bytes, len, 0, NULL);
	o = json_pack("{s:I,s:s,s:o*}", "index", (json_int_t)index, "leaf",
	    b64, "event", event);
	free(b64);
	return o == NULL || json_array_append_new(entries, o) == -1;
}

static int
query_int(struct req *q, const char *name, int64_t def, int64_t max,
    int64_t *out)
{
	const char *s = http_query(q->http, name);

	if (s == NULL) {
		*out = def;
		return 0;
	}
	if (num_parse_i64(out, s, 0, max) == -1) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter '%s' must be "
		    "an integer from 0 to %lld", name, (long long)max);
	}
	return 0;
}

int
h_log_entries(struct req *q)
{
	int64_t size = store_entry_count(q->ctx->store), start, end;
	struct store_conn *c;
	json_t *entries;

	if (query_int(q, "start", 0, INT64_MAX / 2, &start) == -1 ||
	    query_int(q, "end", size, INT64_MAX / 2, &end) == -1)
		return -1;
	if (end < start) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'end' must "
		    "not be below 'start'");
	}
	if (end > size)
		end = size;
	if (end - start > LOG_PAGE_MAX)
		end = start + LOG_PAGE_MAX;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	entries = json_array();
	if (store_ops(q->ctx->store)->entry_range(c, start, end, entry_cb,
	    entries, &q->err) == -1) {
		json_decref(entries);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:I,s:o}", "size", (json_int_t)size,
	    "entries", entries));
	return 0;
}
