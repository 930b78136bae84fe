#!/usr/bin/env python3
"""Process B: reads the text process A put in shared memory and shows it. A
PyQt5 port of the blog's Widget_PB; it also shows an image that process A or
Qt's Shared Memory example (corelib/ipc/sharedmemory) shares."""

import os
import sys

from PyQt5.QtCore import (QBuffer, QByteArray, QCommandLineOption, QCommandLineParser,
                          QCoreApplication, QDataStream, pyqtSlot)
from PyQt5.QtGui import QImage, QImageWriter, QPixmap
from PyQt5.QtWidgets import QWidget

from qtipc import DEFAULT_SHARED_MEMORY_KEY, arg, asQString, formClass
from qtipc.program import (EXIT_FAILURE, parseOptions, printError, quitOnTerminationSignals,
                           startApplication, usageError)
from qtipc.posix_shared_memory import PosixSharedMemory
from qtipc.shared_memory import SharedMemory, readTextOrImage, sharedMemoryKeyOption


class Widget_PB(QWidget):

    def __init__(self, key=DEFAULT_SHARED_MEMORY_KEY, parent=None):
        super().__init__(parent)
        self.ui = formClass("widget_pb.ui")()
        self.ui.setupUi(self)
        self.m_key = key
        self.m_sharedMemory = SharedMemory()
        self.m_qt6Memory = PosixSharedMemory(key, self)  # Qt 6's native key of the same name
        self.m_qt6Memory.waitingForLock.connect(printError)
        self.m_errorString = ""

    def loadStrFromMemory(self):
        """The text in the segment of the key, or the QImage there; on failure,
        the reason, which errorString() then also returns."""
        self.m_errorString = ""
        # 1. Set the key of the shared memory (a new QSharedMemory each time: see renewed())
        self.m_sharedMemory = self.m_sharedMemory.renewed(self)
        self.m_sharedMemory.setKey(self.m_key)
        # 2. Attach this process to the shared memory
        if not self.m_sharedMemory.attachToWritten():
            # No System V segment: what Qt 6's native key of the same name holds, if anything
            data, error = self.m_qt6Memory.readParsed(
                readTextOrImage, self.tr("Unable to attach to shared memory segment."))
            return self.showError(error) if error else data
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
        # in >> str, checked: exactly one QString; or in >> image, as Qt's example shares one
        data, error = readTextOrImage(in_, segment)
        # 5. Unlock the shared memory when done with it
        self.m_sharedMemory.unlock()
        # 6. Detach this process from the shared memory
        self.m_sharedMemory.detach()
        return self.showError(error) if error else data

    def errorString(self):
        """Why the last loadStrFromMemory() failed; "" when it did not."""
        return self.m_errorString

    def showError(self, message):
        printError(message)
        self.m_errorString = message
        return message

    @pyqtSlot()
    def on_pushButton_clicked(self):
        data = self.loadStrFromMemory()
        if isinstance(data, QImage):
            self.ui.imageLabel.setPixmap(QPixmap.fromImage(data))
            self.ui.stackedWidget.setCurrentWidget(self.ui.imageArea)
        else:
            self.ui.textEdit.setPlainText(asQString(data))
            self.ui.stackedWidget.setCurrentWidget(self.ui.textEdit)


def parseArguments():
    """The key and what to do instead of opening a window: (key, None) for
    the window, (key, a function of the widget returning the exit status)
    for --print or --save-image; exits with a message on bad options."""
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "Widget_PB",
        "Process B: reads the text process A shares through shared memory and shows it. "
        "Start process A first and keep it open while reading.\n"
        "It shows an image too, shared by process A or by Qt's Shared Memory example "
        "(QDataStream << QImage; use --key QSharedMemoryExample for that example)."))
    keyOption = sharedMemoryKeyOption()
    printOption = QCommandLineOption(
        "print", translate("Widget_PB", "Read once without opening a window: write the text to "
                           "standard output (UTF-8, exactly, no newline added) and exit; "
                           "if it cannot be read, or the segment holds an image, say why on "
                           "standard error and exit with status 1."))
    saveImageOption = QCommandLineOption(
        "save-image", translate("Widget_PB", "Read once without opening a window: save the "
                                "image in the segment to <file> as PNG, pixel for pixel, and "
                                "exit; if it cannot be read or saved, or the segment holds a "
                                "text, say why on standard error and exit with status 1."),
        translate("Widget_PB", "file"))
    parser.addOption(keyOption)
    parser.addOption(printOption)
    parser.addOption(saveImageOption)
    parseOptions(parser)
    key = parser.value(keyOption)
    error = None
    if not key:
        error = translate("Widget_PB", "The key must not be empty.")
    elif parser.positionalArguments():
        error = arg(translate("Widget_PB", "Unexpected argument: %1"),
                    parser.positionalArguments()[0])
    elif parser.isSet(printOption) and parser.isSet(saveImageOption):
        error = translate("Widget_PB", "Give either --print or --save-image, not both.")
    elif parser.isSet(saveImageOption) and not parser.value(saveImageOption):
        error = translate("Widget_PB", "The file name for --save-image must not be empty.")
    if error:
        usageError(error)
    if parser.isSet(saveImageOption):
        fileName = parser.value(saveImageOption)
        return key, lambda widget: saveImageFromMemory(widget, fileName)
    return key, printStrFromMemory if parser.isSet(printOption) else None


def printStrFromMemory(widget):
    """--print: the exit status."""
    text = widget.loadStrFromMemory()
    if widget.errorString():
        return EXIT_FAILURE
    if isinstance(text, QImage):
        printError(arg(QCoreApplication.translate(
            "Widget_PB", "The shared memory segment holds an image (%1x%2 pixels), not a text; "
                         "save it with --save-image FILE."), text.width(), text.height()))
        return EXIT_FAILURE
    if not writeFully(sys.stdout.fileno(), text.encode("utf-8")):
        printError(QCoreApplication.translate(
            "Widget_PB", "The text was not written whole: standard output was closed."))
        return EXIT_FAILURE
    return 0


def saveImageFromMemory(widget, fileName):
    """--save-image: the exit status."""
    translate = QCoreApplication.translate
    image = widget.loadStrFromMemory()
    if widget.errorString():
        return EXIT_FAILURE
    if not isinstance(image, QImage):
        printError(translate("Widget_PB", "The shared memory segment holds a text, not an "
                                          "image; read it with --print."))
        return EXIT_FAILURE
    writer = QImageWriter(fileName, b"png")
    if not writer.write(image):
        printError(arg(translate("Widget_PB", "Cannot save the image to %1: %2"), fileName,
                       writer.errorString()))
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
    if {"--print", "--save-image"} & {argument.split("=")[0] for argument in sys.argv[1:]}:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window: no display needed
    app = startApplication("process-b")
    key, readOnce = parseArguments()
    quitOnTerminationSignals(app)
    widget = Widget_PB(key)
    if readOnce is not None:
        sys.exit(readOnce(widget))
    widget.show()
    sys.exit(app.exec_())


if __name__ == "__main__":
    main()
