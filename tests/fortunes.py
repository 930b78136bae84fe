"""What the tests know of the fortune protocol, written independently of
the code under test (plain struct, not QDataStream) so that a mistake in
one is not repeated in the other."""

import os
import socket
import struct
import time

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
    if text is None:
        return b"\xff\xff\xff\xff"
    data = text.encode("utf-16-be")
    return struct.pack(">I", len(data)) + data


def encode(text, wire):
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


def socketPath(name, tmpdir=None):
    """Where QLocalServer listens for `name`."""
    if name.startswith("/"):
        return name
    return os.path.join(tmpdir or os.environ.get("TMPDIR") or "/tmp", name)


def fetch(path, timeout=10):
    """Connects as a bare client and reads until the server closes."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(path)
        data = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                return data
            data += chunk


def waitUntilServing(path, process=None, timeout=30):
    """Waits until something accepts connections on `path`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError("server exited with {}: {}".format(
                process.returncode, process.stderr.read().decode(errors="replace")))
        try:
            fetch(path, timeout=5)
            return
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.02)
    raise AssertionError("nothing is serving on " + path)
