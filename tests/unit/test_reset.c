/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/reset without HTTP, on a real SQLite store and a mail
 * outbox: a password reset mails a single-use link (masked address in the
 * answer, only the token's hash stored), the old password works until it
 * is used, using it sets the password and ends the user's sessions, it
 * serves once (also when two uses race) and expires; a weak new password
 * is refused; an MFA reset clears enrolment and sessions so the next login
 * enrols; mail of a reset that was not committed is never delivered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>

#include "auth/reset.h"
#include "auth/session.h"
#include "auth/tenant_login.h"
#include "auth_world.h"

static int
pw_apply(struct store_conn *c, const struct store_ops *o, void *run,
    struct err *e)
{
	return reset_password_apply(c, o, run, e);
}

static int
mfa_apply(struct store_conn *c, const struct store_ops *o, void *run,
    struct err *e)
{
	return reset_mfa_apply(c, o, run, e);
}

static int
complete_apply(struct store_conn *c, const struct store_ops *o, void *run,
    struct err *e)
{
	return reset_complete_apply(c, o, run, e);
}

static int
login_apply(struct store_conn *c, const struct store_ops *o, void *run,
    struct err *e)
{
	return tenant_login_apply(c, o, run, e);
}

static void
mail_of(struct world *w, struct reset_mail *m)
{
	m->outbox_dir = w->outbox;
	m->from = "custos@example.net";
	m->public_url = "https://custos.example.net";
	m->tenant_name = w->tenant.name;
}

/* The messages in the outbox's sub (tmp, new); the last one's text goes
 * to text[size] when text is not NULL. */
static int
mails(struct world *w, const char *sub, char *text, size_t size)
{
	char path[256];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	str_printf(path, sizeof(path), "%s/%s", w->outbox, sub);
	dir = opendir(path);
	assert_non_null(dir);
	while ((d = readdir(dir)) != NULL) {
		FILE *f;
		size_t len;

		if (d->d_name[0] == '.')
			continue;
		n++;
		if (text == NULL)
			continue;
		str_printf(path, sizeof(path), "%s/%s/%s", w->outbox, sub,
		    d->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		len = fread(text, 1, size - 1, f);
		text[len] = '\0';
		fclose(f);
	}
	closedir(dir);
	return n;
}

/* Starts, commits and delivers a password reset of marge; her link's
 * token goes to token[TOKEN_MAX + 1]. */
static void
reset_marge(struct world *w, struct reset_run *run, char *token)
{
	struct reset_mail m;
	char text[4096];
	const char *t;
	struct err e;
	size_t n = 0;

	mail_of(w, &m);
	err_init(&e);
	assert_int_equal(reset_password_begin(run, &m, &w->user, w->tenant.id,
	    W_RESET_TTL, W_NOW, &e), 0);
	world_apply(w, pw_apply, run);
	assert_int_equal(reset_deliver(run, &e), 0);
	assert_int_equal(mails(w, "new", text, sizeof(text)), 1);
	assert_non_null(strstr(text, "To: marge@example.org"));
	t = strstr(text, "https://custos.example.net/reset?token=");
	assert_non_null(t);
	t += strlen("https://custos.example.net/reset?token=");
	while (t[n] != '\0' && t[n] != '\r' && n < TOKEN_MAX)
		n++;
	memcpy(token, t, n);
	token[n] = '\0';
	sodium_memzero(text, sizeof(text));
}

static int
complete_read(struct world *w, struct reset_complete_run *run,
    const char *token, const char *pw, int64_t now, struct err *e)
{
	struct store_conn *c = world_reader(w);
	int rc;

	err_init(e);
	rc = reset_complete(run, c, ops, &w->p, token, pw, W_SOURCE, now, e);
	store_reader_put(w->s, c);
	attempt_release(&run->a);       /* the keys are held until commit */
	return rc;
}

/* A session of user u, stored. */
static void
session_of(struct world *w, const struct rec_user *u, struct rec_session *s)
{
	char token[TOKEN_MAX + 1];

	assert_int_equal(session_new(s, token, sizeof(token),
	    PRINCIPAL_TENANT_USER, u->id, w->tenant.id, "", "", W_SOURCE,
	    W_NOW - 60, 3600), 0);
	WORLD_PUT(w, ops->session_insert, s);
	assert_true(world_session_exists(w, s->id));
}

static const char new_pw[] = "a brand new password 42";

static void
reset_link_is_mailed_masked_and_single_use(void **state)
{
	struct world *w = *state;
	struct reset_complete_run done;
	struct reset_run run;
	struct rec_session s;
	struct rec_reset r;
	struct rec_user u;
	char token[TOKEN_MAX + 1];
	uint8_t hash[TOKEN_HASH_LEN];
	struct store_conn *c;
	struct err e, d;

	session_of(w, &w->user, &s);
	reset_marge(w, &run, token);
	assert_memory_equal(token, "crt_", 4);
	/* The answer's address is masked; the store has the hash only. */
	assert_null(strstr(run.masked, "marge"));
	assert_non_null(strstr(run.masked, "@"));
	assert_int_equal(run.reset.expires, W_NOW + W_RESET_TTL);
	token_hash(hash, token);
	assert_memory_equal(hash, run.reset.token_hash, sizeof(hash));
	c = world_reader(w);
	assert_int_equal(ops->reset_get(c, hash, &r, &e), 0);
	store_reader_put(w->s, c);
	assert_string_equal(r.user_id, w->user.id);
	reset_run_cleanup(&run);
	/* Cleaning up after delivery leaves the mail delivered. */
	assert_int_equal(mails(w, "new", NULL, 0), 1);
	assert_int_equal(mails(w, "tmp", NULL, 0), 0);

	/* Until the link is used the old password stays. */
	world_user_get(w, w->user.id, &u);
	assert_int_equal(password_verify(u.password_hash, W_PASSWORD,
	    strlen(W_PASSWORD)), 0);

	assert_int_equal(complete_read(w, &done, token, new_pw, W_NOW + 60,
	    &e), 0);
	assert_null(done.a.fail_reason);
	assert_string_equal(done.r.user_id, w->user.id);
	assert_string_equal(done.r.tenant_id, w->tenant.id);
	world_apply(w, complete_apply, &done);
	assert_null(done.a.fail_reason);
	world_user_get(w, w->user.id, &u);
	assert_int_equal(password_verify(u.password_hash, new_pw,
	    strlen(new_pw)), 0);
	assert_int_not_equal(password_verify(u.password_hash, W_PASSWORD,
	    strlen(W_PASSWORD)), 0);
	assert_false(world_session_exists(w, s.id));

	/* A second use: the token is gone. */
	assert_int_equal(complete_read(w, &done, token, "yet another password",
	    W_NOW + 120, &e), 0);
	assert_string_equal(done.a.fail_reason, "reset_token_unknown");
	world_apply(w, complete_apply, &done);
	attempt_refusal(&done.a, &d);
	assert_int_equal(d.status, 400);
	assert_string_equal(d.reason, "reset_token_unknown");
	assert_string_equal(d.msg, "field 'token' is not a valid reset token "
	    "(unknown, used or expired)");
	world_user_get(w, w->user.id, &u);
	assert_int_equal(password_verify(u.password_hash, new_pw,
	    strlen(new_pw)), 0);
	rec_user_wipe(&u);
	reset_complete_run_wipe(&done);
}

static void
reset_token_is_taken_once_when_uses_race(void **state)
{
	struct world *w = *state;
	struct reset_complete_run a, b;
	struct reset_run run;
	struct rec_user u;
	char token[TOKEN_MAX + 1];
	struct err e;

	reset_marge(w, &run, token);
	reset_run_cleanup(&run);
	assert_int_equal(complete_read(w, &a, token, new_pw, W_NOW + 1, &e),
	    0);
	assert_int_equal(complete_read(w, &b, token, "the racing password",
	    W_NOW + 1, &e), 0);
	assert_null(a.a.fail_reason);
	assert_null(b.a.fail_reason);
	world_apply(w, complete_apply, &a);
	world_apply(w, complete_apply, &b);
	assert_null(a.a.fail_reason);
	assert_string_equal(b.a.fail_reason, "reset_token_used");
	world_user_get(w, w->user.id, &u);
	assert_int_equal(password_verify(u.password_hash, new_pw,
	    strlen(new_pw)), 0);
	rec_user_wipe(&u);
}

static void
reset_token_expires(void **state)
{
	struct world *w = *state;
	struct reset_complete_run done;
	struct reset_run run;
	char token[TOKEN_MAX + 1];
	struct err e;

	reset_marge(w, &run, token);
	reset_run_cleanup(&run);
	assert_int_equal(complete_read(w, &done, token, new_pw,
	    W_NOW + W_RESET_TTL, &e), 0);
	assert_string_equal(done.a.fail_reason, "reset_token_expired");
	world_apply(w, complete_apply, &done);
	assert_string_equal(done.a.fail_reason, "reset_token_expired");
	assert_int_equal(done.a.fail_status, 400);
}

static void
reset_refuses_a_weak_password(void **state)
{
	struct world *w = *state;
	struct reset_complete_run done;
	struct err e;

	assert_int_equal(complete_read(w, &done, "crt_whatever", "short",
	    W_NOW, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "new_password"));
}

static void
mfa_reset_clears_enrolment(void **state)
{
	struct world *w = *state;
	struct tenant_login_run login;
	struct reset_mail m;
	struct reset_run run;
	struct rec_session s;
	struct rec_user u;
	char text[4096], token[TOKEN_MAX + 1], uri[TENANT_LOGIN_URI_MAX];
	struct store_conn *c;
	struct err e;

	session_of(w, &w->admin, &s);
	mail_of(w, &m);
	err_init(&e);
	assert_int_equal(reset_mfa_begin(&run, &m, &w->admin, w->tenant.id, 1,
	    &e), 0);
	world_apply(w, mfa_apply, &run);
	assert_int_equal(reset_deliver(&run, &e), 0);
	reset_run_cleanup(&run);
	assert_int_equal(mails(w, "new", text, sizeof(text)), 1);
	assert_non_null(strstr(text, "was reset by support"));

	world_user_get(w, w->admin.id, &u);
	assert_false(u.mfa_enrolled);
	assert_int_equal(u.totp.len, 0);
	assert_false(world_session_exists(w, s.id));

	/* The old factor's code is refused; the next login enrols anew. */
	c = world_reader(w);
	assert_int_equal(tenant_login(&login, c, ops, &w->p, w->tenant.id,
	    "hank", W_PASSWORD, NULL, W_SOURCE, W_NOW, token, sizeof(token),
	    uri, sizeof(uri), &e), 0);
	store_reader_put(w->s, c);
	assert_true(login.enrol);
	assert_memory_equal(uri, "otpauth://", 10);
	assert_memory_not_equal(login.user.totp.secret, w->admin.totp.secret,
	    TOTP_SECRET_BYTES);
	world_apply(w, login_apply, &login);
	tenant_login_run_wipe(&login);
	rec_user_wipe(&u);
}

static void
mail_of_an_uncommitted_reset_is_never_delivered(void **state)
{
	struct world *w = *state;
	struct reset_mail m;
	struct reset_run run;
	struct err e;

	mail_of(w, &m);
	err_init(&e);
	assert_int_equal(reset_password_begin(&run, &m, &w->user, w->tenant.id,
	    W_RESET_TTL, W_NOW, &e), 0);
	assert_int_equal(mails(w, "tmp", NULL, 0), 1);
	reset_run_cleanup(&run);
	assert_int_equal(mails(w, "tmp", NULL, 0), 0);
	assert_int_equal(mails(w, "new", NULL, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, world_teardown)
		T(reset_link_is_mailed_masked_and_single_use),
		T(reset_token_is_taken_once_when_uses_race),
		T(reset_token_expires),
		T(reset_refuses_a_weak_password),
		T(mfa_reset_clears_enrolment),
		T(mail_of_an_uncommitted_reset_is_never_delivered),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
