"""Benchmark 4: start-up. From launch to a listening server (offscreen
platform, probing the socket with connect()), and from launch to a shown
window (xcb platform on a private Xvfb, waiting for the window's MapNotify),
for the four Python scripts and the two C++ examples. startwait.c launches,
times and stops each program; launches are interleaved and the median is
kept.

The floor is measured in the same rotation: listen_floor.py, PyQt's least
for the server's shape (QApplication, a QDialog, QLocalServer.listen and
nothing else imported), and blog_server.py, the blog's Server line for line.
"python3 -c pass" and "import PyQt5.QtWidgets" rows show what any PyQt
program pays before its own code runs."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
from statistics import median

from common import (BENCH, CXX_CLIENT, CXX_SERVER, REPO, buildTool, cpuPlan, log, pinned,
                    privateTempDir, qtEnv, uniqueName)


def programs(tmp):
    """[(key, label, argv, listening socket path or None, shows a window)]
    for the programs present, and the labels of those missing."""
    py = sys.executable
    name = uniqueName("start")
    path = os.path.join(tmp, name)
    listed = [
        ("python_server", "fortune_server.py",
         [py, os.path.join(REPO, "fortune_server.py"), "--name", name], path, True),
        ("listen_floor", "listen_floor.py (QApplication + QDialog + listen)",
         [py, os.path.join(BENCH, "listen_floor.py"), name], path, False),
        ("blog_server", "blog_server.py (the blog's, line for line)",
         [py, os.path.join(BENCH, "blog_server.py"), name], path, False),
        ("cxx_server", "C++ localfortuneserver", [CXX_SERVER], os.path.join(tmp, "fortune"), True),
        ("python_client", "fortune_client.py",
         [py, os.path.join(REPO, "fortune_client.py"), "--name", name], None, True),
        ("cxx_client", "C++ localfortuneclient", [CXX_CLIENT], None, True),
        ("process_a", "process_a.py",
         [py, os.path.join(REPO, "process_a.py"), "--key", name], None, True),
        ("process_b", "process_b.py",
         [py, os.path.join(REPO, "process_b.py"), "--key", name], None, True),
    ]
    present = [entry for entry in listed
               if os.path.exists(entry[2][1] if entry[2][0] == py else entry[2][0])]
    return present, [entry[1] for entry in listed if entry not in present]


@contextlib.contextmanager
def xvfb(cpu):
    """A private X server; yields its DISPLAY, or None where Xvfb is missing."""
    binary = shutil.which("Xvfb")
    if not binary:
        yield None
        return
    readFd, writeFd = os.pipe()
    process = subprocess.Popen(pinned(cpu, [binary, "-displayfd", str(writeFd), "-screen", "0",
                                            "1280x1024x24", "-nolisten", "tcp", "-noreset"]),
                               pass_fds=(writeFd,), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    os.close(writeFd)
    try:
        number = b""
        with os.fdopen(readFd, "rb") as pipe:
            while not number.endswith(b"\n"):
                chunk = pipe.read(1)
                if not chunk:
                    break
                number += chunk
        yield ":" + number.decode().strip() if number.strip() else None
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def launch(startwait, cpu, argv, env, path, what):
    """One launch timed by startwait.c until `what`: "listen_ms" (a connect()
    to path succeeds), "map_ms" (a window is shown) or "exit_ms"."""
    # The C++ server cannot clean up when it is terminated, and refuses to
    # start (with a modal box) over the socket file it left.
    if path and os.path.exists(path):
        os.unlink(path)
    until = {"listen_ms": ["--listen", path], "map_ms": ["--map"], "exit_ms": ["--exit"]}[what]
    done = subprocess.run([startwait, "--cpu", str(cpu), "--timeout-ms", "15000"] + until
                          + ["--"] + argv, env=env, capture_output=True, text=True, timeout=120)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"ok": False, "error": "startwait: {}".format(done.stderr[-500:])}


def sample(startwait, cpu, reps, entries, env, what, errors):
    """Launches each (key, label, argv, path) reps times, interleaved, after
    one warm-up round (the page cache); returns {key: {"ms": median, "min_ms",
    "max_ms", "exit_codes"}} of the time `what` (see launch)."""
    samples = {entry[0]: [] for entry in entries}
    for rep in range(reps + 1):
        order = entries[rep % len(entries):] + entries[:rep % len(entries)]
        for key, label, argv, path in order:
            r = launch(startwait, cpu, argv, env, path, what)
            if not r.get("ok"):
                errors.append("{} ({}): {}".format(label, what, r.get("error")))
            elif rep:
                samples[key].append(r)
    return {key: {"ms": median(r[what] for r in runs), "min_ms": min(r[what] for r in runs),
                  "max_ms": max(r[what] for r in runs),
                  "exit_codes": sorted(set(r.get("exit") for r in runs))}
            for key, runs in samples.items() if runs}


def run(outDir, smoke=False):
    reps = 1 if smoke else 9
    watchCpu, programCpu = cpuPlan()
    haveX = os.path.exists("/usr/include/X11/Xlib.h")
    startwait = buildTool("startwait", outDir, ("-DHAVE_X11", "-lX11") if haveX else ())
    result = {"reps": reps, "cpu": programCpu, "listen": {}, "window": {}, "labels": {},
              "errors": [], "notes": [], "reference": {}}
    with privateTempDir("qb-start") as tmp:
        listed, missing = programs(tmp)
        result["notes"] += ["{} missing".format(label) for label in missing]
        result["labels"] = {entry[0]: entry[1] for entry in listed}

        # What any Python, and any PyQt, program pays before its own code runs.
        reference = [("python3 -c pass", "python3 -c pass", [sys.executable, "-c", "pass"], None),
                     ("python3 -c 'import PyQt5.QtWidgets'", "import PyQt5.QtWidgets",
                      [sys.executable, "-c", "import PyQt5.QtWidgets"], None)]
        times = sample(startwait, programCpu, reps, reference, qtEnv(tmp), "exit_ms",
                       result["errors"])
        result["reference"] = {key: times.get(key, {}).get("ms") for key, *_ in reference}

        servers = [entry[:4] for entry in listed if entry[3]]
        log("  start-up: to listening ({} launches each)".format(reps))
        result["listen"] = sample(startwait, programCpu, reps,
                                  [(k, l, argv + ["-platform", "offscreen"], p)
                                   for k, l, argv, p in servers],
                                  qtEnv(tmp), "listen_ms", result["errors"])

        if not haveX:
            result["notes"].append("no Xlib headers (apt-get install libx11-dev): window times skipped")
        else:
            with xvfb(watchCpu) as display:
                if display is None:
                    result["notes"].append("no Xvfb (apt-get install xvfb): window times skipped")
                else:
                    log("  start-up: to a shown window on Xvfb {} ({} launches each)".format(
                        display, reps))
                    env = qtEnv(tmp, platform="xcb", extra={"DISPLAY": display})
                    env.pop("WAYLAND_DISPLAY", None)
                    result["window"] = sample(startwait, programCpu, reps,
                                              [entry[:4] for entry in listed if entry[4]],
                                              env, "map_ms", result["errors"])
    listen = {key: value["ms"] for key, value in result["listen"].items()}
    for ratio, (top, bottom) in {"listen_ratio": ("python_server", "cxx_server"),
                                 "floor_ratio": ("python_server", "listen_floor"),
                                 "blog_floor_ratio": ("blog_server", "listen_floor")}.items():
        if top in listen and bottom in listen:
            result[ratio] = listen[top] / listen[bottom]
    return result
