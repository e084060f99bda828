# SPDX-License-Identifier: ISC
"""Prometheus metrics (issue 16, docs/metrics.md) and --log-format json,
against the real custosd.

One daemon with --metrics-listen, an alert webhook (a receiver here) and
--log-format json.  Known traffic is made between two scrapes (logins,
allowed and denied requests, a break-glass that raises an alert); the
counters must move by exactly that traffic.  Both endpoints' text must
pass Debian's `promtool check metrics` with no complaint (errors or lint);
every histogram must be consistent; no label may carry a tenant's or a
user's name; GET /metrics on the main listener is the operator's; every
line custosd logs is a JSON object.
"""
import base64
import http.server
import json
import re
import shutil
import subprocess
import threading
import time
import unittest
import urllib.request

from harness import (TOTP_SECRET, Daemon, World, free_port,
                     fresh_source)

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
WAIT = 10.0

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """{(name, ((label, value), ...)): float} of the exposition text;
    fails on a line that is neither a comment nor a sample."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        labels = tuple(LABEL.findall(m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def series(samples, name, **want):
    """{labels-dict-as-tuple: value} of the samples of name whose labels
    include want."""
    out = {}
    for (n, labels), v in samples.items():
        d = dict(labels)
        if n == name and all(d.get(k) == w for k, w in want.items()):
            out[labels] = v
    return out


def promtool(text):
    p = subprocess.run([PROMTOOL, "check", "metrics"], input=text.encode(),
                       capture_output=True, timeout=60)
    return p.returncode, (p.stdout + p.stderr).decode()


class Hook(http.server.BaseHTTPRequestHandler):
    got = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        Hook.got.append(self.rfile.read(n))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


class Metrics(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.hook = http.server.HTTPServer(("127.0.0.1", 0), Hook)
        cls.hook_thread = threading.Thread(target=cls.hook.serve_forever,
                                           daemon=True)
        cls.hook_thread.start()
        cls.mport = free_port()
        cls.d = Daemon(quiet=False, extra=[
            "--metrics-listen", "127.0.0.1:%d" % cls.mport,
            "--log-format", "json",
            "--alert-webhook", "http://127.0.0.1:%d/hook" %
            cls.hook.server_address[1]])
        cls.w = World(cls.d)
        # A TOTP code is good once per account and step: each login of
        # these tests is of an account of its own.
        pub = base64.b64encode(bytes(cls.w.key.verify_key)).decode()
        for path, body in (("/v1/engineers", {
                "id": "eng2", "username": "eng2", "vendor": "sitel",
                "password": cls.w.eng_password, "totp_secret": TOTP_SECRET}),
                ("/v1/engineers/eng2/devices", {
                    "id": "dev2", "name": "laptop", "public_key": pub})):
            r = cls.d.op("POST", path, body)
            assert r.status == 201, r
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.eng = r.body["token"]
        cls.admin = cls.w.tenant_login("auto", "admin")

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        cls.hook.shutdown()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def scrape(self):
        """The separate listener's text (no token)."""
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" %
                                    self.mport, timeout=30) as f:
            self.assertEqual(f.status, 200)
            self.assertTrue(f.headers["Content-Type"].startswith(
                "text/plain; version=0.0.4"), f.headers["Content-Type"])
            return f.read().decode()

    def assertPromtoolClean(self, text):
        rc, out = promtool(text)
        self.assertEqual((rc, out.strip()), (0, ""), text[:2000])

    def assertHistogramsConsistent(self, samples):
        """Per histogram series: buckets never decrease with le, the
        +Inf bucket equals _count, and the buckets are where _count is."""
        buckets = {}
        for (n, labels), v in samples.items():
            if n.endswith("_bucket"):
                d = dict(labels)
                le = d.pop("le")
                key = (n[:-len("_bucket")], tuple(sorted(d.items())))
                buckets.setdefault(key, []).append((float(le), v))
        self.assertTrue(buckets)
        for (name, labels), bs in buckets.items():
            bs.sort()
            vals = [v for _, v in bs]
            self.assertEqual(vals, sorted(vals), (name, labels, bs))
            self.assertEqual(bs[-1][0], float("inf"), (name, labels))
            count = samples[(name + "_count", labels)]
            self.assertEqual(bs[-1][1], count, (name, labels))
            self.assertIn((name + "_sum", labels), samples)

    def wait_for(self, cond, what):
        deadline = time.time() + WAIT
        while time.time() < deadline:
            v = cond()
            if v:
                return v
            time.sleep(0.1)
        self.fail("timed out waiting for " + what)

    def test_counters_move_by_exactly_the_traffic_made(self):
        before = parse(self.scrape())
        d, w = self.d, self.w
        # Allowed: an engineer's two login steps, a tenant admin's login,
        # the operator's break-glass (which raises an alert).
        r = w.engineer_login(username="eng2", device="dev2")
        self.assertEqual(r.status, 200, r)
        eng = r.body["token"]
        w.tenant_login("appr", "admin")
        r = d.op("POST", "/v1/tenants/appr/break-glass", {
            "engineer": "eng1", "reason": "customer locked out",
            "minutes": 15})
        self.assertEqual(r.status, 201, r)
        # Denied: no token (401), an engineer in a tenant refusing
        # support (403), a wrong tenant password (401).
        self.assertEqual(d.call("GET", "/v1/vendors",
                                source=fresh_source()).status, 401)
        self.assertEqual(d.call("GET", "/v1/tenants/deny/users",
                                token=eng).status, 403)
        r = d.call("POST", "/v1/tenants/auto/auth/login", {
            "username": "admin", "password": "wrong password 12",
            "totp": "000000"})
        self.assertEqual(r.status, 401, r)
        # The alert and its webhook delivery happen on their threads.
        after = self.wait_for(
            lambda: (lambda s: s if series(
                s, "custos_webhook_deliveries_total",
                result="delivered").get((("result", "delivered"),), 0) >=
                1 else None)(parse(self.scrape())),
            "the alert's webhook delivery")

        def delta(name, **want):
            b = series(before, name, **want)
            a = series(after, name, **want)
            out = {k: a[k] - b.get(k, 0) for k in a if a[k] != b.get(k, 0)}
            for k in b:
                self.assertIn(k, a, "a series vanished: %s %r" % (name, k))
            return out

        want = {
            ("auth.login", "allowed"): 2,
            ("auth.verify", "allowed"): 1,
            ("access_request.break_glass", "allowed"): 1,
            ("vendor.list", "denied"): 1,
            ("user.list", "denied"): 1,
            ("auth.login", "denied"): 1,
        }
        got = {(dict(k)["action"], dict(k)["outcome"]): v
               for k, v in delta("custos_requests_total").items()}
        self.assertEqual(got, want)
        codes = {dict(k)["code"]: v
                 for k, v in delta("custos_http_responses_total").items()}
        self.assertEqual(codes, {"200": 3, "201": 1, "401": 2, "403": 1})
        # Each request is in its action's latency histogram once.
        counts = {dict(k)["action"]: v for k, v in
                  delta("custos_request_duration_seconds_count").items()}
        self.assertEqual(counts, {"auth.login": 3, "auth.verify": 1,
                                  "access_request.break_glass": 1,
                                  "vendor.list": 1, "user.list": 1})
        self.assertEqual(delta("custos_alerts_total"),
                         {(("rule", "break_glass"), ("severity", "high")):
                          1})
        self.assertGreaterEqual(len(Hook.got), 1)
        # Every recorded request committed: the writer's batches grew.
        grown = delta("custos_commit_batch_size_sum")
        self.assertGreaterEqual(sum(grown.values()), 6, grown)
        self.assertGreaterEqual(
            sum(delta("custos_commit_duration_seconds_count").values()), 1)
        self.assertHistogramsConsistent(after)
        self.assertPromtoolClean(self.scrape())

    def test_log_figures_match_the_log(self):
        d = self.d

        def settled():
            s = parse(self.scrape())
            size = d.log_size()
            tree = s[("custos_log_tree_size", ())]
            return s if tree == size and \
                s[("custos_log_entries", ())] == size else None
        s = self.wait_for(settled, "the log's figures")
        self.assertGreater(s[("custos_log_entries", ())], 0)
        age = s[("custos_checkpoint_age_seconds", ())]
        self.assertGreaterEqual(age, 0)
        self.assertLess(age, 3600)
        [(labels, one)] = series(s, "custos_node_info").items()
        self.assertEqual(one, 1)
        self.assertIn(dict(labels)["store"], ("sqlite", "postgresql"))
        self.assertGreater(s[("custos_process_open_fds", ())], 3)
        self.assertLess(abs(s[("custos_process_start_time_seconds", ())] -
                            time.time()), 3600)

    def test_main_listener_serves_the_operator_only(self):
        d, w = self.d, self.w
        r = d.call("GET", "/metrics", source=fresh_source())
        self.assertEqual(r.status, 401, r)
        r = d.call("GET", "/metrics", token=self.eng)
        self.assertEqual(r.status, 403, r)
        r = d.call("GET", "/metrics", token=self.admin)
        self.assertEqual(r.status, 403, r)
        size = d.log_size()
        r = d.op("GET", "/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith(
            "text/plain; version=0.0.4"), r.headers)
        self.assertPromtoolClean(r.raw)
        self.assertHistogramsConsistent(parse(r.raw))
        # The root token's scrape is not recorded (docs/metrics.md).
        self.assertNotIn("metrics.read",
                         [e["action"] for _, e, _ in d.entries(size)])
        # A named operator token of any scope reads it; its use is on
        # the log, as every named token's.
        tok = d.op("POST", "/v1/operator-tokens", {
            "name": "prometheus", "scope": "auditor"})
        self.assertEqual(tok.status, 201, tok)
        size = d.log_size()
        r = d.call("GET", "/metrics", token=tok.body["token"])
        self.assertEqual(r.status, 200, r)
        self.assertIn("metrics.read",
                      [e["action"] for _, e, _ in d.entries(size)])
        # The separate listener serves /metrics only, and no writes.
        for method, path, status in (("GET", "/v1/health", 404),
                                     ("POST", "/metrics", 405)):
            req = urllib.request.Request(
                "http://127.0.0.1:%d%s" % (self.mport, path),
                method=method, data=b"" if method == "POST" else None)
            try:
                urllib.request.urlopen(req, timeout=30)
                self.fail("%s %s answered 2xx" % (method, path))
            except urllib.error.HTTPError as e:
                self.assertEqual(e.code, status, (method, path))

    def test_no_tenant_or_person_in_any_label(self):
        # Traffic that names tenants and people, then every label value.
        self.w.tenant_login("deny", "user")
        self.d.call("GET", "/v1/tenants/deny/users/deny-admin",
                    source=fresh_source())
        text = self.scrape()
        values = [v for (_, labels) in parse(text) for _, v in labels]
        self.assertTrue(values)
        names = {"auto", "appr", "deny", "sitel", "other", "eng1", "dev1",
                 "eng2", "dev2",
                 "admin", "user", "Tenant auto", "Sitel"}
        for t in ("auto", "appr", "deny"):
            names |= {t + "-user", t + "-admin", t + "-t1",
                      "user@%s.example" % t, "admin@%s.example" % t}
        leaked = [v for v in values if v in names or "@" in v or
                  any(n in v for n in names if "-" in n or "@" in n)]
        self.assertEqual(leaked, [])

    def test_every_log_line_is_json(self):
        # Something logged at warn level too: an alert's line.
        r = self.d.op("POST", "/v1/tenants/auto/break-glass", {
            "engineer": "eng1", "reason": "a json log line", "minutes": 15})
        self.assertEqual(r.status, 201, r)
        self.wait_for(lambda: '"level":"warn"' in self.d.read_log(),
                      "a warn line")
        lines = self.d.read_log().splitlines()
        self.assertGreater(len(lines), 3)
        levels = set()
        for line in lines:
            doc = json.loads(line)
            self.assertEqual(set(doc), {"time", "level", "daemon", "msg"},
                             line)
            self.assertRegex(doc["time"],
                             r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            levels.add(doc["level"])
        self.assertIn("info", levels)
        self.assertIn("warn", levels)


class LogFormatChecked(unittest.TestCase):

    def test_unknown_log_format_stops_custosd_at_start(self):
        from harness import CUSTOSD
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            p = subprocess.run([CUSTOSD, "--data", tmp + "/d",
                                "--log-format", "xml"],
                               capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 2, p)
        self.assertIn(b"--log-format is text or json", p.stderr)


if __name__ == "__main__":
    unittest.main()
