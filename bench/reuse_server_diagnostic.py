#!/usr/bin/env python3
"""A DIAGNOSTIC, not a port: the "reuse design" of issue 13. It overrides
QLocalServer.incomingConnection() and hands every accepted descriptor to
one QLocalSocket made at start-up, so PyQt never wraps a socket that C++
created. It drops the blog's shape (no newConnection, no
nextPendingConnection(), no socket per client) and is only run as a
BENCH_EXTRA_SERVERS peer, to measure what that wrapping costs.

    reuse_server_diagnostic.py NAME    # frames as --wire qt5.10
"""

import os
import random
import sys

from PyQt5.QtNetwork import QLocalServer, QLocalSocket
from PyQt5.QtWidgets import QApplication

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from qtipc.fortune_wire import frameAsQt5_10  # noqa: E402

FORTUNES = ["You've been leading a dog's life. Stay off the furniture.",
            "You've got to think about tomorrow.",
            "You will be surprised by a loud noise.",
            "You will feel hungry again in another hour.",
            "You might have mail.",
            "You cannot kill time without injuring eternity.",
            "Computers are not intelligent. They only think they are."]


class ReusingServer(QLocalServer):
    def __init__(self):
        super().__init__()
        self.blocks = [frameAsQt5_10(fortune) for fortune in FORTUNES]
        self.socket = QLocalSocket(self)

    def incomingConnection(self, descriptor):
        socket = self.socket
        if socket.state() != QLocalSocket.UnconnectedState:
            # Still writing to the last client: it finishes on its own.
            socket.disconnected.connect(socket.deleteLater)
            socket = self.socket = QLocalSocket(self)
        socket.setSocketDescriptor(descriptor)
        socket.write(random.choice(self.blocks))
        socket.flush()
        socket.disconnectFromServer()


if __name__ == "__main__":
    app = QApplication(sys.argv)
    server = ReusingServer()
    if not server.listen(sys.argv[-1]):
        sys.exit(server.errorString())
    sys.exit(app.exec_())
