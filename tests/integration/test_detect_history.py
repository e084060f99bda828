# SPDX-License-Identifier: ISC
"""Detection over imported history: last month's Okta System Log,
imported, tells the security team what it missed.

The Okta events are written here from Okta's public event-type catalogue
and the System Log event format (uuid, published, eventType, actor,
client, authenticationContext, outcome, target[], debugContext), the
types as custos maps them (docs/import.md): user.mfa.factor.reset_all
(user.mfa_reset), user.session.start (auth.login, refused with Okta's
outcome.reason INVALID_CREDENTIALS or LOCKED_OUT), and
user.session.access_admin_app (user.list, tenant from
debugContext.debugData.tenant).  The body lists them out of time order;
detection feeds each run of imported entries in the events' own order.

Checked: each rule's alert over the imported month (reset_burst for nine
MFA resets in seven minutes by an actor whose id is an e-mail address,
login_failures, account_locked, session_two_addresses, tenant_hopping,
and forbidden_probe from a format=entries import) appears in GET
/v1/alerts exactly once, at the time of the event that completed the
pattern, marked "history" with "found_at" (the daemon's clock) and the
import's first and last index; nothing is contained; the alert's own log
entry says history; GET /v1/alerts?history=true|false lists one kind or
the other; the operator's mail says history.  Live detection is
unaffected: imported refused sign-ins of eng1 minutes ago do not add up
with eng1's live bad passwords.  A restart, importing the same file
again and importing another file raise no alert twice.  A burst whose
events fall on both sides of a 4096-entry block of one import is found
once.  On PostgreSQL,
two nodes: the month imported through the node that does not detect
raises each alert once; the detecting node killed, the survivor takes
over and the same file again raises nothing twice.
"""
import calendar
import json
import time
import unittest

import cluster
from harness import PG, World, pg_server
from test_detect import DetectTest, restart, stamp

# The daemon's "now": 2026-12-02 12:00:15 UTC; the history is November's.
NOW = calendar.timegm((2026, 12, 2, 12, 0, 15, 0, 0, 0))


def t_of(y, mo, d, h, mi, s=0):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


def okta_time(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000Z"


_uuid = [0]


def okta(event_type, t, actor, ip, result="SUCCESS", reason=None,
         session=None, targets=(), tenant=None):
    """One System Log event as Okta publishes it."""
    _uuid[0] += 1
    n = _uuid[0]
    ev = {
        "uuid": "b7c3%04x-2f1e-11f1-8e4c-5f2a9d0e%04x" % (n, n),
        "published": okta_time(t),
        "eventType": event_type,
        "version": "0",
        "severity": "INFO",
        "displayMessage": event_type,
        "actor": {"id": "00u%016x" % (hash(actor) & 0xffffffffffffffff),
                  "type": "User", "alternateId": actor,
                  "displayName": actor.split("@")[0],
                  "detailEntry": None},
        "client": {"userAgent": {"rawUserAgent": "Mozilla/5.0",
                                 "os": "Windows 10", "browser": "CHROME"},
                   "zone": "null", "device": "Computer", "id": None,
                   "ipAddress": ip,
                   "geographicalContext": None},
        "authenticationContext": {"authenticationStep": 0,
                                  "externalSessionId": session},
        "outcome": {"result": result, "reason": reason},
        "transaction": {"type": "WEB", "id": "Xq%08dAAB" % n,
                        "detail": {}},
        "debugContext": {"debugData": {"requestUri": "/api/v1/x"}},
        "legacyEventType": None,
        "target": [{"id": "00u%08dtgt" % n, "type": "User",
                    "alternateId": u, "displayName": u}
                   for u in targets],
    }
    if tenant is not None:
        ev["debugContext"]["debugData"]["tenant"] = tenant
    return ev


MAL = "mallory@sitel.example"
VICTIM = "victim@sitel.example"
JDOE = "jdoe@sitel.example"
HOPPER = "hopper@sitel.example"

RESETS0 = t_of(2026, 11, 10, 9, 0)
FAILS0 = t_of(2026, 11, 12, 3, 0)
SESSION0 = t_of(2026, 11, 15, 14, 0)
HOP0 = t_of(2026, 11, 20, 10, 0)


def november():
    """The month, and the alerts it must raise: (rule, subject, time)."""
    evs = []
    # Nine MFA factor resets by one actor within seven minutes (50 s
    # apart), listed newest first.
    for k in reversed(range(9)):
        evs.append(okta("user.mfa.factor.reset_all", RESETS0 + 50 * k, MAL,
                        "203.0.113.45", session="102malSess0001",
                        targets=["user%d@acme.example" % k]))
    # Six refused sign-ins of one account, 30 s apart, then the lockout.
    for k in range(6):
        evs.append(okta("user.session.start", FAILS0 + 30 * k, VICTIM,
                        "198.51.100.9", result="FAILURE",
                        reason="INVALID_CREDENTIALS"))
    evs.append(okta("user.session.start", FAILS0 + 210, VICTIM,
                    "198.51.100.9", result="FAILURE", reason="LOCKED_OUT"))
    # A session signed in from one address, used from another.
    evs.append(okta("user.session.access_admin_app", SESSION0 + 600, JDOE,
                    "192.0.2.200", session="102jdoeSessHop01"))
    evs.append(okta("user.session.start", SESSION0, JDOE, "203.0.113.45",
                    session="102jdoeSessHop01"))
    # Eleven tenants' admin consoles within eleven minutes.
    for k in range(11):
        evs.append(okta("user.session.access_admin_app", HOP0 + 60 * k,
                        HOPPER, "203.0.113.80", session="102hopSess01",
                        tenant="cust%02d" % k))
    # Okta types custos does not map are skipped and raise nothing.
    evs.append(okta("policy.evaluate_sign_on", RESETS0 + 1, MAL,
                    "203.0.113.45"))
    want = {
        ("reset_burst", MAL, RESETS0 + 4 * 50),
        ("login_failures", VICTIM, FAILS0 + 4 * 30),
        ("account_locked", VICTIM, FAILS0 + 210),
        ("session_two_addresses", "102jdoeSessHop01", SESSION0 + 600),
        ("tenant_hopping", HOPPER, HOP0 + 600),
    }
    return evs, want


def jsonl(evs):
    return "".join(json.dumps(e) + "\n" for e in evs).encode()


def key(a):
    return (a["rule"], a["subject"], a["time"])


def alert_time(t):
    return stamp(t)[:-1] + ".000Z"


class DetectHistory(DetectTest):
    start = NOW

    def imp(self, fmt, body):
        r = self.d.call("POST", "/v1/import?" + fmt, raw=body,
                        token=self.d.operator)
        self.assertEqual(r.status, 200, r)
        return r.body

    def history_alerts(self):
        return [a for a in self.alerts("?limit=1000") if a.get("history")]

    def wait_history(self):
        """The history alerts, once detection is past every entry so far:
        a run of imported entries is fed before the live entry after it,
        so settle()'s barrier comes after its alerts."""
        self.settle()
        return self.history_alerts()

    def check_history_alert(self, a, imp, found_at):
        self.assertIs(a["history"], True, a)
        self.assertEqual(a["found_at"], alert_time(found_at), a)
        self.assertEqual(a["import"], {"first_index": imp["first_index"],
                                       "last_index": imp["last_index"]}, a)
        self.assertIsNone(a["containment"], a)
        self.assertTrue(a["entries"], a)
        for i in a["entries"]:
            self.assertTrue(imp["first_index"] <= i <= imp["last_index"],
                            (i, a))
        # The entry that completed the pattern is the alert's time.
        last = self.event(a["entries"][-1])
        self.assertEqual(last["time"], a["time"], (last, a))
        self.assertEqual(last["detail"]["imported"], "okta"
                         if a["rule"] != "forbidden_probe" else "custos")
        # Its own log entry, by custosd now, says history.
        i = self.last_index("alert", target=a["id"])
        e = self.event(i)
        self.assertEqual(e["actor"]["id"], "custosd", e)
        self.assertEqual(e["detail"]["history"], "true", e)
        self.assertEqual(e["detail"]["rule"], a["rule"], e)

    def test_last_month_raises_each_rule_once_at_the_events_times(self):
        live_before = [a for a in self.alerts() if not a.get("history")]
        evs, want = november()
        body = jsonl(evs)
        imp = self.imp("format=okta", body)
        self.assertEqual(imp["imported"], len(evs) - 1, imp)
        got = self.wait_history()
        self.assertEqual(sorted(key(a) for a in got),
                         sorted((r, s, alert_time(t)) for r, s, t in want),
                         got)
        for a in got:
            self.check_history_alert(a, imp, self.now)
        burst = [a for a in got if a["rule"] == "reset_burst"][0]
        self.assertEqual(burst["severity"], "high")
        self.assertEqual(burst["detail"]["engineer"], MAL, burst)
        self.assertEqual(len(burst["entries"]), 5, burst)
        self.assertEqual(burst["first"], alert_time(RESETS0), burst)
        self.assertEqual([self.event(i)["time"] for i in burst["entries"]],
                         [alert_time(RESETS0 + 50 * k) for k in range(5)])
        # Nothing contained (session_two_addresses ends the session when
        # it fires live), no live alert came of it.
        r = self.d.op("GET", "/v1/containment")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["containments"], [], r)
        live = [a for a in self.alerts() if not a.get("history")]
        self.assertEqual({a["rule"] for a in live
                          if a not in live_before}, {"break_glass"}, live)
        # ?history= lists one kind or the other.
        self.assertEqual(self.alerts("?history=true&limit=1000"), got)
        self.assertEqual(self.alerts("?history=false&limit=1000"), live)
        self.assertEqual(self.alerts("?history=true&rule=reset_burst"),
                         [burst])
        self.assertEqual(self.alerts("?history=true&from=%s&to=%s" % (
            stamp(RESETS0), stamp(RESETS0 + 3600))), [burst])
        r = self.d.op("GET", "/v1/alerts?history=yes")
        self.assertEqual(r.status, 400, r)
        # The operator's mail says history and carries the alert.
        mails = [m for m in self.d.mails()
                 if "reset_burst" in m["Subject"]]
        self.assertEqual([m["Subject"] for m in mails],
                         ["[custos alert, imported history] high "
                          "reset_burst: " + MAL])
        text = mails[0].get_payload(decode=True).decode()
        doc = json.loads(text.split("The alert as JSON:", 1)[1].strip())
        self.assertEqual(doc, burst)

        # A restart (the history engine starts afresh), the same file
        # again, another month: no alert twice.
        self.tick(3600)
        restart(self.d)
        self.imp("format=okta", body)
        again = self.wait_history()
        self.assertEqual(sorted(a["id"] for a in again),
                         sorted(a["id"] for a in got), again)
        other = [okta("user.mfa.factor.reset_all", t_of(2026, 10, 3, 8, 0)
                      + 30 * k, "mallory2@sitel.example", "203.0.113.46",
                      targets=["u%d@globex.example" % k])
                 for k in range(5)]
        imp2 = self.imp("format=okta", jsonl(other))
        after = self.wait_history()
        new = [a for a in after if a["id"] not in {b["id"] for b in got}]
        self.assertEqual([key(a) for a in new],
                         [("reset_burst", "mallory2@sitel.example",
                           alert_time(t_of(2026, 10, 3, 8, 0) + 120))])
        self.check_history_alert(new[0], imp2, self.now)

    def test_history_and_live_keep_apart(self):
        # Four refused sign-ins of eng1 imported from minutes ago ...
        evs = [okta("user.session.start", self.now - 300 + 10 * k, "eng1",
                    "198.51.100.9", result="FAILURE",
                    reason="INVALID_CREDENTIALS") for k in range(4)]
        self.imp("format=okta", jsonl(evs))
        # ... and four live bad passwords: five make the pattern, neither
        # side has more than four.
        for k in range(4):
            self.tick(60)
            r = self.login_answer(password="guess %d" % k)
            self.assertEqual(r.status, 401, r)
        self.assertNoAlert("login_failures")
        self.assertEqual(self.history_alerts(), [])
        self.tick(60)
        r = self.login_answer(password="guess 4")
        self.assertEqual(r.status, 401, r)
        [a] = self.wait_alert("login_failures")
        self.assertNotIn("history", a)
        self.assertNotIn("found_at", a)
        for i in a["entries"]:
            self.assertNotIn("imported", self.event(i).get("detail") or {})

    def test_a_burst_across_two_blocks_of_one_import(self):
        # 4094 sign-ins of one person from one address (nothing to see),
        # then five resets by another: detection sorts an import 4096
        # entries at a time, and the resets fall on both sides.
        t0 = t_of(2026, 11, 1, 0, 0)
        evs = [okta("user.session.start", t0 + 600 * k,
                    "filler@sitel.example", "203.0.113.10",
                    session="102fillerSess01") for k in range(4094)]
        edge = t_of(2026, 11, 29, 12, 0)
        evs += [okta("user.mfa.factor.reset_all", edge + 60 * k,
                     "edge@sitel.example", "203.0.113.11",
                     targets=["e%d@acme.example" % k]) for k in range(5)]
        imp = self.imp("format=okta", jsonl(evs))
        self.assertEqual(imp["imported"], 4099, imp)
        got = self.wait_history()
        self.assertEqual([key(a) for a in got],
                         [("reset_burst", "edge@sitel.example",
                           alert_time(edge + 240))])
        # Found in the second block: the import's last 3 entries.
        self.assertEqual(got[0]["import"], {
            "first_index": imp["first_index"] + 4096,
            "last_index": imp["last_index"]}, got[0])
        self.assertEqual(len(got[0]["entries"]), 5, got[0])

    def test_forbidden_probe_in_imported_custos_entries(self):
        t = t_of(2026, 11, 25, 16, 30, 5)
        ev = {"v": 1, "time": alert_time(t),
              "actor": {"kind": "engineer", "id": "eng9", "vendor": "sitel"},
              "session": "ses_old0000000000000000000001", "device": "dev9",
              "source": "203.0.113.9", "action": "tenant.export",
              "tenant": "auto", "target": None, "outcome": "denied",
              "reason": "role_forbids"}
        imp = self.imp("format=entries", (json.dumps(ev) + "\n").encode())
        [a] = self.wait_history()
        self.assertEqual(key(a), ("forbidden_probe", "eng9", alert_time(t)))
        self.check_history_alert(a, imp, self.now)


LEASE_TTL = 2
ROLE_MOVE = 3 * LEASE_TTL + 2


@unittest.skipUnless(PG, "several nodes share a PostgreSQL database")
class ClusterHistory(unittest.TestCase):
    """Two nodes: the history pass rides the detect lease, so the month
    imported through the node that does not detect raises each alert
    once; after the detecting node is killed, the survivor takes over
    and the same file imported again raises nothing twice."""

    def setUp(self):
        _uuid[0] = 0
        self.nodes = cluster.start_cluster(
            2, pg_server(), extra=["--lease-ttl", str(LEASE_TTL)])
        self.addCleanup(self.stop_nodes)
        World(self.nodes[0])
        self.barriers = 0

    def stop_nodes(self):
        rcs = [d.stop() for d in self.nodes]
        self.assertEqual(rcs, [0] * len(rcs), "a node exited uncleanly")

    def holder(self, among):
        deadline = time.monotonic() + ROLE_MOVE
        while time.monotonic() < deadline:
            for d in among:
                if "detect" in cluster.roles_of(d):
                    return d
            time.sleep(0.2)
        self.fail("no node holds the detect lease")

    def history(self, d):
        r = d.op("GET", "/v1/alerts?limit=1000")
        self.assertEqual(r.status, 200, r)
        return [a for a in r.body["alerts"] if a.get("history")]

    def barrier(self, d):
        """Returns once the detecting node is past every entry so far."""
        self.barriers += 1
        eid = "barrier%d" % self.barriers
        for path, body in (("/v1/engineers", {
                "id": eid, "username": eid, "vendor": "other",
                "password": "barrier password 12"}),
                ("/v1/tenants/auto/break-glass", {
                    "engineer": eid, "reason": "detection barrier"})):
            r = d.op("POST", path, body)
            self.assertEqual(r.status, 201, r)
        deadline = time.monotonic() + ROLE_MOVE + 10
        while time.monotonic() < deadline:
            r = d.op("GET", "/v1/alerts?rule=break_glass&subject=" + eid)
            if r.status == 200 and r.body["alerts"]:
                return
            time.sleep(0.1)
        self.fail("no barrier alert")

    def test_history_is_detected_once_across_nodes(self):
        evs, want = november()
        body = jsonl(evs)
        det = self.holder(self.nodes)
        other = [d for d in self.nodes if d is not det][0]
        r = other.call("POST", "/v1/import?format=okta", raw=body,
                       token=other.operator)
        self.assertEqual(r.status, 200, r)
        self.barrier(other)
        got = self.history(other)
        self.assertEqual(sorted(key(a) for a in got),
                         sorted((r, s, alert_time(t)) for r, s, t in want))
        self.assertEqual(sorted(a["id"] for a in self.history(det)),
                         sorted(a["id"] for a in got))
        det.kill()
        self.assertIs(self.holder([other]), other)
        r = other.call("POST", "/v1/import?format=okta", raw=body,
                       token=other.operator)
        self.assertEqual(r.status, 200, r)
        self.barrier(other)
        self.assertEqual(sorted(a["id"] for a in self.history(other)),
                         sorted(a["id"] for a in got))
        det.start()


if __name__ == "__main__":
    unittest.main()
