"""Benchmark 4: start-up. From launch to a listening server (offscreen
platform, probing the socket with connect()), and from launch to a shown
window (xcb platform on a private Xvfb, waiting for the window's MapNotify),
for the four Python scripts and the two C++ examples. startwait.c launches,
times and stops each program; launches are interleaved and the median is
kept. "python3 -c pass" and "import PyQt5.QtWidgets" rows give the floor that
any PyQt program pays before its own code runs."""

import contextlib
import json
import os
import shutil
import subprocess
import sys

from common import (CXX_CLIENT, CXX_SERVER, REPO, buildTool, cpuPlan, log, median, pinned,
                    privateTempDir, qtEnv, uniqueName)


def programs(tmp):
    """([(key, label, argv, listening socket path or None)], [labels missing])."""
    py = sys.executable
    name = uniqueName("start")
    listed = [
        ("python_server", "fortune_server.py",
         [py, os.path.join(REPO, "fortune_server.py"), "--name", name],
         os.path.join(tmp, name)),
        ("cxx_server", "C++ localfortuneserver", [CXX_SERVER], os.path.join(tmp, "fortune")),
        ("python_client", "fortune_client.py",
         [py, os.path.join(REPO, "fortune_client.py"), "--name", name], None),
        ("cxx_client", "C++ localfortuneclient", [CXX_CLIENT], None),
        ("process_a", "process_a.py",
         [py, os.path.join(REPO, "process_a.py"), "--key", name], None),
        ("process_b", "process_b.py",
         [py, os.path.join(REPO, "process_b.py"), "--key", name], None),
    ]
    present, missing = [], []
    for entry in listed:
        argv = entry[2]
        program = argv[1] if argv[0] == py else argv[0]
        if os.path.exists(program):
            present.append(entry)
        else:
            missing.append(entry[1])
    return present, missing


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


def launch(startwait, cpu, argv, env, listen=None, mapWindow=False, exitOnly=False):
    # The C++ server cannot clean up when it is terminated, and refuses to
    # start (with a modal box) over the socket file it left.
    if listen and os.path.exists(listen):
        os.unlink(listen)
    command = [startwait, "--cpu", str(cpu), "--timeout-ms", "15000"]
    if exitOnly:
        command.append("--exit")
    if listen:
        command += ["--listen", listen]
    if mapWindow:
        command.append("--map")
    done = subprocess.run(command + ["--"] + argv, env=env, capture_output=True, text=True,
                          timeout=120)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"ok": False, "error": "startwait: {}".format(done.stderr[-500:])}


def run(outDir, smoke=False):
    reps = 1 if smoke else 9
    watchCpu, programCpu = cpuPlan()
    haveX = os.path.exists("/usr/include/X11/Xlib.h")
    startwait = buildTool("startwait", outDir, ("-DHAVE_X11", "-lX11") if haveX else ())
    result = {"reps": reps, "cpu": programCpu, "listen": {}, "window": {}, "labels": {},
              "errors": [], "notes": [], "reference": {}}
    with privateTempDir("qb-start") as tmp:
        listed, missing = programs(tmp)
        for label in missing:
            result["notes"].append("{} missing".format(label))
        result["labels"] = {key: label for key, label, _, _ in listed}

        # The floor of any PyQt program, run the same way.
        reference = {"python3 -c pass": [sys.executable, "-c", "pass"],
                     "python3 -c 'import PyQt5.QtWidgets'": [sys.executable, "-c",
                                                             "import PyQt5.QtWidgets"]}
        for label, argv in reference.items():
            runs = [launch(startwait, programCpu, argv, qtEnv(tmp), exitOnly=True)
                    for _ in range(reps + 1)]
            times = [r["exit_ms"] for r in runs[1:] if r.get("ok")]
            result["reference"][label] = median(times) if times else None

        # To listening, offscreen.
        servers = [p for p in listed if p[3]]
        env = qtEnv(tmp)
        samples = {key: [] for key, _, _, _ in servers}
        log("  start-up: to listening ({} launches each)".format(reps))
        for rep in range(reps + 1):  # the first round warms the page cache
            order = servers[rep % len(servers):] + servers[:rep % len(servers)] if servers else []
            for key, label, argv, path in order:
                r = launch(startwait, programCpu, argv + ["-platform", "offscreen"], env, listen=path)
                if not r.get("ok"):
                    result["errors"].append("{} (listen): {}".format(label, r.get("error")))
                    continue
                if rep:
                    samples[key].append(r)
        for key, runs in samples.items():
            if runs:
                result["listen"][key] = {
                    "ms": median([r["listen_ms"] for r in runs]),
                    "min_ms": min(r["listen_ms"] for r in runs),
                    "max_ms": max(r["listen_ms"] for r in runs),
                    "sigterms_needed_max": max(r.get("sigterms", 1) for r in runs),
                    "exit_codes": sorted(set(r["exit"] for r in runs)),
                }

        # To a shown window, on a private Xvfb.
        if not haveX:
            result["notes"].append("no Xlib headers (apt-get install libx11-dev): window times skipped")
            return result
        with xvfb(watchCpu) as display:
            if display is None:
                result["notes"].append("no Xvfb (apt-get install xvfb): window times skipped")
                return result
            env = qtEnv(tmp, platform="xcb", extra={"DISPLAY": display})
            env.pop("WAYLAND_DISPLAY", None)
            samples = {key: [] for key, _, _, _ in listed}
            log("  start-up: to a shown window on Xvfb {} ({} launches each)".format(display, reps))
            for rep in range(reps + 1):
                order = listed[rep % len(listed):] + listed[:rep % len(listed)]
                for key, label, argv, path in order:
                    if path and os.path.exists(path):
                        os.unlink(path)  # left by the C++ server, as above
                    r = launch(startwait, programCpu, argv, env, mapWindow=True)
                    if not r.get("ok"):
                        result["errors"].append("{} (window): {}".format(label, r.get("error")))
                        continue
                    if rep:
                        samples[key].append(r)
            for key, runs in samples.items():
                if runs:
                    result["window"][key] = {
                        "ms": median([r["map_ms"] for r in runs]),
                        "min_ms": min(r["map_ms"] for r in runs),
                        "max_ms": max(r["map_ms"] for r in runs),
                        "sigterms_needed_max": max(r.get("sigterms", 1) for r in runs),
                    }
    py, cxx = result["listen"].get("python_server"), result["listen"].get("cxx_server")
    if py and cxx:
        result["listen_ratio"] = py["ms"] / cxx["ms"]
    return result
