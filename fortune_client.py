#!/usr/bin/env python3
"""Local Fortune client: a PyQt5 port of Qt's C++ example.

Connects to a fortune server, reads the one fortune it sends (in the framing
of any C++ server generation, told apart from the bytes) and shows it.
"""

import sys

from PyQt5.QtCore import (QCommandLineOption, QCommandLineParser, QCoreApplication,
                          QDataStream, Qt, QTimer, pyqtSlot)
from PyQt5.QtNetwork import QLocalSocket
from PyQt5.QtWidgets import QDialog, QMessageBox

from qtipc import DEFAULT_SERVER_NAME, arg, asQString, loadForm
from qtipc.program import parseOptions, printError, quitOnTerminationSignals, startApplication
from qtipc.fortune_wire import LAYOUTS, FortuneReply


class Client(QDialog):
    # A server that has sent nothing for this long is judged by what it sent.
    REPLY_TIMEOUT_MS = 5000
    MAX_REPEATED_ASKS = 10

    def __init__(self, serverName=DEFAULT_SERVER_NAME, parent=None):
        super().__init__(parent)
        loadForm("client.ui", self)
        self.setWindowFlags(self.windowFlags() & ~Qt.WindowContextHelpButtonHint)
        self.hostLineEdit.setText(serverName)

        self.socket = QLocalSocket(self)
        self.blockSize = 0
        self.currentFortune = None
        self.reply = FortuneReply()
        self.requestRunning = False
        self.repeatedAsks = 0
        self.replyTimer = QTimer(self, singleShot=True, interval=self.REPLY_TIMEOUT_MS)

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
        self.blockSize = 0
        self.reply.clear()
        # Connect to the server; abort() drops the current connection and
        # resets the socket (what it signals is not this request's).
        self.requestRunning = False
        self.socket.abort()
        self.requestRunning = True
        self.socket.connectToServer(self.hostLineEdit.text())
        self.replyTimer.start()

    @pyqtSlot()
    def readFortune(self):
        if not self.requestRunning:
            return
        # Collect the reply until it is whole and the server has closed (the
        # blog reads before all of it may have come, and trusts any bytes).
        if not self.reply.collect(self.socket):
            self.replyTimer.start()  # the server is still talking
            return
        self.finishRequest()
        if self.reply.problem():
            return self.displayProblem(self.reply.problem())

        # Read the received data: the block size, then the fortune, with
        # QDataStream in the layout recognised (the blog's is qt4).
        version, prefixSize, _ = LAYOUTS[self.reply.layout]
        in_ = QDataStream(self.reply.data)
        in_.setVersion(version)
        if prefixSize == 2:
            self.blockSize = in_.readUInt16()
        elif prefixSize == 4:
            self.blockSize = in_.readUInt32()
        nextFortune = in_.readQString()

        # The same fortune twice in a row: ask again, since they are random
        # (but not forever: a server may have only one).
        if nextFortune == self.currentFortune and self.repeatedAsks < self.MAX_REPEATED_ASKS:
            self.repeatedAsks += 1
            QTimer.singleShot(0, self.requestNewFortune)
            return
        self.repeatedAsks = 0

        self.currentFortune = nextFortune
        self.statusLabel.setText(asQString(self.currentFortune))
        self.enableGetFortuneButton()

    @pyqtSlot(QLocalSocket.LocalSocketError)
    def displayError(self, socketError):
        if socketError == QLocalSocket.PeerClosedError or not self.requestRunning:
            return  # a reply's normal end (readFortune() judges it), or not ours
        self.finishRequest()
        if socketError == QLocalSocket.ServerNotFoundError:
            self.displayProblem(self.tr("The host was not found. Please check the "
                                        "host name and port settings."))
        elif socketError == QLocalSocket.ConnectionRefusedError:
            self.displayProblem(self.tr("The connection was refused by the peer. "
                                        "Make sure the fortune server is running, "
                                        "and check that the host name and port "
                                        "settings are correct."))
        else:
            self.displayProblem(arg(self.tr("The following error occurred: %1."),
                                    self.socket.errorString()))

    @pyqtSlot()
    def replyTimedOut(self):
        # The server has gone quiet without closing: judge what it has sent.
        self.reply.waitIsOver(self.replyTimer.interval() / 1000)
        self.readFortune()

    @pyqtSlot()
    def enableGetFortuneButton(self):
        self.getFortuneButton.setEnabled(bool(self.hostLineEdit.text()) and not self.requestRunning)

    def finishRequest(self):
        self.requestRunning = False
        self.replyTimer.stop()
        self.socket.abort()

    def displayProblem(self, message):
        # Said in the window, as the blog does, and on stderr.
        printError(message)
        QMessageBox.information(self, self.tr("Fortune Client"), message)
        self.enableGetFortuneButton()


def parseArguments():
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "Client", "Local Fortune client: fetches a fortune from a Local Fortune server."))
    nameOption = QCommandLineOption(
        "name", arg(translate("Client", "Server name to start with (default %1)."),
                   DEFAULT_SERVER_NAME),
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
