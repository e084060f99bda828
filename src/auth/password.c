/* SPDX-License-Identifier: ISC */
#include "auth/password.h"

#include <sodium.h>
#include <string.h>

#include "auth/hashslots.h"
#include "common/err.h"

/* Set once by password_setup() before any thread starts. */
static unsigned long long pw_ops;
static size_t pw_mem;
static char pw_dummy[crypto_pwhash_STRBYTES];

int
password_setup(unsigned long long opslimit, size_t memlimit)
{
	pw_ops = opslimit ? opslimit : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	pw_mem = memlimit ? memlimit : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (pw_ops < crypto_pwhash_OPSLIMIT_MIN)
		pw_ops = crypto_pwhash_OPSLIMIT_MIN;
	if (pw_mem < crypto_pwhash_MEMLIMIT_MIN)
		pw_mem = crypto_pwhash_MEMLIMIT_MIN;
	hashslots_setup(0, 0);
	return crypto_pwhash_str_alg(pw_dummy, "custos-dummy-password", 21,
	    pw_ops, pw_mem, crypto_pwhash_ALG_ARGON2ID13);
}

int
password_hash_in_slot(char out[REC_PWHASH_MAX], const char *pw, size_t len,
    struct err *e)
{
	int rc;

	if (hashslots_take(e) == -1)
		return -1;
	rc = crypto_pwhash_str_alg(out, pw, len, pw_ops, pw_mem,
	    crypto_pwhash_ALG_ARGON2ID13);
	hashslots_put();
	return rc == 0 ? 0 : err_internal(e, "cannot hash the password");
}

int
password_hash(char out[REC_PWHASH_MAX], const char *pw, size_t len)
{
	struct err e;

	err_init(&e);
	return password_hash_in_slot(out, pw, len, &e);
}

int
password_verify(const char *hash, const char *pw, size_t len)
{
	if (hash == NULL || hash[0] == '\0') {
		if (crypto_pwhash_str_verify(pw_dummy, pw, len) == 0)
			return -1;
		return -1;
	}
	return crypto_pwhash_str_verify(hash, pw, len) == 0 ? 0 : -1;
}

int
password_hash_valid(const char *s)
{
	size_t n = strlen(s);

	if (n >= REC_PWHASH_MAX || strncmp(s, "$argon2id$v=19$m=", 17) != 0)
		return 0;
	/* A hash this build could never verify would lock the account. */
	return crypto_pwhash_str_needs_rehash(s, crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN) != -1;
}

int
password_acceptable(const char *pw, size_t len, const char *field,
    struct err *e)
{
	if (len < PASSWORD_MIN || len > PASSWORD_MAX)
		return err_bad_request(e, "field '%s' must be %d to %d bytes "
		    "long", field, PASSWORD_MIN, PASSWORD_MAX);
	if (memchr(pw, '\0', len) != NULL)
		return err_bad_request(e, "field '%s' must not contain NUL",
		    field);
	return 0;
}
