"""Process A and process B with real processes and real System V segments:
exact round trips, the bytes in the segment, crashes, two writers, a reader
racing a writer, and data that is not a text. Every test has its own key and
must leave no process, segment, semaphore or key file behind."""

import configparser
import ctypes
import json
import os
import queue
import random
import signal
import struct
import subprocess
import sys
import threading

import pytest
from PyQt5 import sip
from PyQt5.QtCore import QSharedMemory, Qt

from conftest import REPO, script, uniqueName
from qtipc.shared_memory import findSegment, ipcKey, segmentKeyFile, semaphoreKeyFile

TIMEOUT = 60  # seconds; only ever reached when something hangs

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


def layout(text):
    """The bytes QDataStream << QString writes with Qt 5: quint32 byte length,
    then UTF-16BE."""
    utf16 = text.encode("utf-16-be")
    return struct.pack(">I", len(utf16)) + utf16


# --- System V objects: what exists, and who made it ---------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_GETPID, _GETVAL = 11, 12


def _table(path):
    with open(path) as table:
        header = next(table).split()
        return [dict(zip(header, line.split())) for line in table]


def segments():
    return {int(row["shmid"]): row for row in _table("/proc/sysvipc/shm")}


def semaphores():
    return {int(row["semid"]): row for row in _table("/proc/sysvipc/sem")}


def semaphoreOf(key):
    """semid of the semaphore behind QSharedMemory(key).lock(), or None."""
    wanted = ipcKey(semaphoreKeyFile(key))
    for semid, row in semaphores().items():
        if wanted is not None and int(row["key"]) == wanted:
            return semid
    return None


def semaphoreValue(key):
    return _libc.semctl(semaphoreOf(key), 0, _GETVAL)


class Ipc:
    """Keys for one test, and the check that the test left nothing behind:
    no new segment created, and no new semaphore last used, by one of its
    processes (others may be using shared memory meanwhile), and no key
    file of one of its keys."""

    def __init__(self, processes):
        self.processes = processes
        self.keys = []
        self.objects = []
        self.segmentsBefore = set(segments())
        self.semaphoresBefore = set(semaphores())

    def key(self, suffix=""):
        key = uniqueName("shm") + suffix
        self.keys.append(key)
        return key

    def keep(self, qobject):
        """Deletes `qobject` (a widget or QSharedMemory of the test process)
        before the check, as the end of its program would."""
        self.objects.append(qobject)
        return qobject

    def leftovers(self):
        pids = {os.getpid()} | {process.pid for process in self.processes.started}
        found = []
        for shmid, row in segments().items():
            if shmid not in self.segmentsBefore and int(row["cpid"]) in pids:
                found.append(("-m", shmid))
        for semid in semaphores():
            if semid not in self.semaphoresBefore and _libc.semctl(semid, 0, _GETPID) in pids:
                found.append(("-s", semid))
        files = [path for key in self.keys for path in (segmentKeyFile(key), semaphoreKeyFile(key))
                 if os.path.exists(path)]
        return found, files

    def finish(self):
        self.processes.stopAll()
        for qobject in reversed(self.objects):
            if not sip.isdeleted(qobject):
                sip.delete(qobject)
        found, files = self.leftovers()
        for kind, ipcId in found:  # clean up, so that one failure does not cause others
            subprocess.run(["ipcrm", kind, str(ipcId)], check=False)
        for path in files:
            os.remove(path)
        assert not found and not files, "left behind: {} {}".format(found, files)


@pytest.fixture
def ipc(processes):
    tracker = Ipc(processes)
    yield tracker
    tracker.finish()


# --- Programs ----------------------------------------------------------------------

def readLine(process, timeout=TIMEOUT):
    """The next line `process` prints, or "" if it exits first; fails the test
    if neither happens in time."""
    lines = queue.Queue()

    def read():
        try:
            lines.put(process.stdout.readline().decode())
        except (ValueError, OSError):
            lines.put("")

    threading.Thread(target=read, daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        pytest.fail("{} printed nothing in {} s".format(process.args, timeout))


def startWriter(processes, tmp_path, key, text, *extra):
    """process_a.py sharing `text`, once it says it has written it."""
    path = tmp_path / "text-{}".format(len(processes.started))
    path.write_bytes(text.encode("utf-8"))
    writer = processes.startScript("process_a.py", "--key", key, "--text-file", str(path), *extra,
                                   stdin=subprocess.DEVNULL)
    line = readLine(writer)
    if line != "written {} bytes\n".format(len(layout(text))):
        writer.wait(TIMEOUT)
        pytest.fail("process A: {!r}, stderr {!r}".format(line, writer.stderr.read().decode()))
    return writer


def run(processes, name, *args, stdin=None):
    """Runs a program to its end: (exit status, stdout bytes, stderr text)."""
    process = processes.startScript(name, *args, stdin=subprocess.PIPE)
    out, err = process.communicate(stdin, timeout=TIMEOUT)
    return process.returncode, out, err.decode()


def read(processes, key):
    return run(processes, "process_b.py", "--key", key, "--print")


def startHelper(processes, source, *args, **kwargs):
    """A small Python program of the test, importing the project's code."""
    kwargs.setdefault("stdin", subprocess.PIPE)
    return processes.start([sys.executable, "-c", source] + [str(a) for a in args],
                           env={"PYTHONPATH": REPO}, **kwargs)


def segmentBytes(key):
    """The segment's bytes, read under its lock as process B does."""
    memory = QSharedMemory(key)
    assert memory.attach(QSharedMemory.ReadOnly), memory.errorString()
    assert memory.lock()
    data = memory.constData().asstring(memory.size())
    memory.unlock()
    memory.detach()
    return data


def foreignSegment(ipc, key, data):
    """A segment with `data` under `key`, made by the test process as any
    other Qt program would, held until the end of the test."""
    memory = ipc.keep(QSharedMemory(key))
    assert memory.create(len(data)), memory.errorString()
    memory.lock()
    pointer = memory.data()
    pointer.setsize(len(data))
    pointer[0:len(data)] = data
    memory.unlock()
    return memory


# --- Round trips and the bytes in the segment -----------------------------------------

@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_text_goes_from_a_to_b_exactly(ipc, processes, tmp_path, text):
    key = ipc.key()
    startWriter(processes, tmp_path, key, text)
    assert segmentBytes(key) == layout(text)
    status, out, err = read(processes, key)
    assert (status, out) == (0, text.encode("utf-8")), err


def test_64_mib_text_goes_from_a_to_b_exactly(ipc, processes, tmp_path):
    size = 64 * 1024 * 1024
    block = "Qt IPC 共享内存 😀🦊 \r\n".encode("utf-8")
    text = (block * (size // len(block))).decode("utf-8")
    text += "x" * (size - len(block) * (size // len(block)))
    assert len(text.encode("utf-8")) == size
    key = ipc.key()
    startWriter(processes, tmp_path, key, text)
    assert segmentBytes(key) == layout(text)
    status, out, err = read(processes, key)
    assert status == 0, err
    assert out == text.encode("utf-8")


def test_text_given_on_the_command_line(ipc, processes):
    key = ipc.key()
    writer = processes.startScript("process_a.py", "-platform", "offscreen", "--key", key,
                                   "--text", "π ≈ 3.14159 😀")
    assert readLine(writer) == "written {} bytes\n".format(len(layout("π ≈ 3.14159 😀")))
    status, out, err = run(processes, "process_b.py", "--print", "--key", key,
                           "-platform", "offscreen")
    assert (status, out.decode()) == (0, "π ≈ 3.14159 😀"), err


def test_text_from_standard_input(ipc, processes):
    key = ipc.key()
    writer = processes.startScript("process_a.py", "--key", key, "--text-file", "-",
                                   stdin=subprocess.PIPE)
    writer.stdin.write("line 1\r\nline 2".encode("utf-8"))
    writer.stdin.close()
    assert readLine(writer).startswith("written ")
    assert read(processes, key)[1] == b"line 1\r\nline 2"


@pytest.mark.parametrize("data, text", [
    (layout(""), ""),
    (b"\xff\xff\xff\xff", ""),  # a null QString
    (layout("ascii"), "ascii"),
    (layout("中文 😀\r\n"), "中文 😀\r\n"),
], ids=["empty", "null", "ascii", "chinese-emoji"])
def test_b_reads_the_layout_any_qt_writer_makes(ipc, processes, data, text):
    key = ipc.key()
    foreignSegment(ipc, key, data)
    status, out, err = read(processes, key)
    assert (status, out) == (0, text.encode("utf-8")), err


def test_nothing_to_read_before_a_writer_starts(ipc, processes):
    key = ipc.key()
    status, out, err = read(processes, key)
    assert (status, out) == (1, b"")
    assert NOT_ATTACHED in err
    # and reading made no semaphore nor key file for the key
    assert semaphoreOf(key) is None
    assert not os.path.exists(semaphoreKeyFile(key))


def test_segment_lives_as_long_as_the_writer(ipc, processes, tmp_path):
    key = ipc.key(" any Ключ/共享 key")
    writer = startWriter(processes, tmp_path, key, "short-lived")
    segment = findSegment(key)
    assert (segment.creatorPid, segment.attachCount) == (writer.pid, 1)
    assert segmentKeyFile(key) == QSharedMemory(key).nativeKey()
    assert os.path.exists(segmentKeyFile(key)) and os.path.exists(semaphoreKeyFile(key))
    assert read(processes, key)[:2] == (0, b"short-lived")
    writer.send_signal(signal.SIGTERM)
    assert writer.wait(TIMEOUT) == 0
    assert findSegment(key) is None
    assert read(processes, key)[0] == 1


# --- Crashes -----------------------------------------------------------------------------

def test_writer_killed_leaves_its_segment_and_a_new_writer_takes_over(ipc, processes, tmp_path):
    key = ipc.key()
    crashed = startWriter(processes, tmp_path, key, "old text")
    crashed.kill()
    crashed.wait(TIMEOUT)
    segment = findSegment(key)
    assert segment is not None, "SIGKILL should leave the segment behind"
    assert (segment.creatorPid, segment.attachCount) == (crashed.pid, 0)

    startWriter(processes, tmp_path, key, "new text")
    assert findSegment(key).shmid != segment.shmid
    assert read(processes, key)[:2] == (0, b"new text")


HOLD_THE_LOCK = r"""
import sys, time
from PyQt5.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from process_a import Widget_PA
widget = Widget_PA(sys.argv[1])
assert widget.sendStrToMemory(sys.argv[2])
widget.m_sharedMemory.lock()
print("locked", flush=True)
time.sleep(3600)
"""


def test_writer_killed_holding_the_lock_does_not_hang_the_reader(ipc, processes):
    key = ipc.key()
    writer = startHelper(processes, HOLD_THE_LOCK, key, "locked text")
    assert readLine(writer) == "locked\n"
    assert semaphoreValue(key) == 0
    writer.kill()
    writer.wait(TIMEOUT)
    assert semaphoreValue(key) == 1  # SEM_UNDO gave it back
    assert read(processes, key)[:2] == (0, b"locked text")

    # A new writer cleans up what the killed one left (its semaphore).
    writer = processes.startScript("process_a.py", "--key", key, "--text", "after")
    assert readLine(writer).startswith("written")
    assert read(processes, key)[:2] == (0, b"after")


# --- Two writers -------------------------------------------------------------------------

def test_second_live_writer_is_refused_and_the_first_text_stays(ipc, processes, tmp_path):
    key = ipc.key()
    first = startWriter(processes, tmp_path, key, "first")
    status, out, err = run(processes, "process_a.py", "--key", key, "--text", "second")
    assert status == 1 and out == b""
    assert "Another process (pid {}) is sharing memory under the key {}".format(first.pid, key) \
        in err
    assert first.poll() is None
    assert segmentBytes(key) == layout("first")
    assert read(processes, key)[:2] == (0, b"first")


def test_writer_never_destroys_a_live_foreign_segment(ipc, processes):
    key = ipc.key()
    foreignSegment(ipc, key, b"not ours")
    status, _, err = run(processes, "process_a.py", "--key", key, "--text", "mine")
    assert status == 1
    assert "Another process (pid {})".format(os.getpid()) in err
    assert segmentBytes(key) == b"not ours"


# --- A reader racing a writer -------------------------------------------------------------

LOOP_TEXT = r'''
def loopText(number):
    """Text number `number` of the race: its number, then one alphabet
    repeated to one of many lengths, mostly short, every third one long."""
    alphabets = ("abcdefghij", "共享内存测试", "😀🦊🐍", "a\r\nb\nc\r")
    if number % 3:
        size = number * 7919 % 97
    else:
        size = number * 104729 % 200000
    unit = alphabets[number % len(alphabets)]
    return "{}:".format(number) + (unit * (size // len(unit) + 1))[:size]
'''
exec(LOOP_TEXT)

LOOP = LOOP_TEXT + r'''
import json, select, sys
from PyQt5 import sip
from PyQt5.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
role, key, minimum, nothingThere = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]

def stopped():
    """Stops at least `minimum` rounds in, once standard input closes."""
    return select.select([sys.stdin], [], [], 0)[0]

if role == "writer":
    from process_a import Widget_PA
    widget = Widget_PA(key)
    failures = []
    rounds = 0
    while True:
        if not widget.sendStrToMemory(loopText(rounds)):
            failures.append(widget.statusLabel.text())
        rounds += 1
        if rounds == minimum:
            print("minimum", flush=True)
        if rounds >= minimum and stopped():
            break
    print(json.dumps({"rounds": rounds, "failures": failures[:5]}), flush=True)
else:
    from process_b import Widget_PB
    widget = Widget_PB(key)
    counts = {"rounds": 0, "texts": 0, "nothing": 0, "bad": []}
    while True:
        text = widget.loadStrFromMemory()
        if widget.errorString():
            if widget.errorString() in nothingThere:
                counts["nothing"] += 1
            else:
                counts["bad"].append(widget.errorString())
        else:
            number = text.split(":", 1)[0]
            if number.isdigit() and text == loopText(int(number)):
                counts["texts"] += 1
            else:
                counts["bad"].append(text[:60])
        counts["rounds"] += 1
        if counts["rounds"] == minimum:
            print("minimum", flush=True)
        if counts["rounds"] >= minimum and stopped():
            break
    counts["bad"] = counts["bad"][:5]
    counts["kept"] = len(widget.m_lockMakers)
    print(json.dumps(counts), flush=True)
sip.delete(widget)
'''


def test_reader_racing_a_writer_sees_whole_texts_and_never_makes_a_write_fail(
        ipc, processes, tmp_path):
    key = ipc.key()
    rounds = 1000
    loops = {}
    for role in ("writer", "reader"):
        with open(tmp_path / (role + ".err"), "wb") as err:
            loops[role] = startHelper(processes, LOOP, role, key, rounds, NOT_ATTACHED,
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


LINGER = r"""
import sys, time
from PyQt5.QtCore import QSharedMemory
from qtipc.shared_memory import findSegment
key, untilWriterDetaches = sys.argv[1], sys.argv[2] == "yes"
memory = QSharedMemory(key)
assert memory.attach(QSharedMemory.ReadOnly)
print("attached", flush=True)
if untilWriterDetaches:
    while True:
        segment = findSegment(key)
        if segment is None or segment.attachCount <= 1:
            break
        time.sleep(0.001)
    print("writer detached", flush=True)
else:
    sys.stdin.read()
memory.detach()
"""


def test_reader_attached_for_a_moment_does_not_make_a_write_fail(ipc, processes, qtbot):
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    assert widget.sendStrToMemory("one")
    reader = startHelper(processes, LINGER, key, "yes")
    assert readLine(reader) == "attached\n"
    # The old segment outlives the writer's detach until the reader lets go.
    assert widget.sendStrToMemory("two")
    assert readLine(reader) == "writer detached\n"
    assert reader.wait(TIMEOUT) == 0
    assert read(processes, key)[:2] == (0, b"two")


def test_reader_that_never_lets_go_makes_a_write_fail_clearly(ipc, processes, qtbot):
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    widget.READER_WAIT_MS = 200
    assert widget.sendStrToMemory("one")
    reader = startHelper(processes, LINGER, key, "no")
    assert readLine(reader) == "attached\n"
    assert not widget.sendStrToMemory("two")
    assert "still in use by 1 process(es)" in widget.statusLabel.text()
    reader.stdin.close()
    assert reader.wait(TIMEOUT) == 0
    assert widget.sendStrToMemory("three")
    assert read(processes, key)[:2] == (0, b"three")


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
def test_b_explains_data_that_is_not_a_text(ipc, processes, data, message):
    key = ipc.key()
    foreignSegment(ipc, key, data)
    status, out, err = read(processes, key)
    assert (status, out) == (1, b"")
    assert message in err
    assert "Traceback" not in err


def test_b_releases_the_lock_and_detaches_on_bad_data(ipc, qtbot):
    from process_b import Widget_PB
    key = ipc.key()
    memory = foreignSegment(ipc, key, struct.pack(">I", 1000) + b"xy")
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
    writer.textEdit.setPlainText(text)
    qtbot.mouseClick(writer.pushButton, Qt.LeftButton)
    assert "Wrote {} bytes".format(len(layout(text))) in writer.statusLabel.text()
    qtbot.mouseClick(reader.pushButton, Qt.LeftButton)
    assert reader.textEdit.toPlainText() == text
    assert len(calls) == 2, "a slot ran more than once per click"

    writer.close()  # the segment lives as long as the window
    assert findSegment(key) is None
    qtbot.mouseClick(reader.pushButton, Qt.LeftButton)
    assert reader.textEdit.toPlainText() == NOT_ATTACHED


def test_a_refused_write_shows_why_in_the_window(ipc, qtbot):
    from process_a import Widget_PA
    key = ipc.key()
    first = ipc.keep(Widget_PA(key))
    second = ipc.keep(Widget_PA(key))
    assert first.sendStrToMemory("first")
    second.textEdit.setPlainText("second")
    qtbot.mouseClick(second.pushButton, Qt.LeftButton)
    assert "Another process (pid {})".format(os.getpid()) in second.statusLabel.text()
    assert not second.sendStrToMemory("a\udc80b")
    assert "not valid Unicode" in second.statusLabel.text()
    assert segmentBytes(key) == layout("first")


# --- Command lines -----------------------------------------------------------------------------

@pytest.mark.parametrize("args, status, message", [
    (["--text", "a", "--text-file", "b"], 2, "either --text or --text-file"),
    (["--text-file", "/nonexistent/text"], 1, "Cannot read /nonexistent/text"),
    (["--key", ""], 2, "The key must not be empty."),
    (["--no-such-option"], 2, "Unknown option 'no-such-option'"),
    (["stray"], 2, "Unexpected argument: stray"),
], ids=["text-and-file", "missing-file", "empty-key", "unknown-option", "positional"])
def test_a_rejects_bad_options_clearly(ipc, processes, args, status, message):
    """A usage error exits 2, a file that cannot be read 1 (the convention)."""
    exitStatus, out, err = run(processes, "process_a.py", *args)
    assert exitStatus == status and message in err and "Traceback" not in err


def test_a_rejects_a_file_that_is_not_utf8(ipc, processes, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("café".encode("latin-1"))
    status, _, err = run(processes, "process_a.py", "--key", ipc.key(), "--text-file", str(path))
    assert status == 1 and "is not UTF-8 text (byte 3 is invalid)" in err


@pytest.mark.parametrize("name, options", [
    ("process_a.py", ["--key", "--text", "--text-file"]),
    ("process_b.py", ["--key", "--print"]),
])
def test_help_documents_the_options(processes, name, options):
    status, out, _ = run(processes, name, "--help")
    assert status == 0
    for option in options:
        assert option in out.decode()


def test_entry_points_are_the_main_functions():
    config = configparser.ConfigParser()
    config.read(os.path.join(REPO, "setup.cfg"))
    scripts = dict(line.split(" = ") for line in
                   config["options.entry_points"]["gui_scripts"].strip().splitlines())
    assert scripts["process-a"] == "process_a:main"
    assert scripts["process-b"] == "process_b:main"
    import process_a
    import process_b
    assert callable(process_a.main) and callable(process_b.main)
    assert os.path.exists(script("process_a.py")) and os.path.exists(script("process_b.py"))
