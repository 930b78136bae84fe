"""What process A and process B do with Qt 6's native key of their key's name
(qtipc.qt6_shared_memory), beside the System V segment: A publishes an image
there, where Qt 6.6+'s Shared Memory example reads it; B reads what is there
when the System V key has nothing. A wait for the lock runs the event loop
and ends after LOCK_WAIT_MS at most; the last process A removes what it
wrote. Each step returns a bool (read() the bytes or None) and errorString()
says why. Why each rule: docs/shared-memory.md, "Qt 6's native keys"."""

import os
import weakref
from contextlib import suppress

from PyQt5.QtCore import QCoreApplication, QDeadlineTimer, QObject, QSharedMemory, pyqtSignal

from qtipc import arg
from qtipc.errors import ErrorKind
from qtipc.qt6_shared_memory import Qt6SharedMemory, available, unavailableReason  # noqa: F401
from qtipc.waiting import LOCK_WAIT_MS, POLL_MS, waitWithEvents

RELEASE_LOCK_MS = 200  # how long release() tries for the lock before removing anyway


class PosixSharedMemory(ErrorKind, QObject):
    """publish(data) for process A, read() and isMissing() for process B,
    release() when A closes; `notice` says what a step waits for."""

    notice = pyqtSignal(str)

    LOCK_WAIT_MS = LOCK_WAIT_MS
    STALE_CHECK_MS = 1000  # between two looks for a lock whose holder is gone
    POLL_MS = POLL_MS

    def __init__(self, key, parent=None):
        super().__init__(parent)
        # The one state, released as by release() when this object is
        # destroyed (with its window, say) or garbage-collected first.
        self._memory = Qt6SharedMemory(key)
        self._stop = False
        # Not a lambda or partial: the garbage collector clears one that
        # only this object's connection holds, and a C++ object destroyed
        # later (a deleteLater()) would call it freed. weakref's registry
        # holds the finalizer until it has run, once.
        self.destroyed.connect(weakref.finalize(self, _release, self._memory))
        if QCoreApplication.instance() is not None:
            QCoreApplication.instance().aboutToQuit.connect(self.release)

    def memory(self):
        """The Qt6SharedMemory of the key: Qt 6's own API on it."""
        return self._memory

    def _failed(self, result=False):
        return self._failWith(self._memory.error(), self._memory.errorString(), result)

    def publish(self, data):
        """Process A's write of `data` (bytes-like), as Qt 6's example writes
        (create(size), or attach() to the one there; lock, memcpy, unlock),
        under the lock throughout. A leftover of the same size is taken over
        and written in place; one of another size is made again at the exact
        size. This object owns it until release(), which quitting calls too."""
        memory = self._memory
        with memoryview(data) as view:
            view = view.cast("B")
            if not len(view):
                memory.create(0)  # refused, saying why
                return self._failed()
            written = self._lockWhenFree() and self._writeLocked(view)
            memory.unlock()
        if not memory.isAttached():
            memory.owned = False
            memory.detach()  # removes a semaphore made for nothing
        return written

    def _writeLocked(self, view):
        memory, size = self._memory, len(view)
        for _ in range(3):
            if memory.create(size):
                break
            if memory.error() == QSharedMemory.AlreadyExists and memory.attach():
                if memory.size() == size:
                    break  # taken over, as Qt 6's example does
                _unlinkIfSame(memory)  # another size: whoever maps it keeps it
                memory.detach()
            elif memory.error() not in (QSharedMemory.AlreadyExists, QSharedMemory.NotFound):
                return self._failed()
        else:
            return self._failWith(QSharedMemory.AlreadyExists, arg(self.tr(
                "%1 kept being replaced while it was written."), memory.objectPath()))
        memory.owned = True
        _flock(memory.fileno(), "LOCK_SH")  # each process A writing it: see _lastWriter()
        memory.data()[:size] = view
        self._clearError()
        return True

    def read(self):
        """Process B's read, as Qt 6's example reads (attach, lock, copy,
        unlock, detach), read-only, under one lock: the bytes, or None
        (NotFound: no object). A program told to quit starts no new read."""
        memory = self._memory
        if not waitWithEvents(0):
            return self._failWith(QSharedMemory.LockError, self.tr(
                "Nothing was read: the program is quitting."), None)
        if not memory.exists():
            return self._failed(None)
        if not self._lockWhenFree():
            memory.detach()  # removes a semaphore made for nothing
            return None
        data = bytes(memory.data()) if memory.attach(QSharedMemory.ReadOnly) else None
        memory.unlock()
        memory.detach()
        if data is None:
            return self._failed(None)
        self._clearError()
        return data

    def isMissing(self):
        """True when the last step found no object under the key, or none can
        be there (a key no POSIX name can hold, no POSIX shared memory)."""
        return not available() or self.error() in (QSharedMemory.NotFound, QSharedMemory.KeyError)

    def release(self):
        """What process A does when it closes: detaches and, as the last
        process A writing the object, removes it (if its name still names it)
        and its semaphore, as Qt 6 never does. Returns True."""
        _release(self._memory)
        self._clearError()
        return True

    def cancelWait(self):
        """Ends a wait for the lock (the step then fails with LockError)."""
        self._stop = True

    def _lockWhenFree(self):
        """The lock, waited for with the event loop running: said once through
        notice, given up when told (cancelWait(), quitting) or after
        LOCK_WAIT_MS, naming who has the semaphore open. A lock whose holder
        is gone (no process maps its semaphore: Linux) is made anew, as Qt 6's
        create() does; a stopped holder is living, never taken over."""
        memory = self._memory
        self._stop, announced = False, False
        deadline, staleCheck = QDeadlineTimer(self.LOCK_WAIT_MS), QDeadlineTimer(0)
        while not memory.tryLock():
            if memory.error() != QSharedMemory.LockError:
                return self._failed()
            held = memory.semaphoreIdentity()
            if staleCheck.hasExpired() and held is not None and os.path.isdir("/proc/self"):
                staleCheck.setRemainingTime(self.STALE_CHECK_MS)
                if not _openers(held, withSelf=True):
                    memory.removeSemaphore()
                    continue
            if not announced:
                announced = True
                self.notice.emit(arg(self.tr("Waiting for the lock of %1, held by another "
                                             "process."), memory.semaphorePath()))
            if deadline.hasExpired() or self._stop or not waitWithEvents(self.POLL_MS):
                return self._failWith(QSharedMemory.LockError, self._gaveUp(
                    deadline.hasExpired() and not self._stop, held))
        return True

    def _gaveUp(self, timedOut, held):
        path, seconds = self._memory.semaphorePath(), "{:g}".format(self.LOCK_WAIT_MS / 1000)
        openers = _openers(held) if timedOut and held is not None else []
        if not timedOut:
            return arg(self.tr("Stopped waiting for the lock of %1, held by another process."),
                       path)
        if openers:
            return arg(self.tr("The lock of %1 was not released within %2 s. Processes that have "
                               "it open: %3. Quit them to free the lock."),
                       path, seconds, ", ".join(openers))
        return arg(self.tr("The lock of %1 was not released within %2 s, and this system cannot "
                           "tell which process holds it. Quit the programs that use it to free "
                           "the lock."), path, seconds)


def _release(memory):
    """release() of the Qt 6 object `memory`, also when its PosixSharedMemory
    is destroyed attached."""
    if memory.isAttached() and memory.owned and _lastWriter(memory.fileno()):
        # Briefly: a program ending must not hang on a stopped holder. The
        # semaphore goes unless it is not this user's (held or not, it is ours).
        mayRemove = memory.tryLock(RELEASE_LOCK_MS) or memory.error() == QSharedMemory.LockError
        if _unlinkIfSame(memory) and mayRemove:
            memory.removeSemaphore()
        memory.unlock()
    memory.detach()
    memory.owned = False


def _unlinkIfSame(memory):
    """shm_unlink of the key if it still names the object `memory` attached:
    True then, or when it names no object any more."""
    import posix_ipc
    try:
        named = posix_ipc.SharedMemory(memory.nativeKey(), read_only=True).fd
    except (posix_ipc.Error, OSError, ValueError) as error:
        return isinstance(error, posix_ipc.ExistentialError)
    same = os.path.samestat(os.fstat(memory.fileno()), os.fstat(named))
    os.close(named)
    if same:
        with suppress(posix_ipc.Error):
            posix_ipc.unlink_shared_memory(memory.nativeKey())
    return same


def _flock(fd, operation):
    """fcntl.flock(fd, `operation`) without blocking: False when another
    process holds a lock in the way (True where there is no flock())."""
    import fcntl
    try:
        fcntl.flock(fd, getattr(fcntl, operation) | fcntl.LOCK_NB)
    except OSError as error:
        return not isinstance(error, BlockingIOError)
    return True


def _lastWriter(fd):
    """True when no other process A holds its flock() on the object. Two
    releasing at once could each see the other's: one that sees another
    lets go of its own and looks once more."""
    return _flock(fd, "LOCK_EX") or (_flock(fd, "LOCK_UN") and _flock(fd, "LOCK_EX"))


def _openers(file, withSelf=False):
    """"PID (NAME)" of each process that maps `file` ((st_dev, st_ino): glibc
    maps each semaphore it opens), as far as /proc shows: to a user other
    than root, that user's processes."""
    wanted = "{:02x}:{:02x} {}".format(os.major(file[0]), os.minor(file[0]), file[1])
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit() and (withSelf or int(pid) != os.getpid()):
            with suppress(OSError), open("/proc/{}/maps".format(pid)) as maps, \
                    open("/proc/{}/comm".format(pid)) as comm:
                if any(" ".join(line.split(None, 5)[3:5]) == wanted for line in maps):
                    found.append("{} ({})".format(pid, comm.read().strip()))
    return found
