"""Start-up: from launch to a listening server (offscreen, probing the
socket with connect()), and from launch to a shown window (on a private
Xvfb, waiting for the window's MapNotify), for the four programs and the
C++ examples. startwait.c launches, times and stops each program; launches
are interleaved in rotating order and the median is kept.

The floor runs in the same rotation: listen_floor.py, the least a PyQt5
program of the server's shape does before it listens (QApplication, a
QDialog, QLocalServer.listen, nothing else imported); and server_floor.py,
the server benchmark's floor. "python3 -c pass" and "import
PyQt5.QtWidgets" show what any PyQt program pays before its own code runs."""

import os
import sys
from statistics import median

from bench.common import (BENCH, CXX_CLIENT, CXX_SERVER, buildTool, childModule, cpuPlan, log,
                          pinned, privateTempDir, qtEnv, runJson)
from testbed.processes import Processes, startXvfb, uniqueName
from testbed.programs import PROGRAMS, REPO, script

REFERENCES = {"python3 -c pass": [sys.executable, "-c", "pass"],
              "import PyQt5.QtWidgets": [sys.executable, "-c", "import PyQt5.QtWidgets"]}


def programs(tmp):
    """[(key, label, argv, socket path it listens on or None, shows a window)]"""
    name = uniqueName("start")
    path = os.path.join(tmp, name)
    listed = [(program.module, program.module + ".py",
               [sys.executable, script(program.module + ".py"), program.nameOption, name],
               path if program.module == "fortune_server" else None, True)
              for program in PROGRAMS]
    listed += [
        ("listen_floor", "listen_floor.py (QApplication + QDialog + listen)",
         [sys.executable, os.path.join(BENCH, "listen_floor.py"), name], path, False),
        ("server_floor", "server_floor.py", childModule("server_floor") + [name], path, False),
        ("localfortuneserver", "C++ localfortuneserver", [CXX_SERVER],
         os.path.join(tmp, "fortune"), True),
        ("localfortuneclient", "C++ localfortuneclient", [CXX_CLIENT], None, True),
    ]
    present = [entry for entry in listed if os.access(entry[2][0], os.X_OK)]
    return present, ["{} missing".format(entry[1]) for entry in listed if entry not in present]


def sample(startwait, cpu, reps, entries, env, what, errors):
    """Launches each (key, label, argv, path) reps times, interleaved, after
    a warm-up round; returns {key: {"ms" (median), "min_ms", "max_ms",
    "exit_codes"}} of the time to `what`: "listen_ms" (a connect() to path
    succeeds), "map_ms" (a window is shown) or "exit_ms"."""
    samples = {entry[0]: [] for entry in entries}
    for rep in range(reps + 1):
        for key, label, argv, path in entries[rep % len(entries):] + entries[:rep % len(entries)]:
            # The C++ server cannot clean up when terminated, and refuses to
            # start (with a modal box) over the socket file it left.
            if path and os.path.exists(path):
                os.unlink(path)
            until = {"listen_ms": ["--listen", path], "map_ms": ["--map"],
                     "exit_ms": ["--exit"]}[what]
            run = runJson([startwait, "--cpu", str(cpu), "--timeout-ms", "15000"] + until
                          + ["--"] + argv, timeout=120, env=env, cwd=REPO)
            if not run.get("ok"):
                errors.append("{} ({}): {}".format(label, what, run.get("error")))
            elif rep:
                samples[key].append(run)
    return {key: {"ms": median(r[what] for r in runs), "min_ms": min(r[what] for r in runs),
                  "max_ms": max(r[what] for r in runs),
                  "exit_codes": sorted({r.get("exit") for r in runs})}
            for key, runs in samples.items() if runs}


def run(outDir, smoke=False):
    reps = 1 if smoke else 9
    watchCpu, programCpu = cpuPlan()
    haveX = os.path.exists("/usr/include/X11/Xlib.h")
    startwait = buildTool("startwait", outDir, ("-DHAVE_X11", "-lX11") if haveX else ())
    result = {"reps": reps, "errors": [], "notes": [], "window": {}}
    with privateTempDir("qb-start") as tmp, Processes() as processes:
        listed, result["notes"] = programs(tmp)
        result["labels"] = {entry[0]: entry[1] for entry in listed}
        env = qtEnv(tmp)
        env.pop("WAYLAND_DISPLAY", None)
        # As users run them: imported modules compiled once and cached (an
        # installed package is compiled when it is installed), here outside
        # the checkout; each launched script itself is compiled every time.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        times = sample(startwait, programCpu, reps, [(key, key, argv, None) for key, argv in
                                                     REFERENCES.items()],
                       env, "exit_ms", result["errors"])
        result["reference"] = {key: times.get(key, {}).get("ms") for key in REFERENCES}
        log("  start-up: to listening ({} launches each)".format(reps))
        result["listen"] = sample(startwait, programCpu, reps,
                                  [entry[:4] for entry in listed if entry[3]], env, "listen_ms",
                                  result["errors"])
        try:
            if not haveX:
                raise FileNotFoundError("no Xlib headers (apt-get install libx11-dev)")
            display = startXvfb(processes, (1280, 1024), pinned(watchCpu, []))
        except FileNotFoundError as missing:
            result["notes"].append("{}: window times skipped".format(missing))
        else:
            log("  start-up: to a shown window on Xvfb ({} launches each)".format(reps))
            result["window"] = sample(startwait, programCpu, reps,
                                      [entry[:4] for entry in listed if entry[4]],
                                      dict(env, **display), "map_ms", result["errors"])
    listen = result["listen"]
    if "fortune_server" in listen and "listen_floor" in listen:
        result["floor_ratio"] = listen["fortune_server"]["ms"] / listen["listen_floor"]["ms"]
    return result
