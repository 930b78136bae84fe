"""One side of a reader racing a writer over one key.

    python tests/helpers/race_loop.py writer|reader KEY MINIMUM [EXPECTED_MESSAGE...]

The writer shares text after text (loopText) with Widget_PA.sendStrToMemory;
the reader reads with Widget_PB.loadStrFromMemory and checks each text is
whole. Each prints "minimum" after MINIMUM rounds, stops once standard
input closes (and at least MINIMUM rounds are done), and prints a line of
JSON: the writer its rounds and first failures, the reader its rounds,
whole texts, expected messages (EXPECTED_MESSAGE: nothing written yet or
there) and anything else ("bad")."""

import json
import select
import sys

from PyQt5 import sip
from PyQt5.QtWidgets import QApplication


def loopText(number):
    """Text number `number` of the race: its number, then one alphabet
    repeated to one of many lengths, mostly short, every third one long."""
    alphabets = ("abcdefghij", "共享内存测试", "😀🦊🐍", "a\r\nb\nc\r")
    if number % 3:
        size = number * 7919 % 97
    else:
        size = number * 104729 % 200000
    unit = alphabets[number % len(alphabets)]
    return "{}:".format(number) + (unit * (size // len(unit) + 1))[:size]


def stopped():
    return select.select([sys.stdin], [], [], 0)[0]


def write(key, minimum):
    from process_a import Widget_PA
    widget = Widget_PA(key)
    failures = []
    rounds = 0
    while True:
        if not widget.sendStrToMemory(loopText(rounds)):
            failures.append(widget.ui.statusLabel.text())
        rounds += 1
        if rounds == minimum:
            print("minimum", flush=True)
        if rounds >= minimum and stopped():
            break
    print(json.dumps({"rounds": rounds, "failures": failures[:5]}), flush=True)
    return widget


def read(key, minimum, expected):
    from process_b import Widget_PB
    from qtipc.shared_memory import SharedMemory
    widget = Widget_PB(key)
    counts = {"rounds": 0, "texts": 0, "expected": 0, "bad": []}
    while True:
        text = widget.loadStrFromMemory()
        if widget.errorString():
            if widget.errorString() in expected:
                counts["expected"] += 1
            else:
                counts["bad"].append(widget.errorString())
        else:
            number = text.split(":", 1)[0]
            if number.isdigit() and text == loopText(int(number)):
                counts["texts"] += 1
            else:
                counts["bad"].append(text[:60])
        counts["rounds"] += 1
        if counts["rounds"] == minimum:
            print("minimum", flush=True)
        if counts["rounds"] >= minimum and stopped():
            break
    counts["bad"] = counts["bad"][:5]
    counts["kept"] = len(widget.findChildren(SharedMemory))  # lock makers kept
    print(json.dumps(counts), flush=True)
    return widget


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    role, key, minimum = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if role == "writer":
        widget = write(key, minimum)
    else:
        widget = read(key, minimum, sys.argv[4:])
    sip.delete(widget)
