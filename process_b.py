#!/usr/bin/env python3
"""Process B: reads the text process A put in shared memory and shows it. A
PyQt5 port of the blog's Widget_PB."""

import os
import sys

from PyQt5.QtCore import (QBuffer, QByteArray, QCommandLineOption, QCommandLineParser,
                          QCoreApplication, QDataStream, pyqtSlot)
from PyQt5.QtWidgets import QWidget

from qtipc import DEFAULT_SHARED_MEMORY_KEY, arg, formClass
from qtipc.program import (EXIT_FAILURE, parseOptions, printError, quitOnTerminationSignals,
                           startApplication, usageError)
from qtipc.shared_memory import SharedMemory, readOneQString, sharedMemoryKeyOption


class Widget_PB(QWidget):

    def __init__(self, key=DEFAULT_SHARED_MEMORY_KEY, parent=None):
        super().__init__(parent)
        self.ui = formClass("widget_pb.ui")()
        self.ui.setupUi(self)
        self.m_key = key
        self.m_sharedMemory = SharedMemory()
        self.m_errorString = ""

    def loadStrFromMemory(self):
        """The text in the segment of the key; on failure, the reason, which
        errorString() then also returns."""
        self.m_errorString = ""
        # 1. Set the key of the shared memory (a new QSharedMemory each time: see renewed())
        self.m_sharedMemory = self.m_sharedMemory.renewed(self)
        self.m_sharedMemory.setKey(self.m_key)
        # 2. Attach this process to the shared memory
        if not self.m_sharedMemory.attachToWritten():
            return self.showError(self.tr("Unable to attach to shared memory segment."))
        # Read the data out of shared memory
        buffer = QBuffer()
        in_ = QDataStream(buffer)

        # 3. Lock the shared memory
        error = self.m_sharedMemory.lockWhenFree()
        if error:
            self.m_sharedMemory.detach()
            return self.showError(error)
        # 4. Take the data out of the shared memory: the segment itself, not a copy
        segment = self.m_sharedMemory.constView()
        buffer.setData(QByteArray.fromRawData(segment))
        buffer.open(QBuffer.ReadOnly)
        text, error = readOneQString(in_, segment)  # in >> str, checked: exactly one QString
        # 5. Unlock the shared memory when done with it
        self.m_sharedMemory.unlock()
        # 6. Detach this process from the shared memory
        self.m_sharedMemory.detach()
        return self.showError(error) if error else text

    def errorString(self):
        """Why the last loadStrFromMemory() failed; "" when it did not."""
        return self.m_errorString

    def showError(self, message):
        printError(message)
        self.m_errorString = message
        return message

    @pyqtSlot()
    def on_pushButton_clicked(self):
        self.ui.textEdit.setPlainText(self.loadStrFromMemory())


def parseArguments():
    """The key and whether to print the text instead of opening a window;
    exits with a message on bad options."""
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "Widget_PB",
        "Process B: reads the text process A shares through shared memory and shows it. "
        "Start process A first and keep it open while reading."))
    keyOption = sharedMemoryKeyOption("Widget_PB")
    printOption = QCommandLineOption(
        "print", translate("Widget_PB", "Read once without opening a window: write the text to "
                           "standard output (UTF-8, exactly, no newline added) and exit; "
                           "if it cannot be read, say why on standard error and exit "
                           "with status 1."))
    parser.addOption(keyOption)
    parser.addOption(printOption)
    parseOptions(parser)
    key = parser.value(keyOption)
    error = None
    if not key:
        error = translate("Widget_PB", "The key must not be empty.")
    elif parser.positionalArguments():
        error = arg(translate("Widget_PB", "Unexpected argument: %1"),
                    parser.positionalArguments()[0])
    if error:
        usageError(error)
    return key, parser.isSet(printOption)


def printStrFromMemory(widget):
    """--print: the exit status."""
    text = widget.loadStrFromMemory()
    if widget.errorString():
        return EXIT_FAILURE
    if not writeFully(sys.stdout.fileno(), text.encode("utf-8")):
        printError(QCoreApplication.translate(
            "Widget_PB", "The text was not written whole: standard output was closed."))
        return EXIT_FAILURE
    return 0


def writeFully(fd, data):
    """Writes all of `data` to `fd`; False when the reader went away first.
    (A buffered sys.stdout write would report a short count, not an error.)"""
    with memoryview(data) as view:
        try:
            while view:
                view = view[os.write(fd, view):]
        except OSError:
            return False
    return True


def main():
    app = startApplication("process-b")
    quitOnTerminationSignals(app)
    key, printOnly = parseArguments()
    widget = Widget_PB(key)
    if printOnly:
        sys.exit(printStrFromMemory(widget))
    widget.show()
    sys.exit(app.exec_())


if __name__ == "__main__":
    main()
