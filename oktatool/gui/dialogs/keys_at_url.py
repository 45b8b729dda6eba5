"""Where an app's public keys live: saved in Okta, or published at a URL (jwks_uri) — the choice, the URL, the
file to publish and a check of the URL as Okta will fetch it. Shared by New service app and Move to a key pair."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from oktatool.core.errors import BadInputError, OktaToolError
from oktatool.gui.dialogs.steps_dialog import org_of
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.save_dialog import ask_save_path
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable
    from pathlib import Path

    from oktatool.core.keys.key import Key
    from oktatool.gui.dialogs.steps_dialog import StepsDialog

#: where Okta finds the app's public keys: saved on the app, or fetched from a URL (jwks_uri)
KEYS_SAVED, KEYS_AT_URL = "saved", "url"


class KeysAtUrl(QWidget):
    """Keys saved in Okta or published at a URL, for the key that ``key_choice`` picks in ``dialog``.

    ``key_of(choice)`` returns the key of a choice (blocking, in the executor): the same key each time, so the
    file published and the key the app is then given agree. What the buttons find is said in the dialog's status.
    """

    def __init__(self, dialog: StepsDialog[Any], key_choice: QComboBox, key_of: Callable[[str], Key]) -> None:
        super().__init__()
        self.dialog, self.key_choice, self.key_of = dialog, key_choice, key_of
        self.where = QComboBox()
        self.where.setObjectName("keysWhere")
        self.where.addItem("Saved in Okta", KEYS_SAVED)
        self.where.addItem("Published at a URL (jwks_uri)", KEYS_AT_URL)
        named(self.where, "Keys")
        self.url = QLineEdit()
        self.url.setObjectName("jwksUri")
        self.url.setPlaceholderText("https://keys.example.com/reports/jwks.json")
        named(self.url, "Key set URL (jwks_uri)")
        self.save = QPushButton("Save JWKS to publish…")
        self.save.setObjectName("saveJwks")
        self.save.setToolTip("Write the key's public JWKS: serve that file at the URL (https, application/json)")
        self.check = QPushButton("Check URL")
        self.check.setObjectName("checkJwksUri")
        self.check.setToolTip("Fetch the URL as Okta will: https, a JWKS with the key's kid, kids unique, no "
                              "private key")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.url, self.save, self.check):
            row.addWidget(widget, 1 if widget is self.url else 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.where)
        layout.addLayout(row)
        self.where.currentIndexChanged.connect(self._follow)
        self.save.clicked.connect(lambda: self.save_jwks())
        self.check.clicked.connect(lambda: self.check_url())
        self._follow()

    def _follow(self) -> None:
        at_url = self.at_url()
        for widget in (self.url, self.save, self.check):
            widget.setEnabled(at_url)

    def at_url(self) -> bool:
        """Say whether the keys are to be published at a URL."""
        return bool(self.where.currentData() == KEYS_AT_URL)

    def chosen_url(self) -> str | None:
        """Return the URL when the keys are published at one (None: saved in Okta); refuse an empty one."""
        if not self.at_url():
            return None
        url = self.url.text().strip()
        if not url:
            raise BadInputError("give the URL the key set is published at", hint="e.g. https://keys.example.com/"
                                                                                 "jwks.json")
        return url

    def save_jwks(self, path: Path | None = None) -> asyncio.Task[None] | None:
        """Write the chosen key's public JWKS, the file to serve at the URL (asks where unless ``path``)."""
        choice = str(self.key_choice.currentData())
        path = path or ask_save_path(self.dialog, "Save the JWKS to publish", "jwks.json")
        if path is None:
            return None
        return self.dialog.request.start(self._save_jwks(choice, path))

    async def _save_jwks(self, choice: str, path: Path) -> None:
        from oktatool.core.files import write_atomic
        from oktatool.core.okta.jwks_uri import SERVE_HOW, publish_text

        def write() -> str:
            key = self.key_of(choice)
            write_atomic(path, publish_text([key]).encode("utf-8"), mode=0o644)  # public: served to anyone
            return str(key.kid)

        dialog = self.dialog
        try:
            kid = await with_unlocked_store(dialog, dialog.context, write)
        except (OktaToolError, OSError) as exc:
            dialog.say(plain_message(exc) if isinstance(exc, OktaToolError) else f"Not saved: {exc}", "error")
            return
        dialog.say(f"Saved {path} (kid {kid}): {SERVE_HOW}. Then Check URL.", "good")

    def check_url(self) -> asyncio.Task[None]:
        """Fetch the URL as Okta will, for the chosen key's kid, and say what Okta would answer."""
        return self.dialog.request.start(self._check_url(str(self.key_choice.currentData())))

    async def _check_url(self, choice: str) -> None:
        from oktatool.core.okta.http import HttpOptions
        from oktatool.core.okta.jwks_uri import check_jwks_url, org_fetches_loopback

        dialog = self.dialog
        http = HttpOptions(read_timeout=dialog.context.settings.settings.preferences.network_timeout)
        try:
            url = self.chosen_url() or ""

            def check() -> str:
                key = self.key_of(choice)
                org, options = org_of(dialog.context, dialog.profile, http)
                found = check_jwks_url(url, key.kid, allow_loopback_http=org_fetches_loopback(org), http=options)
                return f"{url} serves kid {key.kid} ({len(found.keys)} key(s)): Okta can fetch it."

            said = await with_unlocked_store(dialog, dialog.context, check)
        except OktaToolError as exc:
            dialog.say(plain_message(exc), "error")
            return
        dialog.say(said, "good")
