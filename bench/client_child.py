"""Started by bench_client.py: drives fortune_client.py's Client through
COUNT fetches, one after another, from a running server, and prints one
line of JSON.

A fetch is one requestNewFortune() until the "Get Fortune" button is
enabled again. When the same fortune comes twice in a row the client asks
again by itself, so a fetch can take more than one connection: connections
are counted by wrapping QLocalSocket.connectToServer, which the client
calls from Python. Every fetch must end with one of the seven fortunes in
the status label and no message box, within 10 s; otherwise the run is an
error, not a number.

    python -m bench.client_child --server NAME --count N --warmup W
"""

import argparse
import json
import sys
import time

from PyQt5.QtCore import QEvent, QObject, QTimer
from PyQt5.QtNetwork import QLocalSocket
from PyQt5.QtWidgets import QApplication, QMessageBox

from testbed.oracle import FORTUNES


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=50)
    options = parser.parse_args()
    total = options.warmup + options.count

    app = QApplication(sys.argv[:1])
    from fortune_client import Client

    connections = [0]
    connectToServer = QLocalSocket.connectToServer

    def countingConnect(socket, *args):
        connections[0] += 1
        return connectToServer(socket, *args)

    QLocalSocket.connectToServer = countingConnect
    client = Client(options.server)
    state = {"done": 0, "busy": False, "t0": 0, "error": None, "start": 0.0, "connections": 0}
    latencies = []

    def fail(message):
        state["error"] = state["error"] or message
        app.quit()

    def fetch():
        if state["done"] == options.warmup:
            state["start"], state["connections"] = time.perf_counter(), connections[0]
        state["t0"], state["busy"] = time.perf_counter_ns(), True
        client.requestNewFortune()
        watchdog.start()

    class ButtonWatcher(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.EnabledChange and client.getFortuneButton.isEnabled() \
                    and state["busy"]:
                elapsed = time.perf_counter_ns() - state["t0"]
                state["busy"] = False
                watchdog.stop()
                if client.statusLabel.text() not in FORTUNES:
                    fail("fetch {} ended with {!r}".format(state["done"], client.statusLabel.text()))
                    return False
                if state["done"] >= options.warmup:
                    latencies.append(elapsed)
                state["done"] += 1
                if state["done"] == total:
                    app.quit()
                else:
                    QTimer.singleShot(0, fetch)
            return False

    watcher = ButtonWatcher()
    client.getFortuneButton.installEventFilter(watcher)

    def answerBoxes():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                widget.done(QMessageBox.Ok)
                fail("message box: " + widget.text())

    boxes = QTimer(timeout=answerBoxes, interval=20)
    boxes.start()
    watchdog = QTimer(singleShot=True, interval=10000,
                      timeout=lambda: fail("a fetch did not finish within 10 s"))
    QTimer.singleShot(0, fetch)
    app.exec_()

    elapsed = time.perf_counter() - state["start"] if state["start"] else 0.0
    fetched, made = len(latencies), connections[0] - state["connections"]
    latencies.sort()
    ok = state["error"] is None and fetched == options.count and elapsed > 0
    print(json.dumps({
        "ok": ok, "fetches": fetched, "connections": made,
        "error": state["error"] or ("" if ok else "{} of {} fetches".format(fetched, options.count)),
        "fetches_per_s": fetched / elapsed if ok else 0.0,
        "connections_per_s": made / elapsed if ok else 0.0,
        "connections_per_fetch": made / fetched if fetched else 0.0,
        "p50_us": latencies[len(latencies) // 2] / 1000 if latencies else 0.0,
    }), flush=True)
    client.close()


if __name__ == "__main__":
    main()
