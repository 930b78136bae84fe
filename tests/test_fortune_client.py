"""The Client class, driven in the test, against real servers: the server
script, a test-side server speaking each layout, and broken servers."""

import os
import signal
import socket
import sys

import pytest
from PyQt5.QtCore import Qt

from peers import HELPERS
from testbed.oracle import FORTUNES, WIRES, encode
from testbed.processes import uniqueName
from testbed.programs import REPO
from fortune_client import Client
from scripted_server import BYTEWISE, SILENT, WHOLE, ScriptedServer
from qtipc.fortune_wire import MAX_REPLY_SIZE


@pytest.fixture
def scriptedServer(privateTmp):
    servers = []

    def start(reply, mode=WHOLE, keepOpen=False):
        server = ScriptedServer(os.path.join(privateTmp, uniqueName("s")), reply, mode, keepOpen)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def client(qtbot):
    def make(serverName):
        widget = Client(serverName)
        qtbot.addWidget(widget)
        return widget
    return make


def fetch(qtbot, client):
    """Presses Get Fortune and waits until the button comes back."""
    assert client.getFortuneButton.isEnabled()
    qtbot.mouseClick(client.getFortuneButton, Qt.LeftButton)
    qtbot.waitUntil(client.getFortuneButton.isEnabled, timeout=20000)
    return client.statusLabel.text()


def test_widgets_are_named_as_in_the_cpp(client):
    widget = client("fortune")
    assert widget.hostLineEdit.text() == "fortune"
    assert widget.getFortuneButton.text() == "Get Fortune"
    assert widget.getFortuneButton.isDefault()
    assert widget.quitButton.text() == "Quit"
    assert widget.statusLabel.text()


def test_buttons_keep_their_natural_width_on_the_right(qtbot, client):
    # As in the C++ dialog: the spacer takes the room, however wide the window.
    widget = client("fortune")
    widget.show()
    qtbot.waitExposed(widget)
    for width in (widget.sizeHint().width(), 2 * widget.sizeHint().width()):
        widget.resize(width, widget.height())
        qtbot.waitUntil(lambda: widget.quitButton.geometry().right()
                        == widget.statusLabel.geometry().right())
        for button in (widget.getFortuneButton, widget.quitButton):
            assert button.width() == button.sizeHint().width()
        assert widget.getFortuneButton.x() > widget.statusLabel.x()


def test_button_is_disabled_while_the_name_is_empty(qtbot, client):
    widget = client("fortune")
    widget.hostLineEdit.clear()
    assert not widget.getFortuneButton.isEnabled()
    qtbot.keyClicks(widget.hostLineEdit, "x")
    assert widget.getFortuneButton.isEnabled()


@pytest.mark.parametrize("wire", WIRES)
def test_fortunes_from_the_server_script(qtbot, client, fortuneServer, wire, messageBoxes):
    _, path = fortuneServer("--wire", wire)
    widget = client(path)
    shown = [fetch(qtbot, widget) for _ in range(5)]
    assert all(text in FORTUNES for text in shown), shown
    assert all(a != b for a, b in zip(shown, shown[1:])), "same fortune twice in a row"
    assert messageBoxes == []


TEXTS = [
    "You might have mail.",
    "",
    "x",
    "漢字とかな",
    "emoji \U0001F600 outside the BMP",
    "\ufeff\U0001F600 a leading U+FEFF, kept beside a character outside the BMP",
    "\x00starts with U+0000",
    "\x00\x14",
    "line\r\nbreaks\n",
    "long " * 3000,
]


@pytest.mark.parametrize("mode", [WHOLE, BYTEWISE])
@pytest.mark.parametrize("wire", WIRES)
def test_reads_every_layout_whole_and_byte_by_byte(qtbot, client, scriptedServer,
                                                   messageBoxes, wire, mode):
    for text in TEXTS:
        if mode == BYTEWISE and len(text) > 100:
            continue  # a byte at a time for a long text adds time, not coverage
        server = scriptedServer(encode(text, wire), mode)
        widget = client(server.path)
        assert fetch(qtbot, widget) == text
        assert messageBoxes == []


@pytest.mark.parametrize("wire", WIRES)
def test_null_string_reads_as_empty(qtbot, client, scriptedServer, messageBoxes, wire):
    server = scriptedServer(encode(None, wire))
    widget = client(server.path)
    widget.statusLabel.setText("before")
    assert fetch(qtbot, widget) == ""
    assert messageBoxes == []


@pytest.mark.parametrize("wire", WIRES)
def test_truncated_replies_get_a_clear_message(qtbot, client, scriptedServer,
                                               messageBoxes, wire):
    whole = encode("You might have mail.", wire)
    # (Not every cut: some prefixes are themselves a whole reply in another
    # layout, e.g. 24 bytes of qt5.10 are a valid qt6.7 reply of 10 characters.)
    for cut in (1, 3, 5, len(whole) - 3, len(whole) - 1):
        server = scriptedServer(whole[:cut])
        widget = client(server.path)
        widget.statusLabel.setText("unchanged")
        assert fetch(qtbot, widget) == "unchanged"
        assert len(messageBoxes) == 1
        assert "closed the connection after {} bytes".format(cut) in messageBoxes.pop()


@pytest.mark.parametrize("reply", [
    b"HTTP/1.1 200 OK\r\n\r\nhello",
    b"\x00\x2c\x00\x00\x00\x27" + b"a" * 39,          # odd byte length
    b"\x00\x2c\x00\x00\x00\x28" + b"a" * 50,          # more than announced
    b"\x00\x00\x00\x10\x00\x00\x00\x28" + b"a" * 40,  # counts disagree
], ids=["http", "odd-length", "trailing-bytes", "counts-disagree"])
def test_garbage_gets_a_clear_message(qtbot, client, scriptedServer, messageBoxes, reply):
    server = scriptedServer(reply)
    widget = client(server.path)
    widget.statusLabel.setText("unchanged")
    assert fetch(qtbot, widget) == "unchanged"
    assert len(messageBoxes) == 1
    assert "not a fortune in any known format" in messageBoxes[0]


@pytest.mark.parametrize("mode", [WHOLE, BYTEWISE])
def test_bytes_after_a_whole_reply_are_refused_however_split(qtbot, client, scriptedServer,
                                                             messageBoxes, mode):
    server = scriptedServer(encode("You might have mail.", "qt5.10") + b"JUNK", mode)
    widget = client(server.path)
    widget.statusLabel.setText("unchanged")
    assert fetch(qtbot, widget) == "unchanged"
    assert len(messageBoxes) == 1
    assert "not a fortune in any known format" in messageBoxes[0]


@pytest.mark.parametrize("wire", ["qt5.6", "qt5.10"])
def test_oversized_reply_is_refused(qtbot, client, scriptedServer, messageBoxes, wire):
    server = scriptedServer(encode("x" * (MAX_REPLY_SIZE // 2), wire))
    widget = client(server.path)
    widget.statusLabel.setText("unchanged")
    assert fetch(qtbot, widget) == "unchanged"
    assert messageBoxes == ["The server's reply is longer than {} bytes; no fortune "
                            "is that long.".format(MAX_REPLY_SIZE)]


def test_silent_server_times_out(qtbot, client, scriptedServer, messageBoxes):
    server = scriptedServer(b"", SILENT)
    widget = client(server.path)
    widget.replyTimer.setInterval(500)
    qtbot.mouseClick(widget.getFortuneButton, Qt.LeftButton)
    assert not widget.getFortuneButton.isEnabled(), "disabled while a request runs"
    qtbot.waitUntil(widget.getFortuneButton.isEnabled, timeout=20000)
    assert len(messageBoxes) == 1
    assert messageBoxes[0] == "The server did not send a fortune within 0.5 seconds."


@pytest.mark.parametrize("mode", [WHOLE, BYTEWISE])
@pytest.mark.parametrize("wire", WIRES)
def test_a_whole_fortune_from_a_server_that_keeps_the_connection_open(
        qtbot, client, scriptedServer, messageBoxes, wire, mode):
    # Once the wait is over, exactly one whole reply is shown, and the
    # client closes the connection the server left open.
    server = scriptedServer(encode("You might have mail.", wire), mode, keepOpen=True)
    widget = client(server.path)
    widget.replyTimer.setInterval(500)
    assert fetch(qtbot, widget) == "You might have mail."
    assert messageBoxes == []
    qtbot.waitUntil(lambda: server.closedByClient == 1, timeout=20000)


def test_part_of_a_fortune_then_silence_is_said_for_what_it_is(
        qtbot, client, scriptedServer, messageBoxes, capsys):
    whole = encode("You might have mail.", "qt5.10")
    server = scriptedServer(whole[:-1], keepOpen=True)
    widget = client(server.path)
    widget.replyTimer.setInterval(500)
    widget.statusLabel.setText("unchanged")
    assert fetch(qtbot, widget) == "unchanged"
    message = ("The server sent {} bytes, not a whole fortune, and then nothing "
               "for 0.5 seconds.".format(len(whole) - 1))
    assert messageBoxes == [message]
    assert capsys.readouterr().err == message + "\n"
    qtbot.waitUntil(lambda: server.closedByClient == 1, timeout=20000)


def test_no_server_at_all(qtbot, client, privateTmp, messageBoxes, capsys):
    widget = client(os.path.join(privateTmp, uniqueName("nobody")))
    fetch(qtbot, widget)
    message = "The host was not found. Please check the host name and port settings."
    # Said in the window and on stderr.
    assert messageBoxes == [message]
    assert capsys.readouterr().err == message + "\n"


def test_stale_socket_file_is_refused(qtbot, client, privateTmp, messageBoxes):
    path = os.path.join(privateTmp, uniqueName("stale"))
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # bound but never listening: like a crashed server's file
    widget = client(path)
    fetch(qtbot, widget)
    os.remove(path)
    assert len(messageBoxes) == 1
    assert messageBoxes[0].startswith("The connection was refused by the peer.")


def test_same_fortune_twice_asks_again_but_not_forever(qtbot, client, scriptedServer,
                                                       messageBoxes):
    server = scriptedServer(encode("Only one fortune here.", "qt4"))
    widget = client(server.path)
    assert fetch(qtbot, widget) == "Only one fortune here."
    assert server.connections == 1
    assert fetch(qtbot, widget) == "Only one fortune here."
    assert server.connections == 2 + Client.MAX_REPEATED_ASKS
    assert messageBoxes == []


def test_server_killed_and_replaced(qtbot, client, fortuneServer, processes,
                                    privateTmp, messageBoxes):
    name = uniqueName("fortune")
    first, path = fortuneServer("--wire", "qt4", name=name)
    widget = client(path)
    assert fetch(qtbot, widget) in FORTUNES
    first.send_signal(signal.SIGKILL)
    first.wait()
    fetch(qtbot, widget)
    assert len(messageBoxes) == 1 and "refused" in messageBoxes.pop()
    fortuneServer("--wire", "qt6.7", name=name)
    assert fetch(qtbot, widget) in FORTUNES
    assert messageBoxes == []


@pytest.mark.parametrize("serving", [True, False], ids=["server", "no-server"])
def test_client_reads_where_unix_modules_are_missing(fortuneServer, processes, privateTmp,
                                                     serving):
    # As on Windows: fcntl and ctypes cannot be imported, socket has no
    # AF_UNIX. The client, in a process of its own, presses Get Fortune.
    name = uniqueName("fortune")
    if serving:
        fortuneServer(name=name)
    reader = processes.start(
        [sys.executable, os.path.join(HELPERS, "without_unix.py"),
         os.path.join(HELPERS, "client_fetch.py"), name],
        env={"TMPDIR": privateTmp, "PYTHONPATH": REPO})
    out, err = reader.communicate(timeout=60)
    if serving:
        assert reader.returncode == 0, err
        assert out.decode().rstrip("\n") in FORTUNES
    else:
        assert reader.returncode == 1, err
        assert out.decode().startswith("The host was not found.")
