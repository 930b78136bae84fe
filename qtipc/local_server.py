"""What the C++ QLocalServer examples leave to chance, under names that say
what they do, for fortune_server.py to call in one line each:

- `listenSafely(server, name)`: QLocalServer.listen(name), except that it
  clears a crashed server's socket, never takes over a live one, makes the
  socket reachable by the current user only, lets servers starting at once
  take turns, and says why a name cannot be a socket at all.
- `keepListening(server, name)`: listens again when Qt has stopped
  listening on its own (accept() out of file descriptors).
- `deleteWhenDisconnected(connection)`: the blog's disconnected -> deleteLater,
  without the wait where the socket is already disconnected.

Only Qt and the portable parts of Python's library are used: the same code
runs where QLocalServer uses Unix sockets and where it uses Windows' named
pipes (which leave no file behind, so there is nothing to clear there).
"""

import os
import stat
import sys

from PyQt5 import sip
from PyQt5.QtCore import QCoreApplication, QDir, QElapsedTimer, QFile, QLockFile, QTimer
from PyQt5.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from qtipc import arg
from qtipc.program import EXIT_FAILURE, printError

USES_SOCKET_FILES = os.name != "nt"  # QLocalServer: Unix sockets; Windows: named pipes
WINDOWS = os.name == "nt"

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


# Its messages are the Server's (translation context "Server").
translate = QCoreApplication.translate


class NameTaken(str):
    """What listenSafely() says when waiting will not help: the name is
    somebody else's."""


def fullServerName(name):
    """Where QLocalServer will listen for `name`: the socket's path (under
    the temporary directory unless absolute), or the pipe's name."""
    if not USES_SOCKET_FILES:
        return name if name.startswith("\\\\.\\pipe\\") else "\\\\.\\pipe\\" + name
    if name.startswith("/"):
        return name
    return QDir.cleanPath(QDir.tempPath()) + "/" + name


def listenSafely(server, name):
    """server.listen(name), made safe. Returns None once it listens, else a
    sentence saying why it does not (for "Unable to start the server: %1.").

    - A socket file nobody accepts on (a crashed server's) is removed.
    - A name somebody serves is never taken over; with Windows' pipes,
      where Qt would let two servers share a name, it is refused too.
    - The socket is reachable by the current user only.
    - Servers starting at once on a leftover take turns, holding a lock
      file beside the socket from the check to the listen."""
    path = fullServerName(name)
    if USES_SOCKET_FILES and len(QFile.encodeName(path)) + 1 > SOCKET_PATH_LIMIT:
        return arg(translate("Server", "the socket path %1 is %2 bytes long, and this "
                                       "system allows at most %3"),
                   path, len(QFile.encodeName(path)), SOCKET_PATH_LIMIT - 1)
    if USES_SOCKET_FILES and not os.path.lexists(path):
        # Nothing to clear: bind() itself lets only one server have it.
        server.close()
        return listenForUserOnly(server, name)
    lockFile = QLockFile(startLockPath(path))
    if not lockFile.tryLock(START_LOCK_TIMEOUT_MS) \
            and lockFile.error() == QLockFile.LockFailedError:
        return arg(translate("Server", "another server is starting on %1"), path)
    # Any other lock error (a directory we may not write to, or no file
    # descriptor to spare): go on unlocked, and let listen() say what is wrong.
    try:
        problem = clearLeftover(name, path)
        if problem:
            return problem
        # A server Qt stopped (see keepListening) still holds the name, and
        # close() removes whatever is at its path: nobody's, as just checked.
        server.close()
        return listenForUserOnly(server, name)
    finally:
        lockFile.unlock()


def startLockPath(path):
    if USES_SOCKET_FILES:
        return path + ".lock"
    return QDir.temp().absoluteFilePath(path.replace("\\", "_") + ".lock")


def clearLeftover(name, path):
    """Removes a socket file that nobody accepts on. Returns why the name
    cannot be listened on, or None."""
    if USES_SOCKET_FILES:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return None  # none there; or listen() will say what is wrong
        if not stat.S_ISSOCK(mode):
            return NameTaken(arg(translate("Server", "%1 exists and is not a socket"), path))
    probe = QLocalSocket()
    probe.connectToServer(name)
    if probe.waitForConnected(PROBE_TIMEOUT_MS):
        probe.abort()
        return NameTaken(arg(translate("Server", "another server is already listening on %1"),
                             path))
    if probe.error() not in (QLocalSocket.ServerNotFoundError,
                             QLocalSocket.ConnectionRefusedError):
        # Busy (a full backlog), or not ours to use: somebody holds it.
        return NameTaken(arg(translate("Server", "another server is already listening on %1 (%2)"),
                             path, describe(probe.errorString())))
    if USES_SOCKET_FILES:
        QLocalServer.removeServer(name)  # nobody accepts on it: a leftover
    return None


def listenForUserOnly(server, name):
    # Not QLocalServer.UserAccessOption: on Unix it binds under another name
    # and renames the socket over `name`, taking over a live server's.
    pipeForUserOnly(server)  # Windows' named pipes ignore the umask
    oldUmask = os.umask(0o077)
    try:
        listening = server.listen(name)
    finally:
        os.umask(oldUmask)
    if listening:
        return None
    if server.serverError() == QAbstractSocket.AddressInUseError:
        return NameTaken(arg(translate("Server", "another server is already listening on %1"),
                             fullServerName(name)))
    return describe(server.errorString())


def pipeForUserOnly(server):
    """On Windows, gives the named pipe a DACL that admits the current user
    only: QLocalServer.UserAccessOption (Qt's qlocalserver_win.cpp builds
    it from the process token's user). A pipe has no file for a umask to
    restrict, and its default security lets other users connect. On Unix,
    nothing: there the option binds under another name and renames the
    socket over the name, taking over a live server's, so listenForUserOnly
    restricts the socket file with the umask instead."""
    if WINDOWS:
        server.setSocketOptions(QLocalServer.UserAccessOption)


def describe(qtError):
    """Qt's socket error text, with "Unknown error 24" said in words."""
    import re
    return re.sub(r"Unknown error (\d+)", lambda match: os.strerror(int(match.group(1))),
                  qtError)


def keepListening(server, name):
    """Keeps `server` listening on `name` for as long as it runs.

    When accept() fails (the process is out of file descriptors), Qt's
    QLocalServer on Unix closes its listener and removes the socket, and
    says nothing: isListening() stays true, and only errorString() changes
    (no other error is set while it listens). So this checks once a second;
    when it has stopped, it says so on stderr and listens again, pausing
    longer each time it has to, until descriptors are free. If the name has
    been taken meanwhile, or listening fails for GIVE_UP_AFTER_MS, it says
    so and quits the application with EXIT_FAILURE (for a supervisor to
    restart it): never a live server without a socket."""
    path = fullServerName(name)
    quietError = [server.errorString()]  # what listen() left (it clears nothing)
    timer = QTimer(server)
    failing = QElapsedTimer()
    outages = [0]  # in a row: a server that stops again at once waits longer

    def check():
        if server.isListening() and server.errorString() == quietError[0]:
            outages[0] = 0
            timer.setInterval(CHECK_INTERVAL_MS)
            return
        if not failing.isValid():
            printError(arg(translate("Server", "The server stopped listening on %1 (%2). "
                                               "Listening again."),
                           path, describe(server.errorString())))
            failing.start()
        problem = listenSafely(server, name)
        if problem is None:
            printError(arg(translate("Server", "The server is listening again on %1."), path))
            quietError[0] = server.errorString()
            failing.invalidate()
            outages[0] += 1
            timer.setInterval(min(CHECK_INTERVAL_MS << outages[0], LONGEST_PAUSE_MS))
        elif isinstance(problem, NameTaken) or failing.elapsed() > GIVE_UP_AFTER_MS:
            printError(arg(translate("Server", "Unable to listen again: %1. Quitting."), problem))
            timer.stop()
            if isinstance(problem, NameTaken):
                abandon(server)
            QCoreApplication.exit(EXIT_FAILURE)
        else:
            timer.setInterval(min(2 * timer.interval(), LONGEST_PAUSE_MS))

    timer.timeout.connect(check)
    timer.start(CHECK_INTERVAL_MS)
    return timer


def abandon(server):
    """Never destroys `server`: QLocalServer's destructor removes the file
    at the path it listened on, which is another server's socket now."""
    server.setParent(None)
    sip.transferto(server, None)
