"""Where a JWT key comes from: the profile, the key library, a file, a paste, a typed HMAC secret, or a JWKS URL.

Loading (files, the secret store, the network, PEM parsing) runs in the executor; the newest request wins.
A JWKS shows a kid chooser; in verify mode "every key that fits" tries them all. URLs named inside a token
(jku, x5u, jwk) are never followed: only what the user chose here.

Keys that come from the active profile (its own key, its org's keys) live in the profile's session, not
here: after a switch the chooser has none of the old profile's keys before anything can sign with them,
and a load started for the old profile drops its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError
from oktatool.gui import tasks
from oktatool.gui.jwt.claims_panel import wrapping_label
from oktatool.gui.widgets.accessible import labelled, named
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.keys.key import Key
    from oktatool.core.store.settings import Profile

PROFILE, LIBRARY, FILE, PASTE, SECRET, JWKS_URL, ORG_KEYS = (
    "Profile's key", "Key library", "File", "Paste PEM / JWK / JWKS", "HMAC secret", "JWKS URL",
    "Profile's org keys")
SIGN_SOURCES = (PROFILE, LIBRARY, FILE, PASTE, SECRET)
VERIFY_SOURCES = (PROFILE, LIBRARY, FILE, PASTE, SECRET, JWKS_URL, ORG_KEYS)
#: the sources whose keys belong to the active profile (kept in its session)
PROFILE_SOURCES = (PROFILE, ORG_KEYS)
#: the kid chooser's entry that tries every key of the set (verify mode)
EVERY_KEY = "every key that fits"
#: refuse a pasted or opened key bigger than this (a JWKS is a few kB)
MAX_KEY_BYTES = 1024 * 1024


def org_keys_url(context: AppContext, profile: Profile) -> tuple[str, str | None]:
    """Return the keys URL of ``profile``'s authorization server and the CA file (blocking: may start the sandbox)."""
    from oktatool.core.okta.authserver import auth_server

    target = context.org_target(profile)
    ca_bundle = target.http.ca_bundle
    return auth_server(target.org, profile.auth_server).keys_url, str(ca_bundle) if ca_bundle else None


def _load_text(data: str | bytes) -> list[Key]:
    from oktatool.core.errors import KeyMaterialError, PassphraseError
    from oktatool.core.keys.key import load_keys

    if len(data) > MAX_KEY_BYTES:
        raise KeyMaterialError(f"the input is {len(data):,} bytes; a key or key set is at most "
                               f"{MAX_KEY_BYTES // 1024} kB", hint="paste one PEM, JWK or JWKS")
    try:
        return load_keys(data)
    except PassphraseError:
        raise PassphraseError("this private key is encrypted with a passphrase",
                              hint="open it in the Keys tab and save it to the key library, then choose it "
                                   "there") from None


def _load_file(path: str) -> list[Key]:
    from oktatool.core.errors import BadInputError

    try:
        size = Path(path).stat().st_size
        if size > MAX_KEY_BYTES:
            raise BadInputError(f"{Path(path).name} is {size:,} bytes; a key file is at most "
                                f"{MAX_KEY_BYTES // 1024} kB")
        return _load_text(Path(path).read_bytes())
    except OSError as exc:
        raise BadInputError(f"cannot read {Path(path).name}: {exc.strerror}") from None


class KeyChooser(QWidget):
    """Pick the key(s) to sign or verify with; ``changed`` fires when the choice changes."""

    changed = Signal()

    def __init__(self, context: AppContext, *, verify: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.verify = verify
        #: the profile's session the profile sources draw from (``follow`` replaces it)
        self.session = context.session
        self._own_keys: list[Key] = []  # keys of the other sources (a file, a paste, the library…)
        self.secret_key: Key | None = None
        self.request = tasks.LatestRequest()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.source = QComboBox()
        self.source.setObjectName("keySource")
        named(self.source, "Verify with" if verify else "Sign with")
        self.source.addItems(VERIFY_SOURCES if verify else SIGN_SOURCES)
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.source.setToolTip("Where the key comes from. Keys named inside a token (jku, x5u, jwk) are never used.")
        row.addWidget(self.source)
        self.stack = QStackedWidget()
        row.addWidget(self.stack, 1)
        layout.addLayout(row)
        self.pages: dict[str, QWidget] = {}
        self.library = QComboBox()
        self.library.setObjectName("libraryKey")
        self.library.setPlaceholderText("(the key library is empty)")
        self.library.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.library.setMinimumContentsLength(10)
        self.file_button = QPushButton("Open key file…")
        self.file_label = QLabel()
        self.paste_edit = QPlainTextEdit()
        self.paste_edit.setObjectName("pastedKey")
        self.paste_edit.setPlaceholderText("Paste a PEM, JWK or JWKS {\"keys\": […]}")
        self.paste_edit.setMaximumHeight(70)
        self.secret_edit = QLineEdit()
        self.secret_edit.setObjectName("hmacSecret")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setPlaceholderText("shared secret for HS256 / HS384 / HS512")
        self.secret_encoding = QComboBox()
        named(self.secret_encoding, "Secret encoding")
        self.secret_encoding.addItems(["utf-8", "base64url"])
        self.secret_encoding.setToolTip("UTF-8: the characters typed. base64url: the bytes they encode.")
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("jwksUrl")
        self.url_edit.setPlaceholderText("https://your-org.okta.com/oauth2/v1/keys")
        self.url_button = QPushButton("Fetch")
        self.org_button = QPushButton("Fetch the org's keys")
        profile_note = QLabel("the active profile's key")
        profile_note.setWordWrap(True)
        profile_note.setToolTip("For the Local sandbox profile: the sandbox service app's key")
        self.profile_button = QPushButton("Load")
        self.profile_button.setObjectName("loadProfileKey")
        self.profile_button.setToolTip("Load the active profile's key (starts the Local sandbox if needed)")
        self.profile_button.clicked.connect(self.load)
        self._add_page(PROFILE, profile_note, self.profile_button)
        self._add_page(LIBRARY, self.library)
        self._add_page(FILE, self.file_button, self.file_label)
        self._add_page(PASTE, self.paste_edit)
        self._add_page(SECRET, self.secret_edit, self.secret_encoding)
        self._add_page(JWKS_URL, self.url_edit, self.url_button)
        self._add_page(ORG_KEYS, self.org_button)
        kid_row = QHBoxLayout()
        self.kid_combo = QComboBox()
        kid_row.addWidget(labelled("kid", self.kid_combo))
        self.kid_combo.setObjectName("keyKid")
        self.kid_combo.setToolTip("Which key of the set")
        self.kid_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kid_combo.setMinimumContentsLength(12)
        kid_row.addWidget(self.kid_combo, 1)
        self.kid_row = QWidget()
        self.kid_row.setLayout(kid_row)
        kid_row.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kid_row)
        self.status = wrapping_label()
        self.status.setObjectName("keyStatus")
        layout.addWidget(self.status)
        self.kid_row.hide()
        self.source.currentTextChanged.connect(self._on_source)
        self.library.activated.connect(lambda _i: self.load())
        self.file_button.clicked.connect(self._ask_file)
        self.paste_edit.textChanged.connect(self.load)
        self.secret_edit.textChanged.connect(self._secret_changed)
        self.secret_encoding.currentTextChanged.connect(self._secret_changed)
        self.url_button.clicked.connect(self.load)
        self.url_edit.returnPressed.connect(self.load)
        self.org_button.clicked.connect(self.load)
        self.kid_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.file_path: str | None = None

    def _add_page(self, name: str, *widgets: QWidget) -> None:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget, 1 if widget is widgets[0] else 0)
        if not widgets[0].accessibleName():  # the field a source shows is named by the source chosen
            widgets[0].setAccessibleName(name)
        self.pages[name] = page
        self.stack.addWidget(page)

    # --- the profile's keys -----------------------------------------------------------------------

    @property
    def keys(self) -> list[Key]:
        """Return the keys of the current source (a profile source's come from the session)."""
        if self.source.currentText() in PROFILE_SOURCES:
            return list(self._profile_keys(self.session).get(self.source.currentText(), ()))
        return list(self._own_keys)

    def _profile_keys(self, session: ProfileSession) -> dict[str, list[Key]]:
        return session.part(f"jwt.{'verify' if self.verify else 'sign'}.keys", dict, app=True)

    def profile_keys(self) -> list[Key]:
        """Return every key the chooser holds for the active profile (whatever source is shown)."""
        return [key for keys in self._profile_keys(self.session).values() for key in keys]

    def follow(self, session: ProfileSession, note: str) -> None:
        """Draw ``session``: a load for the old profile is dropped and a profile source says ``note``."""
        self.session = session
        if self.source.currentText() in PROFILE_SOURCES:
            self.request.cancel()
            keys = self.keys
            self.set_keys(keys, None if keys else note)

    # --- choosing ---------------------------------------------------------------------------------

    def refresh_library(self) -> None:
        """Fill the library list from the index (no secret store needed)."""
        current = self.library.currentText()
        self.library.clear()
        with contextlib.suppress(OktaToolError):
            self.library.addItems(self.context.library_names())
        if current:
            self.library.setCurrentText(current)
        if self.library.currentIndex() < 0 and self.library.count():
            self.library.setCurrentIndex(0)  # a placeholder keeps the index at -1 otherwise

    def _on_source(self, name: str) -> None:
        self._show_page(name)
        self.set_keys([])
        if name == LIBRARY:
            self.refresh_library()
            if self.library.count():
                self.load()
        elif name == PROFILE:
            self.load()
        elif name == SECRET:
            self._secret_changed()
        elif name == FILE and self.file_path:
            self.load()

    def _show_page(self, name: str) -> None:
        """Show one source's inputs; hidden pages take no room (a paste box would leave a gap)."""
        for page_name, page in self.pages.items():
            policy = QSizePolicy.Policy.Preferred if page_name == name else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.stack.setCurrentWidget(self.pages[name])
        self.stack.adjustSize()

    def show_source(self, name: str, note: str) -> None:
        """Show source ``name`` without loading anything yet (``note`` says what to do)."""
        self.source.blockSignals(True)
        self.source.setCurrentText(name)
        self.source.blockSignals(False)
        self._show_page(name)
        self.set_keys([], note)

    def set_source(self, name: str) -> None:
        """Switch to source ``name`` (one of the *_SOURCES) and load its keys."""
        if self.source.currentText() == name:
            self._on_source(name)
        else:
            self.source.setCurrentText(name)

    def _ask_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a key, key set or certificate", str(Path.home()),
                                              "Keys (*.pem *.json *.jwk *.jwks *.key *.crt *.cer *.der);;All files (*)")
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> asyncio.Task[None] | None:
        """Load the keys in ``path``."""
        self.file_path = path
        self.file_label.setText(Path(path).name)
        if self.source.currentText() != FILE:
            self.source.setCurrentText(FILE)
            return self.request.task
        return self.load()

    def _secret_changed(self) -> None:
        from oktatool.core.jose.jwt import secret_key

        self.request.cancel()
        text = self.secret_edit.text()
        self.secret_key = None
        if not text:
            self.set_keys([], "Type the shared secret.")
            return
        try:
            self.secret_key = secret_key(text, self.secret_encoding.currentText())
        except OktaToolError as exc:
            self.set_keys([], plain_message(exc), error=True)
            return
        self.set_keys([self.secret_key])

    def load(self) -> asyncio.Task[None] | None:
        """(Re)load the keys of the current source in the executor; the newest request wins."""
        source = self.source.currentText()
        if source == SECRET:
            self._secret_changed()
            return None
        if source == PASTE and not self.paste_edit.toPlainText().strip():
            self.set_keys([], "Paste a key.")
            return None
        self.status.setText("Loading…")
        self.status.setStyleSheet("")
        return self.request.start(self._load(source))

    async def _load(self, source: str) -> None:
        from oktatool.core.jose.verify import fetch_jwks

        generation = self.request.generation
        session = self.session
        note = None
        try:
            if source == PROFILE:
                keys = [await with_unlocked_store(self, self.context, self.context.profile_key, session.profile)]
            elif source == LIBRARY:
                name = self.library.currentText()
                if not name:
                    self.set_keys([], "The key library is empty: generate or import a key in the Keys tab.")
                    return
                keys = [await with_unlocked_store(self, self.context, lambda: self.context.key_library().load(name))]
            elif source == FILE:
                if not self.file_path:
                    self.set_keys([], "Open a key file.")
                    return
                keys = await tasks.run_blocking(_load_file, self.file_path)
            elif source == PASTE:
                keys = await tasks.run_blocking(_load_text, self.paste_edit.toPlainText())
            elif source == JWKS_URL:
                url = self.url_edit.text().strip()
                if not url:
                    self.set_keys([], "Type a JWKS URL, e.g. https://your-org.okta.com/oauth2/v1/keys.")
                    return
                keys = await tasks.run_blocking(fetch_jwks, url)
            else:
                url, ca_file = await tasks.run_blocking(org_keys_url, self.context, session.profile)
                keys = await tasks.run_blocking(fetch_jwks, url, ca_bundle=ca_file)
                note = f"{len(keys)} key(s) of the org's authorization server ({url})."
        except OktaToolError as exc:
            if self.request.is_current(generation) and not session.closed:
                self.set_keys([], plain_message(exc), error=True)
            return
        if self.request.is_current(generation) and not session.closed:
            self.set_keys(keys, note, session=session)

    def set_keys(self, keys: list[Key], note: str | None = None, *, error: bool = False,
                 session: ProfileSession | None = None) -> None:
        """Show ``keys`` (a kid chooser for a set) and tell listeners.

        A profile source keeps them in ``session`` (default: the one followed); keys loaded for a session that
        closed meanwhile are dropped.
        """
        if self.source.currentText() in PROFILE_SOURCES:
            session = session or self.session
            if session is not self.session or session.closed:
                return
            self._profile_keys(session)[self.source.currentText()] = list(keys)
        else:
            self._own_keys = list(keys)
        self.kid_combo.blockSignals(True)
        self.kid_combo.clear()
        if len(keys) > 1:
            if self.verify:
                self.kid_combo.addItem(EVERY_KEY)
            for key in keys:
                self.kid_combo.addItem(f"{key.public_id() or 'no kid'} ({key.describe()})")
        self.kid_combo.blockSignals(False)
        self.kid_row.setVisible(len(keys) > 1)
        if note is None:
            note = self.describe()
        self.status.setText(note)
        self.status.setStyleSheet(tone_style("error") if error else "")
        self.changed.emit()

    # --- answers ----------------------------------------------------------------------------------

    @property
    def is_secret(self) -> bool:
        """Return True when the key is a typed HMAC secret (short secrets warn instead of block)."""
        return self.source.currentText() == SECRET

    def selected_keys(self) -> list[Key]:
        """Return the key chosen, or every key of the set (verify mode, EVERY_KEY)."""
        if len(self.keys) <= 1:
            return list(self.keys)
        index = self.kid_combo.currentIndex()
        if self.verify:
            return list(self.keys) if index <= 0 else [self.keys[index - 1]]
        return [self.keys[max(index, 0)]]

    def selected_key(self) -> Key | None:
        """Return the one key chosen (the first of a set when none is picked)."""
        keys = self.selected_keys()
        return keys[0] if keys else None

    def describe(self) -> str:
        """Say what is chosen, and whether Okta accepts it for a client assertion."""
        key = self.selected_key()
        if key is None:
            return "No key chosen."
        if len(self.keys) > 1 and self.verify and self.kid_combo.currentIndex() <= 0:
            return f"{len(self.keys)} keys: the token's kid picks one; without a kid every key that fits is tried."
        return self.describe_key(key)

    def describe_key(self, key: Key) -> str:
        """Say what ``key`` is, and (signing) whether Okta accepts it for a client assertion."""
        from oktatool.core.jose.assertion import OKTA_ASSERTION_ALGS
        from oktatool.core.jose.jwa import usable_algs

        facts = f"{key.describe()}, {'private' if key.is_private else 'public'}"
        if key.kid and not key.is_symmetric:
            facts += f", kid {key.kid}"
        if key.alg:
            facts += f", alg {key.alg} only"
        if self.verify:
            return facts
        okta = [a for a in usable_algs(key) if a in OKTA_ASSERTION_ALGS]
        if key.is_symmetric:
            okta_note = "Okta does not accept a shared secret for a client assertion (use RSA or EC)."
        elif not key.is_private:
            okta_note = "Public only: signing needs the private key."
        elif okta:
            okta_note = f"Okta accepts it for a client assertion ({', '.join(okta)})."
        else:
            okta_note = "Okta does not accept this key type for a client assertion (use RSA or EC P-256/384/521)."
        return f"{facts}. {okta_note}"
