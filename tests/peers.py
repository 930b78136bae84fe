"""The real peers a test needs beside the program it tests: Debian's C++
examples, the helper programs of tests/helpers/, and what a test does when
a peer is missing."""

import os

import pytest

from testbed.programs import cxxPath

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers")


def missingPeer(reason):
    """Skips a test whose real peer is missing, with the reason; under CI,
    which installs every peer, fails it instead."""
    if os.environ.get("CI"):
        pytest.fail(reason + "; CI must install it")
    pytest.skip(reason)


def cxxExample(name):
    """Path of a C++ example binary from Debian's qtbase5-examples; see
    missingPeer() for when it is absent."""
    path = cxxPath(name)
    if not os.access(path, os.X_OK):
        missingPeer("C++ peer {} not installed (apt-get install qtbase5-examples)".format(path))
    return path


def fortunesShown(qtbot, serverName, count):
    """What the Python client's window shows after each of `count` clicks
    of "Get Fortune" against `serverName`."""
    from fortune_client import Client
    client = Client(serverName)
    qtbot.addWidget(client)
    shown = []
    for _ in range(count):
        client.requestNewFortune()
        qtbot.waitUntil(client.getFortuneButton.isEnabled, timeout=20000)
        shown.append(client.statusLabel.text())
    return shown
