/* SPDX-License-Identifier: ISC */
/*
 * report_write.c: the report's files (see report.h): the directory, the
 * per-tenant JSON (the access-log answer's shape that `custos verify
 * --tenant-log` checks, plus the tenant's part of the answer), the
 * operator's summary, and the Markdown pages report_md.c writes, each by
 * way of a temporary file and a rename.
 */
#include "cli/report_int.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "common/str.h"

/* ---- the directory and the files ---- */

int
report_dir_prepare(const char *dir, int force, struct err *e)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int empty = 1;

	err_init(e);
	if (dir[0] == '\0')
		return err_bad_request(e, "the report directory is empty");
	if (mkdir(dir, S_IRWXU) == 0)
		return 0;
	if (errno != EEXIST)
		return err_internal(e, "%s: %s", dir, strerror(errno));
	if (lstat(dir, &st) == -1)
		return err_internal(e, "%s: %s", dir, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return err_internal(e, "%s: is a symbolic link; refusing to "
		    "follow it", dir);
	if (!S_ISDIR(st.st_mode))
		return err_internal(e, "%s: exists and is not a directory",
		    dir);
	if (force)
		return 0;
	d = opendir(dir);
	if (d == NULL)
		return err_internal(e, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		empty = 0;
		break;
	}
	closedir(d);
	if (!empty) {
		err_bad_request(e, "%s exists and is not empty (--force writes "
		    "into it anyway, replacing reports of the same names)",
		    dir);
		return 1;
	}
	return 0;
}

/*
 * The file name stem of a tenant's report: the id with every byte but
 * [A-Za-z0-9_-] (and '.' after the first) written %XX, so that no id can
 * reach outside the directory or hide a file, and different ids give
 * different names.  "summary" (any case) is written %73ummary: the
 * operator's files keep their names.  0 or -1 (too long).
 */
static int
file_stem(char out[REPORT_STEM_MAX + 1], const char *tenant)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; tenant[i] != '\0'; i++) {
		unsigned char c = (unsigned char)tenant[i];
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && i > 0);

		if (strcasecmp(tenant, "summary") == 0 && i == 0)
			plain = 0;
		if (o + (plain ? 1 : 3) > REPORT_STEM_MAX)
			return -1;
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return o > 0 ? 0 : -1;
}

static int
dump_cb(const char *p, size_t n, void *data)
{
	return buf_append(data, p, n);
}

/* Writes dir/name.  0 or -1 with e. */
static int
file_put(const char *dir, const char *name, const char *data, size_t len,
    int force, struct err *e)
{
	char path[REPORT_PATH_MAX];
	int rc;

	if (str_printf(path, sizeof(path), "%s/%s", dir, name) == -1)
		return err_internal(e, "%s/%s: path too long", dir, name);
	rc = cli_write_file(path, data, len, !force);
	if (rc == 1)
		return err_internal(e, "%s exists; not replaced (--force "
		    "replaces it)", path);
	if (rc == -1)
		return err_internal(e, "%s: cannot write it", path);
	return 0;
}

static int
json_put(const char *dir, const char *name, const json_t *doc, int force,
    struct err *e)
{
	struct buf b;
	int rc = -1;

	buf_init(&b, REPORT_FILE_MAX);
	if (json_dump_callback(doc, dump_cb, &b, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) == -1 ||
	    buf_puts(&b, "\n") == -1) {
		err_internal(e, "%s: cannot encode it (larger than %zu "
		    "bytes?)", name, REPORT_FILE_MAX);
		goto out;
	}
	rc = file_put(dir, name, b.data, b.len, force, e);
out:
	buf_cleanup(&b);
	return rc;
}

static int
index_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The tenant's cited indexes, ascending, each once: *out (free()). */
static int
tenant_indexes(const json_t *t, int64_t **out, size_t *n)
{
	const json_t *list = json_object_get(t, "entries"), *v;
	int64_t *a;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (!json_is_array(list) || json_array_size(list) == 0)
		return 0;
	a = calloc(json_array_size(list), sizeof(*a));
	if (a == NULL)
		return -1;
	json_array_foreach(list, i, v)
		a[i] = json_integer_value(v);
	qsort(a, json_array_size(list), sizeof(*a), index_cmp);
	for (i = 0; i < json_array_size(list); i++)
		if (k == 0 || a[k - 1] != a[i])
			a[k++] = a[i];
	*out = a;
	*n = k;
	return 0;
}

/* ---- the per-tenant JSON ---- */

static json_t *
tenant_doc(const struct report *r, const json_t *t, const int64_t *idx,
    size_t n)
{
	const char *tenant = cli_jstr(t, "tenant"), *k;
	const char *const window[] = { "from", "to", NULL };
	json_t *o, *list, *other, *v;
	const json_t *en;
	size_t i;
	int bad = 0;

	o = json_object();
	list = json_array();
	other = json_array();
	if (o == NULL || list == NULL || other == NULL)
		goto fail;
	bad |= json_object_set_new(o, "format", json_string(REPORT_FORMAT));
	json_object_foreach(UNCONST(t), k, v) {
		if (strcmp(k, "entries") == 0 || strcmp(k, "proofs") == 0)
			continue;
		bad |= json_object_set(o, k, v);
	}
	for (i = 0; window[i] != NULL; i++)
		if (json_object_get(r->answer, window[i]) != NULL)
			bad |= json_object_set(o, window[i],
			    json_object_get(r->answer, window[i]));
	bad |= json_object_set_new(o, "generated", json_string(r->generated));
	if (r->principals != NULL)
		bad |= json_object_set(o, "principals",
		    UNCONST(r->principals));
	bad |= json_object_set_new(o, "key", json_string(r->key));
	bad |= json_object_set(o, "checkpoint",
	    json_object_get(r->answer, "checkpoint"));
	bad |= json_object_set_new(o, "size", json_integer(r->cp.size));
	for (i = 0; i < n; i++) {
		en = report_cited(r, idx[i]);
		if (en == NULL)
			goto fail;
		bad |= json_array_append(report_about(en, tenant) ? list :
		    other,
		    UNCONST(en));
	}
	bad |= json_object_set(o, "entries", list);
	if (json_array_size(other) > 0)
		bad |= json_object_set(o, "other_entries", other);
	if (bad)
		goto fail;
	json_decref(list);
	json_decref(other);
	return o;
fail:
	json_decref(list);
	json_decref(other);
	json_decref(o);
	return NULL;
}

/* ---- the operator's summary ---- */

static json_t *
summary_doc(const struct report *r, const json_t *names)
{
	static const char *const copied[] = { "from", "to", "checkpoint",
	    "size", "summary", NULL };
	const json_t *t;
	json_t *o, *list, *one, *v;
	const char *k;
	size_t i;
	int bad = 0;

	o = json_object();
	list = json_array();
	if (o == NULL || list == NULL)
		goto fail;
	bad |= json_object_set_new(o, "format",
	    json_string(REPORT_SUMMARY_FORMAT));
	bad |= json_object_set_new(o, "generated", json_string(r->generated));
	for (i = 0; copied[i] != NULL; i++)
		if (json_object_get(r->answer, copied[i]) != NULL)
			bad |= json_object_set(o, copied[i],
			    json_object_get(r->answer, copied[i]));
	if (r->principals != NULL)
		bad |= json_object_set(o, "principals",
		    UNCONST(r->principals));
	bad |= json_object_set_new(o, "key", json_string(r->key));
	json_array_foreach(r->tenants, i, t) {
		one = json_object();
		if (one == NULL || json_array_append_new(list, one) == -1)
			goto fail;
		json_object_foreach(UNCONST(t), k, v)
			if (strcmp(k, "proofs") != 0)
				bad |= json_object_set(one, k, v);
		bad |= json_object_set(one, "files",
		    json_array_get(names, i));
	}
	bad |= json_object_set(o, "tenants", list);
	if (bad)
		goto fail;
	json_decref(list);
	return o;
fail:
	json_decref(list);
	json_decref(o);
	return NULL;
}

static int
md_put(const char *dir, const char *name, struct md *m, int force,
    struct err *e)
{
	if (m->failed)
		return err_internal(e, "%s: larger than %zu bytes, or out of "
		    "memory", name, REPORT_FILE_MAX);
	return file_put(dir, name, m->b.data, m->b.len, force, e);
}

int
report_write(const struct report *r, const char *dir, int force,
    json_t **files, struct err *e)
{
	char stem[REPORT_STEM_MAX + 1], name[REPORT_STEM_MAX + 8];
	char mdname[REPORT_STEM_MAX + 8];
	const json_t *t;
	json_t *names = NULL, *written = NULL, *doc = NULL, *pair;
	int64_t *idx = NULL;
	struct md m;
	size_t i, n;
	int rc = -1;

	err_init(e);
	buf_init(&m.b, REPORT_FILE_MAX);
	m.failed = 0;
	if (files != NULL)
		*files = NULL;
	names = json_array();
	written = json_array();
	if (names == NULL || written == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	json_array_foreach(r->tenants, i, t) {
		if (file_stem(stem, cli_jstr(t, "tenant")) == -1) {
			err_bad_request(e, "tenant %s: the id is too long for "
			    "a file name", cli_jstr(t, "tenant"));
			goto out;
		}
		if (tenant_indexes(t, &idx, &n) == -1) {
			err_internal(e, "out of memory");
			goto out;
		}
		doc = tenant_doc(r, t, idx, n);
		if (doc == NULL) {
			err_internal(e, "tenant %s: cannot build its report",
			    stem);
			goto out;
		}
		(void)str_printf(name, sizeof(name), "%s.json", stem);
		if (json_put(dir, name, doc, force, e) == -1)
			goto out;
		json_decref(doc);
		doc = NULL;
		buf_reset(&m.b);
		m.failed = 0;
		report_md_tenant(&m, r, t, stem, idx, n);
		free(idx);
		idx = NULL;
		(void)str_printf(mdname, sizeof(mdname), "%s.md", stem);
		pair = json_pack("{s:s, s:s}", "json", name, "md", mdname);
		if (pair == NULL || json_array_append_new(names, pair) == -1 ||
		    json_array_append_new(written, json_string(name)) == -1 ||
		    json_array_append_new(written, json_string(mdname)) == -1) {
			err_internal(e, "out of memory");
			goto out;
		}
		if (md_put(dir, mdname, &m, force, e) == -1)
			goto out;
	}
	doc = summary_doc(r, names);
	if (doc == NULL) {
		err_internal(e, "cannot build the summary");
		goto out;
	}
	if (json_put(dir, "summary.json", doc, force, e) == -1)
		goto out;
	buf_reset(&m.b);
	m.failed = 0;
	report_md_summary(&m, r, names);
	if (md_put(dir, "summary.md", &m, force, e) == -1)
		goto out;
	if (json_array_append_new(written, json_string("summary.json")) ==
	    -1 || json_array_append_new(written, json_string("summary.md")) ==
	    -1) {
		err_internal(e, "out of memory");
		goto out;
	}
	if (files != NULL) {
		*files = written;
		written = NULL;
	}
	rc = 0;
out:
	free(idx);
	json_decref(doc);
	json_decref(written);
	json_decref(names);
	buf_cleanup(&m.b);
	return rc;
}
