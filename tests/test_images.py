"""Images in shared memory: process A shares one as Qt's Shared
Memory example does (QDataStream << QImage), process B shows or saves what
process A or that example shares. Real programs, real segments, and the
example's own binary (Debian's qtbase5-examples) in a real X server. Every
test has its own key (or its own TMPDIR for the example's fixed key) and must
leave no process, segment, semaphore or key file behind."""

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time

import pytest
from PyQt5.QtCore import QBuffer, QDataStream, QEvent, QMimeData, QPoint, Qt, QUrl
from PyQt5.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PyQt5.QtWidgets import QFileDialog

from peers import HELPERS, cxxExample, missingPeer
from testbed.oracle import layout
from testbed.processes import TIMEOUT, readLine
from testbed.programs import REPO
from testbed.sysv import findSegment, removeUnder
from qtipc.images import QIMAGE_STREAM_START

EXAMPLE_KEY = "QSharedMemoryExample"  # fixed in Qt's example (dialog.cpp)
NOT_AN_IMAGE = "Selected file is not an image, please select another."
NOTHING_YET = "Nothing has been written to the shared memory segment yet."


def exampleImagePath():
    """The example's own image.png, beside its binary."""
    path = os.path.join(os.path.dirname(cxxExample("sharedmemory")), "image.png")
    if not os.path.exists(path):
        missingPeer(path + " is missing (apt-get install qtbase5-examples)")
    return path


def patternImage(width=120, height=90, alpha=True):
    """An image with every pixel different from its neighbours, and (with
    `alpha`) every level of transparency: what a lossy or sloppy round trip
    would change."""
    image = QImage(width, height, QImage.Format_ARGB32 if alpha else QImage.Format_RGB32)
    for y in range(height):
        for x in range(width):
            a = (x * 7 + y * 3) % 256 if alpha else 255
            image.setPixelColor(x, y, QColor((x * 37 + y) % 256, (y * 53 + x * 3) % 256,
                                             (x * y * 11) % 256, a))
    return image


def saved(image, directory, name):
    path = os.path.join(str(directory), name)
    assert image.save(path), path
    return path


def samePixels(first, second):
    """True when two images hold the same pixels, whatever their formats."""
    return first.size() == second.size() and \
        first.convertToFormat(QImage.Format_ARGB32) == second.convertToFormat(QImage.Format_ARGB32)


def showsImage(label, image):
    """True when `label` shows `image` pixel for pixel. A pixmap holds
    premultiplied alpha (QPixmap.fromImage converts), so the two are
    compared premultiplied: what is drawn."""
    pixmap = label.pixmap()
    premultiplied = QImage.Format_ARGB32_Premultiplied
    return pixmap is not None and pixmap.size() == image.size() and \
        pixmap.toImage().convertToFormat(premultiplied) == image.convertToFormat(premultiplied)


def qimageStream(image):
    """The bytes `out << image` writes at Qt's default QDataStream version."""
    buffer = QBuffer()
    buffer.open(QBuffer.ReadWrite)
    out = QDataStream(buffer)
    out << image
    return bytes(buffer.data())


def startImageWriter(ipc, key, path, env=None):
    """process_a.py --image `path`, once it says it has written it."""
    writer = ipc.processes.startScript("process_a.py", "--key", key, "--image", path,
                                       stdin=subprocess.DEVNULL, env=env)
    line = readLine(writer)
    if not line.startswith("written "):
        writer.wait(TIMEOUT)
        pytest.fail("process A: {!r}, stderr {!r}".format(line, writer.stderr.read().decode()))
    return writer, int(line.split()[1])


def saveImage(ipc, key, path, env=None):
    """process_b.py --save-image `path`: (exit status, stdout, stderr text)."""
    reader = ipc.processes.startScript("process_b.py", "--key", key, "--save-image", path,
                                       env=env)
    out, err = reader.communicate(timeout=TIMEOUT)
    return reader.returncode, out, err.decode()


# --- Python A -> Python B ----------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["png", "jpg", "xpm"])
def test_image_goes_from_a_to_b_pixel_for_pixel(ipc, tmp_path, suffix):
    source = saved(patternImage(alpha=suffix != "jpg"), tmp_path, "source." + suffix)
    key = ipc.key()
    _, size = startImageWriter(ipc, key, source)
    # In the segment exactly as Qt's example puts it there: out << image.
    data = ipc.segmentBytes(key)
    assert data.startswith(QIMAGE_STREAM_START) and len(data) == size
    assert data == qimageStream(QImage(source))
    target = str(tmp_path / "target.png")
    status, out, err = saveImage(ipc, key, target)
    assert (status, out) == (0, b""), err
    with open(target, "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"  # PNG, whatever the name says
    assert samePixels(QImage(target), QImage(source))


def test_print_on_an_image_points_to_save_image(ipc, tmp_path):
    key = ipc.key()
    startImageWriter(ipc, key, saved(patternImage(), tmp_path, "source.png"))
    status, out, err = ipc.read(key)
    assert (status, out) == (1, b"")
    assert "The shared memory segment holds an image (120x90 pixels), not a text; save it " \
           "with --save-image FILE." in err


def test_save_image_on_a_text_says_it_is_a_text(ipc, tmp_path):
    key = ipc.key()
    ipc.startWriter(key, "just a text")
    target = tmp_path / "target.png"
    status, out, err = saveImage(ipc, key, str(target))
    assert (status, out) == (1, b"")
    assert "The shared memory segment holds a text, not an image; read it with --print." in err
    assert not target.exists()


def test_save_image_that_cannot_be_written_says_why(ipc, tmp_path):
    key = ipc.key()
    startImageWriter(ipc, key, saved(patternImage(), tmp_path, "source.png"))
    target = str(tmp_path / "no-such-directory" / "target.png")
    status, _, err = saveImage(ipc, key, target)
    assert status == 1 and "Cannot save the image to {}".format(target) in err


# --- What process A refuses ----------------------------------------------------------------

def test_a_file_that_is_not_an_image_leaves_the_text_shared(ipc, qtbot, tmp_path):
    from process_a import Widget_PA
    notAnImage = tmp_path / "notes.png"
    notAnImage.write_bytes(b"this is text, whatever its name says\n")
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    assert widget.sendStrToMemory("before")
    assert not widget.loadFromFile(str(notAnImage))
    assert widget.ui.statusLabel.text() == NOT_AN_IMAGE
    assert ipc.segmentBytes(key) == layout("before")
    assert ipc.read(key)[:2] == (0, b"before")


@pytest.mark.parametrize("args, status, message", [
    (["--image", "/nonexistent/image.png"], 1, "Cannot read /nonexistent/image.png"),
    (["--image", "/etc/hostname"], 1, NOT_AN_IMAGE),
    (["--image", "a.png", "--text", "b"], 2, "Give either --image or a text, not both."),
    (["--image", "a.png", "--text-file", "b"], 2, "Give either --image or a text, not both."),
], ids=["missing", "not-an-image", "with-text", "with-text-file"])
def test_a_rejects_bad_image_options_clearly(ipc, args, status, message):
    exitStatus, out, err = ipc.run("process_a.py", "--key", ipc.key(), *args)
    assert (exitStatus, out) == (status, b"")
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["--print", "--save-image", "a.png"], "Give either --print or --save-image, not both."),
    (["--save-image", ""], "The file name for --save-image must not be empty."),
], ids=["print-and-save", "empty-file-name"])
def test_b_rejects_bad_image_options_clearly(ipc, args, message):
    status, out, err = ipc.run("process_b.py", "--key", ipc.key(), *args)
    assert (status, out) == (2, b"") and message in err and "Traceback" not in err


@pytest.mark.parametrize("name, options, words", [
    ("process_a.py", ["--image"], ["Load Image From File", "QSharedMemoryExample"]),
    ("process_b.py", ["--save-image"], ["image", "QSharedMemoryExample"]),
])
def test_help_documents_the_image_path(ipc, name, options, words):
    status, out, _ = ipc.run(name, "--help")
    assert status == 0
    for word in options + words:
        assert word in out.decode()


# --- The same hardening as a text --------------------------------------------------------------

def test_image_writer_never_destroys_a_live_foreign_segment(ipc, tmp_path):
    key = ipc.key()
    ipc.foreignSegment(key, layout("not ours"))
    status, _, err = ipc.run("process_a.py", "--key", key, "--image",
                             saved(patternImage(), tmp_path, "source.png"))
    assert status == 1 and "Another process (pid {})".format(os.getpid()) in err
    assert ipc.segmentBytes(key) == layout("not ours")


def test_image_writer_killed_and_a_new_one_takes_over(ipc, tmp_path):
    key = ipc.key()
    crashed, _ = startImageWriter(ipc, key, saved(patternImage(), tmp_path, "old.png"))
    crashed.kill()
    crashed.wait(TIMEOUT)
    assert findSegment(key).attachCount == 0
    newer = patternImage(60, 40, alpha=False)
    startImageWriter(ipc, key, saved(newer, tmp_path, "new.png"))
    target = str(tmp_path / "target.png")
    assert saveImage(ipc, key, target)[0] == 0
    assert samePixels(QImage(target), newer)


def test_image_waits_for_a_reader_still_attached(ipc, qtbot, tmp_path):
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    assert widget.sendStrToMemory("one")
    reader = ipc.startHelper("linger.py", key, "yes")
    assert readLine(reader) == "attached\n"
    assert widget.loadFromFile(saved(patternImage(), tmp_path, "source.png"))
    assert readLine(reader) == "writer detached\n"
    assert reader.wait(TIMEOUT) == 0
    assert ipc.segmentBytes(key).startswith(QIMAGE_STREAM_START)


# --- What process B refuses -------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n"
NOT_IMAGES = {
    "marker-without-png": (struct.pack(">i", 1) + b"GIF89a" + bytes(20),
                           "holds neither a text nor an image"),
    "damaged-png": (QIMAGE_STREAM_START + b"\x00\x00\x00\x0dIHDR" + bytes(8),
                    "holds a damaged image"),
}


@pytest.mark.parametrize("data, message", NOT_IMAGES.values(), ids=NOT_IMAGES.keys())
def test_b_explains_data_that_is_neither_a_text_nor_an_image(ipc, tmp_path, data, message):
    key = ipc.key()
    ipc.foreignSegment(key, data)
    for status, out, err in (ipc.read(key), saveImage(ipc, key, str(tmp_path / "t.png"))):
        assert (status, out) == (1, b"")
        assert message in err and "Traceback" not in err
    assert not (tmp_path / "t.png").exists()


# --- The windows -------------------------------------------------------------------------------

def test_b_window_shows_the_image_then_a_text(ipc, qtbot, tmp_path):
    from process_a import Widget_PA
    from process_b import Widget_PB
    key = ipc.key()
    image = patternImage()
    writer = ipc.keep(Widget_PA(key))
    reader = ipc.keep(Widget_PB(key))
    writer.show()
    reader.show()
    assert writer.loadFromFile(saved(image, tmp_path, "source.png"))
    assert showsImage(writer.ui.imageLabel, image)  # small: not scaled
    qtbot.mouseClick(reader.ui.pushButton, Qt.LeftButton)
    assert reader.ui.stackedWidget.currentWidget() is reader.ui.imageArea
    assert showsImage(reader.ui.imageLabel, image)

    writer.ui.textEdit.setPlainText("now a text")
    qtbot.mouseClick(writer.ui.pushButton, Qt.LeftButton)
    assert writer.ui.imageLabel.pixmap() is None or writer.ui.imageLabel.pixmap().isNull()
    qtbot.mouseClick(reader.ui.pushButton, Qt.LeftButton)
    assert reader.ui.stackedWidget.currentWidget() is reader.ui.textEdit
    assert reader.ui.textEdit.toPlainText() == "now a text"


def test_a_window_shows_a_big_image_scaled_down(ipc, qtbot, tmp_path):
    from process_a import Widget_PA
    widget = ipc.keep(Widget_PA(ipc.key()))
    assert widget.loadFromFile(saved(patternImage(1200, 300, alpha=False), tmp_path, "wide.png"))
    assert widget.ui.imageLabel.pixmap().size() == widget.ui.imageLabel.maximumSize() \
        .boundedTo(widget.ui.imageLabel.pixmap().size())
    assert widget.ui.imageLabel.pixmap().width() == widget.ui.imageLabel.maximumWidth()
    assert widget.ui.imageLabel.pixmap().height() == 300 * widget.ui.imageLabel.maximumWidth() \
        // 1200


def test_load_image_button_shares_the_chosen_file(ipc, qtbot, tmp_path, monkeypatch):
    from process_a import Widget_PA
    key = ipc.key()
    source = saved(patternImage(), tmp_path, "chosen.png")
    filters = []

    def choose(parent, caption="", directory="", filter=""):
        filters.append(filter)
        return source, filter

    # A modal dialog cannot be answered offscreen; its static function is
    # replaced, as pytest-qt advises (the C++ example's dialog is driven
    # for real under Xvfb below).
    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    widget = ipc.keep(Widget_PA(key))
    qtbot.mouseClick(widget.ui.loadImageButton, Qt.LeftButton)
    assert filters == ["Images (*.png *.xpm *.jpg)"]
    assert ipc.segmentBytes(key) == qimageStream(QImage(source))

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))  # cancelled
    qtbot.mouseClick(widget.ui.loadImageButton, Qt.LeftButton)
    assert ipc.segmentBytes(key) == qimageStream(QImage(source))
    assert NOT_AN_IMAGE not in widget.ui.statusLabel.text()


@pytest.mark.parametrize("where", ["window", "text-edit"])
def test_an_image_file_dropped_on_a_is_shared(ipc, qtbot, tmp_path, where):
    from PyQt5.QtWidgets import QApplication
    from process_a import Widget_PA
    key = ipc.key()
    source = saved(patternImage(), tmp_path, "dropped.png")
    widget = ipc.keep(Widget_PA(key))
    widget.show()
    # Where the cursor is: the window's margin, or the text edit covering
    # most of it (its viewport gets the events).
    target = widget if where == "window" else widget.ui.textEdit.viewport()
    # As a file manager offers a file: its URL, and its path as text.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(source)])
    mime.setText(source)
    enter = QDragEnterEvent(QPoint(5, 5), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPoint(5, 5), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier,
                      QEvent.Drop)
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted()
    assert ipc.segmentBytes(key) == qimageStream(QImage(source))
    assert widget.ui.textEdit.toPlainText() == ""

    text = QMimeData()
    text.setText("not a file")
    refused = QDragEnterEvent(QPoint(5, 5), Qt.CopyAction, text, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, refused)
    assert not refused.isAccepted()


# --- One read per click, seen from outside ------------------------------------------------------

@pytest.fixture(scope="module")
def callCounter(tmp_path_factory):
    """tests/helpers/count_ipc_calls.c, built: the LD_PRELOAD library that
    records a process's calls that attach to or lock shared memory."""
    if not shutil.which("gcc"):
        missingPeer("gcc is needed to build tests/helpers/count_ipc_calls.c")
    library = str(tmp_path_factory.mktemp("count-ipc-calls") / "count_ipc_calls.so")
    build = subprocess.run(["gcc", "-shared", "-fPIC", "-o", library,
                            os.path.join(HELPERS, "count_ipc_calls.c"), "-ldl"],
                           capture_output=True, text=True, timeout=TIMEOUT)
    assert build.returncode == 0, build.stderr
    return library


def readAndClick(ipc, callCounter, key, tmp_path):
    """tests/helpers/click_b.py under the counting library: process B's
    blog read once, then one click of its button. Its JSON: the calls each
    made, and what the window shows."""
    calls = str(tmp_path / "ipc-calls")
    helper = ipc.processes.start(
        [sys.executable, os.path.join(HELPERS, "click_b.py"), key],
        env={"PYTHONPATH": REPO, "LD_PRELOAD": callCounter, "IPC_CALLS": calls})
    out, err = helper.communicate(timeout=TIMEOUT)
    assert helper.returncode == 0, err.decode()
    return json.loads(out)


@pytest.mark.parametrize("what", ["image", "text"])
def test_one_click_of_b_attaches_and_locks_once(ipc, callCounter, tmp_path, what):
    """A click reads the segment as the blog's read does, once: the same
    attach and lock calls, one attach; an image it finds is the one shown."""
    key = ipc.key()
    if what == "image":
        startImageWriter(ipc, key, saved(patternImage(), tmp_path, "source.png"))
    else:
        ipc.startWriter(key, "a text")
    seen = readAndClick(ipc, callCounter, key, tmp_path)
    attach = "shmat {}".format(findSegment(key).shmid)
    assert seen["read"].count(attach) == 1 and any(c.startswith("semop ") for c in seen["read"])
    assert seen["click"] == seen["read"]
    assert seen["shows"] == ("image 120x90" if what == "image" else "text: a text")


@pytest.mark.parametrize("what", ["image", "text"])
def test_one_click_of_b_reads_qt6s_native_key_once(ipc, qt6, callCounter, tmp_path, what):
    """Where only Qt 6's native key holds data (Qt 6.6+'s example's image,
    or a text written there), a click opens it as often as one read does."""
    from qtipc.posix_shared_memory import PosixSharedMemory
    key = ipc.key()
    if what == "image":
        writer = qt6.example(key, "load", saved(patternImage(), tmp_path, "source.png"))
        ipc.qt6LeavesBehind(key)
        assert readLine(writer) == "loaded\n"
    else:
        writer = ipc.keep(PosixSharedMemory(key))
        assert writer.publish(layout("a text")), writer.errorString()
    seen = readAndClick(ipc, callCounter, key, tmp_path)
    opened = [call for call in seen["read"] if call.startswith("shm_open ")]
    assert opened and all(call.split(" ", 1)[1].lstrip("/") == key for call in opened)
    assert seen["click"] == seen["read"]
    assert seen["shows"] == ("image 120x90" if what == "image" else "text: a text")
    if what == "image":
        writer.stdin.close()
        assert writer.wait(TIMEOUT) == 0
    else:
        writer.release()


# --- A read between a writer's create() and its copy ---------------------------------------------

def startCreatedNotWritten(ipc, qt6, which, key, size):
    """tests/helpers/created_not_written.py: the shared memory of `key`
    created, all zeros, nothing written; kept until its stdin closes."""
    if which == "qt6":
        creator = qt6.start("created_not_written.py", "qt6", key, size)
        ipc.qt6LeavesBehind(key)
    else:
        creator = ipc.startHelper("created_not_written.py", "qt5", key, size)
    assert readLine(creator) == "created\n"
    return creator


@pytest.mark.parametrize("which", ["qt5", "qt6"])
def test_a_read_before_anything_is_written_says_so(ipc, qt6, qtbot, tmp_path, which):
    """create() fills the segment with zeros, and the copy comes after it:
    a read that lands in between, of a text or an image, by --print,
    --save-image or the button, says nothing has been written yet, and
    never that the segment holds a text."""
    from process_b import Widget_PB
    key = ipc.key()
    creator = startCreatedNotWritten(ipc, qt6, which, key, len(qimageStream(patternImage())))
    target = tmp_path / "target.png"
    for status, out, err in (saveImage(ipc, key, str(target)), ipc.read(key)):
        assert (status, out) == (1, b"")
        assert NOTHING_YET in err and "holds a text" not in err, err
    assert not target.exists()
    reader = ipc.keep(Widget_PB(key))
    qtbot.mouseClick(reader.ui.pushButton, Qt.LeftButton)
    assert reader.ui.textEdit.toPlainText() == NOTHING_YET
    creator.stdin.close()
    assert creator.wait(TIMEOUT) == 0


def test_an_image_read_in_the_middle_of_a_copy_says_nothing_is_written_yet(ipc, tmp_path):
    """SharedMemory.copyFrom writes the first four bytes last: a reader that
    gets in without the lock before them sees the rest of the image after
    four zeros, and is told that nothing has been written yet."""
    key = ipc.key()
    ipc.foreignSegment(key, bytes(4) + qimageStream(patternImage())[4:])
    status, out, err = saveImage(ipc, key, str(tmp_path / "target.png"))
    assert (status, out) == (1, b"") and NOTHING_YET in err and "holds a text" not in err


# --- Qt's C++ Shared Memory example, in a real X server ----------------------------------------

class Example:
    """Qt's Shared Memory example under Xvfb, with a private TMPDIR (its key
    is fixed: Qt 5 derives the System V key from a file in TMPDIR, so a
    private one keeps the test from meeting a user's example). A test starts
    it, drives it as a user does, and closes it as a user does (Escape), so
    that its destructors detach and remove what it made."""

    def __init__(self, processes, env):
        self.processes = processes
        self.env = env
        self.process = None
        self.window = None

    def start(self, directory=None):
        """Starts the example in `directory`, where its file dialog opens."""
        self.process = self.processes.start([cxxExample("sharedmemory")], env=self.env,
                                            cwd=directory)
        self.window = xdotool(self.env, "search", "--sync",
                              *self.windowsNamed("SharedMemory Example")).split()[0]
        return self.window

    def windowsNamed(self, title):
        """xdotool search arguments for the example's visible windows named `title`."""
        return ["--all", "--onlyvisible", "--pid", str(self.process.pid), "--name",
                "^{}$".format(title)]

    def fileDialogs(self):
        return xdotool(self.env, "search", *self.windowsNamed("Open"), check=False).split()

    def segmentExists(self):
        """True when the example's segment is there: the segment of the key file
        of its key in its TMPDIR."""
        return findSegment(EXAMPLE_KEY, self.env["TMPDIR"]) is not None

    def close(self):
        """Escape to a file dialog still open, then to the example's window: the
        example quits as its user quits it. Returns its exit status."""
        for dialog in self.fileDialogs():
            pressKeys(self.env, dialog, "Escape")
            waitFor(lambda: dialog not in self.fileDialogs(), "a file dialog stayed open")
        pressKeys(self.env, self.window, "Escape")
        return self.process.wait(TIMEOUT)

    def removeLeftovers(self):
        """After a failed test: stops every program and removes the key files in
        the private TMPDIR with their System V objects, so that the failure
        is reported once and leaves nothing behind."""
        self.processes.stopAll()
        removeUnder(self.env["TMPDIR"])


@pytest.fixture
def example(xDisplay, privateTmp, ipc):
    """An Example, started by the test; one the test did not close (it failed)
    is closed here, or stopped and its System V objects and key files
    removed."""
    for tool, package in (("xdotool", "xdotool"), ("import", "imagemagick")):
        if not shutil.which(tool):
            missingPeer("{} not installed (apt-get install {})".format(tool, package))
    cxxExample("sharedmemory")
    started = Example(ipc.processes, dict(xDisplay, TMPDIR=privateTmp))
    yield started
    if started.process is not None and started.process.poll() is None:
        try:
            started.close()
        except (AssertionError, subprocess.SubprocessError):
            started.removeLeftovers()


def xdotool(env, *args, check=True):
    return subprocess.run(["xdotool"] + list(args), env=dict(os.environ, **env),
                          capture_output=True, text=True, check=check, timeout=TIMEOUT).stdout


def pressKeys(env, window, *keys):
    """Presses and releases `keys` in `window` as a keyboard does: the window
    takes the input focus (no window manager gives it), then the keys go
    through XTEST to the focused window. Never `xdotool key --window`: it
    releases a key with XSendEvent to its window when that no longer has
    the focus, so a key whose press closes the window stays down, and its
    auto-repeat reaches the next window (the example's default button,
    which opens the file dialog again)."""
    xdotool(env, "windowfocus", "--sync", window)
    xdotool(env, "key", *keys)


def screenshot(env, window, path):
    subprocess.run(["import", "-window", window, path], env=dict(os.environ, **env),
                   check=True, timeout=TIMEOUT)
    return QImage(path).convertToFormat(QImage.Format_RGB32)


def findImage(screen, image):
    """The top left corner of `image` (opaque) shown pixel for pixel in
    `screen`, or None."""
    image = image.convertToFormat(QImage.Format_RGB32)
    width = 4 * image.width()
    rows = [bytes(image.constScanLine(y).asstring(width)) for y in range(image.height())]
    screenRows = [bytes(screen.constScanLine(y).asstring(4 * screen.width()))
                  for y in range(screen.height())]
    for top in range(screen.height() - image.height() + 1):
        start = screenRows[top].find(rows[0])
        while start != -1:
            if start % 4 == 0 and all(screenRows[top + y][start:start + width] == rows[y]
                                      for y in range(image.height())):
                return start // 4, top
            start = screenRows[top].find(rows[0], start + 1)
    return None


def clickButton(env, window, fromTop):
    """Clicks the example's top or bottom button, in the middle of its width."""
    geometry = dict(line.split("=") for line in
                    xdotool(env, "getwindowgeometry", "--shell", window).split())
    width, height = int(geometry["WIDTH"]), int(geometry["HEIGHT"])
    xdotool(env, "mousemove", "--window", window, str(width // 2),
            str(20 if fromTop else height - 20), "click", "1")


def waitFor(condition, what):
    """Waits until `condition()` holds; fails with `what` if it never does
    (TIMEOUT is only ever reached when something hangs)."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_image_from_a_shown_by_qts_example(example, ipc, tmp_path):
    image = patternImage(alpha=False)
    writer, _ = startImageWriter(ipc, EXAMPLE_KEY, saved(image, tmp_path, "source.png"),
                                 env={"TMPDIR": example.env["TMPDIR"]})
    window = example.start()
    shot = str(tmp_path / "screen.png")
    assert findImage(screenshot(example.env, window, shot), image) is None
    clickButton(example.env, window, fromTop=False)  # Display Image From Shared Memory
    waitFor(lambda: findImage(screenshot(example.env, window, shot), image) is not None,
            "Qt's example never showed the image process A shares")
    assert example.close() == 0
    writer.send_signal(signal.SIGTERM)
    assert writer.wait(TIMEOUT) == 0


def test_image_from_qts_example_saved_by_b(example, ipc, tmp_path):
    env = example.env
    source = exampleImagePath()
    window = example.start(os.path.dirname(source))
    clickButton(env, window, fromTop=True)  # Load Image From File...
    dialog = xdotool(env, "search", "--sync", *example.windowsNamed("Open")).split()[0]
    # Qt's own file dialog (no native one without a desktop), opened in the
    # image's directory: its name typed into the focused line edit, then one
    # Return opens it, whether or not the completer's popup shows the name
    # by then. Not a whole path: the popup would come and go at each "/",
    # and keys that reach it as it goes are lost.
    xdotool(env, "windowfocus", "--sync", dialog)
    xdotool(env, "type", "--delay", "5", os.path.basename(source))
    xdotool(env, "key", "Return")
    waitFor(lambda: not example.fileDialogs(), "the example's file dialog never took the file name")
    waitFor(example.segmentExists, "Qt's example never created its segment")
    # The example shows the image in the slot that shares it.
    shot = str(tmp_path / "screen.png")
    waitFor(lambda: findImage(screenshot(env, window, shot), QImage(source)) is not None,
            "Qt's example never showed the image it loaded")
    assert not example.fileDialogs(), "the file dialog opened again"
    target = str(tmp_path / "target.png")
    status, out, err = saveImage(ipc, EXAMPLE_KEY, target, env={"TMPDIR": env["TMPDIR"]})
    assert (status, out) == (0, b""), err
    assert samePixels(QImage(target), QImage(source))
    assert example.close() == 0
