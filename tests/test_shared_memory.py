"""Process A and process B with real processes and real System V segments:
exact round trips, the bytes in the segment, crashes, two writers, a reader
racing a writer, and data that is not a text. Every test has its own key and
must leave no process, segment, semaphore or key file behind."""

import json
import os
import pwd
import random
import signal
import struct
import subprocess
import sys
import sysconfig
import time

import pytest
import sysv_ipc
from PyQt5.QtCore import QDir, QSharedMemory, Qt

from peers import HELPERS, missingPeer
from testbed.oracle import layout
from testbed.processes import TIMEOUT, readLine
from testbed.sysv import findSegment, keyFiles, semaphoreOf, semaphoreValue
from qtipc import __version__
from qtipc.sysv import ipcKey, segmentKeyFile, semaphoreKeyFile

NOT_ATTACHED = "Unable to attach to shared memory segment."
NOT_WRITTEN = "Nothing has been written to the shared memory segment yet."

TEXTS = {
    "empty": "",
    "one-character": "x",
    "ascii": "The quick brown fox jumps over the lazy dog.",
    "chinese": "共享内存方式实现进程间通信",
    "emoji-outside-bmp": "😀🦊 𝄞 text 🐍",
    "mixed-line-endings": "unix\nwindows\r\nold mac\rend\r\n\n\r",
    "nul-and-bom": "\ufeffa\x00b",
}


# --- Round trips and the bytes in the segment -----------------------------------------

@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_text_goes_from_a_to_b_exactly(ipc, text):
    key = ipc.key()
    ipc.startWriter(key, text)
    assert ipc.segmentBytes(key) == layout(text)
    status, out, err = ipc.read(key)
    assert (status, out) == (0, text.encode("utf-8")), err


def test_64_mib_text_goes_from_a_to_b_exactly(ipc):
    size = 64 * 1024 * 1024
    block = "Qt IPC 共享内存 😀🦊 \r\n".encode("utf-8")
    text = (block * (size // len(block))).decode("utf-8")
    text += "x" * (size - len(block) * (size // len(block)))
    assert len(text.encode("utf-8")) == size
    key = ipc.key()
    ipc.startWriter(key, text)
    assert ipc.segmentBytes(key) == layout(text)
    status, out, err = ipc.read(key)
    assert status == 0, err
    assert out == text.encode("utf-8")


def test_text_given_on_the_command_line(ipc):
    key = ipc.key()
    writer = ipc.processes.startScript("process_a.py", "-platform", "offscreen", "--key", key,
                                   "--text", "π ≈ 3.14159 😀")
    assert readLine(writer) == "written {} bytes\n".format(len(layout("π ≈ 3.14159 😀")))
    status, out, err = ipc.run("process_b.py", "--print", "--key", key,
                           "-platform", "offscreen")
    assert (status, out.decode()) == (0, "π ≈ 3.14159 😀"), err


def test_text_from_standard_input(ipc):
    key = ipc.key()
    writer = ipc.processes.startScript("process_a.py", "--key", key, "--text-file", "-",
                                   stdin=subprocess.PIPE)
    writer.stdin.write("line 1\r\nline 2".encode("utf-8"))
    writer.stdin.close()
    assert readLine(writer).startswith("written ")
    assert ipc.read(key)[1] == b"line 1\r\nline 2"


def readingStandardInput(pid):
    """True once `pid` waits in read(2) on its standard input (Linux)."""
    try:
        with open("/proc/{}/syscall".format(pid)) as syscall:
            return syscall.read().split()[:2] == ["0", "0x0"]
    except OSError:
        return False


@pytest.mark.parametrize("signalNumber", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_reading_standard_input_quits_on_a_signal_and_writes_nothing(ipc, signalNumber):
    key = ipc.key()
    writer = ipc.processes.startScript("process_a.py", "--key", key, "--text-file", "-",
                                       stdin=subprocess.PIPE)
    deadline = time.monotonic() + TIMEOUT
    while not readingStandardInput(writer.pid):
        assert writer.poll() is None and time.monotonic() < deadline, "never read stdin"
        time.sleep(0.01)
    writer.send_signal(signalNumber)
    assert writer.wait(TIMEOUT) == 1
    assert writer.stdout.read() == b"" and b"Traceback" not in writer.stderr.read()
    assert findSegment(key) is None


@pytest.mark.parametrize("data, text", [
    (layout(""), ""),
    (b"\xff\xff\xff\xff", ""),  # a null QString
    (layout("ascii"), "ascii"),
    (layout("中文 😀\r\n"), "中文 😀\r\n"),
], ids=["empty", "null", "ascii", "chinese-emoji"])
def test_b_reads_the_layout_any_qt_writer_makes(ipc, data, text):
    key = ipc.key()
    ipc.foreignSegment(key, data)
    status, out, err = ipc.read(key)
    assert (status, out) == (0, text.encode("utf-8")), err


def test_nothing_to_read_before_a_writer_starts(ipc):
    key = ipc.key()
    status, out, err = ipc.read(key)
    assert (status, out) == (1, b"")
    assert NOT_ATTACHED in err
    # and reading made no semaphore nor key file for the key
    assert semaphoreOf(key) is None
    assert not os.path.exists(semaphoreKeyFile(key))


def test_segment_lives_as_long_as_the_writer(ipc):
    key = ipc.key(" any Ключ/共享 key")
    writer = ipc.startWriter(key, "short-lived")
    segment = findSegment(key)
    assert (segment.creatorPid, segment.attachCount) == (writer.pid, 1)
    assert segmentKeyFile(key) == QSharedMemory(key).nativeKey()
    assert os.path.exists(segmentKeyFile(key)) and os.path.exists(semaphoreKeyFile(key))
    assert ipc.read(key)[:2] == (0, b"short-lived")
    writer.send_signal(signal.SIGTERM)
    assert writer.wait(TIMEOUT) == 0
    assert findSegment(key) is None
    assert ipc.read(key)[0] == 1


# --- Crashes -----------------------------------------------------------------------------

def test_writer_killed_leaves_its_segment_and_a_new_writer_takes_over(ipc):
    key = ipc.key()
    crashed = ipc.startWriter(key, "old text")
    crashed.kill()
    crashed.wait(TIMEOUT)
    segment = findSegment(key)
    assert segment is not None, "SIGKILL should leave the segment behind"
    assert (segment.creatorPid, segment.attachCount) == (crashed.pid, 0)

    ipc.startWriter(key, "new text")
    assert findSegment(key).shmid != segment.shmid
    assert ipc.read(key)[:2] == (0, b"new text")


def test_writer_killed_holding_the_lock_does_not_hang_the_reader(ipc):
    key = ipc.key()
    writer = ipc.startHelper("hold_the_lock.py", key, "locked text")
    assert readLine(writer) == "locked\n"
    assert semaphoreValue(key) == 0
    writer.kill()
    writer.wait(TIMEOUT)
    assert semaphoreValue(key) == 1  # SEM_UNDO gave it back
    assert ipc.read(key)[:2] == (0, b"locked text")

    # A new writer cleans up what the killed one left (its semaphore).
    writer = ipc.processes.startScript("process_a.py", "--key", key, "--text", "after")
    assert readLine(writer).startswith("written")
    assert ipc.read(key)[:2] == (0, b"after")


# --- Two writers -------------------------------------------------------------------------

def test_second_live_writer_is_refused_and_the_first_text_stays(ipc):
    key = ipc.key()
    first = ipc.startWriter(key, "first")
    status, out, err = ipc.run("process_a.py", "--key", key, "--text", "second")
    assert status == 1 and out == b""
    assert "Another process (pid {}) is sharing memory under the key {}".format(first.pid, key) \
        in err
    assert first.poll() is None
    assert ipc.segmentBytes(key) == layout("first")
    assert ipc.read(key)[:2] == (0, b"first")


def test_writer_never_destroys_a_live_foreign_segment(ipc):
    key = ipc.key()
    ipc.foreignSegment(key, b"not ours")
    status, _, err = ipc.run("process_a.py", "--key", key, "--text", "mine")
    assert status == 1
    assert "Another process (pid {})".format(os.getpid()) in err
    assert ipc.segmentBytes(key) == b"not ours"


# --- A reader racing a writer -------------------------------------------------------------

def test_reader_racing_a_writer_sees_whole_texts_and_never_makes_a_write_fail(
        ipc, tmp_path):
    key = ipc.key()
    rounds = 1000
    loops = {}
    for role in ("writer", "reader"):
        with open(tmp_path / (role + ".err"), "wb") as err:
            loops[role] = ipc.startHelper("race_loop.py", role, key, rounds, NOT_ATTACHED,
                                      NOT_WRITTEN, stderr=err)
    # Both loop until both have done their rounds, so that they overlap; the
    # reader stops first, and the writer goes on writing while it exits.
    for role, loop in loops.items():
        assert readLine(loop) == "minimum\n", (tmp_path / (role + ".err")).read_text()
    results = {}
    for role in ("reader", "writer"):
        loops[role].stdin.close()
        results[role] = json.loads(readLine(loops[role]))
        assert loops[role].wait(TIMEOUT) == 0
    writer, reader = results["writer"], results["reader"]
    assert writer["failures"] == [] and writer["rounds"] >= rounds
    assert reader["bad"] == [] and reader["rounds"] >= rounds
    assert reader["texts"] > 0, reader


def test_reader_attached_for_a_moment_does_not_make_a_write_fail(ipc, qtbot):
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    assert widget.sendStrToMemory("one")
    reader = ipc.startHelper("linger.py", key, "yes")
    assert readLine(reader) == "attached\n"
    # The old segment outlives the writer's detach until the reader lets go.
    assert widget.sendStrToMemory("two")
    assert readLine(reader) == "writer detached\n"
    assert reader.wait(TIMEOUT) == 0
    assert ipc.read(key)[:2] == (0, b"two")


def test_reader_that_never_lets_go_makes_a_write_fail_clearly(ipc, qtbot):
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    widget.m_sharedMemory.READER_WAIT_MS = 200
    assert widget.sendStrToMemory("one")
    reader = ipc.startHelper("linger.py", key, "no")
    assert readLine(reader) == "attached\n"
    assert not widget.sendStrToMemory("two")
    assert "still in use by 1 process(es)" in widget.ui.statusLabel.text()
    reader.stdin.close()
    assert reader.wait(TIMEOUT) == 0
    assert widget.sendStrToMemory("three")
    assert ipc.read(key)[:2] == (0, b"three")


# --- What is not a text ----------------------------------------------------------------------

NOT_TEXTS = {
    "random-bytes": (random.Random(3).randbytes(64), "does not hold"),
    "too-small": (b"\x00\x00", "too small (2 bytes)"),
    "odd-length": (struct.pack(">I", 3) + b"abc", "odd number of bytes"),
    "cut-off": (layout("cut off")[:9], "says 14 bytes, but only 5 follow"),
    "huge-length": (struct.pack(">I", 0x7ffffffe) + b"ab", "says 2147483646 bytes, but only 2"),
    "bytes-after-text": (layout("text") + b"junk", "4 bytes follow it"),
    "unpaired-surrogate": (struct.pack(">I", 4) + b"\xd8\x00\x00A", "not hold valid UTF-16"),
    "zero-filled": (bytes(16), NOT_WRITTEN),
}


@pytest.mark.parametrize("data, message", NOT_TEXTS.values(), ids=NOT_TEXTS.keys())
def test_b_explains_data_that_is_not_a_text(ipc, data, message):
    key = ipc.key()
    ipc.foreignSegment(key, data)
    status, out, err = ipc.read(key)
    assert (status, out) == (1, b"")
    assert message in err
    assert "Traceback" not in err


def test_b_releases_the_lock_and_detaches_on_bad_data(ipc, qtbot):
    from process_b import Widget_PB
    key = ipc.key()
    memory = ipc.foreignSegment(key, struct.pack(">I", 1000) + b"xy")
    widget = ipc.keep(Widget_PB(key))
    assert "only 2 follow" in widget.loadStrFromMemory()
    assert "only 2 follow" in widget.errorString()
    assert not widget.m_sharedMemory.isAttached()
    assert semaphoreValue(key) == 1
    assert findSegment(key).attachCount == 1  # only the foreign writer
    assert memory.lock()
    memory.unlock()


# --- The windows ------------------------------------------------------------------------------

def test_windows_share_typed_text_once_per_click(ipc, qtbot):
    from process_a import Widget_PA
    from process_b import Widget_PB
    key = ipc.key()
    writer = ipc.keep(Widget_PA(key))
    reader = ipc.keep(Widget_PB(key))
    calls = []
    for widget, method in ((writer, "sendStrToMemory"), (reader, "loadStrFromMemory")):
        original = getattr(widget, method)
        setattr(widget, method, lambda *a, original=original: calls.append(1) or original(*a))
    text = "typed <b>not bold</b>\n第二行"
    writer.show()
    reader.show()
    writer.ui.textEdit.setPlainText(text)
    qtbot.mouseClick(writer.ui.pushButton, Qt.LeftButton)
    assert "Wrote {} bytes".format(len(layout(text))) in writer.ui.statusLabel.text()
    qtbot.mouseClick(reader.ui.pushButton, Qt.LeftButton)
    assert reader.ui.textEdit.toPlainText() == text
    assert len(calls) == 2, "a slot ran more than once per click"

    writer.close()  # the segment lives as long as the window
    assert findSegment(key) is None
    qtbot.mouseClick(reader.ui.pushButton, Qt.LeftButton)
    assert reader.ui.textEdit.toPlainText() == NOT_ATTACHED


def test_b_window_shows_a_leading_bom_beside_an_emoji(ipc, qtbot):
    # PyQt5 hands QTextEdit such a text one U+FEFF short unless told.
    from process_a import Widget_PA
    from process_b import Widget_PB
    key = ipc.key()
    writer = ipc.keep(Widget_PA(key))
    reader = ipc.keep(Widget_PB(key))
    text = "\ufeff\U0001F600 and the rest"
    assert writer.sendStrToMemory(text)
    qtbot.mouseClick(reader.ui.pushButton, Qt.LeftButton)
    assert reader.ui.textEdit.toPlainText() == text


def test_a_refused_write_shows_why_in_the_window(ipc, qtbot):
    from process_a import Widget_PA
    key = ipc.key()
    first = ipc.keep(Widget_PA(key))
    second = ipc.keep(Widget_PA(key))
    assert first.sendStrToMemory("first")
    second.ui.textEdit.setPlainText("second")
    qtbot.mouseClick(second.ui.pushButton, Qt.LeftButton)
    assert "Another process (pid {})".format(os.getpid()) in second.ui.statusLabel.text()
    assert not second.sendStrToMemory("a\udc80b")
    assert "not valid Unicode" in second.ui.statusLabel.text()
    assert ipc.segmentBytes(key) == layout("first")


# --- Command lines -----------------------------------------------------------------------------

@pytest.mark.parametrize("args, status, message", [
    (["--text", "a", "--text-file", "b"], 2, "either --text or --text-file"),
    (["--text-file", "/nonexistent/text"], 1, "Cannot read /nonexistent/text"),
    (["--key", ""], 2, "The key must not be empty."),
    (["--no-such-option"], 2, "Unknown option 'no-such-option'"),
    (["stray"], 2, "Unexpected argument: stray"),
], ids=["text-and-file", "missing-file", "empty-key", "unknown-option", "positional"])
def test_a_rejects_bad_options_clearly(ipc, args, status, message):
    """A usage error exits 2, a file that cannot be read 1 (the convention)."""
    exitStatus, out, err = ipc.run("process_a.py", *args)
    assert exitStatus == status and message in err and "Traceback" not in err


def test_a_rejects_a_file_that_is_not_utf8(ipc, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("café".encode("latin-1"))
    status, _, err = ipc.run("process_a.py", "--key", ipc.key(), "--text-file", str(path))
    assert status == 1 and "is not UTF-8 text (byte 3 is invalid)" in err


@pytest.mark.parametrize("name, options", [
    ("process_a.py", ["--key", "--text", "--text-file"]),
    ("process_b.py", ["--key", "--print"]),
])
def test_help_documents_the_options(ipc, name, options):
    status, out, _ = ipc.run(name, "--help")
    assert status == 0
    for option in options:
        assert option in out.decode()


def installedCommand(name):
    """The command pip installed for `name` beside this interpreter."""
    path = os.path.join(sysconfig.get_path("scripts"), name)
    if not os.access(path, os.X_OK):
        missingPeer("{} is not installed in this interpreter; run 'sh quickstart.sh test'"
                    .format(name))
    return path


@pytest.mark.parametrize("name", ["process-a", "process-b"])
def test_installed_command_prints_its_version(name, tmp_path):
    result = subprocess.run([installedCommand(name), "--version"], cwd=str(tmp_path),
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert (result.returncode, result.stdout.split()) == (0, [name, __version__]), result.stderr


def test_installed_commands_share_a_text(ipc, tmp_path):
    key = ipc.key()
    writer = ipc.processes.start([installedCommand("process-a"), "--key", key, "--text", "π 😀"],
                                 cwd=str(tmp_path))
    assert readLine(writer) == "written {} bytes\n".format(len(layout("π 😀")))
    reader = ipc.processes.start([installedCommand("process-b"), "--key", key, "--print"],
                                 cwd=str(tmp_path))
    out, err = reader.communicate(timeout=TIMEOUT)
    assert (reader.returncode, out) == (0, "π 😀".encode("utf-8")), err


# --- A lock held by a stopped process ---------------------------------------------------------

def stoppedLockHolder(ipc, key):
    """A reader of `key` holding its lock, stopped (as by Ctrl+Z)."""
    holder = ipc.startHelper("hold_the_lock.py", key)
    assert readLine(holder) == "locked\n"
    holder.send_signal(signal.SIGSTOP)
    return holder


def resumeAndRelease(holder):
    holder.send_signal(signal.SIGCONT)
    holder.stdin.close()
    assert holder.wait(TIMEOUT) == 0, holder.stderr.read().decode()


@pytest.mark.parametrize("signalNumber", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_b_waiting_for_a_stopped_lock_holder_quits_on_a_signal(ipc, signalNumber):
    key = ipc.key()
    ipc.startWriter(key, "held")
    holder = stoppedLockHolder(ipc, key)
    reader = ipc.processes.startScript("process_b.py", "--key", key, "--print")
    line = readLine(reader, stream="stderr")
    assert "Waiting for the shared memory lock, held by process {}".format(holder.pid) in line
    reader.send_signal(signalNumber)
    out, err = reader.communicate(timeout=TIMEOUT)
    assert (reader.returncode, out) == (1, b"")
    assert "Stopped waiting for the shared memory lock held by process {}".format(holder.pid) \
        in err.decode()
    resumeAndRelease(holder)
    assert ipc.read(key)[:2] == (0, b"held")


@pytest.mark.parametrize("signalNumber", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_quits_on_a_signal_while_a_stopped_reader_holds_the_lock(ipc, signalNumber):
    key = ipc.key()
    writer = ipc.startWriter(key, "held")
    holder = stoppedLockHolder(ipc, key)
    writer.send_signal(signalNumber)
    assert writer.wait(TIMEOUT) == 0
    err = writer.stderr.read().decode()
    assert "Left the shared memory segment without the lock, which process {} holds".format(
        holder.pid) in err
    # The reader still has the text; it removes the segment when it detaches
    # (and the fixture checks that nothing is left).
    assert findSegment(key).attachCount == 1
    resumeAndRelease(holder)
    assert findSegment(key) is None


def test_a_window_waiting_for_the_lock_says_who_holds_it(ipc, qtbot):
    from PyQt5.QtCore import QTimer
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    widget.show()
    assert widget.sendStrToMemory("one")
    holder = stoppedLockHolder(ipc, key)
    seen = []

    def whileWaiting():
        # Runs in the event loop the wait keeps going.
        seen.append(widget.ui.statusLabel.text())
        resumeAndRelease(holder)

    QTimer.singleShot(0, whileWaiting)
    assert widget.sendStrToMemory("two"), widget.ui.statusLabel.text()
    assert seen == ["Waiting for the shared memory lock, held by process {}.".format(holder.pid)]
    assert ipc.read(key)[:2] == (0, b"two")


def test_a_window_closes_at_once_while_a_stopped_reader_holds_the_lock(ipc, qtbot):
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    widget.show()
    assert widget.sendStrToMemory("one")
    holder = stoppedLockHolder(ipc, key)
    widget.close()
    assert findSegment(key).attachCount == 1  # only the stopped reader
    resumeAndRelease(holder)
    assert findSegment(key) is None


# --- Output cut short ----------------------------------------------------------------------------

def test_b_print_exits_1_when_its_output_is_cut(ipc):
    key = ipc.key()
    text = "共享内存 shared memory\n" * 50000  # more than a pipe holds
    ipc.startWriter(key, text)
    reader = ipc.processes.startScript("process_b.py", "--key", key, "--print")
    assert reader.stdout.read(10) == text.encode("utf-8")[:10]  # as `| head -c 10` does
    reader.stdout.close()
    assert reader.wait(TIMEOUT) == 1
    assert "The text was not written whole" in reader.stderr.read().decode()


# --- Where platform facilities are missing ------------------------------------------------------

WITHOUT_UNIX = (sys.executable, os.path.join(HELPERS, "without_unix.py"))
# withoutSysvipcList (conftest.py): /proc/sysvipc hidden, as on macOS.


@pytest.mark.parametrize("text", [TEXTS["chinese"], TEXTS["emoji-outside-bmp"],
                                  TEXTS["nul-and-bom"]], ids=["chinese", "emoji", "nul-and-bom"])
def test_text_goes_from_a_to_b_exactly_as_on_windows(ipc, text):
    key = ipc.key()
    ipc.startWriter(key, text, command=WITHOUT_UNIX)
    assert ipc.segmentBytes(key) == layout(text)
    status, out, err = ipc.read(key, command=WITHOUT_UNIX)
    assert (status, out) == (0, text.encode("utf-8")), err


def test_second_writer_is_refused_clearly_as_on_windows(ipc):
    key = ipc.key()
    ipc.startWriter(key, "first", command=WITHOUT_UNIX)
    status, _, err = ipc.run("process_a.py", "--key", key, "--text", "second",
                             command=WITHOUT_UNIX)
    assert status == 1
    assert "Shared memory under the key {} is in use".format(key) in err
    assert "System V IPC cannot be used here" in err and "Traceback" not in err
    assert ipc.read(key, command=WITHOUT_UNIX)[:2] == (0, b"first")


def test_text_goes_from_a_to_b_exactly_without_the_segment_list(ipc, withoutSysvipcList):
    key = ipc.key()
    text = TEXTS["mixed-line-endings"] + TEXTS["emoji-outside-bmp"]
    ipc.startWriter(key, text, command=withoutSysvipcList)
    status, out, err = ipc.read(key, command=withoutSysvipcList)
    assert (status, out) == (0, text.encode("utf-8")), err


def test_crashed_writer_is_reported_without_the_segment_list(ipc, withoutSysvipcList):
    key = ipc.key()
    crashed = ipc.startWriter(key, "old", command=withoutSysvipcList)
    crashed.kill()
    crashed.wait(TIMEOUT)
    status, _, err = ipc.run("process_a.py", "--key", key, "--text", "new",
                             command=withoutSysvipcList)
    assert status == 1
    assert "left by a writer that crashed" in err and "no /proc/sysvipc" in err
    # Where the list is, a writer clears it (and the fixture checks it is gone).
    ipc.startWriter(key, "new")
    assert ipc.read(key)[:2] == (0, b"new")


@pytest.mark.parametrize("text", ["", "hi", "x" * 2045], ids=["empty", "short", "near-4k"])
def test_reader_takes_the_zeros_of_page_rounding_only_where_qt_rounds(monkeypatch, text):
    # On Windows QSharedMemory.size() is rounded up to whole 4 KiB pages, so
    # a text is followed by zeros there; elsewhere a segment is as long as
    # its data, and bytes after the text mean it is not just a text.
    from PyQt5.QtCore import QBuffer, QByteArray, QDataStream
    from qtipc import segment_format

    padded = layout(text).ljust(4096, b"\0")

    def read():
        data = QByteArray(padded)
        buffer = QBuffer(data)
        buffer.open(QBuffer.ReadOnly)
        reader = segment_format.SegmentFormat()
        return reader.readText(QDataStream(buffer), padded), reader.errorString()

    monkeypatch.setattr(segment_format, "SEGMENT_PAGE_SIZE", 4096)
    assert read() == (text, "")
    monkeypatch.setattr(segment_format, "SEGMENT_PAGE_SIZE", None)
    assert read()[1] in ("Nothing has been written to the shared memory segment yet.",
                         "The shared memory segment does not hold just a text: {} bytes "
                         "follow it.".format(4096 - len(layout(text))))


# --- Another user's segment or lock, and a lock nobody releases ---------------------------------

REFUSED = ("Refused the shared memory {} of the key {}: it belongs to user nobody (uid {}), not "
           "to this user; nothing was read or written.")
# A segment made by another user: test_shm_cxx.py's blog writer run as nobody.


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a semaphore to another user needs root")
def test_a_lock_given_to_another_user_is_refused(ipc):
    key = ipc.key()
    nobody = pwd.getpwnam("nobody")
    ipc.startWriter(key, "kept")
    semaphore = sysv_ipc.Semaphore(ipcKey(semaphoreKeyFile(key)))
    semaphore.uid = nobody.pw_uid
    try:
        status, out, err = ipc.read(key)
        assert (status, out) == (1, b"")
        # Said once, as why B could not attach (its window shows the same line).
        assert err.splitlines() == ["Unable to attach to shared memory segment: " +
                                    REFUSED.format("lock", key, nobody.pw_uid)]
    finally:
        semaphore.uid = 0
    assert ipc.read(key)[:2] == (0, b"kept")


@pytest.mark.parametrize("what", ["lock", "segment"])
def test_a_segment_or_lock_other_users_may_use_is_refused(ipc, what):
    key = ipc.key()
    ipc.startWriter(key, "kept")
    owner = pwd.getpwuid(os.geteuid()).pw_name
    if what == "lock":
        shared = sysv_ipc.Semaphore(ipcKey(semaphoreKeyFile(key)))
    else:
        shared = sysv_ipc.SharedMemory(ipcKey(segmentKeyFile(key)))
        shared.detach()
    shared.mode = 0o666
    message = ("Refused the shared memory {} of the key {} of user {} (uid {}): its mode 0666 "
               "lets other users read or write it (Qt makes 0600); nothing was read or written."
               .format(what, key, owner, os.geteuid()))
    for run in (lambda: ipc.read(key), lambda: ipc.run("process_a.py", "--key", key, "--text",
                                                         "other")):
        status, out, err = run()
        assert (status, out) == (1, b"") and message in err
    shared.mode = 0o600
    assert ipc.read(key)[:2] == (0, b"kept")


def lockOnlyHolder(ipc, key):
    """A stopped process holding the lock of `key`, where no segment is."""
    holder = ipc.startHelper("lock_only.py", key)
    assert readLine(holder) == "locked\n"
    holder.send_signal(signal.SIGSTOP)
    return holder


def test_a_lock_nobody_releases_makes_a_and_b_give_up_clearly(ipc, tmp_path):
    from PyQt5.QtGui import QImage
    image = str(tmp_path / "image.png")
    assert QImage(4, 4, QImage.Format_RGB32).save(image)
    keyA, keyB = ipc.key(), ipc.key()
    ipc.startWriter(keyB, "held")
    holders = {keyA: lockOnlyHolder(ipc, keyA), keyB: stoppedLockHolder(ipc, keyB)}
    waiting = [(keyA, ["process_a.py", "--key", keyA, "--text", "x"]),
               (keyA, ["process_a.py", "--key", keyA, "--text-file", ipc.textFile("x")]),
               (keyA, ["process_a.py", "--key", keyA, "--image", image]),
               (keyB, ["process_b.py", "--key", keyB, "--print"]),
               (keyB, ["process_b.py", "--key", keyB, "--save-image", str(tmp_path / "b.png")])]
    started = [(key, ipc.processes.startScript(*args)) for key, args in waiting]
    for key, process in started:
        out, err = process.communicate(timeout=TIMEOUT + 10)
        assert (process.returncode, out) == (1, b""), err
        assert ("Gave up waiting for the shared memory lock after 10 seconds: process {} "
                "holds it. To free the lock, quit that process.".format(holders[key].pid)
                in err.decode())
    assert not os.path.exists(tmp_path / "b.png") and findSegment(keyA) is None
    for holder in holders.values():
        resumeAndRelease(holder)
    assert ipc.read(keyB)[:2] == (0, b"held")


# --- Keys Qt 5's key files cannot hold -----------------------------------------------------------

def asciiLetters(key):
    return sum(1 for ch in key if ch.isascii() and ch.isalpha())


@pytest.mark.parametrize("letters", [197, 198])
def test_the_key_limit_is_where_qt5_key_files_end(ipc, letters):
    # 255 bytes of a file name, less "qipc_sharedmemory_" and a SHA-1 in hex.
    from qtipc.system_limits import keyFileProblem
    key = ipc.key()
    key += "a" * (letters - asciiLetters(key))
    ipc.keys.append(key)
    memory = ipc.keep(QSharedMemory(key))
    assert memory.create(1) == (letters == 197) == (keyFileProblem(key) == "")


def test_a_key_too_long_for_qt5_key_files_is_refused_before_anything_is_made(ipc):
    key = ipc.key("a" * 300)
    for args in (["process_a.py", "--text", "x"], ["process_b.py", "--print"]):
        status, out, err = ipc.run(args[0], "--key", key, *args[1:])
        assert (status, out) == (2, b"")
        assert ("The key has {} ASCII letters; Qt 5 puts them in the names of its key files in "
                "{}, of at most 255 bytes, so a key may have at most 197 ASCII letters (other "
                "characters do not count).".format(asciiLetters(key), QDir.tempPath()) in err)
    assert not [path for path in keyFiles(key) if os.path.exists(path)]


def test_a_key_of_300_cjk_characters_goes_from_a_to_b(ipc):
    key = ipc.key("共享内存" * 75)
    ipc.startWriter(key, "长键")
    assert ipc.read(key)[:2] == (0, "长键".encode("utf-8"))


def test_a_reader_giving_up_on_the_lock_leaves_the_segment_at_once(ipc, qtbot):
    from qtipc.shared_memory import SharedMemory
    key = ipc.key()
    ipc.startWriter(key, "held")
    notices = []
    reader = SharedMemory(notice=notices.append)
    reader.setKey(key)
    assert reader.attachToWritten() and findSegment(key).attachCount == 2
    holder = stoppedLockHolder(ipc, key)
    assert not reader.lockWhenFree()
    assert reader.errorString().startswith("Gave up waiting for the shared memory lock after 10 "
                                           "seconds: process {} holds it.".format(holder.pid))
    assert notices[-1] == ("Left the shared memory segment without the lock, which process {} "
                           "holds.".format(holder.pid))
    # Left, not destroyed: nothing waits for the lock again, here or at exit.
    assert findSegment(key).attachCount == 2 and not reader.detachWhenFree()
    resumeAndRelease(holder)
    assert ipc.read(key)[:2] == (0, b"held")
