"""Qt 6's own verdicts on image sizes, from PySide6 (Qt's Python binding),
in a process of its own (never PyQt5 in the same process):

    QT_IMAGEIO_MAXALLOC=... python tests/helpers/qt6_image_limit.py [FILE...]

Prints one JSON object: QImageReader.allocationLimit() (which reads
QT_IMAGEIO_MAXALLOC once, at the first call), and for each FILE whether
QImageReader reads it (True) or refuses it (False)."""

import json
import sys

from PySide6.QtGui import QImageReader

print(json.dumps({"limit": QImageReader.allocationLimit(),
                  "reads": [not QImageReader(path).read().isNull() for path in sys.argv[1:]]}))
