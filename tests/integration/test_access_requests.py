# SPDX-License-Identifier: ISC
"""Customer-approved, time-boxed access requests against the real daemon on
a test clock (Daemon(clock=T), moved with set_clock; no sleeps but bounded
polls for the expiry sweeper after the clock moved).

Every transition: pending -> approved -> revoked, pending -> denied,
pending -> expired (12 h, recorded by the sweeper as custosd), approved ->
expired (after its minutes, counted from the approval); the refusals of bad
requests (minutes over the tenant's cap, short reason, a ticket of another
tenant), a grant for one tenant in another, a deny tenant, auto_approve;
the mail to tenant admins (new request, approved by policy, about to
expire), which carries nothing that grants access; history after expiry;
who may list and answer; the tenant's support-policy settings.

AccessTest, the base class here, is shared by test_second_approval.py and
test_break_glass.py.
"""
import base64
import re
import time
import unittest

import nacl.signing

from harness import TOTP_SECRET, Daemon, World, totp

STEP = 30
T0 = 1700000000 - 1700000000 % STEP + STEP // 2    # mid TOTP step
MIN = 60
HOUR = 3600
DAY = 86400
REASON = "customer cannot log in since Monday"
ADMIN_PW = "admin password 12"
USER_PW = "user password 12"
ENG_PW = "engineer password 1"
# What would let a reader of a notice in: a link, a token of ours.
GRANTS_SOMETHING = re.compile(r"://|token|\b(cse|cop|crt)_[a-z2-7]+", re.I)
# The one link a notice carries: the console's page of the request or
# approval, which names it and nothing else (no token, no query).
CONSOLE_LINK = re.compile(
    r"^https?://[a-z0-9.:-]+/#/t/[A-Za-z0-9_.-]+/(requests|approvals)/"
    r"[A-Za-z0-9_-]+(?=\r?$)", re.M)


class AccessTest(unittest.TestCase):
    """A daemon on a test clock per class; a fresh day, engineer session
    and tenants per test, so tests share nothing but the directory."""
    now = T0
    serial = 0

    @classmethod
    def setUpClass(cls):
        cls.now = T0
        cls.d = Daemon(clock=T0)
        try:
            cls.w = World(cls.d)
        except BaseException:
            cls.d.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def setUp(self):
        # A day on: a fresh TOTP step, every earlier grant long over.
        self.tick(DAY)
        self.admins = {}
        self.eng = self.engineer()

    # --- the clock and logins ---------------------------------------------

    def tick(self, seconds):
        type(self).now += seconds
        self.d.set_clock(self.now)

    def engineer(self, username="eng1", device="dev1", key=None):
        r = self.w.engineer_login(at=self.now, username=username,
                                  password=ENG_PW, device=device, key=key)
        self.assertEqual(r.status, 200, r)
        return r.body["token"]

    def admin(self, tid, i=0):
        """A session of admin i of tid, renewed once the clock has moved
        20 minutes (sessions end after 30 idle minutes)."""
        at, token = self.admins.get((tid, i), (None, None))
        if at is None or self.now - at >= 20 * MIN:
            at = self.now
            token = self.login(tid, "admin%d" % i, ADMIN_PW)
            self.admins[tid, i] = at, token
        return token

    def login(self, tid, username, password):
        r = self.d.call("POST", "/v1/tenants/%s/auth/login" % tid, {
            "username": username, "password": password,
            "totp": totp(at=self.now)})
        self.assertEqual(r.status, 200, r)
        return r.body["token"]

    # --- the directory ----------------------------------------------------

    def tenant(self, policy="approval_required", admins=2):
        """A new tenant: admins admin0.. (admin0@<tid>.example ...), a user
        and a ticket <tid>-t1."""
        type(self).serial += 1
        tid = "%s%d" % (type(self).__name__.lower()[:6], self.serial)
        self.ok(self.d.op("POST", "/v1/tenants", {
            "id": tid, "name": "Tenant " + tid, "support_policy": policy}))
        for i in range(admins):
            self.ok(self.d.op("POST", "/v1/tenants/%s/users" % tid, {
                "id": "%s-admin%d" % (tid, i), "username": "admin%d" % i,
                "email": self.admin_mail(tid, i), "password": ADMIN_PW,
                "role": "admin", "totp_secret": TOTP_SECRET}))
        self.ok(self.d.op("POST", "/v1/tenants/%s/users" % tid, {
            "id": tid + "-user", "username": "user",
            "email": "user@%s.example" % tid, "password": USER_PW,
            "role": "user", "totp_secret": TOTP_SECRET}))
        self.ok(self.d.op("POST", "/v1/tenants/%s/tickets" % tid, {
            "id": tid + "-t1", "subject": "cannot log in",
            "body": "please help", "requester": "user@%s.example" % tid}))
        return tid

    @staticmethod
    def admin_mail(tid, i):
        return "admin%d@%s.example" % (i, tid)

    def ok(self, r, status=201):
        self.assertEqual(r.status, status, r)
        return r

    # --- access requests --------------------------------------------------

    def ask(self, tid, token=None, ticket=None, reason=REASON, minutes=30):
        return self.d.call("POST", "/v1/tenants/%s/access-requests" % tid, {
            "ticket": ticket or tid + "-t1", "reason": reason,
            "minutes": minutes}, token=token or self.eng)

    def asked(self, tid, token=None, **kw):
        """The id of a new request (pending under approval_required)."""
        return self.ok(self.ask(tid, token, **kw)).body["id"]

    def answer(self, tid, rid, verb, token=None):
        return self.d.call(
            "POST", "/v1/tenants/%s/access-requests/%s/%s" % (tid, rid, verb),
            token=token or self.admin(tid))

    def granted(self, tid, token=None, minutes=30):
        """A request by the engineer, approved by admin0 now."""
        rid = self.asked(tid, token, minutes=minutes)
        self.ok(self.answer(tid, rid, "approve"), 200)
        return rid

    def act(self, tid, token=None):
        """Support work in the tenant: the ticket list."""
        return self.d.call("GET", "/v1/tenants/%s/tickets" % tid,
                           token=token or self.eng)

    def request(self, rid, token=None):
        return self.d.call("GET", "/v1/access-requests/%s" % rid,
                           token=token or self.eng)

    def listed(self, tid, token=None):
        """{id: state} of the tenant's requests, as its admin lists them."""
        r = self.ok(self.d.call(
            "GET", "/v1/tenants/%s/access-requests" % tid,
            token=token or self.admin(tid)), 200)
        return {g["id"]: g["state"] for g in r.body["access_requests"]}

    # --- the log and the outbox -------------------------------------------

    def events(self, start, action=None, tenant=None, target=None):
        return [ev for _, ev, _ in self.d.entries(start)
                if (action is None or ev["action"] == action) and
                (tenant is None or ev["tenant"] == tenant) and
                (target is None or ev["target"] == target)]

    def event(self, start, action, **kw):
        """The one entry of action since start (filtered by kw)."""
        evs = self.events(start, action, **kw)
        self.assertEqual(len(evs), 1, evs)
        return evs[0]

    def assertOutcome(self, ev, reason=None):
        self.assertEqual((ev["outcome"], ev["reason"]),
                         ("allowed" if reason is None else "denied",
                          reason), ev)

    def assertRefused(self, r, status, reason_field=None, code=None):
        """A refusal; for a 400 the message must name the field."""
        self.assertEqual(r.status, status, r)
        if code is not None:
            self.assertEqual(r.body["error"]["code"], code, r)
        if reason_field is not None:
            self.assertIn("'%s'" % reason_field, r.body["error"]["message"],
                          r)

    def wait_event(self, start, action, target):
        """Polls (at most 5 s) for the sweeper's entry after a clock move."""
        deadline = time.monotonic() + 5
        while True:
            evs = self.events(start, action, target=target)
            if evs or time.monotonic() > deadline:
                self.assertEqual(len(evs), 1, "%s of %s: %r" % (
                    action, target, evs))
                return evs[0]
            time.sleep(0.05)

    def wait_expired(self, start, rid, was):
        """The sweeper's access_request.expire entry for rid."""
        ev = self.wait_event(start, "access_request.expire", rid)
        self.assertEqual(ev["actor"]["kind"], "system", ev)
        self.assertEqual(ev["actor"]["id"], "custosd", ev)
        self.assertOutcome(ev)
        self.assertEqual(ev["detail"]["from"], was, ev)
        self.assertEqual(ev["detail"]["engineer"], "eng1", ev)
        return ev

    def mailbox(self):
        return {m["Message-ID"] for m in self.d.mails()}

    def new_mail(self, seen, subject=None):
        return [m for m in self.d.mails() if m["Message-ID"] not in seen and
                (subject is None or subject in m["Subject"])]

    def wait_mail(self, seen, subject, about, count):
        """Polls (at most 5 s) for count mails of the sweeper about an
        id (in the body)."""
        deadline = time.monotonic() + 5
        while True:
            got = self.mail_about(seen, subject, about)
            if len(got) >= count or time.monotonic() > deadline:
                return got
            time.sleep(0.05)

    def mail_about(self, seen, subject, about):
        return [m for m in self.new_mail(seen, subject)
                if about in m.get_payload(decode=True).decode()]

    def assertGrantsNothing(self, mail, *secrets):
        body = mail.get_payload(decode=True).decode()
        self.assertLessEqual(len(CONSOLE_LINK.findall(body)), 1, body)
        self.assertIsNone(GRANTS_SOMETHING.search(
            CONSOLE_LINK.sub("", body)), body)
        for s in secrets:
            self.assertNotIn(s, body)
        return body


class Transitions(AccessTest):
    def test_approve_then_act_names_the_grant_and_revoke_ends_it(self):
        tid = self.tenant()
        r = self.act(tid)
        self.assertRefused(r, 403, code="forbidden")
        m = self.d.log_size()
        r = self.ask(tid)
        self.assertEqual(r.status, 201, r)
        rid = r.body["id"]
        self.assertEqual((r.body["state"], r.body["tenant"],
                          r.body["engineer"], r.body["ticket"],
                          r.body["minutes"]),
                         ("pending", tid, "eng1", tid + "-t1", 30))
        ev = self.event(m, "access_request.create", target=rid)
        self.assertOutcome(ev)
        self.assertEqual(ev["tenant"], tid)
        self.assertEqual(ev["detail"]["state"], "pending", ev)
        self.assertEqual(ev["detail"]["ticket"], tid + "-t1", ev)

        m = self.d.log_size()
        self.assertRefused(self.act(tid), 403)
        self.assertOutcome(self.event(m, "ticket.list"), "no_approved_access")

        m = self.d.log_size()
        r = self.answer(tid, rid, "approve")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.body["state"], r.body["decided_by"]),
                         ("approved", tid + "-admin0"))
        ev = self.event(m, "access_request.approve", target=rid)
        self.assertOutcome(ev)
        self.assertEqual(ev["actor"]["id"], tid + "-admin0", ev)
        self.assertEqual(ev["detail"]["state"], "approved", ev)

        for path in ("/tickets", "/users", "/tickets/%s-t1" % tid):
            m = self.d.log_size()
            r = self.d.call("GET", "/v1/tenants/%s%s" % (tid, path),
                            token=self.eng)
            self.assertEqual(r.status, 200, (path, r))
            ev = self.events(m, tenant=tid)[0]
            self.assertOutcome(ev)
            self.assertEqual(ev["detail"], {"grant": rid}, ev)

        m = self.d.log_size()
        r = self.answer(tid, rid, "revoke")
        self.assertEqual((r.status, r.body["state"]), (200, "revoked"), r)
        self.assertOutcome(self.event(m, "access_request.revoke",
                                      target=rid))
        m = self.d.log_size()
        r = self.act(tid)
        self.assertRefused(r, 403, code="forbidden")
        ev = self.event(m, "ticket.list")
        self.assertOutcome(ev, "no_approved_access")
        self.assertNotIn("grant", ev.get("detail") or {}, ev)
        # Revoked is final; the engineer still reads the history.
        self.assertEqual(self.answer(tid, rid, "revoke").status, 409)
        self.assertEqual(self.answer(tid, rid, "approve").status, 409)
        self.assertEqual(self.request(rid).body["state"], "revoked")
        self.assertEqual(self.listed(tid), {rid: "revoked"})

    def test_deny_then_act_is_refused_and_denial_is_final(self):
        tid = self.tenant()
        rid = self.asked(tid)
        m = self.d.log_size()
        r = self.answer(tid, rid, "deny")
        self.assertEqual((r.status, r.body["state"]), (200, "denied"), r)
        ev = self.event(m, "access_request.deny", target=rid)
        self.assertOutcome(ev)
        self.assertEqual(ev["detail"]["state"], "denied", ev)
        m = self.d.log_size()
        self.assertRefused(self.act(tid), 403)
        self.assertOutcome(self.event(m, "ticket.list"), "no_approved_access")
        m = self.d.log_size()
        self.assertRefused(self.answer(tid, rid, "approve"), 409,
                           code="conflict")
        self.assertOutcome(self.event(m, "access_request.approve"),
                           "wrong_state")
        self.assertRefused(self.answer(tid, rid, "revoke"), 409)
        self.assertRefused(self.act(tid), 403)
        self.assertEqual(self.request(rid).body["state"], "denied")

    def test_approval_may_give_less_time_and_a_denial_says_why(self):
        """The console's approve with a shorter duration and deny with a
        reason: "minutes" (1 to the request's own) shortens the access,
        "reason" goes into the denial's entry; a bad value changes
        nothing."""
        tid = self.tenant()
        rid = self.asked(tid, minutes=60)
        path = "/v1/tenants/%s/access-requests/%s/" % (tid, rid)
        for bad in (61, 0, "20"):
            m = self.d.log_size()
            r = self.d.call("POST", path + "approve", {"minutes": bad},
                            token=self.admin(tid))
            self.assertRefused(r, 400, "minutes")
            self.assertOutcome(self.event(m, "access_request.approve"),
                               "bad_request")
        self.assertEqual(self.listed(tid), {rid: "pending"})
        m = self.d.log_size()
        r = self.d.call("POST", path + "approve", {"minutes": 20},
                        token=self.admin(tid))
        self.assertEqual((r.status, r.body["state"], r.body["expires_at"]),
                         (200, "approved", time.strftime(
                             "%Y-%m-%dT%H:%M:%SZ",
                             time.gmtime(self.now + 20 * MIN))), r)
        ev = self.event(m, "access_request.approve", target=rid)
        self.assertOutcome(ev)
        self.assertEqual(ev["detail"]["minutes"], "20", ev)
        self.tick(19 * MIN)
        self.assertEqual(self.act(tid).status, 200)
        self.tick(MIN)
        self.assertRefused(self.act(tid), 403, code="forbidden")

        rid = self.asked(tid)
        path = "/v1/tenants/%s/access-requests/%s/" % (tid, rid)
        r = self.d.call("POST", path + "deny", {"reason": "bad\u0007"},
                        token=self.admin(tid))
        self.assertRefused(r, 400, "reason")
        m = self.d.log_size()
        r = self.d.call("POST", path + "deny",
                        {"reason": "no resets this week, call us"},
                        token=self.admin(tid))
        self.assertEqual((r.status, r.body["state"]), (200, "denied"), r)
        ev = self.event(m, "access_request.deny", target=rid)
        self.assertEqual(ev["detail"]["reason"],
                         "no resets this week, call us", ev)

    def test_unanswered_request_expires_after_12_hours(self):
        tid = self.tenant()
        rid = self.asked(tid)
        self.assertEqual(self.request(rid).body["answer_by"],
                         time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                       time.gmtime(self.now + 12 * HOUR)))
        self.tick(12 * HOUR - MIN)
        self.assertEqual(self.listed(tid), {rid: "pending"})
        m = self.d.log_size()
        self.tick(MIN)
        # Refused at once, whether or not the sweeper has been by.
        r = self.answer(tid, rid, "approve")
        self.assertRefused(r, 409, code="conflict")
        self.wait_expired(m, rid, "pending")
        self.assertRefused(self.answer(tid, rid, "approve"), 409)
        self.assertEqual(self.listed(tid), {rid: "expired"})
        self.eng = self.engineer()
        self.assertEqual(self.request(rid).body["state"], "expired")
        self.assertRefused(self.act(tid), 403)

    def test_approved_access_ends_after_its_minutes(self):
        tid = self.tenant()
        rid = self.granted(tid, minutes=30)
        self.tick(29 * MIN)
        self.assertEqual(self.act(tid).status, 200)
        m = self.d.log_size()
        self.tick(MIN)
        r = self.act(tid)
        self.assertRefused(r, 403, code="forbidden")
        ev = self.event(m, "ticket.list")
        self.assertOutcome(ev, "no_approved_access")
        self.wait_expired(m, rid, "approved")
        # History stays readable: the engineer's view, the admin's list.
        r = self.request(rid)
        self.assertEqual((r.status, r.body["state"]), (200, "expired"), r)
        self.assertEqual(self.listed(tid), {rid: "expired"})
        self.assertRefused(self.answer(tid, rid, "revoke"), 409)

    def test_duration_starts_at_approval_not_at_the_request(self):
        tid = self.tenant()
        asked_at = self.now
        rid = self.asked(tid, minutes=30)
        self.tick(2 * HOUR)
        r = self.answer(tid, rid, "approve")
        self.assertEqual(r.status, 200, r)
        end = asked_at + 2 * HOUR + 30 * MIN
        self.assertEqual(r.body["expires_at"], time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(end)))
        self.eng = self.engineer()
        self.tick(29 * MIN)
        self.assertEqual(self.act(tid).status, 200)
        self.tick(2 * MIN)
        self.assertRefused(self.act(tid), 403)

    def test_history_lists_every_state_after_the_fact(self):
        tid = self.tenant()
        gone = self.granted(tid, minutes=5)
        self.ok(self.answer(tid, gone, "revoke"), 200)
        no = self.asked(tid)
        self.ok(self.answer(tid, no, "deny"), 200)
        ended = self.granted(tid, minutes=5)
        unanswered = self.asked(tid)
        m = self.d.log_size()
        self.tick(12 * HOUR)
        self.wait_expired(m, ended, "approved")
        self.wait_expired(m, unanswered, "pending")
        want = {gone: "revoked", no: "denied", ended: "expired",
                unanswered: "expired"}
        self.assertEqual(self.listed(tid), want)
        self.eng = self.engineer()
        for rid, state in want.items():
            r = self.request(rid)
            self.assertEqual((r.status, r.body["state"], r.body["reason"]),
                             (200, state, REASON), r)


class Notices(AccessTest):
    def test_new_request_mails_every_admin_and_nothing_that_grants(self):
        tid = self.tenant(admins=2)
        bystander = self.tenant(admins=1)
        seen = self.mailbox()
        rid = self.asked(tid)
        mails = self.new_mail(seen, "Support asks for access")
        self.assertEqual(sorted(m["To"] for m in mails),
                         [self.admin_mail(tid, 0), self.admin_mail(tid, 1)])
        for m in mails:
            body = self.assertGrantsNothing(m, self.eng, self.d.operator)
            for what in (rid, "eng1", tid + "-t1", REASON):
                self.assertIn(what, body)
        # Nobody else: not the tenant's user, not another tenant's admin.
        self.assertEqual(sorted(m["To"] for m in self.new_mail(seen)),
                         [self.admin_mail(tid, 0), self.admin_mail(tid, 1)])
        self.assertNotIn(bystander, " ".join(m["To"] for m in
                                             self.new_mail(seen)))

    def test_about_to_expire_notice_mails_admins_once_15_minutes_before(self):
        tid = self.tenant(admins=2)
        barrier = self.tenant(admins=1)
        rid = self.granted(tid, minutes=30)
        # A grant that ends in a minute: once the sweeper recorded its end
        # at +14 min, it has looked at rid at +14 min too.
        first = self.granted(barrier, minutes=1)
        seen = self.mailbox()
        m = self.d.log_size()
        self.tick(14 * MIN)
        self.wait_expired(m, first, "approved")
        self.assertEqual(self.mail_about(seen, "ends soon", rid), [])
        self.tick(6 * MIN)      # 10 minutes before the end
        mails = self.wait_mail(seen, "Support access ends soon", rid, 2)
        self.assertEqual(sorted(x["To"] for x in mails),
                         [self.admin_mail(tid, 0), self.admin_mail(tid, 1)])
        end = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                            time.gmtime(self.now + 10 * MIN))
        for x in mails:
            body = self.assertGrantsNothing(x, self.eng)
            self.assertIn(rid, body)
            self.assertIn(end, body)
        # Once: another sweep later sends no second notice.
        second = self.granted(barrier, minutes=1)
        m = self.d.log_size()
        self.tick(MIN)
        self.wait_expired(m, second, "approved")
        again = self.mail_about(seen, "ends soon", rid)
        self.assertEqual(len(again), 2, [x["To"] for x in again])
        self.assertEqual(self.act(tid).status, 200)


class Refusals(AccessTest):
    def test_minutes_above_the_tenants_cap_are_refused_naming_minutes(self):
        tid = self.tenant()
        seen = self.mailbox()
        m = self.d.log_size()
        self.assertRefused(self.ask(tid, minutes=481), 400, "minutes",
                           "bad_request")
        self.assertOutcome(self.event(m, "access_request.create"),
                           "bad_request")
        self.assertRefused(self.ask(tid, minutes=0), 400, "minutes")
        self.ok(self.d.call("PUT", "/v1/tenants/%s/support-policy" % tid,
                            {"max_minutes": 60}, token=self.admin(tid)), 200)
        self.assertRefused(self.ask(tid, minutes=61), 400, "minutes")
        self.assertEqual(self.new_mail(seen), [])
        self.assertEqual(self.listed(tid), {})
        rid = self.asked(tid, minutes=60)
        self.assertEqual(self.request(rid).body["minutes"], 60)

    def test_short_reason_is_refused_naming_reason(self):
        tid = self.tenant()
        self.assertRefused(self.ask(tid, reason="too short"), 400, "reason",
                           "bad_request")
        r = self.d.call("POST", "/v1/tenants/%s/access-requests" % tid, {
            "ticket": tid + "-t1", "minutes": 30}, token=self.eng)
        self.assertRefused(r, 400, "reason")
        self.assertEqual(self.listed(tid), {})
        self.asked(tid, reason="ten chars!")

    def test_ticket_of_another_tenant_is_refused_naming_ticket(self):
        tid, other = self.tenant(), self.tenant()
        m = self.d.log_size()
        self.assertRefused(self.ask(tid, ticket=other + "-t1"), 400,
                           "ticket", "bad_request")
        self.assertOutcome(self.event(m, "access_request.create"),
                           "bad_request")
        self.assertRefused(self.ask(tid, ticket="no-such-ticket"), 400,
                           "ticket")
        self.assertEqual(self.listed(tid), {})
        self.assertEqual(self.listed(other), {})

    def test_grant_for_tenant_a_does_not_open_tenant_b(self):
        a, b = self.tenant(), self.tenant()
        self.granted(a)
        self.assertEqual(self.act(a).status, 200)
        m = self.d.log_size()
        r = self.act(b)
        self.assertRefused(r, 403, code="forbidden")
        ev = self.event(m, "ticket.list")
        self.assertEqual(ev["tenant"], b)
        self.assertOutcome(ev, "no_approved_access")
        self.assertRefused(self.d.call(
            "POST", "/v1/tenants/%s/users/%s-user/password-reset" % (b, b),
            token=self.eng), 403)
        # Nor does it reach B's objects through A's path.
        r = self.d.call("GET", "/v1/tenants/%s/tickets/%s-t1" % (a, b),
                        token=self.eng)
        self.assertRefused(r, 404)

    def test_deny_tenant_refuses_even_asking(self):
        tid = self.tenant(policy="deny")
        seen = self.mailbox()
        m = self.d.log_size()
        r = self.ask(tid)
        self.assertRefused(r, 403, code="forbidden")
        ev = self.event(m, "access_request.create")
        self.assertEqual(ev["tenant"], tid)
        self.assertOutcome(ev, "tenant_policy_deny")
        self.assertEqual(self.new_mail(seen), [])
        self.assertEqual(self.listed(tid), {})
        m = self.d.log_size()
        self.assertRefused(self.act(tid), 403)
        self.assertOutcome(self.event(m, "ticket.list"), "tenant_policy_deny")

    def test_only_the_tenants_own_admins_list_and_answer(self):
        tid, other = self.tenant(), self.tenant()
        rid = self.asked(tid)
        user = self.login(tid, "user", USER_PW)
        eng2 = self.second_engineer()
        refusals = [
            ("operator", self.d.operator, tid, 403, "role_forbids"),
            ("engineer", self.eng, tid, 403, "role_forbids"),
            ("user", user, tid, 403, "role_forbids"),
            ("other admin", self.admin(other), tid, 403, "other_tenant"),
            # Through the other tenant's own path: not its request.
            ("other admin", self.admin(other), other, 404,
             "no_such_request"),
        ]
        for who, token, path_tid, status, reason in refusals:
            for verb in ("approve", "deny", "revoke"):
                m = self.d.log_size()
                r = self.answer(path_tid, rid, verb, token)
                self.assertRefused(r, status)
                ev = self.event(m, "access_request." + verb)
                self.assertOutcome(ev, reason)
            r = self.d.call("GET", "/v1/tenants/%s/access-requests" %
                            path_tid, token=token)
            if path_tid == other:
                self.assertEqual(r.status, 200, (who, r))
                self.assertNotIn(rid, [g["id"] for g in
                                       r.body["access_requests"]])
            else:
                self.assertRefused(r, status)
        self.assertRefused(self.request(rid, self.admin(other)), 404)
        self.assertRefused(self.request(rid, eng2), 404)
        self.assertRefused(self.request(rid, user), 403)
        self.assertEqual(self.listed(tid), {rid: "pending"})
        self.assertEqual(self.answer(tid, rid, "approve").status, 200)

    def second_engineer(self):
        """eng2 of the same vendor, with its own device, logged in."""
        if not getattr(type(self), "key2", None):
            type(self).key2 = nacl.signing.SigningKey.generate()
            pub = base64.b64encode(bytes(self.key2.verify_key)).decode()
            self.ok(self.d.op("POST", "/v1/engineers", {
                "id": "eng2", "username": "eng2", "vendor": "sitel",
                "password": ENG_PW, "totp_secret": TOTP_SECRET}))
            self.ok(self.d.op("POST", "/v1/engineers/eng2/devices", {
                "id": "dev2", "name": "laptop 2", "public_key": pub}))
        return self.engineer("eng2", "dev2", self.key2)


class Policies(AccessTest):
    def test_auto_approve_tenant_approves_by_policy_and_tells_admins(self):
        tid = self.tenant(policy="auto_approve", admins=2)
        seen = self.mailbox()
        m = self.d.log_size()
        r = self.ask(tid, minutes=45)
        self.assertEqual(r.status, 201, r)
        rid = r.body["id"]
        self.assertEqual((r.body["state"], r.body["decided_by"]),
                         ("approved", "policy:auto_approve"))
        self.assertEqual(r.body["expires_at"], time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.now + 45 * MIN)))
        ev = self.event(m, "access_request.create", target=rid)
        self.assertOutcome(ev)
        self.assertEqual(ev["detail"]["state"], "approved", ev)
        self.assertEqual(ev["detail"]["decided_by"], "policy:auto_approve",
                         ev)
        mails = self.new_mail(seen, "approved by your policy")
        self.assertEqual(sorted(x["To"] for x in mails),
                         [self.admin_mail(tid, 0), self.admin_mail(tid, 1)])
        for x in mails:
            self.assertIn(rid, self.assertGrantsNothing(x, self.eng))
        m = self.d.log_size()
        self.assertEqual(self.act(tid).status, 200)
        self.assertEqual(self.event(m, "ticket.list")["detail"],
                         {"access": "policy:auto_approve"})

    def put_policy(self, tid, body, token=None):
        return self.d.call("PUT", "/v1/tenants/%s/support-policy" % tid,
                           body, token=token or self.admin(tid))

    def test_support_policy_changes_are_logged_and_take_effect(self):
        tid = self.tenant()
        rid = self.granted(tid)
        self.assertEqual(self.act(tid).status, 200)
        r = self.d.call("GET", "/v1/tenants/%s/support-policy" % tid,
                        token=self.admin(tid))
        self.assertEqual(r.body, {
            "support_policy": "approval_required", "max_minutes": 480,
            "second_approver": "tenant_admin", "sensitive_actions": []})

        m = self.d.log_size()
        r = self.put_policy(tid, {"support_policy": "deny"})
        self.assertEqual((r.status, r.body["support_policy"]), (200, "deny"))
        ev = self.event(m, "tenant.support_policy")
        self.assertOutcome(ev)
        self.assertEqual((ev["tenant"], ev["actor"]["id"]),
                         (tid, tid + "-admin0"))
        self.assertEqual((ev["detail"]["from"], ev["detail"]["to"]),
                         ("approval_required", "deny"), ev)
        # An approved grant does not open a tenant that now says deny.
        m = self.d.log_size()
        self.assertRefused(self.act(tid), 403)
        self.assertOutcome(self.event(m, "ticket.list"), "tenant_policy_deny")
        self.assertRefused(self.ask(tid), 403)

        m = self.d.log_size()
        self.ok(self.put_policy(tid, {"support_policy": "auto_approve"}),
                200)
        ev = self.event(m, "tenant.support_policy")
        self.assertEqual((ev["detail"]["from"], ev["detail"]["to"]),
                         ("deny", "auto_approve"), ev)
        m = self.d.log_size()
        self.assertEqual(self.act(tid).status, 200)
        self.assertEqual(self.event(m, "ticket.list")["detail"],
                         {"access": "policy:auto_approve"})

        self.ok(self.put_policy(tid, {"support_policy": "approval_required",
                                      "max_minutes": 90,
                                      "second_approver":
                                      "tenant_admin_or_other_vendor",
                                      "sensitive_actions": ["ticket.view",
                                                            "user.list"]}),
                200)
        r = self.d.call("GET", "/v1/tenants/%s/support-policy" % tid,
                        token=self.admin(tid, 1))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["max_minutes"], 90)
        self.assertEqual(r.body["second_approver"],
                         "tenant_admin_or_other_vendor")
        self.assertEqual(sorted(r.body["sensitive_actions"]),
                         ["ticket.view", "user.list"])
        # Back under approval_required, the still approved grant counts.
        m = self.d.log_size()
        self.assertEqual(self.act(tid).status, 200)
        self.assertEqual(self.event(m, "ticket.list")["detail"],
                         {"grant": rid})
        self.assertRefused(self.ask(tid, minutes=91), 400, "minutes")

    def test_bad_support_policy_is_refused_naming_the_field(self):
        tid = self.tenant()
        for body, field in (({"support_policy": "maybe"}, "support_policy"),
                            ({"max_minutes": 0}, "max_minutes"),
                            ({"max_minutes": 1441}, "max_minutes"),
                            ({"second_approver": "anyone"},
                             "second_approver"),
                            ({"sensitive_actions": ["user.create"]},
                             "sensitive_actions"),
                            ({"sensitive_actions": "ticket.view"},
                             "sensitive_actions")):
            with self.subTest(body=body):
                m = self.d.log_size()
                self.assertRefused(self.put_policy(tid, body), 400, field)
                self.assertOutcome(self.event(m, "tenant.support_policy"),
                                   "bad_request")
        r = self.put_policy(tid, {"support_policy": "auto_approve"},
                            token=self.eng)
        self.assertRefused(r, 403)
        r = self.d.call("GET", "/v1/tenants/%s/support-policy" % tid,
                        token=self.admin(tid))
        self.assertEqual((r.body["support_policy"], r.body["max_minutes"]),
                         ("approval_required", 480))


if __name__ == "__main__":
    unittest.main()
