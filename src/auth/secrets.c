/* SPDX-License-Identifier: ISC */
#include "auth/secrets.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "common/log.h"
#include "common/str.h"
#include "store/seal.h"
#include "tlog/keyfile.h"
#include "tlog/sealer.h"

#define MASTER_BYTES 32
#define KDF_CONTEXT "custosec"  /* crypto_kdf_CONTEXTBYTES */
#define KDF_SEAL 1
#define KDF_BLIND 2
#define KDF_LOG 3               /* the master seal key of the log */
#define KDF_USER_HANDLE 4       /* WebAuthn user handles (passkey.h) */

_Static_assert(sizeof(KDF_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES,
    "a kdf context");

static uint8_t blind_key[crypto_generichash_KEYBYTES];
static uint8_t handle_key[crypto_generichash_KEYBYTES];
static int blind_keyed;
static pthread_once_t blind_once = PTHREAD_ONCE_INIT;

int
secrets_setup(const char *dir, struct err *e)
{
	uint8_t *master = sodium_malloc(MASTER_BYTES);
	uint8_t sub[SEAL_KEY_BYTES];
	char path[4096];
	int rc = -1, found;

	if (master == NULL)
		return err_internal(e, "out of memory");
	if (str_printf(path, sizeof(path), "%s/%s", dir, SECRETS_FILE) ==
	    -1) {
		err_internal(e, "the data directory's name is too long");
		goto out;
	}
	found = keyfile_load_bytes(master, MASTER_BYTES, path, e);
	if (found == -1)
		goto out;
	if (found == 1) {
		randombytes_buf(master, MASTER_BYTES);
		if (keyfile_write_bytes(master, MASTER_BYTES, path, e) == -1)
			goto out;
	}
	crypto_kdf_derive_from_key(sub, sizeof(sub), KDF_SEAL, KDF_CONTEXT,
	    master);
	seal_setup(sub);
	crypto_kdf_derive_from_key(blind_key, sizeof(blind_key), KDF_BLIND,
	    KDF_CONTEXT, master);
	crypto_kdf_derive_from_key(handle_key, sizeof(handle_key),
	    KDF_USER_HANDLE, KDF_CONTEXT, master);
	crypto_kdf_derive_from_key(sub, sizeof(sub), KDF_LOG, KDF_CONTEXT,
	    master);
	sealer_setup(sub);
	blind_keyed = 1;
	rc = 0;
out:
	sodium_memzero(sub, sizeof(sub));
	sodium_free(master);
	return rc;
}

struct seal_job {
	const struct store_ops *ops;
	int64_t sealed;
};

static int
apply_seal(struct store_conn *c, void *arg, struct err *e)
{
	struct seal_job *j = arg;

	return j->ops->totp_seal_clear(c, &j->sealed, e);
}

int
secrets_seal_stored(struct store *st, struct err *e)
{
	struct seal_job j = {store_ops(st), 0};
	struct store_job job = {apply_seal, NULL, &j};

	if (store_write(st, &job, NULL, e) == -1)
		return -1;
	if (j.sealed > 0)
		log_info("sealed %lld TOTP seeds stored in clear under %s",
		    (long long)j.sealed, SECRETS_FILE);
	return 0;
}

/* Without secrets_setup: a key of this process only. */
static void
blind_default(void)
{
	if (!blind_keyed) {
		randombytes_buf(blind_key, sizeof(blind_key));
		randombytes_buf(handle_key, sizeof(handle_key));
	}
	blind_keyed = 1;
}

void
secrets_blind(char *out, size_t size, const char *context,
    const char *name)
{
	crypto_generichash_state st;
	uint8_t h[16];
	char hex[2 * sizeof(h) + 1];

	pthread_once(&blind_once, blind_default);
	crypto_generichash_init(&st, blind_key, sizeof(blind_key),
	    sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)context,
	    strlen(context) + 1);
	crypto_generichash_update(&st, (const unsigned char *)name,
	    strlen(name));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	str_printf(out, size, SECRETS_BLIND_PREFIX "%s", hex);
}

void
secrets_user_handle(uint8_t out[SECRETS_USER_HANDLE_LEN], int principal,
    const char *tenant, const char *id)
{
	crypto_generichash_state st;
	char kind[16];

	pthread_once(&blind_once, blind_default);
	str_printf(kind, sizeof(kind), "%d", principal);
	crypto_generichash_init(&st, handle_key, sizeof(handle_key),
	    SECRETS_USER_HANDLE_LEN);
	crypto_generichash_update(&st, (const unsigned char *)kind,
	    strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)tenant,
	    strlen(tenant) + 1);
	crypto_generichash_update(&st, (const unsigned char *)id, strlen(id));
	crypto_generichash_final(&st, out, SECRETS_USER_HANDLE_LEN);
}
