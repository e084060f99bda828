/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of common/buf: the cap is hard, printf and steal keep the
 * contents NUL-terminated, and a secret buffer is wiped before any of its
 * memory goes back to the allocator.  The last point is observed by
 * wrapping free() (the test is linked with -Wl,--wrap=free): the wrapper
 * copies the block being freed when it is the one a test watches.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

void __real_free(void *p);
void __wrap_free(void *p);

static const void *watched;     /* block whose release we look at */
static size_t watched_len;
static unsigned char seen[4096];
static int seen_freed;

void
__wrap_free(void *p)
{
	if (p != NULL && p == watched) {
		memcpy(seen, p, watched_len < sizeof(seen) ? watched_len :
		    sizeof(seen));
		seen_freed = 1;
		watched = NULL;
	}
	__real_free(p);
}

static void
watch(const void *p, size_t len)
{
	watched = p;
	watched_len = len < sizeof(seen) ? len : sizeof(seen);
	memset(seen, 0xa5, sizeof(seen));
	seen_freed = 0;
}

static int
all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void
append_up_to_cap_succeeds_and_one_more_byte_fails(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_append(&b, "abcd", 4), 0);
	assert_int_equal(buf_append(&b, "efgh", 4), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_append(&b, "i", 1), -1);
	assert_int_equal(buf_puts(&b, "i"), -1);
	/* A refused append changes nothing. */
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "abcdefgh");
	assert_true(b.alloc <= b.max + 1);
	buf_cleanup(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void
many_small_appends_stop_exactly_at_cap(void **state)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(buf_append(&b, "x", 1), 0);
	assert_int_equal(buf_append(&b, "x", 1), -1);
	assert_int_equal(b.len, 1000);
	assert_int_equal(strlen(b.data), 1000);
	assert_true(b.alloc <= 1001);
	buf_cleanup(&b);
}

static void
append_larger_than_cap_at_once_fails(void **state)
{
	struct buf b;
	char big[300];

	memset(big, 'q', sizeof(big));
	buf_init(&b, 299);
	assert_int_equal(buf_append(&b, big, sizeof(big)), -1);
	assert_int_equal(b.len, 0);
	/* SIZE_MAX must not wrap the length check. */
	assert_int_equal(buf_append(&b, big, SIZE_MAX), -1);
	assert_int_equal(buf_append(&b, big, 299), 0);
	assert_int_equal(b.len, 299);
	buf_cleanup(&b);
}

static void
zero_length_append_is_a_noop_that_leaves_an_empty_string(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_append(&b, "", 0), 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_append(&b, "a", 1), -1);
	buf_cleanup(&b);
}

static void
printf_formats_appends_and_respects_cap(void **state)
{
	struct buf b;

	buf_init(&b, 16);
	assert_int_equal(buf_printf(&b, "%s-%d", "ab", 42), 0);
	assert_string_equal(b.data, "ab-42");
	assert_int_equal(b.len, 5);
	assert_int_equal(buf_printf(&b, "/%05u", 7u), 0);
	assert_string_equal(b.data, "ab-42/00007");
	/* 11 + 6 > 16: refused whole, nothing half-written. */
	assert_int_equal(buf_printf(&b, "%s", "123456"), -1);
	assert_string_equal(b.data, "ab-42/00007");
	assert_int_equal(b.len, 11);
	assert_int_equal(buf_printf(&b, "%s", "12345"), 0);
	assert_int_equal(b.len, 16);
	assert_string_equal(b.data, "ab-42/0000712345");
	buf_cleanup(&b);
}

static void
printf_grows_past_the_first_allocation(void **state)
{
	struct buf b;
	size_t i;

	buf_init(&b, 100000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(buf_printf(&b, "%04zu,", i), 0);
	assert_int_equal(b.len, 5000);
	assert_memory_equal(b.data + 4995, "0999,", 5);
	assert_int_equal(b.data[5000], '\0');
	buf_cleanup(&b);
}

static void
steal_hands_over_bytes_and_leaves_buffer_empty(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	buf_init(&b, 64);
	assert_int_equal(buf_puts(&b, "hello"), 0);
	p = buf_steal(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
	assert_string_equal(p, "hello");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
	/* The buffer is usable again, with its cap. */
	assert_int_equal(buf_puts(&b, "again"), 0);
	assert_string_equal(b.data, "again");
	buf_cleanup(&b);
	free(p);
}

static void
steal_of_empty_buffer_gives_empty_string(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p, first;

	buf_init(&b, 64);
	p = buf_steal(&b, &len);
	assert_non_null(p);
	/* Read one byte only: an unterminated block must fail here, not
	 * send a string compare past its end. */
	first = p[0];
	free(p);
	assert_int_equal(len, 0);
	assert_int_equal(first, '\0');
	p = buf_steal(&b, NULL);
	assert_non_null(p);
	first = p[0];
	free(p);
	assert_int_equal(first, '\0');
}

static void
reset_keeps_cap_and_empties(void **state)
{
	struct buf b;

	buf_init(&b, 4);
	assert_int_equal(buf_puts(&b, "abcd"), 0);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_puts(&b, "wxyz"), 0);
	assert_int_equal(buf_puts(&b, "!"), -1);
	buf_cleanup(&b);
}

static void
secret_reset_wipes_the_old_contents(void **state)
{
	static const char pw[] = "hunter2-correct-horse";
	struct buf b;

	buf_init_secret(&b, 256);
	assert_int_equal(buf_puts(&b, pw), 0);
	buf_reset(&b);
	assert_true(all_zero((unsigned char *)b.data, sizeof(pw) - 1));
	buf_cleanup(&b);
}

static void
secret_cleanup_wipes_before_free(void **state)
{
	struct buf b;
	size_t alloc;

	buf_init_secret(&b, 256);
	assert_int_equal(buf_puts(&b, "totp-secret-JBSWY3DPEHPK3PXP"), 0);
	alloc = b.alloc;
	watch(b.data, alloc);
	buf_cleanup(&b);
	assert_true(seen_freed);
	assert_true(all_zero(seen, alloc));
}

static void
secret_growth_wipes_the_old_block_and_keeps_the_bytes(void **state)
{
	char chunk[200];
	struct buf b;
	size_t i, old_alloc;

	memset(chunk, 's', sizeof(chunk));
	buf_init_secret(&b, 4096);
	assert_int_equal(buf_append(&b, chunk, sizeof(chunk)), 0);
	old_alloc = b.alloc;
	watch(b.data, old_alloc);
	/* Past the first block: the secret path copies, wipes, frees. */
	assert_int_equal(buf_append(&b, chunk, sizeof(chunk)), 0);
	assert_true(b.alloc > old_alloc);
	assert_true(seen_freed);
	assert_true(all_zero(seen, old_alloc));
	assert_int_equal(b.len, 400);
	for (i = 0; i < 400; i++)
		assert_int_equal(b.data[i], 's');
	assert_int_equal(b.data[400], '\0');
	watch(b.data, b.alloc);
	buf_cleanup(&b);
	assert_true(seen_freed);
	assert_true(all_zero(seen, 400));
}

/* The control: an ordinary buffer is not wiped, so the watch can see
 * bytes; without this the two tests above could pass vacuously. */
static void
ordinary_cleanup_is_not_wiped_so_the_watch_sees_bytes(void **state)
{
	struct buf b;

	buf_init(&b, 256);
	assert_int_equal(buf_puts(&b, "plain"), 0);
	watch(b.data, 5);
	buf_cleanup(&b);
	assert_true(seen_freed);
	assert_false(all_zero(seen, 5));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    append_up_to_cap_succeeds_and_one_more_byte_fails),
		cmocka_unit_test(many_small_appends_stop_exactly_at_cap),
		cmocka_unit_test(append_larger_than_cap_at_once_fails),
		cmocka_unit_test(
		    zero_length_append_is_a_noop_that_leaves_an_empty_string),
		cmocka_unit_test(printf_formats_appends_and_respects_cap),
		cmocka_unit_test(printf_grows_past_the_first_allocation),
		cmocka_unit_test(
		    steal_hands_over_bytes_and_leaves_buffer_empty),
		cmocka_unit_test(steal_of_empty_buffer_gives_empty_string),
		cmocka_unit_test(reset_keeps_cap_and_empties),
		cmocka_unit_test(secret_reset_wipes_the_old_contents),
		cmocka_unit_test(secret_cleanup_wipes_before_free),
		cmocka_unit_test(
		    secret_growth_wipes_the_old_block_and_keeps_the_bytes),
		cmocka_unit_test(
		    ordinary_cleanup_is_not_wiped_so_the_watch_sees_bytes),
	};

	return cmocka_run_group_tests_name("unit.buf", tests, NULL, NULL);
}
