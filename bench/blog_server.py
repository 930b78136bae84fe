#!/usr/bin/env python3
"""The blog's fortune Server, line for line in PyQt5 and nothing more: the
benchmark's second peer, showing what fortune_server.py gains over the
obvious Python version. A QDataStream per reply, Qt 4 framing (a quint16
byte count), disconnected() connected to deleteLater(), as the blog does.

    blog_server.py [NAME]    # listens on NAME (default "fortune")
"""

import random
import sys

from PyQt5.QtCore import QByteArray, QDataStream, QIODevice
from PyQt5.QtNetwork import QLocalServer
from PyQt5.QtWidgets import QApplication, QDialog, QMessageBox


class Server(QDialog):
    def __init__(self, name, parent=None):
        super().__init__(parent)
        self.server = QLocalServer(self)

        # Tell the server the name to listen on.
        if not self.server.listen(name):
            QMessageBox.critical(self, self.tr("Fortune Server"),
                                 self.tr("Unable to start the server: %1.")
                                 .replace("%1", self.server.errorString()))
            self.close()
            return

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

    def sendFortune(self):
        # Take a random fortune and write it.
        block = QByteArray()
        out = QDataStream(block, QIODevice.WriteOnly)
        out.setVersion(QDataStream.Qt_4_0)
        out.writeUInt16(0)
        out.writeQString(random.choice(self.fortunes))
        out.device().seek(0)
        out.writeUInt16(block.size() - 2)

        # The next pending connection, as a connected QLocalSocket.
        clientConnection = self.server.nextPendingConnection()
        clientConnection.disconnected.connect(clientConnection.deleteLater)

        clientConnection.write(block)
        clientConnection.flush()
        clientConnection.disconnectFromServer()


if __name__ == "__main__":
    app = QApplication(sys.argv)
    server = Server(app.arguments()[1] if len(app.arguments()) > 1 else "fortune")
    server.show()
    sys.exit(app.exec_())
