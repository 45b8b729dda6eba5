"""The Keys tab: generate or import a key, read and save its outputs, keep it in the key library.

Panels: ``generate_form`` (New key), ``import_panel`` (Paste, Open, drop), ``outputs`` (the labelled list
and one large viewer), ``library_panel`` (a drawer shown by the "Key library" button). Messages go to one
message line of fixed height, so nothing moves when one appears; confirmations go after a few seconds and
a message about the profile goes when the profile changes (the tab follows the profile's session).

Generation, loading and exporting run in the executor; a new request (Generate, import) makes the
previous one's result go unseen.

A generated key lives only here until a private output is copied or saved, or the key goes to the library.
When another key replaces one that was never kept, that one stays in memory: Previous key brings it back
(and swaps again), so a second click on Generate never loses a key without asking first.
"""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import KeyMaterialError, OktaToolError
from oktatool.gui import tasks
from oktatool.gui.keys.generate_form import NO_CHOICE, GenerateForm
from oktatool.gui.keys.import_panel import KEY_FILE_FILTER, ImportPanel, choose_key, dropped, load_keys_asking
from oktatool.gui.keys.outputs import OUTPUTS, Exports, OutputsPanel, export_all
from oktatool.gui.settings_follow import follow_profile, follow_settings
from oktatool.gui.widgets.accessible import RUN_KEYS, main_action, with_keys
from oktatool.gui.widgets.message_line import MessageLine
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.scroll_pane import ScrollPane
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.keys.key import Key, KeySpec
    from oktatool.core.store.settings import Settings
    from oktatool.gui.keys.library_panel import LibraryPanel

__all__ = ["NO_CHOICE", "OUTPUTS", "KeysTab", "key_facts"]

#: the least room the tab's content takes; below it the tab scrolls instead of crushing the viewer
CONTENT_MIN_WIDTH = 780
CONTENT_MIN_HEIGHT = 470
LIBRARY_WIDTH = 340


def key_facts(key: Key) -> str:
    """Return the one-line facts shown for the current key, as HTML (what the key's file chose is escaped)."""
    access = "private key" if key.is_private else "public key only"
    if key.is_symmetric:
        access = "shared secret"
    parts = [f"<b>{html.escape(key.describe())}</b>", access, f"kid <code>{html.escape(key.kid or '(none)')}</code>"]
    shown = key.shown_thumbprint()
    if shown:
        parts.append(f"thumbprint <code>{shown}</code>")
    if key.use:
        parts.append(f"use {html.escape(key.use)}")
    if key.alg:
        parts.append(f"alg {html.escape(key.alg)}")
    return " · ".join(parts)


def _key_refs(settings: Settings) -> frozenset[str]:
    return frozenset(p.key_ref for p in settings.profiles if p.key_ref)


class KeysTab(QWidget):
    """Generate, import, export and keep keys."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.key: Key | None = None
        #: the shown key with its outputs and where it came from, and whether it was kept anywhere
        self._shown: tuple[Key, Exports, str] | None = None
        self._kept = True
        #: the key shown before, never kept anywhere: Previous key brings it back
        self.previous: tuple[Key, Exports, str] | None = None
        self.request = tasks.LatestRequest()
        self.setAcceptDrops(True)
        content = QWidget()
        content.setMinimumSize(CONTENT_MIN_WIDTH, CONTENT_MIN_HEIGHT)
        scroll = ScrollPane(content)
        scroll.setObjectName("keysScroll")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        top = QHBoxLayout()
        self.form = GenerateForm()
        self.importer = ImportPanel()
        top.addWidget(self.form, 3)
        top.addWidget(self.importer, 2)
        layout.addLayout(top)
        layout.addLayout(self._build_facts_row())
        self.messages = MessageLine(2)
        self.messages.setObjectName("keysMessage")
        layout.addWidget(self.messages)
        self.outputs = OutputsPanel(self.messages)
        self._library: LibraryPanel | None = None  # built when first opened
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.outputs)
        self.splitter.setStretchFactor(0, 1)
        layout.addWidget(self.splitter, 1)
        self.form.generate_requested.connect(self.generate)
        main_action(self.form.generate_button, self, RUN_KEYS, "Generate a key with these options")
        self.importer.paste_button.clicked.connect(self.paste)
        self.importer.open_button.clicked.connect(self.open_file)
        self.outputs.kept.connect(lambda: self.mark_kept(self.key))
        self._key_refs = _key_refs(context.settings.settings)
        self._session: ProfileSession | None = None
        follow_settings(self, context, self._on_settings)
        follow_profile(self, context, self._reset)
        self.refresh_library()

    def _build_facts_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.facts = rich_label(QLabel("No key yet: generate one, or import one by pasting, opening or dropping a "
                                       "file."))
        self.facts.setObjectName("keyFacts")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setWordWrap(True)
        # the facts never widen the window; two lines are kept for them so nothing below moves
        self.facts.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.facts.setFixedHeight(self.facts.fontMetrics().lineSpacing() * 2 + 4)
        row.addWidget(self.facts, 1)
        self.kid_button = QPushButton("kid = thumbprint")
        self.kid_button.setToolTip("Recompute the kid as the key's RFC 7638 thumbprint (what Okta shows)")
        self.kid_button.setEnabled(False)
        self.kid_button.clicked.connect(self.recompute_kid)
        row.addWidget(self.kid_button)
        self.previous_button = QPushButton("Previous key")
        self.previous_button.setObjectName("previousKey")
        self.previous_button.setToolTip("Bring back the key shown before, which was not copied or saved anywhere "
                                        "(the shown key takes its place: a second click swaps them again)")
        self.previous_button.setEnabled(False)
        self.previous_button.clicked.connect(self.bring_back_previous)
        row.addWidget(self.previous_button)
        self.library_button = QPushButton("Key library")
        self.library_button.setObjectName("libraryToggle")
        self.library_button.setCheckable(True)
        self.library_button.setToolTip("Show or hide the keys kept in the secret store")
        self.library_button.toggled.connect(self.show_library)
        row.addWidget(self.library_button)
        return row

    # --- messages ----------------------------------------------------------------------------------------

    def _reset(self, session: ProfileSession) -> None:
        """Draw the active profile: a message about the one before is stale; the library names its key."""
        from oktatool.context import same_app

        previous, self._session = self._session, session
        if previous is not None and not same_app(previous.profile, session.profile):
            self.messages.clear_message()
        if self._library is not None:
            self._library.show_profile(session.profile)

    def profile_traces(self) -> list[str]:
        """Return the key reference of the active profile (what the library says it signs with)."""
        ref = self._session.profile.key_ref if self._session is not None else None
        return [ref] if ref else []

    def _on_settings(self, settings: Settings) -> None:
        """A profile that points at another key (set up or rotated in a dialog, which saved the key) changes
        the library."""
        refs = _key_refs(settings)
        if refs != self._key_refs:
            self._key_refs = refs
            self.refresh_library()

    @property
    def library(self) -> LibraryPanel:
        """The key library drawer (built on first use, hidden until opened)."""
        if self._library is None:
            from oktatool.gui.keys.library_panel import LibraryPanel

            self._library = LibraryPanel(self.context, self, self.messages)
            self._library.changed.connect(self._show_count)
            self._library.hide()
            self.splitter.addWidget(self._library)
            self.splitter.setStretchFactor(1, 0)
            self._library.refresh()
            self._library.show_profile(self.context.session.profile)
        return self._library

    def show_library(self, shown: bool = True) -> None:
        """Show or hide the key library drawer."""
        if self.library_button.isChecked() != shown:
            self.library_button.setChecked(shown)
            return
        self.library.setVisible(shown)
        if shown:
            total = max(self.splitter.width(), 2 * LIBRARY_WIDTH)
            self.splitter.setSizes([total - LIBRARY_WIDTH, LIBRARY_WIDTH])
            self.refresh_library()

    # --- generate and show ------------------------------------------------------------------------------

    def generate(self) -> asyncio.Task[None] | None:
        """Generate a key from the form in the executor (a newer request wins)."""
        self.form.clear_errors()
        problem = self.form.size_spin.problem() if self.form.size_spin.isVisibleTo(self.form) else None
        if problem is not None:
            self.form.show_field_error(self.form.size_spin, KeyMaterialError(problem))
            return None
        spec = self.form.spec()
        if spec.kid_mode == "custom" and not (spec.kid or "").strip():
            self.form.show_field_error(self.form.kid_edit,
                                       KeyMaterialError("type the custom kid, or choose another kid mode"))
            return None
        shape = f"{spec.kty} {spec.size or spec.crv or ''}".strip()
        self._set_busy(True, f"Generating {shape}…")
        return self.request.start(self._generate(spec))

    async def _generate(self, spec: KeySpec) -> None:
        from oktatool.core.keys.key import generate_key

        generation = self.request.generation
        try:
            key = await tasks.run_blocking(generate_key, spec)
            exports = await export_all(key, self.outputs.cert_options())
        except OktaToolError as exc:
            if self.request.is_current(generation):
                self.form.show_field_error(self.form.field_for(exc.description), exc)
            return
        finally:
            if self.request.is_current(generation):
                self._set_busy(False)
        if self.request.is_current(generation):
            self.show_key(key, exports, source="generated", kept=False)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.form.busy.setVisible(busy)
        self.form.generate_button.setToolTip(with_keys("Generating… a new click starts over with the options shown"
                                                       if busy else "Generate a key with these options", RUN_KEYS[0]))
        status = getattr(self.window(), "statusBar", None)
        if callable(status):
            if busy:
                status().showMessage(text)
            else:
                status().clearMessage()

    def show_key(self, key: Key, exports: Exports, *, source: str, kept: bool = True) -> None:
        """Make ``key`` the current key and show its outputs (``kept``: it is saved somewhere already).

        A key it replaces that was never kept becomes the previous key, unless it is the same key pair.
        """
        replaced = self._shown
        if replaced is not None and not self._kept and replaced[0].thumbprint() != key.thumbprint():
            self.previous = replaced
            self.messages.show_message("The key before was not copied or saved anywhere: Previous key brings it "
                                       "back.", "warn", timeout_ms=0)
        self._shown, self._kept = (key, exports, source), kept
        self.previous_button.setEnabled(self.previous is not None)
        self.key = key
        self.facts.setText(f"{key_facts(key)} · {html.escape(source)}")
        self.facts.setToolTip(self.facts.text())
        self.outputs.set_key(key, exports)
        self.kid_button.setEnabled(not key.is_symmetric and key.kid != key.thumbprint())
        if self._library is not None:
            self._library.update_buttons()

    def mark_kept(self, key: Key | None) -> None:
        """Note that ``key`` was copied or saved: replacing it no longer keeps it as the previous key."""
        if key is not None and self.key is key:
            self._kept = True

    def bring_back_previous(self) -> None:
        """Show the previous key again; the shown one becomes the previous key when it was never kept."""
        if self.previous is None:
            return
        self.request.cancel()
        self._set_busy(False)
        key, exports, source = self.previous
        self.previous = None
        self.show_key(key, exports, source=source, kept=False)
        self.messages.show_message("The previous key is back; it is not copied or saved anywhere yet.", "warn")

    async def show_library_key(self, key: Key, name: str) -> None:
        """Show ``key`` loaded from the library as ``name``."""
        try:
            exports = await export_all(key, self.outputs.cert_options())
        except OktaToolError as exc:
            self.messages.show_message(plain_message(exc), "error")
            return
        self.request.cancel()
        self.messages.clear_message()  # before: replacing a key never kept says so
        self.show_key(key, exports, source=f"from the library ({name})")

    def recompute_kid(self) -> asyncio.Task[None] | None:
        """Give the current key its RFC 7638 thumbprint as kid (e.g. an imported key with a made-up kid)."""
        if self.key is None or self.key.is_symmetric:
            return None
        return self.request.start(self._recompute_kid(self.key))

    async def _recompute_kid(self, key: Key) -> None:
        generation = self.request.generation
        renamed = key.with_thumbprint_kid()
        exports = await export_all(renamed, self.outputs.cert_options())
        if self.request.is_current(generation):
            self.show_key(renamed, exports, source=f"kid recomputed (was {key.kid or 'none'})", kept=self._kept)

    # --- import ------------------------------------------------------------------------------------------

    def paste(self) -> asyncio.Task[None] | None:
        """Import the key on the clipboard."""
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.messages.show_message("The clipboard holds no text. Copy a JWK, JWKS or PEM first.", "error")
            return None
        return self.import_data(text, "pasted")

    def open_file(self) -> None:
        """Ask for a key file and import it (File > Open)."""
        path, _ = QFileDialog.getOpenFileName(self, "Import a key", str(Path.home()), KEY_FILE_FILTER)
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
        self.messages.clear_message()
        try:
            if path is not None:
                from oktatool.core.files import read_input

                data = await tasks.run_blocking(read_input, str(path), what="key")
            assert data is not None
            keys = await load_keys_asking(data, self, lambda: self.request.is_current(generation))
            if keys is None:
                if self.request.is_current(generation):
                    self.messages.show_message("Import cancelled: the key is encrypted and needs its passphrase.",
                                               "error")
                return
            key = await choose_key(self, keys)
            if key is None:
                return
            exports = await export_all(key, self.outputs.cert_options())
        except OktaToolError as exc:
            if self.request.is_current(generation):
                self.messages.show_message(plain_message(exc), "error")
            return
        if self.request.is_current(generation):
            self.show_key(key, exports, source=source)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept dropped files and text."""
        if dropped(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Import a dropped file (or dropped text)."""
        found = dropped(event.mimeData())
        if isinstance(found, Path):
            self.import_file(found)
        elif isinstance(found, str):
            self.import_data(found, "dropped")
        event.acceptProposedAction()

    # --- window hooks ------------------------------------------------------------------------------------

    def save_file(self) -> None:
        """Save the shown output (File > Save)."""
        if self.key is not None:
            self.outputs.ask_and_save()

    def copy_current(self) -> None:
        """Copy the shown output (Edit > Copy)."""
        if self.key is not None:
            self.outputs.copy()

    async def prepare_screenshot(self) -> None:
        """Show a freshly generated RSA key's Okta JWKS, as a new user would see it."""
        self.form.kty.setCurrentText("RSA")
        self.form.alg.setCurrentText("RS256")
        self.outputs.select("jwks-public")
        task = self.generate()
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    async def self_test(self) -> str:
        """Generate an EC key in the executor and make every output of it (--self-test)."""
        from oktatool.core.keys.key import KeySpec, generate_key

        key = await tasks.run_blocking(generate_key, KeySpec("EC", crv="P-256"))
        exports = await export_all(key)
        missing = [fmt for fmt, (text, _note) in exports.items() if not text]
        if missing:
            raise RuntimeError(f"no {', '.join(missing)} output for an {key.describe()} key")
        return f"{len(exports)} outputs of an {key.describe()} key"

    def store_ready(self) -> None:
        """Say which store holds the library once it is open."""
        self.refresh_library()

    def refresh_library(self) -> None:
        """Reload the library list and count its keys on the drawer's button."""
        from oktatool.core.keys.library import read_entries

        if self._library is not None:
            self._library.refresh()  # counts them too
        else:
            self._show_count(len(read_entries(self.context.library_index)))

    def _show_count(self, count: int) -> None:
        self.library_button.setText(f"Key library ({count})" if count else "Key library")
