"""A one-line value that may be long (a key thumbprint, a client id): cut with "…" where room runs out, whole in
its tooltip, and a Copy button that copies all of it, so a narrow pane never scrolls sideways to show it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QWidget

from oktatool.gui.widgets.clipboard import copy_text
from oktatool.gui.widgets.elided_label import ElidedLabel

#: what the value says when there is nothing to copy
NOTHING = "–"


class CopyValue(QWidget):
    """A value elided to the room it gets, with its whole text in a tooltip and a Copy button."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = ElidedLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setAccessibleName(name)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAccessibleName(f"Copy {name}")
        self.copy_button.setToolTip(f"Copy the whole {name}")
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.copy_button)
        self.setText(NOTHING)

    def text(self) -> str:
        """Return the whole value."""
        return self.label.text()

    def shown_text(self) -> str:
        """Return the value as drawn at the current width (maybe cut)."""
        return self.label.shown_text()

    def setText(self, text: str, copied: str | None = None) -> None:
        """Show ``text``; Copy copies ``copied`` (default: the text; "" or the dash: nothing to copy)."""
        self.label.setText(text)
        self._copied = text if copied is None else copied
        self.copy_button.setEnabled(bool(self._copied) and self._copied != NOTHING)

    def copy(self) -> None:
        """Put the whole value on the clipboard (not a secret: a client id or a key's thumbprint)."""
        if self.copy_button.isEnabled():
            copy_text(self._copied)
