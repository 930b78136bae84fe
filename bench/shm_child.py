"""Started by bench_shm.py: times Widget_PA.sendStrToMemory(text) +
Widget_PB.loadStrFromMemory() for each text size beside
- its floor, the blog's steps alone in PyQt5's cheapest idiom (shm_floor.py);
- the blog's own C++ pair (cxx_pair.py, blog_timing.cpp), in a process of
  its own, driven round by round over a pipe;
- the machine's limit: the same UTF-16 bytes through
  multiprocessing.shared_memory in plain Python, encoding and decoding
  included;
and prints one line of JSON.

Each round runs every contender once, in an order that rotates from round
to round; the first round is a warm-up. Each contender times its own two
calls, from a str (a QString) to an equal one over a fresh segment (the blog
makes a new segment per write). Writer and reader of each pair live in one
process, each with its own shared-memory object, so no hand-shake between
processes is timed. Every round trip is checked: the text read must equal
the text written, or the size gets an error and no number. A ratio is the
median over rounds of that round's ratio.

The image row: an image of about N pixels (a PNG made here) shared as Qt's
Shared Memory example shares it, Widget_PA.loadFromFile + reading it back,
beside its floor, the example's own work without shared memory (QImage.load,
out << image into a QBuffer, in >> image); the example has no command line
to time, so this floor stands in for it. Within loadFromFile, the time of
the System V write (steps 3 to 6) and of the copy under Qt 6's native key
are taken apart.

    python -m bench.shm_child --key KEY --sizes B,... --reps N,... --image-pixels P \
        --image-reps N [--cxx BLOG_TIMING]
"""

import argparse
import gc
import json
import os
import struct
import sys
import time
from collections import defaultdict
from multiprocessing import shared_memory
from statistics import median

# Mixed ASCII and CJK in the BMP: Python holds it as 2-byte characters, as
# it would a Chinese text (pure ASCII would be cheaper to encode).
PATTERN = "The quick brown fox 敏捷的棕色狐狸 jumps over the lazy dog. 你好，世界！\n"
# Process A's steps timed apart in the image row: (object, methods, name).
IMAGE_PARTS = (("m_sharedMemory", ("createAfterPrevious", "lockWhenFree", "copyFrom", "unlock"),
                "sysv"), ("m_qt6Memory", ("publish",), "qt6"))


def makeText(utf16Bytes):
    units = utf16Bytes // 2
    return (PATTERN * (units // len(PATTERN) + 1))[:units]


def machineLimitRoundTrip(text):
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


def pairRoundTrip(writer, reader, text, what):
    """A round of writer.sendStrToMemory + reader.loadStrFromMemory:
    (ok, ns, error)."""
    t0 = time.perf_counter_ns()
    sent = writer.sendStrToMemory(text)
    back = reader.loadStrFromMemory()
    ns = time.perf_counter_ns() - t0
    return sent is not False and back == text, ns, (
        "{}: sendStrToMemory gave {!r}, loadStrFromMemory {} characters of the {} written: "
        "{!r}".format(what, sent, len(back or ""), len(text), str(back)[:80]))


def timed(entry, count, contenders, extra=None):
    """count + 1 rounds (the first a warm-up) of each contender, a function
    giving (ok, ns, error), in rotating order. Into entry: each one's median
    time (us), and each one's median per-round ratio to "floor" and to
    "cxx" where it ran (ratio, cxx_ratio); or the first error. `extra`,
    if given, is called after each contender's round with its name and
    returns {part: ns} to keep beside its time (parts_us)."""
    names = list(contenders)
    times, parts = defaultdict(list), defaultdict(lambda: defaultdict(list))
    for i in range(count + 1):
        for name in names[i % len(names):] + names[:i % len(names)]:
            ok, ns, error = contenders[name]()
            if not ok:
                entry["errors"].append(error)
                return entry
            for part, partNs in (extra(name) if extra else {}).items():
                if i:
                    parts[name][part].append(partNs)
            if i:
                times[name].append(ns)
        gc.collect()
    entry["us"] = {name: median(times[name]) / 1000 for name in names}
    entry["ratio"] = {name: median(a / b for a, b in zip(times[name], times["floor"]))
                      for name in names}
    entry["ratio_range"] = {name: [min(a / b for a, b in zip(times[name], times["floor"])),
                                   max(a / b for a, b in zip(times[name], times["floor"]))]
                            for name in names}
    if "cxx" in times:
        entry["cxx_ratio"] = {name: median(a / b for a, b in zip(times[name], times["cxx"]))
                              for name in names}
    entry["parts_us"] = {name: {part: median(values) / 1000 for part, values in each.items()}
                         for name, each in parts.items()}
    entry["rounds"] = count
    return entry


def textRow(pairs, cxx, size, count):
    """One size: the port, its floor and the machine's limit in this
    process, the C++ pair in its own."""
    text = makeText(size)
    entry = {"what": "{} bytes".format(size), "bytes": size, "errors": []}
    contenders = {name: (lambda pair=pair, name=name: pairRoundTrip(*pair, text, name))
                  for name, pair in pairs.items()}

    def machineLimit():
        back, ns = machineLimitRoundTrip(text)
        return back == text, ns, "multiprocessing.shared_memory: the text read differs"

    contenders["mp"] = machineLimit
    if cxx is not None:
        path = os.path.join(os.environ.get("TMPDIR") or "/tmp", "bench-text.txt")
        with open(path, "wb") as f:
            f.write(text.encode("utf-8"))
        loaded = cxx.load(path)
        os.remove(path)
        if loaded != 2 * len(text):
            entry["errors"].append("C++: the text loaded has {} UTF-16 bytes, not {}".format(
                loaded, 2 * len(text)))
            return entry
        contenders["cxx"] = cxx.round
    return timed(entry, count, contenders)


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




def clockParts(writer):
    """Wraps process A's steps named in IMAGE_PARTS so that each call adds
    its nanoseconds to its part; returns a function that gives the parts
    so far ({part: ns}) and starts them again. RuntimeError when process A
    no longer has one of them (update IMAGE_PARTS)."""
    spent = defaultdict(int)
    for owner, methods, part in IMAGE_PARTS:
        target = getattr(writer, owner, None)
        for method in methods:
            call = getattr(target, method, None)
            if call is None:
                raise RuntimeError("Widget_PA has no {}.{}: bench/shm_child.py's IMAGE_PARTS "
                                   "needs the new name".format(owner, method))

            def clocked(*args, call=call, part=part):
                t0 = time.perf_counter_ns()
                try:
                    return call(*args)
                finally:
                    spent[part] += time.perf_counter_ns() - t0

            setattr(target, method, clocked)

    def taken(name):
        if name != "port":
            return {}
        parts = dict(spent)
        spent.clear()
        return parts

    return taken


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

    def port():
        t0 = time.perf_counter_ns()
        sent = writer.loadFromFile(path)
        back = reader.loadImageFromMemory()
        ns = time.perf_counter_ns() - t0
        same = sent and isinstance(back, QImage) and back.convertToFormat(image.format()) == image
        return same, ns, "the image read differs from the image written: {}".format(
            reader.errorString())

    entry = {"what": "image", "pixels": image.width() * image.height(), "errors": [],
             "file_bytes": os.path.getsize(path)}
    try:
        return timed(entry, count, {"floor": floor, "port": port}, clockParts(writer))
    except RuntimeError as error:
        entry["errors"].append(str(error))
        return entry
    finally:
        os.remove(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", required=True)
    parser.add_argument("--sizes", required=True, help="UTF-16 bytes, comma-separated")
    parser.add_argument("--reps", required=True, help="rounds per size, comma-separated")
    parser.add_argument("--image-pixels", type=int, required=True)
    parser.add_argument("--image-reps", type=int, required=True)
    parser.add_argument("--cxx", help="bench/blog_timing.cpp, built (cxx_pair.build)")
    options = parser.parse_args()

    from PyQt5 import sip
    from PyQt5.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])  # noqa: F841
    from bench.cxx_pair import CxxPair
    from bench.shm_floor import FloorReader, FloorWriter
    from process_a import Widget_PA
    from process_b import Widget_PB
    writer, reader = Widget_PA(options.key), Widget_PB(options.key)
    floorKey = options.key + "-floor"
    pairs = {"floor": (FloorWriter(floorKey), FloorReader(floorKey)), "port": (writer, reader)}
    cxx = CxxPair(options.cxx, options.key + "-cxx") if options.cxx else None
    try:
        sizes = [textRow(pairs, cxx, int(size), int(count)) for size, count in
                 zip(options.sizes.split(","), options.reps.split(","))]
    finally:
        if cxx is not None:
            cxx.close()
        pairs["floor"][0].leave()
    image = imageRow(writer, reader, options.image_pixels, options.image_reps)
    for widget in (writer, reader):
        # Now, not deleteLater(): with no event loop to run it, the
        # QSharedMemory destructors would never remove the semaphore.
        widget.close()
        sip.delete(widget)
    print(json.dumps({"sizes": sizes, "image": image}), flush=True)


if __name__ == "__main__":
    main()
