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
        self.currentFortune = None
        self.reply = None  # of the request under way
        self.repeatedAsks = 0
        self.replyTimer = QTimer(self, singleShot=True, interval=self.REPLY_TIMEOUT_MS)

        self.hostLineEdit.textChanged.connect(self.enableGetFortuneButton)
        self.getFortuneButton.clicked.connect(self.requestNewFortune)
        self.socket.readyRead.connect(self.readFortune)
        self.socket.disconnected.connect(self.serverClosed)
        self.socket.errorOccurred.connect(self.displayError)
        self.replyTimer.timeout.connect(self.replyTimedOut)

        self.enableGetFortuneButton()
        self.hostLineEdit.setFocus()

    # 连接到服务器,abort()断开当前连接,重置socket。
    # (Connect to the server; abort() drops the current connection and resets the socket.)
    @pyqtSlot()
    def requestNewFortune(self):
        self.getFortuneButton.setEnabled(False)
        self.socket.abort()
        self.reply = FortuneReply()
        self.socket.connectToServer(self.hostLineEdit.text())
        self.replyTimer.start()

    # 读取服务器端发送的数据 (Read the data the server sent)
    @pyqtSlot()
    def readFortune(self):
        # Collect the reply until it is whole and the server has closed (the
        # blog reads before all of it may have come, and trusts any bytes).
        if self.reply is None:
            return  # no request under way
        if not self.reply.collect(self.socket):
            self.replyTimer.start()  # the server is still talking
            return
        reply = self.finishRequest()
        problem = reply.errorString()
        if problem:
            return self.displayProblem(problem)

        # 读取接收到的数据 (Read the received data: the block size, then the
        # fortune, with QDataStream in the layout recognised; the blog's is qt4)
        version, prefixSize, _ = LAYOUTS[reply.layout]
        in_ = QDataStream(reply.data)
        in_.setVersion(version)
        in_.skipRawData(prefixSize)  # in >> blockSize: the reply has checked it
        nextFortune = in_.readQString()

        # 如果当前的数据和收到的数据相同,则重新请求一次 (The same fortune twice in a
        # row: ask again, since they are random; but not forever, a server may have one)
        if nextFortune == self.currentFortune and self.repeatedAsks < self.MAX_REPEATED_ASKS:
            self.repeatedAsks += 1
            QTimer.singleShot(0, self.requestNewFortune)
            return
        self.repeatedAsks = 0

        self.currentFortune = nextFortune
        self.statusLabel.setText(asQString(self.currentFortune))
        self.enableGetFortuneButton()

    # 发生错误时,进行错误处理 (Handle an error)
    @pyqtSlot(QLocalSocket.LocalSocketError)
    def displayError(self, socketError):
        if self.reply is None or socketError == QLocalSocket.PeerClosedError:
            return  # not this request's; or the reply's normal end (serverClosed())
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
    def enableGetFortuneButton(self):
        self.getFortuneButton.setEnabled(bool(self.hostLineEdit.text()) and self.reply is None)

    @pyqtSlot()
    def serverClosed(self):
        # Every server closes after its reply: what it sent is all there is.
        if self.reply is not None:
            self.reply.serverClosed()
            self.readFortune()

    @pyqtSlot()
    def replyTimedOut(self):
        # The server has gone quiet without closing: judge what it has sent.
        self.reply.waitIsOver(self.replyTimer.interval() / 1000)
        self.readFortune()

    def finishRequest(self):
        """Ends the request under way; returns its reply."""
        reply, self.reply = self.reply, None
        self.replyTimer.stop()
        self.socket.abort()
        return reply

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
