"""A test-side fortune server: a real Unix socket that answers each
connection with bytes the test chooses, whole, one byte at a time, or not
at all."""

import os
import socket
import threading
import time

WHOLE, BYTEWISE, SILENT = "whole", "bytewise", "silent"


class ScriptedServer:
    def __init__(self, path, reply, mode=WHOLE):
        self.path = path
        self.reply = reply
        self.mode = mode
        self.connections = 0
        self.stopping = threading.Event()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(8)
        self.listener.settimeout(0.05)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            with connection:
                self.answer(connection)

    def answer(self, connection):
        if self.mode == SILENT:
            self.stopping.wait()
            return
        if self.mode == WHOLE:
            try:
                connection.sendall(self.reply)
            except OSError:
                pass  # the client gave up
            return
        for index in range(len(self.reply)):
            try:
                connection.sendall(self.reply[index:index + 1])
            except OSError:
                return  # the client gave up
            time.sleep(0.001)  # let each byte arrive in a read of its own

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=10)
        self.listener.close()
        if os.path.exists(self.path):
            os.remove(self.path)
