/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the store's sweeps of authentication rows (the sweeper's
 * auth pass): expired logins and reset tokens go, live ones stay; throttle
 * rows past their window go unless they hold a lock; the rows of chosen
 * keys (blinded unknown names, addresses) are capped with the oldest
 * evicted, and an account's row is never evicted by the cap.  And the
 * TOTP seed a row stores is sealed: read back through the store it opens,
 * read raw it is not the seed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "auth_world.h"

struct sweep_job {
	int64_t now, before, keep, removed;
	const char *prefix;
};

static int
sweep_apply(struct store_conn *c, const struct store_ops *o, void *arg,
    struct err *e)
{
	struct sweep_job *j = arg;

	if (j->prefix != NULL)
		return o->throttle_trim(c, j->prefix, j->keep, &j->removed, e);
	return o->auth_sweep(c, j->now, j->before, &j->removed, e);
}

static void
throttle_row(struct world *w, const char *key, int64_t last, int64_t lock)
{
	struct rec_throttle t;

	memset(&t, 0, sizeof(t));
	str_copy(t.key, sizeof(t.key), key);
	t.failures = 1;
	t.last_failure = last;
	t.locked_until = lock;
	WORLD_PUT(w, ops->throttle_put, &t);
}

static int
has_throttle(struct world *w, const char *key)
{
	struct store_conn *c = world_reader(w);
	struct rec_throttle t;
	struct err e;
	int rc;

	err_init(&e);
	rc = ops->throttle_get(c, key, &t, &e);
	store_reader_put(w->s, c);
	assert_int_not_equal(rc, -1);
	return rc == 0;
}

static void
sweep_removes_expired_logins_resets_and_idle_throttle_rows(void **state)
{
	struct world *w = *state;
	struct rec_login l;
	struct rec_reset r;
	struct sweep_job j;
	int i;

	for (i = 0; i < 2; i++) {
		memset(&l, 0, sizeof(l));
		id_new(l.id, "login");
		str_copy(l.engineer_id, sizeof(l.engineer_id), w->eng.id);
		str_copy(l.device_id, sizeof(l.device_id), w->dev.id);
		l.expires = i == 0 ? W_NOW - 1 : W_NOW + 100;
		WORLD_PUT(w, ops->login_insert, &l);
		memset(&r, 0, sizeof(r));
		randombytes_buf(r.token_hash, sizeof(r.token_hash));
		str_copy(r.tenant_id, sizeof(r.tenant_id), w->tenant.id);
		str_copy(r.user_id, sizeof(r.user_id), w->user.id);
		r.expires = i == 0 ? W_NOW - 1 : W_NOW + 100;
		WORLD_PUT(w, ops->reset_insert, &r);
	}
	throttle_row(w, "ip:192.0.2.1", W_NOW - 2000, 0);      /* idle */
	throttle_row(w, "ip:192.0.2.2", W_NOW - 10, W_NOW + 5);  /* live */
	throttle_row(w, "eng:ada", W_NOW - 2000, W_NOW + 600);   /* locked */
	memset(&j, 0, sizeof(j));
	j.now = W_NOW;
	j.before = W_NOW - 900;
	world_apply(w, sweep_apply, &j);
	assert_int_equal(j.removed, 3);         /* a login, a reset, a row */
	assert_false(has_throttle(w, "ip:192.0.2.1"));
	assert_true(has_throttle(w, "ip:192.0.2.2"));
	assert_true(has_throttle(w, "eng:ada"));
	world_apply(w, sweep_apply, &j);
	assert_int_equal(j.removed, 0);
}

static void
chosen_keys_are_capped_oldest_first(void **state)
{
	struct world *w = *state;
	struct sweep_job j;
	char key[64];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "unk:blind:%02d", i);
		throttle_row(w, key, W_NOW + i, 0);
	}
	throttle_row(w, "usr:ten_x:hank", W_NOW - 5000, 0);
	throttle_row(w, "unl:neighbour", W_NOW - 5000, 0);
	memset(&j, 0, sizeof(j));
	j.prefix = "unk:";
	j.keep = 2;
	world_apply(w, sweep_apply, &j);
	assert_int_equal(j.removed, 3);
	assert_false(has_throttle(w, "unk:blind:02"));
	assert_true(has_throttle(w, "unk:blind:03"));
	assert_true(has_throttle(w, "unk:blind:04"));
	assert_true(has_throttle(w, "usr:ten_x:hank"));
	assert_true(has_throttle(w, "unl:neighbour"));
}

static void
stored_totp_seed_is_sealed(void **state)
{
	struct world *w = *state;
	struct rec_engineer e;
	struct store_conn *c;
	sqlite3 *db;
	sqlite3_stmt *s;
	struct err er;
	const void *blob;
	int n;

	err_init(&er);
	c = world_reader(w);
	assert_int_equal(ops->engineer_get(c, w->eng.id, &e, &er), 0);
	store_reader_put(w->s, c);
	assert_int_equal(e.totp.len, w->eng.totp.len);
	assert_memory_equal(e.totp.secret, w->eng.totp.secret, e.totp.len);
	assert_int_equal(sqlite3_open(w->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT totp_secret FROM "
	    "engineers WHERE id = ?1", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, w->eng.id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	blob = sqlite3_column_blob(s, 0);
	n = sqlite3_column_bytes(s, 0);
	assert_int_equal(n, (int)e.totp.len + 41);
	assert_null(memmem(blob, (size_t)n, e.totp.secret, 8));
	sqlite3_finalize(s);
	sqlite3_close(db);
	rec_engineer_wipe(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, world_teardown)
		T(sweep_removes_expired_logins_resets_and_idle_throttle_rows),
		T(chosen_keys_are_capped_oldest_first),
		T(stored_totp_seed_is_sealed),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
