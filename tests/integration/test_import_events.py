# SPDX-License-Identifier: ISC
"""POST /v1/import?format=okta|entries: events recorded elsewhere become
log entries of their own.

Okta System Log samples (data/okta/, written from Okta's public
documentation of the event format) import as one JSON array and as JSON
lines: every support-relevant event type becomes its custos action, entry
by entry, with the actor, session, device, source, tenant, target, outcome
and time the event carries and its Okta ids in detail; other types are
skipped and counted.  The tenant rules apply in their documented order.
One malformed event anywhere refuses the whole body with its line (or
event) number, leaves the log one denied "import" entry longer and nothing
else; so does the 100,001st event of a body.  custos's own entries
exported from one daemon import into a second as the same events.  Imported entries are in the transparency log: each
one's inclusion proof verifies against a signed checkpoint.
"""
import copy
import json
import os
import unittest

import test_tlog as tl
from harness import HERE, Daemon, DaemonTest

DATA = os.path.join(HERE, "data", "okta")

ENG = "jdoe@sitel.example"
ENG_SESSION = "102sitelJdoeSess01aB"
ENG_DEVICE = "guo1laptop0jdoe0k1"
ENG_IP = "203.0.113.45"

# support_session.json, the events custos maps, in order:
# (uuid number, time, action, actor kind, actor, session, device, source,
#  tenant, target, outcome, reason)
EXPECTED = [
    (0x01, "2022-01-20T13:58:10.101Z", "auth.login", "engineer", ENG,
     ENG_SESSION, ENG_DEVICE, ENG_IP, None, None, "allowed", None),
    (0x03, "2022-01-20T14:00:02.250Z", "impersonation.grant", "tenant_admin",
     "it-admin@acme.example", "102acmeAdminSess2cD", None, "198.51.100.7",
     "acme.example", "it-admin@acme.example", "allowed", None),
    (0x04, "2022-01-20T14:03:00.123Z", "impersonation.initiate", "engineer",
     ENG, ENG_SESSION, ENG_DEVICE, ENG_IP, "acme.example",
     "it-admin@acme.example", "allowed", None),
    (0x05, "2022-01-20T14:04:11.000Z", "user.list", "engineer", ENG,
     ENG_SESSION, ENG_DEVICE, ENG_IP, None, None, "allowed", None),
    (0x06, "2022-01-20T14:06:45.900Z", "user.password_reset", "engineer",
     ENG, ENG_SESSION, ENG_DEVICE, ENG_IP, "acme.example",
     "alice@acme.example", "allowed", None),
    (0x08, "2022-01-20T14:08:30.500Z", "user.mfa_reset", "engineer", ENG,
     ENG_SESSION, ENG_DEVICE, ENG_IP, "acme.example", "Bob@Acme.Example",
     "allowed", None),
    (0x09, "2022-01-20T14:09:02.010Z", "user.mfa_reset", "engineer", ENG,
     ENG_SESSION, ENG_DEVICE, ENG_IP, "acme.example", "alice@acme.example",
     "allowed", None),
    (0x0a, "2022-01-20T14:10:15.000Z", "user.password_reset", "engineer",
     ENG, ENG_SESSION, ENG_DEVICE, ENG_IP, "acme.example",
     "it-admin@acme.example", "denied",
     "Admin does not have permission to reset the password of a super"),
    (0x0c, "2022-01-20T14:12:40.000Z", "user.password_reset", "engineer",
     ENG, ENG_SESSION, ENG_DEVICE, ENG_IP, "globex.example",
     "carol@globex.example", "allowed", None),
    (0x0e, "2022-01-20T14:20:00.000Z", "impersonation.end", "engineer", ENG,
     ENG_SESSION, ENG_DEVICE, ENG_IP, "acme.example",
     "it-admin@acme.example", "allowed", None),
    (0x10, "2022-01-20T14:25:00.200Z", "auth.login", "engineer",
     "mallory@sitel.example", None, None, "192.0.2.99", None, None,
     "denied", "VERIFICATION_ERROR"),
]
SKIPPED = {"policy.evaluate_sign_on": 2,
           "system.email.password_reset.sent_message": 1,
           "user.account.update_profile": 1,
           "user.authentication.sso": 1}


def read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def jsonl(objs):
    return "".join(json.dumps(o) + "\n" for o in objs).encode()


def uuid(n):
    return "6f1a%04x-7a3b-11ec-9d2c-0b5e6a4f%04x" % (n, n)


class ImportEvents(DaemonTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.engineer = r.body["token"]

    def imp(self, query, raw, token=None):
        return self.d.call("POST", "/v1/import?" + query, raw=raw,
                           token=token or self.d.operator)

    def assert_refused_whole(self, query, body, message):
        """body is refused with message; the log grows by exactly one
        denied "import" entry by the operator."""
        before = self.d.log_size()
        r = self.imp(query, body)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.body["error"]["code"], "bad_request")
        self.assertTrue(r.body["error"]["message"].startswith(message),
                        (r.body["error"]["message"], message))
        # Detection over the history imported earlier may write its
        # "alert" entries meanwhile: those are not the import's.
        added = [e for e in self.d.plain_entries(before)
                 if e[1]["action"] != "alert"]
        self.assertEqual(len(added), 1, [e[1] for e in added])
        ev = added[0][1]
        self.assertEqual(ev["action"], "import")
        self.assertEqual(ev["outcome"], "denied")
        self.assertEqual(ev["reason"], "bad_request")
        self.assertEqual(ev["actor"]["kind"], "operator")

    def test_okta_array_maps_each_event_type_entry_by_entry(self):
        source = json.loads(read("support_session.json"))
        by_uuid = {e["uuid"]: e for e in source}
        before = self.d.log_size()
        r = self.imp("format=okta", read("support_session.json"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, {
            "imported": len(EXPECTED), "skipped": SKIPPED,
            "entries": len(EXPECTED), "first_index": before,
            "last_index": before + len(EXPECTED) - 1})
        added = self.d.plain_entries(before)
        self.assertEqual(len(added), len(EXPECTED))
        for want, (index, ev, leaf) in zip(EXPECTED, added):
            (n, when, action, kind, actor, session, device, source_ip,
             tenant, target, outcome, reason) = want
            okta = by_uuid[uuid(n)]
            with self.subTest(event=okta["eventType"], uuid=n):
                self.assertEqual(json.loads(leaf), ev)
                self.assertEqual(ev["v"], 1)
                self.assertEqual(ev["time"], when)
                self.assertEqual(ev["action"], action)
                self.assertEqual(ev["actor"], {"kind": kind, "id": actor,
                                               "vendor": None})
                self.assertEqual(ev["session"], session)
                self.assertEqual(ev["device"], device)
                self.assertEqual(ev["source"], source_ip)
                self.assertEqual(ev["tenant"], tenant)
                self.assertEqual(ev["target"], target)
                self.assertEqual(ev["outcome"], outcome)
                self.assertEqual(ev["reason"], reason)
                d = ev["detail"]
                self.assertEqual(d["imported"], "okta")
                self.assertEqual(d["okta_uuid"], okta["uuid"])
                self.assertEqual(d["okta_event_type"], okta["eventType"])
                self.assertEqual(d["okta_transaction"],
                                 okta["transaction"]["id"])
                self.assertEqual(d["okta_actor_id"], okta["actor"]["id"])
                self.assertEqual(d["okta_outcome"],
                                 okta["outcome"]["result"])
                self.assertEqual(d["okta_client_device"],
                                 okta["client"]["device"])
                users = [t for t in okta["target"] or []
                         if t["type"] == "User"]
                if users:
                    self.assertEqual(d["okta_target_id"], users[0]["id"])
                else:
                    self.assertNotIn("okta_target_id", d)
                if okta["outcome"]["reason"] is not None:
                    self.assertEqual(d["okta_reason"],
                                     okta["outcome"]["reason"])
        # Nothing of the skipped events is in the log.
        skipped = {e["uuid"] for e in source
                   if e["eventType"] in SKIPPED}
        self.assertEqual(len(skipped), sum(SKIPPED.values()))
        self.assertFalse(skipped & {ev["detail"]["okta_uuid"]
                                    for _, ev, _ in added})

    def test_okta_json_lines_follow_the_tenant_rules(self):
        body = read("org_export.jsonl")
        # With the export's tenant: the event's own tenant, then an Org
        # target, then the export's tenant.
        before = self.d.log_size()
        r = self.imp("format=okta&tenant=initech", body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["imported"], 4)
        self.assertEqual(r.body["skipped"],
                         {"app.oauth2.as.token.grant.access_token": 1})
        evs = [e[1] for e in self.d.entries(before)]
        self.assertEqual([e["tenant"] for e in evs], [
            "initech", "initech", "00o1initech0org01", "initech-eu"])
        self.assertEqual([e["action"] for e in evs], [
            "auth.login", "user.password_reset", "user.mfa_reset",
            "user.password_reset"])
        self.assertEqual([e["source"] for e in evs], [
            ENG_IP, "2001:db8::45", None, ENG_IP])
        self.assertEqual({e["session"] for e in evs},
                         {"102sitelJdoeSess02eF"})
        # Without it, the target user's domain names the tenant.
        before = self.d.log_size()
        r = self.imp("format=okta", body)
        self.assertEqual(r.status, 200, r)
        evs = [e[1] for e in self.d.entries(before)]
        self.assertEqual([e["tenant"] for e in evs], [
            None, "initech.example", "00o1initech0org01", "initech-eu"])

    def test_a_malformed_event_imports_nothing_of_its_body(self):
        cases = json.loads(read("malformed.json"))
        good = [line for line in read("org_export.jsonl").split(b"\n")
                if line]
        for case in cases:
            with self.subTest(why=case["why"], shape="lines"):
                body = b"\n".join(good[:2] + [case["event"].encode()] +
                                  good[2:]) + b"\n"
                self.assert_refused_whole("format=okta", body,
                                          "line 3: " + case["message"])
        # The same in an array, for the events that are objects.
        source = json.loads(read("support_session.json"))
        for case in cases[3:]:
            with self.subTest(why=case["why"], shape="array"):
                events = copy.deepcopy(source[:2])
                events.append(json.loads(case["event"]))
                events += source[2:4]
                self.assert_refused_whole(
                    "format=okta", json.dumps(events).encode(),
                    "event 3: " + case["message"])
        # A broken array and a broken entry line.
        self.assert_refused_whole("format=okta",
                                  json.dumps(source[:3]).encode()[:-1],
                                  "event 3: the array has no closing ']'")
        self.assert_refused_whole(
            "format=okta", json.dumps(source[:2]).encode() + b"\n[]",
            "data after the array's closing ']'")
        entry = {"v": 1, "time": "2022-01-20T14:00:00.000Z",
                 "actor": {"kind": "engineer", "id": "eng1",
                           "vendor": "sitel"},
                 "action": "user.list", "outcome": "allowed"}
        self.assert_refused_whole(
            "format=entries",
            jsonl([entry, entry, dict(entry, outcome="maybe"), entry]),
            "line 3: field 'outcome' has an unknown value")

    def test_wrong_queries_and_empty_bodies_are_refused(self):
        one = read("org_export.jsonl").split(b"\n")[0] + b"\n"
        self.assert_refused_whole("format=xml", one,
                                  "query parameter 'format' must be")
        self.assert_refused_whole("format=entries&tenant=acme", one,
                                  "query parameter 'tenant' must be")
        self.assert_refused_whole("format=okta&tenant=a%2Fb", one,
                                  "query parameter 'tenant' must be")
        self.assert_refused_whole("format=okta", b"[]",
                                  "the body holds no events")
        self.assert_refused_whole("format=entries", b"\n \r\n",
                                  "the body holds no events")
        # Only skipped events: nothing imported, the import recorded.
        lines = read("org_export.jsonl").split(b"\n")
        before = self.d.log_size()
        r = self.imp("format=okta", lines[4] + b"\n")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, {
            "imported": 0, "entries": 0, "first_index": None,
            "last_index": None,
            "skipped": {"app.oauth2.as.token.grant.access_token": 1}})
        added = self.d.plain_entries(before)
        self.assertEqual([(e[1]["action"], e[1]["outcome"])
                          for e in added], [("import", "allowed")])
        # Only the operator imports.
        r = self.imp("format=okta", one, token=self.engineer)
        self.assertEqual(r.status, 403, r)

    def test_more_than_100000_events_are_refused_whole(self):
        line = (b'{"uuid":"u%d","published":"2022-01-20T14:00:00Z",'
                b'"eventType":"user.authentication.sso"}\n')
        body = b"".join(line % i for i in range(100000))
        r = self.imp("format=okta", body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["skipped"], {"user.authentication.sso":
                                             100000})
        self.assert_refused_whole("format=okta", body + line % 100000,
                                  "line 100001: more than 100000 events")

    def test_entries_exported_from_one_daemon_import_into_another(self):
        self.assertEqual(self.imp("format=okta",
                                  read("support_session.json")).status, 200)
        source = self.d.entries(0)
        d2 = Daemon()
        try:
            body = jsonl([ev for _, ev, _ in source])
            before = d2.log_size()
            r = d2.call("POST", "/v1/import?format=entries", raw=body,
                        token=d2.operator)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.body, {
                "imported": len(source), "entries": len(source),
                "skipped": {}, "first_index": before,
                "last_index": before + len(source) - 1})
            copied = d2.plain_entries(before)
            self.assertEqual(len(copied), len(source))
            for (i, ev, _), (_, ev2, leaf2) in zip(source, copied):
                with self.subTest(index=i, action=ev["action"]):
                    self.assertEqual(json.loads(leaf2), ev2)
                    mark = ev2["detail"].pop("imported")
                    if "imported" in ev.get("detail", {}):
                        self.assertEqual(mark, ev["detail"]["imported"])
                        ev2["detail"]["imported"] = mark
                    else:
                        self.assertEqual(mark, "custos")
                    if not ev2["detail"]:
                        del ev2["detail"]
                    self.assertEqual(ev2, ev)
        finally:
            self.assertEqual(d2.stop(), 0)

    def test_imported_entries_verify_in_the_transparency_log(self):
        r = self.imp("format=okta", read("support_session.json"))
        self.assertEqual(r.status, 200, r)
        first, last = r.body["first_index"], r.body["last_index"]
        note, _ = tl.settled_checkpoint(self.d)
        _, size, root = tl.open_checkpoint(note, tl.fetch_key(self.d))
        self.assertGreater(size, last)
        for index, ev, leaf in self.d.entries(first)[:last - first + 1]:
            with self.subTest(index=index):
                self.assertEqual(ev["detail"]["imported"], "okta")
                p = self.d.call("GET", "/v1/log/proof/inclusion?index=%d"
                                "&size=%d" % (index, size))
                self.assertEqual(p.status, 200, p)
                self.assertTrue(tl.verify_inclusion(
                    index, size, tl.leaf_hash(leaf),
                    tl.b64hashes(p.body["hashes"]), root))
                # A leaf changed by one byte does not verify.
                self.assertFalse(tl.verify_inclusion(
                    index, size, tl.leaf_hash(
                        leaf[:20] + bytes([leaf[20] ^ 1]) + leaf[21:]),
                    tl.b64hashes(p.body["hashes"]), root))


if __name__ == "__main__":
    unittest.main()
