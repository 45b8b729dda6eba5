"""The one Save dialog of the window: its suggested file name is first made valid on every OS."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from oktatool.core.files import safe_file_name


def ask_save_path(parent: QWidget | None, title: str, name: str) -> Path | None:
    """Ask where to save, suggesting ``name`` (made valid: a kid's ``:`` or ``?``) at home; None when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / safe_file_name(name)))
    return Path(path) if path else None
