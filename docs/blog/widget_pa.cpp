// The blog's code for Widget_PA, copied verbatim from its post: the seed
// 002_bf30db0ce6e5184c.txt, SHA-256
// 537c6bfab5b5db30416043552432b2ce9ea329109aae8aeaeb414abd1d67d9d3.
// Method by method in the blog's order, each after a line "// ==== Class::method ====".
// Not meant to compile: the blog shows some methods as fragments.
// Written once by `python3 tools/side_by_side_page.py --extract`;
// docs/side-by-side.md shows it beside the Python, and
// tests/test_side_by_side_page.py checks it against the seed where the seed is.

// ==== Widget_PA::Widget_PA ====
Widget_PA::Widget_PA(QWidget *parent) :
    QWidget(parent),
    ui(new Ui::Widget_PA)
{
    ui->setupUi(this);
}

// ==== Widget_PA::~Widget_PA ====
Widget_PA::~Widget_PA()
{
    delete ui;
}

// ==== Widget_PA::sendStrToMemory ====
void Widget_PA::sendStrToMemory(QString str)
{
    //1、设置共享内存的标志名
    m_sharedMemory.setKey("processAstr");
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

// ==== Widget_PA::on_pushButton_clicked ====
void Widget_PA::on_pushButton_clicked()
{
    sendStrToMemory(ui->textEdit->toPlainText());
}
