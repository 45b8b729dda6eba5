"""The JWT tab's editor side at work (a part of JwtTab in its own module): every edit of the key, header or claims
signs a new token in the executor (the newest edit wins), and with the Okta client-assertion template every Okta
rule is checked as you type, beside its field, quoting Okta's error.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from oktatool.core.errors import OktaToolError, end_sentence
from oktatool.gui import tasks
from oktatool.gui.jwt.claims_panel import show_note
from oktatool.gui.jwt.template_panel import OKTA
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QComboBox, QLabel

    from oktatool.core.jose.assertion import Finding
    from oktatool.core.keys.key import Key
    from oktatool.gui.jwt.claims_panel import ClaimsPanel
    from oktatool.gui.jwt.header_panel import HeaderPanel
    from oktatool.gui.jwt.key_chooser import KeyChooser
    from oktatool.gui.jwt.template_panel import TemplatePanel
    from oktatool.gui.jwt.token_view import TokenView


def sign_editor(header: dict[str, Any], claims: dict[str, Any], key: Key, secret: bool) -> str:
    """Sign the editor's header and claims (numbers exactly as written); runs in the executor."""
    from oktatool.core.jose.jwt import sign_claims

    return sign_claims(header, claims, key, short_secret_ok=secret)


class SigningPart:
    """Editor -> token: sign the editor's header and claims with the chosen key, and run Okta's preflight."""

    signer: KeyChooser
    header: HeaderPanel
    claims: ClaimsPanel
    templates: TemplatePanel
    template: QComboBox
    key_note: QLabel
    preflight: QLabel
    token: TokenView
    sign_request: tasks.LatestRequest
    sign_timer: QTimer
    tracking: bool
    _setting_token: bool

    if TYPE_CHECKING:
        def _status(self, text: str, *, error: bool = False) -> None: ...
        def _show_decoded(self, token: str, *, fill_editor: bool) -> None: ...

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
