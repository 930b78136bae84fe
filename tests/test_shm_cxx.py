"""Process A and process B side by side with a C++ build of the blog's own
sendStrToMemory() and loadStrFromMemory() (tests/helpers/blog_peer.cpp),
compiled here against the system's Qt 5 (apt-get install g++ pkg-config
qtbase5-dev); skipped where that is not possible."""

import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile

import pytest

from peers import HELPERS, missingPeer
from testbed.oracle import layout
from testbed.processes import TIMEOUT, readLine
from testbed.programs import REPO
from testbed.sysv import findSegment, keyFiles, madeBy, remove

BLOG_PEER = os.path.join(HELPERS, "blog_peer.cpp")
BLOG_FUNCTIONS = ("void Widget_PA::sendStrToMemory", "QString Widget_PB::loadStrFromMemory")
# SHA-256 of the two functions as seed 002 prints them (signature to closing
# brace, joined by a newline); the seeds are not in the repository, so this
# records them. test_blog_peer_is_the_seeds_code checks it where they are.
BLOG_BODIES_SHA256 = "ee71a2ecf33dd5bb9b4b7aebd8ee39e266f03e8d3b07ae70348f2b0652228b8f"
SEED = os.path.join(os.environ.get("QTIPC_SEEDS", os.path.join(REPO, "..", "shared", "seeds")),
                    "002_bf30db0ce6e5184c.txt")

TEXTS = {
    "ascii": "The quick brown fox jumps over the lazy dog.",
    "chinese": "共享内存方式实现进程间通信",
    "emoji-outside-bmp": "😀🦊 𝄞 text 🐍",
    "mixed-line-endings": "unix\nwindows\r\nold mac\rend\r\n\n\r",
    "one-mib": "共享内存 shared memory 😀\n" * (1024 * 1024 // 40),
}


def functions(text):
    """The blog's two functions in `text`, from signature to closing brace."""
    found = []
    for signature in BLOG_FUNCTIONS:
        start = text.index(signature)
        depth = 0
        for end in range(text.index("{", start), len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                found.append(text[start:end + 1])
                break
    return "\n".join(found)


def peerFunctions():
    """The peer's two functions, with the one change it makes undone."""
    with open(BLOG_PEER, encoding="utf-8") as source:
        return functions(source.read()).replace("setKey(key)", 'setKey("processAstr")')


def test_blog_peer_has_the_blogs_two_functions():
    assert hashlib.sha256(peerFunctions().encode("utf-8")).hexdigest() == BLOG_BODIES_SHA256


def test_blog_peer_is_the_seeds_code():
    """Where the seeds are (beside the checkout, or QTIPC_SEEDS), the peer's
    functions and the recorded digest are checked against the seed itself."""
    if not os.path.exists(SEED):
        pytest.skip("the seeds are not in the repository; set QTIPC_SEEDS to check against them")
    with open(SEED, encoding="utf-8") as seed:
        blog = functions(seed.read())
    assert peerFunctions() == blog
    assert hashlib.sha256(blog.encode("utf-8")).hexdigest() == BLOG_BODIES_SHA256


@pytest.fixture(scope="session")
def blogPeer(tmp_path_factory):
    if not shutil.which("g++") or not shutil.which("pkg-config"):
        missingPeer("g++ and pkg-config are needed to build the C++ peer")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "Qt5Core"],
                           capture_output=True, text=True)
    if flags.returncode != 0:
        missingPeer("Qt 5 headers are needed to build the C++ peer (apt-get install "
                    "qtbase5-dev)")
    binary = tmp_path_factory.mktemp("blog-peer") / "blog_peer"
    build = subprocess.run(["g++", "-std=c++17", "-fPIC", "-O1", BLOG_PEER, "-o", str(binary)]
                           + flags.stdout.split(), capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    return str(binary)


def startBlogWriter(ipc, blogPeer, key, text):
    writer = ipc.processes.start([blogPeer, "write", key, ipc.textFile(text)],
                                 stdin=subprocess.PIPE)
    line = readLine(writer)
    assert line == "written {} bytes\n".format(len(layout(text))), writer.stderr.read()
    return writer


def blogRead(ipc, blogPeer, key):
    reader = ipc.processes.start([blogPeer, "read", key])
    out, err = reader.communicate(timeout=TIMEOUT)
    assert reader.returncode == 0, err
    return out


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_blog_writer_to_process_b(ipc, blogPeer, text):
    key = ipc.key()
    startBlogWriter(ipc, blogPeer, key, text)
    assert ipc.segmentBytes(key) == layout(text)
    status, out, err = ipc.read(key)
    assert (status, out) == (0, text.encode("utf-8")), err


def test_blog_writer_null_string_to_process_b(ipc, blogPeer):
    key = ipc.key()
    startBlogWriter(ipc, blogPeer, key, "")
    assert ipc.segmentBytes(key) in (b"\xff\xff\xff\xff", b"\x00\x00\x00\x00")
    assert ipc.read(key)[:2] == (0, b"")


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_process_a_to_blog_reader(ipc, blogPeer, text):
    key = ipc.key()
    ipc.startWriter(key, text)
    assert blogRead(ipc, blogPeer, key) == text.encode("utf-8")


def test_process_a_refuses_a_live_blog_writer(ipc, blogPeer):
    key = ipc.key()
    writer = startBlogWriter(ipc, blogPeer, key, "C++ text")
    status, _, err = ipc.run("process_a.py", "--key", key, "--text", "Python text")
    assert status == 1
    assert "Another process (pid {})".format(writer.pid) in err
    assert blogRead(ipc, blogPeer, key) == b"C++ text"


def test_process_a_takes_over_from_a_killed_blog_writer(ipc, blogPeer):
    key = ipc.key()
    crashed = startBlogWriter(ipc, blogPeer, key, "C++ text")
    crashed.kill()
    crashed.wait(TIMEOUT)
    assert findSegment(key).attachCount == 0
    ipc.startWriter(key, "Python text")
    assert blogRead(ipc, blogPeer, key) == b"Python text"
    assert ipc.read(key)[:2] == (0, b"Python text")


@pytest.mark.skipif(os.geteuid() != 0, reason="running a program as another user needs root")
def test_a_and_b_refuse_the_segment_and_lock_of_another_user_even_once_killed(ipc, blogPeer):
    nobody = pwd.getpwnam("nobody")
    refused = ("Refused the shared memory {{}} of the key {}: it belongs to user nobody (uid {}), "
               "not to this user; nothing was read or written.")
    key, theirs = ipc.key(), None
    shared = tempfile.mkdtemp()  # where nobody can run the peer and read the text
    try:
        os.chmod(shared, 0o755)
        binary = shutil.copy(blogPeer, shared)
        textFile = os.path.join(shared, "text")
        with open(textFile, "w", encoding="utf-8") as file:
            file.write("their text")
        os.chmod(textFile, 0o644)
        refused = refused.format(key, nobody.pw_uid)
        theirs = ipc.processes.start([binary, "write", key, textFile], stdin=subprocess.PIPE,
                                     user=nobody.pw_uid, group=nobody.pw_gid, extra_groups=[])
        assert readLine(theirs) == "written {} bytes\n".format(len(layout("their text")))
        for killed in (False, True):  # a killed writer's leftovers are not taken over either
            status, out, err = ipc.read(key)
            assert (status, out) == (1, b"") and refused.format("lock") in err
            status, out, err = ipc.run("process_a.py", "--key", key, "--text", "mine")
            assert (status, out) == (1, b"") and refused.format("lock") in err
            theirs.kill()
            theirs.wait(TIMEOUT)
        leftovers = madeBy({theirs.pid})
        remove([found for found in leftovers if found[0] == "-s"])  # now only the segment
        status, out, err = ipc.run("process_a.py", "--key", key, "--text", "mine")
        assert (status, out) == (1, b"") and refused.format("segment") in err
        assert findSegment(key).attachCount == 0 and ipc.segmentBytes(key) == layout("their text")
    finally:
        remove(madeBy({getattr(theirs, "pid", None)}))
        for path in keyFiles(key):
            if os.path.exists(path):
                os.remove(path)
        shutil.rmtree(shared)
