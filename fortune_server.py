#!/usr/bin/env python3
"""Local Fortune server: a PyQt5 port of the blog's Server (Qt's C++ Local
Fortune Server example).

Every client that connects gets one random fortune, framed with QDataStream
(by default as the blog's Qt 4 server does, or as --wire says), and is then
disconnected.
"""

import sys

from PyQt5.QtCore import (QByteArray, QCommandLineOption, QCommandLineParser,
                          QCoreApplication, QDataStream, QIODevice, QT_TRANSLATE_NOOP, Qt,
                          pyqtSlot)
from PyQt5.QtNetwork import QLocalServer
from PyQt5.QtWidgets import QDialog, QMessageBox

from qtipc import DEFAULT_SERVER_NAME, arg, asQString, loadForm
from qtipc.fortune_wire import DEFAULT_LAYOUT, QT4, QT5_6, QT5_10, QT6_7, utf16Length
from qtipc.local_server import keepListening, listenSafely
from qtipc.program import (EXIT_FAILURE, canShowDialogs, parseOptions, printError,
                           quitOnTerminationSignals, startApplication, usageError)


# How each generation of Qt's C++ server frames a fortune, in its own
# QDataStream lines. asQString() hands QDataStream the text exactly (PyQt5
# would drop a leading U+FEFF from some).

def frameAsQt4(fortune):
    """The blog's: a quint16 count of the bytes that follow."""
    block = QByteArray()
    out = QDataStream(block, QIODevice.WriteOnly)
    out.setVersion(QDataStream.Qt_4_0)
    out.writeUInt16(0)
    out.writeQString(asQString(fortune))
    out.device().seek(0)
    out.writeUInt16(block.size() - 2)
    return block


def frameAsQt5_6(fortune):
    """Qt 5.6.3 to 5.9: a quint32 count of the bytes that follow."""
    block = QByteArray()
    out = QDataStream(block, QIODevice.WriteOnly)
    out.setVersion(QDataStream.Qt_5_6)
    out.writeUInt32(0)
    out.writeQString(asQString(fortune))
    out.device().seek(0)
    out.writeUInt32(block.size() - 4)
    return block


def frameAsQt5_10(fortune):
    """Qt 5.10 to 6.6: a quint32 count of the QString's characters."""
    block = QByteArray()
    out = QDataStream(block, QIODevice.WriteOnly)
    out.setVersion(QDataStream.Qt_5_10)
    out.writeUInt32(utf16Length(fortune))
    out.writeQString(asQString(fortune))
    return block


def frameAsQt6_7(fortune):
    """Qt 6.7 and later: the QString alone (as Qt_5_15 writes it)."""
    block = QByteArray()
    out = QDataStream(block, QIODevice.WriteOnly)
    out.setVersion(QDataStream.Qt_5_15)
    out.writeQString(asQString(fortune))
    return block


# --wire: (how the layout frames, which C++ servers frame so)
FRAMINGS = {
    QT4: (frameAsQt4, QT_TRANSLATE_NOOP("Server", "the blog's Qt 4 server")),
    QT5_6: (frameAsQt5_6, QT_TRANSLATE_NOOP("Server", "Qt 5.6.3 to 5.9 servers")),
    QT5_10: (frameAsQt5_10, QT_TRANSLATE_NOOP("Server", "Qt 5.10 to 6.6 servers")),
    QT6_7: (frameAsQt6_7, QT_TRANSLATE_NOOP("Server", "Qt 6.7 and later servers")),
}


class Server(QDialog):
    def __init__(self, name=DEFAULT_SERVER_NAME, wire=DEFAULT_LAYOUT, parent=None):
        super().__init__(parent)

        self.server = QLocalServer(self)
        # Tell the server the name to listen on (listenSafely: clears a
        # crashed server's socket, never takes over a live one).
        problem = listenSafely(self.server, name)
        if problem:
            message = arg(self.tr("Unable to start the server: %1."), problem)
            printError(message)
            if canShowDialogs():
                QMessageBox.critical(self, self.tr("Fortune Server"), message)
            return  # main() exits non-zero instead of showing an idle window
        keepListening(self.server, name)  # again after accept() ran out of descriptors

        loadForm("server.ui", self)
        self.setWindowFlags(self.windowFlags() & ~Qt.WindowContextHelpButtonHint)
        self.statusLabel.setText(arg(
            self.tr("The server is running on\n%1\nRun the Fortune Client example now.\n\n"
                    "Fortunes are framed as by %2 (--wire %3).\n"
                    "A Qt 5.10 to 6.6 C++ client, such as Debian's, needs --wire qt5.10."),
            self.server.fullServerName(), self.tr(FRAMINGS[wire][1]), wire))

        self.fortunes = [
            self.tr("You've been leading a dog's life. Stay off the furniture."),
            self.tr("You've got to think about tomorrow."),
            self.tr("You will be surprised by a loud noise."),
            self.tr("You will feel hungry again in another hour."),
            self.tr("You might have mail."),
            self.tr("You cannot kill time without injuring eternity."),
            self.tr("Computers are not intelligent. They only think they are."),
        ]
        # Each fortune framed once, here, not at every connection: a fifth
        # of the server's time per reply.
        self.blocks = [FRAMINGS[wire][0](fortune) for fortune in self.fortunes]

        # Send a fortune to every new client.
        self.server.newConnection.connect(self.sendFortune)

    def isListening(self):
        return self.server.isListening()

    @pyqtSlot()
    def sendFortune(self):
        import random  # here: listening does not need it

        # A random fortune, framed with QDataStream at start-up.
        block = random.choice(self.blocks)

        # The socket is a child of the server: deleted once disconnected.
        clientConnection = self.server.nextPendingConnection()
        clientConnection.disconnected.connect(clientConnection.deleteLater)

        clientConnection.write(block)
        clientConnection.flush()
        clientConnection.disconnectFromServer()


def parseArguments():
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "Server", "Local Fortune server: answers every connection with one fortune."))
    nameOption = QCommandLineOption(
        "name", translate("Server", "Listen on <name> (under the temporary directory "
                                    "unless it is an absolute path)."),
        "name", DEFAULT_SERVER_NAME)
    servers = ", ".join(arg("%1 (%2)", layout, translate("Server", generation))
                        for layout, (_, generation) in FRAMINGS.items())
    wireOption = QCommandLineOption(
        "wire", arg(translate("Server", "Frame fortunes as <layout> says: %1. Default: %2. "
                                        "A Qt 5.10 to 6.6 C++ client, such as Debian's, "
                                        "needs qt5.10."), servers, DEFAULT_LAYOUT),
        "layout", DEFAULT_LAYOUT)
    parser.addOption(nameOption)
    parser.addOption(wireOption)
    parseOptions(parser)
    name, wire = parser.value(nameOption), parser.value(wireOption)
    if not name:
        usageError(translate("Server", "The server name must not be empty."))
    if wire not in FRAMINGS:
        usageError(arg(translate("Server", "Unknown layout %1; choose one of %2."),
                       wire, ", ".join(FRAMINGS)))
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
