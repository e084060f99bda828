# SPDX-License-Identifier: ISC
"""SIEM export (issue 16, docs/export.md): every log entry reaches a real
rsyslog (RFC 5424 over TCP, octet-counted), a Splunk HEC and an
Elasticsearch _bulk receiver (one Python server that refuses some
requests with 503) and a rotated file, at least once, across a clean
restart and a kill -9 of custosd; duplicates only with the same
metadata.uid and the same bytes; each event carries the attributes its
OCSF class requires (tests/integration/data/ocsf/required.json, written
by scripts/ocsf-required from the OCSF schema).  A destination scoped to
one tenant with public fields sees only that tenant's entries and none of
its ids, and no destination sees a secret."""
import glob
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import harness

RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
REQUIRED = os.path.join(harness.HERE, "data", "ocsf", "required.json")
HEC_TOKEN = "0b4e7d5a-hec-token-for-the-test"
SYSLOG_LINE = re.compile(r"^<(\d+)>1 (\S+) (\S+) custosd - ocsf - (\{.*\})$")


class Receiver(http.server.ThreadingHTTPServer):
    """HEC and _bulk; every third request (the first too) is refused."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.requests = 0
        self.refused = 0
        self.hec = []           # (event dict, its bytes re-dumped)
        self.bulk = []          # (_id, doc dict, doc text)
        self.bulk_ids = set()
        self.bulk_dupes = 0
        self.bad_auth = 0
        self.fail_every = 3


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        srv = self.server
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode()
        with srv.lock:
            srv.requests += 1
            if srv.fail_every and srv.requests % srv.fail_every == 1:
                srv.refused += 1
                return self.answer(503, {"text": "busy"})
        if self.path == "/services/collector/event":
            if self.headers.get("Authorization") != "Splunk " + HEC_TOKEN:
                with srv.lock:
                    srv.bad_auth += 1
                return self.answer(401, {"text": "Invalid token",
                                         "code": 4})
            dec, i, got = json.JSONDecoder(), 0, []
            while i < len(body):
                obj, i = dec.raw_decode(body, i)
                assert obj["sourcetype"] == "ocsf", obj
                assert abs(obj["time"] * 1000 - obj["event"]["time"]) < 1
                got.append(obj["event"])
            with srv.lock:
                srv.hec.extend(got)
            return self.answer(200, {"text": "Success", "code": 0})
        if self.path == "/_bulk":
            lines = body.split("\n")
            assert lines[-1] == "", "NDJSON ends with a newline"
            items = []
            with srv.lock:
                for a, doc in zip(lines[0:-1:2], lines[1:-1:2]):
                    act = json.loads(a)["create"]
                    ev = json.loads(doc)
                    dup = act["_id"] in srv.bulk_ids
                    srv.bulk_ids.add(act["_id"])
                    srv.bulk_dupes += dup
                    srv.bulk.append((act["_id"], ev, doc))
                    items.append({"create": {
                        "_index": act["_index"], "_id": act["_id"],
                        "status": 409 if dup else 201}})
            return self.answer(200, {"took": 1, "errors": any(
                it["create"]["status"] != 201 for it in items),
                "items": items})
        return self.answer(404, {})


class Rsyslog:
    """A real rsyslogd on a loopback port: imtcp in, each message's raw
    text (after the framing) a line of OUT."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="custos-rsyslog-")
        self.port = harness.free_port()
        self.out = os.path.join(self.dir, "out.log")
        conf = os.path.join(self.dir, "rsyslog.conf")
        with open(conf, "w") as f:
            f.write("""
global(workDirectory="%s" maxMessageSize="256k")
module(load="imtcp")
template(name="raw" type="string" string="%%rawmsg%%\\n")
ruleset(name="custos") {
  action(type="omfile" file="%s" template="raw")
}
input(type="imtcp" address="127.0.0.1" port="%d" ruleset="custos")
""" % (self.dir, self.out, self.port))
        self.proc = subprocess.Popen(
            [RSYSLOGD, "-n", "-f", conf, "-i",
             os.path.join(self.dir, "rsyslogd.pid")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                import socket
                socket.create_connection(("127.0.0.1", self.port),
                                         timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("rsyslogd did not listen")

    def lines(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out) as f:
            return [l.rstrip("\n") for l in f if l.strip()]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def canonical(ev):
    return json.dumps(ev, sort_keys=True, separators=(",", ":"))


@unittest.skipUnless(os.path.exists(RSYSLOGD), "needs rsyslogd")
class ExportSiemTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = cls.rs = cls.rx = None
        try:
            cls.start_all()
        except BaseException:
            # unittest skips tearDownClass after a failed setUpClass:
            # leave no custosd or rsyslogd behind
            cls.stop_all()
            raise

    @classmethod
    def start_all(cls):
        with open(REQUIRED) as f:
            cls.req = json.load(f)
        cls.tmp = tempfile.mkdtemp(prefix="custos-export-")
        cls.rs = Rsyslog()
        cls.rx = Receiver()
        threading.Thread(target=cls.rx.serve_forever, daemon=True).start()
        rx = "http://127.0.0.1:%d" % cls.rx.server_address[1]
        tok = os.path.join(cls.tmp, "hec.token")
        with open(tok, "w") as f:
            f.write(HEC_TOKEN + "\n")
        cls.file = os.path.join(cls.tmp, "ocsf.jsonl")
        cls.pub = os.path.join(cls.tmp, "appr.jsonl")
        cls.t = float(int(time.time()) // 30 * 30)
        cls.d = harness.Daemon(clock=cls.t, extra=[
            "--export", "archive file %s max-bytes=30000 keep=100 batch=7"
            % cls.file,
            "--export", "siem syslog 127.0.0.1:%d batch=50" % cls.rs.port,
            "--export", "splunk hec %s/services/collector/event "
            "token-file=%s batch=20" % (rx, tok),
            "--export", "es bulk %s/_bulk index=custos-ocsf batch=25" % rx,
            "--export", "appr file %s scope=tenant:appr fields=public" %
            cls.pub])
        cls.w = harness.World(cls.d)
        cls.secrets = [harness.TOTP_SECRET, "engineer password 1",
                       "user password 12", "admin password 12", HEC_TOKEN]
        cls.traffic(0)
        cls.d.stop(keep=True)           # a clean restart
        cls.d.start()
        cls.traffic(1)
        cls.d.kill()                    # and a crash, mid-stream
        with open(cls.file, "a") as f:  # as if it cut a batch short
            f.write('{"activity_id":1,"actor":{"us')
        cls.d.start()
        cls.traffic(2)
        cls.n, cls.collected = cls.wait_all()

    @classmethod
    def traffic(cls, round_):
        d, w = cls.d, cls.w
        cls.t += 90             # a fresh TOTP step for each round
        d.set_clock(cls.t)
        r = w.engineer_login(at=cls.t)
        assert r.status == 200, r
        eng = r.body["token"]
        cls.secrets.append(eng)
        adm = w.tenant_login("appr", at=cls.t)
        cls.secrets.append(adm)
        r = d.call("POST", "/v1/tenants/appr/access-requests", {
            "ticket": "appr-t1", "reason": "customer cannot log in",
            "minutes": 30}, token=eng)
        assert r.status == 201, r
        rid = r.body["id"]
        r = d.call("POST", "/v1/tenants/appr/access-requests/%s/approve" %
                   rid, token=adm)
        assert r.status == 200, r
        for path in ("/v1/tenants/appr/users", "/v1/tenants/appr/tickets",
                     "/v1/tenants/auto/users", "/v1/tenants/deny/users"):
            d.call("GET", path, token=eng)
        d.call("POST", "/v1/tenants/auto/users/auto-user/password-reset",
               token=eng)
        d.call("POST", "/v1/tenants/auto/users/auto-user/mfa-reset",
               token=eng)
        d.op("POST", "/v1/tenants/auto/users", {
            "id": "u%d" % round_, "username": "u%d" % round_,
            "email": "u%d@auto.example" % round_,
            "password": "user password 12", "role": "user",
            "totp_secret": harness.TOTP_SECRET})
        d.op("DELETE", "/v1/tenants/auto/users/u%d" % round_)
        d.call("POST", "/v1/tenants/appr/access-requests/%s/revoke" % rid,
               token=adm)
        d.call("POST", "/v1/auth/logout", token=eng)
        if round_ == 1:
            # five bad passwords: a login_failures alert (a finding)
            for _ in range(5):
                d.call("POST", "/v1/tenants/deny/auth/login", {
                    "username": "admin", "password": "wrong password 1",
                    "totp": harness.totp(at=cls.t)},
                    source=harness.fresh_source())

    @classmethod
    def read_all(cls):
        out = {}
        file_events = []
        for p in sorted(glob.glob(cls.file + "*")):
            with open(p) as f:
                lines = f.read().split("\n")
            # what follows the last newline is a batch being written (or
            # one a crash cut short, which custosd cuts back): a reader
            # tailing the file waits for its newline
            file_events += [json.loads(l) for l in lines[:-1]]
        out["file"] = file_events
        sys_events = []
        for line in cls.rs.lines():
            m = SYSLOG_LINE.match(line)
            assert m, "not an RFC 5424 custosd message: %r" % line[:200]
            ev = json.loads(m.group(4))
            pri = int(m.group(1))
            assert pri >> 3 == 4, pri           # facility auth
            sys_events.append(ev)
        out["syslog"] = sys_events
        with cls.rx.lock:
            out["hec"] = list(cls.rx.hec)
            for _id, ev, _t in cls.rx.bulk:
                assert _id == ev["metadata"]["uid"], (_id, ev)
            out["bulk"] = [ev for _i, ev, _t in cls.rx.bulk]
        return out

    @classmethod
    def wait_all(cls):
        """Waits until every destination holds every entry of a log that
        stopped growing (detection may append alerts after the traffic);
        returns (size, what each destination got)."""
        deadline, last = time.time() + 60, -1
        while True:
            n = cls.d.log_size()
            got = cls.read_all()
            missing = {k: sorted(set(range(n)) - {
                e["metadata"]["sequence"] for e in v})[:5]
                for k, v in got.items()}
            if n == last and not any(missing.values()):
                return n, got
            last = n
            if time.time() > deadline:
                raise AssertionError("not delivered in 60 s: %r\n%s" % (
                    missing, cls.d.read_log()[-3000:]))
            time.sleep(0.5)

    @classmethod
    def stop_all(cls):
        rc = cls.d.stop() if cls.d is not None else 0
        if cls.rs is not None:
            cls.rs.stop()
        if cls.rx is not None:
            cls.rx.shutdown()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        return rc

    @classmethod
    def tearDownClass(cls):
        rc = cls.stop_all()
        assert rc == 0, "custosd exited with %s" % rc

    def test_every_entry_reaches_every_destination_duplicates_identical(self):
        entries = {i: ev for i, ev, _l in self.d.entries()}
        self.assertEqual(len(entries), self.n)
        origin = self.d.origin()
        for dest, evs in self.collected.items():
            by_uid = {}
            for ev in evs:
                uid = ev["metadata"]["uid"]
                if uid in by_uid:
                    self.assertEqual(canonical(by_uid[uid]), canonical(ev),
                                     "%s: a duplicate differs" % dest)
                by_uid[uid] = ev
            self.assertEqual(set(by_uid), {"%s/%d" % (origin, i)
                                           for i in range(self.n)}, dest)
            for uid, ev in by_uid.items():
                i = ev["metadata"]["sequence"]
                self.assertEqual(uid, "%s/%d" % (origin, i))
                self.assertEqual(ev["api"]["operation"],
                                 entries[i]["action"])
                self.assertEqual(ev["status_id"], 1 if
                                 entries[i]["outcome"] == "allowed" else 2)

    def test_restarts_and_refusals_really_happened(self):
        # the receiver refused requests, so batches were retried; a kill
        # -9 may resend: _bulk answered those 409 and custosd went on.
        self.assertGreater(self.rx.refused, 0)
        self.assertEqual(self.rx.bad_auth, 0)
        kinds = {e["api"]["operation"] for e in self.collected["file"]}
        for a in ("auth.login", "auth.verify", "access_request.approve",
                  "user.password_reset", "user.mfa_reset", "user.create",
                  "user.delete", "user.list", "alert"):
            self.assertIn(a, kinds)

    def test_each_event_has_what_its_class_requires(self):
        classes, objects = self.req["classes"], self.req["objects"]
        types = self.req["attribute_types"]
        seen = set()
        for ev in self.collected["bulk"] + self.collected["appr" if False
                                                         else "file"]:
            cls = classes.get(str(ev["class_uid"]))
            self.assertIsNotNone(cls, "class %s is not in required.json" %
                                 ev["class_uid"])
            seen.add(ev["class_uid"])
            for a in cls["required"]:
                self.assertIn(a, ev, "%s lacks %s" % (cls["name"], a))
                o = objects.get(types.get(a))
                if o is not None:
                    for b in o["required"]:
                        self.assertIn(b, ev[a], "%s.%s" % (a, b))
                    if o["at_least_one"]:
                        self.assertTrue(set(o["at_least_one"]) & set(ev[a]),
                                        "%s needs one of %s" % (
                                            a, o["at_least_one"]))
            self.assertEqual(ev["category_uid"], cls["category_uid"])
            self.assertIn(ev["activity_id"], cls["activity_ids"])
            self.assertEqual(ev["type_uid"],
                             ev["class_uid"] * 100 + ev["activity_id"])
            self.assertEqual(ev["metadata"]["version"],
                             self.req["ocsf_version"])
            self.assertEqual(ev["metadata"]["product"]["name"], "custos")
            self.assertIsInstance(ev["time"], int)
        self.assertTrue({2004, 3001, 3002, 3005, 6003} <= seen, seen)

    def test_every_alert_is_a_detection_finding_naming_its_entries(self):
        alerts = {i: ev for i, ev, _l in self.d.entries()
                  if ev["action"] == "alert"}
        self.assertTrue(alerts)
        sev = {"low": 2, "medium": 3, "high": 4, "critical": 5}
        origin = self.d.origin()
        by_seq = {e["metadata"]["sequence"]: e
                  for e in self.collected["file"]}
        for i, a in alerts.items():
            f = by_seq[i]
            self.assertEqual(f["class_uid"], 2004)
            fi = f["finding_info"]
            self.assertEqual(fi["uid"], a["target"])
            self.assertEqual(fi["analytic"]["name"], a["detail"]["rule"])
            self.assertEqual(f["severity_id"], sev[a["detail"]["severity"]])
            self.assertEqual([r["uid"] for r in fi["related_events"]],
                             ["%s/%s" % (origin, n) for n in
                              a["detail"]["entries"].split(",")])

    def test_tenant_scoped_public_destination_sees_only_its_tenant(self):
        with open(self.pub) as f:
            text = f.read()
        evs = [json.loads(l) for l in text.splitlines() if l.strip()]
        want = {i for i, ev, _l in self.d.entries()
                if ev.get("tenant") == "appr"}
        self.assertTrue(want)
        self.assertEqual({e["metadata"]["sequence"] for e in evs}, want)
        for word in ('"appr"', "appr-", "eng1", "127.0.0.1", "ses_",
                     "req_", "alr_", "tenant_uid", "unmapped"):
            self.assertNotIn(word, text)

    def test_no_secret_leaves(self):
        blobs = [json.dumps(self.collected)]
        with open(self.pub) as f:
            blobs.append(f.read())
        blobs.append("\n".join(self.rs.lines()))
        for s in self.secrets:
            for b in blobs:
                self.assertNotIn(s, b)

    def test_status_answers_each_destination_caught_up(self):
        deadline = time.time() + 15
        while True:
            r = self.d.op("GET", "/v1/export")
            self.assertEqual(r.status, 200, r)
            dests = {x["name"]: x for x in r.body["destinations"]}
            if all(x["behind"] == 0 for x in dests.values()) or \
                    time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(set(dests), {"archive", "siem", "splunk", "es",
                                      "appr"})
        self.assertEqual(dests["splunk"]["kind"], "hec")
        for x in dests.values():
            self.assertEqual(x["behind"], 0, x)
            self.assertGreaterEqual(x["cursor"], self.n)
            self.assertTrue(x["held"])
            self.assertEqual(x["seconds_behind"], 0)
            self.assertIsNotNone(x["updated"])
        self.assertIsInstance(dests["splunk"]["failures"], int)
        self.assertNotIn(HEC_TOKEN, r.raw)
        self.assertEqual(self.d.call("GET", "/v1/export").status, 401)

    def test_metrics_carry_each_destinations_lag(self):
        r = self.d.op("GET", "/metrics")
        self.assertEqual(r.status, 200, r)
        for name in ("archive", "siem", "splunk", "es", "appr"):
            self.assertRegex(r.raw, r'custos_export_lag_events\{destination='
                             r'"%s"\} \d+' % name)
            self.assertIn('custos_export_lag_seconds{destination="%s"}'
                          % name, r.raw)
        self.assertNotIn("127.0.0.1:%d" % self.rx.server_address[1], r.raw)

    def test_file_rotated_and_kept(self):
        rotated = glob.glob(self.file + ".*")
        self.assertTrue(rotated, "30000 bytes should have rotated")
        for p in rotated + [self.file]:
            self.assertLessEqual(os.path.getsize(p), 30000 + 8000)


class TlsSyslog(threading.Thread):
    """A TLS syslog receiver (Python's ssl on a self-signed certificate
    for 127.0.0.1) that reads RFC 6587 octet-counted frames strictly."""

    def __init__(self, tmp):
        super().__init__(daemon=True)
        import socket
        import ssl
        self.cert = os.path.join(tmp, "cert.pem")
        key = os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", self.cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(self.cert, key)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.messages, self.errors = [], []
        self.lock = threading.Lock()

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,),
                             daemon=True).start()

    def serve(self, conn):
        try:
            s = self.ctx.wrap_socket(conn, server_side=True)
            buf = b""
            while True:
                data = s.recv(65536)
                if not data:
                    return
                buf += data
                while b" " in buf:
                    n, rest = buf.split(b" ", 1)
                    if not n.isdigit() or n.startswith(b"0"):
                        raise ValueError("bad frame length %r" % n[:20])
                    if len(rest) < int(n):
                        break
                    with self.lock:
                        self.messages.append(rest[:int(n)].decode())
                    buf = rest[int(n):]
        except Exception as e:          # noqa: BLE001 -- reported below
            with self.lock:
                self.errors.append(repr(e))


class ExportSyslogTlsTest(unittest.TestCase):
    """syslog with tls=1: custosd checks the receiver's certificate
    against ca= and sends the same octet-counted RFC 5424 frames."""

    def test_tls_syslog_receives_every_entry(self):
        tmp = tempfile.mkdtemp(prefix="custos-export-tls-")
        rx = TlsSyslog(tmp)
        rx.start()
        d = harness.Daemon(extra=[
            "--export", "tls syslog 127.0.0.1:%d tls=1 ca=%s" % (
                rx.port, rx.cert)])
        try:
            harness.World(d)
            n = d.log_size()
            deadline = time.time() + 30
            while time.time() < deadline:
                with rx.lock:
                    got = list(rx.messages)
                if len(got) >= n:
                    break
                time.sleep(0.1)
            self.assertEqual(rx.errors, [])
            seqs = set()
            for m in got:
                match = SYSLOG_LINE.match(m)
                self.assertIsNotNone(match, m[:200])
                seqs.add(json.loads(match.group(4))["metadata"]["sequence"])
            self.assertEqual(seqs, set(range(n)))
        finally:
            rx.sock.close()
            self.assertEqual(d.stop(), 0)
            shutil.rmtree(tmp, ignore_errors=True)

    def test_an_untrusted_certificate_gets_nothing(self):
        tmp = tempfile.mkdtemp(prefix="custos-export-tls-")
        rx = TlsSyslog(tmp)
        rx.start()
        # no ca=: the system's roots do not know the self-signed one
        d = harness.Daemon(extra=[
            "--export", "tls syslog 127.0.0.1:%d tls=1" % rx.port])
        try:
            harness.World(d)
            time.sleep(1.5)
            self.assertEqual(rx.messages, [])
            self.assertIn("cannot connect", d.read_log())
        finally:
            rx.sock.close()
            self.assertEqual(d.stop(), 0)
            shutil.rmtree(tmp, ignore_errors=True)


@unittest.skipUnless(harness.PG, "a cluster needs PostgreSQL")
class ExportClusterTest(unittest.TestCase):
    """Two nodes on one database, each configured with the same _bulk
    destination: one exports at a time (lease export:es); killing the one
    that does moves the export to the other, from the shared cursor,
    and every entry still arrives."""

    def holder(self, d):
        db = d.db()
        try:
            rows = db.query("SELECT holder FROM leases WHERE name = ?",
                            ("export:es",))
        finally:
            db.close()
        return rows[0][0] if rows else ""

    def test_the_export_moves_when_its_node_dies(self):
        rx = Receiver()
        rx.fail_every = 0
        threading.Thread(target=rx.serve_forever, daemon=True).start()
        spec = ["--lease-ttl", "2", "--export", "es bulk "
                "http://127.0.0.1:%d/_bulk batch=5" % rx.server_address[1]]
        a = harness.Daemon(extra=spec, node_name="na")
        b = harness.Daemon(join=a, extra=spec, node_name="nb")
        victim, survivor = a, b
        try:
            w = harness.World(a)
            deadline = time.time() + 15
            while not self.holder(a) and time.time() < deadline:
                time.sleep(0.2)
            first = self.holder(a)
            self.assertRegex(first, "^n[ab]")
            victim, survivor = (a, b) if first.startswith("na") else (b, a)
            victim.kill()
            for i in range(10):
                r = survivor.op("POST", "/v1/vendors", {
                    "name": "V%d" % i, "id": "v%d" % i})
                self.assertEqual(r.status, 201, r)
            n = survivor.log_size()
            deadline = time.time() + 30
            while time.time() < deadline:
                with rx.lock:
                    got = {ev["metadata"]["sequence"] for _i, ev, _t
                           in rx.bulk}
                if got >= set(range(n)):
                    break
                time.sleep(0.2)
            self.assertEqual(got, set(range(n)))
            self.assertNotEqual(self.holder(survivor)[:2], first[:2])
            self.assertTrue(w)
        finally:
            rx.shutdown()
            self.assertEqual(survivor.stop(), 0)
            victim.stop()


if __name__ == "__main__":
    unittest.main()
