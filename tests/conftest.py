"""Test configuration shared by every test: headless Qt, unique names, and
processes that are always cleaned up."""

import os
import sys

# Headless for this process and for every program a test starts, with a
# runtime directory of its own (Qt warns, and makes one in TMPDIR, without).
os.environ["QT_QPA_PLATFORM"] = "offscreen"
if not os.environ.get("XDG_RUNTIME_DIR"):
    import atexit
    import shutil
    import tempfile

    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="qtipc-runtime-")
    atexit.register(shutil.rmtree, os.environ["XDG_RUNTIME_DIR"], True)

import pytest  # noqa: E402

# The helpers tests and benchmarks share (harness.py, at the top of the
# checkout, on sys.path through setup.cfg's pythonpath). Re-exported here
# until every test module imports them from harness.
from harness import (CXX_EXAMPLES, REPO, Processes, cxxExample, missingPeer,  # noqa: E402,F401
                     script, socketPath, uniqueName, waitUntilServing)


@pytest.fixture
def processes():
    with Processes() as tracker:
        yield tracker


@pytest.fixture
def messageBoxes(monkeypatch):
    """Records the text of every message box the code under test opens
    through QMessageBox's static functions and answers it with OK at once,
    as pytest-qt's documentation advises ("A note about Modal Dialogs"):
    the call is monkeypatched, so no modal dialog opens and nothing waits
    for one. Tests of real windows run under Xvfb instead (test_x11.py)."""
    from PyQt5.QtWidgets import QMessageBox

    seen = []

    def answer(parent, title, text, *args, **kwargs):
        seen.append(text)
        return QMessageBox.Ok

    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, answer)
    return seen


@pytest.fixture
def privateTmp():
    """A short private directory to use as TMPDIR (socket paths must stay
    under 108 bytes). The test must leave it empty: no socket file behind."""
    import shutil
    import tempfile

    path = tempfile.mkdtemp(prefix="qtipc-")
    yield path
    leftovers = os.listdir(path)
    shutil.rmtree(path, ignore_errors=True)
    assert not leftovers, "left behind in TMPDIR: {}".format(leftovers)


@pytest.fixture
def fortuneServer(processes, privateTmp):
    """Starts fortune_server.py as a process under a private TMPDIR and waits
    until it serves; stops it at the end and checks its socket is gone."""
    started = []

    def start(*args, name=None, command=None, env=None, **kwargs):
        """`command` replaces `python fortune_server.py` (an installed
        entry point, say); `env` adds to the environment."""
        name = name or uniqueName("fortune")
        command = command or [sys.executable, script("fortune_server.py")]
        process = processes.start(command + ["--name", name] + list(args),
                                  env=dict(env or {}, TMPDIR=privateTmp), **kwargs)
        path = socketPath(name, privateTmp)
        waitUntilServing(path, process)
        started.append((process, path))
        return process, path

    yield start
    running = [(process, path) for process, path in started if process.poll() is None]
    processes.stopAll()
    for process, path in running:
        assert process.returncode == 0, "server did not quit cleanly on SIGTERM"
        assert not os.path.exists(path), "socket file left behind: " + path
