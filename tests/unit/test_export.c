/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of export/ocsf and export/spec: entries map to the OCSF
 * class and activity the schema defines for them, with a stable uid and
 * the same bytes every time; a view filters by scope and drops ids in
 * public; secret-looking detail keys never leave; the RFC 5424 message
 * is framed with RFC 6587 octet counting; the export option and _bulk
 * answers are parsed strictly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/str.h"
#include "export/export.h"
#include "export/ocsf.h"

#define LOGIN_DENIED "{\"v\":1,\"time\":\"2026-11-21T05:42:43.401Z\"," \
	"\"actor\":{\"kind\":\"anonymous\",\"id\":null,\"vendor\":null}," \
	"\"session\":null,\"device\":null,\"source\":\"192.0.2.7\"," \
	"\"action\":\"auth.login\",\"tenant\":\"ten1\",\"target\":\"bob\"," \
	"\"outcome\":\"denied\",\"reason\":\"unknown_user\"}"
#define RESET "{\"v\":1,\"time\":\"2026-11-21T05:42:43.401Z\"," \
	"\"actor\":{\"kind\":\"engineer\",\"id\":\"eng1\",\"vendor\":\"sitel\"}," \
	"\"session\":\"ses_a\",\"device\":\"dev1\",\"source\":\"192.0.2.7\"," \
	"\"action\":\"user.password_reset\",\"tenant\":\"ten1\"," \
	"\"target\":\"usr1\",\"outcome\":\"allowed\",\"reason\":null," \
	"\"detail\":{\"delivered_to\":\"r***@a***.example\"," \
	"\"reset_token\":\"SECRET1\",\"totp_code\":\"SECRET2\"," \
	"\"grant\":\"req_1\"}}"
#define ALERT "{\"v\":1,\"time\":\"2026-11-21T05:42:44.000Z\"," \
	"\"actor\":{\"kind\":\"system\",\"id\":\"custosd\",\"vendor\":null}," \
	"\"session\":null,\"device\":null,\"source\":null," \
	"\"action\":\"alert\",\"tenant\":null,\"target\":\"alr_x\"," \
	"\"outcome\":\"allowed\",\"reason\":null,\"detail\":{\"rule\":" \
	"\"reset_burst\",\"severity\":\"high\",\"subject\":\"eng1\"," \
	"\"entries\":\"3,7,9\"}}"

static json_t *
map(const char *entry, int64_t index, const struct ocsf_view *v, int *rc)
{
	struct buf b;
	struct err e;
	json_t *j;

	buf_init(&b, 1 << 16);
	err_init(&e);
	*rc = ocsf_entry(&b, "host/custos-log", index, entry, strlen(entry),
	    v, &e);
	j = *rc == 0 ? json_loadb(b.data, b.len, 0, NULL) : NULL;
	buf_cleanup(&b);
	return j;
}

static const char *
str_at(json_t *j, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL) {
		memcpy(key, path, (size_t)(dot - path));
		key[dot - path] = '\0';
		j = json_object_get(j, key);
		path = dot + 1;
	}
	return json_string_value(json_object_get(j, path));
}

static json_int_t
int_at(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static void
classes_follow_the_schema(void **state)
{
	static const struct {
		const char *action;
		int cls, act;
	} want[] = {
		{"auth.login", 3002, 1}, {"auth.verify", 3002, 1},
		{"auth.logout", 3002, 2}, {"user.create", 3001, 1},
		{"user.delete", 3001, 6}, {"user.password_reset", 3001, 4},
		{"user.password_reset_complete", 3001, 3},
		{"user.mfa_reset", 3001, 11},
		{"access_request.approve", 3005, 1},
		{"access_request.revoke", 3005, 2},
		{"access_request.expire", 3005, 2},
		{"impersonation.grant", 3005, 1}, {"alert", 2004, 1},
		{"log.integrity_alert", 2004, 1}, {"ticket.view", 6003, 2},
		{"user.list", 6003, 2}, {"vendor.create", 6003, 1},
		{"tenant.support_policy_view", 6003, 2},
		{"containment.lift", 6003, 3}, {"unknown", 6003, 99},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int c, a;

		ocsf_class_of(want[i].action, &c, &a);
		assert_int_equal(c, want[i].cls);
		assert_int_equal(a, want[i].act);
	}
}

static void
refused_login_is_a_failed_authentication(void **state)
{
	struct ocsf_view v = {0};
	json_t *j;
	int rc;

	(void)state;
	j = map(LOGIN_DENIED, 42, &v, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(j);
	assert_int_equal(int_at(j, "class_uid"), 3002);
	assert_int_equal(int_at(j, "category_uid"), 3);
	assert_int_equal(int_at(j, "type_uid"), 300201);
	assert_int_equal(int_at(j, "status_id"), 2);
	assert_int_equal(int_at(j, "severity_id"), 2);
	assert_int_equal(int_at(j, "time"), 1795239763401);
	assert_string_equal(str_at(j, "status_detail"), "unknown_user");
	assert_string_equal(str_at(j, "user.name"), "bob");
	assert_string_equal(str_at(j, "metadata.uid"), "host/custos-log/42");
	assert_string_equal(str_at(j, "metadata.version"), OCSF_VERSION);
	assert_string_equal(str_at(j, "metadata.product.name"), "custos");
	assert_string_equal(str_at(j, "src_endpoint.ip"), "192.0.2.7");
	assert_null(json_object_get(j, "is_mfa"));
	json_decref(j);
}

static void
same_entry_same_bytes(void **state)
{
	struct ocsf_view v = {0};
	struct buf a, b;
	struct err e;

	(void)state;
	buf_init(&a, 1 << 16);
	buf_init(&b, 1 << 16);
	err_init(&e);
	assert_int_equal(ocsf_entry(&a, "o", 1, RESET, strlen(RESET), &v,
	    &e), 0);
	assert_int_equal(ocsf_entry(&b, "o", 1, RESET, strlen(RESET), &v,
	    &e), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	buf_cleanup(&a);
	buf_cleanup(&b);
}

static void
secret_looking_detail_never_leaves(void **state)
{
	struct ocsf_view v = {0};
	struct buf b;
	struct err e;

	(void)state;
	buf_init(&b, 1 << 16);
	err_init(&e);
	assert_int_equal(ocsf_entry(&b, "o", 1, RESET, strlen(RESET), &v,
	    &e), 0);
	assert_null(strstr(b.data, "SECRET"));
	assert_null(strstr(b.data, "reset_token"));
	assert_non_null(strstr(b.data, "\"delivered_to\""));
	assert_non_null(strstr(b.data, "\"class_uid\":3001"));
	assert_int_equal(ocsf_detail_ok("api_key", 7), 0);
	assert_int_equal(ocsf_detail_ok("Password", 8), 0);
	assert_int_equal(ocsf_detail_ok("engineer", 8), 1);
	buf_cleanup(&b);
}

static void
public_fields_drop_every_id(void **state)
{
	struct ocsf_view v = {0};
	struct buf b;
	struct err e;
	static const char *const ids[] = {
		"eng1", "ses_a", "dev1", "192.0.2.7", "ten1", "usr1", "req_1",
		"r***", "unmapped",
	};
	size_t i;

	(void)state;
	v.fields = OCSF_FIELDS_PUBLIC;
	buf_init(&b, 1 << 16);
	err_init(&e);
	assert_int_equal(ocsf_entry(&b, "o", 1, RESET, strlen(RESET), &v,
	    &e), 0);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_null(strstr(b.data, ids[i]));
	assert_non_null(strstr(b.data, "\"sitel\""));   /* the vendor */
	assert_non_null(strstr(b.data, "user.password_reset"));
	buf_cleanup(&b);
}

static void
scope_filters_by_tenant(void **state)
{
	struct ocsf_view v = {0};
	json_t *j;
	int rc;

	(void)state;
	v.scope = OCSF_SCOPE_TENANT;
	str_copy(v.tenant, sizeof(v.tenant), "ten2");
	j = map(RESET, 1, &v, &rc);
	assert_int_equal(rc, 1);
	assert_null(j);
	str_copy(v.tenant, sizeof(v.tenant), "ten1");
	j = map(RESET, 1, &v, &rc);
	assert_int_equal(rc, 0);
	json_decref(j);
	j = map(ALERT, 2, &v, &rc);
	assert_int_equal(rc, 1);
	v.scope = OCSF_SCOPE_OPERATOR;
	j = map(RESET, 1, &v, &rc);
	assert_int_equal(rc, 1);
	j = map(ALERT, 2, &v, &rc);
	assert_int_equal(rc, 0);
	json_decref(j);
}

static void
alert_is_a_detection_finding(void **state)
{
	struct ocsf_view v = {0};
	json_t *j, *rel;
	int rc;

	(void)state;
	j = map(ALERT, 10, &v, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(int_at(j, "class_uid"), 2004);
	assert_int_equal(int_at(j, "type_uid"), 200401);
	assert_int_equal(int_at(j, "severity_id"), 4);
	assert_string_equal(str_at(j, "finding_info.uid"), "alr_x");
	assert_string_equal(str_at(j, "finding_info.analytic.name"),
	    "reset_burst");
	rel = json_object_get(json_object_get(j, "finding_info"),
	    "related_events");
	assert_int_equal(json_array_size(rel), 3);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(rel, 1), "uid")), "host/custos-log/7");
	json_decref(j);
}

static void
not_an_entry_is_an_error(void **state)
{
	struct ocsf_view v = {0};
	struct buf b;
	struct err e;

	(void)state;
	buf_init(&b, 1 << 16);
	err_init(&e);
	assert_int_equal(ocsf_entry(&b, "o", 1, "{}", 2, &v, &e), -1);
	assert_int_equal(ocsf_entry(&b, "o", 1, "[", 1, &v, &e), -1);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
}

static void
syslog_frames_count_octets(void **state)
{
	struct buf b;
	const char *msg = "{\"a\":\"\xc3\xa9\"}";   /* UTF-8: bytes, not chars */
	char *sp;
	long n;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(export_syslog_frame(&b, 38, 1642773780123, "h1",
	    msg, strlen(msg)), 0);
	assert_int_equal(export_syslog_frame(&b, 36, 1642773780123, "",
	    msg, strlen(msg)), 0);
	n = strtol(b.data, &sp, 10);
	assert_int_equal(*sp, ' ');
	assert_memory_equal(sp + 1, "<38>1 2022-01-21T14:03:00.123Z h1 "
	    "custosd - ocsf - {", 48);
	/* the count is of the bytes after the space, up to the next frame */
	assert_memory_equal(sp + 1 + n - strlen(msg), msg, strlen(msg));
	sp = sp + 1 + n;
	n = strtol(sp, &sp, 10);
	assert_memory_equal(sp + 1, "<36>1 2022-01-21T14:03:00.123Z - ", 33);
	assert_int_equal((size_t)(sp + 1 + n - b.data), b.len);
	buf_cleanup(&b);
}

static void
spec_parses_and_refuses(void **state)
{
	struct export_spec s;
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(export_spec_parse(&s, "a file /tmp/x max-bytes=10 "
	    "keep=3 scope=tenant:t1 fields=public batch=9", &e), 0);
	assert_string_equal(s.name, "a");
	assert_int_equal(s.kind, EXPORT_FILE);
	assert_int_equal(s.max_bytes, 10);
	assert_int_equal(s.keep, 3);
	assert_int_equal(s.batch, 9);
	assert_int_equal(s.view.scope, OCSF_SCOPE_TENANT);
	assert_string_equal(s.view.tenant, "t1");
	assert_int_equal(s.view.fields, OCSF_FIELDS_PUBLIC);
	assert_int_equal(export_spec_parse(&s, "s syslog h:514 tls=1", &e), 0);
	assert_int_equal(s.tls, 1);
	assert_int_equal(export_spec_parse(&s, "b bulk http://e:9200/_bulk "
	    "index=ix", &e), 0);
	assert_string_equal(s.index, "ix");
	assert_int_equal(export_spec_parse(&s, "h hec https://s/x", &e), -1);
	assert_int_equal(export_spec_parse(&s, "h hec file:///etc/passwd "
	    "token-file=/t", &e), -1);
	assert_int_equal(export_spec_parse(&s, "x file", &e), -1);
	assert_int_equal(export_spec_parse(&s, "X file /a", &e), -1);
	assert_int_equal(export_spec_parse(&s, "x ftp /a", &e), -1);
	assert_int_equal(export_spec_parse(&s, "x file /a keep=0", &e), -1);
	assert_int_equal(export_spec_parse(&s, "x file /a scope=tenant:",
	    &e), -1);
	assert_int_equal(export_spec_parse(&s, "x file /a what", &e), -1);
	assert_int_equal(export_spec_parse(&s, "x syslog /a", &e), -1);
	assert_int_equal(export_spec_parse(&s, "x bulk http://e index=A",
	    &e), -1);
}

static void
bulk_answers_are_read_strictly(void **state)
{
	const char *ok1 = "{\"errors\":false,\"items\":[]}";
	const char *ok2 = "{\"errors\":true,\"items\":[{\"create\":"
	    "{\"status\":201}},{\"create\":{\"status\":409}}]}";
	const char *bad1 = "{\"errors\":true,\"items\":[{\"create\":"
	    "{\"status\":201}},{\"create\":{\"status\":429}}]}";
	const char *bad2 = "{\"errors\":true}";
	const char *bad3 = "not json";

	(void)state;
	assert_int_equal(export_bulk_ok(ok1, strlen(ok1)), 1);
	assert_int_equal(export_bulk_ok(ok2, strlen(ok2)), 1);
	assert_int_equal(export_bulk_ok(bad1, strlen(bad1)), 0);
	assert_int_equal(export_bulk_ok(bad2, strlen(bad2)), 0);
	assert_int_equal(export_bulk_ok(bad3, strlen(bad3)), 0);
	assert_int_equal(export_bulk_ok("", 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classes_follow_the_schema),
		cmocka_unit_test(refused_login_is_a_failed_authentication),
		cmocka_unit_test(same_entry_same_bytes),
		cmocka_unit_test(secret_looking_detail_never_leaves),
		cmocka_unit_test(public_fields_drop_every_id),
		cmocka_unit_test(scope_filters_by_tenant),
		cmocka_unit_test(alert_is_a_detection_finding),
		cmocka_unit_test(not_an_entry_is_an_error),
		cmocka_unit_test(syslog_frames_count_octets),
		cmocka_unit_test(spec_parses_and_refuses),
		cmocka_unit_test(bulk_answers_are_read_strictly),
	};

	return cmocka_run_group_tests_name("unit.export", tests, NULL, NULL);
}
