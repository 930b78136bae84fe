"""The System V specifics of Qt 5's QSharedMemory, where Qt keeps shared
memory in System V (Linux, macOS and the other Unixes; not Windows): the
key files whose inodes name a key's segment and lock semaphore, the
segment's attach count, creator and owner (from /proc/sysvipc/shm, read
without attaching, which would change the count), and the lock's holder
and owner. sysv_ipc makes the C calls; qtipc.shared_memory loads this
module on first use, through an OptionalBackend."""

import functools
import os
from collections import namedtuple
from contextlib import suppress

import sysv_ipc
from PyQt5.QtCore import QCoreApplication, QSharedMemory

from qtipc import arg
from qtipc.owners import Owners
from qtipc.system_limits import readProcFile

# Where Linux lists every System V shared-memory segment (macOS does not).
SEGMENT_LIST = "/proc/sysvipc/shm"
_SEGMENT_PREFIX, _SEMAPHORE_PREFIX = "qipc_sharedmemory_", "qipc_systemsem_"
# The project id Qt passes to ftok() for its key files.
_QT_FTOK_ID = ord("Q")

# One line of /proc/sysvipc/shm: the segment's id, its size in bytes, the
# pid of its creator, how many are attached, its owner's uid and its mode.
Segment = namedtuple("Segment", "shmid size creatorPid attachCount uid mode")


def segmentKeyFile(key):
    """The file whose inode names the segment: Qt's nativeKey()."""
    return _keyFiles(key, os.environ.get("TMPDIR"))[0]


def semaphoreKeyFile(key):
    """The file whose inode names the semaphore behind lock() and unlock():
    the segment's under the semaphore's prefix, as Qt 5 names it."""
    return _keyFiles(key, os.environ.get("TMPDIR"))[1]


@functools.lru_cache(maxsize=64)
def _keyFiles(key, tmpdir):
    """Both key files of `key`, which depend on it and on TMPDIR alone."""
    segmentFile = QSharedMemory(key).nativeKey()
    directory, name = os.path.split(segmentFile)
    return segmentFile, os.path.join(directory, _SEMAPHORE_PREFIX + name[len(_SEGMENT_PREFIX):])


def fileIdentity(path):
    """What tells a file from one made again under the same name, or None
    when there is none."""
    with suppress(OSError):
        status = os.stat(path)
        return status.st_ino, status.st_ctime_ns
    return None


def ipcKey(path):
    """ftok(path, 'Q') as Qt computes it, or None when the file is missing."""
    with suppress(OSError):
        return sysv_ipc.ftok(path, _QT_FTOK_ID, silence_warning=True)
    return None


def findSegment(key):
    """The segment QSharedMemory would attach to for `key`, or None when there
    is none (or the system does not list its segments)."""
    wanted = ipcKey(segmentKeyFile(key))
    with suppress(OSError):
        # key shmid perms size cpid lpid nattch uid ...
        rows = [line.split() for line in readProcFile(SEGMENT_LIST).splitlines()[1:]]
        return next((Segment(*(int(row[i]) for i in (1, 3, 4, 6, 7)), int(row[2], 8))
                     for row in rows if int(row[0]) == wanted), None)
    return None


def processIsRunning(pid):
    """False for a process that is gone or a zombie (from /proc, which is
    there where segments are listed). A pid of 0 (a creator in another pid
    namespace) counts as running: nothing is known about it."""
    try:
        # pid (comm) state ...; comm may itself hold spaces and parentheses.
        return readProcFile("/proc/{}/stat".format(pid)).rsplit(")", 1)[1].split()[0] \
            not in ("Z", "X")
    except FileNotFoundError:
        return pid == 0
    except OSError:  # there, but not this user's to read
        return True


def _semaphore(key):
    """The lock's semaphore, or None when there is none."""
    with suppress(sysv_ipc.Error, ValueError):  # ValueError: no key file, so no key
        return sysv_ipc.Semaphore(ipcKey(semaphoreKeyFile(key)))
    return None


def lockHolder(key):
    """The pid of the process holding the lock of `key` (the last to change
    a semaphore whose value is 0), or None when it is free or there is none."""
    semaphore = _semaphore(key)
    with suppress(sysv_ipc.Error):  # removed meanwhile
        return None if semaphore is None or semaphore.value else semaphore.last_pid or None
    return None


def ownerProblem(key, segment=False):
    """Why the segment or the lock semaphore of `key` is refused: another
    user's, or a mode that lets other users in, where Qt makes them 0600;
    "" for neither. Where segments are not listed (macOS), only the lock's
    owner is known without attaching; the segment's creator made it.
    `segment`: findSegment(key), where the caller has just looked."""
    translate = QCoreApplication.translate
    segment = findSegment(key) if segment is False else segment
    for isLock, ipc in ((True, _semaphore(key)), (False, segment)):
        with suppress(sysv_ipc.Error, AttributeError):  # none, or removed meanwhile
            if Owners.problem("", ipc.uid, ipc.mode):  # said only then: words cost
                return Owners.problem(arg(
                    translate("SharedMemory", "the shared memory lock of the key %1") if isLock
                    else translate("SharedMemory", "the shared memory segment of the key %1"),
                    key), ipc.uid, ipc.mode)
    return ""


def removeLock(key):
    """Removes the lock's semaphore and its key file, as the QSharedMemory
    that made them does when it is destroyed."""
    with suppress(sysv_ipc.Error, AttributeError):  # AttributeError: None, no semaphore
        _semaphore(key).remove()
    with suppress(OSError):
        os.remove(semaphoreKeyFile(key))


def detachAddress(address):
    """shmdt(): detaches this process from the segment Qt mapped at
    `address`, which sysv_ipc cannot (it detaches only what it attached)."""
    import ctypes
    return ctypes.CDLL(None).shmdt(ctypes.c_void_p(address)) == 0


def removeWhenDetached(key):
    """Marks the segment of `key` for removal once the last process detaches
    (the kernel then frees it) and removes its key file, as QSharedMemory's
    detach() does when it detaches last."""
    with suppress(sysv_ipc.Error, AttributeError):  # AttributeError: None, no segment
        sysv_ipc.remove_shared_memory(findSegment(key).shmid)
    with suppress(OSError):
        os.remove(segmentKeyFile(key))
