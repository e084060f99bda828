# SPDX-License-Identifier: ISC
"""No secret leaks out of custos.

After a whole session of ordinary work -- an engineer's failed and good
logins, user and ticket reads, password and MFA resets, a refused admin
reset, a user completing the mailed reset and enrolling again, tenant
logins good and bad -- every body the engineer was sent, every log entry
(leaf bytes and event) and the daemon's own output are searched for every
secret that passed through: passwords (good and wrong), Argon2id hashes,
TOTP secrets (base32 in any case, and the raw secret as hex), reset tokens,
session tokens and the operator token.
"""
import base64
import json
import re
import unittest
import urllib.parse

from harness import TOTP_SECRET, Daemon, World, totp

SECRET2 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
NEW_PASSWORD = "brand new password 7"
U2_PASSWORD = "second user password 3"
ENG2_PASSWORD = "another engineer pw 9"
WRONG = ("wrong engineer password 1", "wrong admin password 2",
         "wrong user password 3")
TYPO_PASSWORD = "hurried pw 4567"  # short: jansson quotes tokens <= 20


def totp_forms(b32):
    """A TOTP secret as it could leak: base32 in either case, raw hex."""
    b32 = b32.rstrip("=").upper()
    raw = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    return [b32, b32.lower(), raw.hex(), raw.hex().upper()]


def uri_secret(uri):
    q = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
    return q["secret"][0]


class SecretSweep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        try:
            cls.w = World(cls.d)
            cls.seen = []       # (what, body text) the engineer was sent
            cls.secrets = {}    # label -> secret text
            cls._session()
        except BaseException:
            cls.d.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    @classmethod
    def eng(cls, method, path, body=None, token=None, mine=()):
        """A call made by the engineer; mine: secrets this body may hold
        (the engineer's own session token, in the verify answer)."""
        r = cls.d.call(method, path, body, token=token or cls.token)
        cls.seen.append(("%s %s -> %d" % (method, path, r.status), r.raw,
                         mine))
        return r

    @classmethod
    def _session(cls):
        d, w = cls.d, cls.w
        ok = lambda r, s: r.status == s or _fail(r)
        s = cls.secrets
        s["operator token"] = d.operator
        s["engineer password"] = w.eng_password
        for who in ("user", "admin"):
            s[who + " password"] = who + " password 12"
        s["new password"] = NEW_PASSWORD
        s["u2 password"] = U2_PASSWORD
        s["eng2 password"] = ENG2_PASSWORD
        for i, pw in enumerate(WRONG):
            s["wrong password %d" % i] = pw
        s["argon2id hash"] = "$argon2id$"
        s["typo password"] = TYPO_PASSWORD

        # The operator adds an engineer with a generated TOTP secret and
        # a user with a known one.
        r = d.op("POST", "/v1/engineers", {
            "id": "eng2", "username": "eng2", "vendor": "sitel",
            "password": ENG2_PASSWORD})
        ok(r, 201)
        secrets_b32 = {"world": TOTP_SECRET, "u2": SECRET2,
                       "eng2": uri_secret(r.body["totp_uri"])}
        ok(d.op("POST", "/v1/tenants/auto/users", {
            "id": "auto-u2", "username": "u2", "email": "u2@auto.example",
            "password": U2_PASSWORD, "role": "user",
            "totp_secret": SECRET2}), 201)

        # The engineer: a wrong password, then both login steps.
        cls.token = None
        r = cls.eng("POST", "/v1/auth/login", {
            "username": "eng1", "device": "dev1"})
        ok(r, 200)
        sig = w.key.sign(r.body["challenge"].encode()).signature
        r = d.call("POST", "/v1/auth/verify", {
            "login_id": r.body["login_id"], "password": WRONG[0],
            "totp": totp(),
            "device_signature": base64.b64encode(sig).decode()})
        ok(r, 401)
        # A login body with a typo (no colon): kept apart, see below.
        cls.typo = d.call("POST", "/v1/auth/login", raw=(
            '{"username": "eng1", "password" "%s", "device": "dev1"}'
            % TYPO_PASSWORD).encode())
        ok(cls.typo, 400)
        r = cls.eng("POST", "/v1/auth/login", {
            "username": "eng1", "device": "dev1"})
        ok(r, 200)
        sig = w.key.sign(r.body["challenge"].encode()).signature
        verify = {"login_id": r.body["login_id"],
                  "password": w.eng_password, "totp": totp(),
                  "device_signature": base64.b64encode(sig).decode()}
        r = d.call("POST", "/v1/auth/verify", verify)
        ok(r, 200)
        cls.token = r.body["token"]
        s["engineer session token"] = cls.token
        cls.seen.append(("POST /v1/auth/verify -> 200", r.raw,
                         ("engineer session token",)))

        # Support work.
        ok(cls.eng("GET", "/v1/tenants/auto/users"), 200)
        ok(cls.eng("GET", "/v1/tenants/auto/tickets"), 200)
        ok(cls.eng("GET", "/v1/tenants/auto/tickets/auto-t1"), 200)
        ok(cls.eng("GET", "/v1/tenants/auto/export"), 403)
        ok(cls.eng("POST", "/v1/tenants/auto/users/auto-admin/"
                   "password-reset"), 403)
        ok(cls.eng("POST", "/v1/tenants/auto/users/auto-user/"
                   "password-reset"), 202)
        ok(cls.eng("POST", "/v1/tenants/auto/users/auto-u2/mfa-reset"), 202)

        # The user follows the mailed link.
        links = [m.get_payload() for m in d.mails()
                 if m["To"] == "user@auto.example"]
        assert len(links) == 1, links
        reset = re.search(r"[?&]token=([^\s&]+)", links[0]).group(1)
        s["reset token"] = reset
        ok(d.call("POST", "/v1/password-reset", {
            "token": reset, "new_password": NEW_PASSWORD}), 200)

        # Tenant logins: the new password, a wrong one, MFA enrolment.
        r = d.call("POST", "/v1/tenants/auto/auth/login", {
            "username": "user", "password": NEW_PASSWORD, "totp": totp()})
        ok(r, 200)
        s["user session token"] = r.body["token"]
        ok(d.call("POST", "/v1/tenants/auto/auth/login", {
            "username": "admin", "password": WRONG[1], "totp": totp()}),
            401)
        ok(d.call("POST", "/v1/tenants/auto/auth/login", {
            "username": "user", "password": WRONG[2]}), 401)
        r = d.call("POST", "/v1/tenants/auto/auth/login", {
            "username": "u2", "password": U2_PASSWORD})
        ok(r, 200)
        assert r.body.get("enrolment_required") is True, r
        secrets_b32["u2 enrolled"] = uri_secret(r.body["totp_uri"])
        r = d.call("POST", "/v1/tenants/auto/auth/login", {
            "username": "u2", "password": U2_PASSWORD,
            "totp": totp(secrets_b32["u2 enrolled"])})
        ok(r, 200)
        s["u2 session token"] = r.body["token"]

        ok(cls.eng("GET", "/v1/tenants/auto/users"), 200)
        ok(cls.eng("POST", "/v1/auth/logout"), 200)

        for name, b32 in secrets_b32.items():
            for i, form in enumerate(totp_forms(b32)):
                s["totp secret %s (form %d)" % (name, i)] = form

    def leaks(self, text, allowed=()):
        return sorted(label for label, secret in self.secrets.items()
                      if label not in allowed and secret in text)

    def test_the_session_did_the_work_it_claims(self):
        actions = {(ev["action"], ev["outcome"], ev["reason"])
                   for _, ev, _ in self.d.entries()}
        for want in (("auth.verify", "denied", "bad_credentials"),
                     ("auth.verify", "allowed", None),
                     ("user.list", "allowed", None),
                     ("ticket.view", "allowed", None),
                     ("user.password_reset", "allowed", None),
                     ("user.password_reset", "denied",
                      "second_approval_required"),
                     ("user.mfa_reset", "allowed", None),
                     ("user.password_reset_complete", "allowed", None),
                     ("auth.logout", "allowed", None)):
            self.assertIn(want, actions)

    def test_the_search_finds_secrets_where_they_belong(self):
        # The sweep would find a leak: each secret is where it is meant
        # to be, and the search sees it there.
        self.assertEqual(self.leaks(self.seen[2][1]),
                         ["engineer session token"])
        mail = "".join(m.as_string() for m in self.d.mails())
        self.assertIn("reset token", self.leaks(mail))

    def test_engineer_was_sent_no_secret(self):
        self.assertGreaterEqual(len(self.seen), 10)
        for what, body, mine in self.seen:
            with self.subTest(call=what):
                self.assertEqual(self.leaks(body, mine), [], body)

    def test_malformed_login_body_is_not_quoted_back(self):
        # An error answer is printed by clients (the CLI, scripts, CI
        # logs): it must not quote the password the caller sent.
        self.assertEqual(self.leaks(self.typo.raw), [], self.typo.raw)

    def test_log_entries_hold_no_secret(self):
        entries = self.d.plain_entries()
        self.assertGreater(len(entries), 20)
        for index, event, leaf in entries:
            with self.subTest(index=index):
                self.assertEqual(self.leaks(leaf.decode()), [], leaf)
                self.assertEqual(self.leaks(json.dumps(event)), [], event)

    def test_daemon_output_holds_no_secret(self):
        self.assertEqual(self.leaks(self.d.read_log()), [])


def _fail(r):
    raise AssertionError("unexpected answer: %r" % (r,))


if __name__ == "__main__":
    unittest.main()
