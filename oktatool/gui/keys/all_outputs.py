"""The Keys tab's "All outputs" view: the Okta JWKS, the private JWK and the private PEM side by side, as
mkjwk shows a key pair, its set and its public key together. Each has the label of where it goes and a
Copy button; the private ones are copied as secrets, as from the single viewer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from oktatool.gui.widgets.code_view import CodeView
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.tones import tone_style

#: the outputs shown together, left to right
ALL_FORMATS = ("jwks-public", "jwk", "pem")


class OutputColumn(QWidget):
    """One output: its title, where it goes, Copy, and its text."""

    def __init__(self, fmt: str, copy: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.title = rich_label(QLabel())
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(lambda: copy(self.fmt))
        self.view = CodeView()
        self.view.setObjectName(f"all_{fmt.replace('-', '_')}")
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.copy_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(header)
        column.addWidget(self.where)
        column.addWidget(self.view, 1)

    def show_output(self, title: str, where: str, kind: str, text: str | None, note: str | None) -> None:
        """Show the output's text (or why there is none) under its title and where it goes."""
        self.title.setText(f"<b>{title}</b>")
        self.where.setText(where)
        self.where.setStyleSheet(tone_style(kind, bold=True))
        self.view.setAccessibleName(title)
        self.copy_button.setAccessibleName(f"Copy the {title.lower()}")
        self.copy_button.setToolTip(f"Copy the {title.lower()}")
        self.copy_button.setEnabled(bool(text))
        self.view.setPlainText(text or "")
        self.view.setPlaceholderText("" if note else "Generate or import a key")
        self.view.set_note(note)


class AllOutputsView(QWidget):
    """The three outputs side by side in a splitter (each column can be widened)."""

    def __init__(self, copy: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("allOutputs")
        self.columns = {fmt: OutputColumn(fmt, copy) for fmt in ALL_FORMATS}
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        for column in self.columns.values():
            splitter.addWidget(column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
