"""Process B's window holding a large text, for the memory rows of the
shared-memory benchmark: a Widget_PB, shown, whose button is clicked once
(on_pushButton_clicked reads the segment into the text edit). Prints the
document's character count, as `blog_timing window KEY` does.

    python -m bench.shm_window --key KEY
"""

import argparse
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", required=True)
    options = parser.parse_args()
    from PyQt5.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    from process_b import Widget_PB
    widget = Widget_PB(options.key)
    widget.show()
    widget.ui.pushButton.click()
    app.processEvents()
    print("shown {} characters".format(widget.ui.textEdit.document().characterCount()),
          flush=True)


if __name__ == "__main__":
    main()
