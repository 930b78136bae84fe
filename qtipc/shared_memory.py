"""What process A and process B do beyond the blog's QSharedMemory calls,
each under a name that says what it does: a QSharedMemory whose create()
waits for readers and clears a crashed writer's segment, whose lock waits
without freezing the window, the checked, copy-free `in >> str`, and the
choice between it and `in >> image` (qtipc.images).

Where Qt uses System V (Linux, macOS), the specifics live in qtipc.sysv.
Where that module cannot work (Windows, no ctypes) or /proc/sysvipc is
missing (macOS), the steps fall back to the blog's plain QSharedMemory
calls, and the messages say what cannot be told."""

import functools
import os
import sys

from PyQt5 import sip
from PyQt5.QtCore import (QCommandLineOption, QCoreApplication, QDataStream, QDeadlineTimer,
                          QEventLoop, QSharedMemory, QThread, QTimer, pyqtSignal)

from qtipc import DEFAULT_SHARED_MEMORY_KEY, arg
from qtipc.images import QIMAGE_STREAM_START, readOneQImageWithinLimit, startsLikeQImage
from qtipc.program import printError
from qtipc.system_limits import createErrorString

# The largest segment a QByteArray, and so QBuffer and QSharedMemory, can hold.
MAX_SIZE = 0x7fffffff - 32

_quitting = []  # not empty once the application has been told to quit


@functools.lru_cache(maxsize=1)
def systemV():
    """(qtipc.sysv, "") where Qt keeps shared memory in System V and this
    process can look at it; else (None, why not)."""
    translate = QCoreApplication.translate
    if sys.platform == "win32":
        return None, translate("SharedMemory", "Windows has no System V IPC")
    try:
        from qtipc import sysv
    except (ImportError, OSError, AttributeError) as error:
        return None, arg(translate("SharedMemory", "System V IPC cannot be used here: %1"), error)
    if not sysv.usedByQt():
        return None, translate("SharedMemory", "this Qt does not use System V IPC")
    return sysv, ""


def runEventLoopFor(ms):
    """Waits `ms` milliseconds with the event loop running, so that windows
    repaint and termination signals are handled (not user input, which
    would start another write meanwhile). False once the application quits."""
    if _quitting:
        return False
    loop = QEventLoop()
    timedOut = []
    QTimer.singleShot(ms, lambda: (timedOut.append(True), loop.quit()))
    loop.exec_(QEventLoop.ExcludeUserInputEvents)
    if not timedOut:
        _quitting.append(True)
    return bool(timedOut)


class SharedMemory(QSharedMemory):
    """QSharedMemory with the blog's steps made safe to repeat, alongside
    other writers and readers, the C++ programs included."""

    # How long a write waits for readers still attached to the previous
    # segment, and for a lock whose semaphore another process replaces.
    READER_WAIT_MS = 5000
    KEY_FILE_WAIT_MS = 200

    # Says who holds the lock a step is waiting for.
    waitingForLock = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.m_segmentId = None  # of the last segment created (System V)
        self.m_madeLock = None  # the lock's key file, if this object may have made it
        self.m_lockHolder = 0
        self.m_created = False
        self.m_left = False  # left without the lock: this object is done

    def createAfterPrevious(self, size):
        """Step 3, create(size), once no segment is left under the key:
        create() resets the lock's semaphore. A segment left by a writer
        that crashed is removed, one a reader is still attached to is waited
        for, one of another live process is never touched. Returns why
        nothing was created, or ""."""
        sysv, why = systemV()
        if sysv is None or not sysv.canListSegments():
            return self.createWithoutLooking(size, why or self.tr("no /proc/sysvipc"))
        readers = QDeadlineTimer(self.READER_WAIT_MS)
        keyFile = None
        while True:
            segment = sysv.findSegment(self.key())
            if segment is None:
                # Whoever removed the last segment removes its key file right
                # after, and a key file made before that would go with it.
                if os.path.exists(sysv.segmentKeyFile(self.key())):
                    keyFile = keyFile or QDeadlineTimer(self.KEY_FILE_WAIT_MS)
                    if not keyFile.hasExpired():
                        QThread.msleep(1)
                        continue
                # create() takes the lock; after a segment of ours, whoever
                # removed it must have released it (lock() waits for that).
                if self.m_segmentId is None and not self.waitUntilLockFree():
                    return self.stoppedWaiting()
                if self.m_segmentId is not None:
                    error = self.lockWhenFree()
                    if error:
                        return error
                    self.unlock()
                if self.createRecordingLock(size):
                    self.m_segmentId = getattr(sysv.findSegment(self.key()), "shmid", None)
                    return ""
                error = self.error()
                if error in (QSharedMemory.KeyError, QSharedMemory.LockError) \
                        and not readers.hasExpired():
                    QThread.msleep(1)  # the semaphore's key file was being replaced
                    continue
                if error != QSharedMemory.AlreadyExists or sysv.findSegment(self.key()) is None:
                    return arg(self.tr("Unable to create shared memory segment: %1"),
                               createErrorString(self, size))
                continue  # another process created one meanwhile: look at it
            ours = segment.shmid == self.m_segmentId
            if not ours and sysv.processIsRunning(segment.creatorPid):
                return arg(self.tr("Another process (pid %1) is sharing memory under the key "
                                   "%2; nothing was written."), segment.creatorPid, self.key())
            if not ours and segment.attachCount == 0:
                # Left behind by a writer that crashed.
                error = sysv.removeStaleSegment(self.key())
                if error:
                    return arg(self.tr("Unable to remove the shared memory segment left by "
                                       "process %1: %2"), segment.creatorPid, error)
                continue
            # Readers are still attached to a previous segment; the last of
            # them to detach removes it.
            if readers.hasExpired():
                return arg(self.tr("The previous shared memory segment is still in use by %1 "
                                   "process(es); nothing was written."), segment.attachCount)
            self.m_lockHolder = 0
            if not runEventLoopFor(1):
                return self.stoppedWaiting()

    def createWithoutLooking(self, size, why):
        """createAfterPrevious() where segments cannot be looked at: create()
        as the blog does, tried again for a while if this object wrote
        before (readers may still hold the previous segment)."""
        readers = QDeadlineTimer(self.READER_WAIT_MS if self.m_created else 0)
        while not (self.waitUntilLockFree() and self.createRecordingLock(size)):
            if _quitting:
                return self.stoppedWaiting()
            self.m_lockHolder = 0
            if self.error() not in (QSharedMemory.AlreadyExists, QSharedMemory.KeyError,
                                    QSharedMemory.LockError):
                return arg(self.tr("Unable to create shared memory segment: %1"),
                           createErrorString(self, size))
            if readers.hasExpired():
                return arg(self.tr(
                    "Shared memory under the key %1 is in use (by another process A, by a reader "
                    "still attached, or left by a writer that crashed: this system cannot tell "
                    "which: %2); nothing was written."), self.key(), why)
            runEventLoopFor(1)
        return ""

    def createRecordingLock(self, size):
        """create(size), noting whether it made the lock's semaphore."""
        created = self.recordingLock(lambda: self.create(size))
        if created and not self.m_created:
            self.m_created = True
            # Destroyed at exit, this object would detach and so wait for the lock.
            QCoreApplication.instance().aboutToQuit.connect(self.detachAtQuit)
        return created

    def attachToWritten(self, mode=QSharedMemory.ReadOnly):
        """attach(mode), once the lock is free (attach() takes it). Where Qt
        keeps key files, a key nobody has written is refused at once:
        attach() would make a lock semaphore and key file for it."""
        if systemV()[0] is not None and not os.path.exists(self.nativeKey()):
            return False
        return self.waitUntilLockFree() and self.recordingLock(lambda: self.attach(mode))

    def recordingLock(self, call):
        sysv = systemV()[0]
        if sysv is None:
            return call()
        lockFile = sysv.semaphoreKeyFile(self.key())
        before = sysv.fileIdentity(lockFile)
        result = call()
        after = sysv.fileIdentity(lockFile)
        if after != before:
            self.m_madeLock = after
        return result

    def waitUntilLockFree(self):
        """True once no other process holds the lock (at once where that
        cannot be seen: lock() then waits, as in the blog). Meanwhile the
        event loop runs, and who holds the lock is said on stderr and by
        waitingForLock. False when the application quits first."""
        sysv = systemV()[0]
        self.m_lockHolder = 0
        while sysv is not None:
            holder = sysv.lockHolder(self.key())
            if holder in (0, os.getpid()):
                return True
            if holder != self.m_lockHolder:
                self.m_lockHolder = holder
                message = arg(self.tr("Waiting for the shared memory lock, held by process %1."),
                              holder)
                printError(message)
                self.waitingForLock.emit(message)
            if not runEventLoopFor(10):
                printError(self.stoppedWaiting())
                return False
        return True

    def stoppedWaiting(self):
        if not self.m_lockHolder:  # waiting for readers
            return self.tr("Stopped waiting for the readers of the previous shared memory "
                           "segment; nothing was written.")
        return arg(self.tr("Stopped waiting for the shared memory lock held by process %1."),
                   self.m_lockHolder)

    def lockWhenFree(self):
        """Step 4, lock(), once no other process holds the lock, tried again
        for a moment if it fails (it does while another process replaces
        the lock's semaphore). Returns why it is not locked, or ""."""
        deadline = QDeadlineTimer(self.KEY_FILE_WAIT_MS)
        while True:
            if not self.waitUntilLockFree():
                return self.stoppedWaiting()
            if self.lock():
                return ""
            if deadline.hasExpired():
                return arg(self.tr("Unable to lock shared memory: %1"), self.errorString())
            QThread.msleep(1)

    def copyFrom(self, buffer):
        """Step 5, memcpy(data(), buffer, qMin(size(), buffer.size())): from
        the QBuffer's own bytes, not a copy, and its first four bytes (a
        QString's length) last, so that a reader that gets in without the
        lock sees zeros (nothing written yet) or all of it."""
        to = self.data()
        to.setsize(self.size())
        count = min(self.size(), buffer.size())
        with memoryview(buffer.buffer()) as data:
            to[4:count] = data[4:count]
            to[0:min(4, count)] = data[0:min(4, count)]
        return count

    def constView(self):
        """constData() as a sip.voidptr of size() bytes: the segment itself."""
        segment = self.constData()
        segment.setsize(self.size())
        return segment

    def detach(self):
        """detach() (which takes the lock) once the lock is free, tried again
        for a moment if it fails. If the application quits while another
        process holds the lock, leaves the segment with leaveWithoutLock()."""
        if self.m_left or not self.isAttached():
            return False
        if not self.waitUntilLockFree():
            return self.leaveWithoutLock()
        deadline = QDeadlineTimer(self.KEY_FILE_WAIT_MS)
        while not (super().detach() or not self.isAttached()):
            if deadline.hasExpired():
                return False
            QThread.msleep(1)
        return True

    def detachAtQuit(self):
        _quitting.append(True)
        self.detach()

    def leave(self):
        """detach() for a window that closes as its program ends: without
        waiting for a lock another process holds (see leaveWithoutLock)."""
        sysv = systemV()[0]
        if sysv is not None and self.isAttached() and not self.m_left \
                and sysv.lockHolder(self.key()) not in (0, os.getpid()):
            self.m_lockHolder = sysv.lockHolder(self.key())
            return self.leaveWithoutLock()
        return self.detach()

    def leaveWithoutLock(self):
        """Leaves the segment without QSharedMemory's detach(), which would
        wait for the lock as long as its holder (perhaps a stopped process)
        keeps it. The segment is left to those still attached (the last
        removes it, as Qt does), or marked for removal if there are none;
        the lock's semaphore is removed if this object made it, as its
        destructor would. This object is then never destroyed (Qt would
        detach it again): the program is ending."""
        sysv = systemV()[0]
        key = self.key()
        self.m_left = True
        if sysv is not None:
            segment = sysv.findSegment(key) if sysv.canListSegments() else None
            if segment is not None and segment.attachCount <= 1:
                sysv.removeWhenDetached(key)
            sysv.detachAddress(int(self.constData()))
            if self.m_madeLock is not None \
                    and sysv.fileIdentity(sysv.semaphoreKeyFile(key)) == self.m_madeLock:
                sysv.removeLock(key)
        printError(arg(self.tr("Left the shared memory segment without the lock, which process "
                               "%1 holds."), self.m_lockHolder))
        self.setParent(None)
        sip.transferto(self, None)
        return True

    def renewed(self, owner):
        """A new SharedMemory for the next read, made to replace this one.
        Qt 5 lets the QSharedMemory that made the lock's semaphore and key
        file delete them when it is destroyed or attaches again. A reader
        makes them if it attaches just as a writer's create() remakes them,
        and the lock would then no longer be the writer's. So each read
        gets a new object, and one that may have made the lock is kept as
        long as `owner`."""
        sysv = systemV()[0]
        if sysv is not None and self.m_madeLock is not None \
                and sysv.fileIdentity(sysv.semaphoreKeyFile(self.key())) == self.m_madeLock:
            self.setParent(owner)
        return SharedMemory()


def utf16ForQString(text):
    """(the UTF-16BE bytes QString holds for `text`, "") or (None, why it
    cannot be shared). Checked before anything is touched, so that a text
    refused leaves the previous one shared."""
    translate = QCoreApplication.translate
    try:
        encoded = text.encode("utf-16-be")
    except UnicodeEncodeError:
        return None, translate("Widget_PA", "The text is not valid Unicode (it holds unpaired "
                                            "surrogates); nothing was written.")
    if 4 + len(encoded) > MAX_SIZE:
        return None, translate("Widget_PA", "The text is too long for shared memory; nothing "
                                            "was written.")
    return encoded, ""


def readTextOrImage(stream, segment):
    """in >> str, or in >> image where the segment holds an image as Qt's
    Shared Memory example writes it: (the text or the QImage, "") or (None,
    why not). The two are told apart by the bytes: a QString's length is an
    even number of bytes, and `out << image` starts with a qint32 1."""
    if startsLikeQImage(segment):
        return readOneQImageWithinLimit(stream)
    with memoryview(segment) as view:
        if bytes(view[:4]) == QIMAGE_STREAM_START[:4] and len(view) > 4:
            return None, QCoreApplication.translate(
                "Widget_PB", "The shared memory segment holds neither a text nor an image: it "
                             "starts as Qt writes an image, but no PNG follows.")
    return readOneQString(stream, segment)


def readOneQString(stream, segment):
    """in >> str, checked and without copies: reads what QDataStream >>
    QString reads (a quint32 byte length, then UTF-16BE) from `stream`, a
    QDataStream over `segment` (the segment's bytes), and returns (text, "")
    when they are exactly one QString, else (None, why not). The stream
    reads the length and steps over the text, which is decoded straight
    from the segment: readQString() would make a QString and PyQt convert
    it, 3 to 10 times slower (measured at 1 and 64 MiB). The length field
    is read again at the end: a writer that does not take the lock writes
    it last (see SharedMemory.copyFrom)."""
    with memoryview(segment) as view:
        length = bytes(view[:4])
        text = _readQStringFrom(stream, view)
        pos = stream.device().pos()
        size = pos if _isPageRounding(view, pos) else len(view)
        error = _notOneQString(size, length, text, stream.status(), pos, bytes(view[:4]))
    return (None, error) if error else (text, "")


# Where Qt rounds a segment's size() up to whole pages (Windows: a multiple
# of 4 KiB), a text is followed by the rounding's zeros, which are not data.
SEGMENT_PAGE_SIZE = 4096 if sys.platform == "win32" else None


def _isPageRounding(view, pos):
    rest = len(view) - pos
    return (SEGMENT_PAGE_SIZE is not None and 0 < rest < SEGMENT_PAGE_SIZE
            and len(view) % SEGMENT_PAGE_SIZE == 0 and not any(view[pos:]))


def _readQStringFrom(stream, view):
    """The text, "" for a stream left at ReadPastEnd or ReadCorruptData,
    None when it is not valid UTF-16."""
    length = stream.readUInt32()
    if length in (0, 0xffffffff):  # empty, or a null QString
        return ""
    if length % 2:
        stream.setStatus(QDataStream.ReadCorruptData)
        return ""
    start = stream.device().pos()
    if stream.skipRawData(min(length, len(view))) != length:
        return ""
    try:
        return str(view[start:start + length], "utf-16-be")
    except UnicodeDecodeError:
        return None


def _notOneQString(size, length, text, status, pos, lengthAgain):
    """Why the segment's `size` bytes are not exactly one serialized QString,
    or "" when they are."""
    translate = QCoreApplication.translate
    if size < 4:
        return arg(translate("Widget_PB", "The shared memory segment is too small (%1 bytes) to "
                                          "hold a text."), size)
    if length != lengthAgain or (length == bytes(4) and size > 4):
        return translate("Widget_PB", "Nothing has been written to the shared memory segment "
                                      "yet.")
    declared = int.from_bytes(length, "big")
    if declared == 0xffffffff:  # a null QString
        declared = 0
    if status == QDataStream.ReadCorruptData:
        return arg(translate("Widget_PB", "The shared memory segment does not hold a text: its "
                                          "length field (%1) is an odd number of bytes."),
                   declared)
    if status != QDataStream.Ok:
        return arg(translate("Widget_PB", "The shared memory segment does not hold a whole text: "
                                          "its length field says %1 bytes, but only %2 follow "
                                          "it."), declared, size - 4)
    if pos != size:
        return arg(translate("Widget_PB", "The shared memory segment does not hold just a text: "
                                          "%1 bytes follow it."), size - pos)
    if text is None:
        return translate("Widget_PB", "The shared memory segment does not hold valid UTF-16 "
                                      "text.")
    return ""


def sharedMemoryKeyOption():
    """The --key option both programs take (in the context of the class that
    uses the key, so that pylupdate5 sees one literal context)."""
    translate = QCoreApplication.translate
    return QCommandLineOption(
        "key", arg(translate("SharedMemory", "Shared memory key (default: %1)."),
                   DEFAULT_SHARED_MEMORY_KEY),
        translate("SharedMemory", "key"), DEFAULT_SHARED_MEMORY_KEY)
