"""A secret left on the clipboard is cleared while Python still runs: the process exits cleanly, not by SIGSEGV."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO_ROOT

PROGRAM = """
from PySide6.QtWidgets import QApplication
from oktatool.gui.widgets.clipboard import copy_text
app = QApplication([])
copy_text("not-a-real-token", secret=True)
assert QApplication.clipboard().text() == "not-a-real-token"
"""


def test_exiting_with_a_secret_on_the_clipboard_is_clean() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    # before the fix Qt deleted the Python-made QMimeData from its exit handlers, after Python had shut down
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stderr == ""
