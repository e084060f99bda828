# SPDX-License-Identifier: ISC
"""The engineer login in the shape of the external contract (API.md), over
HTTP against the real custosd, beside the device-first shape:

    POST /v1/auth/login  {username, password, device}
        -> {login_id, challenge, factors: ["totp", ...]}
    POST /v1/auth/verify {login_id, totp, device_signature}
        -> {token, expires_at}

Issue 11, finding 2 still holds with the password at step one: step one
answers alike whatever the password (and for decoys), nothing is counted
then, and the verdict is applied at verify only once the device signed.
So without the device's key nobody learns whether a password is right or
locks the engineer; with it, a wrong password at step one is refused at
verify (bad_credentials) and counts against the account.  A password at
both steps, or at neither, is a 400 naming the field.

Runs on a test clock; setUp moves it past the throttle window and lock
time, to a fresh TOTP step."""
import base64
import os
import re
import threading
import time
import unittest

import nacl.signing

import harness

from harness import (Daemon, DaemonTest, TOTP_SECRET, World, fresh_source,
                     totp)

STEP = 30
T0 = 1800000000 - 1800000000 % STEP + STEP // 2    # mid-step
GAP = 34 * STEP     # > throttle window (900 s) and lock (900 s)
PW = "engineer password 3"
RFC3339 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"


def header(r, name):
    for k, v in r.headers.items():
        if k.lower() == name.lower():
            return v
    return None


def b64sig(key, msg):
    return base64.b64encode(key.sign(msg.encode()).signature).decode()


class ContractLogin(DaemonTest):
    clock = T0
    now = T0
    quiet = False       # the precise reasons are in custosd's own log

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = T0

    def setUp(self):
        self.tick(GAP)

    def tick(self, seconds):
        type(self).now += seconds
        self.d.set_clock(self.now)

    def engineer(self, name):
        """A fresh engineer of vendor sitel with its device NAME-dev;
        returns the device's signing key."""
        key = nacl.signing.SigningKey.generate()
        r = self.d.op("POST", "/v1/engineers", {
            "id": name, "username": name, "vendor": "sitel",
            "password": PW, "totp_secret": TOTP_SECRET})
        self.assertEqual(r.status, 201, r)
        r = self.d.op("POST", "/v1/engineers/%s/devices" % name, {
            "id": name + "-dev", "name": "laptop",
            "public_key": base64.b64encode(bytes(key.verify_key)).decode()})
        self.assertEqual(r.status, 201, r)
        return key

    def step_one(self, name, password=PW, device=None):
        """The contract's step one: username, password and device."""
        return self.d.call("POST", "/v1/auth/login", {
            "username": name, "password": password,
            "device": device or name + "-dev"})

    def step_two(self, r, key, code=None, password=None, source=None):
        """The contract's verify: login id, code and the signature (with
        password only when a test sends it twice on purpose).  A refusal
        that names no one is recorded once per source and kind, so a test
        that reads each one sends it from a fresh source."""
        body = {"login_id": r.body["login_id"],
                "totp": code or totp(at=self.now),
                "device_signature": b64sig(key, r.body["challenge"])}
        if password is not None:
            body["password"] = password
        return self.d.call("POST", "/v1/auth/verify", body, source=source)

    def attempt(self, name, password, key=None, device=None):
        """Both steps in the contract's shape, signed by key (default: a
        stranger's, i.e. without the device); (step one, verify)."""
        r = self.step_one(name, password, device)
        self.assertEqual(r.status, 200, r)
        return r, self.step_two(
            r, key or nacl.signing.SigningKey.generate())

    def mark(self):
        self.log_at = len(self.d.read_log())
        return self.d.log_size()

    def entry(self, start, action):
        evs = [ev for _, ev, _ in self.d.entries(start)
               if ev["action"] == action]
        self.assertEqual(len(evs), 1, evs)
        return evs[0]

    def assertRefused(self, ev, precise):
        """Denied with the uniform reason; the precise one only in
        custosd's log (the operator's), since mark()."""
        self.assertEqual((ev["outcome"], ev["reason"]),
                         ("denied", "bad_credentials"), ev)
        self.assertIn(": %s (" % precise, self.d.read_log()[self.log_at:])

    def failures(self, key):
        """The failures the store counts against a throttle key."""
        with self.d.db() as db:
            rows = db.query("SELECT failures FROM throttle WHERE key = ?",
                            (key,))
        return rows[0][0] if rows else 0

    def shape(self, r):
        """What a step-one answer shows, less its random parts."""
        b = r.body
        return (r.status, sorted(b), len(b["login_id"]),
                b["login_id"].split("_")[0], len(b["challenge"]),
                b["challenge"].split(":")[0], b["factors"])

    def test_contract_shape_logs_in(self):
        key = self.engineer("ct-ok")
        m = self.mark()
        r = self.step_one("ct-ok")
        self.assertEqual(r.status, 200, r)
        self.assertIsInstance(r.body["login_id"], str)
        self.assertTrue(r.body["challenge"].startswith(
            "custos-login-v1:" + r.body["login_id"] + ":"), r)
        self.assertIn("totp", r.body["factors"])
        self.assertNotIn("password", r.body["factors"])
        self.assertNotIn(PW, r.raw)
        ev = self.entry(m, "auth.login")
        self.assertEqual((ev["outcome"], ev["actor"]["id"]),
                         ("allowed", "ct-ok"), ev)
        # The pending login keeps the verdict (1: right), nothing else
        # about the password.
        cols = ["id", "engineer_id", "device_id", "challenge", "source",
                "expires", "password_verdict"]
        with self.d.db() as db:
            # Every column the table has, by name: none besides these.
            names = [n for (n,) in db.query(
                "SELECT name FROM pragma_table_info('logins')"
                if harness.BACKEND == "sqlite" else
                "SELECT column_name::text FROM information_schema.columns "
                "WHERE table_name = 'logins'")]
            (vals,) = db.query("SELECT %s FROM logins WHERE id = ?"
                               % ", ".join(cols), (r.body["login_id"],))
        self.assertEqual(sorted(names), sorted(cols), names)
        row = dict(zip(cols, vals))
        self.assertEqual(sorted(row), sorted([
            "id", "engineer_id", "device_id", "challenge", "source",
            "expires", "password_verdict"]), row)
        self.assertEqual(row["password_verdict"], 1, row)
        m = self.mark()
        v = self.step_two(r, key)
        self.assertEqual(v.status, 200, v)
        self.assertTrue(v.body["token"].startswith("cse_"), v)
        self.assertRegex(v.body["expires_at"], RFC3339)
        ev = self.entry(m, "auth.verify")
        self.assertEqual((ev["outcome"], ev["device"]),
                         ("allowed", "ct-ok-dev"), ev)
        # The session works: logout ends it.
        r = self.d.call("POST", "/v1/auth/logout", token=v.body["token"])
        self.assertEqual(r.status, 200, r)
        # The password is nowhere in the log.
        leaves = b"".join(leaf for _, _, leaf in self.d.entries(0))
        self.assertNotIn(PW.encode(), leaves)

    def test_device_first_shape_still_logs_in(self):
        key = self.engineer("ct-first")
        r = self.d.call("POST", "/v1/auth/login", {
            "username": "ct-first", "device": "ct-first-dev"})
        self.assertEqual(r.status, 200, r)
        self.assertIn("password", r.body["factors"])
        v = self.step_two(r, key, password=PW)
        self.assertEqual(v.status, 200, v)

    def test_wrong_password_without_the_device_answers_like_the_right_one(self):
        self.engineer("ct-same")
        owner = self.engineer("ct-owner")
        answers = []
        for kw in ({"password": PW}, {"password": "not the password 1"},
                   {"password": PW, "device": "no-such-device"},
                   {"password": PW, "device": "ct-owner-dev"},
                   {"password": "not the password 2", "device": "ct-owner-dev"}):
            m = self.mark()
            t0 = time.monotonic()
            r = self.step_one("ct-same", **kw)
            answers.append(self.shape(r))
            self.assertNotIn("not the password", r.raw)
            ev = self.entry(m, "auth.login")
            self.assertEqual(ev["outcome"], "allowed", ev)
            # Without the device's key: the same 401, the same entry.
            v = self.step_two(r, owner if "device" in kw else
                              nacl.signing.SigningKey.generate(),
                              source=fresh_source())
            self.assertEqual(v.status, 401, v)
            self.assertEqual(v.body["error"]["message"],
                             "invalid credentials", v)
            answers[-1] += (v.status, v.body)
            self.assertEqual(self.entry(m, "auth.verify")["reason"],
                             "bad_credentials")
            self.assertLess(time.monotonic() - t0, 30)
        self.assertEqual(len(set(repr(a) for a in answers)), 1, answers)
        self.assertEqual(self.failures("eng:ct-same"), 0)

    def test_twenty_wrong_passwords_without_the_device_do_not_lock(self):
        key = self.engineer("ct-nolock")
        for n in range(20):
            r = self.step_one("ct-nolock", "wrong password %02d" % n,
                              device=("ct-nolock-dev", "no-such-dev")[n % 2])
            if r.status == 429:     # the address is slowed, not the account
                self.tick(int(header(r, "Retry-After")))
                r = self.step_one("ct-nolock", "wrong password %02d" % n)
            self.assertEqual(r.status, 200, (n, r))
            v = self.step_two(r, nacl.signing.SigningKey.generate())
            self.assertIn(v.status, (401, 429), (n, v))
            self.assertNotEqual(v.status, 423, (n, v))
            if v.status == 429:
                self.tick(int(header(v, "Retry-After")))
        self.assertEqual(self.failures("eng:ct-nolock"), 0)
        self.tick(GAP)
        r = self.step_one("ct-nolock")
        self.assertEqual(r.status, 200, r)
        v = self.step_two(r, key)
        self.assertEqual(v.status, 200, v)

    def test_wrong_password_with_the_device_is_refused_at_verify(self):
        key = self.engineer("ct-wrong")
        m = self.mark()
        r, v = self.attempt("ct-wrong", "not the password 3", key=key)
        self.assertEqual(v.status, 401, v)
        self.assertEqual(v.body["error"]["message"], "invalid credentials")
        self.assertNotIn("token", v.body)
        ev = self.entry(m, "auth.verify")
        self.assertEqual(ev["actor"]["id"], "ct-wrong")
        self.assertRefused(ev, "bad_password")
        # Counted against the account, as a wrong password at verify is:
        # three failures delay even the right password (429).
        self.assertEqual(self.failures("eng:ct-wrong"), 1)
        for _ in range(2):
            self.assertEqual(self.attempt("ct-wrong", "not the password 3",
                                          key=key)[1].status, 401)
        self.assertEqual(self.failures("eng:ct-wrong"), 3)
        m = self.mark()
        r, v = self.attempt("ct-wrong", PW, key=key)
        self.assertEqual(v.status, 429, v)
        self.assertGreater(int(header(v, "Retry-After")), 0)
        ev = self.entry(m, "auth.verify")
        self.assertEqual((ev["outcome"], ev["reason"]),
                         ("denied", "rate_limited"), ev)
        self.tick(int(header(v, "Retry-After")))
        self.assertEqual(self.attempt("ct-wrong", PW, key=key)[1].status,
                         200)
        # Only the verdict was kept: the password given at step one is
        # nowhere in the data directory (database, WAL, log) or output.
        self.assertNotIn("not the password 3", self.d.read_log())
        for top, _, files in os.walk(self.d.data):
            for f in files:
                with open(os.path.join(top, f), "rb") as fh:
                    self.assertNotIn(b"not the password 3", fh.read(), f)

    def test_password_at_both_steps_or_neither_is_a_400(self):
        key = self.engineer("ct-twice")
        bodies = []
        # Both: a real login and a decoy get the same 400.
        for device in ("ct-twice-dev", "no-such-dev"):
            r = self.step_one("ct-twice", device=device)
            self.assertEqual(r.status, 200, r)
            m = self.d.log_size()
            v = self.step_two(r, key, password=PW, source=fresh_source())
            self.assertEqual(v.status, 400, v)
            self.assertEqual(v.body["error"]["code"], "bad_request")
            self.assertIn("'password'", v.body["error"]["message"])
            bodies.append(v.body)
            ev = self.entry(m, "auth.verify")
            self.assertEqual((ev["outcome"], ev["reason"]),
                             ("denied", "bad_request"), ev)
        self.assertEqual(bodies[0], bodies[1])
        # Neither.
        r = self.d.call("POST", "/v1/auth/login", {
            "username": "ct-twice", "device": "ct-twice-dev"})
        self.assertEqual(r.status, 200, r)
        v = self.step_two(r, key)
        self.assertEqual(v.status, 400, v)
        self.assertEqual(v.body["error"]["code"], "bad_request")
        self.assertIn("field 'password' is required",
                      v.body["error"]["message"])
        # None of these cost the account anything; a right login follows.
        self.assertEqual(self.failures("eng:ct-twice"), 0)
        self.assertEqual(self.attempt("ct-twice", PW, key=key)[1].status,
                         200)


def vm_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


class StepOneHashBounds(unittest.TestCase):
    """Step one with a password hashes (for decoys too), so it is held to
    the hash slots and the in-flight caps of finding 4: 503 or 429 with
    Retry-After beyond them, and peak memory within slots x cost."""
    MEM = 32 << 20
    MARGIN = 64 << 20
    N = 60

    def test_concurrent_step_ones_wait_for_hash_slots(self):
        d = Daemon(extra=("--pwhash-mem", str(self.MEM)))
        try:
            World(d)
            base = vm_hwm_kib(d.proc.pid) * 1024
            slots = os.cpu_count() or 1
            results, lock = [], threading.Lock()

            def one(i):
                r = d.call("POST", "/v1/auth/login", {
                    "username": ("eng1", "nobody-%d" % i)[i % 2],
                    "password": "guess %d xxxxxxxx" % i,
                    "device": "dev1"},
                    source="127.0.0.%d" % (2 + i % 15))
                with lock:
                    results.append(r)

            threads = [threading.Thread(target=one, args=(i,))
                       for i in range(self.N)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            peak = vm_hwm_kib(d.proc.pid) * 1024
            bound = base + slots * self.MEM + self.MARGIN
            statuses = sorted(r.status for r in results)
            print("\nstep one with a password, %d at once: %s; peak RSS "
                  "%.1f MiB (bound %.1f MiB)" % (
                      self.N, {s: statuses.count(s) for s in set(statuses)},
                      peak / 2**20, bound / 2**20))
            self.assertEqual(len(results), self.N)
            self.assertLessEqual(peak, bound)
            self.assertIn(503, statuses)
            for r in results:
                self.assertIn(r.status, (200, 429, 503), r)
                if r.status != 200:
                    self.assertEqual(r.body["error"]["code"],
                                     "rate_limited", r)
                    self.assertGreater(int(header(r, "Retry-After")), 0, r)
        finally:
            d.stop()


if __name__ == "__main__":
    unittest.main()
