"""The Keys tab: generate (every option of the keys core), import, export side by side, and the key library.

Generation, loading and exporting run in the executor; a new request (Generate, import) makes the
previous one's result go unseen. Errors appear next to the field that caused them, in plain words.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import KeyMaterialError, OktaToolError, PassphraseError
from oktatool.core.keys.algs import DEFAULT_OCT_BITS, DEFAULT_RSA_BITS, EC_CURVES, KTYS, OKP_CURVES, check_use
from oktatool.core.keys.key import KID_MODES, Key, KeySpec, allowed_algs, generate_key, load_keys
from oktatool.gui import tasks
from oktatool.gui.models.key_library_model import COL_ADDED, COL_THUMBPRINT, KeyLibraryModel
from oktatool.gui.widgets.output_pane import OutputPane
from oktatool.gui.widgets.store_unlock import PassphraseDialog, ready_store
from oktatool.gui.widgets.tones import field_error_style, plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext

NO_CHOICE = "(none)"


@dataclass(frozen=True)
class PaneSpec:
    """One output: export format, title, where it goes, private or not, file suffix."""

    fmt: str
    title: str
    where: str
    private: bool
    suffix: str


PANES = (
    PaneSpec("jwks-public", "Public JWKS", "paste into Okta: Add key", False, ".jwks.json"),
    PaneSpec("jwk-public", "Public JWK", "paste into Okta: Add key", False, ".public.jwk.json"),
    PaneSpec("jwk", "Private JWK", "keep secret", True, ".private.jwk.json"),
    PaneSpec("pem-public", "Public PEM", "share with verifiers", False, ".public.pem"),
    PaneSpec("cert", "Certificate", "self-signed X.509, shareable", False, ".crt.pem"),
    PaneSpec("pem", "Private PEM", "keep secret", True, ".private.pem"),
)

Exports = dict[str, tuple[str | None, str | None]]


def export_one(key: Key, pane: PaneSpec, pem_passphrase: bytes | None) -> tuple[str | None, str | None]:
    """Return one pane's text for ``key``, or why there is none (runs in the executor)."""
    if pane.private and not key.is_private:
        return None, "This is a public key: there is no private part to show."
    try:
        return key.export(pane.fmt, passphrase=pem_passphrase if pane.fmt == "pem" else None), None
    except OktaToolError as exc:
        return None, exc.description


async def export_all(key: Key, pem_passphrase: bytes | None) -> Exports:
    """Return every pane's text for ``key``, one executor job per format.

    Exporting is Python work that holds the GIL; separate jobs let the GUI thread run between them.
    """
    return {pane.fmt: await tasks.run_blocking(export_one, key, pane, pem_passphrase) for pane in PANES}


def key_facts(key: Key) -> str:
    """Return the one-line facts shown for the current key."""
    access = "private key" if key.is_private else "public key only"
    if key.is_symmetric:
        access = "shared secret"
    parts = [f"<b>{key.describe()}</b>", access, f"kid <code>{key.kid or '(none)'}</code>",
             f"thumbprint <code>{key.thumbprint()}</code>"]
    if key.use:
        parts.append(f"use {key.use}")
    if key.alg:
        parts.append(f"alg {key.alg}")
    return " · ".join(parts)


class KeysTab(QWidget):
    """Generate, import, export and keep keys."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.key: Key | None = None
        self.request = tasks.LatestRequest()
        self.pem_request = tasks.LatestRequest()
        self.library_request = tasks.LatestRequest()
        self.setAcceptDrops(True)
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self._build_generate_box(), 3)
        top.addWidget(self._build_import_box(), 2)
        outer.addLayout(top)
        self.facts = QLabel("No key yet: generate one, or import one by pasting, opening or dropping a file.")
        self.facts.setObjectName("keyFacts")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setWordWrap(True)
        outer.addWidget(self.facts)
        splitter = QSplitter()
        splitter.addWidget(self._build_outputs())
        splitter.addWidget(self._build_library_box())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([780, 300])
        outer.addWidget(splitter, 1)
        self._on_kty_changed(self.kty.currentText())
        self.refresh_library()

    # --- construction ---------------------------------------------------------------------------

    def _build_generate_box(self) -> QGroupBox:
        box = QGroupBox("New key")
        grid = QGridLayout(box)
        self.kty = QComboBox()
        self.kty.addItems(KTYS)
        self.kty.setToolTip("RSA and EC keys work with Okta; OKP (Ed25519…) and oct are for other JOSE uses")
        self.size_spin = QSpinBox()
        self.size_spin.setSingleStep(1024)
        self.size_spin.setSuffix(" bits")
        self.crv = QComboBox()
        self.use = QComboBox()
        self.use.addItems([NO_CHOICE, "sig", "enc"])
        self.use.setCurrentText("sig")
        self.alg = QComboBox()
        self.alg.setMinimumContentsLength(8)
        self.kid_mode = QComboBox()
        self.kid_mode.addItems(KID_MODES)
        self.kid_mode.setToolTip("thumbprint: RFC 7638 SHA-256 of the public key (what Okta shows)")
        self.kid_edit = QLineEdit()
        self.kid_edit.setPlaceholderText("custom kid")
        self.kid_edit.setEnabled(False)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setDefault(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.size_label = QLabel("Size")
        self.gen_error = QLabel()
        self.gen_error.setObjectName("generateError")
        self.gen_error.setWordWrap(True)
        self.gen_error.hide()
        grid.addWidget(QLabel("Type"), 0, 0)
        grid.addWidget(self.kty, 0, 1)
        grid.addWidget(self.size_label, 0, 2)
        grid.addWidget(self.size_spin, 0, 3)
        grid.addWidget(self.crv, 0, 3)
        grid.addWidget(QLabel("Use"), 0, 4)
        grid.addWidget(self.use, 0, 5)
        grid.addWidget(QLabel("Alg"), 0, 6)
        grid.addWidget(self.alg, 0, 7)
        grid.addWidget(QLabel("kid"), 1, 0)
        grid.addWidget(self.kid_mode, 1, 1)
        grid.addWidget(self.kid_edit, 1, 2, 1, 4)
        row = QHBoxLayout()
        row.addWidget(self.busy)
        row.addWidget(self.generate_button)
        grid.addLayout(row, 1, 6, 1, 2)
        grid.addWidget(self.gen_error, 2, 0, 1, 8)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(7, 1)
        self.kty.currentTextChanged.connect(self._on_kty_changed)
        self.size_spin.valueChanged.connect(self._refresh_algs)
        self.crv.currentTextChanged.connect(self._refresh_algs)
        self.use.currentTextChanged.connect(self._refresh_algs)
        self.kid_mode.currentTextChanged.connect(self._on_kid_mode)
        self.kid_edit.textChanged.connect(lambda _text: self._clear_field_errors())
        self.generate_button.clicked.connect(self.generate)
        return box

    def _build_import_box(self) -> QGroupBox:
        box = QGroupBox("Import a key")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.paste_button = QPushButton("Paste")
        self.paste_button.setToolTip("Import the JWK, JWKS, PEM or certificate on the clipboard")
        self.open_button = QPushButton("Open file…")
        row.addWidget(self.paste_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout.addLayout(row)
        hint = QLabel("…or drop a key file here. JWK, JWKS, mkjwk JSON, PEM (PKCS#8, encrypted, PKCS#1, SEC1, "
                      "SPKI), certificates and DER.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.import_error = QLabel()
        self.import_error.setObjectName("importError")
        self.import_error.setWordWrap(True)
        self.import_error.hide()
        layout.addWidget(self.import_error)
        self.paste_button.clicked.connect(self.paste)
        self.open_button.clicked.connect(self.open_file)
        return box

    def _build_outputs(self) -> QWidget:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        self.panes: dict[str, OutputPane] = {}
        for index, spec in enumerate(PANES):
            pane = OutputPane(spec.fmt, spec.title, spec.where, private=spec.private, suffix=spec.suffix)
            self.panes[spec.fmt] = pane
            grid.addWidget(pane, index // 3, index % 3)
        self.pem_passphrase = QLineEdit()
        self.pem_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.pem_passphrase.setPlaceholderText("optional passphrase")
        self.pem_passphrase.setToolTip("Type a passphrase to encrypt the private PEM (PKCS#8)")
        self.panes["pem"].extra.addWidget(self.pem_passphrase)
        self.pem_passphrase.textChanged.connect(self._reexport_pem)
        return holder

    def _build_library_box(self) -> QGroupBox:
        box = QGroupBox("Key library")
        layout = QVBoxLayout(box)
        self.library_store = QLabel("Keys are kept in the secret store; this list shows public facts only.")
        self.library_store.setWordWrap(True)
        layout.addWidget(self.library_store)
        self.library_model = KeyLibraryModel(self)
        self.library_view = QTableView()
        self.library_view.setModel(self.library_model)
        self.library_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.library_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.library_view.verticalHeader().hide()
        self.library_view.setWordWrap(False)
        self.library_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.library_view.horizontalHeader().setStretchLastSection(True)
        self.library_view.setColumnHidden(COL_THUMBPRINT, True)
        self.library_view.setColumnHidden(COL_ADDED, True)
        layout.addWidget(self.library_view, 1)
        grid = QGridLayout()
        self.save_key_button = QPushButton("Save current…")
        self.load_key_button = QPushButton("Open")
        self.rename_key_button = QPushButton("Rename…")
        self.delete_key_button = QPushButton("Delete…")
        self.use_key_button = QPushButton("Use for profile")
        self.use_key_button.setToolTip("Sign this profile's client assertions with the selected key")
        grid.addWidget(self.save_key_button, 0, 0)
        grid.addWidget(self.load_key_button, 0, 1)
        grid.addWidget(self.rename_key_button, 1, 0)
        grid.addWidget(self.delete_key_button, 1, 1)
        grid.addWidget(self.use_key_button, 2, 0, 1, 2)
        layout.addLayout(grid)
        self.library_error = QLabel()
        self.library_error.setObjectName("libraryError")
        self.library_error.setWordWrap(True)
        self.library_error.hide()
        layout.addWidget(self.library_error)
        self.save_key_button.clicked.connect(self.save_to_library)
        self.load_key_button.clicked.connect(lambda: self.library_request.start(self._load_selected()))
        self.rename_key_button.clicked.connect(lambda: self.library_request.start(self._rename_selected()))
        self.delete_key_button.clicked.connect(lambda: self.library_request.start(self._delete_selected()))
        self.use_key_button.clicked.connect(self.use_selected_for_profile)
        self.library_view.selectionModel().selectionChanged.connect(lambda *_: self._update_library_buttons())
        self.library_view.doubleClicked.connect(lambda *_: self.library_request.start(self._load_selected()))
        self._update_library_buttons()
        return box

    # --- generation options -----------------------------------------------------------------------

    def _on_kty_changed(self, kty: str) -> None:
        sized = kty in ("RSA", "oct")
        self.size_spin.setVisible(sized)
        self.crv.setVisible(not sized)
        self.size_label.setText("Size" if sized else "Curve")
        self.size_spin.blockSignals(True)
        if kty == "RSA":
            self.size_spin.setRange(1024, 8192)
            self.size_spin.setSingleStep(1024)
            self.size_spin.setValue(DEFAULT_RSA_BITS)
        elif kty == "oct":
            self.size_spin.setRange(64, 1024)
            self.size_spin.setSingleStep(64)
            self.size_spin.setValue(DEFAULT_OCT_BITS)
        self.size_spin.blockSignals(False)
        self.crv.blockSignals(True)
        self.crv.clear()
        self.crv.addItems(EC_CURVES if kty == "EC" else OKP_CURVES if kty == "OKP" else ())
        self.crv.blockSignals(False)
        self._refresh_algs()

    def _on_kid_mode(self, mode: str) -> None:
        self.kid_edit.setEnabled(mode == "custom")
        if mode == "custom":
            self.kid_edit.setFocus()
        self._clear_field_errors()

    def _shape(self) -> tuple[str, int | None, str | None, str | None]:
        kty = self.kty.currentText()
        size = self.size_spin.value() if kty in ("RSA", "oct") else None
        crv = self.crv.currentText() or None if kty in ("EC", "OKP") else None
        use = self.use.currentText()
        return kty, size, crv, None if use == NO_CHOICE else use

    def _refresh_algs(self) -> None:
        """Offer only the algorithms the keys core allows for this type, size or curve, and use."""
        kty, size, crv, use = self._shape()
        previous = self.alg.currentText()
        self.alg.blockSignals(True)
        self.alg.clear()
        self.alg.addItem(NO_CHOICE)
        self._clear_field_errors()
        try:
            algs = allowed_algs(kty, size=size, crv=crv, use=use)
            check_use(kty, size=size, crv=crv, use=use)
        except KeyMaterialError as exc:
            self.show_field_error(self.use, exc)
            algs = ()
        self.alg.addItems(algs)
        if previous in algs:
            self.alg.setCurrentText(previous)
        self.alg.blockSignals(False)

    def spec(self) -> KeySpec:
        """Return the KeySpec the controls describe."""
        kty, size, crv, use = self._shape()
        alg = self.alg.currentText()
        mode = self.kid_mode.currentText()
        return KeySpec(kty=kty, size=size, crv=crv, use=use, alg=None if alg in ("", NO_CHOICE) else alg,
                       kid_mode=mode, kid=self.kid_edit.text() if mode == "custom" else None)

    # --- errors next to fields ---------------------------------------------------------------------

    def _clear_field_errors(self) -> None:
        self.gen_error.hide()
        for widget in (self.size_spin, self.crv, self.use, self.alg, self.kid_edit):
            widget.setStyleSheet("")

    def _field_for(self, message: str) -> QWidget | None:
        text = message.lower()
        if "kid" in text:
            return self.kid_edit
        if "size" in text or "bits" in text:
            return self.size_spin
        if " alg" in text or text.startswith("alg"):
            return self.alg
        if "use" in text:
            return self.use
        if "curve" in text:
            return self.crv
        return None

    def show_field_error(self, widget: QWidget | None, exc: OktaToolError) -> None:
        """Mark ``widget`` and say what is wrong under the options."""
        if widget is not None:
            widget.setStyleSheet(field_error_style())
        self.gen_error.setStyleSheet(tone_style("error"))
        self.gen_error.setText(plain_message(exc))
        self.gen_error.show()

    def _show_import_error(self, text: str | None) -> None:
        self.import_error.setStyleSheet(tone_style("error"))
        self.import_error.setText(text or "")
        self.import_error.setVisible(bool(text))

    # --- generate and show ---------------------------------------------------------------------------

    def generate(self) -> asyncio.Task[None] | None:
        """Generate a key from the controls in the executor (a newer request wins)."""
        self._clear_field_errors()
        spec = self.spec()
        if spec.kid_mode == "custom" and not (spec.kid or "").strip():
            self.show_field_error(self.kid_edit, KeyMaterialError("type the custom kid, or choose another kid mode"))
            return None
        shape = f"{spec.kty} {spec.size or spec.crv or ''}".strip()
        self._set_busy(True, f"Generating {shape}…")
        return self.request.start(self._generate(spec))

    async def _generate(self, spec: KeySpec) -> None:
        generation = self.request.generation
        try:
            key = await tasks.run_blocking(generate_key, spec)
            exports = await export_all(key, self._pem_passphrase())
        except OktaToolError as exc:
            if self.request.is_current(generation):
                self.show_field_error(self._field_for(exc.description), exc)
            return
        finally:
            if self.request.is_current(generation):
                self._set_busy(False)
        if self.request.is_current(generation):
            await self.show_key(key, exports, source="generated")

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy.setVisible(busy)
        self.generate_button.setToolTip("Generating… a new click starts over with the options shown" if busy
                                        else "Generate a key with these options")
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            if busy:
                status().showMessage(text)
            else:
                status().clearMessage()

    def _pem_passphrase(self) -> bytes | None:
        text = self.pem_passphrase.text()
        return text.encode("utf-8") if text else None

    async def show_key(self, key: Key, exports: Exports, *, source: str) -> None:
        """Make ``key`` the current key and fill every pane.

        One pane per loop turn, so each repaint is small: filling and painting six panes at once (an
        RSA-4096 private JWK wraps to dozens of lines) would hold the GUI thread for ~50 ms on a slow machine.
        """
        self.key = key
        self.facts.setText(f"{key_facts(key)} · {source}")
        self._show_import_error(None)
        self._update_library_buttons()
        stem = (key.kid or key.thumbprint())[:40].replace("/", "_")
        for fmt, pane in self.panes.items():
            if self.key is not key:
                return  # a newer key is being shown
            text, note = exports[fmt]
            pane.set_text(text, note)
            pane.file_stem = stem
            await asyncio.sleep(0.005)

    def _reexport_pem(self) -> None:
        if self.key is not None and self.key.is_private:
            self.pem_request.start(self._export_pem(self.key))

    async def _export_pem(self, key: Key) -> None:
        generation = self.pem_request.generation
        try:
            text: str | None = await tasks.run_blocking(key.export, "pem", passphrase=self._pem_passphrase())
            note = None
        except OktaToolError as exc:
            text, note = None, exc.description
        if self.pem_request.is_current(generation) and key is self.key:
            self.panes["pem"].set_text(text, note)

    # --- import ----------------------------------------------------------------------------------------

    def paste(self) -> asyncio.Task[None] | None:
        """Import the key on the clipboard."""
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self._show_import_error("The clipboard holds no text. Copy a JWK, JWKS or PEM first.")
            return None
        return self.import_data(text, "pasted")

    def open_file(self) -> None:
        """Ask for a key file and import it (File > Open)."""
        path, _ = QFileDialog.getOpenFileName(self, "Import a key", str(Path.home()),
                                              "Keys (*.json *.jwk *.jwks *.pem *.key *.crt *.cer *.der *.pub);;"
                                              "All files (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> asyncio.Task[None]:
        """Import the key in ``path`` (read in the executor)."""
        return self.request.start(self._import(None, path, f"from {path.name}"))

    def import_data(self, data: str | bytes, source: str) -> asyncio.Task[None]:
        """Import a key from text or bytes."""
        return self.request.start(self._import(data, None, source))

    async def _import(self, data: str | bytes | None, path: Path | None, source: str) -> None:
        generation = self.request.generation
        self._show_import_error(None)
        passphrase: bytes | None = None
        try:
            if path is not None:
                from oktatool.core.files import read_input

                data = await tasks.run_blocking(read_input, str(path), what="key")
            assert data is not None
            while True:
                try:
                    keys = await tasks.run_blocking(load_keys, data, passphrase=passphrase)
                    break
                except PassphraseError as exc:
                    if not self.request.is_current(generation):
                        return
                    passphrase = await self._ask_passphrase(exc, retry=passphrase is not None)
                    if passphrase is None:
                        self._show_import_error("Import cancelled: the key is encrypted and needs its passphrase.")
                        return
            key = await self._choose_key(keys)
            if key is None:
                return
            exports = await export_all(key, self._pem_passphrase())
        except OktaToolError as exc:
            if self.request.is_current(generation):
                self._show_import_error(plain_message(exc))
            return
        if self.request.is_current(generation):
            await self.show_key(key, exports, source=source)

    async def _ask_passphrase(self, exc: PassphraseError, *, retry: bool) -> bytes | None:
        text = ("That passphrase does not decrypt the key. Type it again." if retry
                else "This private key is encrypted. Type its passphrase to import it.")
        dialog = PassphraseDialog("Encrypted key", text, confirm=False, parent=self)
        if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
            return None
        return dialog.value()

    async def _choose_key(self, keys: list[Key]) -> Key | None:
        groups: dict[str, list[Key]] = {}
        for key in keys:
            groups.setdefault(key.thumbprint(), []).append(key)
        best = [next((k for k in group if k.is_private), group[0]) for group in groups.values()]
        if len(best) == 1:
            return best[0]
        labels = [f"{k.kid or '(no kid)'}: {k.describe()}, {'private' if k.is_private else 'public'}" for k in best]
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Choose a key")
        dialog.setLabelText(f"The input holds {len(best)} keys. Which one?")
        dialog.setComboBoxItems(labels)
        if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
            return None
        return best[labels.index(dialog.textValue())]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept dropped files and text."""
        if self._dropped(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Import a dropped file (or dropped text)."""
        dropped = self._dropped(event.mimeData())
        if isinstance(dropped, Path):
            self.import_file(dropped)
        elif isinstance(dropped, str):
            self.import_data(dropped, "dropped")
        event.acceptProposedAction()

    @staticmethod
    def _dropped(mime: QMimeData) -> Path | str | None:
        if mime.hasUrls():
            local = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
            return Path(local[0]) if local else None
        if mime.hasText() and mime.text().strip():
            return mime.text()
        return None

    # --- menu hooks ---------------------------------------------------------------------------------

    def save_file(self) -> None:
        """Save the Okta-ready public JWKS (File > Save)."""
        if self.key is not None:
            self.panes["jwks-public"].ask_and_save()

    def copy_current(self) -> None:
        """Copy the Okta-ready public JWKS (Edit > Copy)."""
        if self.key is not None:
            self.panes["jwks-public"].copy()

    async def prepare_screenshot(self) -> None:
        """Show a freshly generated RSA key, as a new user would see it."""
        self.kty.setCurrentText("RSA")
        self.alg.setCurrentText("RS256")
        task = self.generate()
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    # --- key library ------------------------------------------------------------------------------------

    def store_ready(self) -> None:
        """Say which store holds the library once it is open."""
        self.refresh_library()

    def refresh_library(self) -> None:
        """Reload the library list (public facts only: no unlocking needed)."""
        from oktatool.core.keys.library import read_entries

        selected = self.selected_name()
        store = self.context.opened_store
        where = f"in the {store.short_name}" if store is not None else "in the secret store"
        self.library_store.setText(f"Keys are kept {where}; this list shows public facts only.")
        self.library_model.set_entries(read_entries(self.context.library_index))
        row = self.library_model.row_of(selected) if selected else -1
        if row >= 0:
            self.library_view.selectRow(row)
        self._update_library_buttons()

    def selected_name(self) -> str | None:
        """Return the name of the selected library key."""
        rows = self.library_view.selectionModel().selectedRows() if self.library_view.selectionModel() else []
        return self.library_model.entry(rows[0].row()).name if rows else None

    def _update_library_buttons(self) -> None:
        chosen = self.selected_name() is not None
        for button in (self.load_key_button, self.rename_key_button, self.delete_key_button, self.use_key_button):
            button.setEnabled(chosen)
        self.save_key_button.setEnabled(self.key is not None)

    def _library_message(self, text: str | None, *, error: bool = True) -> None:
        self.library_error.setStyleSheet(tone_style("error") if error else "")
        self.library_error.setText(text or "")
        self.library_error.setVisible(bool(text))

    def save_to_library(self) -> asyncio.Task[None] | None:
        """Ask for a name and store the current key in the secret store."""
        if self.key is None:
            return None
        return self.library_request.start(self._save_to_library(self.key))

    async def _ask_text(self, title: str, label: str, value: str) -> str | None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(value)
        if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
            return None
        return dialog.textValue()

    async def _save_to_library(self, key: Key, name: str | None = None) -> None:
        if name is None:
            name = await self._ask_text("Save to the key library", "Name for this key:",
                                        key.kid if key.kid and len(key.kid) < 40 else key.describe())
            if name is None:
                return
        store = await ready_store(self.context, self)
        if store is None:
            self._library_message("Not saved: the secret store stayed locked.")
            return
        try:
            library = await tasks.run_blocking(self.context.key_library)
            entry = await tasks.run_blocking(library.save, name, key)
        except OktaToolError as exc:
            self._library_message(plain_message(exc))
            return
        self._library_message(f"Saved {entry.name!r} in the {store.short_name}.", error=False)
        self.refresh_library()
        self.library_view.selectRow(self.library_model.row_of(entry.name))

    async def _load_selected(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        if await ready_store(self.context, self) is None:
            return
        try:
            library = await tasks.run_blocking(self.context.key_library)
            key = await tasks.run_blocking(library.load, name)
            exports = await export_all(key, self._pem_passphrase())
        except OktaToolError as exc:
            self._library_message(plain_message(exc))
            return
        self.request.cancel()
        await self.show_key(key, exports, source=f"from the library ({name})")
        self._library_message(None)

    async def _rename_selected(self, new: str | None = None) -> None:
        old = self.selected_name()
        if old is None:
            return
        if new is None:
            new = await self._ask_text("Rename key", f"New name for {old!r}:", old)
            if new is None:
                return
        if await ready_store(self.context, self) is None:
            return
        try:
            library = await tasks.run_blocking(self.context.key_library)
            entry = await tasks.run_blocking(library.rename, old, new)
            self.context.save_settings(self.context.settings.settings.with_key_renamed(old, entry.name))
        except OktaToolError as exc:
            self._library_message(plain_message(exc))
            return
        self._library_message(None)
        self.refresh_library()
        self.library_view.selectRow(self.library_model.row_of(entry.name))

    async def _delete_selected(self, confirmed: bool = False) -> None:
        name = self.selected_name()
        if name is None:
            return
        if not confirmed and self.context.settings.settings.preferences.confirm_delete:
            users = [p.name for p in self.context.settings.settings.profiles if p.key_ref == name]
            extra = f" The profile(s) {', '.join(users)} use it and will have no key." if users else ""
            box = QMessageBox(QMessageBox.Icon.Warning, "Delete key",
                              f"Delete the key {name!r} from the secret store? This cannot be undone.{extra}",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if await tasks.dialog_result(box) != QMessageBox.StandardButton.Yes.value:
                return
        if await ready_store(self.context, self) is None:
            return
        try:
            library = await tasks.run_blocking(self.context.key_library)
            await tasks.run_blocking(library.delete, name)
            self.context.save_settings(self.context.settings.settings.with_key_renamed(name, None))
        except OktaToolError as exc:
            self._library_message(plain_message(exc))
            return
        self._library_message(f"Deleted {name!r}.", error=False)
        self.refresh_library()

    def use_selected_for_profile(self) -> None:
        """Make the selected key the active profile's key."""
        name = self.selected_name()
        if name is None:
            return
        settings = self.context.settings.settings
        profile = settings.profile()
        try:
            self.context.save_settings(settings.with_profile(replace(profile, key_ref=name), replacing=profile.name))
        except OktaToolError as exc:
            self._library_message(plain_message(exc))
            return
        self._library_message(f"The profile {profile.name!r} now signs with {name!r}.", error=False)
