"""Process B's window (offscreen), as a user reads with it: its blog's read,
loadStrFromMemory(), once, then one click of its button. Run under
count_ipc_calls.c's LD_PRELOAD, so that what each of the two does to the
shared memory is counted from outside Python:

    IPC_CALLS=FILE LD_PRELOAD=count_ipc_calls.so python tests/helpers/click_b.py KEY

Prints one JSON object: "read" and "click", the lines of FILE each added
(its calls that attach and lock); "shows", what the window shows after the
click: "image WxH", or "text: " and the text."""

import json
import os
import sys

from PyQt5.QtWidgets import QApplication

from process_b import Widget_PB


def callsSoFar():
    if not os.path.exists(os.environ["IPC_CALLS"]):
        return []
    with open(os.environ["IPC_CALLS"]) as file:
        return file.read().splitlines()


app = QApplication(sys.argv[:1] + ["-platform", "offscreen"])
widget = Widget_PB(sys.argv[1])
start = len(callsSoFar())
widget.loadStrFromMemory()
afterRead = len(callsSoFar())
widget.ui.pushButton.click()
calls = callsSoFar()
if widget.ui.stackedWidget.currentWidget() is widget.ui.imageArea:
    pixmap = widget.ui.imageLabel.pixmap()
    shows = "image {}x{}".format(pixmap.width(), pixmap.height())
else:
    shows = "text: " + widget.ui.textEdit.toPlainText()
print(json.dumps({"read": calls[start:afterRead], "click": calls[afterRead:], "shows": shows}))
widget.close()
