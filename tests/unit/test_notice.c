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

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(a_notice_goes_to_the_active_admins_of_the_tenant_after_delivery),
		T(a_discarded_notice_leaves_nothing),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
