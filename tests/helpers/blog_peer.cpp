// The blog's own sendStrToMemory() and loadStrFromMemory() (seed 002,
// widget_pa.cpp and widget_pb.cpp), copied verbatim, comments included, but
// for one change: setKey("processAstr") became setKey(key), so that each test
// has its own key (as --key does for the Python programs). The classes keep
// only what the two functions use; there are no windows.
// tests/test_shm_cxx.py builds this with g++ against the system's Qt 5 and
// checks that these two bodies are still the blog's (see BLOG_BODIES_SHA256).
//
//   blog_peer write KEY FILE   shares FILE's UTF-8 text, prints "written N bytes"
//                              and holds it until standard input closes or
//                              SIGTERM comes
//   blog_peer read KEY         prints what loadStrFromMemory() returns, in UTF-8

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
    //1、设置共享内存的标志名
    m_sharedMemory.setKey(key);
    if(m_sharedMemory.isAttached())
    {
        //2、将该进程与共享内存分离
        if(!m_sharedMemory.detach())
        {
            qDebug() << "Unable to detach from shared memory.";
        }
    }
    // 将数据加载到共享内存中
    QBuffer buffer;
    buffer.open(QBuffer::ReadWrite);
    QDataStream out(&buffer);
    out << str;
    int size = buffer.size();
    //3、创建共享内存
    if(!m_sharedMemory.create(size))
    {
        qDebug() << m_sharedMemory.errorString()<<"\n Unable to create shared memory segment.";
        return;
    }

    //4、将共享内存上锁
    m_sharedMemory.lock();
    char *to = (char*)m_sharedMemory.data();
    const char *from = buffer.data().data();
    //5、将进程中要共享的数据拷贝到共享内存中
    memcpy(to, from, qMin(m_sharedMemory.size(), size));
    //6、将共享内存解锁
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
    //1、设置共享内存的标志名
    m_sharedMemory.setKey(key);
    //2、将共享内存与该进程绑定
    if (!m_sharedMemory.attach())
    {
        qDebug() << "Unable to attach to shared memory segment.";
        return "Unable to attach to shared memory segment.";
    }
    // 从共享内存中读取数据
    QBuffer buffer;
    QDataStream in(&buffer);
    QString str;

    //3、将共享内存上锁
    m_sharedMemory.lock();
    //4、从共享内存中取数据
    buffer.setData((char*)m_sharedMemory.constData(), m_sharedMemory.size());
    buffer.open(QBuffer::ReadOnly);
    in >> str;
    //5、使用完后将共享内存解锁
    m_sharedMemory.unlock();
    //6、将共享内存与该进程分离
    m_sharedMemory.detach();
    return str;
}

static void ignore(int) {}

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
