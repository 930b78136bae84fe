"""A writer caught between create() and its copy: creates the shared memory
of KEY, SIZE bytes (zeros: create() fills it so), writes nothing, prints
"created", and keeps it until standard input closes or SIGTERM comes
(then it detaches, and Qt removes what Qt removes).

    python tests/helpers/created_not_written.py qt5 KEY SIZE
        Qt 5 (PyQt5): the System V segment process A writes.
    python tests/helpers/created_not_written.py qt6 KEY SIZE
        Qt 6 (PySide6, run by its interpreter): the POSIX object of the
        native key KEY, as Qt 6.6+'s Shared Memory example makes it (Qt 6
        leaves it in /dev/shm)."""

import signal
import sys

which, key, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
if which == "qt6":
    from PySide6.QtCore import QCoreApplication, QNativeIpcKey, QSharedMemory
    app = QCoreApplication(sys.argv[:1])
    memory = QSharedMemory(QNativeIpcKey(key))
else:
    from PyQt5.QtCore import QCoreApplication, QSharedMemory
    app = QCoreApplication(sys.argv[:1])
    memory = QSharedMemory(key)
if not memory.create(size):
    print(memory.errorString(), flush=True)
    sys.exit(1)
print("created", flush=True)
signal.signal(signal.SIGTERM, signal.default_int_handler)
try:
    sys.stdin.read()
except KeyboardInterrupt:
    pass
memory.detach()
del memory  # ~QSharedMemory, as a program's own at its end
