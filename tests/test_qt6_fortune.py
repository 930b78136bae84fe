"""Interop with Qt 6's Local Fortune examples: PySide6 ports of the newest
client and server of qt/qtbase (tests/helpers/qt6_fortune_*.py), each in a
process of its own, against the Python server and client. The server sends
the QString alone (the qt6.7 layout); the client reads the QString alone
inside a QDataStream transaction."""

import struct

import pytest

from peers import fortunesShown
from testbed.oracle import FORTUNES, encode
from testbed.processes import fetch


def qt6ClientShows(reply):
    """What the Qt 6 client's readFortune() makes of a whole reply `reply`
    (bytes) that arrives at once, by QDataStream's rules for a QString: its
    label's new text, or None when it shows nothing. A quint32 byte length,
    then UTF-16BE; an odd length is corrupt data, a length past the end of
    the reply is an incomplete string; neither commits the transaction."""
    length, = struct.unpack(">I", reply[:4])
    if length == 0xFFFFFFFF or length % 2 or 4 + length > len(reply):
        return None
    return reply[4:4 + length].decode("utf-16-be") or None


def test_qt6_client_reads_the_python_server_with_wire_qt6_7(fortuneServer, qt6FortuneClient):
    _, path = fortuneServer("--wire", "qt6.7")
    for _ in range(3):
        status, out, err = qt6FortuneClient(path)
        assert status == 0, err
        assert out[:-1] in FORTUNES and out[-1:] == "\n"


@pytest.mark.parametrize("wire", ["qt4", "qt5.6", "qt5.10"])
def test_qt6_client_misreads_the_older_layouts(fortuneServer, qt6FortuneClient, wire):
    # The client reads the reply's first four bytes as the QString's length.
    # qt4 (the blog's, the server's default): a length of at least 2^16
    # bytes, never complete, so no fortune at all. qt5.6: the string starts
    # with U+0000 and a character for its byte length. qt5.10 (Debian's Qt 5
    # server): an odd count of characters is corrupt data (no fortune), an
    # even one a string that starts inside the QString's own length.
    outcomes = {qt6ClientShows(encode(fortune, wire)) for fortune in FORTUNES}
    assert not outcomes & set(FORTUNES)
    if wire == "qt4":
        assert outcomes == {None}

    _, path = fortuneServer("--wire", wire)
    status, out, err = qt6FortuneClient(path)
    if status == 0:
        assert out[:-1] in outcomes and out[-1:] == "\n"
    else:
        assert (status, out, None in outcomes) == (1, "", True), err
        assert "showed no fortune" in err


def test_qt6_server_sends_the_qt6_7_layout(qt6FortuneServer):
    path = qt6FortuneServer()
    replies = {fetch(path) for _ in range(30)}
    assert replies <= {encode(fortune, "qt6.7") for fortune in FORTUNES}
    assert len(replies) > 1  # random fortunes: seven equally likely each time


def test_python_client_reads_the_qt6_server(qtbot, qt6FortuneServer, messageBoxes):
    shown = fortunesShown(qtbot, qt6FortuneServer(), 5)
    assert set(shown) <= set(FORTUNES)
    assert all(a != b for a, b in zip(shown, shown[1:]))
    assert messageBoxes == []


def test_qt6_client_reads_the_qt6_server(qt6FortuneServer, qt6FortuneClient):
    # The two ports together, as Qt 6's own examples pair up.
    status, out, err = qt6FortuneClient(qt6FortuneServer())
    assert status == 0, err
    assert out[:-1] in FORTUNES


def test_qt6_client_without_a_server(privateTmp, qt6FortuneClient):
    status, out, err = qt6FortuneClient(privateTmp + "/nothing-listens-here")
    assert (status, out) == (1, "")
    assert "The host was not found." in err
