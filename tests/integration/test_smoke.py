# SPDX-License-Identifier: ISC
"""The shortest path through custos: an engineer logs in with password,
TOTP (from oathtool) and device signature, and lists a tenant's users."""
import unittest

from harness import DaemonTest


class Smoke(DaemonTest):
    def test_engineer_logs_in_and_lists_users_of_auto_approve_tenant(self):
        r = self.w.engineer_login()
        self.assertEqual(r.status, 200, r)
        users = self.d.call("GET", "/v1/tenants/auto/users",
                            token=r.body["token"])
        self.assertEqual(users.status, 200, users)
        self.assertEqual(sorted(u["id"] for u in users.body["users"]),
                         ["auto-admin", "auto-user"])
        last = self.d.entries()[-1][1]
        self.assertEqual(last["action"], "user.list")
        self.assertEqual(last["actor"]["id"], "eng1")
        self.assertEqual(last["outcome"], "allowed")


if __name__ == "__main__":
    unittest.main()
