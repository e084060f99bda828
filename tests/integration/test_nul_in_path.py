# SPDX-License-Identifier: ISC
"""A NUL in the path or the query (%00) never cuts an id short: the
request is refused as malformed (400), not served for the id before the
NUL, and its entry does not name that shorter id."""
import socket
import unittest

from harness import Daemon


class NulInPath(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        r = cls.d.call("POST", "/v1/tenants", {"id": "ten", "name": "Ten"},
                       token=cls.d.operator)
        assert r.status == 201, r

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def test_nul_in_a_path_id_is_400_and_not_the_shorter_id(self):
        before = self.d.log_size()
        r = self.d.call("GET", "/v1/access-requests/req%00zzz",
                        token=self.d.operator)
        self.assertEqual(r.status, 400, r)
        self.assertIn("malformed", r.body["error"]["message"])
        for _, ev, _ in self.d.entries(before):
            self.assertNotEqual(ev.get("target"), "req", ev)

    def test_nul_after_a_route_matches_no_route(self):
        r = self.d.call("GET", "/v1/tenants/ten/users%00",
                        token=self.d.operator)
        self.assertEqual(r.status, 404, r)
        self.assertIn("no such endpoint", r.body["error"]["message"])

    def test_nul_in_a_query_value_is_400_naming_it(self):
        r = self.d.call("GET", "/v1/log/entries?start=1%00",
                        token=self.d.operator)
        self.assertEqual(r.status, 400, r)
        self.assertIn("'start'", r.body["error"]["message"])

    def raw(self, request):
        """Sends request bytes as they are; returns the whole answer."""
        s = socket.create_connection(("127.0.0.1", self.d.port), timeout=10)
        try:
            s.sendall(request)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return data
                data += chunk
        finally:
            s.close()

    def test_raw_nul_in_the_target_is_400_and_serves_nothing(self):
        before = self.d.log_size()
        for target in (b"/v1/access-requests/req\x00zzz",
                       b"/v1/tenants/ten\x00/users",
                       b"/v1/tenants/ten/users?x=\x00",
                       b"/v1/access-requests/req\x00HTTP/1.1"):
            answer = self.raw(b"GET " + target + b" HTTP/1.1\r\n"
                              b"Host: x\r\nAuthorization: Bearer " +
                              self.d.operator.encode() +
                              b"\r\nConnection: close\r\n\r\n")
            self.assertTrue(answer.startswith(b"HTTP/1.1 400 "),
                            (target, answer[:200]))
            self.assertIn(b"NUL", answer, target)
            self.assertEqual(answer.count(b"HTTP/1.1 "), 1, answer)
        for _, ev, _ in self.d.entries(before):
            self.assertNotIn(ev.get("target"), ("req", "ten"), ev)
        # An ordinary request on the same server still works.
        r = self.d.call("GET", "/v1/tenants/ten/users",
                        token=self.d.operator)
        self.assertEqual((r.status, r.body), (200, {"users": []}), r)

    def test_other_escapes_still_decode(self):
        # %74%65%6e is "ten": ordinary escapes reach the route as before.
        r = self.d.call("GET", "/v1/tenants/%74%65%6e/users",
                        token=self.d.operator)
        # Tenant "ten" (another id would be 404), whose users the
        # operator reads (API.md: the directory).
        self.assertEqual((r.status, r.body), (200, {"users": []}), r)


if __name__ == "__main__":
    unittest.main()
