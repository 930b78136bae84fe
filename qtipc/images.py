"""Images in shared memory as Qt's Shared Memory example (corelib/ipc/
sharedmemory) shares them: `out << image` through a QDataStream at Qt's
default version, which writes a qint32 1 (not a null image) and then the
image as PNG. What process A and process B need beyond the example's
lines (Widget_PA.loadFromFile and Widget_PB.loadImageFromMemory hold
those): the size limits, the checked reader, the thumbnail, dropped files."""

import os
import re

from PyQt5.QtCore import QCoreApplication, QDataStream, QEvent, QObject, Qt
from PyQt5.QtGui import QImage, QImageReader, QPixmap
from PyQt5.QtWidgets import QWidget

from qtipc import arg
from qtipc.errors import ErrorString

# What `out << image` writes first (QDataStream version 5 and later): the
# qint32 1 that says the image is not null, then the PNG signature.
QIMAGE_STREAM_START = b"\x00\x00\x00\x01" + b"\x89PNG\r\n\x1a\n"

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


def _decodedDepth(imageFormat):
    """The bits a pixel Qt 6's QImageIOHandler::allocateImage() counts for
    `imageFormat`: the format's own, and at least 32 (what a GUI converts
    to); 32 for a format the reader does not say."""
    if imageFormat == QImage.Format_Invalid:
        return 32
    return max(QImage.toPixelFormat(imageFormat).bitsPerPixel(), 32)


def _decodedImageBytes(width, height, imageFormat):
    """The bytes allocateImage() counts for `width` x `height` pixels
    decoded to `imageFormat`: lines padded to 4 bytes, times the height."""
    bytesPerLine = ((width * _decodedDepth(imageFormat) + 31) >> 5) << 2
    return bytesPerLine * height


class ImageSizeLimit(ErrorString):
    """Qt 6's allocation limit for decoded images, checked before Qt 5
    decodes one. The reader's header gives the size and the format it will
    decode to; an image whose pixels would take more than the limit
    (QT_IMAGEIO_MAXALLOC megabytes, 256 unless set; 0 for none) is refused,
    as Qt 6's QImageReader refuses it. Where the header cannot be read, or
    does not say the size, nothing is refused here: the decoder then says
    what is wrong, as before. Qt's convention: a check returns a bool, and
    errorString() says why it is False."""

    def __init__(self, megabytes=None):
        self._megabytes = allocationLimitMegabytes() if megabytes is None else megabytes

    def allowsFile(self, fileName, reader=None):
        """False when the image in `fileName` is too large to decode; its
        header is read by `reader` where one is given (it can still read
        the image afterwards)."""
        return self.allows(reader or QImageReader(fileName),
                           arg(translate("ImageSizeLimit", "The image in %1"), fileName))

    def allowsStreamedImage(self, stream):
        """False when the image `in >> image` would read from `stream` (a
        QDataStream at the `out << image` bytes: a qint32, then a PNG) is
        too large to decode. Only the PNG's header is read; the stream's
        device is left where it was."""
        device = stream.device()
        start = device.pos()
        try:
            device.seek(start + 4)
            return self.allows(QImageReader(device, b"png"), translate(
                "ImageSizeLimit", "The image in the shared memory segment"))
        finally:
            device.seek(start)

    def allows(self, reader, what):
        """False when the image `reader` would read is too large to decode;
        `what` names it in errorString()."""
        self._clearError()
        size = reader.size()
        if self._megabytes == 0 or not size.isValid() or size.isEmpty():
            return True
        needed = _decodedImageBytes(size.width(), size.height(), reader.imageFormat())
        if needed <= self._megabytes * 1024 * 1024:
            return True
        return self._fail(arg(translate(
            "ImageSizeLimit", "%1 is %2x%3 pixels: decoded, it would take %4 bytes, more than "
                              "the limit of %5 MB. It was not read. QT_IMAGEIO_MAXALLOC sets "
                              "the limit in MB (0: no limit), as in Qt 6."),
            what, size.width(), size.height(), needed, self._megabytes))


class ImageReader(ErrorString, QImageReader):
    """QImageReader whose readImage() and readFromStream() check what they
    read and say why they read nothing in words the user knows: errorString()
    then holds this class's reason (Qt's own where it has none)."""

    def readImage(self):
        """image.load(fileName), as Qt's example does, checked: the image, or
        None. A file that is there but is not an image gets the example's
        message."""
        self._clearError()
        limit = ImageSizeLimit()  # before decoding: Qt 5 has no limit of its own
        if not limit.allowsFile(self.fileName(), self):
            return self._fail(limit.errorString(), None)
        image = self.read()
        if not image.isNull():
            return image
        if self.error() == QImageReader.FileNotFoundError:
            return self._fail(arg(translate("ImageReader", "Cannot read %1: %2"),
                                  self.fileName(), QImageReader.errorString(self)), None)
        return self._fail(translate("ImageReader", "Selected file is not an image, please "
                                                   "select another."), None)

    def readFromStream(self, stream):
        """in >> image, checked: the image, or None."""
        self._clearError()
        limit = ImageSizeLimit()
        if not limit.allowsStreamedImage(stream):
            return self._fail(limit.errorString(), None)
        image = QImage()
        stream >> image
        if image.isNull() or stream.status() != QDataStream.Ok:
            return self._fail(translate(
                "ImageReader", "The shared memory segment holds a damaged image: it starts as "
                               "Qt writes an image, but its PNG cannot be read."), None)
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
        self._dropped = dropped
        widget.setAcceptDrops(True)
        for watched in [widget] + widget.findChildren(QWidget):
            watched.installEventFilter(self)

    @staticmethod
    def _localFile(mimeData):
        urls = mimeData.urls() if mimeData.hasUrls() else []
        return urls[0].toLocalFile() if len(urls) == 1 and urls[0].isLocalFile() else ""

    def eventFilter(self, watched, event):
        if event.type() in (QEvent.DragEnter, QEvent.DragMove, QEvent.Drop) \
                and self._localFile(event.mimeData()):
            event.acceptProposedAction()
            if event.type() == QEvent.Drop:
                self._dropped(self._localFile(event.mimeData()))
            return True
        return False
