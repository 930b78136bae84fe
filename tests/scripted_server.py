"""A test-side fortune server: a real Unix socket that answers each
connection with bytes the test chooses, whole, one byte at a time, or not
at all; and then closes the connection, as every fortune server does, or
keeps it open until the client closes it (keepOpen)."""

import os
import socket
import threading
import time

WHOLE, BYTEWISE, SILENT = "whole", "bytewise", "silent"


class ScriptedServer:
    def __init__(self, path, reply, mode=WHOLE, keepOpen=False):
        self.path = path
        self.reply = reply
        self.mode = mode
        self.keepOpen = keepOpen
        self.connections = 0
        self.closedByClient = 0  # connections kept open that the client closed
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
                if self.keepOpen:
                    self.waitForClientToClose(connection)

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

    def waitForClientToClose(self, connection):
        connection.settimeout(0.05)
        while not self.stopping.is_set():
            try:
                if not connection.recv(4096):
                    self.closedByClient += 1
                    return
            except socket.timeout:
                continue
            except OSError:
                self.closedByClient += 1  # reset by the client
                return

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=10)
        self.listener.close()
        if os.path.exists(self.path):
            os.remove(self.path)
