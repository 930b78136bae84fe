"""Qt 6's QSharedMemory(QNativeIpcKey(key)) of the POSIX type (Linux, macOS)
for PyQt5, whose Qt 5 knows only System V there; posix_ipc makes the C calls.
What Qt 6 does, what this does beyond it, and why: docs/shared-memory.md,
"Qt 6's native keys"."""

import errno
import importlib
import os
import sys
import time
from contextlib import suppress

from PyQt5.QtCore import QCoreApplication, QObject, QSharedMemory

from qtipc import arg
from qtipc.errors import ErrorKind, OptionalBackend
from qtipc.owners import Owners
from qtipc.waiting import LOCK_WAIT_MS

_LINUX = sys.platform.startswith("linux")
# The longest name in bytes (glibc's less the semaphore's "sem.", as Qt 6's create()).
NAME_LIMITS = {"linux": (251, "NAME_MAX 255, less 4 for the semaphore's \"sem.\""),
               "darwin": (31, "PSHMNAMLEN 31")}


_backend = OptionalBackend(lambda: importlib.import_module("posix_ipc"))  # not on Windows


def available():
    return _backend.get() is not None


def unavailableReason():
    translate, reason = QCoreApplication.translate, _backend.unavailableReason()
    if reason and sys.platform == "win32":
        return translate("Qt6SharedMemory",
                         "Qt 6 uses Windows kernel objects there, not POSIX shared memory.")
    return reason and arg(translate("Qt6SharedMemory",
                                    "POSIX shared memory cannot be used here: %1"), reason)


def _identity(status):
    return None if status is None else (status.st_dev, status.st_ino)


def _acquire(semaphore, ms):
    """acquire() within `ms` ms; polled where the system has no timed wait
    (macOS), on which posix_ipc would wait for good."""
    posix_ipc = _backend.get()
    if ms <= 0 or posix_ipc.SEMAPHORE_TIMEOUT_SUPPORTED:
        return semaphore.acquire(ms / 1000)
    deadline = time.monotonic() + ms / 1000
    while True:
        try:
            return semaphore.acquire(0)
        except posix_ipc.BusyError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _lstat(path):
    with suppress(OSError):  # Linux: elsewhere a semaphore has no file
        return os.lstat(path) if _LINUX else None


class Qt6SharedMemory(ErrorKind, QObject):
    """Qt 6's API; objects, semaphores and links not this user's alone are
    refused. Beyond Qt, for qtipc.posix_shared_memory: exists(), tryLock(),
    semaphoreIdentity(), removeSemaphore(), fileno() and `owned`."""

    def __init__(self, key, parent=None):
        super().__init__(parent)
        self._key = key
        self._fd = self._map = None  # the object's descriptor and mapping while attached
        self._size, self._mode = 0, QSharedMemory.ReadWrite
        self._semaphore = None  # the posix_ipc.Semaphore while the lock is held
        self._semaphoreFile = None  # identity of the semaphore last opened (Linux)
        self._madeSemaphore = None  # that identity (or True) if this object made it
        self.owned = False  # process A's: detach() leaves the semaphore to its release()

    def nativeKey(self):
        return self._key

    def objectPath(self, prefix=""):
        return os.path.join("/dev/shm", prefix + self._key.lstrip("/")) if _LINUX else self._key

    def semaphorePath(self):
        return self.objectPath("sem.")

    def _ready(self):
        if not available():
            return self._failWith(QSharedMemory.UnknownError, unavailableReason())
        name, shown = (self._key.encode("utf-8", errors) for errors in ("surrogatepass",
                                                                        "backslashreplace"))
        bare = name.lstrip(b"/") if _LINUX else name
        if not bare or b"/" in bare.lstrip(b"/") or name != shown:  # shown: no surrogates
            return self._failWith(QSharedMemory.KeyError, arg(self.tr(
                "The key %1 cannot name a POSIX shared memory object: a name may not hold \"/\" "
                "after its first character, nor be empty or invalid UTF-8."), shown.decode()))
        limit, why = NAME_LIMITS.get(sys.platform.rstrip("0123456789"), (None, ""))
        if limit is not None and len(bare) > limit:
            return self._failWith(QSharedMemory.KeyError, arg(self.tr(
                "The key %1 is too long for a POSIX shared memory object: %2 bytes in UTF-8, and "
                "this system takes at most %3 (%4)."), self._key, len(bare), limit, why))
        return True

    def _refused(self, error, function, path, result=False):
        number = getattr(error, "errno", None)
        denied = isinstance(error, _backend.get().PermissionsError) or number == errno.EACCES
        with suppress(OSError):
            if number == errno.ELOOP:
                return self._failWith(QSharedMemory.PermissionDenied, arg(self.tr(
                    "Refused %1: it is a symbolic link (to %2), not a POSIX object; nothing was "
                    "read or written through it."), path, os.readlink(path)), result)
            if denied and _LINUX and not self._checkOwner(os.lstat(path), path):
                return result  # the message names the file and its owner
        return self._failWith(
            QSharedMemory.PermissionDenied if denied else QSharedMemory.UnknownError,
            arg(self.tr("%1 of %2 failed: %3"), function, path,
                os.strerror(number) if number else error), result)

    def _checkOwner(self, status, path):
        problem = Owners.problem(path, status.st_uid, status.st_mode)
        return not problem or self._failWith(QSharedMemory.PermissionDenied, problem)

    def create(self, size, mode=QSharedMemory.ReadWrite):
        """As Qt 6, keeping the semaphore; create() and attach() do not relock."""
        if size <= 0 and self._ready():
            return self._failWith(QSharedMemory.InvalidSize, arg(self.tr(
                "Cannot create %1 of %2 bytes: the size must be at least 1 byte."),
                self.objectPath(), size))
        self.detach()
        return self._ready() and self._underLock(lambda: self._attach(mode, size))

    def attach(self, mode=QSharedMemory.ReadWrite):
        """As Qt 6; where there is no object nothing is made, not even the semaphore."""
        return not self.isAttached() and self.exists() and \
            self._underLock(lambda: self._attach(mode))

    def exists(self):
        """False with NotFound (or why it cannot be opened) where no object is."""
        fd = self._open(QSharedMemory.ReadOnly) if self._ready() else None
        if fd is not None:
            os.close(fd)
        return fd is not None

    def _underLock(self, step):
        if self._semaphore is not None:
            return step()
        done = self.lock() and step()
        if self.unlock() and not done:
            self.detach()  # removes a semaphore made for nothing
        return done

    def _open(self, mode, size=0):
        posix_ipc = _backend.get()
        try:
            return posix_ipc.SharedMemory(self._key, posix_ipc.O_CREX if size else 0, 0o600,
                                          read_only=mode == QSharedMemory.ReadOnly).fd
        except posix_ipc.ExistentialError:
            kind, message = ((QSharedMemory.AlreadyExists, self.tr("%1 already exists.")) if size
                             else (QSharedMemory.NotFound, self.tr("%1 does not exist.")))
            return self._failWith(kind, arg(message, self.objectPath()), None)
        except (posix_ipc.Error, OSError, ValueError) as error:
            return self._refused(error, "shm_open", self.objectPath(), None)

    def _attach(self, mode, size=0):
        import mmap
        fd = self._open(mode, size)
        if fd is None:
            return False
        try:
            if size:
                with suppress(OSError):
                    os.fchmod(fd, 0o600)  # whatever the umask
                os.ftruncate(fd, size)  # the size may only be set once
                if hasattr(os, "posix_fallocate"):  # no space: said now, not SIGBUS at a write
                    os.posix_fallocate(fd, 0, size)
            status = os.fstat(fd)
            if status.st_size <= 0 and self._checkOwner(status, self.objectPath()):
                self._failWith(QSharedMemory.InvalidSize, arg(self.tr(
                    "%1 is empty (0 bytes): whoever created it stopped before giving it a size."),
                    self.objectPath()))
            elif self._checkOwner(status, self.objectPath()):
                self._map = mmap.mmap(fd, status.st_size, access=mmap.ACCESS_READ if mode ==
                                      QSharedMemory.ReadOnly else mmap.ACCESS_WRITE)
        except (OSError, ValueError) as error:
            self._failWith(QSharedMemory.OutOfResources, arg(self.tr(
                "Cannot create %1 of %2 bytes: %3"), self.objectPath(), size, os.strerror(
                    error.errno)) if size else arg(self.tr("%1 of %2 failed: %3"), "mmap",
                                                   self.objectPath(), error))
        if self._map is None:
            if size:  # made here, under the lock, a moment ago
                with suppress(_backend.get().Error):
                    _backend.get().unlink_shared_memory(self._key)
            os.close(fd)
            return False
        self._fd, self._size, self._mode = fd, status.st_size, mode
        self._clearError()
        return True

    def isAttached(self):
        return self._map is not None

    def size(self):
        return self._size

    def fileno(self):
        return self._fd

    def data(self):
        view = None if self._map is None else memoryview(self._map)
        return view.toreadonly() if view and self._mode == QSharedMemory.ReadOnly else view

    def detach(self):
        """Unmaps (the object stays, as with Qt 6); removes a semaphore this
        object made, as Qt 6 does, unless held or `owned` (release() decides)."""
        mapping, fd, self._map, self._fd, self._size = self._map, self._fd, None, None, 0
        if mapping is not None:
            with suppress(BufferError):  # a view of data() still alive: unmapped when it goes
                mapping.close()
            os.close(fd)
        if self._madeSemaphore is not None and self._semaphore is None:
            if not self.owned:
                self._removeSemaphore(self._madeSemaphore)
            self._madeSemaphore = None
        return mapping is not None

    def lock(self):
        """As Qt 6's, for at most LOCK_WAIT_MS (A and B wait with events instead)."""
        return self.tryLock(LOCK_WAIT_MS)

    def tryLock(self, ms=0):
        """The lock within `ms` ms; opened by name each time (Qt 6 remakes it)."""
        semaphore = self._openSemaphore() if self._semaphore is None and self._ready() else None
        try:
            if semaphore is not None:
                _acquire(semaphore, ms)
                self._semaphore = semaphore
        except _backend.get().Error:
            semaphore.close()
            self._failWith(QSharedMemory.LockError, arg(self.tr(
                "The lock of %1 is held by another process."), self.semaphorePath()))
        return self._semaphore is not None

    def unlock(self):
        semaphore, self._semaphore = self._semaphore, None
        if semaphore is not None:
            semaphore.release()
            semaphore.close()
        return semaphore is not None

    def semaphoreIdentity(self):
        return self._semaphoreFile

    def removeSemaphore(self):
        self._removeSemaphore(self._semaphoreFile)

    def _removeSemaphore(self, made):
        if made in (None, True) or made == _identity(_lstat(self.semaphorePath())):
            with suppress(_backend.get().Error):
                _backend.get().unlink_semaphore(self._key)

    def _openSemaphore(self):
        """As Qt 6's QSystemSemaphore in Open mode; links refused (by glibc), owner checked."""
        posix_ipc, path = _backend.get(), self.semaphorePath()
        for _ in range(3):
            try:
                try:
                    semaphore, made = posix_ipc.Semaphore(self._key), False
                except posix_ipc.ExistentialError:
                    made = True
                    semaphore = posix_ipc.Semaphore(self._key, posix_ipc.O_CREX, 0o600, 1)
            except posix_ipc.ExistentialError:
                continue  # removed meanwhile: made again
            except (posix_ipc.Error, OSError, ValueError) as error:
                return self._refused(error, "sem_open", path, None)
            status = _lstat(path)
            if _LINUX and (status is None or not self._checkOwner(status, path)):
                semaphore.close()
                if status is not None:
                    return None
                continue  # removed meanwhile
            self._semaphoreFile = _identity(status)
            if made:
                self._madeSemaphore = self._semaphoreFile or True
            return semaphore
        return self._failWith(QSharedMemory.LockError, arg(self.tr(
            "%1 kept being replaced while it was opened."), path), None)
