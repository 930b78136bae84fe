"""Started by bench_shm.py: times Widget_PA.sendStrToMemory(text) +
Widget_PB.loadStrFromMemory() for each text size beside the floor, the same
UTF-16 bytes moved through multiprocessing.shared_memory by plain Python
(encoding and decoding included), and prints one line of JSON.

Both sides go from a Python str to an equal Python str over a fresh segment
each time (sendStrToMemory makes a new segment per write, as the blog does;
the floor creates, attaches, detaches and unlinks one). Writer and reader
live in this process, each with its own QSharedMemory, so no hand-shake
between processes is timed. Every round trip is checked: the text read
must equal the text written, or the size gets an error and no number.

The image row: an image of about N pixels (a PNG made here) shared as Qt's
Shared Memory example shares it, Widget_PA.loadFromFile + reading it back,
beside its floor, the example's own work without shared memory (QImage.load,
out << image into a QBuffer, in >> image); the example has no command line
to time, so this floor stands in for it.

    python -m bench.shm_child --key KEY --sizes B,... --reps N,... --image-pixels P --image-reps N
"""

import argparse
import gc
import json
import os
import struct
import sys
import time
from multiprocessing import shared_memory
from statistics import median

# Mixed ASCII and CJK in the BMP: Python holds it as 2-byte characters, as
# it would a Chinese text (pure ASCII would be cheaper to encode).
PATTERN = "The quick brown fox 敏捷的棕色狐狸 jumps over the lazy dog. 你好，世界！\n"


def makeText(utf16Bytes):
    units = utf16Bytes // 2
    return (PATTERN * (units // len(PATTERN) + 1))[:units]


def floorRoundTrip(text):
    """Plain Python: encode, create a segment, write a quint32 length and
    the UTF-16BE bytes; attach a second object, read the length, decode from
    the shared buffer; detach both, unlink. Returns (text read, ns)."""
    t0 = time.perf_counter_ns()
    data = text.encode("utf-16-be")
    writer = shared_memory.SharedMemory(create=True, size=4 + len(data))
    writer.buf[:4] = struct.pack(">I", len(data))
    writer.buf[4:4 + len(data)] = data
    del data
    reader = shared_memory.SharedMemory(name=writer.name)
    (length,) = struct.unpack(">I", reader.buf[:4])
    view = reader.buf[4:4 + length]
    result = str(view, "utf-16-be")
    view.release()
    reader.close()
    writer.close()
    writer.unlink()
    return result, time.perf_counter_ns() - t0


def timed(entry, count, floor, qt):
    """count + 1 rounds (the first a warm-up) of floor() and qt(), each
    giving (ok, ns, error); medians into entry, or its first error."""
    floorTimes, qtTimes = [], []
    for i in range(count + 1):
        for times, roundTrip in ((floorTimes, floor), (qtTimes, qt)):
            ok, ns, error = roundTrip()
            if not ok:
                entry["errors"].append(error)
                return entry
            if i:
                times.append(ns)
        gc.collect()
    entry["floor_us"], entry["qt_us"] = median(floorTimes) / 1000, median(qtTimes) / 1000
    entry["ratio"] = entry["qt_us"] / entry["floor_us"]
    return entry


def textRow(writer, reader, size, count):
    text = makeText(size)

    def floor():
        back, ns = floorRoundTrip(text)
        return back == text, ns, "floor: the text read differs from the text written"

    def qt():
        t0 = time.perf_counter_ns()
        sent = writer.sendStrToMemory(text)
        back = reader.loadStrFromMemory()
        ns = time.perf_counter_ns() - t0
        return sent and back == text, ns, "sendStrToMemory gave {!r}, loadStrFromMemory {} " \
            "characters of the {} written: {!r}".format(sent, len(back or ""), len(text),
                                                        str(back)[:80])

    return timed({"what": "{} bytes".format(size), "bytes": size, "errors": []}, count, floor, qt)


def makeImage(pixels, path):
    """A square image of about `pixels` pixels, a gradient under some noise
    (which PNG compresses about as it does a photo), saved as PNG."""
    from PyQt5.QtCore import QPointF
    from PyQt5.QtGui import QColor, QImage, QLinearGradient, QPainter
    side = max(int(pixels ** 0.5), 2)
    image = QImage(side, side, QImage.Format_RGB32)
    gradient = QLinearGradient(QPointF(0, 0), QPointF(side, side))
    gradient.setColorAt(0, QColor("steelblue"))
    gradient.setColorAt(1, QColor("orange"))
    noise = QImage(os.urandom(4 * side * side), side, side, QImage.Format_RGB32)
    painter = QPainter(image)
    painter.fillRect(image.rect(), gradient)
    painter.setOpacity(0.08)
    painter.drawImage(0, 0, noise)
    painter.end()
    assert image.save(path, "PNG")
    return image


def readImage(reader):
    """The image process B reads from the segment."""
    return reader.loadImageFromMemory()


def imageRow(writer, reader, pixels, count):
    from PyQt5.QtCore import QBuffer, QDataStream
    from PyQt5.QtGui import QImage
    path = os.path.join(os.environ.get("TMPDIR") or "/tmp", "bench-image.png")
    image = makeImage(pixels, path)

    def floor():
        t0 = time.perf_counter_ns()
        loaded = QImage(path)
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        QDataStream(buffer) << loaded
        buffer.seek(0)
        back = QImage()
        QDataStream(buffer) >> back
        ns = time.perf_counter_ns() - t0
        return back == image, ns, "floor: the image read differs from the image written"

    def qt():
        t0 = time.perf_counter_ns()
        sent = writer.loadFromFile(path)
        back = readImage(reader)
        ns = time.perf_counter_ns() - t0
        same = sent and isinstance(back, QImage) and back.convertToFormat(image.format()) == image
        return same, ns, "the image read differs from the image written: {}".format(
            reader.errorString())

    try:
        return timed({"what": "image", "pixels": image.width() * image.height(), "errors": [],
                      "file_bytes": os.path.getsize(path)}, count, floor, qt)
    finally:
        os.remove(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", required=True)
    parser.add_argument("--sizes", required=True, help="UTF-16 bytes, comma-separated")
    parser.add_argument("--reps", required=True, help="rounds per size, comma-separated")
    parser.add_argument("--image-pixels", type=int, required=True)
    parser.add_argument("--image-reps", type=int, required=True)
    options = parser.parse_args()

    from PyQt5 import sip
    from PyQt5.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])  # noqa: F841
    from process_a import Widget_PA
    from process_b import Widget_PB
    writer, reader = Widget_PA(options.key), Widget_PB(options.key)
    sizes = [textRow(writer, reader, int(size), int(count)) for size, count in
             zip(options.sizes.split(","), options.reps.split(","))]
    image = imageRow(writer, reader, options.image_pixels, options.image_reps)
    for widget in (writer, reader):
        # Now, not deleteLater(): with no event loop to run it, the
        # QSharedMemory destructors would never remove the semaphore.
        widget.close()
        sip.delete(widget)
    print(json.dumps({"sizes": sizes, "image": image}), flush=True)


if __name__ == "__main__":
    main()
