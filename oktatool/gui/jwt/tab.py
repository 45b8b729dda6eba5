"""The JWT tab: one workflow with an editor side (template, key, header, claims) and a token side (token, decoder,
verifier).

Editing signs a new token (in the executor: RSA-4096 takes tens of milliseconds); pasting, dropping or opening a
token decodes it into the editor and is never re-signed unless the user presses Sign. With the Okta
client-assertion template every Okta rule is checked as you type, beside its field, quoting Okta's error.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGroupBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError, end_sentence
from oktatool.gui import tasks
from oktatool.gui.jwt.claims_panel import ClaimsPanel, show_note, wrapping_label
from oktatool.gui.jwt.header_panel import HeaderPanel
from oktatool.gui.jwt.key_chooser import PROFILE, PROFILE_SOURCES, KeyChooser
from oktatool.gui.jwt.output import TokenOutput
from oktatool.gui.jwt.template_panel import OKTA, TemplatePanel
from oktatool.gui.jwt.token_box import TokenBox
from oktatool.gui.jwt.verify_panel import VerifyPanel
from oktatool.gui.settings_follow import follow_profile
from oktatool.gui.widgets.accessible import COPY_TOKEN_KEYS, RUN_KEYS, main_action
from oktatool.gui.widgets.scroll_pane import ScrollPane
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.jose.assertion import Finding
    from oktatool.core.keys.key import Key

#: wait this long after the last keystroke before signing again
SIGN_DELAY_MS = 120
#: wait this long after the last change of the token text before decoding it
DECODE_DELAY_MS = 150


def sign_editor(header: dict[str, Any], claims: dict[str, Any], key: Key, secret: bool) -> str:
    """Sign the editor's header and claims (numbers exactly as written); runs in the executor."""
    from oktatool.core.jose.jwt import sign_claims

    return sign_claims(header, claims, key, short_secret_ok=secret)


class JwtTab(QWidget):
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

    # --- editor -> token --------------------------------------------------------------------------

    def _key_changed(self) -> None:
        key = self.signer.selected_key()
        self.header.set_key(key, short_secret_ok=self.signer.is_secret,
                            keep_kid=self.template.currentText() == OKTA and bool(self.header.kid.text())
                            and key is None)
        self._edited()

    def _edited(self) -> None:
        self._run_preflight()
        key = self.signer.selected_key()
        kid = self.header.kid.text()
        if key is not None and key.kid and not key.is_symmetric and kid and kid != key.kid \
                and self.header.notes["kid"].isHidden():
            show_note(self.header.notes["kid"], f"The signing key's kid is {key.kid}; verifiers pick the key by "
                                                "the header's kid.")
        if self.tracking:
            self.sign_timer.start()
        elif self.token.toPlainText():
            self._status("The editor changed; the token shown is the one you pasted. Press Sign to sign the "
                         "editor's claims with your key.")

    def sign_now(self) -> asyncio.Task[None] | None:
        """Sign the editor's content (after a paste too: the user asked)."""
        self.tracking = True
        return self.sign()

    def _signing_problem(self) -> str | None:
        key = self.signer.selected_key()
        if self.claims.has_error():
            return "Fix the claims JSON first (the token below is from the last valid claims)."
        if self.header.has_error():
            return "Fix the header's other members first."
        if key is None:
            return "Choose a signing key to make a token."
        if not self.header.alg.currentText():  # the list holds only the algs the key may sign with
            from oktatool.core.jose.jwa import why_not

            return f"This {key.describe()} key cannot sign JWTs{why_not(key, 'sign')}."
        return None

    def sign(self) -> asyncio.Task[None] | None:
        """Sign the header and claims in the executor (the newest edit wins)."""
        self.sign_timer.stop()
        problem = self._signing_problem()
        key = self.signer.selected_key()
        if problem or key is None:
            self._status(problem or "", error=bool(self.token.toPlainText()))
            return None
        from oktatool.core.jose.jwa import okta_alg_warning
        from oktatool.core.jose.jwt import short_secret_warning

        alg = self.header.alg.currentText()
        warning = short_secret_warning(key, alg) if self.signer.is_secret else okta_alg_warning(key, alg)
        return self.sign_request.start(self._sign(self.header.header(), dict(self.claims.claims), key,
                                                  self.signer.is_secret, warning))

    async def _sign(self, header: dict[str, Any], claims: dict[str, Any], key: Key, secret: bool,
                    warning: str | None) -> None:
        generation = self.sign_request.generation
        try:
            token = await tasks.run_blocking(sign_editor, header, claims, key, secret)
        except OktaToolError as exc:
            if self.sign_request.is_current(generation):
                self._status(plain_message(exc), error=True)
            return
        if not self.sign_request.is_current(generation):
            return
        self._set_token(token)
        self._status(("Warning: " + warning[:1].upper() + warning[1:]) if warning else
                     f"Signed with {header['alg']}.", error=bool(warning))

    def _set_token(self, token: str) -> None:
        self._setting_token = True
        try:
            self.token.setPlainText(token)
        finally:
            self._setting_token = False
        self._show_decoded(token, fill_editor=False)

    # --- token -> editor --------------------------------------------------------------------------

    def _token_edited(self) -> None:
        self._update_buttons()
        if self._setting_token:
            return
        self.sign_request.cancel()
        self.sign_timer.stop()
        self.decode_timer.start()

    def decode_current(self) -> None:
        """Decode the token text into the editor (it is not re-signed)."""
        self.decode_timer.stop()
        text = self.token.toPlainText()
        if not text.strip():
            self.verifier.show_decoded("", None)
            self._status("")
            return
        self.tracking = False
        self._show_decoded(text, fill_editor=True)

    def _show_decoded(self, token: str, *, fill_editor: bool) -> None:
        from oktatool.core.jose.claims import parse_exact_object
        from oktatool.core.jose.jwt import decode_token, parse_compact

        try:
            decoded = decode_token(token)
        except OktaToolError as exc:
            self.verifier.show_decoded("", None, plain_message(exc))
            self._status(plain_message(exc), error=True)
            return
        self.verifier.show_decoded(token.strip(), decoded)
        self._update_size(token)
        if not fill_editor:
            return
        if decoded.encrypted:
            self._status("An encrypted JWT (JWE): only its header can be shown.", error=True)
            return
        alg_problem = self.header.set_header(dict(decoded.header))
        claims: dict[str, Any] | None = None
        try:  # re-read the payload exactly, so 3.0 and big integers show as the token has them
            payload = parse_compact(token).payload.decode("utf-8")
            claims = parse_exact_object(payload, what="the claims")
        except (OktaToolError, UnicodeDecodeError):
            claims = None
        self.claims.blockSignals(True)
        self.claims.set_claims(claims or {})
        self.claims.blockSignals(False)
        self.templates.judge_token(decoded.claims)
        self._run_preflight()
        if decoded.signature_problem:
            self._status(f"Decoded into the editor, but the signature is bad: {decoded.signature_problem}. It can "
                         "never verify; copy the token again, or press Sign to sign the editor's claims.", error=True)
            return
        if alg_problem:
            self._status(f"Decoded into the editor; not re-signed. {alg_problem}")
            return
        self._status("Decoded into the editor; not re-signed. Verify it below, or press Sign to sign the "
                     "editor's claims with your key.")

    def _update_size(self, token: str) -> None:
        text = token.strip()
        self.size_label.setText(f"{len(text):,} characters" if text else "")

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

    # --- templates and preflight ------------------------------------------------------------------

    def apply_template(self) -> asyncio.Task[None] | None:
        """Fill the editor from the chosen template (the Okta one reads the active profile in the executor)."""
        self.tracking = True
        return self.templates.apply()

    def _run_preflight(self) -> list[Finding]:
        from oktatool.core.jose.assertion import preflight_assertion

        for name, label in {**self.claims.notes, **self.header.notes}.items():
            if name not in ("other", "extra", "json"):
                show_note(label, None)
        show_note(self.key_note, None)
        if self.template.currentText() != OKTA or self.templates.org is None:
            self.preflight.setText("")
            return []
        held = self.templates.target()
        findings = preflight_assertion(self.header.header(), self.claims.claims, self.signer.selected_key(),
                                       self.templates.org, held.client_id, time.time(), held.token_url or None)
        for finding in findings:
            problem = end_sentence(finding.problem[:1].upper() + finding.problem[1:])
            text = f'{problem} Okta: "{finding.okta_error}" Fix: {end_sentence(finding.fix)}'
            member = finding.member
            label = self.claims.notes.get(member or "") or self.header.notes.get(member or "") or self.key_note
            show_note(label, (label.text() + "\n" if label.text() else "") + text)
        if findings:
            self.preflight.setText(f"Okta would refuse this assertion: {len(findings)} problem(s), shown beside "
                                   "the fields.")
            self.preflight.setStyleSheet(tone_style("error"))
        else:
            self.preflight.setText("Okta's rules for a client assertion all hold.")
            self.preflight.setStyleSheet(tone_style("good"))
        return findings

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

    def paste(self) -> None:
        """Decode the JWT on the clipboard."""
        self.token.clear()
        self.token.paste()
        self.decode_current()

    def open_file(self) -> None:
        """Ask for a file holding a JWT and decode it."""
        path, _ = QFileDialog.getOpenFileName(self, "Open a JWT", str(Path.home()), "All files (*)")
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> None:
        """Decode the JWT in ``path`` (refusing big or binary files with a message)."""
        from oktatool.core.jose.input_kind import token_text
        from oktatool.core.jose.jwt import MAX_TOKEN_CHARS

        try:
            size = path.stat().st_size
            if size > MAX_TOKEN_CHARS:
                self._status(f"{path.name} is {size:,} bytes: too big to be a JWT.", error=True)
                return
            text = token_text(path.read_bytes())
        except OSError as exc:
            self._status(f"Cannot read {path.name}: {exc.strerror}.", error=True)
            return
        except OktaToolError as exc:
            self.verifier.show_decoded("", None, plain_message(exc))
            self._status(f"{path.name}: {plain_message(exc)}", error=True)
            return
        self.token.setPlainText(text.strip())
        self.decode_current()

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
