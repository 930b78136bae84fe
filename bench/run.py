"""Runs the benchmarks of docs/benchmarks.md: the PyQt5 programs against
their floors and Qt's C++ examples, each ratio taken within one run. Prints
the tables and the targets (met or missed) and writes results.json,
RESULTS.md and bench.png to bench/results/ (or --out).

    python -m bench.run                # everything, from the checkout's root
    python -m bench.run --smoke        # tiny counts: checks the benchmarks work
    python -m bench.run --only server,startup --publish

--publish copies RESULTS.md and bench.png to bench/ and writes the targets
into docs/benchmarks.md. Needs gcc (the C helpers are built at run time),
g++, pkg-config and Qt 5's headers (the blog's C++ shared-memory pair,
built at run time), taskset, ss, Debian's qtbase5-examples, Xvfb and Xlib's
headers for the window times, and matplotlib for the plot
(pip install '.[bench]').

Exit status: 0 when every benchmark ran and every reply and round trip was
checked and correct; 1 when any gave an error; 2 for bad arguments. A missed
target is reported, not an error: benchmarks are not tests.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time

from bench import bench_client, bench_server, bench_shm, bench_startup, report
from bench.common import BENCH, cpuPlan, log
from testbed.programs import REPO

BENCHMARKS = {"server": bench_server.run, "client": bench_client.run, "shm": bench_shm.run,
              "startup": bench_startup.run}
DOC = os.path.join(REPO, "docs", "benchmarks.md")
FIGURES = re.compile(r"(<!-- figures: python -m bench\.run --publish -->\n).*?(<!-- end of figures -->)",
                     re.S)


def machine():
    def output(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    cpu = dict(line.split(":", 1) for line in output("lscpu").splitlines() if ":" in line)
    from PyQt5.QtCore import PYQT_VERSION_STR, QT_VERSION_STR
    return {
        "date": datetime.date.today().isoformat(),
        "machine": "{} CPUs, {}{}".format(
            os.cpu_count(), cpu.get("Model name", platform.processor()).strip(),
            ", VM ({})".format(cpu["Hypervisor vendor"].strip()) if "Hypervisor vendor" in cpu
            else ""),
        "kernel": platform.release(), "python": platform.python_version(),
        "python_executable": sys.executable, "pyqt": PYQT_VERSION_STR, "qt_python": QT_VERSION_STR,
        "qtbase5_examples": output("dpkg-query", "-W", "-f=${Version}", "qtbase5-examples") or "?",
        "command": "python -m bench.run " + " ".join(sys.argv[1:]),
        "git": output("git", "-C", REPO, "rev-parse", "--short", "HEAD") or "?",
    }


def problems(results):
    """Every error a benchmark reported: no number was taken from those."""
    found = ["{}: {}".format(name, error) for name, error in results["crashed"].items()]
    for name in ("client", "shm", "startup"):
        found += ["{}: {}".format(name, e) for e in (results.get(name) or {}).get("errors", [])]
    for mode, levels in (results.get("server") or {}).get("levels_result", {}).items():
        for key, level in levels.items():
            found += ["server {} {} conn. {}: {}".format(mode, key, name, error)
                      for name in ("python", "floor", "cxx", "ceiling")
                      for error in level.get(name, {}).get("errors", [])]
    return found


def publish(results, out):
    shutil.copy(os.path.join(out, "RESULTS.md"), os.path.join(BENCH, "RESULTS.md"))
    if os.path.exists(os.path.join(out, "bench.png")):
        shutil.copy(os.path.join(out, "bench.png"), os.path.join(BENCH, "bench.png"))
    with open(DOC, encoding="utf-8") as f:
        page = f.read()
    figures = "{}.\n\n{}\n".format(report.machine(results["meta"]), report.markdownTable(
        *report.sections(results)[0][1:]))
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(FIGURES.sub(lambda match: match.group(1) + figures + match.group(2), page))
    print("published to bench/RESULTS.md, bench/bench.png and docs/benchmarks.md")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny counts, one run each: checks that the benchmarks work")
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help="comma-separated subset of: " + ", ".join(BENCHMARKS))
    parser.add_argument("--out", default=os.path.join(BENCH, "results"),
                        help="where results.json, RESULTS.md and bench.png go")
    parser.add_argument("--publish", action="store_true",
                        help="also copy RESULTS.md and bench.png to bench/, the targets to "
                             "docs/benchmarks.md")
    parser.add_argument("--no-plot", action="store_true", help="no bench.png")
    options = parser.parse_args(argv)
    chosen = [name.strip() for name in options.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error("unknown benchmark(s): " + ", ".join(unknown))
    if options.publish and options.smoke:
        parser.error("--publish takes figures, not a smoke run")
    os.makedirs(options.out, exist_ok=True)
    try:  # this process only waits: off the CPU the programs run on
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
    results["problems"] = problems(results)
    results["targets"] = report.targets(results)

    with open(os.path.join(options.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    with open(os.path.join(options.out, "RESULTS.md"), "w") as f:
        f.write(report.markdown(results))
    why = None if options.no_plot else report.plot(results, os.path.join(options.out, "bench.png"))
    if why:
        log(why)
    print(report.text(results))
    print("\n{} s in all; written to {}".format(results["seconds"]["total"], options.out))
    if options.publish:
        publish(results, options.out)
    return 1 if results["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
