#!/usr/bin/env python3
"""Local Fortune client: a PyQt5 port of Qt's C++ example.

Connects to a fortune server, reads the one fortune it sends (in the framing
of any C++ server generation, told apart from the bytes) and shows it.
"""

import sys

from PyQt5.QtCore import (QCommandLineOption, QCommandLineParser, QCoreApplication,
                          Qt, QTimer, pyqtSlot)
from PyQt5.QtNetwork import QLocalSocket
from PyQt5.QtWidgets import QDialog, QMessageBox

from qtipc import DEFAULT_SERVER_NAME, arg, loadForm
from qtipc.program import parseOptions, quitOnTerminationSignals, startApplication
from qtipc.fortune_wire import (FORTUNE, MALFORMED, MAX_REPLY_SIZE, OVERSIZED,
                                TRUNCATED, WAITING, FortuneReply)


class Client(QDialog):
    # A server that has gone this long without sending anything has failed.
    REPLY_TIMEOUT_MS = 5000
    # A server with a single fortune would otherwise be asked forever.
    MAX_REPEATED_ASKS = 10

    def __init__(self, serverName=DEFAULT_SERVER_NAME, parent=None):
        super().__init__(parent)
        loadForm("client.ui", self)
        self.setWindowFlags(self.windowFlags() & ~Qt.WindowContextHelpButtonHint)
        self.hostLineEdit.setText(serverName)

        self.socket = QLocalSocket(self)
        self.reply = FortuneReply()
        self.currentFortune = None
        self.requestRunning = False
        self.repeatedAsks = 0
        self.replyTimer = QTimer(self)
        self.replyTimer.setSingleShot(True)
        self.replyTimer.setInterval(self.REPLY_TIMEOUT_MS)

        self.hostLineEdit.textChanged.connect(self.enableGetFortuneButton)
        self.getFortuneButton.clicked.connect(self.requestNewFortune)
        self.socket.readyRead.connect(self.readFortune)
        self.socket.disconnected.connect(self.readFortune)
        self.socket.errorOccurred.connect(self.displayError)
        self.replyTimer.timeout.connect(self.replyTimedOut)

        self.enableGetFortuneButton()
        self.hostLineEdit.setFocus()

    @pyqtSlot()
    def requestNewFortune(self):
        self.getFortuneButton.setEnabled(False)
        self.reply.clear()
        # Drop any earlier connection, then connect to the server.
        self.requestRunning = False
        self.socket.abort()
        self.requestRunning = True
        self.socket.connectToServer(self.hostLineEdit.text())
        self.replyTimer.start()

    @pyqtSlot()
    def readFortune(self):
        if not self.requestRunning:
            return
        # Collect what has arrived; the fortune is read only once whole
        # (the blog's client read the string before it had all arrived).
        self.reply.feed(bytes(self.socket.readAll()))
        atEnd = self.socket.state() == QLocalSocket.UnconnectedState
        state, nextFortune, _ = self.reply.verdict(atEnd)
        if state == WAITING:
            self.replyTimer.start()  # the server is still talking
            return
        self.finishRequest()

        if state != FORTUNE:
            self.showProblem(self.describeBadReply(state))
            return

        # The same fortune twice in a row: ask again, since they are random.
        if nextFortune == self.currentFortune and self.repeatedAsks < self.MAX_REPEATED_ASKS:
            self.repeatedAsks += 1
            QTimer.singleShot(0, self.requestNewFortune)
            return
        self.repeatedAsks = 0

        self.currentFortune = nextFortune
        self.statusLabel.setText(self.currentFortune)
        self.enableGetFortuneButton()

    @pyqtSlot(QLocalSocket.LocalSocketError)
    def displayError(self, socketError):
        if socketError == QLocalSocket.PeerClosedError:
            return  # the normal end of a reply; readFortune() judges it
        if not self.requestRunning:
            return
        self.finishRequest()
        if socketError == QLocalSocket.ServerNotFoundError:
            self.showProblem(self.tr("The host was not found. Please check the "
                                     "host name and port settings."))
        elif socketError == QLocalSocket.ConnectionRefusedError:
            self.showProblem(self.tr("The connection was refused by the peer. "
                                     "Make sure the fortune server is running, "
                                     "and check that the host name and port "
                                     "settings are correct."))
        else:
            self.showProblem(arg(self.tr("The following error occurred: %1."),
                                 self.socket.errorString()))

    @pyqtSlot()
    def replyTimedOut(self):
        if not self.requestRunning:
            return
        self.finishRequest()
        self.showProblem(arg(self.tr("The server did not send a fortune within "
                                     "%1 seconds."), "{:g}".format(self.replyTimer.interval() / 1000)))

    @pyqtSlot()
    def enableGetFortuneButton(self):
        self.getFortuneButton.setEnabled(
            bool(self.hostLineEdit.text()) and not self.requestRunning)

    def finishRequest(self):
        self.requestRunning = False
        self.replyTimer.stop()
        self.socket.abort()

    def describeBadReply(self, state):
        if state == TRUNCATED:
            return arg(self.tr("The server closed the connection after %1 bytes, "
                               "before a whole fortune had arrived."), self.reply.size())
        if state == OVERSIZED:
            return arg(self.tr("The server's reply is longer than %1 bytes; "
                               "no fortune is that long."), MAX_REPLY_SIZE)
        assert state == MALFORMED
        head = bytes(self.reply.data[:16]).hex(" ")
        return arg(self.tr("The server's reply is not a fortune in any known "
                           "format (%1 bytes, starting %2)."), self.reply.size(), head)

    def showProblem(self, message):
        QMessageBox.information(self, self.tr("Fortune Client"), message)
        self.enableGetFortuneButton()


def parseArguments():
    def tr(text):
        return QCoreApplication.translate("Client", text)

    parser = QCommandLineParser()
    parser.setApplicationDescription(tr(
        "Local Fortune client: fetches a fortune from a Local Fortune server."))
    nameOption = QCommandLineOption(
        "name", arg(tr("Server name to start with (default %1)."), DEFAULT_SERVER_NAME),
        "name", DEFAULT_SERVER_NAME)
    parser.addOption(nameOption)
    parseOptions(parser)
    return parser.value(nameOption)


def main():
    app = startApplication("fortune-client")
    serverName = parseArguments()
    quitOnTerminationSignals(app)
    client = Client(serverName)
    client.show()
    sys.exit(app.exec_())


if __name__ == "__main__":
    main()
