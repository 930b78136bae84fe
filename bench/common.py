"""What the benchmarks share among themselves: the C++ peers, the replies a
server must send (from testbed's oracle, independent of the programs, so
that a framing bug shows up as a bad reply), the C helpers built at run
time, CPU pinning, private temporary directories and child processes."""

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

from testbed.oracle import FORTUNES, encode
from testbed.programs import cxxPath

BENCH = os.path.dirname(os.path.abspath(__file__))
CXX_SERVER = cxxPath("localfortuneserver")
CXX_CLIENT = cxxPath("localfortuneclient")
# Taken once, before run.py pins itself to one CPU.
_CPUS = sorted(os.sched_getaffinity(0))


def expectArgs(wire):
    """The load generator's --expect arguments: the seven replies in `wire`."""
    return [arg for text in FORTUNES for arg in ("--expect", encode(text, wire).hex())]


def buildTool(name, outDir, extraFlags=()):
    """Compiles bench/NAME.c with gcc -O2 into outDir/bin, keyed by the
    source's hash, so that an edit rebuilds and concurrent runs never see a
    half-written binary."""
    with open(os.path.join(BENCH, name + ".c"), "rb") as f:
        digest = hashlib.sha256(f.read() + " ".join(extraFlags).encode()).hexdigest()[:12]
    os.makedirs(os.path.join(outDir, "bin"), exist_ok=True)
    target = os.path.join(outDir, "bin", "{}-{}".format(name, digest))
    if not os.access(target, os.X_OK):
        gcc = shutil.which("gcc") or shutil.which("cc")
        if not gcc:
            raise RuntimeError("the benchmarks need a C compiler (apt-get install gcc)")
        temporary = target + ".tmp{}".format(os.getpid())
        subprocess.run([gcc, "-O2", "-Wall", "-o", temporary, os.path.join(BENCH, name + ".c")]
                       + list(extraFlags), check=True)
        os.replace(temporary, target)
    return target


def cpuPlan():
    """(generator CPU, server CPU): two different CPUs where there are two."""
    return _CPUS[0], _CPUS[1 % len(_CPUS)]


def pinned(cpu, argv):
    taskset = shutil.which("taskset")
    if taskset is None:
        raise RuntimeError("taskset is missing (apt-get install util-linux)")
    return [taskset, "-c", str(cpu)] + list(argv)


@contextlib.contextmanager
def privateTempDir(prefix):
    """A TMPDIR of our own: QLocalServer and QSharedMemory put their files
    under it, and the C++ server's fixed name "fortune" meets nobody else's."""
    path = tempfile.mkdtemp(prefix=prefix + "-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def qtEnv(tmpdir, extra=None):
    """The environment of a Qt program under `tmpdir`: offscreen unless
    `extra` says otherwise, with a runtime directory of its own (or Qt warns
    and makes one)."""
    runtime = os.path.join(tmpdir, "xdg-runtime")
    os.makedirs(runtime, mode=0o700, exist_ok=True)
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=tmpdir, XDG_RUNTIME_DIR=runtime,
                **(extra or {}))


def runJson(argv, timeout=300, **kwargs):
    """Runs a helper that prints one line of JSON last; returns it, or
    {"ok": False, "error": ...} when there is none."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"ok": False, "error": "{} exited with {}: {}".format(
            " ".join(argv)[:200], done.returncode, done.stderr[-1500:])}


def childModule(name):
    """The command that runs bench/NAME.py with this Python, from the
    checkout's root (run with cwd=REPO), as `python -m bench.NAME`."""
    return [sys.executable, "-m", "bench." + name]


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)

