# SPDX-License-Identifier: ISC
"""An engineer cannot mail a tenant's admins without bound (issue 11,
finding 11): every access request and second approval mails each admin
with the engineer's own words, so an engineer may ask one tenant at most
10 times an hour.  The 11th ask is refused 429 rate_limited with
Retry-After, creates nothing, mails nobody (the Maildir outbox is counted)
and is recorded as denied (reason ask_rate); other tenants are asked
apart, and an hour later the engineer may ask again.
"""
import glob
import os
import unittest

from harness import Daemon, World

T0 = 1700000000 - 1700000000 % 30 + 15
ASKS_MAX = 10
REASON = "customer cannot log in since Monday"


class AskRate(unittest.TestCase):
    def setUp(self):
        self.now = T0
        self.d = Daemon(clock=self.now)
        self.addCleanup(self.stop)
        self.w = World(self.d)
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        self.token = r.body["token"]

    def stop(self):
        self.assertEqual(self.d.stop(), 0, "custosd failed (sanitizer?)")

    def outbox(self):
        return len(glob.glob(os.path.join(self.d.data, "outbox", "new",
                                          "*")))

    def ask(self, tid="appr"):
        return self.d.call("POST", "/v1/tenants/%s/access-requests" % tid, {
            "ticket": tid + "-t1", "reason": REASON, "minutes": 30},
            token=self.token)

    def test_the_eleventh_ask_within_an_hour_mails_nobody(self):
        mails = self.outbox()
        ids = []
        for k in range(ASKS_MAX):
            r = self.ask()
            self.assertEqual(r.status, 201, (k, r))
            ids.append(r.body["id"])
            self.assertEqual(self.outbox(), mails + k + 1, k)  # one admin
        size = self.d.log_size()
        r = self.ask()
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.body["error"]["code"], "rate_limited")
        retry = int(r.headers.get("Retry-After", "0"))
        self.assertTrue(1 <= retry <= 3600, r.headers)
        self.assertEqual(self.outbox(), mails + ASKS_MAX)
        [(_, e, _)] = self.d.entries(size)
        self.assertEqual((e["action"], e["outcome"], e["reason"]),
                         ("access_request.create", "denied", "ask_rate"), e)
        # A second approval mails the same admins: the same budget.  (It
        # needs access: the admin approves one request first.)
        self.now += 30
        self.d.set_clock(self.now)
        admin = self.w.tenant_login("appr", at=self.now)
        r = self.d.call("POST", "/v1/tenants/appr/access-requests/%s/"
                        "approve" % ids[0], token=admin)
        self.assertEqual(r.status, 200, r)
        r = self.d.call("POST", "/v1/tenants/appr/approvals", {
            "action": "user.password_reset", "target": "appr-admin",
            "reason": REASON}, token=self.token)
        self.assertEqual(r.status, 429, r)
        self.assertIn("Retry-After", r.headers)
        self.assertEqual(self.outbox(), mails + ASKS_MAX)
        # Another tenant's admins are asked apart.
        r = self.ask("auto")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.outbox(), mails + ASKS_MAX + 1)
        # Once the oldest ask is an hour old, one more may go.
        self.now = T0 + 3600
        self.d.set_clock(self.now)
        r = self.d.call("GET", "/v1/access-requests/" + ids[0],
                        token=self.token)
        if r.status == 401:             # the session idled out: log in
            r = self.w.engineer_login(at=self.now)
            self.assertEqual(r.status, 200, r)
            self.token = r.body["token"]
        r = self.ask()
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.outbox(), mails + ASKS_MAX + 2)


if __name__ == "__main__":
    unittest.main()
