"""The system's caps on what Qt 5's shared memory can hold, and what to say
when they are passed: the size of one segment (the bytes needed, the cap
where it can be read, and how to raise it), and the length of a key, which
Qt 5 writes into the name of its key files.

Where Qt 5 keeps shared memory in System V (Linux, macOS), shmget() refuses
a segment larger than SHMMAX, and QSharedMemory then says only "system-imposed
size restrictions". Linux's default SHMMAX is practically unlimited; macOS's
is 4 MB (kern.sysv.shmmax, read, not run here), so a text of two million
characters, or a large image, does not fit there by default. Windows has no
such cap on a file mapping.
"""

import os
import subprocess
import sys

from PyQt5.QtCore import QBuffer, QCoreApplication, QDataStream, QDir, QSharedMemory

from qtipc import arg
from qtipc.errors import ErrorString

LINUX_SHMMAX = "/proc/sys/kernel/shmmax"
MACOS_PAGE = 4096  # kern.sysv.shmmax must be a multiple of it; kern.sysv.shmall counts them
# Qt 5 names a key file (QSharedMemoryPrivate::makePlatformSafeKey) by a
# prefix, the key's ASCII letters and the SHA-1 of the key in hex: the
# segment's prefix is the longer (the semaphore's is qipc_systemsem_).
NAME_MAX = 255  # bytes in a file name (Linux, macOS, the BSDs)
KEY_LETTERS_MAX = NAME_MAX - len("qipc_sharedmemory_") - 40


def keyFileDirectory(key):
    """The directory of Qt's key files for `key`, or "" where this Qt keeps
    none (Windows, a Qt built for POSIX IPC)."""
    directory = os.path.dirname(QSharedMemory(key).nativeKey())
    return directory if directory == QDir.tempPath() else ""


def keyFileProblem(key):
    """Why Qt 5's key files cannot hold `key`, or "" when they can (or this
    Qt keeps none)."""
    directory = keyFileDirectory(key)
    letters = sum(1 for ch in key if ch.isascii() and ch.isalpha())
    if not directory or letters <= KEY_LETTERS_MAX:
        return ""
    return arg(QCoreApplication.translate(
        "SharedMemory", "The key has %1 ASCII letters; Qt 5 puts them in the names of its key "
                        "files in %2, of at most %3 bytes, so a key may have at most %4 ASCII "
                        "letters (other characters do not count)."),
        letters, directory, NAME_MAX, KEY_LETTERS_MAX)


def readProcFile(path):
    """The text of a small /proc file, read without a text file object
    (which costs more than the read itself: docs/benchmarks.md)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = [os.read(fd, 1 << 16)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 16))
        return b"".join(chunks).decode("ascii", "replace")
    finally:
        os.close(fd)


def systemSegmentLimit():
    """(the largest segment this system allows, in bytes, and the setting
    that says so), or (None, "") where it cannot be read. Linux: the IPC
    namespace's kernel.shmmax; macOS: `sysctl -n kern.sysv.shmmax`."""
    try:
        if sys.platform.startswith("linux"):
            return int(readProcFile(LINUX_SHMMAX).split()[0]), "kernel.shmmax"
        if sys.platform == "darwin":
            value = subprocess.run(["/usr/sbin/sysctl", "-n", "kern.sysv.shmmax"],
                                   capture_output=True, text=True, timeout=10, check=True).stdout
            return int(value.split()[0]), "kern.sysv.shmmax"
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        pass
    return None, ""


class SegmentSizeLimit(ErrorString):
    """The system's cap on one segment, checked before a write touches the
    data already shared. Qt's convention: allows() returns a bool, and
    errorString() says why it is False."""

    def __init__(self):
        self._limit, self._setting = systemSegmentLimit()

    def allows(self, size):
        """False when a segment of `size` bytes is larger than the cap (never
        where the cap cannot be read: create() then says so itself)."""
        self._clearError()
        return self._limit is None or size <= self._limit or self._fail(arg(
            QCoreApplication.translate("SegmentSizeLimit", "The shared memory segment would need "
                                       "%1 bytes; nothing was written. %2"),
            size, self.explanation(size)))

    def allowsImage(self, image):
        """allows() for the bytes `out << image` writes. They are counted by
        writing them, which takes as long as the write itself, so only where
        they could be more than the cap: a PNG of 8 bytes a pixel, stored
        without compression, with its text chunks, is never larger than
        _imageStreamBound()."""
        self._clearError()
        if self._limit is None or _imageStreamBound(image) <= self._limit:
            return True
        buffer = QBuffer()
        buffer.open(QBuffer.WriteOnly)
        QDataStream(buffer) << image
        return self.allows(buffer.size())

    def explanation(self, size):
        """The cap, and how to raise it to `size` bytes."""
        translate = QCoreApplication.translate
        if self._setting == "kernel.shmmax":
            raising = arg(translate(
                "SegmentSizeLimit", "To raise it, as root: sysctl -w kernel.shmmax=%1 (and "
                "kernel.shmmax = %1 in /etc/sysctl.conf to keep it after a reboot)."), size)
        elif self._setting == "kern.sysv.shmmax":
            pages = -(-size // MACOS_PAGE)
            raising = arg(translate(
                "SegmentSizeLimit", "To raise it: sudo sysctl -w kern.sysv.shmmax=%1 "
                "kern.sysv.shmall=%2 (and the same two settings in /etc/sysctl.conf to keep them "
                "after a reboot)."), pages * MACOS_PAGE, pages)
        else:
            return arg(translate(
                "SegmentSizeLimit", "This system limits the size of one segment (SHMMAX where "
                "shared memory is System V); raise it to at least %1 bytes."), size)
        return arg(translate("SegmentSizeLimit", "This system allows at most %1 bytes in one "
                             "segment (%2). %3"), self._limit, self._setting, raising)


def _imageStreamBound(image):
    """More bytes than `out << image` can write (the qint32, then a PNG):
    every line of pixels at 8 bytes a pixel and its filter byte, deflate's
    stored blocks (5 bytes for each 65535), a chunk header for each 8 KiB
    (libpng's IDAT size), the text chunks at 4 bytes a character, and 64 KiB
    for the rest (signature, IHDR, palette, gamma, ...)."""
    pixels = image.height() * (1 + 8 * image.width())
    texts = sum(12 + 4 * (len(key) + len(image.text(key))) for key in image.textKeys())
    return 4 + pixels + 5 * (pixels // 65535 + 1) + 12 * (pixels // 8192 + 1) + texts + 65536
