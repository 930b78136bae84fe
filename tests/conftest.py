"""Test configuration shared by every test: headless Qt, unique names, and
processes that are always cleaned up."""

import glob
import itertools
import os
import signal
import subprocess
import sys
import uuid

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

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(REPO, "tests")
for path in (REPO, TESTS):
    if path not in sys.path:
        sys.path.insert(0, path)

# Debian's qtbase5-examples, under the machine's multiarch directory.
CXX_EXAMPLES = next(iter(sorted(glob.glob("/usr/lib/*/qt5/examples/corelib/ipc"))),
                    "/usr/lib/x86_64-linux-gnu/qt5/examples/corelib/ipc")

_counter = itertools.count()


def uniqueName(prefix):
    """A name no other test, and no program of the user's, is using."""
    return "{}-{}-{}-{}".format(prefix, os.getpid(), next(_counter), uuid.uuid4().hex[:8])


def script(name):
    return os.path.join(REPO, name)


def cxxExample(name):
    """Path of a C++ example binary from Debian's qtbase5-examples. Skips the
    test where it is absent, except under CI, where the peer is required."""
    path = os.path.join(CXX_EXAMPLES, name, name)
    if not os.access(path, os.X_OK):
        missingPeer("C++ peer {} not installed (apt-get install qtbase5-examples)".format(path))
    return path


def missingPeer(reason):
    """Skips a test whose real peer is missing, with the reason; under CI,
    which installs every peer, fails instead."""
    if os.environ.get("CI"):
        pytest.fail(reason + "; CI must install it")
    pytest.skip(reason)


class Processes:
    """Starts programs and makes sure none outlives the test."""

    def __init__(self):
        self.started = []

    def start(self, argv, env=None, **kwargs):
        environment = dict(os.environ)
        environment.update(env or {})
        kwargs.setdefault("stdout", subprocess.PIPE)
        kwargs.setdefault("stderr", subprocess.PIPE)
        process = subprocess.Popen(argv, env=environment, **kwargs)
        self.started.append(process)
        return process

    def startScript(self, name, *args, **kwargs):
        return self.start([sys.executable, script(name)] + list(args), **kwargs)

    def stopAll(self):
        # Last started, first stopped: a program before the X server it uses.
        for process in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def closeAll(self):
        for process in self.started:
            for stream in (process.stdout, process.stderr, process.stdin):
                if stream:
                    stream.close()


@pytest.fixture
def processes():
    tracker = Processes()
    yield tracker
    tracker.stopAll()
    tracker.closeAll()


@pytest.fixture
def messageBoxes(qapp):
    """Answers every modal message box the code under test opens, as a user
    would by pressing its button, and records what each one said."""
    from PyQt5.QtCore import QTimer
    from PyQt5.QtWidgets import QApplication, QMessageBox

    seen = []

    def answer():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                widget.done(QMessageBox.Ok)

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(10)
    yield seen
    timer.stop()


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


@pytest.fixture
def fortuneServer(processes, privateTmp):
    """Starts fortune_server.py as a process under a private TMPDIR and waits
    until it serves; stops it at the end and checks its socket is gone."""
    from fortunes import socketPath, waitUntilServing

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
    running = [(process, path) for process, path in started if process.poll() is None]
    processes.stopAll()
    for process, path in running:
        assert process.returncode == 0, "server did not quit cleanly on SIGTERM"
        assert not os.path.exists(path), "socket file left behind: " + path


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
