/* SPDX-License-Identifier: ISC */
/*
 * witclient: one witness, asked over HTTP with libcurl; see witclient.h.
 */
#include "tlog/witclient.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "common/str.h"
#include "tlog/cosig.h"

#define URL_MAX 1024
#define ANSWER_MAX 8192

struct witclient {
	char url[URL_MAX];              /* .../add-checkpoint */
	struct cosig_key key;
	int64_t old;                    /* what it cosigned last, we think */
};

struct witclient *
witclient_new(const char *spec, struct err *e)
{
	struct witclient *w;
	const char *eq = strchr(spec, '=');
	size_t ulen;

	if (eq == NULL || eq == spec || (strncmp(spec, "http://", 7) != 0 &&
	    strncmp(spec, "https://", 8) != 0)) {
		err_bad_request(e, "--witness must be URL=KEY with an http(s) "
		    "URL");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	ulen = (size_t)(eq - spec);
	while (ulen > 0 && spec[ulen - 1] == '/')
		ulen--;
	if (ulen + sizeof("/add-checkpoint") > sizeof(w->url)) {
		err_bad_request(e, "--witness URL is too long");
		goto fail;
	}
	memcpy(w->url, spec, ulen);
	memcpy(w->url + ulen, "/add-checkpoint", sizeof("/add-checkpoint"));
	if (cosig_verifier_parse(&w->key, eq + 1, e) == -1)
		goto fail;
	return w;
fail:
	free(w);
	return NULL;
}

void
witclient_free(struct witclient *w)
{
	free(w);
}

const char *
witclient_name(const struct witclient *w)
{
	return w->key.name;
}

const struct cosig_key *
witclient_key(const struct witclient *w)
{
	return &w->key;
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	return buf_append(b, p, size * n) == -1 ? 0 : size * n;
}

/* The request body from old: "old N", the proof, a blank line, note. */
static int
request_body(struct witclient *w, const char *note, size_t len,
    const struct checkpoint *cp, witclient_proof_fn proof, void *arg,
    struct buf *out, struct err *e)
{
	merkle_hash hs[MERKLE_PROOF_MAX];
	char b64[sodium_base64_ENCODED_LEN(MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL)];
	size_t n = 0, i;

	buf_reset(out);
	if (w->old > 0 && w->old < cp->size && proof(arg, w->old, cp->size,
	    hs, &n, e) == -1)
		return -1;
	if (buf_printf(out, "old %lld\n", (long long)w->old) == -1)
		return err_internal(e, "request too large");
	for (i = 0; i < n; i++) {
		sodium_bin2base64(b64, sizeof(b64), hs[i], MERKLE_HASH,
		    sodium_base64_VARIANT_ORIGINAL);
		if (buf_printf(out, "%s\n", b64) == -1)
			return err_internal(e, "request too large");
	}
	if (buf_puts(out, "\n") == -1 || buf_append(out, note, len) == -1)
		return err_internal(e, "request too large");
	return 0;
}

/* One POST: 0 with *status and the answer, -1 when not answered. */
static int
post(struct witclient *w, const struct buf *body, long *status,
    struct buf *answer, struct err *e)
{
	struct curl_slist *h = NULL;
	CURL *c;
	CURLcode cc;

	buf_reset(answer);
	c = curl_easy_init();
	if (c == NULL)
		return err_internal(e, "cannot start libcurl");
	h = curl_slist_append(h, "Content-Type: text/plain");
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body->len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)WITCLIENT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, answer);
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (cc != CURLE_OK)
		return err_internal(e, "witness %s: %s", w->key.name,
		    curl_easy_strerror(cc));
	return 0;
}

/* Keeps the answer's line by the witness that verifies over note. */
static int
keep_cosig(struct witclient *w, const char *note, size_t len,
    const struct buf *answer, struct buf *out, struct err *e)
{
	struct buf both;
	const char *p, *nl, *end;
	uint64_t ts;
	int rc = -1;

	buf_init(&both, NOTE_MAX);
	p = answer->data != NULL ? answer->data : "";
	end = p + answer->len;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		buf_reset(&both);
		if (buf_append(&both, note, len) == -1 ||
		    buf_append(&both, p, (size_t)(nl - p) + 1) == -1)
			continue;
		if (cosig_find(both.data, both.len, &w->key, &ts, e) != 1)
			continue;
		rc = buf_append(out, p, (size_t)(nl - p) + 1);
		goto out;
	}
	err_internal(e, "witness %s answered no valid cosignature",
	    w->key.name);
out:
	buf_cleanup(&both);
	return rc;
}

int
witclient_cosign(struct witclient *w, const char *note, size_t len,
    const struct checkpoint *cp, witclient_proof_fn proof, void *arg,
    struct buf *out, struct err *e)
{
	struct buf body, answer;
	long status = 0;
	int64_t theirs;
	int tries, rc = -1;

	buf_init(&body, NOTE_MAX + 64 * 64);
	buf_init(&answer, ANSWER_MAX);
	if (w->old > cp->size)
		w->old = 0;
	for (tries = 0; tries < 2; tries++) {
		if (request_body(w, note, len, cp, proof, arg, &body, e) == -1 ||
		    post(w, &body, &status, &answer, e) == -1)
			goto out;
		if (status != 409)
			break;
		/* It tells the size it cosigned last: once more from there. */
		while (answer.len > 0 && answer.data[answer.len - 1] == '\n')
			answer.data[--answer.len] = '\0';
		if (answer.data == NULL || num_parse_i64(&theirs, answer.data,
		    0, cp->size) == -1) {
			err_set(e, 409, "conflict", "witness %s has cosigned a "
			    "larger tree than %lld, or answered no size",
			    w->key.name, (long long)cp->size);
			rc = 1;
			goto out;
		}
		w->old = theirs;
	}
	if (status != 200) {
		while (answer.len > 0 && answer.data[answer.len - 1] == '\n')
			answer.data[--answer.len] = '\0';
		err_set(e, (int)status, "refused", "witness %s refused the "
		    "checkpoint of size %lld: %ld %.120s", w->key.name,
		    (long long)cp->size, status, answer.data != NULL ?
		    answer.data : "");
		rc = 1;
		goto out;
	}
	if (keep_cosig(w, note, len, &answer, out, e) == -1)
		goto out;
	w->old = cp->size;
	rc = 0;
out:
	buf_cleanup(&answer);
	buf_cleanup(&body);
	return rc;
}
