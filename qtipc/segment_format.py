"""What a shared-memory segment holds, one place for it, as qtipc.fortune_wire
is for the fortunes: a text as the blog's `out << str` writes it (a quint32
byte length, then UTF-16BE), or an image as Qt's Shared Memory example's
`out << image` writes it (a qint32 1, then a PNG: qtipc.images).

`SegmentFormat` checks a text before process A touches anything, and reads
what process B finds, in Qt's shape: an operation returns its result (None
or False when it fails) and errorString() says why."""

import sys

from PyQt5.QtCore import QBuffer, QByteArray, QCoreApplication, QDataStream

from qtipc import arg
from qtipc.errors import ErrorString
from qtipc.system_limits import SegmentSizeLimit
from qtipc.images import QIMAGE_STREAM_START, ImageReader

# The largest segment a QByteArray, and so QBuffer and QSharedMemory, can hold.
MAX_SIZE = 0x7fffffff - 32

# Where Qt rounds a segment's size() up to whole pages (Windows: a multiple
# of 4 KiB), a text is followed by the rounding's zeros, which are not data.
SEGMENT_PAGE_SIZE = 4096 if sys.platform == "win32" else None


translate = QCoreApplication.translate


class SegmentFormat(ErrorString):

    def __init__(self):
        self._image = None

    def takeImage(self):
        """The image the last readText() found in place of a text, handed
        over once (a window shows it without reading the segment again), or
        None."""
        image, self._image = self._image, None
        return image

    def canHoldText(self, text):
        """False (errorString() says why) for a text no segment can share:
        checked before anything is touched, so the previous one stays."""
        self._clearError()
        limit = SegmentSizeLimit()  # one segment's cap on this system
        try:
            size = 4 + _utf16Size(text)
        except UnicodeEncodeError:
            return self._fail(translate("SegmentFormat", "The text is not valid Unicode (it "
                                        "holds unpaired surrogates); nothing was written."))
        if size > MAX_SIZE:
            return self._fail(translate("SegmentFormat", "The text is too long for shared "
                                        "memory; nothing was written."))
        return limit.allows(size) or self._fail(limit.errorString())

    @staticmethod
    def _holdsImage(segment):
        """True when `segment` (bytes-like) starts as `out << image` starts."""
        with memoryview(segment) as view:
            return bytes(view[:len(QIMAGE_STREAM_START)]) == QIMAGE_STREAM_START

    def readText(self, stream, segment):
        """in >> str, checked and without copies: the text when the segment's
        bytes (`segment`, read by the QDataStream `stream`) are exactly one
        serialized QString, else None. An image is read instead (in >> image),
        for takeImage().

        The stream reads the length and steps over the text, which is decoded
        straight from the segment: readQString() would make a QString and
        PyQt convert it, which is slower (docs/benchmarks.md). The length
        field is read again at the end: a writer that does not take the lock
        writes it last (see SharedMemory.copyFrom)."""
        self._image = None
        if self._holdsImage(segment):
            self._image = self.readImage(stream, segment)
            return None if self._image is None else self._fail(arg(translate(
                "SegmentFormat", "The shared memory segment holds an image (%1x%2 pixels), not "
                                 "a text; save it with --save-image FILE."),
                self._image.width(), self._image.height()), None)
        self._clearError()
        if _markerWithoutPng(segment):
            return self._fail(translate(
                "SegmentFormat", "The shared memory segment holds neither a text nor an image: "
                                 "it starts as Qt writes an image, but no PNG follows."), None)
        with memoryview(segment) as view:
            length = bytes(view[:4])
            text = _readQStringFrom(stream, view)
            pos = stream.device().pos()
            size = pos if _isPageRounding(view, pos) else len(view)
            error = _notOneQString(size, length, text, stream.status(), pos, bytes(view[:4]))
        return self._fail(error, None) if error else text

    def readImage(self, stream, segment):
        """in >> image, checked: the QImage, or None. Where the segment holds
        no image, errorString() says what it holds, as readText() finds it
        (zeros: nothing written yet, as between a writer's create and copy)."""
        self._clearError()
        if not self._holdsImage(segment):
            if self.readText(stream, segment) is None:
                return None
            return self._fail(translate("SegmentFormat", "The shared memory segment holds a "
                                        "text, not an image; read it with --print."), None)
        reader = ImageReader()
        image = reader.readFromStream(stream)
        return image if image is not None else self._fail(reader.errorString(), None)


def _utf16Size(text, piece=1 << 14):
    """The bytes of `text` in UTF-16 (QString's size); UnicodeEncodeError
    where it holds an unpaired surrogate. A long text is encoded piece by
    piece: one piece's memory is used again and again, where encoding it
    at once would take as much new memory as the text, and most of the time
    goes to that (docs/benchmarks.md)."""
    if len(text) <= 64 * piece:
        return len(text.encode("utf-16-be"))
    size, start = 0, 0
    while start < len(text):
        end = start + piece
        if "\ud800" <= text[end - 1:end] <= "\udbff":
            end += 1  # a pair is encoded whole
        size += len(text[start:end].encode("utf-16-be"))
        start = end
    return size


def readFromBytes(read, data):
    """read(stream, data) (SegmentFormat.readText or readImage) over a
    QDataStream of the bytes `data`."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QBuffer.ReadOnly)
    return read(QDataStream(buffer), data)


def _markerWithoutPng(segment):
    """`out << image`'s qint32 1 (never a QString's length, which is even),
    without the PNG that should follow it."""
    with memoryview(segment) as view:
        return (bytes(view[:4]) == QIMAGE_STREAM_START[:4] and len(view) > 4
                and not SegmentFormat._holdsImage(segment))


def _isPageRounding(view, pos):
    rest = len(view) - pos
    return (SEGMENT_PAGE_SIZE is not None and 0 < rest < SEGMENT_PAGE_SIZE
            and len(view) % SEGMENT_PAGE_SIZE == 0 and not any(view[pos:]))


def _readQStringFrom(stream, view):
    """The text, "" for a stream left at ReadPastEnd or ReadCorruptData,
    None when it is not valid UTF-16."""
    length = stream.readUInt32()
    if length in (0, 0xffffffff):  # empty, or a null QString
        return ""
    if length % 2:
        stream.setStatus(QDataStream.ReadCorruptData)
        return ""
    start = stream.device().pos()
    if stream.skipRawData(min(length, len(view))) != length:
        return ""
    try:
        return str(view[start:start + length], "utf-16-be")
    except UnicodeDecodeError:
        return None


def _notOneQString(size, length, text, status, pos, lengthAgain):
    """Why the segment's `size` bytes are not exactly one serialized QString,
    or "" when they are."""
    if size < 4:
        return arg(translate("SegmentFormat", "The shared memory segment is too small (%1 bytes) "
                                              "to hold a text."), size)
    if length != lengthAgain or (length == bytes(4) and size > 4):
        return translate("SegmentFormat",
                         "Nothing has been written to the shared memory segment yet.")
    declared = int.from_bytes(length, "big")
    if declared == 0xffffffff:  # a null QString
        declared = 0
    if status == QDataStream.ReadCorruptData:
        return arg(translate("SegmentFormat", "The shared memory segment does not hold a text: "
                                              "its length field (%1) is an odd number of "
                                              "bytes."), declared)
    if status != QDataStream.Ok:
        return arg(translate("SegmentFormat", "The shared memory segment does not hold a whole "
                                              "text: its length field says %1 bytes, but only %2 "
                                              "follow it."), declared, size - 4)
    if pos != size:
        return arg(translate("SegmentFormat", "The shared memory segment does not hold just a "
                                              "text: %1 bytes follow it."), size - pos)
    if text is None:
        return translate("SegmentFormat",
                         "The shared memory segment does not hold valid UTF-16 text.")
    return ""
