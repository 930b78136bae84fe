#!/usr/bin/env python3
"""The fortune server's floor: the least a PyQt5 program of the blog's
shape does per fortune. A QApplication, a QDialog, a QLocalServer, and the
blog's sendFortune() (nextPendingConnection, disconnected to deleteLater,
write, flush, disconnectFromServer) with each fortune framed once at
start-up, in the blog's Qt 4 framing, so a reply costs only the Qt calls
the shape makes. The server benchmark's peer for fortune_server.py.

    python -m bench.server_floor NAME    # from the checkout's root
"""

import random
import sys

from PyQt5.QtCore import QByteArray, QDataStream, QIODevice
from PyQt5.QtNetwork import QLocalServer
from PyQt5.QtWidgets import QApplication, QDialog

from testbed.oracle import FORTUNES


def frame(fortune):
    """The blog's block: a quint16 byte count, then the QString (Qt_4_0)."""
    block = QByteArray()
    out = QDataStream(block, QIODevice.WriteOnly)
    out.setVersion(QDataStream.Qt_4_0)
    out.writeUInt16(0)
    out.writeQString(fortune)
    out.device().seek(0)
    out.writeUInt16(block.size() - 2)
    return block


class Server(QDialog):
    def __init__(self, name):
        super().__init__()
        self.server = QLocalServer(self)
        if not self.server.listen(name):
            sys.exit(self.server.errorString())
        self.blocks = [frame(fortune) for fortune in FORTUNES]
        self.server.newConnection.connect(self.sendFortune)

    def sendFortune(self):
        block = random.choice(self.blocks)
        clientConnection = self.server.nextPendingConnection()
        clientConnection.disconnected.connect(clientConnection.deleteLater)
        clientConnection.write(block)
        clientConnection.flush()
        clientConnection.disconnectFromServer()


if __name__ == "__main__":
    app = QApplication(sys.argv)
    server = Server(app.arguments()[1])
    server.show()
    sys.exit(app.exec_())
