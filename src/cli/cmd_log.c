/* SPDX-License-Identifier: ISC */
/*
 * cmd_log.c: the readers of the transparency log.  `custos log` shows
 * entries, one line each: index, time, actor, action, tenant, target,
 * outcome.  `log-key`, `checkpoint`, `entry`, `proof`, `consistency`,
 * `access-log` and `tenant-log-key` fetch, byte for byte, what `custos
 * verify` checks offline.  The key, checkpoints and proofs are public
 * reads: no token is sent.  The entries in clear (`log`, `entry`: the
 * operator's), a tenant's access log and log key (its admins') go with
 * the token.  Checking proofs is verify's job, not these ones'.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/entry.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/num.h"
#include "common/str.h"
#include "tlog/leaf.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/proof.h"

#define LOG_PAGE 20                     /* entries shown by default */
#define LOG_INDEX_MAX (INT64_MAX / 2)   /* keeps start + LOG_PAGE sane */

/* A copy of an entry's field in r->tmp[k]; an empty one shows as "-". */
static const char *
cell_copy(struct cli_row *r, size_t k, const char *s)
{
	if (s[0] == '\0' || str_copy(r->tmp[k], sizeof(r->tmp[k]), s) == -1)
		return NULL;
	return r->tmp[k];
}

/*
 * Reads an entry of GET /v1/log/entries: a plaintext leaf is the entry; a
 * sealed one (custos-leaf-v1) is shown by the "event" the operator's log
 * sends beside it (`custos verify` is what checks the two agree).
 */
static int
row_read(struct entry *d, int64_t index, const json_t *en,
    const uint8_t *leaf, size_t len)
{
	const json_t *ev = json_object_get(en, "event");
	char *text;
	size_t n;
	int rc;

	if (len != LEAF_BYTES || leaf[0] != LEAF_VERSION)
		return entry_read(d, index, (const char *)leaf, len);
	n = json_is_object(ev) ? json_dumpb(ev, NULL, 0, JSON_COMPACT) : 0;
	text = n > 0 ? malloc(n) : NULL;
	if (text == NULL)
		return -1;
	rc = json_dumpb(ev, text, n, JSON_COMPACT) == n ?
	    entry_read(d, index, text, n) : -1;
	free(text);
	return rc;
}

/* One entry of GET /v1/log/entries, read from its leaf (the bytes the
 * log holds) by the one entry reader. */
void
cli_log_row(struct cli_row *r, const json_t *en)
{
	struct entry d;
	uint8_t *leaf = NULL;
	int64_t index;
	size_t len;
	struct err e;

	err_init(&e);
	r->cell[0] = cli_jtext(en, "index", r->tmp[0]);
	if (proof_parse_entry(&index, &leaf, &len, en, &e) == -1 ||
	    row_read(&d, index, en, leaf, len) == -1) {
		r->cell[6] = "(not an entry)";
		free(leaf);
		return;
	}
	free(leaf);
	time_format_ms(r->tmp[1], d.time_ms);
	r->cell[1] = r->tmp[1];
	/* Truncation only shortens what a human sees. */
	(void)str_printf(r->tmp[2], sizeof(r->tmp[2]), "%s/%s",
	    actor_kind_name(d.actor_kind), d.actor[0] != '\0' ? d.actor : "-");
	r->cell[2] = r->tmp[2];
	r->cell[3] = cell_copy(r, 4, d.action);
	r->cell[4] = cell_copy(r, 5, d.tenant);
	r->cell[5] = cell_copy(r, 6, d.target);
	if (d.reason[0] != '\0') {
		(void)str_printf(r->tmp[3], sizeof(r->tmp[3]), "%s (%s)",
		    d.allowed ? "allowed" : "denied", d.reason);
		r->cell[6] = r->tmp[3];
	} else {
		r->cell[6] = d.allowed ? "allowed" : "denied";
	}
}

static const char *const log_head[] = { "INDEX", "TIME", "ACTOR",
    "ACTION", "TENANT", "TARGET", "OUTCOME" };
static const struct cli_table_spec log_spec = { log_head, 7, "entries",
    "entries", "", cli_log_row };

/* log --start N [--end M] (or --end M alone): entries [start, end), 20
 * by default, oldest first, as before the filters (cmd_logview.c). */
int
cli_log_range(struct cli *ctx, int argc, char **argv)
{
	const char *start_s = NULL, *end_s = NULL;
	struct buf answer;
	int64_t start = 0, end = LOG_PAGE;
	char path[128];
	json_t *a = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "start", &start_s, NULL },
		{ "end", &end_s, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		goto out;
	if (start_s != NULL &&
	    num_parse_i64(&start, start_s, 0, LOG_INDEX_MAX) == -1) {
		rc = cli_usage(ctx, "--start must be an index from 0 to %"
		    PRId64, (int64_t)LOG_INDEX_MAX);
		goto out;
	}
	if (end_s != NULL &&
	    num_parse_i64(&end, end_s, 1, LOG_INDEX_MAX) == -1) {
		rc = cli_usage(ctx, "--end must be a number from 1 to %"
		    PRId64, (int64_t)LOG_INDEX_MAX);
		goto out;
	}
	if (start_s != NULL && end_s == NULL)
		end = start + LOG_PAGE;
	else if (start_s == NULL && end_s != NULL)
		start = end > LOG_PAGE ? end - LOG_PAGE : 0;
	if (end <= start) {
		rc = cli_usage(ctx, "--end must be greater than --start (the "
		    "range is [start, end))");
		goto out;
	}
	if (str_printf(path, sizeof(path), "/v1/log/entries?start=%" PRId64
	    "&end=%" PRId64, start, end) == -1) {
		rc = CLI_FAIL;
		goto out;
	}
	/* The entries in clear: the operator's (or an auditor's) read. */
	rc = cli_http_json(&ctx->conn, "GET", path, NULL, &answer, &a);
	if (rc != CLI_OK)
		goto out;
	if (ctx->json)
		cli_put_raw(&answer);
	else if (json_array_size(json_object_get(a, "entries")) == 0 &&
	    json_is_array(json_object_get(a, "entries")))
		printf("no entries in [%" PRId64 ", %" PRId64 ")\n", start,
		    end);
	else
		rc = cli_table_show(a, &answer, &log_spec);
out:
	json_decref(a);
	buf_cleanup(&answer);
	return rc;
}

/*
 * The fetchers below save what `custos verify` reads.  What they print is
 * meant to be redirected to a file, so it is the server's bytes (the key,
 * the signed note, the proof JSON) and nothing else; whether any of it is
 * true is verify's question, not theirs.
 */

/* 1 when s[0..n) is lines of printable UTF-8. */
static int
text_printable(const char *s, size_t n)
{
	const char *nl;
	size_t k;

	while (n > 0) {
		nl = memchr(s, '\n', n);
		k = nl != NULL ? (size_t)(nl - s) : n;
		if (!str_is_clean_utf8(s, k))
			return 0;
		if (nl == NULL)
			break;
		s += k + 1;
		n -= k + 1;
	}
	return 1;
}

/* GET a public text document (key, checkpoint).  The answer must be
 * printable UTF-8 lines: it is printed byte for byte (a signature covers
 * those bytes), so it cannot be cleaned on the way to the terminal. */
static int
log_get_text(struct cli *ctx, const char *path, struct buf *answer)
{
	long status;
	int rc;

	ctx->conn.anonymous = 1;     /* a public read: the token stays home */
	rc = cli_http_request(&ctx->conn, "GET", path, NULL, 0, NULL, &status,
	    answer);
	ctx->conn.anonymous = 0;
	if (rc == -1)
		return CLI_FAIL;
	rc = cli_http_exit(status);
	if (rc != CLI_OK)
		return rc;
	if (answer->len == 0 || memchr(answer->data, '\0', answer->len) !=
	    NULL) {
		cli_warn("GET %s: empty or binary answer from the server",
		    path);
		return CLI_FAIL;
	}
	if (!text_printable(answer->data, answer->len)) {
		cli_warn("GET %s: the answer holds control characters or "
		    "invalid UTF-8; not printed", path);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* Reads a checkpoint's body (through the blank line) without checking
 * its signature: only to learn the size to ask proofs for. */
static int
checkpoint_peek(struct checkpoint *c, const struct buf *note)
{
	const char *blank;
	struct err e;

	err_init(&e);
	blank = memmem(note->data, note->len, "\n\n", 2);
	if (blank == NULL)
		return -1;
	return checkpoint_parse(c, note->data,
	    (size_t)(blank - note->data) + 1, &e);
}

/* The size of the server's latest checkpoint.  An enum cli_exit. */
static int
log_current_size(struct cli *ctx, int64_t *size)
{
	struct checkpoint c;
	struct buf note;
	int rc;

	buf_init(&note, NOTE_MAX);
	rc = log_get_text(ctx, "/v1/log/checkpoint", &note);
	if (rc != CLI_OK)
		goto out;
	if (checkpoint_peek(&c, &note) == -1) {
		cli_warn("GET /v1/log/checkpoint: not a checkpoint");
		rc = CLI_FAIL;
		goto out;
	}
	*size = c.size;
out:
	buf_cleanup(&note);
	return rc;
}

/* log-key: the verifier key, one line. */
int
cmd_log_key(struct cli *ctx, int argc, char **argv)
{
	struct note_verifier vk;
	struct buf answer;
	struct err e;
	json_t *o;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	err_init(&e);
	buf_init(&answer, NOTE_VERIFIER_MAX + 16);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		goto out;
	rc = log_get_text(ctx, "/v1/log/key", &answer);
	if (rc != CLI_OK)
		goto out;
	while (answer.len > 0 && (answer.data[answer.len - 1] == '\n' ||
	    answer.data[answer.len - 1] == '\r'))
		answer.data[--answer.len] = '\0';
	if (note_verifier_parse(&vk, answer.data, &e) == -1) {
		cli_warn("GET /v1/log/key: not a verifier key: %s", e.msg);
		rc = CLI_FAIL;
		goto out;
	}
	if (ctx->json) {
		o = json_pack("{s:s,s:s}", "key", answer.data, "name",
		    vk.name);
		if (o == NULL) {
			cli_warn("out of memory");
			rc = CLI_FAIL;
			goto out;
		}
		cli_json_print(o);
		json_decref(o);
	} else {
		printf("%s\n", answer.data);
	}
out:
	buf_cleanup(&answer);
	return rc;
}

/* checkpoint: the latest signed checkpoint, byte for byte. */
int
cmd_checkpoint(struct cli *ctx, int argc, char **argv)
{
	char root[sodium_base64_ENCODED_LEN(MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL)];
	struct checkpoint c;
	struct buf note;
	json_t *o;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	buf_init(&note, NOTE_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		goto out;
	rc = log_get_text(ctx, "/v1/log/checkpoint", &note);
	if (rc != CLI_OK)
		goto out;
	if (!ctx->json) {
		fwrite(note.data, 1, note.len, stdout);
		goto out;
	}
	o = json_pack("{s:s}", "checkpoint", note.data);
	if (o != NULL && checkpoint_peek(&c, &note) == 0) {
		sodium_bin2base64(root, sizeof(root), c.root, MERKLE_HASH,
		    sodium_base64_VARIANT_ORIGINAL);
		json_object_set_new(o, "origin", json_string(c.origin));
		json_object_set_new(o, "size", json_integer(c.size));
		json_object_set_new(o, "root", json_string(root));
	}
	if (o == NULL) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	cli_json_print(o);
	json_decref(o);
out:
	buf_cleanup(&note);
	return rc;
}

/* entry N: {index, leaf, event} of one entry, ready for verify --entry. */
int
cmd_entry(struct cli *ctx, int argc, char **argv)
{
	const json_t *list, *en;
	struct buf answer;
	int64_t index;
	char path[128], tmp[32];
	json_t *a = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (num_parse_i64(&index, pos[0], 0, LOG_INDEX_MAX) == -1) {
		rc = cli_usage(ctx, "N must be an index from 0 to %" PRId64,
		    (int64_t)LOG_INDEX_MAX);
		goto out;
	}
	if (str_printf(path, sizeof(path), "/v1/log/entries?start=%" PRId64
	    "&end=%" PRId64, index, index + 1) == -1) {
		rc = CLI_FAIL;
		goto out;
	}
	/* The entries in clear: the operator's (or an auditor's) read. */
	rc = cli_http_json(&ctx->conn, "GET", path, NULL, &answer, &a);
	if (rc != CLI_OK)
		goto out;
	list = json_object_get(a, "entries");
	if (!json_is_array(list)) {
		cli_warn("unexpected answer from the server (no entries); "
		    "as it came:");
		cli_put_raw(&answer);
		rc = CLI_FAIL;
		goto out;
	}
	if (json_array_size(list) == 0) {
		const char *size = cli_jtext(a, "size", tmp);

		cli_warn("no entry %" PRId64 " (the log holds %s entries)",
		    index, size != NULL ? size : "fewer");
		rc = CLI_NEGATIVE;
		goto out;
	}
	en = json_array_get(list, 0);
	if (!json_is_integer(json_object_get(en, "index")) ||
	    json_integer_value(json_object_get(en, "index")) != index) {
		cli_warn("the server sent another entry than %" PRId64,
		    index);
		rc = CLI_FAIL;
		goto out;
	}
	/* ASCII only: a tenant's text cannot reach the terminal raw. */
	if (json_dumpf(en, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII) == 0)
		fputc('\n', stdout);
out:
	json_decref(a);
	buf_cleanup(&answer);
	return rc;
}

/* GET a proof and print it as it came. */
static int
log_get_json(struct cli *ctx, const char *path)
{
	struct buf answer;
	json_t *a = NULL;
	int rc;

	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	ctx->conn.anonymous = 1;
	rc = cli_http_json(&ctx->conn, "GET", path, NULL, &answer, &a);
	ctx->conn.anonymous = 0;
	if (rc == CLI_OK)
		cli_put_raw(&answer);
	json_decref(a);
	buf_cleanup(&answer);
	return rc;
}

/* proof N [--size M]: the inclusion proof of entry N in the tree of size
 * M (default: the latest checkpoint's). */
int
cmd_proof(struct cli *ctx, int argc, char **argv)
{
	const char *size_s = NULL;
	int64_t index, size;
	char path[128];
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "size", &size_s, NULL },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		return rc;
	if (num_parse_i64(&index, pos[0], 0, LOG_INDEX_MAX) == -1)
		return cli_usage(ctx, "N must be an index from 0 to %" PRId64,
		    (int64_t)LOG_INDEX_MAX);
	if (size_s != NULL) {
		if (num_parse_i64(&size, size_s, 1, LOG_INDEX_MAX) == -1)
			return cli_usage(ctx, "--size must be a tree size "
			    "from 1 to %" PRId64, (int64_t)LOG_INDEX_MAX);
	} else {
		rc = log_current_size(ctx, &size);
		if (rc != CLI_OK)
			return rc;
	}
	if (index >= size) {
		if (size_s != NULL)
			return cli_usage(ctx, "N must be below --size");
		cli_warn("entry %" PRId64 " is not in the latest checkpoint "
		    "(size %" PRId64 ") yet; try again in a second", index,
		    size);
		return CLI_NEGATIVE;
	}
	if (str_printf(path, sizeof(path), "/v1/log/proof/inclusion?index=%"
	    PRId64 "&size=%" PRId64, index, size) == -1)
		return CLI_FAIL;
	return log_get_json(ctx, path);
}

/* consistency --old A [--new B]: the consistency proof from size A to B
 * (default: the latest checkpoint's). */
int
cmd_consistency(struct cli *ctx, int argc, char **argv)
{
	const char *old_s = NULL, *new_s = NULL;
	int64_t old_size, new_size;
	char path[128];
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "old", &old_s, NULL },
		{ "new", &new_s, NULL },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		return rc;
	if (old_s == NULL)
		return cli_usage(ctx, "--old is required (the old "
		    "checkpoint's size)");
	if (num_parse_i64(&old_size, old_s, 1, LOG_INDEX_MAX) == -1)
		return cli_usage(ctx, "--old must be a tree size from 1 to %"
		    PRId64, (int64_t)LOG_INDEX_MAX);
	if (new_s != NULL) {
		if (num_parse_i64(&new_size, new_s, 1, LOG_INDEX_MAX) == -1)
			return cli_usage(ctx, "--new must be a tree size "
			    "from 1 to %" PRId64, (int64_t)LOG_INDEX_MAX);
	} else {
		rc = log_current_size(ctx, &new_size);
		if (rc != CLI_OK)
			return rc;
	}
	if (new_size < old_size)
		return cli_usage(ctx, "--new (%" PRId64 ") is below --old (%"
		    PRId64 ")", new_size, old_size);
	if (str_printf(path, sizeof(path), "/v1/log/proof/consistency?old=%"
	    PRId64 "&new=%" PRId64, old_size, new_size) == -1)
		return CLI_FAIL;
	return log_get_json(ctx, path);
}

/* access-log TENANT [--start N]: one page of the tenant's entries with
 * their proofs, as the server sent it (tenant admin token). */
int
cmd_access_log(struct cli *ctx, int argc, char **argv)
{
	const char *start_s = NULL;
	const json_t *next;
	struct buf path, answer;
	int64_t start;
	json_t *a = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "start", &start_s, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, 4096);
	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (start_s != NULL &&
	    num_parse_i64(&start, start_s, 0, LOG_INDEX_MAX) == -1) {
		rc = cli_usage(ctx, "--start must be an index from 0 to %"
		    PRId64, (int64_t)LOG_INDEX_MAX);
		goto out;
	}
	if (buf_puts(&path, "/v1/tenants/") == -1 ||
	    cli_path_segment(ctx, &path, "tenant", pos[0]) == -1 ||
	    buf_puts(&path, "/access-log") == -1 ||
	    (start_s != NULL && buf_printf(&path, "?start=%" PRId64,
	    start) == -1)) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_http_json(&ctx->conn, "GET", path.data, NULL, &answer, &a);
	if (rc != CLI_OK)
		goto out;
	cli_put_raw(&answer);
	next = json_object_get(a, "next");
	if (!ctx->json && json_is_integer(next))
		cli_warn("more entries follow: custos access-log %s --start %"
		    JSON_INTEGER_FORMAT, pos[0], json_integer_value(next));
out:
	json_decref(a);
	buf_cleanup(&answer);
	buf_cleanup(&path);
	return rc;
}

/* tenant-log-key TENANT: the tenant's log key, as the server sent it
 * (tenant admin token). */
int
cmd_tenant_log_key(struct cli *ctx, int argc, char **argv)
{
	struct buf path, answer;
	json_t *a = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	buf_init(&path, 4096);
	buf_init_secret(&answer, 64 * 1024);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (buf_puts(&path, "/v1/tenants/") == -1 ||
	    cli_path_segment(ctx, &path, "tenant", pos[0]) == -1 ||
	    buf_puts(&path, "/log-key") == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_http_json(&ctx->conn, "GET", path.data, NULL, &answer, &a);
	if (rc != CLI_OK)
		goto out;
	if (!json_is_string(json_object_get(a, "log_key"))) {
		cli_warn("GET %s: no 'log_key' in the answer", path.data);
		rc = CLI_FAIL;
		goto out;
	}
	cli_put_raw(&answer);
out:
	json_decref(a);
	buf_cleanup(&answer);
	buf_cleanup(&path);
	return rc;
}
