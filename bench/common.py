"""What the benchmarks share among themselves: the C++ peers, the seven
fortunes' bytes on the wire (from harness.py's oracle, independent of the
programs under test, so that a framing bug shows up as a bad reply), the C
helpers built at run time, CPU pinning and private temporary directories."""

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
# harness.py, at the top of the checkout, is shared with the tests.
sys.path.insert(0, os.path.dirname(BENCH))
from harness import (FORTUNES, REPO, Processes, cxxPath, encode, readStderr,  # noqa: E402,F401
                     stop, uniqueName, waitUntilServing)

CXX_SERVER = cxxPath("localfortuneserver")
CXX_CLIENT = cxxPath("localfortuneclient")

# Qt 5.15's QLocalServer::listen() calls listen(fd, 50) (qlocalserver_unix.cpp);
# run.py checks this on the live servers with `ss -xl`.
QT5_LISTEN_BACKLOG = 50


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


# --- processes ----------------------------------------------------------------------

def startServer(processes, argv, env):
    """A server that runs through a whole benchmark: stdout discarded, stderr
    to a file (a chatty server never blocks on a full pipe; readStderr reads it)."""
    return processes.start(argv, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=tempfile.TemporaryFile())


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
    if extra:
        env.update(extra)
    return env


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)
