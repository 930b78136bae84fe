"""A to B's floor: the blog's steps and nothing else, each in PyQt5's
cheapest idiom, as server_floor.py is the fortune server's. The shared-memory
benchmark's peer for Widget_PA.sendStrToMemory + Widget_PB.loadStrFromMemory.

- process A: a QBuffer, out.writeQString(text) (the blog's out << str),
  create, lock, a copy from the QBuffer's own bytes into data(), unlock;
- process B: attach, lock, in >> str read straight from constData() (the
  quint32 byte length, then the UTF-16BE bytes decoded once), unlock,
  detach.

Nothing is checked that the blog does not check, and nothing waits.

As programs, for the memory rows (a QApplication and a shown QWidget, as
the blog's Widget_PA and Widget_PB are):

    python -m bench.shm_floor write KEY FILE   shares FILE's UTF-8 text, prints
                                               "written N bytes" and holds it until
                                               standard input closes or SIGTERM comes
    python -m bench.shm_floor read KEY         prints the text in UTF-8
"""

import signal
import sys

from PyQt5.QtCore import QBuffer, QDataStream, QSharedMemory

NULL_STRING = 0xffffffff


class FloorWriter:
    def __init__(self, key):
        self.key = key
        self.m_sharedMemory = QSharedMemory()

    def sendStrToMemory(self, text):
        self.m_sharedMemory.setKey(self.key)
        if self.m_sharedMemory.isAttached():
            self.m_sharedMemory.detach()
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        QDataStream(buffer).writeQString(text)
        size = buffer.size()
        if not self.m_sharedMemory.create(size):
            return False
        self.m_sharedMemory.lock()
        to = self.m_sharedMemory.data()
        to.setsize(size)
        with memoryview(buffer.buffer()) as data:
            to[0:size] = data
        self.m_sharedMemory.unlock()
        return True

    def leave(self):
        self.m_sharedMemory.detach()


class FloorReader:
    def __init__(self, key):
        self.key = key
        self.m_sharedMemory = QSharedMemory()

    def loadStrFromMemory(self):
        """The text, or None when there is no segment to attach to."""
        self.m_sharedMemory.setKey(self.key)
        if not self.m_sharedMemory.attach():
            return None
        self.m_sharedMemory.lock()
        segment = self.m_sharedMemory.constData()
        segment.setsize(self.m_sharedMemory.size())
        with memoryview(segment) as view:
            length = int.from_bytes(view[:4], "big")
            text = "" if length == NULL_STRING else str(view[4:4 + length], "utf-16-be")
        self.m_sharedMemory.unlock()
        self.m_sharedMemory.detach()
        return text


def stopOnTermination(*_):
    raise SystemExit(0)


def main():
    signal.signal(signal.SIGTERM, stopOnTermination)
    from PyQt5.QtWidgets import QApplication, QWidget
    app = QApplication(sys.argv[:1])  # noqa: F841
    window = QWidget()
    window.show()
    if sys.argv[1:2] == ["read"]:
        text = FloorReader(sys.argv[2]).loadStrFromMemory()
        if text is None:
            sys.exit(1)
        sys.stdout.buffer.write(text.encode("utf-8"))
        return
    with open(sys.argv[3], "rb") as f:
        text = f.read().decode("utf-8")
    writer = FloorWriter(sys.argv[2])
    if not writer.sendStrToMemory(text):
        sys.exit(1)
    print("written {} bytes".format(writer.m_sharedMemory.size()), flush=True)
    try:
        sys.stdin.buffer.read()
    finally:
        writer.leave()


if __name__ == "__main__":
    main()
