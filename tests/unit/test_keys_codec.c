/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the posting lists' encoding (src/store/keys_codec.c):
 * entries added are found again, each in the rows of its principals
 * only, with its index, time and (on the engineer's and vendor's rows)
 * its scope columns, in row order (chunk, kind, key); the chunks' time
 * bounds; a damaged list is refused, never read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "store/keys_codec.h"
#include "store/store.h"

#define FIRST 65400             /* crosses chunk 0 -> 1 */
#define N 400

struct prep {
	char actor[16], vendor[16], tenant[16], device[16], session[16];
	char source[16], action[300], target[16];
	struct rec_entry en;
};

static void
prep_make(struct prep *p, int64_t i)
{
	int eng = i % 4 != 0;

	memset(p, 0, sizeof(*p));
	str_printf(p->actor, sizeof(p->actor), "a%d", (int)(i % 5));
	str_printf(p->vendor, sizeof(p->vendor), "v%d", (int)(i % 2));
	if (i % 7 != 0)
		str_printf(p->tenant, sizeof(p->tenant), "t%d", (int)(i % 3));
	str_printf(p->device, sizeof(p->device), "d%d", (int)(i % 6));
	str_printf(p->session, sizeof(p->session), "s%d", (int)(i / 40));
	str_printf(p->source, sizeof(p->source), "ip%d", (int)(i % 2));
	str_printf(p->target, sizeof(p->target), "u%d", (int)(i % 9));
	if (i % 31 == 0) {
		memset(p->action, 'y', 290);    /* too long for the cols */
		p->action[290] = '\0';
	} else {
		str_copy(p->action, sizeof(p->action), i % 2 ? "user.get" :
		    "ticket.list");
	}
	p->en.index = FIRST + i;
	/* Times go back and forth: zig-zag deltas of both signs. */
	p->en.time = 1790000000 + i / 3 - (i % 5 == 0 ? 100 : 0);
	p->en.time_ms = i % 11 == 0 ? 0 : p->en.time * 1000 + i % 1000;
	p->en.actor_id = p->actor;
	p->en.engineer_id = eng ? p->actor : "";
	p->en.vendor_id = p->vendor;
	p->en.tenant_id = p->tenant;
	p->en.action = p->action;
	p->en.session_id = p->session;
	p->en.device_id = p->device;
	p->en.source = p->source;
	p->en.allowed = i % 3 != 0;
	p->en.target = p->target;
}

/* The key of kind for entry p ("" or NULL: none). */
static const char *
key_of(const struct prep *p, int kind)
{
	switch (kind) {
	case SP_ENGINEER:
		return p->en.engineer_id;
	case SP_DEVICE:
		return p->device;
	case SP_SESSION:
		return p->session;
	case SP_VENDOR:
		return p->en.engineer_id[0] != '\0' ? p->vendor : "";
	case SP_SOURCE:
		return p->source;
	default:
		return p->tenant;
	}
}

static void
test_round_trip(void **state)
{
	struct keys_buf k;
	struct keys_row r;
	struct prep p;
	int seen[N][SP_COUNT];
	int64_t prev_chunk = -1, i;
	int prev_kind = -1;
	char prev_key[32] = "";
	size_t g, ng;

	(void)state;
	memset(&k, 0, sizeof(k));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < N; i++) {
		prep_make(&p, i);
		assert_int_equal(keys_add(&k, &p.en), 0);
	}
	ng = keys_groups(&k);
	assert_true(ng > 20);
	assert_int_equal(keys_sort(&k), 0);
	for (g = 0; g < ng; g++) {
		struct keys_iter it;
		struct keys_cols kc;
		char key[32];
		int64_t n = 0, tmin = INT64_MAX, tmax = INT64_MIN, last = -1;
		int rc;

		assert_int_equal(keys_row(&k, g, &r), 0);
		assert_true(r.key_len < sizeof(key));
		memcpy(key, r.key, r.key_len);
		key[r.key_len] = '\0';
		/* Row order: chunk, kind, key. */
		assert_true(r.chunk > prev_chunk || (r.chunk == prev_chunk &&
		    (r.kind > prev_kind || (r.kind == prev_kind &&
		    strcmp(key, prev_key) > 0))));
		prev_chunk = r.chunk;
		prev_kind = r.kind;
		str_copy(prev_key, sizeof(prev_key), key);
		assert_int_equal(r.cols, keys_has_cols(r.kind));
		keys_iter_init(&it, r.first, r.t0, r.n, r.list, r.len, r.cols);
		while ((rc = keys_iter_next(&it)) == 1) {
			int64_t j = it.idx - FIRST;

			assert_true(j >= 0 && j < N);
			assert_true(it.idx > last);
			last = it.idx;
			assert_int_equal(it.idx >> KEYS_CHUNK_SHIFT, r.chunk);
			prep_make(&p, j);
			assert_int_equal(it.t, p.en.time);
			assert_string_equal(key_of(&p, r.kind), key);
			seen[j][r.kind]++;
			tmin = it.t < tmin ? it.t : tmin;
			tmax = it.t > tmax ? it.t : tmax;
			n++;
			if (!it.cols)
				continue;
			assert_int_equal(keys_iter_cols(&it, &kc, NULL), 0);
			if (p.en.time_ms == 0 || strlen(p.action) > 255) {
				assert_int_equal(kc.present, 0);
				continue;
			}
			assert_int_equal(kc.present, 1);
			assert_int_equal(kc.ms, p.en.time_ms % 1000);
			assert_int_equal(kc.allowed, p.en.allowed);
			assert_string_equal(kc.str[0], p.actor);
			assert_string_equal(kc.str[1], p.tenant);
			assert_string_equal(kc.str[2], p.action);
			assert_string_equal(kc.str[3], p.en.allowed &&
			    strncmp(p.action, "user.", 5) == 0 ? p.target :
			    "");
		}
		assert_int_equal(rc, 0);
		assert_int_equal(n, r.n);
		assert_int_equal(r.tmin, tmin);
		assert_int_equal(r.tmax, tmax);
	}
	/* Every entry is in exactly the rows of its principals. */
	for (i = 0; i < N; i++) {
		int kind;

		prep_make(&p, i);
		for (kind = 0; kind < SP_COUNT; kind++)
			assert_int_equal(seen[i][kind],
			    key_of(&p, kind)[0] != '\0' ? 1 : 0);
	}
	/* The chunks' bounds. */
	{
		int64_t chunk, tmin, tmax;
		size_t at = 0;
		int nch = 0;

		while (keys_chunk(&k, &at, &chunk, &tmin, &tmax)) {
			int64_t lo = INT64_MAX, hi = INT64_MIN;

			for (i = 0; i < N; i++) {
				prep_make(&p, i);
				if (p.en.index >> KEYS_CHUNK_SHIFT != chunk)
					continue;
				lo = p.en.time < lo ? p.en.time : lo;
				hi = p.en.time > hi ? p.en.time : hi;
			}
			assert_int_equal(tmin, lo);
			assert_int_equal(tmax, hi);
			nch++;
		}
		assert_int_equal(nch, 2);
	}
	keys_discard(&k);
	assert_int_equal(keys_groups(&k), 0);
	keys_free(&k);
}

/* A list cut anywhere is refused, not read past. */
static void
test_damaged(void **state)
{
	struct keys_buf k;
	struct keys_row r;
	struct prep p;
	uint8_t *copy;
	size_t cut;
	int64_t i;

	(void)state;
	memset(&k, 0, sizeof(k));
	for (i = 1; i < 60; i++) {
		prep_make(&p, i);
		p.en.engineer_id = "e";
		p.en.time_ms = p.en.time * 1000 + 5;
		str_copy(p.action, sizeof(p.action), "user.get");
		assert_int_equal(keys_add(&k, &p.en), 0);
	}
	assert_int_equal(keys_sort(&k), 0);
	assert_int_equal(keys_row(&k, 0, &r), 0);
	assert_int_equal(r.kind, SP_ENGINEER);
	for (cut = 0; cut < r.len; cut++) {
		struct keys_iter it;
		struct keys_cols kc;
		int rc, bad = 0;

		copy = malloc(cut + 1);
		assert_non_null(copy);
		memcpy(copy, r.list, cut);
		keys_iter_init(&it, r.first, r.t0, r.n, copy, cut, 1);
		while ((rc = keys_iter_next(&it)) == 1)
			if (keys_iter_cols(&it, &kc, NULL) == -1) {
				bad = 1;
				break;
			}
		assert_true(bad || rc == -1);
		free(copy);
	}
	keys_free(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
