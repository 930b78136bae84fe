"""What the four programs share, each fact in one place: the version, where
their Designer forms live, and their default names. How they start, take
options and report failures is in qtipc.program."""

import os

__version__ = "0.2.0"

FORMS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "forms")

DEFAULT_SERVER_NAME = "fortune"
DEFAULT_SHARED_MEMORY_KEY = "processAstr"


def loadForm(fileName, widget):
    """Builds `widget` from the Designer form `fileName` in FORMS_DIR, with
    its widgets as members (as Qt's C++ Server and Client have them)."""
    # Imported here: uic weighs on start-up (docs/benchmarks.md), and the
    # server listens before it builds its window.
    from PyQt5 import uic

    return uic.loadUi(os.path.join(FORMS_DIR, fileName), widget)


def formClass(fileName):
    """The Ui_ class of the Designer form `fileName`, built at run time: an
    instance's setupUi(widget) does what the C++ ui->setupUi(this) does, and
    its members are the form's widgets (ui.textEdit for ui->textEdit)."""
    from PyQt5 import uic

    form, _ = uic.loadUiType(os.path.join(FORMS_DIR, fileName))
    return form


def arg(text, *values):
    """QString::arg for translated strings: replaces %1, %2, ... with the
    values, in one pass, so that a value holding "%1" stays as it is."""
    global _PLACEHOLDER
    if _PLACEHOLDER is None:
        import re
        _PLACEHOLDER = re.compile(r"%(\d+)")

    def value(match):
        number = int(match.group(1))
        return str(values[number - 1]) if 0 < number <= len(values) else match.group(0)

    return _PLACEHOLDER.sub(value, text)


_PLACEHOLDER = None


def asQString(text):
    """The str to hand PyQt5 for a QString that holds exactly `text`.

    PyQt5 converts a str with a character outside the BMP through
    QString::fromUcs4(), which takes one leading U+FEFF for a byte-order
    mark and drops it: out.writeQString("\\ufeff\\U0001F600") writes one
    character short. For such a text this returns it with one more U+FEFF
    in front, for the conversion to drop; any other text is returned as it
    is. Whether the conversion drops it is asked of PyQt5 once, not assumed.
    The same holds for any QString argument (QLabel.setText, ...)."""
    global _DROPS_LEADING_BOM
    if not text.startswith("\ufeff") or max(text) <= "\uffff":
        return text
    if _DROPS_LEADING_BOM is None:
        from PyQt5.QtCore import QByteArray, QDataStream, QIODevice
        block = QByteArray()
        QDataStream(block, QIODevice.WriteOnly).writeQString("\ufeff\U0001F600")
        _DROPS_LEADING_BOM = block.size() == 4 + 4
    return "\ufeff" + text if _DROPS_LEADING_BOM else text


_DROPS_LEADING_BOM = None
