"""What the tests and the benchmarks share, in one place: the fortune protocol
as an oracle written independently of the programs (plain struct, not
QDataStream, so that a mistake in one is not repeated in the other), where the
C++ peers are, unique names, and processes that never outlive their user.

Not part of the product (setup.cfg installs only the four programs and
qtipc/): tests/ and bench/ import it from the checkout, and it imports
nothing from either of them.
"""

import glob
import itertools
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid

REPO = os.path.dirname(os.path.abspath(__file__))

# Debian's qtbase5-examples, under the machine's multiarch directory.
CXX_EXAMPLES = next(iter(sorted(glob.glob("/usr/lib/*/qt5/examples/corelib/ipc"))),
                    "/usr/lib/x86_64-linux-gnu/qt5/examples/corelib/ipc")


def cxxPath(name):
    """Path of a C++ example binary (it may be missing)."""
    return os.path.join(CXX_EXAMPLES, name, name)


def script(name):
    return os.path.join(REPO, name)


# --- the fortune protocol, as the peers know it --------------------------------------

FORTUNES = (
    "You've been leading a dog's life. Stay off the furniture.",
    "You've got to think about tomorrow.",
    "You will be surprised by a loud noise.",
    "You will feel hungry again in another hour.",
    "You might have mail.",
    "You cannot kill time without injuring eternity.",
    "Computers are not intelligent. They only think they are.",
)

WIRES = ("qt4", "qt5.6", "qt5.10", "qt6.7")


def qstring(text):
    if text is None:
        return b"\xff\xff\xff\xff"
    data = text.encode("utf-16-be")
    return struct.pack(">I", len(data)) + data


def encode(text, wire):
    body = qstring(text)
    if wire == "qt4":
        return struct.pack(">H", len(body)) + body
    if wire == "qt5.6":
        return struct.pack(">I", len(body)) + body
    if wire == "qt5.10":
        characters = 0 if text is None else len(text.encode("utf-16-be")) // 2
        return struct.pack(">I", characters) + body
    assert wire == "qt6.7"
    return body


# --- names and sockets ----------------------------------------------------------------

_counter = itertools.count()


def uniqueName(prefix):
    """A name no other test or benchmark, and no program of the user's, is using."""
    return "{}-{}-{}-{}".format(prefix, os.getpid(), next(_counter), uuid.uuid4().hex[:8])


# sockaddr_un.sun_path: 108 bytes with the terminating NUL.
MAX_SOCKET_PATH = 107


def socketPath(name, tmpdir=None):
    """Where QLocalServer listens for `name`."""
    if name.startswith("/"):
        return name
    return os.path.join(tmpdir or os.environ.get("TMPDIR") or "/tmp", name)


def fetch(path, timeout=10):
    """Connects as a bare client and reads until the server closes."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(path)
        data = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                return data
            data += chunk


def waitUntilServing(path, process=None, timeout=30):
    """Waits until something on `path` answers a connection to its end;
    fails at once, with what it wrote on stderr, if `process` exits first."""
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise AssertionError("socket path longer than {} bytes: {} (set a shorter TMPDIR)"
                             .format(MAX_SOCKET_PATH, path))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError("{} exited with {} before serving on {}: {}".format(
                process.args, process.returncode, path, readStderr(process)))
        try:
            fetch(path, timeout=5)
            return
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.01)
    raise AssertionError("nothing is serving on " + path)


# --- peers ----------------------------------------------------------------------------

def missingPeer(reason):
    """For tests: skips one whose real peer is missing, with the reason; under
    CI, which installs every peer, fails it instead."""
    import pytest

    if os.environ.get("CI"):
        pytest.fail(reason + "; CI must install it")
    pytest.skip(reason)


def cxxExample(name):
    """For tests: path of a C++ example binary from Debian's
    qtbase5-examples; see missingPeer() for when it is absent."""
    path = cxxPath(name)
    if not os.access(path, os.X_OK):
        missingPeer("C++ peer {} not installed (apt-get install qtbase5-examples)".format(path))
    return path


# --- processes ------------------------------------------------------------------------

def readStderr(process):
    """What an exited process wrote on stderr (a pipe), or what a process
    wrote so far (a file, which a chatty program can never fill)."""
    errFile = getattr(process, "errFile", None)
    try:
        if errFile is not None:
            errFile.seek(0)
            data = errFile.read()
        elif process.stderr is not None and process.poll() is not None:
            data = process.stderr.read()
        else:
            return ""
        return data.decode(errors="replace").strip()[-2000:]
    except (OSError, ValueError):
        return ""


def stop(process, timeout=10):
    """SIGTERM, then SIGKILL if it does not go; returns the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class Processes:
    """Starts programs and makes sure none outlives its user: the tests'
    `processes` fixture, or a `with` block in a benchmark."""

    def __init__(self):
        self.started = []

    def start(self, argv, env=None, **kwargs):
        """Popen(argv) with `env` added to the environment; stdout and stderr
        are pipes unless given (a file object given as stderr is kept as
        process.errFile, for readStderr while it runs)."""
        kwargs.setdefault("stdout", subprocess.PIPE)
        kwargs.setdefault("stderr", subprocess.PIPE)
        process = subprocess.Popen(argv, env=dict(os.environ, **(env or {})), **kwargs)
        process.errFile = kwargs["stderr"] if hasattr(kwargs["stderr"], "seek") else None
        self.started.append(process)
        return process

    def startScript(self, name, *args, **kwargs):
        return self.start([sys.executable, script(name)] + list(args), **kwargs)

    def stopAll(self):
        # Last started, first stopped: a program before the X server it uses.
        for process in reversed(self.started):
            stop(process)

    def closeAll(self):
        for process in self.started:
            for stream in (process.stdout, process.stderr, process.stdin, process.errFile):
                if stream:
                    stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stopAll()
        self.closeAll()
        return False


# --- the programs' windows ----------------------------------------------------------

# The window class of each program's module.
WINDOWS = {
    "fortune_server": "Server",
    "fortune_client": "Client",
    "process_a": "Widget_PA",
    "process_b": "Widget_PB",
}


def windowTexts(window):
    """The texts a window shows: its title, then every label's and button's."""
    from PyQt5.QtWidgets import QAbstractButton, QLabel

    texts = [window.windowTitle()]
    texts += [label.text() for label in window.findChildren(QLabel)]
    texts += [button.text() for button in window.findChildren(QAbstractButton)]
    return [text for text in texts if text]


# --- shared memory: the segment layout and the System V objects --------------------

SHM_TIMEOUT = 60  # seconds; only ever reached when something hangs
HELPERS = os.path.join(REPO, "tests", "helpers")


def layout(text):
    """The bytes QDataStream << QString writes with Qt 5: quint32 byte length,
    then UTF-16BE."""
    utf16 = text.encode("utf-16-be")
    return len(utf16).to_bytes(4, "big") + utf16


def _sysvTable(path):
    with open(path) as table:
        header = next(table).split()
        return [dict(zip(header, line.split())) for line in table]


def sysvSegments():
    return {int(row["shmid"]): row for row in _sysvTable("/proc/sysvipc/shm")}


def sysvSemaphores():
    return {int(row["semid"]): row for row in _sysvTable("/proc/sysvipc/sem")}


def semctl(semid, command):
    import ctypes
    return ctypes.CDLL(None, use_errno=True).semctl(semid, 0, command)


GETPID, GETVAL = 11, 12  # Linux semctl() commands


def semaphoreOf(key):
    """semid of the semaphore behind QSharedMemory(key).lock(), or None."""
    from qtipc.sysv import ipcKey, semaphoreKeyFile
    wanted = ipcKey(semaphoreKeyFile(key))
    for semid, row in sysvSemaphores().items():
        if wanted is not None and int(row["key"]) == wanted:
            return semid
    return None


def semaphoreValue(key):
    return semctl(semaphoreOf(key), GETVAL)


def readLine(process, timeout=SHM_TIMEOUT, stream="stdout"):
    """The next line `process` prints (on `stream`), or "" if it exits first;
    fails the test if neither happens in time."""
    import queue
    import threading

    lines = queue.Queue()

    def read():
        try:
            lines.put(getattr(process, stream).readline().decode())
        except (ValueError, OSError):
            lines.put("")

    threading.Thread(target=read, daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError("{} printed nothing in {} s".format(process.args, timeout))
