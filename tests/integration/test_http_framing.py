# SPDX-License-Identifier: ISC
"""How a request's body is framed (issue 11, findings 5 and 11): a declared
Content-Length over the route's cap is refused at once, before the body
is sent; a malformed Content-Length gets one clean 400 (libmicrohttpd
0.9.75 sent its headers twice); two Content-Length headers are refused."""
import socket
import time
import unittest

from harness import Daemon


def exchange(port, head, body=b"", timeout=5.0):
    """Sends head (+ body) on a fresh connection; returns (bytes read until
    the server closes or timeout, seconds until the first byte)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    t0 = time.monotonic()
    first = None
    data = b""
    try:
        s.sendall(head + body)
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            if first is None:
                first = time.monotonic() - t0
            data += chunk
    finally:
        s.close()
    return data, first


class HttpFraming(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def test_declared_length_over_the_cap_is_413_before_the_body(self):
        before = self.d.log_size()
        # Anonymous: the cap is 8 KiB.  Not a byte of the body is sent.
        data, first = exchange(self.d.port, (
            b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\n"
            b"Content-Length: 1000000\r\n\r\n"))
        self.assertTrue(data.startswith(b"HTTP/1.1 413 "), data[:200])
        self.assertIsNotNone(first)
        self.assertLess(first, 2.0, "413 came only after %.1f s" % first)
        self.assertEqual(data.count(b"HTTP/1.1 "), 1, data)
        # The refusal is recorded like any other.
        reasons = [ev.get("reason") for _, ev, _ in self.d.entries(before)]
        self.assertIn("body_too_large", reasons)

    def test_malformed_length_gets_one_clean_400(self):
        for value in (b"12abc", b"-1", b"0x10"):
            data, _ = exchange(self.d.port, (
                b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                b"Content-Length: " + value + b"\r\n\r\n"), b"{}")
            self.assertTrue(data.startswith(b"HTTP/1.1 400 "), data[:300])
            self.assertEqual(data.count(b"HTTP/1.1 "), 1,
                             "answer headers sent twice: %r" % data)
            head, _, body = data.partition(b"\r\n\r\n")
            self.assertNotIn(b"HTTP/1.1", body, data)

    def test_huge_length_gets_one_clean_413(self):
        data, _ = exchange(self.d.port, (
            b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 99999999999999999999999\r\n\r\n"))
        self.assertTrue(data.startswith(b"HTTP/1.1 413 "), data[:300])
        self.assertEqual(data.count(b"HTTP/1.1 "), 1,
                         "answer headers sent twice: %r" % data)

    def test_two_content_lengths_are_refused(self):
        data, _ = exchange(self.d.port, (
            b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 2\r\nContent-Length: 30\r\n\r\n"),
            b'{}{"username":"a","password":"b"}')
        self.assertTrue(data.startswith(b"HTTP/1.1 400 "), data[:300])
        self.assertIn(b"more than one Content-Length", data)
        self.assertEqual(data.count(b"HTTP/1.1 "), 1, data)

    def test_the_server_still_answers(self):
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)


if __name__ == "__main__":
    unittest.main()
