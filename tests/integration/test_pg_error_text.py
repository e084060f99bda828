# SPDX-License-Identifier: ISC
"""PostgreSQL's own words about a failed statement stay in custosd's log.

A statement the database refuses (here a CHECK constraint an intruder or a
mistaken migration added) is answered 500 with what failed and the
SQLSTATE, never with libpq's text: its DETAIL quotes the failing row,
which for an engineer holds the password hash and the sealed TOTP seed.
The log names the SQLSTATE and the primary message, not the row.

A database that cannot be reached is answered 503 without libpq's words
either: they name the database's host, port, name and user, and
GET /v1/health answers anyone.  custosd's log has them.
"""
import time
import unittest
import urllib.parse

import pgserver
from harness import TOTP_SECRET, Daemon, pg_server


class PgErrorText(unittest.TestCase):
    def setUp(self):
        self.d = Daemon(store=pg_server().new_database(), quiet=False)

    def tearDown(self):
        self.d.stop()

    def test_a_refused_row_is_not_quoted_to_the_caller_or_the_log(self):
        r = self.d.op("POST", "/v1/vendors", {"id": "sitel",
                                              "name": "Sitel"})
        self.assertEqual(r.status, 201, r)
        db = self.d.db()
        try:
            db.execute("ALTER TABLE engineers ADD CONSTRAINT review_no_eve "
                       "CHECK (username <> 'eve')")
        finally:
            db.close()
        r = self.d.op("POST", "/v1/engineers", {
            "id": "eve", "username": "eve", "vendor": "sitel",
            "password": "a password of eve 1", "totp_secret": TOTP_SECRET})
        self.assertEqual(r.status, 500, r)
        msg = r.body["error"]["message"]
        for word in ("ERROR", "DETAIL", "Failing row", "argon2", "eve,",
                     "review_no_eve"):
            self.assertNotIn(word, msg, msg)
        self.assertIn("23514", msg)
        log = self.d.read_log()
        self.assertIn("23514", log)
        for word in ("DETAIL", "Failing row", "argon2"):
            self.assertNotIn(word, log)


class PgUnreachableText(unittest.TestCase):
    def setUp(self):
        self.srv = pgserver.PgServer()
        self.addCleanup(self.srv.stop)
        self.url = self.srv.new_database()
        self.d = Daemon(store=self.url, server=self.srv, quiet=False)
        self.addCleanup(self.d.stop)

    def test_the_databases_address_is_not_told_to_anyone_who_asks(self):
        u = urllib.parse.urlparse(self.url)
        secret = (u.hostname, str(u.port), u.path.lstrip("/"), u.username)
        self.srv.server_stop("fast")
        try:
            for path, token in (("/v1/vendors", self.d.operator),
                                ("/v1/health", None)):
                # The health answers 503 once a commit (a lease's
                # renewal, the recorded read) failed.
                deadline = time.monotonic() + 15
                r = self.d.call("GET", path, token=token)
                while r.status != 503 and time.monotonic() < deadline:
                    time.sleep(0.2)
                    r = self.d.call("GET", path, token=token)
                self.assertEqual(r.status, 503, r)
                msg = r.body["error"]["message"]
                for word in secret:
                    self.assertNotIn(word, msg, msg)
        finally:
            self.srv.server_start()
        self.assertIn(str(u.port), self.d.read_log())


if __name__ == "__main__":
    unittest.main()
