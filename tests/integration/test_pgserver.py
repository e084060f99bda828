# SPDX-License-Identifier: ISC
"""pgserver.py and scripts/pgtest start a real PostgreSQL 15 that the
PostgreSQL tests can rely on: it answers, as an unprivileged user even
under root, durable settings, a fresh database per call, data kept across
pg_ctl restart, nothing left behind by stop, and the ctest fixture's
cluster reachable through CUSTOS_PG_URL_FILE.

psql through subprocess: no Python driver is installed (nor needed).
"""
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

import pgserver
from pgserver import psql

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PGTEST = os.path.join(ROOT, "scripts", "pgtest")


def proc_uid(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Uid:"):
                return int(line.split()[1])
    raise AssertionError("no Uid line for %d" % pid)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is gone for our purpose.
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


class PgServerTest(unittest.TestCase):
    """One server of this file's own: it is restarted here."""

    @classmethod
    def setUpClass(cls):
        cls.srv = pgserver.PgServer()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def test_server_answers_version_15_as_custos_over_loopback(self):
        out = psql(self.srv.url, "SELECT current_setting('server_version_num'),"
                   " current_user, inet_server_addr(), inet_server_port()")
        version, user, addr, port = out.strip().split("|")
        self.assertEqual(version[:2], "15", out)
        self.assertEqual(user, "custos")
        self.assertEqual(addr, "127.0.0.1")
        self.assertEqual(int(port), self.srv.port)
        self.assertTrue(self.srv.url.startswith("postgresql://custos@"
                                                "127.0.0.1:"))

    def test_settings_are_durable_and_the_socket_is_private(self):
        out = psql(self.srv.url, "SELECT name, setting FROM pg_settings "
                   "WHERE name IN ('fsync', 'synchronous_commit', "
                   "'full_page_writes', 'listen_addresses', "
                   "'unix_socket_directories', 'max_connections')")
        got = dict(line.split("|", 1) for line in out.split("\n") if line)
        self.assertEqual(got["fsync"], "on")
        self.assertEqual(got["synchronous_commit"], "on")
        self.assertEqual(got["full_page_writes"], "on")
        self.assertEqual(got["listen_addresses"], "127.0.0.1")
        self.assertEqual(got["unix_socket_directories"], self.srv.dir)
        self.assertGreaterEqual(int(got["max_connections"]), 300)
        self.assertTrue(os.path.exists(os.path.join(
            self.srv.dir, ".s.PGSQL.%d" % self.srv.port)))
        # A port below the ephemeral range: no client socket takes it
        # while the server is down for a restart.
        self.assertLess(self.srv.port, pgserver._port_range()[1])

    def test_server_runs_as_an_unprivileged_user(self):
        pid = self.srv.postmaster_pid()
        self.assertIsNotNone(pid)
        uid = proc_uid(pid)
        self.assertNotEqual(uid, 0)
        if os.geteuid() == 0:
            self.assertEqual(uid, self.srv.user.pw_uid)
            self.assertIn(self.srv.user.pw_name, ("postgres", "nobody"))
        else:
            self.assertEqual(uid, os.geteuid())
        st = os.stat(self.srv.datadir)
        self.assertEqual(st.st_uid, uid)
        self.assertEqual(stat.S_IMODE(st.st_mode) & 0o077, 0)
        # Connections from others are trusted on loopback only: the
        # superuser's URL carries no password.
        self.assertNotIn(":@", self.srv.url)

    def test_each_call_gets_a_fresh_empty_database(self):
        a = self.srv.new_database()
        b = self.srv.new_database()
        self.assertNotEqual(a, b)
        psql(a, "CREATE TABLE only_in_a (x int); INSERT INTO only_in_a "
             "VALUES (1)")
        tables = "SELECT count(*) FROM pg_tables WHERE schemaname='public'"
        self.assertEqual(psql(a, tables).strip(), "1")
        self.assertEqual(psql(b, tables).strip(), "0")
        out = psql(b, "SELECT current_database(), "
                   "pg_encoding_to_char(encoding), datcollate, datctype "
                   "FROM pg_database WHERE datname = current_database()")
        name, enc, coll, ctype = out.strip().split("|")
        self.assertEqual("/" + name, b[b.rindex("/"):])
        self.assertEqual((enc, coll, ctype), ("UTF8", "C", "C"))
        self.srv.drop_database(a)
        self.assertEqual(psql(self.srv.url, "SELECT count(*) FROM "
                              "pg_database WHERE datname = '%s'"
                              % a[a.rindex("/") + 1:]).strip(), "0")

    def test_restart_keeps_committed_data_on_the_same_port(self):
        url = self.srv.new_database()
        psql(url, "CREATE TABLE kept (x int)")
        for n, mode in enumerate(("fast", "immediate", "fast"), 1):
            psql(url, "INSERT INTO kept VALUES (%d)" % n)
            before = self.srv.postmaster_pid()
            self.srv.restart(mode)
            after = self.srv.postmaster_pid()
            self.assertNotEqual(before, after, mode)
            self.assertFalse(alive(before), mode)
            self.assertEqual(psql(url, "SELECT string_agg(x::text, ',' "
                                  "ORDER BY x) FROM kept").strip(),
                             ",".join(str(i) for i in range(1, n + 1)),
                             mode)
        self.assertEqual(psql(url, "SELECT inet_server_port()").strip(),
                         str(self.srv.port))

    def test_server_down_refuses_then_comes_back(self):
        url = self.srv.new_database()
        psql(url, "CREATE TABLE t (x int); INSERT INTO t VALUES (7)")
        self.srv.server_stop("fast")
        try:
            with self.assertRaises(RuntimeError):
                psql(url, "SELECT 1", timeout=20)
        finally:
            self.srv.server_start()
        self.assertEqual(psql(url, "SELECT x FROM t").strip(), "7")


class LifecycleTest(unittest.TestCase):

    def test_stop_leaves_no_process_and_no_files(self):
        srv = pgserver.PgServer()
        pid = srv.postmaster_pid()
        d = srv.dir
        self.assertTrue(alive(pid))
        srv.stop()
        self.assertFalse(alive(pid))
        self.assertFalse(os.path.exists(d))
        srv.stop()      # twice is fine

    def test_a_cluster_whose_owner_was_killed_is_swept_by_the_next(self):
        p = subprocess.run(
            [sys.executable, "-c",
             "import os, signal, pgserver\n"
             "s = pgserver.PgServer()\n"
             "print(s.dir, s.postmaster_pid(), flush=True)\n"
             "os.kill(os.getpid(), signal.SIGKILL)\n"],
            cwd=HERE, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, -9, p.stderr)
        d, pid = p.stdout.split()
        pid = int(pid)
        self.assertTrue(alive(pid))
        self.assertTrue(os.path.exists(d))
        srv = pgserver.PgServer()
        try:
            self.assertFalse(alive(pid))
            self.assertFalse(os.path.exists(d))
        finally:
            srv.stop()

    def test_a_non_root_caller_runs_the_server_as_itself(self):
        """As root the server runs as postgres (above); as anyone else, as
        the caller.  Under root, prove the second by running pgserver as
        nobody; otherwise this process already is such a caller."""
        if os.geteuid() != 0:
            srv = pgserver.PgServer()
            try:
                self.assertEqual(proc_uid(srv.postmaster_pid()),
                                 os.geteuid())
            finally:
                srv.stop()
            return
        nobody = pwd.getpwnam("nobody")
        tmp = tempfile.mkdtemp(prefix="custos-pgtest-")
        try:
            os.chmod(tmp, 0o755)
            shutil.copy(os.path.join(HERE, "pgserver.py"), tmp)
            script = (
                "import json, os, pgserver\n"
                "s = pgserver.PgServer()\n"
                "u = s.new_database()\n"
                "pgserver.psql(u, 'CREATE TABLE t (x int)')\n"
                "pid = s.postmaster_pid()\n"
                "print(json.dumps({'uid': os.geteuid(), 'pid': pid,\n"
                "    'pg_uid': int(open('/proc/%d/status' % pid).read()"
                ".split('Uid:')[1].split()[0]),\n"
                "    'user': s.user.pw_name, 'dir': s.dir,\n"
                "    'who': pgserver.psql(u, 'SELECT current_user').strip()"
                "}))\n"
                "s.stop()\n")
            p = subprocess.run(
                ["setpriv", "--reuid=%d" % nobody.pw_uid,
                 "--regid=%d" % nobody.pw_gid, "--clear-groups",
                 "--reset-env", "--", sys.executable, "-c", script],
                cwd=tmp, capture_output=True, text=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            got = json.loads(p.stdout.strip().split("\n")[-1])
            self.assertEqual(got["uid"], nobody.pw_uid)
            self.assertEqual(got["pg_uid"], nobody.pw_uid)
            self.assertEqual(got["user"], "nobody")
            self.assertEqual(got["who"], "custos")
            self.assertFalse(alive(got["pid"]))
            self.assertFalse(os.path.exists(got["dir"]))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_scripts_pgtest_start_url_newdb_stop(self):
        tmp = tempfile.mkdtemp(prefix="custos-pgtest-")
        state = os.path.join(tmp, "pg")
        try:
            def run(*args):
                p = subprocess.run([PGTEST] + list(args), text=True,
                                   capture_output=True, timeout=120)
                self.assertEqual(p.returncode, 0, p.stderr)
                return p.stdout.strip()
            url = run("start", state)
            with open(os.path.join(state, "url")) as f:
                self.assertEqual(f.read().strip(), url)
            self.assertEqual(run("url", state), url)
            db = run("newdb", state)
            self.assertTrue(db.startswith(url[:url.rindex("/") + 1]), db)
            self.assertEqual(psql(db, "SELECT 40 + 2").strip(), "42")
            self.assertEqual(run("psql", state, "-Atc", "SELECT 1"), "1")
            srv = pgserver.PgServer.load(state)
            pid, d = srv.postmaster_pid(), srv.dir
            self.assertTrue(alive(pid))
            # start again replaces the cluster a cut-short run left.
            url2 = run("start", state)
            self.assertFalse(alive(pid))
            self.assertFalse(os.path.exists(d))
            srv = pgserver.PgServer.load(state)
            pid, d = srv.postmaster_pid(), srv.dir
            self.assertEqual(psql(url2, "SELECT 1").strip(), "1")
            run("stop", state)
            self.assertFalse(alive(pid))
            self.assertFalse(os.path.exists(d))
            self.assertFalse(os.path.exists(os.path.join(state, "url")))
            run("stop", state)      # nothing running: still fine
            p = subprocess.run([PGTEST, "url", state], capture_output=True,
                               text=True)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("no cluster", p.stderr)
        finally:
            subprocess.run([PGTEST, "stop", state], capture_output=True)
            shutil.rmtree(tmp, ignore_errors=True)

    def test_shared_cluster_is_the_fixtures_under_ctest(self):
        """Under ctest, CUSTOS_PG_URL_FILE names the fixture pg's url file
        and shared() attaches to that cluster; run by hand, shared()
        starts one for the process."""
        srv = pgserver.shared()
        self.assertIs(pgserver.shared(), srv)
        path = os.environ.get("CUSTOS_PG_URL_FILE")
        if path:
            with open(path) as f:
                self.assertEqual(srv.url, f.read().strip())
            self.assertIsInstance(srv, pgserver.AttachedServer)
            with self.assertRaises(RuntimeError):
                srv.restart()
        else:
            self.assertIsInstance(srv, pgserver.PgServer)
        url = srv.new_database()
        psql(url, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
        self.assertEqual(psql(url, "SELECT sum(x) FROM t").strip(), "1")
        srv.drop_database(url)


if __name__ == "__main__":
    unittest.main()
