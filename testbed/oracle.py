"""The bytes the programs exchange, written independently of them (plain
struct, not QDataStream, so that a mistake in one is not repeated in the
other): a fortune in each framing, and the text in a shared-memory segment."""

import struct

FORTUNES = (
    "You've been leading a dog's life. Stay off the furniture.",
    "You've got to think about tomorrow.",
    "You will be surprised by a loud noise.",
    "You will feel hungry again in another hour.",
    "You might have mail.",
    "You cannot kill time without injuring eternity.",
    "Computers are not intelligent. They only think they are.",
)

WIRES = ("qt4", "qt5.6", "qt5.10", "qt6.7")


def qstring(text):
    """QDataStream << QString: quint32 byte length (0xffffffff for a null
    string), then UTF-16BE."""
    if text is None:
        return b"\xff\xff\xff\xff"
    data = text.encode("utf-16-be")
    return struct.pack(">I", len(data)) + data


def encode(text, wire):
    """A fortune reply as a server framing by `wire` sends it."""
    body = qstring(text)
    if wire == "qt4":
        return struct.pack(">H", len(body)) + body
    if wire == "qt5.6":
        return struct.pack(">I", len(body)) + body
    if wire == "qt5.10":
        characters = 0 if text is None else len(text.encode("utf-16-be")) // 2
        return struct.pack(">I", characters) + body
    assert wire == "qt6.7"
    return body


def layout(text):
    """A text in the shared-memory segment, as QDataStream << QString writes
    it with Qt 5."""
    return qstring(text)
