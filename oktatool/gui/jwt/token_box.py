"""The JWT tab's token box: the coloured token, its size and status, and the buttons that act on it."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from oktatool.gui.jwt.claims_panel import wrapping_label
from oktatool.gui.jwt.token_view import TokenView


class TokenBox(QGroupBox):
    """The token (edit, paste or drop one), its size and status line, Sign/Open/Copy/Save and the hand-offs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Token", parent)
        rows = QVBoxLayout(self)
        self.token = TokenView()
        self.token.setMinimumHeight(90)
        rows.addWidget(self.token, 1)
        info = QHBoxLayout()
        self.size_label = QLabel()
        self.size_label.setObjectName("tokenSize")
        info.addWidget(self.size_label)
        self.status = wrapping_label()
        self.status.setObjectName("tokenStatus")
        info.addWidget(self.status, 1)
        rows.addLayout(info)
        buttons = QHBoxLayout()
        self.sign_button = QPushButton("Sign")
        self.sign_button.setObjectName("signButton")
        self.sign_button.setToolTip("Sign the editor's header and claims with the signing key")
        self.open_button = QPushButton("Open…")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the token (the clipboard is marked secret and cleared after 30 s)")
        self.save_button = QPushButton("Save…")
        for button in (self.sign_button, self.open_button, self.copy_button, self.save_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        rows.addLayout(buttons)
        self.console_button = QPushButton("Send to Console")
        self.console_button.setToolTip("Put the token in the Console's Authorization header")
        self.assertion_button = QPushButton("Use as client assertion")
        self.assertion_button.setToolTip("Use the token as the client_assertion of a token request in the Console")
        handoff = QHBoxLayout()
        handoff.addWidget(self.console_button)
        handoff.addWidget(self.assertion_button)
        handoff.addStretch(1)
        rows.addLayout(handoff)
