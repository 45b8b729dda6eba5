"""Pick the admin credential for set-up calls: an SSWS API token from a file or from the secret store.

The widget only records the choice (on the GUI thread); ``load_admin_credential`` reads the file or the
store (blocking: run it in the executor). The token is never shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import BadInputError, OktaToolError, SecretStoreError
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.okta.admin import AdminCredential

#: secret store entries holding SSWS API tokens are named "admin-token:LABEL"
STORE_PREFIX = "admin-token:"
SANDBOX, FILE, STORE, NONE = "sandbox", "file", "store", "none"
_LABELS = {SANDBOX: "The sandbox's own API token", FILE: "API token from a file",
           STORE: "API token in the secret store", NONE: "None (skip the checks that need one)"}


@dataclass(frozen=True)
class AdminChoice:
    """Where the admin token comes from, and the file path or store label."""

    source: str
    value: str = ""


def load_admin_credential(context: AppContext, choice: AdminChoice) -> AdminCredential | None:
    """Return the chosen credential (blocking: reads a file, the secret store, or starts the sandbox)."""
    from oktatool.core.okta.admin import AdminCredential

    if choice.source == NONE:
        return None
    if choice.source == SANDBOX:
        return context.sandbox_admin()
    if not choice.value.strip():
        raise BadInputError("choose the API token file" if choice.source == FILE else
                            "name the API token in the secret store")
    if choice.source == FILE:
        from oktatool.core.files import read_input

        raw = read_input(choice.value.strip(), what="API token")
        first = raw.splitlines()[0].strip() if raw.strip() else b""
        return AdminCredential(ssws_token=first.decode("ascii", "replace"), label=f"API token from {choice.value}")
    token = context.secret_store().get(STORE_PREFIX + choice.value.strip())
    if token is None:
        raise SecretStoreError(f"there is no API token called {choice.value.strip()!r} in the secret store",
                               hint="save one with “Save a token…”")
    return AdminCredential(ssws_token=token, label=f"API token {choice.value.strip()!r}")


class AdminCredentialPicker(QWidget):
    """A source combo and, below it, the file path or the secret store label."""

    def __init__(self, context: AppContext, *, sandbox: bool, allow_none: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.source = QComboBox()
        self.source.setObjectName("adminSource")
        named(self.source, "Admin credential")
        sources = ([SANDBOX] if sandbox else []) + [FILE, STORE] + ([NONE] if allow_none else [])
        for key in sources:
            self.source.addItem(_LABELS[key], key)
        self.path = QLineEdit()
        named(self.path, "SSWS API token file")
        self.path.setObjectName("adminTokenFile")
        self.path.setPlaceholderText("file whose first line is the SSWS API token")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.label = QLineEdit()
        named(self.label, "Stored SSWS API token name")
        self.label.setObjectName("adminTokenName")
        self.label.setPlaceholderText("name of the token in the secret store, e.g. prod-admin")
        self.save_button = save = QPushButton("Save a token…")
        save.setToolTip("Paste an SSWS API token once; it is kept in the secret store, never shown again")
        save.clicked.connect(self._save_token)
        self.note = QLabel()
        self.note.setObjectName("adminNote")
        self.note.setWordWrap(True)
        self.note.hide()
        self.stack = QStackedWidget()
        for widgets in ((), (self.path, browse), (self.label, save), ()):
            page = QWidget()
            row = QHBoxLayout(page)
            row.setContentsMargins(0, 0, 0, 0)
            for widget in widgets:
                row.addWidget(widget, 1 if isinstance(widget, QLineEdit) else 0)
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.source)
        layout.addWidget(self.stack)
        layout.addWidget(self.note)
        self.source.currentIndexChanged.connect(self._show_source)
        self._show_source()

    def _show_source(self) -> None:
        key = self.source.currentData()
        self.stack.setCurrentIndex({SANDBOX: 0, FILE: 1, STORE: 2}.get(key, 3))
        self.stack.setVisible(key in (FILE, STORE))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "API token file")
        if path:
            self.path.setText(path)

    def _save_token(self) -> None:
        from oktatool.gui import tasks

        name = self.label.text().strip() or "admin"
        token, ok = QInputDialog.getText(self, "Save an API token", f"SSWS API token to keep as {name!r}:",
                                         QLineEdit.EchoMode.Password)
        if not ok or not token.strip():
            return
        self.label.setText(name)

        def keep() -> None:
            self.context.secret_store().set(STORE_PREFIX + name, token.strip())

        tasks.spawn(self._keep(keep, name))

    async def _keep(self, keep: Callable[[], None], name: str) -> None:
        from oktatool.gui.widgets.store_unlock import with_unlocked_store

        try:
            await with_unlocked_store(self, self.context, keep)
        except OktaToolError as exc:
            self.note.setStyleSheet(tone_style("error"))
            self.note.setText(plain_message(exc))
        else:
            self.note.setStyleSheet(tone_style("good"))
            self.note.setText(f"The token is kept in the secret store as “{name}”.")
        self.note.show()

    def choice(self) -> AdminChoice:
        """Return the current choice."""
        key = str(self.source.currentData())
        value = self.path.text() if key == FILE else self.label.text() if key == STORE else ""
        return AdminChoice(key, value)

    def set_file(self, path: str) -> None:
        """Choose the API token file ``path``."""
        self.source.setCurrentIndex(self.source.findData(FILE))
        self.path.setText(path)
