"""The System V specifics of Qt 5's QSharedMemory, for where Qt uses System V
(Linux, macOS and the other Unixes; not Windows): the key files whose inodes
name a key's segment and lock semaphore, the segment's attach count and
creator (from /proc/sysvipc/shm, read without attaching, which would change
the count) and the lock's holder (semctl). Imported only by
qtipc.shared_memory, which falls back to plain QSharedMemory where this
module cannot be imported (no ctypes, no C library, Windows) or a facility
is missing (macOS has no /proc/sysvipc)."""

import ctypes
import ctypes.util
import functools
import hashlib
import os
import sys
from collections import namedtuple

from PyQt5.QtCore import QDir, QSharedMemory

# Where Linux lists every System V shared-memory segment.
SEGMENT_LIST = "/proc/sysvipc/shm"

# The project id Qt passes to ftok() for its key files.
_QT_FTOK_ID = ord("Q")
_IPC_RMID = 0
# semctl() commands: (GETPID, GETVAL) on Linux, on macOS and the BSDs.
_SEMCTL = {"linux": (11, 12), "darwin": (4, 5), "freebsd": (4, 5)}.get(
    sys.platform.rstrip("0123456789"))

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_libc.ftok.argtypes = (ctypes.c_char_p, ctypes.c_int)
_libc.ftok.restype = ctypes.c_int
_libc.shmdt.argtypes = (ctypes.c_void_p,)
for _name in ("semget", "semctl", "shmget", "shmctl"):
    getattr(_libc, _name)  # AttributeError (and so no System V) where one is missing

Segment = namedtuple("Segment", "shmid size creatorPid attachCount")
Segment.__doc__ = """One line of /proc/sysvipc/shm: the segment's id, its size in
bytes, the pid of the process that created it and how many are attached."""


def platformSafeKey(key, prefix):
    """The key file Qt 5 (QSharedMemoryPrivate::makePlatformSafeKey) uses for
    `key`: the temp directory, the prefix, the key's ASCII letters and the
    SHA-1 of its UTF-8 bytes."""
    return _platformSafeKey(QDir.tempPath(), key, prefix)


@functools.lru_cache(maxsize=64)
def _platformSafeKey(tempPath, key, prefix):
    letters = "".join(ch for ch in key if ("a" <= ch <= "z") or ("A" <= ch <= "Z"))
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()
    return os.path.join(tempPath, prefix + letters + digest)


def segmentKeyFile(key):
    """The file whose inode names the segment; the same as
    QSharedMemory(key).nativeKey()."""
    return platformSafeKey(key, "qipc_sharedmemory_")


def semaphoreKeyFile(key):
    """The file whose inode names the semaphore behind lock() and unlock()."""
    return platformSafeKey(key, "qipc_systemsem_")


def usedByQt():
    """True when this Qt keeps shared memory under the key files above (Qt 5
    on Unix, unless it was built for POSIX IPC)."""
    return QSharedMemory("qtipc").nativeKey() == segmentKeyFile("qtipc")


def canListSegments():
    """False where the system does not list its segments (macOS)."""
    return os.path.isfile(SEGMENT_LIST)


def fileIdentity(path):
    """What tells a file from one made again under the same name, or None
    when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_ino, status.st_ctime_ns


def ipcKey(path):
    """ftok(path, 'Q') as Qt computes it, or None when the file is missing."""
    result = _libc.ftok(os.fsencode(path), _QT_FTOK_ID)
    return None if result == -1 else result


def findSegment(key):
    """The segment QSharedMemory would attach to for `key`, or None when there
    is none (or the system does not list its segments)."""
    wanted = ipcKey(segmentKeyFile(key))
    if wanted is None:
        return None
    try:
        with open(SEGMENT_LIST) as segments:
            next(segments)  # the header
            for line in segments:
                fields = line.split()
                # key shmid perms size cpid lpid nattch ...
                if int(fields[0]) == wanted:
                    return Segment(int(fields[1]), int(fields[3]), int(fields[4]), int(fields[6]))
    except (OSError, StopIteration, ValueError, IndexError):
        pass
    return None


def processIsRunning(pid):
    """False for a process that is gone or a zombie. A pid of 0 (a creator in
    another pid namespace) counts as running: nothing is known about it."""
    if pid == 0:
        return True
    try:
        with open("/proc/{}/stat".format(pid)) as stat:
            # pid (comm) state ...; comm may itself hold spaces and parentheses.
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state not in ("Z", "X")


def _semaphore(key):
    ipc = ipcKey(semaphoreKeyFile(key))
    return -1 if ipc is None else _libc.semget(ipc, 1, 0)


def lockHolder(key):
    """The pid of the process holding the lock of `key` (the last to change a
    semaphore whose value is 0), or 0 when it is free, there is none yet,
    or this system's semctl() is not known here."""
    semid = _semaphore(key)
    if semid == -1 or _SEMCTL is None:
        return 0
    getPid, getValue = _SEMCTL
    if _libc.semctl(semid, 0, getValue) != 0:
        return 0
    return max(_libc.semctl(semid, 0, getPid), 0)


def removeLock(key):
    """Removes the lock's semaphore and its key file, as the QSharedMemory
    that made them does when it is destroyed."""
    semid = _semaphore(key)
    if semid != -1:
        _libc.semctl(semid, 0, _IPC_RMID)
    try:
        os.remove(semaphoreKeyFile(key))
    except OSError:
        pass


def detachAddress(address):
    """shmdt(): detaches this process from the segment mapped at `address`."""
    return _libc.shmdt(address) == 0


def removeWhenDetached(key):
    """Marks the segment of `key` for removal once the last process detaches
    (the kernel then frees it) and removes its key file, as QSharedMemory's
    detach() does when it detaches last."""
    ipc = ipcKey(segmentKeyFile(key))
    shmid = -1 if ipc is None else _libc.shmget(ipc, 0, 0)
    if shmid != -1:
        _libc.shmctl(shmid, _IPC_RMID, None)
    try:
        os.remove(segmentKeyFile(key))
    except OSError:
        pass
