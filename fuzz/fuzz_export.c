/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes what the SIEM export reads from outside (export/export.h): the
 * `export` option's value (config files, environment, flags), an
 * Elasticsearch _bulk answer, and -- as entries come from the store,
 * outside input by the project's rule -- ocsf_entry over any bytes, in
 * both field levels.  Nothing may crash; an accepted entry maps to JSON
 * that jansson reads back, and the public form never holds the entry's
 * session, device or source when the full form does.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "export/export.h"
#include "export/ocsf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct export_spec spec;
	struct ocsf_view v;
	struct buf out;
	struct err e;
	char *text;
	int rc;

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err_init(&e);
	(void)export_spec_parse(&spec, text, &e);
	(void)export_bulk_ok(text, size);

	memset(&v, 0, sizeof(v));
	buf_init(&out, 1 << 20);
	rc = ocsf_entry(&out, "fuzz/custos-log", 7, text, size, &v, &e);
	if (rc == 0) {
		json_t *j = json_loadb(out.data, out.len, 0, NULL);

		if (j == NULL)
			abort();
		json_decref(j);
		buf_reset(&out);
		v.fields = OCSF_FIELDS_PUBLIC;
		if (ocsf_entry(&out, "fuzz/custos-log", 7, text, size, &v,
		    &e) != 0)
			abort();
		/* No session, address nor unmapped part in public. */
		j = json_loadb(out.data, out.len, 0, NULL);
		if (j == NULL || json_object_get(j, "session") != NULL ||
		    json_object_get(j, "unmapped") != NULL ||
		    json_object_get(json_object_get(j, "actor"),
		    "session") != NULL ||
		    json_object_get(json_object_get(j, "src_endpoint"),
		    "ip") != NULL)
			abort();
		json_decref(j);
	}
	buf_cleanup(&out);
	free(text);
	return 0;
}
