# SPDX-License-Identifier: ISC
"""Break-glass access against the real daemon on a test clock: only the
operator opens it, with a reason, for at most 60 minutes; it opens even a
tenant whose policy is deny; every admin of the tenant is mailed at once;
its own entry raises an alert and every entry it lets through says
break_glass; it ends by itself after its minutes, and a tenant admin can
revoke it."""
import time
import unittest

from test_access_requests import MIN, REASON, USER_PW, AccessTest


class BreakGlass(AccessTest):
    def open(self, tid, token=None, **body):
        b = {"engineer": "eng1", "reason": REASON, "minutes": 30}
        b.update(body)
        for k in [k for k, v in b.items() if v is None]:
            del b[k]
        return self.d.call("POST", "/v1/tenants/%s/break-glass" % tid, b,
                           token=token or self.d.operator)

    def opened(self, tid, minutes=30):
        r = self.open(tid, minutes=minutes)
        self.assertEqual(r.status, 201, r)
        return r.body["id"]

    def work(self, tid, rid):
        """Support work that break-glass lets through, each entry flagged."""
        for path in ("/tickets", "/users", "/tickets/%s-t1" % tid):
            m = self.d.log_size()
            r = self.d.call("GET", "/v1/tenants/%s%s" % (tid, path),
                            token=self.eng)
            self.assertEqual(r.status, 200, (path, r))
            evs = self.events(m, tenant=tid)
            self.assertEqual(len(evs), 1, evs)
            self.assertOutcome(evs[0])
            self.assertEqual(evs[0]["detail"],
                             {"grant": rid, "break_glass": "true"}, evs)

    def assertShut(self, tid, reason="tenant_policy_deny"):
        m = self.d.log_size()
        r = self.act(tid)
        self.assertRefused(r, 403, code="forbidden")
        self.assertOutcome(self.event(m, "ticket.list", tenant=tid), reason)

    def test_operator_opens_a_deny_tenant_and_every_admin_is_told_at_once(
            self):
        tid = self.tenant(policy="deny", admins=2)
        self.assertShut(tid)
        seen = self.mailbox()
        m = self.d.log_size()
        r = self.open(tid, minutes=30)
        self.assertEqual(r.status, 201, r)
        rid = r.body["id"]
        self.assertEqual((r.body["state"], r.body["break_glass"],
                          r.body["decided_by"], r.body["engineer"],
                          r.body["tenant"]),
                         ("approved", True, "operator", "eng1", tid))
        self.assertEqual(r.body["expires_at"], time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.now + 30 * MIN)))
        ev = self.event(m, "access_request.break_glass", target=rid)
        self.assertOutcome(ev)
        self.assertEqual((ev["actor"]["kind"], ev["tenant"]),
                         ("operator", tid), ev)
        self.assertEqual(ev["detail"], {"engineer": "eng1",
                                        "break_glass": "true",
                                        "alert": "break_glass"}, ev)
        # Mailed before the answer came back, to every admin.
        mails = self.new_mail(seen, "Break-glass")
        self.assertEqual(sorted(x["To"] for x in mails),
                         [self.admin_mail(tid, 0), self.admin_mail(tid, 1)])
        for x in mails:
            body = self.assertGrantsNothing(x, self.eng)
            for what in (rid, "eng1", REASON):
                self.assertIn(what, body)
        self.work(tid, rid)
        # The admins read it back, flagged.
        r = self.request(rid, self.admin(tid))
        self.assertEqual((r.status, r.body["break_glass"]), (200, True), r)

    def test_break_glass_ends_by_itself_after_its_minutes(self):
        tid = self.tenant(policy="deny")
        rid = self.opened(tid, minutes=20)
        self.tick(19 * MIN)
        self.work(tid, rid)
        m = self.d.log_size()
        self.tick(MIN)
        self.assertShut(tid)
        self.wait_expired(m, rid, "approved")
        r = self.request(rid, self.d.operator)
        self.assertEqual((r.status, r.body["state"]), (200, "expired"), r)

    def test_tenant_admin_revokes_break_glass(self):
        tid = self.tenant(policy="deny")
        rid = self.opened(tid)
        self.work(tid, rid)
        m = self.d.log_size()
        r = self.answer(tid, rid, "revoke", self.admin(tid, 1))
        self.assertEqual((r.status, r.body["state"]), (200, "revoked"), r)
        ev = self.event(m, "access_request.revoke", target=rid)
        self.assertOutcome(ev)
        self.assertEqual(ev["actor"]["id"], tid + "-admin1", ev)
        self.assertShut(tid)

    def test_break_glass_flags_entries_in_an_approval_required_tenant(self):
        tid = self.tenant()
        self.assertShut(tid, "no_approved_access")
        rid = self.opened(tid, minutes=60)
        self.work(tid, rid)

    def test_break_glass_needs_a_reason_and_at_most_60_minutes(self):
        tid = self.tenant(policy="deny")
        seen = self.mailbox()
        for body, field in (({"reason": None}, "reason"),
                            ({"reason": "urgent"}, "reason"),
                            ({"minutes": 61}, "minutes"),
                            ({"minutes": 0}, "minutes"),
                            ({"engineer": "nobody"}, "engineer")):
            with self.subTest(body=body):
                m = self.d.log_size()
                self.assertRefused(self.open(tid, **body), 400, field,
                                   "bad_request")
                self.assertOutcome(self.event(
                    m, "access_request.break_glass"), "bad_request")
        self.assertEqual(self.new_mail(seen), [])
        self.assertEqual(self.listed(tid), {})
        self.assertShut(tid)
        rid = self.opened(tid, minutes=60)
        self.assertEqual(self.listed(tid), {rid: "approved"})

    def test_only_the_operator_opens_break_glass(self):
        tid, other = self.tenant(policy="deny"), self.tenant(policy="deny")
        seen = self.mailbox()
        callers = (("engineer", self.eng, 403, "role_forbids"),
                   ("admin", self.admin(tid), 403, "role_forbids"),
                   ("user", self.login(tid, "user", USER_PW), 403,
                    "role_forbids"),
                   ("other admin", self.admin(other), 403, "role_forbids"),
                   ("anonymous", "", 401, "no_token"))
        for who, token, status, reason in callers:
            with self.subTest(who):
                m = self.d.log_size()
                r = self.d.call("POST", "/v1/tenants/%s/break-glass" % tid,
                                {"engineer": "eng1", "reason": REASON,
                                 "minutes": 30}, token=token)
                self.assertRefused(r, status)
                self.assertOutcome(self.event(
                    m, "access_request.break_glass"), reason)
        # No tenant admin hears of it (the engineer's try is an alert:
        # that mail goes to the operator alone).
        self.assertEqual([x["To"] for x in self.new_mail(seen)
                          if x["To"] != "operator@localhost"], [])
        self.assertEqual(self.listed(tid), {})
        self.assertShut(tid)


if __name__ == "__main__":
    unittest.main()
