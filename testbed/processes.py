"""Processes that never outlive their user, the sockets they serve on, and
a private X server for those that open windows."""

import itertools
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from testbed.programs import script

TIMEOUT = 60  # seconds to wait for a process's line; only ever reached when something hangs
# sockaddr_un.sun_path: 108 bytes with the terminating NUL.
MAX_SOCKET_PATH = 107

_counter = itertools.count()


def uniqueName(prefix):
    """A name no other test or benchmark, and no program of the user's, is using."""
    return "{}-{}-{}-{}".format(prefix, os.getpid(), next(_counter), uuid.uuid4().hex[:8])


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


def readLine(process, timeout=TIMEOUT, stream="stdout"):
    """The next line `process` prints (on `stream`), or "" if it exits first;
    fails if neither happens in time."""
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
    `processes` fixture, or a `with` block in a benchmark or a tool."""

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

    def close(self):
        self.stopAll()
        self.closeAll()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def startXvfb(processes, size=(640, 480), wrapper=()):
    """A private X server on a display number of its own (-displayfd),
    started through `processes`, which stop it; returns the environment
    that makes Qt programs use it. Its keyboard does not auto-repeat (-r): a
    key that xdotool holds down a moment longer on a loaded machine must not
    reach a window twice; and it does not reset when its last client goes
    (-noreset). `wrapper` goes before the command (taskset, say). Raises
    FileNotFoundError where Xvfb is not installed."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise FileNotFoundError("Xvfb not installed (apt-get install xvfb)")
    read, write = os.pipe()
    with os.fdopen(read) as displayNumber:
        try:
            server = processes.start(
                list(wrapper) + [xvfb, "-displayfd", str(write), "-screen", "0",
                                 "{}x{}x24".format(*size), "-nolisten", "tcp", "-r", "-noreset"],
                pass_fds=(write,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=tempfile.TemporaryFile())
        finally:
            os.close(write)
        number = displayNumber.readline().strip()
    if not number:
        raise RuntimeError("Xvfb did not start ({}): {}".format(server.poll(), readStderr(server)))
    return {"DISPLAY": ":" + number, "QT_QPA_PLATFORM": "xcb"}
