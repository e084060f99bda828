/* SPDX-License-Identifier: ISC */
/*
 * records: the rows the store keeps, as plain C values.  These are what
 * passes through the store's ops table; the parts above the store (the
 * directory, auth, audit) give them meaning.  Fixed sizes are the limits the
 * API enforces on the matching fields.
 */
#ifndef CUSTOS_STORE_RECORDS_H
#define CUSTOS_STORE_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "common/rand.h"

#define REC_NAME_MAX 128         /* vendor, tenant, device names */
#define REC_USERNAME_MAX 64
#define REC_EMAIL_MAX 254
#define REC_PWHASH_MAX 128       /* crypto_pwhash_STRBYTES */
#define REC_TOTP_MAX 64          /* raw TOTP secret bytes */
#define REC_SUBJECT_MAX 200
#define REC_BODY_MAX 16384
#define REC_CHALLENGE_MAX 128
#define REC_ADDR_MAX 64          /* textual IPv4/IPv6 address */
#define REC_KEY_MAX 160          /* throttle keys */

enum rec_policy {
	POLICY_APPROVAL_REQUIRED = 0,
	POLICY_AUTO_APPROVE = 1,
	POLICY_DENY = 2,
};

enum rec_role {
	ROLE_USER = 0,
	ROLE_ADMIN = 1,
};

enum rec_status {
	STATUS_ACTIVE = 0,
	STATUS_SUSPENDED = 1,
	STATUS_OFFBOARDED = 2,          /* final: engineers and vendors
					 * (directory/lifecycle.h) */
};

/* Who holds a session. */
enum rec_principal {
	PRINCIPAL_ENGINEER = 1,
	PRINCIPAL_TENANT_USER = 2,
	PRINCIPAL_OPERATOR = 3,         /* the console's operator, or an
					 * operator person (passkeys) */
};

struct rec_vendor {
	char id[ID_MAX];
	char name[REC_NAME_MAX];
	int64_t created;
	int status;                     /* enum rec_status */
	int64_t status_changed;         /* 0: never */
};

struct rec_totp {
	uint8_t secret[REC_TOTP_MAX];   /* wipe after use */
	size_t len;                     /* 0: none */
	int64_t last_step;              /* last accepted time step */
};

struct rec_engineer {
	char id[ID_MAX];
	char username[REC_USERNAME_MAX + 1];
	char vendor_id[ID_MAX];
	char password_hash[REC_PWHASH_MAX];
	struct rec_totp totp;
	int status;
	int64_t created;
	char email[REC_EMAIL_MAX + 1];  /* "" when none (invitations) */
	int64_t status_changed;         /* 0: never */
};

struct rec_device {
	char id[ID_MAX];
	char engineer_id[ID_MAX];
	char name[REC_NAME_MAX];
	uint8_t public_key[32];
	int64_t created;
	int64_t revoked;                /* 0 while live; kept for history */
};

struct rec_tenant {
	char id[ID_MAX];
	char name[REC_NAME_MAX];
	int policy;
	int64_t created;
	int64_t users_version;  /* grows with every change to its user list */
	int64_t max_minutes;    /* longest access a request may get */
	int second_approver;    /* enum rec_second_approver */
	unsigned sensitive;     /* bits of enum action that need a second
				 * approval (beyond resets of admins) */
};

enum rec_second_approver {
	SECOND_TENANT_ADMIN = 0,        /* only a tenant admin */
	SECOND_ADMIN_OR_OTHER_VENDOR = 1,
};

/* An access request (a grant once approved). */
enum rec_grant_state {
	GRANT_PENDING = 0,
	GRANT_APPROVED,
	GRANT_DENIED,
	GRANT_EXPIRED,
	GRANT_REVOKED,
	GRANT_STATE_COUNT
};

#define REC_REASON_MAX 500

struct rec_grant {
	char id[ID_MAX];
	char tenant_id[ID_MAX];
	char engineer_id[ID_MAX];
	char vendor_id[ID_MAX];
	char ticket_id[ID_MAX];
	char reason[REC_REASON_MAX + 1];
	int64_t minutes;
	int state;                      /* enum rec_grant_state, as stored */
	int break_glass;
	int64_t created;
	int64_t decided;                /* 0 until answered */
	char decided_by[ID_MAX];
	int64_t deadline;               /* pending: answer by; approved: ends */
	int notified;                   /* "about to expire" sent */
};

/* A second approval (two-person rule). */
enum rec_approval_state {
	APPROVAL_PENDING = 0,
	APPROVAL_APPROVED,
	APPROVAL_DENIED,
	APPROVAL_USED,
	APPROVAL_EXPIRED,
	APPROVAL_STATE_COUNT
};

#define REC_ACTION_MAX 48

struct rec_approval {
	char id[ID_MAX];
	char tenant_id[ID_MAX];
	char engineer_id[ID_MAX];       /* who asks, and who may use it */
	char vendor_id[ID_MAX];
	char action[REC_ACTION_MAX];
	char target[ID_MAX];
	char reason[REC_REASON_MAX + 1];
	int state;
	int64_t created;
	int64_t deadline;               /* pending or approved: valid until */
	char decided_by[ID_MAX];
	int64_t decided;
};

struct rec_user {
	char id[ID_MAX];
	char tenant_id[ID_MAX];
	char username[REC_USERNAME_MAX + 1];
	char email[REC_EMAIL_MAX + 1];
	int role;
	int status;
	char password_hash[REC_PWHASH_MAX];     /* "" until a password is set */
	struct rec_totp totp;
	int mfa_enrolled;       /* 0: next login enrols totp.secret afresh */
	int64_t created;
};

struct rec_ticket {
	char id[ID_MAX];
	char tenant_id[ID_MAX];
	char subject[REC_SUBJECT_MAX + 1];
	char requester[REC_EMAIL_MAX + 1];
	char status[16];
	char *body;             /* heap, owned by the record: rec_ticket_cleanup */
	int64_t created;
};

struct rec_session {
	char id[ID_MAX];                /* public id, safe to log */
	uint8_t token_hash[TOKEN_HASH_LEN];
	int principal;                  /* enum rec_principal */
	char principal_id[ID_MAX];
	char tenant_id[ID_MAX];         /* tenant users: their tenant */
	char vendor_id[ID_MAX];         /* engineers: their vendor */
	char device_id[ID_MAX];         /* engineers: the device used */
	char source[REC_ADDR_MAX];
	int64_t created;
	int64_t expires;                /* absolute end */
	int64_t last_seen;
	int console;                    /* the console's (a cookie): never
					 * taken as a bearer */
};

/* Where a login's password is judged: at verify (the device-first shape),
 * or at step one, whose verdict (one bit, nothing derived from the
 * password beyond it) waits in the login for the device's signature. */
enum rec_login_password {
	LOGIN_PASSWORD_AT_VERIFY = 0,
	LOGIN_PASSWORD_RIGHT = 1,
	LOGIN_PASSWORD_WRONG = 2,
};

struct rec_login {
	char id[ID_MAX];
	char engineer_id[ID_MAX];
	char device_id[ID_MAX];
	char challenge[REC_CHALLENGE_MAX];
	char source[REC_ADDR_MAX];
	int64_t expires;
	int password;                   /* enum rec_login_password */
};

struct rec_reset {
	uint8_t token_hash[TOKEN_HASH_LEN];
	char tenant_id[ID_MAX];
	char user_id[ID_MAX];
	int64_t expires;
};

struct rec_throttle {
	char key[REC_KEY_MAX];
	int64_t failures;
	int64_t last_failure;
	int64_t locked_until;
};

/* Containment: what the operator (or a rule) shut out. */
enum rec_contain_kind {
	CONTAIN_ENGINEER = 0,
	CONTAIN_DEVICE,
	CONTAIN_SESSION,
	CONTAIN_VENDOR,
	CONTAIN_KIND_COUNT
};

struct rec_containment {
	char id[ID_MAX];
	int kind;                       /* enum rec_contain_kind */
	char target[ID_MAX];            /* the engineer, device, ... id */
	char engineer_id[ID_MAX];       /* whose device or session; "" for
					 * a vendor */
	char vendor_id[ID_MAX];
	char reason[REC_REASON_MAX + 1];
	char created_by[ID_MAX];        /* "operator" or "custosd" */
	char alert_id[ID_MAX];          /* the alert that asked, or "" */
	int refuse_logins;              /* logins refused while in force */
	int revoke_access;              /* open access requests were revoked
					 * (1 for every containment stored
					 * before migration 13) */
	int64_t created;
	int64_t lifted;                 /* 0 while in force */
	char lifted_by[ID_MAX];
	char lift_reason[REC_REASON_MAX + 1];
};

/* Where an alert stands with the webhook. */
enum rec_webhook_state {
	WEBHOOK_NONE = 0,               /* no webhook configured */
	WEBHOOK_PENDING,
	WEBHOOK_DELIVERED,
	WEBHOOK_GAVE_UP
};

#define REC_RULE_MAX 40

/* A stored alert: its indexed columns and its JSON document. */
struct rec_alert {
	char id[ID_MAX];
	int64_t time_ms;
	char rule[REC_RULE_MAX];
	int severity;
	char subject[ID_MAX];
	const char *doc;                /* JSON text, not owned */
	size_t len;
	int webhook;                    /* enum rec_webhook_state */
	int attempts;
	int64_t next_attempt;           /* seconds */
};

/* Which alerts a listing wants; empty strings and 0 match all. */
struct rec_alert_filter {
	int64_t from_ms, to_ms;         /* to_ms 0: no end */
	const char *rule;
	int min_severity;
	const char *subject;
	int limit;
	int history;                    /* 1: only alerts found in imported
					 * history ("history":true in the
					 * doc), -1: only the others, 0: all */
};

/* One transparency-log entry: the exact bytes plus the columns the store
 * indexes them by (all copies of fields inside the bytes). */
struct rec_entry {
	int64_t index;
	int64_t time;           /* seconds since the epoch: when it happened
				 * (0: the writer's time of the commit) */
	const char *actor_id;   /* may be "" */
	const char *engineer_id;        /* actor_id when the actor is an
					 * engineer (audit: actor_is_engineer),
					 * else "" or NULL: the entry's key as
					 * an engineer's and a vendor's */
	const char *vendor_id;  /* the actor's vendor, may be "" */
	const char *tenant_id;  /* may be "" */
	const char *action;
	const char *session_id;
	const char *device_id;
	const char *source;
	int allowed;
	const char *bytes;
	size_t len;
	/* For the store's covering keys (scope): the time the entry writes,
	 * in ms (0: unknown), and its target. */
	int64_t time_ms;
	const char *target;     /* may be NULL */
	/* The sealed leaf (tlog/leaf.h), set on the writer by the store's
	 * sealer just before the append; NULL without one. */
	const uint8_t *leaf;
	size_t leaf_len;
};

/* A stored entry with its sealed leaf, as read back.  The pointers are
 * valid during the callback only; leaf is NULL for an entry stored before
 * leaves were sealed, bytes NULL when not asked for. */
struct rec_leaf {
	int64_t index;
	const char *tenant_id;
	const uint8_t *leaf;
	size_t leaf_len;
	const char *bytes;
	size_t len;
};

/* Passkeys and operator persons (issue 13; auth/passkey.h). */
#define REC_CRED_ID_MAX 1023     /* WEBAUTHN_CRED_ID_MAX */
#define REC_PUBKEY_MAX 600       /* WEBAUTHN_PUBKEY_MAX */

enum rec_passkey_status {
	PASSKEY_ACTIVE = 0,
	PASSKEY_REMOVED = 1,            /* deleted by its owner */
};

/* A registered WebAuthn credential of one person. */
struct rec_passkey {
	char id[ID_MAX];                /* "pk_" + 16 hex */
	uint8_t cred_id[REC_CRED_ID_MAX];
	size_t cred_id_len;
	int principal;                  /* enum rec_principal */
	char principal_id[ID_MAX];
	char tenant_id[ID_MAX];         /* tenant users: their tenant */
	char device_id[ID_MAX];         /* engineers: the device it stands
					 * for */
	int alg;                        /* COSE algorithm */
	uint8_t public_key[REC_PUBKEY_MAX];
	size_t public_key_len;
	int64_t sign_count;
	int backup_eligible;
	char name[REC_NAME_MAX];
	int64_t created;
	int64_t last_used;              /* 0: never */
	int status;                     /* enum rec_passkey_status */
	char created_session[ID_MAX];   /* the session that registered it
					 * ("" for an invitation's) */
};

/* An operator person: signs in with a passkey as the operator. */
struct rec_operator {
	char id[ID_MAX];
	char username[REC_USERNAME_MAX + 1];
	char email[REC_EMAIL_MAX + 1];
	int status;                     /* enum rec_status */
	int64_t created;
};

/* issue 13, directory: what the console reads. */

/* An access request with what its approver needs to judge it: who asks
 * (names, not only ids), for which ticket, and that engineer's earlier
 * requests of the same tenant (those created before this one). */
struct rec_grant_view {
	struct rec_grant g;
	char engineer_username[REC_USERNAME_MAX + 1];   /* "" when gone */
	char vendor_name[REC_NAME_MAX];
	char ticket_subject[REC_SUBJECT_MAX + 1];
	char tenant_name[REC_NAME_MAX];
	int64_t past_requests;          /* earlier requests, any outcome */
	int64_t past_approved;          /* of those, access was granted */
	int64_t past_last;              /* latest grant of access; 0: none */
};

/* A stored incident: a scope question, its answer and, per tenant, the
 * report that tenant may read (rec_incident_report). */
#define REC_TITLE_MAX 200
#define REC_EXPOSURE_MAX 16

struct rec_incident {
	char id[ID_MAX];
	char title[REC_TITLE_MAX + 1];
	char created_by[ID_MAX];
	int64_t created;
	int64_t from, to;               /* the window asked, seconds */
	int64_t size;                   /* the checkpoint the answer cites */
	int tenants;                    /* reports kept */
	const char *doc;                /* the operator's summary (JSON);
					 * not owned */
	size_t len;
};

struct rec_incident_report {
	char incident_id[ID_MAX];
	char tenant_id[ID_MAX];
	char exposure[REC_EXPOSURE_MAX];        /* or "attempted" */
	const char *doc;                /* custos-scope-report/1 JSON; not
					 * owned */
	size_t len;
};

void rec_ticket_cleanup(struct rec_ticket *t);
/* Wipes secret material (hashes, TOTP secrets) from a record. */
void rec_engineer_wipe(struct rec_engineer *e);
void rec_user_wipe(struct rec_user *u);

/* Invitations (auth/invite.h): enrolment by a single-use mailed link. */
enum rec_invite_kind {
	INVITE_ENGINEER = 1,
	INVITE_TENANT_USER = 2,
	INVITE_OPERATOR = 3,
};

struct rec_invitation {
	char id[ID_MAX];                /* "inv_..." */
	uint8_t token_hash[TOKEN_HASH_LEN];
	int kind;                       /* enum rec_invite_kind */
	char principal_id[ID_MAX];      /* the engineer, user or operator */
	char tenant_id[ID_MAX];         /* tenant users */
	char device_id[ID_MAX];         /* engineers: the device it enrols */
	char username[REC_USERNAME_MAX + 1];
	char email[REC_EMAIL_MAX + 1];  /* where the link went */
	char created_by[ID_MAX];        /* "operator" or the admin's id */
	int64_t created;
	int64_t expires;
	int64_t used;                   /* 0 until completed */
	int64_t revoked;                /* 0 unless revoked */
	char pending_password[REC_PWHASH_MAX];  /* "" until chosen (secret) */
	struct rec_totp pending_totp;   /* len 0 until chosen (secret) */
};

void rec_invitation_wipe(struct rec_invitation *r);

/* helper optok (issue 14): a named operator token.  Its secret is never
 * kept, only its SHA-256 (token_hash); scope is enum op_scope
 * (audit/action.h), what the token may do. */
#define REC_OPTOKEN_NAME_MAX 63

struct rec_optoken {
	char id[ID_MAX];                /* "opt_..." */
	char name[REC_OPTOKEN_NAME_MAX + 1];
	int scope;                      /* enum op_scope */
	uint8_t token_hash[TOKEN_HASH_LEN];
	int64_t created;
	char created_by[ID_MAX];        /* the actor id that made it */
	int64_t expires;                /* 0: never */
	int64_t revoked;                /* 0: live */
	char revoked_by[ID_MAX];
	int64_t last_used;              /* 0: never */
};

#endif
