#!/usr/bin/env python3
"""Process A: writes the text typed into its window to shared memory, where
process B reads it. A PyQt5 port of the blog's Widget_PA."""

import os
import sys

from PyQt5.QtCore import (QBuffer, QCommandLineOption, QCommandLineParser, QCoreApplication,
                          QDataStream, QDeadlineTimer, QSharedMemory, QThread, QTimer, pyqtSlot)
from PyQt5.QtWidgets import QWidget

from qtipc import DEFAULT_SHARED_MEMORY_KEY, arg, loadForm
from qtipc.program import (EXIT_FAILURE, parseOptions, printError, quitOnTerminationSignals,
                           startApplication, usageError)
from qtipc.shared_memory import (findSegment, processIsRunning, removeStaleSegment,
                                 segmentKeyFile, sharedMemoryKeyOption)

# The largest segment a QByteArray, and so QBuffer and QSharedMemory, can hold.
MAX_SIZE = 0x7fffffff - 32


class Widget_PA(QWidget):

    # How long a write waits for readers still attached to the previous
    # segment, and for the key file the last of them removes after it.
    READER_WAIT_MS = 5000
    KEY_FILE_WAIT_MS = 200

    def __init__(self, key=DEFAULT_SHARED_MEMORY_KEY, parent=None):
        super().__init__(parent)
        loadForm("widget_pa.ui", self)
        self.m_key = key
        self.m_sharedMemory = QSharedMemory(self)
        self.m_segmentId = None  # the id of the last segment created
        self.statusLabel.setText(arg(self.tr("Key: %1"), key))

    def sendStrToMemory(self, text):
        """Writes `text` to the segment of the key; True when it is there."""
        try:
            # Encoded before anything is touched: the strict codec refuses
            # unpaired surrogates, so such a text leaves the old one shared.
            encoded = text.encode("utf-16-be")
        except UnicodeEncodeError:
            return self.showError(self.tr("The text is not valid Unicode (it holds unpaired "
                                          "surrogates); nothing was written."))
        if 4 + len(encoded) > MAX_SIZE:
            return self.showError(self.tr("The text is too long for shared memory; nothing "
                                          "was written."))
        # 1. Set the key of the shared memory
        self.m_sharedMemory.setKey(self.m_key)
        if self.m_sharedMemory.isAttached():
            # 2. Detach this process from the shared memory
            if not self.retried(lambda: self.m_sharedMemory.detach()
                                or not self.m_sharedMemory.isAttached()):
                return self.showError(arg(self.tr("Unable to detach from shared memory: %1"),
                                          self.m_sharedMemory.errorString()))
        # Load the data into shared memory
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        out = QDataStream(buffer)
        out.setVersion(QDataStream.Qt_5_15)
        # out << str: writeBytes() writes the same bytes as << QString (a
        # quint32 byte length, then the UTF-16BE; 0 for ""), without the two
        # copies writeQString() makes first (a QString, then a byte-swapped one).
        out.writeBytes(encoded)
        del encoded
        size = buffer.size()
        # 3. Create the shared memory segment
        if not self.createSegment(size):
            return False

        # 4. Lock the shared memory
        if not self.retried(self.m_sharedMemory.lock):
            error = self.m_sharedMemory.errorString()
            self.m_sharedMemory.detach()
            return self.showError(arg(self.tr("Unable to lock shared memory: %1"), error))
        to = self.m_sharedMemory.data()
        to.setsize(self.m_sharedMemory.size())
        count = min(self.m_sharedMemory.size(), size)
        # 5. Copy the data to share into the shared memory, from the QBuffer's
        # own bytes (not a copy of them): the text first, its length last, so
        # that a reader that gets in without the lock sees a length of zero
        # (an empty segment) or all of it
        with memoryview(buffer.buffer()) as data:
            to[4:count] = data[4:count]
            to[0:4] = data[0:4]
        # 6. Unlock the shared memory
        self.m_sharedMemory.unlock()
        segment = findSegment(self.m_key)
        self.m_segmentId = segment.shmid if segment else None
        self.statusLabel.setText(arg(self.tr("Wrote %1 bytes to shared memory (key %2)."),
                                     count, self.m_key))
        return True

    def createSegment(self, size):
        """Step 3 made safe to repeat. create() resets the lock's semaphore, so
        it is only called once no segment is left under the key: one left by
        a writer that crashed is removed, one a reader is still attached to
        is waited for, one of another live process is never touched."""
        readers = QDeadlineTimer(self.READER_WAIT_MS)
        keyFile = None
        while True:
            segment = findSegment(self.m_key)
            if segment is None:
                # Whoever removed the last segment removes its key file right
                # after, and a key file made before that would go with it;
                # then they release the lock, which create() would reset.
                if os.path.exists(segmentKeyFile(self.m_key)):
                    keyFile = keyFile or QDeadlineTimer(self.KEY_FILE_WAIT_MS)
                    if not keyFile.hasExpired():
                        QThread.msleep(1)
                        continue
                if self.m_segmentId is not None and self.m_sharedMemory.lock():
                    self.m_sharedMemory.unlock()
                if self.m_sharedMemory.create(size):
                    return True
                error = self.m_sharedMemory.error()
                if error in (QSharedMemory.KeyError, QSharedMemory.LockError) \
                        and not readers.hasExpired():
                    # The semaphore's key file was being replaced.
                    QThread.msleep(1)
                    continue
                if error != QSharedMemory.AlreadyExists or findSegment(self.m_key) is None:
                    return self.showError(arg(self.tr("Unable to create shared memory segment: "
                                                      "%1"), self.m_sharedMemory.errorString()))
                continue  # another process created one meanwhile: look at it
            ours = segment.shmid == self.m_segmentId
            if not ours and processIsRunning(segment.creatorPid):
                return self.showError(arg(self.tr("Another process (pid %1) is sharing memory "
                                                  "under the key %2; nothing was written."),
                                          segment.creatorPid, self.m_key))
            if not ours and segment.attachCount == 0:
                # Left behind by a writer that crashed.
                error = removeStaleSegment(self.m_key)
                if error:
                    return self.showError(arg(self.tr("Unable to remove the shared memory segment "
                                                      "left by process %1: %2"),
                                              segment.creatorPid, error))
                continue
            # Readers are still attached to a previous segment; the last of
            # them to detach removes it.
            if readers.hasExpired():
                return self.showError(arg(self.tr("The previous shared memory segment is still "
                                                  "in use by %1 process(es); nothing was "
                                                  "written."), segment.attachCount))
            QThread.msleep(1)

    def retried(self, call):
        """call() (lock() or detach()), tried again for a moment if it fails:
        it does while another process replaces the lock's semaphore."""
        deadline = QDeadlineTimer(self.KEY_FILE_WAIT_MS)
        while not call():
            if deadline.hasExpired():
                return False
            QThread.msleep(1)
        return True

    def showError(self, message):
        """Says why a write did not happen, in the window and on stderr."""
        self.statusLabel.setText(message)
        printError(message)
        return False

    def closeEvent(self, event):
        # The segment lives as long as the window.
        self.m_sharedMemory.detach()
        super().closeEvent(event)

    @pyqtSlot()
    def on_pushButton_clicked(self):
        self.sendStrToMemory(self.textEdit.toPlainText())


def parseArguments():
    """The key and the text to write at start-up (None for none); exits with
    a message on bad options."""
    translate = QCoreApplication.translate
    parser = QCommandLineParser()
    parser.setApplicationDescription(translate(
        "main",
        "Process A: shares the text typed into its window through shared memory; "
        "process B reads it. The text stays shared as long as this window is open.\n"
        "With --text or --text-file the text is written at start-up and \"written N bytes\" "
        "is printed to standard output; the program then keeps running, holding the "
        "text, until its window is closed or it is terminated. If that write fails, "
        "the reason goes to standard error and the exit status is 1."))
    keyOption = sharedMemoryKeyOption()
    textOption = QCommandLineOption(
        "text", translate("main", "Write <text> at start-up."), translate("main", "text"))
    fileOption = QCommandLineOption(
        "text-file", translate("main", "Write the contents of <file> (UTF-8, taken byte "
                               "for byte) at start-up; - reads standard input."),
        translate("main", "file"))
    parser.addOption(keyOption)
    parser.addOption(textOption)
    parser.addOption(fileOption)
    parseOptions(parser)

    key = parser.value(keyOption)
    if not key:
        usageError(translate("main", "The key must not be empty."))
    if parser.positionalArguments():
        usageError(arg(translate("main", "Unexpected argument: %1"), parser.positionalArguments()[0]))
    if parser.isSet(textOption) and parser.isSet(fileOption):
        usageError(translate("main", "Give either --text or --text-file, not both."))
    if parser.isSet(textOption):
        return key, parser.value(textOption)
    if not parser.isSet(fileOption):
        return key, None
    path = parser.value(fileOption)
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as file:
                data = file.read()
    except OSError as error:
        printError(arg(translate("main", "Cannot read %1: %2"), path, error.strerror or error))
        sys.exit(EXIT_FAILURE)
    try:
        return key, data.decode("utf-8")
    except UnicodeDecodeError as error:
        printError(arg(translate("main", "%1 is not UTF-8 text (byte %2 is invalid)."),
                       path, error.start))
        sys.exit(EXIT_FAILURE)


def writeAtStartUp(widget, text):
    """Writes the text given on the command line; quits with status 1 when it
    cannot be written."""
    if widget.sendStrToMemory(text):
        # For scripts, and so not translated.
        print("written {} bytes".format(widget.m_sharedMemory.size()), flush=True)
    else:
        QCoreApplication.exit(EXIT_FAILURE)


def main():
    app = startApplication("process-a")
    quitOnTerminationSignals(app)
    key, text = parseArguments()
    widget = Widget_PA(key)
    widget.show()
    if text is not None:
        # From the event loop, so that a termination signal is never missed.
        QTimer.singleShot(0, lambda: writeAtStartUp(widget, text))
    sys.exit(app.exec_())


if __name__ == "__main__":
    main()
