/* SPDX-License-Identifier: ISC */
/*
 * Passkeys over HTTP (auth/passkey.h, auth/stepup.h): registering one's
 * own (POST /v1/passkeys/options, POST /v1/passkeys), listing and
 * removing them, signing in with one (POST /v1/auth/passkey/options,
 * POST /v1/auth/passkey), asking for a step-up (POST /v1/step-up/options)
 * and checking it in the answers that need it (req_step_up), and operator
 * persons (POST/GET /v1/operators).  Binary fields are base64url without
 * padding, as WebAuthn's JSON serialisation has them.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/req.h"
#include "auth/invite.h"
#include "auth/passkey.h"
#include "auth/session.h"
#include "auth/stepup.h"
#include "common/clock.h"
#include "common/jsonx.h"
#include "common/log.h"
#include "common/str.h"

#define RP_NAME "custos"
#define TIMEOUT_MS (CHALLENGES_TTL * 1000)
/* The challenge's binding for the operator token's holder (no session). */
#define OPERATOR_TOKEN_BINDING "operator-token"

static void
rp_of(const struct req *q, struct webauthn_rp *rp)
{
	memset(rp, 0, sizeof(*rp));
	rp->id = q->ctx->cfg.rp_id;
	rp->origin = q->ctx->cfg.origin;
}

/* base64url text of len bytes, as a new JSON string (NULL: no memory). */
static json_t *
b64_json(const uint8_t *in, size_t len)
{
	size_t cap = (len + 2) / 3 * 4 + 1;
	char *s = malloc(cap);
	json_t *v = NULL;

	if (s != NULL && webauthn_b64url_encode(s, cap, in, len) == 0)
		v = json_string(s);
	free(s);
	return v;
}

static json_t *
time_json(int64_t t)
{
	char stamp[RFC3339_LEN];

	if (t == 0)
		return json_null();
	time_format(stamp, t);
	return json_string(stamp);
}

/* The actor id of the operator token's holder (bearer, or its console
 * session): no operator person may have it. */
#define OPERATOR_TOKEN_ID "operator"

/* The challenge binding of the caller: its session, or the operator
 * token's holder. */
static const char *
binding(const struct req *q)
{
	return q->session.id[0] != '\0' ? q->session.id :
	    OPERATOR_TOKEN_BINDING;
}

/* The invitation path (auth/invite.h): the person an invitation names. */
static int
invitation_who(struct req *q, struct passkey_who *who, char inv_id[ID_MAX],
    const char *token)
{
	struct store_conn *c = req_reader(q);

	return c == NULL ? -1 : invite_passkey_who(who, inv_id, c,
	    store_ops(q->ctx->store), token, q->now, &q->err);
}

/* The invited person's username (WebAuthn user.name). */
static int
invitation_name(struct req *q, const char *inv_id, char *name, size_t size)
{
	struct store_conn *c = req_reader(q);

	return c == NULL ? -1 : invite_passkey_name(name, size, c,
	    store_ops(q->ctx->store), inv_id, &q->err);
}

/* On the writer: the invitation is used up (auth/invite.h). */
static int
invitation_done(struct store_conn *c, struct req *q, const char *inv_id,
    struct err *e)
{
	return invite_passkey_done(c, store_ops(q->ctx->store), inv_id, q->now,
	    e);
}

/*
 * The body and its "invitation": an invitee is anonymous, everyone else
 * is authenticated here (the route is open to anonymous callers for
 * invitees only).  Authenticated first when there is no body, so that a
 * call without credentials is a 401.  0, or -1 with q->err.
 */
static int
caller_or_invitation(struct req *q, json_t **b, const char **inv)
{
	*inv = NULL;
	*b = q->http->body.len > 0 ? req_body(q) : NULL;
	if (*b != NULL && jx_str(inv, *b, "invitation", 1, TOKEN_MAX,
	    JX_OPTIONAL, &q->err) == -1) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (*inv == NULL && req_authenticate(q) == -1)
		return -1;
	if (*b == NULL)
		*b = req_body(q);
	return *b != NULL ? 0 : -1;
}

/* 1 for the operator token's holder (bearer, or its console session). */
static int
token_holder(const struct req *q)
{
	return q->actor.kind == ACTOR_OPERATOR &&
	    strcmp(q->actor.id, OPERATOR_TOKEN_ID) == 0;
}

/* The person a registration by the caller is for, and their name. */
static int
caller_who(struct req *q, const json_t *b, struct passkey_who *who,
    char *name, size_t size)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct store_conn *c = req_reader(q);
	const char *opid = NULL;
	int found;

	memset(who, 0, sizeof(*who));
	if (c == NULL)
		return -1;
	if (jx_str(&opid, b, "operator", 1, ID_MAX - 1, JX_OPTIONAL |
	    JX_CLEAN, &q->err) == -1) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (token_holder(q)) {
		struct rec_operator o;

		/* The operator token is nobody in particular: it enrols an
		 * operator person, whom it could create anyway. */
		if (opid == NULL) {
			q->err.reason = "bad_request";
			return err_bad_request(&q->err, "the operator token is "
			    "not a person: name the operator person with "
			    "'operator'");
		}
		found = ops->operator_get(c, opid, &o, &q->err);
		if (found == -1)
			return -1;
		if (found == 1 || o.status != STATUS_ACTIVE) {
			q->err.reason = "no_such_operator";
			return err_set(&q->err, 404, "not_found", "no such "
			    "active operator person");
		}
		who->principal = PRINCIPAL_OPERATOR;
		str_copy(who->id, sizeof(who->id), o.id);
		return str_copy(name, size, o.username) == -1 ? -1 : 0;
	}
	if (opid != NULL) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'operator' is for the "
		    "operator token only");
	}
	stepup_who(who, &q->session);
	if (who->principal == PRINCIPAL_ENGINEER) {
		struct rec_engineer en;

		if (q->session.device_id[0] == '\0') {
			q->err.reason = "no_device";
			return err_set(&q->err, 403, "forbidden", "an engineer's "
			    "passkey stands for a device: sign in from a "
			    "registered device first");
		}
		memset(&en, 0, sizeof(en));
		found = ops->engineer_get(c, who->id, &en, &q->err);
		str_copy(name, size, en.username);
		rec_engineer_wipe(&en);
		return found == 0 ? 0 : -1;
	}
	if (who->principal == PRINCIPAL_TENANT_USER) {
		struct rec_user u;

		memset(&u, 0, sizeof(u));
		found = ops->user_get(c, who->tenant, who->id, &u, &q->err);
		str_copy(name, size, u.username);
		rec_user_wipe(&u);
		return found == 0 ? 0 : -1;
	}
	if (who->principal == PRINCIPAL_OPERATOR) {
		struct rec_operator o;

		found = ops->operator_get(c, who->id, &o, &q->err);
		str_copy(name, size, o.username);
		return found == 0 ? 0 : -1;
	}
	return err_internal(&q->err, "a session of no known principal");
}

/* {type, id} of each passkey, appended to arg (a JSON array). */
static int
descriptor_cb(void *arg, const struct rec_passkey *p)
{
	json_t *d = json_pack("{s:s,s:o*}", "type", "public-key", "id",
	    b64_json(p->cred_id, p->cred_id_len));

	return d == NULL || json_array_append_new(arg, d) == -1;
}

/* The descriptors of who's passkeys (an engineer's on any device when
 * device is NULL). */
static json_t *
descriptors(struct req *q, const struct passkey_who *who, const char *device)
{
	struct store_conn *c = req_reader(q);
	json_t *list = json_array();

	if (c == NULL || list == NULL || store_ops(q->ctx->store)->passkey_list(
	    c, who->principal, who->id, who->tenant, device != NULL ? device :
	    "", descriptor_cb, list, &q->err) == -1) {
		json_decref(list);
		return NULL;
	}
	return list;
}

static void
target_who(struct req *q, const struct passkey_who *who)
{
	str_copy(q->ev.target, sizeof(q->ev.target), who->id);
	if (who->principal == PRINCIPAL_TENANT_USER)
		str_copy(q->ev.tenant, sizeof(q->ev.tenant), who->tenant);
}

/* POST /v1/passkeys/options {invitation?, operator?}. */
int
h_passkey_register_begin(struct req *q)
{
	static const char *const keys[] = {"invitation", "operator", NULL};
	uint8_t handle[SECRETS_USER_HANDLE_LEN];
	char name[REC_USERNAME_MAX + ID_MAX + 4];
	struct challenge ch;
	const char *inv;
	json_t *b, *exclude, *user;

	memset(&ch, 0, sizeof(ch));
	if (caller_or_invitation(q, &b, &inv) == -1)
		return -1;
	if (jx_only(b, keys, &q->err) == -1) {
		q->err.reason = "bad_request";
		return -1;
	}
	name[0] = '\0';
	if (inv != NULL) {
		if (invitation_who(q, &ch.who, ch.invitation, inv) == -1 ||
		    invitation_name(q, ch.invitation, name, sizeof(name)) == -1)
			return -1;
	} else {
		if (caller_who(q, b, &ch.who, name, sizeof(name)) == -1)
			return -1;
		str_copy(ch.session, sizeof(ch.session), binding(q));
	}
	target_who(q, &ch.who);
	if (ch.who.principal == PRINCIPAL_ENGINEER) {
		size_t n = strlen(name);

		str_printf(name + n, sizeof(name) - n, " (%s)", ch.who.device);
	}
	exclude = descriptors(q, &ch.who, NULL);
	if (exclude == NULL)
		return -1;
	ch.purpose = CHALLENGE_REGISTER;
	if (challenges_put(&ch, q->now, &q->err) == -1) {
		json_decref(exclude);
		str_copy(q->retry_after, sizeof(q->retry_after), "1");
		return -1;
	}
	passkey_user_handle(handle, &ch.who);
	user = json_pack("{s:o*,s:s,s:s}", "id", b64_json(handle,
	    sizeof(handle)), "name", name, "displayName", name);
	req_ok(q, 200, json_pack("{s:s,s:{s:{s:s,s:s},s:o*,s:o*,"
	    "s:[{s:s,s:i},{s:s,s:i},{s:s,s:i}],s:i,s:s,"
	    "s:{s:s,s:b,s:s},s:o}}",
	    "challenge_id", ch.id,
	    "publicKey",
	    "rp", "id", q->ctx->cfg.rp_id, "name", RP_NAME,
	    "user", user,
	    "challenge", b64_json(ch.bytes, sizeof(ch.bytes)),
	    "pubKeyCredParams",
	    "type", "public-key", "alg", -8,
	    "type", "public-key", "alg", -7,
	    "type", "public-key", "alg", -257,
	    "timeout", TIMEOUT_MS,
	    "attestation", "none",
	    "authenticatorSelection",
	    "residentKey", "required", "requireResidentKey", 1,
	    "userVerification", "required",
	    "excludeCredentials", exclude));
	sodium_memzero(&ch, sizeof(ch));
	return q->resp != NULL ? 0 : err_internal(&q->err, "out of memory");
}

/*
 * What lets a session add (or remove) a passkey of its person: a step-up
 * with one they have (auth/stepup.h) bound to target, or without one a
 * sign-in no older than PASSKEY_ENROL_WINDOW.  0, or -1 with a 403
 * step_up_required / step_up_failed.
 */
static int
enrol_proof(struct req *q, const char *target)
{
	int64_t n = 0;
	struct store_conn *c = req_reader(q);

	if (c == NULL || stepup_count(&n, c, store_ops(q->ctx->store),
	    &q->session, &q->err) == -1)
		return -1;
	if (n > 0)
		return req_step_up(q, target);
	if (q->now - q->session.created > PASSKEY_ENROL_WINDOW) {
		q->err.reason = "enrol_window";
		return err_set(&q->err, 403, "step_up_required", "a first "
		    "passkey is registered within %d minutes of signing in: "
		    "sign in again", PASSKEY_ENROL_WINDOW / 60);
	}
	return 0;
}

struct register_run {
	struct rec_passkey pk;
	char invitation[ID_MAX];
	struct rec_session session;     /* an invitee's, signed in by it */
};

/*
 * An invitee, once their passkey is stored, is signed in (as by the
 * passkey): the session is made here, on the reader, and stored with the
 * passkey; the entry names them.  0, or -1 with q->err.
 */
static int
invitee_session(struct req *q, struct register_run *run,
    const struct passkey_who *who, char *token, size_t size)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct store_conn *c = req_reader(q);
	char vendor[ID_MAX] = "";
	int kind = ACTOR_OPERATOR, found = 0;

	if (c == NULL)
		return -1;
	if (who->principal == PRINCIPAL_ENGINEER) {
		struct rec_engineer en;

		memset(&en, 0, sizeof(en));
		found = ops->engineer_get(c, who->id, &en, &q->err);
		str_copy(vendor, sizeof(vendor), en.vendor_id);
		rec_engineer_wipe(&en);
		kind = ACTOR_ENGINEER;
	} else if (who->principal == PRINCIPAL_TENANT_USER) {
		struct rec_user u;

		memset(&u, 0, sizeof(u));
		found = ops->user_get(c, who->tenant, who->id, &u, &q->err);
		kind = u.role == ROLE_ADMIN ? ACTOR_TENANT_ADMIN :
		    ACTOR_TENANT_USER;
		rec_user_wipe(&u);
	}
	if (found == -1)
		return -1;
	if (found == 1)
		return err_set(&q->err, 404, "not_found", "the invitation's "
		    "account is gone");
	if (session_new(&run->session, token, size, who->principal, who->id,
	    who->principal == PRINCIPAL_TENANT_USER ? who->tenant : "", vendor,
	    who->principal == PRINCIPAL_ENGINEER ? who->device : "",
	    q->http->source, q->now,
	    api_config_live(&q->ctx->cfg.session_lifetime)) == -1)
		return err_internal(&q->err, "cannot make a session");
	q->actor.kind = kind;
	str_copy(q->actor.id, sizeof(q->actor.id), who->id);
	str_copy(q->actor.session, sizeof(q->actor.session),
	    run->session.id);
	str_copy(q->actor.vendor, sizeof(q->actor.vendor), vendor);
	str_copy(q->actor.device, sizeof(q->actor.device),
	    run->session.device_id);
	if (who->principal == PRINCIPAL_TENANT_USER)
		str_copy(q->actor.tenant, sizeof(q->actor.tenant),
		    who->tenant);
	event_detail(&q->ev, "invitation", run->invitation);
	return 0;
}

static int
store_register(struct store_conn *c, struct req *q, struct register_run *run,
    struct err *e)
{
	struct err d;
	int rc;

	if (run->invitation[0] != '\0') {
		rc = invitation_done(c, q, run->invitation, e);
		if (rc == -1)
			return -1;
		if (rc == 1) {
			err_init(&d);
			err_set(&d, 410, "gone", "the invitation was used or "
			    "revoked meanwhile");
			d.reason = "invitation_used";
			return req_deny(q, &d);
		}
	}
	if (store_ops(q->ctx->store)->passkey_insert(c, &run->pk, e) == -1)
		return -1;
	return run->session.id[0] != '\0' ?
	    store_ops(q->ctx->store)->session_insert(c, &run->session, e) : 0;
}

static int
apply_register(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	struct register_run *run = arg;
	int rc = store_register(c, q, run, e);

	/* An invitee refused was not signed in: the entry names no
	 * session. */
	if ((rc == -1 || q->denied) && run->session.id[0] != '\0') {
		q->actor.kind = ACTOR_ANONYMOUS;
		q->actor.session[0] = '\0';
	}
	return rc;
}

/* POST /v1/passkeys {challenge_id, name?, credential, invitation?,
 * session?}. */
int
h_passkey_register(struct req *q)
{
	static const char *const keys[] = {"challenge_id", "name",
	    "credential", "invitation", "operator", "step_up", "session",
	    NULL};
	struct passkey_attestation_in *in = NULL;
	struct register_run *run = NULL;
	struct webauthn_rp rp;
	struct challenge ch;
	const char *cid, *name, *inv, *sess, *opid;
	char aaguid[33], alg[16], token[TOKEN_MAX + 1];
	json_t *b, *resp;
	int rc = -1;

	memset(&ch, 0, sizeof(ch));
	token[0] = '\0';
	if (caller_or_invitation(q, &b, &inv) == -1)
		return -1;
	if (jx_only(b, keys, &q->err) == -1 ||
	    jx_str(&cid, b, "challenge_id", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&name, b, "name", 1, PASSKEY_NAME_MAX,
	    JX_OPTIONAL | JX_CLEAN, &q->err) ||
	    jx_str(&opid, b, "operator", 1, ID_MAX - 1,
	    JX_OPTIONAL | JX_CLEAN, &q->err) ||
	    jx_str(&sess, b, "session", 1, 16, JX_OPTIONAL, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	in = malloc(sizeof(*in));
	run = calloc(1, sizeof(*run));
	if (in == NULL || run == NULL) {
		err_internal(&q->err, "out of memory");
		goto out;
	}
	if (passkey_parse_attestation(in, json_object_get(b, "credential"),
	    &q->err) == -1)
		goto out;
	if (challenges_take(&ch, cid, CHALLENGE_REGISTER, q->now) != 0) {
		q->err.reason = "unknown_challenge";
		err_set(&q->err, 400, "bad_request", "unknown, used or expired "
		    "challenge_id; ask for new options");
		goto out;
	}
	target_who(q, &ch.who);
	/* The challenge was issued to this caller (or this invitation),
	 * for this person. */
	if (inv != NULL ? ch.invitation[0] == '\0' : strcmp(ch.session,
	    binding(q)) != 0) {
		q->err.reason = "challenge_not_yours";
		err_set(&q->err, 400, "bad_request", "the challenge was "
		    "issued to someone else");
		goto out;
	}
	if (inv != NULL) {
		struct passkey_who who;
		char inv_id[ID_MAX];

		if (invitation_who(q, &who, inv_id, inv) == -1)
			goto out;
		if (strcmp(inv_id, ch.invitation) != 0) {
			q->err.reason = "challenge_not_yours";
			err_set(&q->err, 400, "bad_request", "the challenge "
			    "was issued for another invitation");
			goto out;
		}
		str_copy(run->invitation, sizeof(run->invitation), inv_id);
	}
	/* The operator token names the person again: the one it asked
	 * the options for. */
	if (opid != NULL && (ch.who.principal != PRINCIPAL_OPERATOR ||
	    strcmp(opid, ch.who.id) != 0)) {
		q->err.reason = "challenge_not_yours";
		err_set(&q->err, 400, "bad_request", "the challenge was issued "
		    "for another person");
		goto out;
	}
	if (inv == NULL && !token_holder(q) && enrol_proof(q,
	    q->session.principal_id) == -1)
		goto out;
	rp_of(q, &rp);
	if (passkey_register(&run->pk, aaguid, &ch.who, &rp, &ch, in, name,
	    q->now, &q->err) == -1)
		goto out;
	/* The session that registered it (none for an invitee's or the
	 * operator token's): containing that session ends the passkey. */
	if (inv == NULL)
		str_copy(run->pk.created_session,
		    sizeof(run->pk.created_session), q->session.id);
	event_detail(&q->ev, "passkey", run->pk.id);
	str_printf(alg, sizeof(alg), "%d", run->pk.alg);
	event_detail(&q->ev, "alg", alg);
	event_detail(&q->ev, "aaguid", aaguid);
	if (run->pk.device_id[0] != '\0')
		event_detail(&q->ev, "device", run->pk.device_id);
	if (run->invitation[0] != '\0' && (req_wants_cookie(q) == -1 ||
	    invitee_session(q, run, &ch.who, token, sizeof(token)) == -1 ||
	    req_session_mark(q, &run->session) == -1))
		goto out;
	if (req_write(q, apply_register, run) == -1)
		goto out;
	resp = json_pack("{s:s,s:s,s:o*}", "id", run->pk.id, "name",
	    run->pk.name, "created", time_json(run->pk.created));
	if (resp != NULL && run->pk.device_id[0] != '\0')
		json_object_set_new(resp, "device",
		    json_string(run->pk.device_id));
	/* An invitee leaves signed in (req_session_give: token or cookie). */
	if (resp != NULL && run->session.id[0] != '\0' &&
	    (json_object_set_new(resp, "session",
	    json_string(run->session.id)) == -1 || req_session_give(q, resp,
	    token, run->session.expires) == -1)) {
		json_decref(resp);
		resp = NULL;
	}
	if (resp == NULL) {
		err_internal(&q->err, "cannot encode the answer");
		goto out;
	}
	req_ok(q, 201, resp);
	rc = 0;
out:
	sodium_memzero(token, sizeof(token));
	sodium_memzero(&ch, sizeof(ch));
	free(in);
	free(run);
	return rc;
}

static int
list_cb(void *arg, const struct rec_passkey *p)
{
	json_t *o = json_pack("{s:s,s:s,s:o*,s:o*}", "id", p->id, "name",
	    p->name, "created", time_json(p->created), "last_used",
	    time_json(p->last_used));

	if (o != NULL && p->device_id[0] != '\0')
		json_object_set_new(o, "device", json_string(p->device_id));
	return o == NULL || json_array_append_new(arg, o) == -1;
}

/*
 * The person the operator's GET /v1/passkeys names in its query
 * (principal=engineer|tenant_user|operator, id, tenant for tenant users):
 * 1 with who filled, 0 when the query names nobody (the caller's own),
 * -1 with a 400.
 */
static int
query_who(struct req *q, struct passkey_who *who)
{
	const char *p = http_query(q->http, "principal");
	const char *id = http_query(q->http, "id");
	const char *t = http_query(q->http, "tenant");

	memset(who, 0, sizeof(*who));
	if (p == NULL && id == NULL && t == NULL)
		return 0;
	q->err.reason = "bad_request";
	if (p == NULL || id == NULL || !id_valid(id))
		return err_bad_request(&q->err, "name the person with "
		    "'principal' and 'id' (and 'tenant' for a tenant user)");
	if (strcmp(p, "engineer") == 0)
		who->principal = PRINCIPAL_ENGINEER;
	else if (strcmp(p, "tenant_user") == 0)
		who->principal = PRINCIPAL_TENANT_USER;
	else if (strcmp(p, "operator") == 0)
		who->principal = PRINCIPAL_OPERATOR;
	else
		return err_bad_request(&q->err, "'principal' is engineer, "
		    "tenant_user or operator");
	if ((who->principal == PRINCIPAL_TENANT_USER) != (t != NULL) ||
	    (t != NULL && !id_valid(t)))
		return err_bad_request(&q->err, "'tenant' names a tenant "
		    "user's tenant, and only theirs");
	q->err.reason = NULL;
	str_copy(who->id, sizeof(who->id), id);
	if (t != NULL)
		str_copy(who->tenant, sizeof(who->tenant), t);
	return 1;
}

/* Answers who's active passkeys (an engineer's on every device). */
static int
list_of(struct req *q, const struct passkey_who *who)
{
	struct store_conn *c = req_reader(q);
	json_t *list = json_array();

	if (c == NULL || list == NULL || (who->principal != 0 &&
	    store_ops(q->ctx->store)->passkey_list(c, who->principal, who->id,
	    who->tenant, "", list_cb, list, &q->err) == -1)) {
		json_decref(list);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:o}", "passkeys", list));
	return q->resp != NULL ? 0 : err_internal(&q->err, "out of memory");
}

/* GET /v1/passkeys: the caller's own; the operator's, anyone's it names
 * (query_who). */
int
h_passkey_list(struct req *q)
{
	struct passkey_who who;
	int named = 0;

	if (q->actor.kind == ACTOR_OPERATOR) {
		named = query_who(q, &who);
		if (named == -1)
			return -1;
	} else if (http_query(q->http, "principal") != NULL ||
	    http_query(q->http, "id") != NULL) {
		q->err.reason = "role_forbids";
		return err_set(&q->err, 403, "forbidden", "only the operator "
		    "lists another person's passkeys");
	}
	if (named) {
		target_who(q, &who);
		return list_of(q, &who);
	}
	memset(&who, 0, sizeof(who));
	/* An engineer sees the passkeys of all their devices. */
	if (q->session.id[0] != '\0')
		stepup_who(&who, &q->session);
	return list_of(q, &who);
}

static int
apply_remove(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	struct passkey_who *who = arg;
	struct err d;
	int rc = store_ops(q->ctx->store)->passkey_remove(c, q->ev.target,
	    who->principal, who->id, who->tenant, e);

	if (rc != 1)
		return rc;
	err_init(&d);
	err_set(&d, 404, "not_found", "no such passkey of yours");
	d.reason = "no_such_passkey";
	return req_deny(q, &d);
}

static const char *const principal_names[] = {
	[PRINCIPAL_ENGINEER] = "engineer",
	[PRINCIPAL_TENANT_USER] = "tenant_user",
	[PRINCIPAL_OPERATOR] = "operator",
};

/*
 * DELETE /v1/passkeys/{id} by the operator: anyone's.  The operator
 * token's holder needs no more; an operator person steps up (as for their
 * own).  The entry names the owner (and the tenant, in whose log it shows
 * too).
 */
static int
operator_delete(struct req *q, const char *id)
{
	struct store_conn *c = req_reader(q);
	struct rec_passkey pk;
	struct passkey_who who;
	int found;

	if (c == NULL)
		return -1;
	found = store_ops(q->ctx->store)->passkey_get(c, id, &pk, &q->err);
	if (found == -1)
		return -1;
	if (found == 1 || pk.status != PASSKEY_ACTIVE ||
	    pk.principal < PRINCIPAL_ENGINEER ||
	    pk.principal > PRINCIPAL_OPERATOR) {
		sodium_memzero(&pk, sizeof(pk));
		q->err.reason = "no_such_passkey";
		return err_set(&q->err, 404, "not_found", "no such passkey");
	}
	memset(&who, 0, sizeof(who));
	who.principal = pk.principal;
	str_copy(who.id, sizeof(who.id), pk.principal_id);
	str_copy(who.tenant, sizeof(who.tenant), pk.tenant_id);
	event_detail(&q->ev, "principal", principal_names[pk.principal]);
	event_detail(&q->ev, "owner", pk.principal_id);
	if (pk.device_id[0] != '\0')
		event_detail(&q->ev, "device", pk.device_id);
	if (pk.principal == PRINCIPAL_TENANT_USER)
		str_copy(q->ev.tenant, sizeof(q->ev.tenant), pk.tenant_id);
	sodium_memzero(&pk, sizeof(pk));
	if ((!token_holder(q) && req_step_up(q, id) == -1) ||
	    req_write(q, apply_remove, &who) == -1)
		return -1;
	req_ok(q, 200, json_pack("{s:s}", "removed", id));
	return 0;
}

/* DELETE /v1/passkeys/{id}: one's own; the operator's, anyone's. */
int
h_passkey_delete(struct req *q)
{
	const char *id = req_param(q, 0);
	struct passkey_who who;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	if (q->actor.kind == ACTOR_OPERATOR)
		return operator_delete(q, id);
	if (q->session.id[0] == '\0') {
		q->err.reason = "no_such_passkey";
		return err_set(&q->err, 404, "not_found", "no such passkey "
		    "of yours");
	}
	stepup_who(&who, &q->session);
	if (enrol_proof(q, id) == -1 || req_write(q, apply_remove, &who) == -1)
		return -1;
	req_ok(q, 200, json_pack("{s:s}", "removed", id));
	return 0;
}

/* The tenant user {t}/{u} of a tenant admin's route, who must exist. */
static int
tenant_user_who(struct req *q, struct passkey_who *who)
{
	const char *t = req_param(q, 0), *u = req_param(q, 1);
	struct store_conn *c = req_reader(q);
	struct rec_user usr;
	int found;

	if (t == NULL || u == NULL || c == NULL)
		return -1;
	memset(&usr, 0, sizeof(usr));
	found = store_ops(q->ctx->store)->user_get(c, t, u, &usr, &q->err);
	rec_user_wipe(&usr);
	if (found == -1)
		return -1;
	if (found == 1) {
		q->err.reason = "not_found";
		return err_set(&q->err, 404, "not_found", "no such user");
	}
	memset(who, 0, sizeof(*who));
	who->principal = PRINCIPAL_TENANT_USER;
	str_copy(who->id, sizeof(who->id), u);
	str_copy(who->tenant, sizeof(who->tenant), t);
	return 0;
}

/* GET /v1/tenants/{t}/users/{u}/passkeys: a tenant admin's view of one
 * of their users' passkeys. */
int
h_user_passkey_list(struct req *q)
{
	struct passkey_who who;

	if (tenant_user_who(q, &who) == -1)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), who.id);
	return list_of(q, &who);
}

/* DELETE /v1/tenants/{t}/users/{u}/passkeys/{id}: with a step-up bound
 * to the passkey (req_step_up), as an approval's answer. */
int
h_user_passkey_delete(struct req *q)
{
	const char *id = req_param(q, 2);
	struct passkey_who who;

	if (id == NULL || tenant_user_who(q, &who) == -1)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	event_detail(&q->ev, "user", who.id);
	if (req_step_up(q, id) == -1 ||
	    req_write(q, apply_remove, &who) == -1)
		return -1;
	req_ok(q, 200, json_pack("{s:s}", "removed", id));
	return 0;
}

/* POST /v1/auth/passkey/options {}: a discoverable sign-in. */
int
h_auth_passkey_begin(struct req *q)
{
	struct challenge ch;
	json_t *b;

	if (req_flood_gate(q, 0))
		return -1;
	b = req_body(q);
	if (b == NULL || jx_only(b, (const char *const[]){NULL}, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	memset(&ch, 0, sizeof(ch));
	ch.purpose = CHALLENGE_SIGN_IN;
	/* Its binding: at most CHALLENGES_PER_SOURCE per address. */
	str_copy(ch.source, sizeof(ch.source), q->http->source);
	if (challenges_put(&ch, q->now, &q->err) == -1) {
		str_copy(q->retry_after, sizeof(q->retry_after), "1");
		return -1;
	}
	req_ok(q, 200, json_pack("{s:s,s:{s:o*,s:s,s:i,s:s,s:[]}}",
	    "challenge_id", ch.id, "publicKey",
	    "challenge", b64_json(ch.bytes, sizeof(ch.bytes)),
	    "rpId", q->ctx->cfg.rp_id, "timeout", TIMEOUT_MS,
	    "userVerification", "required", "allowCredentials"));
	sodium_memzero(&ch, sizeof(ch));
	return q->resp != NULL ? 0 : err_internal(&q->err, "out of memory");
}

static int
apply_sign_in(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	struct passkey_sign_in_run *run = arg;
	struct err d;

	if (passkey_sign_in_apply(c, store_ops(q->ctx->store), run, e) == -1)
		return -1;
	if (run->a.contained[0] != '\0')
		event_detail(&q->ev, "containment", run->a.contained);
	if (run->a.fail_reason == NULL)
		return 0;
	/* Refused: no session was made, and the entry must not name one. */
	q->actor.kind = ACTOR_ANONYMOUS;
	q->actor.session[0] = '\0';
	if (strcmp(run->a.fail_reason, "sign_count") == 0)
		event_detail(&q->ev, "passkey_clone_suspected", run->pk.id);
	log_info("auth.passkey refused from %s: %s (passkey %s)",
	    q->http->source, run->a.fail_reason, run->found ? run->pk.id :
	    "-");
	passkey_sign_in_refusal(run, &d);
	return req_deny(q, &d);
}

static int
actor_kind_of(const struct passkey_sign_in_run *run)
{
	switch (run->pk.principal) {
	case PRINCIPAL_ENGINEER:
		return ACTOR_ENGINEER;
	case PRINCIPAL_OPERATOR:
		return ACTOR_OPERATOR;
	default:
		return run->role == ROLE_ADMIN ? ACTOR_TENANT_ADMIN :
		    ACTOR_TENANT_USER;
	}
}

static const char *
kind_name(const struct passkey_sign_in_run *run)
{
	switch (run->pk.principal) {
	case PRINCIPAL_ENGINEER:
		return "engineer";
	case PRINCIPAL_OPERATOR:
		return "operator";
	default:
		return run->role == ROLE_ADMIN ? "tenant_admin" :
		    "tenant_user";
	}
}

/* POST /v1/auth/passkey {challenge_id, credential, session?}. */
int
h_auth_passkey(struct req *q)
{
	static const char *const keys[] = {"challenge_id", "credential",
	    "session", NULL};
	struct passkey_assertion_in *in = NULL;
	struct passkey_sign_in_run *run = NULL;
	struct attempt_policy p;
	struct webauthn_rp rp;
	struct store_conn *c;
	char token[TOKEN_MAX + 1];
	const char *cid;
	json_t *b = req_body(q), *resp;
	int rc = -1;

	token[0] = '\0';
	if (b == NULL || jx_only(b, keys, &q->err) == -1 ||
	    jx_str(&cid, b, "challenge_id", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	/* "session": "cookie" or "token" (req_session_give answers it). */
	if (req_wants_cookie(q) == -1)
		return -1;
	in = malloc(sizeof(*in));
	run = calloc(1, sizeof(*run));
	if (in == NULL || run == NULL) {
		err_internal(&q->err, "out of memory");
		goto out;
	}
	if (passkey_parse_assertion(in, json_object_get(b, "credential"),
	    &q->err) == -1)
		goto out;
	c = req_reader(q);
	if (c == NULL)
		goto out;
	req_attempt_policy(q->ctx, &p);
	rp_of(q, &rp);
	if (passkey_sign_in(run, c, store_ops(q->ctx->store), &p, &rp, cid, in,
	    q->http->source, q->now, token, sizeof(token), &q->err) == -1) {
		if (run->a.retry_after > 0)
			str_printf(q->retry_after, sizeof(q->retry_after),
			    "%lld", (long long)run->a.retry_after);
		goto out;
	}
	if (run->found) {
		str_copy(q->actor.id, sizeof(q->actor.id),
		    run->pk.principal_id);
		str_copy(q->ev.target, sizeof(q->ev.target), run->pk.id);
		if (run->pk.principal == PRINCIPAL_TENANT_USER)
			str_copy(q->ev.tenant, sizeof(q->ev.tenant),
			    run->pk.tenant_id);
		if (run->pk.principal == PRINCIPAL_ENGINEER) {
			str_copy(q->actor.vendor, sizeof(q->actor.vendor),
			    run->vendor_id);
			str_copy(q->actor.device, sizeof(q->actor.device),
			    run->pk.device_id);
		}
		event_detail(&q->ev, "passkey", run->pk.id);
	}
	if (run->a.fail_reason == NULL) {
		q->actor.kind = actor_kind_of(run);
		str_copy(q->actor.session, sizeof(q->actor.session),
		    run->session.id);
		if (run->pk.principal == PRINCIPAL_TENANT_USER)
			str_copy(q->actor.tenant, sizeof(q->actor.tenant),
			    run->pk.tenant_id);
	}
	if (req_session_mark(q, &run->session) == -1 ||
	    req_write(q, apply_sign_in, run) == -1)
		goto out;
	resp = json_pack("{s:s,s:s}", "kind", kind_name(run), "id",
	    run->pk.principal_id);
	if (resp != NULL && run->pk.principal == PRINCIPAL_TENANT_USER)
		json_object_set_new(resp, "tenant",
		    json_string(run->pk.tenant_id));
	if (resp != NULL && run->pk.principal == PRINCIPAL_ENGINEER)
		json_object_set_new(resp, "device",
		    json_string(run->pk.device_id));
	if (resp != NULL)
		json_object_set_new(resp, "session",
		    json_string(run->session.id));
	if (resp == NULL || req_session_give(q, resp, token,
	    run->session.expires) == -1) {
		json_decref(resp);
		err_internal(&q->err, "cannot encode the answer");
		goto out;
	}
	req_ok(q, 200, resp);
	rc = 0;
out:
	sodium_memzero(token, sizeof(token));
	if (run != NULL)
		passkey_sign_in_run_wipe(run);
	free(run);
	free(in);
	return rc;
}

/* POST /v1/step-up/options {action, target}. */
int
h_step_up_begin(struct req *q)
{
	static const char *const keys[] = {"action", "target", NULL};
	struct challenge ch;
	const char *target;
	json_t *b = req_body(q), *allow;
	int action;

	memset(&ch, 0, sizeof(ch));
	if (b == NULL || jx_only(b, keys, &q->err) == -1 ||
	    jx_enum(&action, b, "action", stepup_actions, JX_REQUIRED,
	    &q->err) ||
	    jx_str(&target, b, "target", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (!id_valid(target)) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'target' must be the "
		    "id of the call's object (request, approval, tenant, "
		    "user, invitation)");
	}
	str_copy(q->ev.target, sizeof(q->ev.target), target);
	event_detail(&q->ev, "for", stepup_actions[action]);
	stepup_who(&ch.who, &q->session);
	allow = descriptors(q, &ch.who, ch.who.principal ==
	    PRINCIPAL_ENGINEER ? ch.who.device : NULL);
	if (allow == NULL)
		return -1;
	if (json_array_size(allow) == 0) {
		json_decref(allow);
		q->err.reason = "no_passkey";
		return err_set(&q->err, 409, "no_passkey", "register a "
		    "passkey first (POST /v1/passkeys/options)");
	}
	ch.purpose = CHALLENGE_STEP_UP;
	str_copy(ch.session, sizeof(ch.session), q->session.id);
	str_copy(ch.action, sizeof(ch.action), stepup_actions[action]);
	str_copy(ch.target, sizeof(ch.target), target);
	if (challenges_put(&ch, q->now, &q->err) == -1) {
		json_decref(allow);
		str_copy(q->retry_after, sizeof(q->retry_after), "1");
		return -1;
	}
	req_ok(q, 200, json_pack("{s:s,s:{s:o*,s:s,s:o,s:s,s:i}}",
	    "challenge_id", ch.id, "publicKey",
	    "challenge", b64_json(ch.bytes, sizeof(ch.bytes)),
	    "rpId", q->ctx->cfg.rp_id, "allowCredentials", allow,
	    "userVerification", "required", "timeout", TIMEOUT_MS));
	sodium_memzero(&ch, sizeof(ch));
	return q->resp != NULL ? 0 : err_internal(&q->err, "out of memory");
}

int
req_step_up(struct req *q, const char *target)
{
	const char *action = action_get(q->route->action)->name;
	struct stepup_in in;
	struct webauthn_rp rp;
	struct store_conn *c;
	const json_t *su = NULL;
	int64_t n = 0;

	c = req_reader(q);
	if (c == NULL)
		return -1;
	/* The body is optional for these answers; when given it is JSON. */
	if (q->http->body.len > 0) {
		json_t *b = req_body(q);

		if (b == NULL)
			return -1;
		su = json_object_get(b, "step_up");
	}
	if (stepup_count(&n, c, store_ops(q->ctx->store), &q->session,
	    &q->err) == -1)
		return -1;
	if (su == NULL) {
		if (n == 0 && !q->by_cookie)
			return 0;
		q->err.reason = "step_up_required";
		return err_set(&q->err, 403, "step_up_required", "%s needs a "
		    "fresh passkey assertion: POST /v1/step-up/options, then "
		    "send 'step_up' with this call", action);
	}
	rp_of(q, &rp);
	in.session = &q->session;
	in.action = action;
	in.target = target;
	in.rp = &rp;
	in.now = q->now;
	if (stepup_check(&q->step_up, c, store_ops(q->ctx->store), &in, su,
	    &q->err) == -1)
		return -1;
	event_detail(&q->ev, "step_up", q->step_up.passkey_id);
	return 0;
}

static int
apply_operator(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	return store_ops(q->ctx->store)->operator_insert(c, arg, e);
}

/* POST /v1/operators {id?, username, email}. */
int
h_operator_create(struct req *q)
{
	static const char *const keys[] = {"id", "username", "email", NULL};
	struct rec_operator o;
	const char *id, *username, *email;
	json_t *b = req_body(q);

	memset(&o, 0, sizeof(o));
	if (b == NULL || jx_only(b, keys, &q->err) == -1 ||
	    jx_str(&id, b, "id", 1, ID_MAX - 1, JX_OPTIONAL | JX_CLEAN,
	    &q->err) ||
	    jx_str(&username, b, "username", 1, REC_USERNAME_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&email, b, "email", 3, REC_EMAIL_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (id != NULL && (!id_valid(id) || strcmp(id, OPERATOR_TOKEN_ID) ==
	    0)) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'id' is not a valid id");
	}
	if (!str_is_email(email)) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'email' is not an "
		    "e-mail address");
	}
	if (id != NULL)
		str_copy(o.id, sizeof(o.id), id);
	else
		id_new(o.id, "opr");
	str_copy(o.username, sizeof(o.username), username);
	str_copy(o.email, sizeof(o.email), email);
	o.status = STATUS_ACTIVE;
	o.created = q->now;
	str_copy(q->ev.target, sizeof(q->ev.target), o.id);
	if (req_write(q, apply_operator, &o) == -1)
		return -1;
	req_ok(q, 201, json_pack("{s:s,s:s,s:s,s:o*}", "id", o.id,
	    "username", o.username, "email", o.email, "created",
	    time_json(o.created)));
	return 0;
}

static int
operator_cb(void *arg, const struct rec_operator *o)
{
	json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:o*}", "id", o->id,
	    "username", o->username, "email", o->email, "status",
	    o->status == STATUS_ACTIVE ? "active" : "suspended", "created",
	    time_json(o->created));

	return v == NULL || json_array_append_new(arg, v) == -1;
}

/* GET /v1/operators. */
int
h_operator_list(struct req *q)
{
	struct store_conn *c = req_reader(q);
	json_t *list = json_array();

	if (c == NULL || list == NULL || store_ops(q->ctx->store)->
	    operator_list(c, operator_cb, list, &q->err) == -1) {
		json_decref(list);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:o}", "operators", list));
	return 0;
}
