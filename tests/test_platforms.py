"""What Windows and macOS get, where it can be checked on Linux: commands
with a console, a named pipe for the current user only, and metadata that
names the platforms that docs/platforms.md's table names."""

import configparser
import os
import stat

from testbed.processes import uniqueName
from testbed.programs import PROGRAMS, REPO

SETUP = configparser.ConfigParser()
SETUP.read(os.path.join(REPO, "setup.cfg"))
COMMANDS = {program.command for program in PROGRAMS}
# The platform table's columns, and the classifier that names each.
CLASSIFIERS = {
    "Linux": "Operating System :: POSIX :: Linux",
    "macOS": "Operating System :: MacOS",
    "Windows": "Operating System :: Microsoft :: Windows",
}


def entryPoints(group):
    lines = SETUP["options.entry_points"].get(group, "").strip().splitlines()
    return {line.split("=")[0].strip() for line in lines if line.strip()}


def test_the_commands_have_a_console():
    # A gui_scripts launcher on Windows has no console: --help, --print and
    # every message on stderr would be lost.
    assert entryPoints("console_scripts") == COMMANDS
    assert entryPoints("gui_scripts") == set()


def readDoc(name):
    with open(os.path.join(REPO, name), encoding="utf-8") as file:
        return file.read()


def platformTable():
    """The rows of the one platform table, in docs/platforms.md."""
    lines = readDoc(os.path.join("docs", "platforms.md")).splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith("| |"))
    end = next(number for number in range(start, len(lines)) if not lines[number].startswith("|"))
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[start:end]]


def test_the_classifiers_name_the_platforms_of_the_table():
    classifiers = SETUP["metadata"]["classifiers"].strip().splitlines()
    systems = {line.strip() for line in classifiers if line.strip().startswith("Operating System")}
    assert platformTable()[0][1:] == list(CLASSIFIERS)
    assert systems == set(CLASSIFIERS.values())


def test_the_docs_say_what_was_run_and_what_was_only_read():
    row = next(row for row in platformTable() if row[0] == "Tested here")
    linux, macos, windows = row[1:]
    assert linux.startswith("run:")
    assert macos.startswith("read, not run") and windows.startswith("read, not run")
    platforms = readDoc(os.path.join("docs", "platforms.md"))
    installing = platforms[platforms.index("\n## Installing on macOS and Windows"):
                           platforms.index("\n## What is tested where")]
    for system in ("macOS", "Windows"):
        assert "### {} (read, not run here)".format(system) in installing
    assert platforms.count("| | Linux | macOS | Windows |") == 1
    readme = readDoc("README.md")
    assert "(docs/platforms.md#installing-on-macos-and-windows)" in readme
    assert "| Linux | macOS | Windows |" not in readme  # the table lives once
    assert len(readme.splitlines()) <= 120
    # The two Debian commands, exactly as they are.
    quickStart = readme[readme.index("\n## Quick start"):readme.index("\n## Beside Qt's")]
    assert "sh quickstart.sh run     # installs, then starts all four programs\n" \
           "sh quickstart.sh test    # installs, then runs the whole test suite headless\n" \
        in quickStart


def test_the_pipe_is_for_the_current_user_on_windows(monkeypatch, qapp, privateTmp):
    from PyQt5.QtNetwork import QLocalServer

    from qtipc import local_server

    server = local_server.LocalServer()
    monkeypatch.setattr(local_server, "USES_SOCKET_FILES", False)  # as on Windows
    try:
        assert server.listenSafely(os.path.join(privateTmp, uniqueName("s"))), server.errorString()
        assert server.socketOptions() == QLocalServer.UserAccessOption
    finally:
        server.close()


def test_the_socket_is_for_the_current_user_on_unix_by_its_umask(qapp, privateTmp):
    # Not UserAccessOption there: it would rename the socket over the name.
    from qtipc import local_server

    server = local_server.LocalServer()
    path = os.path.join(privateTmp, uniqueName("s"))
    assert server.listenSafely(path), server.errorString()
    try:
        assert int(server.socketOptions()) == 0  # QLocalServer::NoOptions
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0
    finally:
        server.close()
