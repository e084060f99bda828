# SPDX-License-Identifier: ISC
"""Sessions against the real daemon on a test clock: what a token looks
like and what the log names instead of it, the idle timeout (30 min), the
absolute lifetime (8 h), logout, and the operator token."""
import os
import re
import stat
import unittest

from harness import DaemonTest, fresh_source

STEP = 30
T0 = 1700000000 - 1700000000 % STEP + STEP // 2    # mid-step
GAP = 34 * STEP     # a fresh TOTP step and no throttle left over
MIN = 60
TOKEN_RE = re.compile(r"^cse_[a-z2-7]{52,}$", re.I)


class SessionTest(DaemonTest):
    clock = T0
    now = T0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = T0

    def setUp(self):
        self.tick(GAP)

    def tick(self, seconds):
        type(self).now += seconds
        self.d.set_clock(self.now)

    def login(self):
        """eng1's full login at the test clock; the verify Response."""
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        return r

    def work(self, token):
        """One ordinary authenticated request (a ticket list)."""
        return self.d.call("GET", "/v1/tenants/auto/tickets", token=token)

    def entry(self, start, action):
        evs = [ev for _, ev, _ in self.d.entries(start)
               if ev["action"] == action]
        self.assertEqual(len(evs), 1, evs)
        return evs[0]

    def assertEnded(self, token, reason):
        m = self.d.log_size()
        r = self.work(token)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.body["error"]["code"], "unauthorized")
        ev = self.entry(m, "ticket.list")
        self.assertEqual((ev["outcome"], ev["reason"]), ("denied", reason),
                         ev)
        return ev


class Sessions(SessionTest):
    def test_tokens_are_256_bit_random_and_differ_per_login(self):
        first = self.login().body["token"]
        self.tick(STEP)
        second = self.login().body["token"]
        for t in (first, second):
            self.assertRegex(t, TOKEN_RE)
        self.assertNotEqual(first, second)
        self.assertNotEqual(first[4:], second[4:])
        self.assertEqual(self.work(first).status, 200)
        self.assertEqual(self.work(second).status, 200)

    def test_log_names_the_session_id_never_the_token(self):
        m = self.d.log_size()
        r = self.login()
        token = r.body["token"]
        self.assertEqual(self.work(token).status, 200)
        verify = self.entry(m, "auth.verify")
        used = self.entry(m, "ticket.list")
        self.assertTrue(verify["session"], verify)
        self.assertEqual(used["session"], verify["session"])
        self.assertEqual(r.body.get("session", verify["session"]),
                         verify["session"])
        self.assertNotEqual(verify["session"], token)
        self.assertNotIn(verify["session"], token)
        self.assertNotIn(token[4:], verify["session"])
        leaves = b"".join(p for _, _, p in self.d.plain_entries(0))
        self.assertNotIn(token[4:].encode(), leaves)

    def test_session_survives_29_idle_minutes_but_not_31(self):
        token = self.login().body["token"]
        self.tick(29 * MIN)
        self.assertEqual(self.work(token).status, 200)
        # 58 min after login: idleness counts from the last request.
        self.tick(29 * MIN)
        self.assertEqual(self.work(token).status, 200)
        self.tick(31 * MIN)
        ev = self.assertEnded(token, "session_idle")
        self.assertEqual(ev["actor"]["id"], "eng1")
        # and it does not come back: it ended in the store (as at a
        # logout), so a longer session-idle set later cannot revive it
        self.tick(MIN)
        self.assertEnded(token, "bad_token")

    def test_active_session_ends_8_hours_after_login(self):
        token = self.login().body["token"]
        for n in range(1, 24):      # every 20 min up to 7 h 40
            self.tick(20 * MIN)
            r = self.work(token)
            self.assertEqual(r.status, 200, (n, r))
        self.tick(20 * MIN + MIN)   # 8 h 01, 21 min after the last one
        self.assertEnded(token, "session_expired")

    def test_logout_ends_the_session_and_only_that_one(self):
        token = self.login().body["token"]
        self.tick(STEP)
        other = self.login().body["token"]
        m = self.d.log_size()
        r = self.d.call("POST", "/v1/auth/logout", token=token)
        self.assertEqual(r.status, 200, r)
        ev = self.entry(m, "auth.logout")
        self.assertEqual(ev["outcome"], "allowed", ev)
        self.assertEqual(ev["actor"]["id"], "eng1")
        self.assertTrue(ev["session"], ev)
        self.assertEnded(token, "bad_token")
        r = self.d.call("POST", "/v1/auth/logout", token=token)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(self.work(other).status, 200)

    def test_operator_token_file_is_private_and_works(self):
        path = os.path.join(self.d.data, "operator.token")
        st = os.stat(path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(path) as f:
            token = f.read().strip()
        self.assertGreaterEqual(len(token), 40)
        m = self.d.log_size()
        r = self.d.call("POST", "/v1/vendors", {"name": "Op check"},
                        token=token)
        self.assertEqual(r.status, 201, r)
        ev = self.entry(m, "vendor.create")
        self.assertEqual((ev["actor"]["kind"], ev["outcome"]),
                         ("operator", "allowed"))
        self.assertNotIn(token, self.d.plain_entries(m)[0][2].decode())

    def test_garbage_bearer_token_is_refused(self):
        for junk in ("garbage", "cse_" + "a" * 52,
                     self.d.operator + "x", "Bearer"):
            m = self.d.log_size()
            # From a new address each: a refusal naming no one is
            # recorded once per source and kind (audit/flood.h).
            r = self.d.call("GET", "/v1/tenants/auto/tickets", token=junk,
                            source=fresh_source())
            self.assertEqual(r.status, 401, (junk, r))
            ev = self.entry(m, "ticket.list")
            self.assertEqual((ev["outcome"], ev["reason"]),
                             ("denied", "bad_token"), ev)
            self.assertEqual(ev["actor"]["kind"], "anonymous")
        r = self.d.call("POST", "/v1/vendors", {"name": "Nope"},
                        token="garbage")
        self.assertEqual(r.status, 401, r)


if __name__ == "__main__":
    unittest.main()
