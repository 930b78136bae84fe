"""Runs a program as it would start where Unix facilities are missing, as on
Windows: `import fcntl`, `import termios`, `import ctypes` and the
Unix-only dependencies (`import posix_ipc`, `import sysv_ipc`) fail, and
socket.AF_UNIX is gone.

    python tests/helpers/without_unix.py SCRIPT [ARGS...]

SCRIPT runs as __main__ (runpy), with ARGS as its command line."""

import importlib.abc
import os
import runpy
import socket
import sys

BLOCKED = {"fcntl", "termios", "ctypes", "_ctypes", "posix_ipc", "sysv_ipc"}


class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("No module named {!r} (blocked: as on Windows)".format(name),
                              name=name)
        return None


for name in list(sys.modules):
    if name.split(".")[0] in BLOCKED:
        del sys.modules[name]
sys.meta_path.insert(0, Blocker())
if hasattr(socket, "AF_UNIX"):
    del socket.AF_UNIX

if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: without_unix.py SCRIPT [ARGS...]")
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))  # as `python SCRIPT` does
    runpy.run_path(sys.argv[0], run_name="__main__")
