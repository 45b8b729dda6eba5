"""The JWT tab: one workflow with an editor side (template, key, header, claims) and a token side (token, decoder,
verifier).

Editing signs a new token (in the executor: RSA-4096 takes tens of milliseconds; ``signing.SigningPart``); pasting,
dropping or opening a token decodes it into the editor and is never re-signed unless the user presses Sign
(``decoding.DecodingPart``). With the Okta client-assertion template every Okta rule is checked as you type, beside
its field, quoting Okta's error.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from oktatool.gui import tasks
from oktatool.gui.jwt.claims_panel import ClaimsPanel, wrapping_label
from oktatool.gui.jwt.decoding import DecodingPart
from oktatool.gui.jwt.header_panel import HeaderPanel
from oktatool.gui.jwt.key_chooser import PROFILE, PROFILE_SOURCES, KeyChooser
from oktatool.gui.jwt.output import TokenOutput
from oktatool.gui.jwt.signing import SigningPart
from oktatool.gui.jwt.template_panel import OKTA, TemplatePanel
from oktatool.gui.jwt.token_box import TokenBox
from oktatool.gui.jwt.verify_panel import VerifyPanel
from oktatool.gui.settings_follow import follow_profile
from oktatool.gui.widgets.accessible import COPY_TOKEN_KEYS, RUN_KEYS, main_action
from oktatool.gui.widgets.scroll_pane import ScrollPane
from oktatool.gui.widgets.tones import tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession

#: wait this long after the last keystroke before signing again
SIGN_DELAY_MS = 120
#: wait this long after the last change of the token text before decoding it
DECODE_DELAY_MS = 150


class JwtTab(QWidget, SigningPart, DecodingPart):
    """Build, sign, decode and verify JWTs; Okta client assertions and DPoP proofs from templates."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setAcceptDrops(True)
        self.sign_request = tasks.LatestRequest()
        self.output = TokenOutput(self, self.current_token, self._status)
        self._session: ProfileSession | None = None
        self.tracking = True  # the token follows the editor; False after a token was pasted/opened
        self._setting_token = False
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.editor_area = self._scrolled(self._build_editor())
        self.token_area = self._scrolled(self._build_token_side())
        splitter.addWidget(self.editor_area)
        splitter.addWidget(self.token_area)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self.sign_timer = QTimer(self)
        self.sign_timer.setSingleShot(True)
        self.sign_timer.setInterval(SIGN_DELAY_MS)
        self.sign_timer.timeout.connect(self.sign)
        self.decode_timer = QTimer(self)
        self.decode_timer.setSingleShot(True)
        self.decode_timer.setInterval(DECODE_DELAY_MS)
        self.decode_timer.timeout.connect(self.decode_current)
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()
        self.claims.set_claims({})
        self.signer.show_source(PROFILE, "")
        self.verifier.keys.show_source(PROFILE, "")
        follow_profile(self, context, self._reset)

    @staticmethod
    def _scrolled(widget: QWidget) -> QScrollArea:
        area = ScrollPane(widget)  # a button waiting for its work leaves the pane where it is
        area.setFrameShape(QFrame.Shape.StyledPanel)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setMinimumWidth(300)
        return area

    # --- construction -----------------------------------------------------------------------------

    def _build_editor(self) -> QWidget:
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(2, 2, 2, 2)
        self.templates = TemplatePanel(self.context)
        layout.addWidget(self.templates)
        key_box = QGroupBox("Signing key")
        key_layout = QVBoxLayout(key_box)
        self.signer = KeyChooser(self.context, verify=False)
        self.signer.setObjectName("signingKey")
        key_layout.addWidget(self.signer)
        self.key_note = wrapping_label()
        self.key_note.setObjectName("keyNote")
        self.key_note.hide()
        key_layout.addWidget(self.key_note)
        layout.addWidget(key_box)
        header_box = QGroupBox("Header")
        header_layout = QVBoxLayout(header_box)
        self.header = HeaderPanel()
        header_layout.addWidget(self.header)
        layout.addWidget(header_box)
        claims_box = QGroupBox("Claims")
        claims_layout = QVBoxLayout(claims_box)
        self.claims = ClaimsPanel()
        claims_layout.addWidget(self.claims)
        layout.addWidget(claims_box, 1)
        self.preflight = wrapping_label()
        self.preflight.setObjectName("preflightSummary")
        layout.addWidget(self.preflight)
        self.templates.attach(self.signer, self.header, self.claims)
        self.templates.applied.connect(self._edited)
        self.template, self.apply_button, self.template_note = (self.templates.combo, self.templates.apply_button,
                                                                self.templates.note)
        self.dpop_row, self.htm, self.htu, self.access_token = (self.templates.dpop_row, self.templates.htm,
                                                                self.templates.htu, self.templates.access_token)
        self.template_request = self.templates.request
        self.apply_button.clicked.connect(self.apply_template)
        self.signer.changed.connect(self._key_changed)
        self.header.changed.connect(self._edited)
        self.claims.changed.connect(self._edited)
        return side

    def _build_token_side(self) -> QWidget:
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(2, 2, 2, 2)
        box = TokenBox()
        self.token, self.size_label, self.token_status = box.token, box.size_label, box.status
        self.sign_button, self.open_button, self.copy_button, self.save_button = (
            box.sign_button, box.open_button, box.copy_button, box.save_button)
        self.console_button, self.assertion_button = box.console_button, box.assertion_button
        layout.addWidget(box, 1)
        decoded = QGroupBox("Decoded and verified")
        decoded_layout = QVBoxLayout(decoded)
        self.verifier = VerifyPanel(self.context)
        decoded_layout.addWidget(self.verifier)
        layout.addWidget(decoded, 2)
        self.token.textChanged.connect(self._token_edited)
        self.token.refused.connect(lambda text: self._status(text, error=True))
        self.token.file_dropped.connect(lambda path: self.open_path(Path(path)))
        self.sign_button.clicked.connect(self.sign_now)
        self.open_button.clicked.connect(self.open_file)
        self.copy_button.clicked.connect(self.copy_current)
        main_action(self.sign_button, self, RUN_KEYS, self.sign_button.toolTip())
        main_action(self.copy_button, self, COPY_TOKEN_KEYS, self.copy_button.toolTip())
        self.save_button.clicked.connect(self.save_file)
        self.console_button.clicked.connect(self.send_to_console)
        self.assertion_button.clicked.connect(self.use_as_assertion)
        self._update_buttons()
        return side

    # --- status and the clock ---------------------------------------------------------------------

    def _status(self, text: str, *, error: bool = False) -> None:
        style = tone_style("error") if error else ""
        if self.token_status.text() != text:
            self.token_status.setText(text)
        if self.token_status.styleSheet() != style:
            self.token_status.setStyleSheet(style)

    def _update_buttons(self) -> None:
        has = bool(self.token.toPlainText().strip())
        for button in (self.copy_button, self.save_button, self.console_button, self.assertion_button):
            button.setEnabled(has)
        self._update_size(self.token.toPlainText())

    def _tick(self) -> None:
        if not self.isVisible():
            return
        self.claims.refresh_times()
        self.verifier.tick()
        if self.template.currentText() == OKTA and self.templates.org is not None:
            self._run_preflight()

    # --- window hooks and output ------------------------------------------------------------------

    def current_token(self) -> str:
        """Return the token shown (stripped)."""
        return self.token.toPlainText().strip()

    def copy_current(self) -> None:
        """Copy the token as a secret."""
        self.output.copy()

    def save_file(self) -> None:
        """Ask where to save the token (readable only by you)."""
        self.output.ask_and_save()

    def save_to(self, path: Path) -> bool:
        """Write the token to ``path`` with mode 0600."""
        return self.output.save_to(path)

    def send_to_console(self) -> bool:
        """Put the token in the Console's Authorization header (when the Console offers it)."""
        return self.output.send_to_console()

    def use_as_assertion(self) -> bool:
        """Hand the token to the Console as a client assertion, or copy it and say how to use it."""
        return self.output.use_as_assertion()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept a dropped file or text."""
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Decode a dropped file or text."""
        mime = event.mimeData()
        if mime.hasUrls() and mime.urls()[0].isLocalFile():
            self.open_path(Path(mime.urls()[0].toLocalFile()))
        elif mime.hasText():
            self.token.clear()
            self.token.insertFromMimeData(mime)
            self.decode_current()
        event.acceptProposedAction()

    def _reset(self, session: ProfileSession) -> None:
        """Draw the active profile's session: nothing loaded, built or signed for another profile is left.

        Its keys lived in the old session, so no Sign can use them; an Okta assertion built for it leaves the
        editor, and a token signed with its key leaves the token box (it no longer looks current).
        """
        from oktatool.context import same_app

        previous, self._session = self._session, session
        name = session.profile.name
        signed_with_profile = (self.tracking and bool(self.current_token())
                               and self.signer.source.currentText() in PROFILE_SOURCES)
        editor_from_profile = self.templates.follow(session)
        self.signer.follow(session, f"Press Load to sign with the key of {name}, apply the Okta client assertion "
                                    "template, or choose another source.")
        self.verifier.keys.follow(session, f"Press Load to verify with the key of {name}, or choose another "
                                           "source.")
        self.signer.refresh_library()
        if previous is None or same_app(previous.profile, session.profile):
            return  # the first draw, or the same app and key (only the picked scopes or DPoP changed)
        if editor_from_profile:
            for part in (self.header, self.claims):
                part.blockSignals(True)
            self.header.kid.setText("")
            self.claims.set_claims({})
            for part in (self.header, self.claims):
                part.blockSignals(False)
            self._run_preflight()
        if signed_with_profile or editor_from_profile:
            self.sign_request.cancel()
            self.sign_timer.stop()
            self._setting_token = True
            try:
                self.token.clear()
            finally:
                self._setting_token = False
            self.verifier.show_decoded("", None)
            self._update_buttons()
            self._status(f"The token built for {previous.profile.name} was cleared: the active profile is now "
                         f"{name}.")

    def profile_traces(self) -> list[str]:
        """Return the profile's key ids and thumbprints, the org and app of its assertion, and its token."""
        traces: list[str] = []
        for key in [*self.signer.profile_keys(), *self.verifier.keys.profile_keys()]:
            traces += [key.kid or "", key.thumbprint()]
        target = self.templates.target()
        if target.org is not None:
            traces += [target.org.base, target.client_id]
        from_profile = self.templates.filled_from_profile or self.signer.source.currentText() in PROFILE_SOURCES
        if self.current_token() and self.tracking and from_profile:
            traces.append(self.current_token())
        return [trace for trace in traces if trace]

    def store_ready(self) -> None:
        """Refill the key library lists."""
        self.signer.refresh_library()
        self.verifier.keys.refresh_library()

    async def sign_assertion_and_verify(self) -> str:
        """Okta client assertion for the active profile, signed, decoded and verified with the profile's key."""
        self.template.setCurrentText(OKTA)
        task = self.apply_template()
        if task is not None:
            await task
        if self.templates.org is None:
            raise RuntimeError(self.template_note.text())
        signed = self.sign()
        if signed is None:
            raise RuntimeError(self.token_status.text())
        await signed
        self.verifier.keys.set_source(PROFILE)
        if self.verifier.keys.request.task is not None:
            await self.verifier.keys.request.task
        verify = self.verifier.verify()
        if verify is not None:
            await verify
        return self.verifier.result_text()

    async def prepare_screenshot(self) -> None:
        """Show the Local sandbox profile's client assertion, signed, decoded and verified."""
        await self.sign_assertion_and_verify()
        self.claims.views.setCurrentIndex(1)  # the claims as JSON, beside the form's fields
        await asyncio.sleep(0.05)
        self.token_area.ensureWidgetVisible(self.verifier.result)

    async def self_test(self) -> str:
        """Sign an Okta client assertion in the tab, decode it and verify it."""
        result = await self.sign_assertion_and_verify()
        if not result.startswith("VERIFIED"):
            raise RuntimeError(result)
        return f"client assertion of {len(self.current_token())} characters signed, decoded and verified"
