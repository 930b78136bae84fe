"""Each benchmark of `python -m bench.run`, once, in its tiny smoke mode, so that none of
them can rot. These tests check that a benchmark ran and that what it reports
was checked (every fortune reply byte for byte, every shared-memory round trip
equal to the text written, every program really listening or showing its
window); they never judge a time or a rate: benchmarks are not tests.

All of them carry the `bench` marker: without the benchmarks' peers, leave
them out with  pytest -m "not bench"."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from peers import missingPeer
from testbed.programs import REPO

pytestmark = pytest.mark.bench

LEVELS = (1, 8, 64)
QT5_LISTEN_BACKLOG = 50


def require(tool, package):
    if shutil.which(tool) is None:
        missingPeer("the benchmarks need {} (apt-get install {})".format(tool, package))


def leftoverProcesses(marker):
    """Processes whose command line or environment mention `marker` (a
    directory only this test uses): any is a benchmark process left behind."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        for name in ("cmdline", "environ"):
            try:
                with open("/proc/{}/{}".format(pid, name), "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(pid))
                        break
            except OSError:
                pass
    return found


def runSmoke(tmp_path, benchmark, plot=False):
    """python -m bench.run --smoke --only BENCHMARK with a TMPDIR and output directory
    of its own; returns (completed process, results.json as a dict)."""
    require("gcc", "gcc")
    require("taskset", "util-linux")
    # A short TMPDIR: socket paths must fit in 108 bytes, and pytest's
    # tmp_path is long already.
    scratch = tempfile.mkdtemp(prefix="qbs-")
    try:
        return _runSmoke(scratch, tmp_path / "out", benchmark, plot)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _runSmoke(scratch, out, benchmark, plot):
    env = dict(os.environ)
    env["TMPDIR"] = scratch
    argv = [sys.executable, "-m", "bench.run", "--smoke", "--only", benchmark, "--out", str(out)]
    if not plot:
        argv.append("--no-plot")
    done = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    # Nothing left behind: no process, no socket or key file, no temp directory.
    assert leftoverProcesses(scratch) == []
    assert os.listdir(scratch) == []
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with open(out / "results.json") as f:
        results = json.load(f)
    assert results["smoke"] is True
    assert results["problems"] == [] and results["crashed"] == {}
    assert (out / "RESULTS.md").exists()
    return done, results


def checkedRuns(summary, fortunes):
    """A server's summary at one level: every fortune arrived and matched one
    of the seven expected replies (the generator counts a reply only then)."""
    assert summary["errors"] == []
    assert summary["bad_replies"] == 0
    assert summary["fortunes"] == fortunes
    assert sum(summary["seen"]) == fortunes
    assert len(summary["seen"]) == 7
    assert summary["rate"] > 0


def test_server_benchmark_checks_every_reply_from_every_server(tmp_path):
    done, results = runSmoke(tmp_path, "server")
    server = results["server"]
    count, reps = server["count_per_run"], server["reps"]
    # The Qt servers listen with Qt 5.15's backlog, as does the ceiling's
    # (read with ss, from iproute2, where it is installed).
    require("ss", "iproute2")
    for name in ("python", "cxx", "floor", "ceiling"):
        assert server["backlog"][name] == QT5_LISTEN_BACKLOG
    assert server["python_exit_on_sigterm"] == 0 and server["python_socket_removed"]
    assert set(server["modes"]) == {"sleep", "spin"}
    for mode in server["modes"]:
        for level in LEVELS:
            entry = server["levels_result"][mode][str(level)]
            for name in ("python", "cxx", "floor", "ceiling"):
                checkedRuns(entry[name], count * reps)
            # Every ratio is against a peer measured in the same run.
            assert entry["floor_ratio"] > 0 and entry["cxx_ratio"] > 0
            assert entry["floor_cxx_ratio"] > 0
            # The ceiling server answers in turn: all seven fortunes came.
            assert min(entry["ceiling"]["seen"]) > 0
    assert "fortune_server.py / floor" in done.stdout and "fortune_server.py / C++" in done.stdout
    # The targets are printed, met or missed, never asserted.
    assert "fortune_server.py >= 0.9x server_floor.py at 64 connection(s)" in done.stdout


def test_client_benchmark_fetches_real_fortunes(tmp_path):
    done, results = runSmoke(tmp_path, "client")
    client = results["client"]
    assert client["errors"] == []
    for run in client["runs"]:
        assert run["ok"] and run["fetches"] == client["fetches_per_run"]
        # The client asks again when a fortune repeats: never fewer connections.
        assert run["connections"] >= run["fetches"]
    for run in client["floor_runs"]:
        assert run["ok"] and run["bad_replies"] == 0
    assert "Python Client" in done.stdout


def test_shared_memory_benchmark_round_trips_exactly(tmp_path):
    # The blog's C++ pair is built with g++ against Qt 5's headers.
    require("g++", "g++")
    require("pkg-config", "pkg-config")
    done, results = runSmoke(tmp_path, "shm")
    shm = results["shm"]
    assert shm["errors"] == []
    assert [entry["bytes"] for entry in shm["sizes"]] == shm["sizes_requested"]
    for entry in shm["sizes"]:
        # shm_child records a time only for round trips that gave back the
        # very text written, on every side, the C++ pair's included.
        assert entry["errors"] == []
        assert set(entry["us"]) == {"port", "floor", "cxx", "mp"}
        assert all(us > 0 for us in entry["us"].values())
        # Each ratio is a median of ratios taken round by round.
        assert entry["ratio"]["floor"] == 1 and entry["cxx_ratio"]["cxx"] == 1
    # The image row: timed only when the image read equals the one written;
    # the System V write and the copy under Qt 6's native key taken apart.
    image = shm["image"]
    assert image["errors"] == [] and image["us"]["port"] > 0
    assert set(image["parts_us"]["port"]) == {"sysv", "qt6"}
    # The memory rows: every text read was the file's, byte for byte.
    for entry in shm["memory"]["sizes"]:
        assert entry["errors"] == []
        assert set(entry["rows"]) == {"A holding it (--text-file)", "B reading (--print)",
                                      "B's window holding it"}
        for row in entry["rows"].values():
            assert row["port"] > 0 and row["cxx"] > 0
        assert entry["rows"]["A holding it (--text-file)"]["floor"] > 0
        assert entry["rows"]["B reading (--print)"]["floor"] > 0
    for column in ("port / floor", "port / C++", "multiprocessing.shared_memory",
                   "loadFromFile", "Qt 6's native key", "peak RSS"):
        assert column in done.stdout
    assert "A to B <= 2.0x its floor (shm_floor.py) at 1 KiB" in done.stdout


def test_startup_benchmark_sees_servers_listen_and_windows_shown(tmp_path):
    done, results = runSmoke(tmp_path, "startup")
    startup = results["startup"]
    assert startup["errors"] == []
    for key in ("fortune_server", "listen_floor", "server_floor", "localfortuneserver"):
        assert startup["listen"][key]["ms"] > 0
    assert startup["listen"]["fortune_server"]["exit_codes"] == [0]
    # The floor, launched in the same run, gives the ratio.
    assert startup["floor_ratio"] > 0
    assert all(startup["reference"].values())
    # Window times need Xvfb, and Xlib's headers to build bench/startwait.c.
    require("Xvfb", "xvfb")
    if not os.path.exists("/usr/include/X11/Xlib.h"):
        missingPeer("the start-up benchmark needs Xlib's headers (apt-get install libx11-dev)")
    assert set(startup["window"]) == {"fortune_server", "localfortuneserver", "fortune_client",
                                      "localfortuneclient", "process_a", "process_b"}
    assert "to listening" in done.stdout
    assert "start-up to listening <= 1.15x listen_floor.py" in done.stdout


def test_report_writes_table_and_plot(tmp_path):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        missingPeer("the plot needs the bench extra: pip install '.[bench]'")
    done, results = runSmoke(tmp_path, "shm", plot=True)
    with open(tmp_path / "out" / "bench.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(tmp_path / "out" / "RESULTS.md") as f:
        markdown = f.read()
    assert "![benchmarks](bench.png)" in markdown and "port / floor" in markdown
