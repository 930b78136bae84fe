"""What the four programs share, each fact in one place: where their Designer
forms live, their default names, and how a program reports a failure and
quits when there may be nobody to read a dialog."""

import os
import signal
import socket
import sys

from PyQt5.QtCore import QCoreApplication, QSocketNotifier, QTimer
from PyQt5.QtGui import QGuiApplication

FORMS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "forms")

DEFAULT_SERVER_NAME = "fortune"
DEFAULT_SHARED_MEMORY_KEY = "processAstr"

# Platforms on which a modal dialog can never be answered.
_HEADLESS_PLATFORMS = ("offscreen", "minimal")


def loadForm(fileName, widget):
    """Builds `widget` from the Designer form `fileName` in FORMS_DIR."""
    # Imported here: uic takes a tenth of a server's start-up, and the
    # server listens before it builds its window.
    from PyQt5 import uic

    return uic.loadUi(os.path.join(FORMS_DIR, fileName), widget)


def canShowDialogs():
    """False where a modal dialog would wait for a click that cannot come."""
    return QGuiApplication.platformName() not in _HEADLESS_PLATFORMS


def arg(text, *values):
    """QString::arg for translated strings: replaces %1, %2, ... in order."""
    for number in range(len(values), 0, -1):
        text = text.replace("%{}".format(number), str(values[number - 1]))
    return text


def quitOnTerminationSignals(app):
    """Makes SIGINT and SIGTERM quit the event loop, so that the programs
    clean up (socket file, shared-memory segment) as when their window is
    closed. Python runs signal handlers only between bytecodes, and the Qt
    event loop is C++, so the signal is relayed through a socket pair."""
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    signal.set_wakeup_fd(sender.fileno())
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Read, app)

    def drain():
        try:
            receiver.recv(64)
        except OSError:
            pass

    notifier.activated.connect(drain)
    # Through a zero timer, so that a signal that comes before the event
    # loop runs still quits it once it does (quit() alone would be lost).
    for signalNumber in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signalNumber, lambda *_: QTimer.singleShot(0, QCoreApplication.quit))
    # Keep the pair alive as long as the application.
    app._terminationSignalSockets = (receiver, sender, notifier)


def parseCommandLine(parser, app):
    """QCommandLineParser.process(), minding Qt's own options.

    Qt takes its options (-platform, -style, and on X11 also -name, which it
    accepts as --name too) out of QCoreApplication.arguments() before the
    program sees them; --name must still reach us. So the values are read
    from sys.argv as given, where Qt's options are unknown and ignored,
    while only what Qt left over may hold a misspelt option."""
    helpOption = parser.addHelpOption()
    if not parser.parse(app.arguments()):
        printError(parser.errorText())
        sys.exit(2)
    parser.parse(sys.argv)
    if parser.isSet(helpOption) or parser.isSet("help-all"):
        parser.showHelp(0)


def printError(text):
    print(text, file=sys.stderr, flush=True)
