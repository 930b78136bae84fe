"""The wire formats themselves: FortuneReply over every split of every
layout. (The server's framing is tested in test_fortune_server.py.)"""

import pytest

from fortunes import WIRES, encode
from qtipc.fortune_wire import (FORTUNE, MALFORMED, TRUNCATED, WAITING,
                                FortuneReply)

TEXTS = ["You might have mail.", "", "a", "\U0001F600\u6f22", "\x00\x00\x00", "z" * 2000]


@pytest.mark.parametrize("wire", WIRES)
def test_every_split_gives_the_same_fortune(wire):
    for text in TEXTS[:5]:
        data = encode(text, wire)
        for first in range(len(data) + 1):
            for second in range(first, len(data) + 1):
                reply = FortuneReply()
                for chunk in (data[:first], data[first:second], data[second:]):
                    reply.feed(chunk)
                assert reply.verdict(atEnd=True)[:2] == (FORTUNE, text)


@pytest.mark.parametrize("wire", WIRES)
def test_a_fortune_is_taken_only_at_the_end(wire):
    # Fed a byte at a time, a valid reply is awaited to its end: bytes that
    # might still follow could change the verdict.
    for text in TEXTS:
        data = encode(text, wire)
        reply = FortuneReply()
        for index in range(len(data)):
            reply.feed(data[index:index + 1])
            assert reply.verdict(atEnd=False)[0] == WAITING
        assert reply.verdict(atEnd=True)[:2] == (FORTUNE, text)


@pytest.mark.parametrize("wire", WIRES)
def test_bytes_after_a_whole_reply_make_it_malformed(wire):
    data = encode("You might have mail.", wire) + b"JUNK"
    for split in range(len(data) + 1):
        reply = FortuneReply()
        reply.feed(data[:split])
        early = reply.verdict(atEnd=False)[0]
        assert early in (WAITING, MALFORMED)
        reply.feed(data[split:])
        assert reply.verdict(atEnd=True)[0] == MALFORMED


def test_layout_is_told_from_the_bytes():
    for wire in WIRES:
        reply = FortuneReply()
        reply.feed(encode("You might have mail.", wire))
        assert reply.verdict(atEnd=True) == (FORTUNE, "You might have mail.", wire)


def test_a_short_reply_waits_for_the_end():
    # Four zero bytes: an empty qt6.7 string, or the start of a qt5.10 one.
    reply = FortuneReply()
    reply.feed(b"\x00\x00\x00\x00")
    assert reply.verdict(atEnd=False)[0] == WAITING
    assert reply.verdict(atEnd=True) == (FORTUNE, "", "qt6.7")
    reply.feed(b"\x00\x00\x00\x00")
    assert reply.verdict(atEnd=True) == (FORTUNE, "", "qt5.10")


def test_truncated_and_malformed_are_told_apart():
    reply = FortuneReply()
    reply.feed(encode("You might have mail.", "qt4")[:-1])
    assert reply.verdict(atEnd=True)[0] == TRUNCATED
    reply = FortuneReply()
    reply.feed(b"\x00\x00\x00\x03\x00\x00\x00\x03")  # odd lengths everywhere
    assert reply.verdict(atEnd=False)[0] == MALFORMED


def test_where_two_readings_fit_at_the_end_the_redundant_length_wins():
    # A qt6.7 text of U+0000, then a character equal to the byte length of
    # the rest, is byte for byte the qt5.6 reply of the rest (README).
    rest = "You might have mail."
    ambiguous = "\x00" + chr(2 * len(rest)) + rest
    assert encode(ambiguous, "qt6.7") == encode(rest, "qt5.6")
    reply = FortuneReply()
    reply.feed(encode(ambiguous, "qt6.7"))
    assert reply.verdict(atEnd=True) == (FORTUNE, rest, "qt5.6")
