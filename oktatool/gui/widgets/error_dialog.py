"""The dialog an unexpected exception ends up in: the message, "Copy details", and the app stays up."""

from __future__ import annotations

import platform
import re
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oktatool import __version__
from oktatool.gui.widgets.clipboard import copy_text

_SECRET_SHAPES = (
    # PEM blocks (private keys, certificates): drop the body, keep the label
    (re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.*?(-----END \1-----|\Z)", re.S), r"[\1 redacted]"),
    # JWTs / JWS / JWE compact forms
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,4}"), "[token redacted]"),
    # JWK private members and other long base64url runs (key material, nonces, secrets)
    (re.compile(r"(\"?(?:d|p|q|dp|dq|qi|k)\"?\s*[:=]\s*\"?)[A-Za-z0-9_\-+/=]{8,}"), r"\1[redacted]"),
    (re.compile(r"[A-Za-z0-9_\-+/]{40,}={0,2}"), "[long value redacted]"),
)


def redact_details(text: str) -> str:
    """Remove anything in ``text`` that looks like key material, a token or a secret form member."""
    from oktatool.core.okta.http import redact_text

    for pattern, replacement in _SECRET_SHAPES:
        text = pattern.sub(replacement, text)
    return redact_text(text)


def error_details(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """Return the redacted report "Copy details" puts on the clipboard (versions and traceback)."""
    lines = traceback.format_exception(exc_type, exc, tb)
    head = (f"oktatool {__version__}, Python {platform.python_version()}, {platform.platform()}, "
            f"PySide6 {_pyside_version()}\n")
    return redact_details(head + "".join(lines))


def _pyside_version() -> str:
    import PySide6

    return str(PySide6.__version__)


def short_message(exc: BaseException) -> str:
    """Return the one-paragraph message shown in the dialog."""
    text = str(exc).strip()
    name = type(exc).__name__
    return redact_details(f"{name}: {text}" if text else name)


class ErrorDialog(QDialog):
    """Tell the user something unexpected happened, offer the details, and keep the app running."""

    def __init__(self, message: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("oktatool: unexpected error")
        self.details = details
        layout = QVBoxLayout(self)
        intro = QLabel("Something went wrong that oktatool did not expect. Your work is still open; "
                       "you can keep going. If it happens again, copy the details into a bug report "
                       "(they hold no keys, tokens or passphrases).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.message_label = QLabel(message)
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)
        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setVisible(False)
        layout.addWidget(self.details_view)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy details")
        self.show_button = QPushButton("Show details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button.clicked.connect(self._toggle_details)
        layout.addWidget(buttons)
        self.resize(560, 200)

    def copy_details(self) -> None:
        """Put the redacted details on the clipboard."""
        copy_text(self.details)  # redacted
        self.copy_button.setText("Copied")

    def _toggle_details(self) -> None:
        shown = not self.details_view.isVisible()
        self.details_view.setVisible(shown)
        self.show_button.setText("Hide details" if shown else "Show details")
        if shown:
            self.resize(max(self.width(), 720), max(self.height(), 420))


class ErrorReporter:
    """Receives unexpected exceptions (sys.excepthook, the asyncio loop) and shows one dialog at a time."""

    def __init__(self, parent: QWidget | None) -> None:
        self.parent = parent
        self.dialog: ErrorDialog | None = None
        self.reports: list[str] = []

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """Handle an uncaught exception (install as sys.excepthook)."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.report(exc, error_details(exc_type, exc, tb))

    def report(self, exc: BaseException, details: str) -> None:
        """Show ``exc`` in the dialog (or count it when a dialog is already open)."""
        self.reports.append(details)
        if sys.stderr is not None:
            print(f"oktatool: unexpected {type(exc).__name__} (shown in a dialog)", file=sys.stderr)
        if self.dialog is not None and self.dialog.isVisible():
            return
        self.dialog = ErrorDialog(short_message(exc), details, self.parent)
        self.dialog.setModal(True)
        self.dialog.show()
