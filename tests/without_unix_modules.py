"""Runs a program as it would start on Windows, where Python has no fcntl,
and no AF_UNIX sockets or C library through ctypes to lean on: importing
any of them fails. Usage: without_unix_modules.py SCRIPT [ARGS...]"""

import os
import runpy
import sys

MISSING = ("fcntl", "socket", "_socket", "ctypes", "_ctypes", "termios")

for name in MISSING:
    sys.modules[name] = None  # "import name" now raises ImportError

script = os.path.abspath(sys.argv[1])
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(script)
runpy.run_path(script, run_name="__main__")
