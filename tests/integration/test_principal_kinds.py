# SPDX-License-Identifier: ISC
"""Principals of different kinds are never confused, even with equal ids
(issue 11, finding 3).

A tenant admin may create a user whose id is an engineer's ("eng1").  That
user is someone else: an MFA reset of it ends its own sessions, not the
engineer's; what it does in its tenant is not the engineer's activity, so a
scope of engineer eng1 (or of the engineer's vendor) does not list it;
and detection counts its failed logins apart from the engineer's.
"""
import unittest

from harness import TOTP_SECRET, Daemon, World, totp
from test_detect import DetectTest

T0 = 1700000000 - 1700000000 % 30 + 15
WINDOW = {"from": "2023-11-01T00:00:00Z", "to": "2023-12-01T00:00:00Z"}


class SameIdOtherKind(unittest.TestCase):
    def setUp(self):
        self.now = T0
        self.d = Daemon(clock=self.now)
        self.addCleanup(self.stop)
        self.w = World(self.d)

    def stop(self):
        self.assertEqual(self.d.stop(), 0, "custosd failed (sanitizer?)")

    def tick(self, seconds=30):
        self.now += seconds
        self.d.set_clock(self.now)

    def scope(self, **principals):
        r = self.d.op("POST", "/v1/scope", dict(WINDOW,
                                                principals=principals))
        self.assertEqual(r.status, 200, r)
        return {t["tenant"]: t for t in r.body["tenants"]}

    def test_a_tenant_user_called_like_an_engineer_is_someone_else(self):
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        engineer = r.body["token"]
        self.tick()
        admin = self.w.tenant_login("appr", at=self.now)
        # The admin makes a user (an admin too) with the engineer's id.
        r = self.d.call("POST", "/v1/tenants/appr/users", {
            "id": "eng1", "username": "lookalike",
            "email": "lookalike@appr.example",
            "password": "lookalike password 1", "role": "admin",
            "totp_secret": TOTP_SECRET}, token=admin)
        self.assertEqual(r.status, 201, r)
        self.tick()
        r = self.d.call("POST", "/v1/tenants/appr/auth/login", {
            "username": "lookalike", "password": "lookalike password 1",
            "totp": totp(at=self.now)})
        self.assertEqual(r.status, 200, r)
        lookalike = r.body["token"]
        # The lookalike acts in its tenant: a reset of another user.
        r = self.d.call("POST",
                        "/v1/tenants/appr/users/appr-user/password-reset",
                        {}, token=lookalike)
        self.assertEqual(r.status, 202, r)
        # The admin resets the lookalike's MFA: its sessions end ...
        r = self.d.call("POST", "/v1/tenants/appr/users/eng1/mfa-reset",
                        {}, token=admin)
        self.assertEqual(r.status, 202, r)
        r = self.d.call("GET", "/v1/tenants/appr/users", token=lookalike)
        self.assertEqual(r.status, 401, r)
        # ... and the engineer's session goes on.
        r = self.d.call("GET", "/v1/tenants/auto/tickets", token=engineer)
        self.assertEqual(r.status, 200, r)
        # Scope of engineer eng1: its own read of auto, nothing in appr.
        for principals in ({"engineers": ["eng1"]},
                           {"vendors": ["sitel"]}):
            tenants = self.scope(**principals)
            self.assertNotIn("appr", tenants, principals)
            self.assertEqual(tenants["auto"]["exposure"], "viewed",
                             principals)
            self.assertEqual(tenants["auto"]["actions"], {"ticket.list": 1},
                             principals)


class SameIdInDetection(DetectTest):
    def test_failed_logins_of_a_lookalike_count_apart(self):
        admin = self.w.tenant_login("appr", at=self.now)
        self.ok(self.d.call("POST", "/v1/tenants/appr/users", {
            "id": "eng1", "username": "lookalike",
            "email": "lookalike@appr.example",
            "password": "lookalike password 1", "role": "user"},
            token=admin))
        # Three failures each: five make the pattern, for one account.
        for k in range(3):
            self.tick(60)
            # With the device's signature: the password is tried and the
            # failure counts against the engineer's account.
            r = self.w.engineer_login(at=self.now,
                                      password="guess %d" % k)
            self.assertEqual(r.status, 401, r)
            r = self.d.call("POST", "/v1/tenants/appr/auth/login", {
                "username": "lookalike", "password": "guess %d" % k})
            self.assertEqual(r.status, 401, r)
            e = self.event(self.last_index("auth.login", tenant="appr"))
            self.assertEqual(e["actor"]["id"], "eng1", e)
        self.assertNoAlert("login_failures")


if __name__ == "__main__":
    unittest.main()
