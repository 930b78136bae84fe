"""A to B's floor: the blog's steps and nothing else, each in PyQt5's
cheapest idiom, as server_floor.py is the fortune server's. The shared-memory
benchmark's peer for Widget_PA.sendStrToMemory + Widget_PB.loadStrFromMemory.

- process A: a QBuffer, out.writeQString(text) (the blog's out << str),
  create, lock, a copy from the QBuffer's own bytes into data(), unlock;
- process B: attach, lock, in >> str read straight from constData() (the
  quint32 byte length, then the UTF-16BE bytes decoded once), unlock,
  detach.

Nothing is checked that the blog does not check, and nothing waits."""

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
