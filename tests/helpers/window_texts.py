"""Helper program: starts the application as one of the four programs does
(startApplication(), which installs the translations for this process's
locale), builds its window, shows it, and prints the texts it shows as a
JSON list: the window title, then every label's and button's text.

    window_texts.py <module> <server name or shared memory key>
"""

import importlib
import json
import sys

from testbed.programs import PROGRAMS, windowTexts


def main():
    moduleName, name = sys.argv[1:3]
    from qtipc.program import startApplication

    app = startApplication(moduleName)
    module = importlib.import_module(moduleName)
    windowClass = next(program.window for program in PROGRAMS if program.module == moduleName)
    window = getattr(module, windowClass)(name)
    window.show()
    app.processEvents()
    print(json.dumps(windowTexts(window)), flush=True)
    if moduleName == "fortune_server":
        window.server.close()  # removes its socket file
    window.close()


if __name__ == "__main__":
    main()
