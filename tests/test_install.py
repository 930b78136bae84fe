"""The installed package (quickstart.sh test installs it non-editable into
.venv): entry points that work from any directory, forms shipped with it."""

import os
import subprocess
import sys
import sysconfig

import pytest

from peers import missingPeer
from testbed.processes import fetch, uniqueName
from testbed.programs import PROGRAMS, REPO

SCRIPTS = sysconfig.get_path("scripts")
COMMANDS = [program.command for program in PROGRAMS]


@pytest.fixture
def installed():
    missing = [c for c in COMMANDS if not os.access(os.path.join(SCRIPTS, c), os.X_OK)]
    if missing:
        missingPeer("package not installed in this interpreter ({}); run "
                    "'sh quickstart.sh test'".format(", ".join(missing)))


def runInstalled(code, cwd):
    environment = dict(os.environ)
    environment.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_modules_and_forms_come_from_the_installed_package(installed, privateTmp):
    key = uniqueName("key")
    modules = ", ".join([program.module for program in PROGRAMS] + ["qtipc"])
    result = runInstalled(
        "import sys\n"
        "from PyQt5.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv)\n"
        "import {0}\n"
        "for module in ({0}):\n"
        "    print(module.__file__)\n".format(modules)
        + "fortune_client.Client(); process_a.Widget_PA(key=%r)\n"
        "process_b.Widget_PB(key=%r)\n" % (key, key),
        cwd=privateTmp)
    assert result.returncode == 0, result.stderr
    sitePackages = sysconfig.get_paths()["purelib"]
    for path in result.stdout.split():
        assert path.startswith(sitePackages + os.sep), path


def test_server_command_serves_from_any_directory(installed, fortuneServer, privateTmp):
    # The fixture checks that it quits cleanly and removes its socket.
    _, path = fortuneServer(command=[os.path.join(SCRIPTS, "fortune-server")], cwd=privateTmp)
    assert fetch(path)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_works_for_every_command(installed, command, privateTmp):
    result = subprocess.run([os.path.join(SCRIPTS, command), "--help"], cwd=privateTmp,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "--help" in result.stdout


def test_translations_are_installed(installed, privateTmp):
    # The installed command finds the installed .qm: Chinese help and
    # messages under a Chinese locale.
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("LC_") and name not in ("LANGUAGE", "PYTHONPATH")}
    environment["LANG"] = "zh_CN.UTF-8"
    result = subprocess.run([os.path.join(SCRIPTS, "process-b"), "--print", "--key",
                             uniqueName("key")], cwd=privateTmp, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "无法连接到共享内存段。", result.stderr
    qm = runInstalled("import os, qtipc.program\n"
                      "print(os.path.join(qtipc.program.TRANSLATIONS_DIR, 'qtipc_zh_CN.qm'))",
                      cwd=privateTmp).stdout.strip()
    assert qm.startswith(sysconfig.get_paths()["purelib"] + os.sep), qm
    with open(qm, "rb") as installedQm, \
            open(os.path.join(REPO, "qtipc", "translations", "qtipc_zh_CN.qm"), "rb") as built:
        assert installedQm.read() == built.read()
