"""Images in shared memory as Qt's Shared Memory example (corelib/ipc/
sharedmemory) shares them: `out << image` through a QDataStream at Qt's
default version, which writes a qint32 1 (not a null image) and then the
image as PNG. What process A and process B do with them beyond the
example's lines, each under a name that says what it does."""

import os
import re

from PyQt5.QtCore import QBuffer, QByteArray, QCoreApplication, QDataStream, QEvent, QObject, Qt
from PyQt5.QtGui import QImage, QImageReader, QPixmap
from PyQt5.QtWidgets import QFileDialog, QWidget

from qtipc import arg
from qtipc.system_limits import SegmentSizeLimit

# What `out << image` writes first (QDataStream version 5 and later): the
# qint32 1 that says the image is not null, then the PNG signature.
QIMAGE_STREAM_START = b"\x00\x00\x00\x01" + b"\x89PNG\r\n\x1a\n"

# Enough of a PNG for its header (IHDR is its first chunk).
HEADER_BYTES = 4096

# Qt 6's QImageReader::allocationLimit() when QT_IMAGEIO_MAXALLOC does not
# set it, in megabytes.
DEFAULT_ALLOCATION_LIMIT_MB = 256


translate = QCoreApplication.translate


# --- Images too large to decode -------------------------------------------------------

def allocationLimitMegabytes(environment=None):
    """Qt 6's QImageReader::allocationLimit(), in megabytes; 0 means no limit.
    QT_IMAGEIO_MAXALLOC sets it as Qt 6 reads it (measured with Qt 6.12):
    an int as C's strtol reads one in base 0 (decimal, 0x hex, leading-0
    octal, a sign, spaces around it); anything else, a value out of int's
    range or a negative one leaves the default, 256."""
    value = (os.environ if environment is None else environment).get("QT_IMAGEIO_MAXALLOC", "")
    match = re.fullmatch(r"([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)",
                         value.strip(" \t\n\v\f\r"))
    if not match:
        return DEFAULT_ALLOCATION_LIMIT_MB
    digits = match.group(2)
    number = int(digits, 16 if digits[:2] in ("0x", "0X") else 8 if digits[0] == "0" else 10)
    number = -number if match.group(1) == "-" else number
    if not -2 ** 31 <= number < 2 ** 31 or number < 0:
        return DEFAULT_ALLOCATION_LIMIT_MB
    return number


def decodedDepth(imageFormat):
    """The bits a pixel Qt 6's QImageIOHandler::allocateImage() counts for
    `imageFormat`: the format's own, and at least 32 (what a GUI converts
    to); 32 for a format the reader does not say."""
    if imageFormat == QImage.Format_Invalid:
        return 32
    return max(QImage.toPixelFormat(imageFormat).bitsPerPixel(), 32)


def decodedImageBytes(width, height, imageFormat):
    """The bytes allocateImage() counts for `width` x `height` pixels
    decoded to `imageFormat`: lines padded to 4 bytes, times the height."""
    bytesPerLine = ((width * decodedDepth(imageFormat) + 31) >> 5) << 2
    return bytesPerLine * height


class ImageSizeLimit:
    """Qt 6's allocation limit for decoded images, checked before Qt 5
    decodes one. The reader's header gives the size and the format it will
    decode to; an image whose pixels would take more than the limit
    (QT_IMAGEIO_MAXALLOC megabytes, 256 unless set; 0 for none) is refused,
    as Qt 6's QImageReader refuses it. Where the header cannot be read, or
    does not say the size, nothing is refused here: the decoder then says
    what is wrong, as before. Qt's convention: a check returns a bool, and
    errorString() says why it is False."""

    def __init__(self, megabytes=None):
        self.m_megabytes = allocationLimitMegabytes() if megabytes is None else megabytes
        self.m_errorString = ""

    def errorString(self):
        return self.m_errorString

    def allowsFile(self, fileName, reader=None):
        """False when the image in `fileName` is too large to decode; its
        header is read by `reader` where one is given (it can still read
        the image afterwards)."""
        return self.allows(reader or QImageReader(fileName), arg(QCoreApplication.translate(
            "ImageSizeLimit", "The image in %1"), fileName))

    def allowsStreamedImage(self, stream):
        """False when the image `in >> image` would read from `stream` (a
        QDataStream at the `out << image` bytes: a qint32, then a PNG) is
        too large to decode. Only the PNG's header is read; the stream's
        device is left where it was."""
        device = stream.device()
        start = device.pos()
        try:
            device.seek(start + 4)
            return self.allowsInSegment(QImageReader(device, b"png"))
        finally:
            device.seek(start)

    def allowsInSegment(self, reader):
        """False when the image in a shared memory segment, whose header
        `reader` reads, is too large to decode."""
        return self.allows(reader, QCoreApplication.translate(
            "ImageSizeLimit", "The image in the shared memory segment"))

    def allows(self, reader, what):
        """False when the image `reader` would read is too large to decode;
        `what` names it in errorString()."""
        self.m_errorString = ""
        size = reader.size()
        if self.m_megabytes == 0 or not size.isValid() or size.isEmpty():
            return True
        needed = decodedImageBytes(size.width(), size.height(), reader.imageFormat())
        if needed <= self.m_megabytes * 1024 * 1024:
            return True
        self.m_errorString = arg(QCoreApplication.translate(
            "ImageSizeLimit", "%1 is %2x%3 pixels: decoded, it would take %4 bytes, more than "
                              "the limit of %5 MB. It was not read. QT_IMAGEIO_MAXALLOC sets "
                              "the limit in MB (0: no limit), as in Qt 6."),
            what, size.width(), size.height(), needed, self.m_megabytes)
        return False


def damagedImageMessage():
    return translate("ImageReader", "The shared memory segment holds a damaged image: it starts "
                                    "as Qt writes an image, but its PNG cannot be read.")


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
        limit = ImageSizeLimit()  # before decoding: Qt 5 has no limit of its own
        if not limit.allowsFile(self.fileName(), self):
            self.m_errorString = limit.errorString()
            return None
        image = self.read()
        if not image.isNull():
            return image
        if self.error() == QImageReader.FileNotFoundError:
            self.m_errorString = arg(translate("ImageReader", "Cannot read %1: %2"),
                                     self.fileName(), super().errorString())
        else:
            self.m_errorString = translate(
                "ImageReader", "Selected file is not an image, please select another.")
        return None

    def readFromStream(self, stream):
        """in >> image, checked: the image, or None."""
        self.m_errorString = ""
        limit = ImageSizeLimit()
        if not limit.allowsStreamedImage(stream):
            self.m_errorString = limit.errorString()
            return None
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
        segmentLimit = SegmentSizeLimit()  # checked before what is shared is touched
        if not segmentLimit.allowsImage(image):
            return self.showError(segmentLimit.errorString())
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
        return self.wrote(count, image, buffer)

    def loadImageFromDialog(self):
        fileName, _ = QFileDialog.getOpenFileName(
            self, filter=QCoreApplication.translate("ImageSharing", "Images (*.png *.xpm *.jpg)"))
        if fileName:
            self.loadFromFile(fileName)


class ImageShowing:
    """Process B's images, read as Qt's Shared Memory example reads them (its
    Dialog::loadFromMemory): mixed into Widget_PB, whose m_key, m_format,
    m_sharedMemory, readQt6Memory() and showError() it uses."""

    def loadImageFromMemory(self):
        """The image in the segment (attach, lock, in >> image, unlock,
        detach); None when there is none, and errorString() says why."""
        self.m_errorString = ""
        self.m_sharedMemory = self.m_sharedMemory.renewed(self)
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

    def showImageFromMemory(self):
        """Shows the image in the segment; False when there is none."""
        image = self.loadImageFromMemory()
        if image is None:
            return False
        self.ui.imageLabel.setPixmap(QPixmap.fromImage(image))
        self.ui.stackedWidget.setCurrentWidget(self.ui.imageArea)
        return True
