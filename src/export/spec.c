/* SPDX-License-Identifier: ISC */
/*
 * The export option's parser and the small formats of the destinations
 * (export/export.h): outside input, fuzzed by fuzz/fuzz_export.c.
 */
#include "export/export.h"

#include <jansson.h>
#include <string.h>

#include "common/buf.h"
#include "common/num.h"
#include "common/str.h"

static int
word_copy(char *dst, size_t size, const char *p, size_t n)
{
	if (n >= size)
		return -1;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

static int
name_ok(const char *s)
{
	size_t i;

	if (s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

static int
option(struct export_spec *o, const char *k, const char *v, struct err *e)
{
	if (strcmp(k, "scope") == 0) {
		if (strcmp(v, "all") == 0)
			o->view.scope = OCSF_SCOPE_ALL;
		else if (strcmp(v, "operator") == 0)
			o->view.scope = OCSF_SCOPE_OPERATOR;
		else if (strncmp(v, "tenant:", 7) == 0 && v[7] != '\0' &&
		    str_copy(o->view.tenant, sizeof(o->view.tenant),
		    v + 7) == 0)
			o->view.scope = OCSF_SCOPE_TENANT;
		else
			return err_bad_request(e, "export %s: scope must be "
			    "all, operator or tenant:ID", o->name);
		return 0;
	}
	if (strcmp(k, "fields") == 0) {
		if (strcmp(v, "full") == 0)
			o->view.fields = OCSF_FIELDS_FULL;
		else if (strcmp(v, "public") == 0)
			o->view.fields = OCSF_FIELDS_PUBLIC;
		else
			return err_bad_request(e, "export %s: fields must be "
			    "full or public", o->name);
		return 0;
	}
	if (strcmp(k, "max-bytes") == 0)
		return num_parse_i64(&o->max_bytes, v, 0, (int64_t)1 << 40) ==
		    -1 ? err_bad_request(e, "export %s: bad max-bytes",
		    o->name) : 0;
	if (strcmp(k, "keep") == 0)
		return num_parse_i64(&o->keep, v, 1, 1000) == -1 ?
		    err_bad_request(e, "export %s: keep is 1..1000", o->name) :
		    0;
	if (strcmp(k, "batch") == 0)
		return num_parse_i64(&o->batch, v, 1, 10000) == -1 ?
		    err_bad_request(e, "export %s: batch is 1..10000",
		    o->name) : 0;
	if (strcmp(k, "tls") == 0) {
		int64_t t;

		if (num_parse_i64(&t, v, 0, 1) == -1)
			return err_bad_request(e, "export %s: tls is 0 or 1",
			    o->name);
		o->tls = (int)t;
		return 0;
	}
	if (strcmp(k, "ca") == 0)
		return str_copy(o->ca, sizeof(o->ca), v) == -1 ?
		    err_bad_request(e, "export %s: ca too long", o->name) : 0;
	if (strcmp(k, "token-file") == 0)
		return str_copy(o->token_file, sizeof(o->token_file), v) ==
		    -1 ? err_bad_request(e, "export %s: token-file too long",
		    o->name) : 0;
	if (strcmp(k, "index") == 0)
		return str_copy(o->index, sizeof(o->index), v) == -1 ||
		    !name_ok(o->index) ? err_bad_request(e, "export %s: index "
		    "must be [a-z0-9_-], at most 127", o->name) : 0;
	return err_bad_request(e, "export %s: unknown key %s", o->name, k);
}

int
export_spec_parse(struct export_spec *o, const char *value, struct err *e)
{
	const char *p = value;
	char word[1100];
	int nword = 0;

	memset(o, 0, sizeof(*o));
	o->keep = 5;
	o->batch = 500;
	str_copy(o->index, sizeof(o->index), "custos-ocsf");
	for (;;) {
		size_t n;
		char *eq;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " \t");
		if (word_copy(word, sizeof(word), p, n) == -1)
			return err_bad_request(e, "export: a word is too long");
		p += n;
		if (!str_is_clean_utf8(word, n))
			return err_bad_request(e, "export: not clean text");
		switch (nword++) {
		case 0:
			if (str_copy(o->name, sizeof(o->name), word) == -1 ||
			    !name_ok(o->name))
				return err_bad_request(e, "export: the name "
				    "must be [a-z0-9_-], at most %d",
				    EXPORT_NAME_MAX - 1);
			continue;
		case 1:
			if (strcmp(word, "file") == 0)
				o->kind = EXPORT_FILE;
			else if (strcmp(word, "syslog") == 0)
				o->kind = EXPORT_SYSLOG;
			else if (strcmp(word, "hec") == 0)
				o->kind = EXPORT_HEC;
			else if (strcmp(word, "bulk") == 0)
				o->kind = EXPORT_BULK;
			else
				return err_bad_request(e, "export %s: kind "
				    "must be file, syslog, hec or bulk",
				    o->name);
			continue;
		case 2:
			if (str_copy(o->target, sizeof(o->target), word) == -1)
				return err_bad_request(e, "export %s: target "
				    "too long", o->name);
			continue;
		default:
			break;
		}
		eq = strchr(word, '=');
		if (eq == NULL)
			return err_bad_request(e, "export %s: %s is not "
			    "key=value", o->name, word);
		*eq = '\0';
		if (option(o, word, eq + 1, e) == -1)
			return -1;
	}
	if (nword < 3)
		return err_bad_request(e, "export: NAME KIND TARGET "
		    "[key=value ...]");
	if ((o->kind == EXPORT_HEC || o->kind == EXPORT_BULK) &&
	    strncmp(o->target, "http://", 7) != 0 &&
	    strncmp(o->target, "https://", 8) != 0)
		return err_bad_request(e, "export %s: the target must be an "
		    "http:// or https:// URL", o->name);
	if (o->kind == EXPORT_SYSLOG && (strchr(o->target, ':') == NULL ||
	    strchr(o->target, '/') != NULL))
		return err_bad_request(e, "export %s: the target must be "
		    "HOST:PORT", o->name);
	if (o->kind == EXPORT_HEC && o->token_file[0] == '\0')
		return err_bad_request(e, "export %s: hec needs token-file",
		    o->name);
	return 0;
}

int
export_bulk_ok(const char *body, size_t len)
{
	json_t *doc, *items, *it;
	size_t i;
	int ok = 0;

	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(doc))
		goto out;
	items = json_object_get(doc, "items");
	if (json_is_false(json_object_get(doc, "errors"))) {
		ok = 1;
		goto out;
	}
	if (!json_is_array(items))
		goto out;
	json_array_foreach(items, i, it) {
		json_t *op = json_object_get(it, "create");
		json_t *st = json_object_get(op, "status");
		json_int_t s;

		if (!json_is_integer(st))
			goto out;
		s = json_integer_value(st);
		if (!((s >= 200 && s < 300) || s == 409))
			goto out;
	}
	ok = 1;
out:
	json_decref(doc);
	return ok;
}

int
export_syslog_frame(struct buf *out, int pri, int64_t time_ms,
    const char *hostname, const char *msg, size_t msg_len)
{
	char ts[RFC3339_MS_LEN], head[400];
	size_t n;

	time_format_ms(ts, time_ms);
	/* RFC 5424: VERSION 1, APP-NAME custosd, no PROCID, MSGID ocsf, no
	 * STRUCTURED-DATA; the MSG is the event's JSON (UTF-8, no BOM: it
	 * is plain JSON, escaped by jansson). */
	if (str_printf(head, sizeof(head), "<%d>1 %s %.255s custosd - ocsf - ",
	    pri, ts, hostname[0] != '\0' ? hostname : "-") == -1)
		return -1;
	n = strlen(head);
	if (buf_printf(out, "%zu ", n + msg_len) == -1 ||
	    buf_append(out, head, n) == -1 ||
	    buf_append(out, msg, msg_len) == -1)
		return -1;
	return 0;
}
