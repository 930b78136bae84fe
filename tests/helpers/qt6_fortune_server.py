#!/usr/bin/env python3
"""Helper program: Qt 6's Local Fortune Server example, ported to PySide6
line for line, as a real Qt 6 peer for the tests (it runs Qt's own Qt 6
library). Never import it next to PyQt5: run it in a process of its own.

The port follows the newest examples/corelib/ipc/localfortuneserver of
qt/qtbase that could be read (Listen and Stop Listening buttons, a server
name field; sendFortune() writes the QString alone at QDataStream::Qt_6_5).
docs/wire-formats.md says which revisions were read. Server is the example's
class; main() is the example's main.cpp, with test glue added:

    qt6_fortune_server.py [--name NAME]

types NAME into the server name field and presses Listen, as a user would,
then prints one line on stdout once it listens ("listening on PATH"), or
says why not on stderr and exits 1. SIGTERM or SIGINT press Stop Listening
(QLocalServer::close() removes the socket file) and quit with status 0.
"""

import signal
import socket
import sys

from PySide6.QtCore import (QByteArray, QCommandLineOption, QCommandLineParser,
                            QCoreApplication, QDataStream, QIODevice, QRandomGenerator,
                            QSocketNotifier, Qt)
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QLocalServer
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QGridLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton)

# A file-scope static in the C++, translated with QObject::tr(): the
# "QObject" context.
idleStateText = QCoreApplication.translate("QObject", "Press \"Listen\" to start the server")


class Server(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        # The C++ member initialisers, in their order.
        self.server = QLocalServer(self)
        self.hostLineEdit = QLineEdit("fortune")
        self.statusLabel = QLabel(idleStateText)
        self.listenButton = QPushButton(self.tr("Listen"))
        self.stopListeningButton = QPushButton(self.tr("Stop Listening"))
        self.fortunes = []
        self.name = ""

        self.setWindowFlags(self.windowFlags() & ~Qt.WindowContextHelpButtonHint)

        self.statusLabel.setWordWrap(True)

        self.stopListeningButton.setDisabled(True)

        self.fortunes += [
            self.tr("You've been leading a dog's life. Stay off the furniture."),
            self.tr("You've got to think about tomorrow."),
            self.tr("You will be surprised by a loud noise."),
            self.tr("You will feel hungry again in another hour."),
            self.tr("You might have mail."),
            self.tr("You cannot kill time without injuring eternity."),
            self.tr("Computers are not intelligent. They only think they are."),
        ]

        hostLabel = QLabel(self.tr("Server name:"))

        self.server.newConnection.connect(self.sendFortune)
        self.hostLineEdit.textChanged.connect(self.toggleListenButton)
        self.listenButton.clicked.connect(self.listenToServer)
        self.stopListeningButton.clicked.connect(self.stopListening)

        quitButton = QPushButton(self.tr("Quit"))
        quitButton.setAutoDefault(False)
        quitButton.clicked.connect(self.close)

        buttonBox = QDialogButtonBox()
        buttonBox.addButton(self.listenButton, QDialogButtonBox.ActionRole)
        buttonBox.addButton(self.stopListeningButton, QDialogButtonBox.ActionRole)
        buttonBox.addButton(quitButton, QDialogButtonBox.RejectRole)

        mainLayout = QGridLayout(self)
        mainLayout.addWidget(hostLabel, 0, 0)
        mainLayout.addWidget(self.hostLineEdit, 0, 1)
        mainLayout.addWidget(self.statusLabel, 2, 0, 3, 2)
        mainLayout.addWidget(buttonBox, 10, 0, 2, 2)

        self.setWindowTitle(QGuiApplication.applicationDisplayName())
        self.hostLineEdit.setFocus()

    def listenToServer(self):
        self.name = self.hostLineEdit.text()
        if not self.server.listen(self.name):
            QMessageBox.critical(self, self.tr("Local Fortune Server"),
                                 self.tr("Unable to start the server: %1.")
                                 .replace("%1", self.server.errorString()))
            self.name = ""
            return
        self.statusLabel.setText(self.tr("The server is running.\n"
                                         "Run the Local Fortune Client example now."))
        self.toggleListenButton()

    def stopListening(self):
        self.server.close()
        self.name = ""
        self.statusLabel.setText(idleStateText)
        self.toggleListenButton()

    def toggleListenButton(self):
        if self.server.isListening():
            self.listenButton.setDisabled(True)
            self.stopListeningButton.setEnabled(True)
        else:
            self.listenButton.setEnabled(bool(self.hostLineEdit.text()))
            self.stopListeningButton.setDisabled(True)

    def sendFortune(self):
        block = QByteArray()
        out = QDataStream(block, QIODevice.WriteOnly)
        out.setVersion(QDataStream.Qt_6_5)
        fortuneIndex = QRandomGenerator.global_().bounded(0, len(self.fortunes))
        message = self.fortunes[fortuneIndex]
        out.writeQString(message)  # out << message;

        clientConnection = self.server.nextPendingConnection()
        clientConnection.disconnected.connect(clientConnection.deleteLater)

        clientConnection.write(block)
        clientConnection.flush()
        clientConnection.disconnectFromServer()


def quitOnSignals(app, window):
    """Test glue: SIGTERM and SIGINT press Stop Listening, then quit. The C
    handler writes to a socket that Qt watches, so the event loop wakes."""
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: None)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Read, app)

    def stop():
        reader.recv(64)
        window.stopListeningButton.click()
        app.quit()

    notifier.activated.connect(stop)
    return reader, writer  # kept open as long as the caller keeps them


def main():
    translate = QCoreApplication.translate
    app = QApplication(sys.argv[:1])
    QGuiApplication.setApplicationDisplayName(translate("Server", "Local Fortune Server"))

    # Test glue from here to the end.
    parser = QCommandLineParser()
    parser.addHelpOption()
    nameOption = QCommandLineOption(
        ["name"], translate("Program", "Listen on <name>, as typed into the server name field."),
        "name", "fortune")
    parser.addOption(nameOption)
    parser.process(sys.argv)

    # The example's message boxes are modal; no one is there to close them.
    problems = []
    QMessageBox.critical = staticmethod(
        lambda parent, title, text, *args: problems.append(text) or QMessageBox.Ok)

    server = Server()
    server.show()
    server.hostLineEdit.setText(parser.value(nameOption))
    server.listenButton.click()
    if not server.server.isListening():
        print(problems[0] if problems else translate("Program", "The server is not listening."),
              file=sys.stderr, flush=True)
        sys.exit(1)
    keep = quitOnSignals(app, server)
    print(translate("Program", "listening on %1").replace("%1", server.server.fullServerName()),
          flush=True)
    status = app.exec()
    del keep
    sys.exit(status)


if __name__ == "__main__":
    main()
