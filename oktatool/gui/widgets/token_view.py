"""A secret value shown masked, with Reveal (per value) and Copy (clipboard marked secret, cleared after 30 s)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from oktatool.gui.widgets.accessible import labelled, named
from oktatool.gui.widgets.clipboard import SECRET_CLEAR_MS, copy_text


def mask(value: str) -> str:
    """Return the masked form of ``value``: a few bullets and its length, never any of its characters."""
    return f"•••••• {len(value)} chars" if value else ""


class TokenView(QWidget):
    """One secret: a label, the masked value, Reveal and Copy."""

    #: the value was copied (its label)
    copied = Signal(str)

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = ""
        self.field = QLineEdit()
        self.label = labelled(label, self.field)
        self.field.setReadOnly(True)
        self.field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setCheckable(True)
        self.reveal_button.setToolTip("Show this value (only this one)")
        self.reveal_button.toggled.connect(self._show)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip(
            f"Copy; the clipboard is marked secret and cleared after {SECRET_CLEAR_MS // 1000} s")
        self.copy_button.clicked.connect(self.copy)
        named(self.reveal_button, f"Reveal {label}")
        named(self.copy_button, f"Copy {label}")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.field, 1)
        row.addWidget(self.reveal_button)
        row.addWidget(self.copy_button)
        self.set_value("")

    @property
    def value(self) -> str:
        """Return the secret held."""
        return self._value

    @property
    def revealed(self) -> bool:
        """Say whether the value is shown."""
        return self.reveal_button.isChecked()

    def set_value(self, value: str) -> None:
        """Hold ``value``, masked again."""
        self._value = value
        self.reveal_button.setChecked(False)
        self.reveal_button.setEnabled(bool(value))
        self.copy_button.setEnabled(bool(value))
        self._show(False)

    def _show(self, revealed: bool) -> None:
        self.field.setText(self._value if revealed else mask(self._value))
        self.field.setCursorPosition(0)
        self.reveal_button.setText("Hide" if revealed else "Reveal")

    def copy(self) -> None:
        """Copy the value, marked secret."""
        if self._value:
            copy_text(self._value, secret=True)
            self.copied.emit(self.label.text())
