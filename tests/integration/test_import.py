# SPDX-License-Identifier: ISC
"""POST /v1/import: the operator's bulk load of JSON lines.

A good file of every kind imports whole, answers its counts per kind, and
leaves one entry per object (<kind>.create, detail via=import) and nothing
else; what it made works (the engineer logs in with the imported device,
the user with the imported Argon2id hash).  A file with one bad line is
refused whole with a message starting 'line N:'.  Only the operator may
import.  5,000 users import in bounded time and are listable.
"""
import base64
import json
import time
import unittest

import nacl.pwhash
import nacl.signing

from harness import TOTP_SECRET, DaemonTest, totp

USER_PASSWORD = "imported password 1"
ENG_PASSWORD = "imported engineer pw 2"
BIG = 5000
BIG_SECONDS = 60       # bound for the 5,000-user import under sanitizers


def argon2id(password):
    return nacl.pwhash.argon2id.str(
        password.encode(), opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN,
        memlimit=8192 * 1024).decode()


def jsonl(objs):
    return "".join(json.dumps(o) + "\n" for o in objs).encode()


class Import(DaemonTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.engineer = r.body["token"]

    def imp(self, body, token=None, raw=None):
        return self.d.call("POST", "/v1/import", raw=raw if raw is not None
                           else jsonl(body),
                           token=token or self.d.operator)

    def tenant_exists(self, tid):
        """Asked as the engineer: every tenant made here is auto_approve,
        so one that exists answers 200, one that does not 404."""
        r = self.d.call("GET", "/v1/tenants/%s/users" % tid,
                        token=self.engineer)
        self.assertIn(r.status, (200, 404), r)
        return r.status == 200

    def test_mixed_file_imports_with_one_entry_per_object(self):
        key = nacl.signing.SigningKey.generate()
        pub = base64.b64encode(bytes(key.verify_key)).decode()
        objs = [
            {"kind": "vendor", "id": "im-ven", "name": "Imported Vendor"},
            {"kind": "engineer", "id": "im-eng", "username": "im-eng",
             "vendor": "im-ven", "password": ENG_PASSWORD,
             "totp_secret": TOTP_SECRET},
            {"kind": "device", "id": "im-dev", "engineer": "im-eng",
             "name": "imported laptop", "public_key": pub},
            {"kind": "tenant", "id": "im-ten", "name": "Imported Tenant",
             "support_policy": "auto_approve"},
            {"kind": "user", "id": "im-u1", "tenant": "im-ten",
             "username": "u1", "email": "u1@im.example", "role": "admin",
             "password_hash": argon2id(USER_PASSWORD),
             "totp_secret": TOTP_SECRET},
            {"kind": "user", "id": "im-u2", "tenant": "im-ten",
             "username": "u2", "email": "u2@im.example"},
            {"kind": "ticket", "id": "im-tk", "tenant": "im-ten",
             "subject": "imported", "body": "from a file",
             "requester": "u2@im.example"},
        ]
        before = self.d.log_size()
        r = self.imp(objs)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["imported"], {
            "vendor": 1, "engineer": 1, "device": 1, "tenant": 1,
            "user": 2, "ticket": 1})
        self.assertEqual(r.body["entries"], len(objs))

        added = self.d.plain_entries(before)
        self.assertEqual(len(added), len(objs), [e[1] for e in added])
        for o, (_, ev, leaf) in zip(objs, added):
            with self.subTest(object=o["id"]):
                self.assertEqual(ev["action"], o["kind"] + ".create")
                self.assertEqual(ev["actor"]["kind"], "operator")
                self.assertEqual(ev["outcome"], "allowed")
                self.assertIsNone(ev["reason"])
                self.assertEqual(ev["target"], o["id"])
                # A device names its engineer: detection watches new
                # credentials.
                self.assertEqual(ev["detail"], dict({"via": "import"}, **(
                    {"engineer": o["engineer"]} if o["kind"] == "device"
                    else {})))
                self.assertEqual(ev["tenant"], "im-ten" if o["kind"] in (
                    "tenant", "user", "ticket") else None)
                self.assertNotIn(b"argon2id", leaf)

        # What was imported works.
        r = self.w.engineer_login(username="im-eng", password=ENG_PASSWORD,
                                  device="im-dev", key=key)
        self.assertEqual(r.status, 200, r)
        tok = r.body["token"]
        r = self.d.call("GET", "/v1/tenants/im-ten/users", token=tok)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sorted(u["id"] for u in r.body["users"]),
                         ["im-u1", "im-u2"])
        r = self.d.call("GET", "/v1/tenants/im-ten/tickets/im-tk",
                        token=tok)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["body"], "from a file")
        r = self.d.call("POST", "/v1/tenants/im-ten/auth/login", {
            "username": "u1", "password": USER_PASSWORD, "totp": totp()})
        self.assertEqual(r.status, 200, r)

    # Line 3 of a four-line file, and the answer it must get.
    GOOD12 = [
        {"kind": "tenant", "id": "bad-ten", "name": "Never",
         "support_policy": "auto_approve"},
        {"kind": "user", "id": "bad-u1", "tenant": "bad-ten",
         "username": "u1", "email": "u1@bad.example"},
    ]
    GOOD4 = {"kind": "vendor", "id": "bad-ven", "name": "Never Either"}
    BAD3 = {
        "bad JSON": ('{"kind": "tenant", "name": ', 400, "bad_request"),
        "not an object": ('["tenant"]', 400, "bad_request"),
        "unknown kind": ('{"kind": "galaxy", "name": "x"}', 400,
                         "bad_request"),
        "no kind": ('{"id": "x", "name": "x"}', 400, "bad_request"),
        "missing field": ('{"kind": "user", "tenant": "bad-ten", '
                          '"email": "u3@bad.example"}', 400,
                          "bad_request"),
        "wrong type": ('{"kind": "tenant", "name": 7}', 400,
                       "bad_request"),
        "unknown field": ('{"kind": "vendor", "name": "x", "colour": 1}',
                          400, "bad_request"),
        "bad password_hash": ('{"kind": "user", "tenant": "bad-ten", '
                              '"username": "u3", "email": "u3@b.example",'
                              ' "password_hash": "$2y$10$abc"}', 400,
                              "bad_request"),
        # References and duplicates are found on insert; the daemon
        # answers them as single creates are answered (404, 409).
        "missing tenant": ('{"kind": "user", "tenant": "no-such-ten", '
                           '"username": "u3", "email": "u3@b.example"}',
                           404, "not_found"),
        "missing engineer": ('{"kind": "device", "engineer": "nobody", '
                             '"name": "d", "public_key": "%s"}'
                             % base64.b64encode(bytes(32)).decode(),
                             404, "not_found"),
        "duplicate id in file": ('{"kind": "tenant", "id": "bad-ten", '
                                 '"name": "Again"}', 409, "conflict"),
        "duplicate of existing": ('{"kind": "tenant", "id": "auto", '
                                  '"name": "Again"}', 409, "conflict"),
    }

    def test_bad_line_3_refuses_the_whole_file_naming_the_line(self):
        for what, (line3, status, code) in self.BAD3.items():
            body = (jsonl(self.GOOD12) + line3.encode() + b"\n" +
                    jsonl([self.GOOD4]))
            with self.subTest(defect=what):
                self.check_refused(body, status, code, "line 3:")
        # Blank lines count.
        body = (jsonl(self.GOOD12[:1]) + b"\n" +
                self.BAD3["unknown kind"][0].encode() + b"\n")
        with self.subTest(defect="after a blank line"):
            self.check_refused(body, 400, "bad_request", "line 3:")
        body = jsonl(self.GOOD12) + b'{"kind": "vendor"}'  # no newline
        with self.subTest(defect="last line without newline"):
            self.check_refused(body, 400, "bad_request", "line 3:")

    def test_empty_file_is_refused(self):
        for raw in (b"", b"\n\n", b"\r\n"):
            with self.subTest(body=raw):
                self.check_refused(raw, 400, "bad_request", "")

    def check_refused(self, body, status, code, prefix):
        before = self.d.log_size()
        r = self.imp(None, raw=body)
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.body["error"]["code"], code, r)
        self.assertTrue(r.body["error"]["message"].startswith(prefix), r)
        # The refusal itself is the only new entry: no object was made.
        added = [ev for _, ev, _ in self.d.entries(before)]
        self.assertEqual(len(added), 1, added)
        self.assertEqual((added[0]["action"], added[0]["outcome"]),
                         ("import", "denied"), added)
        self.assertFalse(self.tenant_exists("bad-ten"))

    def test_only_the_operator_may_import(self):
        body = jsonl([{"kind": "tenant", "id": "nop-ten", "name": "No",
                       "support_policy": "auto_approve"}])
        callers = {
            "anonymous": (None, 401),
            "engineer": (self.engineer, 403),
            "tenant_admin": (self.w.tenant_login("auto", "admin"), 403),
            "tenant_user": (self.w.tenant_login("auto", "user"), 403),
        }
        for kind, (token, status) in callers.items():
            with self.subTest(caller=kind):
                before = self.d.log_size()
                r = self.d.call("POST", "/v1/import", raw=body, token=token)
                self.assertEqual(r.status, status, r)
                added = [ev for _, ev, _ in self.d.entries(before)
                         if ev["actor"]["kind"] != "system"]
                self.assertEqual([(e["action"], e["actor"]["kind"],
                                   e["outcome"]) for e in added],
                                 [("import", kind, "denied")])
                self.assertFalse(self.tenant_exists("nop-ten"))

    def test_5000_users_import_in_bounded_time_and_are_listable(self):
        pwhash = argon2id(USER_PASSWORD)
        objs = [{"kind": "tenant", "id": "big-ten", "name": "Big",
                 "support_policy": "auto_approve"}]
        objs += [{"kind": "user", "id": "big-%05d" % i, "tenant": "big-ten",
                  "username": "user%05d" % i,
                  "email": "user%05d@big.example" % i,
                  "password_hash": pwhash} for i in range(BIG)]
        before = self.d.log_size()
        t0 = time.monotonic()
        r = self.imp(objs)
        took = time.monotonic() - t0
        self.assertEqual(r.status, 200, r)
        self.assertLess(took, BIG_SECONDS)
        self.assertEqual(r.body["imported"], {"tenant": 1, "user": BIG})
        self.assertEqual(self.d.log_size() - before, BIG + 1)
        creates = [(ev["action"], ev["target"], ev["detail"])
                   for _, ev, _ in self.d.entries(before)]
        self.assertEqual(creates, [(o["kind"] + ".create", o["id"],
                                    {"via": "import"}) for o in objs])
        r = self.d.call("GET", "/v1/tenants/big-ten/users",
                        token=self.engineer)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sorted(u["id"] for u in r.body["users"]),
                         [o["id"] for o in objs[1:]])


if __name__ == "__main__":
    unittest.main()
