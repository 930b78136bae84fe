"""The installed package (quickstart.sh test installs it non-editable into
.venv): entry points that work from any directory, forms shipped with it.
And quickstart.sh itself: a quiet install, its log, run and stop."""

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time

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


# quickstart.sh itself, with stand-ins for apt-get and dpkg-query on PATH
# (tests/helpers/debian; CI runs the real ones through .ci/run). Its
# checkout is a copy whose .venv sees this interpreter's packages, so that
# pip finds every requirement installed and builds only the project.

STAND_INS = os.path.join(REPO, "tests", "helpers", "debian")
DEBIAN_LINE = "Installing Debian packages (the first time takes a minute or two)..."
VENV_LINE = "Creating the virtual environment (.venv)..."
RUN_PIP_LINE = ("Installing Python packages (PyQt5 with its own Qt 5, posix_ipc, sysv_ipc) "
                "from PyPI...")
TEST_PIP_LINE = ("Installing Python packages (PyQt5 with its own Qt 5, posix_ipc, sysv_ipc, "
                 "PySide6 (Qt 6), pytest, pytest-qt, matplotlib) from PyPI...")
STOP_LINE = ("Starting the four programs. To stop them: Ctrl+C here, close their windows, "
             "or 'sh quickstart.sh stop' in another terminal.")
# Lines of apt and pip that look like trouble on a newcomer's terminal.
ALARMING = ("debconf", "invoke-rc.d", "update-alternatives", "Setcap", "WARNING", "warning",
            "E:", "ERROR", "dpkg", "Unpacking", "Setting up")
NO_DISPLAY = "Cannot open a window: no display"
SIGTERM_BIT = 1 << (signal.SIGTERM - 1)


def copyCheckout(destination):
    shutil.copytree(REPO, destination, ignore=shutil.ignore_patterns(
        ".git", ".venv", "logs", "__pycache__", ".pytest_cache", "build", "*.egg-info"))
    return destination


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    # A space in its path, as a user's folder may have.
    path = copyCheckout(str(tmp_path_factory.mktemp("quickstart") / "my checkout"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", os.path.join(path, ".venv")],
                   check=True, timeout=120)
    venvPython = os.path.join(path, ".venv", "bin", "python")
    purelib = subprocess.run([venvPython, "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], capture_output=True, text=True, check=True,
                             timeout=60).stdout.strip()
    with open(os.path.join(purelib, "this_interpreter.pth"), "w") as file:
        file.write("\n".join(sorted({sysconfig.get_paths()["purelib"],
                                     sysconfig.get_paths()["platlib"]})) + "\n")
    return path


def quickstartEnvironment(state, **extra):
    """This process's environment, with the stand-ins first on PATH and no
    display; `state` is where the stand-in apt-get installs."""
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("PYTHONPATH", "VIRTUAL_ENV", "DISPLAY", "WAYLAND_DISPLAY",
                                   "QT_QPA_PLATFORM")}
    environment.update(PATH=STAND_INS + os.pathsep + os.environ["PATH"],
                       STAND_IN_DEBIAN_STATE=str(state), **extra)
    return environment


def quickstart(checkout, environment, *arguments, timeout=600):
    return subprocess.run(["sh", os.path.join(checkout, "quickstart.sh")] + list(arguments),
                          env=environment, capture_output=True, text=True, timeout=timeout)


def logOf(checkout):
    with open(os.path.join(checkout, "logs", "install.log")) as file:
        return file.read()


def installedAlready(state, *packages):
    with open(os.path.join(state, "installed"), "w") as file:
        file.write("".join(package + "\n" for package in packages))


def test_install_says_one_line_per_phase_and_logs_the_rest(checkout, tmp_path):
    result = quickstart(checkout, quickstartEnvironment(tmp_path), "test", "--collect-only", "-q",
                        "tests/test_platforms.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[:2] == [DEBIAN_LINE, TEST_PIP_LINE], result.stdout
    # The rest is pytest's.
    assert all(line.startswith("tests/test_platforms.py::") for line in lines[2:-2]), result.stdout
    assert lines[-2:] == ["", lines[-1]] and " collected in " in lines[-1]
    assert not [line for line in lines if any(word in line for word in ALARMING)]

    log = logOf(checkout)
    for line in ("debconf: delaying package configuration", "invoke-rc.d: WARNING",
                 "update-alternatives: using", "Setcap worked!",
                 "Successfully installed qt-ipc-examples"):
        assert line in log
    assert log.count("\n") > 1000  # as much as the real apt prints on a fresh machine
    with open(tmp_path / "calls") as file:
        calls = file.read().splitlines()
    assert calls[0].endswith(" apt-get update")
    assert calls[1].startswith("DEBIAN_FRONTEND=noninteractive apt-get install -y ")
    for package in ("python3-venv", "qtbase5-examples", "xvfb", "xdotool", "qtbase5-dev"):
        assert package in calls[1].split()
    assert len(calls) == 2


def test_a_failed_phase_names_its_log(tmp_path):
    # apt-get fails: its last lines and the log's path, nothing else.
    path = copyCheckout(str(tmp_path / "checkout"))
    result = quickstart(path, quickstartEnvironment(tmp_path, STAND_IN_APT_FAIL="qtbase5-examples"),
                        "run")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [DEBIAN_LINE]
    logPath = os.path.join(path, "logs", "install.log")
    assert result.stderr.splitlines()[-1] == (
        "quickstart.sh: Installing Debian packages failed; all of its output is in " + logPath)
    assert "E: Unable to locate package qtbase5-examples" in result.stderr
    assert "E: Unable to locate package qtbase5-examples" in logOf(path)
    assert not os.path.exists(os.path.join(path, ".venv"))

    # pip finds nothing: the virtual environment is made, its phase says so.
    installedAlready(tmp_path, "python3-venv", "qtbase5-examples")
    result = quickstart(path, quickstartEnvironment(tmp_path, PIP_NO_INDEX="1"), "run")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [VENV_LINE, RUN_PIP_LINE]
    assert result.stderr.splitlines()[-1] == (
        "quickstart.sh: Installing Python packages failed; all of its output is in " + logPath)
    assert "ERROR: Could not find a version that satisfies" in logOf(path)
    assert os.access(os.path.join(path, ".venv", "bin", "python"), os.X_OK)


def test_without_root_or_sudo_it_says_what_to_run_as_root():
    # Only the script and the stand-ins, in a directory another user can
    # write (outside pytest's, which only root may enter), with a PATH that
    # has no sudo.
    top = tempfile.mkdtemp(prefix="qtipc-")
    try:
        result, calls = runWithoutRoot(top)
    finally:
        shutil.rmtree(top)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "quickstart.sh: Debian packages are missing, and only root can install them (there is "
        "no sudo). As root, run: apt-get install -y --no-install-recommends python3-venv "
        "qtbase5-examples\n")
    assert not calls


def runWithoutRoot(top):
    directory, bin = os.path.join(top, "checkout"), os.path.join(top, "bin")
    for folder in (directory, bin):
        os.mkdir(folder)
    shutil.copy(os.path.join(REPO, "quickstart.sh"), directory)
    for standIn in os.listdir(STAND_INS):
        shutil.copy(os.path.join(STAND_INS, standIn), bin)
    for tool in ("dirname", "mkdir", "grep", "id"):
        os.symlink(shutil.which(tool), os.path.join(bin, tool))
    command = ["/bin/sh", os.path.join(directory, "quickstart.sh"), "run"]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            missingPeer("setpriv not installed (apt-get install util-linux)")
        for path in (top, directory):
            os.chown(path, 65534, 65534)
        os.chmod(top, 0o755)
        command = [shutil.which("setpriv"), "--reuid=65534", "--regid=65534",
                   "--clear-groups"] + command
    environment = dict(quickstartEnvironment(top), PATH=bin)
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)
    return result, os.path.exists(os.path.join(top, "calls"))


def test_run_without_a_display_fails_with_the_programs_message(checkout, tmp_path):
    installedAlready(tmp_path, "python3-venv", "qtbase5-examples")
    result = quickstart(checkout, quickstartEnvironment(tmp_path, TMPDIR=str(tmp_path)), "run")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [RUN_PIP_LINE, STOP_LINE]  # no Debian phase: installed
    assert result.stderr.count(NO_DISPLAY) == 4, result.stderr
    assert not os.path.exists(tmp_path / "calls")
    assert recordsIn(checkout) == []


def recordsIn(checkout):
    return sorted(name for name in os.listdir(os.path.join(checkout, "logs"))
                  if name.startswith("run-"))


def startRun(checkout, state, tmpDir):
    """`sh quickstart.sh run` with offscreen windows, in a session of its
    own (as a terminal runs it); returns it and its four programs' pids once
    each has its SIGTERM handler (seen in /proc/PID/status)."""
    environment = quickstartEnvironment(state, QT_QPA_PLATFORM="offscreen", TMPDIR=tmpDir,
                                        XDG_RUNTIME_DIR=tmpDir)
    before = set(recordsIn(checkout))
    run = subprocess.Popen(["sh", os.path.join(checkout, "quickstart.sh"), "run"],
                           env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, start_new_session=True)
    record = os.path.join(checkout, "logs", "run-{}.pids".format(run.pid))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        pids = []
        if os.path.exists(record):
            with open(record) as file:
                pids = [int(line.split()[0]) for line in file]
        if len(pids) == 4 and all(catchesSigterm(pid) for pid in pids):
            assert set(recordsIn(checkout)) - before == {os.path.basename(record)}
            return run, pids
        time.sleep(0.1)
    run.kill()
    raise AssertionError("run did not start its four programs: " + run.communicate()[1])


def catchesSigterm(pid):
    try:
        with open("/proc/{}/status".format(pid)) as file:
            status = dict(line.split(":", 1) for line in file)
    except FileNotFoundError:
        return False
    return bool(int(status["SigCgt"], 16) & SIGTERM_BIT)


def alive(pid):
    return os.path.exists("/proc/{}".format(pid))


def test_stop_ends_two_runs_and_no_other_process(checkout, tmp_path):
    installedAlready(tmp_path, "python3-venv", "qtbase5-examples")
    tmpDirs = [tempfile.mkdtemp(prefix="qtipc-") for _ in range(2)]
    unrelated = subprocess.Popen(["sleep", "600"])
    gone = subprocess.Popen(["true"])
    gone.wait()
    runs = []
    try:
        for tmpDir in tmpDirs:
            runs.append(startRun(checkout, tmp_path, tmpDir))
        # A record left by a run that was killed: one pid now another
        # program's, one no process's.
        stale = os.path.join(checkout, "logs", "run-{}.pids".format(gone.pid))
        with open(stale, "w") as file:
            file.write("{} {}/.venv/bin/fortune-server\n{} {}/.venv/bin/process-a\n".format(
                unrelated.pid, checkout, gone.pid, checkout))

        result = quickstart(checkout, quickstartEnvironment(tmp_path), "stop", timeout=60)
        assert result.returncode == 0, result.stderr
        names = sorted(result.stdout.strip().rstrip(".").split()[1:])
        assert result.stdout.startswith("Stopped: ")
        assert names == sorted(2 * ["fortune-server", "fortune-client", "process-a", "process-b"])
        for run, pids in runs:
            out, err = run.communicate(timeout=60)
            assert run.returncode == 0, err
            assert out.splitlines() == [RUN_PIP_LINE, STOP_LINE]
            assert not any(alive(pid) for pid in pids)
        assert unrelated.poll() is None
        assert recordsIn(checkout) == []

        result = quickstart(checkout, quickstartEnvironment(tmp_path), "stop", timeout=60)
        assert result.returncode == 0
        assert result.stdout.startswith("Nothing to stop")
    finally:
        for run, _ in runs:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGTERM)
                run.wait(60)
        unrelated.kill()
        unrelated.wait()
        for tmpDir in tmpDirs:
            leftovers = os.listdir(tmpDir)
            shutil.rmtree(tmpDir, ignore_errors=True)
            assert not leftovers, "left behind in TMPDIR: {}".format(leftovers)


def test_ctrl_c_ends_the_run_and_its_programs(checkout, tmp_path, privateTmp):
    installedAlready(tmp_path, "python3-venv", "qtbase5-examples")
    run, pids = startRun(checkout, tmp_path, privateTmp)
    try:
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl+C in its terminal sends
        out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGTERM)
            run.wait(60)
    assert run.returncode == 0, err
    assert not any(alive(pid) for pid in pids)
    assert recordsIn(checkout) == []
