<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Client</name>
    <message>
        <location filename="../../fortune_client.py" line="99"/>
        <source>The host was not found. Please check the host name and port settings.</source>
        <translation>找不到主机。请检查主机名和端口设置。</translation>
    </message>
    <message>
        <location filename="../../fortune_client.py" line="102"/>
        <source>The connection was refused by the peer. Make sure the fortune server is running, and check that the host name and port settings are correct.</source>
        <translation>连接被对方拒绝。请确认 Fortune 服务器正在运行，并检查主机名和端口设置是否正确。</translation>
    </message>
    <message>
        <location filename="../../fortune_client.py" line="107"/>
        <source>The following error occurred: %1.</source>
        <translation>发生以下错误：%1。</translation>
    </message>
    <message>
        <location filename="../forms/client.ui" line="6"/>
        <source>Fortune Client</source>
        <translation>Fortune 客户端</translation>
    </message>
    <message>
        <location filename="../forms/client.ui" line="12"/>
        <source>&amp;Server name:</source>
        <translation>服务器名称(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../forms/client.ui" line="29"/>
        <source>This example requires that you run the Fortune Server example as well.</source>
        <translation>本示例需要同时运行 Fortune 服务器示例。</translation>
    </message>
    <message>
        <location filename="../forms/client.ui" line="57"/>
        <source>Get Fortune</source>
        <translation>获取签语</translation>
    </message>
    <message>
        <location filename="../forms/client.ui" line="67"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../fortune_client.py" line="144"/>
        <source>Local Fortune client: fetches a fortune from a Local Fortune server.</source>
        <translation>Local Fortune 客户端：从 Local Fortune 服务器获取一条签语。</translation>
    </message>
    <message>
        <location filename="../../fortune_client.py" line="146"/>
        <source>Server name to start with (default %1).</source>
        <translation>启动时使用的服务器名称（默认为 %1）。</translation>
    </message>
</context>
<context>
    <name>FortuneReply</name>
    <message>
        <location filename="../fortune_wire.py" line="222"/>
        <source>The server closed the connection after %1 bytes, before a whole fortune had arrived.</source>
        <translation>服务器在发送 %1 字节后关闭了连接，完整的签语尚未到达。</translation>
    </message>
    <message>
        <location filename="../fortune_wire.py" line="225"/>
        <source>The server did not send a fortune within %1 seconds.</source>
        <translation>服务器在 %1 秒内没有发送签语。</translation>
    </message>
    <message>
        <location filename="../fortune_wire.py" line="228"/>
        <source>The server sent %1 bytes, not a whole fortune, and then nothing for %2 seconds.</source>
        <translation>服务器发送了 %1 字节（不是一条完整的签语），之后 %2 秒内再无数据。</translation>
    </message>
    <message>
        <location filename="../fortune_wire.py" line="232"/>
        <source>The server&apos;s reply is longer than %1 bytes; no fortune is that long.</source>
        <translation>服务器的回复超过 %1 字节；没有这么长的签语。</translation>
    </message>
    <message>
        <location filename="../fortune_wire.py" line="235"/>
        <source>The server&apos;s reply is not a fortune in any known format (%1 bytes, starting %2).</source>
        <translation>服务器的回复不是任何已知格式的签语（%1 字节，开头为 %2）。</translation>
    </message>
</context>
<context>
    <name>ImageReader</name>
    <message>
        <location filename="../images.py" line="149"/>
        <source>The shared memory segment holds a damaged image: it starts as Qt writes an image, but its PNG cannot be read.</source>
        <translation>共享内存段中的图像已损坏：其开头与 Qt 写入的图像相同，但其中的 PNG 无法读取。</translation>
    </message>
    <message>
        <location filename="../images.py" line="135"/>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location filename="../images.py" line="137"/>
        <source>Selected file is not an image, please select another.</source>
        <translation>所选文件不是图像，请选择其他文件。</translation>
    </message>
</context>
<context>
    <name>ImageSizeLimit</name>
    <message>
        <location filename="../images.py" line="84"/>
        <source>The image in %1</source>
        <translation>%1 中的图像</translation>
    </message>
    <message>
        <location filename="../images.py" line="96"/>
        <source>The image in the shared memory segment</source>
        <translation>共享内存段中的图像</translation>
    </message>
    <message>
        <location filename="../images.py" line="111"/>
        <source>%1 is %2x%3 pixels: decoded, it would take %4 bytes, more than the limit of %5 MB. It was not read. QT_IMAGEIO_MAXALLOC sets the limit in MB (0: no limit), as in Qt 6.</source>
        <translation>%1为 %2x%3 像素：解码后需要 %4 字节，超过 %5 MB 的上限，未读取。QT_IMAGEIO_MAXALLOC 以 MB 为单位设置该上限（0 表示不限），与 Qt 6 相同。</translation>
    </message>
</context>
<context>
    <name>LocalServer</name>
    <message>
        <location filename="../local_server.py" line="96"/>
        <source>the socket path %1 is %2 bytes long, and this system allows at most %3</source>
        <translation>套接字路径 %1 长 %2 字节，而本系统最多只允许 %3 字节</translation>
    </message>
    <message>
        <location filename="../local_server.py" line="106"/>
        <source>another server is starting on %1</source>
        <translation>另一个服务器正在 %1 上启动</translation>
    </message>
    <message>
        <location filename="../local_server.py" line="128"/>
        <source>%1 exists and is not a socket</source>
        <translation>%1 已存在，但不是套接字</translation>
    </message>
    <message>
        <location filename="../local_server.py" line="161"/>
        <source>another server is already listening on %1</source>
        <translation>已有另一个服务器在 %1 上监听</translation>
    </message>
    <message>
        <location filename="../local_server.py" line="138"/>
        <source>another server is already listening on %1 (%2)</source>
        <translation>已有另一个服务器在 %1 上监听（%2）</translation>
    </message>
    <message>
        <location filename="../local_server.py" line="191"/>
        <source>The server stopped listening on %1 (%2). Listening again.</source>
        <translation>服务器已停止在 %1 上监听（%2）。正在重新监听。</translation>
    </message>
    <message>
        <location filename="../local_server.py" line="195"/>
        <source>The server is listening again on %1.</source>
        <translation>服务器已重新在 %1 上监听。</translation>
    </message>
    <message>
        <location filename="../local_server.py" line="204"/>
        <source>Unable to listen again: %1. Quitting.</source>
        <translation>无法重新监听：%1。正在退出。</translation>
    </message>
</context>
<context>
    <name>Owners</name>
    <message>
        <location filename="../owners.py" line="27"/>
        <source>Refused %1: it belongs to %2, not to this user; nothing was read or written.</source>
        <translation>已拒绝 %1：它属于%2，而不是当前用户；未读取也未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../owners.py" line="30"/>
        <source>Refused %1 of %2: its mode %3 lets other users read or write it (Qt makes 0600); nothing was read or written.</source>
        <translation>已拒绝%2的 %1：其权限 %3 允许其他用户读写（Qt 创建的是 0600）；未读取也未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../owners.py" line="41"/>
        <source>user %1 (uid %2)</source>
        <translation>用户 %1（uid %2）</translation>
    </message>
    <message>
        <location filename="../owners.py" line="43"/>
        <source>uid %1</source>
        <translation>uid %1</translation>
    </message>
</context>
<context>
    <name>PosixSharedMemory</name>
    <message>
        <location filename="../posix_shared_memory.py" line="148"/>
        <source>Waiting for the lock of %1, held by another process.</source>
        <translation>正在等待 %1 的锁，该锁由另一个进程持有。</translation>
    </message>
    <message>
        <location filename="../posix_shared_memory.py" line="159"/>
        <source>Stopped waiting for the lock of %1, held by another process.</source>
        <translation>已停止等待 %1 的锁，该锁由另一个进程持有。</translation>
    </message>
    <message>
        <location filename="../posix_shared_memory.py" line="82"/>
        <source>%1 kept being replaced while it was written.</source>
        <translation>%1 在写入期间不断被替换。</translation>
    </message>
    <message>
        <location filename="../posix_shared_memory.py" line="96"/>
        <source>Nothing was read: the program is quitting.</source>
        <translation>未读取任何内容：程序正在退出。</translation>
    </message>
    <message>
        <location filename="../posix_shared_memory.py" line="162"/>
        <source>The lock of %1 was not released within %2 s. Processes that have it open: %3. Quit them to free the lock.</source>
        <translation>%1 的锁在 %2 秒内未被释放。打开它的进程：%3。退出这些进程即可释放该锁。</translation>
    </message>
    <message>
        <location filename="../posix_shared_memory.py" line="165"/>
        <source>The lock of %1 was not released within %2 s, and this system cannot tell which process holds it. Quit the programs that use it to free the lock.</source>
        <translation>%1 的锁在 %2 秒内未被释放，且本系统无法判断是哪个进程持有它。退出使用它的程序即可释放该锁。</translation>
    </message>
</context>
<context>
    <name>Program</name>
    <message>
        <location filename="../program.py" line="111"/>
        <source>Cannot open a window: no display (DISPLAY and WAYLAND_DISPLAY are not set). Run it on a desktop, or with -platform offscreen.</source>
        <translation>无法打开窗口：没有可用的显示（DISPLAY 和 WAYLAND_DISPLAY 均未设置）。请在桌面环境中运行，或加上 -platform offscreen 运行。</translation>
    </message>
    <message>
        <location filename="../program.py" line="151"/>
        <source>Try &apos;%1 --help&apos; for more information.</source>
        <translation>请尝试执行“%1 --help”以获取更多信息。</translation>
    </message>
    <message>
        <location filename="../program.py" line="120"/>
        <source>key</source>
        <translation>键</translation>
    </message>
    <message>
        <location filename="../program.py" line="227"/>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location filename="../program.py" line="233"/>
        <source>%1 is not UTF-8 text (byte %2 is invalid).</source>
        <translation>%1 不是 UTF-8 文本（第 %2 字节无效）。</translation>
    </message>
    <message>
        <location filename="../program.py" line="120"/>
        <source>Shared memory key (default: %1; Qt&apos;s Shared Memory example uses QSharedMemoryExample).</source>
        <translation>共享内存的键(默认:%1;Qt 的共享内存示例使用 QSharedMemoryExample)。</translation>
    </message>
    <message>
        <location filename="../program.py" line="133"/>
        <source>The key must not be empty.</source>
        <translation>键不能为空。</translation>
    </message>
    <message>
        <location filename="../program.py" line="138"/>
        <source>Unexpected argument: %1</source>
        <translation>多余的参数：%1</translation>
    </message>
</context>
<context>
    <name>Qt6SharedMemory</name>
    <message>
        <location filename="../qt6_shared_memory.py" line="36"/>
        <source>Qt 6 uses Windows kernel objects there, not POSIX shared memory.</source>
        <translation>Qt 6 在那里使用 Windows 内核对象，而不是 POSIX 共享内存。</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="38"/>
        <source>POSIX shared memory cannot be used here: %1</source>
        <translation>此处无法使用 POSIX 共享内存：%1</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="98"/>
        <source>The key %1 cannot name a POSIX shared memory object: a name may not hold &quot;/&quot; after its first character, nor be empty or invalid UTF-8.</source>
        <translation>键 %1 不能作为 POSIX 共享内存对象的名称：名称在第一个字符之后不能含有“/”，也不能为空或不是有效的 UTF-8。</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="103"/>
        <source>The key %1 is too long for a POSIX shared memory object: %2 bytes in UTF-8, and this system takes at most %3 (%4).</source>
        <translation>键 %1 对 POSIX 共享内存对象来说太长：UTF-8 编码为 %2 字节，而本系统最多接受 %3 字节（%4）。</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="113"/>
        <source>Refused %1: it is a symbolic link (to %2), not a POSIX object; nothing was read or written through it.</source>
        <translation>已拒绝 %1：它是一个符号链接（指向 %2），不是 POSIX 对象；没有通过它读取或写入任何内容。</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="189"/>
        <source>%1 of %2 failed: %3</source>
        <translation>对 %2 执行 %1 失败：%3</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="130"/>
        <source>Cannot create %1 of %2 bytes: the size must be at least 1 byte.</source>
        <translation>无法创建 %2 字节的 %1：大小至少为 1 字节。</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="162"/>
        <source>%1 already exists.</source>
        <translation>%1 已存在。</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="162"/>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="182"/>
        <source>%1 is empty (0 bytes): whoever created it stopped before giving it a size.</source>
        <translation>%1 为空（0 字节）：其创建者在设定大小之前就停止了。</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="189"/>
        <source>Cannot create %1 of %2 bytes: %3</source>
        <translation>无法创建 %2 字节的 %1：%3</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="243"/>
        <source>The lock of %1 is held by another process.</source>
        <translation>%1 的锁被另一个进程持有。</translation>
    </message>
    <message>
        <location filename="../qt6_shared_memory.py" line="289"/>
        <source>%1 kept being replaced while it was opened.</source>
        <translation>%1 在打开期间不断被替换。</translation>
    </message>
</context>
<context>
    <name>SegmentFormat</name>
    <message>
        <location filename="../segment_format.py" line="50"/>
        <source>The text is not valid Unicode (it holds unpaired surrogates); nothing was written.</source>
        <translation>文本不是有效的 Unicode（含有未配对的代理项）；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="53"/>
        <source>The text is too long for shared memory; nothing was written.</source>
        <translation>文本太长，共享内存放不下；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="77"/>
        <source>The shared memory segment holds an image (%1x%2 pixels), not a text; save it with --save-image FILE.</source>
        <translation>共享内存段中是图像（%1x%2 像素），不是文本；请用 --save-image &lt;文件&gt; 保存。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="102"/>
        <source>The shared memory segment holds a text, not an image; read it with --print.</source>
        <translation>共享内存段中是文本，不是图像；请用 --print 读取。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="83"/>
        <source>The shared memory segment holds neither a text nor an image: it starts as Qt writes an image, but no PNG follows.</source>
        <translation>共享内存段中既不是文本也不是图像：其开头与 Qt 写入的图像相同，但后面没有 PNG 数据。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="172"/>
        <source>The shared memory segment is too small (%1 bytes) to hold a text.</source>
        <translation>共享内存段太小（%1 字节），容纳不下文本。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="175"/>
        <source>Nothing has been written to the shared memory segment yet.</source>
        <translation>共享内存段中还没有写入任何内容。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="181"/>
        <source>The shared memory segment does not hold a text: its length field (%1) is an odd number of bytes.</source>
        <translation>共享内存段中不是文本：其长度字段（%1）是奇数个字节。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="185"/>
        <source>The shared memory segment does not hold a whole text: its length field says %1 bytes, but only %2 follow it.</source>
        <translation>共享内存段中不是完整的文本：长度字段为 %1 字节，但其后只有 %2 字节。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="189"/>
        <source>The shared memory segment does not hold just a text: %1 bytes follow it.</source>
        <translation>共享内存段中不只有文本：文本之后还有 %1 字节。</translation>
    </message>
    <message>
        <location filename="../segment_format.py" line="192"/>
        <source>The shared memory segment does not hold valid UTF-16 text.</source>
        <translation>共享内存段中不是有效的 UTF-16 文本。</translation>
    </message>
</context>
<context>
    <name>SegmentSizeLimit</name>
    <message>
        <location filename="../system_limits.py" line="94"/>
        <source>The shared memory segment would need %1 bytes; nothing was written. %2</source>
        <translation>共享内存段需要 %1 字节；未写入任何内容。%2</translation>
    </message>
    <message>
        <location filename="../system_limits.py" line="117"/>
        <source>To raise it, as root: sysctl -w kernel.shmmax=%1 (and kernel.shmmax = %1 in /etc/sysctl.conf to keep it after a reboot).</source>
        <translation>以 root 身份提高上限：sysctl -w kernel.shmmax=%1（并在 /etc/sysctl.conf 中写入 kernel.shmmax = %1，重启后仍然有效）。</translation>
    </message>
    <message>
        <location filename="../system_limits.py" line="122"/>
        <source>To raise it: sudo sysctl -w kern.sysv.shmmax=%1 kern.sysv.shmall=%2 (and the same two settings in /etc/sysctl.conf to keep them after a reboot).</source>
        <translation>提高上限：sudo sysctl -w kern.sysv.shmmax=%1 kern.sysv.shmall=%2（并在 /etc/sysctl.conf 中写入这两项设置，重启后仍然有效）。</translation>
    </message>
    <message>
        <location filename="../system_limits.py" line="127"/>
        <source>This system limits the size of one segment (SHMMAX where shared memory is System V); raise it to at least %1 bytes.</source>
        <translation>本系统限制单个共享内存段的大小（共享内存为 System V 时即 SHMMAX）；请将其提高到至少 %1 字节。</translation>
    </message>
    <message>
        <location filename="../system_limits.py" line="130"/>
        <source>This system allows at most %1 bytes in one segment (%2). %3</source>
        <translation>本系统单个共享内存段最多允许 %1 字节（%2）。%3</translation>
    </message>
</context>
<context>
    <name>Server</name>
    <message>
        <location filename="../../fortune_server.py" line="42"/>
        <source>Unable to start the server: %1.</source>
        <translation>无法启动服务器：%1。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="62"/>
        <source>You&apos;ve been leading a dog&apos;s life. Stay off the furniture.</source>
        <translation>你一直过得像狗一样辛苦。别往沙发上跳了。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="63"/>
        <source>You&apos;ve got to think about tomorrow.</source>
        <translation>你得为明天打算打算了。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="64"/>
        <source>You will be surprised by a loud noise.</source>
        <translation>你会被一声巨响吓一跳。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="65"/>
        <source>You will feel hungry again in another hour.</source>
        <translation>再过一个小时你又会饿了。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="66"/>
        <source>You might have mail.</source>
        <translation>你可能有新邮件。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="67"/>
        <source>You cannot kill time without injuring eternity.</source>
        <translation>消磨时光，便是虚掷永恒。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="68"/>
        <source>Computers are not intelligent. They only think they are.</source>
        <translation>计算机并不聪明，只是自以为聪明。</translation>
    </message>
    <message>
        <location filename="../forms/server.ui" line="6"/>
        <source>Fortune Server</source>
        <translation>Fortune 服务器</translation>
    </message>
    <message>
        <location filename="../forms/server.ui" line="12"/>
        <source>The server is not running.</source>
        <translation>服务器没有运行。</translation>
    </message>
    <message>
        <location filename="../forms/server.ui" line="37"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="27"/>
        <source>the blog&apos;s Qt 4 server</source>
        <translation>博客中的 Qt 4 服务器</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="28"/>
        <source>Qt 5.6.3 to 5.9 servers</source>
        <translation>基于 Qt 5.6.3 至 5.9 的服务器</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="29"/>
        <source>Qt 5.10 to 6.6 servers</source>
        <translation>基于 Qt 5.10 至 6.6 的服务器</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="30"/>
        <source>Qt 6.7 and later servers</source>
        <translation>基于 Qt 6.7 及更高版本的服务器</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="113"/>
        <source>Local Fortune server: answers every connection with one fortune.</source>
        <translation>Local Fortune 服务器：为每个连接回答一条签语。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="115"/>
        <source>Listen on &lt;name&gt; (under the temporary directory unless it is an absolute path).</source>
        <translation>在 &lt;name&gt; 上监听（除非是绝对路径，否则位于临时目录下）。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="132"/>
        <source>The server name must not be empty.</source>
        <translation>服务器名称不能为空。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="134"/>
        <source>Unknown layout %1; choose one of %2.</source>
        <translation>未知的格式 %1；请从 %2 中选择一个。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="54"/>
        <source>The server is running on
%1
Run the Fortune Client example now.
Fortunes are framed as by %2 (--wire %3).
Qt 5.10 to 6.6 clients (Debian&apos;s) need --wire qt5.10;
Qt 6.7 and later clients (Qt Creator&apos;s) need --wire qt6.7.</source>
        <translation>服务器正在运行于
%1
现在请运行 Fortune 客户端示例。
签语的封装格式与%2相同（--wire %3）。
Qt 5.10 至 6.6 的客户端（Debian 所带的）需要 --wire qt5.10；
Qt 6.7 及以后的客户端（Qt Creator 所带的）需要 --wire qt6.7。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="121"/>
        <source>Frame fortunes as &lt;layout&gt; says: %1. Default: %2. A Qt 5.10 to 6.6 C++ client, such as Debian&apos;s, needs qt5.10; a Qt 6.7 or later one, such as Qt Creator&apos;s, needs qt6.7.</source>
        <translation>按 &lt;layout&gt; 指定的格式封装签语：%1。默认为 %2。Qt 5.10 至 6.6 的 C++ 客户端（例如 Debian 所带的）需要 qt5.10；Qt 6.7 及以后的客户端（例如 Qt Creator 所带的）需要 qt6.7。</translation>
    </message>
</context>
<context>
    <name>SharedMemory</name>
    <message>
        <location filename="../shared_memory.py" line="26"/>
        <source>System V IPC cannot be used here: %1</source>
        <translation>此处无法使用 System V IPC：%1</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="29"/>
        <source>this Qt does not use System V IPC</source>
        <translation>此版本的 Qt 不使用 System V IPC</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="109"/>
        <source>no /proc/sysvipc</source>
        <translation>没有 /proc/sysvipc</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="108"/>
        <source>Unable to create shared memory segment: %1</source>
        <translation>无法创建共享内存段：%1</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="120"/>
        <source>Another process (pid %1) is sharing memory under the key %2; nothing was written.</source>
        <translation>另一个进程（pid %1）正在以键 %2 共享内存；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="139"/>
        <source>Unable to remove the shared memory segment left by process %1: %2</source>
        <translation>无法删除进程 %1 遗留的共享内存段：%2</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="126"/>
        <source>The previous shared memory segment is still in use by %1 process(es); nothing was written.</source>
        <translation>上一个共享内存段仍被 %1 个进程使用；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="109"/>
        <source>Shared memory under the key %1 is in use (by another process A, by a reader still attached, or left by a writer that crashed: this system cannot tell which: %2); nothing was written.</source>
        <translation>键 %1 下的共享内存正被占用（可能是另一个进程 A、仍处于连接状态的读取进程，或崩溃的写入进程所遗留；本系统无法分辨是哪一种：%2）；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="188"/>
        <source>Waiting for the shared memory lock, held by process %1.</source>
        <translation>正在等待共享内存锁，该锁由进程 %1 持有。</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="200"/>
        <source>Stopped waiting for the readers of the previous shared memory segment; nothing was written.</source>
        <translation>已停止等待上一个共享内存段的读取进程；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="200"/>
        <source>Stopped waiting for the shared memory lock held by process %1.</source>
        <translation>已停止等待进程 %1 持有的共享内存锁。</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="215"/>
        <source>Unable to lock shared memory: %1</source>
        <translation>无法锁定共享内存：%1</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="285"/>
        <source>Left the shared memory segment without the lock, which process %1 holds.</source>
        <translation>未取得锁即离开了共享内存段（锁由进程 %1 持有）。</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="106"/>
        <source>%1. The segment needs %2 bytes. %3</source>
        <translation>%1。该共享内存段需要 %2 字节。%3</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="191"/>
        <source>Gave up waiting for the shared memory lock after %2 seconds: process %1 holds it. To free the lock, quit that process.</source>
        <translation>等待共享内存锁 %2 秒后已放弃：进程 %1 持有该锁。要释放该锁，请退出该进程。</translation>
    </message>
    <message>
        <location filename="../system_limits.py" line="46"/>
        <source>The key has %1 ASCII letters; Qt 5 puts them in the names of its key files in %2, of at most %3 bytes, so a key may have at most %4 ASCII letters (other characters do not count).</source>
        <translation>该键含有 %1 个 ASCII 字母；Qt 5 会把它们写进 %2 中键文件的文件名，而文件名最多 %3 字节，因此一个键最多只能含有 %4 个 ASCII 字母（其他字符不计）。</translation>
    </message>
    <message>
        <location filename="../sysv.py" line="116"/>
        <source>the shared memory lock of the key %1</source>
        <translation>键 %1 的共享内存锁</translation>
    </message>
    <message>
        <location filename="../sysv.py" line="116"/>
        <source>the shared memory segment of the key %1</source>
        <translation>键 %1 的共享内存段</translation>
    </message>
</context>
<context>
    <name>Widget_PA</name>
    <message>
        <location filename="../../process_a.py" line="39"/>
        <source>Key: %1</source>
        <translation>键：%1</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="52"/>
        <source>Unable to detach from shared memory: %1</source>
        <translation>无法与共享内存分离：%1</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="119"/>
        <source>Wrote %1 bytes to shared memory (key %2).</source>
        <translation>已将 %1 字节写入共享内存（键 %2）。</translation>
    </message>
    <message>
        <location filename="../forms/widget_pa.ui" line="14"/>
        <source>Process A</source>
        <translation>进程 A</translation>
    </message>
    <message>
        <location filename="../forms/widget_pa.ui" line="42"/>
        <source>Write to shared memory</source>
        <translation>写入共享内存</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="158"/>
        <source>Write &lt;text&gt; at start-up.</source>
        <translation>启动时写入 &lt;文本&gt;。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="158"/>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="160"/>
        <source>Write the contents of &lt;file&gt; (UTF-8, taken byte for byte) at start-up; - reads standard input.</source>
        <translation>启动时写入 &lt;文件&gt; 的内容（UTF-8，逐字节读取）；- 表示读取标准输入。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="164"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="164"/>
        <source>Write the image in &lt;file&gt; (PNG, JPEG, XPM, or any format Qt reads) at start-up, as Qt&apos;s Shared Memory example does.</source>
        <translation>启动时写入 &lt;文件&gt; 中的图像（PNG、JPEG、XPM 或 Qt 能读取的任何格式），与 Qt 的 Shared Memory 示例的做法相同。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="172"/>
        <source>Give either --text or --text-file, not both.</source>
        <translation>请只给出 --text 或 --text-file 其中之一，不要同时给出。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="174"/>
        <source>Give either --image or a text, not both.</source>
        <translation>请只给出 --image 或文本其中之一，不要同时给出。</translation>
    </message>
    <message>
        <location filename="../forms/widget_pa.ui" line="49"/>
        <source>Shares an image, as Qt&apos;s Shared Memory example does. An image file dropped on this window is shared too.</source>
        <translation>像 Qt 的 Shared Memory 示例那样共享一张图像。拖放到此窗口上的图像文件也会被共享。</translation>
    </message>
    <message>
        <location filename="../forms/widget_pa.ui" line="52"/>
        <source>Load Image From File...</source>
        <translation>从文件加载图像...</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="151"/>
        <source>Process A: shares the text typed into its window through shared memory, for as long as it runs; process B reads it. It shares an image as Qt&apos;s Shared Memory example does too: &quot;Load Image From File...&quot;, a dropped file or --image. With --text, --text-file or --image it writes at start-up and prints &quot;written N bytes&quot;, or says why and exits 1.</source>
        <translation>进程 A:在运行期间通过共享内存共享窗口中输入的文本;进程 B 读取它。它也像 Qt 的共享内存示例那样共享图片:“从文件加载图像...”按钮、拖放的文件或 --image。使用 --text、--text-file 或 --image 时,它在启动时写入并打印 &quot;written N bytes&quot;,否则说明原因并以状态 1 退出。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="124"/>
        <source>Wrote %1 bytes to shared memory (key %2), but not under Qt 6&apos;s native key: %3</source>
        <translation>已向共享内存写入 %1 字节（键 %2），但未写入 Qt 6 的原生键：%3</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="108"/>
        <source>Images (*.png *.xpm *.jpg)</source>
        <translation>图像 (*.png *.xpm *.jpg)</translation>
    </message>
</context>
<context>
    <name>Widget_PB</name>
    <message>
        <location filename="../../process_b.py" line="117"/>
        <source>Unable to attach to shared memory segment.</source>
        <translation>无法连接到共享内存段。</translation>
    </message>
    <message>
        <location filename="../forms/widget_pb.ui" line="14"/>
        <source>Process B</source>
        <translation>进程 B</translation>
    </message>
    <message>
        <location filename="../forms/widget_pb.ui" line="39"/>
        <source>Read from shared memory</source>
        <translation>从共享内存读取</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="148"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="154"/>
        <source>Give either --print or --save-image, not both.</source>
        <translation>请只给出 --print 或 --save-image 其中之一，不要同时给出。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="156"/>
        <source>The file name for --save-image must not be empty.</source>
        <translation>--save-image 的文件名不能为空。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="167"/>
        <source>The text was not written whole: standard output was closed.</source>
        <translation>文本未能完整写出：标准输出已关闭。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="173"/>
        <source>Cannot save the image to %1: %2</source>
        <translation>无法将图像保存到 %1：%2</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="141"/>
        <source>Process B: shows the text or image that process A shares. --print and --save-image read once with no window, and exit 1, saying why, if they cannot.</source>
        <translation>进程 B:显示进程 A 共享的文本或图片。--print 和 --save-image 不打开窗口,只读取一次;无法读取时说明原因并以状态 1 退出。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="146"/>
        <source>Write the text to standard output (UTF-8, exactly) and exit.</source>
        <translation>将文本原样写到标准输出(UTF-8)后退出。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="148"/>
        <source>Save the image to &lt;file&gt; as PNG, pixel for pixel, and exit.</source>
        <translation>将图片逐像素保存为 PNG 文件 &lt;file&gt; 后退出。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="112"/>
        <source>Unable to attach to shared memory segment: %1</source>
        <translation>无法连接到共享内存段：%1</translation>
    </message>
</context>
</TS>
