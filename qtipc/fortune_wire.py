"""The Local Fortune wire formats: one place owns them.

Every generation of Qt's C++ fortune server frames the fortune (a QString)
differently; all of them close the connection after one reply. LAYOUTS maps
each layout's name to how it is framed (fortune_server.py writes each with
QDataStream, as the C++ servers do), and `FortuneReply` reads any of them
from the bytes alone. `asQString()` makes PyQt5 hand QDataStream exactly the
text it is given.
"""

import struct

from PyQt5.QtCore import QByteArray, QDataStream, QIODevice

QT4, QT5_6, QT5_10, QT6_7 = "qt4", "qt5.6", "qt5.10", "qt6.7"

# name: (QDataStream version the C++ sets, size of the prefix before the
# QString, what the prefix counts)
LAYOUTS = {
    QT4: (QDataStream.Qt_4_0, 2, "bytes"),
    QT5_6: (QDataStream.Qt_5_6, 4, "bytes"),
    QT5_10: (QDataStream.Qt_5_10, 4, "characters"),
    QT6_7: (QDataStream.Qt_5_15, 0, None),
}
DEFAULT_LAYOUT = QT4  # the blog's

NULL_LENGTH = 0xFFFFFFFF  # QDataStream's length of a null QString

# No fortune is anywhere near this long; a reply that grows past it is
# refused rather than buffered without end.
MAX_REPLY_SIZE = 1 << 20

# When more than one layout reads the whole reply, prefer the one whose
# redundant length agreed with the string's own: it carries more evidence.
_PREFERENCE = (QT5_10, QT5_6, QT4, QT6_7)


def utf16Length(text):
    """QString::size(): the number of UTF-16 code units."""
    return len(text.encode("utf-16-be")) // 2


def asQString(text):
    """The str to hand PyQt5 for a QString that holds exactly `text`.

    PyQt5 converts a str with a character outside the BMP through
    QString::fromUcs4(), which takes one leading U+FEFF for a byte-order
    mark and drops it: out.writeQString("\\ufeff\\U0001F600") writes one
    character short. For such a text this returns it with one more U+FEFF
    in front, for the conversion to drop; any other text is returned as it
    is. Whether the conversion drops it is asked of PyQt5 once, not assumed."""
    global _DROPS_LEADING_BOM
    if not text.startswith("\ufeff") or max(text) <= "\uffff":
        return text
    if _DROPS_LEADING_BOM is None:
        block = QByteArray()
        QDataStream(block, QIODevice.WriteOnly).writeQString("\ufeff\U0001F600")
        _DROPS_LEADING_BOM = block.size() == 4 + 4
    return "\ufeff" + text if _DROPS_LEADING_BOM else text


_DROPS_LEADING_BOM = None


# What FortuneReply.verdict() can say.
WAITING, FORTUNE, TRUNCATED, MALFORMED, OVERSIZED = (
    "waiting", "fortune", "truncated", "malformed", "oversized")

_NEED_MORE, _COMPLETE, _INVALID, _TOO_LARGE = range(4)


def _readLayout(data, layout):
    """Reads `data` as a whole reply in `layout`.

    Returns (_NEED_MORE, None) while the bytes so far could still become
    one, (_COMPLETE, text) when they are exactly one, (_TOO_LARGE, None)
    when they announce, consistently, a reply longer than MAX_REPLY_SIZE,
    and (_INVALID, None) when no more bytes could make them one."""
    _, prefixSize, counts = LAYOUTS[layout]
    have = len(data)
    if have < prefixSize:
        return _NEED_MORE, None
    if prefixSize == 2:
        (prefix,) = struct.unpack_from(">H", data)
    elif prefixSize == 4:
        (prefix,) = struct.unpack_from(">I", data)

    # What the prefix alone says about the total size.
    if counts == "bytes":
        if prefix < 4:
            return _INVALID, None
        if have > prefixSize + prefix:
            return _INVALID, None
    elif counts == "characters":
        if have > prefixSize + 4 + 2 * prefix:
            return _INVALID, None

    if have < prefixSize + 4:
        return _NEED_MORE, None
    (length,) = struct.unpack_from(">I", data, prefixSize)
    if length == NULL_LENGTH:
        stringBytes = 0
    elif length % 2:
        return _INVALID, None  # UTF-16 comes in pairs of bytes
    else:
        stringBytes = length

    # The redundant length must agree with the string's own.
    if counts == "bytes" and prefix != 4 + stringBytes:
        return _INVALID, None
    if counts == "characters" and 2 * prefix != stringBytes:
        return _INVALID, None

    total = prefixSize + 4 + stringBytes
    if total > MAX_REPLY_SIZE:
        # Two lengths that agree are an oversized reply; one alone is as
        # likely to be garbage.
        return (_TOO_LARGE if counts else _INVALID), None
    if have > total:
        return _INVALID, None
    if have < total:
        return _NEED_MORE, None
    if length == NULL_LENGTH:
        return _COMPLETE, ""
    start = prefixSize + 4
    return _COMPLETE, bytes(data[start:total]).decode("utf-16-be", "replace")


class FortuneReply:
    """Collects a server's reply, however it is split across reads, and
    tells which layout it is in from the bytes themselves."""

    def __init__(self):
        self.data = bytearray()

    def clear(self):
        self.data = bytearray()

    def feed(self, chunk):
        self.data += chunk

    def size(self):
        return len(self.data)

    def verdict(self, atEnd):
        """(state, text, layout) for the bytes so far; `atEnd` says the
        server has closed the connection, so no more bytes will come.

        Bytes that no layout can read are refused at once; a fortune is
        taken only at the end of the stream (every server closes the
        connection after its one reply), so that bytes after a whole reply,
        or a reply that two layouts read, give the same verdict however the
        stream is split."""
        complete, pending, tooLarge = {}, [], False
        for layout in LAYOUTS:
            state, text = _readLayout(self.data, layout)
            if state == _COMPLETE:
                complete[layout] = text
            elif state == _NEED_MORE:
                pending.append(layout)
            elif state == _TOO_LARGE:
                tooLarge = True
        if not complete and not pending:
            return (OVERSIZED if tooLarge else MALFORMED), None, None
        if not atEnd:
            return WAITING, None, None
        if complete:
            layout = next(name for name in _PREFERENCE if name in complete)
            return FORTUNE, complete[layout], layout
        return TRUNCATED, None, None
