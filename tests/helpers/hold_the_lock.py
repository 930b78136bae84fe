"""Holds the shared-memory lock of a key until standard input closes.

    python tests/helpers/hold_the_lock.py KEY [TEXT]

With TEXT, first shares it as process A does (Widget_PA.sendStrToMemory);
without, attaches to the segment already there, as a reader. Prints
"locked" once it holds the lock; then unlocks, detaches and exits 0 when
standard input closes (or dies holding it, if killed)."""

import sys

from PyQt5.QtCore import QSharedMemory
from PyQt5.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
key = sys.argv[1]
if len(sys.argv) > 2:
    from process_a import Widget_PA
    widget = Widget_PA(key)
    assert widget.sendStrToMemory(sys.argv[2])
    memory = widget.m_sharedMemory
else:
    memory = QSharedMemory(key)
    assert memory.attach(QSharedMemory.ReadOnly), memory.errorString()
assert memory.lock(), memory.errorString()
print("locked", flush=True)
sys.stdin.read()
assert memory.unlock(), memory.errorString()
memory.detach()
