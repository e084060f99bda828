/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of importer/okta (and the body cutting of importer.c that an
 * Okta export goes through): each mapped event type becomes its custos
 * action with the documented actor, session, device, source, target and
 * tenant; other types are skipped after the envelope is checked; outcomes
 * other than SUCCESS and ALLOW are denials with Okta's reason cut at a
 * character boundary; the tenant rules apply in their documented order;
 * malformed events are 400s naming the field, odd fields are dropped
 * and said (issue 16); a body is cut into records as JSON lines or one
 * array, with the record's number in every error; the streaming framing
 * scanner finds the same events in every shape whatever the chunking;
 * the mapping table, the operator's rows over it, and vendors by domain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importer/importer.h"
#include "audit/action.h"
#include "importer/okta.h"
#include "importer/scan.h"

/* 2022-01-20T14:06:45.900Z */
#define T_MS INT64_C(1642687605900)

static json_t *
base_event(const char *type)
{
	json_t *o;

	o = json_pack("{s:s,s:s,s:s,s:s,"
	    "s:{s:s,s:s,s:s,s:s},"
	    "s:{s:s,s:s,s:n,s:{s:s}},"
	    "s:{s:s,s:i},"
	    "s:{s:s,s:n},"
	    "s:[{s:s,s:s,s:s,s:s}],"
	    "s:{s:s,s:s},"
	    "s:{s:{s:s}},"
	    "s:s}",
	    "uuid", "6f1a0006-7a3b-11ec-9d2c-0b5e6a4f0006",
	    "published", "2022-01-20T14:06:45.9Z",
	    "eventType", type,
	    "displayMessage", "Reset Okta user password",
	    "actor", "id", "00u1sitel0jdoe0a1b2", "type", "User",
	    "alternateId", "jdoe@sitel.example", "displayName", "J. Doe",
	    "client", "ipAddress", "203.0.113.45", "device", "Computer",
	    "zone", "userAgent", "os", "Windows 10",
	    "authenticationContext", "externalSessionId", "102sitelJdoeSess01",
	    "authenticationStep", 0,
	    "outcome", "result", "SUCCESS", "reason",
	    "target", "id", "00u1acme0alice0e5f6", "type", "User",
	    "alternateId", "alice@acme.example", "displayName", "Alice",
	    "transaction", "type", "WEB", "id", "YekTx0006",
	    "debugContext", "debugData", "requestId", "Yek0006",
	    "severity", "INFO");
	assert_non_null(o);
	return o;
}

/* Maps o; returns okta_map's result, with ie and e filled. */
static int
map(json_t *o, const char *tenant, struct import_event *ie,
    char type[OKTA_TYPE_MAX + 1], struct err *e)
{
	char *text = json_dumps(o, JSON_COMPACT);
	int rc;

	assert_non_null(text);
	err_init(e);
	import_event_init(ie);
	rc = okta_map(ie, type, text, strlen(text), tenant, e);
	free(text);
	json_decref(o);
	return rc;
}

static const char *
detail(const struct event *ev, const char *key)
{
	return json_string_value(json_object_get(ev->detail, key));
}

static void
reset_password_maps_every_field(void **state)
{
	char type[OKTA_TYPE_MAX + 1];
	struct import_event ie;
	struct event *ev;
	struct err e;

	assert_int_equal(map(base_event("user.account.reset_password"), NULL,
	    &ie, type, &e), OKTA_MAPPED);
	ev = import_event_get(&ie);
	assert_string_equal(type, "user.account.reset_password");
	assert_string_equal(ev->action, "user.password_reset");
	assert_true(ev->time_ms == T_MS);
	assert_int_equal(ev->actor.kind, ACTOR_ENGINEER);
	assert_string_equal(ev->actor.id, "jdoe@sitel.example");
	assert_string_equal(ev->actor.vendor, "");
	assert_string_equal(ev->actor.session, "102sitelJdoeSess01");
	assert_string_equal(ev->actor.device, "");
	assert_string_equal(ev->source, "203.0.113.45");
	assert_string_equal(ev->target, "alice@acme.example");
	assert_string_equal(ev->tenant, "acme.example");
	assert_int_equal(ev->allowed, 1);
	assert_string_equal(ev->reason, "");
	assert_string_equal(detail(ev, "imported"), "okta");
	assert_string_equal(detail(ev, "okta_uuid"),
	    "6f1a0006-7a3b-11ec-9d2c-0b5e6a4f0006");
	assert_string_equal(detail(ev, "okta_event_type"),
	    "user.account.reset_password");
	assert_string_equal(detail(ev, "okta_actor_id"),
	    "00u1sitel0jdoe0a1b2");
	assert_string_equal(detail(ev, "okta_target_id"),
	    "00u1acme0alice0e5f6");
	assert_string_equal(detail(ev, "okta_transaction"), "YekTx0006");
	assert_string_equal(detail(ev, "okta_client_device"), "Computer");
	assert_string_equal(detail(ev, "okta_outcome"), "SUCCESS");
	import_event_cleanup(&ie);
}

static void
each_mapped_type_gets_its_action_and_actor_kind(void **state)
{
	static const struct {
		const char *type, *action;
		int kind;
	} cases[] = {
		{"user.session.impersonation.grant", "impersonation.grant",
		    ACTOR_TENANT_ADMIN},
		{"user.session.impersonation.extend", "impersonation.extend",
		    ACTOR_TENANT_ADMIN},
		{"user.session.impersonation.revoke", "impersonation.revoke",
		    ACTOR_TENANT_ADMIN},
		{"user.session.impersonation.initiate",
		    "impersonation.initiate", ACTOR_ENGINEER},
		{"user.session.impersonation.end", "impersonation.end",
		    ACTOR_ENGINEER},
		{"user.account.reset_password", "user.password_reset",
		    ACTOR_ENGINEER},
		{"user.mfa.factor.reset_all", "user.mfa_reset",
		    ACTOR_ENGINEER},
		{"user.mfa.factor.deactivate", "user.mfa_reset",
		    ACTOR_ENGINEER},
		{"user.session.start", "auth.login", ACTOR_ENGINEER},
		{"user.session.access_admin_app", "user.list",
		    ACTOR_ENGINEER},
		{"analytics.reports.export.download", "user.list",
		    ACTOR_ENGINEER},
	};
	char type[OKTA_TYPE_MAX + 1];
	struct import_event ie;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(map(base_event(cases[i].type), NULL, &ie,
		    type, &e), OKTA_MAPPED);
		assert_string_equal(import_event_get(&ie)->action,
		    cases[i].action);
		assert_string_equal(okta_action(cases[i].type),
		    cases[i].action);
		assert_int_equal(ie.ev.actor.kind, cases[i].kind);
		import_event_cleanup(&ie);
	}
}

static void
other_types_are_skipped_but_their_envelope_is_checked(void **state)
{
	char type[OKTA_TYPE_MAX + 1];
	struct import_event ie;
	struct err e;
	json_t *o;

	o = base_event("user.authentication.sso");
	/* What is not read is not checked for a skipped type. */
	json_object_set_new(o, "actor", json_integer(7));
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_SKIPPED);
	assert_string_equal(type, "user.authentication.sso");
	assert_null(ie.ev.detail);
	import_event_cleanup(&ie);
	assert_null(okta_action("user.account.update_profile"));

	o = base_event("policy.evaluate_sign_on");
	json_object_set_new(o, "published", json_string("yesterday"));
	assert_int_equal(map(o, NULL, &ie, type, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "'published'"));
	import_event_cleanup(&ie);
}

static void
denied_outcomes_carry_the_reason_cut_at_a_character(void **state)
{
	char type[OKTA_TYPE_MAX + 1], want[EVENT_REASON_MAX];
	struct import_event ie;
	struct err e;
	json_t *o;
	/* 62 ASCII bytes, then a 2-byte character crossing byte 63. */
	const char *longr = "Admin does not have permission to reset this "
	    "user's password: \xc3\xa9tc.";

	o = base_event("user.account.reset_password");
	json_object_set_new(o, "outcome", json_pack("{s:s,s:s}", "result",
	    "FAILURE", "reason", longr));
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_MAPPED);
	assert_int_equal(ie.ev.allowed, 0);
	memcpy(want, longr, 62);
	want[62] = '\0';
	assert_int_equal(strlen(longr) > 63, 1);
	assert_string_equal(ie.ev.reason, want);
	assert_string_equal(detail(&ie.ev, "okta_reason"), longr);
	assert_string_equal(detail(&ie.ev, "okta_outcome"), "FAILURE");
	import_event_cleanup(&ie);

	/* No reason: the result is the reason. */
	o = base_event("user.session.start");
	json_object_set_new(o, "outcome", json_pack("{s:s,s:n}", "result",
	    "DENY", "reason"));
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_MAPPED);
	assert_int_equal(ie.ev.allowed, 0);
	assert_string_equal(ie.ev.reason, "DENY");
	import_event_cleanup(&ie);

	o = base_event("user.session.start");
	json_object_set_new(o, "outcome", json_pack("{s:s}", "result",
	    "ALLOW"));
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_MAPPED);
	assert_int_equal(ie.ev.allowed, 1);
	assert_string_equal(ie.ev.reason, "");
	import_event_cleanup(&ie);

	o = base_event("user.session.start");
	json_object_set_new(o, "outcome", json_pack("{s:s}", "result",
	    "SKIPPED"));
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_MAPPED);
	assert_int_equal(ie.ev.allowed, 0);
	assert_string_equal(ie.ev.reason, "SKIPPED");
	import_event_cleanup(&ie);
}

static void
tenant_rules_apply_in_their_order(void **state)
{
	char type[OKTA_TYPE_MAX + 1];
	struct import_event ie;
	struct err e;
	json_t *o, *org;

	/* 1. debugContext.debugData.tenant beats everything. */
	o = base_event("user.account.reset_password");
	json_object_set_new(o, "debugContext", json_pack("{s:{s:s}}",
	    "debugData", "tenant", "acme-eu"));
	org = json_pack("{s:s,s:s}", "id", "00o1acme", "type", "Org");
	json_array_append_new(json_object_get(o, "target"), org);
	assert_int_equal(map(o, "export-tenant", &ie, type, &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.tenant, "acme-eu");
	import_event_cleanup(&ie);

	/* 2. The first Org or Tenant target beats the export's tenant. */
	o = base_event("user.account.reset_password");
	org = json_pack("{s:s,s:s}", "id", "tenant-9", "type", "Tenant");
	json_array_append_new(json_object_get(o, "target"), org);
	assert_int_equal(map(o, "export-tenant", &ie, type, &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.tenant, "tenant-9");
	import_event_cleanup(&ie);

	/* 3. The export's tenant beats the user's domain. */
	assert_int_equal(map(base_event("user.account.reset_password"),
	    "export-tenant", &ie, type, &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.tenant, "export-tenant");
	import_event_cleanup(&ie);

	/* 4. The target user's domain, lower-cased. */
	o = base_event("user.mfa.factor.reset_all");
	json_object_set_new(o, "target", json_pack("[{s:s,s:s},{s:s,s:s,"
	    "s:s}]", "id", "app1", "type", "AppInstance", "id", "00u1bob",
	    "type", "User", "alternateId", "Bob@Acme.Example"));
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.tenant, "acme.example");
	assert_string_equal(ie.ev.target, "Bob@Acme.Example");
	import_event_cleanup(&ie);

	/* None of them: no tenant, no target. */
	o = base_event("user.session.start");
	json_object_set_new(o, "target", json_null());
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.tenant, "");
	assert_string_equal(ie.ev.target, "");
	assert_null(json_object_get(ie.ev.detail, "okta_target_id"));
	import_event_cleanup(&ie);
}

static void
placeholders_and_system_principals(void **state)
{
	char type[OKTA_TYPE_MAX + 1];
	struct import_event ie;
	struct err e;
	json_t *o;

	/* "unknown" and null mean absent; the top-level device names the
	 * device; a system principal is the system. */
	o = base_event("user.session.start");
	json_object_set_new(o, "authenticationContext", json_pack("{s:s}",
	    "externalSessionId", "unknown"));
	json_object_set_new(o, "client", json_pack("{s:n,s:s}", "ipAddress",
	    "device", "Unknown"));
	json_object_set_new(o, "device", json_pack("{s:s,s:s}", "id",
	    "guo1laptop0jdoe0k1", "os_platform", "WINDOWS"));
	json_object_set_new(o, "actor", json_pack("{s:s,s:s,s:s}", "id",
	    "0oa1oktasystem0001", "type", "SystemPrincipal", "alternateId",
	    "unknown"));
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.actor.session, "");
	assert_string_equal(ie.ev.source, "");
	assert_string_equal(ie.ev.actor.device, "guo1laptop0jdoe0k1");
	assert_int_equal(ie.ev.actor.kind, ACTOR_SYSTEM);
	assert_string_equal(ie.ev.actor.id, "0oa1oktasystem0001");
	assert_string_equal(detail(&ie.ev, "okta_client_device"), "Unknown");
	import_event_cleanup(&ie);

	/* A login too long to be an actor id falls back to Okta's id. */
	o = base_event("user.session.start");
	json_object_set_new(json_object_get(o, "actor"), "alternateId",
	    json_string("a-very-long-login-name-that-goes-on-and-on-and-on"
	    "@support.example.com"));
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.actor.id, "00u1sitel0jdoe0a1b2");
	import_event_cleanup(&ie);

	/* IPv6 sources are kept. */
	o = base_event("user.session.start");
	json_object_set_new(json_object_get(o, "client"), "ipAddress",
	    json_string("2001:db8::45"));
	assert_int_equal(map(o, NULL, &ie, type, &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.source, "2001:db8::45");
	import_event_cleanup(&ie);
}

/* A broken event: okta_map fails with a 400 whose message holds want. */
static void
expect_400(json_t *o, const char *want)
{
	char type[OKTA_TYPE_MAX + 1];
	struct import_event ie;
	struct err e;

	if (map(o, NULL, &ie, type, &e) != -1)
		fail_msg("accepted an event that should name '%s'", want);
	assert_int_equal(e.status, 400);
	if (strstr(e.msg, want) == NULL)
		fail_msg("'%s' does not name '%s'", e.msg, want);
	import_event_cleanup(&ie);
}

static json_t *
with(const char *key, json_t *v)
{
	json_t *o = base_event("user.account.reset_password");

	if (v == NULL)
		json_object_del(o, key);
	else
		json_object_set_new(o, key, v);
	return o;
}

static json_t *
with_in(const char *obj, const char *key, json_t *v)
{
	json_t *o = base_event("user.account.reset_password");

	json_object_set_new(json_object_get(o, obj), key, v);
	return o;
}

static void
malformed_events_are_400s_naming_the_field(void **state)
{
	struct import_event ie;
	char type[OKTA_TYPE_MAX + 1];
	struct err e;

	expect_400(with("uuid", NULL), "'uuid'");
	expect_400(with("uuid", json_integer(5)), "'uuid'");
	expect_400(with("eventType", NULL), "'eventType'");
	expect_400(with("eventType", json_string("")), "'eventType'");
	expect_400(with("published", json_string("2022-01-20")),
	    "'published'");
	expect_400(with("published", json_string("1970-01-01T00:00:00Z")),
	    "'published'");
	expect_400(with("published", json_string("2022-02-30T00:00:00Z")),
	    "'published'");
	expect_400(with("actor", NULL), "'actor'");
	expect_400(with("actor", json_string("jdoe")), "'actor'");
	expect_400(with("actor", json_pack("{s:s,s:s}", "id", "bad id",
	    "alternateId", "not a login")), "in 'actor'");
	expect_400(with("outcome", NULL), "'outcome'");
	expect_400(with_in("outcome", "result", json_null()), "'result'");
	expect_400(with_in("outcome", "result", json_integer(1)), "'result'");

	/* Not JSON at all, and not an object. */
	err_init(&e);
	import_event_init(&ie);
	assert_int_equal(okta_map(&ie, type, "{\"uuid\":", 8, NULL, &e), -1);
	assert_int_equal(e.status, 400);
	import_event_cleanup(&ie);
	err_init(&e);
	import_event_init(&ie);
	assert_int_equal(okta_map(&ie, type, "[1]", 3, NULL, &e), -1);
	assert_int_equal(e.status, 400);
	import_event_cleanup(&ie);
}

/* An odd field: okta_map imports the event without it and says which
 * (issue 16: real exports carry such values). */
static void
expect_drop(json_t *o, unsigned want)
{
	char type[OKTA_TYPE_MAX + 1], *text = json_dumps(o, JSON_COMPACT);
	struct import_event ie;
	const char *why;
	unsigned drops;
	struct err e;

	assert_non_null(text);
	err_init(&e);
	import_event_init(&ie);
	json_decref(o);
	o = json_loads(text, 0, NULL);
	free(text);
	assert_int_equal(okta_map_json(&ie, type, o, NULL, NULL, &drops, &why,
	    &e), OKTA_MAPPED);
	if (drops != want)
		fail_msg("dropped %#x, not %#x", drops, want);
	json_decref(o);
	import_event_cleanup(&ie);
}

static void
odd_fields_are_dropped_not_fatal(void **state)
{
	json_t *o, *t;
	int i;

	expect_drop(with_in("actor", "id", json_null()), 0);
	expect_drop(with_in("client", "ipAddress", json_string("not-an-ip")),
	    OKTA_DROP_IP);
	expect_drop(with_in("client", "ipAddress", json_string("null")),
	    OKTA_DROP_IP);
	expect_drop(with_in("client", "ipAddress", json_integer(1)),
	    OKTA_DROP_FIELD);
	expect_drop(with("client", json_array()), OKTA_DROP_FIELD);
	expect_drop(with("target", json_string("alice")), OKTA_DROP_FIELD);
	expect_drop(with("target", json_pack("[i]", 1)), OKTA_DROP_FIELD);
	expect_drop(with_in("authenticationContext", "externalSessionId",
	    json_string("has spaces")), OKTA_DROP_SESSION);
	expect_drop(with_in("authenticationContext", "externalSessionId",
	    json_string("102aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaa")), OKTA_DROP_SESSION);
	expect_drop(with("device", json_pack("{s:s}", "id", "a/b")),
	    OKTA_DROP_DEVICE);
	expect_drop(with("debugContext", json_pack("{s:{s:s}}", "debugData",
	    "tenant", "no/such")), OKTA_DROP_TENANT);
	expect_drop(with("transaction", json_pack("{s:i}", "id", 3)),
	    OKTA_DROP_FIELD);
	expect_drop(with_in("client", "device", json_string("bad\x01")),
	    OKTA_DROP_FIELD);
	/* 70 targets: the first 64 are read. */
	o = base_event("user.account.reset_password");
	t = json_object_get(o, "target");
	for (i = 0; i < 69; i++)
		json_array_append_new(t, json_pack("{s:s,s:s}", "id", "00g",
		    "type", "UserGroup"));
	expect_drop(o, OKTA_DROP_TARGETS);
}

/* The scanner's records and errors over a body fed in chunks of step. */
struct got {
	char out[8192];
	size_t o;
};

static int
got_record(void *arg, const char *rec, size_t len, const struct scan_pos *p)
{
	struct got *g = arg;

	g->o += (size_t)snprintf(g->out + g->o, sizeof(g->out) - g->o,
	    "%s%ld:%.*s", g->o > 0 ? "|" : "", p->line, (int)len, rec);
	return 0;
}

static int
got_error(void *arg, const char *reason, const char *msg,
    const struct scan_pos *p, int lost)
{
	struct got *g = arg;

	(void)msg;
	g->o += (size_t)snprintf(g->out + g->o, sizeof(g->out) - g->o,
	    "%s%ld:%s%s", g->o > 0 ? "|" : "", p->line, lost ? "LOST " : "",
	    reason);
	return 0;
}

static const char *
scanned(const char *body, size_t step, size_t max)
{
	static struct got g;
	struct scan_cb cb = {got_record, got_error, &g};
	struct scan sc;
	size_t i, n, len = strlen(body);

	memset(&g, 0, sizeof(g));
	scan_init(&sc, max);
	for (i = 0; i < len; i += n) {
		n = step == 0 || len - i < step ? len - i : step;
		if (scan_feed(&sc, body + i, n, &cb) != 0)
			break;
	}
	if (i >= len)
		(void)scan_finish(&sc, &cb);
	scan_cleanup(&sc);
	return g.out;
}

static void
expect_scan(const char *body, size_t max, const char *want)
{
	size_t step;

	for (step = 0; step <= 7; step++) {
		const char *got = scanned(body, step, max);

		if (strcmp(got, want) != 0)
			fail_msg("step %zu: %s\n   not %s", step, got, want);
	}
}

static void
the_scanner_finds_events_in_every_shape(void **state)
{
	/* JSON lines, a BOM, blank lines, strings with braces and escapes. */
	expect_scan("\xef\xbb\xbf{\"a\":\"}{\"}\n\n{\"b\":\"\\\"}\"}\n", 1024,
	    "1:{\"a\":\"}{\"}|3:{\"b\":\"\\\"}\"}");
	/* One array, over lines; arrays one after another. */
	expect_scan("[\n {\"a\":[1,{}]},\n {\"b\":2}\n]\n[{\"c\":3}]", 1024,
	    "2:{\"a\":[1,{}]}|3:{\"b\":2}|5:{\"c\":3}");
	expect_scan("[]", 1024, "");
	/* One pretty-printed object (an Event Hooks envelope is one). */
	expect_scan("{\n  \"data\": {\n    \"events\": [\n      {}\n    ]\n  }\n}",
	    1024, "1:{\n  \"data\": {\n    \"events\": [\n      {}\n    ]\n"
	    "  }\n}");
	/* A stray line is skipped; a cut line ends at the next line's '{'. */
	expect_scan("{\"a\":1}\nnot json\n{\"cut\":\n{\"b\":2}\n", 1024,
	    "1:{\"a\":1}|2:framing|3:malformed_json|4:{\"b\":2}");
	/* Losing the framing: a non-object element, an over-long event,
	 * the end inside an event or the array. */
	expect_scan("[{\"a\":1}, 2, {\"b\":2}]", 1024, "1:{\"a\":1}|1:LOST "
	    "lost_sync");
	expect_scan("[{\"a\":1} {\"b\":2}]", 1024, "1:{\"a\":1}|1:LOST "
	    "lost_sync");
	expect_scan("{\"a\":\"0123456789\"}\n{\"b\":1}", 12, "1:LOST "
	    "lost_sync");
	expect_scan("{\"a\":1}\n{\"b\":", 1024, "1:{\"a\":1}|2:LOST lost_sync");
	expect_scan("[{\"a\":1},", 1024, "1:{\"a\":1}|1:LOST lost_sync");
}

static void
the_mapping_is_a_table_the_operator_extends(void **state)
{
	static const struct {
		const char *type, *action;
		int cls;
	} rows[] = {
		{"support.org.view", "tenant.support_view", ACTION_READ},
		{"support.org.update", "tenant.support_update", ACTION_WRITE},
		{"user.account.access_support_user_app",
		    "tenant.support_access", ACTION_READ},
		{"system.directory.debugger.grant", "directory.debugger",
		    ACTION_READ},
		{"user.session.end", "auth.logout", -1},
		{"user.session.clear", "user.session_clear", ACTION_WRITE},
		{"user.account.unlock_by_admin", "user.unlock", ACTION_WRITE},
		{"user.account.update_password", "user.password_change",
		    ACTION_WRITE},
		{"user.account.privilege.grant", "user.privilege_grant",
		    ACTION_WRITE},
		{"user.lifecycle.deactivate", "user.lifecycle", ACTION_WRITE},
		{"user.mfa.factor.update", "user.mfa_update", ACTION_WRITE},
		{"user.mfa.factor.suspend", "user.mfa_suspend", ACTION_WRITE},
		{"system.mfa.factor.deactivate", "tenant.mfa_factor_deactivate",
		    ACTION_WRITE},
		{"user.mfa.attempt_bypass", "auth.mfa_bypass", ACTION_NEUTRAL},
		{"analytics.reports.export.download", "user.list", -1},
		{"analytics.reports.export.request", "report.export",
		    ACTION_READ},
	};
	struct okta_conf c;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_non_null(okta_action(rows[i].type));
		assert_string_equal(okta_action(rows[i].type), rows[i].action);
		assert_int_equal(okta_action_class(rows[i].action),
		    rows[i].cls);
	}
	assert_null(okta_action("system.directory.debugger"));
	assert_null(okta_action("user.lifecycle"));
	okta_conf_init(&c);
	err_init(&e);
	assert_int_equal(okta_conf_map_line(&c, "# a comment", &e), 0);
	assert_int_equal(okta_conf_map_line(&c, "  ", &e), 0);
	assert_int_equal(okta_conf_map_line(&c, "support.org.view - ", &e), 0);
	assert_int_equal(okta_conf_map_line(&c,
	    "user.lifecycle.* user.offboard tenant_admin\n", &e), 0);
	assert_int_equal(okta_conf_map_line(&c, "app.x.* app.used", &e), 0);
	assert_null(okta_rule_find(&c, "support.org.view"));
	assert_string_equal(okta_rule_find(&c, "user.lifecycle.x")->action,
	    "user.offboard");
	assert_int_equal(okta_rule_find(&c, "user.lifecycle.x")->kind,
	    ACTOR_TENANT_ADMIN);
	assert_int_equal(okta_rule_find(&c, "app.x.y")->kind, ACTOR_ENGINEER);
	/* An operator's prefix does not hide a built-in exact row. */
	assert_string_equal(okta_rule_find(&c, "support.org.update")->action,
	    "tenant.support_update");
	assert_int_equal(okta_conf_map_line(&c, "a.b bad/action", &e), -1);
	assert_int_equal(okta_conf_map_line(&c, "a.* x.y nobody", &e), -1);
	assert_int_equal(okta_conf_map_line(&c, "a*b x.y", &e), -1);
	assert_int_equal(okta_conf_map_line(&c, "a.b x.y engineer more", &e),
	    -1);
	assert_int_equal(okta_conf_vendors(&c, "Sitel.Example=sitel "
	    "tp.example=teleperf", &e), 0);
	assert_int_equal(okta_conf_vendors(&c, "nodomain", &e), -1);
	assert_int_equal(c.nvendors, 2);
	assert_string_equal(c.vendors[0].domain, "sitel.example");
	okta_conf_free(&c);
}

static void
the_vendor_comes_from_the_logins_domain(void **state)
{
	char type[OKTA_TYPE_MAX + 1];
	struct import_event ie;
	struct okta_conf c;
	const char *why;
	unsigned drops;
	struct err e;
	json_t *o;

	okta_conf_init(&c);
	err_init(&e);
	assert_int_equal(okta_conf_vendors(&c, "sitel.example=sitel", &e), 0);
	o = base_event("user.account.reset_password");
	import_event_init(&ie);
	assert_int_equal(okta_map_json(&ie, type, o, NULL, &c, &drops, &why,
	    &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.actor.vendor, "sitel");
	import_event_cleanup(&ie);
	/* A subdomain is the vendor's; a lookalike is not. */
	json_object_set_new(json_object_get(o, "actor"), "alternateId",
	    json_string("a@EU.Sitel.example"));
	import_event_init(&ie);
	assert_int_equal(okta_map_json(&ie, type, o, NULL, &c, &drops, &why,
	    &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.actor.vendor, "sitel");
	import_event_cleanup(&ie);
	json_object_set_new(json_object_get(o, "actor"), "alternateId",
	    json_string("a@notsitel.example"));
	import_event_init(&ie);
	assert_int_equal(okta_map_json(&ie, type, o, NULL, &c, &drops, &why,
	    &e), OKTA_MAPPED);
	assert_string_equal(ie.ev.actor.vendor, "");
	import_event_cleanup(&ie);
	json_decref(o);
	okta_conf_free(&c);
}

/* Cuts body and returns the records joined by '|', or "ERR:<msg>". */
static char *
cut(const char *body, int allow_array)
{
	static char out[4096];
	struct import_split s;
	const char *rec;
	struct err e;
	size_t len, o = 0;
	int r;

	import_split_init(&s, body, strlen(body), allow_array);
	err_init(&e);
	out[0] = '\0';
	while ((r = import_split_next(&s, &rec, &len, &e)) == 1) {
		if (o > 0)
			out[o++] = '|';
		memcpy(out + o, rec, len);
		o += len;
		out[o] = '\0';
	}
	if (r == -1) {
		assert_int_equal(e.status, 400);
		memcpy(out, "ERR:", 4);
		memcpy(out + 4, e.msg, strlen(e.msg) + 1);
	}
	return out;
}

static void
bodies_are_cut_as_lines_or_one_array(void **state)
{
	assert_string_equal(cut("{\"a\":1}\r\n\n  \n{\"b\":2}", 1),
	    "{\"a\":1}|{\"b\":2}");
	assert_string_equal(cut("\xef\xbb\xbf{\"a\":1}\n", 1), "{\"a\":1}");
	assert_string_equal(cut(" \n [ {\"a\":\"}]\\\"{\"} ,\n{\"b\":[1,{}]}"
	    " ]\n", 1), "{\"a\":\"}]\\\"{\"}|{\"b\":[1,{}]}");
	assert_string_equal(cut("[]", 1), "");
	/* Lines are lines when arrays are not allowed. */
	assert_string_equal(cut("[1]\n", 0), "[1]");
	assert_string_equal(cut("[{\"a\":1},]", 1),
	    "ERR:event 2: an event must follow ','");
	assert_string_equal(cut("[{\"a\":1} {\"b\":1}]", 1),
	    "ERR:event 2: expected ',' or ']' before this event");
	assert_string_equal(cut("[{\"a\":1},2]", 1),
	    "ERR:event 2: each element of the array must be a JSON object");
	assert_string_equal(cut("[{\"a\":\"}", 1),
	    "ERR:event 1: the array ends inside this event");
	assert_string_equal(cut("[{\"a\":1}", 1),
	    "ERR:event 1: the array has no closing ']'");
	assert_string_equal(cut("[{\"a\":1}] x", 1),
	    "ERR:data after the array's closing ']'");
}

static void
long_records_are_refused_with_their_number(void **state)
{
	size_t n = IMPORT_RECORD_MAX;
	char *body = malloc(n + 16);
	struct import_split s;
	const char *rec;
	struct err e;
	size_t len;

	/* "{}\n{"xxx...":1}": line 2 is too long. */
	assert_non_null(body);
	memcpy(body, "{}\n{\"", 5);
	memset(body + 5, 'x', n);
	memcpy(body + 5 + n, "\":1}", 5);
	import_split_init(&s, body, strlen(body), 1);
	err_init(&e);
	assert_int_equal(import_split_next(&s, &rec, &len, &e), 1);
	assert_int_equal(import_split_next(&s, &rec, &len, &e), -1);
	assert_non_null(strstr(e.msg, "line 2: longer than"));
	/* "[{},{"xxx...":1}]": event 2 is. */
	memcpy(body, "[{},{\"", 6);
	memset(body + 6, 'x', n);
	memcpy(body + 6 + n, "\":1}]", 6);
	import_split_init(&s, body, strlen(body), 1);
	err_init(&e);
	assert_int_equal(import_split_next(&s, &rec, &len, &e), 1);
	assert_int_equal(import_split_next(&s, &rec, &len, &e), -1);
	assert_non_null(strstr(e.msg, "event 2: longer than"));
	free(body);
}

static void
times_keep_their_milliseconds(void **state)
{
	int64_t t;

	assert_int_equal(import_time_ms(&t, "2022-01-20T14:06:45.9Z"), 0);
	assert_true(t == T_MS);
	assert_int_equal(import_time_ms(&t, "2022-01-20T14:06:45.900123Z"), 0);
	assert_true(t == T_MS);
	assert_int_equal(import_time_ms(&t, "2022-01-20T15:06:45.9+01:00"), 0);
	assert_true(t == T_MS);
	assert_int_equal(import_time_ms(&t, "2022-01-20T14:06:45Z"), 0);
	assert_true(t == T_MS - 900);
	assert_int_equal(import_time_ms(&t, "1970-01-01T00:00:00.001Z"), 0);
	assert_true(t == 1);
	assert_int_equal(import_time_ms(&t, "1970-01-01T00:00:00Z"), -1);
	assert_int_equal(import_time_ms(&t, "1969-12-31T23:59:59Z"), -1);
	assert_int_equal(import_time_ms(&t, "2022-01-20T14:06:45."), -1);
	assert_int_equal(import_time_ms(&t,
	    "2022-01-20T14:06:45.0000000000000000000000001Z"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reset_password_maps_every_field),
		cmocka_unit_test(
		    each_mapped_type_gets_its_action_and_actor_kind),
		cmocka_unit_test(
		    other_types_are_skipped_but_their_envelope_is_checked),
		cmocka_unit_test(
		    denied_outcomes_carry_the_reason_cut_at_a_character),
		cmocka_unit_test(tenant_rules_apply_in_their_order),
		cmocka_unit_test(placeholders_and_system_principals),
		cmocka_unit_test(malformed_events_are_400s_naming_the_field),
		cmocka_unit_test(odd_fields_are_dropped_not_fatal),
		cmocka_unit_test(the_scanner_finds_events_in_every_shape),
		cmocka_unit_test(the_mapping_is_a_table_the_operator_extends),
		cmocka_unit_test(the_vendor_comes_from_the_logins_domain),
		cmocka_unit_test(bodies_are_cut_as_lines_or_one_array),
		cmocka_unit_test(long_records_are_refused_with_their_number),
		cmocka_unit_test(times_keep_their_milliseconds),
	};

	return cmocka_run_group_tests_name("unit.okta", tests, NULL, NULL);
}
