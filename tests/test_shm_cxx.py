"""Process A and process B side by side with a C++ build of the blog's own
sendStrToMemory() and loadStrFromMemory(), compiled here against the
system's Qt 5 (apt-get install g++ pkg-config qtbase5-dev); skipped where
that is not possible."""

import shutil
import subprocess

import pytest

from conftest import missingPeer

from test_shared_memory import (TIMEOUT, ipc, layout, read, readLine,  # noqa: F401 (fixture)
                                segmentBytes, startWriter)
from qtipc.shared_memory import findSegment

# The blog's two functions, verbatim but for the key (a parameter here, as
# --key is for the Python programs) and without their windows.
BLOG_PEER = r"""
#include <QBuffer>
#include <QCoreApplication>
#include <QDataStream>
#include <QDebug>
#include <QFile>
#include <QSharedMemory>
#include <QString>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

class Widget_PA
{
public:
    explicit Widget_PA(const QString &key) : key(key) {}
    void sendStrToMemory(QString str);
    QString key;
    QSharedMemory m_sharedMemory;
};

void Widget_PA::sendStrToMemory(QString str)
{
    m_sharedMemory.setKey(key);
    if(m_sharedMemory.isAttached())
    {
        if(!m_sharedMemory.detach())
        {
            qDebug() << "Unable to detach from shared memory.";
        }
    }
    QBuffer buffer;
    buffer.open(QBuffer::ReadWrite);
    QDataStream out(&buffer);
    out << str;
    int size = buffer.size();
    if(!m_sharedMemory.create(size))
    {
        qDebug() << m_sharedMemory.errorString()<<"\n Unable to create shared memory segment.";
        return;
    }
    m_sharedMemory.lock();
    char *to = (char*)m_sharedMemory.data();
    const char *from = buffer.data().data();
    memcpy(to, from, qMin(m_sharedMemory.size(), size));
    m_sharedMemory.unlock();
}

class Widget_PB
{
public:
    explicit Widget_PB(const QString &key) : key(key) {}
    QString loadStrFromMemory();
    QString key;
    QSharedMemory m_sharedMemory;
};

QString Widget_PB::loadStrFromMemory()
{
    m_sharedMemory.setKey(key);
    if (!m_sharedMemory.attach())
    {
        qDebug() << "Unable to attach to shared memory segment.";
        return "Unable to attach to shared memory segment.";
    }
    QBuffer buffer;
    QDataStream in(&buffer);
    QString str;
    m_sharedMemory.lock();
    buffer.setData((char*)m_sharedMemory.constData(), m_sharedMemory.size());
    buffer.open(QBuffer::ReadOnly);
    in >> str;
    m_sharedMemory.unlock();
    m_sharedMemory.detach();
    return str;
}

static void ignore(int) {}

// blog_peer write KEY FILE: shares FILE's UTF-8 text, prints "written N
// bytes" and holds it until standard input closes or SIGTERM comes.
// blog_peer read KEY: prints what loadStrFromMemory() returns, in UTF-8.
int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 4 && args.at(1) == QLatin1String("write")) {
        QFile file(args.at(3));
        if (!file.open(QIODevice::ReadOnly))
            return 2;
        Widget_PA writer(args.at(2));
        writer.sendStrToMemory(QString::fromUtf8(file.readAll()));
        if (!writer.m_sharedMemory.isAttached())
            return 1;
        printf("written %d bytes\n", writer.m_sharedMemory.size());
        fflush(stdout);
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = ignore;  // no SA_RESTART: read() returns, and so does main()
        sigaction(SIGTERM, &action, nullptr);
        char c;
        while (read(0, &c, 1) > 0) {
        }
        return 0;
    }
    if (args.size() == 3 && args.at(1) == QLatin1String("read")) {
        Widget_PB reader(args.at(2));
        const QByteArray text = reader.loadStrFromMemory().toUtf8();
        fwrite(text.constData(), 1, text.size(), stdout);
        return 0;
    }
    return 2;
}
"""

TEXTS = {
    "ascii": "The quick brown fox jumps over the lazy dog.",
    "chinese": "共享内存方式实现进程间通信",
    "emoji-outside-bmp": "😀🦊 𝄞 text 🐍",
    "mixed-line-endings": "unix\nwindows\r\nold mac\rend\r\n\n\r",
    "one-mib": "共享内存 shared memory 😀\n" * (1024 * 1024 // 40),
}


@pytest.fixture(scope="session")
def blogPeer(tmp_path_factory):
    if not shutil.which("g++") or not shutil.which("pkg-config"):
        missingPeer("g++ and pkg-config are needed to build the C++ peer")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "Qt5Core"],
                           capture_output=True, text=True)
    if flags.returncode != 0:
        missingPeer("Qt 5 headers are needed to build the C++ peer (apt-get install "
                    "qtbase5-dev)")
    directory = tmp_path_factory.mktemp("blog-peer")
    source = directory / "blog_peer.cpp"
    source.write_text(BLOG_PEER)
    binary = directory / "blog_peer"
    build = subprocess.run(["g++", "-std=c++17", "-fPIC", "-O1", str(source), "-o", str(binary)]
                           + flags.stdout.split(), capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    return str(binary)


def startBlogWriter(processes, tmp_path, blogPeer, key, text):
    path = tmp_path / "cxx-text-{}".format(len(processes.started))
    path.write_bytes(text.encode("utf-8"))
    writer = processes.start([blogPeer, "write", key, str(path)], stdin=subprocess.PIPE)
    line = readLine(writer)
    assert line == "written {} bytes\n".format(len(layout(text))), writer.stderr.read()
    return writer


def blogRead(processes, blogPeer, key):
    reader = processes.start([blogPeer, "read", key])
    out, err = reader.communicate(timeout=TIMEOUT)
    assert reader.returncode == 0, err
    return out


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_blog_writer_to_process_b(ipc, processes, tmp_path, blogPeer, text):
    key = ipc.key()
    startBlogWriter(processes, tmp_path, blogPeer, key, text)
    assert segmentBytes(key) == layout(text)
    status, out, err = read(processes, key)
    assert (status, out) == (0, text.encode("utf-8")), err


def test_blog_writer_null_string_to_process_b(ipc, processes, tmp_path, blogPeer):
    key = ipc.key()
    startBlogWriter(processes, tmp_path, blogPeer, key, "")
    assert segmentBytes(key) in (b"\xff\xff\xff\xff", b"\x00\x00\x00\x00")
    assert read(processes, key)[:2] == (0, b"")


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_process_a_to_blog_reader(ipc, processes, tmp_path, blogPeer, text):
    key = ipc.key()
    startWriter(processes, tmp_path, key, text)
    assert blogRead(processes, blogPeer, key) == text.encode("utf-8")


def test_process_a_refuses_a_live_blog_writer(ipc, processes, tmp_path, blogPeer):
    key = ipc.key()
    writer = startBlogWriter(processes, tmp_path, blogPeer, key, "C++ text")
    a = processes.startScript("process_a.py", "--key", key, "--text", "Python text")
    out, err = a.communicate(timeout=TIMEOUT)
    assert a.returncode == 1
    assert "Another process (pid {})".format(writer.pid) in err.decode()
    assert blogRead(processes, blogPeer, key) == b"C++ text"


def test_process_a_takes_over_from_a_killed_blog_writer(ipc, processes, tmp_path, blogPeer):
    key = ipc.key()
    crashed = startBlogWriter(processes, tmp_path, blogPeer, key, "C++ text")
    crashed.kill()
    crashed.wait(TIMEOUT)
    assert findSegment(key).attachCount == 0
    startWriter(processes, tmp_path, key, "Python text")
    assert blogRead(processes, blogPeer, key) == b"Python text"
    assert read(processes, key)[:2] == (0, b"Python text")
