/* SPDX-License-Identifier: ISC */
/*
 * cmd_verify.c: `custos verify`, the offline checker of the transparency
 * log.  It talks to no server: every input is a file someone saved (with
 * `custos checkpoint`, `entry`, `proof`, `consistency`, `access-log`, or
 * curl), so nothing here has to trust custosd.
 *
 * It runs in two phases.  First every file is read (symbolic links
 * refused, sizes capped): a file that cannot be read is exit 3 before
 * anything is said.  Then the checks run; each one prints a line (or a
 * record under --json), and a failed check names the file, the entry
 * index and what did not hold.  Malformed content is a failed check
 * (exit 1): a proof that cannot be parsed does not prove anything.
 *
 * The checks themselves are verify.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/tenant_verify.h"
#include "cli/verify.h"
#include "cli/verify_witness.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/str.h"
#include "tlog/note.h"

#define VERIFY_KEY_FILE_MAX ((size_t)64 << 10)
#define VERIFY_NOTE_FILE_MAX ((size_t)1 << 20)  /* a note is <= NOTE_MAX */
#define VERIFY_PROOF_FILE_MAX ((size_t)1 << 20)
#define VERIFY_ENTRY_FILE_MAX ((size_t)4 << 20)
#define VERIFY_TENANT_LOG_MAX ((size_t)64 << 20)

/* Reads a whole file into b (cap max).  CLI_OK or CLI_FAIL (printed). */
static int
file_read(struct buf *b, const char *path, size_t max)
{
	buf_init(b, max);
	return cli_read_file(b, path, 1) == -1 ? CLI_FAIL : CLI_OK;
}

/*
 * The verifier key: arg names a file holding it (read with O_NOFOLLOW,
 * trailing white space dropped) or is the key itself.  Returns CLI_OK,
 * CLI_NEGATIVE (a key file that holds no key: a failed check), CLI_USAGE
 * or CLI_FAIL.
 */
static int
key_load(struct verify *v, struct note_verifier *vk, const char *arg)
{
	struct stat st;
	struct buf b;
	struct err e;
	const char *file = NULL;
	json_t *rec;
	int rc;

	err_init(&e);
	buf_init(&b, VERIFY_KEY_FILE_MAX);
	if (lstat(arg, &st) == 0) {
		file = arg;
		rc = file_read(&b, arg, VERIFY_KEY_FILE_MAX);
		if (rc != CLI_OK)
			goto out;
		while (b.len > 0 && (b.data[b.len - 1] == '\n' ||
		    b.data[b.len - 1] == '\r' || b.data[b.len - 1] == ' ' ||
		    b.data[b.len - 1] == '\t'))
			b.data[--b.len] = '\0';
		if (b.len == 0 || memchr(b.data, '\0', b.len) != NULL ||
		    note_verifier_parse(vk, b.data, &e) == -1) {
			verify_report(v, 0, 0, "key", file, -1, "key %s: not a "
			    "verifier key (name+hash+base64): %s", file,
			    e.msg[0] != '\0' ? e.msg : "empty, or it holds a "
			    "NUL byte");
			rc = CLI_NEGATIVE;
			goto out;
		}
	} else if (note_verifier_parse(vk, arg, &e) == -1) {
		rc = cli_usage(v->ctx, "--key: no such file, and not a "
		    "verifier key (name+hash+base64): %s", e.msg);
		goto out;
	}
	rec = verify_report(v, 1, 0, "key", file, -1, "key: %s, key id "
	    "%02x%02x%02x%02x%s%s", vk->name, vk->key_id[0], vk->key_id[1],
	    vk->key_id[2], vk->key_id[3], file != NULL ? ", from " : "",
	    file != NULL ? file : "");
	verify_rec_str(rec, "name", vk->name);
	rc = CLI_OK;
out:
	buf_cleanup(&b);
	return rc;
}

/* verify's options, as given (NULL: not). */
struct verify_args {
	const char *key, *cp, *entry, *proof, *old, *cons, *tlog, *tenant;
	struct tv_args tv;      /* --log-key and what goes with it */
	const char *witness, *min;      /* verify_witness.h */
	struct verify_witnesses wit;
};

/* The options of the tenant's check (--log-key given).  CLI_OK or
 * CLI_USAGE. */
static int
args_check_tenant(const struct cli *ctx, const struct verify_args *a)
{
	if (a->tenant == NULL || a->tenant[0] == '\0')
		return cli_usage(ctx, "--log-key goes with --tenant T");
	if (a->cp != NULL || a->tlog != NULL || a->entry != NULL ||
	    a->proof != NULL || a->old != NULL || a->cons != NULL)
		return cli_usage(ctx, "--tenant with --log-key takes no "
		    "--checkpoint, --tenant-log, --entry, --proof, "
		    "--old-checkpoint or --consistency (the checkpoint comes "
		    "with the access log)");
	if (a->tv.state != NULL && a->tv.state[0] == '\0')
		return cli_usage(ctx, "--state must not be empty");
	if (a->tv.tiles != NULL && a->tv.tiles[0] == '\0')
		return cli_usage(ctx, "--tiles must not be empty");
	return CLI_OK;
}

/* The options that go together, or not.  CLI_OK or CLI_USAGE. */
static int
args_check(const struct cli *ctx, const struct verify_args *a)
{
	if (a->key == NULL)
		return cli_usage(ctx, "--key is required (the log's verifier "
		    "key, or a file holding it: custos log-key)");
	/* --log-key alone: the tenant's whole check; with --tenant-log or
	 * --checkpoint, only the key that opens sealed leaves. */
	if (a->tv.log_key != NULL && a->tlog == NULL && a->cp == NULL)
		return args_check_tenant(ctx, a);
	if (a->tv.state != NULL || a->tv.access_log != NULL ||
	    a->tv.tiles != NULL)
		return cli_usage(ctx, "--state, --access-log and --tiles go "
		    "with --tenant T --log-key FILE");
	if ((a->cp == NULL) == (a->tlog == NULL))
		return cli_usage(ctx, "give --checkpoint or --tenant-log "
		    "(one)");
	if ((a->entry == NULL) != (a->proof == NULL))
		return cli_usage(ctx, "--entry and --proof go together");
	if ((a->old == NULL) != (a->cons == NULL))
		return cli_usage(ctx, "--old-checkpoint and --consistency go "
		    "together");
	if (a->tlog != NULL && (a->entry != NULL || a->old != NULL))
		return cli_usage(ctx, "--tenant-log takes no --entry, --proof, "
		    "--old-checkpoint or --consistency");
	if (a->tenant != NULL && a->tlog == NULL)
		return cli_usage(ctx, "--tenant goes with --tenant-log");
	if (a->tenant != NULL && a->tenant[0] == '\0')
		return cli_usage(ctx, "--tenant must not be empty");
	if (a->witness != NULL && a->cp == NULL)
		return cli_usage(ctx, "--witness goes with --checkpoint");
	if (a->min != NULL && a->witness == NULL)
		return cli_usage(ctx, "--min goes with --witness");
	return CLI_OK;
}

/* The outcome: the JSON record, or a line.  An enum cli_exit. */
static int
verify_print(const struct verify *v)
{
	json_t *out;

	if (v->checks != NULL) {
		out = json_pack("{s:b,s:I,s:I,s:O}", "ok", v->failed == 0,
		    "passed", (json_int_t)v->passed, "failed",
		    (json_int_t)v->failed, "checks", v->checks);
		if (out == NULL) {
			cli_warn("out of memory");
			return CLI_FAIL;
		}
		cli_json_print(out);
		json_decref(out);
	} else if (v->failed == 0) {
		printf("verified: %zu checks passed\n", v->passed);
	} else {
		if (v->failed > v->shown)
			fprintf(stderr, "custos verify: ... and %zu more "
			    "failures\n", v->failed - v->shown);
		fprintf(stderr, "custos verify: verification FAILED: %zu "
		    "of %zu checks\n", v->failed, v->failed + v->passed);
	}
	return v->failed == 0 ? CLI_OK : CLI_NEGATIVE;
}

/* The files' bytes, as read. */
struct verify_bufs {
	struct buf cp, entry, proof, old, cons, tlog;
};

/*
 * Runs the checks the options ask for (the files read, the verifier key
 * loaded); their outcomes are in v.  *keys: the tenant's keys when
 * --log-key opens sealed leaves (the caller frees them).  An enum
 * cli_exit: CLI_OK when the checks ran.
 */
static int
checks_run(struct cli *ctx, struct verify *v, const struct note_verifier *vk,
    struct verify_args *a, const struct verify_bufs *b,
    struct leaf_keys **keys)
{
	struct checkpoint c;
	int rc;

	if (a->tv.log_key != NULL && a->tlog == NULL && a->cp == NULL) {
		a->tv.tenant = a->tenant;
		return tenant_verify(ctx, v, vk, &a->tv);
	}
	if (a->tv.log_key != NULL) {
		/* The key that opens sealed leaves; a file that holds none
		 * is a failed check (reported), and the rest still runs. */
		rc = tenant_verify_key(v, a->tv.log_key, a->tenant, keys);
		if (rc == CLI_FAIL)
			return rc;
		v->keys = *keys;
	}
	if (a->cp == NULL) {
		verify_tenant_log(v, vk, a->tlog, &b->tlog, a->tenant);
		return CLI_OK;
	}
	if (verify_checkpoint_open(v, "checkpoint", "checkpoint", a->cp,
	    b->cp.data, b->cp.len, vk, &c) == 0) {
		if (a->entry != NULL)
			verify_inclusion(v, &c, a->entry, &b->entry, a->proof,
			    &b->proof);
		if (a->old != NULL)
			verify_consistency(v, vk, &c, a->old, &b->old,
			    a->cons, &b->cons);
		if (a->witness != NULL)
			verify_witnesses_check(v, &a->wit, a->cp, &b->cp);
	}
	return CLI_OK;
}

/*
 * verify --key KEY --checkpoint FILE [--entry FILE --proof FILE]
 *        [--old-checkpoint FILE --consistency FILE]
 * verify --key KEY --tenant-log FILE [--tenant T]
 * verify --key KEY --tenant T --log-key FILE [--state FILE]
 *        [--access-log FILE] [--tiles DIR]
 */
int
cmd_verify(struct cli *ctx, int argc, char **argv)
{
	struct verify_args a;
	struct leaf_keys *keys = NULL;
	struct verify_bufs fb;
	struct note_verifier vk;
	struct verify v;
	char *pos[1];
	size_t i;
	int npos, rc;
	const struct {
		const char *const *path;
		struct buf *b;
		size_t max;
	} files[] = {
		{ &a.cp, &fb.cp, VERIFY_NOTE_FILE_MAX },
		{ &a.entry, &fb.entry, VERIFY_ENTRY_FILE_MAX },
		{ &a.proof, &fb.proof, VERIFY_PROOF_FILE_MAX },
		{ &a.old, &fb.old, VERIFY_NOTE_FILE_MAX },
		{ &a.cons, &fb.cons, VERIFY_PROOF_FILE_MAX },
		{ &a.tlog, &fb.tlog, VERIFY_TENANT_LOG_MAX },
	};
	const struct cli_opt opts[] = {
		{ "key", &a.key, NULL },
		{ "checkpoint", &a.cp, NULL },
		{ "entry", &a.entry, NULL },
		{ "proof", &a.proof, NULL },
		{ "old-checkpoint", &a.old, NULL },
		{ "consistency", &a.cons, NULL },
		{ "tenant-log", &a.tlog, NULL },
		{ "tenant", &a.tenant, NULL },
		{ "log-key", &a.tv.log_key, NULL },
		{ "state", &a.tv.state, NULL },
		{ "access-log", &a.tv.access_log, NULL },
		{ "tiles", &a.tv.tiles, NULL },
		{ "witness", &a.witness, NULL },
		{ "min", &a.min, NULL },
		{ NULL, NULL, NULL },
	};

	memset(&a, 0, sizeof(a));
	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		buf_init(files[i].b, 0);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc == CLI_OK)
		rc = args_check(ctx, &a);
	if (rc != CLI_OK)
		goto out;
	if (ctx->json) {
		v.checks = json_array();
		if (v.checks == NULL) {
			cli_warn("out of memory");
			rc = CLI_FAIL;
			goto out;
		}
	}

	/* Every file first: one that cannot be read stops all (exit 3). */
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (*files[i].path == NULL)
			continue;
		rc = file_read(files[i].b, *files[i].path, files[i].max);
		if (rc != CLI_OK)
			goto out;
	}
	if (a.witness != NULL) {
		rc = verify_witnesses_load(&v, &a.wit, a.witness, a.min);
		if (rc != CLI_OK)
			goto out;
	}
	rc = key_load(&v, &vk, a.key);
	if (rc == CLI_USAGE || rc == CLI_FAIL)
		goto out;

	/* A key file holding no key is a failed check: nothing else runs. */
	if (rc == CLI_OK)
		rc = checks_run(ctx, &v, &vk, &a, &fb, &keys);
	if (rc == CLI_OK || rc == CLI_NEGATIVE)
		rc = verify_print(&v);
out:
	tenant_verify_key_free(keys);
	json_decref(v.checks);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		buf_cleanup(files[i].b);
	return rc;
}
