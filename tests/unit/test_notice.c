/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of mail/notice without HTTP: a notice is staged for each
 * active admin of the tenant only (not suspended admins, not users, not
 * other tenants' admins), reaches new/ only when delivered, and leaves
 * nothing when discarded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "access_fixture.h"

/* The one file in outbox/new, read into out. */
static void
read_new(struct fx *f, char *out, size_t size)
{
	char p[300];
	struct dirent *d;
	DIR *dir;
	FILE *fp;
	size_t n;

	str_printf(p, sizeof(p), "%s/new", f->outbox);
	dir = opendir(p);
	assert_non_null(dir);
	do
		d = readdir(dir);
	while (d != NULL && d->d_name[0] == '.');
	assert_non_null(d);
	str_printf(p, sizeof(p), "%s/new/%s", f->outbox, d->d_name);
	closedir(dir);
	fp = fopen(p, "r");
	assert_non_null(fp);
	n = fread(out, 1, size - 1, fp);
	out[n] = '\0';
	fclose(fp);
}

static void
a_notice_goes_to_the_active_admins_of_the_tenant_after_delivery(
    void **state)
{
	struct fx *f = *state;
	struct store_conn *c = fx_reader(f);
	struct notice n;
	struct err e;
	char text[4096];

	notice_init(&n, &f->mail);
	err_init(&e);
	assert_int_equal(notice_stage(&n, c, f->ops, "ten_req", "Hello",
	    "Body text\r\n", &e), 0);
	store_reader_put(f->s, c);
	assert_int_equal((int)n.n, 1);
	assert_int_equal(fx_mail(f, "tmp"), 1);
	assert_int_equal(fx_mail(f, "new"), 0);
	notice_deliver(&n);
	notice_discard(&n);             /* nothing left to discard */
	assert_int_equal(fx_mail(f, "tmp"), 0);
	assert_int_equal(fx_mail(f, "new"), 1);
	read_new(f, text, sizeof(text));
	assert_non_null(strstr(text, "To: ten_req@example.test"));
	assert_non_null(strstr(text, "Subject: Hello"));
	assert_null(strstr(text, "old-ten_req"));
	assert_null(strstr(text, "user-ten_req"));
}

static void
a_discarded_notice_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct store_conn *c = fx_reader(f);
	struct notice n;
	struct err e;

	notice_init(&n, &f->mail);
	err_init(&e);
	assert_int_equal(notice_stage(&n, c, f->ops, "ten_auto", "Hello",
	    "Body\r\n", &e), 0);
	assert_int_equal(notice_stage(&n, c, f->ops, "ten_deny", "Hello",
	    "Body\r\n", &e), 0);
	store_reader_put(f->s, c);
	assert_int_equal(fx_mail(f, "tmp"), 2);
	notice_discard(&n);
	assert_int_equal(fx_mail(f, "tmp"), 0);
	assert_int_equal(fx_mail(f, "new"), 0);
	/* A tenant without admins: nothing staged, no error. */
	c = fx_reader(f);
	notice_init(&n, &f->mail);
	assert_int_equal(notice_stage(&n, c, f->ops, "ten_none", "Hello",
	    "Body\r\n", &e), 0);
	store_reader_put(f->s, c);
	assert_int_equal((int)n.n, 0);
}

/* Issue 16: a notice with an attachment (an incident's report): the
 * text part, then the attachment in base64 lines that decode to its
 * bytes; the same admins only; a name that could break the header is
 * refused and leaves nothing staged. */
static void
a_notice_carries_its_attachment_in_base64(void **state)
{
	static const char doc[] = "{\"format\":\"custos-scope-report/1\","
	    "\"tenant\":\"ten_req\",\"entries\":[]}";
	struct fx *f = *state;
	struct store_conn *c = fx_reader(f);
	struct notice n;
	struct err e;
	char text[8192], b64[512], *p, *q;
	unsigned char raw[512];
	size_t staged = 9, len = 0, k = 0;

	notice_init(&n, &f->mail);
	err_init(&e);
	assert_int_equal(notice_stage_attach(&n, c, f->ops, "ten_req",
	    "Security incident: x", "What to do.\n", "report-inc_1.json",
	    doc, strlen(doc), &staged, &e), 0);
	assert_int_equal((int)staged, 1);
	assert_int_equal(notice_stage_attach(&n, c, f->ops, "ten_req", "x",
	    "y", "bad\"name", doc, strlen(doc), &staged, &e), -1);
	store_reader_put(f->s, c);
	/* The failure discarded what this notice had staged. */
	assert_int_equal(fx_mail(f, "tmp"), 0);
	assert_int_equal((int)n.n, 0);

	notice_init(&n, &f->mail);
	c = fx_reader(f);
	assert_int_equal(notice_stage_attach(&n, c, f->ops, "ten_req",
	    "Security incident: x", "What to do.\n", "report-inc_1.json",
	    doc, strlen(doc), &staged, &e), 0);
	store_reader_put(f->s, c);
	notice_deliver(&n);
	read_new(f, text, sizeof(text));
	assert_non_null(strstr(text, "To: ten_req@example.test"));
	assert_non_null(strstr(text, "multipart/mixed; boundary="));
	assert_non_null(strstr(text, "What to do.\n"));
	assert_non_null(strstr(text, "filename=\"report-inc_1.json\""));
	p = strstr(text, "Content-Transfer-Encoding: base64\r\n\r\n");
	assert_non_null(p);
	p += strlen("Content-Transfer-Encoding: base64\r\n\r\n");
	q = strstr(p, "--=_custos_");
	assert_non_null(q);
	for (; p < q && k < sizeof(b64) - 1; p++)
		if (*p != '\r' && *p != '\n')
			b64[k++] = *p;
	b64[k] = '\0';
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), b64, k, NULL,
	    &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal((int)len, (int)strlen(doc));
	assert_memory_equal(raw, doc, len);
	assert_null(strstr(text, "old-ten_req"));
	assert_null(strstr(text, "user-ten_req"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(a_notice_goes_to_the_active_admins_of_the_tenant_after_delivery),
		T(a_discarded_notice_leaves_nothing),
		T(a_notice_carries_its_attachment_in_base64),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
