#!/usr/bin/env python3
"""Writes docs/side-by-side.md: per method, the blog's C++ beside the port's
Python, with the blog's numbered steps paired row by row; and Qt's Shared
Memory example's two slots beside process A's and process B's methods.

    python3 tools/side_by_side_page.py           rewrites docs/side-by-side.md
    python3 tools/side_by_side_page.py --check   exits 1 if it is stale

The C++ comes from docs/blog/*.cpp: the blog's code, copied verbatim from the
two posts (the seeds) once, method by method, by

    python3 tools/side_by_side_page.py --extract [SEEDS_DIR]

(SEEDS_DIR: $QTIPC_SEEDS, else ../shared/seeds beside the checkout). Qt's
example's C++ comes from docs/blog/dialog.cpp: its file, verbatim under a
header that says where it is from. The Python comes from the four scripts, found with the ast module: the method of
the same name in the class of the same name (the constructor is __init__).

Pairing, within a method: both sides are cut at their numbered step comments
(C++ `//1、...` or `// 1.`, Python `# 1、...` or `# 1.`); the lines before the
first step make a row of their own, and each step number makes one row, in
the blog's order (a step only the port has goes after the step that comes
before it in the port). A method without steps is one row. A method on one
side only gets "(not ported)" or "(not in the blog)" on the other; the
port's own methods follow the blog's, in the script's order.

Standard library only: it runs on any Python 3.8+, without Qt.
"""

import argparse
import ast
import hashlib
import html
import os
import re
import sys
import textwrap

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join("docs", "side-by-side.md")
BLOG_DIR = os.path.join("docs", "blog")
COMMAND = "python3 tools/side_by_side_page.py"

SEED_FORTUNE = "000_15076b2145fb4f39.txt"
SEED_SHARED_MEMORY = "002_bf30db0ce6e5184c.txt"

# Qt's Shared Memory example, as Qt 6.6 and later have it: docs/blog/dialog.cpp
# holds its file verbatim after the line VERBATIM. Its slots are found in it as
# the blog's methods are in a seed (see CLASSES: "example").
QT_EXAMPLE = "dialog.cpp"
VERBATIM = "// ==== the example's file, verbatim, from the next line on ===="

# Where each method's code starts in the seed, in the blog's order.
#   ("signature", text): the method whose signature line starts with text,
#     with the comment lines just above it, to its closing brace;
#   ("lines", first, last): the lines from the one that is `first` to the
#     first one after it that is `last` (the blog shows the constructors of
#     Server and Client as their bodies only).
# The Python name: None where the port has no such method. "example": the
# methods of Qt's example that the class has too, after the blog's.
CLASSES = [
    {"class": "Server", "script": "fortune_server.py", "file": "server.cpp",
     "seed": SEED_FORTUNE, "methods": [
         ("Server::Server", "__init__",
          ("lines", "server = new QLocalServer(this);",
           "connect(server, SIGNAL(newConnection()), this, SLOT(sendFortune()));")),
         ("Server::sendFortune", "sendFortune", ("signature", "void Server::sendFortune()")),
     ]},
    {"class": "Client", "script": "fortune_client.py", "file": "client.cpp",
     "seed": SEED_FORTUNE, "methods": [
         ("Client::Client", "__init__",
          ("lines", "socket = new QLocalSocket(this);",
           "        this, SLOT(displayError(QLocalSocket::LocalSocketError)));")),
         ("Client::requestNewFortune", "requestNewFortune",
          ("signature", "void Client::requestNewFortune()")),
         ("Client::readFortune", "readFortune", ("signature", "void Client::readFortune()")),
         ("Client::displayError", "displayError",
          ("signature", "void Client::displayError(QLocalSocket::LocalSocketError socketError)")),
     ]},
    {"class": "Widget_PA", "script": "process_a.py", "file": "widget_pa.cpp",
     "seed": SEED_SHARED_MEMORY, "methods": [
         ("Widget_PA::Widget_PA", "__init__",
          ("signature", "Widget_PA::Widget_PA(QWidget *parent) :")),
         ("Widget_PA::~Widget_PA", None, ("signature", "Widget_PA::~Widget_PA()")),
         ("Widget_PA::sendStrToMemory", "sendStrToMemory",
          ("signature", "void Widget_PA::sendStrToMemory(QString str)")),
         ("Widget_PA::on_pushButton_clicked", "on_pushButton_clicked",
          ("signature", "void Widget_PA::on_pushButton_clicked()")),
     ], "example": [
         ("Dialog::loadFromFile", "loadFromFile", ("signature", "void Dialog::loadFromFile()")),
     ]},
    {"class": "Widget_PB", "script": "process_b.py", "file": "widget_pb.cpp",
     "seed": SEED_SHARED_MEMORY, "methods": [
         ("Widget_PB::Widget_PB", "__init__",
          ("signature", "Widget_PB::Widget_PB(QWidget *parent) :")),
         ("Widget_PB::~Widget_PB", None, ("signature", "Widget_PB::~Widget_PB()")),
         ("Widget_PB::loadStrFromMemory", "loadStrFromMemory",
          ("signature", "QString Widget_PB::loadStrFromMemory()")),
         ("Widget_PB::on_pushButton_clicked", "on_pushButton_clicked",
          ("signature", "void Widget_PB::on_pushButton_clicked()")),
     ], "example": [
         ("Dialog::loadFromMemory", "loadImageFromMemory",
          ("signature", "void Dialog::loadFromMemory()")),
     ]},
]

# The line before each method in docs/blog/*.cpp.
MARKER = re.compile(r"^// ==== (\S+) ====$")
CXX_STEP = re.compile(r"^\s*//\s*(\d+)\s*(?:、|\.(?!\d)|．)")
PY_STEP = re.compile(r"^\s*#\s*(\d+)\s*(?:、|\.(?!\d)|．)")


# The blog's code: out of the seeds once, then from docs/blog/*.cpp.

def seedMethod(seed, where):
    """The code `where` (see CLASSES) points at in the text `seed`, exactly."""
    lines = seed.split("\n")
    if where[0] == "lines":
        first = lines.index(where[1])
        last = lines.index(where[2], first)
        return "\n".join(lines[first:last + 1])
    start = next(i for i, line in enumerate(lines) if line.startswith(where[1]))
    while start > 0 and lines[start - 1].lstrip().startswith("//"):
        start -= 1
    offset = len("\n".join(lines[:start])) + (1 if start else 0)
    depth = 0
    for end in range(seed.index("{", offset), len(seed)):
        depth += {"{": 1, "}": -1}.get(seed[end], 0)
        if depth == 0:
            return seed[offset:end + 1]
    raise ValueError("no closing brace after " + where[1])


def blogFileText(entry, seed):
    """docs/blog/<file> for one class, made from its seed's bytes."""
    seedText = seed.decode("utf-8")
    header = [
        "// The blog's code for {}, copied verbatim from its post: the seed".format(entry["class"]),
        "// {}, SHA-256".format(entry["seed"]),
        "// {}.".format(hashlib.sha256(seed).hexdigest()),
        "// Method by method in the blog's order, each after a line \"// ==== Class::method ====\".",
        "// Not meant to compile: the blog shows some methods as fragments.",
        "// Written once by `{} --extract`;".format(COMMAND),
        "// docs/side-by-side.md shows it beside the Python, and",
        "// tests/test_side_by_side_page.py checks it against the seed where the seed is.",
    ]
    parts = ["\n".join(header)]
    for name, _, where in entry["methods"]:
        parts.append("// ==== {} ====\n{}".format(name, seedMethod(seedText, where)))
    return "\n\n".join(parts) + "\n"


def extractFromSeeds(seedsDir):
    """{path relative to the repository: text} of docs/blog/*.cpp, from the seeds."""
    files = {}
    for entry in CLASSES:
        with open(os.path.join(seedsDir, entry["seed"]), "rb") as seed:
            files[os.path.join(BLOG_DIR, entry["file"])] = blogFileText(entry, seed.read())
    return files


def blogMethods(text):
    """[(Class::method, code)] in a docs/blog/*.cpp file's text, in its order."""
    methods, name, lines = [], None, []
    for line in text.split("\n"):
        match = MARKER.match(line)
        if match:
            if name:
                methods.append((name, "\n".join(lines).rstrip("\n")))
            name, lines = match.group(1), []
        elif name:
            lines.append(line)
    if name:
        methods.append((name, "\n".join(lines).rstrip("\n")))
    return methods


def readBlog(repo, entry):
    path = os.path.join(repo, BLOG_DIR, entry["file"])
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as file:
        return dict(blogMethods(file.read()))


def exampleSource(text):
    """Qt's example's file in the text of docs/blog/dialog.cpp: what follows
    the line VERBATIM."""
    return text.split(VERBATIM + "\n", 1)[1]


def readExample(repo, entry):
    """{Dialog::method: code} of Qt's example's methods that `entry` has too."""
    path = os.path.join(repo, BLOG_DIR, QT_EXAMPLE)
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as file:
        source = exampleSource(file.read())
    return {name: seedMethod(source, where) for name, _, where in entry.get("example", [])}


# The port's code.

def pythonMethods(source, className):
    """[(name, code)] of the methods of class `className` in `source`, in the
    script's order, each with its decorators and the comment lines just above
    it, dedented; [] when there is no such class."""
    tree = ast.parse(source)
    lines = source.split("\n")
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == className:
            break
    else:
        return []
    methods = []
    for item in node.body:
        if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        start = min([item.lineno] + [d.lineno for d in item.decorator_list]) - 1
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        code = "\n".join(lines[start:item.end_lineno])
        methods.append((item.name, textwrap.dedent(code).rstrip("\n")))
    return methods


def readPort(repo, entry):
    path = os.path.join(repo, entry["script"])
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as file:
        source = file.read()
    try:
        return pythonMethods(source, entry["class"])
    except SyntaxError as error:
        raise SystemExit("{}: cannot be parsed: {}".format(entry["script"], error))


# Pairing.

def steps(code, pattern):
    """[(key, text)]: the lines before the first numbered step comment (key
    None, left out when there are none), then each step's lines (key: its
    number), each piece without the blank lines at its end."""
    pieces, key, lines = [], None, []

    def close():
        while lines and not lines[-1].strip():
            lines.pop()
        if lines:
            pieces.append((key, "\n".join(lines)))
    for line in code.split("\n"):
        match = pattern.match(line)
        if match:
            close()
            key, lines = int(match.group(1)), []
        lines.append(line)
    close()
    return pieces


def pairSteps(cxx, python):
    """[(step number or None, C++ text or None, Python text or None)], one
    per row: what comes before the steps (None), then a row per step number,
    in the blog's order; a step only the port has goes after the one before
    it in the port. Pieces with the same key on one side share a row."""
    left, right = steps(cxx, CXX_STEP), steps(python, PY_STEP)
    order = []
    for key, _ in left:
        if key not in order:
            order.append(key)
    previous = None
    for key, _ in right:
        if key not in order:
            order.insert(order.index(previous) + 1 if previous in order else 0, key)
        previous = key

    def joined(pieces, key):
        texts = [text for k, text in pieces if k == key]
        return "\n".join(texts) if texts else None
    return [(key, joined(left, key), joined(right, key)) for key in order]


# The page.

def slug(heading):
    """The anchor GitHub gives a heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def pre(text):
    """`text` in a <pre>, escaped, without a blank line in the HTML (a blank
    line would end the HTML block, and Markdown would read what follows): the
    line break before a blank line is written as &#10;, and a line of spaces
    or tabs as character references."""
    parts = []
    for i, line in enumerate(html.escape(text, quote=False).split("\n")):
        blank = not line.strip()
        if i:
            parts.append("&#10;" if blank else "\n")
        parts.append("".join("&#%d;" % ord(c) for c in line) if blank else line)
    return "<pre>" + "".join(parts) + "</pre>"


def note(text):
    return "<em>" + html.escape(text, quote=False) + "</em>"


def cell(content):
    return '<td valign="top">' + content + "</td>"


def table(left, right, rows):
    """A two-column HTML table: header cells `left` and `right`, then `rows`
    of (left HTML, right HTML)."""
    out = ["<table>", '<tr><th width="50%">' + left + '</th><th width="50%">' + right
           + "</th></tr>"]
    for a, b in rows:
        out.append("<tr>")
        out.append(cell(a))
        out.append(cell(b))
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def methodRows(cxx, python, where="blog"):
    if cxx is None:
        return [(note("(not in the {})".format(where)), pre(python))]
    if python is None:
        return [(pre(cxx), note("(not ported)"))]
    def shown(text, key, side):
        if text is not None:
            return pre(text)
        return note("(no step {} in the {})".format(key, side)) if key is not None else ""
    return [(shown(a, key, where), shown(b, key, "port")) for key, a, b in pairSteps(cxx, python)]


def sections(repo):
    """[(class entry, [(heading, C++ name, python name, C++ or None, Python or None)])]:
    the blog's methods, Qt's example's, then the port's own."""
    out = []
    for entry in CLASSES:
        blog = readBlog(repo, entry)
        example = readExample(repo, entry)
        port = readPort(repo, entry)
        portCode = {}
        for name, code in port:
            portCode.setdefault(name, code)
        methods, shown = [], set()
        for blogName, pythonName, _ in entry["methods"]:
            heading = blogName
            if pythonName == "__init__":
                heading += " (constructor)"
            elif pythonName is None:
                heading += " (destructor)"
            methods.append((heading, blogName, pythonName, blog.get(blogName),
                            portCode.get(pythonName) if pythonName else None))
            shown.add(pythonName)
        for exampleName, pythonName, _ in entry.get("example", []):
            methods.append((exampleName + " (Qt's example)", exampleName, pythonName,
                            example.get(exampleName), portCode.get(pythonName)))
            shown.add(pythonName)
        for name, code in port:
            if name not in shown:
                shown.add(name)
                methods.append(("{}.{} (the port's own)".format(entry["class"], name), None,
                                name, None, code))
        out.append((entry, methods))
    return out


def page(repo=REPO):
    """The text of docs/side-by-side.md for the checkout at `repo`."""
    lines = [
        "# The blog's C++ beside the port's Python",
        "",
        "<!-- Generated: do not edit. Regenerate with " + COMMAND + " -->",
        "",
        "Generated by `{}` from the blog's code in [blog/](blog/) and the four".format(COMMAND),
        "scripts; run it again after changing a script (`tests/test_side_by_side_page.py`",
        "fails while this page is stale).",
        "",
        "Left, the blog's C++, exactly as the two posts print it (comments in Chinese",
        "included; the posts show the constructors of `Server` and `Client` as their",
        "bodies only). Right, the port's Python method of the same name in the class of",
        "the same name (`__init__` for the constructor). Within a method, the rows pair",
        "the blog's numbered steps (`//1、...` in the C++, `# 1、...` or `# 1.` in the",
        "Python); what comes before the first step is a row of its own. The port's own",
        "methods follow the blog's. Command-line code outside the classes is not shown;",
        "[deviations.md](deviations.md) says why each difference is there.",
        "",
        "Process A and process B also share images as Qt's Shared Memory example does:",
        "after the blog's methods, the example's two slots (`Dialog::loadFromFile` and",
        "`Dialog::loadFromMemory`, Qt 6.6 and later, from [blog/dialog.cpp](blog/dialog.cpp))",
        "stand beside the methods that follow their steps.",
        "",
    ]
    content = sections(repo)
    for entry, methods in content:
        lines.append("- [{}]({}): ".format(entry["class"], "#" + slug(sectionHeading(entry)))
                     + ", ".join("[{}](#{})".format(short(heading), slug(heading))
                                 for heading, *_ in methods))
    lines.append("")
    for entry, methods in content:
        lines.append("## " + sectionHeading(entry))
        lines.append("")
        for heading, blogName, pythonName, cxx, python in methods:
            lines.append("### " + heading)
            lines.append("")
            fromExample = heading.endswith("(Qt's example)")
            left = ("Qt's example's C++" if fromExample else "The blog's C++") + (
                " (<code>{}</code>)".format(html.escape(blogName)) if blogName else "")
            right = "The port's Python (<code>{}.{}</code>)".format(
                entry["class"], html.escape(pythonName)) if pythonName else "The port's Python"
            lines.append(table(left, right, methodRows(
                cxx, python, "example" if fromExample else "blog")))
            lines.append("")
    return "\n".join(lines)


def sectionHeading(entry):
    return "{} ({})".format(entry["class"], entry["script"])


def short(heading):
    """The method's name in the contents line."""
    name = heading.split(" (")[0]
    return name.split("::")[-1].split(".")[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/side-by-side.md is stale, writing nothing")
    parser.add_argument("--extract", nargs="?", const="", metavar="SEEDS_DIR",
                        help="rewrite docs/blog/*.cpp from the seeds first")
    options = parser.parse_args()
    if options.extract is not None:
        seedsDir = options.extract or os.environ.get(
            "QTIPC_SEEDS", os.path.join(REPO, "..", "shared", "seeds"))
        for path, text in extractFromSeeds(seedsDir).items():
            os.makedirs(os.path.dirname(os.path.join(REPO, path)), exist_ok=True)
            with open(os.path.join(REPO, path), "w", encoding="utf-8", newline="\n") as file:
                file.write(text)
            print("wrote " + path)
    text = page()
    path = os.path.join(REPO, PAGE)
    current = None
    if os.path.exists(path):
        with open(path, encoding="utf-8") as file:
            current = file.read()
    if options.check:
        if current != text:
            sys.exit("{} is stale: run {}".format(PAGE, COMMAND))
        return
    if current != text:
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        print("wrote " + PAGE)


if __name__ == "__main__":
    main()
