"""What the benchmarks share: paths, the seven fortunes and their bytes on the
wire (from tests/fortunes.py, independent of the programs under test, so that
a framing bug in a program shows up as a bad reply), the C helpers built at
run time, CPU pinning, and process clean-up."""

import contextlib
import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
# Debian's qtbase5-examples, under the machine's multiarch directory.
CXX_EXAMPLES = next(iter(sorted(glob.glob("/usr/lib/*/qt5/examples/corelib/ipc"))),
                    "/usr/lib/x86_64-linux-gnu/qt5/examples/corelib/ipc")
CXX_SERVER = os.path.join(CXX_EXAMPLES, "localfortuneserver", "localfortuneserver")
CXX_CLIENT = os.path.join(CXX_EXAMPLES, "localfortuneclient", "localfortuneclient")

# Qt 5.15's QLocalServer::listen() calls listen(fd, 50) (qlocalserver_unix.cpp);
# run.py checks this on the live servers with `ss -xl`.
QT5_LISTEN_BACKLOG = 50

# The seven fortunes and their exact bytes in each layout, as the tests know
# them (tests/fortunes.py: plain struct, independent of the programs).
sys.path.insert(0, os.path.join(REPO, "tests"))
from fortunes import FORTUNES, encode  # noqa: E402


def expectedReplies(layout="qt5.10"):
    return [encode(text, layout) for text in FORTUNES]


# --- C helpers, compiled once per source version --------------------------------------

def buildTool(name, outDir, extraFlags=()):
    """Compiles bench/NAME.c with gcc -O2 into outDir/bin, keyed by the source's
    hash so that an edit rebuilds and concurrent runs never see a half-written
    binary."""
    source = os.path.join(BENCH, name + ".c")
    with open(source, "rb") as f:
        digest = hashlib.sha256(f.read() + " ".join(extraFlags).encode()).hexdigest()[:12]
    binDir = os.path.join(outDir, "bin")
    os.makedirs(binDir, exist_ok=True)
    target = os.path.join(binDir, "{}-{}".format(name, digest))
    if not os.access(target, os.X_OK):
        gcc = shutil.which("gcc") or shutil.which("cc")
        if not gcc:
            raise RuntimeError("the benchmarks need a C compiler (apt-get install gcc)")
        temporary = target + ".tmp{}".format(os.getpid())
        subprocess.run([gcc, "-O2", "-Wall", "-o", temporary, source] + list(extraFlags),
                       check=True)
        os.replace(temporary, target)
    return target


# --- CPUs -----------------------------------------------------------------------------

# Taken once, before run.py pins itself to one CPU.
_CPUS = sorted(os.sched_getaffinity(0))


def cpuPlan():
    """(generator CPU, server CPU): two different CPUs where there are two."""
    cpus = _CPUS
    if len(cpus) >= 2:
        return cpus[0], cpus[1]
    return cpus[0], cpus[0]


def pinned(cpu, argv):
    taskset = shutil.which("taskset")
    if taskset is None:
        raise RuntimeError("taskset is missing (apt-get install util-linux)")
    return [taskset, "-c", str(cpu)] + list(argv)


def cpuSeconds(pid):
    """CPU time of every thread of pid so far, from /proc/PID/task/*/schedstat
    (nanosecond resolution, unlike /proc/PID/stat)."""
    total = 0
    taskDir = "/proc/{}/task".format(pid)
    for tid in os.listdir(taskDir):
        try:
            with open(os.path.join(taskDir, tid, "schedstat")) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e9


# --- names, processes, sockets --------------------------------------------------------

def uniqueName(prefix):
    return "{}-{}-{}".format(prefix, os.getpid(), uuid.uuid4().hex[:8])


# sockaddr_un.sun_path: 108 bytes with the terminating NUL.
MAX_SOCKET_PATH = 107


def checkSocketPath(path):
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise RuntimeError("socket path longer than {} bytes: {} (set a shorter TMPDIR)".format(
            MAX_SOCKET_PATH, path))
    return path


@contextlib.contextmanager
def privateTempDir(prefix):
    """A TMPDIR of our own: QLocalServer and QSharedMemory put their files under
    it, and the C++ server's fixed name "fortune" cannot meet anybody else's."""
    path = tempfile.mkdtemp(prefix=prefix + "-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def qtEnv(tmpdir=None, platform="offscreen", extra=None):
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = platform
    if tmpdir:
        env["TMPDIR"] = tmpdir
        # Otherwise Qt warns and makes TMPDIR/runtime-UID itself.
        runtime = os.path.join(tmpdir, "xdg-runtime")
        os.makedirs(runtime, mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = runtime
    env.pop("PYTHONSTARTUP", None)
    if extra:
        env.update(extra)
    return env


def canConnect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def waitListening(process, path, timeout=20.0):
    """Waits until a server accepts on path; fails if the process dies first."""
    checkSocketPath(path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("{} exited with {} before listening on {}: {}".format(
                process.args, process.returncode, path, readStderr(process)))
        if os.path.exists(path) and canConnect(path):
            return
        time.sleep(0.005)
    raise RuntimeError("{} did not listen on {} within {} s".format(process.args, path, timeout))


def readStderr(process):
    """What the process wrote on stderr so far (Processes sends it to a file, so
    that a chatty program can never block on a full pipe)."""
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


def stop(process, timeout=10.0):
    """SIGTERM, then SIGKILL if it does not go; always reaps and closes pipes."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream:
            stream.close()
    return process.returncode


class Processes:
    """Every process a benchmark starts, stopped on the way out whatever happens."""

    def __init__(self):
        self.started = []

    def start(self, argv, **kwargs):
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        errFile = None
        if "stderr" not in kwargs:
            errFile = tempfile.TemporaryFile()
            kwargs["stderr"] = errFile
        process = subprocess.Popen(argv, **kwargs)
        process.errFile = errFile
        self.started.append(process)
        return process

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for process in reversed(self.started):
            stop(process)
            if getattr(process, "errFile", None) is not None:
                process.errFile.close()
        return False


def median(values):
    values = sorted(values)
    n = len(values)
    if not n:
        return float("nan")
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2.0


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)
