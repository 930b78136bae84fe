"""Waits that keep the event loop running, for qtipc's shared-memory
classes: windows repaint and termination signals are handled while a step
waits for a lock or for readers, and a program told to quit stops waiting.
Every wait for a lock is bounded by LOCK_WAIT_MS."""

import time

from PyQt5.QtCore import QCoreApplication, QEventLoop, QTimer

# The longest a step waits for a lock that its holder does not release
# (docs/shared-memory.md, "Waiting for the lock").
LOCK_WAIT_MS = 10000

# Between two looks at what a wait waits for.
POLL_MS = 10


class _Quitting:
    """Whether the application has been told to quit during a wait."""
    seen = False


def waitWithEvents(ms):
    """Waits `ms` milliseconds with the event loop running, so that windows
    repaint and termination signals are handled (not user input, which could
    start another write meanwhile). False, at once, once the application has
    been told to quit (its quit() ends this wait early too)."""
    if _Quitting.seen:
        return False
    if QCoreApplication.instance() is None:  # no event loop to run
        time.sleep(ms / 1000)
        return True
    loop = QEventLoop()
    timer = QTimer(singleShot=True)
    timer.timeout.connect(lambda: loop.exit(1))
    timer.start(ms)
    _Quitting.seen = loop.exec_(QEventLoop.ExcludeUserInputEvents) != 1
    return not _Quitting.seen


def stopWaiting():
    """Makes every later waitWithEvents() return False at once."""
    _Quitting.seen = True
