#!/usr/bin/env python3
"""Helper program: Qt 6's Local Fortune Client example, ported to PySide6
line for line, as a real Qt 6 peer for the tests (it runs Qt's own Qt 6
library). Never import it next to PyQt5: run it in a process of its own.

The port follows the newest examples/corelib/ipc/localfortuneclient of
qt/qtbase that could be read: readFortune() reads the QString alone inside
a QDataStream transaction, at QDataStream::Qt_6_0 (docs/wire-formats.md
says which revisions were read). Client is the example's class; main() is
the example's main.cpp, with test glue added:

    qt6_fortune_client.py [--name NAME]

types NAME into the server name field and presses Get Fortune, as a user
would, then prints the label's text on stdout once a fortune is shown, and
exits 0. If the connection ends with no fortune shown, or the example shows
a message box, it says so on stderr and exits 1.
"""

import sys

from PySide6.QtCore import (QCommandLineOption, QCommandLineParser, QCoreApplication,
                            QDataStream, QTimer, Qt)
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QGridLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton)


class Client(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        # The C++ member initialisers, then the members client.h declares.
        self.hostLineEdit = QLineEdit("fortune")
        self.getFortuneButton = QPushButton(self.tr("Get Fortune"))
        self.statusLabel = QLabel(self.tr("This examples requires that you run the "
                                          "Local Fortune Server example as well."))
        self.socket = QLocalSocket(self)
        self.in_ = QDataStream()  # "in" is a Python keyword
        self.blockSize = 0
        self.currentFortune = ""

        self.setWindowFlags(self.windowFlags() & ~Qt.WindowContextHelpButtonHint)
        hostLabel = QLabel(self.tr("&Server name:"))
        hostLabel.setBuddy(self.hostLineEdit)

        self.statusLabel.setWordWrap(True)

        self.getFortuneButton.setDefault(True)
        quitButton = QPushButton(self.tr("Quit"))

        buttonBox = QDialogButtonBox()
        buttonBox.addButton(self.getFortuneButton, QDialogButtonBox.ActionRole)
        buttonBox.addButton(quitButton, QDialogButtonBox.RejectRole)

        self.in_.setDevice(self.socket)
        self.in_.setVersion(QDataStream.Qt_6_0)

        self.hostLineEdit.textChanged.connect(self.enableGetFortuneButton)
        self.getFortuneButton.clicked.connect(self.requestNewFortune)
        quitButton.clicked.connect(self.close)
        self.socket.readyRead.connect(self.readFortune)
        self.socket.errorOccurred.connect(self.displayError)

        mainLayout = QGridLayout(self)
        mainLayout.addWidget(hostLabel, 0, 0)
        mainLayout.addWidget(self.hostLineEdit, 0, 1)
        mainLayout.addWidget(self.statusLabel, 2, 0, 1, 2)
        mainLayout.addWidget(buttonBox, 3, 0, 1, 2)

        self.setWindowTitle(QGuiApplication.applicationDisplayName())
        self.hostLineEdit.setFocus()

    def requestNewFortune(self):
        self.getFortuneButton.setEnabled(False)
        self.blockSize = 0
        self.socket.abort()
        self.socket.connectToServer(self.hostLineEdit.text())

    def readFortune(self):
        self.in_.startTransaction()

        nextFortune = self.in_.readQString()  # in >> nextFortune;

        if not self.in_.commitTransaction():
            return

        if nextFortune == self.currentFortune:
            QTimer.singleShot(0, self, self.requestNewFortune)
            return

        self.currentFortune = nextFortune
        self.statusLabel.setText(self.currentFortune)
        self.getFortuneButton.setEnabled(True)

    def displayError(self, socketError):
        if socketError == QLocalSocket.ServerNotFoundError:
            QMessageBox.information(self, self.tr("Local Fortune Client"),
                                    self.tr("The host was not found. Please make sure "
                                            "that the server is running and that the "
                                            "server name is correct."))
        elif socketError == QLocalSocket.ConnectionRefusedError:
            QMessageBox.information(self, self.tr("Local Fortune Client"),
                                    self.tr("The connection was refused by the peer. "
                                            "Make sure the fortune server is running, "
                                            "and check that the server name "
                                            "is correct."))
        elif socketError == QLocalSocket.PeerClosedError:
            pass
        else:
            QMessageBox.information(self, self.tr("Local Fortune Client"),
                                    self.tr("The following error occurred: %1.")
                                    .replace("%1", self.socket.errorString()))

        self.getFortuneButton.setEnabled(True)

    def enableGetFortuneButton(self):
        self.getFortuneButton.setEnabled(bool(self.hostLineEdit.text()))


def main():
    translate = QCoreApplication.translate
    app = QApplication(sys.argv[:1])
    QGuiApplication.setApplicationDisplayName(translate("Client", "Local Fortune Client"))

    # Test glue from here to the end.
    parser = QCommandLineParser()
    parser.addHelpOption()
    nameOption = QCommandLineOption(
        ["name"], translate("Program", "Ask the server <name>, as typed into the server name "
                                     "field."), "name", "fortune")
    parser.addOption(nameOption)
    parser.process(sys.argv)

    # The example's message boxes are modal; no one is there to close them.
    problems = []
    QMessageBox.information = staticmethod(
        lambda parent, title, text, *args: problems.append(text) or QMessageBox.Ok)

    client = Client()
    client.show()
    shown = client.statusLabel.text()

    # Connected after the example's own slots, so these run after them.
    def afterRead():
        if client.statusLabel.text() != shown:
            sys.stdout.write(client.statusLabel.text() + "\n")
            sys.stdout.flush()
            app.exit(0)

    def afterError():
        if problems:
            print(problems[0], file=sys.stderr, flush=True)
            app.exit(1)

    def afterDisconnect():
        if client.statusLabel.text() == shown:
            print(translate("Program", "The server closed the connection and the client "
                                       "showed no fortune (%1 bytes left unread).")
                  .replace("%1", str(client.socket.bytesAvailable())),
                  file=sys.stderr, flush=True)
            app.exit(1)

    def timeout():
        print(translate("Program", "No fortune within 30 seconds."), file=sys.stderr, flush=True)
        app.exit(2)

    client.socket.readyRead.connect(afterRead)
    client.socket.errorOccurred.connect(afterError)
    client.socket.disconnected.connect(afterDisconnect)
    QTimer.singleShot(30000, timeout)

    client.hostLineEdit.setText(parser.value(nameOption))
    # Pressed once the event loop runs, so that app.exit() works at once.
    QTimer.singleShot(0, client.getFortuneButton.click)
    sys.exit(app.exec())


if __name__ == "__main__":
    main()
