"""Qt 6's native keys: qtipc.posix_shared_memory.PosixSharedMemory (and the
Qt6SharedMemory it uses) against a real Qt 6 (PySide6, in processes of its
own): Qt 6.6+'s Shared Memory example (tests/helpers/qt6_shared_memory_example.py)
reads what it writes and the other way round, its lock makes a read wait (at
most the bound, then naming who has the lock open), its leftovers are taken
over; objects of other users or open to them, and links, are refused;
nothing is left in /dev/shm. Then process A and process B with the same peers, and the blog's
widgets on Qt 6 (System V) both ways. Every test has its own key and must
leave no process, System V object, key file or /dev/shm entry behind."""

import os
import shutil
import signal
import subprocess
import sys

import pytest
from PyQt5.QtCore import QBuffer, QDataStream, QSharedMemory, QTimer
from PyQt5.QtGui import QColor, QImage

from peers import HELPERS, missingPeer
from qtipc.posix_shared_memory import PosixSharedMemory, available, unavailableReason
from qtipc.qt6_shared_memory import Qt6SharedMemory
from testbed.oracle import layout
from testbed.processes import TIMEOUT, readLine
from testbed.programs import script

pytestmark = pytest.mark.skipif(not os.path.isdir("/dev/shm"),
                                reason="Linux's /dev/shm is where these tests look")


def patternImage(width=96, height=64):
    """Every pixel different from its neighbours, every level of alpha."""
    image = QImage(width, height, QImage.Format_ARGB32)
    for y in range(height):
        for x in range(width):
            image.setPixelColor(x, y, QColor((x * 37 + y) % 256, (y * 53 + x * 3) % 256,
                                             (x * y * 11) % 256, (x * 7 + y * 3) % 256))
    return image


def noiseImage(width, height):
    """Random pixels: their PNG does not compress."""
    return QImage(os.urandom(width * height * 4), width, height, QImage.Format_ARGB32).copy()


def qimageStream(image):
    """What `out << image` writes at QDataStream's default version."""
    buffer = QBuffer()
    buffer.open(QBuffer.ReadWrite)
    out = QDataStream(buffer)
    out << image
    return bytes(buffer.data())


def imageFromStream(data):
    buffer = QBuffer()
    buffer.setData(data)
    buffer.open(QBuffer.ReadOnly)
    image = QImage()
    QDataStream(buffer) >> image
    return image


def samePixels(first, second):
    return not first.isNull() and first.size() == second.size() and \
        first.convertToFormat(QImage.Format_ARGB32) == second.convertToFormat(QImage.Format_ARGB32)


def saved(image, directory, name):
    path = os.path.join(str(directory), name)
    assert image.save(path), path
    return path


def objectPath(key):
    return os.path.join("/dev/shm", key)


def semaphorePath(key):
    return os.path.join("/dev/shm", "sem." + key)


def memory(ipc, key):
    """A PosixSharedMemory of the test process, deleted at the end (the test
    releases it: the ipc fixture reports what is left in /dev/shm)."""
    return ipc.keep(PosixSharedMemory(key))


def qt6Read(qt6, key, target):
    """The Qt 6 example's loadFromMemory(), saved to `target`: its printed line."""
    reader = qt6.example(key, "read", target)
    out, err = reader.communicate(timeout=TIMEOUT)
    return out.decode().strip() or err.decode()


def qt6Load(qt6, key, path):
    """The Qt 6 example's loadFromFile(path), kept running (attached)."""
    writer = qt6.example(key, "load", path)
    line = readLine(writer)
    assert line == "loaded\n", (line, writer.stderr.read().decode() if writer.poll() else "")
    return writer


def quit(process):
    process.stdin.write(b"quit\n")
    process.stdin.close()
    assert process.wait(TIMEOUT) == 0


# --- The module against Qt 6.6+'s example ----------------------------------------------

def test_available_here():
    assert available() is True and unavailableReason() == ""


def test_written_as_qt6_names_it(ipc):
    key = ipc.key()
    shared = memory(ipc, key)
    assert shared.publish(b"\x00\x00\x00\x02hi")
    assert (shared.memory().objectPath(), shared.memory().semaphorePath()) == \
        (objectPath(key), semaphorePath(key))
    status = os.stat(objectPath(key))
    assert (status.st_size, status.st_mode & 0o777, status.st_uid) == (6, 0o600, os.geteuid())
    assert os.stat(semaphorePath(key)).st_mode & 0o777 == 0o600
    with open(objectPath(key), "rb") as file:
        assert file.read() == b"\x00\x00\x00\x02hi"
    assert shared.release()
    assert not os.path.exists(objectPath(key)) and not os.path.exists(semaphorePath(key))


def test_module_writes_an_image_the_qt6_example_reads_pixel_for_pixel(ipc, qt6, tmp_path):
    key = ipc.key()
    image = patternImage()
    shared = memory(ipc, key)
    assert shared.publish(qimageStream(image)), shared.errorString()
    target = str(tmp_path / "qt6.png")
    assert qt6Read(qt6, key, target) == "read 96x64"
    assert samePixels(QImage(target), image)
    shared.release()
    assert ipc.posixObjects() == []


def test_module_reads_an_image_the_qt6_example_writes(ipc, qt6, tmp_path):
    key = ipc.key()
    image = patternImage(70, 50)
    writer = qt6Load(qt6, key, saved(image, tmp_path, "source.png"))
    shared = memory(ipc, key)
    data = shared.read()
    assert data is not None, shared.errorString()
    assert data == qimageStream(QImage(str(tmp_path / "source.png")))
    assert samePixels(imageFromStream(data), image)
    assert not shared.memory().isAttached()
    quit(writer)
    # Qt 6 leaves its object (and removes the semaphore it made).
    assert os.path.exists(ipc.qt6LeavesBehind(key))
    assert not os.path.exists(semaphorePath(key))


def test_read_of_a_missing_object_makes_nothing(ipc):
    key = ipc.key()
    shared = memory(ipc, key)
    assert shared.read() is None
    assert shared.error() == QSharedMemory.NotFound
    assert shared.errorString() == "{} does not exist.".format(objectPath(key))
    assert ipc.posixObjects() == []


def test_a_read_waits_for_the_qt6_lock_until_it_is_released(ipc, qt6, tmp_path, qapp):
    key = ipc.key()
    image = patternImage(30, 20)
    writer = qt6Load(qt6, key, saved(image, tmp_path, "source.png"))
    holder = qt6.example(key, "hold")
    assert readLine(holder) == "locked\n"
    shared = memory(ipc, key)
    said = []

    def waiting(message):
        said.append(message)
        # The holder lets go while the read waits with the event loop running.
        QTimer.singleShot(50, holder.stdin.close)

    shared.notice.connect(waiting)
    data = shared.read()
    assert said == ["Waiting for the lock of {}, held by another process.".format(
        semaphorePath(key))]
    assert samePixels(imageFromStream(data), image)
    assert holder.wait(TIMEOUT) == 0
    quit(writer)
    ipc.qt6LeavesBehind(key)


def test_a_wait_for_the_qt6_lock_can_be_stopped(ipc, qt6, tmp_path, qapp):
    key = ipc.key()
    writer = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png"))
    holder = qt6.example(key, "hold")
    assert readLine(holder) == "locked\n"
    shared = memory(ipc, key)
    shared.notice.connect(lambda message: QTimer.singleShot(50, shared.cancelWait))
    assert shared.read() is None
    assert shared.error() == QSharedMemory.LockError
    assert shared.errorString() == \
        "Stopped waiting for the lock of {}, held by another process.".format(semaphorePath(key))
    assert not shared.memory().isAttached()
    # Nor can a write get in meanwhile.
    assert not shared.publish(b"0123") and shared.error() == QSharedMemory.LockError
    holder.stdin.close()
    assert holder.wait(TIMEOUT) == 0
    quit(writer)
    ipc.qt6LeavesBehind(key)


def test_a_lock_left_held_by_a_killed_qt6_process_is_taken_over(ipc, qt6, tmp_path, qapp):
    key = ipc.key()
    writer = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "old.png"))
    quit(writer)
    holder = qt6.example(key, "hold")
    assert readLine(holder) == "locked\n"
    holder.kill()  # a POSIX semaphore has no SEM_UNDO: it stays at 0
    holder.wait(TIMEOUT)
    shared = memory(ipc, key)
    newer = patternImage(40, 30)
    assert shared.publish(qimageStream(newer)), shared.errorString()
    target = str(tmp_path / "qt6.png")
    assert qt6Read(qt6, key, target) == "read 40x30"
    assert samePixels(QImage(target), newer)
    shared.release()
    assert ipc.posixObjects() == []


def test_a_lock_held_by_a_live_process_is_never_taken_over(ipc, qt6, tmp_path, qapp):
    key = ipc.key()
    writer = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png"))
    holder = qt6.example(key, "hold")
    assert readLine(holder) == "locked\n"
    shared = memory(ipc, key)
    shared.STALE_CHECK_MS = shared.POLL_MS  # look at every turn
    turns = []

    def waiting(message):
        # Stopped after many looks at who has the semaphore open.
        QTimer.singleShot(300, shared.cancelWait)

    shared.notice.connect(waiting)
    shared.notice.connect(turns.append)
    assert shared.read() is None and shared.error() == QSharedMemory.LockError
    assert len(turns) == 1
    assert os.path.exists(semaphorePath(key))
    holder.stdin.close()
    assert holder.wait(TIMEOUT) == 0
    quit(writer)
    ipc.qt6LeavesBehind(key)


# --- Leftovers --------------------------------------------------------------------------

def test_a_qt6_leftover_of_another_size_is_made_again(ipc, qt6, tmp_path):
    key = ipc.key()
    writer = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "old.png"))
    quit(writer)
    leftover = os.stat(objectPath(key))
    shared = memory(ipc, key)
    newer = patternImage(64, 48)
    data = qimageStream(newer)
    assert leftover.st_size != len(data)
    assert shared.publish(data), shared.errorString()
    assert os.stat(objectPath(key)).st_size == len(data)
    target = str(tmp_path / "qt6.png")
    assert qt6Read(qt6, key, target) == "read 64x48"
    assert samePixels(QImage(target), newer)
    shared.release()
    assert ipc.posixObjects() == []  # taken over: gone with the last writer


def test_a_qt6_leftover_of_the_same_size_is_written_in_place(ipc, qt6, tmp_path):
    key = ipc.key()
    writer = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "old.png"))
    quit(writer)
    leftover = os.stat(objectPath(key))
    shared = memory(ipc, key)
    data = bytes(range(256)) * (leftover.st_size // 256) + bytes(leftover.st_size % 256)
    assert shared.publish(data), shared.errorString()
    now = os.stat(objectPath(key))
    assert (now.st_ino, now.st_size) == (leftover.st_ino, leftover.st_size)
    with open(objectPath(key), "rb") as file:
        assert file.read() == data
    shared.release()
    assert ipc.posixObjects() == []


# --- Objects of others --------------------------------------------------------------------

def test_an_object_others_may_use_is_refused_naming_it_and_its_owner(ipc, qt6, tmp_path):
    key = ipc.key()
    writer = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png"))
    path = ipc.qt6LeavesBehind(key)
    os.chmod(path, 0o666)
    with open(path, "rb") as file:
        before = file.read()
    shared = memory(ipc, key)
    assert shared.read() is None
    assert shared.error() == QSharedMemory.PermissionDenied
    owner = "user {} (uid {})".format(__import__("pwd").getpwuid(os.geteuid()).pw_name,
                                      os.geteuid())
    assert shared.errorString() == ("Refused {} of {}: its mode 0666 lets other users read or "
                                    "write it (Qt makes 0600); nothing was read or "
                                    "written.".format(path, owner))
    assert not shared.publish(b"mine") and "Refused {} of {}".format(path, owner) \
        in shared.errorString()
    with open(path, "rb") as file:
        assert file.read() == before
    quit(writer)


def test_a_semaphore_others_may_use_is_refused(ipc):
    key = ipc.key()
    shared = memory(ipc, key)
    assert shared.publish(b"1234")
    os.chmod(semaphorePath(key), 0o606)
    other = memory(ipc, key)
    assert other.read() is None
    assert other.error() == QSharedMemory.PermissionDenied
    assert other.errorString().startswith("Refused {} of user ".format(semaphorePath(key)))
    assert "its mode 0606" in other.errorString()
    os.chmod(semaphorePath(key), 0o600)
    assert other.read() == b"1234"
    shared.release()
    assert ipc.posixObjects() == []


@pytest.mark.skipif(os.geteuid() != 0, reason="giving an object to another user needs root")
@pytest.mark.parametrize("what", ["object", "semaphore"])
def test_an_object_of_another_user_is_refused_naming_the_owner(ipc, what):
    import pwd
    key = ipc.key()
    shared = memory(ipc, key)
    assert shared.publish(b"theirs")
    nobody = pwd.getpwnam("nobody")
    path = objectPath(key) if what == "object" else semaphorePath(key)
    os.chown(path, nobody.pw_uid, nobody.pw_gid)
    other = memory(ipc, key)
    # Root may open it (the system would let it): refused all the same.
    assert other.read() is None
    assert other.error() == QSharedMemory.PermissionDenied
    assert other.errorString() == (
        "Refused {}: it belongs to user nobody (uid {}), not to this user; nothing was read "
        "or written.".format(path, nobody.pw_uid))
    assert not other.publish(b"mine!!")
    assert "it belongs to user nobody" in other.errorString()
    with open(objectPath(key), "rb") as file:
        assert file.read() == b"theirs"
    os.chown(path, 0, 0)
    shared.release()
    assert ipc.posixObjects() == []


@pytest.mark.skipif(os.geteuid() != 0, reason="giving an object to another user needs root")
def test_release_never_removes_a_semaphore_of_another_user(ipc):
    import pwd
    key = ipc.key()
    shared = memory(ipc, key)
    assert shared.publish(b"data")
    nobody = pwd.getpwnam("nobody")
    os.chown(semaphorePath(key), nobody.pw_uid, nobody.pw_gid)
    assert shared.release()
    assert not os.path.exists(objectPath(key))
    assert os.stat(semaphorePath(key)).st_uid == nobody.pw_uid
    os.remove(semaphorePath(key))


@pytest.mark.skipif(os.geteuid() != 0, reason="becoming another user needs root")
def test_another_user_denied_by_the_system_is_told_whose_object_it_is(ipc):
    import pwd
    key = ipc.key()
    shared = memory(ipc, key)
    assert shared.publish(b"root's")
    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # as user nobody: the system refuses (EACCES) the 0600 object
        try:
            os.close(read)
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            other = PosixSharedMemory(key)
            answer = "{} {}\n{}".format(other.read(), int(other.error()), other.errorString())
            os.write(write, answer.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read().decode()
    os.waitpid(child, 0)
    assert answer == "None {}\nRefused {}: it belongs to user root (uid 0), not to this user; " \
                     "nothing was read or written.".format(int(QSharedMemory.PermissionDenied),
                                                           objectPath(key))
    assert {os.stat(path).st_uid for path in ipc.posixObjects()} == {0}  # nobody made nothing
    shared.release()
    assert ipc.posixObjects() == []


# --- Names, sizes ---------------------------------------------------------------------------

@pytest.mark.parametrize("suffix, words", [
    ("/inner", ["a name may not hold \"/\" after its first character"]),
    ("x" * 240, ["is too long for a POSIX shared memory object", "bytes in UTF-8",
                 "at most 251 (NAME_MAX 255, less 4 for the semaphore's \"sem.\")"]),
    ("共" * 80, ["is too long", "at most 251"]),
], ids=["slash", "too-long", "too-long-in-utf-8"])
def test_a_name_the_system_refuses_is_explained(ipc, suffix, words):
    key = ipc.key(suffix)
    shared = memory(ipc, key)
    assert not shared.publish(b"data")
    assert shared.error() == QSharedMemory.KeyError
    assert "The key {} ".format(key) in shared.errorString()
    for word in words:
        assert word in shared.errorString()
    assert shared.read() is None and shared.error() == QSharedMemory.KeyError


def test_the_longest_name_qt6_can_use_works(ipc):
    key = ipc.key()
    key = ipc.key("x" * (251 - len(key)))
    assert len(key) == 251
    shared = memory(ipc, key)
    assert shared.publish(b"long name"), shared.errorString()
    assert memory(ipc, key).read() == b"long name"
    shared.release()
    assert ipc.posixObjects() == []


def test_an_empty_write_is_refused(ipc):
    key = ipc.key()
    shared = memory(ipc, key)
    assert not shared.publish(b"")
    assert shared.error() == QSharedMemory.InvalidSize
    assert shared.errorString() == "Cannot create {} of 0 bytes: the size must be at least " \
                                   "1 byte.".format(objectPath(key))
    assert ipc.posixObjects() == []


def test_qt_api_create_attach_lock(ipc, qt6, tmp_path):
    key = ipc.key()
    shared = ipc.keep(Qt6SharedMemory(key))
    image = patternImage(20, 10)
    data = qimageStream(image)
    assert shared.create(len(data)), shared.errorString()
    assert shared.size() == len(data)
    other = ipc.keep(Qt6SharedMemory(key))
    assert not other.create(10)
    assert other.error() == QSharedMemory.AlreadyExists
    assert other.errorString() == "{} already exists.".format(objectPath(key))
    assert shared.lock()
    shared.data()[:len(data)] = data
    assert shared.unlock() and not shared.unlock()
    reader = ipc.keep(Qt6SharedMemory(key))
    assert reader.attach(QSharedMemory.ReadOnly)
    assert bytes(reader.data()) == data
    assert reader.data().readonly
    assert reader.detach() and not reader.detach()
    target = str(tmp_path / "qt6.png")
    assert qt6Read(qt6, key, target) == "read 20x10"
    assert samePixels(QImage(target), image)
    # As Qt 6: the semaphore goes with the object that made it, the object stays.
    assert shared.detach()
    assert ipc.posixObjects() == [objectPath(key)]
    ipc.qt6LeavesBehind(key)


# --- Two writers, and a Qt 6 reader still attached ----------------------------------------

def test_the_last_of_two_writers_removes_the_object(ipc):
    key = ipc.key()
    first, second = memory(ipc, key), memory(ipc, key)
    assert first.publish(b"same")
    assert second.publish(b"SAME")  # the same size: the same object
    assert first.release()
    assert memory(ipc, key).read() == b"SAME"
    assert second.release()
    assert ipc.posixObjects() == []


def test_a_writer_replaced_by_another_leaves_the_new_object_alone(ipc):
    key = ipc.key()
    first, second = memory(ipc, key), memory(ipc, key)
    assert first.publish(b"short")
    assert second.publish(b"much longer")  # another size: made again
    assert first.release()
    assert memory(ipc, key).read() == b"much longer"
    assert second.release()
    assert ipc.posixObjects() == []


def test_a_qt6_reader_still_attached_keeps_its_mapping_after_release(ipc, qt6, tmp_path):
    key = ipc.key()
    image = patternImage(50, 40)
    shared = memory(ipc, key)
    assert shared.publish(qimageStream(image))
    target = str(tmp_path / "qt6.png")
    reader = qt6.example(key, "attach", target)
    assert readLine(reader) == "attached\n"
    assert shared.release()
    assert ipc.posixObjects() == []
    reader.stdin.close()
    assert readLine(reader) == "read 50x40\n"
    assert reader.wait(TIMEOUT) == 0
    assert samePixels(QImage(target), image)


# --- Process A and process B with Qt 6 ----------------------------------------------------

def startImageWriter(ipc, key, path):
    """process_a.py --image `path`, once it says it has written it."""
    writer = ipc.processes.startScript("process_a.py", "--key", key, "--image", path,
                                       stdin=subprocess.DEVNULL)
    line = readLine(writer)
    assert line.startswith("written "), (line, writer.stderr.read().decode()
                                         if writer.poll() is not None else "")
    return writer


def saveImage(ipc, key, target):
    """process_b.py --save-image `target`: (exit status, stdout, stderr text)."""
    return ipc.run("process_b.py", "--key", key, "--save-image", target)


def stop(process):
    process.send_signal(signal.SIGTERM)
    assert process.wait(TIMEOUT) == 0


def test_image_from_process_a_read_by_the_qt6_example(ipc, qt6, tmp_path):
    key = ipc.key()
    image = patternImage()
    writer = startImageWriter(ipc, key, saved(image, tmp_path, "source.png"))
    target = str(tmp_path / "qt6.png")
    assert qt6Read(qt6, key, target) == "read 96x64"
    assert samePixels(QImage(target), image)
    # and the System V segment, for Qt 5's example, as before
    assert ipc.segmentBytes(key) == qimageStream(QImage(str(tmp_path / "source.png")))
    stop(writer)
    assert ipc.posixObjects() == []
    assert qt6Read(qt6, key, target) == \
        "Unable to attach to shared memory segment. Load an image first."


def test_image_from_the_qt6_example_saved_by_process_b(ipc, qt6, tmp_path):
    key = ipc.key()
    image = patternImage(80, 60)
    writer = qt6Load(qt6, key, saved(image, tmp_path, "source.png"))
    target = str(tmp_path / "b.png")
    status, out, err = saveImage(ipc, key, target)
    assert (status, out) == (0, b""), err
    assert samePixels(QImage(target), image)
    quit(writer)
    ipc.qt6LeavesBehind(key)


TEXTS = {
    "ascii": "The quick brown fox jumps over the lazy dog.",
    "chinese": "共享内存方式实现进程间通信",
    "emoji-outside-bmp": "😀🦊 𝄞 text 🐍",
    "nul-and-bom": "\ufeffa\x00b",
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
@pytest.mark.parametrize("suffix", ["", " any Ключ/共享 key"], ids=["plain-key", "any-key"])
def test_text_from_process_a_read_by_the_blogs_widget_on_qt6(ipc, qt6, text, suffix):
    key = ipc.key(suffix)
    ipc.startWriter(key, text)
    reader = qt6.blog("read", key)
    out, err = reader.communicate(timeout=TIMEOUT)
    assert (reader.returncode, out.decode("utf-8")) == (0, text), err


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
@pytest.mark.parametrize("suffix", ["", " any Ключ/共享 key"], ids=["plain-key", "any-key"])
def test_text_from_the_blogs_widget_on_qt6_read_by_process_b(ipc, qt6, text, suffix):
    key = ipc.key(suffix)
    writer = qt6.blog("write", key, ipc.textFile(text))
    assert readLine(writer) == "written {} bytes\n".format(len(layout(text)))
    status, out, err = ipc.read(key)
    assert (status, out) == (0, text.encode("utf-8")), err
    writer.stdin.close()
    assert writer.wait(TIMEOUT) == 0


def test_a_key_no_posix_name_can_hold_still_shares_for_qt5_and_says_so(ipc, tmp_path):
    key = ipc.key("/inner")
    image = patternImage(40, 30)
    writer = startImageWriter(ipc, key, saved(image, tmp_path, "source.png"))
    target = str(tmp_path / "b.png")
    status, _, err = saveImage(ipc, key, target)
    assert status == 0, err
    assert samePixels(QImage(target), image)
    stop(writer)
    err = writer.stderr.read().decode()
    assert "bytes to shared memory (key {}), but not under Qt 6's native key: The key {} cannot " \
           "name a POSIX shared memory object".format(key, key) in err


def test_an_image_from_process_a_reaches_process_b_through_qt6s_key_alone(ipc, tmp_path):
    from qtipc.sysv import findSegment, removeWhenDetached
    key = ipc.key()
    image = patternImage(40, 30)
    writer = startImageWriter(ipc, key, saved(image, tmp_path, "source.png"))
    removeWhenDetached(key)  # the System V segment and its key file gone for readers
    target = str(tmp_path / "b.png")
    status, _, err = saveImage(ipc, key, target)
    assert status == 0, err
    assert samePixels(QImage(target), image)
    stop(writer)
    assert findSegment(key) is None and ipc.posixObjects() == []
    assert saveImage(ipc, key, target)[0] == 1


def test_a_text_goes_under_the_legacy_key_alone_and_takes_away_a_shared_image(ipc, qtbot,
                                                                              tmp_path):
    # Qt 6.6+'s example reads images under its native key; a text there
    # would serve nobody, and an image left there would be stale.
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    assert widget.sendStrToMemory("a text")
    assert ipc.posixObjects() == []
    assert widget.loadFromFile(saved(patternImage(30, 20), tmp_path, "source.png"))
    assert os.path.exists(objectPath(key))
    assert widget.sendStrToMemory("another text")
    assert ipc.posixObjects() == []
    assert ipc.read(key)[:2] == (0, "another text".encode())
    widget.close()


def test_a_killed_process_a_leaves_posix_objects_the_next_one_takes_over(ipc, qt6, tmp_path):
    key = ipc.key()
    crashed = startImageWriter(ipc, key, saved(patternImage(30, 20), tmp_path, "old.png"))
    crashed.kill()
    crashed.wait(TIMEOUT)
    assert os.path.exists(objectPath(key)) and os.path.exists(semaphorePath(key))
    newer = patternImage(64, 40)
    writer = startImageWriter(ipc, key, saved(newer, tmp_path, "new.png"))
    target = str(tmp_path / "qt6.png")
    assert qt6Read(qt6, key, target) == "read 64x40"
    assert samePixels(QImage(target), newer)
    stop(writer)
    assert ipc.posixObjects() == []


def test_process_a_takes_over_a_qt6_leftover_and_removes_it_when_it_quits(ipc, qt6, tmp_path):
    key = ipc.key()
    quit(qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "old.png")))
    assert os.path.exists(objectPath(key))
    newer = patternImage(50, 30)
    writer = startImageWriter(ipc, key, saved(newer, tmp_path, "new.png"))
    target = str(tmp_path / "qt6.png")
    assert qt6Read(qt6, key, target) == "read 50x30"
    assert samePixels(QImage(target), newer)
    stop(writer)
    assert ipc.posixObjects() == []


def test_process_a_window_closed_leaves_nothing_in_dev_shm(ipc, qtbot, tmp_path):
    from process_a import Widget_PA
    key = ipc.key()
    widget = ipc.keep(Widget_PA(key))
    assert widget.loadFromFile(saved(patternImage(30, 20), tmp_path, "one.png"))
    larger = patternImage(60, 40)
    assert widget.loadFromFile(saved(larger, tmp_path, "two.png"))
    assert memory(ipc, key).read() == qimageStream(QImage(str(tmp_path / "two.png")))
    widget.close()
    assert ipc.posixObjects() == []


@pytest.mark.parametrize("signalNumber", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_b_waiting_for_the_qt6_lock_says_so_and_quits_on_a_signal(ipc, qt6, tmp_path,
                                                                  signalNumber):
    key = ipc.key()
    writer = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png"))
    holder = qt6.example(key, "hold")
    assert readLine(holder) == "locked\n"
    reader = ipc.processes.startScript("process_b.py", "--key", key, "--save-image",
                                       str(tmp_path / "b.png"))
    assert readLine(reader, stream="stderr") == \
        "Waiting for the lock of {}, held by another process.\n".format(semaphorePath(key))
    reader.send_signal(signalNumber)
    out, err = reader.communicate(timeout=TIMEOUT)
    assert (reader.returncode, out) == (1, b"")
    assert "Stopped waiting for the lock of {}, held by another process.".format(
        semaphorePath(key)) in err.decode()
    assert not os.path.exists(str(tmp_path / "b.png"))
    holder.stdin.close()
    assert holder.wait(TIMEOUT) == 0
    quit(writer)
    ipc.qt6LeavesBehind(key)


def test_b_reads_system_v_first_when_both_hold_data(ipc, qt6, tmp_path):
    key = ipc.key()
    image = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png"))
    text = qt6.blog("write", key, ipc.textFile("System V"))
    assert readLine(text) == "written {} bytes\n".format(len(layout("System V")))
    assert ipc.read(key)[:2] == (0, b"System V")
    text.stdin.close()
    assert text.wait(TIMEOUT) == 0
    # Once the System V segment is gone, the Qt 6 example's image.
    target = str(tmp_path / "b.png")
    assert saveImage(ipc, key, target)[0] == 0
    assert samePixels(QImage(target), patternImage(30, 20))
    quit(image)
    ipc.qt6LeavesBehind(key)


def test_a_full_dev_shm_fails_the_qt6_write_clearly_and_keeps_the_system_v_one(ipc, tmp_path):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        missingPeer("a small /dev/shm of its own needs root and unshare (util-linux)")
    # A private mount namespace whose /dev/shm holds 16 KiB: a write through
    # a mapping past that would raise SIGBUS; the space is reserved first.
    smallDevShm = ("unshare", "--mount", "sh", "-c",
                   'mount -t tmpfs -o size=16k none /dev/shm && exec "$@"', "sh", sys.executable)
    key = ipc.key()
    image = noiseImage(100, 100)  # noise: its PNG is larger than 16 KiB
    path = saved(image, tmp_path, "noise.png")
    size = len(qimageStream(QImage(path)))
    writer = ipc.processes.start(list(smallDevShm) + [script("process_a.py"), "--key", key,
                                                      "--image", path],
                                 stdin=subprocess.DEVNULL)
    assert readLine(writer) == "written {} bytes\n".format(size)
    target = str(tmp_path / "b.png")
    status, _, err = saveImage(ipc, key, target)
    assert status == 0, err
    assert samePixels(QImage(target), image)
    stop(writer)
    assert "but not under Qt 6's native key: Cannot create /dev/shm/{} of {} bytes: No " \
           "space left on device".format(key, size) in writer.stderr.read().decode()


def test_without_ctypes_a_and_b_share_as_before_and_say_nothing_of_qt6(ipc):
    withoutUnix = (sys.executable, os.path.join(HELPERS, "without_unix.py"))
    key = ipc.key()
    writer = ipc.startWriter(key, "as on Windows", command=withoutUnix)
    assert ipc.read(key, command=withoutUnix)[:2] == (0, b"as on Windows")
    stop(writer)
    assert "Qt 6" not in writer.stderr.read().decode()
    assert ipc.posixObjects() == []
    status, _, err = ipc.read(key, command=withoutUnix)
    assert status == 1 and "Unable to attach to shared memory segment." in err


# --- A lock nobody releases, a lock Qt 6 made anew, links (issue 24) ----------------------

def holderNamed(process):
    """How a wait that gave up names `process` among those with the semaphore open."""
    with open("/proc/{}/comm".format(process.pid)) as comm:
        return "{} ({})".format(process.pid, comm.read().strip())


def gaveUp(key, seconds, *holders):
    return ("The lock of {} was not released within {} s. Processes that have it open: {}. "
            "Quit them to free the lock.".format(semaphorePath(key), seconds,
                                                 ", ".join(holderNamed(p) for p in holders)))


def test_a_lock_nobody_releases_is_waited_for_a_bounded_time_naming_its_openers(ipc, qt6,
                                                                                 tmp_path, qapp):
    key = ipc.key()
    writer = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png"))
    holder = qt6.example(key, "hold")
    assert readLine(holder) == "locked\n"
    shared = memory(ipc, key)
    shared.LOCK_WAIT_MS = 1500  # qtipc.waiting.LOCK_WAIT_MS by default
    said = []
    shared.notice.connect(said.append)
    assert shared.read() is None and shared.error() == QSharedMemory.LockError
    assert said == ["Waiting for the lock of {}, held by another process.".format(
        semaphorePath(key))]
    message = shared.errorString()
    # Both Qt 6 processes keep the semaphore open; in the order /proc lists them.
    assert message in (gaveUp(key, 1.5, writer, holder), gaveUp(key, 1.5, holder, writer))
    assert not shared.publish(b"0123") and shared.error() == QSharedMemory.LockError
    holder.stdin.close()
    assert holder.wait(TIMEOUT) == 0
    quit(writer)
    ipc.qt6LeavesBehind(key)


def test_b_gives_up_on_a_lock_nobody_releases_after_ten_seconds_and_exits_1(ipc, qt6,
                                                                           tmp_path):
    from qtipc.waiting import LOCK_WAIT_MS
    key = ipc.key()
    quit(qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png")))
    holder = qt6.example(key, "hold")  # alone with the semaphore open
    assert readLine(holder) == "locked\n"
    status, out, err = ipc.read(key)
    assert (status, out) == (1, b"")
    assert LOCK_WAIT_MS == 10000
    assert err.splitlines()[-1] == gaveUp(key, 10, holder)
    holder.stdin.close()
    assert holder.wait(TIMEOUT) == 0
    ipc.qt6LeavesBehind(key)


def test_a_gives_up_on_a_qt6_lock_nobody_releases_and_exits_1(ipc, qt6, tmp_path):
    key = ipc.key()
    path = saved(patternImage(30, 20), tmp_path, "source.png")
    quit(qt6Load(qt6, key, path))
    holder = qt6.example(key, "hold")  # alone with the semaphore open
    assert readLine(holder) == "locked\n"
    status, out, err = ipc.run("process_a.py", "--key", key, "--image", path)
    assert (status, out) == (1, b"")
    assert err.splitlines()[-1].endswith(gaveUp(key, 10, holder))
    assert "but not under Qt 6's native key" in err
    holder.stdin.close()
    assert holder.wait(TIMEOUT) == 0
    ipc.qt6LeavesBehind(key)


def test_a_killed_holders_lock_with_a_live_opener_is_not_taken_over(ipc, qt6, tmp_path, qapp):
    # Qt 6's writer would get through here (its create() makes the lock
    # anew); the port cannot tell the dead holder from the live opener.
    key = ipc.key()
    writer = qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png"))
    holder = qt6.example(key, "hold")
    assert readLine(holder) == "locked\n"
    holder.kill()
    holder.wait(TIMEOUT)
    before = os.stat(semaphorePath(key)).st_ino
    shared = memory(ipc, key)
    shared.LOCK_WAIT_MS = 1500
    shared.STALE_CHECK_MS = shared.POLL_MS
    newer = qimageStream(patternImage(40, 30))
    assert not shared.publish(newer)
    assert shared.errorString() == gaveUp(key, 1.5, writer)
    assert os.stat(semaphorePath(key)).st_ino == before
    # Qt 6's writer would wait for it when it quits: killed too. Now no
    # living process can hold the lock, and it is made anew.
    writer.kill()
    writer.wait(TIMEOUT)
    assert shared.publish(newer), shared.errorString()
    assert memory(ipc, key).read() == newer
    shared.release()
    assert ipc.posixObjects() == []


def test_a_stopped_holder_is_living_and_its_lock_never_taken_over(ipc, qt6, tmp_path, qapp):
    key = ipc.key()
    quit(qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png")))
    holder = qt6.example(key, "hold")  # makes the semaphore, alone with it open
    assert readLine(holder) == "locked\n"
    holder.send_signal(signal.SIGSTOP)
    try:
        before = os.stat(semaphorePath(key)).st_ino
        shared = memory(ipc, key)
        shared.LOCK_WAIT_MS = 1500
        shared.STALE_CHECK_MS = shared.POLL_MS
        assert shared.read() is None
        assert shared.errorString() == gaveUp(key, 1.5, holder)
        assert os.stat(semaphorePath(key)).st_ino == before
    finally:
        holder.send_signal(signal.SIGCONT)
    holder.stdin.close()
    assert holder.wait(TIMEOUT) == 0
    ipc.qt6LeavesBehind(key)


def test_a_waiter_takes_the_lock_qt6s_create_made_anew(ipc, qt6, tmp_path, qapp):
    key = ipc.key()
    path = saved(patternImage(30, 20), tmp_path, "source.png")
    writer = qt6Load(qt6, key, path)
    holder = qt6.example(key, "hold")  # never lets go of the old semaphore
    assert readLine(holder) == "locked\n"
    old = os.stat(semaphorePath(key)).st_ino
    shared = memory(ipc, key)
    loaders = []
    # While the read waits, Qt 6's example loads again: its create() makes
    # the semaphore anew (and then writes the same image).
    shared.notice.connect(lambda message: loaders.append(qt6.example(key, "load", path)))
    data = shared.read()
    assert data == qimageStream(QImage(path)), shared.errorString()
    assert len(loaders) == 1 and readLine(loaders[0]) == "loaded\n"
    assert os.stat(semaphorePath(key)).st_ino != old
    holder.stdin.close()
    assert holder.wait(TIMEOUT) == 0
    quit(loaders[0])
    quit(writer)
    ipc.qt6LeavesBehind(key)


@pytest.mark.parametrize("what", ["object", "semaphore"])
@pytest.mark.parametrize("target", ["file", "dangling"])
def test_a_link_is_refused_naming_the_link(ipc, tmp_path, what, target):
    key = ipc.key()
    victim = tmp_path / "victim"
    if target == "file":
        victim.write_bytes(b"untouched")
        os.chmod(str(victim), 0o600)
    link = objectPath(key) if what == "object" else semaphorePath(key)
    os.symlink(str(victim), link)
    if what == "semaphore":  # an object of this user's to read, alone
        with open(os.open(objectPath(key), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                  "wb") as made:
            made.write(b"ours")
    try:
        refusal = "Refused {}: it is a symbolic link (to {}), not a POSIX object; nothing was " \
                  "read or written through it.".format(link, victim)
        shared = memory(ipc, key)
        assert not shared.publish(b"mine")
        assert (shared.error(), shared.errorString()) == (QSharedMemory.PermissionDenied, refusal)
        reader = memory(ipc, key)
        assert reader.read() is None and reader.errorString() == refusal
        assert not reader.isMissing()
        assert sorted(ipc.posixObjects()) == sorted({link, objectPath(key)})
        assert victim.read_bytes() == b"untouched" if target == "file" else not victim.exists()
        if what == "semaphore":
            with open(objectPath(key), "rb") as ours:
                assert ours.read() == b"ours"
    finally:
        for path in ipc.posixObjects():
            os.remove(path)


def test_a_key_with_unpaired_surrogates_is_refused_before_anything_is_made(ipc):
    key = ipc.key("\udc80")
    shared = memory(ipc, key)
    assert not shared.publish(b"data") and shared.error() == QSharedMemory.KeyError
    assert shared.errorString().startswith("The key {}\\udc80 cannot name a POSIX shared memory "
                                           "object".format(key[:-1]))
    assert shared.read() is None and shared.isMissing()
    assert ipc.posixObjects() == []


# As on macOS: no /proc to tell who has a semaphore open.
WITHOUT_PROC = ("unshare", "--mount", "sh", "-c", 'mount -t tmpfs none /proc && exec "$@"',
                "sh", sys.executable)


def test_without_proc_a_killed_holders_lock_is_given_up_saying_so(ipc, qt6, tmp_path):
    from conftest import privileged
    privileged("hiding /proc (unshare --mount, as root)",
               WITHOUT_PROC[:4] + ("mount -t tmpfs none /proc",))
    key = ipc.key()
    quit(qt6Load(qt6, key, saved(patternImage(30, 20), tmp_path, "source.png")))
    holder = qt6.example(key, "hold")
    assert readLine(holder) == "locked\n"
    holder.kill()
    holder.wait(TIMEOUT)
    status, out, err = ipc.read(key, command=WITHOUT_PROC)
    assert (status, out) == (1, b"")
    assert err.splitlines()[-1] == (
        "The lock of {} was not released within 10 s, and this system cannot tell which process "
        "holds it. Quit the programs that use it to free the lock.".format(semaphorePath(key)))
    # Where /proc tells that nobody has it open, it is made anew.
    status, out, err = ipc.run("process_b.py", "--key", key, "--save-image",
                               str(tmp_path / "b.png"))
    assert status == 0, err
    assert samePixels(QImage(str(tmp_path / "b.png")), patternImage(30, 20))
    ipc.qt6LeavesBehind(key)


def test_a_window_the_garbage_collector_takes_before_qt_deletes_it_releases_and_lives(
        ipc, tmp_path):
    # pytest-qt's deleteLater() of a window of one test, run by a later
    # test's wait for a lock after the collector freed the window's Python
    # objects, once crashed the whole test run.
    key = ipc.key()
    helper = ipc.startHelper("collected_window.py", key,
                             saved(patternImage(30, 20), tmp_path, "source.png"))
    out, err = helper.communicate(timeout=TIMEOUT)
    assert (helper.returncode, out.decode().split()) == (
        0, ["shared", "collected", "released", "deleted"]), err.decode()
