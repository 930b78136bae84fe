#!/usr/bin/env python3
"""Process B: reads the text process A put in shared memory and shows it. A
PyQt5 port of the blog's Widget_PB."""

import os
import sys

from PyQt5.QtCore import (QBuffer, QByteArray, QCommandLineOption, QCommandLineParser,
                          QCoreApplication, QDataStream, QSharedMemory, pyqtSlot)
from PyQt5.QtWidgets import QWidget

from qtipc import DEFAULT_SHARED_MEMORY_KEY, arg, loadForm
from qtipc.program import (EXIT_FAILURE, parseOptions, printError, quitOnTerminationSignals,
                           startApplication, usageError)
from qtipc.shared_memory import fileIdentity, semaphoreKeyFile, sharedMemoryKeyOption


class Widget_PB(QWidget):

    def __init__(self, key=DEFAULT_SHARED_MEMORY_KEY, parent=None):
        super().__init__(parent)
        loadForm("widget_pb.ui", self)
        self.m_key = key
        self.m_sharedMemory = QSharedMemory()
        self.m_lockMakers = []
        self.m_errorString = ""

    def loadStrFromMemory(self):
        """The text in the segment of the key; on failure, the reason, which
        errorString() then also returns."""
        self.m_errorString = ""
        lockFile = fileIdentity(semaphoreKeyFile(self.m_key))
        # 1. Set the key of the shared memory (on a new QSharedMemory each
        # time, see keepIfLockMaker())
        self.m_sharedMemory = QSharedMemory()
        self.m_sharedMemory.setKey(self.m_key)
        # 2. Attach this process to the shared memory (attach() would make a
        # lock semaphore for a key nobody writes, so look for the key file
        # first, as attach() itself does later)
        if not os.path.exists(self.m_sharedMemory.nativeKey()):
            return self.showError(self.tr("Unable to attach to shared memory segment."))
        if not self.m_sharedMemory.attach(QSharedMemory.ReadOnly):
            self.keepIfLockMaker(lockFile)
            return self.showError(self.tr("Unable to attach to shared memory segment."))
        # Read the data out of shared memory
        buffer = QBuffer()
        in_ = QDataStream(buffer)
        in_.setVersion(QDataStream.Qt_5_15)

        # 3. Lock the shared memory
        if not self.m_sharedMemory.lock():
            error = self.m_sharedMemory.errorString()
            self.m_sharedMemory.detach()
            self.keepIfLockMaker(lockFile)
            return self.showError(arg(self.tr("Unable to lock shared memory: %1"), error))
        try:
            # 4. Take the data out of the shared memory, reading the segment
            # itself, not a copy: the length first, so that a text still
            # being written is seen as such (see process A), and again last
            size = self.m_sharedMemory.size()
            segment = self.m_sharedMemory.constData()
            segment.setsize(size)
            with memoryview(segment) as view:
                length = bytes(view[:4])
                buffer.setData(QByteArray.fromRawData(segment))
                buffer.open(QBuffer.ReadOnly)
                text = self.readText(in_, view)
                read = (in_.status(), buffer.pos(), bytes(view[:4]))
        finally:
            # Nothing may point into the segment once it is detached.
            buffer.close()
            buffer.setData(QByteArray())
            # 5. Unlock the shared memory when done with it
            self.m_sharedMemory.unlock()
        # 6. Detach this process from the shared memory
        self.m_sharedMemory.detach()
        self.keepIfLockMaker(lockFile)

        error = self.checkText(size, length, text, *read)
        if error:
            return self.showError(error)
        return text

    @staticmethod
    def readText(stream, view):
        """in >> str: reads what QDataStream >> QString reads (a quint32 byte
        length, then that many bytes of UTF-16BE), leaving the stream at the
        same position and status; None when it is not valid UTF-16. The
        stream reads the length and steps over the text, which is decoded
        straight from `view`, the segment, where the stream found it: no
        copy of it (readQString() would make a QString, and PyQt convert
        that to a str one character at a time)."""
        length = stream.readUInt32()
        if length in (0, 0xffffffff):  # empty, or a null QString
            return ""
        if length % 2:
            stream.setStatus(QDataStream.ReadCorruptData)
            return ""
        start = stream.device().pos()
        if stream.skipRawData(min(length, len(view))) != length:
            return ""  # the stream is at ReadPastEnd
        try:
            return str(view[start:start + length], "utf-16-be")
        except UnicodeDecodeError:
            return None

    def keepIfLockMaker(self, lockFile):
        """Qt 5 lets the QSharedMemory that made the lock's semaphore and its
        key file delete them when it is destroyed or attaches again. A
        reader makes them if it attaches just as a writer's create() deletes
        and remakes them; the lock would then no longer be the writer's. So
        a QSharedMemory that may have made them (the key file changed during
        the read) is kept, as long as the window, instead of destroyed."""
        if fileIdentity(semaphoreKeyFile(self.m_key)) != lockFile:
            self.m_lockMakers.append(self.m_sharedMemory)

    def checkText(self, size, length, text, status, pos, lengthAgain):
        """Why the segment's `size` bytes are not exactly one serialized
        QString (quint32 byte length, UTF-16BE), or "" when they are: its
        `length` field read before the text and `lengthAgain` after it,
        the `text` read (None: not UTF-16), and the stream's `status` and
        position at the end."""
        if size < 4:
            return arg(self.tr("The shared memory segment is too small (%1 bytes) to hold a "
                               "text."), size)
        if length != lengthAgain or (length == bytes(4) and size > 4):
            return self.tr("Nothing has been written to the shared memory segment yet.")
        declared = int.from_bytes(length, "big")
        if declared == 0xffffffff:  # a null QString
            declared = 0
        if status == QDataStream.ReadCorruptData:
            return arg(self.tr("The shared memory segment does not hold a text: its length "
                               "field (%1) is an odd number of bytes."), declared)
        if status != QDataStream.Ok:
            return arg(self.tr("The shared memory segment does not hold a whole text: its length "
                               "field says %1 bytes, but only %2 follow it."), declared, size - 4)
        if pos != size:
            return arg(self.tr("The shared memory segment does not hold just a text: %1 bytes "
                               "follow it."), size - pos)
        if text is None:
            return self.tr("The shared memory segment does not hold valid UTF-16 text.")
        return ""

    def errorString(self):
        """Why the last loadStrFromMemory() failed; "" when it did not."""
        return self.m_errorString

    def showError(self, message):
        printError(message)
        self.m_errorString = message
        return message

    @pyqtSlot()
    def on_pushButton_clicked(self):
        self.textEdit.setPlainText(self.loadStrFromMemory())


def parseArguments():
    """The key and whether to print the text instead of opening a window;
    exits with a message on bad options."""
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "main",
        "Process B: reads the text process A shares through shared memory and shows it. "
        "Start process A first and keep it open while reading."))
    keyOption = sharedMemoryKeyOption()
    printOption = QCommandLineOption(
        "print", translate("main", "Read once without opening a window: write the text to "
                           "standard output (UTF-8, exactly, no newline added) and exit; "
                           "if it cannot be read, say why on standard error and exit "
                           "with status 1."))
    parser.addOption(keyOption)
    parser.addOption(printOption)
    parseOptions(parser)
    key = parser.value(keyOption)
    error = None
    if not key:
        error = translate("main", "The key must not be empty.")
    elif parser.positionalArguments():
        error = arg(translate("main", "Unexpected argument: %1"), parser.positionalArguments()[0])
    if error:
        usageError(error)
    return key, parser.isSet(printOption)


def printStrFromMemory(widget):
    """--print: the exit status."""
    text = widget.loadStrFromMemory()
    if widget.errorString():
        return EXIT_FAILURE
    try:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        return EXIT_FAILURE
    return 0


def main():
    app = startApplication("process-b")
    key, printOnly = parseArguments()
    widget = Widget_PB(key)
    if printOnly:
        sys.exit(printStrFromMemory(widget))
    quitOnTerminationSignals(app)
    widget.show()
    sys.exit(app.exec_())


if __name__ == "__main__":
    main()
