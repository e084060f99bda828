/* SPDX-License-Identifier: ISC */
/* invite_link: the token out of a link, a bare token or the mail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli/invite_link.h"

#define TOK "civ_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst"
#define TOK2 "civ_bbcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst"

static int
find(char *out, const char *text)
{
	return invite_link_token(out, INVITE_TOKEN_LEN + 1, text,
	    strlen(text));
}

static void
test_bare_token_and_link_give_the_token(void **state)
{
	char out[INVITE_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(find(out, TOK), 0);
	assert_string_equal(out, TOK);
	assert_int_equal(find(out, "  " TOK "\r\n"), 0);
	assert_string_equal(out, TOK);
	assert_int_equal(find(out, "http://localhost:8443/#/invite/" TOK),
	    0);
	assert_string_equal(out, TOK);
}

static void
test_the_mail_gives_its_one_link(void **state)
{
	char out[INVITE_TOKEN_LEN + 1];
	const char *mail = "From: custos <no-reply@custos.invalid>\r\n"
	    "To: ana@sitel.example\r\nSubject: Your invitation\r\n\r\n"
	    "Hello ana,\r\n\r\n  https://custos.example/#/invite/" TOK
	    "\r\n\r\nAgain: https://custos.example/#/invite/" TOK "\r\n";

	(void)state;
	assert_int_equal(find(out, mail), 0);
	assert_string_equal(out, TOK);
}

static void
test_refuses_what_is_not_one_token_of_our_shape(void **state)
{
	char out[INVITE_TOKEN_LEN + 1], small[8];

	(void)state;
	assert_int_equal(find(out, ""), -1);
	assert_int_equal(find(out, "no link here"), -1);
	/* two different links: which one was meant is not ours to guess */
	assert_int_equal(find(out, "/#/invite/" TOK " /#/invite/" TOK2), -1);
	/* wrong prefix, short, long, upper case, a reset token */
	assert_int_equal(find(out, "/#/invite/cse_abcdefghijklmnopqrstuvwxyz"
	    "234567abcdefghijklmnopqrst"), -1);
	assert_int_equal(find(out, "/#/invite/civ_abc"), -1);
	assert_int_equal(find(out, "/#/invite/" TOK "a"), -1);
	assert_int_equal(find(out, "/#/invite/CIV_ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "234567ABCDEFGHIJKLMNOPQRST"), -1);
	assert_int_equal(find(out, "https://x/reset?token=" TOK), -1);
	assert_int_equal(invite_link_token(small, sizeof(small), TOK,
	    strlen(TOK)), -1);
	/* a NUL inside stops the token */
	assert_int_equal(invite_link_token(out, sizeof(out),
	    "/#/invite/civ_ab\0cdefghijklmnopqrstuvwxyz234567abcdefghijklmnopq",
	    sizeof("/#/invite/civ_ab\0cdefghijklmnopqrstuvwxyz234567abcdefghijklmnopq") - 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_token_and_link_give_the_token),
		cmocka_unit_test(test_the_mail_gives_its_one_link),
		cmocka_unit_test(
		    test_refuses_what_is_not_one_token_of_our_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
