"""The memory rows of the shared-memory benchmark: each program's peak
resident set size (getrusage's ru_maxrss, from wait4) beside the blog's C++
(bench/blog_timing.cpp) on the same large text, the mix below:

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


def finish(process):
    """Waits for `process`; its peak RSS in MiB (None if it failed)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024 if process.returncode == 0 else None


def measured(argv, env, stdout=subprocess.DEVNULL):
    """Runs argv to its end: (peak RSS in MiB or None, its standard error)."""
    process = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.PIPE)
    err = process.stderr.read().decode(errors="replace")
    return finish(process), err


class Writer:
    """A writer holding the text while readers read it: stop() gives its
    peak RSS in MiB."""

    def __init__(self, argv, env):
        self.process = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.line = self.process.stdout.readline().decode(errors="replace")

    def stop(self):
        os.kill(self.process.pid, signal.SIGTERM)  # a zombie takes it too: wait4 reaps it
        self.process.stdin.close()
        rss = finish(self.process)
        self.error = self.process.stderr.read().decode(errors="replace")[-300:]
        self.process.stdout.close()
        self.process.stderr.close()
        return rss

    def stopChecked(self, who, entry):
        """stop(), with an error in `entry` when it did not end well."""
        rss = self.stop()
        if rss is None:
            entry["errors"].append("{} exited with {}: {}".format(who, self.process.returncode,
                                                                   self.error))
        return rss


def sizeRows(cxx, tmp, env, size, key, windows):
    """The rows at one text size: {"bytes", "rows": {row: {"port", "cxx"}},
    "errors"}."""
    entry = {"bytes": size, "rows": {}, "errors": []}
    text = os.path.join(tmp, "mix.txt")
    characters, units = writeMix(text, size)
    entry["characters"], entry["utf16_bytes"] = characters, 2 * units
    out = os.path.join(tmp, "read.txt")
    python = [sys.executable]

    def read(who, argv):
        with open(out, "wb") as f:
            rss, err = measured(argv, env, stdout=f)
        same = rss is not None and filecmp.cmp(out, text, shallow=False)
        os.remove(out)
        if not same:
            entry["errors"].append("{} did not print the text written: {}".format(who, err[-300:]))
        return rss if same else None

    try:
        cxxKey, portKey = key + "-cxx", key + "-port"
        written = "written {} bytes\n".format(4 + 2 * units)
        writer = Writer([cxx, "write", cxxKey, text], env)
        if writer.line != written:
            entry["errors"].append("the C++ writer said {!r}".format(writer.line))
        rows = {"B reading (--print)": {
            "cxx": read("blog_timing read", [cxx, "read", cxxKey]),
            "port": read("process_b.py --print",
                         python + [script("process_b.py"), "--key", cxxKey, "--print"])}}
        if windows:
            rows["B's window holding it"] = {
                "cxx": windowRss("blog_timing window", [cxx, "window", cxxKey], env, units, entry),
                "port": windowRss("shm_window.py", python + ["-m", "bench.shm_window", "--key",
                                                              cxxKey], env, units, entry)}
        cxxWriter = writer.stopChecked("blog_timing write", entry)
        writer = Writer(python + [script("process_a.py"), "--key", portKey, "--text-file", text],
                        env)
        if writer.line != written:
            entry["errors"].append("process_a.py said {!r}".format(writer.line))
        read("process_b.py --print (of process A)",
             python + [script("process_b.py"), "--key", portKey, "--print"])
        rows["A holding it (--text-file)"] = {"cxx": cxxWriter,
                                               "port": writer.stopChecked("process_a.py", entry)}
        entry["rows"] = {name: dict(row, ratio=row["port"] / row["cxx"]
                                    if row["port"] and row["cxx"] else None)
                         for name, row in rows.items()}
    finally:
        os.remove(text)
    return entry


def windowRss(who, argv, env, units, entry):
    """Peak RSS of a window program showing the text, checked by its
    character count."""
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    said = process.stdout.read().decode(errors="replace")
    err = process.stderr.read().decode(errors="replace")
    rss = finish(process)
    expected = "shown {} characters\n".format(units + 1)
    if rss is None or said != expected:
        entry["errors"].append("{} showed {!r}, not {!r}: {}".format(who, said, expected,
                                                                      err[-300:]))
        return None
    return rss


def run(cxx, tmp, env, key, sizes, windowSizes):
    """The memory rows at each size (bytes of UTF-8)."""
    return {"mix": mixDescription(), "sizes": [
        sizeRows(cxx, tmp, env, size, "{}-{}".format(key, size), size in windowSizes)
        for size in sizes]}
