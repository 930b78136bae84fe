"""Runs in its own process (started by bench_client.py): drives the Python
Client class through COUNT sequential fetches from a running server and prints
one line of JSON.

A fetch is one requestNewFortune() until the "Get Fortune" button is enabled
again. When the same fortune arrives twice in a row the client asks again by
itself, so one fetch can take more than one connection: connections are
counted separately, by wrapping QLocalSocket.connectToServer in this process
(the client calls it from Python, so the wrapper sees every call).

Every fetch must end with one of the seven fortunes in the status label and
no message box; a message box, a wrong text or a fetch that does not finish
within 10 s is an error, reported instead of a number.
"""

import argparse
import json
import os
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
sys.path.insert(0, REPO)

from PyQt5.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PyQt5.QtNetwork import QLocalSocket  # noqa: E402
from PyQt5.QtWidgets import QApplication, QMessageBox  # noqa: E402

from harness import FORTUNES  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    options = parser.parse_args()

    app = QApplication([sys.argv[0], "-platform", "offscreen"])
    from fortune_client import Client

    connections = [0]
    original = QLocalSocket.connectToServer

    def countingConnect(self, *args, **kwargs):
        connections[0] += 1
        return original(self, *args, **kwargs)

    QLocalSocket.connectToServer = countingConnect

    client = Client(serverName=options.server)
    fortunes = set(FORTUNES)
    state = {"done": 0, "started": 0, "t0": 0, "error": None, "lat": [], "conn0": 0,
             "tStart": 0.0, "connStart": 0}
    total = options.warmup + options.count

    def fail(message):
        if state["error"] is None:
            state["error"] = message
        app.quit()

    def start():
        if state["done"] == options.warmup and state["tStart"] == 0.0:
            state["tStart"] = time.perf_counter()
            state["connStart"] = connections[0]
        state["t0"] = time.perf_counter_ns()
        state["started"] += 1
        client.requestNewFortune()
        watchdog.start()

    class ButtonWatcher(QObject):
        def eventFilter(self, obj, event):
            if (event.type() == QEvent.EnabledChange and client.getFortuneButton.isEnabled()
                    and state["started"] > state["done"]):
                elapsed = time.perf_counter_ns() - state["t0"]
                text = client.statusLabel.text()
                if text not in fortunes:
                    fail("fetch {} ended with {!r}".format(state["done"], text))
                    return False
                if state["done"] >= options.warmup:
                    state["lat"].append(elapsed)
                state["done"] += 1
                watchdog.stop()
                if state["done"] >= total:
                    app.quit()
                else:
                    QTimer.singleShot(0, start)
            return False

    watcher = ButtonWatcher()
    client.getFortuneButton.installEventFilter(watcher)

    def answerBoxes():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                message = widget.text()
                widget.done(QMessageBox.Ok)
                fail("message box: " + message)

    boxes = QTimer()
    boxes.timeout.connect(answerBoxes)
    boxes.start(20)
    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.setInterval(10000)
    watchdog.timeout.connect(lambda: fail("a fetch did not finish within 10 s"))

    QTimer.singleShot(0, start)
    app.exec_()
    elapsed = time.perf_counter() - state["tStart"] if state["tStart"] else 0.0
    lat = sorted(state["lat"])
    measured = len(lat)
    conns = connections[0] - state["connStart"]
    result = {
        "ok": state["error"] is None and measured == options.count,
        "error": state["error"] or ("" if measured == options.count else
                                    "only {} of {} fetches".format(measured, options.count)),
        "fetches": measured, "connections": conns,
        "elapsed_s": elapsed,
        "fetches_per_s": measured / elapsed if elapsed else 0.0,
        "connections_per_s": conns / elapsed if elapsed else 0.0,
        "connections_per_fetch": conns / measured if measured else 0.0,
        "p50_us": lat[len(lat) // 2] / 1000 if lat else 0.0,
        "p99_us": lat[min(len(lat) - 1, int(0.99 * (len(lat) - 1) + 0.5))] / 1000 if lat else 0.0,
    }
    client.close()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
