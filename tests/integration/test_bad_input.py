# SPDX-License-Identifier: ISC
"""Bad input is refused cleanly.

Malformed JSON, bodies that are not objects, wrong types, missing and
unknown fields, oversized bodies, huge numbers and strings, invalid UTF-8,
NUL in strings, deep nesting, duplicate keys, malformed ids in paths and
bad query parameters: each gets a 400 (413 for an oversized body) with
{"error": {"code": "bad_request", "message": ...}}, a message naming the
field where there is one, never a 5xx.  Each refused request leaves one
denied entry and changes nothing: the user list stays the same, no allowed
entry appears, the objects the bodies describe do not come to exist, failed
parses do not count as failed logins, and the daemon stays up.
"""
import base64
import json
import time
import unittest

from harness import TOTP_SECRET, Daemon, World, fresh_source

HOLE = "<hole>"                  # where a test puts its bad bytes
HOLE_JSON = b'"<hole>"'
SIG = base64.b64encode(bytes(64)).decode()

# name -> path, whose token (operator or none), a valid body, required
# fields.  Each body names an id, so we can tell it was never created.
ENDPOINTS = {
    "vendor": ("/v1/vendors", True,
               {"id": "bi-v", "name": "Bad Input Vendor"}, ("name",)),
    "engineer": ("/v1/engineers", True,
                 {"id": "bi-e", "username": "bi-e", "vendor": "sitel",
                  "password": "bad input password 1",
                  "totp_secret": TOTP_SECRET},
                 # password: optional since invitations (issue 13)
                 ("username", "vendor")),
    "tenant": ("/v1/tenants", True,
               {"id": "bi-t", "name": "Bad Input Tenant",
                "support_policy": "deny"}, ("name",)),
    "user": ("/v1/tenants/auto/users", True,
             {"id": "bi-u", "username": "bi-u", "email": "bi-u@auto.example",
              "password": "bad input password 2", "role": "user",
              "totp_secret": TOTP_SECRET}, ("username", "email")),
    "ticket": ("/v1/tenants/auto/tickets", True,
               {"id": "bi-k", "subject": "help", "body": "please",
                "requester": "user@auto.example"},
               ("subject", "body", "requester")),
    "login": ("/v1/auth/login", False,
              {"username": "eng1", "device": "dev1"},
              ("username", "device")),
    "verify": ("/v1/auth/verify", False,
               {"login_id": "login_nothing",
                "password": "engineer password 1", "totp": "123456",
                "device_signature": SIG},
               ("login_id", "password", "totp", "device_signature")),
    "reset": ("/v1/password-reset", False,
              {"token": "crt_nothing", "new_password": "bad input pass 3"},
              ("token", "new_password")),
}

WRONG_TYPES = (1, -7, 2 ** 62, 1.5, True, False, [], ["x"], {}, {"a": "b"})

# Values of the right type that no field accepts.
BAD_VALUES = {
    "vendor": {"id": "a b", "name": ""},
    "engineer": {"id": "../x", "vendor": "a b", "totp_secret": "1!",
                 "password": "short"},
    "tenant": {"support_policy": "sometimes", "name": "tab\there"},
    "user": {"role": "root", "email": "not-an-address",
             "totp_secret": "not base32!", "username": "new\nline"},
    "ticket": {"requester": "", "subject": "bell\a"},
    "login": {"username": "", "device": ""},
    "verify": {"totp": "12", "device_signature": "not base64!"},
    "reset": {"new_password": "short"},
}

MALFORMED = (b"{", b'{"name":', b'{"name" "x"}', b"{'name': 'x'}",
             b'{"name": "x",}', b'{"name": "x"} {"name": "y"}',
             b'{"name": "x"', b'{"name": "\\q"}', b"nul", b"\x00",
             b'{"name": tru}')
NOT_OBJECTS = (b"[]", b'["name", "x"]', b'"name"', b"1", b"true", b"null",
               b"   ")


def deep(levels, leaf='"x"'):
    return ('{"a":' * levels + leaf + "}" * levels).encode()


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        try:
            cls.w = World(cls.d)
            r = cls.w.engineer_login()
            assert r.status == 200, r
            cls.engineer = r.body["token"]
            cls.users_before = cls.user_list()
        except BaseException:
            cls.d.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    @classmethod
    def user_list(cls):
        r = cls.d.call("GET", "/v1/tenants/auto/users", token=cls.engineer)
        assert r.status == 200, r
        return r.body["users"]

    def setUp(self):
        self.start = self.d.log_size()
        self.writes_expected = False

    def tearDown(self):
        # Whatever the sweep sent, nothing was allowed and nothing moved.
        self.assertIsNone(self.d.proc.poll(), "custosd died")
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)
        if self.writes_expected:
            return
        allowed = [(i, ev) for i, ev, _ in self.d.entries(self.start)
                   if ev["outcome"] != "denied" and
                   ev["action"] != "user.list"]
        self.assertEqual(allowed, [])
        self.assertEqual(self.user_list(), self.users_before)

    def bad(self, path, body=None, raw=None, field=None, status=400,
            method="POST", token=None, operator=True, recorded=True):
        """Sends one bad request and checks the refusal and its entry."""
        if token is None and operator:
            token = self.d.operator
        if raw is None:
            raw = json.dumps(body).encode()
        before = self.d.log_size()
        # Anonymous ones each from a new address: a refusal naming no one
        # is recorded once per source and kind (audit/flood.h).
        r = self.d.call(method, path, raw=raw, token=token,
                        source=None if token else fresh_source())
        what = "%s %s %r -> %r" % (method, path, raw[:120], r)
        self.assertEqual(r.status, status, what)
        self.assertIsInstance(r.body, dict, what)
        self.assertEqual(r.body["error"]["code"], "bad_request", what)
        msg = r.body["error"]["message"]
        self.assertIsInstance(msg, str, what)
        self.assertTrue(msg, what)
        if field is not None:
            self.assertIn("'%s'" % field, msg, what)
        added = self.d.entries(before)
        if not recorded:
            self.assertEqual(added, [], what)
            return msg
        self.assertEqual(len(added), 1, what)
        ev = added[0][1]
        self.assertEqual(ev["outcome"], "denied", what)
        self.assertEqual(ev["reason"], "body_too_large" if status == 413
                         else "bad_request", what)
        return msg

    def each_endpoint(self):
        for name, (path, op, body, required) in ENDPOINTS.items():
            yield name, path, op, body, required

    def test_wrong_type_of_each_field_is_named(self):
        for name, path, op, body, _ in self.each_endpoint():
            for field in body:
                for v in WRONG_TYPES:
                    with self.subTest(endpoint=name, field=field, value=v):
                        self.bad(path, dict(body, **{field: v}),
                                 field=field, operator=op)

    def test_bad_value_of_a_field_is_named(self):
        for name, path, op, body, _ in self.each_endpoint():
            for field, v in BAD_VALUES[name].items():
                with self.subTest(endpoint=name, field=field, value=v):
                    self.bad(path, dict(body, **{field: v}), field=field,
                             operator=op)

    def test_missing_required_field_is_named(self):
        for name, path, op, body, required in self.each_endpoint():
            for field in required:
                b = dict(body)
                del b[field]
                with self.subTest(endpoint=name, field=field):
                    self.bad(path, b, field=field, operator=op)
                with self.subTest(endpoint=name, field=field, value=None):
                    self.bad(path, dict(body, **{field: None}),
                             field=field, operator=op)

    def test_unknown_field_is_named(self):
        for name, path, op, body, _ in self.each_endpoint():
            for extra in ("bogus", "kind", "password_hash2", "ID"):
                if extra == "kind" and name in ("login", "verify",
                                                "reset"):
                    continue
                with self.subTest(endpoint=name, field=extra):
                    msg = self.bad(path, dict(body, **{extra: "x"}),
                                   field=extra, operator=op)
                    self.assertIn("unknown field", msg)

    def test_malformed_json_and_non_objects(self):
        for name, path, op, _, _ in self.each_endpoint():
            for raw in MALFORMED + NOT_OBJECTS:
                with self.subTest(endpoint=name, body=raw):
                    msg = self.bad(path, raw=raw, operator=op)
                    self.assertIn("JSON", msg)
            with self.subTest(endpoint=name, body=b""):
                self.bad(path, raw=b"", operator=op)

    def test_huge_strings_are_named(self):
        # Longer than any field takes, shorter than the body cap.
        for name, path, op, body, _ in self.each_endpoint():
            for field in body:
                huge = "x" * (20000 if op else 7000)
                with self.subTest(endpoint=name, field=field):
                    self.bad(path, dict(body, **{field: huge}),
                             field=field, operator=op)

    def test_huge_numbers(self):
        for name, path, op, body, _ in self.each_endpoint():
            field = next(iter(body))
            for num in (b"1e400", b"-1e400", b"9" * 400,
                        b"123456789012345678901234567890", b"1" + b"0" * 30,
                        b"-9223372036854775809", b"9223372036854775807"):
                raw = json.dumps(dict(body, **{field: HOLE})).encode()
                raw = raw.replace(HOLE_JSON, num)
                with self.subTest(endpoint=name, field=field, value=num):
                    self.bad(path, raw=raw, operator=op)

    def test_invalid_utf8(self):
        for name, path, op, body, _ in self.each_endpoint():
            field = next(iter(body))
            for junk in (b"\xff", b"\xc0\xaf", b"\xed\xa0\x80",
                         b"\xf4\x90\x80\x80", b"ab\x80", b"\xe2\x82",
                         b"\\ud800", b"\\udc00x"):
                raw = json.dumps(dict(body, **{field: HOLE})).encode()
                raw = raw.replace(HOLE.encode(), junk)
                with self.subTest(endpoint=name, field=field, value=junk):
                    self.bad(path, raw=raw, operator=op)
            with self.subTest(endpoint=name, key=b"\xff"):
                self.bad(path, raw=b'{"\xff": "x"}', operator=op)

    def test_nul_in_strings(self):
        for name, path, op, body, _ in self.each_endpoint():
            for field in body:
                v = body[field][:4] + "\u0000" + body[field][4:]
                with self.subTest(endpoint=name, field=field):
                    self.bad(path, dict(body, **{field: v}), operator=op)

    def test_deep_nesting(self):
        for name, path, op, body, _ in self.each_endpoint():
            field = next(iter(body))
            inner = ("[" * 100 + "]" * 100).encode()
            raw = json.dumps(dict(body, **{field: HOLE})).encode()
            for what, doc in (("objects", deep(100)),
                              ("arrays", b"[" * 100 + b"]" * 100),
                              ("in a field", raw.replace(HOLE_JSON, inner))):
                with self.subTest(endpoint=name, nesting=what):
                    self.bad(path, raw=doc, operator=op)

    def test_duplicate_keys(self):
        for name, path, op, body, _ in self.each_endpoint():
            field = next(iter(body))
            raw = json.dumps(body).encode()
            raw = raw[:-1] + (', "%s": "again"}' % field).encode()
            with self.subTest(endpoint=name, field=field):
                self.bad(path, raw=raw, operator=op)

    def test_oversized_bodies_get_413(self):
        # Unauthenticated: 8 KiB is taken in, one byte more is not.
        base = b'{"username": "eng1"}'
        at = base[:-1] + b" " * (8192 - len(base)) + b"}"
        self.assertEqual(len(at), 8192)
        self.bad("/v1/auth/login", raw=at, operator=False, field="device")
        self.bad("/v1/auth/login", raw=at[:-1] + b" }", operator=False,
                 status=413)
        for path in ("/v1/auth/login", "/v1/auth/verify",
                     "/v1/password-reset"):
            with self.subTest(path=path):
                self.bad(path, {"username": "x" * 9000}, operator=False,
                         status=413)
        # Authenticated: 64 KiB.
        base = b'{"id": "bi-v"}'
        at = base[:-1] + b" " * (65536 - len(base)) + b"}"
        self.bad("/v1/vendors", raw=at, field="name")
        self.bad("/v1/vendors", raw=at[:-1] + b" }", status=413)
        for name, path, op, body, _ in self.each_endpoint():
            if not op:
                continue
            big = dict(body, **{next(iter(body)): "x" * 70000})
            with self.subTest(endpoint=name):
                self.bad(path, big, status=413)

    def test_malformed_ids_in_paths(self):
        user = {"username": "x", "email": "x@y.example"}
        dev = {"name": "d", "public_key": base64.b64encode(
            bytes(32)).decode()}
        long_id = "a" * 70
        for bad_id in ("a%20b", "%C3%A9", "a;b", "a%22b", long_id):
            cases = (
                ("GET", "/v1/tenants/%s/users" % bad_id, None,
                 self.engineer, "first"),
                ("POST", "/v1/tenants/%s/users" % bad_id, user,
                 self.d.operator, "first"),
                ("POST", "/v1/tenants/%s/tickets" % bad_id,
                 ENDPOINTS["ticket"][2], self.d.operator, "first"),
                ("POST", "/v1/engineers/%s/devices" % bad_id, dev,
                 self.d.operator, "first"),
                ("GET", "/v1/tenants/auto/tickets/%s" % bad_id, None,
                 self.engineer, "second"),
                ("POST", "/v1/tenants/auto/users/%s/password-reset"
                 % bad_id, None, self.engineer, "second"),
                ("DELETE", "/v1/tenants/auto/users/%s" % bad_id, None,
                 self.d.operator, "second"),
            )
            for method, path, body, token, which in cases:
                with self.subTest(method=method, path=path):
                    raw = json.dumps(body).encode() if body else b""
                    msg = self.bad(path, raw=raw, method=method,
                                   token=token)
                    self.assertIn("%s id in the path" % which, msg)

    def test_bad_log_query_parameters(self):
        for param in ("start", "end"):
            for v in ("-1", "abc", "99999999999999999999", "", "1.5",
                      "0x10", "%2B1", "1e3"):
                with self.subTest(param=param, value=v):
                    self.bad("/v1/log/entries?%s=%s" % (param, v),
                             method="GET", raw=b"", field=param,
                             recorded=False)
        self.bad("/v1/log/entries?start=5&end=2", method="GET", raw=b"",
                 field="end", recorded=False)

    def test_log_filters_of_invalid_utf8_are_a_400_not_the_databases_500(self):
        # PostgreSQL refuses a text parameter that is not UTF-8 (and its
        # error text must not reach the caller); SQLite matched nothing.
        for param in ("tenant", "actor", "action"):
            for v in ("%FF", "%C3%28", "a%01b"):
                with self.subTest(param=param, value=v):
                    self.bad("/v1/log/entries?%s=%s" % (param, v),
                             method="GET", raw=b"", field=param,
                             recorded=False)

    def test_z_after_the_sweep_nothing_exists_and_logins_work(self):
        # Run last (by name): the objects every bad body described were
        # never made, so the valid bodies make them now; and no refused
        # parse counted as a failed login.
        self.writes_expected = True
        # The next TOTP step: setUpClass used this one.
        r = self.w.engineer_login(at=time.time() + 30)
        self.assertEqual(r.status, 200, r)
        for name in ("vendor", "engineer", "tenant", "user", "ticket"):
            path, _, body, _ = ENDPOINTS[name]
            with self.subTest(endpoint=name):
                r = self.d.op("POST", path, body)
                self.assertEqual(r.status, 201, r)
                self.assertEqual(r.body["id"], body["id"])
        ids = {u["id"] for u in self.users_before}
        self.assertEqual({u["id"] for u in self.user_list()},
                         ids | {"bi-u"})


if __name__ == "__main__":
    unittest.main()
