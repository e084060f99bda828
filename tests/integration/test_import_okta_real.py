# SPDX-License-Identifier: ISC
"""Okta System Log exports as real ones come (issue 16): every shape
(JSON lines, one array, one pretty-printed object, the Event Hooks
envelope, with a BOM and fields custos does not know), odd values that
drop a field instead of sinking the file ("null" address, a session id
longer than an id, more than 64 targets), events that are errors of their
own (no uuid, a bad time, malformed JSON: counted by reason, the first
ones verbatim with their line), all_or_nothing=1 as before, a framing
that loses sync (what came before stays), de-duplication by uuid, the
support-access family of the catalogue mapped (and the operator's
okta-map-file over it), vendor attribution from the login's domain, and
an imported sign-in counted as access held in scope, not as an attempt.

The events are written from Okta's public System Log documentation and
event-type catalogue (data/okta/support_access.json).
"""
import copy
import json
import os
import subprocess
import unittest

from harness import CUSTOS, HERE, Daemon

DATA = os.path.join(HERE, "data", "okta")


def load(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)


def uuid(n):
    return "5e0e9b1a-0000-11ef-8000-%012x" % n


def event(n, etype="user.account.unlock_by_admin", **over):
    ev = {"uuid": uuid(n), "published": "2024-08-15T10:%02d:00.000Z" % (n % 60),
          "eventType": etype, "version": "0", "severity": "INFO",
          "actor": {"id": "00u8sitelAgent02", "type": "User",
                    "alternateId": "agent8@sitel.example"},
          "client": {"ipAddress": "198.51.100.24", "device": "Computer"},
          "authenticationContext": {"externalSessionId": "102sitelAgent8"},
          "outcome": {"result": "SUCCESS"},
          "target": [{"id": "00u1dave", "type": "User",
                      "alternateId": "dave@globex.example"}],
          "transaction": {"type": "WEB", "id": "tx%d" % n}}
    ev.update(over)
    return ev


def lines(events):
    return "".join(json.dumps(e) + "\n" for e in events).encode()


class OktaReal(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                               "okta-map-%d" % os.getpid())
        with open(cls.tmp, "w") as f:
            f.write("# the operator's rows\n"
                    "policy.evaluate_sign_on - \n"
                    "user.account.lock user.lock engineer\n"
                    "app.generic.* app.access engineer\n")
        cls.d = Daemon(extra=["--okta-map-file", cls.tmp,
                              "--okta-vendor-domains",
                              "sitel.example=sitel"])

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        os.unlink(cls.tmp)
        assert rc == 0, "custosd exited with %s" % rc

    def imp(self, body, query="format=okta"):
        r = self.d.call("POST", "/v1/import?" + query, raw=body,
                        token=self.d.operator)
        return r

    def ok(self, body, query="format=okta"):
        r = self.imp(body, query)
        self.assertEqual(r.status, 200, r)
        return r.body

    def by_uuid(self, start=0):
        out = {}
        for _, ev, _ in self.d.entries(start):
            u = (ev.get("detail") or {}).get("okta_uuid")
            if u is not None:
                out[u] = ev
        return out

    def test_every_shape_imports_and_a_second_import_records_nothing(self):
        evs = [event(i) for i in range(100, 104)]
        before = self.d.log_size()
        a = self.ok(b"\xef\xbb\xbf" + lines(evs[:2]))
        self.assertEqual((a["imported"], a["duplicates"], a["errors_total"]),
                         (2, 0, 0), a)
        self.assertTrue(a["complete"])
        # One pretty-printed object, with fields custos does not know.
        one = dict(evs[2], futureField={"x": [1, {"y": "}{]["}]})
        a = self.ok(json.dumps(one, indent=4).encode())
        self.assertEqual(a["imported"], 1, a)
        # The Event Hooks envelope.
        hook = {"eventType": "com.okta.event_hook", "eventTypeVersion": "1.0",
                "cloudEventsVersion": "0.1", "source": "https://x.okta.com",
                "eventId": "b5a188b9-5ece-4636-b041-482ffda96311",
                "eventTime": "2024-08-15T10:30:00.000Z",
                "contentType": "application/json",
                "data": {"events": [evs[3]]}}
        a = self.ok(json.dumps(hook).encode())
        self.assertEqual(a["imported"], 1, a)
        got = self.by_uuid(before)
        self.assertEqual(set(got), {e["uuid"] for e in evs})
        ev = got[uuid(100)]
        self.assertEqual(ev["action"], "user.unlock")
        self.assertEqual(ev["actor"]["vendor"], "sitel")
        self.assertEqual(ev["tenant"], "globex.example")
        # All of them again, as one array: nothing new.
        size = self.d.log_size()
        a = self.ok(json.dumps(evs).encode())
        self.assertEqual((a["imported"], a["duplicates"]), (0, 4), a)
        self.assertEqual(self.d.log_size(), size + 1)   # the import itself

    def test_odd_fields_are_dropped_and_bad_events_reported(self):
        long_sess = "102" + "s" * 90
        many = [{"id": "00u1erin", "type": "User",
                 "alternateId": "erin@globex.example"}] + [
            {"id": "00g%d" % i, "type": "UserGroup"} for i in range(80)]
        good = [event(200, client={"ipAddress": "null"}),
                event(201, authenticationContext={
                    "externalSessionId": long_sess}),
                event(202, target=many)]
        bad_time = event(203, published="yesterday")
        no_uuid = event(204)
        del no_uuid["uuid"]
        body = (lines(good[:1]) + json.dumps(bad_time).encode() + b"\n" +
                b'{"uuid": "x", "published": \n' +   # cut: malformed JSON
                lines(good[1:2]) + json.dumps(no_uuid).encode() + b"\n" +
                b"garbage line\n" + lines(good[2:]))
        before = self.d.log_size()
        a = self.ok(body)
        self.assertEqual(a["imported"], 3, a)
        self.assertEqual(a["error_reasons"], {
            "bad_time": 1, "malformed_json": 1, "missing_field": 1,
            "framing": 1}, a)
        self.assertEqual(a["errors_total"], 4)
        self.assertEqual(a["dropped"], {
            "client.ipAddress": 1,
            "authenticationContext.externalSessionId": 1,
            "target[] beyond 64": 1}, a)
        where = {e["reason"]: e for e in a["errors"]}
        self.assertEqual(where["bad_time"]["line"], 2)
        self.assertEqual(where["bad_time"]["uuid"], uuid(203))
        self.assertIn("published", where["bad_time"]["message"])
        self.assertEqual(where["malformed_json"]["line"], 3)
        self.assertEqual(where["missing_field"]["line"], 5)
        self.assertIn("uuid", where["missing_field"]["message"])
        self.assertEqual(where["framing"]["line"], 6)
        got = self.by_uuid(before)
        self.assertIsNone(got[uuid(200)]["source"])
        self.assertEqual(got[uuid(200)]["detail"]["okta_ip"], "null")
        self.assertIsNone(got[uuid(201)].get("session"))
        self.assertEqual(got[uuid(201)]["detail"]["okta_session"], long_sess)
        self.assertEqual(got[uuid(202)]["target"], "erin@globex.example")
        # all_or_nothing=1: the old behaviour, nothing of the body.
        size = self.d.log_size()
        body2 = lines([event(210)]) + json.dumps(event(
            211, published="yesterday")).encode() + b"\n"
        r = self.imp(body2, "format=okta&all_or_nothing=1")
        self.assertEqual(r.status, 400, r)
        self.assertIn("event 2 (line 2)", r.body["error"]["message"])
        self.assertEqual(self.d.log_size(), size + 1)   # the refusal
        r = self.imp(lines([event(212, client={"ipAddress": "null"})]),
                     "format=okta&all_or_nothing=1")
        self.assertEqual(r.status, 400, r)

    def test_a_lost_framing_keeps_what_came_before(self):
        evs = [event(i) for i in range(300, 303)]
        body = (b"[" + b",".join(json.dumps(e).encode() for e in evs) +
                b", 42, " + json.dumps(event(303)).encode() + b"]")
        a = self.ok(body)
        self.assertEqual(a["imported"], 3, a)
        self.assertFalse(a["complete"])
        self.assertEqual(a["error_reasons"], {"lost_sync": 1})
        # The end of the stream inside an event.
        a = self.ok(lines([event(304)]) + json.dumps(event(305)).encode()[:50])
        self.assertEqual((a["imported"], a["complete"]), (1, False), a)

    def test_the_support_access_family_maps_and_others_are_counted(self):
        before = self.d.log_size()
        a = self.ok(json.dumps(load("support_access.json")).encode(),
                    "format=okta&tenant=acme")
        # policy.evaluate_sign_on is skipped by the operator's '-' row.
        self.assertEqual((a["imported"], a["errors_total"]), (4, 0), a)
        self.assertEqual(a["skipped"], {"policy.evaluate_sign_on": 1})
        got = self.by_uuid(before)
        acts = {e["detail"]["okta_event_type"]: e for e in got.values()}
        self.assertEqual({k: (v["action"], v["tenant"], v["actor"]["vendor"])
                          for k, v in acts.items()}, {
            "user.session.start": ("auth.login", "acme", "sitel"),
            "support.org.view": ("tenant.support_view", "00o1acmeOrg",
                                 "sitel"),
            "user.account.unlock_by_admin": ("user.unlock", "acme", "sitel"),
            "system.directory.debugger.extend": ("directory.debugger",
                                                 "00o1acmeOrg", "sitel")})
        # The operator's rows: an exact one and a prefix.
        extra = [event(400, "user.account.lock"),
                 event(401, "app.generic.unauth_app_access_attempt"),
                 event(402, "user.lifecycle.suspend"),
                 event(403, "system.api_token.create")]
        a = self.ok(lines(extra))
        self.assertEqual(a["imported"], 3, a)
        self.assertEqual(a["skipped"], {"system.api_token.create": 1})
        got = self.by_uuid(before)
        self.assertEqual([got[uuid(n)]["action"] for n in (400, 401, 402)],
                         ["user.lock", "app.access", "user.lifecycle"])

    def test_an_imported_sign_in_is_access_held_and_the_vendor_matches(self):
        signin = event(500, "user.session.start", target=None,
                       actor={"id": "00u8solo", "type": "User",
                              "alternateId": "solo@sitel.example"})
        self.ok(lines([signin]), "format=okta&tenant=initech")
        body = {"from": "2024-08-01T00:00:00Z", "to": "2024-09-01T00:00:00Z",
                "principals": {"engineers": ["solo@sitel.example"]}}
        r = self.d.op("POST", "/v1/scope", body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([t["tenant"] for t in r.body["tenants"]],
                         ["initech"], r.body)
        self.assertEqual(r.body["tenants"][0]["exposure"], "exposed")
        self.assertEqual(r.body["tenants"][0]["actions"], {"auth.login": 1})
        self.assertEqual(r.body.get("attempted", []), [])
        # By vendor: the login's domain named it.
        body["principals"] = {"vendors": ["sitel"]}
        r = self.d.op("POST", "/v1/scope", body)
        self.assertEqual(r.status, 200, r)
        self.assertIn("initech", [t["tenant"] for t in r.body["tenants"]])

    def test_the_cli_streams_a_file_and_prints_the_answer(self):
        path = os.path.join(self.d.dir, "export.json")
        evs = [event(i) for i in range(600, 650)]
        with open(path, "w") as f:
            json.dump(evs, f, indent=2)
        env = {"PATH": "/usr/bin:/bin", "CUSTOS_CONFIG_DIR": self.d.dir}
        if "ASAN_OPTIONS" in os.environ:
            env["ASAN_OPTIONS"] = os.environ["ASAN_OPTIONS"]
        argv = [CUSTOS, "--server", self.d.url, "--token", self.d.operator]
        p = subprocess.run(argv + ["import",
                            "--format", "okta", "--progress", path],
                           env=env, capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("imported 50 of 50 events", p.stdout)
        self.assertIn("50 events", p.stderr)
        p = subprocess.run(argv + ["--json", "import", "--format", "okta", path],
                           env=env, capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout)
        self.assertEqual((out["imported"], out["duplicates"]), (0, 50))

    def test_the_customer_report_says_the_rows_were_imported(self):
        who = {"id": "00u8rep", "type": "User",
               "alternateId": "rep@sitel.example"}
        evs = [event(700, actor=who),                       # globex.example
               event(701, "support.org.view", actor=who, target=[
                   {"id": "umbrella", "type": "Org"}])]
        self.ok(lines(evs))
        out = os.path.join(self.d.dir, "reports")
        p = subprocess.run(
            [CUSTOS, "--server", self.d.url, "--token", self.d.operator,
             "scope", "--engineer", "rep@sitel.example", "--from",
             "2024-08-01T00:00:00Z", "--to", "2024-09-01T00:00:00Z",
             "--report", out], capture_output=True, text=True, timeout=120,
            env={"PATH": "/usr/bin:/bin", "CUSTOS_CONFIG_DIR": self.d.dir})
        self.assertEqual(p.returncode, 0, p.stderr)
        for tenant in ("globex.example", "umbrella"):
            with open(os.path.join(out, tenant + ".md")) as f:
                md = f.read()
            self.assertIn("**imported**", md)
            self.assertIn("did not see these requests itself", md)
            self.assertNotIn("records every request support makes", md)


if __name__ == "__main__":
    unittest.main()
