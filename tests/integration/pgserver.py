# SPDX-License-Identifier: ISC
"""A real PostgreSQL 15 for the tests: Debian's server binaries, a
throw-away cluster in a temporary directory, one fresh database per call.

    srv = PgServer()              # initdb + pg_ctl start (about 1.5 s)
    url = srv.new_database()      # postgresql://custos@127.0.0.1:P/t...
    srv.restart("fast")           # pg_ctl restart -m fast, same port
    srv.stop()                    # pg_ctl stop -m fast, directory removed

PostgreSQL refuses to run as root.  When the test runs as root, the
cluster's directory is given to the user "postgres" (Debian's package
makes it; "nobody" otherwise) and every server command runs as that user
through setpriv (no PAM, no TTY needed).  As anyone else, the commands run
as the caller.  The test itself connects over TCP as the cluster's
superuser "custos", trusted on loopback and on the private socket, so it
needs no user switch for psql.

The server listens on 127.0.0.1 only, on a port this module picks from
below the kernel's ephemeral range (so no outgoing connection holds it
while the server is down for a restart), with its unix socket in the
cluster's own directory.  fsync, synchronous_commit and full_page_writes
stay on: the restart and kill tests claim that what was acknowledged is
durable.

One cluster for a whole ctest run: the fixture pg.start runs
`scripts/pgtest start DIR`, which writes DIR/url (this cluster's
maintenance URL) and DIR/state; the tests that need PostgreSQL carry
CUSTOS_PG_URL_FILE=DIR/url, and shared() attaches to it.  Run by hand
without that variable, shared() starts a server of its own for the
process, stopped at exit.  Tests that restart or load the server
(test_pg_restart, test_cluster_*) always start their own PgServer().

As a command (what scripts/pgtest runs):
    pgserver.py start DIR | url DIR | newdb DIR | stop DIR
"""
import atexit
import json
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

SUPERUSER = "custos"
PG_BINDIR_DEFAULT = "/usr/lib/postgresql/15/bin"
START_TIMEOUT = 60          # seconds pg_ctl waits for the server
PORT_TRIES = 5              # a port may be taken between probe and bind


def bindir():
    """The server's binaries: $CUSTOS_PG_BINDIR, Debian's 15, or what
    pg_config names when it holds initdb (pg_config from libpq-dev points
    at /usr/bin, where only the client lives)."""
    env = os.environ.get("CUSTOS_PG_BINDIR")
    if env:
        return env
    if os.path.exists(os.path.join(PG_BINDIR_DEFAULT, "initdb")):
        return PG_BINDIR_DEFAULT
    try:
        d = subprocess.check_output(["pg_config", "--bindir"], text=True,
                                    stderr=subprocess.DEVNULL).strip()
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    except (OSError, subprocess.CalledProcessError):
        pass
    raise RuntimeError("PostgreSQL 15's server is missing (no %s/initdb): "
                       "run scripts/deps" % PG_BINDIR_DEFAULT)


def _run_user():
    """The passwd entry the server runs as: the caller, or when root,
    "postgres" (falling back to "nobody")."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    raise RuntimeError("running as root and neither user postgres nor "
                       "nobody exists to run PostgreSQL as")


def _reachable_by_others(path):
    """True when every directory above path may be passed by anyone, so
    the server's user can reach a directory created inside it."""
    path = os.path.abspath(path)
    while True:
        st = os.stat(path)
        if not st.st_mode & 0o001:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def _port_range():
    """Ports to pick from: below the kernel's ephemeral range, where
    bind(0) and outgoing connections never land."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    low = max(low, 12000)
    return (10000, low)


def pick_port():
    """A loopback TCP port nobody listens on now, outside the ephemeral
    range.  The bind check races with other processes; PgServer retries
    start on a new port when the server could not bind."""
    lo, hi = _port_range()
    for _ in range(200):
        port = random.randrange(lo, hi)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port in %d..%d" % (lo, hi))


def _psql_path():
    """psql of the server's version, directly: Debian's /usr/bin/psql is
    a Perl wrapper that costs 20 ms a call."""
    try:
        path = os.path.join(bindir(), "psql")
        if os.path.exists(path):
            return path
    except RuntimeError:
        pass
    return "psql"


def psql(url, sql=None, args=(), check=True, timeout=60, input=None):
    """Runs psql against url (no psqlrc, stops at the first error,
    unaligned tuples only) and returns its stdout.  sql is sent with -c;
    args are extra psql arguments; input: psql's standard input (a
    script).  Raises RuntimeError with psql's
    stderr when it fails and check is set."""
    cmd = [_psql_path(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
           "-d", url] + list(args)
    if sql is not None:
        cmd += ["-c", sql]
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    # A url names everything; keep libpq from mixing in the caller's PG*.
    for k in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD",
              "PGSERVICE", "PGOPTIONS", "PGHOSTADDR"):
        env.pop(k, None)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       timeout=timeout, input=input,
                       stdin=None if input is not None else
                       subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise RuntimeError("psql %r failed (%d): %s"
                           % (sql or input, p.returncode, p.stderr.strip()))
    return p.stdout


def wait_ready(url, timeout=30):
    """Waits until the server of url answers a query."""
    deadline = time.time() + timeout
    while True:
        try:
            psql(url, "SELECT 1", timeout=10)
            return
        except (RuntimeError, subprocess.TimeoutExpired):
            if time.time() > deadline:
                raise
            time.sleep(0.1)


def database_url(url, name):
    """url with its database replaced by name."""
    u = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(
        (u.scheme, u.netloc, "/" + urllib.parse.quote(name), u.query, ""))


class PgServer:
    """One PostgreSQL cluster in a temporary directory.

    url: the maintenance database (postgres) as the superuser custos.
    dir: the temporary directory (data/, log, the unix socket).
    datadir, port, user (the passwd entry the server runs as)."""

    def __init__(self):
        self._setup()
        _sweep(os.path.dirname(self.dir))
        with open(os.path.join(self.dir, "owner"), "w") as f:
            f.write("%d\n" % os.getpid())
        try:
            self._initdb()
            self._start_on_free_port()
        except BaseException:
            self.stop()
            raise
        atexit.register(self._stop_at_exit, os.getpid())

    def _setup(self, directory=None):
        self.bin = bindir()
        self.user = _run_user()
        self.root = os.geteuid() == 0
        if directory is None:
            base = tempfile.gettempdir()
            if self.root and not _reachable_by_others(base):
                base = "/tmp"
            directory = tempfile.mkdtemp(prefix="custos-pg-", dir=base)
            if self.root:
                os.chown(directory, self.user.pw_uid, self.user.pw_gid)
        self.dir = directory
        self.datadir = os.path.join(self.dir, "data")
        self.logfile = os.path.join(self.dir, "log")
        self.port = None
        self.url = None
        self._seq = 0

    # -- running commands as the server's user --------------------------

    def _as_user(self, argv):
        if not self.root:
            return argv
        return ["setpriv", "--reuid=%d" % self.user.pw_uid,
                "--regid=%d" % self.user.pw_gid, "--init-groups",
                "--reset-env", "--"] + argv

    def _run(self, argv, check=True, timeout=120):
        """Runs a server command as the server's user, in the cluster's
        directory (the caller's may not be readable by that user)."""
        env = None if self.root else dict(os.environ, LC_ALL="C")
        p = subprocess.run(self._as_user(argv), cwd=self.dir, env=env,
                           capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s%s\n%s" % (
                os.path.basename(argv[0]), p.returncode, p.stdout,
                p.stderr, self.read_log()[-3000:]))
        return p

    def _pg_ctl(self, *args, check=True):
        return self._run([os.path.join(self.bin, "pg_ctl"), "-D",
                          self.datadir] + list(args), check=check)

    # -- start, restart, stop -------------------------------------------

    def _initdb(self):
        self._run([os.path.join(self.bin, "initdb"), "-D", self.datadir,
                   "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                   "--locale=C"])

    def _configure(self, port):
        """The server's settings live in postgresql.auto.conf, so that
        pg_ctl restart (here or by hand) keeps them without -o."""
        conf = {
            "port": str(port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "'%s'" % self.dir,
            "max_connections": "300",
            "shared_buffers": "'64MB'",
            # Durable, as a production server: the restart and kill
            # tests rely on it.  Stated, not left to the defaults.
            "fsync": "on",
            "synchronous_commit": "on",
            "full_page_writes": "on",
            "logging_collector": "off",
            "log_line_prefix": "'%m [%p] %d '",
        }
        path = os.path.join(self.datadir, "postgresql.auto.conf")
        text = "".join("%s = %s\n" % kv for kv in conf.items())
        with open(path, "w") as f:
            f.write(text)
        if self.root:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)
        os.chmod(path, 0o600)

    def _start_on_free_port(self):
        last = None
        for _ in range(PORT_TRIES):
            port = pick_port()
            self._configure(port)
            p = self._pg_ctl("-w", "-t", str(START_TIMEOUT), "-l",
                             self.logfile, "start", check=False)
            if p.returncode == 0:
                self.port = port
                self.url = "postgresql://%s@127.0.0.1:%d/postgres" % (
                    SUPERUSER, port)
                self.wait_ready()
                return
            last = p.stdout + p.stderr + self.read_log()[-2000:]
            if "could not bind" not in last and \
                    "already in use" not in last:
                break
        raise RuntimeError("PostgreSQL did not start: " + (last or ""))

    def wait_ready(self, timeout=30):
        wait_ready(self.url, timeout)

    def server_stop(self, mode="fast"):
        """pg_ctl stop -m mode: the cluster stays, start with
        server_start().  For tests that keep the server down a while."""
        self._pg_ctl("-w", "-t", str(START_TIMEOUT), "-m", mode, "stop")

    def server_start(self):
        """pg_ctl start on the same port and settings."""
        self._pg_ctl("-w", "-t", str(START_TIMEOUT), "-l", self.logfile,
                     "start")
        self.wait_ready()

    def restart(self, mode="fast"):
        """pg_ctl restart -m mode (smart, fast or immediate), on the same
        port; returns once the server answers queries again.  Connections
        are cut; committed data stays (immediate means crash recovery)."""
        self._pg_ctl("-w", "-t", str(START_TIMEOUT), "-m", mode, "-l",
                     self.logfile, "restart")
        self.wait_ready()

    def postmaster_pid(self):
        """The running postmaster's pid (from postmaster.pid), or None."""
        try:
            with open(os.path.join(self.datadir, "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None

    def _stop_at_exit(self, pid):
        if os.getpid() == pid:      # not in a forked child that exits
            self.stop()

    def stop(self):
        """Stops the server (fast; killed when that fails) and removes
        the cluster's directory.  Safe to call twice."""
        if self.dir is None:
            return
        if os.path.exists(os.path.join(self.datadir, "postmaster.pid")):
            try:
                self._pg_ctl("-w", "-t", "30", "-m", "fast", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pid = self.postmaster_pid()
                if pid:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                    # Its backends see the postmaster gone and exit.
                    time.sleep(0.5)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    # -- databases ------------------------------------------------------

    def new_database(self, prefix="t"):
        """Creates an empty database (UTF8, C collation, from template0)
        and returns its postgresql:// URL.  Names are unique across the
        processes sharing one cluster (pid, a counter, random bits)."""
        self._seq += 1
        name = "%s_%d_%d_%08x" % (prefix, os.getpid(), self._seq,
                                  random.getrandbits(32))
        psql(self.url, 'CREATE DATABASE "%s" TEMPLATE template0 '
             "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" % name)
        return database_url(self.url, name)

    def drop_database(self, url):
        """Drops the database of url (its connections are cut)."""
        name = urllib.parse.unquote(urllib.parse.urlsplit(url).path[1:])
        psql(self.url, 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)

    def read_log(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    # -- the state file of scripts/pgtest -------------------------------

    def save(self, statedir):
        """Writes statedir/url and statedir/state (for load()).  The
        cluster then belongs to statedir, not to this process: no sweep
        stops it when the process is gone."""
        os.makedirs(statedir, exist_ok=True)
        try:
            os.unlink(os.path.join(self.dir, "owner"))
        except FileNotFoundError:
            pass
        state = {"dir": self.dir, "port": self.port, "url": self.url,
                 "user": self.user.pw_name, "bin": self.bin}
        for name, text in (("state", json.dumps(state) + "\n"),
                           ("url", self.url + "\n")):
            tmp = os.path.join(statedir, name + ".tmp")
            with open(tmp, "w") as f:
                f.write(text)
            os.replace(tmp, os.path.join(statedir, name))

    @classmethod
    def load(cls, statedir):
        """The cluster scripts/pgtest started in statedir, able to stop
        and restart it; None when there is none."""
        try:
            with open(os.path.join(statedir, "state")) as f:
                state = json.load(f)
        except (OSError, ValueError):
            return None
        srv = cls.__new__(cls)
        srv._setup(state["dir"])
        srv.port = state["port"]
        srv.url = state["url"]
        srv.bin = state.get("bin", srv.bin)
        srv.user = pwd.getpwnam(state["user"])
        return srv


def _sweep(base):
    """Stops the clusters in base whose owning process died without
    stopping them (killed by a ctest timeout, say): each PgServer writes
    its pid to DIR/owner.  A cluster of someone else's, or one whose
    owner lives, is left alone."""
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        if not name.startswith("custos-pg-"):
            continue
        d = os.path.join(base, name)
        try:
            if os.geteuid() != 0 and os.stat(d).st_uid != os.geteuid():
                continue
            with open(os.path.join(d, "owner")) as f:
                pid = int(f.read())
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 0)
            continue
        except ProcessLookupError:
            pass
        except OSError:
            continue
        srv = PgServer.__new__(PgServer)
        srv._setup(d)
        try:
            srv.stop()
        except (OSError, RuntimeError, subprocess.TimeoutExpired):
            pass


class AttachedServer:
    """A cluster someone else runs (the ctest fixture): databases only;
    no restart, and stop() leaves it running."""

    def __init__(self, url):
        self.url = url
        self._seq = 0
        u = urllib.parse.urlsplit(url)
        self.port = u.port
        self.dir = self.datadir = None

    new_database = PgServer.new_database
    drop_database = PgServer.drop_database

    def restart(self, mode="fast"):
        raise RuntimeError("the shared cluster is not this test's to "
                           "restart: start a PgServer() of its own")

    def stop(self):
        pass


_shared = None


def shared():
    """The cluster this process's tests share: the ctest fixture's when
    CUSTOS_PG_URL_FILE names its url file, else a PgServer started on
    first use and stopped at exit."""
    global _shared
    if _shared is None:
        path = os.environ.get("CUSTOS_PG_URL_FILE")
        if path:
            with open(path) as f:
                srv = AttachedServer(f.read().strip())
            wait_ready(srv.url)
            _shared = srv
        else:
            _shared = PgServer()
    return _shared


def main(argv):
    usage = "usage: pgserver.py start|url|newdb|stop DIR"
    if len(argv) != 3:
        sys.exit(usage)
    cmd, statedir = argv[1], os.path.abspath(argv[2])
    if cmd == "start":
        old = PgServer.load(statedir)
        if old is not None:     # a run that was cut short left it
            old.stop()
        srv = PgServer()
        atexit.unregister(srv._stop_at_exit)    # it outlives this process
        srv.save(statedir)
        print(srv.url)
    elif cmd in ("url", "newdb", "stop"):
        srv = PgServer.load(statedir)
        if srv is None:
            if cmd == "stop":
                return
            sys.exit("pgtest: no cluster started in %s" % statedir)
        if cmd == "url":
            print(srv.url)
        elif cmd == "newdb":
            print(srv.new_database())
        else:
            srv.stop()
            for name in ("url", "state"):
                try:
                    os.unlink(os.path.join(statedir, name))
                except FileNotFoundError:
                    pass
    else:
        sys.exit(usage)


if __name__ == "__main__":
    main(sys.argv)
