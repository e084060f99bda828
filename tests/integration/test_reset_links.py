# SPDX-License-Identifier: ISC
"""Only a user's newest reset link works: mailing a new link ends the older
ones, and setting a password ends every other link (a link left in an old
mail, or forwarded, cannot set the password again)."""
import unittest

from test_resets import ResetTest


class OnlyTheNewestLink(ResetTest):
    def test_a_new_link_ends_the_older_ones(self):
        uid = self.user("rl-newer")
        first = self.reset_link(uid)
        second = self.reset_link(uid)
        self.assertNotEqual(first, second)
        r = self.complete(first)
        self.assertEqual(r.status, 400, r)
        self.assertIn("'token'", r.body["error"]["message"])
        self.assertEqual(self.complete(second).status, 200)

    def test_an_older_link_is_refused_after_the_password_is_set(self):
        uid = self.user("rl-set")
        older = self.reset_link(uid)
        newer = self.reset_link(uid)
        self.assertEqual(self.complete(newer).status, 200)
        r = self.complete(older, "a third password 777")
        self.assertEqual(r.status, 400, r)


if __name__ == "__main__":
    unittest.main()
