/* SPDX-License-Identifier: ISC */
/*
 * A small world for the unit tests of the login and reset workflows
 * (test_login.c, test_tenant_login.c, test_reset.c): a real SQLite store
 * and a mail outbox in a temporary directory, one vendor with an engineer
 * and their registered Ed25519 device, and one tenant with an enrolled
 * admin and a user who never enrolled a second factor.  Writer halves run
 * through store_write like the API's, without HTTP and without entries.
 * Argon2id runs at its minimum cost so the tests are fast.
 */
#ifndef CUSTOS_TESTS_AUTH_WORLD_H
#define CUSTOS_TESTS_AUTH_WORLD_H

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/attempt.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "common/str.h"
#include "mail/outbox.h"
#include "store/store.h"

#define W_NOW 1800000000
#define W_PASSWORD "correct horse battery staple"
#define W_SOURCE "192.0.2.7"
#define W_RESET_TTL 3600

static const struct store_ops *const ops = &store_sqlite_ops;

struct world {
	char dir[64];
	char db[128];
	char outbox[128];
	struct store *s;
	struct attempt_policy p;
	struct rec_vendor vendor;
	struct rec_engineer eng;
	struct rec_device dev;
	uint8_t dev_sk[crypto_sign_SECRETKEYBYTES];
	struct rec_tenant tenant;
	struct rec_user admin;          /* enrolled */
	struct rec_user user;           /* never enrolled */
};

typedef int (*world_apply_fn)(struct store_conn *c,
    const struct store_ops *o, void *run, struct err *e);

struct world_job {
	world_apply_fn fn;
	void *run;
};

static inline int
world_job_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct world_job *j = arg;

	return j->fn(c, ops, j->run, e);
}

/* Runs a workflow's writer half in a commit of its own; asserts it
 * committed. */
static inline void
world_apply(struct world *w, world_apply_fn fn, void *run)
{
	struct world_job j = {fn, run};
	struct store_job job = {world_job_apply, NULL, &j};
	struct err e;

	err_init(&e);
	if (store_write(w->s, &job, NULL, &e) != 0)
		fail_msg("writer half failed: %s", e.msg);
}

/* A store write of one record, asserted. */
static inline int
world_put_apply(struct store_conn *c, void *arg, struct err *e)
{
	int (*put)(struct store_conn *, const void *, struct err *) =
	    ((void **)arg)[0];

	return put(c, ((void **)arg)[1], e);
}

#define WORLD_PUT(w, op, rec) do {                                      \
	void *pair_[2] = {(void *)(op), (void *)(rec)};                 \
	struct store_job job_ = {world_put_apply, NULL, pair_};         \
	struct err e_;                                                  \
	err_init(&e_);                                                  \
	if (store_write((w)->s, &job_, NULL, &e_) != 0)                 \
		fail_msg("put failed: %s", e_.msg);                     \
} while (0)

static inline struct store_conn *
world_reader(struct world *w)
{
	struct err e;
	struct store_conn *c;

	err_init(&e);
	c = store_reader_get(w->s, &e);
	if (c == NULL)
		fail_msg("no reader: %s", e.msg);
	return c;
}

static inline void
world_user(struct world *w, struct rec_user *u, const char *id,
    const char *name, int role, int enrolled)
{
	memset(u, 0, sizeof(*u));
	str_copy(u->id, sizeof(u->id), id);
	str_copy(u->tenant_id, sizeof(u->tenant_id), w->tenant.id);
	str_copy(u->username, sizeof(u->username), name);
	str_printf(u->email, sizeof(u->email), "%s@example.org", name);
	u->role = role;
	u->status = STATUS_ACTIVE;
	if (password_hash(u->password_hash, W_PASSWORD,
	    strlen(W_PASSWORD)) != 0)
		fail_msg("password_hash");
	if (enrolled)
		totp_generate(&u->totp);
	u->mfa_enrolled = enrolled;
	u->created = W_NOW - 86400;
	WORLD_PUT(w, ops->user_insert, u);
}

static inline int
world_setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct store_config cfg;
	struct err e;

	if (w == NULL || sodium_init() < 0 || password_setup(1, 8192) != 0 ||
	    totp_setup() != 0)
		return -1;
	str_copy(w->dir, sizeof(w->dir), "/tmp/custos-auth-XXXXXX");
	if (mkdtemp(w->dir) == NULL)
		return -1;
	str_printf(w->db, sizeof(w->db), "%s/custos.db", w->dir);
	str_printf(w->outbox, sizeof(w->outbox), "%s/outbox", w->dir);
	if (outbox_init(w->outbox) != 0)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = ops;
	cfg.where = w->db;
	cfg.readers = 4;
	err_init(&e);
	w->s = store_open(&cfg, &e);
	if (w->s == NULL) {
		fprintf(stderr, "store_open: %s\n", e.msg);
		return -1;
	}
	attempt_policy_init(&w->p, 3, 5, 900, 900, 1000);
	w->p.login_ttl = 120;
	w->p.session_lifetime = 8 * 3600;
	w->p.issuer = "custos-test";

	str_copy(w->vendor.id, sizeof(w->vendor.id), "ven_acme");
	str_copy(w->vendor.name, sizeof(w->vendor.name), "Acme Support");
	WORLD_PUT(w, ops->vendor_insert, &w->vendor);
	str_copy(w->eng.id, sizeof(w->eng.id), "eng_ada");
	str_copy(w->eng.username, sizeof(w->eng.username), "ada");
	str_copy(w->eng.vendor_id, sizeof(w->eng.vendor_id), w->vendor.id);
	if (password_hash(w->eng.password_hash, W_PASSWORD,
	    strlen(W_PASSWORD)) != 0)
		return -1;
	totp_generate(&w->eng.totp);
	w->eng.status = STATUS_ACTIVE;
	WORLD_PUT(w, ops->engineer_insert, &w->eng);
	str_copy(w->dev.id, sizeof(w->dev.id), "dev_ada_laptop");
	str_copy(w->dev.engineer_id, sizeof(w->dev.engineer_id), w->eng.id);
	str_copy(w->dev.name, sizeof(w->dev.name), "laptop");
	crypto_sign_keypair(w->dev.public_key, w->dev_sk);
	WORLD_PUT(w, ops->device_insert, &w->dev);

	str_copy(w->tenant.id, sizeof(w->tenant.id), "ten_globex");
	str_copy(w->tenant.name, sizeof(w->tenant.name), "Globex");
	w->tenant.max_minutes = 60;
	WORLD_PUT(w, ops->tenant_insert, &w->tenant);
	world_user(w, &w->admin, "usr_hank", "hank", ROLE_ADMIN, 1);
	world_user(w, &w->user, "usr_marge", "marge", ROLE_USER, 0);
	*state = w;
	return 0;
}

static inline int
world_teardown(void **state)
{
	struct world *w = *state;
	char cmd[256];

	store_close(w->s);
	str_printf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", w->dir);
	sodium_memzero(w, sizeof(*w));
	free(w);
	return 0;
}

/* The TOTP code of t at time now. */
static inline const char *
world_code(const struct rec_totp *t, int64_t now)
{
	static char code[8];

	if (totp_code(code, t, now) != 0)
		fail_msg("totp_code");
	return code;
}

/* 1 when a session with this public id is stored. */
static inline int
world_session_exists(struct world *w, const char *id)
{
	struct store_conn *c = world_reader(w);
	struct rec_session s;
	struct err e;
	int rc;

	err_init(&e);
	rc = ops->session_get_id(c, id, &s, &e);
	store_reader_put(w->s, c);
	assert_int_not_equal(rc, -1);
	return rc == 0;
}

/* The user as stored now. */
static inline void
world_user_get(struct world *w, const char *id, struct rec_user *out)
{
	struct store_conn *c = world_reader(w);
	struct err e;

	err_init(&e);
	assert_int_equal(ops->user_get(c, w->tenant.id, id, out, &e), 0);
	store_reader_put(w->s, c);
}

#endif
