"""Process A's window let go as pytest-qt lets one go at the end of a
test: deleteLater() pending (not closed, so that nothing released its
shared memory before), its Python object kept only by a reference cycle
(as a child holding one of its bound methods keeps it), so that the
garbage collector takes the Python objects before Qt deletes the window,
the next time an event loop runs (a wait for a lock, say):

    python tests/helpers/collected_window.py KEY IMAGE

Shares IMAGE under KEY (the System V segment and Qt 6's native key), then
lets the window go that way. Prints "shared"; "collected" once the garbage
collector has taken the window's Python object while Qt still has the
window, and "released" if Qt 6's native key then names no object any more;
then "deleted" once the event loop has deleted the window. A slot that the
collector freed, called as the window is destroyed, kills it with SIGSEGV
instead."""

import gc
import os
import sys
import weakref

from PyQt5.QtWidgets import QApplication

import process_a
from qtipc.waiting import waitWithEvents

key, image = sys.argv[1:3]
app = QApplication(sys.argv[:1] + ["-platform", "offscreen"])
window = process_a.Widget_PA(key)
if not window.loadFromFile(image):
    sys.exit("not shared: " + window.ui.statusLabel.text())
print("shared", flush=True)
window.cycle = window
window.deleteLater()
collected = weakref.ref(window)
del window
gc.collect()
if collected() is not None or len(app.topLevelWidgets()) != 1:
    sys.exit("the window's Python object was not collected before the window was deleted")
print("collected", flush=True)
if not os.path.exists(os.path.join("/dev/shm", key)):
    print("released", flush=True)
waitWithEvents(10)
if app.topLevelWidgets():
    sys.exit("the window was not deleted")
print("deleted", flush=True)
