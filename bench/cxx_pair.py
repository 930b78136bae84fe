"""The blog's C++ pair for the shared-memory benchmark: Widget_PA::sendStrToMemory
and Widget_PB::loadStrFromMemory, taken from docs/blog/ at build time and put
into bench/blog_timing.cpp, built with g++ against the system's Qt 5
(apt-get install g++ pkg-config qtbase5-dev), and driven over a pipe so
that its rounds interleave with the Python ones."""

import hashlib
import os
import re
import shutil
import subprocess

from bench.common import BENCH
from testbed.programs import REPO

BLOG = os.path.join(REPO, "docs", "blog")
FUNCTIONS = (("widget_pa.cpp", "Widget_PA::sendStrToMemory"),
             ("widget_pb.cpp", "Widget_PB::loadStrFromMemory"))
MARKER = "// @BLOG_FUNCTIONS@"


def blogFunction(fileName, name):
    """The function `name` of docs/blog/`fileName`, as the blog prints it,
    with setKey("processAstr") made setKey(key)."""
    with open(os.path.join(BLOG, fileName), encoding="utf-8") as f:
        source = f.read()
    match = re.search(r"^// ==== {} ====\n(.*?)(?=^// ==== |\Z)".format(re.escape(name)),
                      source, re.S | re.M)
    if match is None or source.count('setKey("processAstr")') != 1:
        raise RuntimeError("docs/blog/{} no longer holds {} as the harness expects".format(
            fileName, name))
    return match.group(1).replace('setKey("processAstr")', "setKey(key)")


def build(outDir):
    """outDir/bin/blog_timing-HASH, built once per source; RuntimeError
    naming the Debian packages when it cannot be."""
    for tool in ("g++", "pkg-config"):
        if shutil.which(tool) is None:
            raise RuntimeError("the C++ pair needs {0} (apt-get install {0})".format(tool))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "Qt5Widgets"],
                           capture_output=True, text=True)
    if flags.returncode != 0:
        raise RuntimeError("the C++ pair needs Qt 5's headers (apt-get install qtbase5-dev)")
    with open(os.path.join(BENCH, "blog_timing.cpp"), encoding="utf-8") as f:
        source = f.read().replace(MARKER, "\n".join(blogFunction(*each) for each in FUNCTIONS))
    digest = hashlib.sha256((source + flags.stdout).encode()).hexdigest()[:12]
    directory = os.path.join(outDir, "bin")
    os.makedirs(directory, exist_ok=True)
    target = os.path.join(directory, "blog_timing-" + digest)
    if not os.access(target, os.X_OK):
        temporary = "{}.tmp{}".format(target, os.getpid())
        with open(temporary + ".cpp", "w", encoding="utf-8") as f:
            f.write(source)
        try:
            done = subprocess.run(["g++", "-std=c++17", "-fPIC", "-O2", temporary + ".cpp", "-o",
                                   temporary] + flags.stdout.split(),
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError("building the C++ pair failed: " + done.stderr[-1500:])
            os.replace(temporary, target)
        finally:
            os.remove(temporary + ".cpp")
    return target


class CxxPair:
    """`blog_timing time KEY`, running: load(path) gives the text's UTF-16
    bytes, round() one timed round trip as (ok, ns, error)."""

    def __init__(self, binary, key, env=None):
        self.process = subprocess.Popen([binary, "time", key], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=env)

    def ask(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().split()

    def load(self, path):
        answer = self.ask("text " + path)
        return int(answer[1]) if answer[:1] == ["ok"] else None

    def round(self):
        answer = self.ask("round")
        if len(answer) != 2:
            return False, 0, "the C++ pair stopped (exit status {})".format(self.process.poll())
        return answer[1] == "1", int(answer[0]), "C++: the text read differs from the text written"

    def close(self):
        self.process.stdin.close()
        self.process.stdout.close()
        self.process.wait(timeout=30)
