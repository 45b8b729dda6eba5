"""The template box of the JWT tab: Okta client assertion (from the active profile), DPoP proof, or blank."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from oktatool.core.errors import OktaToolError
from oktatool.gui import tasks
from oktatool.gui.jwt.claims_panel import wrapping_label
from oktatool.gui.jwt.key_chooser import PROFILE
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.orgurl import OrgUrl
    from oktatool.core.store.settings import Profile
    from oktatool.gui.jwt.claims_panel import ClaimsPanel
    from oktatool.gui.jwt.header_panel import HeaderPanel
    from oktatool.gui.jwt.key_chooser import KeyChooser

BLANK, OKTA, DPOP = "Blank", "Okta client assertion", "DPoP proof"
TEMPLATES = (BLANK, OKTA, DPOP)


def assertion_source(context: AppContext, profile: Profile) -> tuple[OrgUrl, str, Key, str]:
    """Return ``profile``'s org, client id, signing key and token URL (its authorization server's; blocking: may
    start the sandbox)."""
    from oktatool.core.okta.authserver import auth_server

    target = context.org_target(profile)
    return (target.org, target.client_id, context.profile_key(profile),
            auth_server(target.org, profile.auth_server).token_url)


class AssertionTarget:
    """The org, service app and token URL the editor's Okta client assertion was built for (a part of the
    profile's session)."""

    def __init__(self) -> None:
        self.org: OrgUrl | None = None
        self.client_id = ""
        self.token_url = ""


def active_target(context: AppContext) -> tuple[OrgUrl, str, str] | None:
    """Return the active profile's org, client id and token URL without blocking; None when unknown (sandbox not
    started)."""
    from oktatool.core.okta.authserver import auth_server
    from oktatool.core.okta.orgurl import parse_org_url

    try:
        profile = context.profile()
        if not profile.is_sandbox:
            org, client_id = parse_org_url(profile.org_url), profile.client_id or ""
        else:
            running = context.sandbox_running  # a sandbox not started yet issued no assertion this run
            if running is None:
                return None
            org, client_id = parse_org_url(running.org_url), running.client_id
        return org, client_id, auth_server(org, profile.auth_server).token_url
    except OktaToolError:
        return None


class TemplatePanel(QGroupBox):
    """Choose and apply a template; ``applied`` fires once the editor holds it. ``org`` and ``client_id`` are
    set while the Okta template is in use (the preflight checks against them); they live in the profile's
    session, so another profile has none until Apply builds its own."""

    applied = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Template", parent)
        self.context = context
        self.request = tasks.LatestRequest()
        self.session = context.session
        #: the editor holds an Okta assertion built from a profile (its org, client id and key)
        self.filled_from_profile = False
        rows = QVBoxLayout(self)
        row = QHBoxLayout()
        self.combo = QComboBox()
        self.combo.setObjectName("template")
        named(self.combo, "Template")
        self.combo.addItems(TEMPLATES)
        self.combo.setToolTip("Okta client assertion: from the active profile (org, client id, key), checked "
                              "against Okta's rules as you type. DPoP proof: htm, htu, iat, jti, ath and jwk.")
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("applyTemplate")
        row.addWidget(self.combo, 1)
        row.addWidget(self.apply_button)
        rows.addLayout(row)
        self.dpop_row = QWidget()
        dpop = QHBoxLayout(self.dpop_row)
        dpop.setContentsMargins(0, 0, 0, 0)
        self.htm = QComboBox()
        self.htm.setObjectName("dpopMethod")
        self.htm.addItems(["GET", "POST", "PUT", "PATCH", "DELETE"])
        self.htu = QLineEdit()
        self.htu.setObjectName("dpopUrl")
        self.htu.setPlaceholderText("request URL (query and fragment are dropped)")
        self.access_token = QLineEdit()
        self.access_token.setObjectName("dpopAccessToken")
        self.access_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.access_token.setPlaceholderText("access token for ath (optional)")
        for field, text in ((self.htm, "DPoP htm"), (self.htu, "DPoP htu"), (self.access_token, "DPoP access token")):
            named(field, text)
        dpop.addWidget(self.htm)
        dpop.addWidget(self.htu, 2)
        dpop.addWidget(self.access_token, 1)
        rows.addWidget(self.dpop_row)
        self.dpop_row.hide()
        self.note = wrapping_label()
        self.note.setObjectName("templateNote")
        self.note.hide()
        rows.addWidget(self.note)
        self.combo.currentTextChanged.connect(self._on_choice)

    def target(self) -> AssertionTarget:
        """Return the org and app the Okta assertion in the editor is for (empty until Apply)."""
        return self.session.part("jwt.assertion", AssertionTarget, app=True)

    @property
    def org(self) -> OrgUrl | None:
        """Return the org the editor's Okta client assertion is for (None: not built for this profile)."""
        return self.target().org

    @org.setter
    def org(self, org: OrgUrl | None) -> None:
        self.target().org = org

    @property
    def client_id(self) -> str:
        """Return the client id the editor's Okta client assertion is for."""
        return self.target().client_id

    @client_id.setter
    def client_id(self, client_id: str) -> None:
        self.target().client_id = client_id

    def follow(self, session: ProfileSession) -> bool:
        """Draw ``session``; return True when the editor held an Okta assertion built for another profile."""
        had = self.filled_from_profile or self.request.busy
        self.request.cancel()
        self.session = session
        if self.org is not None:  # the same app (only the picks changed): the assertion still holds
            return False
        self.filled_from_profile = False
        if self.combo.currentText() == OKTA:
            self.note.show()
            self.note.setStyleSheet("")
            self.note.setText(f"The active profile is now {session.profile.name}: press Apply to build its "
                              "client assertion.")
        elif had:
            self.note.setText("")
            self.note.hide()
        return had

    def attach(self, signer: KeyChooser, header: HeaderPanel, claims: ClaimsPanel) -> None:
        """Give the panel the editor parts a template fills."""
        self.signer, self.header, self.claims = signer, header, claims

    def judge_token(self, claims: Mapping[str, Any] | None) -> None:
        """Keep Okta's rules for a decoded token only when it is a client assertion for the active profile."""
        from oktatool.core.jose.assertion import is_assertion_for

        held = self.target()
        target = (held.org, held.client_id, held.token_url) if held.org is not None else active_target(self.context)
        if target is not None and claims is not None and is_assertion_for(claims, *target):
            held.org, held.client_id, held.token_url = target
            self.combo.setCurrentText(OKTA)
            self._say(f"A client assertion for {held.client_id} at {held.token_url} (the active profile): "
                      "checked against Okta's rules.")
            return
        self.org = None
        if self.combo.currentText() == OKTA:
            self.combo.setCurrentText(BLANK)
            self._say("This token is not a client assertion for the active profile, so Okta's rules are not "
                      "applied to it. To build one, choose Okta client assertion and press Apply.")

    def _say(self, text: str) -> None:
        self.note.setStyleSheet("")
        self.note.setText(text)
        self.note.show()

    def _on_choice(self, name: str) -> None:
        self.dpop_row.setVisible(name == DPOP)

    def apply(self) -> asyncio.Task[None] | None:
        """Fill the editor from the chosen template (the Okta one reads the active profile in the executor)."""
        name = self.combo.currentText()
        if name == BLANK:
            self.org = None
            self.filled_from_profile = False
            self.header.typ.setText("JWT")
            self.header.set_extra({})
            self.claims.set_claims({})
            self.note.setText("")
            self.note.hide()
            self.applied.emit()
            return None
        if name == OKTA:
            return self.request.start(self._apply_okta())
        return self.request.start(self._apply_dpop())

    async def _apply_okta(self) -> None:
        from oktatool.core.jose.assertion import MAX_LIFETIME, assertion_alg
        from oktatool.core.jose.claims import new_jti

        session = self.session
        self.note.show()
        self.note.setText("Reading the active profile…")
        try:
            org, client_id, key, token_url = await with_unlocked_store(self, self.context, assertion_source,
                                                                       self.context, session.profile)
        except OktaToolError as exc:
            if not session.closed:
                self.note.setText(plain_message(exc))
                self.note.setStyleSheet(tone_style("error"))
            return
        if session.closed:  # another profile became active meanwhile: this one's key goes nowhere
            return
        held = self.target()
        held.org, held.client_id, held.token_url = org, client_id, token_url
        self.filled_from_profile = True
        self.note.setStyleSheet("")
        self.note.setText(f"Client assertion for {client_id} at {token_url}. Okta accepts RS256/384/512 "
                                   "and ES256/384/512 from the RSA or EC key registered for the app (by kid).")
        self.signer.request.cancel()
        self.signer.show_source(PROFILE, "")
        self.signer.set_keys([key], session=session)
        self.header.alg.setCurrentText(assertion_alg(key))
        self.header.kid.setText(key.kid or "")
        self.header.typ.setText("JWT")
        self.header.set_extra({})
        now = int(time.time())
        lifetime = min(max(int(self.context.settings.settings.preferences.assertion_lifetime), 1), MAX_LIFETIME)
        self.claims.set_claims({"iss": client_id, "sub": client_id, "aud": token_url, "iat": now,
                                "exp": now + lifetime, "jti": new_jti()})
        self.applied.emit()

    async def _apply_dpop(self) -> None:
        from oktatool.core.jose.dpop import DPoPKey, proof_parts

        self.org = None
        self.filled_from_profile = False
        self.note.show()
        key = self.signer.selected_key()
        try:
            dpop_key = DPoPKey.from_key(key) if key is not None else None
        except OktaToolError:
            dpop_key = None
        try:
            if dpop_key is None:
                dpop_key = await tasks.run_blocking(DPoPKey.generate)
                self.signer.set_keys([dpop_key.key], "A new EC P-256 DPoP key (the proof's header carries its "
                                                     "public jwk).")
            header, claims = proof_parts(dpop_key, self.htm.currentText(),
                                         self.htu.text().strip() or "https://example.okta.com/api/v1/users",
                                         access_token=self.access_token.text().strip() or None)
        except OktaToolError as exc:
            self.note.setText(plain_message(exc))
            self.note.setStyleSheet(tone_style("error"))
            return
        self.note.setStyleSheet("")
        self.note.setText(f"DPoP proof for {claims['htm']} {claims['htu']}"
                                   + (" with ath of the access token" if "ath" in claims else "")
                                   + f"; the key's thumbprint (jkt) is {dpop_key.thumbprint}.")
        self.header.alg.setCurrentText(header["alg"])
        self.header.kid.setText("")
        self.header.typ.setText(header["typ"])
        self.header.set_extra({"jwk": header["jwk"]})
        self.claims.set_claims(claims)
        self.applied.emit()

