"""The Chinese translation: the programs speak Chinese under a Chinese
locale (their windows, --help, stderr messages, message boxes, even the
fortunes the server sends) and English elsewhere; the shipped .qm is built
from the .ts, and the .ts holds every string of the sources, translated."""

import ast
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from PyQt5.QtCore import QCoreApplication, QLocale, Qt

from peers import HELPERS, missingPeer
from qtipc.program import installTranslations
from testbed.oracle import FORTUNES, encode
from testbed.processes import fetch, uniqueName
from testbed.programs import PROGRAMS, REPO, script, windowTexts
from tools import update_translations

TS_FILE = os.path.join(update_translations.TRANSLATIONS, "qtipc_zh_CN.ts")
WINDOWS = {program.module: program.window for program in PROGRAMS}
SCRIPTS = ["{}.py".format(module) for module in WINDOWS]
CJK = re.compile("[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\d")

CHINESE = {"LANG": "zh_CN.UTF-8"}
ENGLISH = {"LANG": "C.UTF-8"}

def locale(settings):
    """The environment with only `settings` deciding the locale."""
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("LC_") and name not in ("LANG", "LANGUAGE")}
    environment.update(settings)
    return environment


def run(argv, settings, **kwargs):
    return subprocess.run(argv, env=locale(settings), capture_output=True, text=True,
                          timeout=120, **kwargs)


def chinese(text):
    return bool(CJK.search(text))


def helpParts(text):
    """The description and each option's description in QCommandLineParser's
    --help output (the lines after the usage line, up to the options; then
    each option line's right column, with the lines it wraps onto)."""
    lines = text.rstrip("\n").split("\n")
    optionsAt = next(i for i, line in enumerate(lines) if line and not line.startswith(" ")
                     and i > 1 and lines[i - 1] == "")
    description = " ".join(lines[1:optionsAt - 1])
    options = []
    for line in lines[optionsAt + 1:]:
        column = re.match(r"  (-\S.*?)  +(\S.*)$", line)
        if column:
            options.append([column.group(1), column.group(2)])
        else:
            options[-1][1] += " " + line.strip()
    return lines[0], description, options


def tsMessages():
    return update_translations.messages(TS_FILE)


@pytest.fixture
def inChinese(qapp):
    """The project's and Qt's Chinese translations installed in this process,
    as a program under LANG=zh_CN.UTF-8 has them."""
    translators = installTranslations(qapp, QLocale(QLocale.Chinese, QLocale.China))
    assert len(translators) == 2, "qtipc_zh_CN.qm or Qt's qtbase_zh_CN.qm not found"
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


# --help, usage errors, stderr: real processes under a real locale.

@pytest.mark.parametrize("name", SCRIPTS)
def test_help_is_chinese_under_a_chinese_locale(name):
    result = run([sys.executable, script(name), "--help"], CHINESE)
    assert result.returncode == 0, result.stderr
    usage, description, options = helpParts(result.stdout)
    assert usage.startswith("用法："), usage
    assert chinese(description), description
    untranslated = [option for option, text in options if not chinese(text)]
    assert not untranslated, result.stdout


@pytest.mark.parametrize("name", SCRIPTS)
def test_help_is_english_under_the_c_locale(name):
    result = run([sys.executable, script(name), "--help"], ENGLISH)
    assert result.returncode == 0, result.stderr
    usage, description, options = helpParts(result.stdout)
    assert usage.startswith("Usage:"), usage
    assert description and options
    assert not chinese(result.stdout), result.stdout


@pytest.mark.parametrize("settings, isChinese", [
    ({"LANG": "C.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, True),
    ({"LANG": "C.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, True),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8"}, False),
    # LANGUAGE orders the languages (GNU gettext's way): English first wins,
    # and one with no translation of ours gives way to the next.
    ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en_US:zh_CN"}, False),
    ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "fr:zh_CN"}, True),
    # No translation of ours: English, Qt's own texts too (Qt has German).
    ({"LANG": "de_DE.UTF-8"}, False),
    ({}, False),
])
def test_the_locale_comes_from_the_environment(settings, isChinese):
    result = run([sys.executable, script("process_b.py"), "--help"], settings)
    assert result.returncode == 0, result.stderr
    usage, _, _ = helpParts(result.stdout)
    assert usage.startswith("用法：" if isChinese else "Usage:"), result.stdout
    assert chinese(result.stdout) == isChinese, result.stdout


@pytest.mark.parametrize("settings, expected", [
    (CHINESE, ["未知选项“no-such-option”。", "请尝试执行“process-a --help”以获取更多信息。"]),
    (ENGLISH, ["Unknown option 'no-such-option'.",
               "Try 'process-a --help' for more information."]),
])
def test_usage_errors_speak_the_locale(settings, expected):
    result = run([sys.executable, script("process_a.py"), "--no-such-option"], settings)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-2:] == expected, result.stderr


@pytest.mark.parametrize("settings, isChinese", [(CHINESE, True), (ENGLISH, False)])
def test_failures_on_stderr_speak_the_locale(settings, isChinese):
    # Nobody shares memory under a fresh key: process B says so and exits 1.
    result = run([sys.executable, script("process_b.py"), "--print",
                  "--key", uniqueName("key")], settings)
    assert result.returncode == 1
    said = result.stderr.strip().splitlines()[-1]
    assert said == ("无法连接到共享内存段。" if isChinese
                    else "Unable to attach to shared memory segment.")


@pytest.mark.parametrize("settings, isChinese", [(CHINESE, True), (ENGLISH, False)])
def test_the_server_sends_fortunes_in_its_locale(fortuneServer, settings, isChinese):
    _, path = fortuneServer(env=locale(settings))
    translations = {source: translation for context, source, translation, _ in tsMessages()
                    if context == "Server" and source in FORTUNES}
    assert len(translations) == len(FORTUNES)
    expected = translations.values() if isChinese else FORTUNES
    assert fetch(path) in {encode(fortune, "qt4") for fortune in expected}


# Windows: each program's own start-up in a real process, then the classes
# in this process with the translation installed.

@pytest.mark.parametrize("settings, isChinese", [(CHINESE, True), (ENGLISH, False)])
@pytest.mark.parametrize("module", WINDOWS)
def test_windows_speak_the_locale(module, settings, isChinese, privateTmp):
    name = os.path.join(privateTmp, uniqueName("s")) if module == "fortune_server" \
        else uniqueName("name")
    # The worktree's qtipc, as the scripts import it, not an installed one.
    result = run([sys.executable, os.path.join(HELPERS, "window_texts.py"), module,
                  name], dict(settings, TMPDIR=privateTmp, PYTHONPATH=REPO))
    assert result.returncode == 0, result.stderr
    texts = json.loads(result.stdout)
    assert len(texts) >= 2, texts  # the title and a button at least
    assert [chinese(text) for text in texts] == [isChinese] * len(texts), texts


def test_client_server_not_found_box_is_chinese(qtbot, inChinese, messageBoxes):
    from fortune_client import Client

    client = Client(uniqueName("nobody"))
    qtbot.addWidget(client)
    qtbot.mouseClick(client.getFortuneButton, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(messageBoxes) > 0)
    assert messageBoxes == ["找不到主机。请检查主机名和端口设置。"]
    assert client.windowTitle() == "Fortune 客户端"
    assert client.getFortuneButton.text() == "获取签语"


def test_qt_own_buttons_are_chinese(qtbot, inChinese):
    from PyQt5.QtWidgets import QDialogButtonBox

    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    qtbot.addWidget(buttons)
    assert [button.text() for button in buttons.buttons()] == ["确定", "取消"]


def test_windows_built_in_this_process_are_chinese(qtbot, inChinese):
    from process_a import Widget_PA
    from process_b import Widget_PB

    for window in (Widget_PA(uniqueName("key")), Widget_PB(uniqueName("key"))):
        qtbot.addWidget(window)
        texts = windowTexts(window)
        assert all(chinese(text) for text in texts), texts


# The translation files.

def test_the_ts_holds_every_string_of_the_sources(tmp_path):
    # pylupdate5 over a copy: nothing to add, nothing to drop.
    copy = tmp_path / os.path.basename(TS_FILE)
    shutil.copy(TS_FILE, copy)
    update_translations.updateTs([str(copy)])
    strings = {(context, source) for context, source, _, _ in tsMessages()}
    assert {(context, source) for context, source, _, _ in
            update_translations.messages(str(copy))} == strings, \
        "run python -m tools.update_translations"


def test_every_string_is_translated_with_its_placeholders():
    for context, source, translation, finished in tsMessages():
        assert finished, "untranslated in {}: {!r}".format(context, source)
        assert sorted(PLACEHOLDER.findall(translation)) == \
            sorted(PLACEHOLDER.findall(source)), (context, source, translation)
        assert source.count("\n") == translation.count("\n"), (source, translation)


def test_every_context_is_a_class():
    # pylupdate5 files a string it cannot give a context under "@default";
    # the program looks it up under another, so it is never translated.
    classes = set()
    for path in update_translations.sources():
        with open(os.path.join(REPO, path), encoding="utf-8") as file:
            classes.update(re.findall(r"^\s*class (\w+)|<class>(\w+)</class>", file.read(),
                                      re.MULTILINE))
    # "Program": qtipc/program.py's functions, the convention, not a class.
    classes = {name for pair in classes for name in pair if name} | {"Program"}
    contexts = {context for context, _, _, _ in tsMessages()}
    assert contexts <= classes, contexts - classes


def test_every_context_is_a_literal():
    # pylupdate5 skips translate(context, ...) with a variable context: its
    # strings would be missing from the .ts, and so never translated.
    variable = []
    for path in update_translations.sources():
        if path.endswith(".py"):
            with open(os.path.join(REPO, path), encoding="utf-8") as file:
                tree = ast.parse(file.read(), path)
            for call in ast.walk(tree):
                if isinstance(call, ast.Call) and call.args and getattr(
                        call.func, "attr", getattr(call.func, "id", None)) in (
                        "translate", "QT_TRANSLATE_NOOP") and not (
                        isinstance(call.args[0], ast.Constant)
                        and isinstance(call.args[0].value, str)):
                    variable.append("{}:{}".format(path, call.lineno))
    assert not variable


def test_the_qm_is_built_from_the_ts(tmp_path):
    lrelease = update_translations.findLrelease()
    if not lrelease:
        missingPeer("lrelease not installed (apt-get install qttools5-dev-tools)")
    rebuilt = tmp_path / "rebuilt.qm"
    update_translations.release(TS_FILE, str(rebuilt), lrelease)
    with open(update_translations.qmFile(TS_FILE), "rb") as shipped:
        assert rebuilt.read_bytes() == shipped.read(), "run python -m tools.update_translations"


def test_the_qm_translates_what_the_ts_says(inChinese):
    for context, source, translation, _ in tsMessages():
        if context != "@default":
            assert QCoreApplication.translate(context, source) == translation
