"""The Keys tab's import box (Paste, Open file…, drop) and the questions an import may ask.

Reading and parsing run in the executor; an encrypted key asks for its passphrase until it opens or the
user cancels, and an input holding several keys asks which one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QInputDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from oktatool.core.errors import PassphraseError
from oktatool.gui import tasks
from oktatool.gui.widgets.store_unlock import PassphraseDialog

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key

#: the file types File > Open offers
KEY_FILE_FILTER = "Keys (*.json *.jwk *.jwks *.pem *.key *.crt *.cer *.der *.pub);;All files (*)"


class ImportPanel(QGroupBox):
    """Paste or open a key; the hint lists what oktatool reads."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Import a key", parent)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.paste_button = QPushButton("Paste")
        self.paste_button.setToolTip("Import the JWK, JWKS, PEM or certificate on the clipboard")
        self.open_button = QPushButton("Open file…")
        row.addWidget(self.paste_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout.addLayout(row)
        hint = QLabel("…or drop a key file here: JWK, JWKS, mkjwk JSON, PEM (PKCS#8, encrypted, PKCS#1, SEC1, "
                      "SPKI), certificates and DER.")
        hint.setWordWrap(True)
        layout.addWidget(hint, 1)


async def load_keys_asking(data: str | bytes, parent: QWidget, is_current: Callable[[], bool]) -> list[Key] | None:
    """Parse ``data`` in the executor, asking for a passphrase while one is needed; None if cancelled.

    ``is_current`` is a no-argument callable: once it answers False (a newer request), stop asking.
    """
    from oktatool.core.keys.key import load_keys

    passphrase: bytes | None = None
    while True:
        try:
            return await tasks.run_blocking(load_keys, data, passphrase=passphrase)
        except PassphraseError:
            if not is_current():
                return None
            passphrase = await ask_passphrase(parent, retry=passphrase is not None)
            if passphrase is None:
                return None


async def ask_passphrase(parent: QWidget, *, retry: bool) -> bytes | None:
    """Ask for an encrypted key's passphrase; None when cancelled."""
    text = ("That passphrase does not decrypt the key. Type it again." if retry
            else "This private key is encrypted. Type its passphrase to import it.")
    dialog = PassphraseDialog("Encrypted key", text, confirm=False, parent=parent)
    if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
        return None
    return dialog.value()


async def choose_key(parent: QWidget, keys: list[Key]) -> Key | None:
    """Return the one key in ``keys`` (the private one of a pair), asking when there are several."""
    groups: dict[str, list[Key]] = {}
    for key in keys:
        groups.setdefault(key.thumbprint(), []).append(key)
    best = [next((k for k in group if k.is_private), group[0]) for group in groups.values()]
    if len(best) == 1:
        return best[0]
    labels = [f"{k.kid or '(no kid)'}: {k.describe()}, {'private' if k.is_private else 'public'}" for k in best]
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Choose a key")
    dialog.setLabelText(f"The input holds {len(best)} keys. Which one?")
    dialog.setComboBoxItems(labels)
    if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
        return None
    return best[labels.index(dialog.textValue())]


def dropped(mime: QMimeData) -> Path | str | None:
    """Return the local file or the text in a drag, or None if it holds neither."""
    if mime.hasUrls():
        local = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        return Path(local[0]) if local else None
    if mime.hasText() and mime.text().strip():
        return mime.text()
    return None
