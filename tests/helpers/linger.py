"""A reader that stays attached to the segment of a key.

    python tests/helpers/linger.py KEY yes|no

Attaches (read-only) and prints "attached". With "yes", detaches once the
writer has detached (the attach count drops to this process alone) and
prints "writer detached"; with "no", detaches when standard input closes."""

import sys
import time

from PyQt5.QtCore import QSharedMemory

from testbed.sysv import findSegment

key, untilWriterDetaches = sys.argv[1], sys.argv[2] == "yes"
memory = QSharedMemory(key)
assert memory.attach(QSharedMemory.ReadOnly)
print("attached", flush=True)
if untilWriterDetaches:
    while True:
        segment = findSegment(key)
        if segment is None or segment.attachCount <= 1:
            break
        time.sleep(0.001)
    print("writer detached", flush=True)
else:
    sys.stdin.read()
memory.detach()
