# SPDX-License-Identifier: ISC
"""POST /v1/scope against a known history built through the real API on a
test clock (Daemon(clock=T), moved by hand; no sleeps).

The history (setUpClass), in a one-hour window W = [BASE, BASE + 1 h) and
around it: two vendors (sitel: alice, bob; acme: carol); alice logs in
from two devices (laptop: session A1, desktop: session A2; an older laptop
session A0 ended before W).  Tenants:

  used     approval_required; alice's request approved by its admin in W;
           she lists users, resets one password and one MFA, and is refused
           an admin's reset (second approval), a user delete and an export
  viewed   approval_required, approved in W; alice reads tickets (desktop)
  unused   approval_required, approved in W, never used        -> exposed
  span     approved before W, still valid in it, used only before W
                                                                -> exposed
  revoked  approved then revoked before W                      -> absent
  old      approved, used and expired before W                 -> absent
  edge     auto_approve; alice reads at BASE and BASE + 1 h - 1 ms (in W)
           and resets a password at BASE - 1 ms and BASE + 1 h (outside)
  auto     auto_approve; bob lists users and is refused a user create,
           carol reads tickets
  quiet    auto_approve, untouched                              -> exposed
  deny     deny policy; alice refused                           -> attempted
  noacc    approval_required, no request; alice refused         -> attempted
  refused  alice asks, the admin denies                         -> attempted
  glass    deny policy; the operator opens break-glass for carol, who
           resets a password

Every call's entry is read back and checked against the story (actor,
device, session, tenant, action, outcome, time); the expected entries,
actions, denied counts, users affected and first/last of each tenant are
then derived from that story for each question, and the exposure classes,
grants and policies are written out by hand.  Then: each question (by
engineer, device, session, vendor, ip, mixes, by tenant) tenant by tenant;
the window's edges to the second (from inclusive, to exclusive) for entries
and for grants; the checkpoint covers and verifies every cited entry; the
proofs verify against its root with the leaves of GET /v1/log/entries
(verifier shared with test_tlog.py); bad requests are 400 naming the
field; only the operator may ask; asking is recorded.

PolicyHistory: a tenant is exposed by its auto_approve policy only if that
policy was in force in the window.
"""
import base64
import calendar
import time
import unittest

import nacl.signing

import test_tlog as tl
from harness import TOTP_SECRET, Daemon, totp

BASE = 1642291200               # 2022-01-16T00:00:00Z, a TOTP step edge
HOUR = 3600
W0, W1 = BASE, BASE + HOUR      # the window the history is about
SETUP = BASE - 3 * HOUR
PW = "engineer password 1"
ADMIN_PW = "admin password 12"
USER_PW = "user password 12"
REASON = "customer cannot log in since Monday"
AUTO = ("edge", "auto", "quiet")
TENANTS = {
    "used": "approval_required", "viewed": "approval_required",
    "unused": "approval_required", "span": "approval_required",
    "revoked": "approval_required", "old": "approval_required",
    "edge": "auto_approve", "auto": "auto_approve", "quiet": "auto_approve",
    "deny": "deny", "noacc": "approval_required",
    "refused": "approval_required", "glass": "deny",
}
RANK = {"acted_upon": 0, "viewed": 1, "exposed": 2}
RESETS = ("user.password_reset", "user.mfa_reset")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def stamp(t):
    """An entry's time string for clock value t (ms precision)."""
    ms = int(round(t * 1000))
    return "%s.%03dZ" % (iso(ms // 1000)[:-1], ms % 1000)


def seconds(s):
    """RFC 3339 (with or without ms) -> float seconds."""
    main, frac = s[:19], s[19:-1]
    t = calendar.timegm(time.strptime(main, "%Y-%m-%dT%H:%M:%S"))
    return t + (float("0" + frac) if frac else 0.0)


class Who:
    def __init__(self, kind, id, vendor=None, device=None, token=None):
        self.kind, self.id, self.vendor = kind, id, vendor
        self.device, self.token, self.session = device, token, None


class History:
    """Drives the daemon and keeps, per entry it caused, what the story
    says the entry is (checked against the log as it goes)."""

    def __init__(self, tc, d):
        self.tc, self.d = tc, d
        self.recs = []          # dicts, in index order
        self.now = None
        self.keys = {}

    def at(self, t):
        self.now = t
        self.d.set_clock(t)

    def new_entries(self, start):
        """Entries since start, without the expiry sweeper's."""
        return [(i, ev) for i, ev, _ in self.d.entries(start)
                if ev["actor"]["kind"] != "system"]

    def record(self, start, expected):
        got = self.new_entries(start)
        self.tc.assertEqual(len(got), len(expected), got)
        for (i, ev), exp in zip(got, expected):
            exp["idx"] = i
            view = {"time": ev["time"], "kind": ev["actor"]["kind"],
                    "id": ev["actor"]["id"], "vendor": ev["actor"]["vendor"],
                    "device": ev["device"], "session": ev["session"],
                    "source": ev["source"], "tenant": ev["tenant"],
                    "action": ev["action"], "outcome": ev["outcome"],
                    "target": ev["target"]}
            # "?": what the daemon chose (a session or request id).
            for k in view:
                if exp[k] == "?":
                    exp[k] = view[k]
            self.tc.assertEqual(view, {k: exp[k] for k in view}, ev)
            self.recs.append(exp)
        return got

    def rec(self, who, action, tenant=None, outcome="allowed", target=None,
            kind=None, session=None):
        return {"time": stamp(self.now), "kind": kind or who.kind,
                "id": who.id, "vendor": who.vendor, "device": who.device,
                "session": session if session is not None else who.session,
                "source": "127.0.0.1", "tenant": tenant, "action": action,
                "outcome": outcome, "target": target, "who": who.id}

    def call(self, who, method, path, body=None, status=200, action=None,
             tenant=None, target=None):
        """One call; its one entry is checked and kept.  The outcome is
        'allowed' for a 2xx status, else 'denied'."""
        m = self.d.log_size()
        r = self.d.call(method, path, body, token=who.token)
        self.tc.assertEqual(r.status, status, (method, path, r))
        self.record(m, [self.rec(who, action, tenant,
                                 "allowed" if status < 300 else "denied",
                                 target)])
        return r

    def engineer_login(self, eng, device):
        m = self.d.log_size()
        r = self.d.call("POST", "/v1/auth/login", {
            "username": eng.id, "device": device})
        self.tc.assertEqual(r.status, 200, r)
        sig = self.keys[device].sign(r.body["challenge"].encode()).signature
        v = self.d.call("POST", "/v1/auth/verify", {
            "login_id": r.body["login_id"], "password": PW,
            "totp": totp(at=self.now),
            "device_signature": base64.b64encode(sig).decode()})
        self.tc.assertEqual(v.status, 200, v)
        s = Who("engineer", eng.id, eng.vendor, device, v.body["token"])
        self.record(m, [
            self.rec(s, "auth.login", kind="anonymous", target=eng.id),
            self.rec(s, "auth.verify", session="?")])
        s.session = self.recs[-1]["session"]
        return s

    def admin_login(self, tid):
        m = self.d.log_size()
        r = self.d.call("POST", "/v1/tenants/%s/auth/login" % tid, {
            "username": "admin", "password": ADMIN_PW,
            "totp": totp(at=self.now)})
        self.tc.assertEqual(r.status, 200, r)
        a = Who("tenant_admin", tid + "-admin", token=r.body["token"])
        self.record(m, [self.rec(a, "auth.login", tid, target="admin",
                                 session="?")])
        a.session = self.recs[-1]["session"]
        return a

    # --- support work -----------------------------------------------------

    def ask(self, eng, tid, minutes=30):
        r = self.call(eng, "POST", "/v1/tenants/%s/access-requests" % tid,
                      {"ticket": tid + "-t1", "reason": REASON,
                       "minutes": minutes}, 201, "access_request.create",
                      tid, "?")
        self.tc.assertEqual(self.recs[-1]["target"], r.body["id"])
        return r.body["id"]

    def answer(self, admin, tid, rid, verb):
        self.call(admin, "POST", "/v1/tenants/%s/access-requests/%s/%s" % (
            tid, rid, verb), None, 200, "access_request." + verb, tid, rid)

    def read(self, eng, tid, what="tickets", status=200, action=None):
        act = action or {"tickets": "ticket.list", "users": "user.list"}.get(
            what, "ticket.view")
        target = what.split("/")[1] if "/" in what else None
        self.call(eng, "GET", "/v1/tenants/%s/%s" % (tid, what), None,
                  status, act, tid, target)

    def reset(self, eng, tid, uid, kind="password", status=202):
        self.call(eng, "POST", "/v1/tenants/%s/users/%s/%s-reset" % (
            tid, uid, kind), {}, status, "user.%s_reset" % kind, tid, uid)


def build_world(d):
    """Vendors, engineers with devices, tenants with admins, users and a
    ticket; returns the devices' signing keys."""
    def ok(r):
        assert r.status == 201, r
    keys = {}
    ok(d.op("POST", "/v1/vendors", {"id": "sitel", "name": "Sitel"}))
    ok(d.op("POST", "/v1/vendors", {"id": "acme", "name": "Acme Support"}))
    for eng, vendor, devices in (("alice", "sitel", ("alice-laptop",
                                                     "alice-desktop")),
                                 ("bob", "sitel", ("bob-laptop",)),
                                 ("carol", "acme", ("carol-laptop",))):
        ok(d.op("POST", "/v1/engineers", {
            "id": eng, "username": eng, "vendor": vendor, "password": PW,
            "totp_secret": TOTP_SECRET}))
        for dev in devices:
            keys[dev] = nacl.signing.SigningKey.generate()
            ok(d.op("POST", "/v1/engineers/%s/devices" % eng, {
                "id": dev, "name": dev, "public_key": base64.b64encode(
                    bytes(keys[dev].verify_key)).decode()}))
    return keys


def add_tenant(d, tid, policy):
    def ok(r):
        assert r.status == 201, r
    ok(d.op("POST", "/v1/tenants", {"id": tid, "name": "Tenant " + tid,
                                    "support_policy": policy}))
    for uid, role, pw in (("admin", "admin", ADMIN_PW),
                          ("u1", "user", USER_PW), ("u2", "user", USER_PW)):
        ok(d.op("POST", "/v1/tenants/%s/users" % tid, {
            "id": "%s-%s" % (tid, uid), "username": uid,
            "email": "%s@%s.example" % (uid, tid), "password": pw,
            "role": role, "totp_secret": TOTP_SECRET}))
    ok(d.op("POST", "/v1/tenants/%s/tickets" % tid, {
        "id": tid + "-t1", "subject": "cannot log in", "body": "help",
        "requester": "u1@%s.example" % tid}))


class ScopeTest(unittest.TestCase):
    """Helpers shared by both classes."""

    def scope(self, principals=None, frm=W0, to=W1, **extra):
        body = {"from": iso(frm) if isinstance(frm, int) else frm,
                "to": iso(to) if isinstance(to, int) else to}
        if principals is not None:
            body["principals"] = principals
        body.update(extra)
        return self.d.op("POST", "/v1/scope", body)

    def scoped(self, principals=None, frm=W0, to=W1, **extra):
        r = self.scope(principals, frm, to, **extra)
        self.assertEqual(r.status, 200, r)
        return r.body


class Scope(ScopeTest):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(clock=SETUP)
        try:
            cls.build()
        except BaseException:
            cls.d.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    @classmethod
    def build(cls):
        tc = unittest.TestCase()
        d = cls.d
        h = cls.h = History(tc, d)
        h.at(SETUP)
        h.keys = build_world(d)
        for tid, policy in TENANTS.items():
            add_tenant(d, tid, policy)
        alice = Who("engineer", "alice", "sitel")
        bob = Who("engineer", "bob", "sitel")
        carol = Who("engineer", "carol", "acme")
        op = Who("operator", "operator", token=d.operator)
        g = cls.grant = {}

        # Before the window: old (used and over), revoked, span.
        h.at(BASE - 7200)
        a0 = h.engineer_login(alice, "alice-laptop")
        h.at(BASE - 7190)
        g["old"] = h.ask(a0, "old", 30)
        h.at(BASE - 7170)
        h.answer(h.admin_login("old"), "old", g["old"], "approve")
        h.at(BASE - 7100)
        h.read(a0, "old", "users")
        h.at(BASE - 1200)
        a1 = h.engineer_login(alice, "alice-laptop")
        h.at(BASE - 1190)
        g["span"] = h.ask(a1, "span", 30)     # approved -> BASE + 630
        h.at(BASE - 1170)
        h.answer(h.admin_login("span"), "span", g["span"], "approve")
        h.at(BASE - 1140)
        g["revoked"] = h.ask(a1, "revoked", 60)
        h.at(BASE - 1110)
        adm = h.admin_login("revoked")
        h.answer(adm, "revoked", g["revoked"], "approve")
        h.at(BASE - 1080)
        h.answer(adm, "revoked", g["revoked"], "revoke")
        h.at(BASE - 600)
        h.read(a1, "span")
        # The window's edges, to the millisecond.
        h.at(BASE - 0.001)
        h.reset(a1, "edge", "edge-u1")
        h.at(BASE)
        h.read(a1, "edge")

        # In the window.
        h.at(BASE + 60)
        g["used"] = h.ask(a1, "used", 60)     # approved -> BASE + 3690
        h.at(BASE + 90)
        h.answer(h.admin_login("used"), "used", g["used"], "approve")
        h.at(BASE + 120)
        h.read(a1, "used", "users")
        h.at(BASE + 180)
        h.reset(a1, "used", "used-u1")
        h.at(BASE + 240)
        h.reset(a1, "used", "used-u2", "mfa")
        h.at(BASE + 300)
        h.reset(a1, "used", "used-admin", status=403)   # second approval
        h.at(BASE + 360)
        h.call(a1, "DELETE", "/v1/tenants/used/users/used-u1", None, 403,
               "user.delete", "used", "used-u1")
        h.at(BASE + 420)
        h.call(a1, "GET", "/v1/tenants/used/export", None, 403,
               "tenant.export", "used")
        h.at(BASE + 480)
        g["viewed"] = h.ask(a1, "viewed", 30)  # approved -> BASE + 2310
        h.at(BASE + 510)
        h.answer(h.admin_login("viewed"), "viewed", g["viewed"], "approve")
        h.at(BASE + 600)
        a2 = h.engineer_login(alice, "alice-desktop")
        h.at(BASE + 660)
        h.read(a2, "viewed")
        h.at(BASE + 690)
        h.read(a2, "viewed", "tickets/viewed-t1")
        h.at(BASE + 720)
        g["unused"] = h.ask(a2, "unused", 30)  # approved -> BASE + 2550
        h.at(BASE + 750)
        h.answer(h.admin_login("unused"), "unused", g["unused"], "approve")
        h.at(BASE + 780)
        h.read(a2, "deny", status=403)
        h.at(BASE + 840)
        h.read(a1, "noacc", "users", status=403)
        h.at(BASE + 900)
        g["refused"] = h.ask(a1, "refused")
        h.at(BASE + 930)
        h.answer(h.admin_login("refused"), "refused", g["refused"], "deny")
        h.at(BASE + 1000)
        b1 = h.engineer_login(bob, "bob-laptop")
        h.at(BASE + 1060)
        h.read(b1, "auto", "users")
        h.at(BASE + 1090)
        h.call(b1, "POST", "/v1/tenants/auto/users", {
            "username": "x", "email": "x@auto.example", "password": USER_PW,
            "role": "user"}, 403, "user.create", "auto")
        h.at(BASE + 1200)
        r = h.call(op, "POST", "/v1/tenants/glass/break-glass", {
            "engineer": "carol", "reason": REASON, "minutes": 30}, 201,
            "access_request.break_glass", "glass", "?")
        g["glass"] = r.body["id"]
        tc.assertEqual(h.recs[-1]["target"], g["glass"])
        h.at(BASE + 1230)
        c1 = h.engineer_login(carol, "carol-laptop")
        h.at(BASE + 1260)
        h.reset(c1, "glass", "glass-u1")
        h.at(BASE + 1320)
        h.read(c1, "auto")
        h.at(BASE + 1800)
        h.read(a1, "used")
        h.at(BASE + 3000)
        h.read(a1, "used", "tickets/used-t1")
        h.at(W1 - 0.001)
        h.read(a1, "edge", "users")
        h.at(W1)
        h.reset(a1, "edge", "edge-u2")
        # After it: the questions are asked now.
        h.at(W1 + 400)
        cls.s = {"A0": a0.session, "A1": a1.session, "A2": a2.session,
                 "B1": b1.session, "C1": c1.session}
        cls.alice_token = a1.token

    # --- what the story says ------------------------------------------------

    def expected(self, pred, frm=W0, to=W1):
        """Per tenant: entries, actions, denied, users affected, first,
        last of the story's entries matching pred in [frm, to); and the
        summary's events and denied."""
        rows, events, denied = {}, 0, 0
        for r in self.h.recs:
            if not (pred(r) and frm <= int(seconds(r["time"])) < to):
                continue
            events += 1
            denied += r["outcome"] == "denied"
            if r["tenant"] is None:
                continue
            row = rows.setdefault(r["tenant"], {
                "entries": [], "actions": {}, "denied": {}, "users": set(),
                "first": r["time"], "last": r["time"]})
            row["entries"].append(r["idx"])
            k = "actions" if r["outcome"] == "allowed" else "denied"
            row[k][r["action"]] = row[k].get(r["action"], 0) + 1
            if r["outcome"] == "allowed" and r["action"] in RESETS:
                row["users"].add(r["target"])
            row["first"] = min(row["first"], r["time"])
            row["last"] = max(row["last"], r["time"])
        return rows, events, denied

    def assertScope(self, ans, pred, classes, grants, frm=W0, to=W1):
        """ans is the answer of the question pred stands for: classes maps
        every tenant it must list to acted_upon / viewed / exposed /
        attempted, grants each tenant to the grants (by story name) that
        must be listed with it."""
        rows, events, denied = self.expected(pred, frm, to)
        # Every tenant with an entry is classified by hand too.
        self.assertLessEqual(set(rows), set(classes), rows)
        listed = {r["tenant"]: r for r in ans["tenants"]}
        tried = {r["tenant"]: r for r in ans["attempted"]}
        self.assertEqual(sorted(listed), sorted(
            t for t, c in classes.items() if c != "attempted"), ans)
        self.assertEqual(sorted(tried), sorted(
            t for t, c in classes.items() if c == "attempted"), ans)
        for tid, cls in classes.items():
            with self.subTest(tenant=tid):
                row = listed.get(tid) or tried[tid]
                exp = rows.get(tid, {"entries": [], "actions": {},
                                     "denied": {}, "users": set()})
                if cls != "attempted":
                    self.assertEqual(row["exposure"], cls, row)
                self.assertEqual(row["entries"], exp["entries"], row)
                self.assertEqual(row["actions"], exp["actions"], row)
                self.assertEqual(row["denied"], exp["denied"], row)
                self.assertEqual(sorted(row["users_affected"]),
                                 sorted(exp["users"]), row)
                if exp["entries"]:
                    self.assertEqual((row["first"], row["last"]),
                                     (exp["first"], exp["last"]), row)
                else:
                    # Held access, nothing done: within the window if
                    # given.
                    for k in ("first", "last"):
                        if row[k] is not None:
                            self.assertTrue(frm <= seconds(row[k]) < to,
                                            row)
                self.assertEqual(sorted(row["grants"]), sorted(
                    self.grant[n] for n in grants.get(tid, ())), row)
                self.assertEqual(row.get("policy"), "auto_approve"
                                 if tid in AUTO and cls != "attempted"
                                 else None, row)
                self.assertEqual(row["name"], "Tenant " + tid, row)
                self.assertNotIn("proofs", row)
        n = lambda c: sum(1 for v in classes.values() if v == c)
        self.assertEqual(ans["summary"], {
            "events": events, "denied": denied,
            "tenants_acted_upon": n("acted_upon"),
            "tenants_viewed": n("viewed"), "tenants_exposed": n("exposed"),
            "tenants_attempted": n("attempted")}, ans["summary"])
        # Acted upon first, then viewed, then exposed; by id within.
        keys = [(RANK[r["exposure"]], r["tenant"]) for r in ans["tenants"]]
        self.assertEqual(keys, sorted(keys))
        self.assertEqual((ans["from"], ans["to"]), (iso(frm), iso(to)))

    # alice's grants in the window, and what each tenant is for her.
    ALICE_GRANTS = {"used": ["used"], "viewed": ["viewed"],
                    "unused": ["unused"], "span": ["span"]}
    ALICE = {"used": "acted_upon", "edge": "viewed", "viewed": "viewed",
             "unused": "exposed", "span": "exposed", "auto": "exposed",
             "quiet": "exposed", "deny": "attempted", "noacc": "attempted",
             "refused": "attempted"}

    # --- the questions ------------------------------------------------------

    def test_engineer_scope_sorts_every_tenant_as_the_history_says(self):
        q = {"engineers": ["alice"]}
        ans = self.scoped(q)
        self.assertScope(ans, lambda r: r["who"] == "alice", self.ALICE,
                         self.ALICE_GRANTS)
        self.assertEqual(ans["query"], q)
        # Before the window (old, revoked) and refused access leave nothing
        # exposed; by the numbers of the story:
        used = [r for r in ans["tenants"] if r["tenant"] == "used"][0]
        self.assertEqual(used["actions"], {
            "access_request.create": 1, "user.list": 1,
            "user.password_reset": 1, "user.mfa_reset": 1,
            "ticket.list": 1, "ticket.view": 1})
        self.assertEqual(used["denied"], {"user.password_reset": 1,
                                          "user.delete": 1,
                                          "tenant.export": 1})
        self.assertEqual(sorted(used["users_affected"]),
                         ["used-u1", "used-u2"])
        bob = self.scoped({"engineers": ["bob"]})
        self.assertScope(bob, lambda r: r["who"] == "bob", {
            "auto": "viewed", "edge": "exposed", "quiet": "exposed"}, {})
        carol = self.scoped({"engineers": ["carol"]})
        self.assertScope(carol, lambda r: r["who"] == "carol", {
            "glass": "acted_upon", "auto": "viewed", "edge": "exposed",
            "quiet": "exposed"}, {"glass": ["glass"]})

    def test_each_device_scopes_only_its_own_entries(self):
        laptop = self.scoped({"devices": ["alice-laptop"]})
        self.assertScope(laptop, lambda r: r["device"] == "alice-laptop", {
            "used": "acted_upon", "edge": "viewed", "viewed": "exposed",
            "unused": "exposed", "span": "exposed", "auto": "exposed",
            "quiet": "exposed", "noacc": "attempted",
            "refused": "attempted"}, self.ALICE_GRANTS)
        desk = self.scoped({"devices": ["alice-desktop"]})
        self.assertScope(desk, lambda r: r["device"] == "alice-desktop", {
            "viewed": "viewed", "used": "exposed", "unused": "exposed",
            "span": "exposed", "edge": "exposed", "auto": "exposed",
            "quiet": "exposed", "deny": "attempted"}, self.ALICE_GRANTS)
        # The two devices split alice's entries between them.
        both = set()
        for ans in (laptop, desk):
            mine = set()
            for r in ans["tenants"] + ans["attempted"]:
                mine |= set(r["entries"])
            self.assertFalse(mine & both)
            both |= mine
        alice = self.scoped({"engineers": ["alice"]})
        self.assertEqual(both, {i for r in alice["tenants"] +
                                alice["attempted"] for i in r["entries"]})
        # A device that did nothing in the window exposes nothing.
        none = self.scoped({"devices": ["bob-laptop"]}, BASE - 3000,
                           BASE - 2000)
        self.assertEqual((none["tenants"], none["attempted"],
                          none["summary"]["events"]), ([], [], 0), none)

    def test_each_session_scopes_only_its_own_entries(self):
        s = self.s
        a1 = self.scoped({"sessions": [s["A1"]]})
        self.assertScope(a1, lambda r: r["session"] == s["A1"], {
            "used": "acted_upon", "edge": "viewed", "viewed": "exposed",
            "unused": "exposed", "span": "exposed", "auto": "exposed",
            "quiet": "exposed", "noacc": "attempted",
            "refused": "attempted"}, self.ALICE_GRANTS)
        a2 = self.scoped({"sessions": [s["A2"]]})
        self.assertScope(a2, lambda r: r["session"] == s["A2"], {
            "viewed": "viewed", "used": "exposed", "unused": "exposed",
            "span": "exposed", "edge": "exposed", "auto": "exposed",
            "quiet": "exposed", "deny": "attempted"}, self.ALICE_GRANTS)
        # The session login's own entry is the session's; the device's
        # anonymous login step is not.
        self.assertEqual(a2["summary"]["events"], 5)
        desk = self.scoped({"devices": ["alice-desktop"]})
        self.assertEqual(desk["summary"]["events"], 6)
        # A0 ended long before the window: nothing.
        a0 = self.scoped({"sessions": [s["A0"]]})
        self.assertEqual((a0["tenants"], a0["attempted"],
                          a0["summary"]["events"]), ([], [], 0), a0)
        # ... but over its own hour it used old.
        old = self.scoped({"sessions": [s["A0"]]}, BASE - 7200, BASE - 7000)
        self.assertScope(old, lambda r: r["session"] == s["A0"], {
            "old": "viewed", "edge": "exposed", "auto": "exposed",
            "quiet": "exposed"}, {"old": ["old"]}, BASE - 7200, BASE - 7000)

    def test_vendor_scope_covers_its_engineers_and_their_grants(self):
        sitel = self.scoped({"vendors": ["sitel"]})
        classes = dict(self.ALICE, auto="viewed")
        self.assertScope(sitel, lambda r: r["vendor"] == "sitel", classes,
                         self.ALICE_GRANTS)
        acme = self.scoped({"vendors": ["acme"]})
        self.assertScope(acme, lambda r: r["vendor"] == "acme", {
            "glass": "acted_upon", "auto": "viewed", "edge": "exposed",
            "quiet": "exposed"}, {"glass": ["glass"]})
        # The vendor's grants count even where none of its engineers did
        # anything: between BASE + 40 min and + 45 min used and unused
        # were held, viewed had ended.
        quiet = self.scoped({"vendors": ["sitel"]}, BASE + 2400,
                            BASE + 2700)
        self.assertScope(quiet, lambda r: r["vendor"] == "sitel", {
            "used": "exposed", "unused": "exposed", "edge": "exposed",
            "auto": "exposed", "quiet": "exposed"},
            {"used": ["used"], "unused": ["unused"]}, BASE + 2400,
            BASE + 2700)

    def test_ip_scope_holds_every_entry_from_that_address(self):
        ans = self.scoped({"ips": ["127.0.0.1"]})
        # Everyone worked from loopback here: every engineer's tenants,
        # with the admins' approvals and the operator's break-glass (which
        # count, but expose nothing by themselves).
        classes = dict(self.ALICE, auto="viewed", glass="acted_upon")
        self.assertScope(ans, lambda r: r["source"] == "127.0.0.1", classes,
                         dict(self.ALICE_GRANTS, glass=["glass"]))
        used = [r for r in ans["tenants"] if r["tenant"] == "used"][0]
        self.assertEqual(used["actions"]["access_request.approve"], 1)
        self.assertEqual(used["actions"]["auth.login"], 1)
        glass = [r for r in ans["tenants"] if r["tenant"] == "glass"][0]
        self.assertEqual(glass["actions"]["access_request.break_glass"], 1)
        other = self.scoped({"ips": ["192.0.2.1"]})
        self.assertEqual((other["tenants"], other["attempted"],
                          other["summary"]["events"]), ([], [], 0), other)

    def test_mixed_principals_are_one_union_without_duplicates(self):
        s = self.s
        # The same entries named three ways: counted once.
        ans = self.scoped({"engineers": ["alice"], "devices":
                           ["alice-laptop", "alice-desktop"],
                           "sessions": [s["A1"], s["A2"]],
                           "vendors": [], "ips": []})
        self.assertScope(ans, lambda r: r["who"] == "alice", self.ALICE,
                         self.ALICE_GRANTS)
        # A name given twice counts once.
        ans = self.scoped({"engineers": ["alice", "alice"]})
        self.assertScope(ans, lambda r: r["who"] == "alice", self.ALICE,
                         self.ALICE_GRANTS)
        # alice's desktop and carol.
        ans = self.scoped({"devices": ["alice-desktop"],
                           "engineers": ["carol"]})
        self.assertScope(ans, lambda r: r["device"] == "alice-desktop" or
                         r["who"] == "carol", {
                             "glass": "acted_upon", "viewed": "viewed",
                             "auto": "viewed", "used": "exposed",
                             "unused": "exposed", "span": "exposed",
                             "edge": "exposed", "quiet": "exposed",
                             "deny": "attempted"},
                         dict(self.ALICE_GRANTS, glass=["glass"]))
        # bob's session and the acme vendor.
        ans = self.scoped({"sessions": [s["B1"]], "vendors": ["acme"]})
        self.assertScope(ans, lambda r: r["session"] == s["B1"] or
                         r["vendor"] == "acme", {
                             "glass": "acted_upon", "auto": "viewed",
                             "edge": "exposed", "quiet": "exposed"},
                         {"glass": ["glass"]})

    def test_window_edges_from_inclusive_to_exclusive(self):
        def edge(frm, to):
            ans = self.scoped({"engineers": ["alice"]}, frm, to)
            return [r for r in ans["tenants"] if r["tenant"] == "edge"][0]
        recs = {r["time"]: r["idx"] for r in self.h.recs
                if r["tenant"] == "edge"}
        at_from, before = recs[stamp(W0)], recs[stamp(W0 - 0.001)]
        last, at_to = recs[stamp(W1 - 0.001)], recs[stamp(W1)]
        row = edge(W0, W1)
        self.assertEqual((row["exposure"], row["entries"], row["first"],
                          row["last"]), ("viewed", [at_from, last],
                                         "2022-01-16T00:00:00.000Z",
                                         "2022-01-16T00:59:59.999Z"), row)
        self.assertEqual(row["actions"], {"ticket.list": 1, "user.list": 1})
        # One second later at the start, one earlier at the end: both
        # edge entries fall out.
        row = edge(W0 + 1, W1 - 1)
        self.assertEqual((row["exposure"], row["entries"]), ("exposed", []),
                         row)
        # One second wider each way: the resets at BASE - 1 ms and at
        # BASE + 1 h come in.
        row = edge(W0 - 1, W1 + 1)
        self.assertEqual((row["exposure"], row["entries"]), (
            "acted_upon", [before, at_from, last, at_to]), row)
        self.assertEqual(sorted(row["users_affected"]),
                         ["edge-u1", "edge-u2"])
        # Exactly each edge alone.
        self.assertEqual(edge(W0, W0 + 1)["entries"], [at_from])
        self.assertEqual(edge(W0 - 1, W0)["entries"], [before])
        self.assertEqual(edge(W1 - 1, W1)["entries"], [last])
        self.assertEqual(edge(W1, W1 + 1)["entries"], [at_to])
        # Another offset names the same instant.
        ans = self.scoped({"engineers": ["alice"]},
                          "2022-01-16T01:00:00+01:00",
                          "2022-01-16T00:00:01-00:00")
        self.assertEqual((ans["from"], ans["to"]), (iso(W0), iso(W0 + 1)))
        self.assertEqual([r["entries"] for r in ans["tenants"]
                          if r["tenant"] == "edge"], [[at_from]])
        # Fractions of a second in the question are cut to the second.
        ans = self.scoped({"engineers": ["alice"]},
                          "2022-01-16T00:00:00.999Z", iso(W0 + 1))
        self.assertEqual([r["entries"] for r in ans["tenants"]
                          if r["tenant"] == "edge"], [[at_from]])

    def test_grants_count_from_approval_to_their_end(self):
        def tenants(frm, to):
            ans = self.scoped({"engineers": ["alice"]}, frm, to)
            return {r["tenant"]: r["exposure"] for r in ans["tenants"]}
        # viewed: approved at BASE + 510, expired at BASE + 2310.
        self.assertNotIn("viewed", tenants(BASE + 500, BASE + 510))
        self.assertEqual(tenants(BASE + 500, BASE + 511)["viewed"],
                         "exposed")
        self.assertEqual(tenants(BASE + 2309, BASE + 2310)["viewed"],
                         "exposed")
        self.assertNotIn("viewed", tenants(BASE + 2310, BASE + 2400))
        # revoked: approved at BASE - 1110, revoked at BASE - 1080.
        self.assertEqual(tenants(BASE - 1100, BASE - 1090)["revoked"],
                         "exposed")
        self.assertNotIn("revoked", tenants(BASE - 1080, BASE))

    def test_held_access_without_actions_is_exposed(self):
        ans = self.scoped({"engineers": ["alice"]})
        rows = {r["tenant"]: r for r in ans["tenants"]}
        # Approved, never used; approved before the window; auto_approve.
        for tid in ("unused", "span", "auto", "quiet"):
            self.assertEqual(rows[tid]["exposure"], "exposed", rows[tid])
            self.assertEqual({k: v for k, v in rows[tid]["actions"].items()
                              if not k.startswith("access_request.")}, {})
        self.assertEqual(rows["span"]["entries"], [])
        self.assertEqual(rows["quiet"]["entries"], [])
        # Used only before the window, or revoked before it: not there.
        for tid in ("old", "revoked"):
            self.assertNotIn(tid, rows)
            self.assertNotIn(tid, [r["tenant"] for r in ans["attempted"]])
        # An hour with nothing done: only the auto_approve tenants.
        ans = self.scoped({"engineers": ["alice"]}, BASE - 2 * HOUR - 1800,
                          BASE - 2 * HOUR - 900)
        self.assertScope(ans, lambda r: r["who"] == "alice", {
            "edge": "exposed", "auto": "exposed", "quiet": "exposed"}, {},
            BASE - 2 * HOUR - 1800, BASE - 2 * HOUR - 900)

    def test_denied_attempts_and_attempted_tenants(self):
        ans = self.scoped({"engineers": ["alice"]})
        self.assertEqual(ans["summary"]["denied"], 5)
        tried = {r["tenant"]: r for r in ans["attempted"]}
        self.assertEqual(tried["deny"]["denied"], {"ticket.list": 1})
        self.assertEqual(tried["noacc"]["denied"], {"user.list": 1})
        self.assertEqual(tried["refused"]["actions"],
                         {"access_request.create": 1})
        for r in tried.values():
            self.assertNotIn("exposure", r)
            self.assertEqual((r["users_affected"], r["grants"]), ([], []))
        # Refused while holding access: exposed, with the refusals, not
        # "attempted".
        ans = self.scoped({"engineers": ["alice"]}, BASE + 360, BASE + 421)
        used = [r for r in ans["tenants"] if r["tenant"] == "used"][0]
        self.assertEqual((used["exposure"], used["actions"], used["denied"],
                          used["grants"]),
                         ("exposed", {}, {"user.delete": 1,
                                          "tenant.export": 1},
                          [self.grant["used"]]), used)
        self.assertEqual(ans["attempted"], [])
        bob = self.scoped({"engineers": ["bob"]})
        auto = [r for r in bob["tenants"] if r["tenant"] == "auto"][0]
        self.assertEqual((auto["exposure"], auto["actions"], auto["denied"]),
                         ("viewed", {"user.list": 1}, {"user.create": 1}))

    def test_users_affected_are_the_targets_of_allowed_resets(self):
        ans = self.scoped({"ips": ["127.0.0.1"]})
        got = {r["tenant"]: sorted(r["users_affected"])
               for r in ans["tenants"] + ans["attempted"]}
        self.assertEqual({t: u for t, u in got.items() if u}, {
            "used": ["used-u1", "used-u2"], "glass": ["glass-u1"]})
        # The refused reset of used's admin is a denied attempt only.
        used = [r for r in ans["tenants"] if r["tenant"] == "used"][0]
        self.assertNotIn("used-admin", used["users_affected"])
        self.assertEqual(used["denied"]["user.password_reset"], 1)

    def test_inverse_lists_every_principal_that_touched_the_tenant(self):
        s = self.s
        for tid in ("used", "auto", "noacc"):
            with self.subTest(tenant=tid):
                ans = self.scoped(None, tenant=tid)
                self.assertEqual((ans["tenant"], ans["from"], ans["to"]),
                                 (tid, iso(W0), iso(W1)))
                want = {}
                for r in self.h.recs:
                    if r["tenant"] != tid or not (
                            W0 <= int(seconds(r["time"])) < W1):
                        continue
                    for key in ((r["kind"], r["id"]),
                                ("vendor", r["vendor"]),
                                ("device", r["device"]),
                                ("session", r["session"]),
                                ("ip", r["source"])):
                        if key[1] is None:
                            continue
                        p = want.setdefault(key, {"entries": [],
                                                  "actions": {},
                                                  "denied": {},
                                                  "first": r["time"],
                                                  "last": r["time"]})
                        p["entries"].append(r["idx"])
                        k = "actions" if r["outcome"] == "allowed" \
                            else "denied"
                        p[k][r["action"]] = p[k].get(r["action"], 0) + 1
                        p["last"] = r["time"]
                got = {(p["kind"], p["id"]): p for p in ans["principals"]}
                self.assertEqual(sorted(got), sorted(want), ans)
                for key, p in want.items():
                    self.assertEqual({k: got[key][k] for k in p}, p, key)
        ans = self.scoped(None, tenant="used")
        kinds = {(p["kind"], p["id"]) for p in ans["principals"]}
        self.assertLessEqual({("engineer", "alice"), ("vendor", "sitel"),
                              ("device", "alice-laptop"),
                              ("session", s["A1"]),
                              ("tenant_admin", "used-admin"),
                              ("ip", "127.0.0.1")}, kinds)
        self.assertNotIn(("device", "alice-desktop"), kinds)

    def test_checkpoint_covers_and_verifies_every_cited_entry(self):
        key = tl.fetch_key(self.d)
        leaves = [tl.leaf_hash(e[2]) for e in self.d.entries()]
        for body in ({"principals": {"engineers": ["alice"]}},
                     {"principals": {"ips": ["127.0.0.1"]}},
                     {"tenant": "used"}):
            with self.subTest(body=body):
                ans = self.scoped(**body)
                _, size, root = tl.open_checkpoint(ans["checkpoint"], key)
                self.assertEqual(size, ans["size"])
                cited = [i for r in ans.get("tenants", []) +
                         ans.get("attempted", []) +
                         ans.get("principals", []) for i in r["entries"]]
                self.assertTrue(cited)
                self.assertGreater(size, max(cited))
                self.assertLessEqual(size, len(leaves))
                self.assertEqual(tl.tree_root(leaves[:size]), root)

    def test_proofs_verify_against_the_checkpoint_root(self):
        key = tl.fetch_key(self.d)
        ans = self.scoped({"engineers": ["alice", "carol"]}, proofs=True)
        _, size, root = tl.open_checkpoint(ans["checkpoint"], key)
        entries = {i: leaf for i, _, leaf in self.d.entries()}
        rows = ans["tenants"] + ans["attempted"]
        self.assertGreaterEqual(sum(len(r["entries"]) for r in rows), 20)
        for row in rows:
            self.assertEqual(sorted(row["proofs"], key=int),
                             [str(i) for i in row["entries"]], row)
            for i in row["entries"]:
                proof = tl.b64hashes(row["proofs"][str(i)])
                self.assertTrue(tl.verify_inclusion(
                    i, size, tl.leaf_hash(entries[i]), proof, root),
                    (row["tenant"], i))
                # The verifier can fail: another entry's leaf.
                self.assertFalse(tl.verify_inclusion(
                    i, size, tl.leaf_hash(entries[i] + b" "), proof, root))
        self.assertNotIn("proofs", self.scoped({"engineers": ["alice"]},
                                               proofs=False)["tenants"][0])

    def test_bad_requests_are_400_naming_the_field(self):
        good = {"engineers": ["alice"]}
        cases = (
            ({"from": iso(W0), "to": iso(W1)}, "principals"),
            ({"principals": {}, "from": iso(W0), "to": iso(W1)},
             "principals"),
            ({"principals": {"engineers": []}, "from": iso(W0),
              "to": iso(W1)}, "principals"),
            ({"principals": good, "from": iso(W1), "to": iso(W1)}, "to"),
            ({"principals": good, "from": iso(W1), "to": iso(W0)}, "to"),
            ({"principals": good, "from": "yesterday", "to": iso(W1)},
             "from"),
            ({"principals": good, "from": iso(W0),
              "to": "2022-13-01T00:00:00Z"}, "to"),
            ({"principals": good, "to": iso(W1)}, "from"),
            ({"principals": good, "from": iso(W0)}, "to"),
            ({"principals": {"users": ["alice"]}, "from": iso(W0),
              "to": iso(W1)}, "users"),
            ({"principals": {"engineers": "alice"}, "from": iso(W0),
              "to": iso(W1)}, "principals.engineers"),
            ({"principals": {"engineers": [""]}, "from": iso(W0),
              "to": iso(W1)}, "principals.engineers"),
            ({"principals": {"devices": ["d" * 200]}, "from": iso(W0),
              "to": iso(W1)}, "principals.devices"),
            ({"principals": good, "tenant": "used", "from": iso(W0),
              "to": iso(W1)}, "tenant"),
            ({"principals": ["alice"], "from": iso(W0), "to": iso(W1)},
             "principals"),
            ({"principals": good, "from": iso(W0), "to": iso(W1),
              "proofs": "yes"}, "proofs"),
            ({"principals": good, "from": iso(W0), "to": iso(W1),
              "colour": 1}, "colour"),
        )
        for body, field in cases:
            with self.subTest(body=body):
                m = self.d.log_size()
                r = self.d.op("POST", "/v1/scope", body)
                self.assertEqual((r.status, r.body["error"]["code"]),
                                 (400, "bad_request"), r)
                self.assertIn("'%s'" % field, r.body["error"]["message"], r)
                ev = self.h.new_entries(m)[-1][1]
                self.assertEqual((ev["action"], ev["outcome"]),
                                 ("scope", "denied"), ev)
        r = self.d.call("POST", "/v1/scope", raw=b"{not json",
                        token=self.d.operator)
        self.assertEqual(r.status, 400, r)

    def test_only_the_operator_may_ask_and_refusals_are_recorded(self):
        h = self.h
        admin = self.d.call("POST", "/v1/tenants/quiet/auth/login", {
            "username": "admin", "password": ADMIN_PW,
            "totp": totp(at=h.now)})
        self.assertEqual(admin.status, 200, admin)
        user = self.d.call("POST", "/v1/tenants/quiet/auth/login", {
            "username": "u1", "password": USER_PW, "totp": totp(at=h.now)})
        self.assertEqual(user.status, 200, user)
        body = {"principals": {"engineers": ["alice"]}, "from": iso(W0),
                "to": iso(W1)}
        for who, token, status in (
                ("engineer", self.alice_token, 403),
                ("tenant admin", admin.body["token"], 403),
                ("tenant user", user.body["token"], 403),
                ("nobody", None, 401), ("bad token", "cse_nope", 401)):
            with self.subTest(who=who):
                m = self.d.log_size()
                r = self.d.call("POST", "/v1/scope", body, token=token)
                self.assertEqual(r.status, status, r)
                self.assertNotIn("tenants", r.body)
                ev = h.new_entries(m)[-1][1]
                self.assertEqual((ev["action"], ev["outcome"]),
                                 ("scope", "denied"), ev)
        # The inverse too.
        r = self.d.call("POST", "/v1/scope", {"tenant": "used", "from":
                                               iso(W0), "to": iso(W1)},
                        token=self.alice_token)
        self.assertEqual(r.status, 403, r)

    def test_a_question_that_matches_nothing_is_answered(self):
        """No entry, no engineer, no vendor: 200 and nothing listed (the
        daemon must not fall over on an empty match)."""
        for q in ({"ips": ["192.0.2.1"]}, {"sessions": ["ses_none"]},
                  {"devices": ["no-such-device"]}):
            with self.subTest(query=q):
                ans = self.scoped(q)
                self.assertEqual((ans["tenants"], ans["attempted"],
                                  ans["summary"]["events"]), ([], [], 0),
                                 ans)
                tl.open_checkpoint(ans["checkpoint"], tl.fetch_key(self.d))
        ans = self.scoped(None, tenant="quiet")
        self.assertEqual(ans["principals"], [], ans)
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)

    def test_the_scope_question_is_recorded(self):
        m = self.d.log_size()
        self.scoped({"engineers": ["alice"]})
        ev = self.h.new_entries(m)
        self.assertEqual(len(ev), 1, ev)
        ev = ev[0][1]
        self.assertEqual((ev["action"], ev["outcome"], ev["actor"]["kind"],
                          ev["time"]), ("scope", "allowed", "operator",
                                        stamp(self.h.now)), ev)
        m = self.d.log_size()
        self.scoped(None, tenant="glass")
        ev = self.h.new_entries(m)[-1][1]
        self.assertEqual((ev["action"], ev["outcome"], ev["tenant"]),
                         ("scope", "allowed", "glass"), ev)


class PolicyHistory(ScopeTest):
    """Exposure by policy follows the policy in force in the window, not
    the one set afterwards: a tenant that was auto_approve then and locked
    down since (what a customer does after an incident) was exposed; one
    that became auto_approve only later, or did not exist yet, was not."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(clock=SETUP)
        try:
            cls.keys = build_world(cls.d)
            for tid, pol in (("was-auto", "auto_approve"),
                             ("now-auto", "approval_required")):
                add_tenant(cls.d, tid, pol)
        except BaseException:
            cls.d.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def test_exposure_by_policy_follows_the_policy_of_the_window(self):
        d = self.d
        h = History(self, d)
        h.keys = self.keys
        h.at(BASE + 60)
        bob = h.engineer_login(Who("engineer", "bob", "sitel"), "bob-laptop")
        h.at(BASE + 120)
        h.read(bob, "was-auto")
        h.at(W1 + 600)
        for tid, pol in (("was-auto", "approval_required"),
                         ("now-auto", "auto_approve")):
            a = h.admin_login(tid)
            r = d.call("PUT", "/v1/tenants/%s/support-policy" % tid,
                       {"support_policy": pol}, token=a.token)
            self.assertEqual(r.status, 200, r)
        add_tenant(d, "late-auto", "auto_approve")
        for q in ({"engineers": ["alice"]}, {"vendors": ["sitel"]},
                  {"engineers": ["bob"]}):
            with self.subTest(query=q):
                ans = self.scoped(q)
                got = {r["tenant"]: r["exposure"] for r in ans["tenants"]}
                want = {"was-auto": "viewed" if "bob" in str(q) or
                        "sitel" in str(q) else "exposed"}
                self.assertEqual(got, want, ans)


if __name__ == "__main__":
    unittest.main()
