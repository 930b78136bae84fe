#!/usr/bin/env python3
"""Regenerates the translations, the .ts sources and the .qm files built
from them, in one step:

    .venv/bin/python -m tools.update_translations    (from the checkout's root)

1. pylupdate5 (PyQt5's) brings every qtipc/translations/qtipc_<lang>.ts up
   to date with the strings of the four programs (setup.cfg's py_modules),
   qtipc/*.py and qtipc/forms/*.ui; strings no longer used are dropped.
2. Qt's lrelease (Debian: qttools5-dev-tools) compiles each to its .qm,
   which the package installs.

Then translate what it lists as untranslated (in Qt Linguist, or in the .ts
by hand: fill each <translation type="unfinished"> and drop the type), and
run it again. It also lists strings pylupdate5 found outside any class
(context "@default"): the program looks them up under another context, so
they would never be translated; call self.tr() or
QCoreApplication.translate("<ClassName>", "literal") there instead.

A new language: `--add fr` creates qtipc_fr.ts first.
"""

import argparse
import configparser
import glob
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRANSLATIONS = os.path.join(REPO, "qtipc", "translations")
CATALOG = "qtipc"  # qtipc_<lang>.ts / .qm, the name qtipc.program loads
NO_CONTEXT = "@default"

# Debian's qtchooser wrapper first, then Qt 5's own directories.
LRELEASE_CANDIDATES = ["lrelease", "lrelease-qt5"] + sorted(
    glob.glob("/usr/lib/qt5/bin/lrelease") + glob.glob("/usr/lib/*/qt5/bin/lrelease"))


def sources():
    """The files whose strings are translated, relative to the repository."""
    setup = configparser.ConfigParser()
    setup.read(os.path.join(REPO, "setup.cfg"))
    scripts = [name + ".py" for name in setup["options"]["py_modules"].split()]
    package = sorted(os.path.relpath(path, REPO)
                     for path in glob.glob(os.path.join(REPO, "qtipc", "*.py")))
    forms = sorted(os.path.relpath(path, REPO)
                   for path in glob.glob(os.path.join(REPO, "qtipc", "forms", "*.ui")))
    return scripts + package + forms


def tsFiles():
    return sorted(glob.glob(os.path.join(TRANSLATIONS, CATALOG + "_*.ts")))


def qmFile(tsFile):
    return os.path.splitext(tsFile)[0] + ".qm"


def findLrelease():
    """The path of Qt 5's lrelease, or None."""
    for candidate in LRELEASE_CANDIDATES:
        path = shutil.which(candidate)
        if path:
            return path
    return None


def updateTs(tsFiles, cwd=REPO):
    """Runs pylupdate5 over sources() into `tsFiles` (run from the repository,
    so that the locations in them are relative paths)."""
    command = [sys.executable, "-c",
               "import sys; from PyQt5.pylupdate_main import main; sys.exit(main())",
               "-noobsolete"] + sources() + ["-ts"] + list(tsFiles)
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    # pylupdate5 says what is wrong on stderr but exits 0 all the same.
    if result.returncode or "error" in result.stderr:
        raise SystemExit("pylupdate5 failed:\n" + result.stderr)


def carryOver(tsFile, known):
    """Accepts, for each message not yet translated, the one translation its
    source text had before the update (`known`: source -> set of
    translations), as when a string moves to another context (pylupdate5
    then proposes it, marked unfinished); returns the sources accepted.
    The .ts is then rewritten by pylupdate5 again, in its own layout."""
    tree = ElementTree.parse(tsFile)
    accepted = []
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        source = message.findtext("source")
        candidates = known.get(source, set())
        if translation.get("type") != "unfinished" or len(candidates) != 1 \
                or (translation.text or "") not in candidates | {""}:
            continue
        translation.text = next(iter(candidates))
        del translation.attrib["type"]
        accepted.append(source)
    if accepted:
        with open(tsFile, "w", encoding="utf-8") as file:
            file.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
            file.write(ElementTree.tostring(tree.getroot(), encoding="unicode"))
    return accepted


def knownTranslations(tsFile):
    known = {}
    for _, source, translation, finished in messages(tsFile):
        if finished:
            known.setdefault(source, set()).add(translation)
    return known


def release(tsFile, qmFile, lrelease):
    """Compiles `tsFile` to `qmFile` with lrelease."""
    result = subprocess.run([lrelease, "-silent", "-nounfinished", tsFile, "-qm", qmFile],
                            capture_output=True, text=True)
    if result.returncode or not os.path.exists(qmFile):
        raise SystemExit("lrelease failed on {}:\n{}{}".format(tsFile, result.stdout,
                                                                result.stderr))


def messages(tsFile):
    """(context, source, translation, finished) for every message of a .ts."""
    found = []
    for context in ElementTree.parse(tsFile).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            finished = translation.get("type") not in ("unfinished", "obsolete", "vanished")
            found.append((name, message.findtext("source"), translation.text or "",
                          finished and bool(translation.text)))
    return found


def newTs(language):
    path = os.path.join(TRANSLATIONS, "{}_{}.ts".format(CATALOG, language))
    if os.path.exists(path):
        raise SystemExit(path + " exists already")
    with open(path, "w", encoding="utf-8") as file:
        file.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                   '<TS version="2.1" language="{}">\n</TS>\n'.format(language))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", metavar="LANG", help="start a translation for LANG (say fr)")
    options = parser.parse_args()
    try:
        import PyQt5.pylupdate_main  # noqa: F401
    except ImportError:
        raise SystemExit("PyQt5 is not installed for {}; run this with the project's "
                         ".venv/bin/python (sh quickstart.sh test makes it)".format(
                             sys.executable))
    lrelease = findLrelease()
    if not lrelease:
        raise SystemExit("lrelease not found: apt-get install qttools5-dev-tools")
    if options.add:
        newTs(options.add)

    known = {tsFile: knownTranslations(tsFile) for tsFile in tsFiles()}
    updateTs(tsFiles())
    carried = {tsFile: carryOver(tsFile, known[tsFile]) for tsFile in tsFiles()}
    if any(carried.values()):
        updateTs(tsFiles())
    status = 0
    for tsFile in tsFiles():
        for source in carried[tsFile]:
            print("  carried over (check it): {!r}".format(source))
        release(tsFile, qmFile(tsFile), lrelease)
        found = messages(tsFile)
        untranslated = [m for m in found if not m[3]]
        print("{}: {} strings, {} untranslated -> {}".format(
            os.path.relpath(tsFile, REPO), len(found), len(untranslated),
            os.path.relpath(qmFile(tsFile), REPO)))
        for context, source, _, _ in untranslated:
            print("  untranslated [{}] {!r}".format(context, source))
        for context, source, _, _ in found:
            if context == NO_CONTEXT:
                status = 1
                print("  NO CONTEXT (never translated at run time): {!r}".format(source))
    return status


if __name__ == "__main__":
    sys.exit(main())
