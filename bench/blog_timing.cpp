// The blog's own Widget_PA::sendStrToMemory() and Widget_PB::loadStrFromMemory(),
// timed and measured beside the port. The two functions are not in this file:
// bench/cxx_pair.py copies them from docs/blog/widget_pa.cpp and
// docs/blog/widget_pb.cpp where the marker line below stands, with one change,
// setKey("processAstr") to setKey(key), so that each run has its own key.
// The classes keep only what the two functions use.
//
//   blog_timing time KEY     on standard input, "text FILE" loads FILE's UTF-8
//                            text and answers "ok UTF16BYTES"; "round" runs
//                            sendStrToMemory(text) then loadStrFromMemory()
//                            and answers "NS SAME" (the two calls' nanoseconds,
//                            1 when the text read equals the one written)
//   blog_timing write KEY FILE   shares FILE's UTF-8 text, prints "written N
//                            bytes" and holds it until standard input closes
//                            or SIGTERM comes (process A, with --text-file)
//   blog_timing read KEY     prints loadStrFromMemory() in UTF-8 (process B,
//                            with --print)
//   blog_timing window KEY   Widget_PB's on_pushButton_clicked() into a shown
//                            QTextEdit; prints the document's character count

#include <QApplication>
#include <QBuffer>
#include <QDataStream>
#include <QDebug>
#include <QFile>
#include <QSharedMemory>
#include <QString>
#include <QTextEdit>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <unistd.h>

class Widget_PA
{
public:
    explicit Widget_PA(const QString &key) : key(key) {}
    void sendStrToMemory(QString str);
    QString key;
    QSharedMemory m_sharedMemory;
};

class Widget_PB
{
public:
    explicit Widget_PB(const QString &key) : key(key) {}
    QString loadStrFromMemory();
    QString key;
    QSharedMemory m_sharedMemory;
};

// @BLOG_FUNCTIONS@

static QString readText(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(file.readAll());
}

static int timeRounds(const QString &key)
{
    Widget_PA writer(key);
    Widget_PB reader(key);
    QString text;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.rfind("text ", 0) == 0) {
            text = readText(QString::fromStdString(line.substr(5)));
            std::cout << "ok " << text.size() * 2 << std::endl;
        } else if (line == "round") {
            const auto t0 = std::chrono::steady_clock::now();
            writer.sendStrToMemory(text);
            const QString back = reader.loadStrFromMemory();
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - t0).count();
            std::cout << ns << " " << (back == text ? 1 : 0) << std::endl;
        } else {
            return 2;
        }
    }
    return 0;
}

static void ignore(int) {}

static int holdText(const QString &key, const QString &fileName)
{
    Widget_PA writer(key);
    writer.sendStrToMemory(readText(fileName));
    if (!writer.m_sharedMemory.isAttached())
        return 1;
    printf("written %d bytes\n", writer.m_sharedMemory.size());
    fflush(stdout);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ignore;  // no SA_RESTART: read() returns
    sigaction(SIGTERM, &action, nullptr);
    char c;
    while (read(0, &c, 1) > 0) {
    }
    return 0;
}

int main(int argc, char *argv[])
{
    const bool window = argc == 3 && strcmp(argv[1], "window") == 0;
    QCoreApplication *app = window ? new QApplication(argc, argv) : new QCoreApplication(argc, argv);
    const QStringList args = app->arguments();
    int status = 2;
    if (args.size() == 3 && args.at(1) == QLatin1String("time")) {
        status = timeRounds(args.at(2));
    } else if (args.size() == 4 && args.at(1) == QLatin1String("write")) {
        status = holdText(args.at(2), args.at(3));
    } else if (args.size() == 3 && args.at(1) == QLatin1String("read")) {
        Widget_PB reader(args.at(2));
        const QByteArray text = reader.loadStrFromMemory().toUtf8();
        fwrite(text.constData(), 1, text.size(), stdout);
        status = 0;
    } else if (window) {
        Widget_PB reader(args.at(2));
        QTextEdit textEdit;
        textEdit.setText(reader.loadStrFromMemory());  // Widget_PB::on_pushButton_clicked
        textEdit.show();
        QCoreApplication::processEvents();
        printf("shown %d characters\n", textEdit.document()->characterCount());
        status = 0;
    }
    delete app;
    return status;
}
