#!/usr/bin/env python3
"""PyQt's start-up floor for the fortune server's shape: a QApplication, a
QDialog and QLocalServer.listen(), nothing else imported. bench_startup.py
times it to a listening socket beside fortune_server.py, in the same run.

    listen_floor.py NAME
"""

import sys

from PyQt5.QtNetwork import QLocalServer
from PyQt5.QtWidgets import QApplication, QDialog

app = QApplication(sys.argv)
dialog = QDialog()
server = QLocalServer(dialog)
if not server.listen(app.arguments()[1]):
    sys.exit(server.errorString())
dialog.show()
sys.exit(app.exec_())
