# SPDX-License-Identifier: ISC
"""Logins against the real daemon: engineer TOTP (codes from oathtool),
device signatures over the exact challenge, single-use and expiring login
ids, throttling of accounts and addresses, and tenant logins with MFA
enrolment.  Every test that can also checks its log entry.

All classes run custosd on a test clock.  setUp moves it on by more than
the throttle window and the lock time, to a fresh TOTP step, so no test
inherits another's counters or spent codes."""
import base64
import unittest
import urllib.parse

import nacl.signing

from harness import TOTP_SECRET, DaemonTest, totp

STEP = 30
T0 = 1700000000 - 1700000000 % STEP + STEP // 2    # mid-step
GAP = 34 * STEP     # > throttle window (900 s) and lock (900 s)
PW = "engineer password 2"


class ClockTest(DaemonTest):
    clock = T0
    now = T0
    quiet = False       # the precise reasons are in custosd's own log

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = T0

    def setUp(self):
        self.tick(GAP)

    def tick(self, seconds):
        type(self).now += seconds
        self.d.set_clock(self.now)

    def engineer(self, name):
        """A fresh engineer of vendor sitel with its own device (id
        NAME-dev); returns the device's signing key."""
        key = nacl.signing.SigningKey.generate()
        r = self.d.op("POST", "/v1/engineers", {
            "id": name, "username": name, "vendor": "sitel",
            "password": PW, "totp_secret": TOTP_SECRET})
        self.assertEqual(r.status, 201, r)
        r = self.d.op("POST", "/v1/engineers/%s/devices" % name, {
            "id": name + "-dev", "name": "laptop",
            "public_key": base64.b64encode(bytes(key.verify_key)).decode()})
        self.assertEqual(r.status, 201, r)
        return key

    def login(self, name, password=PW, device=None):
        """Step one (username and device); the password is kept for
        verify, which takes it after the device signed."""
        r = self.d.call("POST", "/v1/auth/login", {
            "username": name, "device": device or name + "-dev"})
        r.password = password
        return r

    def verify(self, login, key, code=None, message=None):
        """Second step: code defaults to oathtool's for the test clock;
        the signature is over message (default: the challenge)."""
        msg = login.body["challenge"] if message is None else message
        sig = key.sign(msg.encode()).signature
        return self.d.call("POST", "/v1/auth/verify", {
            "login_id": login.body["login_id"],
            "password": getattr(login, "password", PW),
            "totp": code or totp(at=self.now),
            "device_signature": base64.b64encode(sig).decode()})

    def full_login(self, name, key, code=None):
        r = self.login(name)
        self.assertEqual(r.status, 200, r)
        return self.verify(r, key, code)

    def attempt(self, name, password, key=None, device=None, code=None):
        """Both steps with password; signed by key (default: a stranger's
        key, i.e. without the device).  Step one's answer when it is
        refused, else verify's."""
        r = self.login(name, password=password, device=device)
        if r.status != 200:
            return r
        return self.verify(r, key or nacl.signing.SigningKey.generate(),
                           code)

    def mark(self):
        self.log_at = len(self.d.read_log())
        return self.d.log_size()

    def assertRefused(self, ev, precise):
        """Denied with the uniform reason in the entry; the precise one
        only in custosd's log (the operator's), since mark()."""
        self.assertDenied(ev, "bad_credentials")
        log = self.d.read_log()[self.log_at:]
        self.assertIn(": %s (" % precise, log)

    def entries(self, start, action=None):
        return [ev for _, ev, _ in self.d.entries(start)
                if action is None or ev["action"] == action]

    def entry(self, start, action):
        """The one entry with this action since start."""
        evs = self.entries(start, action)
        self.assertEqual(len(evs), 1, evs)
        return evs[0]

    def assertDenied(self, ev, reason):
        self.assertEqual((ev["outcome"], ev["reason"]), ("denied", reason),
                         ev)

    def assertAllowed(self, ev):
        self.assertEqual(ev["outcome"], "allowed", ev)


def header(r, name):
    for k, v in r.headers.items():
        if k.lower() == name.lower():
            return v
    return None


class TotpCodes(ClockTest):
    def test_oathtool_code_is_accepted_once_then_refused_as_totp_reused(self):
        key = self.engineer("totp-once")
        r = self.full_login("totp-once", key)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body["token"].startswith("cse_"), r)
        # Same 30 s step, same code, a fresh login id: a replay.
        self.tick(5)
        m = self.mark()
        r = self.full_login("totp-once", key)
        self.assertEqual(r.status, 401, r)
        ev = self.entry(m, "auth.verify")
        self.assertEqual(ev["actor"]["id"], "totp-once")
        self.assertRefused(ev, "totp_reused")

    def test_codes_one_step_behind_or_ahead_are_accepted(self):
        for name, off in (("totp-behind", -STEP), ("totp-ahead", STEP)):
            key = self.engineer(name)
            m = self.mark()
            r = self.full_login(name, key, code=totp(at=self.now + off))
            self.assertEqual(r.status, 200, (name, r))
            self.assertAllowed(self.entry(m, "auth.verify"))

    def test_codes_two_steps_behind_or_ahead_are_refused(self):
        codes = {totp(at=self.now + k * STEP) for k in (-2, -1, 0, 1, 2)}
        self.assertEqual(len(codes), 5, "pick another T0: codes collide")
        key = self.engineer("totp-far")
        for off in (-2 * STEP, 2 * STEP):
            m = self.mark()
            r = self.full_login("totp-far", key, code=totp(at=self.now + off))
            self.assertEqual(r.status, 401, (off, r))
            self.assertRefused(self.entry(m, "auth.verify"), "bad_totp")
        # The account itself is fine: the current code still works.
        self.assertEqual(self.full_login("totp-far", key).status, 200)


class DeviceProof(ClockTest):
    def test_challenge_is_domain_separated_and_signed_by_the_device(self):
        key = self.engineer("dev-ok")
        r = self.login("dev-ok")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body["challenge"].startswith("custos-login-v1:"),
                        r)
        self.assertIn("totp", r.body["factors"])
        m = self.mark()
        v = self.verify(r, key)
        self.assertEqual(v.status, 200, v)
        ev = self.entry(m, "auth.verify")
        self.assertAllowed(ev)
        self.assertEqual(ev["device"], "dev-ok-dev")

    def test_signature_by_another_key_is_refused(self):
        self.engineer("dev-other")
        stranger = nacl.signing.SigningKey.generate()
        r = self.login("dev-other")
        self.assertEqual(r.status, 200, r)
        m = self.mark()
        v = self.verify(r, stranger)
        self.assertEqual(v.status, 401, v)
        self.assertNotIn("token", v.body or {})
        self.assertRefused(self.entry(m, "auth.verify"),
                           "bad_device_signature")

    def test_signature_over_a_modified_challenge_is_refused(self):
        key = self.engineer("dev-mod")
        for change in (lambda c: c + "x", lambda c: c[:-1],
                       lambda c: c.replace("custos-login-v1:", "")):
            r = self.login("dev-mod")
            self.assertEqual(r.status, 200, r)
            m = self.mark()
            v = self.verify(r, key, message=change(r.body["challenge"]))
            self.assertEqual(v.status, 401, v)
            self.assertRefused(self.entry(m, "auth.verify"),
                               "bad_device_signature")
            # Bad signatures count against the address only.
            self.tick(STEP)
            self.assertEqual(self.full_login("dev-mod", key).status, 200)
            self.tick(STEP)

    def test_unregistered_device_gets_a_decoy_that_fails_at_verify(self):
        self.engineer("dev-unreg")
        owner = self.engineer("dev-owner")
        for device in ("no-such-device", "dev-owner-dev"):
            m = self.mark()
            r = self.login("dev-unreg", device=device)
            # Step one tells nothing: a challenge like any other.
            self.assertEqual(r.status, 200, (device, r))
            self.assertTrue(r.body["challenge"].startswith(
                "custos-login-v1:" + r.body["login_id"]), r)
            ev = self.entry(m, "auth.login")
            self.assertAllowed(ev)
            self.assertEqual(ev["target"], "dev-unreg")
            self.assertIn("a decoy challenge (unregistered_device",
                          self.d.read_log()[self.log_at:])
            # Even the owner's key gets nowhere with it.
            m = self.mark()
            v = self.verify(r, owner)
            self.assertEqual(v.status, 401, v)
            self.assertRefused(self.entry(m, "auth.verify"),
                               "unknown_login")

    def test_wrong_password_and_unknown_user_get_the_same_answer(self):
        key = self.engineer("pw-known")
        m = self.mark()
        bad = self.attempt("pw-known", "not the password", key=key)
        self.assertRefused(self.entry(m, "auth.verify"), "bad_password")
        m = self.mark()
        unknown = self.attempt("pw-nobody", "not the password", key=key,
                               device="pw-known-dev")
        self.assertRefused(self.entry(m, "auth.verify"), "unknown_login")
        self.assertEqual(bad.status, 401, bad)
        self.assertEqual((unknown.status, unknown.body),
                         (bad.status, bad.body))


class LoginIds(ClockTest):
    def test_login_id_cannot_be_reused_after_success(self):
        key = self.engineer("lid-ok")
        r = self.login("lid-ok")
        self.assertEqual(self.verify(r, key).status, 200)
        self.tick(STEP)     # a fresh code: only the login id is stale
        m = self.mark()
        v = self.verify(r, key)
        self.assertEqual(v.status, 401, v)
        ev = self.entry(m, "auth.verify")
        self.assertEqual(ev["outcome"], "denied", ev)
        self.assertIn(ev["reason"], ("bad_credentials", "login_used"), ev)

    def test_login_id_is_spent_by_a_failed_verify(self):
        key = self.engineer("lid-fail")
        r = self.login("lid-fail")
        good = totp(at=self.now)
        wrong = "%06d" % ((int(good) + 1) % 1000000)
        m = self.mark()
        self.assertEqual(self.verify(r, key, code=wrong).status, 401)
        self.assertRefused(self.entry(m, "auth.verify"), "bad_totp")
        m = self.mark()
        v = self.verify(r, key, code=good)
        self.assertEqual(v.status, 401, v)
        self.assertNotIn("token", v.body or {})
        ev = self.entry(m, "auth.verify")
        self.assertEqual(ev["outcome"], "denied", ev)
        self.assertIn(ev["reason"], ("bad_credentials", "login_used"), ev)

    def test_login_id_expires_after_120_seconds(self):
        key = self.engineer("lid-ttl")
        fresh = self.login("lid-ttl")
        self.tick(119)
        self.assertEqual(self.verify(fresh, key).status, 200)
        self.tick(STEP)
        stale = self.login("lid-ttl")
        self.assertEqual(stale.status, 200, stale)
        self.tick(121)
        m = self.mark()
        v = self.verify(stale, key)
        self.assertEqual(v.status, 401, v)
        self.assertDenied(self.entry(m, "auth.verify"), "login_expired")


class AccountThrottle(ClockTest):
    def test_three_failed_passwords_bring_429_with_retry_after(self):
        key = self.engineer("thr-three")
        for _ in range(3):
            self.assertEqual(self.attempt("thr-three", "wrong password",
                                          key=key).status, 401)
        m = self.mark()
        r = self.attempt("thr-three", PW, key=key)  # even the right one waits
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.body["error"]["code"], "rate_limited")
        self.assertGreater(int(header(r, "Retry-After")), 0)
        self.assertDenied(self.entry(m, "auth.verify"), "rate_limited")
        self.tick(int(header(r, "Retry-After")))
        self.assertEqual(self.full_login("thr-three", key).status, 200)

    def test_ten_failures_lock_the_account_for_15_minutes(self):
        key = self.engineer("thr-lock")
        delays = []
        for n in range(1, 11):
            r = self.attempt("thr-lock", "wrong password", key=key)
            self.assertEqual(r.status, 401, (n, r))
            if n == 10:
                break
            if n >= 3:
                r = self.attempt("thr-lock", "wrong password", key=key)
                self.assertEqual(r.status, 429, (n, r))
                delays.append(int(header(r, "Retry-After")))
                self.tick(delays[-1])
        self.assertEqual(delays, sorted(delays), delays)
        self.assertGreater(delays[-1], delays[0])
        m = self.mark()
        r = self.attempt("thr-lock", PW, key=key)   # locked account
        self.assertEqual(r.status, 423, r)
        self.assertEqual(r.body["error"]["code"], "locked")
        retry = int(header(r, "Retry-After"))
        self.assertGreaterEqual(retry, 15 * 60 - 1)
        self.assertDenied(self.entry(m, "auth.verify"), "locked")
        self.tick(retry - 1)
        self.assertEqual(self.attempt("thr-lock", PW, key=key).status, 423)
        self.tick(1)
        m = self.mark()
        self.assertEqual(self.full_login("thr-lock", key).status, 200)
        self.assertAllowed(self.entry(m, "auth.verify"))

    def test_failures_without_the_device_never_lock_the_account(self):
        key = self.engineer("thr-stranger")
        for n in range(20):
            r = self.attempt("thr-stranger", "wrong password %d" % n)
            self.assertIn(r.status, (401, 429), (n, r))
            if r.status == 429:
                self.tick(int(header(r, "Retry-After")))
        self.tick(STEP)
        self.assertEqual(self.full_login("thr-stranger", key).status, 200)


class AddressThrottle(ClockTest):
    def test_twenty_failures_from_one_address_hold_back_every_account(self):
        key = self.engineer("ip-victim")
        for n in range(19):
            r = self.attempt("ip-nobody-%d" % n, "wrong password", key=key,
                             device="ip-victim-dev")
            self.assertEqual(r.status, 401, (n, r))
        # 19 failures: a valid account still gets in.
        self.assertEqual(self.login("ip-victim").status, 200)
        self.assertEqual(self.attempt("ip-nobody-19", "wrong password",
                                      key=key, device="ip-victim-dev").status,
                         401)
        m = self.mark()
        r = self.login("ip-victim")
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.body["error"]["code"], "rate_limited")
        self.assertGreater(int(header(r, "Retry-After")), 0)
        ev = self.entry(m, "auth.login")
        self.assertDenied(ev, "rate_limited")
        self.assertEqual(ev["source"], "127.0.0.1")
        self.tick(int(header(r, "Retry-After")))
        self.assertEqual(self.full_login("ip-victim", key).status, 200)


class TenantLogin(ClockTest):
    def tenant_login(self, tenant, username, password, code=None):
        body = {"username": username, "password": password}
        if code is not None:
            body["totp"] = code
        return self.d.call("POST", "/v1/tenants/%s/auth/login" % tenant,
                           body)

    def test_tenant_admin_logs_in_with_password_and_totp(self):
        m = self.mark()
        r = self.tenant_login("auto", "admin", "admin password 12",
                              totp(at=self.now))
        self.assertEqual(r.status, 200, r)
        self.assertRegex(r.body["token"], r"^cse_")
        ev = self.entry(m, "auth.login")
        self.assertAllowed(ev)
        self.assertEqual((ev["tenant"], ev["actor"]["kind"]),
                         ("auto", "tenant_admin"))
        users = self.d.call("GET", "/v1/tenants/auto/users",
                            token=r.body["token"])
        self.assertEqual(users.status, 200, users)

    def test_tenant_login_without_totp_answers_like_a_wrong_password(self):
        m = self.mark()
        r = self.tenant_login("auto", "user", "user password 12")
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.body["error"]["message"], "invalid credentials")
        self.assertNotIn("token", r.body)
        self.assertRefused(self.entry(m, "auth.login"), "totp_required")

    def test_login_to_wrong_tenant_is_refused_without_leaking(self):
        good = ("user", "user password 12", totp(at=self.now))
        bad_pw = self.tenant_login("auto", "user", "not the password 1",
                                   good[2])
        self.assertEqual(bad_pw.status, 401, bad_pw)
        m = self.mark()
        r = self.tenant_login("no-such-tenant", *good)
        self.assertIn(r.status, (401, 404), r)
        self.assertNotIn("token", r.body or {})
        # Same answer as a wrong password: no tenant enumeration.
        self.assertEqual((r.status, r.body), (bad_pw.status, bad_pw.body))
        self.assertNotIn("no-such-tenant", r.raw)
        self.assertRefused(self.entry(m, "auth.login"), "unknown_user")

    def test_user_without_totp_secret_enrols_with_code_from_totp_uri(self):
        r = self.d.op("POST", "/v1/tenants/auto/users", {
            "id": "auto-newbie", "username": "newbie",
            "email": "newbie@auto.example", "password": "newbie password 1",
            "role": "user"})
        self.assertEqual(r.status, 201, r)
        admin = self.tenant_login("auto", "admin", "admin password 12",
                                  totp(at=self.now)).body["token"]

        def enrolled():
            r = self.d.call("GET", "/v1/tenants/auto/users", token=admin)
            self.assertEqual(r.status, 200, r)
            return {u["id"]: u["mfa_enrolled"]
                    for u in r.body["users"]}["auto-newbie"]

        self.assertIs(enrolled(), False)
        m = self.mark()
        r = self.tenant_login("auto", "newbie", "newbie password 1")
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.body.get("enrolment_required"), True, r)
        self.assertNotIn("token", r.body)
        self.assertAllowed(self.entry(m, "auth.login"))
        uri = urllib.parse.urlparse(r.body["totp_uri"])
        self.assertEqual((uri.scheme, uri.netloc), ("otpauth", "totp"))
        secret = urllib.parse.parse_qs(uri.query)["secret"][0]
        self.assertRegex(secret, r"^[A-Z2-7]{16,}$")
        self.assertNotEqual(secret, TOTP_SECRET)
        leaves = b"".join(p for _, _, p in self.d.plain_entries(m))
        self.assertNotIn(secret.encode(), leaves)
        self.assertIs(enrolled(), False)
        self.tick(STEP)
        m = self.mark()
        r = self.tenant_login("auto", "newbie", "newbie password 1",
                              totp(secret, at=self.now))
        self.assertEqual(r.status, 200, r)
        self.assertRegex(r.body["token"], r"^cse_")
        self.assertAllowed(self.entry(m, "auth.login"))
        self.assertIs(enrolled(), True)


if __name__ == "__main__":
    unittest.main()
