"""SharedMemory: the QSharedMemory of process A and process B, the blog's
steps made safe beside other writers and readers. Each step added returns
a bool and errorString() says why it failed; what a program should say
while it waits comes through `notice`. The System V specifics come from
qtipc.sysv, loaded on first use; where it cannot be (Windows, no sysv_ipc)
or segments are not listed (macOS), the steps fall back to the blog's
plain calls, and the messages say what cannot be told. Another user's
segment or lock is refused; no wait for a lock outlasts LOCK_WAIT_MS."""

import os

from PyQt5 import sip
from PyQt5.QtCore import QCoreApplication, QDeadlineTimer, QSharedMemory, pyqtSignal

from qtipc import arg
from qtipc.errors import ErrorString, OptionalBackend, Unavailable
from qtipc.system_limits import SegmentSizeLimit, keyFileDirectory
from qtipc.waiting import LOCK_WAIT_MS, POLL_MS, stopWaiting, waitWithEvents


def _loadSystemV():
    translate = QCoreApplication.translate
    try:
        from qtipc import sysv
    except ImportError as error:  # no sysv_ipc (Windows)
        raise Unavailable(arg(translate("SharedMemory", "System V IPC cannot be used here: %1"),
                              error)) from error
    if not keyFileDirectory("qtipc"):
        raise Unavailable(translate("SharedMemory", "this Qt does not use System V IPC"))
    return sysv


# qtipc.sysv, where Qt keeps shared memory in System V and this process can look at it.
systemV = OptionalBackend(_loadSystemV)


class SharedMemory(ErrorString, QSharedMemory):
    # How long a write waits for readers still attached to the previous
    # segment, and for a key file another process is replacing.
    READER_WAIT_MS = 5000
    KEY_FILE_WAIT_MS = 200

    # What a step is waiting for, or did, for the program to say.
    notice = pyqtSignal(str)

    def __init__(self, parent=None, notice=None):
        """`notice`, if given, is connected to the signal of the same name,
        here and in every renewed() object."""
        super().__init__(parent)
        self._noticeSlot = notice
        if notice is not None:
            self.notice.connect(notice)
        # The last segment created; the lock's key file, if this object may have made it.
        self._segmentId = self._madeLock = self._lockHolder = None
        self._created = self._left = self._missing = False

    # --- Step 3 of process A: create ------------------------------------------------------

    def createAfterPrevious(self, size):
        """create(size) once no segment is under the key (create() resets the
        lock): a crashed writer's is removed, one with readers waited for,
        another live process's or user's never touched. Where segments are
        not listed, create() tried again for a while after a write of ours."""
        self._clearError()
        sysv = systemV.get()
        listed = sysv is not None and os.path.isfile(sysv.SEGMENT_LIST)
        readers = QDeadlineTimer(self.READER_WAIT_MS if listed or self._created else 0)
        keyFile = QDeadlineTimer(self.KEY_FILE_WAIT_MS)
        while True:
            segment = sysv.findSegment(self.key()) if listed else None
            if sysv is not None and not self._ownedHere(sysv, segment if listed else False):
                return False
            if segment is not None:
                if not self._clearPrevious(sysv, segment, readers):
                    return False
            # The key file of a segment just removed is about to go too.
            elif not (listed and os.path.exists(self.nativeKey()) and not keyFile.hasExpired()):
                # create() takes the lock, released by whoever removed ours.
                if not self._waitUntilLockFree():
                    return False
                if self._recordingLock(lambda: self.create(size)):
                    app = QCoreApplication.instance()  # destroyed at exit, it would wait
                    if not self._created and app is not None:  # for the lock to detach
                        app.aboutToQuit.connect(stopWaiting)
                        app.aboutToQuit.connect(self.leave)
                    self._created, self._segmentId = True, getattr(
                        listed and sysv.findSegment(self.key()), "shmid", None)
                    return True
                if not self._mayCreateAgain(listed, readers, size):
                    return False
            self._lockHolder = None
            if not waitWithEvents(POLL_MS):
                return self._fail(self._stoppedWaiting())

    def _mayCreateAgain(self, listed, readers, size):
        """After create() failed: True to look again (a segment made meanwhile,
        the lock being replaced, readers of ours), else False."""
        error = self.error()
        if listed and error == QSharedMemory.AlreadyExists \
                and systemV.get().findSegment(self.key()) is not None:
            return True
        if error not in (QSharedMemory.KeyError, QSharedMemory.LockError, None if listed else
                         QSharedMemory.AlreadyExists) or listed and readers.hasExpired():
            why = QSharedMemory.errorString(self)
            if error == QSharedMemory.InvalidSize:  # the bytes needed, the cap, how to raise it
                why = arg(self.tr("%1. The segment needs %2 bytes. %3"), why, size,
                          SegmentSizeLimit().explanation(size))
            return self._fail(arg(self.tr("Unable to create shared memory segment: %1"), why))
        return not readers.hasExpired() or self._fail(arg(self.tr(
            "Shared memory under the key %1 is in use (by another process A, by a reader still "
            "attached, or left by a writer that crashed: this system cannot tell which: %2); "
            "nothing was written."), self.key(),
            systemV.unavailableReason() or self.tr("no /proc/sysvipc")))

    def _clearPrevious(self, sysv, segment, readers):
        """Deals with the segment found under the key: True to look again,
        False when it stays in the way."""
        ours = segment.shmid == self._segmentId
        if not ours and sysv.processIsRunning(segment.creatorPid):
            return self._fail(arg(self.tr("Another process (pid %1) is sharing memory under the "
                                          "key %2; nothing was written."),
                                  segment.creatorPid, self.key()))
        if not ours and segment.attachCount == 0:
            return self._removeStale(sysv, segment)  # left by a writer that crashed
        # Readers are still attached to a previous segment; the last of them removes it.
        return not readers.hasExpired() or self._fail(arg(self.tr(
            "The previous shared memory segment is still in use by %1 process(es); nothing was "
            "written."), segment.attachCount))

    def _removeStale(self, sysv, segment):
        """Removes a segment nobody is attached to, as whoever detaches last
        does in Qt. Someone attaching meanwhile keeps it."""
        if not self._waitUntilLockFree():  # attach() takes the lock
            return False
        stale = QSharedMemory(self.key())
        if stale.attach(QSharedMemory.ReadOnly):
            return stale.detach() or True
        again = sysv.findSegment(self.key())
        return again is None or again.attachCount != 0 or self._fail(arg(self.tr(
            "Unable to remove the shared memory segment left by process %1: %2"),
            segment.creatorPid, stale.errorString()))

    # --- Process B's attach, the owner and the lock -------------------------------------

    def attachToWritten(self, mode=QSharedMemory.ReadOnly):
        """attach(mode) once the lock is free (attach() takes it); a key with
        no key file at once False with isMissing() (attach() would make a
        lock for it), as when no segment is there."""
        self._clearError()
        sysv = systemV.get()
        self._missing = sysv is not None and not os.path.exists(self.nativeKey())
        if self._missing:
            return False
        if sysv is not None and not self._ownedHere(sysv) or not self._waitUntilLockFree():
            return False
        attached = self._recordingLock(lambda: self.attach(mode))
        self._missing = not attached and self.error() == QSharedMemory.NotFound
        return attached

    def isMissing(self):
        """True when the last attachToWritten() found no segment."""
        return self._missing

    def _ownedHere(self, sysv, segment=False):
        problem = sysv.ownerProblem(self.key(), segment)
        return not problem or self._fail(problem)

    def _lockIdentity(self):
        sysv = systemV.get()
        return sysv and sysv.fileIdentity(sysv.semaphoreKeyFile(self.key()))

    def _recordingLock(self, call):
        before, result = self._lockIdentity(), call()
        if self._lockIdentity() != before:
            self._madeLock = self._lockIdentity()
        return result

    def _waitUntilLockFree(self):
        """True once no other process holds the lock (at once where that
        cannot be seen), `notice` saying who holds it meanwhile. False when
        the application quits, or after LOCK_WAIT_MS (never taken over)."""
        sysv = systemV.get()
        self._lockHolder = None
        deadline = QDeadlineTimer(LOCK_WAIT_MS)
        while sysv and (holder := sysv.lockHolder(self.key())) not in (None, os.getpid()):
            if holder != self._lockHolder:
                self._lockHolder = holder
                self.notice.emit(arg(self.tr("Waiting for the shared memory lock, held by "
                                             "process %1."), holder))
            if deadline.hasExpired():
                return self._fail(arg(self.tr(
                    "Gave up waiting for the shared memory lock after %2 seconds: process %1 "
                    "holds it. To free the lock, quit that process."),
                    holder, LOCK_WAIT_MS // 1000))
            if not waitWithEvents(POLL_MS):
                return self._fail(self._stoppedWaiting())
        return True

    def _stoppedWaiting(self):
        return arg(self.tr("Stopped waiting for the readers of the previous shared memory segment; "
                           "nothing was written.") if self._lockHolder is None else self.tr(
            "Stopped waiting for the shared memory lock held by process %1."), self._lockHolder)

    def lockWhenFree(self):
        """lock(), once no other process holds the lock, tried again for a
        moment if it fails (as while another process replaces the lock). A
        reader's object that gives up is done: it leaves without the lock
        (at exit, Qt's destructor would wait for it)."""
        self._clearError()
        deadline = QDeadlineTimer(self.KEY_FILE_WAIT_MS)
        while self._waitUntilLockFree():
            if self.lock():
                return True
            if deadline.hasExpired():
                return self._fail(arg(self.tr("Unable to lock shared memory: %1"),
                                      QSharedMemory.errorString(self)))
            if not waitWithEvents(POLL_MS):
                return self._fail(self._stoppedWaiting())
        if not self._created and self.isAttached():
            self._leaveWithoutLock(systemV.get())
        return False

    # --- Steps 5 and 4: the bytes ---------------------------------------------------------

    def copyFrom(self, buffer):
        """memcpy(data(), buffer, qMin(size(), buffer.size())) from the
        QBuffer's own bytes, its first four (a QString's length) last, so
        that a reader that gets in without the lock sees zeros (nothing
        written yet) or all of it. Returns the number of bytes copied."""
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
        first or the lock stays held (leave() then leaves without it)."""
        self._clearError()
        if self._left or not self.isAttached() or not self._waitUntilLockFree():
            return False
        deadline = QDeadlineTimer(self.KEY_FILE_WAIT_MS)
        while not (self.detach() or not self.isAttached()):
            if deadline.hasExpired() or not waitWithEvents(POLL_MS):
                return False
        return True

    def leave(self):
        """detachWhenFree() as the program ends, not waiting for a lock
        another process holds: then left without the lock (notice says so)."""
        sysv = systemV.get()
        if self._left or not self.isAttached():
            return
        holder = sysv.lockHolder(self.key()) if sysv is not None else None
        if holder not in (None, os.getpid()):
            self._lockHolder = holder
        elif self.detachWhenFree() or not self.isAttached():
            return
        self._leaveWithoutLock(sysv)  # its holder may have taken the lock meanwhile

    def _leaveWithoutLock(self, sysv):
        """Leaves without detach(), which would wait for the lock's holder:
        the segment goes to those still attached (the last removes it) or is
        marked for removal, the lock goes if this object made it. Never
        destroyed (Qt's destructor would detach and wait): the program ends."""
        self._left = True
        if sysv is not None:
            # Where segments are not listed, those still attached are not known.
            if getattr(sysv.findSegment(self.key()), "attachCount", 2) <= 1:
                sysv.removeWhenDetached(self.key())
            sysv.detachAddress(int(self.constData()))
            if self._madeLock is not None and self._lockIdentity() == self._madeLock:
                sysv.removeLock(self.key())
        self.notice.emit(arg(self.tr("Left the shared memory segment without the lock, which "
                                     "process %1 holds."), self._lockHolder))
        self.setParent(None)
        sip.transferto(self, None)

    def renewed(self, owner):
        """A new SharedMemory for the next read, with the same notice slot:
        Qt 5's object that made the lock deletes it when it attaches again
        or is destroyed, so one that may have made it is kept by `owner`;
        one that did not make it is used again."""
        if self._madeLock is None and not self._left:
            return self
        if self._madeLock is not None and self._lockIdentity() == self._madeLock:
            self.setParent(owner)
        return SharedMemory(notice=self._noticeSlot)
