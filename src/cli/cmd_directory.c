/* SPDX-License-Identifier: ISC */
/*
 * cmd_directory.c: the directory from the command line, noun then verb
 * (docs/cli.md, "The directory"):
 *
 *   vendor    list | show | create | suspend | resume | offboard
 *   engineer  list | show | create | suspend | resume | offboard |
 *             re-enrol | invite
 *   device    list | add | revoke
 *   tenant    list | show | create
 *   user      list | show | create | invite
 *   ticket    create
 *
 * Each verb is one call (create --invite two: the object, then its
 * invitation); lists page with --after or follow every "next" with --all.
 * The server judges names, ids and rights and records everything; only
 * the shape of the command line is checked here.  Secrets: a password is
 * read from a file, sent, and wiped; an invitation's link goes by mail,
 * never through here.  --json prints the server's answers as they came
 * (--all: one {KEY: [...], next: null} of every page).
 */
#include <sys/stat.h>

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/str.h"

#define PATH_BUF_MAX 4096
#define PASSWORD_FILE_MAX 4096
#define KEY_FILE_MAX 4096
#define ALL_PAGES_MAX 100000    /* pages --all follows at most */

#define UNCONST_JSON(p) ((json_t *)(uintptr_t)(p))

static int
oom(void)
{
	cli_warn("out of memory");
	return CLI_FAIL;
}

/* Appends "?name=value" or "&name=value" (value escaped) when value is
 * given.  Returns 0, or -1 after printing why. */
static int
query_add(const struct cli *ctx, struct buf *path, const char *name,
    const char *value)
{
	if (value == NULL)
		return 0;
	if (buf_printf(path, "%c%s=", strchr(path->data, '?') != NULL ? '&' :
	    '?', name) == -1) {
		cli_usage(ctx, "query too long");
		return -1;
	}
	return cli_path_segment(ctx, path, name, value);
}

/* The first line of a small file into out (secret or not), trimmed of
 * its line end and surrounding blanks.  Returns 0, or -1 after printing
 * why. */
static int
first_line(const struct cli *ctx, struct buf *text, const char *file,
    const char *what)
{
	char *nl;

	if (cli_read_file(text, file, 0) == -1)
		return -1;
	nl = memchr(text->data, '\n', text->len);
	if (nl != NULL)
		text->len = (size_t)(nl - text->data);
	while (text->len > 0 && (text->data[text->len - 1] == '\r' ||
	    text->data[text->len - 1] == ' ' ||
	    text->data[text->len - 1] == '\t'))
		text->len--;
	if (text->len == 0 || memchr(text->data, '\0', text->len) != NULL) {
		cli_usage(ctx, "%s: no %s on its first line", file, what);
		return -1;
	}
	text->data[text->len] = '\0';
	return 0;
}

/* Sets body[key] to the first line of file (a password: the copy in the
 * body is wiped by the caller with cli_json_wipe).  Returns an enum
 * cli_exit. */
static int
body_from_file(const struct cli *ctx, json_t *body, const char *key,
    const char *file, const char *what, int secret)
{
	struct buf text;
	int rc = CLI_USAGE;

	if (secret)
		buf_init_secret(&text, PASSWORD_FILE_MAX);
	else
		buf_init(&text, KEY_FILE_MAX);
	if (first_line(ctx, &text, file, what) == -1)
		goto out;
	if (json_object_set_new(body, key, json_stringn(text.data,
	    text.len)) == -1) {
		rc = cli_usage(ctx, "%s: the %s must be UTF-8", file, what);
		goto out;
	}
	rc = CLI_OK;
out:
	buf_cleanup(&text);
	return rc;
}

/* A secret's file must be its owner's alone (mode 0600 or tighter): a
 * TOTP seed that others may read is no second factor.  Returns 0, or -1
 * after printing why (a missing file is cli_read_file's to tell). */
static int
private_file(const struct cli *ctx, const char *file)
{
	struct stat st;

	if (lstat(file, &st) == -1 || (st.st_mode & 077) == 0)
		return 0;
	cli_usage(ctx, "%s: others may read it (mode %03o): chmod 600 it",
	    file, (unsigned)(st.st_mode & 0777));
	return -1;
}

/* Sets body[key] = value when value is given. */
static int
body_opt(json_t *body, const char *key, const char *value)
{
	if (value == NULL)
		return 0;
	return json_object_set_new(body, key, json_string(value));
}

/* ---- shows ---- */

/* "created vendor ID" and the like: the id of a create's answer. */
static int
created_said(const json_t *a, const struct buf *answer)
{
	const char *id = cli_jstr(a, "id");

	if (id == NULL)
		return cli_unexpected(answer, "id");
	fputs("created ", stdout);
	cli_put_cell(id);
	fputc('\n', stdout);
	return CLI_OK;
}

/* Every field of an object, one "key: value" a line (arrays counted). */
static int
fields_said(const json_t *a, const struct buf *answer)
{
	const char *k;
	json_t *v;
	char tmp[32];

	if (!json_is_object(a))
		return cli_unexpected(answer, "an object");
	json_object_foreach(UNCONST_JSON(a), k, v) {
		if (json_is_array(v) || json_is_object(v))
			continue;
		printf("%-16s ", k);
		cli_put_cell(cli_jtext(a, k, tmp));
		fputc('\n', stdout);
	}
	return CLI_OK;
}

static void
device_row(struct cli_row *r, const json_t *d)
{
	r->cell[0] = cli_jstr(d, "id");
	r->cell[1] = cli_jstr(d, "name");
	r->cell[2] = cli_jstr(d, "engineer");
	r->cell[3] = cli_jstr(d, "vendor");
	r->cell[4] = cli_jstr(d, "created");
	r->cell[5] = cli_jstr(d, "revoked") != NULL ? cli_jstr(d, "revoked") :
	    "live";
}

static const char *const device_head[] = { "ID", "NAME", "ENGINEER",
    "VENDOR", "CREATED", "REVOKED" };
static const struct cli_table_spec device_spec = { device_head, 6,
    "devices", "devices list", "no devices", device_row };

/* An engineer: the fields, then the devices. */
static int
engineer_said(const json_t *a, const struct buf *answer)
{
	int rc = fields_said(a, answer);

	if (rc != CLI_OK || json_array_size(json_object_get(a, "devices")) ==
	    0)
		return rc;
	fputc('\n', stdout);
	return cli_table_show(a, answer, &device_spec);
}

static void
vendor_row(struct cli_row *r, const json_t *v)
{
	r->cell[0] = cli_jstr(v, "id");
	r->cell[1] = cli_jstr(v, "name");
	r->cell[2] = cli_jstr(v, "status");
	r->cell[3] = cli_jtext(v, "engineers", r->tmp[0]);
	r->cell[4] = cli_jstr(v, "contained");
	r->cell[5] = cli_jstr(v, "created");
}

static const char *const vendor_head[] = { "ID", "NAME", "STATUS",
    "ENGINEERS", "CONTAINED", "CREATED" };
static const struct cli_table_spec vendor_spec = { vendor_head, 6,
    "vendors", "vendors list", "no vendors", vendor_row };

static void
engineer_row(struct cli_row *r, const json_t *e)
{
	r->cell[0] = cli_jstr(e, "id");
	r->cell[1] = cli_jstr(e, "username");
	r->cell[2] = cli_jstr(e, "vendor");
	r->cell[3] = cli_jstr(e, "status");
	r->cell[4] = cli_jstr(e, "email");
	str_printf(r->tmp[0], sizeof(r->tmp[0]), "%zu",
	    json_array_size(json_object_get(e, "devices")));
	r->cell[5] = r->tmp[0];
	r->cell[6] = cli_jstr(e, "contained");
}

static const char *const engineer_head[] = { "ID", "USERNAME", "VENDOR",
    "STATUS", "EMAIL", "DEVICES", "CONTAINED" };
static const struct cli_table_spec engineer_spec = { engineer_head, 7,
    "engineers", "engineers list", "no engineers", engineer_row };

static void
tenant_row(struct cli_row *r, const json_t *t)
{
	r->cell[0] = cli_jstr(t, "id");
	r->cell[1] = cli_jstr(t, "name");
	r->cell[2] = cli_jstr(t, "support_policy");
	r->cell[3] = cli_jtext(t, "max_minutes", r->tmp[0]);
	r->cell[4] = cli_jstr(t, "created");
}

static const char *const tenant_head[] = { "ID", "NAME", "POLICY",
    "MAX MINUTES", "CREATED" };
static const struct cli_table_spec tenant_spec = { tenant_head, 5,
    "tenants", "tenants list", "no tenants", tenant_row };

static void
user_row(struct cli_row *r, const json_t *u)
{
	r->cell[0] = cli_jstr(u, "id");
	r->cell[1] = cli_jstr(u, "username");
	r->cell[2] = cli_jstr(u, "email");
	r->cell[3] = cli_jstr(u, "role");
	r->cell[4] = cli_jstr(u, "status");
	r->cell[5] = json_is_true(json_object_get(u, "mfa_enrolled")) ?
	    "yes" : "no";
}

static const char *const user_head[] = { "ID", "USERNAME", "EMAIL", "ROLE",
    "STATUS", "MFA" };
static const struct cli_table_spec user_spec = { user_head, 6, "users",
    "users list", "no users", user_row };

/* What a suspend, resume or offboard did. */
static int
lifecycle_said(const json_t *a, const struct buf *answer)
{
	char tmp[32];

	if (cli_jstr(a, "id") == NULL || cli_jstr(a, "status") == NULL)
		return cli_unexpected(answer, "id or status");
	cli_put_cell(cli_jstr(a, "kind"));
	fputc(' ', stdout);
	cli_put_cell(cli_jstr(a, "id"));
	fputs(": ", stdout);
	cli_put_cell(cli_jstr(a, "previous_status"));
	fputs(" -> ", stdout);
	cli_put_cell(cli_jstr(a, "status"));
	fputc('\n', stdout);
	if (cli_jtext(a, "sessions_ended", tmp) != NULL)
		printf("sessions ended: %s\n", tmp);
	if (cli_jtext(a, "devices_revoked", tmp) != NULL)
		printf("devices revoked: %s\n", tmp);
	if (cli_jtext(a, "passkeys_ended", tmp) != NULL)
		printf("passkeys revoked: %s\n", tmp);
	if (cli_jtext(a, "engineers_offboarded", tmp) != NULL)
		printf("engineers offboarded: %s\n", tmp);
	if (json_is_array(json_object_get(a, "grants_revoked")))
		printf("access requests revoked: %zu\n", json_array_size(
		    json_object_get(a, "grants_revoked")));
	return CLI_OK;
}

/* An invitation mailed: its id and the masked address. */
static int
invited_said(const json_t *a, const struct buf *answer)
{
	const char *id = cli_jstr(a, "invitation") != NULL ?
	    cli_jstr(a, "invitation") : cli_jstr(a, "id");

	if (id == NULL || cli_jstr(a, "delivered_to") == NULL)
		return cli_unexpected(answer, "invitation or delivered_to");
	fputs("invitation ", stdout);
	cli_put_cell(id);
	fputs(" mailed to ", stdout);
	cli_put_cell(cli_jstr(a, "delivered_to"));
	fputs(" (expires ", stdout);
	cli_put_cell(cli_jstr(a, "expires_at"));
	fputs(")\n", stdout);
	return CLI_OK;
}

/* ---- lists ---- */

struct list_opts {
	const char *search, *status, *vendor, *engineer, *limit, *after;
	int all;
};

/* The query of a list from its options. */
static int
list_query(const struct cli *ctx, struct buf *path,
    const struct list_opts *o)
{
	return query_add(ctx, path, "q", o->search) == -1 ||
	    query_add(ctx, path, "status", o->status) == -1 ||
	    query_add(ctx, path, "vendor", o->vendor) == -1 ||
	    query_add(ctx, path, "engineer", o->engineer) == -1 ||
	    query_add(ctx, path, "limit", o->limit) == -1 ? -1 : 0;
}

/*
 * GET base (with its query) and show the page; with --all, every page
 * following "next", shown as one.  Returns an enum cli_exit.
 */
static int
list_run(struct cli *ctx, const char *base, const struct list_opts *o,
    const struct cli_table_spec *spec)
{
	struct buf path, answer;
	json_t *a = NULL, *items = NULL, *doc = NULL;
	const char *next = o->after;
	char *cursor = NULL;
	size_t pages = 0;
	int rc = CLI_FAIL;

	buf_init(&path, PATH_BUF_MAX);
	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	items = json_array();
	if (items == NULL) {
		rc = oom();
		goto out;
	}
	for (;;) {
		buf_reset(&path);
		if (buf_puts(&path, base) == -1 ||
		    query_add(ctx, &path, "after", next) == -1) {
			rc = CLI_USAGE;
			goto out;
		}
		json_decref(a);
		a = NULL;
		rc = cli_http_json(&ctx->conn, "GET", path.data, NULL,
		    &answer, &a);
		if (rc != CLI_OK)
			goto out;
		if (!o->all) {
			if (ctx->json)
				cli_put_raw(&answer);
			else
				rc = cli_table_show(a, &answer, spec);
			goto out;
		}
		if (!json_is_array(json_object_get(a, spec->list))) {
			rc = cli_unexpected(&answer, spec->what);
			goto out;
		}
		json_array_extend(items, json_object_get(a, spec->list));
		next = cli_jstr(a, "next");
		if (next == NULL || ++pages >= ALL_PAGES_MAX)
			break;
		free(cursor);
		cursor = strdup(next);
		if (cursor == NULL) {
			rc = oom();
			goto out;
		}
		next = cursor;
	}
	doc = json_pack("{s:O,s:n}", spec->list, items, "next");
	if (doc == NULL) {
		rc = oom();
		goto out;
	}
	if (ctx->json)
		cli_json_print(doc);
	else
		rc = cli_table_show(doc, &answer, spec);
out:
	free(cursor);
	json_decref(doc);
	json_decref(items);
	json_decref(a);
	buf_cleanup(&answer);
	buf_cleanup(&path);
	return rc;
}

/* The options every list takes. */
#define LIST_OPTS(o) \
	{ "search", &(o).search, NULL }, \
	{ "limit", &(o).limit, NULL }, \
	{ "after", &(o).after, NULL }, \
	{ "all", NULL, &(o).all }

/* ---- the nouns ---- */

/* "/v1/" + noun + "/" + id + tail, the id escaped. */
static int
one_path(const struct cli *ctx, struct buf *path, const char *noun,
    const char *id, const char *tail)
{
	return cli_path_add(ctx, path, noun, "id", id) == -1 ||
	    (tail != NULL && buf_puts(path, tail) == -1) ? -1 : 0;
}

/* suspend|resume|offboard ID --reason TEXT on /v1/NOUN/. */
static int
lifecycle_verb(struct cli *ctx, int argc, char **argv, const char *noun)
{
	const char *reason = NULL;
	struct buf path;
	json_t *body = NULL;
	char *pos[1];
	char tail[32];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "reason", &reason, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (reason == NULL || reason[0] == '\0') {
		rc = cli_usage(ctx, "--reason is required (it is recorded)");
		goto out;
	}
	body = json_pack("{s:s}", "reason", reason);
	if (body == NULL) {
		rc = cli_usage(ctx, "--reason must be UTF-8");
		goto out;
	}
	str_printf(tail, sizeof(tail), "/%s", argv[0]);
	if (one_path(ctx, &path, noun, pos[0], tail) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, lifecycle_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

/* show ID on /v1/NOUN/. */
static int
show_verb(struct cli *ctx, int argc, char **argv, const char *noun,
    cli_show_fn show)
{
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };
	struct buf path;
	char *pos[1];
	int npos, rc;

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc == CLI_OK && one_path(ctx, &path, noun, pos[0], NULL) == -1)
		rc = CLI_USAGE;
	if (rc == CLI_OK)
		rc = cli_call_show(ctx, "GET", path.data, NULL, show);
	buf_cleanup(&path);
	return rc;
}

/* list on base, with the filters the noun takes; with tail, base is
 * "/v1/tenants/TENANT" + tail for the operand TENANT. */
static int
list_verb(struct cli *ctx, int argc, char **argv, const char *base,
    const struct cli_table_spec *spec, int filters, const char *tail)
{
	struct list_opts o;
	struct buf path;
	char *pos[1];
	int npos, rc, nops = tail != NULL;

	memset(&o, 0, sizeof(o));
	{
		const struct cli_opt opts[] = {
			LIST_OPTS(o),
			{ "status", &o.status, NULL },
			{ "vendor", &o.vendor, NULL },
			{ "engineer", &o.engineer, NULL },
			{ NULL, NULL, NULL },
		};

		rc = cli_args(ctx, argc, argv, opts, pos, nops, nops, &npos);
	}
	if (rc != CLI_OK)
		return rc;
	if (filters < 2 && (o.vendor != NULL || o.engineer != NULL))
		return cli_usage(ctx, "this list takes no --vendor or "
		    "--engineer");
	if (filters < 1 && o.status != NULL)
		return cli_usage(ctx, "this list takes only --search, --limit, "
		    "--after and --all");
	buf_init(&path, PATH_BUF_MAX);
	if ((tail != NULL ? cli_path_add(ctx, &path, "/v1/tenants/", "tenant",
	    pos[0]) == -1 || buf_puts(&path, tail) == -1 :
	    buf_puts(&path, base) == -1) || list_query(ctx, &path, &o) == -1)
		rc = CLI_USAGE;
	else
		rc = list_run(ctx, path.data, &o, spec);
	buf_cleanup(&path);
	return rc;
}

static int
unknown_verb(struct cli *ctx, int argc, char **argv, const char *verbs)
{
	return cli_usage(ctx, argc < 2 ? "say what to do: %s" :
	    "unknown verb (one of: %s)", verbs);
}

/* The verb argv[1], or "" when there is none. */
static const char *
verb_of(int argc, char **argv)
{
	return argc >= 2 ? argv[1] : "";
}

/* vendor create NAME [--id ID] */
static int
vendor_create(struct cli *ctx, int argc, char **argv)
{
	const char *id = NULL;
	json_t *body;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "id", &id, NULL },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		return rc;
	body = json_pack("{s:s}", "name", pos[0]);
	if (body == NULL || body_opt(body, "id", id) == -1) {
		json_decref(body);
		return cli_usage(ctx, "NAME and --id must be UTF-8");
	}
	rc = cli_call_show(ctx, "POST", "/v1/vendors", body, created_said);
	json_decref(body);
	return rc;
}

int
cmd_vendor(struct cli *ctx, int argc, char **argv)
{
	const char *v = verb_of(argc, argv);

	if (strcmp(v, "list") == 0)
		return list_verb(ctx, argc - 1, argv + 1, "/v1/vendors",
		    &vendor_spec, 1, NULL);
	if (strcmp(v, "show") == 0)
		return show_verb(ctx, argc - 1, argv + 1, "/v1/vendors/",
		    fields_said);
	if (strcmp(v, "create") == 0)
		return vendor_create(ctx, argc - 1, argv + 1);
	if (strcmp(v, "suspend") == 0 || strcmp(v, "resume") == 0 ||
	    strcmp(v, "offboard") == 0)
		return lifecycle_verb(ctx, argc - 1, argv + 1, "/v1/vendors/");
	return unknown_verb(ctx, argc, argv, "list, show, create, suspend, "
	    "resume, offboard");
}

/* POST /v1/invitations for engineer id: the link goes to email. */
static int
engineer_invitation(struct cli *ctx, const char *id, const char *email,
    const char *device)
{
	json_t *body = json_pack("{s:s,s:s,s:s}", "kind", "engineer",
	    "engineer", id, "email", email);
	int rc;

	if (body == NULL || body_opt(body, "device", device) == -1) {
		json_decref(body);
		return cli_usage(ctx, "the id, --email and --device must be "
		    "UTF-8");
	}
	rc = cli_call_show(ctx, "POST", "/v1/invitations", body, invited_said);
	json_decref(body);
	return rc;
}

/* The answer of POST /v1/engineers: the id; the TOTP URI (the seed: for
 * the engineer only) when a password was set. */
static int
engineer_created(const json_t *a, const struct buf *answer)
{
	int rc = created_said(a, answer);

	if (rc == CLI_OK && cli_jstr(a, "totp_uri") != NULL) {
		fputs("totp_uri ", stdout);
		cli_put_cell(cli_jstr(a, "totp_uri"));
		fputs("\n(hand it to the engineer only: it holds their "
		    "second factor)\n", stdout);
	}
	return rc;
}

/* engineer create USERNAME --vendor V [--email E] [--id ID]
 * [--invite | --password-file F [--totp-secret-file F]]
 * The seed comes from a file of mode 0600, never the command line, where
 * ps and shell history would show it (review F6d). */
static int
engineer_create(struct cli *ctx, int argc, char **argv)
{
	const char *vendor = NULL, *email = NULL, *id = NULL, *pwfile = NULL;
	const char *seedfile = NULL;
	struct buf answer;
	json_t *body = NULL, *a = NULL;
	char *pos[1];
	int npos, invite = 0, rc;
	const struct cli_opt opts[] = {
		{ "vendor", &vendor, NULL },
		{ "email", &email, NULL },
		{ "id", &id, NULL },
		{ "password-file", &pwfile, NULL },
		{ "totp-secret-file", &seedfile, NULL },
		{ "invite", NULL, &invite },
		{ NULL, NULL, NULL },
	};

	buf_init_secret(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (vendor == NULL) {
		rc = cli_usage(ctx, "--vendor is required");
		goto out;
	}
	if (invite && (email == NULL || pwfile != NULL || seedfile != NULL)) {
		rc = cli_usage(ctx, "--invite needs --email, and takes no "
		    "--password-file or --totp-secret-file: the engineer "
		    "chooses them");
		goto out;
	}
	body = json_pack("{s:s,s:s}", "username", pos[0], "vendor", vendor);
	if (body == NULL || body_opt(body, "email", email) == -1 ||
	    body_opt(body, "id", id) == -1) {
		rc = cli_usage(ctx, "the arguments must be UTF-8");
		goto out;
	}
	if (pwfile != NULL && (rc = body_from_file(ctx, body, "password",
	    pwfile, "password", 1)) != CLI_OK)
		goto out;
	if (seedfile != NULL && private_file(ctx, seedfile) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	if (seedfile != NULL && (rc = body_from_file(ctx, body, "totp_secret",
	    seedfile, "TOTP secret (base32)", 1)) != CLI_OK)
		goto out;
	rc = cli_http_json(&ctx->conn, "POST", "/v1/engineers", body, &answer,
	    &a);
	cli_json_wipe(body, "password");
	cli_json_wipe(body, "totp_secret");
	if (rc != CLI_OK)
		goto out;
	if (!invite) {
		if (ctx->json)
			cli_put_raw(&answer);
		else {
			rc = engineer_created(a, &answer);
			if (rc == CLI_OK && pwfile == NULL)
				fputs("no password set: invite the engineer "
				    "(custos engineer invite ID --email E)\n",
				    stdout);
		}
		goto out;
	}
	if (cli_jstr(a, "id") == NULL) {
		rc = cli_unexpected(&answer, "id");
		goto out;
	}
	if (!ctx->json && (rc = created_said(a, &answer)) != CLI_OK)
		goto out;
	rc = engineer_invitation(ctx, cli_jstr(a, "id"), email, NULL);
out:
	cli_json_wipe(a, "totp_uri");      /* the engineer's seed */
	json_decref(a);
	json_decref(body);
	buf_cleanup(&answer);
	return rc;
}

/* engineer invite ID --email E [--device D] */
static int
engineer_invite(struct cli *ctx, int argc, char **argv)
{
	const char *email = NULL, *device = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "email", &email, NULL },
		{ "device", &device, NULL },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		return rc;
	if (email == NULL)
		return cli_usage(ctx, "--email is required: the link goes "
		    "there");
	return engineer_invitation(ctx, pos[0], email, device);
}

/* engineer re-enrol ID --reason R [--email E] [--keep-devices
 * [--device D]] */
static int
engineer_reenrol(struct cli *ctx, int argc, char **argv)
{
	const char *reason = NULL, *email = NULL, *device = NULL;
	struct buf path;
	json_t *body = NULL;
	char *pos[1];
	int npos, keep = 0, rc;
	const struct cli_opt opts[] = {
		{ "reason", &reason, NULL },
		{ "email", &email, NULL },
		{ "device", &device, NULL },
		{ "keep-devices", NULL, &keep },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (reason == NULL || reason[0] == '\0') {
		rc = cli_usage(ctx, "--reason is required (it is recorded)");
		goto out;
	}
	if (device != NULL && !keep) {
		rc = cli_usage(ctx, "--device names a kept device: give "
		    "--keep-devices too");
		goto out;
	}
	body = json_pack("{s:s,s:b}", "reason", reason, "keep_devices", keep);
	if (body == NULL || body_opt(body, "email", email) == -1 ||
	    body_opt(body, "device", device) == -1) {
		rc = cli_usage(ctx, "the arguments must be UTF-8");
		goto out;
	}
	if (one_path(ctx, &path, "/v1/engineers/", pos[0], "/re-enrol") ==
	    -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, invited_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

int
cmd_engineer(struct cli *ctx, int argc, char **argv)
{
	const char *v = verb_of(argc, argv);

	if (strcmp(v, "list") == 0)
		return list_verb(ctx, argc - 1, argv + 1, "/v1/engineers",
		    &engineer_spec, 2, NULL);
	if (strcmp(v, "show") == 0)
		return show_verb(ctx, argc - 1, argv + 1, "/v1/engineers/",
		    engineer_said);
	if (strcmp(v, "create") == 0)
		return engineer_create(ctx, argc - 1, argv + 1);
	if (strcmp(v, "suspend") == 0 || strcmp(v, "resume") == 0 ||
	    strcmp(v, "offboard") == 0)
		return lifecycle_verb(ctx, argc - 1, argv + 1,
		    "/v1/engineers/");
	if (strcmp(v, "re-enrol") == 0 || strcmp(v, "re-enroll") == 0)
		return engineer_reenrol(ctx, argc - 1, argv + 1);
	if (strcmp(v, "invite") == 0)
		return engineer_invite(ctx, argc - 1, argv + 1);
	return unknown_verb(ctx, argc, argv, "list, show, create, suspend, "
	    "resume, offboard, re-enrol, invite");
}

/* device add ENGINEER NAME --public-key-file F [--id ID] */
static int
device_add(struct cli *ctx, int argc, char **argv)
{
	const char *keyfile = NULL, *id = NULL;
	struct buf path;
	json_t *body = NULL;
	char *pos[2];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "public-key-file", &keyfile, NULL },
		{ "id", &id, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 2, 2, &npos);
	if (rc != CLI_OK)
		goto out;
	if (keyfile == NULL) {
		rc = cli_usage(ctx, "--public-key-file is required (what "
		    "custos keygen or custos pubkey printed)");
		goto out;
	}
	body = json_pack("{s:s}", "name", pos[1]);
	if (body == NULL || body_opt(body, "id", id) == -1) {
		rc = cli_usage(ctx, "NAME and --id must be UTF-8");
		goto out;
	}
	rc = body_from_file(ctx, body, "public_key", keyfile, "public key",
	    0);
	if (rc != CLI_OK)
		goto out;
	if (one_path(ctx, &path, "/v1/engineers/", pos[0], "/devices") ==
	    -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, created_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

static int
revoked_said(const json_t *a, const struct buf *answer)
{
	const json_t *d = json_object_get(a, "device");
	char tmp[32];

	if (cli_jstr(d, "id") == NULL)
		return cli_unexpected(answer, "device");
	fputs("device ", stdout);
	cli_put_cell(cli_jstr(d, "id"));
	fputs(" revoked at ", stdout);
	cli_put_cell(cli_jstr(d, "revoked"));
	printf("\nsessions ended: %s\n", cli_jtext(a, "sessions_ended", tmp) ?
	    tmp : "-");
	return CLI_OK;
}

/* device revoke ENGINEER DEVICE [--reason R] */
static int
device_revoke(struct cli *ctx, int argc, char **argv)
{
	const char *reason = NULL;
	struct buf path;
	json_t *body = NULL;
	char *pos[2];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "reason", &reason, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 2, 2, &npos);
	if (rc != CLI_OK)
		goto out;
	if (reason != NULL && (body = json_pack("{s:s}", "reason", reason)) ==
	    NULL) {
		rc = cli_usage(ctx, "--reason must be UTF-8");
		goto out;
	}
	if (one_path(ctx, &path, "/v1/engineers/", pos[0], "/devices/") ==
	    -1 || cli_path_segment(ctx, &path, "device", pos[1]) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "DELETE", path.data, body, revoked_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

int
cmd_device(struct cli *ctx, int argc, char **argv)
{
	const char *v = verb_of(argc, argv);

	if (strcmp(v, "list") == 0)
		return list_verb(ctx, argc - 1, argv + 1, "/v1/devices",
		    &device_spec, 2, NULL);
	if (strcmp(v, "add") == 0)
		return device_add(ctx, argc - 1, argv + 1);
	if (strcmp(v, "revoke") == 0)
		return device_revoke(ctx, argc - 1, argv + 1);
	return unknown_verb(ctx, argc, argv, "list, add, revoke");
}

/* tenant create NAME [--id ID] [--policy P] */
static int
tenant_create(struct cli *ctx, int argc, char **argv)
{
	const char *id = NULL, *policy = NULL;
	json_t *body;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "id", &id, NULL },
		{ "policy", &policy, NULL },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		return rc;
	body = json_pack("{s:s}", "name", pos[0]);
	if (body == NULL || body_opt(body, "id", id) == -1 ||
	    body_opt(body, "support_policy", policy) == -1) {
		json_decref(body);
		return cli_usage(ctx, "the arguments must be UTF-8");
	}
	rc = cli_call_show(ctx, "POST", "/v1/tenants", body, created_said);
	json_decref(body);
	return rc;
}

int
cmd_tenant(struct cli *ctx, int argc, char **argv)
{
	const char *v = verb_of(argc, argv);

	if (strcmp(v, "list") == 0)
		return list_verb(ctx, argc - 1, argv + 1, "/v1/tenants",
		    &tenant_spec, 0, NULL);
	if (strcmp(v, "show") == 0)
		return show_verb(ctx, argc - 1, argv + 1, "/v1/tenants/",
		    fields_said);
	if (strcmp(v, "create") == 0)
		return tenant_create(ctx, argc - 1, argv + 1);
	return unknown_verb(ctx, argc, argv, "list, show, create");
}

/* "/v1/tenants/T" + tail (+ "/" + id), escaped. */
static int
tenant_path(const struct cli *ctx, struct buf *path, const char *tenant,
    const char *tail, const char *id)
{
	return cli_path_add(ctx, path, "/v1/tenants/", "tenant", tenant) ==
	    -1 || buf_puts(path, tail) == -1 || (id != NULL &&
	    cli_path_add(ctx, path, "/", "user", id) == -1) ? -1 : 0;
}

/* POST /v1/tenants/T/invitations {user}. */
static int
user_invitation(struct cli *ctx, const char *tenant, const char *user)
{
	struct buf path;
	json_t *body = json_pack("{s:s}", "user", user);
	int rc;

	buf_init(&path, PATH_BUF_MAX);
	if (body == NULL)
		rc = cli_usage(ctx, "USER must be UTF-8");
	else if (tenant_path(ctx, &path, tenant, "/invitations", NULL) == -1)
		rc = CLI_USAGE;
	else
		rc = cli_call_show(ctx, "POST", path.data, body, invited_said);
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

/* user create TENANT USERNAME --email E [--role admin|user] [--id ID]
 * [--invite | --password-file F] */
static int
user_create(struct cli *ctx, int argc, char **argv)
{
	const char *email = NULL, *role = NULL, *id = NULL, *pwfile = NULL;
	struct buf path, answer;
	json_t *body = NULL, *a = NULL;
	char *pos[2];
	int npos, invite = 0, rc;
	const struct cli_opt opts[] = {
		{ "email", &email, NULL },
		{ "role", &role, NULL },
		{ "id", &id, NULL },
		{ "password-file", &pwfile, NULL },
		{ "invite", NULL, &invite },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	buf_init_secret(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 2, 2, &npos);
	if (rc != CLI_OK)
		goto out;
	if (email == NULL) {
		rc = cli_usage(ctx, "--email is required");
		goto out;
	}
	if (invite && pwfile != NULL) {
		rc = cli_usage(ctx, "--invite takes no --password-file: the "
		    "user chooses it");
		goto out;
	}
	body = json_pack("{s:s,s:s,s:s}", "username", pos[1], "email", email,
	    "role", role != NULL ? role : "user");
	if (body == NULL || body_opt(body, "id", id) == -1) {
		rc = cli_usage(ctx, "the arguments must be UTF-8");
		goto out;
	}
	if (pwfile != NULL && (rc = body_from_file(ctx, body, "password",
	    pwfile, "password", 1)) != CLI_OK)
		goto out;
	if (tenant_path(ctx, &path, pos[0], "/users", NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_http_json(&ctx->conn, "POST", path.data, body, &answer, &a);
	cli_json_wipe(body, "password");
	if (rc != CLI_OK)
		goto out;
	if (ctx->json && !invite) {
		cli_put_raw(&answer);
		goto out;
	}
	if (!ctx->json && (rc = created_said(a, &answer)) != CLI_OK)
		goto out;
	if (invite)
		rc = user_invitation(ctx, pos[0], cli_jstr(a, "id"));
out:
	json_decref(a);
	json_decref(body);
	buf_cleanup(&answer);
	buf_cleanup(&path);
	return rc;
}

int
cmd_user(struct cli *ctx, int argc, char **argv)
{
	const struct cli_opt none[] = { { NULL, NULL, NULL } };
	const char *v = verb_of(argc, argv);
	struct buf path;
	char *pos[2];
	int npos, rc;

	if (strcmp(v, "create") == 0)
		return user_create(ctx, argc - 1, argv + 1);
	if (strcmp(v, "list") == 0)
		return list_verb(ctx, argc - 1, argv + 1, NULL, &user_spec, 1,
		    "/users");
	if (strcmp(v, "show") != 0 && strcmp(v, "invite") != 0)
		return unknown_verb(ctx, argc, argv, "list, show, create, "
		    "invite");
	rc = cli_args(ctx, argc - 1, argv + 1, none, pos, 2, 2, &npos);
	if (rc != CLI_OK)
		return rc;
	if (strcmp(v, "invite") == 0)
		return user_invitation(ctx, pos[0], pos[1]);
	buf_init(&path, PATH_BUF_MAX);
	if (tenant_path(ctx, &path, pos[0], "/users", pos[1]) == -1)
		rc = CLI_USAGE;
	else
		rc = cli_call_show(ctx, "GET", path.data, NULL, fields_said);
	buf_cleanup(&path);
	return rc;
}

/* ticket create TENANT --subject S --body B --requester U [--id ID] */
int
cmd_ticket(struct cli *ctx, int argc, char **argv)
{
	const char *subject = NULL, *text = NULL, *requester = NULL;
	const char *id = NULL;
	struct buf path;
	json_t *body = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "subject", &subject, NULL },
		{ "body", &text, NULL },
		{ "requester", &requester, NULL },
		{ "id", &id, NULL },
		{ NULL, NULL, NULL },
	};

	if (strcmp(verb_of(argc, argv), "create") != 0)
		return unknown_verb(ctx, argc, argv, "create (to read "
		    "tickets: custos tickets TENANT)");
	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc - 1, argv + 1, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (subject == NULL || text == NULL || requester == NULL) {
		rc = cli_usage(ctx, "--subject, --body and --requester are "
		    "required");
		goto out;
	}
	body = json_pack("{s:s,s:s,s:s}", "subject", subject, "body", text,
	    "requester", requester);
	if (body == NULL || body_opt(body, "id", id) == -1) {
		rc = cli_usage(ctx, "the arguments must be UTF-8");
		goto out;
	}
	if (tenant_path(ctx, &path, pos[0], "/tickets", NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, created_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}
