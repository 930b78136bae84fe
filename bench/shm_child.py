"""Runs in its own process (started by bench_shm.py) and prints one line of
JSON: for each text size, the time of Widget_PA.sendStrToMemory(text) plus
Widget_PB.loadStrFromMemory(), beside the floor: the same UTF-16 bytes moved
through multiprocessing.shared_memory by plain Python, encoding and decoding
included.

Both sides are timed from a Python str to an equal Python str, over a fresh
segment each time (sendStrToMemory creates a new segment per write, as the blog
does; the floor creates, attaches, detaches and unlinks one). Writer and reader
live in this one process, each with its own QSharedMemory (or SharedMemory)
object, so no inter-process hand-shake is timed. Every round trip is checked:
the text read must equal the text written, or the size gets an error.

With --image-pixels N, one more row: an image of about N pixels (a PNG file
made here once) shared as Qt's Shared Memory example shares it,
Widget_PA.loadFromFile(file) plus Widget_PB.loadImageFromMemory(), beside its
floor: the example's own format work with no shared memory (QImage.load, out
<< image into a QBuffer, in >> image out of it), which both sides pay. The
example itself has no command line to time, so this floor stands in for it.
"""

import argparse
import gc
import json
import os
import struct
import sys
import time
from statistics import median

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
# --repo DIR measures another copy of process_a.py/process_b.py (to try a
# change before proposing it); it must come before the imports below.
if "--repo" in sys.argv[:-1]:
    REPO = os.path.abspath(sys.argv[sys.argv.index("--repo") + 1])
sys.path.insert(0, REPO)

from multiprocessing import shared_memory  # noqa: E402

# Mixed ASCII and CJK, all in the BMP: one UTF-16 code unit per character, and
# Python keeps it as 2-byte characters (a pure-ASCII text would be 1 byte per
# character inside Python and cheaper to encode).
PATTERN = "The quick brown fox 敏捷的棕色狐狸 jumps over the lazy dog. 你好，世界！\n"


def makeText(utf16Bytes):
    units = utf16Bytes // 2
    text = (PATTERN * (units // len(PATTERN) + 1))[:units]
    assert len(text.encode("utf-16-be")) == utf16Bytes
    return text


def floorRoundTrip(text):
    """Plain Python: encode, create a segment, write a quint32 length and the
    UTF-16BE bytes, attach a second object, read the length, decode straight
    from the shared buffer, detach both, unlink."""
    t0 = time.perf_counter_ns()
    data = text.encode("utf-16-be")
    writer = shared_memory.SharedMemory(create=True, size=4 + len(data))
    writer.buf[:4] = struct.pack(">I", len(data))
    writer.buf[4:4 + len(data)] = data
    del data
    t1 = time.perf_counter_ns()
    reader = shared_memory.SharedMemory(name=writer.name)
    (length,) = struct.unpack(">I", reader.buf[:4])
    view = reader.buf[4:4 + length]
    result = str(view, "utf-16-be")
    view.release()
    reader.close()
    writer.close()
    writer.unlink()
    t2 = time.perf_counter_ns()
    return result, t1 - t0, t2 - t1


def makeImage(pixels, path):
    """A square RGB image of about `pixels` pixels, a gradient under some
    noise (which PNG compresses about as a photo, not as a flat colour),
    saved as PNG."""
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


def imageRoundTrips(widgets, pixels, count, directory):
    """The image row: loadFromFile + loadImageFromMemory against the floor."""
    from PyQt5.QtCore import QBuffer, QDataStream
    from PyQt5.QtGui import QImage
    path = os.path.join(directory, "bench-image.png")
    image = makeImage(pixels, path)
    entry = {"pixels": image.width() * image.height(), "file_bytes": os.path.getsize(path),
             "reps": count, "errors": []}
    writer, reader = widgets
    floor, qtW, qtR = [], [], []
    for i in range(count + 1):
        t0 = time.perf_counter_ns()
        loaded = QImage()
        loaded.load(path)
        buffer = QBuffer()
        buffer.open(QBuffer.ReadWrite)
        out = QDataStream(buffer)
        out << loaded
        buffer.seek(0)
        back = QImage()
        QDataStream(buffer) >> back
        t1 = time.perf_counter_ns()
        entry["bytes"] = int(buffer.size())
        ok = writer.loadFromFile(path)
        t2 = time.perf_counter_ns()
        shared = reader.loadImageFromMemory()
        t3 = time.perf_counter_ns()
        if not ok or not isinstance(shared, QImage):
            entry["errors"].append("image round trip failed: {}".format(
                reader.errorString() or writer.ui.statusLabel.text()))
            break
        if i == 0 and (back != image or shared.convertToFormat(image.format()) != image):
            entry["errors"].append("image read differs from image written")
            break
        if i:
            floor.append(t1 - t0)
            qtW.append(t2 - t1)
            qtR.append(t3 - t2)
        del loaded, back, shared, buffer
        gc.collect()
    os.remove(path)
    if qtW and not entry["errors"]:
        entry["floor_us"] = median(floor) / 1000
        entry["send_us"] = median(qtW) / 1000
        entry["load_us"] = median(qtR) / 1000
        entry["qt_us"] = median([w + r for w, r in zip(qtW, qtR)]) / 1000
        entry["ratio"] = entry["qt_us"] / entry["floor_us"]
    return entry


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", required=True)
    parser.add_argument("--sizes", required=True, help="comma-separated sizes in UTF-16 bytes")
    parser.add_argument("--reps", required=True, help="comma-separated repetitions per size")
    parser.add_argument("--floor-only", action="store_true")
    parser.add_argument("--repo", help="directory holding process_a.py and process_b.py")
    parser.add_argument("--image-pixels", type=int, default=0,
                        help="also time an image of about this many pixels (0: none)")
    parser.add_argument("--image-reps", type=int, default=5)
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    reps = [int(r) for r in options.reps.split(",")]

    widgets = None
    qtError = None
    if not options.floor_only:
        try:
            from PyQt5.QtWidgets import QApplication
            app = QApplication([sys.argv[0], "-platform", "offscreen"])  # noqa: F841
            from process_a import Widget_PA
            from process_b import Widget_PB
            widgets = (Widget_PA(key=options.key), Widget_PB(key=options.key))
        except Exception as error:  # reported, not hidden
            qtError = "{}: {}".format(type(error).__name__, error)

    results = []
    for size, count in zip(sizes, reps):
        text = makeText(size)
        entry = {"bytes": size, "reps": count, "errors": []}
        # Floor and Qt alternate, one round trip each, after one warm-up each.
        floorW, floorR, qtW, qtR = [], [], [], []
        for i in range(count + 1):
            result, tw, tr = floorRoundTrip(text)
            if result != text:
                entry["errors"].append("floor: text read differs from text written")
                break
            if i:
                floorW.append(tw)
                floorR.append(tr)
            if widgets is not None:
                writer, reader = widgets
                t0 = time.perf_counter_ns()
                ok = writer.sendStrToMemory(text)
                t1 = time.perf_counter_ns()
                back = reader.loadStrFromMemory()
                t2 = time.perf_counter_ns()
                if not ok:
                    entry["errors"].append("sendStrToMemory returned {!r}".format(ok))
                    break
                if back != text:
                    entry["errors"].append("loadStrFromMemory gave {} characters, not the {} "
                                           "written: {!r}".format(len(back or ""), len(text),
                                                                  (back or "")[:80]))
                    break
                if i:
                    qtW.append(t1 - t0)
                    qtR.append(t2 - t1)
                del back
            gc.collect()
        if floorW:
            entry["floor_write_us"] = median(floorW) / 1000
            entry["floor_read_us"] = median(floorR) / 1000
            entry["floor_us"] = median([w + r for w, r in zip(floorW, floorR)]) / 1000
        if qtW and not entry["errors"]:
            entry["send_us"] = median(qtW) / 1000
            entry["load_us"] = median(qtR) / 1000
            entry["qt_us"] = median([w + r for w, r in zip(qtW, qtR)]) / 1000
            entry["ratio"] = entry["qt_us"] / entry["floor_us"]
        results.append(entry)
        del text
        gc.collect()

    image = None
    if widgets is not None and options.image_pixels:
        directory = os.environ.get("TMPDIR") or "/tmp"
        image = imageRoundTrips(widgets, options.image_pixels, options.image_reps, directory)

    if widgets is not None:
        from PyQt5 import sip
        for widget in widgets:
            widget.close()
            # Now, not deleteLater(): with no event loop to run it, the
            # QSharedMemory destructors would never remove the semaphore.
            sip.delete(widget)
        del widgets
        gc.collect()
    print(json.dumps({"sizes": results, "image": image, "qt_error": qtError}), flush=True)


if __name__ == "__main__":
    main()
