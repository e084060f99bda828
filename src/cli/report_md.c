/* SPDX-License-Identifier: ISC */
/*
 * report_md.c: the Markdown pages of the scope reports (see report.c for
 * who reads them).  Everything quoted from the answer or from the log
 * goes through md_text() or md_code(), which drop control characters and
 * neutralise Markdown and HTML.
 */
#include "cli/report_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/action.h"
#include "cli/cli.h"
#include "common/clock.h"
#include "common/str.h"



static void
md_puts(struct md *m, const char *s)
{
	if (!m->failed && buf_puts(&m->b, s) == -1)
		m->failed = 1;
}

static void md_printf(struct md *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
md_printf(struct md *m, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	/* Only our own short formats come here; truncation shortens. */
	(void)vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	md_puts(m, tmp);
}

/* The length of a valid, non-control UTF-8 character at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t need, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] != 0x7f ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	for (i = 1; i < need; i++)
		if (s[i] == '\0')
			return 0;
	return str_is_clean_utf8((const char *)s, need) ? need : 0;
}

/*
 * Text from outside as Markdown inline text: control characters and
 * invalid UTF-8 become '?', and the characters that Markdown or HTML
 * would read as markup are backslash-escaped (CommonMark lets any ASCII
 * punctuation be).
 */
static void
md_text(struct md *m, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "-");
	size_t k;

	while (*p != '\0' && !m->failed) {
		k = utf8_len(p);
		if (k == 0) {
			md_puts(m, "?");
			p++;
			continue;
		}
		if (k == 1 && strchr("\\`*_{}[]<>#|~&!$", *p) != NULL)
			md_puts(m, "\\");
		if (buf_append(&m->b, p, k) == -1)
			m->failed = 1;
		p += k;
	}
}

/* 1 when s may stand in a code span, also in a table cell. */
static int
code_safe(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f || s[i] == '`' || s[i] == '|' ||
		    i >= REPORT_CODE_MAX)
			return 0;
	return i > 0;
}

/* An identifier or time: `s` when it can be, else escaped text. */
static void
md_code(struct md *m, const char *s)
{
	if (s == NULL) {
		md_puts(m, "-");
		return;
	}
	if (!code_safe(s)) {
		md_text(m, s);
		return;
	}
	md_puts(m, "`");
	md_puts(m, s);
	md_puts(m, "`");
}

/* Writes "name count, name count" of a {name: count} object; "none". */
static void
md_counts(struct md *m, const json_t *counts)
{
	const char *k;
	json_t *v;
	int first = 1;

	json_object_foreach(UNCONST(counts), k, v) {
		if (!json_is_integer(v))
			continue;
		if (!first)
			md_puts(m, ", ");
		md_code(m, k);
		md_printf(m, " %" JSON_INTEGER_FORMAT, json_integer_value(v));
		first = 0;
	}
	if (first)
		md_puts(m, "none");
}

/* Writes the strings of an array, comma-separated; "none". */
static void
md_list(struct md *m, const json_t *a)
{
	const json_t *v;
	size_t i;
	int first = 1;

	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			continue;
		if (!first)
			md_puts(m, ", ");
		md_code(m, json_string_value(v));
		first = 0;
	}
	if (first)
		md_puts(m, "none");
}

static json_int_t
count_sum(const json_t *counts)
{
	const char *k;
	json_t *v;
	json_int_t n = 0;

	json_object_foreach(UNCONST(counts), k, v)
		if (json_is_integer(v) && json_integer_value(v) > 0 &&
		    n <= INT64_MAX - json_integer_value(v))
			n += json_integer_value(v);
	return n;
}


static void
md_exposure(struct md *m, const char *exposure)
{
	if (exposure != NULL && strcmp(exposure, "acted_upon") == 0)
		md_puts(m, "acted upon");
	else
		md_text(m, exposure != NULL ? exposure : "unknown");
}

static void
exposure_sentence(struct md *m, const char *exposure)
{
	if (exposure != NULL && strcmp(exposure, "acted_upon") == 0)
		md_puts(m, "**Acted upon**: at least one allowed action "
		    "changed something in your tenant (for example a password "
		    "or MFA reset).");
	else if (exposure != NULL && strcmp(exposure, "viewed") == 0)
		md_puts(m, "**Viewed**: data in your tenant was read (for "
		    "example the list of users or tickets); no allowed action "
		    "changed anything.");
	else if (exposure != NULL && strcmp(exposure, "exposed") == 0)
		md_puts(m, "**Exposed**: the principals below held access to "
		    "your tenant during the window (an approved access request "
		    "or your support policy let them in), but no allowed "
		    "action in your tenant is recorded.");
	else if (exposure != NULL && strcmp(exposure, "attempted") == 0)
		md_puts(m, "**Attempted**: the principals below tried to act "
		    "in your tenant and custos refused every attempt: they "
		    "held no access to it, and nothing was read or changed "
		    "through support.");
	else {
		md_puts(m, "Exposure: ");
		md_text(m, exposure);
		md_puts(m, ".");
	}
}

/* "engineer `e1`, device `d1`" from the echoed principals. */
static void
md_principals(struct md *m, const json_t *p)
{
	static const struct {
		const char *key;
		const char *word;
	} kinds[] = {
		{ "engineers", "engineer" }, { "devices", "device" },
		{ "sessions", "session" }, { "vendors", "vendor" },
		{ "ips", "source address" },
	};
	const json_t *list, *v;
	size_t i, k;
	int first = 1;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		list = json_object_get(p, kinds[k].key);
		json_array_foreach(list, i, v) {
			if (!json_is_string(v))
				continue;
			md_puts(m, first ? "" : ", ");
			md_puts(m, kinds[k].word);
			md_puts(m, " ");
			md_code(m, json_string_value(v));
			first = 0;
		}
	}
	if (first)
		md_puts(m, "(not given in the answer)");
}

/* A field of an entry: NULL (shown "-") when empty. */
static const char *
field(const char *s)
{
	return s[0] != '\0' ? s : NULL;
}

/* One row of the timeline: the entry read from its leaf. */
static void
md_timeline_row(struct md *m, const struct entry *d)
{
	char when[RFC3339_MS_LEN];

	time_format_ms(when, d->time_ms);
	md_code(m, when);
	md_puts(m, " | ");
	md_text(m, actor_kind_name(d->actor_kind));
	md_puts(m, " ");
	md_code(m, field(d->actor));
	if (d->vendor[0] != '\0') {
		md_puts(m, " of vendor ");
		md_code(m, d->vendor);
	}
	md_puts(m, " | ");
	md_code(m, field(d->device));
	md_puts(m, " | ");
	md_code(m, field(d->source));
	md_puts(m, " | ");
	md_code(m, field(d->action));
	md_puts(m, " | ");
	md_code(m, field(d->target));
	md_puts(m, " | ");
	md_text(m, d->allowed ? "allowed" : "denied");
	if (d->reason[0] != '\0') {
		md_puts(m, " (");
		md_code(m, d->reason);
		md_puts(m, ")");
	}
}

static void
md_timeline(struct md *m, const struct report *r, const char *tenant,
    const int64_t *idx, size_t n)
{
	const json_t *en;
	struct entry d;
	size_t i;
	int others = 0, about, imported = 0;

	md_puts(m, "| entry | time (UTC) | who | device | source address | "
	    "action | target | outcome |\n|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		en = report_cited(r, idx[i]);
		about = report_about(en, tenant);
		if (report_cited_read(&d, en) != 0)
			d.imported = 0;
		md_printf(m, "| %" PRId64 "%s%s | ", idx[i], about ? "" :
		    " (*)", d.imported ? " (i)" : "");
		others |= !about;
		imported |= d.imported;
		if (report_cited_read(&d, en) == 0)
			md_timeline_row(m, &d);
		else
			md_puts(m, "- | (not a log entry) | - | - | - | - | -");
		md_puts(m, " |\n");
	}
	if (imported)
		md_puts(m, "\n(i) Imported: what another system (e.g. the "
		    "Okta System Log) recorded, not a request custos saw.\n");
	if (others)
		md_puts(m, "\n(*) This entry is not about your tenant (for "
		    "example the login that opened the session); it is in the "
		    "JSON file's `other_entries`, with its proof, and `custos "
		    "verify --tenant-log` does not check it.\n");
}

/* A shell word for s, or NULL when it cannot be one simply. */
static const char *
shell_word(char *tmp, size_t size, const char *s)
{
	size_t i;
	int plain = 1;

	if (!code_safe(s) || strchr(s, '\'') != NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:@%+=,/",
		    s[i]) == NULL)
			plain = 0;
	if (plain)
		return s;
	if (str_printf(tmp, size, "'%s'", s) == -1)
		return NULL;
	return tmp;
}

/* The page's head: the facts in a table, then the summary. */
/* How many of the n cited entries idx were imported (detail.imported):
 * events another system recorded, not requests custos saw. */
static size_t
count_imported(const struct report *r, const int64_t *idx, size_t n)
{
	struct entry d;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (report_cited_read(&d, report_cited(r, idx[i])) == 0 &&
		    d.imported)
			k++;
	return k;
}

/* Where the rows come from, in honest words for each source (issue 16):
 * custos records the requests made through it; an imported event is
 * what another system (an Okta System Log export) recorded, which custos
 * holds and proves only from its import on. */
static void
md_provenance(struct md *m, size_t imported, size_t n)
{
	if (imported == 0) {
		md_puts(m, "Everything below comes from custos's transparency "
		    "log, which records every request support makes through "
		    "custos, allowed or refused, and which can be checked "
		    "independently (see the last section).\n\n");
		return;
	}
	if (imported == n)
		md_puts(m, "Everything below comes from events **imported** "
		    "into custos's transparency log from another system's "
		    "records (for example an Okta System Log export): custos "
		    "did not see these requests itself.  It shows what that "
		    "system recorded, as it recorded it");
	else
		md_printf(m, "The entries below come from custos's "
		    "transparency log.  %zu of the %zu were **imported** from "
		    "another system's records (for example an Okta System Log "
		    "export) and are marked (i) in the timeline: custos did "
		    "not see those requests itself and shows what that system "
		    "recorded, as it recorded it; the others are requests "
		    "made through custos, which records every one, allowed or "
		    "refused", imported, n);
	md_puts(m, ".  Since their import, imported entries are held and "
	    "can be checked like custos's own (see the last section); "
	    "whether that system recorded everything, custos cannot "
	    "tell.\n\n");
}

static void
tenant_head(struct md *m, const struct report *r, const json_t *t,
    const char *stem, const int64_t *idx, size_t n)
{
	const char *tenant = cli_jstr(t, "tenant"), *name = cli_jstr(t, "name");
	const char *exposure = cli_jstr(t, "exposure"), *from, *to;
	const json_t *actions = json_object_get(t, "actions");
	const json_t *denied = json_object_get(t, "denied");
	size_t nusers = json_array_size(json_object_get(t, "users_affected"));

	from = cli_jstr(r->answer, "from");
	to = cli_jstr(r->answer, "to");
	md_puts(m, "# Support access to ");
	md_text(m, name != NULL ? name : tenant);
	md_puts(m, ": incident report\n\n");
	md_puts(m, "| | |\n|---|---|\n| Tenant | ");
	md_code(m, tenant);
	if (name != NULL) {
		md_puts(m, " (");
		md_text(m, name);
		md_puts(m, ")");
	}
	md_puts(m, " |\n| Window | ");
	md_code(m, from);
	md_puts(m, " to ");
	md_code(m, to);
	md_puts(m, " (UTC; the end is not included) |\n| Exposure | **");
	md_exposure(m, exposure);
	md_puts(m, "** |\n| First activity | ");
	md_code(m, cli_jstr(t, "first"));
	md_puts(m, " |\n| Last activity | ");
	md_code(m, cli_jstr(t, "last"));
	md_printf(m, " |\n| Allowed actions | %" JSON_INTEGER_FORMAT
	    " |\n| Refused attempts | %" JSON_INTEGER_FORMAT
	    " |\n| Users affected | %zu |\n| Log entries cited | %zu (each "
	    "with its proof, in `%s.json`) |\n| Report prepared | ",
	    count_sum(actions), count_sum(denied), nusers, n, stem);
	md_code(m, r->generated);
	md_printf(m, " |\n| Log checkpoint | size %" PRId64 " |\n\n",
	    r->cp.size);

	md_puts(m, "## Summary\n\nWe investigated what was done in our "
	    "customers' tenants by these principals: ");
	md_principals(m, r->principals);
	md_puts(m, ".  Your tenant is in the results.\n\n");
	exposure_sentence(m, exposure);
	md_puts(m, "\n\n");
	md_provenance(m, count_imported(r, idx, n), n);
}

/* What happened: actions, refusals, users, access, the timeline. */
static void
tenant_happened(struct md *m, const struct report *r, const json_t *t,
    const int64_t *idx, size_t n)
{
	const char *tenant = cli_jstr(t, "tenant"), *word, *k;
	const json_t *actions = json_object_get(t, "actions"), *v;
	const json_t *denied = json_object_get(t, "denied");
	const json_t *users = json_object_get(t, "users_affected");
	const json_t *grants = json_object_get(t, "grants");
	size_t nusers = json_array_size(users), i;

	md_puts(m, "## What happened\n\n");
	if (count_sum(actions) > 0) {
		md_puts(m, "Allowed actions in your tenant:\n\n| action | "
		    "times | what it means |\n|---|---|---|\n");
		json_object_foreach(UNCONST(actions), k, v) {
			if (!json_is_integer(v))
				continue;
			md_puts(m, "| ");
			md_code(m, k);
			md_printf(m, " | %" JSON_INTEGER_FORMAT " | ",
			    json_integer_value(v));
			word = action_words(k);
			md_puts(m, word != NULL ? word : "-");
			md_puts(m, " |\n");
		}
		md_puts(m, "\n");
	} else {
		md_puts(m, "No allowed action in your tenant is recorded in "
		    "the window.\n\n");
	}
	if (count_sum(denied) > 0) {
		md_puts(m, "Attempts that custos refused (they changed "
		    "nothing, but show intent):\n\n| action | times |\n"
		    "|---|---|\n");
		json_object_foreach(UNCONST(denied), k, v) {
			if (!json_is_integer(v))
				continue;
			md_puts(m, "| ");
			md_code(m, k);
			md_printf(m, " | %" JSON_INTEGER_FORMAT " |\n",
			    json_integer_value(v));
		}
		md_puts(m, "\n");
	}
	md_puts(m, "### Users affected\n\n");
	if (nusers == 0) {
		md_puts(m, "No user of your tenant was the target of a reset "
		    "in the window.\n\n");
	} else {
		md_puts(m, "These users were the targets of resets:\n\n");
		json_array_foreach(users, i, v) {
			md_puts(m, "- ");
			md_code(m, json_string_value(v));
			md_puts(m, "\n");
		}
		md_puts(m, "\n");
	}
	md_puts(m, "### Access that let them in\n\n");
	if (json_array_size(grants) > 0) {
		md_puts(m, "Access requests (ids as your administrators see "
		    "them in `custos requests`): ");
		md_list(m, grants);
		md_puts(m, ".\n\n");
	}
	if (cli_jstr(t, "policy") != NULL) {
		md_puts(m, "Your support policy, ");
		md_code(m, cli_jstr(t, "policy"));
		md_puts(m, ", let any support engineer in without a request "
		    "for the whole window.  Consider `approval_required` "
		    "(`custos policy TENANT --set-policy "
		    "approval_required`).\n\n");
	}
	if (json_array_size(grants) == 0 && cli_jstr(t, "policy") == NULL)
		md_puts(m, "No access request or policy that let them in is "
		    "recorded.\n\n");
	md_puts(m, "### Timeline\n\n");
	if (n == 0)
		md_puts(m, "No log entry is cited for your tenant.\n\n");
	else {
		md_timeline(m, r, tenant, idx, n);
		md_puts(m, "\n");
	}
}

/* What the customer should do, in order. */
static void
tenant_todo(struct md *m, const struct report *r, const json_t *t)
{
	const char *tenant = cli_jstr(t, "tenant");
	const char *exposure = cli_jstr(t, "exposure"), *from, *to;
	size_t nusers = json_array_size(json_object_get(t, "users_affected"));
	size_t step = 1;

	from = cli_jstr(r->answer, "from");
	to = cli_jstr(r->answer, "to");
	md_puts(m, "## What you should do\n\n");
	if (nusers > 0) {
		md_printf(m, "%zu. **Force a password reset** for each user "
		    "listed above, by your own administrators (not through "
		    "support), and end their open sessions: a reset link may "
		    "have reached someone else.\n", step++);
		md_printf(m, "%zu. **Review their MFA factors**: remove any "
		    "factor the user did not enrol themselves, and have them "
		    "enrol again.\n", step++);
	} else if (exposure != NULL && strcmp(exposure, "viewed") == 0) {
		md_printf(m, "%zu. **No reset of your users is recorded**, but "
		    "data was read: if it matters to you (the user list holds "
		    "e-mail addresses), warn your users about phishing that "
		    "may use it.\n", step++);
	} else {
		md_printf(m, "%zu. **Nothing in your tenant was changed or "
		    "read** through support in the window; the steps below "
		    "are precautions.\n", step++);
	}
	md_printf(m, "%zu. **Check your own logs** (identity provider, "
	    "applications, mail) for ", step++);
	md_code(m, from);
	md_puts(m, " to ");
	md_code(m, to);
	md_puts(m, " and the days after: sign-ins of the users above, "
	    "password and MFA changes, and requests from the source "
	    "addresses in the timeline.\n");
	md_printf(m, "%zu. **Review support access**: your administrators "
	    "can list access requests (`custos requests TENANT`), revoke "
	    "any still open, and read every log entry about your tenant "
	    "(`custos access-log TENANT`).\n", step++);
	md_printf(m, "%zu. **Contact us**: %s, quoting your tenant ", step++,
	    REPORT_CONTACT);
	md_code(m, tenant);
	md_puts(m, " and this window.\n\n");
}

/* How to verify the report without trusting us. */
static void
tenant_verify(struct md *m, const struct report *r, const json_t *t,
    const char *stem)
{
	const char *tenant = cli_jstr(t, "tenant"), *k;
	char tmp[REPORT_CODE_MAX + 8];

	md_puts(m, "## How to verify this report\n\n");
	md_printf(m, "`%s.json` holds, for every entry in the timeline, the "
	    "leaf the log holds (`leaf`, base64: it reveals nothing about "
	    "you), the entry sealed under your tenant's log key (`sealed`) "
	    "and an inclusion proof (`proof`) against a checkpoint of the "
	    "log signed with the log's key (`checkpoint`, tree size %" PRId64
	    ").\n\n", stem, r->cp.size);
	md_puts(m, "1. Get the log's verifier key from us over a channel you "
	    "trust, not only from this report (its copy in the JSON file "
	    "proves only that the file agrees with itself).  It must read:"
	    "\n\n   ```\n   ");
	md_puts(m, code_safe(r->key) ? r->key : "(see the JSON file)");
	md_puts(m, "\n   ```\n\n   Save it as `log.key`.  Your administrators "
	    "also fetch your tenant's log key, which opens the sealed "
	    "entries (`custos tenant-log-key TENANT > logkey.json`).\n");
	md_printf(m, "2. Run the custos command-line tool, which needs no "
	    "server and sends nothing anywhere:\n\n   ```\n   custos verify "
	    "--key log.key --tenant-log %s.json", stem);
	k = shell_word(tmp, sizeof(tmp), tenant);
	if (k != NULL) {
		md_puts(m, " --tenant ");
		md_puts(m, k);
	}
	md_puts(m, " --log-key logkey.json\n   ```\n\n   It ends with "
	    "`verified: N checks passed` (exit status 0) when the "
	    "checkpoint's signature is the key's, every entry is about your "
	    "tenant and opens with its key to the event shown, and every "
	    "entry's proof leads from its leaf to the signed root.\n");
	md_puts(m, "3. Keep the checkpoint (the JSON file's `checkpoint`). "
	    "Later checkpoints of the log must extend it (`custos "
	    "consistency` and `custos verify --old-checkpoint`): a log that "
	    "dropped or changed an entry afterwards cannot pass.\n\n");
	md_puts(m, "This proves that each entry above is in the signed log, "
	    "byte for byte, and is about your tenant.  It does not prove "
	    "that the list is complete: `custos verify --tenant`, run by "
	    "your administrators, proves that no entry about your tenant "
	    "is hidden from them.\n\nWithout custos: a leaf's "
	    "hash is SHA-256(0x00 || leaf bytes), proofs are RFC 9162 "
	    "inclusion proofs (section 2.1.3), the checkpoint is a C2SP "
	    "signed note (tlog-checkpoint, Ed25519), and a leaf is "
	    "custos-leaf-v1 (0x01, a tag, the SHA-256 of the sealed entry, "
	    "XChaCha20-Poly1305 under keys derived from your log key).\n");
}

void
report_md_tenant(struct md *m, const struct report *r, const json_t *t,
    const char *stem, const int64_t *idx, size_t n)
{
	tenant_head(m, r, t, stem, idx, n);
	tenant_happened(m, r, t, idx, n);
	tenant_todo(m, r, t);
	tenant_verify(m, r, t, stem);
}

void
report_md_summary(struct md *m, const struct report *r, const json_t *names)
{
	const json_t *sum = json_object_get(r->answer, "summary"), *t, *f;
	static const struct {
		const char *key;
		const char *head;
	} cols[] = {
		{ "events", "events" },
		{ "tenants_acted_upon", "tenants acted upon" },
		{ "tenants_viewed", "viewed" },
		{ "tenants_exposed", "exposed" },
		{ "tenants_attempted", "attempted" },
		{ "denied", "refused attempts" },
	};
	size_t i;

	md_puts(m, "# Scope: ");
	md_principals(m, r->principals);
	md_puts(m, "\n\n| | |\n|---|---|\n| Window | ");
	md_code(m, cli_jstr(r->answer, "from"));
	md_puts(m, " to ");
	md_code(m, cli_jstr(r->answer, "to"));
	md_puts(m, " (UTC; the end is not included) |\n| Prepared | ");
	md_code(m, r->generated);
	md_printf(m, " |\n| Log checkpoint | size %" PRId64 " |\n| Log key | ",
	    r->cp.size);
	md_code(m, r->key);
	md_puts(m, " |\n\n");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		md_printf(m, "| %s ", cols[i].head);
	md_puts(m, "|\n");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		md_puts(m, "|---");
	md_puts(m, "|\n");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		const json_t *v = json_object_get(sum, cols[i].key);

		if (json_is_integer(v))
			md_printf(m, "| %" JSON_INTEGER_FORMAT " ",
			    json_integer_value(v));
		else
			md_puts(m, "| - ");
	}
	md_puts(m, "|\n\n## Tenants\n\n");
	if (json_array_size(r->tenants) == 0) {
		md_puts(m, "No tenant was touched or exposed in the window: "
		    "there is no report to send.\n");
		return;
	}
	md_puts(m, "| tenant | name | exposure | first | last | actions | "
	    "users affected | refused | report |\n"
	    "|---|---|---|---|---|---|---|---|---|\n");
	json_array_foreach(r->tenants, i, t) {
		f = json_array_get(names, i);
		md_puts(m, "| ");
		md_code(m, cli_jstr(t, "tenant"));
		md_puts(m, " | ");
		md_text(m, cli_jstr(t, "name"));
		md_puts(m, " | ");
		md_exposure(m, cli_jstr(t, "exposure"));
		md_puts(m, " | ");
		md_code(m, cli_jstr(t, "first"));
		md_puts(m, " | ");
		md_code(m, cli_jstr(t, "last"));
		md_puts(m, " | ");
		md_counts(m, json_object_get(t, "actions"));
		md_puts(m, " | ");
		md_list(m, json_object_get(t, "users_affected"));
		md_puts(m, " | ");
		md_counts(m, json_object_get(t, "denied"));
		md_puts(m, " | ");
		md_code(m, cli_jstr(f, "md"));
		md_puts(m, ", ");
		md_code(m, cli_jstr(f, "json"));
		md_puts(m, " |\n");
	}
	md_puts(m, "\n## Sending the reports\n\nEach tenant's administrators "
	    "get its two files: the page (`.md`) and the evidence (`.json`)."
	    "  Before sending, replace the contact placeholder in each page "
	    "(`" REPORT_CONTACT "`).  Give customers the log's verifier key "
	    "(above) over a channel they trust, apart from the report.\n\n"
	    "Check a report the way the customer will:\n\n```\ncustos "
	    "log-key > log.key\ncustos tenant-log-key TENANT > logkey.json\n"
	    "custos verify --key log.key --tenant-log TENANT.json --tenant "
	    "TENANT --log-key logkey.json\n```\n\nEvery proof was checked "
	    "against the signed checkpoint before these files were "
	    "written.\n");
}
