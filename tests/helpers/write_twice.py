"""Process A's window, as a user uses it twice, then process B reading what
is shared; run where the segment size is capped (with_shmmax.py):

    python tests/helpers/write_twice.py KEY FIRST SECOND [blind]

FIRST is a text file whose text the window shares first; SECOND is shared
next: a text file, or an image file (*.png) loaded as "Load Image From
File..." loads it. With "blind", the window cannot read the system's cap
beforehand, as where `sysctl` or /proc cannot be read, and so meets the cap
only in create(). Prints one JSON object: what each write returned and the
window's status line after it, then process_b.py --print's exit status,
standard output and standard error."""

import json
import os
import subprocess
import sys

from PyQt5.QtWidgets import QApplication

import process_a
from qtipc import system_limits

key, first, second = sys.argv[1:4]
if sys.argv[4:] == ["blind"]:
    system_limits.systemSegmentLimit = lambda: (None, "")
app = QApplication(sys.argv[:1] + ["-platform", "offscreen"])
widget = process_a.Widget_PA(key)
results = {}

def written(ok):
    """What a write gave: the bytes it wrote, or False."""
    return widget.m_bytesWritten if ok else False


with open(first, encoding="utf-8") as file:
    results["first"] = written(widget.sendStrToMemory(file.read()))
results["firstStatus"] = widget.ui.statusLabel.text()
if second.endswith(".png"):
    results["second"] = written(widget.loadFromFile(second))
else:
    with open(second, encoding="utf-8") as file:
        results["second"] = written(widget.sendStrToMemory(file.read()))
results["secondStatus"] = widget.ui.statusLabel.text()
reader = subprocess.run([sys.executable, os.path.join(os.path.dirname(process_a.__file__),
                                                      "process_b.py"),
                         "--key", key, "--print", "-platform", "offscreen"],
                        capture_output=True, timeout=60)
results["read"] = [reader.returncode, reader.stdout.decode("utf-8"),
                   reader.stderr.decode("utf-8", "replace")]
widget.close()  # the segment lives as long as the window
print(json.dumps(results))
