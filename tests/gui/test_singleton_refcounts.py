"""Widget calls never exhaust None/True/False.

PySide6 6.12.0 returns None (and sometimes True/False) from void calls without a reference of its own; on
CPython 3.11 the interpreter aborts after some thousand calls ("none_dealloc"). pyproject keeps PySide6 below
6.12; this test fails on a Qt binding with that bug.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel
app = QApplication([])
label, box = QLabel(), QCheckBox()
for _ in range(100_000):
    label.setText("x")
    label.hide()
    box.setChecked(not box.isChecked())
print("ok")
"""


def test_a_hundred_thousand_widget_calls_do_not_abort_the_interpreter() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-500:]
