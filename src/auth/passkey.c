/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* credential ids only: public (browsers send
 * them, step-up options list them); user handles, keyed, are compared
 * with sodium_memcmp. */
#include "auth/passkey.h"

#include <sodium.h>
#include <string.h>

#include "access/standing.h"
#include "auth/session.h"
#include "common/jsonx.h"
#include "common/log.h"
#include "common/str.h"

_Static_assert(REC_CRED_ID_MAX == WEBAUTHN_CRED_ID_MAX, "credential ids");
_Static_assert(REC_PUBKEY_MAX == WEBAUTHN_PUBKEY_MAX, "public keys");
_Static_assert(CHALLENGE_BYTES == WEBAUTHN_CHALLENGE_LEN, "challenges");

/* base64url text of n bytes at most: 4 characters per 3 bytes. */
#define B64_LEN(n) (((n) + 2) / 3 * 4)

/*
 * Field key of obj, base64url without padding, decoded into out[cap]
 * (*len its length).  Absent: -1 with a 400 when required, else 0 with
 * *len 0.
 */
static int
b64_field(uint8_t *out, size_t cap, size_t *len, const json_t *obj,
    const char *key, const char *where, int required, struct err *e)
{
	const char *s;

	*len = 0;
	if (jx_str(&s, obj, key, 0, B64_LEN(cap), required ? JX_REQUIRED :
	    JX_OPTIONAL, e) == -1) {
		e->reason = "bad_request";
		return -1;
	}
	if (s == NULL)
		return 0;
	if (webauthn_b64url_decode(out, cap, len, s) == -1) {
		e->reason = "bad_request";
		return err_bad_request(e, "field '%s%s' must be base64url "
		    "without padding", where, key);
	}
	return 0;
}

/* The credential's envelope: id (and rawId, equal), type; its response
 * object into *resp. */
static int
envelope(uint8_t *raw, size_t *raw_len, const json_t **resp,
    const json_t *cred, const char *const *resp_keys, struct err *e)
{
	static const char *const keys[] = {"id", "rawId", "type", "response",
	    "authenticatorAttachment", "clientExtensionResults", NULL};
	uint8_t other[WEBAUTHN_CRED_ID_MAX];
	size_t other_len;
	const char *type;
	const json_t *r;

	if (!json_is_object(cred)) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'credential' must be an "
		    "object");
	}
	if (jx_only(cred, keys, e) == -1 ||
	    b64_field(raw, WEBAUTHN_CRED_ID_MAX, raw_len, cred, "id",
	    "credential.", 1, e) == -1 ||
	    b64_field(other, sizeof(other), &other_len, cred, "rawId",
	    "credential.", 0, e) == -1 ||
	    jx_str(&type, cred, "type", 1, 32, JX_OPTIONAL, e) == -1) {
		e->reason = "bad_request";
		return -1;
	}
	if (*raw_len == 0 || (other_len != 0 && (other_len != *raw_len ||
	    memcmp(other, raw, other_len) != 0))) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'credential.id' must be the "
		    "credential id (and rawId, when given, the same)");
	}
	if (type != NULL && strcmp(type, "public-key") != 0) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'credential.type' must be "
		    "\"public-key\"");
	}
	r = json_object_get(cred, "response");
	if (!json_is_object(r)) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'credential.response' must "
		    "be an object");
	}
	if (jx_only(r, resp_keys, e) == -1) {
		e->reason = "bad_request";
		return -1;
	}
	*resp = r;
	return 0;
}

int
passkey_parse_attestation(struct passkey_attestation_in *out,
    const json_t *cred, struct err *e)
{
	/* What browsers' toJSON() adds (publicKey, transports...) is
	 * allowed and ignored: the attestation object is what counts. */
	static const char *const keys[] = {"clientDataJSON",
	    "attestationObject", "transports", "authenticatorData",
	    "publicKey", "publicKeyAlgorithm", NULL};
	const json_t *r;

	memset(out, 0, sizeof(*out));
	if (envelope(out->raw_id, &out->raw_id_len, &r, cred, keys, e) == -1 ||
	    b64_field(out->client_data, sizeof(out->client_data),
	    &out->cd_len, r, "clientDataJSON", "credential.response.", 1,
	    e) == -1 ||
	    b64_field(out->attestation, sizeof(out->attestation),
	    &out->att_len, r, "attestationObject", "credential.response.", 1,
	    e) == -1)
		return -1;
	return 0;
}

int
passkey_parse_assertion(struct passkey_assertion_in *out,
    const json_t *cred, struct err *e)
{
	static const char *const keys[] = {"clientDataJSON",
	    "authenticatorData", "signature", "userHandle", NULL};
	const json_t *r, *uh;

	memset(out, 0, sizeof(*out));
	if (envelope(out->raw_id, &out->raw_id_len, &r, cred, keys, e) == -1 ||
	    b64_field(out->client_data, sizeof(out->client_data),
	    &out->cd_len, r, "clientDataJSON", "credential.response.", 1,
	    e) == -1 ||
	    b64_field(out->auth_data, sizeof(out->auth_data), &out->ad_len, r,
	    "authenticatorData", "credential.response.", 1, e) == -1 ||
	    b64_field(out->sig, sizeof(out->sig), &out->sig_len, r,
	    "signature", "credential.response.", 1, e) == -1)
		return -1;
	uh = json_object_get(r, "userHandle");
	if (uh != NULL && !json_is_null(uh)) {
		if (b64_field(out->user_handle, sizeof(out->user_handle),
		    &out->uh_len, r, "userHandle", "credential.response.", 1,
		    e) == -1)
			return -1;
		out->has_user_handle = 1;
	}
	return 0;
}

void
passkey_user_handle(uint8_t out[SECRETS_USER_HANDLE_LEN],
    const struct passkey_who *who)
{
	secrets_user_handle(out, who->principal, who->principal ==
	    PRINCIPAL_TENANT_USER ? who->tenant : "", who->id);
}

void
passkey_id_new(char out[ID_MAX])
{
	uint8_t r[8];

	randombytes_buf(r, sizeof(r));
	memcpy(out, "pk_", 3);
	sodium_bin2hex(out + 3, ID_MAX - 3, r, sizeof(r));
}

int
passkey_register(struct rec_passkey *out, char aaguid[33],
    const struct passkey_who *who, const struct webauthn_rp *rp,
    const struct challenge *ch, const struct passkey_attestation_in *in,
    const char *name, int64_t now, struct err *e)
{
	struct webauthn_cred *cred = sodium_malloc(sizeof(*cred));
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (cred == NULL)
		return err_internal(e, "out of memory");
	if (webauthn_register_verify(cred, rp, ch->bytes, sizeof(ch->bytes),
	    in->client_data, in->cd_len, in->attestation, in->att_len, e) ==
	    -1) {
		e->reason = "bad_attestation";
		goto out;
	}
	/* The id the browser names must be the one the authenticator
	 * attested: the store keys the credential by it. */
	if (cred->id_len != in->raw_id_len ||
	    memcmp(cred->id, in->raw_id, cred->id_len) != 0) {
		e->reason = "bad_attestation";
		err_bad_request(e, "the credential id differs from the one in "
		    "the attestation");
		goto out;
	}
	passkey_id_new(out->id);
	memcpy(out->cred_id, cred->id, cred->id_len);
	out->cred_id_len = cred->id_len;
	out->principal = who->principal;
	str_copy(out->principal_id, sizeof(out->principal_id), who->id);
	if (who->principal == PRINCIPAL_TENANT_USER)
		str_copy(out->tenant_id, sizeof(out->tenant_id), who->tenant);
	if (who->principal == PRINCIPAL_ENGINEER)
		str_copy(out->device_id, sizeof(out->device_id), who->device);
	out->alg = cred->alg;
	memcpy(out->public_key, cred->pubkey, cred->pubkey_len);
	out->public_key_len = cred->pubkey_len;
	out->sign_count = cred->sign_count;
	out->backup_eligible = cred->backup_eligible;
	str_copy(out->name, sizeof(out->name), name != NULL && name[0] !=
	    '\0' ? name : "passkey");
	out->created = now;
	out->status = PASSKEY_ACTIVE;
	sodium_bin2hex(aaguid, 33, cred->aaguid, sizeof(cred->aaguid));
	rc = 0;
out:
	sodium_free(cred);
	return rc;
}

void
passkey_cred_of(struct webauthn_cred *out, const struct rec_passkey *p)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->id, p->cred_id, p->cred_id_len);
	out->id_len = p->cred_id_len;
	out->alg = p->alg;
	memcpy(out->pubkey, p->public_key, p->public_key_len);
	out->pubkey_len = p->public_key_len;
	out->sign_count = (uint32_t)p->sign_count;
	out->backup_eligible = p->backup_eligible;
}

int
passkey_count_ok(int64_t stored, int64_t new_count)
{
	return new_count > stored || (stored == 0 && new_count == 0);
}

/* The person behind run->pk, active and (engineers) on their device and
 * not contained.  Sets run's refusal or the session's parts. */
static int
check_person(struct passkey_sign_in_run *run, struct store_conn *c,
    const struct store_ops *ops, struct err *e)
{
	const struct rec_passkey *pk = &run->pk;
	int found;

	if (pk->principal == PRINCIPAL_ENGINEER) {
		struct rec_engineer en;
		struct rec_device dev;
		const char *why;

		memset(&en, 0, sizeof(en));
		found = ops->engineer_get(c, pk->principal_id, &en, e);
		str_copy(run->vendor_id, sizeof(run->vendor_id),
		    en.vendor_id);
		rec_engineer_wipe(&en);
		if (found == -1)
			return -1;
		if (found == 1 || en.status != STATUS_ACTIVE) {
			attempt_refuse(&run->a, "account_inactive");
			return 0;
		}
		found = ops->device_get(c, pk->device_id, &dev, e);
		if (found == -1)
			return -1;
		if (found == 1 || strcmp(dev.engineer_id, en.id) != 0) {
			attempt_refuse(&run->a, "device_inactive");
			return 0;
		}
		/* A suspended or offboarded vendor, a revoked device
		 * (access/standing.h). */
		found = standing_refuses(c, ops, &en, dev.id, &why, e);
		if (found == -1)
			return -1;
		if (found == 1) {
			attempt_refuse(&run->a, why);
			return 0;
		}
		return attempt_contained(&run->a, c, ops, pk->principal_id,
		    run->vendor_id, pk->device_id, e);
	}
	if (pk->principal == PRINCIPAL_TENANT_USER) {
		struct rec_user u;

		memset(&u, 0, sizeof(u));
		found = ops->user_get(c, pk->tenant_id, pk->principal_id, &u,
		    e);
		run->role = u.role;
		rec_user_wipe(&u);
		if (found == -1)
			return -1;
		if (found == 1 || u.status != STATUS_ACTIVE)
			attempt_refuse(&run->a, "account_inactive");
		return 0;
	}
	if (pk->principal == PRINCIPAL_OPERATOR) {
		struct rec_operator o;

		found = ops->operator_get(c, pk->principal_id, &o, e);
		if (found == -1)
			return -1;
		if (found == 1 || o.status != STATUS_ACTIVE)
			attempt_refuse(&run->a, "account_inactive");
		return 0;
	}
	attempt_refuse(&run->a, "unknown_credential");
	return 0;
}

/* The credential and its assertion.  Sets run's refusal. */
static int
check_assertion(struct passkey_sign_in_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct webauthn_rp *rp,
    const struct challenge *ch, const struct passkey_assertion_in *in,
    struct err *e)
{
	uint8_t handle[SECRETS_USER_HANDLE_LEN];
	struct passkey_who who;
	struct webauthn_cred *cred;
	struct webauthn_assertion as;
	struct err ve;
	int found, vrc;

	found = ops->passkey_get_by_cred(c, in->raw_id, in->raw_id_len,
	    &run->pk, e);
	if (found == -1)
		return -1;
	if (found == 1 || run->pk.status != PASSKEY_ACTIVE) {
		attempt_refuse(&run->a, found == 1 ? "unknown_credential" :
		    "passkey_removed");
		return 0;
	}
	run->found = 1;
	cred = sodium_malloc(sizeof(*cred));
	if (cred == NULL)
		return err_internal(e, "out of memory");
	passkey_cred_of(cred, &run->pk);
	err_init(&ve);
	vrc = webauthn_assert_verify(&as, rp, ch->bytes, sizeof(ch->bytes),
	    cred, in->client_data, in->cd_len, in->auth_data, in->ad_len,
	    in->sig, in->sig_len, &ve);
	sodium_free(cred);
	if (vrc == -1) {
		log_info("auth.passkey: assertion of %s refused: %s",
		    run->pk.id, ve.msg);
		attempt_refuse(&run->a, "bad_assertion");
		return 0;
	}
	/* A discoverable credential answers with its user handle: it must
	 * be the one derived for the person the credential is stored for. */
	memset(&who, 0, sizeof(who));
	who.principal = run->pk.principal;
	str_copy(who.id, sizeof(who.id), run->pk.principal_id);
	str_copy(who.tenant, sizeof(who.tenant), run->pk.tenant_id);
	passkey_user_handle(handle, &who);
	if (!in->has_user_handle || in->uh_len != sizeof(handle) ||
	    sodium_memcmp(handle, in->user_handle, sizeof(handle)) != 0) {
		attempt_refuse(&run->a, "user_handle_mismatch");
		return 0;
	}
	run->sign_count = as.sign_count;
	if (!passkey_count_ok(run->pk.sign_count, run->sign_count))
		attempt_refuse(&run->a, "sign_count");
	return 0;
}

int
passkey_sign_in(struct passkey_sign_in_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const struct webauthn_rp *rp, const char *challenge_id,
    const struct passkey_assertion_in *in, const char *source, int64_t now,
    char *token, size_t size, struct err *e)
{
	struct challenge ch;
	const struct rec_passkey *pk = &run->pk;
	int kind;

	memset(run, 0, sizeof(*run));
	attempt_init(&run->a, p, source, now);
	if (attempt_gate(&run->a, c, ops, e) == -1)
		return -1;
	/* Taken whatever follows: an answer never serves twice. */
	if (challenges_take(&ch, challenge_id, CHALLENGE_SIGN_IN, now) != 0) {
		attempt_refuse(&run->a, "unknown_challenge");
		return 0;
	}
	if (check_assertion(run, c, ops, rp, &ch, in, e) == -1)
		return -1;
	sodium_memzero(&ch, sizeof(ch));
	if (run->a.fail_reason != NULL)
		return 0;
	if (check_person(run, c, ops, e) == -1)
		return -1;
	if (run->a.fail_reason != NULL)
		return 0;
	kind = pk->principal;
	if (session_new(&run->session, token, size, kind, pk->principal_id,
	    kind == PRINCIPAL_TENANT_USER ? pk->tenant_id : "",
	    kind == PRINCIPAL_ENGINEER ? run->vendor_id : "",
	    kind == PRINCIPAL_ENGINEER ? pk->device_id : "", source, now,
	    p->session_lifetime) == -1)
		return err_internal(e, "cannot make a session");
	return 0;
}

int
passkey_sign_in_apply(struct store_conn *c, const struct store_ops *ops,
    struct passkey_sign_in_run *run, struct err *e)
{
	const struct rec_passkey *pk = &run->pk;
	int rc;

	if (run->a.fail_reason == NULL) {
		rc = ops->passkey_use(c, pk->id, run->sign_count, run->a.now,
		    e);
		if (rc == -1)
			return -1;
		if (rc == 1)
			attempt_refuse(&run->a, "sign_count");
	}
	/* Asked again on the writer: a containment committed since the
	 * reader's check wins. */
	if (run->a.fail_reason == NULL && pk->principal == PRINCIPAL_ENGINEER &&
	    attempt_contained(&run->a, c, ops, pk->principal_id,
	    run->vendor_id, pk->device_id, e) == -1)
		return -1;
	if (run->a.fail_reason != NULL)
		return attempt_fail(&run->a, c, ops, e);
	return attempt_succeed(&run->a, c, ops, &run->session, e);
}

void
passkey_sign_in_refusal(const struct passkey_sign_in_run *run,
    struct err *out)
{
	const char *why = run->a.fail_reason;

	if (why != NULL && strcmp(why, "contained") == 0) {
		attempt_refusal(&run->a, out);
		return;
	}
	err_init(out);
	err_set(out, 401, "unauthorized", "invalid credentials");
	out->reason = why != NULL && strcmp(why, "sign_count") == 0 ?
	    "sign_count" : ATTEMPT_UNIFORM_REASON;
}

void
passkey_sign_in_run_wipe(struct passkey_sign_in_run *run)
{
	attempt_release(&run->a);
	sodium_memzero(run, sizeof(*run));
}
