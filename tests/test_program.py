"""The one convention of the four programs (qtipc.program), checked on each
of them as a real process: --help and --version with no display, usage
errors exit 2, a program that cannot open its window says why and exits 1,
and each script runs as ./script.py (all of them are run so here)."""

import os
import subprocess
import sys

import pytest

from qtipc import __version__
from testbed.processes import uniqueName
from testbed.programs import PROGRAMS as LISTED
from testbed.programs import REPO, script

# Each script, and the command that runs it.
PROGRAMS = {program.module + ".py": program.command for program in LISTED}


def runWithoutDisplay(*argv):
    """Runs argv as a session without a display would: no DISPLAY, no
    WAYLAND_DISPLAY, no QT_QPA_PLATFORM. The scripts are run as ./script.py,
    by their #! line, with this interpreter first on PATH (as in an active
    virtual environment)."""
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    environment["PATH"] = os.path.dirname(sys.executable) + os.pathsep + environment["PATH"]
    return subprocess.run(list(argv), env=environment, capture_output=True, text=True,
                          timeout=60, cwd=REPO)


@pytest.mark.parametrize("name", PROGRAMS)
def test_help_and_version_need_no_display(name):
    help = runWithoutDisplay(script(name), "--help")
    assert help.returncode == 0, help.stderr
    assert help.stdout.startswith("Usage: ") and "--version" in help.stdout
    version = runWithoutDisplay(script(name), "--version")
    assert (version.returncode, version.stdout) == (0, "{} {}\n".format(PROGRAMS[name],
                                                                         __version__))


@pytest.mark.parametrize("name", PROGRAMS)
def test_usage_error_exits_2_with_the_message_even_without_display(name):
    result = runWithoutDisplay(script(name), "--no-such-option")
    assert result.returncode == 2
    assert "Unknown option 'no-such-option'." in result.stderr
    assert "Try '{} --help' for more information.".format(PROGRAMS[name]) in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("name", PROGRAMS)
def test_no_display_is_said_and_exits_1(name, privateTmp):
    result = runWithoutDisplay("env", "TMPDIR=" + privateTmp, script(name))
    assert result.returncode == 1
    assert "Cannot open a window: no display" in result.stderr
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr


def test_arg_fills_each_placeholder_once():
    # As QString::arg: a value that holds "%1" (a key, a path) stays as it is.
    from qtipc import arg
    assert arg("Wrote %1 bytes to shared memory (key %2).", 12, "a%1b") == \
        "Wrote 12 bytes to shared memory (key a%1b)."
    assert arg("%2 then %1", "x", "y") == "y then x"


def test_process_b_reads_once_without_a_display(privateTmp):
    # --print and --save-image open no window: they need no display.
    result = runWithoutDisplay("env", "TMPDIR=" + privateTmp, script("process_b.py"),
                               "--key", uniqueName("nothing"), "--print")
    assert result.returncode == 1
    assert result.stderr.startswith("Unable to attach to shared memory segment.")


def test_setup_cfg_installs_the_listed_programs():
    # testbed.programs.PROGRAMS is the one list the tests, benchmarks and
    # tools go by; setup.cfg must install exactly those, as those commands.
    import configparser

    setup = configparser.ConfigParser()
    setup.read(os.path.join(REPO, "setup.cfg"))
    options = setup["options"]
    assert options["py_modules"].split() == [program.module for program in LISTED]
    entryPoints = setup["options.entry_points"]["console_scripts"].split("\n")
    assert [line.replace(" ", "") for line in entryPoints if line.strip()] == \
        ["{}={}:main".format(program.command, program.module) for program in LISTED]
