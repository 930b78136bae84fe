"""Benchmark 1: the Python fortune server against Debian's C++
localfortuneserver and against blog_server.py (the blog's Server line for
line in PyQt5), under the same C load generator (loadgen.c), pinned to
different CPUs, interleaved, median of several runs.

Every reply is checked byte for byte by the generator against the seven
fortunes in the server's layout (qt5.10; qt4 for the blog's port, as the
blog frames them); a run with a wrong or missing reply is an error and
gives no number.

The generator's ceiling is measured in the same rotation against refserver.c,
a blocking accept/write/close loop that is far cheaper than any Qt server; and
each run records how busy the server and the generator were, which is how we
know which of the two bounds the rate.
"""

import json
import os
import shlex
import subprocess
import sys
import time
from statistics import median

from common import (BENCH, CXX_SERVER, QT5_LISTEN_BACKLOG, REPO, Processes, buildTool,
                    cpuPlan, cpuSeconds, expectedReplies, log, pinned, privateTempDir, qtEnv,
                    readStderr, startServer, stop, uniqueName, waitUntilServing)

LEVELS = (1, 8, 64)
# A run during which other processes kept more than this share of a CPU busy
# is run again (up to MAX_RETRIES times, within RETRY_BUDGET_S for the whole
# benchmark): on a shared machine someone's test suite can take a whole CPU.
DISTURBED = 0.20
MAX_RETRIES = 2
RETRY_BUDGET_S = 60.0
# Primary: the generator sleeps in epoll_wait, as real clients do; secondary:
# it polls epoll without sleeping, so the server never pays to wake it (see
# loadgen.c). Both are reported; targets are judged on the primary (README.md).
MODES = ("sleep", "spin")
# Servers, and what each ratio compares.
SERVERS = ("cxx", "python", "blog")
RATIOS = {"ratio": ("python", "cxx"), "blog_ratio": ("blog", "cxx"),
          "gain_over_blog": ("python", "blog")}
# Diagnostic peers for one run, never published: BENCH_EXTRA_SERVERS holds
# LABEL=COMMAND entries separated by ";", each a server framing as qt5.10;
# {python} in COMMAND is this Python, {name} the name to listen on ("fortune"
# where the command has no {name}, as Qt's C++ server).
EXTRA_SERVERS = "BENCH_EXTRA_SERVERS"


def extraServers():
    entries = [e for e in os.environ.get(EXTRA_SERVERS, "").split(";") if e.strip()]
    return [(label.strip(), command) for label, _, command in
            (entry.partition("=") for entry in entries)]


def _procBusy():
    """Busy jiffies of the whole machine (all CPUs), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def listenBacklog(path):
    """The listen backlog of the socket at path, as `ss -xl` reports it (Send-Q
    of a listening socket), or None where ss is missing."""
    try:
        out = subprocess.run(["ss", "-xlH"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        fields = line.split()
        if path in fields:
            try:
                return int(fields[3])
            except (IndexError, ValueError):
                return None
    return None


class Target:
    def __init__(self, key, label, path, process, layout="qt5.10"):
        self.key, self.label, self.path, self.process = key, label, path, process
        self.expectArgs = [a for r in expectedReplies(layout) for a in ("--expect", r.hex())]


def runGenerator(loadgen, genCpu, target, concurrency, count, spin):
    argv = [loadgen, "--path", target.path, "--concurrency", str(concurrency),
            "--count", str(count), "--timeout-ms", "10000"] + target.expectArgs
    if spin:
        argv.append("--spin")
    server0 = cpuSeconds(target.process.pid)
    busy0 = _procBusy()
    done = subprocess.run(pinned(genCpu, argv), capture_output=True, text=True, timeout=600)
    busy1 = _procBusy()
    server1 = cpuSeconds(target.process.pid) if target.process.poll() is None else server0
    try:
        result = json.loads(done.stdout)
    except ValueError:
        result = {"ok": False, "error": "generator output unreadable: {!r} {!r}".format(
            done.stdout[-300:], done.stderr[-300:]), "count": 0}
    if done.returncode != 0 and result.get("ok"):
        result["ok"] = False
        result["error"] = "generator exited with {}".format(done.returncode)
    if target.process.poll() is not None:
        result["ok"] = False
        result["error"] = (result.get("error") or "") + "; server died ({}): {}".format(
            target.process.returncode, readStderr(target.process))
    elapsed = result.get("elapsed_s") or 0.0
    if result.get("ok") and elapsed > 0:
        genCpuS = result["cpu_user_s"] + result["cpu_sys_s"]
        serverCpuS = server1 - server0
        result["server_busy"] = serverCpuS / elapsed
        result["server_cpu_us_per_fortune"] = serverCpuS / result["count"] * 1e6
        result["gen_cpu_us_per_fortune"] = genCpuS / result["count"] * 1e6
        # Busy = not waiting in epoll_wait (asleep or polling).
        result["gen_busy"] = max(0.0, 1.0 - result["wait_s"] / elapsed)
        # CPU time used on the machine by anything else while this ran: other
        # people's processes disturb the figures; reported, not hidden.
        # (Only over runs long enough for /proc/stat's 10 ms ticks.)
        if elapsed >= 0.25:
            result["other_cpu"] = max(0.0, (busy1 - busy0) - genCpuS - serverCpuS) / elapsed
    result["target"] = target.key
    return result


def summarize(runs):
    good = [r for r in runs if r.get("ok")]
    errors = [r.get("error") or "failed" for r in runs if not r.get("ok")]
    bad = sum(r.get("bad_replies", 0) for r in runs)
    summary = {
        "runs": len(runs), "errors": errors, "bad_replies": bad,
        "fortunes": sum(r.get("count", 0) for r in runs),
    }
    if good and not errors:
        for key in ("rate", "p50_us", "p99_us", "server_busy", "gen_busy",
                    "server_cpu_us_per_fortune", "gen_cpu_us_per_fortune", "other_cpu"):
            values = [r[key] for r in good if key in r]
            if values:
                summary[key] = median(values)
        summary["rate_min"] = min(r["rate"] for r in good)
        summary["rate_max"] = max(r["rate"] for r in good)
        summary["eagain"] = sum(r.get("eagain", 0) for r in good)
        summary["seen"] = [sum(col) for col in zip(*[r["seen"] for r in good])]
    return summary


def startTargets(processes, tmp, serverCpu, refserver, replies):
    """The servers, each pinned to serverCpu under a directory of its own;
    returns ([Target], [notes on servers missing])."""
    targets, notes = [], []

    def start(key, label, argv, name, layout="qt5.10"):
        directory = os.path.join(tmp, key.replace("/", "_"))
        os.mkdir(directory)
        process = startServer(processes, pinned(serverCpu, argv), qtEnv(directory))
        targets.append(Target(key, label, os.path.join(directory, name), process, layout))

    if os.access(CXX_SERVER, os.X_OK):
        start("cxx", "C++ localfortuneserver", [CXX_SERVER], "fortune")
    else:
        notes.append("C++ server missing: apt-get install qtbase5-examples")
    name = uniqueName("fortune")
    start("python", "fortune_server.py", [sys.executable, os.path.join(REPO, "fortune_server.py"),
                                          "-platform", "offscreen", "--name", name,
                                          "--wire", "qt5.10"], name)
    start("blog", "blog_server.py (the blog's, line for line)",
          [sys.executable, os.path.join(BENCH, "blog_server.py"), name],
          name, layout="qt4")
    for label, command in extraServers():
        name = uniqueName("extra") if "{name}" in command else "fortune"
        start("extra:" + label, label,
              [w.format(python=sys.executable, name=name) for w in shlex.split(command)], name)
    refPath = os.path.join(tmp, uniqueName("ref"))
    ref = processes.start(pinned(serverCpu, [refserver, "--path", refPath, "--backlog",
                                             str(QT5_LISTEN_BACKLOG)]
                                 + [a for r in replies for a in ("--reply", r.hex())]),
                          stdout=subprocess.DEVNULL)
    targets.append(Target("ceiling", "generator ceiling (refserver.c)", refPath, ref))
    return targets, notes


def measureLevel(loadgen, genCpu, targets, concurrency, count, reps, warmup, spin, result,
                 retryDeadline):
    """Every target at one level: a checked warm-up, then reps runs each, in
    rotating order; a run disturbed by other processes is run again."""
    runs = {t.key: [] for t in targets}
    for target in targets:  # warm-up, not recorded (still checked)
        warm = runGenerator(loadgen, genCpu, target, concurrency, warmup, spin)
        if not warm.get("ok"):
            runs[target.key].append(warm)
    for rep in range(reps):
        # Rotate the order so that no server always runs first.
        order = targets[rep % len(targets):] + targets[:rep % len(targets)]
        for target in order:
            for attempt in range(1 + MAX_RETRIES):
                run = runGenerator(loadgen, genCpu, target, concurrency, count, spin)
                disturbed = run.get("other_cpu", 0.0) > DISTURBED
                if (not run.get("ok") or not disturbed or attempt == MAX_RETRIES
                        or time.monotonic() > retryDeadline):
                    break
                result["discarded_disturbed"] += 1
                time.sleep(0.5)
            run["disturbed"] = disturbed
            result["kept_disturbed"] += int(disturbed)
            runs[target.key].append(run)
    level = {key: summarize(value) for key, value in runs.items()}
    level["concurrency"] = concurrency
    level["raw"] = runs
    for key in runs:
        if key.startswith("extra:") and "rate" in level[key] and "rate" in level.get("cxx", {}):
            level[key]["ratio_to_cxx"] = level[key]["rate"] / level["cxx"]["rate"]
    for ratio, (top, bottom) in RATIOS.items():
        if "rate" in level.get(top, {}) and "rate" in level.get(bottom, {}):
            level[ratio] = level[top]["rate"] / level[bottom]["rate"]
    fastest = max(level.get(key, {}).get("rate", 0) for key in SERVERS)
    if "rate" in level.get("ceiling", {}) and fastest:
        level["ceiling_headroom"] = level["ceiling"]["rate"] / fastest
    others = [r["other_cpu"] for rs in runs.values() for r in rs if "other_cpu" in r]
    result["max_other_cpu"] = max([result.get("max_other_cpu", 0.0)] + others)
    return level


def run(outDir, smoke=False, reps=None, count=None):
    count = count or (300 if smoke else 20000)
    reps = reps or (1 if smoke else 5)
    warmup = 50 if smoke else 2000
    genCpu, serverCpu = cpuPlan()
    loadgen = buildTool("loadgen", outDir)
    refserver = buildTool("refserver", outDir)
    result = {
        "count_per_run": count, "reps": reps, "levels": list(LEVELS), "modes": list(MODES),
        "primary_mode": MODES[0], "cpus": {"generator": genCpu, "server": serverCpu},
        "layout": "qt5.10", "levels_result": {}, "backlog": {},
        "discarded_disturbed": 0, "kept_disturbed": 0, "disturbed_threshold": DISTURBED,
    }
    retryDeadline = time.monotonic() + RETRY_BUDGET_S
    with privateTempDir("qb-server") as tmp, Processes() as processes:
        targets, result["notes"] = startTargets(processes, tmp, serverCpu, refserver,
                                                expectedReplies("qt5.10"))
        for target in targets:
            waitUntilServing(target.path, target.process)
            result["backlog"][target.key] = listenBacklog(target.path)
        for mode in MODES:
            levels = result["levels_result"].setdefault(mode, {})
            for concurrency in LEVELS:
                log("  server: {} generator, {} connection(s)".format(mode, concurrency))
                levels[str(concurrency)] = measureLevel(
                    loadgen, genCpu, targets, concurrency, count, reps, warmup, mode == "spin",
                    result, retryDeadline)
        for target in targets:
            code = stop(target.process)
            if target.key == "python":
                result["python_exit_on_sigterm"] = code
                result["python_socket_removed"] = not os.path.exists(target.path)
    return result
