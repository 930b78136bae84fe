"""Images in shared memory as Qt's Shared Memory example (corelib/ipc/
sharedmemory) shares them: `out << image` through a QDataStream at Qt's
default version, which writes a qint32 1 (not a null image) and then the
image as PNG. What process A and process B do with them beyond the
example's lines, each under a name that says what it does.

Before decoding, an image's size is checked against Qt 6's allocation
limit (ImageSizeLimit), which Qt 5 lacks: a small PNG can claim billions of
pixels, and Qt 5 would take the memory and the time to decode them."""

import os
import re

from PyQt5.QtCore import QCoreApplication, QDataStream, QEvent, QObject, Qt
from PyQt5.QtGui import QImage, QImageReader, QPixmap
from PyQt5.QtWidgets import QWidget

from qtipc import arg
from qtipc.system_limits import SegmentSizeLimit

# What `out << image` writes first (QDataStream version 5 and later): the
# qint32 1 that says the image is not null, then the PNG signature.
QIMAGE_STREAM_START = b"\x00\x00\x00\x01" + b"\x89PNG\r\n\x1a\n"

# Qt 6's QImageReader::allocationLimit() when QT_IMAGEIO_MAXALLOC does not
# set it, in megabytes.
DEFAULT_ALLOCATION_LIMIT_MB = 256


def imageFromFile(fileName):
    """image.load(fileName), as Qt's example does, saying why not: (the
    image, "") or (None, why). A file that is there but is not an image gets
    the example's message."""
    translate = QCoreApplication.translate
    reader = QImageReader(fileName)
    image = reader.read()
    if not image.isNull():
        return image, ""
    if reader.error() == QImageReader.FileNotFoundError:
        return None, arg(translate("Widget_PA", "Cannot read %1: %2"), fileName,
                         reader.errorString())
    return None, translate("Widget_PA", "Selected file is not an image, please select another.")


def startsLikeQImage(segment):
    """True when `segment` (bytes-like) starts as `out << image` starts."""
    with memoryview(segment) as view:
        return bytes(view[:len(QIMAGE_STREAM_START)]) == QIMAGE_STREAM_START


def readOneQImage(stream):
    """in >> image, checked: (the image, "") or (None, why not), for a
    stream over a segment that startsLikeQImage()."""
    image = QImage()
    stream >> image
    if image.isNull() or stream.status() != QDataStream.Ok:
        return None, QCoreApplication.translate(
            "Widget_PB", "The shared memory segment holds a damaged image: it starts as Qt "
                         "writes an image, but its PNG cannot be read.")
    return image, ""


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

    def megabytes(self):
        return self.m_megabytes

    def errorString(self):
        return self.m_errorString

    def allowsFile(self, fileName):
        """False when the image in `fileName` is too large to decode."""
        return self.allows(QImageReader(fileName), arg(QCoreApplication.translate(
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
            return self.allows(QImageReader(device, b"png"), QCoreApplication.translate(
                "ImageSizeLimit", "The image in the shared memory segment"))
        finally:
            device.seek(start)

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


def imageFileToShare(fileName):
    """imageFromFile(fileName), checked before anything shared is touched:
    before decoding, ImageSizeLimit; after, whether the bytes `out << image`
    writes fit in one segment on this system (SegmentSizeLimit). (The
    image, "") or (None, why not)."""
    limit = ImageSizeLimit()
    if not limit.allowsFile(fileName):
        return None, limit.errorString()
    image, error = imageFromFile(fileName)
    segmentLimit = SegmentSizeLimit()
    if image is not None and not segmentLimit.allowsImage(image):
        return None, segmentLimit.errorString()
    return image, error


def readOneQImageWithinLimit(stream):
    """readOneQImage(stream), once ImageSizeLimit allows the image there:
    (the image, "") or (None, why not)."""
    limit = ImageSizeLimit()
    if not limit.allowsStreamedImage(stream):
        return None, limit.errorString()
    return readOneQImage(stream)
