# SPDX-License-Identifier: ISC
"""Issue 11, findings 2, 4, 8 and 9, over HTTP against the real custosd.

- finding 2: every failure before the last factor gets one answer and one
  recorded reason; without the device's signature nobody can lock an
  engineer out (device first).
- finding 4: 200 concurrent anonymous logins keep custosd's peak RSS
  within hash slots x Argon2id cost + a fixed margin.
- finding 8: the TOTP seed column holds no clear seed (logins still work,
  codes from oathtool); expired logins are swept.
- finding 9: an unknown username never appears in the log, the database
  or the daemon's output.
"""
import base64
import http.client
import json
import os
import subprocess
import threading
import time
import unittest

import nacl.signing

import harness
from harness import (Daemon, DaemonTest, TOTP_SECRET, World, totp)

CLOCK = 1800000000.0
SECRET_NAME = "correct-horse-pasted-in-username-42"


def vm_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


class UniformRefusals(DaemonTest):
    clock = CLOCK

    def test_tenant_right_password_without_totp_answers_like_a_wrong_one(self):
        m = self.d.log_size()
        path = "/v1/tenants/auto/auth/login"
        a = self.d.call("POST", path, {"username": "user",
                                       "password": "user password 12"})
        b = self.d.call("POST", path, {"username": "user",
                                       "password": "wrong password 12"})
        c = self.d.call("POST", path, {"username": "nobody-here",
                                       "password": "user password 12"})
        self.assertEqual((a.status, a.body), (b.status, b.body))
        self.assertEqual((a.status, a.body), (c.status, c.body))
        reasons = [ev["reason"] for _, ev, _ in self.d.entries(m)
                   if ev["action"] == "auth.login"]
        self.assertEqual(reasons, ["bad_credentials"] * 3, reasons)

    def test_engineer_failures_before_the_last_factor_are_recorded_alike(self):
        m = self.d.log_size()
        answers = []
        for kw in ({"password": "not the password 1"},
                   {"code": "000000"},
                   {"key": nacl.signing.SigningKey.generate()}):
            r = self.w.engineer_login(at=CLOCK, **kw)
            answers.append((r.status, r.body))
        self.assertEqual(len(set(repr(a) for a in answers)), 1, answers)
        reasons = [ev["reason"] for _, ev, _ in self.d.entries(m)
                   if ev["action"] == "auth.verify"]
        self.assertEqual(reasons, ["bad_credentials"] * 3, reasons)
        self.assertEqual(self.w.engineer_login(at=CLOCK + 30).status, 200)

    def test_twenty_wrong_passwords_without_the_device_do_not_lock(self):
        self.d.set_clock(CLOCK + 600)
        # The attacker knows username and device id, not the device key;
        # under the old protocol each of these tried the password.
        stranger = nacl.signing.SigningKey.generate()
        for i in range(20):
            # The contract's shape takes the password at step one (then
            # only its verdict waits for the device's signature); the
            # device-first shape at verify.  Half the guesses each way.
            at_begin = i % 2 == 0
            body = {"username": "eng1", "device": "dev1"}
            if at_begin:
                body["password"] = "guess %d xxxxxxx" % i
            r = self.d.call("POST", "/v1/auth/login", body)
            if r.status == 200:
                sig = stranger.sign(r.body["challenge"].encode()).signature
                body = {"login_id": r.body["login_id"], "totp": "123456",
                        "device_signature": base64.b64encode(sig).decode()}
                if not at_begin:
                    body["password"] = "guess %d xxxxxxx" % i
                r = self.d.call("POST", "/v1/auth/verify", body)
            self.assertIn(r.status, (401, 429), r)
            self.assertNotEqual(r.status, 200, r)
            self.assertNotEqual(r.status, 423, r)
        # The address may be slowed down; the account is not locked.
        self.d.set_clock(CLOCK + 1300)
        r = self.w.engineer_login(at=CLOCK + 1300)
        self.assertEqual(r.status, 200, r)


def post_from(port, source, path, body):
    """One POST from the loopback address source (all of 127/8 reaches
    lo on Linux); its status, or -1 when the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120,
                                      source_address=(source, 0))
    try:
        conn.request("POST", path, body=json.dumps(body).encode(),
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        return r.status
    except OSError:
        return -1
    finally:
        conn.close()


class BoundedHashing(unittest.TestCase):
    MEM = 32 << 20              # Argon2id cost of this daemon (bytes)
    MARGIN = 64 << 20           # threads, buffers, sanitizer bookkeeping
    N = 200

    def flood(self, sources):
        """N concurrent anonymous tenant logins (distinct unknown names,
        so no account throttle holds them back) spread over sources;
        prints and checks custosd's peak RSS."""
        d = Daemon(extra=("--pwhash-mem", str(self.MEM)))
        try:
            World(d)
            base = vm_hwm_kib(d.proc.pid) * 1024
            slots = os.cpu_count() or 1
            statuses = []
            lock = threading.Lock()

            def one(i):
                s = post_from(d.port, sources[i % len(sources)],
                              "/v1/tenants/auto/auth/login", {
                                  "username": "flood-%d" % i,
                                  "password": "flood %d xxxxxx" % i,
                                  "totp": "123456"})
                with lock:
                    statuses.append(s)

            threads = [threading.Thread(target=one, args=(i,))
                       for i in range(self.N)]
            t0 = time.time()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            took = time.time() - t0
            peak = vm_hwm_kib(d.proc.pid) * 1024
            bound = base + slots * self.MEM + self.MARGIN
            print("\npeak RSS (VmHWM) under %d concurrent logins from %d "
                  "addresses: %.1f MiB (before: %.1f MiB; bound %.1f MiB = "
                  "before + %d slots x %d MiB + %d MiB); answers %s in "
                  "%.1f s" % (
                      self.N, len(sources), peak / 2**20, base / 2**20,
                      bound / 2**20, slots, self.MEM >> 20,
                      self.MARGIN >> 20,
                      {s: statuses.count(s) for s in set(statuses)}, took))
            self.assertEqual(len(statuses), self.N)
            self.assertLessEqual(peak, bound)
            for s in statuses:
                self.assertIn(s, (401, 423, 429, 503), statuses)
            return statuses
        finally:
            d.stop()

    def test_200_concurrent_anonymous_logins_keep_peak_rss_bounded(self):
        self.flood(["127.0.0.1"])

    def test_200_concurrent_logins_from_50_addresses_wait_for_hash_slots(self):
        # 4 attempts under way per address pass the address's gate: the
        # hash slots alone bound the memory, and the rest are answered
        # 503 after a short wait rather than queued.
        statuses = self.flood(["127.0.0.%d" % (2 + k) for k in range(50)])
        self.assertIn(503, statuses)

class SecretsAtRest(DaemonTest):
    clock = CLOCK

    def db(self):
        return self.d.db()

    def test_totp_seed_is_sealed_and_logins_still_work(self):
        seed = base64.b32decode(TOTP_SECRET)
        with self.db() as db:
            rows = db.query("SELECT totp_secret FROM engineers UNION ALL "
                            "SELECT totp_secret FROM users")
        self.assertTrue(rows)
        for (blob,) in rows:
            self.assertNotEqual(bytes(blob), seed)
            self.assertNotIn(seed[:10], bytes(blob))
        key = os.path.join(self.d.data, "secrets.key")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        now = CLOCK + 7200
        self.d.set_clock(now)
        self.assertEqual(self.w.engineer_login(at=now).status, 200)
        r = self.d.call("POST", "/v1/tenants/appr/auth/login", {
            "username": "admin", "password": "admin password 12",
            "totp": totp(at=now)})
        self.assertEqual(r.status, 200, r)

    def counts(self):
        with self.db() as db:
            return tuple(db.query("SELECT count(*) FROM %s" % t)[0][0]
                         for t in ("logins", "resets", "throttle"))

    def test_expired_logins_resets_and_throttle_rows_are_swept(self):
        self.d.set_clock(CLOCK + 3000)
        r = self.d.call("POST", "/v1/auth/login", {"username": "eng1",
                                                   "device": "dev1"})
        self.assertEqual(r.status, 200, r)
        admin = self.w.tenant_login("appr", at=CLOCK + 3000)
        r = self.d.call("POST", "/v1/tenants/appr/users/appr-user/"
                        "password-reset", token=admin)
        self.assertEqual(r.status, 202, r)
        r = self.d.call("POST", "/v1/tenants/appr/auth/login", {
            "username": "user", "password": "not the password"})
        self.assertEqual(r.status, 401, r)
        logins, resets, throttle = self.counts()
        self.assertGreaterEqual(min(logins, resets, throttle), 1)
        # A day on: the login (120 s), the link (1 h) and the failures
        # (15 min window) are all worthless; the sweeper deletes them.
        self.d.set_clock(CLOCK + 3000 + 86400)
        deadline = time.time() + 15
        while time.time() < deadline and self.counts() != (0, 0, 0):
            time.sleep(0.2)
        self.assertEqual(self.counts(), (0, 0, 0))


class ClearSeedsSealedAtStart(unittest.TestCase):
    def test_a_store_with_clear_seeds_is_sealed_at_start(self):
        # A store from before sealing: seeds in clear and the mark the
        # migration leaves.  custosd seals them at its next start, and
        # the codes of the same secret still log in.
        d = Daemon(clock=CLOCK)
        try:
            w = World(d)
            d.proc.terminate()
            self.assertEqual(d.proc.wait(timeout=20), 0)
            seed = base64.b32decode(TOTP_SECRET)
            with d.db() as db:
                db.execute("UPDATE engineers SET totp_secret = ?", (seed,))
                db.execute("UPDATE users SET totp_secret = ?", (seed,))
                if harness.PG:
                    db.execute("INSERT INTO meta(key, value) VALUES "
                               "('totp_clear', ?) ON CONFLICT (key) DO "
                               "UPDATE SET value = EXCLUDED.value", (b"1",))
                else:
                    db.execute("INSERT OR REPLACE INTO meta(key, value) "
                               "VALUES ('totp_clear', 1)")
            d.proc = subprocess.Popen(d.proc.args, stdout=d.log,
                                      stderr=subprocess.STDOUT)
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    if d.call("GET", "/v1/health").status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            with d.db() as db:
                blobs = [bytes(b) for (b,) in db.query(
                    "SELECT totp_secret FROM engineers UNION ALL "
                    "SELECT totp_secret FROM users")]
                mark = db.query("SELECT count(*) FROM meta "
                                "WHERE key = 'totp_clear'")[0][0]
            self.assertEqual(mark, 0)
            for b in blobs:
                self.assertNotIn(seed[:10], b)
            self.assertEqual(w.engineer_login(at=CLOCK).status, 200)
            w.tenant_login("auto", at=CLOCK)
        finally:
            d.stop()


class UnknownNamesBlinded(DaemonTest):
    clock = CLOCK
    quiet = False       # custosd's informational log is checked too

    def test_unknown_username_is_recorded_only_blinded(self):
        m = self.d.log_size()
        for path, body in (
                ("/v1/tenants/auto/auth/login",
                 {"username": SECRET_NAME, "password": "whatever 123456"}),
                ("/v1/tenants/auto/auth/login",
                 {"username": SECRET_NAME, "password": "whatever 123456"}),
                ("/v1/auth/login",
                 {"username": SECRET_NAME, "device": "dev1"})):
            self.d.call("POST", path, body)
        evs = [ev for _, ev, _ in self.d.entries(m)]
        targets = [ev["target"] for ev in evs
                   if ev["action"] == "auth.login"]
        self.assertEqual(len(targets), 3, evs)
        for t in targets:
            self.assertTrue(t.startswith("blind:"), t)
        # Two attempts on one tenant correlate; not in clear anywhere.
        self.assertEqual(targets[0], targets[1])
        self.assertNotIn(SECRET_NAME, repr(evs))
        self.assertNotIn(SECRET_NAME, self.d.read_log())
        if harness.PG:
            # The database's files belong to the server's user: the scan
            # below is SQLite's (the stored columns are checked above).
            print("skipped on PostgreSQL: the scan of the store's files")
            return
        with open(os.path.join(self.d.data, "custos.db"), "rb") as f:
            self.assertNotIn(SECRET_NAME.encode(), f.read())
        for name in os.listdir(self.d.data):
            if name.startswith("custos.db-"):
                with open(os.path.join(self.d.data, name), "rb") as f:
                    self.assertNotIn(SECRET_NAME.encode(), f.read())


if __name__ == "__main__":
    unittest.main()
