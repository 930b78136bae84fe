#!/usr/bin/env python3
"""Makes the screenshots of the README and the docs: each Python window
beside its C++ counterpart, on a private Xvfb, written to docs/images/.

    python3 -m tools.screenshots            # from the checkout's root

Needs Xvfb, xdotool, ImageMagick and Debian's qtbase5-examples (the test
command of quickstart.sh installs them all). The Python programs run from
this checkout, with .venv/bin/python when it exists. Everything runs on its
own X display, the Python and the C++ programs each with a private TMPDIR
(where Qt puts local sockets and the key files of shared memory), so that
it never meets a user's programs; every process, socket file and
shared-memory segment it makes is gone when it exits.
"""

import argparse
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from testbed.processes import Processes, startXvfb
from testbed.programs import CXX_EXAMPLES, REPO, cxxPath
from testbed.sysv import removeUnder

VENV_PYTHON = os.path.join(REPO, ".venv", "bin", "python")
PYTHON = VENV_PYTHON if os.access(VENV_PYTHON, os.X_OK) else sys.executable
TOOLS = {"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick",
         "convert": "imagemagick"}
CAPTION_FONT = "DejaVu-Sans"
CJK_CAPTION_FONT = "Noto-Sans-CJK-SC"  # DejaVu has no CJK: ImageMagick drops it
SHM_TEXT = "Hello from process A.\nQSharedMemory, key processAstr."
KEY = "QSharedMemoryExample"  # the key of Qt's Shared Memory example


# Where a Python window's button is: the same class and form, at the same
# size, offscreen (the C++ windows are pressed by keyboard, or by a button
# at a fixed place, instead).
PROBE = r"""
import importlib, sys
from PyQt5.QtWidgets import QApplication, QPushButton
app = QApplication([sys.argv[0], "-platform", "offscreen"])
widget = getattr(importlib.import_module(sys.argv[1]), sys.argv[2])()
widget.resize(int(sys.argv[4]), int(sys.argv[5]))
widget.show()
app.processEvents()
for button in widget.findChildren(QPushButton):
    if button.text().replace("&", "") == sys.argv[3]:
        centre = button.mapTo(widget, button.rect().center())
        print(centre.x(), centre.y())
"""


class Session:
    """A private X display and temporary directory, and the programs
    started in them; close() ends them all and removes what they left."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="qtipc-shots-")
        self.processes = []
        for sub in ("python", "cxx", "shared", "runtime", "config", "cache", "data"):
            os.mkdir(os.path.join(self.tmp, sub), 0o700)
        self.log = open(os.path.join(self.tmp, "programs.log"), "w+")
        self.xServer = Processes()
        display = startXvfb(self.xServer, (1600, 1000))
        # English, Qt's default style, and nothing of the user's desktop.
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("QT_", "XDG_", "LC_", "LANG"))
                    and key not in ("SESSION_MANAGER", "DESKTOP_SESSION")}
        self.env.update(display, QT_FONT_DPI="96",
                        LANG="C.UTF-8", TMPDIR=os.path.join(self.tmp, "python"),
                        XDG_RUNTIME_DIR=os.path.join(self.tmp, "runtime"),
                        XDG_CONFIG_HOME=os.path.join(self.tmp, "config"),
                        XDG_CACHE_HOME=os.path.join(self.tmp, "cache"),
                        XDG_DATA_HOME=os.path.join(self.tmp, "data"))

    def run(self, *command, env=None):
        done = subprocess.run(command, env=env or self.env, cwd=REPO, timeout=60,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if done.returncode != 0:
            raise RuntimeError("{} failed: {}".format(
                " ".join(command[:3]), done.stderr.decode(errors="replace").strip()))
        return done.stdout

    def start(self, command, env=None, cwd=REPO, side=None):
        """Starts a program. The Python ones and the C++ ones each get a
        TMPDIR of their own, where their local sockets and Qt's key files
        for shared memory live: both sides keep their default names
        ("fortune", "processAstr") and still never meet a user's programs
        or each other. side="shared" puts both on one key."""
        side = side or ("python" if command[0] == PYTHON else "cxx")
        environment = dict(self.env, TMPDIR=os.path.join(self.tmp, side))
        environment.update(env or {})
        process = subprocess.Popen(command, cwd=cwd, env=environment,
                                   stdout=subprocess.DEVNULL, stderr=self.log)
        self.processes.append(process)
        return process

    def window(self, process, x, y, other=None):
        """The id of `process`'s visible top-level window (not `other`),
        moved to x, y so that no window covers another."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("{} exited with status {}".format(
                    " ".join(process.args), process.returncode))
            found = sorted(self.visibleWindows(process) - {other})
            if found:
                self.run("xdotool", "windowmove", "--sync", found[0], str(x), str(y))
                return found[0]
            time.sleep(0.1)
        raise RuntimeError("no window from {}".format(" ".join(process.args)))

    def shot(self, window, unlike=None):
        """The window as PNG bytes, once it has stopped changing (and differs
        from `unlike`, a shot taken before a click)."""
        previous = None
        for _ in range(100):
            time.sleep(0.15)
            image = self.run("import", "-window", window, "png:-")
            if image == previous and image != unlike:
                return image
            previous = image
        raise RuntimeError("window {} never settled{}".format(
            window, " after the click" if unlike else ""))

    def title(self, window):
        return self.run("xdotool", "getwindowname", window).decode().strip()

    def size(self, window):
        shell = self.run("xdotool", "getwindowgeometry", "--shell", window).decode()
        values = dict(line.split("=", 1) for line in shell.split())
        return int(values["WIDTH"]), int(values["HEIGHT"])

    def focus(self, window):
        """Gives the window the input focus (no window manager does)."""
        self.run("xdotool", "windowfocus", "--sync", window)

    def press(self, window, *keys):
        """Presses and releases keys in a window as a keyboard does: through
        XTEST, to the focused window. `xdotool key --window` releases a key
        whose press closed the window with XSendEvent to the closed window:
        the key stays down, and would auto-repeat into the next window."""
        self.focus(window)
        self.run("xdotool", "key", *keys)

    def type(self, window, text):
        """Types text, a line at a time (xdotool types no newline)."""
        for number, line in enumerate(text.split("\n")):
            if number:
                self.press(window, "Return")
            self.focus(window)
            self.run("xdotool", "type", "--delay", "5", line)

    def click(self, window, x, y):
        # The pointer first, and a press that lasts a moment, as a hand's
        # does: a press and release that come at once can be lost.
        self.run("xdotool", "mousemove", "--window", window, str(x), str(y))
        time.sleep(0.3)
        self.run("xdotool", "mousedown", "1")
        time.sleep(0.1)
        self.run("xdotool", "mouseup", "1")

    def clickButton(self, window, module, className, text):
        """Clicks the button `text` of the Python window `window`."""
        width, height = self.size(window)
        where = self.run(PYTHON, "-c", PROBE, module, className, text, str(width),
                         str(height)).decode().split()
        if not where:
            raise RuntimeError("{}.{} has no button {!r}".format(module, className, text))
        self.click(window, *where)

    def visibleWindows(self, process):
        return set(subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--pid", str(process.pid)],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True).stdout.split())

    def escape(self, window):
        """Escape to a dialog, which closes it."""
        self.press(window, "Escape")

    def stop(self, process, window=None):
        """Ends a program as its user would: Escape closes a C++ dialog (its
        destructors remove its socket or segment); SIGTERM quits a Python
        program cleanly."""
        for attempt in range(3):
            if process.poll() is not None:
                return
            if window:
                self.escape(window)
            elif attempt == 0:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(3 if window else 10)
                return
            except subprocess.TimeoutExpired:
                pass
        process.kill()
        process.wait()
        print("screenshots.py: {} did not quit; killed".format(" ".join(process.args)),
              file=sys.stderr)

    def close(self):
        """Ends everything; returns the System V objects that had to be
        removed by hand (none, when every program cleaned up)."""
        for process in reversed(self.processes):
            self.stop(process)
        self.xServer.close()
        pids = {process.pid for process in self.processes}
        leftovers = ["{} {} ({})".format(*removed) for side in ("python", "cxx", "shared")
                     for removed in removeUnder(os.path.join(self.tmp, side), pids)]
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return leftovers

    def programOutput(self):
        self.log.seek(0)
        return self.log.read()


def tile(session, image, caption, title, path, font=CAPTION_FONT):
    """The window with a caption above it: who made it, and its title (no
    window manager draws title bars on Xvfb)."""
    source = path + ".window.png"
    with open(source, "wb") as file:
        file.write(image)
    session.run("convert", "-background", "white", "-fill", "#202020", "-font", font,
                "-pointsize", "15", "label:" + caption,
                "(", "-fill", "#606060", "-pointsize", "13", "label:window title: " + title, ")",
                "(", source, "-bordercolor", "#a0a0a0", "-border", "1", ")",
                "-gravity", "center", "-append", "-bordercolor", "white", "-border", "10",
                path)
    os.remove(source)
    return path


def compose(session, shots, output, font=CAPTION_FONT):
    """Each (window's shot, caption, window) as a tile, side by side, as a
    PNG without time stamps (so that an unchanged picture gives an
    unchanged file)."""
    tiles = [tile(session, shot, caption, session.title(window),
                  os.path.join(session.tmp, "{}.png".format(number)), font)
             for number, (shot, caption, window) in enumerate(shots, 1)]
    session.run("convert", *tiles, "-gravity", "north", "-background", "white", "+append",
                "-strip", "-define", "png:exclude-chunks=date,time", output)
    for path in tiles:
        os.remove(path)
    print("wrote", os.path.relpath(output))


def afterPressing(session, window, keys=("Return",), button=None):
    """The window once pressing `keys` (or clicking `button`, a
    (module, class, text)) has changed it."""
    before = session.shot(window)
    if button:
        session.clickButton(window, *button)
    else:
        session.press(window, *keys)
    return session.shot(window, unlike=before)


def fortunePairs(session, out):
    """Server beside server, then client beside client, each client showing
    a fortune from its own server."""
    pyServer = session.start([PYTHON, "fortune_server.py"])
    pyServerWindow = session.window(pyServer, 20, 20)
    cxxServer = session.start([cxxPath("localfortuneserver")])
    cxxServerWindow = session.window(cxxServer, 800, 20)
    pyClient = session.start([PYTHON, "fortune_client.py"])
    pyClientWindow = session.window(pyClient, 20, 400)
    cxxClient = session.start([cxxPath("localfortuneclient")])
    cxxClientWindow = session.window(cxxClient, 800, 400)

    compose(session, [
        (session.shot(pyServerWindow), "Python: fortune_server.py", pyServerWindow),
        (session.shot(cxxServerWindow), "C++: Qt's localfortuneserver", cxxServerWindow)],
        os.path.join(out, "fortune-server.png"))
    # Return presses Get Fortune, the default button of both dialogs.
    compose(session, [
        (afterPressing(session, pyClientWindow), "Python: fortune_client.py", pyClientWindow),
        (afterPressing(session, cxxClientWindow), "C++: Qt's localfortuneclient",
         cxxClientWindow)],
        os.path.join(out, "fortune-client.png"))

    session.stop(pyClient)
    session.stop(cxxClient, cxxClientWindow)
    session.stop(pyServer)
    session.stop(cxxServer, cxxServerWindow)


def sharedMemoryRow(session, out):
    """Process A (a text typed and written), process B (the text read) and,
    beside them, Qt's Shared Memory example with its image loaded."""
    writer = session.start([PYTHON, "process_a.py"])
    writerWindow = session.window(writer, 20, 20)
    session.click(writerWindow, 60, 40)  # into the editor
    session.type(writerWindow, SHM_TEXT)
    writerShot = afterPressing(session, writerWindow,
                               button=("process_a", "Widget_PA", "Write to shared memory"))
    reader = session.start([PYTHON, "process_b.py"])
    readerWindow = session.window(reader, 460, 20)
    readerShot = afterPressing(session, readerWindow,
                               button=("process_b", "Widget_PB", "Read from shared memory"))

    # In image.png's directory, where its file dialog opens: the name alone
    # is typed (with a whole path, the completer's popup comes and goes at
    # each "/", and keys that reach it as it goes are lost).
    example = session.start([cxxPath("sharedmemory")], cwd=os.path.join(CXX_EXAMPLES, "sharedmemory"))
    exampleWindow = session.window(example, 900, 20)
    session.click(exampleWindow, 100, 24)  # "Load Image From File...", at the top
    fileDialog = session.window(example, 20, 400, other=exampleWindow)
    before = session.shot(exampleWindow)  # "Select an image file"
    session.type(fileDialog, "image.png")
    # One Return opens the typed file, whether or not the completer's popup
    # shows it by then; the dialog closes.
    session.press(fileDialog, "Return")
    deadline = time.monotonic() + 60
    while session.visibleWindows(example) != {exampleWindow}:
        if time.monotonic() > deadline:
            raise RuntimeError("the Shared Memory example's file dialog did not close")
        time.sleep(0.1)
    exampleShot = session.shot(exampleWindow, unlike=before)
    if session.visibleWindows(example) != {exampleWindow}:
        raise RuntimeError("the Shared Memory example's file dialog opened again")

    compose(session, [(writerShot, "Python: process_a.py", writerWindow),
                      (readerShot, "Python: process_b.py", readerWindow),
                      (exampleShot, "C++: Qt's Shared Memory example", exampleWindow)],
            os.path.join(out, "shared-memory.png"))

    session.stop(reader)
    session.stop(example, exampleWindow)
    session.stop(writer)


def sharedImageRow(session, out):
    """Process A sharing the example's image.png under the example's key,
    process B and Qt's Shared Memory example each showing it: all three in
    one TMPDIR, so that they meet on the key QSharedMemoryExample."""
    image = os.path.join(CXX_EXAMPLES, "sharedmemory", "image.png")
    writer = session.start([PYTHON, "process_a.py", "--key", KEY, "--image", image],
                           side="shared")
    reader = session.start([PYTHON, "process_b.py", "--key", KEY], side="shared")
    example = session.start([cxxPath("sharedmemory")], side="shared")
    windows = []
    for number, process in enumerate((writer, reader, example)):
        window = session.window(process, 20 + 420 * number, 20)
        session.run("xdotool", "windowsize", "--sync", window, "400", "330")
        windows.append(window)
    writerWindow, readerWindow, exampleWindow = windows
    writerShot = session.shot(writerWindow)
    readerShot = afterPressing(session, readerWindow,
                               button=("process_b", "Widget_PB", "Read from shared memory"))
    # "Display Image From Shared Memory", at the bottom of the dialog.
    before = session.shot(exampleWindow)
    width, height = session.size(exampleWindow)
    session.click(exampleWindow, width // 2, height - 20)
    exampleShot = session.shot(exampleWindow, unlike=before)

    compose(session, [(writerShot, "Python: process_a.py --image image.png", writerWindow),
                      (readerShot, "Python: process_b.py", readerWindow),
                      (exampleShot, "C++: Qt's Shared Memory example", exampleWindow)],
            os.path.join(out, "shared-memory-image.png"))

    session.stop(reader)
    session.stop(example, exampleWindow)
    session.stop(writer)


def chineseClient(session, out):
    """The client under a Chinese locale, once the project ships a zh_CN
    translation and a CJK font is installed; skipped (and said) otherwise."""
    translations = glob.glob(os.path.join(REPO, "qtipc", "translations", "*zh_CN*.qm"))
    fonts = subprocess.run(["convert", "-list", "font"], stdout=subprocess.PIPE,
                           text=True).stdout.split()
    if not translations or CJK_CAPTION_FONT not in fonts:
        print("skipped fortune-client-zh_CN.png: needs qtipc/translations/*zh_CN*.qm"
              " and a CJK font (apt-get install fonts-noto-cjk)")
        return
    chinese = {"LANG": "zh_CN.UTF-8"}
    server = session.start([PYTHON, "fortune_server.py"], chinese)
    session.window(server, 20, 20)
    client = session.start([PYTHON, "fortune_client.py"], chinese)
    window = session.window(client, 800, 20)
    compose(session, [(afterPressing(session, window),
                       "Python: LANG=zh_CN.UTF-8 fortune_client.py", window)],
            os.path.join(out, "fortune-client-zh_CN.png"), CJK_CAPTION_FONT)
    session.stop(client)
    session.stop(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "docs", "images"),
                        help="where the PNGs go (default: docs/images)")
    options = parser.parse_args()
    missing = sorted({package for tool, package in TOOLS.items() if not shutil.which(tool)})
    if not os.path.isdir(CXX_EXAMPLES):
        missing.append("qtbase5-examples")
    if missing:
        print("screenshots.py: missing; apt-get install " + " ".join(missing), file=sys.stderr)
        return 1
    os.makedirs(options.out, exist_ok=True)
    session = Session()
    try:
        fortunePairs(session, options.out)
        sharedMemoryRow(session, options.out)
        sharedImageRow(session, options.out)
        chineseClient(session, options.out)
    except Exception:
        print("screenshots.py: the programs said:\n" + session.programOutput(), file=sys.stderr)
        raise
    finally:
        leftovers = session.close()
    if leftovers:
        print("screenshots.py: removed System V objects a program left behind: "
              + ", ".join(leftovers), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
