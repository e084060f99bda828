/* SPDX-License-Identifier: ISC */
/*
 * verify_witness: the cosignature checks of `custos verify --witness`;
 * see verify_witness.h.
 */
#include "cli/verify_witness.h"

#include <string.h>
#include <sys/stat.h>

#include "common/num.h"
#include "common/str.h"

#define WITNESS_KEYS_FILE_MAX ((size_t)64 << 10)

/* Parses the white-space separated keys of text into w. */
static int
keys_parse(struct verify *v, struct verify_witnesses *w, char *text)
{
	struct err e;
	char *p = text, *end;

	for (;;) {
		p += strspn(p, " \t\r\n");
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t\r\n");
		if (*end != '\0')
			*end++ = '\0';
		if (w->n == VERIFY_WITNESSES_MAX)
			return cli_usage(v->ctx, "--witness: more than %d keys",
			    VERIFY_WITNESSES_MAX);
		err_init(&e);
		if (cosig_verifier_parse(&w->keys[w->n], p, &e) == -1)
			return cli_usage(v->ctx, "--witness: %s", e.msg);
		w->n++;
		p = end;
	}
	return w->n == 0 ? cli_usage(v->ctx, "--witness: no key given") :
	    CLI_OK;
}

int
verify_witnesses_load(struct verify *v, struct verify_witnesses *w,
    const char *keys, const char *min)
{
	struct stat st;
	struct buf b;
	char arg[4096];
	int rc;

	memset(w, 0, sizeof(*w));
	w->min = 1;
	if (min != NULL && num_parse_i64(&w->min, min, 1,
	    VERIFY_WITNESSES_MAX) == -1)
		return cli_usage(v->ctx, "--min must be from 1 to %d",
		    VERIFY_WITNESSES_MAX);
	if (lstat(keys, &st) == 0) {
		buf_init(&b, WITNESS_KEYS_FILE_MAX);
		if (cli_read_file(&b, keys, 1) == -1) {
			buf_cleanup(&b);
			return CLI_FAIL;
		}
		rc = b.len == 0 || memchr(b.data, '\0', b.len) != NULL ?
		    cli_usage(v->ctx, "--witness %s: no keys", keys) :
		    keys_parse(v, w, b.data);
		buf_cleanup(&b);
	} else if (str_copy(arg, sizeof(arg), keys) == -1) {
		rc = cli_usage(v->ctx, "--witness: too long");
	} else {
		rc = keys_parse(v, w, arg);
	}
	if (rc == CLI_OK && w->min > (int64_t)w->n)
		rc = cli_usage(v->ctx, "--min %lld is more than the %zu "
		    "witness keys given", (long long)w->min, w->n);
	return rc;
}

void
verify_witnesses_check(struct verify *v, const struct verify_witnesses *w,
    const char *file, const struct buf *note)
{
	struct err e;
	uint64_t ts;
	size_t i, good = 0;
	json_t *rec;
	int rc;

	for (i = 0; i < w->n; i++) {
		const struct cosig_key *k = &w->keys[i];

		err_init(&e);
		rc = cosig_find(note->data, note->len, k, &ts, &e);
		if (rc == 1) {
			good++;
			rec = verify_report(v, 1, 0, "cosignature", file, -1,
			    "cosignature: %s (key id %02x%02x%02x%02x) cosigned "
			    "the checkpoint at %llu", k->name, k->key_id[0],
			    k->key_id[1], k->key_id[2], k->key_id[3],
			    (unsigned long long)ts);
			verify_rec_str(rec, "witness", k->name);
		} else if (rc == 0) {
			/* Not a failure by itself: the count decides. */
			rec = verify_report(v, 1, 0, "cosignature", file, -1,
			    "cosignature: none by witness %s", k->name);
			verify_rec_str(rec, "witness", k->name);
		} else {
			rec = verify_report(v, 0, 0, "cosignature", file, -1,
			    "cosignature: %s: %s", file, e.msg);
			verify_rec_str(rec, "witness", k->name);
		}
	}
	verify_report(v, good >= (size_t)w->min, 0, "cosignatures", file, -1,
	    "cosignatures: %zu valid of the %lld required (%zu witness keys)",
	    good, (long long)w->min, w->n);
}
