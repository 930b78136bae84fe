#!/usr/bin/env python3
"""Local Fortune server: a PyQt5 port of the blog's Server (Qt's C++ Local
Fortune Server example).

Every client that connects gets one random fortune, framed with QDataStream
(by default as the blog's Qt 4 server does, or as --wire says), and is then
disconnected.
"""

import random
import sys

from PyQt5.QtCore import (QByteArray, QCommandLineOption, QCommandLineParser,
                          QCoreApplication, QDataStream, QIODevice, QT_TRANSLATE_NOOP, Qt,
                          pyqtSlot)
from PyQt5.QtWidgets import QDialog, QMessageBox

from qtipc import DEFAULT_SERVER_NAME, arg, asQString, loadForm
from qtipc.fortune_wire import DEFAULT_LAYOUT, LATER_FRAMINGS, QT4, QT5_6, QT5_10, QT6_7
from qtipc.local_server import LocalServer
from qtipc.program import (EXIT_FAILURE, canShowDialogs, parseOptions, printError,
                           quitOnTerminationSignals, startApplication, usageError)


# --wire: which C++ servers frame fortunes as each layout does.
FRAMED_AS_BY = {
    QT4: QT_TRANSLATE_NOOP("Server", "the blog's Qt 4 server"),
    QT5_6: QT_TRANSLATE_NOOP("Server", "Qt 5.6.3 to 5.9 servers"),
    QT5_10: QT_TRANSLATE_NOOP("Server", "Qt 5.10 to 6.6 servers"),
    QT6_7: QT_TRANSLATE_NOOP("Server", "Qt 6.7 and later servers"),
}


class Server(QDialog):
    def __init__(self, name=DEFAULT_SERVER_NAME, wire=DEFAULT_LAYOUT, parent=None):
        super().__init__(parent)

        self.server = LocalServer(self)
        # 告诉服务器监听传入连接的名字。 (Tell the server the name to listen on;
        # listenSafely also clears a crashed server's socket, never a live one's.)
        if not self.server.listenSafely(name):
            message = arg(self.tr("Unable to start the server: %1."), self.server.errorString())
            printError(message)
            if canShowDialogs():
                QMessageBox.critical(self, self.tr("Fortune Server"), message)
            return  # main() exits non-zero instead of showing an idle window
        # Listening again after accept() ran out of descriptors, said on stderr.
        self.server.notice.connect(printError)
        self.server.listeningLost.connect(self.quitListening)
        self.server.keepListening(name)

        loadForm("server.ui", self)
        self.setWindowFlags(self.windowFlags() & ~Qt.WindowContextHelpButtonHint)
        self.statusLabel.setText(arg(
            self.tr("The server is running on\n%1\nRun the Fortune Client example now.\n"
                    "Fortunes are framed as by %2 (--wire %3).\n"
                    "Qt 5.10 to 6.6 clients (Debian's) need --wire qt5.10;\n"
                    "Qt 6.7 and later clients (Qt Creator's) need --wire qt6.7."),
            self.server.fullServerName(), self.tr(FRAMED_AS_BY[wire]), wire))

        self.fortunes = [
            self.tr("You've been leading a dog's life. Stay off the furniture."),
            self.tr("You've got to think about tomorrow."),
            self.tr("You will be surprised by a loud noise."),
            self.tr("You will feel hungry again in another hour."),
            self.tr("You might have mail."),
            self.tr("You cannot kill time without injuring eternity."),
            self.tr("Computers are not intelligent. They only think they are."),
        ]
        self.wire = wire
        self.blocks = {}  # each fortune's reply, framed when it is first sent

        # 有新客户端进行连接时,发送数据 (Send a fortune to every new client)
        self.server.newConnection.connect(self.sendFortune)

    @pyqtSlot()
    def sendFortune(self):
        # 从fortunes中随机取出一段字符串然后进行写入。 (Write a random fortune.)
        fortune = random.choice(self.fortunes)
        block = self.blocks.get(fortune)
        if block is None and self.wire != QT4:
            block = LATER_FRAMINGS[self.wire](fortune)  # as later C++ servers frame it
        if block is None:
            block = QByteArray()
            out = QDataStream(block, QIODevice.WriteOnly)
            out.setVersion(QDataStream.Qt_4_0)
            out.writeUInt16(0)
            out.writeQString(asQString(fortune))
            out.device().seek(0)
            out.writeUInt16(block.size() - 2)
        self.blocks[fortune] = block

        # nextPendingConnection()可以返回下一个挂起的连接作为一个连接的QLocalSocket对象。
        # (The socket is a child of the server: deleted once disconnected.)
        clientConnection = self.server.nextPendingConnection()
        clientConnection.disconnected.connect(clientConnection.deleteLater)

        clientConnection.write(block)
        clientConnection.flush()
        clientConnection.disconnectFromServer()

    def isListening(self):
        return self.server.isListening()

    def quitListening(self, why):
        printError(why)
        QCoreApplication.exit(EXIT_FAILURE)


def parseArguments():
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "Server", "Local Fortune server: answers every connection with one fortune."))
    nameOption = QCommandLineOption(
        "name", translate("Server", "Listen on <name> (under the temporary directory "
                                    "unless it is an absolute path)."),
        "name", DEFAULT_SERVER_NAME)
    servers = ", ".join(arg("%1 (%2)", layout, translate("Server", servers))
                        for layout, servers in FRAMED_AS_BY.items())
    wireOption = QCommandLineOption(
        "wire", arg(translate("Server", "Frame fortunes as <layout> says: %1. Default: %2. "
                                        "A Qt 5.10 to 6.6 C++ client, such as Debian's, "
                                        "needs qt5.10; a Qt 6.7 or later one, such as "
                                        "Qt Creator's, needs qt6.7."), servers, DEFAULT_LAYOUT),
        "layout", DEFAULT_LAYOUT)
    parser.addOption(nameOption)
    parser.addOption(wireOption)
    parseOptions(parser)
    name, wire = parser.value(nameOption), parser.value(wireOption)
    if not name:
        usageError(translate("Server", "The server name must not be empty."))
    if wire not in FRAMED_AS_BY:
        usageError(arg(translate("Server", "Unknown layout %1; choose one of %2."),
                       wire, ", ".join(FRAMED_AS_BY)))
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
