"""docs/side-by-side.md (the blog's C++ beside the port's Python) is what
tools/side_by_side_page.py makes of the scripts today, it shows every method
of the blog, and the blog's code it shows (docs/blog/*.cpp) is the blog's."""

import difflib
import hashlib
import html
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from testbed.programs import PROGRAMS, REPO

TOOL = os.path.join(REPO, "tools", "side_by_side_page.py")
PAGE = os.path.join(REPO, "docs", "side-by-side.md")
BLOG = os.path.join(REPO, "docs", "blog")
COMMAND = "python3 tools/side_by_side_page.py"
SEEDS = os.environ.get("QTIPC_SEEDS", os.path.join(REPO, "..", "shared", "seeds"))

# Every method of the four classes the posts print, in their order.
BLOG_METHODS = {
    "server.cpp": ["Server::Server", "Server::sendFortune"],
    "client.cpp": ["Client::Client", "Client::requestNewFortune", "Client::readFortune",
                   "Client::displayError"],
    "widget_pa.cpp": ["Widget_PA::Widget_PA", "Widget_PA::~Widget_PA",
                      "Widget_PA::sendStrToMemory", "Widget_PA::on_pushButton_clicked"],
    "widget_pb.cpp": ["Widget_PB::Widget_PB", "Widget_PB::~Widget_PB",
                      "Widget_PB::loadStrFromMemory", "Widget_PB::on_pushButton_clicked"],
}
# SHA-256 of each file's methods as the seeds print them, joined by a newline;
# the seeds are not in the repository, so this records them.
# test_blog_code_is_the_seeds_code checks the files against the seeds where
# they are. (widget_pa's sendStrToMemory and widget_pb's loadStrFromMemory,
# joined so, give test_shm_cxx.py's BLOG_BODIES_SHA256.)
BLOG_CODE_SHA256 = {
    "server.cpp": "e4d404418572fafb1a0fa1c2e6e6f8be558f5520d0576f70c76815d1ad15c836",
    "client.cpp": "ce8b97850a391b719c790ad88e3a4a1061d7335e9d201f4c5e3c3f368e74252e",
    "widget_pa.cpp": "73ec9c98ad0cb04430ad83812eab5606cb2fdfeb080e0552c26eb3d444c5c0dc",
    "widget_pb.cpp": "152ce1f90ffcd187df436510e8059afd20ec7c16df2e8a71d691d9f77c0f7bf6",
}
# Qt 6.6+'s examples/corelib/ipc/sharedmemory/dialog.cpp (qt/qtbase), as
# docs/blog/dialog.cpp holds it below its header: the SHA-256 of the file.
EXAMPLE = os.path.join(BLOG, "dialog.cpp")
EXAMPLE_SHA256 = "df2082c170efa202e3e47295f172c4457548f382961e20cf27ec6ce25256e47a"
# Its two slots, and the methods of the port that follow their steps.
EXAMPLE_METHODS = {"Dialog::loadFromFile": "Widget_PA.loadFromFile",
                   "Dialog::loadFromMemory": "Widget_PB.loadImageFromMemory"}
SCRIPTS = [program.module + ".py" for program in PROGRAMS]
ROW = re.compile(r'<tr>\n<td valign="top">(.*?)</td>\n<td valign="top">(.*?)</td>\n</tr>', re.S)


@pytest.fixture(scope="module")
def tool():
    """tools/side_by_side_page.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("side_by_side_page", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def section(page, heading):
    """The text under "### heading", to the next heading."""
    start = page.index("\n### " + heading + "\n")
    end = page.find("\n##", start + 1)
    return page[start:end if end >= 0 else len(page)]


def rows(text):
    """[(left, right)] of the table rows in `text`, each cell as plain text
    (the <pre> unescaped, or the note in <em>)."""
    def plain(cellHtml):
        return html.unescape(re.sub(r"</?(pre|em)>", "", cellHtml))
    return [(plain(a), plain(b)) for a, b in ROW.findall(text)]


def codeLines(text):
    return [line for line in text.split("\n") if line.strip()]


def test_the_page_is_not_stale(tool):
    fresh, committed = tool.page(REPO), read(PAGE)
    if fresh != committed:
        diff = list(difflib.unified_diff(committed.split("\n"), fresh.split("\n"),
                                         "committed", "regenerated", lineterm="", n=1))
        pytest.fail("docs/side-by-side.md is stale: run " + COMMAND + "\n"
                    + "\n".join(diff[:40]))


def test_check_option_says_the_command_when_stale(tmp_path):
    """--check passes on the checkout, and on a copy whose page is edited
    exits 1 naming the command, leaving the page as it was."""
    check = subprocess.run([sys.executable, TOOL, "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    os.makedirs(tmp_path / "tools")
    shutil.copy(TOOL, tmp_path / "tools")
    shutil.copytree(BLOG, tmp_path / "docs" / "blog")
    for script in SCRIPTS:
        shutil.copy(os.path.join(REPO, script), tmp_path)
    edited = read(PAGE).replace("m_sharedMemory.unlock();", "m_sharedMemory.unlock(); ", 1)
    (tmp_path / "docs" / "side-by-side.md").write_text(edited, encoding="utf-8")
    copy = str(tmp_path / "tools" / "side_by_side_page.py")
    check = subprocess.run([sys.executable, copy, "--check"], capture_output=True, text=True)
    assert check.returncode == 1
    assert "docs/side-by-side.md is stale: run " + COMMAND in check.stderr
    assert (tmp_path / "docs" / "side-by-side.md").read_text(encoding="utf-8") == edited
    write = subprocess.run([sys.executable, copy], capture_output=True, text=True)
    assert write.returncode == 0, write.stderr
    assert (tmp_path / "docs" / "side-by-side.md").read_text(encoding="utf-8") == read(PAGE)


def test_blog_code_holds_the_blogs_methods(tool):
    for name, methods in BLOG_METHODS.items():
        found = tool.blogMethods(read(os.path.join(BLOG, name)))
        assert [method for method, _ in found] == methods, name
        code = "\n".join(text for _, text in found)
        assert hashlib.sha256(code.encode("utf-8")).hexdigest() == BLOG_CODE_SHA256[name], name


def test_blog_code_is_the_seeds_code(tool):
    """Where the seeds are (beside the checkout, or QTIPC_SEEDS), docs/blog/*.cpp
    is what --extract makes of them, byte for byte (the seeds' SHA-256 in the
    headers included)."""
    if not os.path.isdir(SEEDS):
        pytest.skip("the seeds are not in the repository; set QTIPC_SEEDS to check against them")
    for path, text in tool.extractFromSeeds(SEEDS).items():
        assert read(os.path.join(REPO, path)) == text, path
    for entry in tool.CLASSES:
        with open(os.path.join(SEEDS, entry["seed"]), "rb") as seed:
            digest = hashlib.sha256(seed.read()).hexdigest()
        assert digest in read(os.path.join(BLOG, entry["file"]))


def test_every_blog_method_is_on_the_page_whole(tool):
    """Each method the blog prints has its heading, and its C++ in the left
    column, all of it, in order."""
    page = read(PAGE)
    for name, methods in BLOG_METHODS.items():
        blog = dict(tool.blogMethods(read(os.path.join(BLOG, name))))
        for method in methods:
            className, name = method.split("::")
            heading = method + (" (constructor)" if name == className else
                                " (destructor)" if name.startswith("~") else "")
            left = [a for a, _ in rows(section(page, heading))]
            assert left, method
            shown = [line for text in left for line in codeLines(text)]
            assert shown == codeLines(blog[method]), method


def test_qts_example_is_its_file_verbatim_with_its_licence(tool):
    """docs/blog/dialog.cpp holds Qt's file byte for byte below its header,
    which names where it is from and its SHA-256; the file keeps its own
    licence header."""
    text = read(EXAMPLE)
    source = tool.exampleSource(text)
    assert hashlib.sha256(source.encode("utf-8")).hexdigest() == EXAMPLE_SHA256
    header = text[:-len(source)]
    assert EXAMPLE_SHA256 in header
    assert "examples/corelib/ipc/sharedmemory/dialog.cpp" in header and "Qt 6.6" in header
    assert source.startswith("// Copyright (C) 2016 The Qt Company Ltd.\n"
                             "// SPDX-License-Identifier: LicenseRef-Qt-Commercial OR "
                             "BSD-3-Clause\n")
    assert "QNativeIpcKey(u\"QSharedMemoryExample\"_s)" in source  # Qt 6.6's, not older


def test_qts_example_slots_are_on_the_page_whole_beside_the_ports(tool):
    """Each of the example's two slots has its heading, its C++ whole in the
    left column (from its signature to its closing brace), and the port's
    method of that name on the right."""
    page = read(PAGE)
    source = tool.exampleSource(read(EXAMPLE))
    for method, port in EXAMPLE_METHODS.items():
        shown = section(page, method + " (Qt's example)")
        table = rows(shown)
        assert table, method
        left = [line for a, _ in table for line in codeLines(a)]
        start = source.index("void {}()".format(method))
        end = source.index("\n}\n", start) + 2
        assert left[1:] == codeLines(source[start:end]), method
        assert "def {}(self".format(port.split(".")[1]) in table[0][1], method
        assert "The port's Python (<code>{}</code>)".format(port) in shown


def test_shared_memory_steps_are_paired_on_the_page():
    """The blog's six steps of each shared-memory method sit each on one row
    with the port's step of the same number."""
    page = read(PAGE)
    for heading in ("Widget_PA::sendStrToMemory", "Widget_PB::loadStrFromMemory"):
        table = rows(section(page, heading))
        for step in range(1, 7):
            matching = [(a, b) for a, b in table if re.match(r"\s*//%d、" % step, a)]
            assert len(matching) == 1, (heading, step)
            assert re.match(r"\s*# ?%d[、.]" % step, matching[0][1]), (heading, step, matching)


def test_the_tables_survive_markdown():
    """No blank line inside a table (it would end the HTML block, and what
    follows would be read as Markdown), and the HTML is well nested."""
    page = read(PAGE)
    for table in re.findall(r"<table>.*?</table>", page, re.S):
        assert "\n\n" not in table and not re.search(r"\n[ \t]+\n", table)

    class Nesting(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open = []

        def handle_starttag(self, tag, attrs):
            self.open.append(tag)

        def handle_endtag(self, tag):
            assert self.open and self.open.pop() == tag, (tag, self.getpos())
    nesting = Nesting()
    nesting.feed(page)
    assert nesting.open == []


def test_pre_keeps_the_text(tool):
    text = "f()\n  if (a < b && c > d)\n\n  \n\t\n    x = \"&#10;\";\n\n \t"
    block = tool.pre(text)
    assert not re.search(r"\n[ \t]*\n", block)
    assert block.count("\n") == 2
    assert html.unescape(block[len("<pre>"):-len("</pre>")]) == text


def test_steps_pair_by_number(tool):
    cxx = ("void Widget::f()\n{\n    //1、设置\n    a();\n    if (b)\n    {\n"
           "        //2、分离\n        c();\n    }\n\n    // 未编号\n    //3.创建\n    d();\n}")
    python = ("def f(self):\n    \"\"\"Doc.\"\"\"\n    # 1、设置 (1. Set)\n    a()\n"
              "    # 2. Detach\n    if b:\n        c()\n    # 3、创建 (3. Create)\n    d()")
    paired = tool.pairSteps(cxx, python)
    assert [key for key, _, _ in paired] == [None, 1, 2, 3]
    assert paired[0][1:] == ("void Widget::f()\n{", "def f(self):\n    \"\"\"Doc.\"\"\"")
    assert paired[2][1] == "        //2、分离\n        c();\n    }\n\n    // 未编号"
    assert paired[2][2] == "    # 2. Detach\n    if b:\n        c()"
    assert paired[3][1:] == ("    //3.创建\n    d();\n}", "    # 3、创建 (3. Create)\n    d()")


def test_steps_on_one_side_only(tool):
    paired = tool.pairSteps("void f()\n{\n    //1、a\n    a();\n    //3、c\n    c();\n}",
                            "def f(self):\n    # 1. a\n    a()\n    # 2. b\n    b()\n"
                            "    # 3. c\n    c()\n    # 4. d\n    d()")
    assert [key for key, _, _ in paired] == [None, 1, 2, 3, 4]
    assert paired[2][1] is None and paired[4][1] is None
    cells = tool.methodRows("void f()\n{\n    //1、a\n    //2、b\n}", "def f(self):\n    # 1. a")
    assert cells[2][1] == "<em>(no step 2 in the port)</em>"


def test_a_number_is_not_a_step(tool):
    paired = tool.pairSteps("void f()\n{\n    // 2.5 seconds\n    a();\n}",
                            "def f(self):\n    # 2.5 seconds\n    a()")
    assert [key for key, _, _ in paired] == [None]


def test_a_method_without_steps_is_one_row(tool):
    paired = tool.pairSteps("void f()\n{\n    a();\n\n    b();\n}", "def f(self):\n    a()\n    b()")
    assert paired == [(None, "void f()\n{\n    a();\n\n    b();\n}",
                       "def f(self):\n    a()\n    b()")]


def test_page_of_scripts_of_another_shape(tool, tmp_path):
    """Scripts that lack a method, add one or are missing: the blog's methods
    still all shown, "(not ported)" / "(not in the blog)" in the other cell."""
    shutil.copytree(BLOG, tmp_path / "docs" / "blog")
    (tmp_path / "fortune_server.py").write_text(
        "class Server:\n"
        "    # Comment above.\n"
        "    @staticmethod\n"
        "    def extra():\n"
        "        return 1 < 2\n"
        "\n"
        "    def sendFortune(self):\n"
        "        pass\n", encoding="utf-8")
    (tmp_path / "fortune_client.py").write_text("class Other:\n    pass\n", encoding="utf-8")
    (tmp_path / "process_a.py").write_text("", encoding="utf-8")
    page = tool.page(str(tmp_path))
    server = rows(section(page, "Server::Server (constructor)"))
    assert len(server) == 1 and server[0][1] == "(not ported)"
    assert rows(section(page, "Server::sendFortune"))[-1][1].endswith("def sendFortune(self):\n    pass")
    extra = rows(section(page, "Server.extra (the port's own)"))
    assert extra == [("(not in the blog)",
                      "# Comment above.\n@staticmethod\ndef extra():\n    return 1 < 2")]
    assert page.index("### Server::sendFortune") < page.index("### Server.extra")
    for heading in ("Client::readFortune", "Widget_PA::sendStrToMemory",
                    "Widget_PA::~Widget_PA (destructor)", "Widget_PB::loadStrFromMemory"):
        shown = rows(section(page, heading))
        assert len(shown) == 1 and shown[0][1] == "(not ported)", heading
        assert shown[0][0].strip(), heading
