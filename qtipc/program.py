"""The one convention the four programs share: how each starts its
application, takes its options, says what went wrong and exits.

- Options are parsed by `parseOptions()`: `--help` and `--version` print
  and exit 0 (with no display needed), a usage error is said on stderr and
  exits EXIT_USAGE.
- A failure is said in the window and on stderr (`printError()`); a program
  that gives up exits EXIT_FAILURE.
- The translation context of a string is the class it belongs to.
"""

import os
import signal
import sys

from PyQt5.QtCore import (QCommandLineOption, QCoreApplication, QLibraryInfo, QLocale,
                          QSocketNotifier, QTimer, QTranslator)

from qtipc import DEFAULT_SHARED_MEMORY_KEY, __version__, arg

EXIT_FAILURE = 1
EXIT_USAGE = 2

TRANSLATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "translations")

# Arguments that only ask for text: they get a QCoreApplication, so that
# they work where no display is (QApplication aborts there).
_TEXT_ONLY = {"-h", "-?", "--help", "-help", "--help-all", "-v", "--version"}

# Platforms on which a modal dialog can never be answered.
_HEADLESS_PLATFORMS = ("offscreen", "minimal")


def startApplication(applicationName, windowless=()):
    """The program's application, with its translations installed (before
    any window is built or option parsed). A QApplication, except when the
    command line asks only for help or the version, or no window can be
    opened: then a QCoreApplication, so that the options are still parsed
    and answered (QApplication would abort), and parseOptions() says why no
    window comes. With one of the `windowless` options (which open no
    window), no display is needed: Qt's platform is then offscreen unless
    one is chosen."""
    if set(windowless) & {argument.split("=")[0] for argument in sys.argv[1:]}:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if _TEXT_ONLY.intersection(sys.argv[1:]) or not _displayAvailable():
        app = QCoreApplication(sys.argv)
    else:
        from PyQt5.QtWidgets import QApplication
        app = QApplication(sys.argv)
    app.setApplicationName(applicationName)
    app.setApplicationVersion(__version__)
    installTranslations(app)
    return app


def _displayAvailable():
    """False where Qt's default platform on Linux and the BSDs (xcb, else
    wayland) has no display to connect to; elsewhere, or with a platform
    chosen by -platform or QT_QPA_PLATFORM, Qt decides."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return True
    if os.environ.get("QT_QPA_PLATFORM") or "-platform" in sys.argv[1:]:
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def installTranslations(app, locale=None):
    """Installs the project's translation for `locale`, by default the
    system's (QLocale.system(): LC_ALL, LC_MESSAGES, LANG, and LANGUAGE's
    order), with Qt's own for the same language (its buttons,
    QCommandLineParser's help); returns the translators installed. Where the
    project has none, none: the English source stays, Qt's texts too."""
    locale = locale or QLocale.system()
    if locale.language() in (QLocale.C, QLocale.English):
        return []  # the source language comes first (LANGUAGE=en:zh_CN too)
    ours = QTranslator(app)
    if not ours.load(locale, "qtipc", "_", TRANSLATIONS_DIR):
        return []
    # Qt's for the language found ("zh_CN" from LANGUAGE=fr:zh_CN), not
    # the first one asked for, so that the window speaks one language.
    installed = [ours]
    qt = QTranslator(app)
    if qt.load(QLocale(ours.language()), "qtbase", "_",
               QLibraryInfo.location(QLibraryInfo.TranslationsPath)):
        installed.insert(0, qt)
    for translator in installed:
        app.installTranslator(translator)
    return installed


def parseOptions(parser):
    """QCommandLineParser.process() by the convention: adds --help and
    --version; exits 0 after printing either, EXIT_USAGE after saying what
    is wrong with the command line.

    Qt takes its own options (-platform, -style, and on X11 -name, which it
    also accepts as --name) out of QCoreApplication.arguments(). Values are
    read from sys.argv as given, so that --name still reaches the program,
    while only what Qt left over may hold a misspelt option."""
    helpOption = parser.addHelpOption()
    versionOption = parser.addVersionOption()
    parser.parse(sys.argv)
    if parser.isSet(helpOption) or parser.isSet("help-all"):
        parser.showHelp(0)
    if parser.isSet(versionOption):
        parser.showVersion()
    if not parser.parse(QCoreApplication.arguments()):
        usageError(parser.errorText())
    parser.parse(sys.argv)
    if not _isGuiApplication():
        printError(QCoreApplication.translate(
            "Program", "Cannot open a window: no display (DISPLAY and WAYLAND_DISPLAY "
            "are not set). Run it on a desktop, or with -platform offscreen."))
        sys.exit(EXIT_FAILURE)


def sharedMemoryKeyOption():
    """The --key option process A and process B take."""
    translate = QCoreApplication.translate
    return QCommandLineOption(
        "key", arg(translate("Program", "Shared memory key (default: %1; Qt's Shared Memory "
                                        "example uses QSharedMemoryExample)."),
                   DEFAULT_SHARED_MEMORY_KEY),
        translate("Program", "key"), DEFAULT_SHARED_MEMORY_KEY)


def keyFrom(parser, keyOption):
    """The shared-memory key given (process A and B take no arguments
    besides options): a usage error for an empty key, one Qt 5's key files
    cannot hold, or a stray argument."""
    from qtipc.system_limits import keyFileProblem
    if not parser.value(keyOption):
        usageError(QCoreApplication.translate("Program", "The key must not be empty."))
    problem = keyFileProblem(parser.value(keyOption))
    if problem:
        usageError(problem)
    if parser.positionalArguments():
        usageError(arg(QCoreApplication.translate("Program", "Unexpected argument: %1"),
                       parser.positionalArguments()[0]))
    return parser.value(keyOption)


def _isGuiApplication():
    from PyQt5.QtGui import QGuiApplication
    return isinstance(QCoreApplication.instance(), QGuiApplication)


def usageError(message):
    """Says what is wrong with the command line and exits EXIT_USAGE."""
    printError(message)
    printError(arg(QCoreApplication.translate(
        "Program", "Try '%1 --help' for more information."),
        QCoreApplication.applicationName()))
    sys.exit(EXIT_USAGE)


def printError(text):
    print(text, file=sys.stderr, flush=True)


def canShowDialogs():
    """False where a modal dialog would wait for a click that cannot come."""
    from PyQt5.QtGui import QGuiApplication
    return QGuiApplication.platformName() not in _HEADLESS_PLATFORMS


def quitOnTerminationSignals(app):
    """Makes SIGINT, SIGTERM and SIGHUP (the terminal closed) quit the event
    loop, so that the programs clean up (socket file, shared memory) as when
    their window is closed. Python runs signal handlers only between
    bytecodes, and the Qt event loop is C++, so the signal wakes it through
    a pipe (a socket pair on Windows, where set_wakeup_fd takes sockets)."""
    if os.name == "nt":
        import socket
        receiver, sender = socket.socketpair()
        receiver.setblocking(False)
        sender.setblocking(False)
        readFd, writeFd, keep = receiver.fileno(), sender.fileno(), (receiver, sender)
    else:
        readFd, writeFd = os.pipe()
        os.set_blocking(readFd, False)
        os.set_blocking(writeFd, False)
        keep = ()
    signal.set_wakeup_fd(writeFd)
    notifier = QSocketNotifier(readFd, QSocketNotifier.Read, app)

    def drain():
        try:
            os.read(readFd, 64) if not keep else keep[0].recv(64)
        except OSError:
            pass

    notifier.activated.connect(drain)
    # Through a zero timer, so that a signal that comes before the event
    # loop runs still quits it once it does (quit() alone would be lost).
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name),
                          lambda *_: QTimer.singleShot(0, QCoreApplication.quit))
    # Kept as long as the application.
    app._terminationSignalWakeup = (readFd, writeFd, keep, notifier)


def readStandardInput():
    """All of standard input; Ctrl+C or SIGTERM while it is read ends the
    program (exit 1) before anything is written."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        return sys.stdin.buffer.read()
    except KeyboardInterrupt:
        sys.exit(EXIT_FAILURE)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def readTextFile(path):
    """The UTF-8 text of `path` (- for standard input); exits 1 when it
    cannot be read or is not UTF-8."""
    translate = QCoreApplication.translate
    try:
        if path == "-":
            data = readStandardInput()
        else:
            with open(path, "rb") as file:
                data = file.read()
    except OSError as error:
        printError(arg(translate("Program", "Cannot read %1: %2"), path,
                       error.strerror or error))
        sys.exit(EXIT_FAILURE)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        printError(arg(translate("Program", "%1 is not UTF-8 text (byte %2 is invalid)."),
                       path, error.start))
        sys.exit(EXIT_FAILURE)


def writeFully(fd, data):
    """Writes all of `data` to `fd`; False when the reader went away first.
    (A buffered sys.stdout write would report a short count, not an error.)"""
    with memoryview(data) as view:
        try:
            while view:
                view = view[os.write(fd, view):]
        except OSError:
            return False
    return True
