"""What process A and process B need to know beyond QSharedMemory: where Qt 5
keeps the System V segment and semaphore of a key on Linux, the segment's
attach count and creator (looked up without attaching, which would change
the count), and which texts cannot be shared."""

import ctypes
import ctypes.util
import functools
import hashlib
import os
from collections import namedtuple

from PyQt5.QtCore import QCommandLineOption, QCoreApplication, QDir, QSharedMemory

from qtipc import DEFAULT_SHARED_MEMORY_KEY, arg

# Where the kernel lists every System V shared-memory segment.
SEGMENT_LIST = "/proc/sysvipc/shm"

# The project id Qt passes to ftok() for its key files.
_QT_FTOK_ID = ord("Q")

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_libc.ftok.argtypes = (ctypes.c_char_p, ctypes.c_int)
_libc.ftok.restype = ctypes.c_int

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


def removeStaleSegment(key):
    """Removes a segment nobody is attached to the way Qt does (whoever
    detaches last removes the segment and its key file). Returns why it
    could not, or "" (also when someone attached meanwhile: the segment then
    stays, and goes when they detach)."""
    stale = QSharedMemory(key)
    if stale.attach(QSharedMemory.ReadOnly):
        stale.detach()
        return ""
    segment = findSegment(key)
    if segment is not None and segment.attachCount == 0:
        return stale.errorString()
    return ""


def sharedMemoryKeyOption():
    """The --key option both programs take."""
    translate = QCoreApplication.translate
    return QCommandLineOption(
        "key", arg(translate("main", "Shared memory key (default: %1)."),
                   DEFAULT_SHARED_MEMORY_KEY),
        translate("main", "key"), DEFAULT_SHARED_MEMORY_KEY)
