"""A titled text output with Copy and Save: where it goes, the text, and a message line kept for the outcome."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from oktatool.core.errors import OktaToolError
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.clipboard import copy_text
from oktatool.gui.widgets.code_view import CodeView
from oktatool.gui.widgets.message_line import MessageLine
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.save_dialog import ask_save_path
from oktatool.gui.widgets.tones import tone_style


class OutputPane(QFrame):
    """Shows one text output (an export); a private one is copied as a secret and saved owner-only."""

    #: a file was written (its path)
    saved = Signal(str)

    def __init__(self, key: str, title: str, where: str, *, private: bool, suffix: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.private = private
        self.suffix = suffix
        self.file_stem = "key"
        self.title_text = title
        self.setObjectName(f"pane_{key.replace('-', '_')}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.title = rich_label(QLabel(f"<b>{title}</b>"))
        layout.addWidget(self.title)
        self.where = QLabel(where)
        self.where.setObjectName("whereLabel")
        self._paint_where()
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self.extra = QHBoxLayout()
        layout.addLayout(self.extra)
        self.view = CodeView()
        named(self.view, title)
        if suffix.endswith(".pem"):
            # PEM lines are 64 characters; wrapped at a pane's width they break raggedly mid-line.
            self.view.setLineWrapMode(CodeView.LineWrapMode.NoWrap)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Copy")
        self.save_button = QPushButton("Save…")
        self.copy_button.setToolTip(f"Copy the {title.lower()} to the clipboard")
        self._tip_save()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = MessageLine(1)
        self.status.setObjectName("paneStatus")
        layout.addWidget(self.status)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self.ask_and_save)
        self.set_text(None)

    def _tip_save(self) -> None:
        self.save_button.setToolTip(f"Save the {self.title_text.lower()} to a file"
                                    + (" readable only by you" if self.private else ""))

    def set_private(self, private: bool, where: str) -> None:
        """Say whether the text is a secret (copied as one, saved owner-only) and what the line above it says."""
        self.private = private
        self.where.setText(where)
        self._paint_where()
        self._tip_save()

    def _paint_where(self) -> None:
        self.where.setStyleSheet(tone_style("secret" if self.private else "good", bold=True))

    def set_text(self, text: str | None, note: str | None = None) -> None:
        """Show ``text`` (None: nothing to show, ``note`` says why)."""
        self.view.setPlainText(text or "")
        self.view.set_note(note)
        self.copy_button.setEnabled(bool(text))
        self.save_button.setEnabled(bool(text))
        self.status.clear_message()

    def text(self) -> str:
        """Return the text shown."""
        return self.view.toPlainText()

    def copy(self) -> None:
        """Put the text on the clipboard (a private text as a secret, cleared after 30 s)."""
        copy_text(self.text(), secret=self.private)
        self.status.show_message("Copied; it leaves the clipboard in 30 s" if self.private else "Copied",
                                 "good", timeout_ms=6000)

    def ask_and_save(self) -> None:
        """Ask where to save and write the file."""
        path = ask_save_path(self, f"Save the {self.title_text.lower()}", f"{self.file_stem}{self.suffix}")
        if path is not None:
            self.save_to(path)

    def save_to(self, path: Path) -> bool:
        """Write the text to ``path`` (mode 0600 when private); say what happened next to the buttons."""
        from oktatool.core.files import write_file

        text = self.text()
        try:
            write_file(path, (text if text.endswith("\n") else text + "\n").encode("utf-8"), private=self.private)
        except OktaToolError as exc:
            self.status.show_message(exc.description, "error")
            return False
        self.status.show_message(f"Saved {path.name}" + (" (owner only)" if self.private else ""), "good",
                                 timeout_ms=6000)
        self.saved.emit(str(path))
        return True
