// The blog's code for Widget_PB, copied verbatim from its post: the seed
// 002_bf30db0ce6e5184c.txt, SHA-256
// 537c6bfab5b5db30416043552432b2ce9ea329109aae8aeaeb414abd1d67d9d3.
// Method by method in the blog's order, each after a line "// ==== Class::method ====".
// Not meant to compile: the blog shows some methods as fragments.
// Written once by `python3 tools/side_by_side_page.py --extract`;
// docs/side-by-side.md shows it beside the Python, and
// tests/test_side_by_side_page.py checks it against the seed where the seed is.

// ==== Widget_PB::Widget_PB ====
Widget_PB::Widget_PB(QWidget *parent) :
    QWidget(parent),
    ui(new Ui::Widget_PB)
{
    ui->setupUi(this);
}

// ==== Widget_PB::~Widget_PB ====
Widget_PB::~Widget_PB()
{
    delete ui;
}

// ==== Widget_PB::loadStrFromMemory ====
QString Widget_PB::loadStrFromMemory()
{
    //1、设置共享内存的标志名
    m_sharedMemory.setKey("processAstr");
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

// ==== Widget_PB::on_pushButton_clicked ====
void Widget_PB::on_pushButton_clicked()
{
    ui->textEdit->setText(loadStrFromMemory());
}
