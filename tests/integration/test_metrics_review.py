# SPDX-License-Identifier: ISC
"""Review of the metrics (issue 16, item 4) as an outsider on the
unauthenticated --metrics-listen would try it:

- bodies trickled a chunk at a time on more connections than the listener
  keeps (32) must not lock the scraper out: the listener takes no body,
  so a chunked one is answered at once instead of read for ever;
- an engineer or a tenant admin asking the main listener's GET /metrics
  (or the log's health) is refused and the refusal recorded, as every
  refusal of a person is: the operator's scrapes being left out of the
  log must not hide probing.

CUSTOSD, CUSTOS as in harness.py.
"""
import socket
import time
import unittest
import urllib.request

from harness import DaemonTest, Daemon, free_port


class MetricsListenerReview(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.d = Daemon(extra=["--metrics-listen",
                              "127.0.0.1:%d" % cls.port])

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s" % rc

    def scrape(self):
        url = "http://127.0.0.1:%d/metrics" % self.port
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.status

    def test_trickled_bodies_do_not_lock_out_the_scraper(self):
        socks = []
        try:
            for _ in range(40):
                s = socket.create_connection(("127.0.0.1", self.port),
                                             timeout=3)
                s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n")
                socks.append(s)
            fails = 0
            for _ in range(4):
                for s in socks:
                    try:
                        s.sendall(b"1\r\na\r\n")
                    except OSError:
                        pass
                # A scrape may meet a connection being evicted (a
                # retry, as Prometheus's next scrape); locked out, every
                # attempt fails.
                for _ in range(3):
                    try:
                        self.assertEqual(self.scrape(), 200)
                        break
                    except OSError:
                        time.sleep(0.5)
                else:
                    fails += 1
                time.sleep(1)
            self.assertEqual(fails, 0, "scrapes locked out")
        finally:
            for s in socks:
                s.close()



class MetricsRefusalsRecorded(DaemonTest):
    clock = 1800000000.0

    def test_persons_refused_metrics_are_recorded(self):
        d, w = self.d, self.w
        eng = w.engineer_login(at=self.clock).body["token"]
        adm = w.tenant_login("auto", at=self.clock)
        for path, action in (("/metrics", "metrics.read"),
                             ("/v1/log/health", "log.health")):
            n0 = d.log_size()
            for tok in (eng, adm):
                r = d.call("GET", path, token=tok)
                self.assertEqual(r.status, 403, r)
            got = [(ev["action"], ev["outcome"], ev["actor"]["kind"])
                   for _, ev, _ in d.entries(n0) if ev["action"] == action]
            self.assertEqual(got, [(action, "denied", "engineer"),
                                   (action, "denied", "tenant_admin")])
        # The operator's own scrape stays out of the log.
        n0 = d.log_size()
        r = d.op("GET", "/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(d.log_size(), n0)


if __name__ == "__main__":
    unittest.main()
