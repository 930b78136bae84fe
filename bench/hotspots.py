#!/usr/bin/env python3
"""Profiles behind the benchmark figures, reproducible:

    python3 bench/hotspots.py server    # py-spy on fortune_server.py under load
    python3 bench/hotspots.py shm       # pyinstrument on one 64 MiB send + load
    python3 bench/hotspots.py startup   # pyinstrument and -X importtime, launch to listening

Each prints a summary and leaves the raw profile in bench/results/profiles/.
Needs py-spy (server) and pyinstrument (shm, startup): pip install py-spy
pyinstrument. Not part of run.py, and not run by the tests.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import time

from common import (BENCH, REPO, Processes, buildTool, cpuPlan, expectedReplies, pinned,
                    privateTempDir, qtEnv, startServer, uniqueName, waitUntilServing)

OUT = os.path.join(BENCH, "results", "profiles")


def profileServer(count, concurrency):
    pyspy = shutil.which("py-spy")
    if not pyspy:
        sys.exit("py-spy is missing: pip install py-spy")
    genCpu, serverCpu = cpuPlan()
    loadgen = buildTool("loadgen", os.path.join(BENCH, "results"))
    expectArgs = [a for r in expectedReplies("qt5.10") for a in ("--expect", r.hex())]
    raw = os.path.join(OUT, "server-pyspy.txt")
    with privateTempDir("qb-prof") as tmp, Processes() as processes:
        name = uniqueName("prof")
        server = startServer(processes, pinned(serverCpu, [
            sys.executable, os.path.join(REPO, "fortune_server.py"), "-platform", "offscreen",
            "--name", name, "--wire", "qt5.10"]), qtEnv(tmp))
        path = os.path.join(tmp, name)
        waitUntilServing(path, server)
        spy = subprocess.Popen([pyspy, "record", "--native", "--rate", "1000", "--format", "raw",
                                "--output", raw, "--pid", str(server.pid)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        done = subprocess.run(pinned(genCpu, [loadgen, "--path", path, "--concurrency",
                                              str(concurrency), "--count", str(count), "--spin"]
                                     + expectArgs), capture_output=True, text=True)
        spy.send_signal(2)
        spy.wait(timeout=60)
    print("load:", json.loads(done.stdout).get("rate"), "fortunes/s")
    total = 0
    lines = collections.Counter()
    calls = collections.Counter()
    for line in open(raw):
        stack, _, n = line.rstrip().rpartition(" ")
        n = int(n)
        total += n
        frames = stack.split(";")
        for i, frame in enumerate(frames):
            if "sendFortune" in frame:
                lines[frame] += n
                below = frames[i + 1].split(" (")[0] if i + 1 < len(frames) else "(itself)"
                calls[(frame, below)] += n
                break
    print("{} samples of the busy server; sendFortune's lines and what each calls:".format(total))
    for frame, n in sorted(lines.items(), key=lambda x: -x[1]):
        print("  {:5.1f}%  {}".format(100.0 * n / total, frame))
        for (f, below), m in calls.most_common():
            if f == frame and 100.0 * m / total >= 0.5:
                print("            {:5.1f}%  {}".format(100.0 * m / total, below))
    print("raw stacks: " + raw)


def profileShm(size):
    try:
        import pyinstrument
    except ImportError:
        sys.exit("pyinstrument is missing: pip install pyinstrument")
    with privateTempDir("qb-prof") as tmp:
        os.environ["TMPDIR"] = tmp
        sys.path.insert(0, REPO)
        from PyQt5.QtWidgets import QApplication
        app = QApplication([sys.argv[0], "-platform", "offscreen"])  # noqa: F841
        from process_a import Widget_PA
        from process_b import Widget_PB
        from shm_child import makeText
        key = uniqueName("prof")
        writer, reader = Widget_PA(key=key), Widget_PB(key=key)
        text = makeText(size)
        writer.sendStrToMemory(text)
        reader.loadStrFromMemory()
        profiler = pyinstrument.Profiler(interval=0.0005)
        profiler.start()
        writer.sendStrToMemory(text)
        back = reader.loadStrFromMemory()
        profiler.stop()
        assert back == text
        writer.close()
    report = profiler.output_text(unicode=False, color=False)
    with open(os.path.join(OUT, "shm-pyinstrument.txt"), "w") as f:
        f.write(report)
    print(report)


def profileStartup():
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        sys.exit("pyinstrument is missing: pip install pyinstrument")
    script = (
        "import time, sys\n"
        "t0 = time.perf_counter()\n"
        "import pyinstrument\n"
        "p = pyinstrument.Profiler(interval=0.0002); p.start()\n"
        "sys.path.insert(0, {repo!r})\n"
        "sys.argv = ['fortune_server.py', '-platform', 'offscreen', '--name', {name!r}]\n"
        "import fortune_server\n"
        "from PyQt5.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv)\n"
        "server = fortune_server.Server({name!r}, 'qt5.10')\n"
        "assert server.isListening()\n"
        "p.stop()\n"
        "print(p.output_text(unicode=False, color=False))\n"
        "server.server.close()\n").format(repo=REPO, name=uniqueName("prof"))
    with privateTempDir("qb-prof") as tmp:
        env = qtEnv(tmp)
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, timeout=120)
        imports = subprocess.run([sys.executable, "-X", "importtime", "-c",
                                  "import sys; sys.path.insert(0, {!r}); import fortune_server".format(REPO)],
                                 env=env, capture_output=True, text=True, timeout=120)
    rows = []
    for line in imports.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m and len(m.group(3)) <= 3:  # top-level imports only
            rows.append((int(m.group(2)), m.group(4)))
    with open(os.path.join(OUT, "startup-pyinstrument.txt"), "w") as f:
        f.write(done.stdout)
    with open(os.path.join(OUT, "startup-importtime.txt"), "w") as f:
        f.write(imports.stderr)
    print(done.stdout or done.stderr[-2000:])
    print("Slowest top-level imports (cumulative, ms):")
    for us, name in sorted(rows, reverse=True)[:12]:
        print("  {:7.1f}  {}".format(us / 1000, name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("server", "shm", "startup"))
    parser.add_argument("--count", type=int, default=150000, help="server: fortunes")
    parser.add_argument("--concurrency", type=int, default=8, help="server: connections")
    parser.add_argument("--size", type=int, default=64 << 20, help="shm: UTF-16 bytes")
    options = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    if options.what == "server":
        profileServer(options.count, options.concurrency)
    elif options.what == "shm":
        profileShm(options.size)
    else:
        profileStartup()


if __name__ == "__main__":
    main()
