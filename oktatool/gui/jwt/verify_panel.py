"""The decoder and verifier: badges, every member with its meaning and times, and a check against a chosen key.

"Verified" only ever means: checked against the key(s) the user chose here, with the leeway and the expected
iss/aud given. Keys named by the token (jku, x5u, jwk) are never fetched or used.
"""

from __future__ import annotations

import asyncio
import html
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError
from oktatool.core.jose.jwt import DecodedToken, token_times
from oktatool.core.jose.verify import MAX_LEEWAY, Expected
from oktatool.gui import tasks
from oktatool.gui.jwt.claims_panel import wrapping_label
from oktatool.gui.jwt.key_chooser import KeyChooser
from oktatool.gui.models.claims_model import DecodedMembersModel
from oktatool.gui.widgets.accessible import form_row, named
from oktatool.gui.widgets.elided_cells import tip_elided_cells
from oktatool.gui.widgets.plain_text import plain_label, rich_label
from oktatool.gui.widgets.tones import plain_message, tone

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.jose.verify import VerifiedToken
    from oktatool.core.keys.key import Key


def verify_keys(token: str, keys: list[Key], *, leeway: int, expected: Expected, secret: bool) -> VerifiedToken:
    """Verify with one key (kid checked) or a set (kid picks, else every key that fits)."""
    from oktatool.core.jose.verify import verify_with_jwks, verify_with_key

    if len(keys) == 1:
        return verify_with_key(token, keys[0], leeway=leeway, expected=expected, short_secret_ok=secret)
    return verify_with_jwks(token, keys, leeway=leeway, expected=expected)


def badge(text: str, kind: str) -> str:
    """Return a coloured, bold badge as rich text."""
    colour = tone(kind if kind in ("good", "error") else "muted")
    return f'<span style="color:{colour}; font-weight:600">{html.escape(text)}</span>'


class VerifyPanel(QWidget):
    """The decoded token and its verification."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.decoded: DecodedToken | None = None
        self.token = ""
        self.signature_state = badge("signature not checked", "other")
        self.request = tasks.LatestRequest()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.badges = rich_label(wrapping_label("Nothing decoded yet."))
        self.badges.setObjectName("tokenBadges")
        layout.addWidget(self.badges)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.keys = KeyChooser(context, verify=True)
        self.keys.setObjectName("verifyKeys")
        form.addRow("Verify with", self.keys)
        options = QHBoxLayout()
        self.leeway = QSpinBox()
        self.leeway.setObjectName("leeway")
        self.leeway.setRange(0, MAX_LEEWAY)
        self.leeway.setSuffix(" s")
        self.leeway.setToolTip("Clock skew allowed for exp and nbf")
        self.issuer = QLineEdit()
        self.issuer.setObjectName("expectedIss")
        self.issuer.setPlaceholderText("expected iss (optional)")
        self.audience = QLineEdit()
        self.audience.setObjectName("expectedAud")
        self.audience.setPlaceholderText("expected aud (optional)")
        options.addWidget(self.leeway)
        options.addStretch(1)
        form_row(form, "Leeway", options)
        expected = QHBoxLayout()
        expected.addWidget(self.issuer, 1)
        expected.addWidget(self.audience, 1)
        form_row(form, "Expect", expected)
        named(self.issuer, "Expected iss")
        named(self.audience, "Expected aud")
        layout.addLayout(form)
        row = QHBoxLayout()
        self.verify_button = QPushButton("Verify")
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setToolTip("Check the signature, kid, alg, exp, nbf (and iss/aud when given) "
                                      "with the key chosen above")
        row.addWidget(self.verify_button)
        row.addStretch(1)
        # the result quotes the token's kid and the key set's: anyone's text, drawn as text
        self.result = plain_label(wrapping_label("Not verified: choose a key and press Verify."))
        self.result.setObjectName("verifyResult")
        layout.addLayout(row)
        layout.addWidget(self.result)
        self.model = DecodedMembersModel(self)
        self.table = QTableView()
        tip_elided_cells(self.table)
        self.table.setObjectName("decodedMembers")
        named(self.table, "Decoded header and claims")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        heading = self.table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Stretch)):
            heading.setSectionResizeMode(column, mode)
        self.table.setMinimumHeight(140)
        layout.addWidget(self.table, 1)
        self.verify_button.clicked.connect(self.verify)
        self.keys.changed.connect(self._reset_result)
        for edit in (self.issuer, self.audience):
            edit.textEdited.connect(lambda _t: self._reset_result())
        self.leeway.valueChanged.connect(lambda _v: self._reset_result())

    def show_decoded(self, token: str, decoded: DecodedToken | None, problem: str | None = None) -> None:
        """Show a decoded token (or why the text is not one); the old verification result no longer applies."""
        self.token = token
        self.decoded = decoded
        self._reset_result()
        if decoded is None:
            self.model.set_token({}, None)
            self.badges.setText(badge(problem, "error") if problem else "Nothing decoded yet.")
            return
        self.model.set_token(dict(decoded.header), decoded.claims)
        self.tick()

    def tick(self) -> None:
        """Refresh the relative times and the expired / not-yet-valid badges (every second)."""
        now = time.time()
        self.model.tick(now)
        decoded = self.decoded
        if decoded is None:
            return
        if decoded.encrypted:
            self.badges.setText(badge("ENCRYPTED (JWE)", "error") + " The claims are encrypted; decoding them needs "
                                "the recipient's private key, which oktatool does not do.")
            return
        parts = []
        times = token_times(decoded.claims or {}, now, leeway=self.leeway.value())
        exp = times.get("exp")
        if times.expired and exp is not None:
            parts.append(badge(f"EXPIRED {exp.relative.removeprefix('expired ')}", "error"))
        elif exp is not None and exp.iso:
            parts.append(badge(exp.relative, "good"))
        if times.not_yet_valid:
            nbf = times.get("nbf")
            parts.append(badge(f"NOT YET VALID ({nbf.relative if nbf else ''})", "error"))
        if decoded.claims is None:
            parts.append(badge("payload is not a JSON object", "error"))
        for member in ("jku", "x5u", "jwk"):
            if member in decoded.header:
                parts.append(badge(f"{member} present: not followed", "other"))
        if decoded.signature_problem:  # said beside the header and payload, as jwt.io does; it never verifies
            parts.append(badge(f"BAD SIGNATURE: {decoded.signature_problem}", "error"))
        else:
            parts.append(self.signature_state)
        self.badges.setText(" · ".join(parts))

    def _reset_result(self) -> None:
        self.request.cancel()
        self.signature_state = badge("signature not checked", "other")
        self.result.setText("Not verified: choose a key and press Verify.")
        self.result.setStyleSheet("")
        self.tick()

    def verify(self) -> asyncio.Task[None] | None:
        """Verify the shown token with the chosen key(s) in the executor."""
        keys = self.keys.selected_keys()
        if not self.token:
            self._show_result(False, "Paste, open or sign a token first.")
            return None
        if not keys:
            self._show_result(False, "Choose a key to verify with (nothing is verified against a key you did not "
                                     "choose).")
            return None
        expected = Expected(issuer=self.issuer.text().strip() or None, audience=self.audience.text().strip() or None)
        return self.request.start(self._verify(self.token, keys, expected))

    async def _verify(self, token: str, keys: list[Key], expected: Expected) -> None:
        generation = self.request.generation
        try:
            verified = await tasks.run_blocking(verify_keys, token, keys, leeway=self.leeway.value(),
                                                expected=expected, secret=self.keys.is_secret)
        except OktaToolError as exc:
            if self.request.is_current(generation):
                reason = f"[{exc.code}] " if exc.code else ""
                self._show_result(False, f"NOT VERIFIED {reason}{plain_message(exc)}")
            return
        if self.request.is_current(generation):
            self._show_result(True, f"VERIFIED: {verified.alg} signature checked with {verified.checked_with}"
                                    + (f", iss {expected.issuer}" if expected.issuer else "")
                                    + (f", aud {expected.audience}" if expected.audience else "")
                                    + f"; exp and nbf checked (leeway {self.leeway.value()} s).")

    def _show_result(self, ok: bool, text: str) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {tone('good' if ok else 'error')}; font-weight: 600")
        self.signature_state = badge("verified" if ok else "not verified", "good" if ok else "error")
        self.tick()

    def result_text(self) -> str:
        """Return the verification result shown."""
        return self.result.text()

    def members(self) -> list[tuple[str, str, Any]]:
        """Return the members shown (tests)."""
        return [(self.model.index(r, 0).data(), self.model.index(r, 1).data(), self.model.index(r, 2).data())
                for r in range(self.model.rowCount())]
