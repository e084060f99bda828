/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/hashslots and auth/inflight: no more hashes at once
 * than slots, a caller with none free is refused (503) after a bounded
 * wait, a slot given back is taken again; attempts under way per key are
 * capped and counted back down.  Also auth/secrets' blinding: stable per
 * context and name, different across contexts, never the name itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "auth/hashslots.h"
#include "auth/inflight.h"
#include "auth/secrets.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
slots_bound_concurrent_hashes_and_refuse_after_a_short_wait(void **state)
{
	struct err e;
	double t0;
	int i;

	(void)state;
	hashslots_setup(2, 1);
	assert_int_equal(hashslots_count(), 2);
	err_init(&e);
	for (i = 0; i < 2; i++)
		assert_int_equal(hashslots_take(&e), 0);
	t0 = now_ms();
	assert_int_equal(hashslots_take(&e), -1);
	assert_true(now_ms() - t0 >= HASHSLOTS_WAIT_MS - 10);
	assert_true(now_ms() - t0 < HASHSLOTS_WAIT_MS + 1000);
	assert_int_equal(e.status, 503);
	hashslots_put();
	assert_int_equal(hashslots_take(&e), 0);
	hashslots_put();
	hashslots_put();
}

static void
inflight_caps_attempts_per_key(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(inflight_enter("ip:192.0.2.1", 3), 0);
	assert_int_equal(inflight_enter("ip:192.0.2.1", 3), -1);
	assert_int_equal(inflight_enter("ip:192.0.2.2", 3), 0);
	inflight_leave("ip:192.0.2.1");
	assert_int_equal(inflight_enter("ip:192.0.2.1", 3), 0);
	for (i = 0; i < 3; i++)
		inflight_leave("ip:192.0.2.1");
	inflight_leave("ip:192.0.2.2");
	/* Many keys come and go without filling the table. */
	for (i = 0; i < 3 * INFLIGHT_KEYS; i++) {
		char key[32];

		snprintf(key, sizeof(key), "eng:user%d", i);
		assert_int_equal(inflight_enter(key, 1), 0);
		assert_int_equal(inflight_enter(key, 1), -1);
		inflight_leave(key);
	}
}

static void
blinded_names_correlate_but_do_not_read(void **state)
{
	char a[SECRETS_BLIND_LEN + 1], b[SECRETS_BLIND_LEN + 1];
	char c[SECRETS_BLIND_LEN + 1];

	(void)state;
	secrets_blind(a, sizeof(a), "usr:ten_a:", "hunter2 password");
	secrets_blind(b, sizeof(b), "usr:ten_a:", "hunter2 password");
	secrets_blind(c, sizeof(c), "usr:ten_b:", "hunter2 password");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), SECRETS_BLIND_LEN);
	assert_memory_equal(a, SECRETS_BLIND_PREFIX,
	    strlen(SECRETS_BLIND_PREFIX));
	assert_null(strstr(a, "hunter2"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    slots_bound_concurrent_hashes_and_refuse_after_a_short_wait),
		cmocka_unit_test(inflight_caps_attempts_per_key),
		cmocka_unit_test(blinded_names_correlate_but_do_not_read),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
