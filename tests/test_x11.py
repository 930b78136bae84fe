"""Under a real X server (Xvfb): the xcb platform takes -name/--name for
itself, and the programs' --name option must still work; and the C++
client, clicked, reads the Python server."""

import os
import shutil
import subprocess
import time


from peers import cxxExample, missingPeer
from testbed.processes import fetch, socketPath, waitUntilServing


def test_name_option_survives_the_xcb_platform(xDisplay, fortuneServer):
    # The fixture waits for the unique name it gave, not the default, and
    # checks that the server quits cleanly and removes its socket.
    _, path = fortuneServer(env=xDisplay)
    assert fetch(path)


def windowThirds(display, window):
    """The window's pixels as raw RGB, cut into its top, middle and bottom
    thirds (the C++ client's server name, status label and buttons)."""
    pixels = subprocess.run(["import", "-window", window, "rgb:-"], env=display,
                            capture_output=True, check=True, timeout=60).stdout
    geometry = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window], env=display,
                              capture_output=True, text=True, check=True, timeout=60).stdout
    width = int(dict(line.split("=") for line in geometry.split())["WIDTH"])
    row = 3 * width
    rows = len(pixels) // row
    cuts = [0, rows // 3 * row, 2 * rows // 3 * row, rows * row]
    return [pixels[cuts[i]:cuts[i + 1]] for i in range(3)]


def test_cxx_client_reads_the_python_server(xDisplay, processes, privateTmp):
    # Debian's C++ client (Qt 5.15) changes its status label only when it
    # has read a fortune; errors open a message box instead. So its window
    # before and after pressing Get Fortune tells whether it read the
    # Python server's reply, framed as Qt 5.10 and later servers do (with
    # the blog's qt4 framing it reads nothing, and this test fails).
    for tool, package in (("xdotool", "xdotool"), ("import", "imagemagick")):
        if not shutil.which(tool):
            missingPeer("{} not installed (apt-get install {})".format(tool, package))
    environment = dict(os.environ, TMPDIR=privateTmp, **xDisplay)
    server = processes.startScript("fortune_server.py", "--wire", "qt5.10",
                                   env=dict(xDisplay, TMPDIR=privateTmp))
    path = socketPath("fortune", privateTmp)
    waitUntilServing(path, server)
    client = processes.start([cxxExample("localfortuneclient")],
                             env=dict(xDisplay, TMPDIR=privateTmp))
    window = subprocess.run(
        ["xdotool", "search", "--sync", "--all", "--onlyvisible", "--pid", str(client.pid),
         "--name", "^Local Fortune Client$"],
        env=environment, capture_output=True, text=True, check=True, timeout=60,
    ).stdout.split()[0]
    _, labelBefore, buttonsBefore = windowThirds(environment, window)
    # Return as a keyboard gives it: to the window that has the input focus
    # (no window manager gives it), through XTEST. `xdotool key --window`
    # would release it with XSendEvent once the window lost the focus (to a
    # message box), leaving the key down.
    for command in (["windowfocus", "--sync", window], ["key", "Return"]):
        subprocess.run(["xdotool"] + command, env=environment, check=True, timeout=60)
    # Get Fortune is disabled while a request runs: done when the buttons
    # look as before again, and read when the label has changed meanwhile.
    deadline = time.monotonic() + 30
    while True:
        _, label, buttons = windowThirds(environment, window)
        if buttons == buttonsBefore and label != labelBefore:
            break
        assert time.monotonic() < deadline, "the C++ client never showed a fortune"
        time.sleep(0.1)
    processes.stopAll()
    assert not os.path.exists(path)
