"""The Qt binding keeps Python's reference counts: PySide6-Essentials 6.12.0 dropped a reference to None on every
call of a method returning void, so a session crashed ("deallocating None") after a few thousand calls."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton


def test_void_calls_keep_the_reference_counts_of_none_and_bools(qapp: Any) -> None:
    label, button = QLabel(), QPushButton()
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(2000):
        label.setText("x")
        button.setEnabled(True)
        button.setEnabled(False)
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    assert all(abs(a - b) < 50 for a, b in zip(after, before, strict=True)), (before, after)
