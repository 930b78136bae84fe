"""LocalServer: the QLocalServer of fortune_server.py, with what the C++
examples leave to chance under names that say what they do, in qtipc.errors'
shape (the `notice` signal says what happened, for the program to say):

- `listenSafely(name)`: listen(name), except that it clears a crashed
  server's socket, never takes over a live one, makes the socket or pipe
  reachable by the current user only, lets servers starting at once take
  turns, and says why a name cannot be a socket at all.
- `keepListening(name)`: listens again when Qt has stopped listening on its
  own (accept() out of file descriptors); `listeningLost` when it cannot.

Only Qt and the portable parts of Python's library are used: the same code
runs where QLocalServer uses Unix sockets and where it uses Windows' named
pipes (which leave no file behind, so there is nothing to clear there).
"""

import os
import re
import stat
import sys

from PyQt5 import sip
from PyQt5.QtCore import QDir, QElapsedTimer, QFile, QLockFile, QTimer, pyqtSignal
from PyQt5.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from qtipc import arg
from qtipc.errors import ErrorString

USES_SOCKET_FILES = os.name != "nt"  # QLocalServer: Unix sockets; Windows: named pipes

# The longest socket path, in bytes with its terminating NUL (the size of
# sockaddr_un.sun_path): 108 on Linux, 104 on macOS and the BSDs.
SOCKET_PATH_LIMIT = 108 if sys.platform.startswith("linux") else 104

# How long a starting server waits for another one to finish starting on
# the same name, and for a probe of a socket to be answered.
START_LOCK_TIMEOUT_MS = 10000
PROBE_TIMEOUT_MS = 2000

# keepListening(): how often it checks, the longest pause between attempts,
# and how long listening may keep failing before the server gives up.
CHECK_INTERVAL_MS = 1000
LONGEST_PAUSE_MS = 8000
GIVE_UP_AFTER_MS = 30000


def fullServerName(name):
    """Where QLocalServer will listen for `name`: the socket's path (under
    the temporary directory unless absolute), or the pipe's name."""
    if not USES_SOCKET_FILES:
        return name if name.startswith("\\\\.\\pipe\\") else "\\\\.\\pipe\\" + name
    if name.startswith("/"):
        return name
    return QDir.cleanPath(QDir.tempPath()) + "/" + name


def describe(qtError):
    """Qt's socket error text, with "Unknown error 24" said in words."""
    return re.sub(r"Unknown error (\d+)", lambda match: os.strerror(int(match.group(1))),
                  qtError)


class LocalServer(ErrorString, QLocalServer):
    # What happened while it keeps listening, for the program to say.
    notice = pyqtSignal(str)
    # It stopped listening for good (the reason): the program should end.
    listeningLost = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._nameTaken = False  # waiting will not help: the name is somebody else's

    def errorString(self):
        """Why the last listenSafely() failed: this class's reason, else Qt's
        (described in words)."""
        return self._errorString or describe(QLocalServer.errorString(self))

    def _failTaken(self, message):
        """_fail() for a name somebody else has."""
        self._nameTaken = True
        return self._fail(message)

    def listenSafely(self, name):
        """listen(name), made safe; False when it does not listen.

        - A socket file nobody accepts on (a crashed server's) is removed.
        - A name somebody serves is never taken over; with Windows' pipes,
          where Qt would let two servers share a name, it is refused too.
        - The socket or pipe is reachable by the current user only.
        - Servers starting at once on a leftover take turns, holding a lock
          file beside the socket from the check to the listen."""
        self._clearError()
        self._nameTaken = False
        path = fullServerName(name)
        if USES_SOCKET_FILES and len(QFile.encodeName(path)) + 1 > SOCKET_PATH_LIMIT:
            return self._fail(arg(self.tr("the socket path %1 is %2 bytes long, and this system "
                                         "allows at most %3"),
                                 path, len(QFile.encodeName(path)), SOCKET_PATH_LIMIT - 1))
        if USES_SOCKET_FILES and not os.path.lexists(path):
            # Nothing to clear: bind() itself lets only one server have it.
            self.close()
            return self._listenForUserOnly(name)
        lockFile = QLockFile(startLockPath(path))
        if not lockFile.tryLock(START_LOCK_TIMEOUT_MS) \
                and lockFile.error() == QLockFile.LockFailedError:
            return self._fail(arg(self.tr("another server is starting on %1"), path))
        # Any other lock error (a directory we may not write to, or no file
        # descriptor to spare): go on unlocked, and let listen() say what is wrong.
        try:
            if not self._clearLeftover(name, path):
                return False
            # A server Qt stopped (see keepListening) still holds the name, and
            # close() removes whatever is at its path: nobody's, as just checked.
            self.close()
            return self._listenForUserOnly(name)
        finally:
            lockFile.unlock()

    def _clearLeftover(self, name, path):
        """Removes a socket file that nobody accepts on; False when the name
        is somebody else's."""
        if USES_SOCKET_FILES:
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                return True  # none there; or listen() will say what is wrong
            if not stat.S_ISSOCK(mode):
                return self._failTaken(arg(self.tr("%1 exists and is not a socket"), path))
        probe = QLocalSocket()
        probe.connectToServer(name)
        if probe.waitForConnected(PROBE_TIMEOUT_MS):
            probe.abort()
            return self._failTaken(arg(self.tr("another server is already listening on %1"),
                                       path))
        if probe.error() not in (QLocalSocket.ServerNotFoundError,
                                 QLocalSocket.ConnectionRefusedError):
            # Busy (a full backlog), or not ours to use: somebody holds it.
            return self._failTaken(arg(self.tr("another server is already listening on %1 "
                                               "(%2)"), path, describe(probe.errorString())))
        if USES_SOCKET_FILES:
            QLocalServer.removeServer(name)  # nobody accepts on it: a leftover
        return True

    def _listenForUserOnly(self, name):
        if USES_SOCKET_FILES:
            # Not UserAccessOption: on Unix it binds under another name and
            # renames the socket over `name`, taking over a live server's.
            oldUmask = os.umask(0o077)
        else:
            # A pipe has no file for a umask to restrict, and its default
            # security lets other users connect: a DACL for this user only.
            self.setSocketOptions(QLocalServer.UserAccessOption)
        try:
            listening = self.listen(name)
        finally:
            if USES_SOCKET_FILES:
                os.umask(oldUmask)
        if listening:
            return True
        if self.serverError() == QAbstractSocket.AddressInUseError:
            return self._failTaken(arg(self.tr("another server is already listening on %1"),
                                       fullServerName(name)))
        return self._fail(describe(QLocalServer.errorString(self)))

    def keepListening(self, name):
        """Keeps listening on `name` for as long as the server runs.

        When accept() fails (the process is out of file descriptors), Qt's
        QLocalServer on Unix closes its listener and removes the socket, and
        says nothing: isListening() stays true, and only errorString()
        changes. So this checks once a second; when it has stopped, it says
        so through `notice` and listens again, pausing longer each time it
        has to, until descriptors are free. If the name has been taken
        meanwhile, or listening fails for GIVE_UP_AFTER_MS, it emits
        `listeningLost`: never a live server without a socket."""
        self._name = name
        self._quietError = QLocalServer.errorString(self)  # what listen() left (it clears nothing)
        self._failing = QElapsedTimer()
        self._outages = 0  # in a row: a server that stops again at once waits longer
        self._checkTimer = QTimer(self)
        self._checkTimer.timeout.connect(self._checkListening)
        self._checkTimer.start(CHECK_INTERVAL_MS)

    def _checkListening(self):
        timer, path = self._checkTimer, fullServerName(self._name)
        if self.isListening() and QLocalServer.errorString(self) == self._quietError:
            self._outages = 0
            timer.setInterval(CHECK_INTERVAL_MS)
            return
        if not self._failing.isValid():
            self.notice.emit(arg(self.tr("The server stopped listening on %1 (%2). Listening "
                                         "again."), path, describe(QLocalServer.errorString(self))))
            self._failing.start()
        if self.listenSafely(self._name):
            self.notice.emit(arg(self.tr("The server is listening again on %1."), path))
            self._quietError = QLocalServer.errorString(self)
            self._failing.invalidate()
            self._outages += 1
            timer.setInterval(min(CHECK_INTERVAL_MS << self._outages, LONGEST_PAUSE_MS))
        elif self._nameTaken or self._failing.elapsed() > GIVE_UP_AFTER_MS:
            timer.stop()
            if self._nameTaken:
                self._abandon()
            self.listeningLost.emit(arg(self.tr("Unable to listen again: %1. Quitting."),
                                        self.errorString()))
        else:
            timer.setInterval(min(2 * timer.interval(), LONGEST_PAUSE_MS))

    def _abandon(self):
        """Never destroys this server: QLocalServer's destructor removes the
        file at the path it listened on, which is another server's socket
        now."""
        self.setParent(None)
        sip.transferto(self, None)


def startLockPath(path):
    if USES_SOCKET_FILES:
        return path + ".lock"
    return QDir.temp().absoluteFilePath(path.replace("\\", "_") + ".lock")
