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
def messageBoxes(qapp):
    """Answers every modal message box the code under test opens, as a user
    would by pressing its button, and records what each one said."""
    from PyQt5.QtCore import QTimer
    from PyQt5.QtWidgets import QApplication, QMessageBox

    seen = []

    def answer():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                widget.done(QMessageBox.Ok)

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(10)
    yield seen
    timer.stop()


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
