# SPDX-License-Identifier: ISC
"""An engineer cannot mail a tenant's admins without bound (issue 11,
finding 11): every access request and second approval mails each admin
with the engineer's own words, so the admins of one tenant are mailed
about at most 10 asks of one engineer an hour.  The 11th ask is still
made and answered (the admins find it in their list), but nobody is mailed
(the Maildir outbox is counted): the answer says "admins_notified": false
and the entry's detail "notice" is "withheld".  Other tenants are counted
apart, and an hour later the admins are mailed again.
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
        r = self.d.call("POST", "/v1/tenants/%s/access-requests" % tid, {
            "ticket": tid + "-t1", "reason": REASON, "minutes": 30},
            token=self.token)
        self.assertEqual(r.status, 201, r)
        return r.body

    def test_past_ten_asks_an_hour_the_admins_are_not_mailed(self):
        mails = self.outbox()
        ids = []
        for k in range(ASKS_MAX):
            a = self.ask()
            ids.append(a["id"])
            self.assertEqual(self.outbox(), mails + k + 1, k)  # one admin
        size = self.d.log_size()
        more = [self.ask() for _ in range(3)]
        self.assertEqual(self.outbox(), mails + ASKS_MAX)
        for a in more:
            self.assertEqual((a["state"], a.get("admins_notified")),
                             ("pending", False), a)
        for _, e, _ in self.d.entries(size):
            self.assertEqual((e["action"], e["outcome"],
                              e["detail"]["notice"]),
                             ("access_request.create", "allowed",
                              "withheld"), e)
        # A second approval mails the same admins: the same count.  (It
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
        self.assertEqual(r.status, 201, r)
        self.assertFalse(r.body["admins_notified"], r)
        self.assertEqual(self.outbox(), mails + ASKS_MAX)
        # The admins see every request all the same.
        r = self.d.call("GET", "/v1/tenants/appr/access-requests",
                        token=admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.body["access_requests"]), ASKS_MAX + 3)
        # Another tenant's admins are counted apart.
        self.assertTrue(self.ask("auto")["admins_notified"])
        self.assertEqual(self.outbox(), mails + ASKS_MAX + 1)
        # Once the oldest ask is an hour old, the admins hear of one more.
        self.now = T0 + 3600
        self.d.set_clock(self.now)
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        self.token = r.body["token"]
        self.assertTrue(self.ask()["admins_notified"])
        self.assertEqual(self.outbox(), mails + ASKS_MAX + 2)


if __name__ == "__main__":
    unittest.main()
