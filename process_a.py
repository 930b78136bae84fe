#!/usr/bin/env python3
"""Process A: writes the text typed into its window to shared memory, where
process B reads it. A PyQt5 port of the blog's Widget_PA; it also shares an
image as Qt's Shared Memory example (corelib/ipc/sharedmemory) does."""

import sys

from PyQt5.QtCore import (QBuffer, QCommandLineOption, QCommandLineParser, QCoreApplication,
                          QDataStream, QSharedMemory, QTimer, pyqtSlot)
from PyQt5.QtWidgets import QFileDialog, QWidget

from qtipc import DEFAULT_SHARED_MEMORY_KEY, arg, asQString, formClass
from qtipc.images import FileDrops, ImageReader, thumbnail
from qtipc.program import (EXIT_FAILURE, keyFrom, parseOptions, printError,
                           quitOnTerminationSignals, readTextFile, sharedMemoryKeyOption,
                           startApplication, usageError)
from qtipc.posix_shared_memory import PosixSharedMemory, available
from qtipc.segment_format import SegmentFormat
from qtipc.shared_memory import SharedMemory
from qtipc.system_limits import SegmentSizeLimit


class Widget_PA(QWidget):

    def __init__(self, key=DEFAULT_SHARED_MEMORY_KEY, parent=None):
        super().__init__(parent)
        self.ui = formClass("widget_pa.ui")()
        self.ui.setupUi(self)
        self.m_key = key
        # Its notices: who holds a lock a write waits for, what it did without it.
        self.m_sharedMemory = SharedMemory(self)
        self.m_sharedMemory.notice.connect(self.say)
        self.m_sharedMemory.notice.connect(printError)
        self.m_qt6Memory = PosixSharedMemory(key, self)  # Qt 6.6+'s native key of the same name
        self.m_qt6Memory.notice.connect(self.say)
        self.m_qt6Memory.notice.connect(printError)
        self.m_format = SegmentFormat()
        self.m_bytesWritten = 0
        self.ui.statusLabel.setText(arg(self.tr("Key: %1"), key))
        FileDrops(self, self.loadFromFile)  # a dropped image is shared as a chosen one

    def sendStrToMemory(self, text):
        """Shares `text` under the key; False when it could not (the window
        and stderr say why)."""
        if not self.m_format.canHoldText(text):  # refused before anything is touched
            return self.showError(self.m_format.errorString())
        # 1、设置共享内存的标志名 (1. Set the key of the shared memory)
        self.m_sharedMemory.setKey(self.m_key)
        if self.m_sharedMemory.isAttached():
            # 2、将该进程与共享内存分离 (2. Detach this process from the shared memory)
            if not self.m_sharedMemory.detachWhenFree():
                return self.showError(arg(self.tr("Unable to detach from shared memory: %1"),
                                          self.m_sharedMemory.errorString()))
        # 将数据加载到共享内存中 (Load the data into the shared memory)
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        out = QDataStream(buffer)
        out.writeQString(asQString(text))
        size = buffer.size()
        # 3、创建共享内存 (3. Create the shared memory segment)
        if not self.m_sharedMemory.createAfterPrevious(size):
            return self.showError(self.m_sharedMemory.errorString())
        # 4、将共享内存上锁 (4. Lock the shared memory)
        if not self.m_sharedMemory.lockWhenFree():
            return self.showError(self.m_sharedMemory.errorString())
        # 5、将进程中要共享的数据拷贝到共享内存中 (5. Copy the data into the shared memory)
        count = self.m_sharedMemory.copyFrom(buffer)
        # 6、将共享内存解锁 (6. Unlock the shared memory)
        self.m_sharedMemory.unlock()
        return self.wrote(count)

    @pyqtSlot()
    def on_pushButton_clicked(self):
        self.sendStrToMemory(self.ui.textEdit.toPlainText())

    # Qt's Shared Memory example (examples/corelib/ipc/sharedmemory/dialog.cpp,
    # Qt 6.6 and later): Dialog::loadFromFile(), given the file name that the
    # button's file dialog, a drop or --image gives.

    def loadFromFile(self, fileName):
        """Shares the image in `fileName`; False when it could not. A file
        that is not an image leaves what was shared before."""
        reader = ImageReader(fileName)
        image = reader.readImage()  # image.load(fileName), checked
        if image is None:
            return self.showError(reader.errorString())
        segmentLimit = SegmentSizeLimit()  # checked before what is shared is touched
        if not segmentLimit.allowsImage(image):
            return self.showError(segmentLimit.errorString())
        self.m_sharedMemory.setKey(self.m_key)
        if self.m_sharedMemory.isAttached() and not self.m_sharedMemory.detachWhenFree():
            return self.showError(self.m_sharedMemory.errorString())
        # load into shared memory
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        out = QDataStream(buffer)
        out << image  # at QDataStream's default version, as the example
        if not self.m_sharedMemory.createAfterPrevious(buffer.size()):
            return self.showError(self.m_sharedMemory.errorString())
        if not self.m_sharedMemory.lockWhenFree():
            return self.showError(self.m_sharedMemory.errorString())
        count = self.m_sharedMemory.copyFrom(buffer)
        self.m_sharedMemory.unlock()
        return self.wrote(count, image, buffer)

    @pyqtSlot()
    def on_loadImageButton_clicked(self):
        fileName, _ = QFileDialog.getOpenFileName(
            self, filter=self.tr("Images (*.png *.xpm *.jpg)"))
        if fileName:
            self.loadFromFile(fileName)

    def wrote(self, count, image=None, buffer=None):
        """After a write: an image goes under Qt 6's native key of the same
        name too, where Qt 6.6+'s Shared Memory example reads it (the write
        stands if that fails, but not if its lock was never released); a
        text takes away the image left there."""
        self.m_bytesWritten = count
        self.say(arg(self.tr("Wrote %1 bytes to shared memory (key %2)."), count, self.m_key))
        self.ui.imageLabel.setPixmap(thumbnail(image, self.ui.imageLabel.maximumSize()))
        if image is None:
            self.m_qt6Memory.release()
        elif available() and not self.m_qt6Memory.publish(buffer.buffer()):
            self.showError(arg(self.tr("Wrote %1 bytes to shared memory (key %2), but not under "
                                       "Qt 6's native key: %3"), count, self.m_key,
                               self.m_qt6Memory.errorString()))
            return self.m_qt6Memory.error() != QSharedMemory.LockError
        return True

    def showError(self, message):
        """Says why a write did not happen; False."""
        self.say(message)
        printError(message)
        return False

    def say(self, message):
        self.ui.statusLabel.setText(message)

    def closeEvent(self, event):
        # The segment lives as long as the window.
        self.m_sharedMemory.leave()
        self.m_qt6Memory.release()
        super().closeEvent(event)


def parseArguments():
    """The key, and the text or the image file to write at start-up (None
    for neither); exits with a message on bad options."""
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "Widget_PA", "Process A: shares the text typed into its window through shared memory, "
                     "for as long as it runs; process B reads it. It shares an image as Qt's "
                     "Shared Memory example does too: \"Load Image From File...\", a dropped "
                     "file or --image. With --text, --text-file or --image it writes at "
                     "start-up and prints \"written N bytes\", or says why and exits 1."))
    keyOption = sharedMemoryKeyOption()
    textOption = QCommandLineOption(
        "text", translate("Widget_PA", "Write <text> at start-up."), translate("Widget_PA", "text"))
    fileOption = QCommandLineOption(
        "text-file", translate("Widget_PA", "Write the contents of <file> (UTF-8, taken byte "
                               "for byte) at start-up; - reads standard input."),
        translate("Widget_PA", "file"))
    imageOption = QCommandLineOption(
        "image", translate("Widget_PA", "Write the image in <file> (PNG, JPEG, XPM, or any "
                           "format Qt reads) at start-up, as Qt's Shared Memory example does."),
        translate("Widget_PA", "file"))
    parser.addOptions([keyOption, textOption, fileOption, imageOption])
    parseOptions(parser)
    key = keyFrom(parser, keyOption)
    if parser.isSet(textOption) and parser.isSet(fileOption):
        usageError(translate("Widget_PA", "Give either --text or --text-file, not both."))
    if parser.isSet(imageOption) and (parser.isSet(textOption) or parser.isSet(fileOption)):
        usageError(translate("Widget_PA", "Give either --image or a text, not both."))
    text = parser.value(textOption) if parser.isSet(textOption) else None
    if parser.isSet(fileOption):
        text = readTextFile(parser.value(fileOption))
    imageFile = parser.value(imageOption) if parser.isSet(imageOption) else None
    return key, text, imageFile


def writeAtStartUp(widget, text, imageFile):
    """Writes the text or image given on the command line; quits with
    status 1 when it cannot be written."""
    if imageFile is not None:
        written = widget.loadFromFile(imageFile)
    else:
        written = widget.sendStrToMemory(text)
    if written:
        # For scripts, and so not translated.
        print("written {} bytes".format(widget.m_bytesWritten), flush=True)
    else:
        QCoreApplication.exit(EXIT_FAILURE)


def main():
    app = startApplication("process-a")
    key, text, imageFile = parseArguments()
    quitOnTerminationSignals(app)
    widget = Widget_PA(key)
    widget.show()
    if text is not None or imageFile is not None:
        # From the event loop, so that a termination signal is never missed.
        given = [text]  # held by the write alone, and freed once written
        del text
        QTimer.singleShot(0, lambda: writeAtStartUp(widget, given.pop(), imageFile))
    sys.exit(app.exec_())


if __name__ == "__main__":
    main()
