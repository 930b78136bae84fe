"""fortune_server.py as a real process, spoken to over plain sockets; and
its framing, byte for byte."""

import os
import select
import signal
import socket
import stat
import subprocess
import sys
import time

import pytest

from peers import HELPERS, missingPeer
from testbed.oracle import FORTUNES, WIRES, encode
from testbed.processes import fetch, socketPath, uniqueName, waitUntilServing
from testbed.programs import REPO, script

TEXTS = ["You might have mail.", "", "a", "\U0001F600\u6f22", "\x00\x00\x00", "z" * 2000,
         # PyQt5 drops a leading U+FEFF from a text with a character outside the BMP.
         "\ufeff\U0001F600", "\ufeff\ufeff\U0001F600", "\ufeff" * 3 + "x\U0001F600\ufeff",
         "\ufeff", "\ufeffa", "a\ufeff\U0001F600", "\U0001F600\ufeff", "\ufffe\U0001F600"]


def decodeAs(reply, wire):
    """The fortune whose exact bytes in `wire` are `reply`, else None."""
    for fortune in FORTUNES:
        if encode(fortune, wire) == reply:
            return fortune
    return None


@pytest.mark.parametrize("wire", WIRES)
def test_frame_matches_the_cpp_bytes(qtbot, serverWindow, privateTmp, wire):
    name = uniqueName("fortune")
    server = serverWindow(name, wire)
    path = socketPath(name, privateTmp)
    for text in TEXTS:
        server.fortunes = [text]
        assert fetchServed(qtbot, path) == encode(text, wire), repr(text)


def test_a_leading_bom_beside_an_emoji_is_framed_whole(qtbot, serverWindow, privateTmp):
    from qtipc.fortune_wire import FORTUNE, FortuneReply, frameAsQt5_10

    name = uniqueName("fortune")
    server = serverWindow(name)
    server.fortunes = ["\ufeff\U0001F600"]
    assert fetchServed(qtbot, socketPath(name, privateTmp)).hex() == "000a00000006feffd83dde00"
    reply = FortuneReply()
    reply.feed(bytes(frameAsQt5_10("\ufeff\U0001F600")))
    reply.serverClosed()
    assert (reply.state, reply.layout) == (FORTUNE, "qt5.10")
    assert bytes(reply.data) == encode("\ufeff\U0001F600", "qt5.10")


def test_every_layout_has_a_framing():
    from fortune_server import FRAMED_AS_BY
    from qtipc.fortune_wire import LATER_FRAMINGS, LAYOUTS, QT4

    assert list(FRAMED_AS_BY) == list(LAYOUTS) == list(WIRES)
    assert set(LATER_FRAMINGS) == set(LAYOUTS) - {QT4}


def test_qt4_refuses_what_its_quint16_cannot_count(qapp, serverWindow):
    server = serverWindow(uniqueName("fortune"))
    server.fortunes = ["x" * 40000]
    with pytest.raises(OverflowError):
        server.sendFortune()


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


# docs/wire-formats.md: "You might have mail." (20 characters) in each
# layout: how its reply starts, and how long it is.
DOCUMENTED_MAIL = {
    "qt4": ("002c00000028", 46),
    "qt5.6": ("0000002c00000028", 48),
    "qt5.10": ("0000001400000028", 48),
    "qt6.7": ("00000028", 44),
}


@pytest.mark.parametrize("wire", WIRES)
def test_mail_fortune_has_the_documented_bytes(fortuneServer, wire):
    mail = "You might have mail.".encode("utf-16-be")
    _, path = fortuneServer("--wire", wire)
    for _ in range(300):
        reply = fetch(path)
        if reply.endswith(mail):
            start, size = DOCUMENTED_MAIL[wire]
            assert (reply[:len(start) // 2].hex(), len(reply)) == (start, size)
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


def test_status_label_shows_the_full_socket_path(qtbot, serverWindow, privateTmp):
    from PyQt5 import sip

    name = uniqueName("fortune")
    server = serverWindow(name, "qt5.10")
    assert server.isListening()
    path = socketPath(name, privateTmp)
    assert path in server.statusLabel.text()
    assert server.statusLabel.text().startswith("The server is running")
    assert "Fortunes are framed as by Qt 5.10 to 6.6 servers (--wire qt5.10)." \
        in server.statusLabel.text()
    assert decodeAs(fetchServed(qtbot, path), "qt5.10") is not None
    sip.delete(server)
    assert not os.path.exists(path)


def test_window_laid_out_as_the_cpp_one(qtbot, serverWindow):
    # Quit keeps its natural width between two stretching spacers, and no
    # line of the label wraps (no word left alone on a line).
    server = serverWindow(uniqueName("fortune"))
    server.show()
    qtbot.waitExposed(server)
    assert "(--wire qt4)" in server.statusLabel.text()
    assert "need --wire qt5.10;\n" in server.statusLabel.text()
    assert server.quitButton.width() == server.quitButton.sizeHint().width()
    assert abs(server.quitButton.geometry().center().x() - server.rect().center().x()) <= 1
    metrics = server.statusLabel.fontMetrics()
    lines = server.statusLabel.text().split("\n")
    assert server.statusLabel.height() >= metrics.lineSpacing() * len(lines)
    assert server.statusLabel.width() >= max(metrics.horizontalAdvance(line) for line in lines)


def test_window_names_both_modern_wires_and_keeps_its_size(serverWindow):
    server = serverWindow(uniqueName("fortune"))
    lines = server.statusLabel.text().split("\n")
    assert lines[-2:] == ["Qt 5.10 to 6.6 clients (Debian's) need --wire qt5.10;",
                          "Qt 6.7 and later clients (Qt Creator's) need --wire qt6.7."]
    # As many lines as when it named one value, and no wider than the
    # line above them.
    assert len(lines) == 6
    framing = "Fortunes are framed as by the blog's Qt 4 server (--wire qt4)."
    assert lines[-3] == framing
    metrics = server.statusLabel.fontMetrics()
    assert max(metrics.horizontalAdvance(line) for line in lines[-2:]) \
        <= metrics.horizontalAdvance(framing)


def fetchServed(qtbot, path):
    """fetch() from a server in this very process: its event loop must run
    while the bare client waits, so the read happens in a thread."""
    import threading

    result = {}
    reader = threading.Thread(target=lambda: result.setdefault("reply", fetch(path)))
    reader.start()
    qtbot.waitUntil(lambda: not reader.is_alive(), timeout=20000)
    return result["reply"]


def waitForStderr(process, text, timeout=60):
    """The server's stderr up to `text` (read as it comes; fails if the
    server closes stderr or stays silent for `timeout` seconds). Read from
    the descriptor itself: a buffered readline() could keep a second line
    that came with the first where select() no longer sees it."""
    seen = b""
    deadline = time.monotonic() + timeout
    descriptor = process.stderr.fileno()
    while text.encode() not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "no {!r} on stderr; got {!r}".format(text, seen)
        ready, _, _ = select.select([descriptor], [], [], remaining)
        chunk = os.read(descriptor, 65536) if ready else b""
        assert chunk or not ready, "stderr closed before {!r}: {!r}".format(text, seen)
        seen += chunk
    return seen.decode()


def lowestFreeDescriptor(pid):
    used = {int(fd) for fd in os.listdir("/proc/{}/fd".format(pid))}
    return next(fd for fd in range(len(used) + 1) if fd not in used)


@pytest.fixture
def descriptorLimit():
    """Sets a running process's soft limit on open files (prlimit(2), as
    `prlimit --pid PID --nofile=N:` does), and restores it."""
    resource = pytest.importorskip("resource")
    if not hasattr(resource, "prlimit") or not os.path.isdir("/proc/self/fd"):
        missingPeer("needs prlimit(2) and /proc (Linux)")
    changed = []

    def limit(pid, soft=None):
        original = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        if not changed or changed[-1][0] != pid:
            changed.append((pid, original))
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft or original[0], original[1]))

    def restore(pid):
        for changedPid, original in changed:
            if changedPid == pid:
                resource.prlimit(pid, resource.RLIMIT_NOFILE, original)

    limit.restore = restore
    yield limit
    for pid, original in changed:
        try:
            resource.prlimit(pid, resource.RLIMIT_NOFILE, original)
        except ProcessLookupError:
            pass


def connectMany(path, count=20):
    """Connects `count` clients; out of descriptors, the server may fail them."""
    for _ in range(count):
        try:
            fetch(path, timeout=5)
        except OSError:
            pass


def test_out_of_descriptors_the_server_listens_again(fortuneServer, descriptorLimit):
    process, path = fortuneServer("--wire", "qt5.10")
    descriptorLimit(process.pid, lowestFreeDescriptor(process.pid))
    connectMany(path)  # accept() fails: Qt closes the listener, removes the socket
    descriptorLimit.restore(process.pid)

    said = waitForStderr(process, "listening again on " + path)
    assert "stopped listening on {} (".format(path) in said
    assert "Too many open files" in said
    waitUntilServing(path, process)
    for _ in range(10):
        assert decodeAs(fetch(path), "qt5.10") is not None
    # The fixture checks that it still quits cleanly and removes its socket.


def test_out_of_descriptors_with_the_name_taken_meanwhile_it_quits(
        fortuneServer, descriptorLimit):
    name = uniqueName("fortune")
    first, path = fortuneServer(name=name)
    # With no descriptor below the limit, not even listening again can work.
    descriptorLimit(first.pid, 3)
    connectMany(path, 1)
    deadline = time.monotonic() + 30
    while os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.001)
    assert not os.path.exists(path), "accept() did not fail"
    # Stopped, most likely before it has seen that it stopped listening:
    # the name is taken before it tries again.
    first.send_signal(signal.SIGSTOP)
    try:
        second, _ = fortuneServer("--wire", "qt6.7", name=name)
        descriptorLimit.restore(first.pid)
    finally:
        first.send_signal(signal.SIGCONT)
    assert first.wait(timeout=60) == 1
    said = first.stderr.read().decode()
    assert "Unable to listen again: another server is already listening on " + path in said

    # The first left the second's socket alone, even as it exited.
    assert decodeAs(fetch(path), "qt6.7") is not None
    assert second.poll() is None


def test_a_name_too_long_for_a_socket_is_refused_with_the_limit(processes, privateTmp):
    name = "n" * 200
    path = socketPath(name, privateTmp)
    process = processes.startScript("fortune_server.py", "--name", name,
                                    env={"TMPDIR": privateTmp})
    assert process.wait(timeout=60) == 1
    said = process.stderr.read().decode()
    assert "Unable to start the server: the socket path {} is {} bytes long, and this " \
           "system allows at most 107.".format(path, len(path)) in said
    assert not os.path.exists(path)


def test_sighup_quits_cleanly(fortuneServer):
    process, path = fortuneServer()
    process.send_signal(signal.SIGHUP)
    assert process.wait(timeout=30) == 0
    assert not os.path.exists(path)


def windowsLike(*args):
    """fortune_server.py started as on Windows: fcntl and ctypes cannot be
    imported, and socket has no AF_UNIX."""
    return [sys.executable, os.path.join(HELPERS, "without_unix.py"),
            script("fortune_server.py")] + list(args)


def test_without_unix_modules_it_serves_refuses_and_clears(fortuneServer, processes,
                                                           privateTmp):
    name = uniqueName("fortune")
    crashed, path = fortuneServer("--wire", "qt5.6", name=name, command=windowsLike())
    assert decodeAs(fetch(path), "qt5.6") is not None

    second = processes.start(windowsLike("--name", name), env={"TMPDIR": privateTmp})
    assert second.wait(timeout=60) == 1
    assert b"already listening" in second.stderr.read()

    crashed.kill()
    crashed.wait()
    successor, _ = fortuneServer("--wire", "qt4", name=name, command=windowsLike())
    assert decodeAs(fetch(path), "qt4") is not None


def test_start_up_imports_only_what_listening_needs():
    code = ("import sys, fortune_server\n"
            "print(' '.join(m for m in ('socket', 'fcntl', 'ctypes', 'stat',"
            " 'PyQt5.uic') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["stat"]  # os imports stat itself


def test_help_says_the_framing_and_what_qt_5_10_and_6_7_clients_need():
    result = subprocess.run([sys.executable, script("fortune_server.py"), "--help"],
                            capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, DISPLAY="", QT_QPA_PLATFORM=""))
    assert result.returncode == 0
    help = " ".join(result.stdout.split())
    assert "Default: qt4" in help
    assert ("A Qt 5.10 to 6.6 C++ client, such as Debian's, needs qt5.10; a Qt 6.7 or later "
            "one, such as Qt Creator's, needs qt6.7.") in help


def test_served_sockets_are_freed(qtbot, serverWindow, privateTmp):
    from PyQt5.QtNetwork import QLocalSocket

    name = uniqueName("fortune")
    server = serverWindow(name)
    path = socketPath(name, privateTmp)
    for _ in range(5):
        assert decodeAs(fetchServed(qtbot, path), "qt4") is not None
    qtbot.waitUntil(lambda: not server.server.findChildren(QLocalSocket))
