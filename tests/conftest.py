"""Test configuration shared by every test: headless Qt, unique names, and
processes that are always cleaned up."""

import os
import subprocess
import sys

# Headless for this process and for every program a test starts, with a
# runtime directory of its own (Qt warns, and makes one in TMPDIR, without).
os.environ["QT_QPA_PLATFORM"] = "offscreen"
if not os.environ.get("XDG_RUNTIME_DIR"):
    import atexit
    import shutil
    import tempfile

    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="qtipc-runtime-")
    atexit.register(shutil.rmtree, os.environ["XDG_RUNTIME_DIR"], True)

import pytest  # noqa: E402

from peers import HELPERS, missingPeer  # noqa: E402
# What tests, benchmarks and tools share: the checkout is on sys.path
# through setup.cfg's pythonpath.
from testbed import sysv  # noqa: E402
from testbed.oracle import layout  # noqa: E402
from testbed.processes import (TIMEOUT, Processes, readLine, readStderr, socketPath,  # noqa: E402
                               startXvfb, uniqueName, waitUntilServing)
from testbed.programs import REPO, script  # noqa: E402


@pytest.fixture
def processes():
    with Processes() as tracker:
        yield tracker


@pytest.fixture
def messageBoxes(monkeypatch):
    """Records the text of every message box the code under test opens
    through QMessageBox's static functions and answers it with OK at once,
    as pytest-qt's documentation advises ("A note about Modal Dialogs"):
    the call is monkeypatched, so no modal dialog opens and nothing waits
    for one. Tests of real windows run under Xvfb instead (test_x11.py)."""
    from PyQt5.QtWidgets import QMessageBox

    seen = []

    def answer(parent, title, text, *args, **kwargs):
        seen.append(text)
        return QMessageBox.Ok

    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, answer)
    return seen


@pytest.fixture
def privateTmp():
    """A short private directory to use as TMPDIR (socket paths must stay
    under 108 bytes). The test must leave it empty: no socket file behind."""
    import shutil
    import tempfile

    path = tempfile.mkdtemp(prefix="qtipc-")
    yield path
    leftovers = os.listdir(path)
    shutil.rmtree(path, ignore_errors=True)
    assert not leftovers, "left behind in TMPDIR: {}".format(leftovers)


def stopServers(processes, started, which):
    """Stops every process of the test; each server of `started` ((process,
    socket path) pairs) still running must quit cleanly on SIGTERM and take
    its socket file with it."""
    running = [(process, path) for process, path in started if process.poll() is None]
    processes.stopAll()
    for process, path in running:
        assert process.returncode == 0, "{} did not quit cleanly on SIGTERM".format(which)
        assert not os.path.exists(path), "socket file left behind: " + path


@pytest.fixture
def fortuneServer(processes, privateTmp):
    """Starts fortune_server.py as a process under a private TMPDIR and waits
    until it serves; stops it at the end and checks its socket is gone."""
    started = []

    def start(*args, name=None, command=None, env=None, **kwargs):
        """`command` replaces `python fortune_server.py` (an installed
        entry point, say); `env` adds to the environment."""
        name = name or uniqueName("fortune")
        command = command or [sys.executable, script("fortune_server.py")]
        process = processes.start(command + ["--name", name] + list(args),
                                  env=dict(env or {}, TMPDIR=privateTmp), **kwargs)
        path = socketPath(name, privateTmp)
        waitUntilServing(path, process)
        started.append((process, path))
        return process, path

    yield start
    stopServers(processes, started, "server")


@pytest.fixture
def serverWindow(qapp, monkeypatch, privateTmp):
    """Builds fortune_server.Server in this process under a private TMPDIR;
    at the end, destroys it (its QLocalServer removes the socket) whatever
    happened."""
    from PyQt5 import sip

    from fortune_server import Server

    monkeypatch.setenv("TMPDIR", privateTmp)
    built = []

    def build(*args):
        server = Server(*args)
        built.append(server)
        return server

    yield build
    for server in built:
        if not sip.isdeleted(server):
            server.close()
            sip.delete(server)


@pytest.fixture
def xDisplay(processes):
    """A private Xvfb for the test (testbed.processes.startXvfb): the
    environment that makes programs use it."""
    try:
        return startXvfb(processes)
    except FileNotFoundError as missing:
        missingPeer(str(missing))


# --- Shared memory: process A, process B and their System V objects ------------------
# Used by test_shared_memory.py and test_shm_cxx.py through the ipc fixture.

class Ipc:
    """Keys and programs for one test, and the check that the test left
    nothing behind: no new segment created, and no new semaphore last used,
    by one of its processes (others may be using shared memory meanwhile),
    and no key file of one of its keys."""

    def __init__(self, processes, directory):
        self.processes = processes
        self.directory = directory
        self.keys = []
        self.objects = []
        self.qt6Leftovers = set()
        self.segmentsBefore = set(sysv.segments())
        self.semaphoresBefore = set(sysv.semaphores())

    def key(self, suffix=""):
        key = uniqueName("shm") + suffix
        self.keys.append(key)
        return key

    def keep(self, qobject):
        """Deletes `qobject` (a widget or QSharedMemory of the test process)
        before the check, as the end of its program would."""
        self.objects.append(qobject)
        return qobject

    def run(self, name, *args, stdin=None, command=(sys.executable,)):
        """Runs a script to its end: (exit status, stdout bytes, stderr text).
        `command` runs the script (the interpreter, or a helper program that
        takes facilities away before it runs the script)."""
        process = self.processes.start(list(command) + [script(name)] + list(args),
                                       stdin=subprocess.PIPE)
        out, err = process.communicate(stdin, timeout=TIMEOUT)
        return process.returncode, out, err.decode()

    def read(self, key, command=(sys.executable,)):
        """process_b.py --print: (exit status, stdout bytes, stderr text)."""
        return self.run("process_b.py", "--key", key, "--print", command=command)

    def textFile(self, text):
        path = os.path.join(self.directory, "text-{}".format(len(self.processes.started)))
        with open(path, "wb") as file:
            file.write(text.encode("utf-8"))
        return path

    def startWriter(self, key, text, *extra, command=(sys.executable,)):
        """process_a.py sharing `text`, once it says it has written it."""
        writer = self.processes.start(
            list(command) + [script("process_a.py"), "--key", key,
                             "--text-file", self.textFile(text)] + list(extra),
            stdin=subprocess.DEVNULL)
        line = readLine(writer)
        if line != "written {} bytes\n".format(len(layout(text))):
            writer.wait(TIMEOUT)
            pytest.fail("process A: {!r}, stderr {!r}".format(line, writer.stderr.read().decode()))
        return writer

    def startHelper(self, name, *args, **kwargs):
        """A helper program of tests/helpers/, importing the project's code."""
        kwargs.setdefault("stdin", subprocess.PIPE)
        return self.processes.start([sys.executable, os.path.join(HELPERS, name)]
                                    + [str(a) for a in args], env={"PYTHONPATH": REPO}, **kwargs)

    @staticmethod
    def segmentBytes(key):
        """The segment's bytes, read under its lock as process B does."""
        from PyQt5.QtCore import QSharedMemory
        memory = QSharedMemory(key)
        assert memory.attach(QSharedMemory.ReadOnly), memory.errorString()
        assert memory.lock()
        data = memory.constData().asstring(memory.size())
        memory.unlock()
        memory.detach()
        return data

    def foreignSegment(self, key, data):
        """A segment with `data` under `key`, made by the test process as any
        other Qt program would, held until the end of the test."""
        from PyQt5.QtCore import QSharedMemory
        memory = self.keep(QSharedMemory(key))
        assert memory.create(len(data)), memory.errorString()
        memory.lock()
        pointer = memory.data()
        pointer.setsize(len(data))
        pointer[0:len(data)] = data
        memory.unlock()
        return memory

    def leftovers(self):
        pids = {os.getpid()} | {process.pid for process in self.processes.started}
        found = sysv.madeBy(pids, self.segmentsBefore, self.semaphoresBefore)
        files = [path for key in self.keys for path in sysv.keyFiles(key) if os.path.exists(path)]
        files += [path for path in self.posixObjects() if path not in self.qt6Leftovers]
        return found, files

    def posixObjects(self):
        """The /dev/shm entries of the test's keys: each key's POSIX shared
        memory object and semaphore (Qt 6's native keys)."""
        paths = [path for key in self.keys for path in posixPaths(key)]
        return [path for path in paths if os.path.lexists(path)]

    def qt6LeavesBehind(self, key):
        """Qt 6 never removes a POSIX object it made: the test says a Qt 6
        peer leaves the object of `key`; it is removed at the end, not
        reported. Returns its path."""
        path = posixPaths(key)[0]
        self.qt6Leftovers.add(path)
        return path

    def finish(self):
        from PyQt5 import sip
        self.processes.stopAll()
        for qobject in reversed(self.objects):
            if not sip.isdeleted(qobject):
                sip.delete(qobject)
        found, files = self.leftovers()
        sysv.remove(found)  # clean up, so that one failure does not cause others
        for path in files + [path for path in self.qt6Leftovers if os.path.lexists(path)]:
            os.remove(path)
        assert not found and not files, "left behind: {} {}".format(found, files)


def posixPaths(key):
    """Where Linux shows the POSIX shared memory object and the semaphore of
    Qt 6's native key `key` (glibc drops leading slashes); none for a key
    no POSIX name can hold."""
    name = key.lstrip("/")
    if not name or "/" in name or len(name.encode("utf-8", "surrogatepass")) > 251:
        return []
    return [os.path.join("/dev/shm", name), os.path.join("/dev/shm", "sem." + name)]


@pytest.fixture
def qt6(qt6Python, ipc):
    """Starts the Qt 6 peers: qt6.example(key, mode, ...) runs
    tests/helpers/qt6_shared_memory_example.py, qt6.blog(...)
    tests/helpers/qt6_blog_widgets.py; both through the ipc fixture, which
    checks that nothing is left behind."""
    class Qt6:
        def start(self, helper, *args, **kwargs):
            kwargs.setdefault("stdin", subprocess.PIPE)
            return ipc.processes.start([qt6Python, os.path.join(HELPERS, helper)]
                                       + [str(a) for a in args], **kwargs)

        def example(self, key, *args, **kwargs):
            return self.start("qt6_shared_memory_example.py", "--key", key, *args, **kwargs)

        def blog(self, *args, **kwargs):
            return self.start("qt6_blog_widgets.py", *args, **kwargs)

    return Qt6()


@pytest.fixture
def ipc(processes, tmp_path):
    tracker = Ipc(processes, str(tmp_path))
    yield tracker
    tracker.finish()


# --- Qt 6 peers: PySide6, in processes of their own ----------------------------------
# Used by test_qt6_fortune.py. PySide6 is never imported here: a test
# process holds PyQt5's Qt 5, and one process cannot hold both.

_pyside6Problem = []  # asked once per test session: what keeps PySide6 from running


@pytest.fixture
def qt6Python():
    """The interpreter that runs the Qt 6 helper programs: this one, if
    PySide6 (PySide6-Essentials is enough) imports in a process of its own;
    see missingPeer() for when it does not."""
    if not _pyside6Problem:
        check = subprocess.run(
            [sys.executable, "-c", "import PySide6.QtNetwork, PySide6.QtWidgets"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        lines = check.stderr.decode(errors="replace").strip().splitlines()
        _pyside6Problem.append(lines[-1] if check.returncode else "")
    if _pyside6Problem[0]:
        missingPeer("Qt 6 peer: PySide6 does not import in {} ({}); pip install "
                    "PySide6-Essentials, or pip install '.[test]'".format(
                        sys.executable, _pyside6Problem[0]))
    return sys.executable


@pytest.fixture
def qt6FortuneServer(processes, privateTmp, qt6Python):
    """Starts tests/helpers/qt6_fortune_server.py (Qt 6's Local Fortune
    Server) on a unique name under the private TMPDIR; returns its socket
    path once it says it listens. At the end, SIGTERM presses its Stop
    Listening: it must quit with status 0 and leave no socket file."""
    started = []

    def start():
        name = uniqueName("qt6-fortune")
        process = processes.start([qt6Python, os.path.join(HELPERS, "qt6_fortune_server.py"),
                                   "--name", name], env={"TMPDIR": privateTmp})
        path = socketPath(name, privateTmp)
        line = readLine(process)
        assert line == "listening on {}\n".format(path), (line, readStderr(process))
        started.append((process, path))
        return path

    yield start
    stopServers(processes, started, "Qt 6 server")


@pytest.fixture
def qt6FortuneClient(processes, qt6Python):
    """Runs tests/helpers/qt6_fortune_client.py (Qt 6's Local Fortune
    Client) against a socket path to its end: (exit status, what it printed
    on stdout, on stderr). Status 0: stdout is the fortune its label shows,
    then a newline; 1: it showed none, and stderr says why."""
    def fetch(path):
        process = processes.start([qt6Python, os.path.join(HELPERS, "qt6_fortune_client.py"),
                                   "--name", path])
        out, err = process.communicate(timeout=TIMEOUT)
        return process.returncode, out.decode("utf-8"), err.decode("utf-8", errors="replace")
    return fetch


# --- Privileges: a namespace, a sysctl, a mount -------------------------------------------
# A test that needs one asks privileged() first. Where the kernel refuses it
# (no root, a container without CAP_SYS_ADMIN, a chroot whose root is not a
# mount point: "unshare: cannot change root filesystem propagation"), the
# test is skipped with the kernel's own words; under CI, which must grant
# it, it fails, as a missing peer does (peers.missingPeer).

_refusals = {}


def privileged(what, probe):
    """Skips the test, with the reason, unless `probe` (a command doing just
    what the test needs: the namespace, the sysctl, the mount) succeeds
    here; see missingPeer() for CI. Each probe runs once per session."""
    import shutil

    if not shutil.which(probe[0]):
        missingPeer("{} needs {} (util-linux)".format(what, probe[0]))
    if probe not in _refusals:
        result = subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, timeout=TIMEOUT)
        _refusals[probe] = "" if result.returncode == 0 else (
            result.stderr.strip() or "exit status {}".format(result.returncode))
    if _refusals[probe]:
        missingPeer("{}: refused here ({}: {})".format(what, " ".join(probe), _refusals[probe]))


# A private mount namespace whose /proc/sysvipc is an empty tmpfs, as on macOS.
WITHOUT_SYSVIPC_LIST = ("unshare", "--mount", "sh", "-c",
                        'mount -t tmpfs none /proc/sysvipc && exec "$@"', "sh", sys.executable)


@pytest.fixture
def withoutSysvipcList():
    """The command prefix that runs a script with /proc/sysvipc hidden."""
    privileged("hiding /proc/sysvipc (unshare --mount, as root)",
               WITHOUT_SYSVIPC_LIST[:4] + ("mount -t tmpfs none /proc/sysvipc",))
    return WITHOUT_SYSVIPC_LIST


# macOS's default cap on one System V segment: kern.sysv.shmmax.
MACOS_SHMMAX = 4194304


@pytest.fixture
def cappedSegments():
    """The command prefix that runs a program (the interpreter, then its
    arguments) where one segment may hold at most MACOS_SHMMAX bytes: a
    private IPC namespace with kernel.shmmax lowered (with_shmmax.py)."""
    privileged("lowering kernel.shmmax (unshare --ipc, as root)",
               ("unshare", "--ipc", "sh", "-c",
                "echo {} > /proc/sys/kernel/shmmax".format(MACOS_SHMMAX)))
    return ("unshare", "--ipc", sys.executable, os.path.join(HELPERS, "with_shmmax.py"),
            str(MACOS_SHMMAX), sys.executable)


# --- Images that claim more pixels than they hold ------------------------------------------

def pngClaiming(width, height, colourType=6):
    """A PNG of `width` x `height` pixels, all zero, whole and valid, that
    deflate squeezes to about a thousandth: 8-bit RGBA (colour type 6) or
    grey (0). Built with zlib, not Qt, so that no Qt decodes it first."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xffffffff)

    row = bytes(1 + width * {0: 1, 6: 4}[colourType])  # filter byte 0, then the pixels
    compressor = zlib.compressobj(9)
    rows = [compressor.compress(row * 100) for _ in range(height // 100)]
    rows += [compressor.compress(row * (height % 100)), compressor.flush()]
    header = struct.pack(">IIBBBBB", width, height, 8, colourType, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(rows))
            + chunk(b"IEND", b""))


@pytest.fixture(scope="session")
def imageBomb(tmp_path_factory):
    """A PNG file that claims 16000x16000 RGBA pixels (1 GB decoded) in
    about 1 MB: made once a session, it takes a few seconds."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    path.write_bytes(pngClaiming(16000, 16000))
    return str(path)
