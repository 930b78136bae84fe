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
    # Imported here: uic takes a tenth of a server's start-up, and the
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
    """QString::arg for translated strings: replaces %1, %2, ... in order."""
    for number in range(len(values), 0, -1):
        text = text.replace("%{}".format(number), str(values[number - 1]))
    return text
