# SPDX-License-Identifier: ISC
"""Detection against the real daemon on a test clock: every rule driven
through the real API until it fires, and shown silent one step before.

Alerts are raised by custosd's detection thread, which follows the log;
so a test polls GET /v1/alerts (bounded: a few seconds).  To show that a
rule has NOT fired yet, settle() puts a barrier in the log: an operator
opens break-glass access for a throwaway engineer, which raises a
break_glass alert at once.  The thread reads the log in order, so once
that alert is there every earlier entry has been looked at.

Each test runs its own daemon (rules remember per engineer, session and
account, and fire once per window), built with World from harness.py.

Also here: a disabled rule, a rule's settings from the command line, the
filters and errors of GET /v1/alerts, GET /v1/alerts/{id}, who may read
alerts, the operator's mail, the webhook with its retry, and alerts kept
(and not raised twice) across a restart.  DetectTest, the base class, is
shared with test_containment.py.
"""
import base64
import calendar
import http.client
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time
import unittest

import nacl.signing

from harness import (CUSTOSD, TOTP_SECRET, Daemon, Response, World,
                     free_port, totp)

STEP = 30
T0 = 1700000000 - 1700000000 % STEP + STEP // 2    # Tue 2023-11-14 22:13:15Z
SATURDAY = calendar.timegm((2023, 11, 18, 12, 0, 15, 0, 0, 0))
MONDAY = calendar.timegm((2023, 11, 20, 10, 0, 15, 0, 0, 0))
WAIT = 5.0              # seconds an alert may take to appear
POLL = 0.05
REASON = "customer cannot log in since Monday"


def stamp(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class DetectTest(unittest.TestCase):
    """A fresh daemon on a test clock and a World per test."""
    start = T0
    extra = ()

    def daemon_args(self):
        return list(self.extra)

    def setUp(self):
        self.now = self.start
        self.barriers = 0
        self.d = Daemon(clock=self.now, extra=self.daemon_args())
        self.addCleanup(self.stop_daemon)
        self.w = World(self.d)

    def stop_daemon(self):
        rc = self.d.stop()
        self.assertEqual(rc, 0, "custosd exited with %s (sanitizer "
                         "report?)" % rc)

    # --- the clock, answers, logins -----------------------------------

    def tick(self, seconds):
        self.now += seconds
        self.d.set_clock(self.now)

    def ok(self, r, status=201):
        self.assertEqual(r.status, status, r)
        return r

    def call_from(self, source, method, path, body=None, token=None):
        """One request from the loopback address source (all of 127/8
        reaches lo on Linux), as harness's Daemon.call answers it."""
        conn = http.client.HTTPConnection("127.0.0.1", self.d.port,
                                          timeout=60,
                                          source_address=(source, 0))
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            text = resp.read()
            status, hdrs = resp.status, dict(resp.getheaders())
        finally:
            conn.close()
        try:
            doc = json.loads(text) if text else None
        except ValueError:
            doc = None
        return Response(status, doc, text.decode("utf-8", "replace"), hdrs)

    def login_answer(self, username="eng1", device="dev1", key=None,
                     source=None, password=None):
        """Both login steps at a fresh TOTP step (a code is good once)."""
        self.tick(STEP)
        password = password or self.w.eng_password
        if source is None:
            return self.w.engineer_login(at=self.now, username=username,
                                         password=password, device=device,
                                         key=key)
        r = self.call_from(source, "POST", "/v1/auth/login", {
            "username": username, "device": device})
        if r.status != 200:
            return r
        sig = (key or self.w.key).sign(r.body["challenge"].encode())
        return self.call_from(source, "POST", "/v1/auth/verify", {
            "login_id": r.body["login_id"], "password": password,
            "totp": totp(at=self.now),
            "device_signature": base64.b64encode(sig.signature).decode()})

    def login(self, **kw):
        r = self.login_answer(**kw)
        self.assertEqual(r.status, 200, r)
        return r.body["token"]

    def engineer(self, eid, vendor="sitel", device=None):
        """A new engineer (username = id) with one device; its key."""
        key = nacl.signing.SigningKey.generate()
        self.ok(self.d.op("POST", "/v1/engineers", {
            "id": eid, "username": eid, "vendor": vendor,
            "password": self.w.eng_password, "totp_secret": TOTP_SECRET}))
        self.ok(self.d.op("POST", "/v1/engineers/%s/devices" % eid, {
            "id": device or eid + "-dev", "name": "laptop",
            "public_key": base64.b64encode(bytes(key.verify_key)).decode()}))
        return key

    def read(self, tid="auto", token=None, status=200):
        """Support work in a tenant: its ticket list."""
        r = self.d.call("GET", "/v1/tenants/%s/tickets" % tid, token=token)
        self.assertEqual(r.status, status, r)
        return r

    def auto_tenant(self, tid):
        self.ok(self.d.op("POST", "/v1/tenants", {
            "id": tid, "name": "Tenant " + tid,
            "support_policy": "auto_approve"}))
        self.ok(self.d.op("POST", "/v1/tenants/%s/tickets" % tid, {
            "id": tid + "-t1", "subject": "cannot log in",
            "body": "please help", "requester": "user@%s.example" % tid}))

    # --- the log ------------------------------------------------------

    def size(self):
        return self.d.log_size()

    def event(self, index):
        r = self.d.op("GET", "/v1/log/entries?start=%d&end=%d" %
                      (index, index + 1))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["entries"][0]["index"], index, r)
        return r.body["entries"][0]["event"]

    def events(self, start=0):
        return [(i, e) for i, e, _ in self.d.entries(start)]

    def last_index(self, action, **fields):
        """The index of the newest entry with action (and fields)."""
        for i, e in reversed(self.events()):
            if e["action"] == action and all(
                    e.get(k) == v for k, v in fields.items()):
                return i
        self.fail("no %s entry with %r" % (action, fields))

    # --- alerts -------------------------------------------------------

    def alerts(self, query=""):
        r = self.d.op("GET", "/v1/alerts" + query)
        self.assertEqual(r.status, 200, r)
        return r.body["alerts"]

    def rule_alerts(self, rule, subject=None):
        return [a for a in self.alerts("?rule=" + rule)
                if subject is None or a["subject"] == subject]

    def wait_alert(self, rule, subject=None, count=1):
        """The alerts of rule (about subject), once there are count."""
        deadline = time.monotonic() + WAIT
        for _ in range(int(WAIT / POLL) + 1):
            got = self.rule_alerts(rule, subject)
            if len(got) >= count or time.monotonic() > deadline:
                break
            time.sleep(POLL)
        self.assertEqual(len(got), count, "%s alerts of %s about %s, "
                         "after %.0f s: %r" % (len(got), rule, subject,
                                               WAIT, self.alerts()))
        return got

    def settle(self):
        """Returns once detection has looked at every entry so far: a
        break_glass alert about a throwaway engineer is the barrier."""
        self.barriers += 1
        eid = "barrier%d" % self.barriers
        self.ok(self.d.op("POST", "/v1/engineers", {
            "id": eid, "username": eid, "vendor": "other",
            "password": "barrier password 12"}))
        self.ok(self.d.op("POST", "/v1/tenants/auto/break-glass", {
            "engineer": eid, "reason": "detection barrier of a test"}))
        self.wait_alert("break_glass", subject=eid)

    def assertNoAlert(self, rule, subject=None):
        self.settle()
        self.assertEqual(self.rule_alerts(rule, subject), [])

    def assertAlert(self, a, rule, severity, subject, entries):
        self.assertEqual(a["rule"], rule, a)
        self.assertEqual(a["severity"], severity, a)
        self.assertEqual(a["subject"], subject, a)
        # The entries in any order, the one that completed it last.
        self.assertEqual(sorted(a["entries"]), sorted(entries), a)
        self.assertEqual(a["entries"][-1], entries[-1], a)
        self.assertTrue(a["id"].startswith("alr_"), a)
        # Its own log entry, by custosd, names the same entries.
        i = self.last_index("alert", target=a["id"])
        e = self.event(i)
        self.assertEqual(e["actor"]["kind"], "system", e)
        self.assertEqual(e["actor"]["id"], "custosd", e)
        self.assertEqual(e["outcome"], "allowed", e)
        self.assertEqual(e["detail"]["rule"], rule, e)
        self.assertEqual(e["detail"]["severity"], severity, e)
        self.assertEqual(e["detail"]["subject"], subject, e)
        self.assertEqual(e["detail"]["entries"],
                         ",".join(str(x) for x in a["entries"]), e)
        self.assertGreater(i, max(entries), "the alert is logged after "
                           "what raised it")


class Rules(DetectTest):
    """One test per rule, with its defaults."""

    def test_unregistered_device_cannot_try_the_password_and_ends_nothing(self):
        # The device comes first (issue 11, finding 2): with another
        # engineer's device, or one nobody has, step one answers a decoy
        # and the password is never tried, so no alert says it was right
        # and nothing is contained; the engineer's session goes on.
        key2 = self.engineer("eng2", device="dev2")
        token = self.login()
        self.read(token=token)
        for device, key in (("dev2", key2), ("no-such-device", None)):
            r = self.login_answer(device=device, key=key)
            self.assertEqual(r.status, 401, r)
            i = self.last_index("auth.verify")
            self.assertEqual((self.event(i)["outcome"],
                              self.event(i)["reason"]),
                             ("denied", "bad_credentials"))
            self.read(token=token)
        self.assertNoAlert("unregistered_device")

    def test_new_network_alerts_on_login_from_another_slash24_only(self):
        self.login(source="127.0.0.1")          # the first: nothing to compare
        self.login(source="127.0.0.7")          # same /24
        self.assertNoAlert("new_network")
        self.login(source="127.0.1.1")          # 127.0.1.0/24: new
        i = self.last_index("auth.verify", source="127.0.1.1")
        self.assertEqual(self.event(i)["outcome"], "allowed")
        [a] = self.wait_alert("new_network")
        self.assertAlert(a, "new_network", "medium", "eng1", [i])
        self.assertEqual(a["detail"]["source"], "127.0.1.1")
        self.assertIsNone(a["containment"], a)      # contain=none
        self.assertIn("127.0.1.0/24", a["message"])

    def test_session_two_addresses_alerts_and_ends_the_session(self):
        r = self.login_answer(source="127.0.0.1")
        self.assertEqual(r.status, 200, r)
        token, session = r.body["token"], r.body["session"]
        r = self.call_from("127.0.0.1", "GET", "/v1/tenants/auto/tickets",
                           token=token)
        self.assertEqual(r.status, 200, r)
        first = self.last_index("ticket.list", session=session)
        self.assertNoAlert("session_two_addresses")
        # The same token from another address of the same /24.
        r = self.call_from("127.0.0.2", "GET", "/v1/tenants/auto/tickets",
                           token=token)
        self.assertEqual(r.status, 200, r)
        second = self.last_index("ticket.list", source="127.0.0.2")
        [a] = self.wait_alert("session_two_addresses")
        self.assertAlert(a, "session_two_addresses", "high", session,
                         [first, second])
        self.assertEqual(a["subject_kind"], "session")
        self.assertEqual(self.event(first)["source"], "127.0.0.1")
        c = a["containment"]
        self.assertEqual((c["kind"], c["target"], c["refuses_logins"]),
                         ("session", session, False), a)
        r = self.call_from("127.0.0.1", "GET", "/v1/tenants/auto/tickets",
                           token=token)
        self.assertEqual(r.status, 401, r)
        self.read(token=self.login())           # a new session is fine

    def test_reset_burst_alerts_on_the_fifth_reset(self):
        token = self.login()
        done = []
        for k in range(5):
            if k == 4:
                self.assertNoAlert("reset_burst")
            kind = "password-reset" if k % 2 == 0 else "mfa-reset"
            r = self.d.call("POST", "/v1/tenants/auto/users/auto-user/" +
                            kind, {}, token=token)
            self.assertEqual(r.status, 202, r)
            done.append(self.last_index("user." + kind.replace("-", "_"),
                                        tenant="auto"))
            self.tick(60)
        [a] = self.wait_alert("reset_burst")
        self.assertAlert(a, "reset_burst", "high", "eng1", done)
        for i in done:
            e = self.event(i)
            self.assertIn(e["action"], ("user.password_reset",
                                        "user.mfa_reset"))
            self.assertEqual((e["outcome"], e["target"]),
                             ("allowed", "auto-user"), e)

    def test_forbidden_probe_alerts_on_export_delete_and_create(self):
        token = self.login()
        self.read(token=token)
        r = self.d.call("GET", "/v1/tenants/auto/users", token=token)
        self.assertEqual(r.status, 200, r)
        self.assertNoAlert("forbidden_probe")
        tries = [("GET", "/v1/tenants/auto/export", None, "tenant.export"),
                 ("DELETE", "/v1/tenants/auto/users/auto-user", None,
                  "user.delete"),
                 ("POST", "/v1/tenants/auto/users", {
                     "username": "mallory", "email": "m@auto.example",
                     "password": "mallory password 1", "role": "admin"},
                  "user.create")]
        for n, (method, path, body, action) in enumerate(tries, 1):
            r = self.d.call(method, path, body, token=token)
            self.assertEqual(r.status, 403, r)
            i = self.last_index(action, tenant="auto")
            self.assertEqual(self.event(i)["outcome"], "denied")
            a = self.wait_alert("forbidden_probe", count=n)[0]
            self.assertAlert(a, "forbidden_probe", "high", "eng1", [i])
            self.assertIn(action, a["message"])
            self.tick(601)          # past the rule's quiet window

    def test_login_failures_alert_on_the_fifth_bad_password(self):
        fails = []
        for k in range(5):
            if k == 4:
                self.assertNoAlert("login_failures")
            self.tick(60)           # past the throttle's delay
            r = self.login_answer(password="guess %d" % k)
            self.assertEqual(r.status, 401, r)
            fails.append(self.last_index("auth.verify", reason=
                                         "bad_credentials"))
        [a] = self.wait_alert("login_failures")
        self.assertAlert(a, "login_failures", "medium", "eng1", fails)
        self.assertEqual(a["subject_kind"], "account")

    def lock_out(self):
        """Ten bad passwords (with the device), then the right one:
        refused, locked."""
        fails = []
        for k in range(10):
            self.tick(60)
            r = self.login_answer(password="guess %d" % k)
            self.assertEqual(r.status, 401, r)
            fails.append(self.last_index("auth.verify", reason=
                                         "bad_credentials"))
        self.assertNoAlert("account_locked")
        self.tick(60)
        r = self.login_answer()
        self.assertEqual(r.status, 423, r)
        self.assertEqual(r.body["error"]["code"], "locked")
        locked = self.last_index("auth.verify", reason="locked")
        return fails, locked

    def test_account_locked_alerts_when_the_lock_refuses_a_login(self):
        fails, locked = self.lock_out()
        self.assertEqual(self.event(locked)["actor"]["id"], "eng1")
        [a] = self.wait_alert("account_locked")
        self.assertEqual((a["rule"], a["severity"], a["subject"],
                          a["subject_kind"]),
                         ("account_locked", "high", "eng1", "account"), a)
        self.assertEqual(a["entries"][-1], locked, a)
        self.assertTrue(set(a["entries"]) <= set(fails) | {locked}, a)
        # login_failures fired on the way, once.
        self.assertEqual(len(self.rule_alerts("login_failures")), 1)

    # The lock's refusal names the account tried (the login looks it up
    # before the throttle answers), so the alert names the failures that
    # caused the lock and the engineer.
    def test_account_locked_alert_names_the_failures_that_caused_the_lock(self):
        fails, locked = self.lock_out()
        [a] = self.wait_alert("account_locked")
        self.assertEqual(a["entries"], fails + [locked], a)
        self.assertEqual(a["detail"].get("engineer"), "eng1", a)

    def test_account_locked_for_an_unknown_username_names_its_failures(self):
        # A tenant login (an engineer's unknown name never reaches a
        # password): the name is recorded only blinded, the same for
        # every attempt, so the alert still groups them.
        fails, path = [], "/v1/tenants/auto/auth/login"
        for k in range(10):
            self.tick(60)
            r = self.d.call("POST", path, {
                "username": "ghost", "password": "guess %d" % k,
                "totp": "123456"})
            self.assertEqual(r.status, 401, r)
            fails.append(self.last_index("auth.login",
                                         reason="bad_credentials"))
        blind = self.event(fails[0])["target"]
        self.assertTrue(blind.startswith("blind:"), blind)
        self.assertNoAlert("account_locked")
        self.tick(60)
        r = self.d.call("POST", path, {
            "username": "ghost", "password": "guess", "totp": "123456"})
        self.assertEqual(r.status, 423, r)
        locked = self.last_index("auth.login", reason="locked")
        self.assertEqual(self.event(locked)["target"], blind)
        [a] = self.wait_alert("account_locked")
        self.assertAlert(a, "account_locked", "high", blind,
                         fails + [locked])
        self.assertNotIn("ghost", a["message"])

    def test_credential_then_access_alerts_on_tenant_access_after_a_second_device(self):
        token = self.login()
        self.read(token=token)
        key = nacl.signing.SigningKey.generate()
        self.ok(self.d.op("POST", "/v1/engineers/eng1/devices", {
            "id": "dev1b", "name": "new laptop",
            "public_key": base64.b64encode(bytes(key.verify_key)).decode()}))
        cred = self.last_index("device.create", target="dev1b")
        self.assertNoAlert("credential_then_access")
        self.read(token=token)
        i = self.last_index("ticket.list", tenant="auto")
        [a] = self.wait_alert("credential_then_access")
        self.assertAlert(a, "credential_then_access", "high", "eng1",
                         [cred, i])
        self.assertEqual(self.event(cred)["detail"]["engineer"], "eng1")

    def test_first_device_of_a_new_engineer_then_access_raises_nothing(self):
        key = self.engineer("eng2")
        token = self.login(username="eng2", device="eng2-dev", key=key)
        self.read(token=token)
        self.read(token=token, tid="auto")
        self.assertNoAlert("credential_then_access")
        self.assertEqual(self.rule_alerts("credential_then_access"), [])

    def test_break_glass_alerts_naming_the_engineer(self):
        r = self.d.op("POST", "/v1/tenants/appr/break-glass", {
            "engineer": "eng1", "reason": REASON, "minutes": 15})
        self.assertEqual(r.status, 201, r)
        i = self.last_index("access_request.break_glass", tenant="appr")
        [a] = self.wait_alert("break_glass", subject="eng1")
        self.assertAlert(a, "break_glass", "high", "eng1", [i])
        self.assertEqual(a["detail"]["tenant"], "appr")
        self.assertEqual(self.event(i)["target"], r.body["id"])


class TenantHopping(DetectTest):
    extra = ("--rule-tenant-hopping", "threshold=2")

    def test_tenant_hopping_alerts_on_more_distinct_tenants_than_threshold(self):
        self.auto_tenant("auto2")
        self.auto_tenant("auto3")
        token = self.login()
        self.read("auto", token)
        self.read("auto2", token)
        self.read("auto", token)        # again: still two tenants
        self.assertNoAlert("tenant_hopping")
        self.read("auto3", token)
        seen = [self.last_index("ticket.list", tenant=t)
                for t in ("auto2", "auto", "auto3")]
        [a] = self.wait_alert("tenant_hopping")
        self.assertAlert(a, "tenant_hopping", "medium", "eng1", seen)
        self.assertIn("3 distinct tenants", a["message"])


class OffHours(DetectTest):
    start = SATURDAY

    def test_off_hours_alerts_on_saturday_activity_once_hours_are_declared(self):
        token = self.login()
        self.read(token=token)
        self.assertNoAlert("off_hours")         # no hours: nothing to break
        r = self.d.op("PUT", "/v1/engineers/eng1/working-hours",
                      {"working_hours": "mon-fri 08:00-18:00"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["working_hours"], "mon-fri 08:00-18:00")
        token = self.login()
        i = self.last_index("auth.verify", outcome="allowed")
        self.read(token=token)
        [a] = self.wait_alert("off_hours")
        self.assertAlert(a, "off_hours", "medium", "eng1", [i])
        self.assertTrue(a["first"].startswith("2023-11-18T12:"), a)

    def test_bad_working_hours_are_refused(self):
        for hours in ("weekdays", "mon-fri 08:00", "mon-fri 25:00-26:00",
                      "x" * 80):
            r = self.d.op("PUT", "/v1/engineers/eng1/working-hours",
                          {"working_hours": hours})
            self.assertEqual(r.status, 400, (hours, r))
        r = self.d.op("PUT", "/v1/engineers/nobody/working-hours",
                      {"working_hours": "daily 00:00-23:59"})
        self.assertEqual(r.status, 404, r)


class InsideHours(DetectTest):
    start = MONDAY

    def test_no_off_hours_alert_on_a_weekday_inside_the_hours(self):
        r = self.d.op("PUT", "/v1/engineers/eng1/working-hours",
                      {"working_hours": "mon-fri 08:00-18:00"})
        self.assertEqual(r.status, 200, r)
        token = self.login()
        self.read(token=token)
        self.assertNoAlert("off_hours")
        # The same engineer at 19:00 the same Monday: outside.
        self.tick(9 * 3600)
        token = self.login()
        i = self.last_index("auth.verify", outcome="allowed")
        [a] = self.wait_alert("off_hours")
        self.assertAlert(a, "off_hours", "medium", "eng1", [i])


class DisabledRule(DetectTest):
    extra = ("--rule-forbidden-probe", "enabled=no")

    def test_a_disabled_rule_stays_silent(self):
        token = self.login()
        r = self.d.call("GET", "/v1/tenants/auto/export", token=token)
        self.assertEqual(r.status, 403, r)       # still refused
        self.assertEqual(self.event(self.last_index("tenant.export"))
                         ["reason"], "role_forbids")
        self.assertNoAlert("forbidden_probe")
        self.assertEqual([a["rule"] for a in self.alerts()
                          if a["rule"] != "break_glass"], [])


class RuleSettings(DetectTest):
    extra = ("--rule-forbidden-probe", "severity=critical contain=engineer")

    def test_rule_settings_change_severity_and_contain_the_engineer(self):
        token = self.login()
        r = self.d.call("GET", "/v1/tenants/auto/export", token=token)
        self.assertEqual(r.status, 403, r)
        i = self.last_index("tenant.export")
        [a] = self.wait_alert("forbidden_probe")
        self.assertAlert(a, "forbidden_probe", "critical", "eng1", [i])
        c = a["containment"]
        self.assertEqual((c["kind"], c["target"], c["refuses_logins"]),
                         ("engineer", "eng1", True), a)
        self.read(token=token, status=401)
        r = self.login_answer()
        self.assertEqual(r.status, 403, r)
        e = self.event(self.last_index("auth.verify"))
        self.assertEqual((e["outcome"], e["reason"]), ("denied",
                                                        "contained"), e)
        self.assertEqual(e["detail"]["containment"], c["id"], e)

    def test_bad_rule_settings_stop_the_daemon_at_start(self):
        with tempfile.TemporaryDirectory(prefix="custos-test-") as tmp:
            for flag, value, says in (
                    ("--rule-tenant-hopping", "threshold=0", "threshold"),
                    ("--rule-no-such-rule", "enabled=no", "no such rule"),
                    ("--rule-off-hours", "enabled=maybe", "enabled"),
                    ("--rule-reset-burst", "window=5", "window"),
                    ("--rule-break-glass", "contain=everyone", "contain"),
                    ("--rule-break-glass", "severity", "key=value")):
                p = subprocess.run(
                    [CUSTOSD, "--data", os.path.join(tmp, "d"), "--listen",
                     "127.0.0.1:%d" % free_port(), "--quiet", flag, value],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    text=True, timeout=30)
                self.assertNotEqual(p.returncode, 0, (flag, value, p.stdout))
                self.assertIn(says, p.stdout, (flag, value))


class AlertApi(DetectTest):
    """Three alerts at known times: break_glass (made low) about eng1 and
    about eng2, then forbidden_probe (high) about eng1."""
    extra = ("--rule-break-glass", "severity=low")

    def setUp(self):
        super().setUp()
        self.engineer("eng2")
        self.t1 = self.now
        self.ok(self.d.op("POST", "/v1/tenants/appr/break-glass", {
            "engineer": "eng1", "reason": REASON}))
        self.bg1 = self.wait_alert("break_glass", "eng1")[0]
        self.tick(1000)
        self.t2 = self.now
        self.ok(self.d.op("POST", "/v1/tenants/appr/break-glass", {
            "engineer": "eng2", "reason": REASON}))
        self.bg2 = self.wait_alert("break_glass", "eng2")[0]
        self.tick(1000)
        token = self.login()
        self.t3 = self.now
        r = self.d.call("GET", "/v1/tenants/auto/export", token=token)
        self.assertEqual(r.status, 403, r)
        self.fp = self.wait_alert("forbidden_probe")[0]

    def ids(self, query):
        return [a["id"] for a in self.alerts(query)]

    def test_alert_list_filters_by_rule_severity_subject_time_and_limit(self):
        bg1, bg2, fp = self.bg1["id"], self.bg2["id"], self.fp["id"]
        self.assertEqual(self.ids(""), [fp, bg2, bg1])      # newest first
        self.assertEqual(self.ids("?rule=break_glass"), [bg2, bg1])
        self.assertEqual(self.ids("?rule=forbidden_probe"), [fp])
        self.assertEqual(self.ids("?rule=reset_burst"), [])
        self.assertEqual(self.ids("?severity=low"), [fp, bg2, bg1])
        self.assertEqual(self.ids("?severity=medium"), [fp])
        self.assertEqual(self.ids("?severity=high"), [fp])
        self.assertEqual(self.ids("?severity=critical"), [])
        self.assertEqual(self.ids("?subject=eng1"), [fp, bg1])
        self.assertEqual(self.ids("?subject=eng2"), [bg2])
        self.assertEqual(self.ids("?subject=nobody"), [])
        self.assertEqual(self.ids("?from=" + stamp(self.t2)), [fp, bg2])
        self.assertEqual(self.ids("?to=" + stamp(self.t2)), [bg1])
        self.assertEqual(self.ids("?from=%s&to=%s" % (
            stamp(self.t2), stamp(self.t3))), [bg2])
        self.assertEqual(self.ids("?from=" + stamp(self.t3 + 1)), [])
        self.assertEqual(self.ids("?limit=1"), [fp])
        self.assertEqual(self.ids("?limit=2&rule=break_glass"), [bg2, bg1])
        self.assertEqual(self.ids("?rule=break_glass&subject=eng1&"
                                  "severity=low"), [bg1])
        self.assertEqual(self.bg1["severity"], "low")

    def test_bad_alert_filters_answer_400_naming_the_parameter(self):
        for query, names in (("rule=no_such_rule", "rule"),
                             ("severity=urgent", "severity"),
                             ("severity=", "severity"),
                             ("from=yesterday", "from"),
                             ("to=2023-13-01T00:00:00Z", "to"),
                             ("limit=many", "limit"),
                             ("limit=-1", "limit"),
                             ("limit=1001", "limit")):
            r = self.d.op("GET", "/v1/alerts?" + query)
            self.assertEqual(r.status, 400, (query, r))
            self.assertEqual(r.body["error"]["code"], "bad_request")
            self.assertIn("'%s'" % names, r.body["error"]["message"],
                          query)

    def test_alert_view_answers_the_stored_alert_or_404(self):
        r = self.d.op("GET", "/v1/alerts/" + self.fp["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, self.fp)
        for k in ("id", "rule", "severity", "time", "subject", "detail",
                  "entries", "containment"):
            self.assertIn(k, r.body)
        self.assertEqual(r.body["time"][:19], stamp(self.t3)[:19])
        r = self.d.op("GET", "/v1/alerts/alr_doesnotexist")
        self.assertEqual(r.status, 404, r)
        self.assertEqual(r.body["error"]["code"], "not_found")

    def test_alerts_are_for_the_operator_only(self):
        eng = self.login()
        self.tick(STEP)
        admin = self.w.tenant_login("appr", at=self.now)
        for token in (eng, admin):
            for path in ("/v1/alerts", "/v1/alerts/" + self.fp["id"]):
                r = self.d.call("GET", path, token=token)
                self.assertEqual(r.status, 403, (path, r))
                self.assertNotIn(self.fp["id"], r.raw)
        r = self.d.call("GET", "/v1/alerts")
        self.assertEqual(r.status, 401, r)
        e = self.event(self.last_index("alert.list", outcome="denied"))
        self.assertEqual(e["outcome"], "denied")

    def test_each_alert_mails_the_operator(self):
        mails = [m for m in self.d.mails()
                 if m["To"] == "operator@localhost"]
        self.assertEqual(len(mails), 3, [m["Subject"] for m in mails])
        m = [m for m in mails if "forbidden_probe" in m["Subject"]]
        self.assertEqual(len(m), 1)
        self.assertEqual(m[0]["Subject"],
                         "[custos alert] high forbidden_probe: eng1")
        body = m[0].get_payload(decode=True).decode()
        self.assertIn(self.fp["id"], body)
        doc = json.loads(body.split("The alert as JSON:", 1)[1].strip())
        self.assertEqual(doc, self.fp)


class Hook(http.server.BaseHTTPRequestHandler):
    """Answers 500 to the first POST, 204 to the others; keeps them."""
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        srv = self.server
        with srv.lock:
            srv.posts.append((time.monotonic(), self.path,
                              self.headers.get("Content-Type"), body))
            status = 500 if len(srv.posts) == 1 else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Webhook(DetectTest):
    def daemon_args(self):
        self.hook = http.server.HTTPServer(("127.0.0.1", 0), Hook)
        self.hook.posts = []
        self.hook.lock = threading.Lock()
        t = threading.Thread(target=self.hook.serve_forever,
                             kwargs={"poll_interval": 0.1}, daemon=True)
        t.start()
        self.addCleanup(self.hook.server_close)
        self.addCleanup(self.hook.shutdown)
        return ["--alert-webhook", "http://127.0.0.1:%d/hook" %
                self.hook.server_address[1]]

    def posts(self, n, seconds):
        """The POSTs so far, waiting up to seconds for n of them."""
        for _ in range(int(seconds / POLL) + 1):
            with self.hook.lock:
                got = list(self.hook.posts)
            if len(got) >= n:
                return got
            time.sleep(POLL)
        return got

    def test_webhook_gets_the_alert_and_is_retried_after_a_failure(self):
        token = self.login()
        r = self.d.call("GET", "/v1/tenants/auto/export", token=token)
        self.assertEqual(r.status, 403, r)
        [a] = self.wait_alert("forbidden_probe")
        got = self.posts(1, WAIT)
        self.assertEqual(len(got), 1, got)
        # The first answer was 500: the retry waits 2 s of the clock,
        # which stands still until the test moves it.
        time.sleep(1.5)
        self.assertEqual(len(self.posts(1, 0)), 1)
        self.tick(1)
        time.sleep(1.2)
        self.assertEqual(len(self.posts(1, 0)), 1)
        self.tick(1)
        got = self.posts(2, WAIT)
        self.assertEqual(len(got), 2, got)
        for _, path, ctype, body in got:
            self.assertEqual(path, "/hook")
            self.assertEqual(ctype, "application/json")
        self.assertEqual(json.loads(got[0][3]), a)
        self.assertEqual(json.loads(got[1][3]), a)
        # Delivered: no third try however far the clock goes.
        self.tick(3600)
        time.sleep(1.2)
        self.assertEqual(len(self.posts(3, 0)), 2)


def restart(d):
    """Stops d's custosd and starts it again on the same data directory
    (and test clock), on a new port, as harness's Daemon does."""
    d.proc.terminate()
    rc = d.proc.wait(timeout=20)
    assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc
    d.port = free_port()
    d.url = "http://127.0.0.1:%d" % d.port
    args = [CUSTOSD, "--data", d.data, "--listen", "127.0.0.1:%d" % d.port,
            "--pwhash-ops", "1", "--pwhash-mem", "8192", "--quiet"]
    args += d.store_args()
    if d.clock_file is not None:
        args += ["--test-clock", d.clock_file]
    d.proc = subprocess.Popen(args, stdout=d.log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if d.proc.poll() is not None:
            raise RuntimeError("custosd exited: " + d.read_log())
        try:
            if d.call("GET", "/v1/health").status == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("custosd did not become ready again")


class Restart(DetectTest):
    def test_alerts_survive_a_restart_and_are_not_raised_again(self):
        token = self.login()
        r = self.d.call("GET", "/v1/tenants/auto/export", token=token)
        self.assertEqual(r.status, 403, r)
        [a] = self.wait_alert("forbidden_probe")
        restart(self.d)
        self.settle()           # the restarted thread is past the probe
        self.assertEqual(self.rule_alerts("forbidden_probe"), [a])
        self.assertEqual(self.d.op("GET", "/v1/alerts/" + a["id"]).body, a)
        self.assertEqual(len([1 for _, e in self.events()
                              if e["action"] == "alert" and
                              e["detail"]["rule"] == "forbidden_probe"]), 1)

    def test_a_pattern_begun_before_a_restart_completes_after_it(self):
        token = self.login()
        done = []
        for k in range(5):
            if k == 3:
                restart(self.d)
                token = self.login()
            r = self.d.call("POST", "/v1/tenants/auto/users/auto-user/"
                            "password-reset", {}, token=token)
            self.assertEqual(r.status, 202, r)
            done.append(self.last_index("user.password_reset"))
            self.tick(60)
        [a] = self.wait_alert("reset_burst")
        self.assertAlert(a, "reset_burst", "high", "eng1", done)


if __name__ == "__main__":
    unittest.main()
