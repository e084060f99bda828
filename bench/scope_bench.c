/* SPDX-License-Identifier: ISC */
/*
 * scope_bench: the latency of the scope question ("which tenants did this
 * engineer, or this vendor, reach in these five days?") on a log of
 * ENTRIES entries, beside the same question asked of the same entries with
 * indexed SQLite and with jq over the JSON lines, in the same run.
 *
 *	usage: scope_bench [-s] [-n ENTRIES] [-b BATCH] [-r RUNS]
 *	    [-e PER_DAY] [-j JQ] [-J JQ_RUNS] [-d DIR] [-k KEEP]
 *	    [-D DUCKDB_SCRIPT]
 *
 * In a fresh directory under DIR (default $TMPDIR or /tmp), removed after
 * (or in KEEP, kept, and used again as it is when it holds a built log:
 * for profiling the questions alone):
 *
 * 1. A world in a custos store (store_open + tlog_open): 3 vendors, 40
 *    engineers (14, 13, 13), 500 tenants (every tenth auto_approve, the
 *    rest approval_required), and the grants the engineers worked under:
 *    one per engineer, working day and half hour of shift in an
 *    approval_required tenant (about 13,000).
 * 2. ENTRIES entries (default 1000000) over 30 days from Monday
 *    2022-01-03, the time column spread evenly over them (an entry's time
 *    is the time its event happened, as custosd indexes it).  Each vendor
 *    works one 8-hour shift (00-08, 08-16, 16-24 UTC) on weekdays; each of
 *    its engineers makes about PER_DAY (default 400) requests a shift in
 *    the tenant of the half hour (ticket and user reads, resets, access
 *    requests, a few refused attempts), from one of its devices, in one
 *    session a day.  The rest of the log (the larger part of a big one) is
 *    the tenants' own users and admins: logins, tickets, completed resets.
 *    So the questions below match about as many entries at every ENTRIES,
 *    as an incident does however long the log has grown.  Entries are
 *    serialised like src/audit/event.c's (keys, order, "detail") and
 *    imported with store_write_all in commits of BATCH (default 250000:
 *    with the store's per-principal indexes, bigger commits import
 *    faster; 50000 is half as fast).
 *    The same entries go, untimed for the questions, into
 *      - plain SQLite: a table with the custos entries table's columns,
 *        indexed on (actor_id, time) and (vendor_id, time);
 *      - a JSON-lines file: each entry's exact bytes and a newline.
 * 3. The questions, on days 7-11 (Mon 10 - Fri 14 Jan, [10 Jan, 15 Jan)):
 *    engineer eng-07 (vendor-b), and the whole of vendor-b (13 engineers).
 *      - custos: scope_principals() on a reader connection, what POST
 *        /v1/scope runs (the handler adds one checkpoint and the tenant
 *        names), RUNS times (default 21): p50, p90 and the fastest;
 *      - SQLite: the same window through the index, grouped per tenant,
 *        action and outcome with counts, first and last time, the entry
 *        indexes and the users of allowed resets (json_extract of the
 *        target), one prepared statement on a query_only reader with
 *        custos's reader cache, RUNS times;
 *      - jq: `jq -c 'select(.actor.id == E and .time >= F and .time < T)'`
 *        (.actor.vendor for the vendor) over the JSON lines, JQ_RUNS times
 *        (default 1; -j - skips jq);
 *      - DuckDB (with -D bench/duckdb/scope.mjs, run by node): the JSON
 *        lines loaded into a DuckDB file, the question asked as of SQLite
 *        of the table as loaded and of one sorted by vendor, actor, time,
 *        RUNS times each (see that script).
 *    All must count the same entries, or the run fails.
 *
 * Prints a report, or with -s shell assignments (scripts/bench evals them).
 * Exits 1 if anything fails.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/num.h"
#include "common/str.h"
#include "scope/scope.h"
#include "store/store.h"
#include "tlog/tlog.h"

#define ENTRY_MAX 640
#define ENTRIES_MAX 1000000000
#define BATCH_MAX 1000000
#define RUNS_MAX 100000
#define PER_DAY_MAX 100000
#define PATH_MAX_BENCH 4096

#define VENDORS 3
#define ENGINEERS 40
#define TENANTS 500
#define USERS 100               /* per tenant; user 0 is its admin */
#define DAYS 30
#define DAY 86400
#define SHIFT (8 * 3600)
#define SLOT 1800               /* an engineer's time in one tenant */
#define SLOTS (SHIFT / SLOT)
#define T_START 1641168000LL    /* 2022-01-03T00:00:00Z, a Monday */
#define Q_DAY 7                 /* the questions: days 7..11 */
#define Q_DAYS 5
#define Q_ENGINEER 7
#define Q_VENDOR 1              /* vendor-b */
#define ENG_SHARE_MAX 0.95      /* of the entries made in a shift */

struct opts {
	int64_t entries, batch, runs, per_day, jq_runs;
	const char *dir, *jq, *keep, *duck;
	int shell;
};

/* One entry made ready: its bytes and the columns the store indexes. */
struct prep {
	char bytes[ENTRY_MAX];
	size_t len;
	int64_t time;
	int allowed;
	const char *action;
	char actor[16], vendor[16], tenant[16], session[32], device[16];
	char source[24];
	int64_t time_ms;                /* as the entry writes it */
	char target[32];                /* "" when null */
};

/* A world record to insert, and how. */
struct wrec {
	int kind;
	union {
		struct rec_vendor v;
		struct rec_engineer e;
		struct rec_tenant t;
		struct rec_grant g;
	} u;
};

enum { W_VENDOR, W_ENGINEER, W_TENANT, W_GRANT };

struct lat {
	double *v;
	size_t n;
};

struct question {
	const char *name;               /* "engineer", "vendor" */
	char id[16];
	int kind;                       /* SP_ENGINEER, SP_VENDOR */
	int64_t from, to;
	/* custos */
	double p50, p90, best;
	int64_t events, tenants, acted, viewed, exposed;
	/* SQLite */
	double sql_p50, sql_p90, sql_best;
	int64_t sql_events, sql_tenants;
	/* jq */
	double jq_s;
	int64_t jq_events;
	/* DuckDB, the table as loaded [0] and sorted [1] */
	double duck_p50[2], duck_p90[2], duck_best[2];
	int64_t duck_events[2];
};

struct results {
	int64_t eng_entries;            /* entries by engineers */
	double duck_load, duck_sort;
	double t_world, t_store, t_plain, t_plain_index, t_jsonl;
	int64_t store_bytes, plain_bytes, jsonl_bytes, entry_bytes;
	struct question q[2];
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* --- the world ----------------------------------------------------------- */

static int
vendor_of(int e)
{
	return (e - 1) % VENDORS;
}

static int
engineers_of(int v)
{
	return (ENGINEERS - v + VENDORS - 1) / VENDORS;
}

static int
tenant_auto(int t)
{
	return t % 10 == 0;
}

/* The tenant engineer e works in during slot s of day d. */
static int
tenant_of(int e, int64_t d, int s)
{
	return (int)(mix((uint64_t)e * 1000003u + (uint64_t)d * 101u +
	    (uint64_t)s) % TENANTS);
}

static void
session_of(char out[32], uint64_t seed)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint64_t h = mix(seed), h2 = mix(seed ^ 0x5bd1e995u);
	int k;

	memcpy(out, "ses_", 4);
	for (k = 0; k < 26; k++)
		out[4 + k] = b32[((k < 12 ? h : h2) >> ((k % 12) * 5)) & 31];
	out[30] = '\0';
}

static void
grant_id(char *out, size_t size, int e, int64_t d, int s)
{
	(void)str_printf(out, size, "grt-%02d-%02lld-%02d", e, (long long)d, s);
}

/* "null" or a quoted string, for the entry's JSON. */
static const char *
q(char *tmp, size_t size, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return "null";
	if (str_printf(tmp, size, "\"%s\"", s) == -1)
		return "null";
	return tmp;
}

struct act {
	const char *name;
	int cut;                /* cumulative percent */
	int allowed;
	const char *reason;
};

static const struct act eng_acts[] = {
	{"ticket.list", 28, 1, NULL},
	{"ticket.view", 53, 1, NULL},
	{"user.list", 76, 1, NULL},
	{"user.password_reset", 84, 1, NULL},
	{"user.mfa_reset", 87, 1, NULL},
	{"access_request.create", 90, 1, NULL},
	{"access_request.view", 93, 1, NULL},
	{"auth.verify", 95, 1, NULL},
	{"ticket.view", 97, 0, "no_approved_access"},
	{"tenant.export", 99, 0, "role_forbids"},
	{"user.delete", 100, 0, "role_forbids"},
};

static const struct act user_acts[] = {
	{"auth.login", 55, 1, NULL},
	{"ticket.create", 70, 1, NULL},
	{"user.password_reset_complete", 82, 1, NULL},
	{"access_request.list", 90, 1, NULL},
	{"tenant.access_log", 95, 1, NULL},
	{"auth.login", 100, 0, "bad_password"},
};

static const struct act *
pick(const struct act *a, uint64_t h)
{
	int r = (int)(h % 100);

	while (r >= a->cut)
		a++;
	return a;
}

/*
 * Entry i of n, the same every time it is asked for.  per_day: requests
 * of an engineer in a shift.  *eng is set when an engineer made it.
 */
static int
entry_make(struct prep *p, int64_t i, int64_t n, int64_t per_day, int *eng)
{
	char when[RFC3339_LEN], t1[48], t2[48], t3[48], t4[48];
	char target[32], detail[64], kind[16];
	int64_t ms = T_START * 1000 + i * (DAYS * (int64_t)DAY * 1000) / n;
	int64_t t = ms / 1000, day = (t - T_START) / DAY;
	int64_t sod = (t - T_START) % DAY;
	uint64_t h = mix((uint64_t)i);
	int v = (int)(sod / SHIFT), tn, len;
	double rate = (double)n / (DAYS * (double)DAY), share = 0;
	const struct act *a;

	if (day % 7 < 5)
		share = engineers_of(v) * (double)per_day / SHIFT / rate;
	if (share > ENG_SHARE_MAX)
		share = ENG_SHARE_MAX;
	time_format(when, t);
	p->time = t;
	target[0] = detail[0] = '\0';
	*eng = (double)(h % 1000000) < share * 1e6;
	if (*eng) {
		int e = v + 1 + VENDORS * (int)((h >> 20) % (uint64_t)
		    engineers_of(v));
		int s = (int)((sod - v * SHIFT) / SLOT);
		int dev = e % 3 == 0 && day % 2 == 1 ? 2 : 1;

		tn = tenant_of(e, day, s);
		a = pick(eng_acts, h >> 40);
		str_copy(kind, sizeof(kind), "engineer");
		(void)str_printf(p->actor, sizeof(p->actor), "eng-%02d", e);
		(void)str_printf(p->vendor, sizeof(p->vendor), "vendor-%c",
		    'a' + vendor_of(e));
		session_of(p->session, (uint64_t)e * 1000 + (uint64_t)day);
		(void)str_printf(p->device, sizeof(p->device), "dev-%02d-%d", e,
		    dev);
		(void)str_printf(p->source, sizeof(p->source), "10.%d.%d.%d",
		    v + 1, e, dev);
		if (strstr(a->name, "reset") != NULL ||
		    strcmp(a->name, "user.delete") == 0)
			(void)str_printf(target, sizeof(target),
			    "usr-%03d-%03d", tn, (int)((h >> 8) % USERS));
		else if (strcmp(a->name, "ticket.view") == 0)
			(void)str_printf(target, sizeof(target),
			    "tkt-%03d-%04d", tn, (int)((h >> 8) % 2000));
		if (a->allowed && tenant_auto(tn))
			str_copy(detail, sizeof(detail),
			    ",\"detail\":{\"access\":\"policy:auto_approve\"}");
		else if (a->allowed && strncmp(a->name, "access_", 7) != 0 &&
		    strncmp(a->name, "auth.", 5) != 0) {
			char g[24];

			grant_id(g, sizeof(g), e, day, s);
			(void)str_printf(detail, sizeof(detail),
			    ",\"detail\":{\"grant\":\"%s\"}", g);
		}
	} else {
		int u = (int)((h >> 30) % USERS);

		tn = (int)((h >> 20) % TENANTS);
		a = pick(user_acts, h >> 40);
		str_copy(kind, sizeof(kind), u == 0 ? "tenant_admin" :
		    "tenant_user");
		(void)str_printf(p->actor, sizeof(p->actor), "usr-%03d-%03d",
		    tn, u);
		p->vendor[0] = p->device[0] = '\0';
		session_of(p->session, 0x8000000000ULL + (uint64_t)tn * 100000 +
		    (uint64_t)u * 100 + (uint64_t)day);
		(void)str_printf(p->source, sizeof(p->source),
		    "198.51.%d.%d", tn % 256, u + 1);
		if (strcmp(a->name, "ticket.create") == 0)
			(void)str_printf(target, sizeof(target),
			    "tkt-%03d-%04d", tn, (int)((h >> 8) % 2000));
		else if (strcmp(a->name, "auth.login") == 0)
			(void)str_printf(target, sizeof(target), "user%03d", u);
	}
	(void)str_printf(p->tenant, sizeof(p->tenant), "tenant-%03d", tn);
	p->action = a->name;
	p->allowed = a->allowed;
	p->time_ms = t * 1000 + ms % 1000;
	str_copy(p->target, sizeof(p->target), target);
	/* src/audit/event.c: the same keys in the same order. */
	len = snprintf(p->bytes, sizeof(p->bytes), "{\"v\":1,\"time\":"
	    "\"%.19s.%03dZ\",\"actor\":{\"kind\":\"%s\",\"id\":\"%s\","
	    "\"vendor\":%s},\"session\":\"%s\",\"device\":%s,\"source\":"
	    "\"%s\",\"action\":\"%s\",\"tenant\":\"%s\",\"target\":%s,"
	    "\"outcome\":\"%s\",\"reason\":%s%s}", when, (int)(ms % 1000),
	    kind, p->actor, q(t1, sizeof(t1), p->vendor), p->session,
	    q(t2, sizeof(t2), p->device), p->source, a->name, p->tenant,
	    q(t3, sizeof(t3), target), a->allowed ? "allowed" : "denied",
	    q(t4, sizeof(t4), a->reason), detail);
	if (len < 0 || (size_t)len >= sizeof(p->bytes))
		return -1;
	p->len = (size_t)len;
	return 0;
}

static int
job_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	const struct prep *p = arg;

	en->time = p->time;
	en->actor_id = p->actor;
	/* Its actor is an engineer exactly when it has a vendor. */
	en->engineer_id = p->vendor[0] != '\0' ? p->actor : "";
	en->vendor_id = p->vendor;
	en->tenant_id = p->tenant;
	en->action = p->action;
	en->session_id = p->session;
	en->device_id = p->device;
	en->source = p->source;
	en->allowed = p->allowed;
	en->time_ms = p->time_ms;
	en->target = p->target;
	return buf_append(out, p->bytes, p->len);
}

static int
job_world(struct store_conn *c, void *arg, struct err *e)
{
	const struct wrec *w = arg;
	const struct store_ops *ops = &store_sqlite_ops;

	switch (w->kind) {
	case W_VENDOR:
		return ops->vendor_insert(c, &w->u.v, e);
	case W_ENGINEER:
		return ops->engineer_insert(c, &w->u.e, e);
	case W_TENANT:
		return ops->tenant_insert(c, &w->u.t, e);
	default:
		return ops->grant_insert(c, &w->u.g, e);
	}
}

/* Vendors, engineers, tenants and the grants the entries name. */
static int
world_insert(struct store *st)
{
	size_t cap = VENDORS + ENGINEERS + TENANTS +
	    (size_t)ENGINEERS * DAYS * SLOTS, n = 0;
	struct wrec *w = calloc(cap, sizeof(*w));
	struct store_job *jobs = calloc(cap, sizeof(*jobs));
	struct err e;
	int64_t d;
	int i, s, rc = -1;

	if (w == NULL || jobs == NULL)
		goto out;
	for (i = 0; i < VENDORS; i++, n++) {
		w[n].kind = W_VENDOR;
		(void)str_printf(w[n].u.v.id, ID_MAX, "vendor-%c", 'a' + i);
		(void)str_printf(w[n].u.v.name, REC_NAME_MAX, "Vendor %c",
		    'A' + i);
		w[n].u.v.created = T_START - DAY;
	}
	for (i = 1; i <= ENGINEERS; i++, n++) {
		w[n].kind = W_ENGINEER;
		(void)str_printf(w[n].u.e.id, ID_MAX, "eng-%02d", i);
		str_copy(w[n].u.e.username, sizeof(w[n].u.e.username),
		    w[n].u.e.id);
		(void)str_printf(w[n].u.e.vendor_id, ID_MAX, "vendor-%c",
		    'a' + vendor_of(i));
		str_copy(w[n].u.e.password_hash, REC_PWHASH_MAX, "-");
		w[n].u.e.created = T_START - DAY;
	}
	for (i = 0; i < TENANTS; i++, n++) {
		w[n].kind = W_TENANT;
		(void)str_printf(w[n].u.t.id, ID_MAX, "tenant-%03d", i);
		(void)str_printf(w[n].u.t.name, REC_NAME_MAX, "Tenant %03d", i);
		w[n].u.t.policy = tenant_auto(i) ? POLICY_AUTO_APPROVE :
		    POLICY_APPROVAL_REQUIRED;
		w[n].u.t.max_minutes = 480;
		w[n].u.t.created = T_START - DAY;
	}
	for (i = 1; i <= ENGINEERS; i++)
		for (d = 0; d < DAYS; d++) {
			if (d % 7 >= 5)
				continue;
			for (s = 0; s < SLOTS; s++) {
				struct rec_grant *g = &w[n].u.g;
				int64_t at = T_START + d * DAY +
				    vendor_of(i) * SHIFT + s * SLOT;
				int tn = tenant_of(i, d, s);

				if (tenant_auto(tn))
					continue;
				w[n++].kind = W_GRANT;
				grant_id(g->id, ID_MAX, i, d, s);
				(void)str_printf(g->tenant_id, ID_MAX,
				    "tenant-%03d", tn);
				(void)str_printf(g->engineer_id, ID_MAX,
				    "eng-%02d", i);
				(void)str_printf(g->vendor_id, ID_MAX,
				    "vendor-%c", 'a' + vendor_of(i));
				(void)str_printf(g->ticket_id, ID_MAX,
				    "tkt-%03d-0001", tn);
				str_copy(g->reason, sizeof(g->reason),
				    "customer cannot log in since Monday");
				g->minutes = SLOT / 60;
				g->state = GRANT_EXPIRED;
				g->created = at - 60;
				g->decided = at;
				(void)str_printf(g->decided_by, ID_MAX,
				    "usr-%03d-000", tn);
				g->deadline = at + SLOT;
			}
		}
	for (i = 0; i < (int)n; i++) {
		jobs[i].apply = job_world;
		jobs[i].arg = &w[i];
	}
	err_init(&e);
	if (store_write_all(st, jobs, n, &e) == -1) {
		fprintf(stderr, "scope_bench: the world: %s\n", e.msg);
		goto out;
	}
	rc = 0;
out:
	free(w);
	free(jobs);
	return rc;
}

/* --- files --------------------------------------------------------------- */

static int64_t
file_bytes(const char *dir, const char *name)
{
	char path[PATH_MAX_BENCH];
	struct stat sb;

	if (str_printf(path, sizeof(path), "%s/%s", dir, name) == -1 ||
	    stat(path, &sb) == -1)
		return 0;
	return (int64_t)sb.st_size;
}

/* Removes the files of dir (only this program's), then dir. */
static void
dir_remove(const char *dir)
{
	char path[PATH_MAX_BENCH];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (str_printf(path, sizeof(path), "%s/%s", dir,
			    de->d_name) == 0)
				unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* --- plain SQLite -------------------------------------------------------- */

static int
plain_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "scope_bench: SQLite: %s: %s\n", sql,
		    msg != NULL ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static sqlite3 *
plain_open(const char *path, int writer)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "scope_bench: SQLite %s: %s\n", path,
		    db != NULL ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return NULL;
	}
	/* Loading is not what is measured: no fsync.  The reader has
	 * custos's reader settings (src/store/store_sqlite.c). */
	if (plain_exec(db, writer ? "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
	    "CREATE TABLE IF NOT EXISTS entries(idx INTEGER PRIMARY KEY,"
	    " time INTEGER NOT NULL, actor_id TEXT NOT NULL,"
	    " tenant_id TEXT NOT NULL, action TEXT NOT NULL,"
	    " session_id TEXT NOT NULL, device_id TEXT NOT NULL,"
	    " source TEXT NOT NULL, allowed INTEGER NOT NULL,"
	    " bytes BLOB NOT NULL, vendor_id TEXT NOT NULL)" :
	    "PRAGMA query_only=1; PRAGMA cache_size=-16384;") == -1) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int
plain_insert(sqlite3 *db, sqlite3_stmt *ins, int64_t idx,
    const struct prep *p)
{
	int rc;

	sqlite3_bind_int64(ins, 1, idx);
	sqlite3_bind_int64(ins, 2, p->time);
	sqlite3_bind_text(ins, 3, p->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 4, p->tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 5, p->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, p->session, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 7, p->device, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 8, p->source, -1, SQLITE_STATIC);
	sqlite3_bind_int(ins, 9, p->allowed);
	sqlite3_bind_blob(ins, 10, p->bytes, (int)p->len, SQLITE_STATIC);
	sqlite3_bind_text(ins, 11, p->vendor, -1, SQLITE_STATIC);
	rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "scope_bench: SQLite insert: %s\n",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* --- the build ----------------------------------------------------------- */

static struct store *
bench_store(const char *dir, struct err *e)
{
	static const struct clock clk = {NULL};
	struct store_config cfg;
	char path[PATH_MAX_BENCH];

	if (str_printf(path, sizeof(path), "%s/custos.db", dir) == -1) {
		err_internal(e, "path too long");
		return NULL;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_sqlite_ops;
	cfg.where = path;
	cfg.readers = 2;
	cfg.clock = &clk;
	return store_open(&cfg, e);
}

static struct tlog *
bench_tlog(const char *dir, struct store *st, struct err *e)
{
	static const struct clock clk = {NULL};
	struct tlog_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.data_dir = dir;
	cfg.origin = "bench.example/scope-bench";
	cfg.store = st;
	cfg.clock = &clk;
	return tlog_open(&cfg, e);
}

/*
 * Makes the entries batch by batch and puts each batch into the custos
 * store, the plain table and the JSON lines, each phase timed alone.
 */
static int
build(const struct opts *o, const char *dir, struct store *st,
    struct results *r)
{
	char path[PATH_MAX_BENCH];
	struct prep *p = calloc((size_t)o->batch, sizeof(*p));
	struct store_job *jobs = calloc((size_t)o->batch, sizeof(*jobs));
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	FILE *jl = NULL;
	struct err e;
	int64_t first;
	double t0;
	size_t i;
	int rc = -1, eng;

	if (p == NULL || jobs == NULL) {
		fprintf(stderr, "scope_bench: out of memory\n");
		goto out;
	}
	if (str_printf(path, sizeof(path), "%s/plain.db", dir) == -1 ||
	    (db = plain_open(path, 1)) == NULL)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO entries(idx, time, actor_id, "
	    "tenant_id, action, session_id, device_id, source, allowed, bytes, "
	    "vendor_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	    -1, &ins, NULL) != SQLITE_OK) {
		fprintf(stderr, "scope_bench: SQLite: %s\n",
		    sqlite3_errmsg(db));
		goto out;
	}
	if (str_printf(path, sizeof(path), "%s/entries.jsonl", dir) == -1 ||
	    (jl = fopen(path, "w")) == NULL) {
		fprintf(stderr, "scope_bench: %s: %s\n", path, strerror(errno));
		goto out;
	}
	for (i = 0; i < (size_t)o->batch; i++) {
		jobs[i].entry = job_entry;
		jobs[i].arg = &p[i];
	}
	for (first = 0; first < o->entries; first += o->batch) {
		size_t n = (size_t)(o->entries - first < o->batch ?
		    o->entries - first : o->batch);

		for (i = 0; i < n; i++) {
			if (entry_make(&p[i], first + (int64_t)i, o->entries,
			    o->per_day, &eng) == -1) {
				fprintf(stderr, "scope_bench: entry too "
				    "long\n");
				goto out;
			}
			r->eng_entries += eng;
			r->entry_bytes += (int64_t)p[i].len;
		}
		err_init(&e);
		t0 = now_s();
		if (store_write_all(st, jobs, n, &e) == -1) {
			fprintf(stderr, "scope_bench: store_write_all: %s\n",
			    e.msg);
			goto out;
		}
		r->t_store += now_s() - t0;
		t0 = now_s();
		if (plain_exec(db, "BEGIN") == -1)
			goto out;
		for (i = 0; i < n; i++)
			if (plain_insert(db, ins, first + (int64_t)i, &p[i]) ==
			    -1)
				goto out;
		if (plain_exec(db, "COMMIT") == -1)
			goto out;
		r->t_plain += now_s() - t0;
		t0 = now_s();
		for (i = 0; i < n; i++)
			if (fwrite(p[i].bytes, 1, p[i].len, jl) != p[i].len ||
			    putc('\n', jl) == EOF) {
				fprintf(stderr, "scope_bench: writing the JSON "
				    "lines: %s\n", strerror(errno));
				goto out;
			}
		r->t_jsonl += now_s() - t0;
	}
	if (fclose(jl) != 0) {
		jl = NULL;
		fprintf(stderr, "scope_bench: writing the JSON lines: %s\n",
		    strerror(errno));
		goto out;
	}
	jl = NULL;
	if (store_entry_count(st) != o->entries) {
		fprintf(stderr, "scope_bench: the store holds %lld entries, "
		    "not %lld\n", (long long)store_entry_count(st),
		    (long long)o->entries);
		goto out;
	}
	t0 = now_s();
	if (plain_exec(db, "CREATE INDEX entries_by_actor ON "
	    "entries(actor_id, time); CREATE INDEX entries_by_vendor ON "
	    "entries(vendor_id, time); PRAGMA wal_checkpoint(TRUNCATE);") ==
	    -1)
		goto out;
	r->t_plain_index = now_s() - t0;
	rc = 0;
out:
	if (jl != NULL)
		fclose(jl);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	free(p);
	free(jobs);
	return rc;
}

/* --- the questions ------------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* p50, p90 and the fastest of l (ms), nearest rank. */
static void
lat_pct(struct lat *l, double *p50, double *p90, double *best)
{
	qsort(l->v, l->n, sizeof(*l->v), cmp_double);
	*p50 = l->v[(size_t)((double)(l->n - 1) * 0.50 + 0.5)];
	*p90 = l->v[(size_t)((double)(l->n - 1) * 0.90 + 0.5)];
	*best = l->v[0];
}

static int
ask_custos(const struct opts *o, struct store *st, struct question *qu)
{
	struct scope_query *sq = calloc(1, sizeof(*sq));
	struct lat l = {calloc((size_t)o->runs, sizeof(double)), 0};
	struct store_conn *c;
	struct err e;
	int64_t k;
	int rc = -1;

	if (sq == NULL || l.v == NULL)
		goto out;
	sq->ids[qu->kind][0] = qu->id;
	sq->n[qu->kind] = 1;
	sq->from = qu->from;
	sq->to = qu->to;
	for (k = 0; k < o->runs; k++) {
		struct scope_answer ans;
		double t0, t1;
		int src;

		err_init(&e);
		c = store_reader_get(st, &e);
		if (c == NULL) {
			fprintf(stderr, "scope_bench: reader: %s\n", e.msg);
			goto out;
		}
		t0 = now_s();
		src = scope_principals(&ans, c, store_ops(st), sq, &e);
		t1 = now_s();
		store_reader_put(st, c);
		if (src == -1) {
			scope_answer_free(&ans);
			fprintf(stderr, "scope_bench: scope: %s\n", e.msg);
			goto out;
		}
		l.v[l.n++] = (t1 - t0) * 1e3;
		qu->events = ans.events;
		qu->acted = ans.acted_upon;
		qu->viewed = ans.viewed;
		qu->exposed = ans.exposed;
		qu->tenants = (int64_t)(ans.n_tenants + ans.n_attempted);
		scope_answer_free(&ans);
	}
	lat_pct(&l, &qu->p50, &qu->p90, &qu->best);
	rc = 0;
out:
	free(sq);
	free(l.v);
	return rc;
}

/* The same question of the indexed plain table. */
static int
ask_sqlite(const struct opts *o, const char *dir, struct question *qu)
{
	char path[PATH_MAX_BENCH], sql[1024];
	struct lat l = {calloc((size_t)o->runs, sizeof(double)), 0};
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t k;
	int rc = -1, step;

	if (l.v == NULL || str_printf(path, sizeof(path), "%s/plain.db",
	    dir) == -1 || (db = plain_open(path, 0)) == NULL)
		goto out;
	if (str_printf(sql, sizeof(sql), "SELECT tenant_id, action, allowed, "
	    "COUNT(*), MIN(time), MAX(time), group_concat(idx), "
	    "group_concat(DISTINCT CASE WHEN allowed AND action IN "
	    "('user.password_reset', 'user.mfa_reset') THEN "
	    "json_extract(bytes, '$.target') END) FROM entries "
	    "WHERE %s = ?1 AND time >= ?2 AND time < ?3 "
	    "GROUP BY tenant_id, action, allowed ORDER BY tenant_id",
	    qu->kind == SP_VENDOR ? "vendor_id" : "actor_id") == -1 ||
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "scope_bench: SQLite: %s\n",
		    sqlite3_errmsg(db));
		goto out;
	}
	for (k = 0; k < o->runs; k++) {
		const unsigned char *last = NULL;
		char prev[32] = "";
		double t0 = now_s(), t1;
		int64_t events = 0, tenants = 0;

		sqlite3_bind_text(s, 1, qu->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, qu->from);
		sqlite3_bind_int64(s, 3, qu->to);
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			/* Rows come grouped by tenant: count the changes. */
			last = sqlite3_column_text(s, 0);
			events += sqlite3_column_int64(s, 3);
			(void)sqlite3_column_text(s, 6);
			(void)sqlite3_column_text(s, 7);
			if (last != NULL && strcmp((const char *)last,
			    prev) != 0) {
				tenants += last[0] != '\0';
				str_copy(prev, sizeof(prev),
				    (const char *)last);
			}
		}
		sqlite3_reset(s);
		t1 = now_s();
		if (step != SQLITE_DONE) {
			fprintf(stderr, "scope_bench: SQLite: %s\n",
			    sqlite3_errmsg(db));
			goto out;
		}
		l.v[l.n++] = (t1 - t0) * 1e3;
		qu->sql_events = events;
		qu->sql_tenants = tenants;
	}
	lat_pct(&l, &qu->sql_p50, &qu->sql_p90, &qu->sql_best);
	rc = 0;
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(l.v);
	return rc;
}

/* The same question with jq over the JSON lines: the best of jq_runs. */
static int
ask_jq(const struct opts *o, const char *dir, struct question *qu)
{
	char cmd[PATH_MAX_BENCH + 512], f[RFC3339_LEN], t[RFC3339_LEN];
	char line[4096];
	int64_t k;

	time_format(f, qu->from);
	time_format(t, qu->to);
	/* Times as the entries carry them, with milliseconds, so that the
	 * strings compare as times. */
	if (str_printf(cmd, sizeof(cmd), "'%s' -c 'select(.actor.%s == "
	    "\"%s\" and .time >= \"%.19s.000Z\" and .time < "
	    "\"%.19s.000Z\")' '%s/entries.jsonl'", o->jq, qu->kind ==
	    SP_VENDOR ? "vendor" : "id", qu->id, f, t, dir) == -1)
		return -1;
	qu->jq_s = 0;
	for (k = 0; k < o->jq_runs; k++) {
		double t0 = now_s(), spent;
		int64_t n = 0;
		FILE *pp = popen(cmd, "r");
		int st;

		if (pp == NULL) {
			fprintf(stderr, "scope_bench: %s: %s\n", o->jq,
			    strerror(errno));
			return -1;
		}
		while (fgets(line, sizeof(line), pp) != NULL)
			if (strchr(line, '\n') != NULL)
				n++;
		st = pclose(pp);
		spent = now_s() - t0;
		if (st != 0) {
			fprintf(stderr, "scope_bench: %s failed (%d)\n", cmd,
			    st);
			return -1;
		}
		if (k == 0 || spent < qu->jq_s)
			qu->jq_s = spent;
		qu->jq_events = n;
	}
	return 0;
}

/* Reads one NAME=VALUE line of scope.mjs into the question it names. */
static void
duck_line(struct results *r, const char *line)
{
	static const char *const pre[] = {"ENG", "VEN"};
	static const char *const tab[] = {"LOADED", "SORTED"};
	char key[64];
	const char *eq = strchr(line, '=');
	double v;
	int i, t;

	if (eq == NULL || (size_t)(eq - line) >= sizeof(key))
		return;
	memcpy(key, line, (size_t)(eq - line));
	key[eq - line] = '\0';
	v = strtod(eq + 1, NULL);
	if (strcmp(key, "DUCK_LOAD_S") == 0)
		r->duck_load = v;
	if (strcmp(key, "DUCK_SORT_S") == 0)
		r->duck_sort = v;
	for (i = 0; i < 2; i++)
		for (t = 0; t < 2; t++) {
			struct question *qu = &r->q[i];
			char k[64];

			(void)str_printf(k, sizeof(k), "DUCK_%s_%s_", pre[i],
			    tab[t]);
			if (strncmp(key, k, strlen(k)) != 0)
				continue;
			if (strcmp(key + strlen(k), "P50") == 0)
				qu->duck_p50[t] = v;
			else if (strcmp(key + strlen(k), "P90") == 0)
				qu->duck_p90[t] = v;
			else if (strcmp(key + strlen(k), "BEST") == 0)
				qu->duck_best[t] = v;
			else if (strcmp(key + strlen(k), "EVENTS") == 0)
				qu->duck_events[t] = (int64_t)v;
		}
}

/* Both questions with DuckDB over the JSON lines (bench/duckdb). */
static int
ask_duck(const struct opts *o, const char *dir, struct results *r)
{
	char cmd[3 * PATH_MAX_BENCH + 512], line[256];
	const struct question *e = &r->q[0], *v = &r->q[1];
	FILE *pp;
	int st;

	if (strchr(o->duck, '\'') != NULL || str_printf(cmd, sizeof(cmd),
	    "node '%s' --jsonl '%s/entries.jsonl' --db '%s/duck.db' "
	    "--runs %lld --question ENG:actor:%s:%lld:%lld "
	    "--question VEN:vendor:%s:%lld:%lld", o->duck, dir, dir,
	    (long long)o->runs, e->id, (long long)e->from, (long long)e->to,
	    v->id, (long long)v->from, (long long)v->to) == -1)
		return -1;
	pp = popen(cmd, "r");
	if (pp == NULL) {
		fprintf(stderr, "scope_bench: node: %s\n", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), pp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		duck_line(r, line);
	}
	st = pclose(pp);
	if (st != 0) {
		fprintf(stderr, "scope_bench: %s failed (%d)\n", cmd, st);
		return -1;
	}
	return 0;
}

/* --- reports ------------------------------------------------------------- */

static void
report_shell(const struct opts *o, const struct results *r)
{
	static const char *const pre[] = {"ENG", "VEN"};
	int i;

	printf("SCOPE_ENTRIES=%lld\n", (long long)o->entries);
	printf("SCOPE_ENG_ENTRIES=%lld\n", (long long)r->eng_entries);
	printf("SCOPE_ENTRY_BYTES=%lld\n", (long long)(r->entry_bytes /
	    o->entries));
	printf("SCOPE_STORE_MB=%.0f\n", (double)r->store_bytes / 1e6);
	printf("SCOPE_PLAIN_MB=%.0f\n", (double)r->plain_bytes / 1e6);
	printf("SCOPE_JSONL_MB=%.0f\n", (double)r->jsonl_bytes / 1e6);
	printf("SCOPE_IMPORT_S=%.1f\n", r->t_store);
	printf("SCOPE_IMPORT_RATE=%.0f\n", r->t_store > 0 ?
	    (double)o->entries / r->t_store : 0);
	printf("SCOPE_PLAIN_S=%.1f\n", r->t_plain + r->t_plain_index);
	printf("SCOPE_WORLD_S=%.2f\n", r->t_world);
	printf("SCOPE_RUNS=%lld\n", (long long)o->runs);
	printf("SCOPE_JQ_RUNS=%lld\n", (long long)(o->jq != NULL ?
	    o->jq_runs : 0));
	printf("SCOPE_DUCK=%d\n", o->duck != NULL);
	printf("SCOPE_DUCK_LOAD_S=%.1f\n", r->duck_load);
	printf("SCOPE_DUCK_SORT_S=%.1f\n", r->duck_sort);
	for (i = 0; i < 2; i++) {
		const struct question *qu = &r->q[i];

		printf("SCOPE_%s_EVENTS=%lld\n", pre[i], (long long)qu->events);
		printf("SCOPE_%s_TENANTS=%lld\n", pre[i],
		    (long long)qu->tenants);
		printf("SCOPE_%s_ACTED=%lld\n", pre[i], (long long)qu->acted);
		printf("SCOPE_%s_VIEWED=%lld\n", pre[i], (long long)qu->viewed);
		printf("SCOPE_%s_EXPOSED=%lld\n", pre[i],
		    (long long)qu->exposed);
		printf("SCOPE_%s_P50=%.2f\n", pre[i], qu->p50);
		printf("SCOPE_%s_P90=%.2f\n", pre[i], qu->p90);
		printf("SCOPE_%s_BEST=%.2f\n", pre[i], qu->best);
		printf("SCOPE_%s_SQL_P50=%.2f\n", pre[i], qu->sql_p50);
		printf("SCOPE_%s_SQL_P90=%.2f\n", pre[i], qu->sql_p90);
		printf("SCOPE_%s_JQ_MS=%.0f\n", pre[i], qu->jq_s * 1e3);
		printf("SCOPE_%s_SQL_BEST=%.2f\n", pre[i], qu->sql_best);
		printf("SCOPE_%s_DUCK_P50=%.2f\n", pre[i], qu->duck_p50[0]);
		printf("SCOPE_%s_DUCK_BEST=%.2f\n", pre[i], qu->duck_best[0]);
		printf("SCOPE_%s_DUCKS_P50=%.2f\n", pre[i], qu->duck_p50[1]);
		printf("SCOPE_%s_DUCKS_BEST=%.2f\n", pre[i],
		    qu->duck_best[1]);
	}
}

static void
report_text(const struct opts *o, const struct results *r)
{
	int i;

	printf("scope_bench: %lld entries (~%lld bytes each), %lld by the "
	    "40 engineers\n", (long long)o->entries,
	    (long long)(r->entry_bytes / o->entries),
	    (long long)r->eng_entries);
	printf("  custos store %.0f MB (import %.1f s, %.0f entries/s, tree "
	    "included); plain SQLite %.0f MB (%.1f s); JSON lines %.0f MB\n",
	    (double)r->store_bytes / 1e6, r->t_store,
	    (double)o->entries / r->t_store, (double)r->plain_bytes / 1e6,
	    r->t_plain + r->t_plain_index, (double)r->jsonl_bytes / 1e6);
	for (i = 0; i < 2; i++) {
		const struct question *qu = &r->q[i];

		printf("  %s %s, 5 days: %lld entries, %lld tenants "
		    "(%lld acted upon, %lld viewed, %lld exposed)\n", qu->name,
		    qu->id, (long long)qu->events, (long long)qu->tenants,
		    (long long)qu->acted, (long long)qu->viewed,
		    (long long)qu->exposed);
		printf("    custos scope   p50 %8.2f ms  p90 %8.2f ms  best "
		    "%8.2f ms (%lld runs)\n", qu->p50, qu->p90, qu->best,
		    (long long)o->runs);
		printf("    indexed SQLite p50 %8.2f ms  p90 %8.2f ms  best "
		    "%8.2f ms\n", qu->sql_p50, qu->sql_p90, qu->sql_best);
		if (o->duck != NULL) {
			printf("    DuckDB         p50 %8.2f ms  p90 %8.2f ms  "
			    "best %8.2f ms (as loaded)\n", qu->duck_p50[0],
			    qu->duck_p90[0], qu->duck_best[0]);
			printf("    DuckDB, sorted p50 %8.2f ms  p90 %8.2f ms  "
			    "best %8.2f ms (by vendor, actor, time)\n",
			    qu->duck_p50[1], qu->duck_p90[1], qu->duck_best[1]);
		}
		if (o->jq != NULL)
			printf("    jq             %8.0f ms\n", qu->jq_s * 1e3);
	}
	if (o->duck != NULL)
		printf("  DuckDB: loaded in %.1f s, sorted copy in %.1f s\n",
		    r->duck_load, r->duck_sort);
}

static int
opt_num(int64_t *out, const char *s, int64_t min, int64_t max, char flag)
{
	if (num_parse_i64(out, s, min, max) == -1) {
		fprintf(stderr, "scope_bench: -%c must be a number from %lld "
		    "to %lld\n", flag, (long long)min, (long long)max);
		return -1;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: scope_bench [-s] [-n ENTRIES] [-b BATCH] "
	    "[-r RUNS] [-e PER_DAY] [-j JQ] [-J JQ_RUNS] [-d DIR] [-k KEEP] "
	    "[-D DUCKDB_SCRIPT]\n");
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct results r;
	struct store *st = NULL;
	struct tlog *tl = NULL;
	struct err e;
	char root[PATH_MAX_BENCH];
	const char *tmp;
	double t0;
	int ch, i, rc = 1, built = 0;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	o.entries = 1000000;
	o.batch = 250000;
	o.runs = 21;
	o.per_day = 400;
	o.jq_runs = 1;
	o.jq = "jq";
	tmp = getenv("TMPDIR");
	o.dir = tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp";
	while ((ch = getopt(argc, argv, "sn:b:r:e:j:J:d:k:D:")) != -1) {
		int bad = 0;

		switch (ch) {
		case 's':
			o.shell = 1;
			break;
		case 'n':
			bad = opt_num(&o.entries, optarg, 1000, ENTRIES_MAX,
			    'n');
			break;
		case 'b':
			bad = opt_num(&o.batch, optarg, 1, BATCH_MAX, 'b');
			break;
		case 'r':
			bad = opt_num(&o.runs, optarg, 1, RUNS_MAX, 'r');
			break;
		case 'e':
			bad = opt_num(&o.per_day, optarg, 1, PER_DAY_MAX, 'e');
			break;
		case 'j':
			o.jq = strcmp(optarg, "-") == 0 ? NULL : optarg;
			break;
		case 'J':
			bad = opt_num(&o.jq_runs, optarg, 1, RUNS_MAX, 'J');
			break;
		case 'd':
			o.dir = optarg;
			break;
		case 'k':
			o.keep = optarg;
			break;
		case 'D':
			o.duck = strcmp(optarg, "-") == 0 ? NULL : optarg;
			break;
		default:
			bad = -1;
			break;
		}
		if (bad == -1) {
			usage();
			return 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if (o.jq != NULL && strchr(o.jq, '\'') != NULL) {
		fprintf(stderr, "scope_bench: -j: no quotes, please\n");
		return 2;
	}
	log_set_quiet(1);
	if (sodium_init() < 0) {
		fprintf(stderr, "scope_bench: cannot initialise libsodium\n");
		return 1;
	}
	if (o.keep != NULL) {
		if (str_printf(root, sizeof(root), "%s", o.keep) == -1 ||
		    (mkdir(root, 0700) == -1 && errno != EEXIST) ||
		    strchr(root, '\'') != NULL) {
			fprintf(stderr, "scope_bench: -k %s: %s\n", o.keep,
			    strerror(errno));
			return 1;
		}
		built = file_bytes(root, "entries.jsonl") > 0;
	} else if (str_printf(root, sizeof(root), "%s/scope-bench.XXXXXX",
	    o.dir) == -1 || mkdtemp(root) == NULL ||
	    strchr(root, '\'') != NULL) {
		fprintf(stderr, "scope_bench: cannot create a directory in "
		    "%s: %s\n", o.dir, strerror(errno));
		return 1;
	}
	err_init(&e);
	if ((st = bench_store(root, &e)) == NULL ||
	    (tl = bench_tlog(root, st, &e)) == NULL) {
		fprintf(stderr, "scope_bench: opening the store: %s\n", e.msg);
		goto out;
	}
	t0 = now_s();
	if (!built && (world_insert(st) == -1 || (r.t_world = now_s() - t0,
	    build(&o, root, st, &r) == -1)))
		goto out;
	r.store_bytes = file_bytes(root, "custos.db") +
	    file_bytes(root, "custos.db-wal");
	r.plain_bytes = file_bytes(root, "plain.db") +
	    file_bytes(root, "plain.db-wal");
	r.jsonl_bytes = file_bytes(root, "entries.jsonl");
	for (i = 0; i < 2; i++) {
		struct question *qu = &r.q[i];

		qu->name = i == 0 ? "engineer" : "vendor";
		qu->kind = i == 0 ? SP_ENGINEER : SP_VENDOR;
		if (i == 0)
			(void)str_printf(qu->id, sizeof(qu->id), "eng-%02d",
			    Q_ENGINEER);
		else
			(void)str_printf(qu->id, sizeof(qu->id), "vendor-%c",
			    'a' + Q_VENDOR);
		qu->from = T_START + Q_DAY * DAY;
		qu->to = qu->from + Q_DAYS * DAY;
		if (ask_custos(&o, st, qu) == -1 ||
		    ask_sqlite(&o, root, qu) == -1 ||
		    (o.jq != NULL && ask_jq(&o, root, qu) == -1))
			goto out;
		if (qu->sql_events != qu->events || (o.jq != NULL &&
		    qu->jq_events != qu->events) || qu->events == 0) {
			fprintf(stderr, "scope_bench: the %s question counts "
			    "%lld entries in custos, %lld in SQLite, %lld with "
			    "jq\n", qu->name, (long long)qu->events,
			    (long long)qu->sql_events,
			    (long long)qu->jq_events);
			goto out;
		}
	}
	if (o.duck != NULL) {
		if (ask_duck(&o, root, &r) == -1)
			goto out;
		for (i = 0; i < 2; i++)
			if (r.q[i].duck_events[0] != r.q[i].events ||
			    r.q[i].duck_events[1] != r.q[i].events) {
				fprintf(stderr, "scope_bench: the %s question "
				    "counts %lld entries in custos, %lld and "
				    "%lld in DuckDB\n", r.q[i].name,
				    (long long)r.q[i].events,
				    (long long)r.q[i].duck_events[0],
				    (long long)r.q[i].duck_events[1]);
				goto out;
			}
	}
	if (o.shell)
		report_shell(&o, &r);
	else
		report_text(&o, &r);
	rc = 0;
out:
	tlog_close(tl);
	store_close(st);
	if (o.keep == NULL)
		dir_remove(root);
	return rc;
}
