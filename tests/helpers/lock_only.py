"""Holds the shared-memory lock of a key where no segment is, until
standard input closes: QSharedMemory(KEY)'s lock is the QSystemSemaphore of
the same key, initial count 1.

    python tests/helpers/lock_only.py KEY

Prints "locked" once it holds the lock; then releases it and exits 0 (Qt
removes the semaphore and key file it made)."""

import sys

from PyQt5.QtCore import QCoreApplication, QSystemSemaphore

app = QCoreApplication(sys.argv[:1])
lock = QSystemSemaphore(sys.argv[1], 1, QSystemSemaphore.Open)
assert lock.acquire(), lock.errorString()
print("locked", flush=True)
sys.stdin.read()
assert lock.release(), lock.errorString()
del lock  # destroyed now: its destructor removes what it made
