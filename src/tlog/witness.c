/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares public origins and tree hashes only */
/*
 * witness: a C2SP tlog witness's state and checks; see witness.h.
 *
 * The state file holds one line per log, "origin size base64(root)",
 * after a header line; it is rewritten whole (textfile_write) before a
 * cosignature leaves, so a crash never forgets a size it cosigned.
 */
#include "tlog/witness.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/b64.h"
#include "common/num.h"
#include "common/str.h"
#include "common/textfile.h"
#include "tlog/cosig.h"
#include "tlog/merkle.h"
#include "tlog/note.h"

#define STATE_HEADER "custos-witness-state v1\n"
#define PROOF_LINES_MAX 63

struct wlog {
	char origin[NOTE_NAME_MAX];
	struct note_verifier key;
	int known;                      /* configured: accepted */
	int64_t size;                   /* cosigned; 0: none yet */
	merkle_hash root;
};

struct witness {
	const char *name;
	const uint8_t *sk;
	const char *state_path;
	pthread_mutex_t mu;
	struct wlog logs[WITNESS_LOGS_MAX];
	size_t nlogs;
};

static struct wlog *
log_find(struct witness *w, const char *origin, size_t len)
{
	size_t i;

	for (i = 0; i < w->nlogs; i++)
		if (strlen(w->logs[i].origin) == len &&
		    memcmp(w->logs[i].origin, origin, len) == 0)
			return &w->logs[i];
	return NULL;
}

/* Parses a decimal size: no sign, no leading zero but "0". */
static int
size_parse(int64_t *out, const char *s, size_t n)
{
	char tmp[24];

	if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return num_parse_i64(out, tmp, 0, INT64_MAX);
}

/* One state line "origin size root" (without its newline). */
static int
state_line(struct witness *w, const char *s, size_t n, struct err *e)
{
	const char *sp1, *sp2;
	struct wlog *l;
	size_t hl;

	sp1 = memchr(s, ' ', n);
	sp2 = sp1 == NULL ? NULL : memchr(sp1 + 1, ' ', n - (size_t)(sp1 -
	    s) - 1);
	if (sp2 == NULL || (size_t)(sp1 - s) >= NOTE_NAME_MAX)
		return err_internal(e, "%s: malformed line", w->state_path);
	l = log_find(w, s, (size_t)(sp1 - s));
	if (l == NULL) {
		/* A log no longer configured: kept, refused. */
		if (w->nlogs == WITNESS_LOGS_MAX)
			return err_internal(e, "%s: too many logs",
			    w->state_path);
		l = &w->logs[w->nlogs++];
		memset(l, 0, sizeof(*l));
		memcpy(l->origin, s, (size_t)(sp1 - s));
	}
	if (size_parse(&l->size, sp1 + 1, (size_t)(sp2 - sp1 - 1)) == -1 ||
	    b64_decode(l->root, sizeof(l->root), &hl, sp2 + 1,
	    n - (size_t)(sp2 - s) - 1) == -1 || hl != MERKLE_HASH)
		return err_internal(e, "%s: malformed line for %s",
		    w->state_path, l->origin);
	return 0;
}

static int
state_load(struct witness *w, struct err *e)
{
	struct buf b;
	const char *p, *end, *nl;
	int found, rc = -1;

	buf_init(&b, WITNESS_STATE_MAX);
	found = textfile_read(&b, w->state_path, WITNESS_STATE_MAX, e);
	if (found != 0) {
		rc = found == 1 ? 0 : -1;
		goto out;
	}
	if (b.len < strlen(STATE_HEADER) || memcmp(b.data, STATE_HEADER,
	    strlen(STATE_HEADER)) != 0 || b.data[b.len - 1] != '\n') {
		err_internal(e, "%s is not a custos witness state file",
		    w->state_path);
		goto out;
	}
	p = b.data + strlen(STATE_HEADER);
	end = b.data + b.len;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (state_line(w, p, (size_t)(nl - p), e) == -1)
			goto out;
	}
	rc = 0;
out:
	buf_cleanup(&b);
	return rc;
}

static int
state_save(struct witness *w, struct err *e)
{
	char root[sodium_base64_ENCODED_LEN(MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL)];
	struct buf b;
	size_t i;
	int rc = -1;

	buf_init(&b, WITNESS_STATE_MAX);
	if (buf_puts(&b, STATE_HEADER) == -1)
		goto out;
	for (i = 0; i < w->nlogs; i++) {
		const struct wlog *l = &w->logs[i];

		if (l->size == 0)
			continue;
		sodium_bin2base64(root, sizeof(root), l->root, MERKLE_HASH,
		    sodium_base64_VARIANT_ORIGINAL);
		if (buf_printf(&b, "%s %lld %s\n", l->origin,
		    (long long)l->size, root) == -1)
			goto out;
	}
	rc = textfile_write(w->state_path, b.data, b.len, 0600, e);
out:
	if (rc == -1 && e->msg[0] == '\0')
		err_internal(e, "witness state too large");
	buf_cleanup(&b);
	return rc;
}

struct witness *
witness_new(const struct witness_config *cfg, struct err *e)
{
	struct witness *w;
	size_t i;

	if (cfg->nlogs == 0 || cfg->nlogs > WITNESS_LOGS_MAX ||
	    !note_name_valid(cfg->name)) {
		err_bad_request(e, "a witness needs a valid name and 1 to %d "
		    "logs", WITNESS_LOGS_MAX);
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	w->name = cfg->name;
	w->sk = cfg->sk;
	w->state_path = cfg->state_path;
	pthread_mutex_init(&w->mu, NULL);
	for (i = 0; i < cfg->nlogs; i++) {
		struct wlog *l = &w->logs[w->nlogs];

		if (note_verifier_parse(&l->key, cfg->logs[i], e) == -1)
			goto fail;
		if (log_find(w, l->key.name, strlen(l->key.name)) != NULL) {
			err_bad_request(e, "two keys for the log %s",
			    l->key.name);
			goto fail;
		}
		str_copy(l->origin, sizeof(l->origin), l->key.name);
		l->known = 1;
		w->nlogs++;
	}
	if (state_load(w, e) == -1)
		goto fail;
	return w;
fail:
	witness_free(w);
	return NULL;
}

void
witness_free(struct witness *w)
{
	if (w == NULL)
		return;
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void
witness_answer_init(struct witness_answer *a)
{
	a->status = 500;
	a->type = "text/plain; charset=utf-8";
	buf_init(&a->body, 4096);
}

void
witness_answer_cleanup(struct witness_answer *a)
{
	buf_cleanup(&a->body);
}

/* The answer: status and one line of text. */
static void
answer(struct witness_answer *a, int status, const char *s)
{
	a->status = status;
	buf_reset(&a->body);
	if (buf_printf(&a->body, "%s\n", s) == -1)
		buf_reset(&a->body);
}

/* The request, split: the old size, the proof, the note. */
struct addreq {
	int64_t old;
	merkle_hash proof[PROOF_LINES_MAX];
	size_t nproof;
	const char *note;
	size_t note_len;
};

static int
addreq_parse(struct addreq *r, const char *s, size_t len, struct err *e)
{
	const char *p = s, *end = s + len, *nl;
	size_t hl;

	memset(r, 0, sizeof(*r));
	nl = memchr(p, '\n', len);
	if (nl == NULL || nl - p < 5 || memcmp(p, "old ", 4) != 0 ||
	    size_parse(&r->old, p + 4, (size_t)(nl - p - 4)) == -1)
		return err_bad_request(e, "the first line must be 'old SIZE'");
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return err_bad_request(e, "lines must end in newlines");
		if (nl == p)
			break;
		if (r->nproof == PROOF_LINES_MAX)
			return err_bad_request(e, "more than %d proof lines",
			    PROOF_LINES_MAX);
		if (b64_decode(r->proof[r->nproof], MERKLE_HASH, &hl, p,
		    (size_t)(nl - p)) == -1 || hl != MERKLE_HASH)
			return err_bad_request(e, "proof line %zu is not the "
			    "base64 of a hash", r->nproof + 1);
		r->nproof++;
	}
	if (p >= end || nl == NULL || nl + 1 >= end)
		return err_bad_request(e, "no checkpoint after the blank line");
	r->note = nl + 1;
	r->note_len = (size_t)(end - r->note);
	return 0;
}

/* Whether the checkpoint extends what l holds: 0, or -1 with why. */
static int
consistent(const struct wlog *l, const struct addreq *r,
    const struct checkpoint *cp, struct err *e)
{
	merkle_hash empty;

	if (cp->size == 0) {
		merkle_empty_root(empty);
		if (memcmp(empty, cp->root, MERKLE_HASH) != 0)
			return err_bad_request(e, "a checkpoint of size 0 must "
			    "have the empty tree's root");
	}
	if (r->old == 0)
		return r->nproof == 0 ? 0 : err_bad_request(e, "a proof from "
		    "size 0 must be empty");
	if (merkle_verify_consistency(r->old, cp->size, l->root, cp->root,
	    r->proof, r->nproof) != 0)
		return err_bad_request(e, "the checkpoint is not consistent "
		    "with the one of size %lld cosigned before",
		    (long long)r->old);
	return 0;
}

/* Checks the log's signature and parses the checkpoint: 0, or the
 * status of the refusal. */
static int
open_checkpoint(struct witness *w, const struct addreq *r,
    struct wlog **lp, struct checkpoint *cp, size_t *body, struct err *e)
{
	const char *nl;

	nl = memchr(r->note, '\n', r->note_len);
	*lp = nl == NULL ? NULL : log_find(w, r->note, (size_t)(nl -
	    r->note));
	if (*lp == NULL || !(*lp)->known) {
		err_set(e, 404, "not_found", "unknown log origin");
		return 404;
	}
	if (note_open(r->note, r->note_len, &(*lp)->key, body, e) == -1)
		return 403;
	if (checkpoint_parse(cp, r->note, *body, e) == -1)
		return 400;
	if (r->old > cp->size) {
		err_bad_request(e, "old size %lld is above the checkpoint's "
		    "size %lld", (long long)r->old, (long long)cp->size);
		return 400;
	}
	return 0;
}

/* Under w->mu: the checks against the state, the new state, the
 * cosignature. */
static void
add_locked(struct witness *w, struct wlog *l, const struct addreq *r,
    const struct checkpoint *cp, size_t body, uint64_t now,
    struct witness_answer *a, struct err *e)
{
	struct wlog was = *l;
	char num[32];

	if (r->old != l->size) {
		str_printf(num, sizeof(num), "%lld", (long long)l->size);
		answer(a, 409, num);
		a->type = WITNESS_SIZE_TYPE;
		return;
	}
	if (consistent(l, r, cp, e) == -1) {
		answer(a, 422, e->msg);
		return;
	}
	l->size = cp->size;
	memcpy(l->root, cp->root, MERKLE_HASH);
	if (state_save(w, e) == -1) {
		*l = was;
		answer(a, 500, e->msg);
		return;
	}
	buf_reset(&a->body);
	if (cosig_sign(&a->body, r->note, body, w->name, w->sk, now) == -1) {
		answer(a, 500, "cannot cosign");
		return;
	}
	a->status = 200;
}

void
witness_add_checkpoint(struct witness *w, const char *req, size_t len,
    uint64_t now, struct witness_answer *a)
{
	struct addreq *r;
	struct checkpoint cp;
	struct wlog *l = NULL;
	struct err e;
	size_t body = 0;
	int st;

	err_init(&e);
	r = malloc(sizeof(*r));
	if (r == NULL) {
		answer(a, 500, "out of memory");
		return;
	}
	if (now == 0 || len > WITNESS_BODY_MAX ||
	    addreq_parse(r, req, len, &e) == -1) {
		answer(a, 400, e.msg[0] != '\0' ? e.msg :
		    "request too large");
		goto out;
	}
	st = open_checkpoint(w, r, &l, &cp, &body, &e);
	if (st != 0) {
		answer(a, st, e.msg);
		goto out;
	}
	pthread_mutex_lock(&w->mu);
	add_locked(w, l, r, &cp, body, now, a, &e);
	pthread_mutex_unlock(&w->mu);
out:
	free(r);
}

int
witness_size(struct witness *w, const char *origin, int64_t *size)
{
	struct wlog *l;
	int rc = -1;

	pthread_mutex_lock(&w->mu);
	l = log_find(w, origin, strlen(origin));
	if (l != NULL) {
		*size = l->size;
		rc = 0;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}
