"""Ask for the encrypted file store's passphrase when there is no OS keyring (choose one on first use).

``with_unlocked_store`` is how every window action that may need the store runs its blocking work: when the
work finds the store locked, the passphrase is asked right there and the work runs again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from oktatool.core.errors import SecretStoreError, StoreLockedError
from oktatool.gui import tasks
from oktatool.gui.widgets.message_line import MessageLine
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.store.secrets import SecretStore

T = TypeVar("T")


def passphrase_strength(text: str) -> tuple[str, str]:
    """Return (tone, hint) for a new passphrase: a rough guessing-effort estimate from length and variety.

    Counts bits as length × log2(alphabet in use); a repeated or single-class short text scores low.
    """
    if not text:
        return "", ""
    alphabet = 0
    alphabet += 26 if any(c.islower() for c in text) else 0
    alphabet += 26 if any(c.isupper() for c in text) else 0
    alphabet += 10 if any(c.isdigit() for c in text) else 0
    alphabet += 33 if any(not c.isalnum() for c in text) else 0
    distinct = len(set(text))
    bits = min(len(text), distinct * 2) * math.log2(max(alphabet, 2))
    if bits < 45:
        return "error", f"Weak: easy to guess ({len(text)} characters). Use a longer phrase of several words."
    if bits < 70:
        return "warn", "Fair: a few more words would make it much harder to guess."
    return "good", "Strong."


class PassphraseDialog(QDialog):
    """Ask for a passphrase; ``confirm`` adds a repeat field and a strength hint (choosing a new one).

    ``refuse_weak`` refuses a trivially weak new passphrase with the reason (the secret store's, which guards
    every key); elsewhere (a PEM file's) the strength is a hint and the choice the user's.
    """

    def __init__(self, title: str, explanation: str, *, confirm: bool, refuse_weak: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.refuse_weak = refuse_weak
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Passphrase", self.passphrase)
        self.repeat: QLineEdit | None = None
        if confirm:
            self.repeat = QLineEdit()
            self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow("Repeat", self.repeat)
        layout.addLayout(form)
        self.strength = MessageLine(2)
        self.strength.setObjectName("strengthHint")
        layout.addWidget(self.strength)
        self.strength.setVisible(confirm)
        if confirm:
            self.passphrase.textChanged.connect(self._show_strength)
        self.error = MessageLine(2)  # space kept: a refusal never makes the dialog grow
        self.error.setObjectName("fieldError")
        layout.addWidget(self.error)
        self.buttons = buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                                  | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def _show_strength(self, text: str) -> None:
        kind, hint = passphrase_strength(text)
        self.strength.show_message(hint, kind or "info", timeout_ms=0)

    def show_error(self, text: str) -> None:
        """Show ``text`` under the fields."""
        self.error.show_message(text, "error")

    def _check(self) -> None:
        if not self.passphrase.text():
            self.show_error("Type a passphrase.")
            return
        if self.repeat is not None and self.repeat.text() != self.passphrase.text():
            self.show_error("The two passphrases differ; type them again.")
            return
        if self.repeat is not None and self.refuse_weak:  # a new store passphrase: refuse a trivial one, saying why
            from oktatool.core.store.file_store import passphrase_problem

            problem = passphrase_problem(self.passphrase.text())
            if problem:
                self.show_error(f"{problem[0].upper()}{problem[1:]}. Choose a longer one, e.g. four or more "
                                "unrelated words.")
                return
        self.accept()

    def value(self) -> bytes:
        """Return the passphrase typed."""
        return self.passphrase.text().encode("utf-8")


async def ready_store(context: AppContext, parent: QWidget) -> SecretStore | None:
    """Return the secret store, unlocked (asking for the passphrase if needed); None if the user cancels."""
    store = await tasks.run_blocking(context.secret_store)
    if not store.locked:
        return store
    from oktatool.core.store.file_store import EncryptedFileStore

    assert isinstance(store, EncryptedFileStore)
    new = not store.exists
    explanation = (
        "No OS keyring is available here, so oktatool keeps keys in a file encrypted with a passphrase "
        f"({store.path}). " + ("Choose a passphrase for it; you will need it each time oktatool starts."
                               if new else "Enter its passphrase to unlock it.")
    )
    while True:
        dialog = PassphraseDialog("Unlock the secret store" if not new else "Protect the secret store",
                                  explanation, confirm=new, refuse_weak=new, parent=parent)
        if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
            return None
        try:
            await tasks.run_blocking(store.unlock, dialog.value())
        except SecretStoreError as exc:
            explanation = plain_message(exc)
            continue
        return store


async def with_unlocked_store(parent: QWidget, context: AppContext, blocking: Callable[..., T], *args: Any) -> T:
    """Run ``blocking(*args)`` in the executor; when it finds the secret store locked, ask for the passphrase
    (the key library's prompt, over ``parent``), unlock, and run it again.

    ``blocking`` must raise StoreLockedError before it has done anything (core does: the store is read
    first), so running it again repeats nothing. Cancel raises StoreLockedError saying that nothing was done.
    """
    try:
        return await tasks.run_blocking(blocking, *args)
    except StoreLockedError:
        if await ready_store(context, parent) is None:
            raise StoreLockedError("nothing was done: the secret store stayed locked (its passphrase was not "
                                   "entered)", hint="try again and enter the passphrase when asked") from None
    return await tasks.run_blocking(blocking, *args)
