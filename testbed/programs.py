"""The four programs, where they are, and the C++ examples beside them."""

import glob
import os
from collections import namedtuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

Program = namedtuple("Program", "module command window nameOption")
Program.__doc__ = """A program: its module (module.py at the top of the
checkout), the command setup.cfg installs for it, its window's class, and
the option that gives it the server name or shared-memory key to use."""

# The one list of the programs; tests/test_program.py checks that setup.cfg
# installs exactly these.
PROGRAMS = (
    Program("fortune_server", "fortune-server", "Server", "--name"),
    Program("fortune_client", "fortune-client", "Client", "--name"),
    Program("process_a", "process-a", "Widget_PA", "--key"),
    Program("process_b", "process-b", "Widget_PB", "--key"),
)

# Debian's qtbase5-examples, under the machine's multiarch directory.
CXX_EXAMPLES = next(iter(sorted(glob.glob("/usr/lib/*/qt5/examples/corelib/ipc"))),
                    "/usr/lib/x86_64-linux-gnu/qt5/examples/corelib/ipc")


def script(name):
    """Path of a file at the top of the checkout ("fortune_server.py")."""
    return os.path.join(REPO, name)


def cxxPath(name):
    """Path of a C++ example binary (it may be missing)."""
    return os.path.join(CXX_EXAMPLES, name, name)


def windowTexts(window):
    """The texts a window shows: its title, then every label's and button's."""
    from PyQt5.QtWidgets import QAbstractButton, QLabel

    texts = [window.windowTitle()]
    texts += [label.text() for label in window.findChildren(QLabel)]
    texts += [button.text() for button in window.findChildren(QAbstractButton)]
    return [text for text in texts if text]
