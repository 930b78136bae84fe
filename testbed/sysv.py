"""The System V objects behind Qt 5's QSharedMemory on Linux, looked up
independently of qtipc: the key files Qt names them by, the segments and
semaphores the kernel lists, and removing those a program left behind."""

import ctypes
import os
import subprocess
from collections import namedtuple

SEGMENT_PREFIX, SEMAPHORE_PREFIX = "qipc_sharedmemory_", "qipc_systemsem_"
GETPID, GETVAL = 11, 12  # Linux semctl() commands

Segment = namedtuple("Segment", "shmid size creatorPid attachCount uid")

_libc = ctypes.CDLL(None, use_errno=True)


def keyFiles(key, directory=None):
    """The files whose inodes name the segment and the lock semaphore of
    QSharedMemory(key): Qt's nativeKey(), and the same name under the
    semaphore's prefix (both QSharedMemoryPrivate::makePlatformSafeKey);
    in `directory` for a program whose TMPDIR it is."""
    from PyQt5.QtCore import QSharedMemory

    tempPath, name = os.path.split(QSharedMemory(key).nativeKey())
    directory = directory or tempPath
    return (os.path.join(directory, name),
            os.path.join(directory, SEMAPHORE_PREFIX + name[len(SEGMENT_PREFIX):]))


def ipcKey(path):
    """ftok(path, 'Q'), as Qt 5 computes a key file's System V key; None
    when the file is missing."""
    result = _libc.ftok(os.fsencode(path), ord("Q"))
    return None if result == -1 else result & 0xffffffff


def _table(path):
    with open(path) as table:
        header = next(table).split()
        return [dict(zip(header, line.split())) for line in table]


def segments():
    """{shmid: row of /proc/sysvipc/shm}"""
    return {int(row["shmid"]): row for row in _table("/proc/sysvipc/shm")}


def semaphores():
    """{semid: row of /proc/sysvipc/sem}"""
    return {int(row["semid"]): row for row in _table("/proc/sysvipc/sem")}


def _byKey(table, path):
    wanted = ipcKey(path)
    return next((ipcId for ipcId, row in table.items()
                 if wanted is not None and int(row["key"]) & 0xffffffff == wanted), None)


def findSegment(key, directory=None):
    """The segment QSharedMemory(key) attaches to (see keyFiles), read from
    the kernel's list without attaching (which would change its attach
    count), or None."""
    table = segments()
    shmid = _byKey(table, keyFiles(key, directory)[0])
    if shmid is None:
        return None
    row = table[shmid]
    return Segment(shmid, int(row["size"]), int(row["cpid"]), int(row["nattch"]), int(row["uid"]))


def semaphoreOf(key):
    """semid of the semaphore behind QSharedMemory(key).lock(), or None."""
    return _byKey(semaphores(), keyFiles(key)[1])


def semaphoreValue(key):
    return _libc.semctl(semaphoreOf(key), 0, GETVAL)


def lastPid(semid):
    """The pid of the process that last changed the semaphore."""
    return _libc.semctl(semid, 0, GETPID)


def madeBy(pids, segmentsBefore=(), semaphoresBefore=()):
    """[("-m", shmid), ("-s", semid)]: the segments created, and the
    semaphores last changed, by one of `pids`, other than those before."""
    found = [("-m", shmid) for shmid, row in segments().items()
             if shmid not in segmentsBefore and int(row["cpid"]) in pids]
    found += [("-s", semid) for semid in semaphores()
              if semid not in semaphoresBefore and lastPid(semid) in pids]
    return found


def remove(objects):
    """ipcrm each of madeBy()'s [(kind, id)]."""
    for kind, ipcId in objects:
        subprocess.run(["ipcrm", kind, str(ipcId)], capture_output=True, check=False)


def removeUnder(directory, pids=None):
    """Removes the key files Qt left in `directory` (a private TMPDIR), and
    the segments and semaphores they name if one of `pids` (when given)
    made or last used them; returns those, as [(kind, id, key file name)]."""
    removed = []
    for name in sorted(os.listdir(directory)):
        if not name.startswith((SEGMENT_PREFIX, SEMAPHORE_PREFIX)):
            continue
        path = os.path.join(directory, name)
        kind, table = (("-m", segments()) if name.startswith(SEGMENT_PREFIX)
                       else ("-s", semaphores()))
        ipcId = _byKey(table, path)
        if ipcId is not None and (pids is None or _users(kind, ipcId, table[ipcId]) & pids):
            remove([(kind, ipcId)])
            removed.append((kind, ipcId, name))
        os.remove(path)
    return removed


def _users(kind, ipcId, row):
    if kind == "-m":
        return {int(row["cpid"]), int(row["lpid"])}
    return {lastPid(ipcId)}
