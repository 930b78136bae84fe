"""fortune_server.py as a real process, spoken to over plain sockets."""

import os
import signal
import socket
import stat
import subprocess
import time

import pytest

from conftest import uniqueName
from fortunes import FORTUNES, WIRES, encode, fetch, socketPath, waitUntilServing


def decodeAs(reply, wire):
    """The fortune whose exact bytes in `wire` are `reply`, else None."""
    for fortune in FORTUNES:
        if encode(fortune, wire) == reply:
            return fortune
    return None


@pytest.mark.parametrize("wire", WIRES)
def test_sends_exact_bytes_for_every_wire(fortuneServer, wire):
    _, path = fortuneServer("--wire", wire)
    for _ in range(20):
        reply = fetch(path)
        assert decodeAs(reply, wire) is not None, reply


def test_default_wire_is_the_blogs_qt4(fortuneServer):
    _, path = fortuneServer()
    reply = fetch(path)
    assert decodeAs(reply, "qt4") is not None, reply
    assert len(reply) == 2 + int.from_bytes(reply[:2], "big")


def test_mail_fortune_has_the_documented_bytes(fortuneServer):
    # The table in the README: "You might have mail." in each layout.
    mail = "You might have mail."
    assert encode(mail, "qt4")[:6].hex() == "002c00000028"
    assert len(encode(mail, "qt4")) == 46
    assert encode(mail, "qt5.6")[:8].hex() == "0000002c00000028"
    assert encode(mail, "qt5.10")[:8].hex() == "0000001400000028"
    assert len(encode(mail, "qt6.7")) == 44
    _, path = fortuneServer("--wire", "qt5.10")
    for _ in range(300):
        reply = fetch(path)
        if decodeAs(reply, "qt5.10") == mail:
            assert reply == encode(mail, "qt5.10")
            return
    pytest.fail("never got the mail fortune in 300 connections")


def test_all_seven_fortunes_come_over_many_connections(fortuneServer):
    _, path = fortuneServer("--wire", "qt5.10")
    seen = set()
    for _ in range(500):
        fortune = decodeAs(fetch(path), "qt5.10")
        assert fortune is not None
        seen.add(fortune)
        if len(seen) == len(FORTUNES):
            break
    assert seen == set(FORTUNES)


def test_listens_under_tmpdir_for_the_current_user_only(fortuneServer, privateTmp):
    _, path = fortuneServer()
    assert os.path.dirname(path) == privateTmp
    mode = os.stat(path).st_mode
    assert stat.S_ISSOCK(mode)
    assert mode & 0o077 == 0, oct(mode)


def test_qt_options_keep_working(fortuneServer):
    _, path = fortuneServer("-platform", "offscreen", "-style", "fusion")
    assert fetch(path)


def test_help_lists_the_options():
    result = subprocess.run(
        [os.sys.executable, "fortune_server.py", "--help"], capture_output=True,
        text=True, timeout=60, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert result.returncode == 0
    for option in ("--name", "--wire", "qt4", "qt5.6", "qt5.10", "qt6.7"):
        assert option in result.stdout


def test_unknown_wire_is_refused(processes, privateTmp):
    name = uniqueName("fortune")
    process = processes.startScript("fortune_server.py", "--name", name,
                                    "--wire", "qt9", env={"TMPDIR": privateTmp})
    assert process.wait(timeout=60) == 2
    assert b"Unknown layout qt9" in process.stderr.read()
    assert not os.path.exists(socketPath(name, privateTmp))


def test_failure_to_listen_exits_non_zero_at_once_when_headless(processes, privateTmp):
    name = os.path.join(privateTmp, "no-such-directory", "fortune")
    process = processes.startScript("fortune_server.py", "--name", name)
    assert process.wait(timeout=60) == 1
    assert b"Unable to start the server:" in process.stderr.read()


def test_terminating_removes_the_socket(fortuneServer):
    process, path = fortuneServer()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not os.path.exists(path)


def test_crashed_servers_socket_is_cleared(fortuneServer):
    name = uniqueName("fortune")
    crashed, path = fortuneServer("--wire", "qt6.7", name=name)
    crashed.kill()
    crashed.wait()
    assert stat.S_ISSOCK(os.lstat(path).st_mode), "SIGKILL leaves the socket file"
    with pytest.raises(ConnectionRefusedError):
        fetch(path)

    successor, _ = fortuneServer("--wire", "qt5.6", name=name)
    assert decodeAs(fetch(path), "qt5.6") is not None
    successor.send_signal(signal.SIGTERM)
    assert successor.wait(timeout=30) == 0
    assert not os.path.exists(path)


def test_live_server_is_never_taken_over(fortuneServer, processes, privateTmp):
    name = uniqueName("fortune")
    first, path = fortuneServer("--wire", "qt5.10", name=name)
    inode = os.stat(path).st_ino

    second = processes.startScript("fortune_server.py", "--name", name,
                                   "--wire", "qt4", env={"TMPDIR": privateTmp})
    assert second.wait(timeout=60) == 1
    assert b"already listening" in second.stderr.read()

    assert os.stat(path).st_ino == inode
    for _ in range(10):
        assert decodeAs(fetch(path), "qt5.10") is not None
    assert first.poll() is None


def test_a_file_that_is_not_a_socket_is_left_alone(processes, privateTmp):
    name = uniqueName("fortune")
    path = socketPath(name, privateTmp)
    with open(path, "w") as precious:
        precious.write("keep me")
    process = processes.startScript("fortune_server.py", "--name", name,
                                    env={"TMPDIR": privateTmp})
    assert process.wait(timeout=60) == 1
    assert b"is not a socket" in process.stderr.read()
    with open(path) as precious:
        assert precious.read() == "keep me"
    os.remove(path)


def test_servers_starting_together_on_a_leftover_socket_elect_one(processes, privateTmp):
    name = uniqueName("fortune")
    path = socketPath(name, privateTmp)
    for _ in range(3):
        leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        leftover.bind(path)
        leftover.close()  # a socket file nobody accepts on
        servers = [processes.startScript("fortune_server.py", "--name", name,
                                         env={"TMPDIR": privateTmp}) for _ in range(6)]
        waitUntilServing(path)
        # All but one give up; the one left serves on the name.
        deadline = time.monotonic() + 30
        while sum(server.poll() is not None for server in servers) < len(servers) - 1 \
                and time.monotonic() < deadline:
            time.sleep(0.02)
        refused = [server for server in servers if server.poll() is not None]
        running = [server for server in servers if server.poll() is None]
        for server in refused:
            assert server.returncode == 1
            assert b"already listening" in server.stderr.read()
        assert len(running) == 1 and len(refused) == len(servers) - 1
        assert fetch(path)
        running[0].send_signal(signal.SIGTERM)
        assert running[0].wait(timeout=30) == 0
        assert not os.path.exists(path)


def test_status_label_shows_the_full_socket_path(qtbot, monkeypatch, privateTmp):
    from fortune_server import Server

    monkeypatch.setenv("TMPDIR", privateTmp)
    name = uniqueName("fortune")
    server = Server(name, "qt5.10")
    qtbot.addWidget(server)
    assert server.isListening()
    path = socketPath(name, privateTmp)
    assert path in server.statusLabel.text()
    assert server.statusLabel.text().startswith("The server is running")
    assert decodeAs(fetchServed(qtbot, path), "qt5.10") is not None
    server.server.close()
    assert not os.path.exists(path)


def fetchServed(qtbot, path):
    """fetch() from a server in this very process: its event loop must run
    while the bare client waits, so the read happens in a thread."""
    import threading

    result = {}
    reader = threading.Thread(target=lambda: result.setdefault("reply", fetch(path)))
    reader.start()
    qtbot.waitUntil(lambda: not reader.is_alive(), timeout=20000)
    return result["reply"]
