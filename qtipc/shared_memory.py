"""SharedMemory: the QSharedMemory of process A and process B, with the blog's
steps made safe to repeat beside other writers and readers (the C++
programs included), each under a name that says what it does. Qt's own
methods keep their meaning; each step added returns a bool and errorString()
says why it failed, as QSharedMemory's own do. It never prints: what a
program should say while it waits comes through the `notice` signal.

Where Qt keeps shared memory in System V (Linux, macOS), the specifics come
from qtipc.sysv. Where that module cannot work (Windows, no ctypes) or the
system does not list its segments (macOS), the steps fall back to the blog's
plain calls, and the messages say what cannot be told."""

import functools
import importlib
import os
import sys

from PyQt5 import sip
from PyQt5.QtCore import QCoreApplication, QDeadlineTimer, QSharedMemory, pyqtSignal

from qtipc import arg
from qtipc.waiting import stopWaiting, waitWithEvents
from qtipc.system_limits import SegmentSizeLimit


@functools.lru_cache(maxsize=1)
def systemV():
    """qtipc.sysv where Qt keeps shared memory in System V and this process
    can look at it, else None (systemVUnavailableReason() says why)."""
    if sys.platform == "win32":
        return None
    try:
        from qtipc import sysv
    except (ImportError, OSError, AttributeError):
        return None
    return sysv if sysv.usedByQt() else None


def systemVUnavailableReason():
    """Why systemV() is None, or "" where it is not."""
    translate = QCoreApplication.translate
    if systemV() is not None:
        return ""
    if sys.platform == "win32":
        return translate("SharedMemory", "Windows has no System V IPC")
    try:
        importlib.import_module("qtipc.sysv")  # for the error it raises
    except (ImportError, OSError, AttributeError) as error:
        return arg(translate("SharedMemory", "System V IPC cannot be used here: %1"), error)
    return translate("SharedMemory", "this Qt does not use System V IPC")


class SharedMemory(QSharedMemory):
    # How long a write waits for readers still attached to the previous
    # segment, and for a key file another process is replacing.
    READER_WAIT_MS = 5000
    KEY_FILE_WAIT_MS = 200
    POLL_MS = 10
    LOCK_POLL_MS = 10

    # What a step is waiting for, or did, for the program to say.
    notice = pyqtSignal(str)

    def __init__(self, parent=None, notice=None):
        """`notice`, if given, is connected to the signal of the same name,
        here and in every renewed() object."""
        super().__init__(parent)
        self.m_noticeSlot = notice
        if notice is not None:
            self.notice.connect(notice)
        self.m_segmentId = None  # of the last segment created (System V)
        self.m_madeLock = None  # the lock's key file, if this object may have made it
        self.m_lockHolder = 0
        self.m_created = False
        self.m_left = False  # left without the lock: this object is done
        self.m_missing = False
        self.m_errorString = ""

    def errorString(self):
        """Why the last step failed: this class's reason, else Qt's."""
        return self.m_errorString or super().errorString()

    def fail(self, message):
        self.m_errorString = message
        return False

    # --- Step 3 of process A: create ------------------------------------------------------

    def createAfterPrevious(self, size):
        """create(size), once no segment is left under the key: create()
        resets the lock's semaphore. A segment left by a writer that crashed
        is removed, one a reader is still attached to is waited for, one of
        another live process is never touched."""
        self.m_errorString = ""
        sysv = systemV()
        if sysv is None or not sysv.canListSegments():
            return self.createWithoutLooking(size, systemVUnavailableReason()
                                             or self.tr("no /proc/sysvipc"))
        readers = QDeadlineTimer(self.READER_WAIT_MS)
        keyFile = QDeadlineTimer(self.KEY_FILE_WAIT_MS)
        while True:
            segment = sysv.findSegment(self.key())
            if segment is None:
                created = self.createOnFreeKey(sysv, size, readers, keyFile)
            else:
                created = self.clearPrevious(sysv, segment, readers)
            if created is not None:
                return created

    def createOnFreeKey(self, sysv, size, readers, keyFile):
        """create(size) where no segment is: True or False, or None to look
        at the key again."""
        # Whoever removed the last segment removes its key file right after,
        # and a key file made before that would go with it.
        if os.path.exists(sysv.segmentKeyFile(self.key())) and not keyFile.hasExpired():
            return None if waitWithEvents(self.POLL_MS) else self.fail(self.stoppedWaiting())
        # create() takes the lock; after a segment of ours, whoever removed
        # it must have released it (lockWhenFree() waits for that).
        if self.m_segmentId is None and not self.waitUntilLockFree():
            return False
        if self.m_segmentId is not None and not (self.lockWhenFree() and self.unlock()):
            return False
        if self.createRecordingLock(size):
            self.m_segmentId = getattr(sysv.findSegment(self.key()), "shmid", None)
            return True
        if self.error() in (QSharedMemory.KeyError, QSharedMemory.LockError) \
                and not readers.hasExpired():
            # The semaphore's key file was being replaced.
            return None if waitWithEvents(self.POLL_MS) else self.fail(self.stoppedWaiting())
        if self.error() != QSharedMemory.AlreadyExists or sysv.findSegment(self.key()) is None:
            return self.fail(arg(self.tr("Unable to create shared memory segment: %1"),
                                 self.createError(size)))
        return None  # another process created one meanwhile: look at it

    def clearPrevious(self, sysv, segment, readers):
        """Deals with the segment found under the key: False when it stays
        in the way, else None to look at the key again."""
        ours = segment.shmid == self.m_segmentId
        if not ours and sysv.processIsRunning(segment.creatorPid):
            return self.fail(arg(self.tr("Another process (pid %1) is sharing memory under the "
                                         "key %2; nothing was written."),
                                 segment.creatorPid, self.key()))
        if not ours and segment.attachCount == 0:
            return self.removeStale(sysv, segment)  # left by a writer that crashed
        # Readers are still attached to a previous segment; the last of
        # them to detach removes it.
        if readers.hasExpired():
            return self.fail(arg(self.tr("The previous shared memory segment is still in use by "
                                         "%1 process(es); nothing was written."),
                                 segment.attachCount))
        self.m_lockHolder = 0
        return None if waitWithEvents(self.POLL_MS) else self.fail(self.stoppedWaiting())

    def removeStale(self, sysv, segment):
        """Removes a segment nobody is attached to the way Qt does (whoever
        detaches last removes the segment and its key file): None, or False
        when it cannot. Someone attaching meanwhile keeps it until they go."""
        stale = QSharedMemory(self.key())
        if stale.attach(QSharedMemory.ReadOnly):
            stale.detach()
            return None
        again = sysv.findSegment(self.key())
        if again is not None and again.attachCount == 0:
            return self.fail(arg(self.tr("Unable to remove the shared memory segment left by "
                                         "process %1: %2"),
                                 segment.creatorPid, stale.errorString()))
        return None

    def createWithoutLooking(self, size, why):
        """createAfterPrevious() where segments cannot be looked at: create()
        as the blog does, tried again for a while if this object wrote
        before (readers may still hold the previous segment)."""
        readers = QDeadlineTimer(self.READER_WAIT_MS if self.m_created else 0)
        while not (self.waitUntilLockFree() and self.createRecordingLock(size)):
            if self.m_errorString:
                return False  # stopped waiting for the lock
            self.m_lockHolder = 0
            if self.error() not in (QSharedMemory.AlreadyExists, QSharedMemory.KeyError,
                                    QSharedMemory.LockError):
                return self.fail(arg(self.tr("Unable to create shared memory segment: %1"),
                                     self.createError(size)))
            if readers.hasExpired():
                return self.fail(arg(self.tr(
                    "Shared memory under the key %1 is in use (by another process A, by a reader "
                    "still attached, or left by a writer that crashed: this system cannot tell "
                    "which: %2); nothing was written."), self.key(), why))
            if not waitWithEvents(self.POLL_MS):
                return self.fail(self.stoppedWaiting())
        return True

    def createError(self, size):
        """Why create(size) failed: Qt's words, and where the size was refused
        (QSharedMemory.InvalidSize), the bytes needed, the system's cap and
        how to raise it."""
        if self.error() != QSharedMemory.InvalidSize:
            return super().errorString()
        return arg(self.tr("%1. The segment needs %2 bytes. %3"), super().errorString(), size,
                   SegmentSizeLimit().explanation(size))

    def createRecordingLock(self, size):
        """create(size), noting whether it made the lock's semaphore."""
        created = self.recordingLock(lambda: self.create(size))
        if created and not self.m_created:
            self.m_created = True
            # Destroyed at exit, this object would detach and so wait for the lock.
            QCoreApplication.instance().aboutToQuit.connect(self.detachAtQuit)
        return created

    # --- Process B's attach, and the lock -------------------------------------------------

    def attachToWritten(self, mode=QSharedMemory.ReadOnly):
        """attach(mode), once the lock is free (attach() takes it). Where Qt
        keeps key files, a key nobody has written is refused at once:
        attach() would make a lock semaphore and key file for it. False
        with isMissing() when no segment is there."""
        self.m_errorString, self.m_missing = "", False
        if systemV() is not None and not os.path.exists(self.nativeKey()):
            self.m_missing = True
            return False
        if not self.waitUntilLockFree():
            self.notice.emit(self.errorString())  # said before the caller's "unable to attach"
            return False
        attached = self.recordingLock(lambda: self.attach(mode))
        self.m_missing = not attached and self.error() == QSharedMemory.NotFound
        return attached

    def isMissing(self):
        """True when the last attachToWritten() found no segment under the
        key (not one that is there but could not be attached)."""
        return self.m_missing

    def recordingLock(self, call):
        sysv = systemV()
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
        event loop runs, and `notice` says who holds the lock. False when
        the application quits first."""
        sysv = systemV()
        self.m_lockHolder = 0
        while sysv is not None:
            holder = sysv.lockHolder(self.key())
            if holder in (0, os.getpid()):
                return True
            if holder != self.m_lockHolder:
                self.m_lockHolder = holder
                self.notice.emit(arg(self.tr("Waiting for the shared memory lock, held by "
                                             "process %1."), holder))
            if not waitWithEvents(self.LOCK_POLL_MS):
                return self.fail(self.stoppedWaiting())
        return True

    def stoppedWaiting(self):
        if not self.m_lockHolder:  # waiting for readers
            return self.tr("Stopped waiting for the readers of the previous shared memory "
                           "segment; nothing was written.")
        return arg(self.tr("Stopped waiting for the shared memory lock held by process %1."),
                   self.m_lockHolder)

    def lockWhenFree(self):
        """lock(), once no other process holds the lock, tried again for a
        moment if it fails (it does while another process replaces the
        lock's semaphore)."""
        self.m_errorString = ""
        deadline = QDeadlineTimer(self.KEY_FILE_WAIT_MS)
        while self.waitUntilLockFree():
            if self.lock():
                return True
            if deadline.hasExpired():
                return self.fail(arg(self.tr("Unable to lock shared memory: %1"),
                                     super().errorString()))
            if not waitWithEvents(self.POLL_MS):
                return self.fail(self.stoppedWaiting())
        return False

    # --- Steps 5 and 4: the bytes ---------------------------------------------------------

    def copyFrom(self, buffer):
        """memcpy(data(), buffer, qMin(size(), buffer.size())): from the
        QBuffer's own bytes, not a copy, and its first four bytes (a
        QString's length) last, so that a reader that gets in without the
        lock sees zeros (nothing written yet) or all of it. Returns the
        number of bytes copied."""
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

    # --- Detaching ------------------------------------------------------------------------

    def detachWhenFree(self):
        """detach() (which takes the lock) once the lock is free, tried again
        for a moment if it fails; False when the application is told to quit
        first (leave() then leaves the segment without the lock)."""
        self.m_errorString = ""
        if self.m_left or not self.isAttached():
            return False
        if not self.waitUntilLockFree():
            return False  # told to quit meanwhile: errorString() says so
        deadline = QDeadlineTimer(self.KEY_FILE_WAIT_MS)
        while not (self.detach() or not self.isAttached()):
            if deadline.hasExpired() or not waitWithEvents(self.POLL_MS):
                return False
        return True

    def detachAtQuit(self):
        stopWaiting()
        self.leave()

    def leave(self):
        """detachWhenFree() for a window that closes as its program ends:
        without waiting for a lock another process holds. Afterwards this
        process is no longer attached, or has left the segment without the
        lock (notice says so)."""
        sysv = systemV()
        if sysv is not None and self.isAttached() and not self.m_left \
                and sysv.lockHolder(self.key()) not in (0, os.getpid()):
            self.m_lockHolder = sysv.lockHolder(self.key())
            self.leaveWithoutLock()
        elif not self.detachWhenFree() and self.isAttached() and not self.m_left:
            self.leaveWithoutLock()  # its holder took the lock meanwhile

    def leaveWithoutLock(self):
        """Leaves the segment without QSharedMemory's detach(), which would
        wait for the lock as long as its holder (perhaps a stopped process)
        keeps it: the segment goes to those still attached (the last removes
        it, as Qt does), or is marked for removal if there are none; the
        lock's semaphore is removed if this object made it. Qt's destructor
        would detach again and wait, so this object is handed to Qt and
        never destroyed: the program is ending, and the system frees it."""
        sysv = systemV()
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
        self.notice.emit(arg(self.tr("Left the shared memory segment without the lock, which "
                                     "process %1 holds."), self.m_lockHolder))
        self.setParent(None)
        sip.transferto(self, None)
        return True

    def renewed(self, owner):
        """A new SharedMemory for the next read, with the same notice slot.
        Qt 5 lets the object that made the lock's semaphore delete it when
        it attaches again or is destroyed, which would take the lock from
        under a writer; so each read gets a new object, and one that may
        have made the lock is kept as long as `owner`."""
        sysv = systemV()
        if sysv is not None and self.m_madeLock is not None \
                and sysv.fileIdentity(sysv.semaphoreKeyFile(self.key())) == self.m_madeLock:
            self.setParent(owner)
        return SharedMemory(notice=self.m_noticeSlot)
