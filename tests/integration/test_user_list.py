# SPDX-License-Identifier: ISC
"""The user list support sees is served from a cache keyed by the tenant's
users_version; every change to a listed field must show at once."""
import json
import unittest

from harness import DaemonTest


class UserListStaysCurrent(DaemonTest):
    def users(self, token):
        r = self.d.call("GET", "/v1/tenants/auto/users", token=token)
        self.assertEqual(r.status, 200, r)
        return {u["id"]: u for u in r.body["users"]}

    def test_create_mfa_reset_delete_and_import_show_on_the_next_list(self):
        eng = self.w.engineer_login().body["token"]
        admin = self.w.tenant_login("auto")
        before = self.users(eng)
        self.assertEqual(self.users(eng), before)   # served again, same
        self.assertEqual(self.d.op("POST", "/v1/tenants/auto/users", {
            "id": "fresh", "username": "fresh", "email": "f@auto.example",
            "role": "user", "totp_secret": "JBSWY3DPEHPK3PXP"}).status, 201)
        now = self.users(eng)
        self.assertIn("fresh", now)
        self.assertTrue(now["fresh"]["mfa_enrolled"])
        r = self.d.call("POST", "/v1/tenants/auto/users/fresh/mfa-reset",
                        {}, token=eng)
        self.assertEqual(r.status, 202, r)
        self.assertFalse(self.users(eng)["fresh"]["mfa_enrolled"])
        r = self.d.call("DELETE", "/v1/tenants/auto/users/fresh",
                        token=admin)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("fresh", self.users(eng))
        line = {"kind": "user", "id": "imported", "tenant": "auto",
                "username": "imported", "email": "i@auto.example"}
        r = self.d.call("POST", "/v1/import", token=self.d.operator,
                        raw=(json.dumps(line) + "\n").encode())
        self.assertEqual(r.status, 200, r)
        self.assertIn("imported", self.users(eng))
        # The list is the same bytes jansson would write for these users.
        r = self.d.call("GET", "/v1/tenants/auto/users", token=eng)
        self.assertEqual(r.raw.rstrip("\n"), json.dumps(
            r.body, separators=(",", ":"), ensure_ascii=False))


if __name__ == "__main__":
    unittest.main()
