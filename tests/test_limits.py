"""Sizes that would beat the programs: an image that claims far more pixels
than its bytes hold (refused before it is decoded, in process A and process
B, as Qt 6 refuses it), and a segment larger than the system allows (said
with what it needs and how to raise the cap, the shared text kept). Real
processes; the cap is lowered in a private IPC namespace, as macOS has it.
Every test has its own key and leaves no process, segment, semaphore or key
file behind."""

import json
import os
import subprocess
import sys

import pytest
from PyQt5.QtCore import QEvent, QMimeData, QPoint, Qt, QUrl
from PyQt5.QtGui import QDragEnterEvent, QDropEvent, QImage

from conftest import MACOS_SHMMAX, pngClaiming, privileged
from peers import HELPERS, missingPeer
from qtipc.images import QIMAGE_STREAM_START, ImageSizeLimit, allocationLimitMegabytes
from testbed.oracle import layout
from testbed.processes import TIMEOUT
from testbed.programs import REPO

BOMB_SAID = "is 16000x16000 pixels: decoded, it would take 1024000000 bytes, more than the " \
            "limit of 256 MB. It was not read."
PEAK_RSS = os.path.join(HELPERS, "peak_rss.py")
# Far below the gigabyte a decoded bomb takes; more than a Python with Qt
# needs to start.
MEMORY_CEILING_KIB = 256 * 1024


def runMeasured(ipc, tmp_path, name, *args, env=None):
    """Runs a script to its end under peak_rss.py: (exit status, stdout
    bytes, stderr text, peak resident set size in KiB)."""
    rssFile = str(tmp_path / "peak-{}".format(len(ipc.processes.started)))
    process = ipc.processes.start([sys.executable, PEAK_RSS, rssFile, sys.executable,
                                   os.path.join(REPO, name)] + list(args), env=env,
                                  stdin=subprocess.DEVNULL)
    out, err = process.communicate(timeout=TIMEOUT)
    with open(rssFile) as file:
        return process.returncode, out, err.decode(), int(file.read())


def imageSegment(ipc, key, png):
    """A segment holding `out << image` for the PNG bytes `png`, as Qt's
    Shared Memory example would share it."""
    assert png.startswith(QIMAGE_STREAM_START[4:])
    return ipc.foreignSegment(key, QIMAGE_STREAM_START[:4] + png)


# --- Image bombs: process A ---------------------------------------------------------------

def test_a_refuses_an_image_bomb_before_decoding_it(ipc, tmp_path, imageBomb):
    key = ipc.key()
    first = ipc.startWriter(key, "shared before")
    # A second process A under the same key: the bomb is refused before it
    # reaches shared memory, where this A would meet the first one.
    status, out, err, peak = runMeasured(ipc, tmp_path, "process_a.py", "--key", key,
                                         "--image", imageBomb)
    assert (status, out) == (1, b"")
    assert "The image in {} {}".format(imageBomb, BOMB_SAID) in err
    assert "Another process" not in err and "Traceback" not in err
    assert peak < MEMORY_CEILING_KIB, "{} KiB".format(peak)
    assert first.poll() is None
    assert ipc.read(key)[:2] == (0, b"shared before")


def test_a_window_refuses_a_dropped_image_bomb_and_keeps_its_text(ipc, qtbot, imageBomb):
    from PyQt5.QtWidgets import QApplication
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    widget.show()
    assert widget.sendStrToMemory("shared before")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(imageBomb)])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPoint(5, 5), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier,
                      QEvent.Drop)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()
    assert BOMB_SAID in widget.ui.statusLabel.text()
    assert ipc.segmentBytes(key) == layout("shared before")
    assert ipc.read(key)[:2] == (0, b"shared before")


# --- Image bombs: process B ---------------------------------------------------------------

def test_b_refuses_an_image_bomb_in_the_segment_before_decoding_it(ipc, tmp_path, imageBomb):
    key = ipc.key()
    with open(imageBomb, "rb") as file:
        imageSegment(ipc, key, file.read())
    target = tmp_path / "saved.png"
    for args in (["--save-image", str(target)], ["--print"]):
        status, out, err, peak = runMeasured(ipc, tmp_path, "process_b.py", "--key", key,
                                             *args)
        assert (status, out) == (1, b"")
        assert "The image in the shared memory segment " + BOMB_SAID in err, err
        assert "Traceback" not in err
        assert peak < MEMORY_CEILING_KIB, "{} KiB".format(peak)
    assert not target.exists()


def test_b_window_says_why_it_shows_no_bomb(ipc, qtbot, imageBomb):
    from process_b import Widget_PB
    key = ipc.key()
    with open(imageBomb, "rb") as file:
        imageSegment(ipc, key, file.read())
    widget = ipc.keep(Widget_PB(key))
    qtbot.mouseClick(widget.ui.pushButton, Qt.LeftButton)
    assert BOMB_SAID in widget.ui.textEdit.toPlainText()
    assert not widget.m_sharedMemory.isAttached()


# --- QT_IMAGEIO_MAXALLOC -------------------------------------------------------------------

def test_raising_the_limit_lets_a_larger_image_through(ipc):
    # 8200x8200 grey pixels: 67 MB decoded, but counted at 32 bits a pixel,
    # as Qt 6 counts them, 268960000 bytes, just over 256 MB.
    key = ipc.key()
    imageSegment(ipc, key, pngClaiming(8200, 8200, colourType=0))
    status, _, err = ipc.read(key)
    assert status == 1
    assert "is 8200x8200 pixels: decoded, it would take 268960000 bytes, more than the " \
           "limit of 256 MB." in err
    reader = ipc.processes.startScript("process_b.py", "--key", key, "--print",
                                       env={"QT_IMAGEIO_MAXALLOC": "300"})
    _, err = reader.communicate(timeout=TIMEOUT)
    # Read whole: --print then says it is an image, with its decoded size.
    assert "holds an image (8200x8200 pixels), not a text" in err.decode()


def test_lowering_the_limit_refuses_a_small_image(ipc, tmp_path):
    small = tmp_path / "small.png"
    assert QImage(600, 600, QImage.Format_ARGB32).save(str(small))
    key = ipc.key()
    status, out, err = runWith(ipc, {"QT_IMAGEIO_MAXALLOC": "1"}, "process_a.py", "--key", key,
                               "--image", str(small))
    assert (status, out) == (1, b"")
    assert "The image in {} is 600x600 pixels: decoded, it would take 1440000 bytes, more " \
           "than the limit of 1 MB.".format(small) in err


def runWith(ipc, env, name, *args):
    """ipc.run() with `env` added to the environment."""
    process = ipc.processes.startScript(name, *args, env=env, stdin=subprocess.DEVNULL)
    out, err = process.communicate(timeout=TIMEOUT)
    return process.returncode, out, err.decode()


def qt6(env, *paths):
    """Qt 6's own limit and verdicts (qt6_image_limit.py, PySide6)."""
    import importlib.util
    if importlib.util.find_spec("PySide6") is None:  # looked for, never imported here
        missingPeer("PySide6 not installed (pip install PySide6-Essentials)")
    result = subprocess.run([sys.executable, os.path.join(HELPERS, "qt6_image_limit.py")]
                            + list(paths), env=dict(os.environ, **env), capture_output=True,
                            text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("setting", ["", "1", "0", "-0", "0x10", "010", " +300\t", "abc", "12abc",
                                     "-5", "2147483647", "2147483648", "1.5"])
def test_the_setting_is_read_as_qt6_reads_it(setting):
    assert allocationLimitMegabytes({"QT_IMAGEIO_MAXALLOC": setting}) == \
        qt6({"QT_IMAGEIO_MAXALLOC": setting})["limit"]


def test_sizes_are_counted_as_qt6_counts_them(tmp_path, qapp):
    # On each side of 1 MB, in the formats a reader decodes to: 32 bits a
    # pixel, 8 (counted as 32), 16-bit RGBA (64), a palette (8, as 32).
    images = []
    for width, halfWidth in ((512, 256), (513, 257)):
        images.append(QImage(width, 512, QImage.Format_ARGB32))
        images.append(QImage(width, 512, QImage.Format_Grayscale8))
        images.append(QImage(width, 512, QImage.Format_Indexed8))
        images.append(QImage(halfWidth, 512, QImage.Format_RGBA64))
    paths = []
    for number, image in enumerate(images):
        if image.format() == QImage.Format_Indexed8:
            image.setColorTable([0xff000000 + n for n in range(256)])
        image.fill(0)
        paths.append(str(tmp_path / "{}.png".format(number)))
        assert image.save(paths[-1]), paths[-1]
    paths.append(str(tmp_path / "512.jpg"))
    assert QImage(512, 512, QImage.Format_RGB32).save(paths[-1])
    paths.append(str(tmp_path / "513.jpg"))
    assert QImage(513, 512, QImage.Format_RGB32).save(paths[-1])
    ours = [ImageSizeLimit(1).allowsFile(path) for path in paths]
    theirs = qt6({"QT_IMAGEIO_MAXALLOC": "1"}, *paths)["reads"]
    assert ours == theirs
    assert True in ours and False in ours


# --- A segment larger than the system allows -------------------------------------------------

SIX_MB_TEXT = "共" * (3 * 1024 * 1024)  # 6291456 bytes of UTF-16, then the length
SIX_MB = len(layout(SIX_MB_TEXT))


def test_a_says_what_a_text_too_large_for_the_system_needs(ipc, cappedSegments):
    key = ipc.key()
    status, out, err = ipc.run("process_a.py", "--key", key, "--text-file",
                               ipc.textFile(SIX_MB_TEXT), command=cappedSegments)
    assert (status, out) == (1, b"")
    assert "The shared memory segment would need {} bytes; nothing was written. This system " \
           "allows at most {} bytes in one segment (kernel.shmmax). To raise it, as root: " \
           "sysctl -w kernel.shmmax={}".format(SIX_MB, MACOS_SHMMAX, SIX_MB) in err, err
    assert "Traceback" not in err


def writeTwice(ipc, cappedSegments, first, second, *extra):
    """write_twice.py in the capped namespace: process A's window sharing
    `first` (a text), then `second` (a text file or a .png), then process B
    reading; returns what the helper reports."""
    firstFile = os.path.join(ipc.directory, "first-text")
    with open(firstFile, "w", encoding="utf-8") as file:
        file.write(first)
    process = ipc.processes.start(
        list(cappedSegments) + [os.path.join(HELPERS, "write_twice.py"), ipc.key(),
                                firstFile, second] + list(extra),
        env={"PYTHONPATH": REPO}, stdin=subprocess.DEVNULL)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err.decode()
    return json.loads(out)


def test_a_window_keeps_its_text_when_the_next_is_too_large(ipc, cappedSegments):
    result = writeTwice(ipc, cappedSegments, "shared before", ipc.textFile(SIX_MB_TEXT))
    assert result["first"] == len(layout("shared before"))
    assert result["second"] is False
    assert result["secondStatus"].startswith(
        "The shared memory segment would need {} bytes; nothing was written. This system "
        "allows at most {} bytes".format(SIX_MB, MACOS_SHMMAX))
    assert result["read"] == [0, "shared before", ""]


def test_a_window_keeps_its_text_when_an_image_is_too_large(ipc, cappedSegments, tmp_path):
    # Noise does not compress: its PNG, and so `out << image`, is over 4 MB.
    noise = QImage(os.urandom(1100 * 1000 * 4), 1100, 1000, QImage.Format_ARGB32)
    path = str(tmp_path / "noise.png")
    assert noise.save(path)
    assert os.path.getsize(path) > MACOS_SHMMAX
    result = writeTwice(ipc, cappedSegments, "shared before", path)
    assert result["second"] is False
    assert "nothing was written. This system allows at most {} bytes in one segment " \
           "(kernel.shmmax)".format(MACOS_SHMMAX) in result["secondStatus"]
    assert result["read"] == [0, "shared before", ""]


def test_create_says_what_it_needs_where_the_cap_cannot_be_read_first(ipc, cappedSegments):
    # Where the cap cannot be read beforehand, create() meets it: the message
    # still says what is needed. The previous segment is gone by then (the
    # blog's step 2 detached from it): only a cap read beforehand keeps it.
    result = writeTwice(ipc, cappedSegments, "shared before", ipc.textFile(SIX_MB_TEXT),
                        "blind")
    assert result["second"] is False
    assert result["secondStatus"] == (
        "Unable to create shared memory segment: QSharedMemory::handle: system-imposed size "
        "restrictions. The segment needs {0} bytes. This system limits the size of one "
        "segment (SHMMAX where shared memory is System V); raise it to at least {0} bytes."
        .format(SIX_MB))
    assert result["read"][0] == 1


# --- Privileges the kernel may refuse ----------------------------------------------------------

def test_a_refused_privilege_skips_with_the_kernels_words_and_fails_under_ci(monkeypatch):
    # Without root's capabilities (setpriv drops them), unshare is refused,
    # as in a container without CAP_SYS_ADMIN.
    import shutil
    if not shutil.which("setpriv"):
        missingPeer("setpriv not installed (apt-get install util-linux)")
    probe = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             "unshare", "--ipc", "true")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        privileged("a private IPC namespace", probe)
    assert "a private IPC namespace: refused here (setpriv" in str(skipped.value)
    assert "Operation not permitted" in str(skipped.value)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        privileged("a private IPC namespace", probe)
    assert "Operation not permitted" in str(failed.value)
