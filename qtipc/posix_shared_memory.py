"""Qt 6's QSharedMemory with a native key of the POSIX type, for PyQt5.

Since Qt 6.6, Qt's Shared Memory example opens its memory with
QSharedMemory(QNativeIpcKey(u"QSharedMemoryExample"_s)): a native key of
QNativeIpcKey::DefaultTypeForOs, which is PosixRealtime on Linux and macOS.
PyQt5's Qt 5 knows only System V there, so this module does what Qt 6 does,
with Python's standard library (read in qt/qtbase, src/corelib/ipc/):

- the object is shm_open(KEY): the key string itself, not a hash, not a
  path, no slash added (QNativeIpcKey(key) keeps the string as the native
  key; QFile::encodeName makes it UTF-8). Linux shows it as /dev/shm/KEY
  (glibc drops leading slashes);
- create(size) is shm_open(O_RDWR | O_CREAT | O_EXCL, 0600), then
  ftruncate(size): the size is set once; attach() is shm_open(O_RDONLY or
  O_RDWR), fstat() for size(), mmap(MAP_SHARED), then
  fcntl(F_ADD_SEALS, F_SEAL_SHRINK), whose failure Qt ignores (Linux refuses
  seals on shm_open's files: EPERM);
- its lock is the POSIX named semaphore of the same native key
  (QSharedMemoryPrivate::semaphoreNativeKey: "System V and POSIX keys appear
  to operate in different namespaces"), /dev/shm/sem.KEY on Linux, made by
  sem_open(O_CREAT | O_EXCL, 0600, 1); lock() is sem_wait, unlock() sem_post;
- Qt 6 never removes the object (detach() only unmaps, "we'll simply leak
  the shared memory files"), and removes the semaphore only if this
  QSharedMemory made it, when it is destroyed.

What this class does beyond Qt 6, each for a reason given in
docs/shared-memory.md ("Qt 6's native keys"): a wait for the lock keeps the
event loop running, says what it waits for and can be stopped; an object or
semaphore of another user, or one others may read or write, is refused;
a leftover of another size is made again rather than written in part; the
last process A to release an object removes it and its semaphore; names the
system refuses are explained with the limit.

Operations return a bool (read() the bytes or None) and errorString() says
why, as QSharedMemory does; nothing is printed. available() says whether
this can work here at all (not on Windows, nor without ctypes)."""

import errno
import functools
import os
import sys
import time

from PyQt5.QtCore import QCoreApplication, QObject, QSharedMemory, pyqtSignal

from qtipc import arg
from qtipc.waiting import waitWithEvents

# Where Linux keeps POSIX shared memory and named semaphores (glibc).
LINUX_SHM_DIR = "/dev/shm"
# The longest name each system takes, in bytes (leading slashes excluded on
# Linux): glibc's NAME_MAX 255 for /dev/shm/NAME, less the 4 bytes of
# "sem." for the semaphore's /dev/shm/sem.NAME, which Qt 6 needs as well
# (its create() fails with "key too long" otherwise); macOS's PSHMNAMLEN and
# PSEMNAMLEN, 31 (Qt 6's own source notes that only 30 worked in its tests).
NAME_LIMITS = {"linux": (251, "NAME_MAX 255, less 4 for the semaphore's \"sem.\""),
               "darwin": (31, "PSHMNAMLEN 31")}

_OTHERS_READ_WRITE = 0o066  # group and others: read or write
_heldHere = {}  # semaphore name -> how many objects of this process hold it


def available():
    """True where the POSIX objects of Qt 6's native keys can be used from
    this process (unavailableReason() says why not)."""
    return not isinstance(_backend(), str)


def unavailableReason():
    """Why available() is False, or ""."""
    backend = _backend()
    return backend if isinstance(backend, str) else ""


@functools.lru_cache(maxsize=1)
def _backend():
    """The standard library's shm_open and mmap, and the C library's
    semaphore calls through ctypes; or why they cannot be had."""
    translate = QCoreApplication.translate
    if sys.platform == "win32":
        return translate("PosixSharedMemory",
                         "Qt 6 uses Windows kernel objects there, not POSIX shared memory.")
    try:
        import ctypes
        import ctypes.util
        import mmap

        import _posixshmem
    except ImportError as error:
        return arg(translate("PosixSharedMemory", "POSIX shared memory cannot be used here: %1"),
                   error)
    try:
        import fcntl
    except ImportError:
        fcntl = None
    libc = None
    for name in (ctypes.util.find_library("c"), ctypes.util.find_library("pthread")):
        try:
            candidate = ctypes.CDLL(name, use_errno=True)
            candidate.sem_open, candidate.sem_trywait, candidate.sem_unlink
        except (OSError, AttributeError):
            continue
        libc = candidate
        break
    if libc is None:
        return translate("PosixSharedMemory",
                         "POSIX shared memory cannot be used here: the C library has no "
                         "sem_open().")
    # sem_open(name, oflag, ...): the mode and the value go as variadic
    # arguments, which ctypes passes as such when they are not in argtypes.
    libc.sem_open.argtypes = (ctypes.c_char_p, ctypes.c_int)
    libc.sem_open.restype = ctypes.c_void_p
    for call in ("sem_trywait", "sem_post", "sem_close"):
        getattr(libc, call).argtypes = (ctypes.c_void_p,)
        getattr(libc, call).restype = ctypes.c_int
    libc.sem_unlink.argtypes = (ctypes.c_char_p,)
    libc.sem_unlink.restype = ctypes.c_int

    class Backend:
        pass

    backend = Backend()
    backend.ctypes, backend.libc, backend.mmap, backend.fcntl = ctypes, libc, mmap, fcntl
    backend.shm = _posixshmem
    # SEM_FAILED: 0 with glibc, -1 on macOS and the BSDs.
    backend.semFailed = (None, 0, ctypes.c_void_p(-1).value)
    return backend


def ownerName(uid):
    """"user NAME (uid N)", or "uid N" for a uid with no name."""
    try:
        import pwd
        return arg(QCoreApplication.translate("PosixSharedMemory", "user %1 (uid %2)"),
                   pwd.getpwuid(uid).pw_name, uid)
    except (ImportError, KeyError):
        return arg(QCoreApplication.translate("PosixSharedMemory", "uid %1"), uid)


class PosixSharedMemory(QObject):
    """QSharedMemory(QNativeIpcKey(key)) of Qt 6 on Linux and macOS, in Qt's
    API: setNativeKey(), create(), attach(), detach(), lock(), unlock(),
    data(), constData(), size(), error(), errorString(). On top of it, what
    process A and process B do: publish(data), read(), isMissing() and
    release()."""

    # Says what a lock() is waiting for (the semaphore; a POSIX semaphore
    # has no holder to name).
    notice = pyqtSignal(str)

    POLL_MS = 10  # between two sem_trywait() while another process holds the lock
    STALE_CHECK_MS = 1000  # between two looks for a lock left held by a dead process
    RELEASE_LOCK_MS = 200  # how long release() tries for the lock before removing anyway

    def __init__(self, nativeKey="", parent=None):
        super().__init__(parent)
        self.m_key = nativeKey
        self.m_fd = None  # the object's descriptor while attached
        self.m_map = None
        self.m_size = 0
        self.m_mode = QSharedMemory.ReadWrite
        self.m_owned = False  # created or taken over by create() or publish(): release() removes it
        self.m_identity = None  # (st_dev, st_ino) of the object attached
        self.m_semaphore = None  # the sem_t * while this object holds the lock
        self.m_madeSemaphore = None  # identity of a semaphore this object made, if any
        self.m_stop = False
        self.m_quitHooked = False
        self.m_error = QSharedMemory.NoError
        self.m_errorString = ""
        # What release() needs, for when this object is destroyed attached
        # (as Qt's destructor detaches): see _releaseOrphan().
        self.m_orphan = {}
        orphan = self.m_orphan
        self.destroyed.connect(lambda: _releaseOrphan(orphan))

    def _remember(self):
        self.m_orphan.clear()
        if self.m_map is not None:
            self.m_orphan.update(key=self.m_key, fd=self.m_fd, map=self.m_map, size=self.m_size,
                                 mode=self.m_mode, identity=self.m_identity, owned=self.m_owned)

    # --- the key and its names ---------------------------------------------------------

    def setNativeKey(self, key):
        """The native key, as QNativeIpcKey(key) of Qt 6 holds it: the POSIX
        name, exactly. Detaches first, as Qt does."""
        if key == self.m_key:
            return
        if self.isAttached():
            self.detach()
        self.m_key = key
        self.m_owned = False

    def nativeKey(self):
        return self.m_key

    def objectPath(self):
        """Where the object shows: /dev/shm/NAME on Linux, else its POSIX name."""
        return self._path("")

    def semaphorePath(self):
        """Where its lock's semaphore shows: /dev/shm/sem.NAME on Linux."""
        return self._path("sem.")

    def _path(self, prefix):
        if sys.platform.startswith("linux"):
            return os.path.join(LINUX_SHM_DIR, prefix + self.m_key.lstrip("/"))
        return self.m_key

    def _name(self):
        """The name for shm_open and sem_open, or None (the error set) when
        the system would refuse it."""
        translate = QCoreApplication.translate
        try:
            name = self.m_key.encode("utf-8")
        except UnicodeEncodeError:
            return self._fail(QSharedMemory.KeyError, arg(translate(
                "PosixSharedMemory", "The key %1 is not valid Unicode (it holds unpaired "
                                     "surrogates), so it cannot name a POSIX object."),
                ascii(self.m_key)))
        bare = name.lstrip(b"/") if sys.platform.startswith("linux") else name
        if not bare:
            return self._fail(QSharedMemory.KeyError, arg(translate(
                "PosixSharedMemory", "The key %1 cannot name a POSIX shared memory object: it "
                                     "is empty, or only slashes."), self.m_key))
        if b"/" in bare.lstrip(b"/"):
            return self._fail(QSharedMemory.KeyError, arg(translate(
                "PosixSharedMemory", "The key %1 cannot name a POSIX shared memory object: a "
                                     "name may not hold \"/\" after its first character."),
                self.m_key))
        limit, why = NAME_LIMITS.get(sys.platform.rstrip("0123456789"), (None, ""))
        if limit is not None and len(bare) > limit:
            return self._fail(QSharedMemory.KeyError, self._tooLong(len(bare), limit, why))
        return self.m_key

    def _tooLong(self, size, limit, why):
        return arg(QCoreApplication.translate(
            "PosixSharedMemory", "The key %1 is too long for a POSIX shared memory object: %2 "
                                 "bytes in UTF-8, and this system takes at most %3 (%4)."),
            self.m_key, size, limit, why)

    def _systemRefused(self, error, function):
        """The error for an errno from shm_open or sem_open."""
        translate = QCoreApplication.translate
        number = getattr(error, "errno", error)
        reason = os.strerror(number)
        if number in (errno.ENAMETOOLONG, errno.EINVAL):
            limit, why = NAME_LIMITS.get(sys.platform.rstrip("0123456789"), (None, ""))
            message = arg(translate("PosixSharedMemory",
                                    "The system refuses the POSIX name %1 (%2: %3)."),
                          self.m_key, function, reason)
            if limit is not None:
                message += " " + arg(translate("PosixSharedMemory",
                                               "A name takes at most %1 bytes here (%2)."),
                                     limit, why)
            return self._fail(QSharedMemory.KeyError, message)
        if number in (errno.EACCES, errno.EPERM) and sys.platform.startswith("linux"):
            path = self.semaphorePath() if function.startswith("sem_") else self.objectPath()
            try:
                if not self._checkOwner(os.stat(path), path):
                    return None  # the message names the object and its owner
            except OSError:
                pass
        kind = {errno.EACCES: QSharedMemory.PermissionDenied,
                errno.EPERM: QSharedMemory.PermissionDenied,
                errno.EEXIST: QSharedMemory.AlreadyExists,
                errno.ENOENT: QSharedMemory.NotFound,
                errno.EMFILE: QSharedMemory.OutOfResources,
                errno.ENFILE: QSharedMemory.OutOfResources,
                errno.ENOMEM: QSharedMemory.OutOfResources,
                errno.ENOSPC: QSharedMemory.OutOfResources}.get(number,
                                                                 QSharedMemory.UnknownError)
        return self._fail(kind, arg(translate("PosixSharedMemory", "%1 of %2 failed: %3"),
                                    function, self.objectPath(), reason))

    # --- errors ---------------------------------------------------------------------------

    def error(self):
        return self.m_error

    def errorString(self):
        return self.m_errorString

    def _fail(self, kind, message):
        self.m_error = kind
        self.m_errorString = message
        return None

    def _clearError(self):
        self.m_error = QSharedMemory.NoError
        self.m_errorString = ""

    def _checkOwner(self, status, path):
        """True for an object this user owns and nobody else may read or
        write; else False with the error set, naming the object and its owner."""
        translate = QCoreApplication.translate
        if status.st_uid != os.geteuid():
            self._fail(QSharedMemory.PermissionDenied, arg(translate(
                "PosixSharedMemory", "Refused %1: it belongs to %2, not to this user; nothing "
                                     "was read or written."), path, ownerName(status.st_uid)))
            return False
        if status.st_mode & _OTHERS_READ_WRITE:
            self._fail(QSharedMemory.PermissionDenied, arg(translate(
                "PosixSharedMemory", "Refused %1 of %2: its mode %3 lets other users read or "
                                     "write it (Qt makes 0600); nothing was read or written."),
                path, ownerName(status.st_uid), "{:04o}".format(status.st_mode & 0o7777)))
            return False
        return True

    # --- the object ------------------------------------------------------------------------

    def create(self, size, mode=QSharedMemory.ReadWrite):
        """As Qt 6: under the lock, a new object of `size` bytes (O_EXCL,
        mode 0600, ftruncate), then attached. False with AlreadyExists when
        the name is taken. This object then owns it: release() removes it."""
        backend = _backend()
        if isinstance(backend, str):
            return bool(self._fail(QSharedMemory.UnknownError, backend))
        if self._name() is None:
            return False
        if size <= 0:
            return bool(self._fail(QSharedMemory.InvalidSize, arg(QCoreApplication.translate(
                "PosixSharedMemory", "Cannot create %1 of %2 bytes: the size must be at least "
                                     "1 byte."), self.objectPath(), size)))
        if self.isAttached():
            self.detach()
        if not self.lock():
            return False
        try:
            created = self._createLocked(size, mode)
        finally:
            self.unlock()
        if not created:
            self._removeMadeSemaphore()
        return created

    def _createLocked(self, size, mode):
        backend = _backend()
        try:
            fd = backend.shm.shm_open(self.m_key, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            if error.errno == errno.EEXIST:
                return bool(self._fail(QSharedMemory.AlreadyExists, arg(
                    QCoreApplication.translate("PosixSharedMemory", "%1 already exists."),
                    self.objectPath())))
            return bool(self._systemRefused(error, "shm_open"))
        try:
            os.fchmod(fd, 0o600)  # whatever the umask
        except OSError:
            pass  # not on every system's shared memory: then as shm_open made it
        try:
            os.ftruncate(fd, size)  # the size may only be set once
            if hasattr(os, "posix_fallocate"):
                # Pages now, or ENOSPC now: a full tmpfs would raise SIGBUS
                # at the first write through the mapping instead.
                os.posix_fallocate(fd, 0, size)
        except OSError as error:
            self._unlinkIfSame(fd)
            os.close(fd)
            return bool(self._fail(QSharedMemory.OutOfResources, arg(QCoreApplication.translate(
                "PosixSharedMemory", "Cannot create %1 of %2 bytes: %3"),
                self.objectPath(), size, os.strerror(error.errno))))
        if not self._map(fd, mode):
            self._unlinkIfSame(fd)
            os.close(fd)
            return False
        self._registerOwner()
        return True

    def attach(self, mode=QSharedMemory.ReadWrite):
        """As Qt 6: under the lock, opens the object (read-only or
        read-write), takes its size from fstat() and maps it. An object of
        another user, or that others may read or write, is refused."""
        backend = _backend()
        if isinstance(backend, str):
            return bool(self._fail(QSharedMemory.UnknownError, backend))
        if self.isAttached() or self._name() is None:
            return False
        if not self._exists():
            return False
        if not self.lock():
            return False
        try:
            attached = self._attachLocked(mode)
        finally:
            self.unlock()
        if not attached:
            self._removeMadeSemaphore()
        return attached

    def _exists(self):
        """False with NotFound when there is no object, or with the reason
        when it cannot be opened: then nothing, not even the lock's
        semaphore, is made."""
        try:
            os.close(_backend().shm.shm_open(self.m_key, os.O_RDONLY, 0))
        except OSError as error:
            if error.errno == errno.ENOENT:
                self._fail(QSharedMemory.NotFound, arg(QCoreApplication.translate(
                    "PosixSharedMemory", "%1 does not exist."), self.objectPath()))
            else:
                self._systemRefused(error, "shm_open")
            return False
        return True

    def _attachLocked(self, mode):
        flags = os.O_RDONLY if mode == QSharedMemory.ReadOnly else os.O_RDWR
        try:
            fd = _backend().shm.shm_open(self.m_key, flags, 0o400 if flags == os.O_RDONLY
                                         else 0o600)
        except OSError as error:
            if error.errno == errno.ENOENT:
                return bool(self._fail(QSharedMemory.NotFound, arg(QCoreApplication.translate(
                    "PosixSharedMemory", "%1 does not exist."), self.objectPath())))
            return bool(self._systemRefused(error, "shm_open"))
        if not self._map(fd, mode):
            os.close(fd)
            return False
        return True

    def _map(self, fd, mode):
        """Checks the object's owner and mode, then maps all of it."""
        backend = _backend()
        status = os.fstat(fd)
        if not self._checkOwner(status, self.objectPath()):
            return False
        if status.st_size <= 0:
            return bool(self._fail(QSharedMemory.InvalidSize, arg(QCoreApplication.translate(
                "PosixSharedMemory", "%1 is empty (0 bytes): whoever created it stopped before "
                                     "giving it a size."), self.objectPath())))
        access = backend.mmap.ACCESS_READ if mode == QSharedMemory.ReadOnly \
            else backend.mmap.ACCESS_WRITE
        try:
            mapping = backend.mmap.mmap(fd, status.st_size, access=access)
        except (OSError, ValueError) as error:
            return bool(self._fail(QSharedMemory.OutOfResources, arg(QCoreApplication.translate(
                "PosixSharedMemory", "%1 of %2 failed: %3"), "mmap", self.objectPath(), error)))
        fcntl = backend.fcntl
        if fcntl is not None and hasattr(fcntl, "F_ADD_SEALS"):
            try:  # as Qt 6, so that nobody can shrink it under a mapping
                fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK)
            except OSError:
                pass  # Linux allows seals only on memfd objects
        self.m_fd, self.m_map, self.m_size, self.m_mode = fd, mapping, status.st_size, mode
        self.m_identity = (status.st_dev, status.st_ino)
        self._remember()
        self._clearError()
        return True

    def isAttached(self):
        return self.m_map is not None

    def size(self):
        """The object's size from fstat() when attached (Qt 6 reads it so
        too), else 0."""
        return self.m_size

    def data(self):
        """The object's bytes as a writable memoryview (read-only if attached
        so), or None when not attached."""
        if self.m_map is None:
            return None
        view = memoryview(self.m_map)
        return view.toreadonly() if self.m_mode == QSharedMemory.ReadOnly else view

    def constData(self):
        return None if self.m_map is None else memoryview(self.m_map).toreadonly()

    def detach(self):
        """Unmaps the object (the object itself stays, as with Qt 6), and
        removes a lock semaphore this object made, as Qt 6 does when it is
        destroyed. Unlike Qt 6 it does not take the lock: unmapping needs
        none, and POSIX has no attach count to keep."""
        if self.m_map is None:
            return False
        mapping, fd = self.m_map, self.m_fd
        self.m_map = self.m_fd = None
        self.m_size = 0
        self.m_identity = None
        try:
            mapping.close()
        except BufferError:
            pass  # a view of data() is still alive: unmapped when it goes
        os.close(fd)
        self._remember()
        self._removeMadeSemaphore()
        return True

    # --- the lock ------------------------------------------------------------------------

    def lock(self):
        """sem_wait on the object's semaphore, as Qt 6's lock(), made if
        missing (0600, value 1). While another process holds it, waits with
        the event loop running (see qtipc.waiting.waitWithEvents), says so once through
        notice, and stops when the application quits or
        stopWaiting() is called. A semaphore of another user, or one others
        may use, is refused. A semaphore left held by a process that is gone
        (no process has it open any more: Linux) is made anew, as Qt 6's
        create() does."""
        backend = _backend()
        if isinstance(backend, str):
            return bool(self._fail(QSharedMemory.UnknownError, backend))
        if self.m_semaphore is not None:
            return True
        if self._name() is None:
            return False
        semaphore = self._openSemaphore()
        if semaphore is None:
            return False
        semaphore = self._acquire(semaphore)
        if semaphore is None:
            return False
        self.m_semaphore = semaphore
        _heldHere[self.m_key] = _heldHere.get(self.m_key, 0) + 1
        return True

    def unlock(self):
        """sem_post, as Qt 6's unlock(); False when this object does not hold it."""
        semaphore, self.m_semaphore = self.m_semaphore, None
        if semaphore is None:
            return False
        _heldHere[self.m_key] = _heldHere.get(self.m_key, 1) - 1
        libc = _backend().libc
        posted = libc.sem_post(semaphore) == 0
        if not posted:
            self._fail(QSharedMemory.LockError, arg(QCoreApplication.translate(
                "PosixSharedMemory", "%1 of %2 failed: %3"), "sem_post", self.semaphorePath(),
                os.strerror(_backend().ctypes.get_errno())))
        libc.sem_close(semaphore)
        return posted

    def stopWaiting(self):
        """Ends a lock() that is waiting (it then fails with LockError)."""
        self.m_stop = True

    def _semOpen(self, flags, *variadic):
        backend = _backend()
        handle = backend.libc.sem_open(self.m_key.encode("utf-8"), flags, *variadic)
        if handle in backend.semFailed:
            return None, backend.ctypes.get_errno()
        return handle, 0

    def _openSemaphore(self):
        """The semaphore, as Qt 6's QSystemSemaphore in Open mode: made if
        missing (O_EXCL tells whether this object made it), else opened.
        None with the error set if it cannot be had or is not ours."""
        ctypes = _backend().ctypes
        for _ in range(3):
            handle, error = self._semOpen(os.O_CREAT | os.O_EXCL, ctypes.c_uint(0o600),
                                          ctypes.c_uint(1))
            made = handle is not None
            if error == errno.EEXIST:
                handle, error = self._semOpen(0)
                if error == errno.ENOENT:
                    continue  # removed meanwhile: make it
            if handle is None:
                return self._systemRefused(error, "sem_open")
            identity = self._semaphoreIdentity(handle)
            if identity is False:  # the name now names another semaphore
                _backend().libc.sem_close(handle)
                continue
            if identity is not None and not self._checkOwner(identity, self.semaphorePath()):
                _backend().libc.sem_close(handle)
                return None
            if made:
                self.m_madeSemaphore = identity and (identity.st_dev, identity.st_ino) or True
            return handle
        return self._fail(QSharedMemory.LockError, arg(QCoreApplication.translate(
            "PosixSharedMemory", "%1 kept being replaced while it was opened."),
            self.semaphorePath()))

    def _semaphoreIdentity(self, handle):
        """Linux: the os.stat() of the semaphore file mapped at `handle`,
        False if its name now names another file; None where this cannot be
        told (no /proc, or another system: there a semaphore has no file)."""
        mapped = _mappedFile(handle)
        if mapped is None:
            return None
        try:
            status = os.lstat(self.semaphorePath())
        except OSError:
            return False
        if (os.major(status.st_dev), os.minor(status.st_dev), status.st_ino) != mapped:
            return False
        return status

    def _acquire(self, semaphore):
        """Takes `semaphore`, waiting as lock() says; returns the semaphore
        held (a new one if a dead holder's was replaced), or None."""
        backend = _backend()
        libc, ctypes = backend.libc, backend.ctypes
        self.m_stop = False
        announced = False
        sinceStaleCheck = self.STALE_CHECK_MS  # look at once, then every second
        while True:
            if libc.sem_trywait(semaphore) == 0:
                return semaphore
            error = ctypes.get_errno()
            if error == errno.EINTR:
                continue
            if error != errno.EAGAIN:
                libc.sem_close(semaphore)
                return self._fail(QSharedMemory.LockError, arg(QCoreApplication.translate(
                    "PosixSharedMemory", "%1 of %2 failed: %3"), "sem_trywait",
                    self.semaphorePath(), os.strerror(error)))
            if sinceStaleCheck >= self.STALE_CHECK_MS:
                sinceStaleCheck = 0
                if self._heldByNobody():
                    libc.sem_close(semaphore)
                    semaphore = self._replaceSemaphore()
                    if semaphore is None:
                        return None
                    continue
            if not announced:
                announced = True
                self.notice.emit(arg(QCoreApplication.translate(
                    "PosixSharedMemory", "Waiting for the lock of %1, held by another process."),
                    self.semaphorePath()))
            if self.m_stop or not waitWithEvents(self.POLL_MS):
                libc.sem_close(semaphore)
                return self._fail(QSharedMemory.LockError, arg(QCoreApplication.translate(
                    "PosixSharedMemory", "Stopped waiting for the lock of %1, held by another "
                                         "process."), self.semaphorePath()))
            sinceStaleCheck += self.POLL_MS

    def _heldByNobody(self):
        """True when the semaphore, at 0, cannot be held by anyone: no other
        process has it open and no object of this process holds it (Linux,
        from /proc/*/maps; processes of other users are not seen, and could
        not open a 0600 semaphore of this user unless run as root)."""
        if _heldHere.get(self.m_key) or not os.path.isdir("/proc/self"):
            return False
        try:
            status = os.stat(self.semaphorePath())
        except OSError:
            return False
        wanted = "{:02x}:{:02x} {}".format(os.major(status.st_dev), os.minor(status.st_dev),
                                          status.st_ino)
        me = str(os.getpid())
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or pid == me:
                continue
            try:
                with open("/proc/{}/maps".format(pid)) as maps:
                    for line in maps:
                        fields = line.split(None, 5)
                        if len(fields) >= 5 and "{} {}".format(fields[3], fields[4]) == wanted:
                            return False
            except OSError:
                continue
        return True

    def _replaceSemaphore(self):
        """A dead holder's semaphore replaced, as Qt 6's create() replaces
        it (sem_unlink, then a new one at 1): the new one, or None."""
        _backend().libc.sem_unlink(self.m_key.encode("utf-8"))
        return self._openSemaphore()

    def _removeMadeSemaphore(self):
        """Removes the semaphore this object made, if the name still names it."""
        made, self.m_madeSemaphore = self.m_madeSemaphore, None
        if made is None:
            return
        if made is not True:
            try:
                status = os.stat(self.semaphorePath())
            except OSError:
                return
            if (status.st_dev, status.st_ino) != made:
                return
        _backend().libc.sem_unlink(self.m_key.encode("utf-8"))

    # --- what process A and process B do ----------------------------------------------------

    def publish(self, data):
        """Process A's extra step: `data` (bytes-like) in the object, as Qt
        6's example writes it (Dialog::loadFromFile: create(size), or
        attach() to the one already there, then lock, memcpy, unlock), under
        the lock throughout. An object already there of the same size (a
        leftover of Qt 6's example, or of a process A that was killed) is
        taken over and written in place; one of another size is removed and
        made again at the exact size (Qt 6 sizes once, and would write part
        of the data). This object then owns it until release(), which the
        application's quitting calls too. False when nothing was written;
        errorString() says why."""
        backend = _backend()
        if isinstance(backend, str):
            return bool(self._fail(QSharedMemory.UnknownError, backend))
        with memoryview(data) as view:
            view = view.cast("B")
            if self._name() is None:
                return False
            if not len(view):
                return bool(self._fail(QSharedMemory.InvalidSize, arg(QCoreApplication.translate(
                    "PosixSharedMemory", "Cannot create %1 of %2 bytes: the size must be at "
                                         "least 1 byte."), self.objectPath(), 0)))
            if not self.lock():
                return False
            try:
                previous = (self.m_map, self.m_fd)  # kept until the new one is registered
                self.m_map = self.m_fd = None
                written = self._publishLocked(view)
                if previous[0] is not None:
                    try:
                        previous[0].close()
                    except BufferError:
                        pass
                    os.close(previous[1])
            finally:
                self.unlock()
        self._remember()
        if not written and not self.isAttached():
            self._removeMadeSemaphore()
        if written and not self.m_quitHooked and QCoreApplication.instance() is not None:
            self.m_quitHooked = True
            QCoreApplication.instance().aboutToQuit.connect(self.release)
        return written

    def _publishLocked(self, view):
        size = len(view)
        for _ in range(3):
            if self._createLocked(size, QSharedMemory.ReadWrite):
                break
            if self.m_error != QSharedMemory.AlreadyExists:
                return False
            if not self._attachLocked(QSharedMemory.ReadWrite):
                if self.m_error == QSharedMemory.NotFound:
                    continue  # removed meanwhile: create it
                return False
            if self.m_size == size:
                self._registerOwner()  # taken over, as Qt 6's example does
                break
            # Another size: made again. The name is ours (checked), and a
            # process still mapping the old object keeps its mapping.
            self._unlinkIfSame(self.m_fd)
            self.m_map.close()
            os.close(self.m_fd)
            self.m_map = self.m_fd = None
        else:
            return bool(self._fail(QSharedMemory.AlreadyExists, arg(QCoreApplication.translate(
                "PosixSharedMemory", "%1 kept being replaced while it was written."),
                self.objectPath())))
        self.m_map[0:size] = view
        self._clearError()
        return True

    def _registerOwner(self):
        """Marks this process as a writer of the object: a shared flock() on
        its descriptor, which every process A holds, so that the last one
        can tell it is the last (see release())."""
        self.m_owned = True
        self._remember()
        fcntl = _backend().fcntl
        if fcntl is not None:
            try:
                fcntl.flock(self.m_fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                pass  # exclusive: another process is releasing it; or no flock here

    def _unlinkIfSame(self, fd):
        """shm_unlink of the name if it still names the object open as `fd`."""
        try:
            current = _backend().shm.shm_open(self.m_key, os.O_RDONLY, 0)
        except OSError:
            return False
        try:
            mine, named = os.fstat(fd), os.fstat(current)
            if (mine.st_dev, mine.st_ino) != (named.st_dev, named.st_ino):
                return False
            _backend().shm.shm_unlink(self.m_key)
            return True
        except OSError:
            return False
        finally:
            os.close(current)

    def read(self):
        """Process B's extra step, as Qt 6's example reads
        (Dialog::loadFromMemory: attach, lock, copy, unlock, detach), read-only:
        the object's bytes, or None (NotFound when there is none). A program
        told to quit (perhaps while the System V side waited for its lock)
        starts no new read."""
        if not waitWithEvents(0):
            self._fail(QSharedMemory.LockError, QCoreApplication.translate(
                "PosixSharedMemory", "Nothing was read: the program is quitting."))
            return None
        if not self.attach(QSharedMemory.ReadOnly):
            return None
        if not self.lock():
            self.detach()
            return None
        data = self.m_map[:self.m_size]
        self.unlock()
        self.detach()
        return data

    def isMissing(self):
        """True when the last operation found no object under the key (or
        none can be there: a key no POSIX name can hold, a system without
        POSIX shared memory)."""
        return not available() or self.m_error in (QSharedMemory.NotFound, QSharedMemory.KeyError)

    def release(self):
        """What process A does when it closes: detaches and, if this process
        is the last process A writing the object, removes it (if its name
        still names it) and its semaphore, as Qt 6 never does. Processes that
        still map it (a Qt 6 reader, say) keep their mapping. Returns True."""
        if not self.isAttached():
            self.m_owned = False
            return True
        if self.m_owned and self._lastWriter():
            ours, locked = self._lockBriefly()
            removed = self._unlinkIfSame(self.m_fd)
            if ours and (removed or not self._objectExists()):
                _backend().libc.sem_unlink(self.m_key.encode("utf-8"))
            if locked:
                self.unlock()
        # Not removed by detach() even if this object made it: another
        # process A, or a Qt 6 program, may be using it.
        self.m_madeSemaphore = None
        self.m_owned = False
        self.detach()
        self._clearError()
        return True

    def _lastWriter(self):
        """True when no other writer holds its flock() on the object. Two
        writers releasing at once could each see the other's: so one that
        sees another lets go of its own and looks once more; the last to
        look finds none (or one that is removing it)."""
        fcntl = _backend().fcntl
        if fcntl is None:
            return True
        for attempt in range(2):
            try:
                fcntl.flock(self.m_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if attempt == 0:
                    fcntl.flock(self.m_fd, fcntl.LOCK_UN)
            except OSError:
                return True  # no flock() on this system's shared memory
        return False  # another process A still writes it

    def _lockBriefly(self):
        """(the semaphore is this user's alone, the lock is held): the lock
        if it comes within RELEASE_LOCK_MS, since release() runs as the
        program ends, which must not hang on a holder that stopped."""
        semaphore = self._openSemaphore()
        if semaphore is None:
            return False, False  # not ours (or not to be had): left alone
        libc = _backend().libc
        deadline = time.monotonic() + self.RELEASE_LOCK_MS / 1000
        while libc.sem_trywait(semaphore) != 0:
            if time.monotonic() > deadline:
                libc.sem_close(semaphore)
                return True, False
            time.sleep(0.005)
        self.m_semaphore = semaphore
        _heldHere[self.m_key] = _heldHere.get(self.m_key, 0) + 1
        return True, True

    def _objectExists(self):
        try:
            os.close(_backend().shm.shm_open(self.m_key, os.O_RDONLY, 0))
        except OSError:
            return False
        return True


def _mappedFile(address):
    """Linux: (major, minor, inode) of the file mapped whole at `address` (a
    semaphore: one page), or None where this cannot be told."""
    page = _backend().mmap.PAGESIZE
    try:  # one stat() of the mapping's own entry...
        status = os.stat("/proc/self/map_files/{:x}-{:x}".format(address, address + page))
        return os.major(status.st_dev), os.minor(status.st_dev), status.st_ino
    except OSError:
        pass
    try:  # ...or its line in the table of mappings (kernels before 4.3 refuse the above)
        with open("/proc/self/maps") as maps:
            table = "\n" + maps.read()
        start = table.index("\n{:08x}-".format(address)) + 1
        fields = table[start:table.index("\n", start)].split()
        device = fields[3].split(":")
        return int(device[0], 16), int(device[1], 16), int(fields[4])
    except (OSError, ValueError, IndexError):
        return None


def _releaseOrphan(state):
    """release() for a PosixSharedMemory destroyed while attached (its
    parent window deleted, say): from what it remembered in `state`."""
    if not state:
        return
    orphan = PosixSharedMemory(state["key"])
    orphan.m_fd, orphan.m_map, orphan.m_size = state["fd"], state["map"], state["size"]
    orphan.m_mode, orphan.m_identity, orphan.m_owned = (state["mode"], state["identity"],
                                                        state["owned"])
    state.clear()
    orphan.release()
