"""Images in shared memory as Qt's Shared Memory example (corelib/ipc/
sharedmemory) shares them: `out << image` through a QDataStream at Qt's
default version, which writes a qint32 1 (not a null image) and then the
image as PNG. What process A and process B do with them beyond the
example's lines, each under a name that says what it does."""

from PyQt5.QtCore import QBuffer, QByteArray, QCoreApplication, QDataStream, QEvent, QObject, Qt
from PyQt5.QtGui import QImage, QImageReader, QPixmap
from PyQt5.QtWidgets import QFileDialog, QWidget

from qtipc import arg

# What `out << image` writes first (QDataStream version 5 and later): the
# qint32 1 that says the image is not null, then the PNG signature.
QIMAGE_STREAM_START = b"\x00\x00\x00\x01" + b"\x89PNG\r\n\x1a\n"

# Enough of a PNG for its header (IHDR is its first chunk).
HEADER_BYTES = 4096


translate = QCoreApplication.translate


def damagedImageMessage():
    return translate("ImageReader", "The shared memory segment holds a damaged image: it starts as Qt writes an "
              "image, but its PNG cannot be read.")


class ImageReader(QImageReader):
    """QImageReader whose readImage() and readFromStream() check what they
    read and say why they read nothing in words the user knows: errorString()
    then holds this class's reason (Qt's own where it has none)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.m_errorString = ""
        self.m_device = None

    @classmethod
    def fromSegment(cls, segment):
        """A reader of the image in a segment that starts as `out << image`
        does, for its header (size(), format()) without decoding it."""
        header = QBuffer()
        with memoryview(segment) as view:
            header.setData(bytes(view[4:4 + HEADER_BYTES]))
        reader = cls(header)
        reader.m_device = header  # kept as long as the reader
        return reader

    def errorString(self):
        return self.m_errorString or super().errorString()

    def readImage(self):
        """image.load(fileName), as Qt's example does, checked: the image, or
        None. A file that is there but is not an image gets the example's
        message."""
        self.m_errorString = ""
        image = self.read()
        if not image.isNull():
            return image
        if self.error() == QImageReader.FileNotFoundError:
            self.m_errorString = arg(translate("ImageReader", "Cannot read %1: %2"), self.fileName(),
                                     super().errorString())
        else:
            self.m_errorString = translate("ImageReader", "Selected file is not an image, please select another.")
        return None

    def readFromStream(self, stream):
        """in >> image, checked: the image, or None."""
        self.m_errorString = ""
        image = QImage()
        stream >> image
        if image.isNull() or stream.status() != QDataStream.Ok:
            self.m_errorString = damagedImageMessage()
            return None
        return image


def thumbnail(image, size):
    """`image` as a pixmap that fits in `size`: scaled down if it is bigger,
    never up; an empty pixmap for None."""
    if image is None:
        return QPixmap()
    if image.width() > size.width() or image.height() > size.height():
        image = image.scaled(size.boundedTo(image.size()), Qt.KeepAspectRatio,
                             Qt.SmoothTransformation)
    return QPixmap.fromImage(image)


class FileDrops(QObject):
    """Lets `widget` take one local file dropped on it, passed to
    `dropped(path)`: an event filter, so that the widget's class needs no
    drag-and-drop handlers of its own. It watches the widget's children too:
    a drop lands on the child under the cursor (a text edit's viewport would
    insert the file's path as text)."""

    def __init__(self, widget, dropped):
        super().__init__(widget)
        self.m_dropped = dropped
        widget.setAcceptDrops(True)
        for watched in [widget] + widget.findChildren(QWidget):
            watched.installEventFilter(self)

    @staticmethod
    def localFile(mimeData):
        urls = mimeData.urls() if mimeData.hasUrls() else []
        return urls[0].toLocalFile() if len(urls) == 1 and urls[0].isLocalFile() else ""

    def eventFilter(self, watched, event):
        if event.type() in (QEvent.DragEnter, QEvent.DragMove, QEvent.Drop) \
                and self.localFile(event.mimeData()):
            event.acceptProposedAction()
            if event.type() == QEvent.Drop:
                self.m_dropped(self.localFile(event.mimeData()))
            return True
        return False



class ImageSharing:
    """Process A's images, shared as Qt's Shared Memory example shares them
    (its Dialog::loadFromFile): mixed into Widget_PA, whose m_key,
    m_sharedMemory, wrote() and showError() it uses, so that the class
    itself reads as the blog's."""

    def shareImagesFrom(self, button):
        """The image chosen with `button`, or a file dropped on the window."""
        button.clicked.connect(self.loadImageFromDialog)
        FileDrops(self, self.loadFromFile)

    def loadFromFile(self, fileName):
        """Shares the image in `fileName`, with the example's steps; False
        when it could not. A file that is not an image leaves what was
        shared before."""
        reader = ImageReader(fileName)
        image = reader.readImage()
        if image is None:
            return self.showError(reader.errorString())
        self.m_sharedMemory.setKey(self.m_key)
        if self.m_sharedMemory.isAttached() and not self.m_sharedMemory.detachWhenFree():
            return self.showError(self.m_sharedMemory.errorString())
        # Load into shared memory
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        out = QDataStream(buffer)
        out << image  # at QDataStream's default version, as the example
        if not (self.m_sharedMemory.createAfterPrevious(buffer.size())
                and self.m_sharedMemory.lockWhenFree()):
            return self.showError(self.m_sharedMemory.errorString())
        count = self.m_sharedMemory.copyFrom(buffer)
        self.m_sharedMemory.unlock()
        return self.wrote(count, image)

    def loadImageFromDialog(self):
        fileName, _ = QFileDialog.getOpenFileName(
            self, filter=QCoreApplication.translate("ImageSharing", "Images (*.png *.xpm *.jpg)"))
        if fileName:
            self.loadFromFile(fileName)


class ImageShowing:
    """Process B's images, read as Qt's Shared Memory example reads them (its
    Dialog::loadFromMemory): mixed into Widget_PB, whose m_key, m_format,
    freshSharedMemory() and showError() it uses."""

    def loadImageFromMemory(self):
        """The image in the segment (attach, lock, in >> image, unlock,
        detach); None when there is none, and errorString() says why."""
        self.m_errorString = ""
        self.m_sharedMemory = self.freshSharedMemory()
        self.m_sharedMemory.setKey(self.m_key)
        if not self.m_sharedMemory.attachToWritten():
            self.showError(QCoreApplication.translate(
                "ImageShowing", "Unable to attach to shared memory segment."))
            return None
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

    def showImageFromMemory(self):
        """Shows the image in the segment; False when there is none."""
        image = self.loadImageFromMemory()
        if image is None:
            return False
        self.ui.imageLabel.setPixmap(QPixmap.fromImage(image))
        self.ui.stackedWidget.setCurrentWidget(self.ui.imageArea)
        return True
