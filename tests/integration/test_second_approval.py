# SPDX-License-Identifier: ISC
"""Second approvals (the two-person rule) against the real daemon on a test
clock: a reset of a tenant admin by support, or an action the tenant marked
sensitive, needs an approval by a second person; the approval is bound to
the engineer, the action and the target, is used up by the action, expires
15 minutes after it was given (30 if never answered), and nobody approves
their own.  Where the tenant allows it, an engineer of another vendor may be
the second person; one of the same vendor never.  Every decision is an
entry naming the approval."""
import base64
import time
import unittest

import nacl.signing

from harness import TOTP_SECRET
from test_access_requests import ENG_PW, MIN, REASON, AccessTest


class SecondApprovalTest(AccessTest):
    """A tenant (admin0 answers, admin1 is the target) in which eng1 holds
    an approved grant; eng2 (same vendor) and oth1 (vendor "other") exist
    with their own devices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keys = {}
        try:
            for eid, vendor in (("eng2", "sitel"), ("oth1", "other")):
                key = nacl.signing.SigningKey.generate()
                cls.keys[eid] = key
                pub = base64.b64encode(bytes(key.verify_key)).decode()
                for path, body in (
                        ("/v1/engineers", {
                            "id": eid, "username": eid, "vendor": vendor,
                            "password": ENG_PW,
                            "totp_secret": TOTP_SECRET}),
                        ("/v1/engineers/%s/devices" % eid, {
                            "id": eid + "-dev", "name": "laptop",
                            "public_key": pub})):
                    r = cls.d.op("POST", path, body)
                    assert r.status == 201, r
        except BaseException:
            cls.d.stop()
            raise

    def setUp(self):
        super().setUp()
        self.tid = self.tenant(admins=2)
        self.target = self.tid + "-admin1"
        self.rid = self.granted(self.tid, minutes=480)

    def other(self, eid):
        return self.engineer(eid, eid + "-dev", self.keys[eid])

    def ask_second(self, action="user.password_reset", target=None,
                   token=None, tid=None):
        body = {"action": action, "reason": REASON}
        if target != "":
            body["target"] = target or self.target
        return self.d.call("POST", "/v1/tenants/%s/approvals" %
                           (tid or self.tid), body, token=token or self.eng)

    def approval(self, **kw):
        """A pending approval's id (asked by eng1 unless token)."""
        r = self.ask_second(**kw)
        self.assertEqual((r.status, r.body["state"]), (201, "pending"), r)
        return r.body["id"]

    def decide(self, aid, verb="approve", token=None):
        return self.d.call("POST", "/v1/approvals/%s/%s" % (aid, verb),
                           token=token or self.admin(self.tid))

    def approved(self, **kw):
        aid = self.approval(**kw)
        r = self.decide(aid)
        self.assertEqual((r.status, r.body["state"]), (200, "approved"), r)
        return aid

    def state(self, aid):
        r = self.d.call("GET", "/v1/approvals/%s" % aid,
                        token=self.admin(self.tid))
        self.assertEqual(r.status, 200, r)
        return r.body["state"]

    def reset(self, kind="password", uid=None, approval=None, token=None):
        return self.d.call(
            "POST", "/v1/tenants/%s/users/%s/%s-reset" % (
                self.tid, uid or self.target, kind),
            {"approval": approval} if approval is not None else None,
            token=token or self.eng)

    def assertUsedFor(self, start, action, aid, reason=None):
        """The action's one entry names the approval (and the grant)."""
        ev = self.event(start, action, tenant=self.tid)
        self.assertOutcome(ev, reason)
        self.assertEqual(ev["detail"]["approval"], aid, ev)
        self.assertEqual(ev["detail"]["grant"], self.rid, ev)
        return ev

    def mail_to_target(self, seen):
        return [m for m in self.new_mail(seen)
                if m["To"] == self.admin_mail(self.tid, 1)]


class TwoPersonRule(SecondApprovalTest):
    def test_reset_of_tenant_admin_without_approval_changes_nothing(self):
        seen = self.mailbox()
        for kind in ("password", "mfa"):
            m = self.d.log_size()
            r = self.reset(kind)
            self.assertRefused(r, 403, code="second_approval_required")
            ev = self.event(m, "user.%s_reset" % kind)
            self.assertOutcome(ev, "second_approval_required")
            self.assertEqual(ev["target"], self.target, ev)
        self.assertEqual(self.new_mail(seen), [])
        # The old factor still works: the MFA reset did not happen.
        self.login(self.tid, "admin1", "admin password 12")
        users = self.d.call("GET", "/v1/tenants/%s/users" % self.tid,
                            token=self.eng).body["users"]
        self.assertTrue([u["mfa_enrolled"] for u in users
                         if u["id"] == self.target] == [True], users)

    def test_the_tenants_approvals_are_listed_for_its_admins(self):
        """GET /v1/tenants/{t}/approvals: the tenant's admins see every
        ask, newest first, in its state now; the engineer who asked sees
        their own; another tenant's admin sees nothing of it."""
        aid = self.approval()
        r = self.d.call("GET", "/v1/tenants/%s/approvals" % self.tid,
                        token=self.admin(self.tid))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["approvals"][0]["id"], aid)
        self.assertEqual(r.body["approvals"][0]["state"], "pending")
        self.assertEqual(r.body["approvals"][0]["reason"], REASON)
        r = self.d.call("GET", "/v1/tenants/%s/approvals" % self.tid,
                        token=self.eng)
        self.assertEqual(r.status, 200, r)
        self.assertIn(aid, [a["id"] for a in r.body["approvals"]])
        other = self.tenant(admins=1)
        r = self.d.call("GET", "/v1/tenants/%s/approvals" % self.tid,
                        token=self.admin(other))
        self.assertEqual(r.status, 403, r)
        self.decide(aid, "deny")
        r = self.d.call("GET", "/v1/tenants/%s/approvals" % self.tid,
                        token=self.admin(self.tid))
        self.assertEqual([a["state"] for a in r.body["approvals"]
                          if a["id"] == aid], ["denied"])

    def test_approval_by_tenant_admin_allows_the_reset_once(self):
        seen = self.mailbox()
        m = self.d.log_size()
        aid = self.approval()
        ev = self.event(m, "approval.create", target=aid)
        self.assertOutcome(ev)
        self.assertEqual(ev["tenant"], self.tid)
        self.assertEqual(ev["detail"]["for"], "user.password_reset", ev)
        self.assertEqual(ev["detail"]["on"], self.target, ev)
        asks = self.new_mail(seen, "second approval")
        self.assertEqual(sorted(x["To"] for x in asks),
                         [self.admin_mail(self.tid, 0),
                          self.admin_mail(self.tid, 1)])
        for x in asks:
            self.assertIn(aid, self.assertGrantsNothing(x, self.eng))
        self.assertEqual(self.state(aid), "pending")

        m = self.d.log_size()
        r = self.decide(aid)
        self.assertEqual((r.status, r.body["state"], r.body["decided_by"]),
                         (200, "approved", self.tid + "-admin0"), r)
        ev = self.event(m, "approval.approve", target=aid)
        self.assertOutcome(ev)
        self.assertEqual(ev["tenant"], self.tid)

        seen = self.mailbox()
        m = self.d.log_size()
        r = self.reset(approval=aid)
        self.assertEqual(r.status, 202, r)
        self.assertUsedFor(m, "user.password_reset", aid)
        self.assertEqual(len(self.mail_to_target(seen)), 1)
        self.assertEqual(self.state(aid), "used")

        seen = self.mailbox()
        m = self.d.log_size()
        r = self.reset(approval=aid)
        self.assertRefused(r, 403, code="forbidden")
        self.assertUsedFor(m, "user.password_reset", aid, "approval_used")
        self.assertEqual(self.mail_to_target(seen), [])

    def test_nobody_approves_their_own_request(self):
        aid = self.approval()
        for verb in ("approve", "deny"):
            m = self.d.log_size()
            r = self.decide(aid, verb, token=self.eng)
            self.assertRefused(r, 403, code="forbidden")
            ev = self.event(m, "approval." + verb, target=aid)
            self.assertOutcome(ev, "own_request")
            self.assertEqual(ev["actor"]["id"], "eng1", ev)
        self.assertEqual(self.state(aid), "pending")
        self.assertRefused(self.reset(approval=aid), 403)

    def test_approval_is_bound_to_engineer_action_and_target(self):
        self.ok(self.d.op("POST", "/v1/tenants/%s/users" % self.tid, {
            "id": self.tid + "-admin2", "username": "admin2",
            "email": self.admin_mail(self.tid, 2), "role": "admin"}))
        eng2 = self.other("eng2")
        self.granted(self.tid, token=eng2)
        aid = self.approved()
        seen = self.mailbox()
        for what, call in (
                ("another action", lambda: self.reset("mfa", approval=aid)),
                ("another target", lambda: self.reset(
                    uid=self.tid + "-admin2", approval=aid)),
                ("another engineer", lambda: self.reset(
                    approval=aid, token=eng2))):
            with self.subTest(what):
                m = self.d.log_size()
                r = call()
                self.assertRefused(r, 403, code="forbidden")
                evs = self.events(m, tenant=self.tid)
                self.assertEqual(len(evs), 1, evs)
                self.assertOutcome(evs[0], "approval_not_valid")
                self.assertEqual(evs[0]["detail"]["approval"], aid, evs)
        self.assertEqual(self.new_mail(seen), [])
        # None of that spent it: the bound use still works, once.
        self.assertEqual(self.state(aid), "approved")
        self.assertEqual(self.reset(approval=aid).status, 202)

    def test_denied_approval_allows_nothing(self):
        aid = self.approval()
        m = self.d.log_size()
        r = self.decide(aid, "deny")
        self.assertEqual((r.status, r.body["state"]), (200, "denied"), r)
        self.assertOutcome(self.event(m, "approval.deny", target=aid))
        m = self.d.log_size()
        self.assertRefused(self.reset(approval=aid), 403)
        self.assertUsedFor(m, "user.password_reset", aid,
                           "approval_not_valid")
        self.assertRefused(self.decide(aid), 409, code="conflict")

    def test_approval_of_one_tenant_does_not_serve_in_another(self):
        other = self.tenant(admins=2)
        self.granted(other)
        aid = self.approved()
        r = self.d.call("POST", "/v1/tenants/%s/users/%s-admin1/"
                        "password-reset" % (other, other),
                        {"approval": aid}, token=self.eng)
        self.assertRefused(r, 403, code="forbidden")
        self.assertEqual(self.state(aid), "approved")


class Expiry(SecondApprovalTest):
    def test_approval_expires_15_minutes_after_it_was_given(self):
        aid = self.approval()
        r = self.decide(aid)
        until = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                              time.gmtime(self.now + 15 * MIN))
        self.assertEqual((r.status, r.body["valid_until"]), (200, until), r)
        self.tick(16 * MIN)
        seen = self.mailbox()
        m = self.d.log_size()
        r = self.reset(approval=aid)
        self.assertRefused(r, 403, code="forbidden")
        self.assertUsedFor(m, "user.password_reset", aid,
                           "approval_not_valid")
        self.assertEqual(self.mail_to_target(seen), [])
        r = self.d.call("GET", "/v1/approvals/%s" % aid,
                        token=self.admin(self.tid))
        self.assertEqual((r.body["state"], r.body["valid_until"]),
                         ("expired", until), r)

    def test_approval_given_late_is_usable_15_minutes_from_then(self):
        aid = self.approval()
        self.tick(25 * MIN)             # still unanswered, 5 min left
        self.assertEqual(self.decide(aid).status, 200)
        self.tick(6 * MIN)              # 31 min after asking, 6 after yes
        self.eng = self.engineer()
        r = self.reset(approval=aid)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(self.state(aid), "used")

    def test_unanswered_approval_expires_after_30_minutes(self):
        aid = self.approval()
        self.tick(30 * MIN)
        m = self.d.log_size()
        r = self.decide(aid)
        self.assertRefused(r, 409, code="conflict")
        self.assertOutcome(self.event(m, "approval.approve", target=aid),
                           "wrong_state")
        self.assertEqual(self.state(aid), "expired")


class SecondPerson(SecondApprovalTest):
    def put(self, body):
        r = self.d.call("PUT", "/v1/tenants/%s/support-policy" % self.tid,
                        body, token=self.admin(self.tid))
        self.assertEqual(r.status, 200, r)

    def test_engineer_of_another_vendor_approves_where_tenant_allows(self):
        aid = self.approval()
        oth1, eng2 = self.other("oth1"), self.other("eng2")
        # The default: only the tenant's admins.
        m = self.d.log_size()
        self.assertRefused(self.decide(aid, token=oth1), 403,
                           code="forbidden")
        self.assertOutcome(self.event(m, "approval.approve", target=aid),
                           "not_a_second_approver")
        self.put({"second_approver": "tenant_admin_or_other_vendor"})
        # Another vendor's engineer vouches only with access of its own.
        m = self.d.log_size()
        self.assertRefused(self.decide(aid, token=oth1), 403)
        self.assertOutcome(self.event(m, "approval.approve", target=aid),
                           "no_approved_access")
        self.granted(self.tid, token=oth1)
        m = self.d.log_size()
        self.assertRefused(self.decide(aid, token=eng2), 403)
        ev = self.event(m, "approval.approve", target=aid)
        self.assertOutcome(ev, "not_a_second_approver")
        self.assertEqual(ev["actor"]["vendor"], "sitel", ev)
        self.assertEqual(self.state(aid), "pending")
        m = self.d.log_size()
        r = self.decide(aid, token=oth1)
        self.assertEqual((r.status, r.body["decided_by"]), (200, "oth1"), r)
        ev = self.event(m, "approval.approve", target=aid)
        self.assertOutcome(ev)
        self.assertEqual((ev["actor"]["id"], ev["actor"]["vendor"],
                          ev["tenant"]), ("oth1", "other", self.tid), ev)
        m = self.d.log_size()
        self.assertEqual(self.reset(approval=aid).status, 202)
        self.assertUsedFor(m, "user.password_reset", aid)

    def test_actions_the_tenant_marks_sensitive_need_an_approval(self):
        self.put({"sensitive_actions": ["ticket.view", "user.list"]})
        ticket = "/v1/tenants/%s/tickets/%s-t1" % (self.tid, self.tid)
        users = "/v1/tenants/%s/users" % self.tid
        for path, action in ((ticket, "ticket.view"), (users, "user.list")):
            m = self.d.log_size()
            r = self.d.call("GET", path, token=self.eng)
            self.assertRefused(r, 403, code="second_approval_required")
            self.assertOutcome(self.event(m, action),
                               "second_approval_required")
        # Not marked: no approval needed; the tenant's admin needs none.
        self.assertEqual(self.act(self.tid).status, 200)
        self.assertEqual(self.d.call("GET", ticket, token=self.admin(
            self.tid)).status, 200)

        view = self.approved(action="ticket.view", target=self.tid + "-t1")
        listing = self.approved(action="user.list", target="")
        for path, action, aid in ((ticket, "ticket.view", view),
                                  (users, "user.list", listing)):
            m = self.d.log_size()
            r = self.d.call("GET", path + "?approval=" + aid, token=self.eng)
            self.assertEqual(r.status, 200, r)
            self.assertUsedFor(m, action, aid)
            self.assertEqual(self.state(aid), "used")
            m = self.d.log_size()
            r = self.d.call("GET", path + "?approval=" + aid, token=self.eng)
            self.assertRefused(r, 403)
            self.assertUsedFor(m, action, aid, "approval_used")
        # A ticket.view approval is for that ticket only.
        self.ok(self.d.op("POST", "/v1/tenants/%s/tickets" % self.tid, {
            "id": self.tid + "-t2", "subject": "other", "body": "x",
            "requester": "user@%s.example" % self.tid}))
        view = self.approved(action="ticket.view", target=self.tid + "-t1")
        r = self.d.call("GET", "/v1/tenants/%s/tickets/%s-t2?approval=%s" %
                        (self.tid, self.tid, view), token=self.eng)
        self.assertRefused(r, 403)
        self.assertEqual(self.state(view), "approved")


if __name__ == "__main__":
    unittest.main()
