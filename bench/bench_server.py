"""The fortune server: fortune_server.py against its floor (server_floor.py,
the blog's shape with blocks framed once) and Debian's C++
localfortuneserver, under one C load generator (loadgen.c) at 1, 8 and 64
connections, server and generator pinned to different CPUs, runs
interleaved in rotating order, median kept.

The generator checks every reply byte for byte against the seven fortunes
in the server's framing; a run with a wrong or missing reply is an error
and gives no number. Its ceiling is measured in the same rotation against
refserver.c, a blocking accept/write/close loop far cheaper than any Qt
server. Two generator modes: "sleep" waits in epoll_wait as a real client
does (the targets); "spin" polls, so the server never pays to wake it."""

import json
import os
import subprocess
import sys
import tempfile
import time
from statistics import median

from bench.common import (CXX_SERVER, buildTool, childModule, cpuPlan, expectArgs, log, pinned,
                          privateTempDir, qtEnv)
from testbed.oracle import FORTUNES, encode
from testbed.processes import Processes, readStderr, stop, uniqueName, waitUntilServing
from testbed.programs import REPO, script

LEVELS = (1, 8, 64)
MODES = ("sleep", "spin")
# Qt 5.15's QLocalServer::listen() calls listen(fd, 50) (qlocalserver_unix.cpp).
QT5_LISTEN_BACKLOG = 50
# A run during which other processes kept more than this share of a CPU busy
# is run again, up to MAX_RETRIES times and within RETRY_BUDGET_S in all.
DISTURBED, MAX_RETRIES, RETRY_BUDGET_S = 0.20, 2, 60.0


def cpuSeconds(pid):
    """CPU time of every thread of pid so far (/proc/PID/task/*/schedstat, in ns)."""
    total = 0
    for tid in os.listdir("/proc/{}/task".format(pid)):
        try:
            with open("/proc/{}/task/{}/schedstat".format(pid, tid)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e9


def machineBusy():
    """Busy seconds of all CPUs so far, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def listenBacklog(path):
    """The listen backlog of the socket at path (Send-Q in `ss -xl`), or None."""
    try:
        out = subprocess.run(["ss", "-xlH"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for fields in (line.split() for line in out.splitlines()):
        if path in fields and fields[3].isdigit():
            return int(fields[3])
    return None


def runGenerator(loadgen, cpu, target, concurrency, count, spin):
    """One run of the generator against target = (key, path, process, wire)."""
    key, path, process, wire = target
    argv = [loadgen, "--path", path, "--concurrency", str(concurrency), "--count", str(count),
            "--timeout-ms", "10000"] + expectArgs(wire) + (["--spin"] if spin else [])
    server0, busy0 = cpuSeconds(process.pid), machineBusy()
    done = subprocess.run(pinned(cpu, argv), capture_output=True, text=True, timeout=600)
    busy1 = machineBusy()
    server1 = cpuSeconds(process.pid) if process.poll() is None else server0
    try:
        run = json.loads(done.stdout)
    except ValueError:
        run = {"ok": False, "error": "generator said {!r} {!r}".format(done.stdout[-300:],
                                                                     done.stderr[-300:])}
    if done.returncode != 0:
        run["ok"] = False
        run["error"] = run.get("error") or "generator exited with {}".format(done.returncode)
    if process.poll() is not None:
        run["ok"] = False
        run["error"] = "{}; server died ({}): {}".format(run.get("error"), process.returncode,
                                                         readStderr(process))
    elapsed = run.get("elapsed_s") or 0.0
    if run.get("ok") and elapsed > 0:
        generatorCpu, serverCpu = run["cpu_user_s"] + run["cpu_sys_s"], server1 - server0
        run["server_busy"] = serverCpu / elapsed
        run["server_cpu_us_per_fortune"] = serverCpu / run["count"] * 1e6
        # What anything else used of the machine meanwhile (/proc/stat counts
        # in 10 ms ticks: only over runs long enough).
        if elapsed >= 0.25:
            run["other_cpu"] = max(0.0, busy1 - busy0 - generatorCpu - serverCpu) / elapsed
    return run


def summarize(runs):
    good = [r for r in runs if r.get("ok")]
    summary = {"errors": [r.get("error") or "failed" for r in runs if not r.get("ok")],
               "bad_replies": sum(r.get("bad_replies", 0) for r in runs),
               "fortunes": sum(r.get("count", 0) for r in runs)}
    if good and not summary["errors"]:
        for key in ("rate", "p50_us", "server_busy", "server_cpu_us_per_fortune"):
            values = [r[key] for r in good if key in r]
            if values:
                summary[key] = median(values)
        summary["eagain"] = sum(r.get("eagain", 0) for r in good)
        summary["seen"] = [sum(column) for column in zip(*[r["seen"] for r in good])]
    return summary


def measureLevel(loadgen, cpu, targets, concurrency, count, reps, spin, result, deadline):
    """Every target at one level: a checked warm-up, then reps runs each, in
    rotating order; a run disturbed by other processes is run again."""
    runs = {target[0]: [] for target in targets}
    for target in targets:  # not recorded, unless it fails
        warm = runGenerator(loadgen, cpu, target, concurrency, max(count // 10, 50), spin)
        if not warm.get("ok"):
            runs[target[0]].append(warm)
    for rep in range(reps):
        for target in targets[rep % len(targets):] + targets[:rep % len(targets)]:
            for attempt in range(1 + MAX_RETRIES):
                run = runGenerator(loadgen, cpu, target, concurrency, count, spin)
                disturbed = run.get("other_cpu", 0.0) > DISTURBED
                if not (run.get("ok") and disturbed) or attempt == MAX_RETRIES \
                        or time.monotonic() > deadline:
                    break
                result["discarded_disturbed"] += 1
            result["kept_disturbed"] += int(disturbed)
            result["max_other_cpu"] = max(result["max_other_cpu"], run.get("other_cpu", 0.0))
            runs[target[0]].append(run)
    level = {key: summarize(value) for key, value in runs.items()}
    for ratio, top, bottom in (("floor_ratio", "python", "floor"), ("cxx_ratio", "python", "cxx"),
                               ("floor_cxx_ratio", "floor", "cxx")):
        if "rate" in level[top] and "rate" in level.get(bottom, {}):
            level[ratio] = level[top]["rate"] / level[bottom]["rate"]
    fastest = max(level[key].get("rate", 0) for key in ("python", "floor", "cxx") if key in level)
    if "rate" in level["ceiling"] and fastest:
        level["ceiling_headroom"] = level["ceiling"]["rate"] / fastest
    return level


def startTargets(processes, tmp, cpu, refserver):
    """The servers, each pinned to cpu under a directory of its own:
    [(key, socket path, process, wire)], and notes on those missing."""
    targets, notes = [], []
    name = uniqueName("fortune")

    def start(key, argv, name, wire):
        directory = os.path.join(tmp, key)
        os.mkdir(directory)
        process = processes.start(pinned(cpu, argv), env=qtEnv(directory), cwd=REPO,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=tempfile.TemporaryFile())
        targets.append((key, os.path.join(directory, name), process, wire))

    # fortune_server.py frames as the blog does by default (qt4), as the floor.
    start("python", [sys.executable, script("fortune_server.py"), "--name", name], name, "qt4")
    start("floor", childModule("server_floor") + [name], name, "qt4")
    if os.access(CXX_SERVER, os.X_OK):
        start("cxx", [CXX_SERVER], "fortune", "qt5.10")
    else:
        notes.append("C++ server missing: apt-get install qtbase5-examples")
    replies = [arg for text in FORTUNES for arg in ("--reply", encode(text, "qt4").hex())]
    start("ceiling", [refserver, "--path", os.path.join(tmp, "ceiling", name), "--backlog",
                      str(QT5_LISTEN_BACKLOG)] + replies, name, "qt4")
    return targets, notes


def run(outDir, smoke=False):
    count, reps = (300, 1) if smoke else (20000, 5)
    genCpu, serverCpu = cpuPlan()
    loadgen, refserver = buildTool("loadgen", outDir), buildTool("refserver", outDir)
    result = {"count_per_run": count, "reps": reps, "modes": list(MODES), "primary_mode": "sleep",
              "levels_result": {}, "backlog": {}, "discarded_disturbed": 0, "kept_disturbed": 0,
              "max_other_cpu": 0.0}
    deadline = time.monotonic() + RETRY_BUDGET_S
    with privateTempDir("qb-server") as tmp, Processes() as processes:
        targets, result["notes"] = startTargets(processes, tmp, serverCpu, refserver)
        for key, path, process, _ in targets:
            waitUntilServing(path, process)
            result["backlog"][key] = listenBacklog(path)
        for mode in MODES:
            for concurrency in LEVELS:
                log("  server: {} generator, {} connection(s)".format(mode, concurrency))
                result["levels_result"].setdefault(mode, {})[str(concurrency)] = measureLevel(
                    loadgen, genCpu, targets, concurrency, count, reps, mode == "spin", result,
                    deadline)
        key, path, process, _ = targets[0]
        result["python_exit_on_sigterm"] = stop(process)
        result["python_socket_removed"] = not os.path.exists(path)
    return result
