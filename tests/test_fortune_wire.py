"""The wire formats themselves: FortuneReply over every split of every
layout. (The server's framing is tested in test_fortune_server.py.)"""

import pytest
from PyQt5.QtCore import QDataStream

from testbed.oracle import WIRES, encode
from qtipc.fortune_wire import (FORTUNE, LAYOUTS, MALFORMED, MAX_REPLY_SIZE, OVERSIZED,
                                STALLED, TRUNCATED, WAITING, FortuneReply)

TEXTS = ["You might have mail.", "", "a", "\U0001F600\u6f22", "\x00\x00\x00", "z" * 2000]


def received(*chunks, closed=True):
    """A FortuneReply fed `chunks`, then told the server closed."""
    reply = FortuneReply()
    for chunk in chunks:
        reply.feed(chunk)
    if closed:
        reply.serverClosed()
    return reply


def readAsTheClientDoes(reply):
    """The fortune_client.py lines: block size, then the QString, through
    QDataStream in the layout recognised; and whether that read it all."""
    version, prefixSize, _ = LAYOUTS[reply.layout]
    in_ = QDataStream(reply.data)
    in_.setVersion(version)
    if prefixSize == 2:
        in_.readUInt16()
    elif prefixSize == 4:
        in_.readUInt32()
    text = in_.readQString()
    return text, in_.status() == QDataStream.Ok and in_.atEnd()


@pytest.mark.parametrize("wire", WIRES)
def test_every_split_gives_the_same_fortune(wire):
    for text in TEXTS[:5]:
        data = encode(text, wire)
        for first in range(len(data) + 1):
            for second in range(first, len(data) + 1):
                reply = received(data[:first], data[first:second], data[second:])
                assert (reply.state, reply.layout) == (FORTUNE, wire)
                assert bytes(reply.data) == data
                assert readAsTheClientDoes(reply) == (text, True)


@pytest.mark.parametrize("wire", WIRES)
def test_a_fortune_is_taken_only_at_the_end(wire):
    # Fed a byte at a time, a valid reply is awaited to its end: bytes that
    # might still follow could change the verdict.
    for text in TEXTS:
        data = encode(text, wire)
        reply = FortuneReply()
        for index in range(len(data)):
            reply.feed(data[index:index + 1])
            assert reply.state == WAITING and reply.errorString() == ""
        reply.serverClosed()
        assert (reply.state, reply.layout) == (FORTUNE, wire)
        assert reply.errorString() == ""
        assert readAsTheClientDoes(reply) == (text, True)


@pytest.mark.parametrize("text", ["\ufeff", "\ufeffYou might have mail.", "\ufeff\U0001F600",
                                  "\ufffe", "\ud800 lone", "\x00", "\U0001F600\ufeff"])
@pytest.mark.parametrize("wire", WIRES)
def test_the_client_reads_every_text_exactly(wire, text):
    # A leading U+FEFF is not a byte-order mark here, and a lone surrogate
    # is kept as it came (QDataStream into a Python str loses neither).
    # The framing of as many code units, with the text's own UTF-16 in it.
    units = text.encode("utf-16-be", "surrogatepass")
    data = encode("?" * (len(units) // 2), wire)
    reply = received(data[:len(data) - len(units)] + units)
    assert (reply.state, reply.layout) == (FORTUNE, wire)
    assert readAsTheClientDoes(reply) == (text, True)


@pytest.mark.parametrize("wire", WIRES)
def test_bytes_after_a_whole_reply_make_it_malformed(wire):
    data = encode("You might have mail.", wire) + b"JUNK"
    for split in range(len(data) + 1):
        reply = received(data[:split], closed=False)
        assert reply.state in (WAITING, MALFORMED)
        reply.feed(data[split:])
        reply.serverClosed()
        assert reply.state == MALFORMED
        assert reply.errorString() == ("The server's reply is not a fortune in any known format "
                                   "({} bytes, starting {}).".format(len(data), data[:16].hex(" ")))


def test_layout_is_told_from_the_bytes():
    for wire in WIRES:
        reply = received(encode("You might have mail.", wire))
        assert (reply.state, reply.layout) == (FORTUNE, wire)


def test_a_short_reply_waits_for_the_end():
    # Four zero bytes: an empty qt6.7 string, or the start of a qt5.10 one.
    reply = received(b"\x00\x00\x00\x00", closed=False)
    assert reply.state == WAITING
    reply.serverClosed()
    assert (reply.state, reply.layout) == (FORTUNE, "qt6.7")
    reply.feed(b"\x00\x00\x00\x00")
    assert (reply.state, reply.layout) == (FORTUNE, "qt5.10")


def test_truncated_and_malformed_are_told_apart():
    data = encode("You might have mail.", "qt4")[:-1]
    reply = received(data)
    assert reply.state == TRUNCATED
    assert reply.errorString() == ("The server closed the connection after {} bytes, before "
                               "a whole fortune had arrived.".format(len(data)))
    reply = received(b"\x00\x00\x00\x03\x00\x00\x00\x03", closed=False)  # odd lengths everywhere
    assert reply.state == MALFORMED


@pytest.mark.parametrize("wire", ["qt5.6", "qt5.10"])
def test_an_oversized_reply_is_refused_from_its_lengths(wire):
    # Refused before the server closes: both lengths announce too much.
    reply = received(encode("x" * (MAX_REPLY_SIZE // 2), wire), closed=False)
    assert reply.state == OVERSIZED
    assert reply.errorString() == ("The server's reply is longer than {} bytes; no fortune "
                               "is that long.".format(MAX_REPLY_SIZE))


@pytest.mark.parametrize("wire", WIRES)
def test_a_server_gone_quiet_is_judged_by_what_it_sent(wire):
    # It never closes: once the wait is over, exactly one whole reply is a
    # fortune, anything less is said for what it is.
    data = encode("You might have mail.", wire)
    reply = received(data, closed=False)
    reply.waitIsOver(5)
    assert (reply.state, reply.layout) == (FORTUNE, wire)
    assert readAsTheClientDoes(reply) == ("You might have mail.", True)

    reply = received(data[:-1], closed=False)
    reply.waitIsOver(5)
    assert reply.state == STALLED
    assert reply.errorString() == ("The server sent {} bytes, not a whole fortune, and then "
                               "nothing for 5 seconds.".format(len(data) - 1))

    reply = received(closed=False)
    reply.waitIsOver(0.5)
    assert reply.state == STALLED
    assert reply.errorString() == "The server did not send a fortune within 0.5 seconds."


def test_where_two_readings_fit_at_the_end_the_redundant_length_wins():
    # A qt6.7 text of U+0000, then a character equal to the byte length of
    # the rest, is byte for byte the qt5.6 reply of the rest (README).
    rest = "You might have mail."
    ambiguous = "\x00" + chr(2 * len(rest)) + rest
    assert encode(ambiguous, "qt6.7") == encode(rest, "qt5.6")
    reply = received(encode(ambiguous, "qt6.7"))
    assert (reply.state, reply.layout) == (FORTUNE, "qt5.6")
    assert readAsTheClientDoes(reply) == (rest, True)
