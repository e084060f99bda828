# SPDX-License-Identifier: ISC
"""Tile and entry-bundle paths with indexes at the edge of int64: answered
404 without arithmetic overflow (the ASan+UBSan build aborts on any), and
the daemon keeps serving."""
import unittest

from harness import Daemon

HUGE = "x009/x223/x372/x036/x854/x775/807"      # INT64_MAX
BIG = "x036/x028/x797/x018/x963/x968"           # 2^55: * 256 overflows


class TileIndexBounds(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def test_entry_bundle_at_int64_max_is_404(self):
        for path in ("entries/" + HUGE, "entries/" + BIG,
                     "entries/%s.p/7" % HUGE):
            with self.subTest(path=path):
                r = self.d.call("GET", "/v1/log/tile/" + path)
                self.assertEqual(r.status, 404, r)
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)

    def test_hash_tile_at_int64_max_is_404(self):
        for level in (0, 1, 7):
            for idx in (HUGE, BIG):
                path = "%d/%s" % (level, idx)
                with self.subTest(path=path):
                    r = self.d.call("GET", "/v1/log/tile/" + path)
                    self.assertEqual(r.status, 404, r)
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)


if __name__ == "__main__":
    unittest.main()
