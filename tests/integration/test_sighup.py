# SPDX-License-Identifier: ISC
"""SIGHUP to a running custosd (what `systemctl reload custosd` and
logrotate send): the config file is read again, the live options (quiet,
log-file, flood-budget) take effect at once, every other change is logged
as needing a restart and the running value is kept, a config file that no
longer parses changes nothing, and --log-file is reopened so a rotated
log loses no line.  Real custosd, real signals, real files."""
import calendar
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from harness import CUSTOSD, Daemon, World, free_port, fresh_source


def wait_for(pred, what, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


class Sighup(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custos-hup-")
        self.conf = os.path.join(self.tmp, "custos.conf")
        self.logfile = os.path.join(self.tmp, "custosd.log")
        self.write_conf({"log-file": self.logfile, "flood-budget": "1000"})
        self.d = Daemon(quiet=False, extra=("--config", self.conf))

    def tearDown(self):
        rc = self.d.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.assertEqual(rc, 0, "custosd exited with %s" % rc)

    def write_conf(self, settings):
        tmp = self.conf + ".tmp"
        with open(tmp, "w") as f:
            for k, v in settings.items():
                f.write("%s = %s\n" % (k, v))
        os.replace(tmp, self.conf)

    def hup(self, expect, path=None):
        """Sends SIGHUP; waits until the log file holds expect after what
        it held before; returns the new part."""
        path = path or self.logfile
        before = len(read(path))
        os.kill(self.d.proc.pid, signal.SIGHUP)
        return wait_for(lambda: expect in read(path)[before:] and
                        read(path)[before:], repr(expect) + " in " + path)

    def refusals_until_429(self, most):
        """Anonymous refusals (unknown route) from one new address until
        the first 429; returns how many were answered before it."""
        src = fresh_source()
        for n in range(most):
            r = self.d.call("GET", "/v1/no-such-route", source=src)
            if r.status == 429:
                return n
            self.assertEqual(r.status, 404, r)
        return most

    def test_log_goes_to_the_log_file_not_stderr(self):
        self.assertIn("listening on", read(self.logfile))
        self.assertNotIn("listening on", self.d.read_log())

    def test_rotated_log_file_is_reopened_and_loses_no_line(self):
        os.rename(self.logfile, self.logfile + ".1")
        self.assertFalse(os.path.exists(self.logfile))
        new = self.hup("configuration reread, log reopened")
        self.assertIn(self.logfile, new)
        old = read(self.logfile + ".1")
        self.assertIn("listening on", old)
        self.assertNotIn("SIGHUP", old)
        self.assertEqual(os.stat(self.logfile).st_mode & 0o777, 0o600)
        # What comes next goes to the new file, and custosd still serves.
        self.write_conf({"log-file": self.logfile, "header-timeout": "5"})
        self.hup("header-timeout changed: needs a restart")
        self.assertNotIn("header-timeout changed",
                         read(self.logfile + ".1"))
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)

    def test_a_new_log_file_path_applies_live(self):
        other = os.path.join(self.tmp, "other.log")
        self.write_conf({"log-file": other, "flood-budget": "1000"})
        self.hup("log reopened: " + other, path=other)
        self.assertIn("log-file changed: applied", read(other))

    def test_flood_budget_applies_live(self):
        self.assertEqual(self.refusals_until_429(12), 12)
        self.write_conf({"log-file": self.logfile, "flood-budget": "3"})
        self.hup("flood-budget changed: applied")
        self.assertEqual(self.refusals_until_429(12), 3)

    def test_quiet_applies_live(self):
        self.write_conf({"log-file": self.logfile, "flood-budget": "1000",
                         "quiet": "1"})
        self.hup("quiet changed: applied")
        # Quiet from now on: a second reload's info lines do not appear,
        # its warnings do.
        self.write_conf({"log-file": self.logfile, "flood-budget": "1000",
                         "quiet": "1", "workers": "3"})
        new = self.hup("workers changed: needs a restart")
        self.assertNotIn(" info: ", new)

    def test_restart_only_changes_are_named_and_not_applied(self):
        port = self.d.port
        self.write_conf({"log-file": self.logfile, "flood-budget": "1000",
                         "listen": "127.0.0.1:1", "workers": "2",
                         "rule-off-hours": "enabled=no"})
        new = self.hup("configuration reread")
        for key in ("workers", "rule-*"):
            self.assertIn("SIGHUP: %s changed: needs a restart" % key, new)
        # The harness gives --listen as a flag, and flags win over the
        # file: nothing changed there.
        self.assertNotIn("listen changed", new)
        self.assertNotIn("flood-budget changed", new)
        self.assertEqual(self.d.port, port)
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)

    def test_a_config_that_no_longer_parses_changes_nothing(self):
        with open(self.conf, "a") as f:
            f.write("flood-budget = 3\nno-such-option = 1\n")
        new = self.hup("nothing changed")
        self.assertIn("unknown option 'no-such-option'", new)
        self.assertNotIn("flood-budget changed", new)
        self.assertEqual(self.refusals_until_429(12), 12)
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)


class SighupSessions(unittest.TestCase):
    """Session and reset-link lifetimes are live: an operator can shorten
    them in an incident with a reload, no restart, no session lost."""
    T0 = 1_800_000_000

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custos-hup-")
        self.conf = os.path.join(self.tmp, "custos.conf")
        self.logfile = os.path.join(self.tmp, "custosd.log")
        self.settings = {"log-file": self.logfile}
        self.write_conf()
        self.d = Daemon(clock=self.T0, quiet=False,
                        extra=("--config", self.conf))
        self.w = World(self.d)

    def tearDown(self):
        rc = self.d.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.assertEqual(rc, 0, "custosd exited with %s" % rc)

    def write_conf(self, **changes):
        self.settings.update({k.replace("_", "-"): v
                              for k, v in changes.items()})
        tmp = self.conf + ".tmp"
        with open(tmp, "w") as f:
            for k, v in self.settings.items():
                f.write("%s = %s\n" % (k, v))
        os.replace(tmp, self.conf)

    def reload(self, expect):
        before = len(read(self.logfile))
        os.kill(self.d.proc.pid, signal.SIGHUP)
        wait_for(lambda: expect in read(self.logfile)[before:], expect)

    def work(self, token):
        return self.d.call("GET", "/v1/tenants/auto/tickets", token=token)

    def test_a_session_cut_as_idle_stays_ended_when_idle_grows_again(self):
        # In an incident the operator shortens session-idle; the sessions
        # it cut must not come back when the setting is restored.
        r = self.w.engineer_login(at=self.T0)
        self.assertEqual(r.status, 200, r)
        token = r.body["token"]
        self.d.set_clock(self.T0 + 700)
        self.assertEqual(self.work(token).status, 200)
        self.write_conf(session_idle=600)
        self.reload("session-idle changed: applied")
        self.d.set_clock(self.T0 + 1400)
        r = self.work(token)
        self.assertEqual(r.status, 401, r)
        self.write_conf(session_idle=1800)
        self.reload("session-idle changed: applied")
        r = self.work(token)
        self.assertEqual(r.status, 401, r)

    def test_a_shorter_idle_timeout_ends_idle_sessions_at_once(self):
        r = self.w.engineer_login(at=self.T0)
        self.assertEqual(r.status, 200, r)
        token = r.body["token"]
        self.d.set_clock(self.T0 + 700)
        self.assertEqual(self.work(token).status, 200)   # 1800 s allowed
        self.write_conf(session_idle=600)
        self.reload("session-idle changed: applied")
        self.d.set_clock(self.T0 + 1400)                 # 700 s idle
        m = self.d.log_size()
        r = self.work(token)
        self.assertEqual(r.status, 401, r)
        evs = [ev for _, ev, _ in self.d.entries(m)
               if ev["action"] == "ticket.list"]
        self.assertEqual([(ev["outcome"], ev["reason"]) for ev in evs],
                         [("denied", "session_idle")])

    def test_a_shorter_lifetime_applies_to_new_sessions(self):
        self.write_conf(session_lifetime=3600)
        self.reload("session-lifetime changed: applied")
        r = self.w.engineer_login(at=self.T0)
        self.assertEqual(r.status, 200, r)
        got = time.strptime(r.body["expires_at"], "%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(calendar.timegm(got), self.T0 + 3600)


class SighupAtStart(unittest.TestCase):
    def test_a_reload_during_start_up_waits_and_does_not_kill(self):
        # systemd counts custosd started at exec, so `systemctl reload`
        # may come while it opens the store: the signal must wait.
        tmp = tempfile.mkdtemp(prefix="custos-hup-")
        data = os.path.join(tmp, "data")
        log = os.path.join(tmp, "custosd.log")
        port = free_port()
        proc = subprocess.Popen(
            [CUSTOSD, "--data", data, "--listen", "127.0.0.1:%d" % port,
             "--pwhash-ops", "1", "--pwhash-mem", "8192", "--log-file",
             log], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # custosd.pid is written after the signal mask is set and
            # before the store is opened.
            wait_for(lambda: os.path.exists(os.path.join(data,
                     "custosd.pid")) or proc.poll() is not None,
                     "custosd.pid", timeout=30)
            proc.send_signal(signal.SIGHUP)

            def healthy():
                if proc.poll() is not None:
                    return "exited"
                try:
                    with urllib.request.urlopen(
                            "http://127.0.0.1:%d/v1/health" % port,
                            timeout=5) as f:
                        return f.status == 200 and "ok"
                except OSError:
                    return False
            self.assertEqual(wait_for(healthy, "health", timeout=30), "ok")
            wait_for(lambda: "configuration reread" in read(log),
                     "the reload in the log")
        finally:
            if proc.poll() is None:
                proc.terminate()
            rc = proc.wait(timeout=20)
            shutil.rmtree(tmp, ignore_errors=True)
        self.assertEqual(rc, 0)


if __name__ == "__main__":
    unittest.main()
