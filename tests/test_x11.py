"""Under a real X server (Xvfb): the xcb platform takes -name/--name for
itself, and the programs' --name option must still work."""

import os
import shutil

import pytest

from conftest import missingPeer, uniqueName
from fortunes import fetch, socketPath, waitUntilServing


@pytest.fixture
def xDisplay(processes):
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        missingPeer("Xvfb not installed (apt-get install xvfb)")
    read, write = os.pipe()
    server = processes.start([xvfb, "-displayfd", str(write), "-screen", "0", "640x480x24",
                              "-nolisten", "tcp"], pass_fds=(write,))
    os.close(write)
    with os.fdopen(read) as displayNumber:
        display = ":" + displayNumber.readline().strip()
    assert display != ":", "Xvfb did not start: {}".format(server.poll())
    return {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}


def test_name_option_survives_the_xcb_platform(xDisplay, processes, privateTmp):
    name = uniqueName("fortune")
    server = processes.startScript("fortune_server.py", "--name", name,
                                   env=dict(xDisplay, TMPDIR=privateTmp))
    path = socketPath(name, privateTmp)
    waitUntilServing(path, server)
    assert fetch(path)
    processes.stopAll()
    assert server.returncode == 0
    assert not os.path.exists(path)
