#!/usr/bin/env python3
"""Makes docs/images/shared-memory-image.png: process A sharing Qt's Shared
Memory example's image.png, process B showing it, and Qt's C++ example
(Debian's qtbase5-examples) showing it too, side by side in a private Xvfb.

Usage: python3 -m tools.screenshot_images [OUTPUT]    (from the checkout's root)
Needs Xvfb, xdotool and imagemagick (import), and qtbase5-examples. Runs
under a private TMPDIR, so that the example's fixed key meets no other
program; every program is closed as a user closes it, leaving nothing."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from testbed.processes import Processes, startXvfb
from testbed.programs import REPO, cxxPath

KEY = "QSharedMemoryExample"
OUTPUT = os.path.join(REPO, "docs", "images", "shared-memory-image.png")
SCREEN = (1280, 400)
TIMEOUT = 60


def xdotool(env, *args):
    return subprocess.run(["xdotool"] + [str(a) for a in args], env=env, capture_output=True,
                          text=True, check=True, timeout=TIMEOUT).stdout


def window(env, process, title):
    return xdotool(env, "search", "--sync", "--all", "--onlyvisible", "--pid", process.pid,
                   "--name", "^{}$".format(title)).split()[0]


def click(env, windowId, x, y):
    xdotool(env, "mousemove", "--window", windowId, x, y, "click", "1")


def pixels(env, windowId):
    return subprocess.run(["import", "-window", windowId, "rgb:-"], env=env, capture_output=True,
                          check=True, timeout=TIMEOUT).stdout


def settledAfter(env, windowId, before):
    """Waits until the window differs from `before` (its pixels before a
    click) and has stopped changing."""
    previous = None
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        now = pixels(env, windowId)
        if now == previous and now != before:
            return
        previous = now
        time.sleep(0.1)
    sys.exit("window {} never changed after the click".format(windowId))


def pressKeys(env, windowId, *keys):
    """Keys through XTEST to the window, once it has the input focus (no
    window manager gives it): `xdotool key --window` releases a key whose
    press closed the window with XSendEvent, which leaves it down."""
    xdotool(env, "windowfocus", "--sync", windowId)
    xdotool(env, "key", *keys)


def size(env, windowId):
    geometry = dict(line.split("=") for line in
                    xdotool(env, "getwindowgeometry", "--shell", windowId).split())
    return int(geometry["WIDTH"]), int(geometry["HEIGHT"])


def main():
    output = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    example = cxxPath("sharedmemory")
    image = os.path.join(os.path.dirname(example), "image.png")
    for tool in ("Xvfb", "xdotool", "import"):
        if not shutil.which(tool):
            sys.exit("{} is needed (apt-get install xvfb xdotool imagemagick)".format(tool))
    if not os.access(example, os.X_OK):
        sys.exit(example + " is needed (apt-get install qtbase5-examples)")
    tmp = tempfile.mkdtemp(prefix="qtipc-shot-")
    xServer = Processes()
    env = dict(os.environ, TMPDIR=tmp, XDG_RUNTIME_DIR=tmp, **startXvfb(xServer, SCREEN))
    programs, windows = [], []
    try:
        a = subprocess.Popen([sys.executable, os.path.join(REPO, "process_a.py"), "--key", KEY,
                              "--image", image], env=env, stdout=subprocess.PIPE)
        programs.append(a)
        if not a.stdout.readline().startswith(b"written "):
            sys.exit("process A did not share the image")
        b = subprocess.Popen([sys.executable, os.path.join(REPO, "process_b.py"), "--key", KEY],
                             env=env)
        cxx = subprocess.Popen([example], env=env)
        programs += [b, cxx]
        windows = [window(env, a, "Process A"), window(env, b, "Process B"),
                   window(env, cxx, "SharedMemory Example")]
        x = 0
        for windowId in windows:
            xdotool(env, "windowsize", "--sync", windowId, 400, 330)
            xdotool(env, "windowmove", "--sync", windowId, x + 10, 10)
            x += 420
        for windowId in windows[1:]:  # Read from shared memory; Display Image From Shared Memory
            before = pixels(env, windowId)
            width, height = size(env, windowId)
            click(env, windowId, width // 2, height - 20)
            settledAfter(env, windowId, before)
        os.makedirs(os.path.dirname(output), exist_ok=True)
        subprocess.run(["import", "-window", "root", "-crop", "{}x{}+0+0".format(x + 10, 350),
                        "+repage", output], env=env, check=True, timeout=TIMEOUT)
        print(output)
    finally:
        for process in reversed(programs):
            if process.poll() is None:
                if process is programs[-1] and len(windows) == 3:
                    # The C++ example ends its destructors only when closed.
                    try:
                        pressKeys(env, windows[2], "Escape")
                    except subprocess.SubprocessError:
                        process.send_signal(signal.SIGTERM)
                else:
                    process.send_signal(signal.SIGTERM)
                try:
                    process.wait(TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
        xServer.close()
        leftovers = os.listdir(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        if leftovers:
            print("left behind in TMPDIR: {}".format(leftovers), file=sys.stderr)


if __name__ == "__main__":
    main()
