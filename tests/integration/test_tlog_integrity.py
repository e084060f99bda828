# SPDX-License-Identifier: ISC
"""Start-up integrity: custosd finds a store changed behind its back.

Someone with access to the store (DATA/custos.db, or the PostgreSQL
database: an intruder, an insider) drops or disables the append-only
trigger that stands in the way and
changes one byte of an entry, one hash of a tile, deletes the newest entry,
or replaces the last signed checkpoint.  The next start must refuse: health
answers 503 naming exactly where the log and its tree or checkpoint
disagree, every recorded call is 503, and nothing at all is appended or
signed.  Once the byte is put back, the next start is healthy and its
newest entry is a log.integrity_alert (actor kind system) naming what was
found, once, in a tree that still verifies.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import unittest

import nacl.signing

import harness
import test_tlog as tl
from harness import Daemon, World

ENTRIES = 700           # imported vendors: 2 full level-0 tiles and a part

TRIGGERS = {
    "entries_no_update":
        "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
        " BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;",
    "entries_no_delete":
        "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries"
        " BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;",
    "tiles_grow_only":
        "CREATE TRIGGER tiles_grow_only BEFORE UPDATE ON tiles"
        " WHEN length(NEW.hashes) < length(OLD.hashes)"
        " OR substr(NEW.hashes, 1, length(OLD.hashes)) <> OLD.hashes"
        " BEGIN SELECT RAISE(ABORT, 'tiles only grow'); END;",
    "checkpoints_no_update":
        "CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints"
        " BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;",
}


ENTRY_COLUMNS = ("idx,time,actor_id,tenant_id,action,session_id,device_id,"
                 "source,allowed,bytes,vendor_id,leaf")


class StartupIntegrity(unittest.TestCase):
    def setUp(self):
        self.d = Daemon()
        self.addCleanup(self.cleanup)
        World(self.d)
        body = "".join(json.dumps({"kind": "vendor", "id": "iv-%04d" % i,
                                   "name": "Imported %d" % i}) + "\n"
                       for i in range(ENTRIES)).encode()
        r = self.d.call("POST", "/v1/import", raw=body,
                        token=self.d.operator)
        self.assertEqual(r.status, 200, r)
        self.key = tl.fetch_key(self.d)
        tl.settled_checkpoint(self.d)
        self.size = self.d.log_size()
        self.stop()
        # The last checkpoint covers every entry before anything is done.
        self.assertEqual(self.one("SELECT count(*) FROM entries"),
                         self.size)
        self.assertEqual(self.one("SELECT max(size) FROM checkpoints"),
                         self.size)

    def cleanup(self):
        if self.d.proc.poll() is None:
            self.d.proc.kill()
            self.d.proc.wait()
        self.d.log.close()
        shutil.rmtree(self.d.dir, ignore_errors=True)

    def query(self, sql, params=()):
        with self.d.db() as db:
            return db.query(sql, params)

    def one(self, sql, params=()):
        ((v,),) = self.query(sql, params)
        return v

    def execute(self, sql, params=()):
        with self.d.db() as db:
            db.execute(sql, params)

    def unguard(self, trigger):
        """Drops (SQLite) or disables (PostgreSQL) the trigger."""
        if harness.PG:
            table = trigger.split("_", 1)[0]
            self.execute('ALTER TABLE %s DISABLE TRIGGER "%s"'
                         % (table, trigger))
        else:
            self.execute("DROP TRIGGER %s" % trigger)

    def reguard(self, trigger):
        if harness.PG:
            table = trigger.split("_", 1)[0]
            self.execute('ALTER TABLE %s ENABLE TRIGGER "%s"'
                         % (table, trigger))
        else:
            self.execute(TRIGGERS[trigger])

    def stop(self):
        self.d.proc.terminate()
        rc = self.d.proc.wait(timeout=30)
        self.assertEqual(rc, 0, "custosd exited with %s (sanitizer "
                         "report?): %s" % (rc, tl.run_log_text(self.d)))

    def snapshot(self):
        """What custosd may not change while the log is broken."""
        return (self.query("SELECT count(*), max(idx) FROM entries"),
                self.query("SELECT count(*), max(size) FROM checkpoints"),
                hashlib.sha256(repr(self.query(
                    "SELECT level, idx, hashes FROM tiles ORDER BY "
                    "level, idx")).encode()).hexdigest())

    def entry_bytes(self, idx):
        return bytes(self.one("SELECT bytes FROM entries WHERE idx = ?",
                              (idx,)))

    def expect_refusal(self, where):
        """Starts on the changed store: refused, naming `where` (or one
        of several); nothing written.  Returns the reason health gave."""
        before = self.snapshot()
        h = tl.start_again(self.d, "broken")
        self.assertEqual(h.status, 503, h)
        msg = h.body["error"]["message"]
        self.assertTrue(msg.startswith("degraded: "), msg)
        reason = msg[len("degraded: "):]
        alternatives = (where,) if isinstance(where, str) else where
        self.assertTrue(any(w in reason for w in alternatives),
                        "%r names none of %r" % (reason, alternatives))
        # Every recorded call is refused, authenticated or not.
        calls = [
            self.d.op("POST", "/v1/vendors", {"id": "after", "name": "A"}),
            self.d.call("POST", "/v1/auth/login", {
                "username": "eng1", "password": "engineer password 1",
                "device": "dev1"}),
            self.d.call("POST", "/v1/tenants/auto/auth/login", {
                "username": "admin", "password": "admin password 12",
                "totp": "000000"}),
            self.d.call("GET", "/v1/tenants/auto/users",
                        token="not-a-token"),
        ]
        for r in calls:
            self.assertEqual(r.status, 503, r)
        self.assertIn(reason, tl.run_log_text(self.d))
        self.stop()
        self.assertEqual(self.snapshot(), before)
        return reason

    def expect_alert(self, reason):
        """Starts on the repaired store: healthy, and the newest entry
        records what the refused start found."""
        h = tl.start_again(self.d, "repaired")
        self.assertEqual(h.status, 200, (h, tl.run_log_text(self.d)))
        entries = self.d.entries()
        self.assertEqual(len(entries), self.size + 1)
        ev = entries[-1][1]
        self.assertEqual(ev["action"], "log.integrity_alert", ev)
        self.assertEqual(ev["actor"]["kind"], "system", ev)
        self.assertEqual(ev["detail"]["failure"], reason, ev)
        r = self.d.op("POST", "/v1/vendors", {"id": "after", "name": "A"})
        self.assertEqual(r.status, 201, r)
        # The alert and what followed are in a tree that verifies.
        note, _ = tl.settled_checkpoint(self.d)
        _, size, root = tl.open_checkpoint(note, self.key)
        entries = self.d.entries()
        self.assertEqual(size, len(entries))
        self.assertEqual(tl.tree_root([tl.leaf_hash(e[2])
                                       for e in entries]), root)
        self.stop()
        # Said once: the next start adds nothing.
        h = tl.start_again(self.d, "again")
        self.assertEqual(h.status, 200, h)
        self.assertEqual(self.d.log_size(), size)
        self.stop()

    def flip_entry(self, idx):
        """Changes one byte of entry idx (in its target) as an intruder
        with the file would; returns the original bytes."""
        orig = self.entry_bytes(idx)
        bad = bytearray(orig)
        bad[orig.index(b'"target":"') + 10] ^= 1
        self.unguard("entries_no_update")
        self.execute("UPDATE entries SET bytes = ? WHERE idx = ?",
                     (bytes(bad), idx))
        self.assertEqual(self.entry_bytes(idx), bytes(bad))
        return orig

    def restore_entry(self, idx, orig):
        self.execute("UPDATE entries SET bytes = ? WHERE idx = ?",
                     (orig, idx))
        self.reguard("entries_no_update")

    def check_entry_flip(self, idx):
        orig = self.flip_entry(idx)
        reason = self.expect_refusal("log entry %d " % idx)
        self.assertEqual(re.findall(r"entry (\d+)", reason), [str(idx)])
        # The plaintext custosd queries no longer opens from the sealed
        # leaf the tree commits to (docs/internals/tlog.md).
        self.assertIn("log entry %d differs from what its sealed leaf holds"
                      % idx, reason)
        self.restore_entry(idx, orig)
        self.expect_alert(reason)

    def test_flipped_byte_of_an_entry_in_a_full_tile_is_named(self):
        self.check_entry_flip(300)

    def test_flipped_byte_of_an_entry_in_the_partial_tile_is_named(self):
        self.check_entry_flip(self.size - 7)

    def change_tile(self, level, idx, at):
        orig = bytes(self.one("SELECT hashes FROM tiles WHERE level = ? "
                              "AND idx = ?", (level, idx)))
        self.assertGreater(len(orig), 32 * at)
        bad = bytearray(orig)
        bad[32 * at + 17] ^= 0x40
        self.unguard("tiles_grow_only")
        self.execute("UPDATE tiles SET hashes = ? WHERE level = ? AND "
                     "idx = ?", (bytes(bad), level, idx))
        return orig

    def restore_tile(self, level, idx, orig):
        self.execute("UPDATE tiles SET hashes = ? WHERE level = ? AND "
                     "idx = ?", (orig, level, idx))
        self.reguard("tiles_grow_only")

    def test_changed_leaf_hash_in_a_tile_names_its_entry(self):
        orig = self.change_tile(0, 1, 5)
        reason = self.expect_refusal("log entry 261 ")
        self.assertEqual(re.findall(r"entry (\d+)", reason), ["261"])
        self.restore_tile(0, 1, orig)
        self.expect_alert(reason)

    def test_changed_hash_in_a_level_one_tile_names_the_tile(self):
        orig = self.change_tile(1, 0, 1)
        reason = self.expect_refusal("tile 1/0 ")
        self.restore_tile(1, 0, orig)
        self.expect_alert(reason)

    def test_entry_rewritten_with_its_leaf_hash_is_caught_by_its_seal(self):
        # An intruder who knows the format also puts the hash of the
        # changed entry in its tile: the tree no longer hashes plaintext,
        # and the stored entry does not open from its sealed leaf (a new
        # seal needs the key in secrets.key, not in the database).
        orig = self.flip_entry(300)
        tile = self.change_tile(0, 1, 300 - 256)
        new = bytearray(tile)
        new[32 * 44:32 * 45] = tl.leaf_hash(self.entry_bytes(300))
        self.execute("UPDATE tiles SET hashes = ? WHERE level = 0 AND "
                     "idx = 1", (bytes(new),))
        reason = self.expect_refusal(
            "log entry 300 differs from what its sealed leaf holds")
        self.restore_entry(300, orig)
        self.restore_tile(0, 1, tile)
        self.expect_alert(reason)

    def test_deleted_newest_entry_leaves_the_log_shorter_than_its_checkpoint(
            self):
        last = self.size - 1
        (row,) = self.query("SELECT %s FROM entries WHERE idx = ?"
                            % ENTRY_COLUMNS, (last,))
        cols = [n for (n,) in self.query(
            "SELECT column_name::text FROM information_schema.columns "
            "WHERE table_name = 'entries' ORDER BY ordinal_position"
            if harness.PG else "SELECT name FROM pragma_table_info("
            "'entries')")]
        self.assertEqual(",".join(cols), ENTRY_COLUMNS)
        self.unguard("entries_no_delete")
        self.execute("DELETE FROM entries WHERE idx = ?", (last,))
        if harness.PG:
            # PostgreSQL's log size is log_head's (the row every writer
            # locks): the intruder shortens it too, or the log has a hole
            # (a tile then differs, also refused).
            self.execute("UPDATE log_head SET size = ? WHERE id = 1",
                         (last,))
        reason = self.expect_refusal("from index %d are gone" % last)
        self.assertIn("holds %d entries but its last checkpoint signed %d"
                      % (last, self.size), reason)
        self.execute("INSERT INTO entries (%s) VALUES (%s)"
                     % (ENTRY_COLUMNS, ",".join("?" * len(row))), row)
        if harness.PG:
            self.execute("UPDATE log_head SET size = ? WHERE id = 1",
                         (self.size,))
        self.reguard("entries_no_delete")
        self.expect_alert(reason)

    def replace_checkpoint(self, note):
        orig = self.one("SELECT note FROM checkpoints WHERE size = ?",
                        (self.size,))
        self.assertEqual(tl.open_checkpoint(orig, self.key)[1], self.size)
        self.unguard("checkpoints_no_update")
        self.execute("UPDATE checkpoints SET note = ? WHERE size = ?",
                     (note(orig), self.size))
        with self.assertRaises(ValueError):
            tl.open_checkpoint(note(orig), self.key)
        reason = self.expect_refusal("checkpoint does not verify")
        self.execute("UPDATE checkpoints SET note = ? WHERE size = ?",
                     (orig, self.size))
        self.reguard("checkpoints_no_update")
        self.expect_alert(reason)

    def test_checkpoint_with_a_changed_root_no_longer_verifies(self):
        def changed_root(orig):
            lines = orig.split("\n")
            root = bytearray(base64.b64decode(lines[2]))
            root[0] ^= 1
            lines[2] = base64.b64encode(bytes(root)).decode()
            return "\n".join(lines)
        self.replace_checkpoint(changed_root)

    def test_checkpoint_signed_by_another_key_is_refused(self):
        forger = nacl.signing.SigningKey.generate()
        name = self.key.split("+")[0]
        raw = b"\x01" + bytes(forger.verify_key)
        kid = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]

        def forged(orig):
            body = orig[:orig.rfind("\n\n") + 1]
            sig = forger.sign(body.encode()).signature
            return "%s\n%s %s %s\n" % (body, tl.EM_DASH, name,
                                       base64.b64encode(kid + sig).decode())
        self.replace_checkpoint(forged)


if __name__ == "__main__":
    unittest.main()
