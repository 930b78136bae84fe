"""The blog's Widget_PA::sendStrToMemory() and Widget_PB::loadStrFromMemory()
(seed 002) on Qt 6, in PySide6: a peer for the tests, line for line with
tests/helpers/blog_peer.cpp (the same C++ built against Qt 5), with
setKey(key) in place of setKey("processAstr"). On Qt 6.6 and later,
QSharedMemory::setKey(QString) is legacyNativeKey(key): the System V key
of Qt 5. Runs on Qt 6's own library; never import it beside PyQt5.

    python qt6_blog_widgets.py write KEY FILE   shares FILE's UTF-8 text, prints
                                                "written N bytes" and holds it
                                                until standard input closes
    python qt6_blog_widgets.py read KEY         prints what loadStrFromMemory()
                                                returns, in UTF-8
"""

import signal
import sys

from PySide6.QtCore import QBuffer, QCoreApplication, QDataStream, QSharedMemory


def qDebug(*parts):
    print(*parts, file=sys.stderr, flush=True)


class Widget_PA:

    def __init__(self, key):
        self.key = key
        self.m_sharedMemory = QSharedMemory()

    def sendStrToMemory(self, str_):
        # 1. Set the key of the shared memory
        self.m_sharedMemory.setKey(self.key)
        if self.m_sharedMemory.isAttached():
            # 2. Detach this process from the shared memory
            if not self.m_sharedMemory.detach():
                qDebug("Unable to detach from shared memory.")
        # Load the data into shared memory
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        out = QDataStream(buffer)
        out.writeQString(str_)  # out << str
        size = buffer.size()
        # 3. Create the shared memory
        if not self.m_sharedMemory.create(size):
            qDebug(self.m_sharedMemory.errorString(), "\n Unable to create shared memory segment.")
            return

        # 4. Lock the shared memory
        self.m_sharedMemory.lock()
        to = self.m_sharedMemory.data()
        from_ = buffer.data().data()
        # 5. Copy the data to share into the shared memory
        count = min(self.m_sharedMemory.size(), size)
        to[:count] = from_[:count]  # memcpy(to, from, qMin(m_sharedMemory.size(), size))
        # 6. Unlock the shared memory
        self.m_sharedMemory.unlock()


class Widget_PB:

    def __init__(self, key):
        self.key = key
        self.m_sharedMemory = QSharedMemory()

    def loadStrFromMemory(self):
        # 1. Set the key of the shared memory
        self.m_sharedMemory.setKey(self.key)
        # 2. Attach this process to the shared memory
        if not self.m_sharedMemory.attach():
            qDebug("Unable to attach to shared memory segment.")
            return "Unable to attach to shared memory segment."
        # Read the data out of shared memory
        buffer = QBuffer()
        in_ = QDataStream(buffer)

        # 3. Lock the shared memory
        self.m_sharedMemory.lock()
        # 4. Take the data out of the shared memory
        buffer.setData(bytes(self.m_sharedMemory.constData())[:self.m_sharedMemory.size()])
        buffer.open(QBuffer.ReadOnly)
        str_ = in_.readQString()  # in >> str
        # 5. Unlock the shared memory when done with it
        self.m_sharedMemory.unlock()
        # 6. Detach this process from the shared memory
        self.m_sharedMemory.detach()
        return str_


def main():
    app = QCoreApplication(sys.argv[:1])  # noqa: F841
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "write":
        with open(args[2], "rb") as file:
            text = file.read().decode("utf-8")  # QString::fromUtf8(file.readAll())
        if text.startswith("\ufeff"):
            text = "\ufeff" + text  # PySide6 drops one leading U+FEFF making a QString
        writer = Widget_PA(args[1])
        writer.sendStrToMemory(text)
        if not writer.m_sharedMemory.isAttached():
            return 1
        print("written {} bytes".format(writer.m_sharedMemory.size()), flush=True)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            sys.stdin.buffer.read()
        except KeyboardInterrupt:  # SIGINT or SIGTERM: end as the window would close
            pass
        del writer  # ~QSharedMemory: detaches, removing the segment and the semaphore
        return 0
    if len(args) == 2 and args[0] == "read":
        reader = Widget_PB(args[1])
        sys.stdout.buffer.write(reader.loadStrFromMemory().encode("utf-8"))
        sys.stdout.flush()
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
