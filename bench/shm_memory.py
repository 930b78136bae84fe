"""The memory rows of the shared-memory benchmark: each program's peak
resident set size (ru_maxrss, taken by bench/peakrss.c) beside the blog's
C++ (bench/blog_timing.cpp) and the floor (bench/shm_floor.py) on the same
large text, the mix below:

- process A holding it: process_a.py --text-file FILE against
  `blog_timing write` (Widget_PA::sendStrToMemory of the file's text);
- process B reading it: process_b.py --print against `blog_timing read`
  (Widget_PB::loadStrFromMemory);
- process B's window holding it: a shown Widget_PB whose button is clicked
  (bench/shm_window.py) against `blog_timing window` (a QTextEdit given
  loadStrFromMemory(), as Widget_PB::on_pushButton_clicked does).

Both readers read the same segment. Every text read is checked against the
file, byte for byte (the windows: their character count); a wrong one is
an error and gives no number."""

import filecmp
import itertools
import os
import signal
import subprocess
import sys

from testbed.programs import script

# The fixed mix: one line, repeated. By characters it is about 70 % ASCII,
# 10 % accented Latin, 16 % CJK and 4 % emoji (outside the BMP), so that a
# Python str of it takes 4 bytes a character, as any text with an emoji does.
MIX_LINE = ("Shared memory between process A and process B, line after line: "
            "café, naïve, Ångström, jalapeño, façade, Zürich. "
            "共享内存方式实现进程间通信，读写都要加锁。"
            "😀🦊🐍🚀\n")


def mixDescription():
    """The mix, in words, for the report."""
    groups = {"ASCII": 0, "accented Latin": 0, "CJK": 0, "emoji": 0}
    for ch in MIX_LINE:
        code = ord(ch)
        group = ("ASCII" if code < 0x80 else "accented Latin" if code < 0x3000 else
                 "emoji" if code > 0xffff else "CJK")
        groups[group] += 1
    return "the line of bench/shm_memory.py, repeated: " + ", ".join(
        "{} {:.0%}".format(name, count / len(MIX_LINE)) for name, count in groups.items()) \
        + " of its characters"


def writeMix(path, size):
    """`size` bytes of the mix, in UTF-8, cut at a line's end; returns the
    text's characters and UTF-16 code units."""
    line = MIX_LINE.encode("utf-8")
    lines = max(size // len(line), 1)
    with open(path, "wb") as f:
        for _ in range(lines):
            f.write(line)
    units = len(MIX_LINE.encode("utf-16-le")) // 2
    return lines * len(MIX_LINE), lines * units


class Measured:
    """A command run under peakrss: its peak RSS in MiB once it has ended
    (None if it failed)."""

    COUNT = itertools.count()

    def __init__(self, argv, env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL):
        self.result = os.path.join(env["TMPDIR"], "peak-rss-{}".format(next(Measured.COUNT)))
        self.process = subprocess.Popen([Measured.PEAKRSS, self.result] + argv, env=env,
                                        stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)

    def finish(self):
        """Waits for the command: (peak RSS in MiB or None, its standard error)."""
        err = self.process.stderr.read().decode(errors="replace")[-300:]
        self.process.stderr.close()
        if self.process.wait() != 0 or not os.path.exists(self.result):
            return None, err
        with open(self.result) as f:
            rss = int(f.read()) / 1024
        os.remove(self.result)
        return rss, err


class Writer(Measured):
    """A writer holding the text while readers read it; its first line."""

    def __init__(self, argv, env):
        super().__init__(argv, env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.line = self.process.stdout.readline().decode(errors="replace")

    def stopChecked(self, who, entry):
        """Stops it (SIGTERM, passed on by peakrss): its peak RSS in MiB, or
        None with an error in `entry` when it did not end well."""
        self.process.send_signal(signal.SIGTERM)  # alone: an end of input as well would race it
        rss, err = self.finish()
        self.process.stdin.close()
        self.process.stdout.close()
        if rss is None:
            entry["errors"].append("{} exited with {}: {}".format(who, self.process.returncode,
                                                                   err))
        return rss


def sizeRows(cxx, tmp, env, size, key, windows):
    """The rows at one text size: {"bytes", "rows": {row: {"port", "floor",
    "cxx", "ratio", "cxx_ratio"}}, "errors"}; the windows have no floor."""
    entry = {"bytes": size, "rows": {}, "errors": []}
    text = os.path.join(tmp, "mix.txt")
    characters, units = writeMix(text, size)
    entry["characters"], entry["utf16_bytes"] = characters, 2 * units
    out = os.path.join(tmp, "read.txt")
    python = [sys.executable]

    def read(who, argv):
        with open(out, "wb") as f:
            rss, err = Measured(argv, env, stdout=f).finish()
        same = rss is not None and filecmp.cmp(out, text, shallow=False)
        os.remove(out)
        if not same:
            entry["errors"].append("{} did not print the text written: {}".format(who, err[-300:]))
        return rss if same else None

    try:
        cxxKey, portKey, floorKey = key + "-cxx", key + "-port", key + "-floor"
        floor = python + ["-m", "bench.shm_floor"]
        written = "written {} bytes\n".format(4 + 2 * units)
        writer = Writer([cxx, "write", cxxKey, text], env)
        if writer.line != written:
            entry["errors"].append("the C++ writer said {!r}".format(writer.line))
        rows = {"B reading (--print)": {
            "cxx": read("blog_timing read", [cxx, "read", cxxKey]),
            "floor": read("shm_floor.py read", floor + ["read", cxxKey]),
            "port": read("process_b.py --print",
                         python + [script("process_b.py"), "--key", cxxKey, "--print"])}}
        if windows:
            rows["B's window holding it"] = {
                "cxx": windowRss("blog_timing window", [cxx, "window", cxxKey], env, units, entry),
                "port": windowRss("shm_window.py", python + ["-m", "bench.shm_window", "--key",
                                                              cxxKey], env, units, entry)}
        holding = {"cxx": writer.stopChecked("blog_timing write", entry)}
        for name, writerKey, argv, who in (
                ("floor", floorKey, floor + ["write", floorKey, text], "shm_floor.py write"),
                ("port", portKey, python + [script("process_a.py"), "--key", portKey,
                                            "--text-file", text], "process_a.py")):
            writer = Writer(argv, env)
            if writer.line != written:
                entry["errors"].append("{} said {!r}".format(who, writer.line))
            read("process_b.py --print (of {})".format(who),
                 python + [script("process_b.py"), "--key", writerKey, "--print"])
            holding[name] = writer.stopChecked(who, entry)
        rows["A holding it (--text-file)"] = holding
        entry["rows"] = {name: dict(row, ratio=ratio(row, "floor"), cxx_ratio=ratio(row, "cxx"))
                         for name, row in rows.items()}
    finally:
        os.remove(text)
    return entry


def ratio(row, against):
    return row["port"] / row[against] if row.get("port") and row.get(against) else None


def windowRss(who, argv, env, units, entry):
    """Peak RSS of a window program showing the text, checked by its
    character count."""
    shown = Measured(argv, env, stdout=subprocess.PIPE)
    said = shown.process.stdout.read().decode(errors="replace")
    shown.process.stdout.close()
    rss, err = shown.finish()
    expected = "shown {} characters\n".format(units + 1)
    if rss is None or said != expected:
        entry["errors"].append("{} showed {!r}, not {!r}: {}".format(who, said, expected, err))
        return None
    return rss


def run(cxx, peakrss, tmp, env, key, sizes, windowSizes):
    """The memory rows at each size (bytes of UTF-8); `peakrss` is
    bench/peakrss.c, built."""
    Measured.PEAKRSS = peakrss
    return {"mix": mixDescription(), "sizes": [
        sizeRows(cxx, tmp, env, size, "{}-{}".format(key, size), size in windowSizes)
        for size in sizes]}
