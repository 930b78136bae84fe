"""Images in shared memory as Qt's Shared Memory example (corelib/ipc/
sharedmemory) shares them: `out << image` through a QDataStream at Qt's
default version, which writes a qint32 1 (not a null image) and then the
image as PNG. What process A and process B do with them beyond the
example's lines, each under a name that says what it does."""

from PyQt5.QtCore import QCoreApplication, QDataStream, QEvent, QObject, Qt
from PyQt5.QtGui import QImage, QImageReader, QPixmap
from PyQt5.QtWidgets import QWidget

from qtipc import arg

# What `out << image` writes first (QDataStream version 5 and later): the
# qint32 1 that says the image is not null, then the PNG signature.
QIMAGE_STREAM_START = b"\x00\x00\x00\x01" + b"\x89PNG\r\n\x1a\n"


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

