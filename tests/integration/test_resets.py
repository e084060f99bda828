# SPDX-License-Identifier: ISC
"""Password and MFA resets by a support engineer, against the real daemon
on a test clock: the link goes to the user's mailbox (DIR/outbox/new) and
never to the engineer or the log; the token sets the password once and
expires; a tenant admin needs a second approval; an MFA reset forces a new
enrolment and ends the user's sessions; tenants that do not let support in
get nothing."""
import re
import unittest
import urllib.parse

from harness import TOTP_SECRET, Daemon, DaemonTest, totp

STEP = 30
T0 = 1700000000 - 1700000000 % STEP + STEP // 2    # mid-step
GAP = 34 * STEP     # a fresh TOTP step and no throttle left over
OLD_PW = "old password 123"
NEW_PW = "brand new password 1"
LINK_RE = re.compile(r"(\S+\?token=(\S+))")


class ResetTest(DaemonTest):
    clock = T0
    now = T0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = T0

    def setUp(self):
        self.tick(GAP)
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        self.eng = r.body["token"]

    def tick(self, seconds):
        type(self).now += seconds
        self.d.set_clock(self.now)

    def user(self, uid, tenant="auto", role="user"):
        """A fresh user (password OLD_PW, TOTP_SECRET) named uid."""
        r = self.d.op("POST", "/v1/tenants/%s/users" % tenant, {
            "id": uid, "username": uid, "email": uid + "@mail.example",
            "password": OLD_PW, "role": role, "totp_secret": TOTP_SECRET})
        self.assertEqual(r.status, 201, r)
        return uid

    def tenant_login(self, uid, password=OLD_PW, code=None, tenant="auto"):
        body = {"username": uid, "password": password}
        if code is not None:
            body["totp"] = code
        return self.d.call("POST", "/v1/tenants/%s/auth/login" % tenant,
                           body)

    def reset(self, uid, kind="password", tenant="auto"):
        return self.d.call(
            "POST", "/v1/tenants/%s/users/%s/%s-reset" % (tenant, uid, kind),
            token=self.eng)

    def complete(self, token, password=NEW_PW):
        return self.d.call("POST", "/v1/password-reset", {
            "token": token, "new_password": password})

    def entry(self, start, action):
        evs = [ev for _, ev, _ in self.d.entries(start)
               if ev["action"] == action]
        self.assertEqual(len(evs), 1, evs)
        return evs[0]

    def leaves(self, start=0):
        return b"".join(p for _, _, p in self.d.plain_entries(start))

    def assertEntry(self, ev, outcome, reason=None):
        self.assertEqual((ev["outcome"], ev["reason"]), (outcome, reason),
                         ev)

    def mailbox(self):
        """Message-IDs of the mail in DIR/outbox/new so far."""
        return {m["Message-ID"] for m in self.d.mails()}

    def new_mail(self, seen):
        """The mail that arrived since seen (a mailbox() result)."""
        return [m for m in self.d.mails() if m["Message-ID"] not in seen]

    def mail_to(self, mail, uid):
        self.assertEqual(mail["To"], uid + "@mail.example")
        return mail.get_payload(decode=True).decode()

    def reset_link(self, uid):
        """Starts a password reset of uid and returns the mailed token."""
        seen = self.mailbox()
        r = self.reset(uid)
        self.assertEqual(r.status, 202, r)
        mails = self.new_mail(seen)
        self.assertEqual(len(mails), 1)
        return LINK_RE.search(self.mail_to(mails[0], uid)).group(2)


class PasswordReset(ResetTest):
    def test_reset_link_is_mailed_to_the_user_and_never_shown(self):
        uid = self.user("pr-mail")
        seen = self.mailbox()
        m = self.d.log_size()
        r = self.reset(uid)
        self.assertEqual(r.status, 202, r)
        masked = r.body["delivered_to"]
        self.assertNotEqual(masked, uid + "@mail.example")
        self.assertNotIn(uid, masked)
        self.assertIn("@", masked)
        mails = self.new_mail(seen)
        self.assertEqual(len(mails), 1)
        body = self.mail_to(mails[0], uid)
        links = LINK_RE.findall(body)
        self.assertEqual(len(links), 1, body)
        link, token = links[0]
        self.assertTrue(link.endswith("?token=" + token), link)
        self.assertGreaterEqual(len(token), 40)
        self.assertNotIn(token, r.raw)
        ev = self.entry(m, "user.password_reset")
        self.assertEntry(ev, "allowed")
        self.assertEqual((ev["tenant"], ev["target"], ev["actor"]["id"]),
                         ("auto", uid, "eng1"))
        self.assertEqual(ev.get("detail", {}).get("delivered_to"), masked)
        self.assertNotIn(token.encode(), self.leaves())
        # Until the link is used the old password keeps working.
        self.assertEqual(self.tenant_login(uid, code=totp(at=self.now))
                         .status, 200)

    def test_reset_token_sets_the_new_password_once(self):
        uid = self.user("pr-once")
        token = self.reset_link(uid)
        m = self.d.log_size()
        r = self.complete(token)
        self.assertEqual(r.status, 200, r)
        ev = self.entry(m, "user.password_reset_complete")
        self.assertEntry(ev, "allowed")
        self.assertEqual((ev["tenant"], ev["target"]), ("auto", uid))
        self.assertNotIn(token.encode(), self.leaves(m))
        code = totp(at=self.now)
        old = self.tenant_login(uid, OLD_PW, code)
        self.assertEqual(old.status, 401, old)
        new = self.tenant_login(uid, NEW_PW, code)
        self.assertEqual(new.status, 200, new)
        self.assertIn("token", new.body)
        m = self.d.log_size()
        again = self.complete(token, "yet another password 9")
        self.assertEqual(again.status, 400, again)
        self.assertIn("'token'", again.body["error"]["message"])
        self.assertEqual(self.entry(m, "user.password_reset_complete")
                         ["outcome"], "denied")
        self.tick(STEP)
        self.assertEqual(self.tenant_login(uid, NEW_PW, totp(at=self.now))
                         .status, 200)

    def test_reset_token_expires_after_an_hour(self):
        uid = self.user("pr-late")
        token = self.reset_link(uid)
        self.tick(3601)
        m = self.d.log_size()
        r = self.complete(token)
        self.assertEqual(r.status, 400, r)
        self.assertIn("'token'", r.body["error"]["message"])
        self.assertEntry(self.entry(m, "user.password_reset_complete"),
                         "denied", "reset_token_expired")
        self.assertEqual(self.tenant_login(uid, OLD_PW, totp(at=self.now))
                         .status, 200)

    def test_short_new_password_is_refused_naming_new_password(self):
        uid = self.user("pr-short")
        token = self.reset_link(uid)
        r = self.complete(token, "short")
        self.assertEqual(r.status, 400, r)
        self.assertIn("new_password", r.body["error"]["message"])
        # The refusal did not spend the link.
        self.assertEqual(self.complete(token).status, 200)

    def test_reset_of_tenant_admin_needs_second_approval(self):
        uid = self.user("pr-admin", role="admin")
        seen = self.mailbox()
        for kind in ("password", "mfa"):
            m = self.d.log_size()
            r = self.reset(uid, kind)
            self.assertEqual(r.status, 403, (kind, r))
            self.assertEqual(r.body["error"]["code"],
                             "second_approval_required")
            ev = self.entry(m, "user.%s_reset" % kind)
            self.assertEntry(ev, "denied", "second_approval_required")
            self.assertEqual(ev["target"], uid)
        self.assertEqual(self.new_mail(seen), [])
        # Nothing changed: old password and old TOTP secret still work.
        r = self.tenant_login(uid, OLD_PW, totp(at=self.now))
        self.assertEqual(r.status, 200, r)
        self.assertIn("token", r.body)


class MfaReset(ResetTest):
    def test_mfa_reset_forces_new_enrolment_and_ends_sessions(self):
        uid = self.user("mfa-user")
        r = self.tenant_login(uid, code=totp(at=self.now))
        self.assertEqual(r.status, 200, r)
        session = r.body["token"]
        self.assertEqual(self.d.call("POST", "/v1/tenants/auto/tickets", {
            "subject": "s", "body": "b", "requester": uid},
            token=session).status, 201)
        seen = self.mailbox()
        m = self.d.log_size()
        r = self.reset(uid, "mfa")
        self.assertEqual(r.status, 202, r)
        ev = self.entry(m, "user.mfa_reset")
        self.assertEntry(ev, "allowed")
        self.assertEqual((ev["tenant"], ev["target"]), ("auto", uid))
        # The notice reaches the user.
        mails = self.new_mail(seen)
        self.assertEqual(len(mails), 1)
        body = self.mail_to(mails[0], uid)
        self.assertIn("reset", body)
        self.assertNotIn("token=", body)
        # The user's session is over.
        m = self.d.log_size()
        r = self.d.call("POST", "/v1/tenants/auto/tickets", {
            "subject": "s", "body": "b", "requester": uid}, token=session)
        self.assertEqual(r.status, 401, r)
        self.assertEntry(self.entry(m, "ticket.create"), "denied",
                         "bad_token")
        self.tick(STEP)
        # The old secret no longer opens the account.
        r = self.tenant_login(uid, code=totp(at=self.now))
        self.assertEqual(r.status, 401, r)
        self.assertNotIn("token", r.body)
        r = self.tenant_login(uid)
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.body.get("enrolment_required"), True, r)
        self.assertNotIn("token", r.body)
        query = urllib.parse.urlparse(r.body["totp_uri"]).query
        secret = urllib.parse.parse_qs(query)["secret"][0]
        self.assertNotEqual(secret.rstrip("="), TOTP_SECRET.rstrip("="))
        self.assertNotEqual(totp(secret, at=self.now), totp(at=self.now))
        # The same secret as a QR code for the console: an SVG drawing,
        # with no text of the secret in it.
        svg = r.body["totp_qr_svg"]
        self.assertTrue(svg.lstrip().startswith("<svg"), svg[:80])
        self.assertNotIn(secret, svg)
        r = self.tenant_login(uid, code=totp(at=self.now))
        self.assertEqual(r.status, 401, r)
        r = self.tenant_login(uid, code=totp(secret, at=self.now))
        self.assertEqual(r.status, 200, r)
        self.assertIn("token", r.body)


class PolicyRefusals(ResetTest):
    def test_resets_on_deny_and_approval_required_tenants_are_refused(self):
        seen = self.mailbox()
        for tenant, reason in (("deny", "tenant_policy_deny"),
                               ("appr", "no_approved_access")):
            for kind in ("password", "mfa"):
                m = self.d.log_size()
                r = self.reset(tenant + "-user", kind, tenant)
                self.assertEqual(r.status, 403, (tenant, kind, r))
                ev = self.entry(m, "user.%s_reset" % kind)
                self.assertEntry(ev, "denied", reason)
                self.assertEqual(ev["tenant"], tenant)
            self.assertEqual(self.new_mail(seen), [])
            # The user's password and second factor are untouched.
            r = self.tenant_login("user", "user password 12",
                                  totp(at=self.now), tenant)
            self.assertEqual(r.status, 200, (tenant, r))


class ResetPage(unittest.TestCase):
    def test_reset_link_opens_a_page_that_is_not_recorded(self):
        d = Daemon()
        try:
            size = d.log_size()
            r = d.call("GET", "/reset?token=crt_secretsecret")
            self.assertEqual(r.status, 200)
            ctype = {k.lower(): v for k, v in r.headers.items()}
            self.assertTrue(ctype["content-type"].startswith("text/html"))
            csp = ctype["content-security-policy"]
            self.assertIn("default-src 'none'", csp)
            self.assertIn("script-src 'self'", csp)
            self.assertNotIn("unsafe-inline", csp)
            self.assertNotIn("crt_secretsecret", r.raw)
            # The page runs only its own script file: no inline code.
            m = re.search(r'<script[^>]*src="([^"]+)"[^>]*></script>',
                          r.raw)
            self.assertIsNotNone(m, r.raw)
            self.assertNotRegex(r.raw, r"<script(?![^>]*src=)[^>]*>")
            js = d.call("GET", m.group(1))
            self.assertEqual(js.status, 200)
            self.assertIn("/v1/password-reset", js.raw)
            self.assertEqual(d.log_size(), size)
        finally:
            self.assertEqual(d.stop(), 0)


if __name__ == "__main__":
    unittest.main()
