"""A bare PySide6 four-tab window: the baseline that benchmarks/bundle.py freezes next to oktatool.

``--smoke`` exits 0 on the window's first Paint event, like ``oktatool --smoke``; ``--version`` prints
a line so the bundle pipeline can be exercised before the real window exists.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget


class _ExitOnFirstPaint(QObject):
    """Quit the application when the watched window receives its first Paint event."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QApplication.quit()
        return False


def main() -> int:
    """Show the window; with --smoke, exit on its first paint."""
    if "--version" in sys.argv:
        print("bare-window 1")
        return 0
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    tabs = QTabWidget()
    for name in ("Keys", "JWT", "Scopes", "Console"):
        tabs.addTab(QLabel(name), name)
    window.setCentralWidget(tabs)
    window.resize(1100, 750)
    if "--smoke" in sys.argv:
        watcher = _ExitOnFirstPaint()
        window.installEventFilter(watcher)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
