/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes what custos verify --tenant reads from outside (tlog/tenantcheck):
 * an entry bundle of W leaves (first byte: W - 1, then the bundle's
 * bytes), which must either be refused with a message or append exactly W
 * leaves; and, after a valid bundle holding two of the tenant's sealed
 * leaves, the rest of the input as one access-log entry object, which
 * must be refused with a message unless it is one of those two entries
 * as sealed.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "tlog/leaf.h"
#include "tlog/tenantcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_bundle(const struct leaf_keys *k, const uint8_t *data, size_t size)
{
	struct tenantcheck tc;
	struct range r;
	struct err e;
	int width = data[0] + 1;

	range_init(&r);
	err_init(&e);
	if (tenantcheck_init(&tc, k, "acme", &r) == -1)
		abort();
	if (tenantcheck_bundle(&tc, 0, data + 1, size - 1, width, &e) == 0) {
		if (tc.r.size != width || tc.nown > (size_t)width)
			abort();
	} else if (e.msg[0] == '\0' || tc.nown > (size_t)width) {
		abort();
	}
	tenantcheck_cleanup(&tc);
}

static void
fuzz_entry(const struct leaf_keys *k, const uint8_t *data, size_t size)
{
	static const char ev[] = "{\"v\":1,\"tenant\":\"acme\"}";
	uint8_t leaf[LEAF_BYTES], bundle[2 * (2 + LEAF_BYTES)];
	struct tenantcheck tc;
	struct buf sealed;
	struct range r;
	struct err e;
	int64_t ix;
	json_t *en;
	int i;

	buf_init(&sealed, 4096);
	for (i = 0; i < 2; i++) {
		buf_reset(&sealed);
		err_init(&e);
		if (leaf_seal(leaf, &sealed, k, i, ev, strlen(ev), &e) == -1)
			abort();
		bundle[i * 51] = 0;
		bundle[i * 51 + 1] = LEAF_BYTES;
		memcpy(bundle + i * 51 + 2, leaf, LEAF_BYTES);
	}
	range_init(&r);
	if (tenantcheck_init(&tc, k, "acme", &r) == -1 ||
	    tenantcheck_bundle(&tc, 0, bundle, sizeof(bundle), 2, &e) == -1 ||
	    tc.nown != 2)
		abort();
	en = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL);
	if (en != NULL) {
		err_init(&e);
		/* A fresh seal is never guessed: every input is refused. */
		if (tenantcheck_entry(&tc, en, &ix, &e) == 0 ||
		    e.msg[0] == '\0')
			abort();
		json_decref(en);
	}
	tenantcheck_cleanup(&tc);
	buf_cleanup(&sealed);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct leaf_keys k;
	static int ready;
	uint8_t lk[LEAF_KEY_BYTES];

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		memset(lk, 7, sizeof(lk));
		leaf_keys_derive(&k, lk);
		ready = 1;
	}
	if (size < 2)
		return 0;
	if (data[0] & 1)
		fuzz_entry(&k, data + 1, size - 1);
	else
		fuzz_bundle(&k, data + 1, size - 1);
	return 0;
}
