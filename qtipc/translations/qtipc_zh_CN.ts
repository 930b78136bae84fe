<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>@default</name>
    <message>
        <location filename="../../fortune_server.py" line="154"/>
        <source>Local Fortune server: answers every connection with one fortune.</source>
        <translation>Local Fortune 服务器：为每个连接回答一条签语。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="156"/>
        <source>Listen on &lt;name&gt; (under the temporary directory unless it is an absolute path).</source>
        <translation>在 &lt;name&gt; 上监听（除非是绝对路径，否则位于临时目录下）。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="160"/>
        <source>Frame replies as &lt;layout&gt; does: %1 (default %2).</source>
        <translation>按 &lt;layout&gt; 的格式封装回复：%1（默认为 %2）。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="169"/>
        <source>The server name must not be empty.</source>
        <translation>服务器名称不能为空。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="171"/>
        <source>Unknown layout %1; choose one of %2.</source>
        <translation>未知的格式 %1；请从 %2 中选择一个。</translation>
    </message>
    <message>
        <location filename="../../fortune_client.py" line="142"/>
        <source>Local Fortune client: fetches a fortune from a Local Fortune server.</source>
        <translation>Local Fortune 客户端：从 Local Fortune 服务器获取一条签语。</translation>
    </message>
    <message>
        <location filename="../../fortune_client.py" line="144"/>
        <source>Server name to start with (default %1).</source>
        <translation>启动时使用的服务器名称（默认为 %1）。</translation>
    </message>
    <message>
        <location filename="../fortune_wire.py" line="207"/>
        <source>The server closed the connection after %1 bytes, before a whole fortune had arrived.</source>
        <translation>服务器在发送 %1 字节后关闭了连接，完整的签语尚未到达。</translation>
    </message>
    <message>
        <location filename="../fortune_wire.py" line="210"/>
        <source>The server did not send a fortune within %1 seconds.</source>
        <translation>服务器在 %1 秒内没有发送签语。</translation>
    </message>
    <message>
        <location filename="../fortune_wire.py" line="213"/>
        <source>The server sent %1 bytes, not a whole fortune, and then nothing for %2 seconds.</source>
        <translation>服务器发送了 %1 字节（不是一条完整的签语），之后 %2 秒内再无数据。</translation>
    </message>
    <message>
        <location filename="../fortune_wire.py" line="217"/>
        <source>The server&apos;s reply is longer than %1 bytes; no fortune is that long.</source>
        <translation>服务器的回复超过 %1 字节；没有这么长的签语。</translation>
    </message>
    <message>
        <location filename="../fortune_wire.py" line="220"/>
        <source>The server&apos;s reply is not a fortune in any known format (%1 bytes, starting %2).</source>
        <translation>服务器的回复不是任何已知格式的签语（%1 字节，开头为 %2）。</translation>
    </message>
</context>
<context>
    <name>Client</name>
    <message>
        <location filename="../../fortune_client.py" line="104"/>
        <source>The host was not found. Please check the host name and port settings.</source>
        <translation>找不到主机。请检查主机名和端口设置。</translation>
    </message>
    <message>
        <location filename="../../fortune_client.py" line="107"/>
        <source>The connection was refused by the peer. Make sure the fortune server is running, and check that the host name and port settings are correct.</source>
        <translation>连接被对方拒绝。请确认 Fortune 服务器正在运行，并检查主机名和端口设置是否正确。</translation>
    </message>
    <message>
        <location filename="../../fortune_client.py" line="112"/>
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
        <location filename="../forms/client.ui" line="22"/>
        <source>fortune</source>
        <translation>fortune</translation>
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
</context>
<context>
    <name>QCommandLineParser</name>
    <message>
        <location filename="../program.py" line="98"/>
        <source>Try &apos;%1 --help&apos; for more information.</source>
        <translation>请尝试执行“%1 --help”以获取更多信息。</translation>
    </message>
</context>
<context>
    <name>Server</name>
    <message>
        <location filename="../../fortune_server.py" line="38"/>
        <source>Unable to start the server: %1.</source>
        <translation>无法启动服务器：%1。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="42"/>
        <source>The server is running on
%1
Run the Fortune Client example now.</source>
        <translation>服务器正在运行，本地套接字为
%1
现在请运行 Fortune 客户端示例。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="48"/>
        <source>You&apos;ve been leading a dog&apos;s life. Stay off the furniture.</source>
        <translation>你一直过得像狗一样辛苦。别往沙发上跳了。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="49"/>
        <source>You&apos;ve got to think about tomorrow.</source>
        <translation>你得为明天打算打算了。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="50"/>
        <source>You will be surprised by a loud noise.</source>
        <translation>你会被一声巨响吓一跳。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="51"/>
        <source>You will feel hungry again in another hour.</source>
        <translation>再过一个小时你又会饿了。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="52"/>
        <source>You might have mail.</source>
        <translation>你可能有新邮件。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="53"/>
        <source>You cannot kill time without injuring eternity.</source>
        <translation>消磨时光，便是虚掷永恒。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="54"/>
        <source>Computers are not intelligent. They only think they are.</source>
        <translation>计算机并不聪明，只是自以为聪明。</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="93"/>
        <source>%1 exists and is not a socket</source>
        <translation>%1 已存在，但不是套接字</translation>
    </message>
    <message>
        <location filename="../../fortune_server.py" line="95"/>
        <source>another server is already listening on %1</source>
        <translation>已有另一个服务器在 %1 上监听</translation>
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
        <location filename="../forms/server.ui" line="34"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>Widget_PA</name>
    <message>
        <location filename="../../process_a.py" line="35"/>
        <source>Key: %1</source>
        <translation>键：%1</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="44"/>
        <source>The text is not valid Unicode (it holds unpaired surrogates); nothing was written.</source>
        <translation>文本不是有效的 Unicode（含有未配对的代理项）；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="47"/>
        <source>The text is too long for shared memory; nothing was written.</source>
        <translation>文本太长，共享内存放不下；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="55"/>
        <source>Unable to detach from shared memory: %1</source>
        <translation>无法与共享内存分离：%1</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="76"/>
        <source>Unable to lock shared memory: %1</source>
        <translation>无法锁定共享内存：%1</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="91"/>
        <source>Wrote %1 bytes to shared memory (key %2).</source>
        <translation>已将 %1 字节写入共享内存（键 %2）。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="124"/>
        <source>Unable to create shared memory segment: %1</source>
        <translation>无法创建共享内存段：%1</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="129"/>
        <source>Another process (pid %1) is sharing memory under the key %2; nothing was written.</source>
        <translation>另一个进程（pid %1）正在以键 %2 共享内存；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="136"/>
        <source>Unable to remove the shared memory segment left by process %1: %2</source>
        <translation>无法删除进程 %1 遗留的共享内存段：%2</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="143"/>
        <source>The previous shared memory segment is still in use by %1 process(es); nothing was written.</source>
        <translation>上一个共享内存段仍被 %1 个进程使用；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../forms/widget_pa.ui" line="14"/>
        <source>Process A</source>
        <translation>进程 A</translation>
    </message>
    <message>
        <location filename="../forms/widget_pa.ui" line="27"/>
        <source>Write to shared memory</source>
        <translation>写入共享内存</translation>
    </message>
</context>
<context>
    <name>Widget_PB</name>
    <message>
        <location filename="../../process_b.py" line="44"/>
        <source>Unable to attach to shared memory segment.</source>
        <translation>无法连接到共享内存段。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="55"/>
        <source>Unable to lock shared memory: %1</source>
        <translation>无法锁定共享内存：%1</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="124"/>
        <source>The shared memory segment is too small (%1 bytes) to hold a text.</source>
        <translation>共享内存段太小（%1 字节），容纳不下文本。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="127"/>
        <source>Nothing has been written to the shared memory segment yet.</source>
        <translation>共享内存段中还没有写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="132"/>
        <source>The shared memory segment does not hold a text: its length field (%1) is an odd number of bytes.</source>
        <translation>共享内存段中不是文本：其长度字段（%1）是奇数个字节。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="135"/>
        <source>The shared memory segment does not hold a whole text: its length field says %1 bytes, but only %2 follow it.</source>
        <translation>共享内存段中不是完整的文本：长度字段为 %1 字节，但其后只有 %2 字节。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="138"/>
        <source>The shared memory segment does not hold just a text: %1 bytes follow it.</source>
        <translation>共享内存段中不只有文本：文本之后还有 %1 字节。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="141"/>
        <source>The shared memory segment does not hold valid UTF-16 text.</source>
        <translation>共享内存段中不是有效的 UTF-16 文本。</translation>
    </message>
    <message>
        <location filename="../forms/widget_pb.ui" line="14"/>
        <source>Process B</source>
        <translation>进程 B</translation>
    </message>
    <message>
        <location filename="../forms/widget_pb.ui" line="27"/>
        <source>Read from shared memory</source>
        <translation>从共享内存读取</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../process_a.py" line="179"/>
        <source>Process A: shares the text typed into its window through shared memory; process B reads it. The text stays shared as long as this window is open.
With --text or --text-file the text is written at start-up and &quot;written N bytes&quot; is printed to standard output; the program then keeps running, holding the text, until its window is closed or it is terminated. If that write fails, the reason goes to standard error and the exit status is 1.</source>
        <translation>进程 A：通过共享内存共享在其窗口中输入的文本，由进程 B 读取。只要本窗口保持打开，文本就一直共享。
使用 --text 或 --text-file 时，文本在启动时写入，并在标准输出上打印“written N bytes”；之后程序继续运行并保有该文本，直到窗口关闭或程序被终止。如果写入失败，原因输出到标准错误，退出状态为 1。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="188"/>
        <source>Write &lt;text&gt; at start-up.</source>
        <translation>启动时写入 &lt;text&gt;。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="188"/>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="190"/>
        <source>Write the contents of &lt;file&gt; (UTF-8, taken byte for byte) at start-up; - reads standard input.</source>
        <translation>启动时写入 &lt;file&gt; 的内容（UTF-8，逐字节读取）；- 表示读取标准输入。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="190"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="179"/>
        <source>The key must not be empty.</source>
        <translation>键不能为空。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="181"/>
        <source>Unexpected argument: %1</source>
        <translation>多余的参数：%1</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="205"/>
        <source>Give either --text or --text-file, not both.</source>
        <translation>请只给出 --text 或 --text-file 其中之一，不要同时给出。</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="218"/>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location filename="../../process_a.py" line="223"/>
        <source>%1 is not UTF-8 text (byte %2 is invalid).</source>
        <translation>%1 不是 UTF-8 文本（第 %2 字节无效）。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="163"/>
        <source>Process B: reads the text process A shares through shared memory and shows it. Start process A first and keep it open while reading.</source>
        <translation>进程 B：读取进程 A 通过共享内存共享的文本并显示出来。请先启动进程 A，并在读取期间保持其打开。</translation>
    </message>
    <message>
        <location filename="../../process_b.py" line="168"/>
        <source>Read once without opening a window: write the text to standard output (UTF-8, exactly, no newline added) and exit; if it cannot be read, say why on standard error and exit with status 1.</source>
        <translation>不打开窗口，只读取一次：将文本原样写到标准输出（UTF-8，不添加换行符）后退出；如果无法读取，则在标准错误上说明原因，并以状态 1 退出。</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="130"/>
        <source>Shared memory key (default: %1).</source>
        <translation>共享内存的键（默认为 %1）。</translation>
    </message>
    <message>
        <location filename="../shared_memory.py" line="130"/>
        <source>key</source>
        <translation>键</translation>
    </message>
</context>
</TS>
