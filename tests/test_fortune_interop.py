"""Interop with the real C++ Local Fortune server from Debian's
qtbase5-examples (Qt 5.15; it sends the qt5.10 layout)."""

import os

import pytest

from peers import cxxExample, fortunesShown
from testbed.oracle import FORTUNES, encode
from testbed.processes import fetch, waitUntilServing


@pytest.fixture
def cxxServer(processes, privateTmp):
    # It always listens on "fortune": a private TMPDIR keeps it from
    # colliding with anything else.
    binary = cxxExample("localfortuneserver")
    process = processes.start([binary], env={"TMPDIR": privateTmp})
    path = os.path.join(privateTmp, "fortune")
    waitUntilServing(path, process)
    yield path
    processes.stopAll()
    # The C++ server has no handler for SIGTERM and leaves its socket.
    if os.path.exists(path):
        os.remove(path)


def test_cxx_server_sends_the_qt5_10_layout(cxxServer):
    replies = {fetch(cxxServer) for _ in range(50)}
    expected = {encode(fortune, "qt5.10") for fortune in FORTUNES}
    assert replies <= expected
    assert len(replies) > 1


def test_python_client_reads_the_cxx_server(qtbot, cxxServer, messageBoxes):
    shown = fortunesShown(qtbot, cxxServer, 10)
    assert set(shown) <= set(FORTUNES)
    assert all(a != b for a, b in zip(shown, shown[1:]))
    assert messageBoxes == []
