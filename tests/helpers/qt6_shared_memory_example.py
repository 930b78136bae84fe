"""Qt 6.6+'s Shared Memory example (qt/qtbase, examples/corelib/ipc/
sharedmemory/dialog.cpp) in PySide6, a peer for the tests: Dialog's
constructor, loadFromFile(), loadFromMemory() and detach() line for line,
with the file name given in place of QFileDialog::getOpenFileName() and no
window shown. Runs on Qt 6's own library; never import it beside PyQt5.

    python qt6_shared_memory_example.py [--key KEY] load FILE
        loadFromFile(): prints "loaded" (or the label's text when it fails)
        and keeps the dialog, attached, until standard input closes or
        gives a line "quit"; then the dialog is destroyed as the example's
        is when its window closes (Qt 6 leaves the object in /dev/shm).
    python qt6_shared_memory_example.py [--key KEY] read OUT.png
        loadFromMemory(): saves the image the label shows to OUT.png and
        prints "read WxH", or prints the label's text.
    python qt6_shared_memory_example.py [--key KEY] hold
        attach() and lock() as loadFromMemory() does, prints "locked", and
        holds the lock until standard input closes.
    python qt6_shared_memory_example.py [--key KEY] attach OUT.png
        attach() and print "attached"; once standard input closes, reads
        the image from the mapping it still holds (loadFromMemory's steps
        after attach()) and saves it to OUT.png.

The key is QNativeIpcKey(KEY), as the example's QNativeIpcKey(
u"QSharedMemoryExample"_s): KEY defaults to that."""

import argparse
import signal
import sys

from PySide6.QtCore import QBuffer, QDataStream, QNativeIpcKey, QSharedMemory
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QLabel


class Dialog(QDialog):

    def __init__(self, key="QSharedMemoryExample", parent=None):
        super().__init__(parent)
        self.sharedMemory = QSharedMemory(QNativeIpcKey(key))
        self.label = QLabel(self)  # ui.label of dialog.ui
        self.setWindowTitle(self.tr("SharedMemory Example"))

    def loadFromFile(self, fileName):
        if self.sharedMemory.isAttached():
            self.detach()

        self.label.setText(self.tr("Select an image file"))
        image = QImage()
        if not image.load(fileName):
            self.label.setText(self.tr("Selected file is not an image, please select another."))
            return
        self.label.setPixmap(QPixmap.fromImage(image))

        # load into shared memory
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        out = QDataStream(buffer)
        out << image
        size = buffer.size()

        if not self.sharedMemory.create(size):
            if self.sharedMemory.error() == QSharedMemory.AlreadyExists:
                self.sharedMemory.attach()
            else:
                self.label.setText(self.tr("Unable to create or attach to shared memory "
                                           "segment: %1").replace(
                                               "%1", self.sharedMemory.errorString()))
                return
        self.sharedMemory.lock()
        to = self.sharedMemory.data()
        from_ = buffer.data().data()
        count = min(self.sharedMemory.size(), size)
        to[:count] = from_[:count]  # memcpy(to, from, qMin(sharedMemory.size(), size))
        self.sharedMemory.unlock()

    def loadFromMemory(self):
        if not self.sharedMemory.attach():
            self.label.setText(self.tr("Unable to attach to shared memory segment.\n"
                                       "Load an image first."))
            return
        self.readAttached()

    def readAttached(self):
        """loadFromMemory() after its attach()."""
        buffer = QBuffer()
        in_ = QDataStream(buffer)
        image = QImage()

        self.sharedMemory.lock()
        buffer.setData(bytes(self.sharedMemory.constData())[:self.sharedMemory.size()])
        buffer.open(QBuffer.ReadOnly)
        in_ >> image
        self.sharedMemory.unlock()

        self.sharedMemory.detach()
        self.label.setPixmap(QPixmap.fromImage(image))
        self.image = image  # for the test: the pixmap holds premultiplied alpha

    def detach(self):
        if not self.sharedMemory.detach():
            self.label.setText(self.tr("Unable to detach from shared memory."))


def waitForQuit():
    """Until standard input closes or says "quit", or SIGINT or SIGTERM
    come (then the dialog is destroyed as when its window closes)."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        for line in sys.stdin:
            if line.strip() == "quit":
                break
    except KeyboardInterrupt:
        pass


def saveShown(dialog, fileName):
    """The image loadFromMemory() read and shows, saved as PNG; or the
    label's text printed."""
    image = getattr(dialog, "image", QImage())
    if dialog.label.pixmap().isNull() or image.isNull():
        print(dialog.label.text().replace("\n", " ") or "no image", flush=True)
        return 1
    if not image.save(fileName, "PNG"):
        print("cannot save " + fileName, flush=True)
        return 1
    print("read {}x{}".format(image.width(), image.height()), flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", default="QSharedMemoryExample")
    parser.add_argument("mode", choices=("load", "read", "hold", "attach"))
    parser.add_argument("file", nargs="?")
    options = parser.parse_args()
    app = QApplication(sys.argv[:1])  # noqa: F841 (QLabel and QPixmap need it)
    dialog = Dialog(options.key)
    status = 0
    if options.mode == "load":
        dialog.loadFromFile(options.file)
        loaded = not dialog.label.pixmap().isNull() and dialog.sharedMemory.isAttached()
        print("loaded" if loaded else dialog.label.text().replace("\n", " "), flush=True)
        waitForQuit()
        status = 0 if loaded else 1
    elif options.mode == "read":
        dialog.loadFromMemory()
        status = saveShown(dialog, options.file)
    elif options.mode == "hold":
        if not dialog.sharedMemory.attach():
            print(dialog.sharedMemory.errorString(), flush=True)
            return 1
        dialog.sharedMemory.lock()
        print("locked", flush=True)
        waitForQuit()
        dialog.sharedMemory.unlock()
        dialog.sharedMemory.detach()
    else:
        if not dialog.sharedMemory.attach():
            print(dialog.sharedMemory.errorString(), flush=True)
            return 1
        print("attached", flush=True)
        waitForQuit()
        dialog.readAttached()
        status = saveShown(dialog, options.file)
    del dialog  # as the example's window closing: ~QSharedMemory
    return status


if __name__ == "__main__":
    sys.exit(main())
