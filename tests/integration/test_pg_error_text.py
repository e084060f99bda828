# SPDX-License-Identifier: ISC
"""PostgreSQL's own words about a failed statement stay in custosd's log.

A statement the database refuses (here a CHECK constraint an intruder or a
mistaken migration added) is answered 500 with what failed and the
SQLSTATE, never with libpq's text: its DETAIL quotes the failing row,
which for an engineer holds the password hash and the sealed TOTP seed.
The log names the SQLSTATE and the primary message, not the row.
"""
import unittest

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


if __name__ == "__main__":
    unittest.main()
