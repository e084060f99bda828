# SPDX-License-Identifier: ISC
"""A passkey ends with what ends the person's access: an MFA reset, the
account's deletion, a re-enrolment by invitation; and a console session's
token, lifted from the cookie, is no bearer (where it would be spared the
step-up)."""
import re
import unittest

import harness
from test_passkeys import PasskeyTest
from webauthn_soft import Authenticator

LINK_RE = re.compile(r"/#/invite/([A-Za-z0-9_-]+)")
PASSWORD = "lifecycle pass 12"


class PasskeyLifecycle(PasskeyTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ok = lambda r: r.status == 201 or harness._fail(r)
        ok(cls.d.op("POST", "/v1/tenants", {
            "id": "life", "name": "Tenant life",
            "support_policy": "approval_required"}))
        ok(cls.d.op("POST", "/v1/tenants/life/users", {
            "id": "life-admin", "username": "admin",
            "email": "admin@life.example", "password": "admin password 12",
            "role": "admin", "totp_secret": harness.TOTP_SECRET}))

    def user(self, uid, role="user"):
        r = self.d.op("POST", "/v1/tenants/life/users", {
            "id": uid, "username": uid, "email": uid + "@life.example",
            "password": PASSWORD, "role": role,
            "totp_secret": harness.TOTP_SECRET})
        self.assertEqual(r.status, 201, r)

    def login(self, uid):
        self.tick()
        r = self.d.call("POST", "/v1/tenants/life/auth/login", {
            "username": uid, "password": PASSWORD,
            "totp": harness.totp(at=self.now)})
        self.assertEqual(r.status, 200, r)
        return r.body["token"]

    def with_passkey(self, uid):
        tok = self.login(uid)
        auth = Authenticator()
        self.register(auth, tok)
        self.assertEqual(self.sign_in(auth).body["id"], uid)
        return auth, tok

    def test_an_mfa_reset_ends_the_users_passkeys(self):
        self.user("life-u1")
        auth, _ = self.with_passkey("life-u1")
        adm = self.admin("life")
        r = self.d.call("POST", "/v1/tenants/life/users/life-u1/mfa-reset",
                        {}, token=adm)
        self.assertEqual(r.status, 202, r)
        self.sign_in(auth, status=401)
        r = self.d.call("GET", "/v1/passkeys", token=self.login_after_reset(
            "life-u1"))
        self.assertEqual(r.body["passkeys"], [], r)

    def login_after_reset(self, uid):
        """After an MFA reset: enrol a new TOTP at the next login."""
        self.tick()
        r = self.d.call("POST", "/v1/tenants/life/auth/login", {
            "username": uid, "password": PASSWORD})
        self.assertIs(r.body.get("enrolment_required"), True, r)
        secret = re.search(r"secret=([A-Z2-7]+)", r.body["totp_uri"])[1]
        self.tick()
        r = self.d.call("POST", "/v1/tenants/life/auth/login", {
            "username": uid, "password": PASSWORD,
            "totp": harness.totp(secret, at=self.now)})
        self.assertEqual(r.status, 200, r)
        return r.body["token"]

    def test_a_deleted_users_passkey_does_not_sign_in_a_new_user_of_its_id(
            self):
        self.user("life-u2")
        auth, _ = self.with_passkey("life-u2")
        adm = self.admin("life")
        r = self.d.call("DELETE", "/v1/tenants/life/users/life-u2",
                        token=adm)
        self.assertEqual(r.status, 200, r)
        self.sign_in(auth, status=401)
        # Another person under the same id, an admin at that.
        self.user("life-u2", role="admin")
        self.sign_in(auth, status=401)

    def test_re_enrolment_by_invitation_ends_the_old_sessions(self):
        self.user("life-u3")
        old = self.login("life-u3")
        self.assertEqual(self.d.call("GET", "/v1/session",
                                     token=old).status, 200)
        seen = len(self.d.mails())
        r = self.d.op("POST", "/v1/invitations", {
            "kind": "tenant_user", "tenant": "life", "user": "life-u3"})
        self.assertEqual(r.status, 201, r)
        mails = self.d.mails()[seen:]
        (tok,) = [m for m in (LINK_RE.search(x.get_payload(
            decode=True).decode()) for x in mails) if m]
        auth = Authenticator()
        self.register(auth, None, body={"invitation": tok.group(1)})
        self.assertEqual(self.d.call("GET", "/v1/session",
                                     token=old).status, 401)
        self.assertEqual(self.sign_in(auth).body["id"], "life-u3")


class ConsoleSessionIsNoBearer(PasskeyTest):
    def test_a_console_sessions_token_is_refused_as_a_bearer(self):
        self.tick()
        r = self.d.call("POST", "/v1/tenants/plain/auth/login", {
            "username": "admin", "password": "admin password 12",
            "totp": harness.totp(at=self.now), "session": "cookie"})
        self.assertEqual(r.status, 200, r)
        sc = {k.lower(): v for k, v in r.headers.items()}["set-cookie"]
        token = re.match(r"custos_session=([^;]+);", sc).group(1)
        jar = {"Cookie": "custos_session=" + token}
        self.assertEqual(self.d.call("GET", "/v1/session",
                                     headers=jar).status, 200)
        start = self.d.log_size()
        r = self.d.call("GET", "/v1/session", token=token)
        self.assertEqual(r.status, 401, r)
        self.assertIn("console", r.body["error"]["message"])
        e = self.entry("session.view", start)
        self.assertEqual((e["outcome"], e["reason"]), ("denied",
                                                         "console_session"))
        # A bearer session of the same person is a bearer as before.
        self.assertEqual(self.d.call("GET", "/v1/session",
                                     token=self.admin("plain")).status, 200)


if __name__ == "__main__":
    unittest.main()
