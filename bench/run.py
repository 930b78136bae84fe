#!/usr/bin/env python3
"""Runs every benchmark of the PyQt5 ports against Qt's C++ examples, prints a
table, and writes results.json, RESULTS.md and bench.png to bench/results/
(or --out). --publish copies the last two to bench/ for the README.

    python3 bench/run.py              # everything, a few minutes
    python3 bench/run.py --smoke      # tiny counts: checks the benchmarks work
    python3 bench/run.py --only server,startup --publish

Needs gcc (the load generator and helpers are C, built at run time), taskset
(util-linux), Debian's qtbase5-examples for the C++ programs, Xvfb for the
shown-window times, and matplotlib for the plot (pip install '.[bench]').

Exit status: 0 when every benchmark ran and every reply and round trip was
checked and correct; 1 when any gave an error (wrong or missing reply, a
program that failed); 2 for bad arguments. Targets missed are reported, not
an error: benchmarks are not tests.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import bench_client
import bench_server
import bench_shm
import bench_startup
import report
from common import BENCH, REPO, cpuPlan, log

BENCHMARKS = {
    "server": bench_server.run,
    "client": bench_client.run,
    "shm": bench_shm.run,
    "startup": bench_startup.run,
}


def machine():
    def first(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    model, virt = "", ""
    for line in first(["lscpu"]).splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Model name" and not model:
            model = value.strip()
        if key.strip() == "Hypervisor vendor":
            virt = "VM, " + value.strip()
    try:
        from PyQt5.QtCore import PYQT_VERSION_STR, QT_VERSION_STR
    except ImportError:
        PYQT_VERSION_STR = QT_VERSION_STR = "?"
    examples = first(["dpkg-query", "-W", "-f=${Version}", "qtbase5-examples"])
    qtCxx = first(["dpkg-query", "-W", "-f=${Version}", "libqt5core5a"])
    return {
        "date": datetime.date.today().isoformat(),
        "nproc": os.cpu_count(),
        "cpu_model": model or platform.processor() or "?",
        "virtualization": virt,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "pyqt": PYQT_VERSION_STR,
        "qt_python": QT_VERSION_STR,
        "qtbase5_examples": examples,
        "qt_cxx": qtCxx.split("+")[0] if qtCxx else "",
        "command": "sh quickstart.sh bench " + " ".join(sys.argv[1:]),
        "git": first(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]),
    }


def collectProblems(results):
    problems = []
    server = results.get("server")
    if server:
        for mode, levels in server["levels_result"].items():
            for key, level in levels.items():
                for name in level:
                    if name not in ("python", "cxx", "blog", "ceiling") \
                            and not name.startswith("extra:"):
                        continue
                    for error in level[name].get("errors", []):
                        problems.append("server {} {} conn. {}: {}".format(mode, key, name, error))
    for name in ("client", "shm", "startup"):
        for error in (results.get(name) or {}).get("errors", []):
            problems.append("{}: {}".format(name, error))
    for name, error in results.get("crashed", {}).items():
        problems.append("{}: {}".format(name, error))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny counts, one run each: checks that the benchmarks work")
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help="comma-separated subset of: " + ", ".join(BENCHMARKS))
    parser.add_argument("--out", default=os.path.join(BENCH, "results"),
                        help="directory for results.json, RESULTS.md, bench.png (default bench/results)")
    parser.add_argument("--publish", action="store_true",
                        help="also copy RESULTS.md and bench.png to bench/ for the README")
    parser.add_argument("--no-plot", action="store_true", help="skip the PNG")
    options = parser.parse_args(argv)
    chosen = [name.strip() for name in options.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error("unknown benchmark(s): " + ", ".join(unknown))
    if options.publish and options.smoke:
        parser.error("--publish takes figures, not a smoke run")
    os.makedirs(options.out, exist_ok=True)
    # This process only waits; keep it off the CPU the servers run on.
    try:
        os.sched_setaffinity(0, {cpuPlan()[0]})
    except OSError:
        pass

    results = {"meta": machine(), "smoke": options.smoke, "crashed": {}, "seconds": {}}
    started = time.monotonic()
    for name in chosen:
        log("{} ...".format(name))
        t0 = time.monotonic()
        try:
            results[name] = BENCHMARKS[name](options.out, smoke=options.smoke)
        except Exception as error:  # one broken benchmark must not hide the others
            results["crashed"][name] = "{}: {}".format(type(error).__name__, error)
            log("  {} failed: {}".format(name, results["crashed"][name]))
        results["seconds"][name] = round(time.monotonic() - t0, 1)
    results["seconds"]["total"] = round(time.monotonic() - started, 1)
    results["problems"] = collectProblems(results)
    results["targets"] = [{"target": t, "measured": m, "met": met}
                          for t, m, met in report.targets(results)]

    with open(os.path.join(options.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    with open(os.path.join(options.out, "RESULTS.md"), "w") as f:
        f.write(report.markdown(results))
    plotPath = os.path.join(options.out, "bench.png")
    why = None if options.no_plot else report.plot(results, plotPath)
    if why:
        log(why)

    print(report.text(results))
    print("\n{} s in all ({}); written to {}".format(
        results["seconds"]["total"],
        ", ".join("{} {} s".format(k, v) for k, v in results["seconds"].items() if k != "total"),
        options.out))
    if options.publish:
        shutil.copy(os.path.join(options.out, "RESULTS.md"), os.path.join(BENCH, "RESULTS.md"))
        if os.path.exists(plotPath):
            shutil.copy(plotPath, os.path.join(BENCH, "bench.png"))
        print("published to bench/RESULTS.md and bench/bench.png")
    return 1 if results["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
