"""The Local Fortune wire formats: one place owns them.

Every generation of Qt's C++ fortune server frames the fortune (a QString)
differently; all of them close the connection after one reply. LAYOUTS maps
each layout's name to how it is framed; LATER_FRAMINGS writes the layouts
after the blog's with QDataStream, as those C++ servers do (the blog's own
lines stand in fortune_server.py's sendFortune); and `FortuneReply`
recognises which layout a reply is in, from the bytes alone, and whether it
is exactly one whole fortune.
"""

from PyQt5.QtCore import QByteArray, QCoreApplication, QDataStream, QIODevice
from PyQt5.QtNetwork import QLocalSocket

from qtipc import arg, asQString
from qtipc.errors import ErrorString

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


# How the C++ servers after the blog's frame a fortune, each in its own
# QDataStream lines (the blog's Qt 4 lines stand in Server.sendFortune).
# asQString() hands QDataStream the text exactly (PyQt5 would drop a
# leading U+FEFF from some).

def frameAsQt5_6(fortune):
    """Qt 5.6.3 to 5.9: a quint32 count of the bytes that follow."""
    block = QByteArray()
    out = QDataStream(block, QIODevice.WriteOnly)
    out.setVersion(QDataStream.Qt_5_6)
    out.writeUInt32(0)
    out.writeQString(asQString(fortune))
    out.device().seek(0)
    out.writeUInt32(block.size() - 4)
    return block


def frameAsQt5_10(fortune):
    """Qt 5.10 to 6.6: a quint32 count of the QString's characters."""
    block = QByteArray()
    out = QDataStream(block, QIODevice.WriteOnly)
    out.setVersion(QDataStream.Qt_5_10)
    out.writeUInt32(utf16Length(fortune))
    out.writeQString(asQString(fortune))
    return block


def frameAsQt6_7(fortune):
    """Qt 6.7 and later: the QString alone (as Qt_5_15 writes it)."""
    block = QByteArray()
    out = QDataStream(block, QIODevice.WriteOnly)
    out.setVersion(QDataStream.Qt_5_15)
    out.writeQString(asQString(fortune))
    return block


LATER_FRAMINGS = {QT5_6: frameAsQt5_6, QT5_10: frameAsQt5_10, QT6_7: frameAsQt6_7}


# What a FortuneReply is judged to be.
WAITING = "waiting"      # more bytes may come and change the verdict
FORTUNE = "fortune"      # exactly one whole reply, in `layout`
TRUNCATED = "truncated"  # the server closed before a whole reply
STALLED = "stalled"      # the server went quiet before a whole reply
MALFORMED = "malformed"  # no more bytes could make these a reply
OVERSIZED = "oversized"  # a reply announced as longer than MAX_REPLY_SIZE

_NEED_MORE, _COMPLETE, _INVALID, _TOO_LARGE = range(4)


def _readLayout(data, layout):
    """Reads the QByteArray `data` as a reply in `layout`, with QDataStream
    as the client reads it, as far as the lengths go (the string itself is
    the client's to read).

    Returns _NEED_MORE while the bytes so far could still become one reply,
    _COMPLETE when they are exactly one, _TOO_LARGE when they announce,
    consistently, a reply longer than MAX_REPLY_SIZE, and _INVALID when no
    more bytes could make them one."""
    version, prefixSize, counts = LAYOUTS[layout]
    have = data.size()
    in_ = QDataStream(data)
    in_.setVersion(version)
    if have < prefixSize:
        return _NEED_MORE
    if prefixSize == 2:
        prefix = in_.readUInt16()
    elif prefixSize == 4:
        prefix = in_.readUInt32()

    # What the prefix alone says about the total size.
    if counts == "bytes" and (prefix < 4 or have > prefixSize + prefix):
        return _INVALID
    if counts == "characters" and have > prefixSize + 4 + 2 * prefix:
        return _INVALID

    if have < prefixSize + 4:
        return _NEED_MORE
    length = in_.readUInt32()
    stringBytes = 0 if length == NULL_LENGTH else length
    if stringBytes % 2:
        return _INVALID  # UTF-16 comes in pairs of bytes

    # The redundant length must agree with the string's own.
    if counts == "bytes" and prefix != 4 + stringBytes:
        return _INVALID
    if counts == "characters" and 2 * prefix != stringBytes:
        return _INVALID

    total = prefixSize + 4 + stringBytes
    if total > MAX_REPLY_SIZE:
        # Two lengths that agree are an oversized reply; one alone is as
        # likely to be garbage.
        return _TOO_LARGE if counts else _INVALID
    if have > total:
        return _INVALID
    return _COMPLETE if have == total else _NEED_MORE


class FortuneReply(ErrorString):
    """A server's reply, collected however it is split across reads, and
    judged from its bytes alone: `state` says what it is and, for a
    FORTUNE, `layout` says which layout to read it in.

    Bytes that no layout can read are refused at once. A fortune is taken
    only at the end: when the server has closed the connection (every
    server does after its one reply) or has gone quiet for the client's
    whole wait. So bytes after a whole reply, or a reply that two layouts
    read, give the same verdict however the stream is split."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.data = QByteArray()
        self.closed = False
        self.quietSeconds = None
        self.state, self.layout = WAITING, None  # no bytes yet: any layout may follow
        self._clearError()

    def feed(self, chunk):
        self.data.append(chunk)
        self.judge()

    def serverClosed(self):
        """No more bytes will come."""
        self.closed = True
        self.judge()

    def waitIsOver(self, seconds):
        """The server has sent nothing for `seconds` and still not closed:
        what it has sent is all it will be judged by."""
        self.quietSeconds = seconds
        self.judge()

    def collect(self, socket):
        """Adds what the QLocalSocket `socket` has received (and whether it
        is closed); True once the reply is judged, False while WAITING."""
        # Closed first, so that the bytes are judged once per read (judging
        # reads the lengths of every layout).
        self.closed = self.closed or socket.state() == QLocalSocket.UnconnectedState
        self.feed(socket.readAll())
        return self.state != WAITING

    def size(self):
        return self.data.size()

    def judge(self):
        complete, pending, tooLarge = set(), False, False
        for layout in LAYOUTS:
            state = _readLayout(self.data, layout)
            if state == _COMPLETE:
                complete.add(layout)
            pending = pending or state == _NEED_MORE
            tooLarge = tooLarge or state == _TOO_LARGE
        self.layout = None
        if not complete and not pending:
            self.state = OVERSIZED if tooLarge else MALFORMED
        elif not self.closed and self.quietSeconds is None:
            self.state = WAITING
        elif complete:
            self.state = FORTUNE
            self.layout = next(name for name in _PREFERENCE if name in complete)
        else:
            self.state = TRUNCATED if self.closed else STALLED
        problem = self._problem()
        if problem:
            self._fail(problem)
        else:
            self._clearError()

    def _problem(self):
        """What is wrong with the reply, said for the user; "" for a whole
        fortune (and while WAITING)."""
        translate = QCoreApplication.translate
        if self.state == TRUNCATED:
            return arg(translate("FortuneReply", "The server closed the connection after %1 "
                                 "bytes, before a whole fortune had arrived."), self.size())
        if self.state == STALLED and not self.size():
            return arg(translate("FortuneReply", "The server did not send a fortune within %1 "
                                 "seconds."), "{:g}".format(self.quietSeconds))
        if self.state == STALLED:
            return arg(translate("FortuneReply", "The server sent %1 bytes, not a whole fortune, "
                                 "and then nothing for %2 seconds."),
                       self.size(), "{:g}".format(self.quietSeconds))
        if self.state == OVERSIZED:
            return arg(translate("FortuneReply", "The server's reply is longer than %1 bytes; no "
                                 "fortune is that long."), MAX_REPLY_SIZE)
        if self.state == MALFORMED:
            return arg(translate("FortuneReply", "The server's reply is not a fortune in any "
                                 "known format (%1 bytes, starting %2)."),
                       self.size(), bytes(self.data.left(16)).hex(" "))
        return ""
