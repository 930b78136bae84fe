#!/usr/bin/env python3
"""Local Fortune server: a PyQt5 port of Qt's C++ example.

Every client that connects gets one random fortune, framed with QDataStream
(by default as the blog's Qt 4 server does), and is then disconnected.
"""

import errno
import fcntl
import os
import random
import socket
import stat
import sys

from PyQt5.QtCore import (QCommandLineOption, QCommandLineParser, QCoreApplication,
                          QDir, Qt, pyqtSlot)
from PyQt5.QtNetwork import QLocalServer
from PyQt5.QtWidgets import QDialog, QMessageBox

from qtipc import DEFAULT_SERVER_NAME, arg, loadForm
from qtipc.program import (EXIT_FAILURE, canShowDialogs, parseOptions, printError,
                           quitOnTerminationSignals, startApplication, usageError)
from qtipc.fortune_wire import DEFAULT_LAYOUT, LAYOUTS, frame


class Server(QDialog):
    def __init__(self, name=DEFAULT_SERVER_NAME, wire=DEFAULT_LAYOUT, parent=None):
        super().__init__(parent)
        self.setWindowFlags(self.windowFlags() & ~Qt.WindowContextHelpButtonHint)
        self.wire = wire

        self.server = QLocalServer(self)
        # Tell the server the name to listen on; on failure say why and stay
        # closed (main() exits non-zero instead of showing an idle window).
        problem = self.listen(name)
        if problem:
            self.reportFailure(arg(self.tr("Unable to start the server: %1."), problem))
            return

        loadForm("server.ui", self)
        self.statusLabel.setText(arg(
            self.tr("The server is running on\n%1\n"
                    "Run the Fortune Client example now."),
            self.server.fullServerName()))

        self.fortunes = [
            self.tr("You've been leading a dog's life. Stay off the furniture."),
            self.tr("You've got to think about tomorrow."),
            self.tr("You will be surprised by a loud noise."),
            self.tr("You will feel hungry again in another hour."),
            self.tr("You might have mail."),
            self.tr("You cannot kill time without injuring eternity."),
            self.tr("Computers are not intelligent. They only think they are."),
        ]

        # Send a fortune to every new client.
        self.server.newConnection.connect(self.sendFortune)

    def isListening(self):
        return self.server.isListening()

    @staticmethod
    def fullServerName(name):
        """Where QLocalServer puts the socket for `name` (before listening)."""
        if name.startswith("/"):
            return name
        return QDir.cleanPath(QDir.tempPath()) + "/" + name

    def listen(self, name):
        """QLocalServer.listen(name), made safe: clears a socket file left by
        a crashed server, never takes over a live one, and makes the socket
        reachable by the current user only. Returns None on success, else why
        it failed."""
        path = self.fullServerName(name)
        # Servers starting at once on the same leftover would each remove
        # it, and the last would take over the first one's fresh socket:
        # they take turns, holding a lock on the directory from the check
        # to the listen.
        try:
            directory = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
        except OSError:
            directory = None  # listen() will say what is wrong with it
        try:
            if directory is not None:
                fcntl.flock(directory, fcntl.LOCK_EX)
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                pass
            else:
                if not stat.S_ISSOCK(mode):
                    return arg(self.tr("%1 exists and is not a socket"), path)
                if self.isServedByAnother(path):
                    return arg(self.tr("another server is already listening on %1"), path)
                # Nobody accepts on it: a crashed server's leftover.
                QLocalServer.removeServer(name)

            # Not QLocalServer.UserAccessOption: on Unix it binds elsewhere
            # and renames the socket over the name, taking over a live one.
            oldUmask = os.umask(0o077)
            try:
                listening = self.server.listen(name)
            finally:
                os.umask(oldUmask)
        finally:
            if directory is not None:
                os.close(directory)  # and with it the lock
        return None if listening else self.server.errorString()

    @staticmethod
    def isServedByAnother(path):
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.settimeout(2)
        try:
            probe.connect(path)
        except (ConnectionRefusedError, FileNotFoundError):
            return False
        except OSError as error:
            # A full backlog or a socket we may not use: someone holds it.
            return error.errno != errno.ECONNREFUSED
        finally:
            probe.close()
        return True

    def reportFailure(self, message):
        printError(message)
        if canShowDialogs():
            QMessageBox.critical(self, self.tr("Fortune Server"), message)

    @pyqtSlot()
    def sendFortune(self):
        # Pick a random fortune and frame it with QDataStream (a size prefix,
        # then the QString) in the layout chosen with --wire.
        block = frame(random.choice(self.fortunes), self.wire)

        # The socket is a child of the server; it deletes itself once the
        # client has been disconnected.
        clientConnection = self.server.nextPendingConnection()
        if clientConnection is None:
            return
        clientConnection.disconnected.connect(clientConnection.deleteLater)

        clientConnection.write(block)
        clientConnection.flush()
        clientConnection.disconnectFromServer()


def parseArguments():
    def tr(text):
        return QCoreApplication.translate("Server", text)

    parser = QCommandLineParser()
    parser.setApplicationDescription(tr(
        "Local Fortune server: answers every connection with one fortune."))
    nameOption = QCommandLineOption(
        "name", tr("Listen on <name> (under the temporary directory "
                          "unless it is an absolute path)."),
        "name", DEFAULT_SERVER_NAME)
    wireOption = QCommandLineOption(
        "wire", arg(tr("Frame replies as <layout> does: %1 (default %2)."),
                    ", ".join(LAYOUTS), DEFAULT_LAYOUT),
        "layout", DEFAULT_LAYOUT)
    parser.addOption(nameOption)
    parser.addOption(wireOption)
    parseOptions(parser)
    name, wire = parser.value(nameOption), parser.value(wireOption)
    if not name:
        usageError(tr("The server name must not be empty."))
    if wire not in LAYOUTS:
        usageError(arg(tr("Unknown layout %1; choose one of %2."),
                       wire, ", ".join(LAYOUTS)))
    return name, wire


def main():
    app = startApplication("fortune-server")
    name, wire = parseArguments()
    quitOnTerminationSignals(app)
    server = Server(name, wire)
    if not server.isListening():
        sys.exit(EXIT_FAILURE)
    server.show()
    sys.exit(app.exec_())


if __name__ == "__main__":
    main()
