#!/usr/bin/env python3
"""Process A: writes the text typed into its window to shared memory, where
process B reads it. A PyQt5 port of the blog's Widget_PA; it also shares an
image as Qt's Shared Memory example (corelib/ipc/sharedmemory) does."""

import sys

from PyQt5.QtCore import (QBuffer, QCommandLineOption, QCommandLineParser, QCoreApplication,
                          QDataStream, QTimer, pyqtSlot)
from PyQt5.QtWidgets import QFileDialog, QWidget

from qtipc import DEFAULT_SHARED_MEMORY_KEY, arg, formClass
from qtipc.program import (EXIT_FAILURE, parseOptions, printError, quitOnTerminationSignals,
                           startApplication, usageError)
from qtipc.images import FileDrops, imageFromFile, thumbnail
from qtipc.posix_shared_memory import PosixSharedMemory, available
from qtipc.shared_memory import SharedMemory, sharedMemoryKeyOption, utf16ForQString


class Widget_PA(QWidget):

    def __init__(self, key=DEFAULT_SHARED_MEMORY_KEY, parent=None):
        super().__init__(parent)
        self.ui = formClass("widget_pa.ui")()
        self.ui.setupUi(self)
        self.m_key = key
        self.m_sharedMemory = SharedMemory(self)
        self.m_sharedMemory.waitingForLock.connect(self.ui.statusLabel.setText)
        self.m_qt6Memory = PosixSharedMemory(key, self)  # Qt 6's native key of the same name
        self.m_qt6Memory.waitingForLock.connect(self.ui.statusLabel.setText)
        self.m_qt6Memory.waitingForLock.connect(printError)
        self.ui.statusLabel.setText(arg(self.tr("Key: %1"), key))
        FileDrops(self, self.loadFromFile)  # an image file dropped on the window is shared

    def sendStrToMemory(self, text, image=None):
        """Writes `text` to the segment of the key, or `image` in its place as
        Qt's Shared Memory example does: the number of bytes written, or False."""
        utf16, error = utf16ForQString(text)  # refused before the old text is touched
        if error:
            return self.showError(error)
        # 1. Set the key of the shared memory
        self.m_sharedMemory.setKey(self.m_key)
        # 2. Detach this process from the shared memory (if it is attached)
        if self.m_sharedMemory.isAttached() and not self.m_sharedMemory.detach():
            return self.showError(arg(self.tr("Unable to detach from shared memory: %1"),
                                      self.m_sharedMemory.errorString()))
        # Load the data into shared memory
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        out = QDataStream(buffer)
        if image is None:
            # out << str: writeBytes(utf16) writes the same bytes as writeQString(text)
            # (quint32 byte length, UTF-16BE), many times faster (docs/deviations.md).
            out.writeBytes(utf16)
        else:
            out << image  # as Qt's example does, at QDataStream's default version
        # 3. Create the shared memory segment
        error = self.m_sharedMemory.createAfterPrevious(buffer.size())
        if error:
            return self.showError(error)
        # 4. Lock the shared memory
        error = self.m_sharedMemory.lockWhenFree()
        if error:
            return self.showError(error)
        # 5. Copy the data to share into the shared memory
        count = self.m_sharedMemory.copyFrom(buffer)
        # 6. Unlock the shared memory
        self.m_sharedMemory.unlock()
        self.ui.statusLabel.setText(arg(self.tr("Wrote %1 bytes to shared memory (key %2)."),
                                        count, self.m_key))
        self.ui.imageLabel.setPixmap(thumbnail(image, self.ui.imageLabel.maximumSize()))
        # The same bytes under Qt 6's native key of the same name, for Qt 6.6+'s programs
        if available()[0] and not self.m_qt6Memory.publish(buffer.buffer()):
            self.showError(arg(self.tr("Wrote %1 bytes to shared memory (key %2), but not under "
                                       "Qt 6's native key: %3"), count, self.m_key,
                               self.m_qt6Memory.errorString()))
        return count

    def loadFromFile(self, fileName):
        """Shares the image in `fileName` as Qt's Shared Memory example does
        (its Dialog::loadFromFile), through the blog's steps: the number of
        bytes written, or False. A file that is not an image leaves what was
        shared before."""
        image, error = imageFromFile(fileName)  # image.load(fileName), saying why not
        if error:
            return self.showError(error)
        return self.sendStrToMemory("", image)

    def showError(self, message):
        """Says why a write did not happen, in the window and on stderr."""
        self.ui.statusLabel.setText(message)
        printError(message)
        return False

    def closeEvent(self, event):
        # The segment lives as long as the window.
        self.m_sharedMemory.leave()
        self.m_qt6Memory.release()
        super().closeEvent(event)

    @pyqtSlot()
    def on_pushButton_clicked(self):
        self.sendStrToMemory(self.ui.textEdit.toPlainText())

    @pyqtSlot()
    def on_loadImageButton_clicked(self):
        fileName, _ = QFileDialog.getOpenFileName(self, filter=self.tr("Images (*.png *.xpm *.jpg)"))
        if fileName:
            self.loadFromFile(fileName)


def parseArguments():
    """The key and what to write at start-up: a function of the widget, or
    None for nothing; exits with a message on bad options."""
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "Widget_PA",
        "Process A: shares the text typed into its window through shared memory; "
        "process B reads it. The text stays shared as long as this window is open.\n"
        "It shares an image too, as Qt's Shared Memory example does (QDataStream << QImage): "
        "from \"Load Image From File...\", an image file dropped on the window, or --image. "
        "With --key QSharedMemoryExample, that example displays it.\n"
        "With --text, --text-file or --image the data is written at start-up and "
        "\"written N bytes\" is printed to standard output; the program then keeps running, "
        "holding the data, until its window is closed or it is terminated. If that write "
        "fails, the reason goes to standard error and the exit status is 1."))
    keyOption = sharedMemoryKeyOption()
    textOption = QCommandLineOption(
        "text", translate("Widget_PA", "Write <text> at start-up."), translate("Widget_PA", "text"))
    fileOption = QCommandLineOption(
        "text-file", translate("Widget_PA", "Write the contents of <file> (UTF-8, taken byte "
                               "for byte) at start-up; - reads standard input."),
        translate("Widget_PA", "file"))
    imageOption = QCommandLineOption(
        "image", translate("Widget_PA", "Write the image in <file> (PNG, JPEG, XPM, or any "
                           "format Qt reads) at start-up, as Qt's Shared Memory example "
                           "does."),
        translate("Widget_PA", "file"))
    parser.addOption(keyOption)
    parser.addOption(textOption)
    parser.addOption(fileOption)
    parser.addOption(imageOption)
    parseOptions(parser)

    key = parser.value(keyOption)
    if not key:
        usageError(translate("Widget_PA", "The key must not be empty."))
    if parser.positionalArguments():
        usageError(arg(translate("Widget_PA", "Unexpected argument: %1"),
                       parser.positionalArguments()[0]))
    if parser.isSet(textOption) and parser.isSet(fileOption):
        usageError(translate("Widget_PA", "Give either --text or --text-file, not both."))
    if parser.isSet(imageOption) and (parser.isSet(textOption) or parser.isSet(fileOption)):
        usageError(translate("Widget_PA", "Give either --image or a text, not both."))
    if parser.isSet(imageOption):
        fileName = parser.value(imageOption)
        return key, lambda widget: widget.loadFromFile(fileName)
    if parser.isSet(textOption):
        text = parser.value(textOption)
    elif parser.isSet(fileOption):
        text = readTextFile(parser.value(fileOption))
    else:
        return key, None
    return key, lambda widget: widget.sendStrToMemory(text)


def readStandardInput():
    """All of standard input; Ctrl+C or SIGTERM while it is read ends the
    program (exit 1) before anything is written."""
    import signal
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        return sys.stdin.buffer.read()
    except KeyboardInterrupt:
        sys.exit(EXIT_FAILURE)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def readTextFile(path):
    """The UTF-8 text of `path` (- for standard input); exits 1 when it
    cannot be read or is not UTF-8."""
    translate = QCoreApplication.translate
    try:
        if path == "-":
            data = readStandardInput()
        else:
            with open(path, "rb") as file:
                data = file.read()
    except OSError as error:
        printError(arg(translate("Widget_PA", "Cannot read %1: %2"), path,
                       error.strerror or error))
        sys.exit(EXIT_FAILURE)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        printError(arg(translate("Widget_PA", "%1 is not UTF-8 text (byte %2 is invalid)."),
                       path, error.start))
        sys.exit(EXIT_FAILURE)


def writeAtStartUp(widget, write):
    """Writes the text or image given on the command line (`write(widget)`);
    quits with status 1 when it cannot be written."""
    written = write(widget)
    if written:
        # For scripts, and so not translated.
        print("written {} bytes".format(written), flush=True)
    else:
        QCoreApplication.exit(EXIT_FAILURE)


def main():
    app = startApplication("process-a")
    key, write = parseArguments()
    quitOnTerminationSignals(app)
    widget = Widget_PA(key)
    widget.show()
    if write is not None:
        # From the event loop, so that a termination signal is never missed.
        QTimer.singleShot(0, lambda: writeAtStartUp(widget, write))
    sys.exit(app.exec_())


if __name__ == "__main__":
    main()
