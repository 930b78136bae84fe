#!/usr/bin/env python3
"""Process B: reads the text process A put in shared memory and shows it. A
PyQt5 port of the blog's Widget_PB; it also shows an image that process A or
Qt's Shared Memory example (corelib/ipc/sharedmemory) shares."""

import sys

from PyQt5.QtCore import (QBuffer, QByteArray, QCommandLineOption, QCommandLineParser,
                          QCoreApplication, QDataStream, pyqtSlot)
from PyQt5.QtGui import QImageWriter, QPixmap
from PyQt5.QtWidgets import QWidget

from qtipc import DEFAULT_SHARED_MEMORY_KEY, arg, asQString, formClass
from qtipc.program import (EXIT_FAILURE, keyFrom, parseOptions, printError,
                           quitOnTerminationSignals, sharedMemoryKeyOption, startApplication,
                           usageError, writeFully)
from qtipc.posix_shared_memory import PosixSharedMemory
from qtipc.segment_format import SegmentFormat, readFromBytes
from qtipc.shared_memory import SharedMemory


class Widget_PB(QWidget):

    def __init__(self, key=DEFAULT_SHARED_MEMORY_KEY, parent=None):
        super().__init__(parent)
        self.ui = formClass("widget_pb.ui")()
        self.ui.setupUi(self)
        self.m_key = key
        self.m_sharedMemory = SharedMemory(notice=printError)  # who holds a lock a read waits for
        self.m_qt6Memory = PosixSharedMemory(key, self)  # Qt 6.6+'s native key of the same name
        self.m_qt6Memory.notice.connect(printError)
        self.m_format = SegmentFormat()
        self.m_errorString = ""

    def loadStrFromMemory(self):
        """The text in the segment of the key; on failure, as in the blog,
        the reason, which errorString() then returns too."""
        self.m_errorString = ""
        # 1、设置共享内存的标志名 (1. Set the key of the shared memory)
        self.m_sharedMemory = self.m_sharedMemory.renewed(self)  # see renewed(): Qt 5's lock-maker
        self.m_sharedMemory.setKey(self.m_key)
        # 2、将共享内存与该进程绑定 (2. Attach this process to the shared memory)
        if not self.m_sharedMemory.attachToWritten():
            text = self.readQt6Memory(self.m_format.readText)  # none under the legacy key
            return self.errorString() if text is None else text
        # 从共享内存中读取数据 (Read the data out of the shared memory)
        buffer = QBuffer()
        in_ = QDataStream(buffer)

        # 3、将共享内存上锁 (3. Lock the shared memory)
        if not self.m_sharedMemory.lockWhenFree():
            self.m_sharedMemory.detachWhenFree()
            return self.showError(self.m_sharedMemory.errorString())
        # 4、从共享内存中取数据 (4. Take the data out: the segment itself, not a copy)
        segment = self.m_sharedMemory.constView()
        buffer.setData(QByteArray.fromRawData(segment))
        buffer.open(QBuffer.ReadOnly)
        text = self.m_format.readText(in_, segment)  # in >> str, checked
        # 5、使用完后将共享内存解锁 (5. Unlock the shared memory when done with it)
        self.m_sharedMemory.unlock()
        # 6、将共享内存与该进程分离 (6. Detach this process from the shared memory)
        self.m_sharedMemory.detachWhenFree()
        return text if text is not None else self.showError(self.m_format.errorString())

    @pyqtSlot()
    def on_pushButton_clicked(self):
        text = self.loadStrFromMemory()
        image = self.m_format.takeImage()  # not a text: the image Qt's example shares
        if image is not None:
            return self.showImage(image)  # as this read found it, not read again
        self.ui.textEdit.setPlainText(asQString(text))
        self.ui.stackedWidget.setCurrentWidget(self.ui.textEdit)

    # Qt's Shared Memory example (examples/corelib/ipc/sharedmemory/dialog.cpp,
    # Qt 6.6 and later): Dialog::loadFromMemory() for --save-image, and the
    # label it shows the image in.

    def loadImageFromMemory(self):
        """The image in the segment (attach, lock, in >> image, unlock,
        detach); None when there is none, and errorString() says why."""
        self.m_errorString = ""
        self.m_sharedMemory = self.m_sharedMemory.renewed(self)  # as loadStrFromMemory
        self.m_sharedMemory.setKey(self.m_key)
        if not self.m_sharedMemory.attachToWritten():
            return self.readQt6Memory(self.m_format.readImage)  # none under the legacy key
        buffer = QBuffer()
        in_ = QDataStream(buffer)
        if not self.m_sharedMemory.lockWhenFree():
            self.m_sharedMemory.detachWhenFree()
            self.showError(self.m_sharedMemory.errorString())
            return None
        segment = self.m_sharedMemory.constView()
        buffer.setData(QByteArray.fromRawData(segment))
        buffer.open(QBuffer.ReadOnly)
        image = self.m_format.readImage(in_, segment)  # in >> image, checked
        self.m_sharedMemory.unlock()
        self.m_sharedMemory.detachWhenFree()
        if image is None:
            self.showError(self.m_format.errorString())
        return image

    def showImage(self, image):
        self.ui.imageLabel.setPixmap(QPixmap.fromImage(image))
        self.ui.stackedWidget.setCurrentWidget(self.ui.imageArea)

    def readQt6Memory(self, read):
        """`read` (SegmentFormat.readText or readImage) of what Qt 6's native
        key of the same name holds, where the legacy key has no segment: Qt
        6.6+'s Shared Memory example writes there. None when neither has
        one, or it cannot be read; errorString() says why."""
        if not self.m_sharedMemory.isMissing():  # there, but refused or unreadable: why
            self.showError(arg(self.tr("Unable to attach to shared memory segment: %1"),
                               self.m_sharedMemory.errorString()))
            return None
        data = self.m_qt6Memory.read()
        if data is None:
            self.showError(self.m_qt6Memory.errorString() if not self.m_qt6Memory.isMissing()
                           else self.tr("Unable to attach to shared memory segment."))
            return None
        result = readFromBytes(read, data)
        if result is None:
            self.showError(self.m_format.errorString())
        return result

    def errorString(self):
        """Why the last read failed; "" when it did not."""
        return self.m_errorString

    def showError(self, message):
        printError(message)
        self.m_errorString = message
        return message


def parseArguments():
    """The key, whether to print the text without a window, and the file to
    save the image to without a window (or None); exits with a message on
    bad options."""
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "Widget_PB", "Process B: shows the text or image that process A shares. --print and "
                     "--save-image read once with no window, and exit 1, saying why, if they "
                     "cannot."))
    keyOption = sharedMemoryKeyOption()
    printOption = QCommandLineOption("print", translate(
        "Widget_PB", "Write the text to standard output (UTF-8, exactly) and exit."))
    saveImageOption = QCommandLineOption("save-image", translate(
        "Widget_PB", "Save the image to <file> as PNG, pixel for pixel, and exit."),
        translate("Widget_PB", "file"))
    parser.addOptions([keyOption, printOption, saveImageOption])
    parseOptions(parser)
    if parser.isSet(printOption) and parser.isSet(saveImageOption):
        usageError(translate("Widget_PB", "Give either --print or --save-image, not both."))
    if parser.isSet(saveImageOption) and not parser.value(saveImageOption):
        usageError(translate("Widget_PB", "The file name for --save-image must not be empty."))
    imageFile = parser.value(saveImageOption) if parser.isSet(saveImageOption) else None
    return keyFrom(parser, keyOption), parser.isSet(printOption), imageFile


def readWithoutWindow(widget, imageFile):
    """--print, or --save-image `imageFile`: reads once; the exit status."""
    translate = QCoreApplication.translate
    if imageFile is None:
        text = widget.loadStrFromMemory()
        if not widget.errorString() and not writeFully(sys.stdout.fileno(), text.encode("utf-8")):
            widget.showError(translate("Widget_PB", "The text was not written whole: standard "
                                                    "output was closed."))
        return EXIT_FAILURE if widget.errorString() else 0
    image = widget.loadImageFromMemory()
    writer = QImageWriter(imageFile, b"png")
    if image is not None and not writer.write(image):
        widget.showError(arg(translate("Widget_PB", "Cannot save the image to %1: %2"),
                             imageFile, writer.errorString()))
    return EXIT_FAILURE if widget.errorString() else 0


def main():
    app = startApplication("process-b", windowless=("--print", "--save-image"))
    key, printing, imageFile = parseArguments()
    quitOnTerminationSignals(app)
    widget = Widget_PB(key)
    if printing or imageFile is not None:
        sys.exit(readWithoutWindow(widget, imageFile))
    widget.show()
    sys.exit(app.exec_())


if __name__ == "__main__":
    main()
