"""Helper program: fetches one fortune with fortune_client.Client, as a user
pressing Get Fortune would, and prints it; prints what a message box would
have said instead, and exits 1, when the client reports a problem.

    client_fetch.py SERVER_NAME
"""

import sys
import time

from PyQt5.QtCore import QEventLoop
from PyQt5.QtWidgets import QApplication, QMessageBox

from fortune_client import Client

app = QApplication(sys.argv[:1])
problems = []
# The client's message boxes, answered at once (no one is there to click).
QMessageBox.information = staticmethod(
    lambda parent, title, text, *args: problems.append(text) or QMessageBox.Ok)

client = Client(sys.argv[1])
shown = client.statusLabel.text()
client.getFortuneButton.click()
deadline = time.monotonic() + 30
while client.statusLabel.text() == shown and not problems and time.monotonic() < deadline:
    app.processEvents(QEventLoop.WaitForMoreEvents, 100)
if problems or client.statusLabel.text() == shown:
    print(problems[0] if problems else "no fortune in 30 s", flush=True)
    sys.exit(1)
print(client.statusLabel.text(), flush=True)
