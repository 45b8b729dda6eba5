"""The Console's token panel: Get token, the decoded token with its countdown, and the exchange as it happened."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import for_window
from oktatool.core.okta.exchange import TokenExchange, TokenLeg, decode_jws
from oktatool.core.okta.http import redact_headers, redact_text
from oktatool.gui import tasks
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.code_view import CodeView
from oktatool.gui.widgets.copy_value import NOTHING, CopyValue
from oktatool.gui.widgets.countdown import Countdown
from oktatool.gui.widgets.scroll_pane import ScrollPane
from oktatool.gui.widgets.token_view import TokenView
from oktatool.gui.widgets.tones import tone_style

if TYPE_CHECKING:
    from oktatool.gui.console.state import TokenOutcome


def _decoded_text(token: str | None) -> str:
    decoded = decode_jws(token)
    if decoded is None:
        return "(not a JWT)"
    return "header " + json.dumps(dict(decoded.header), indent=2) + "\nclaims " + \
        json.dumps(dict(decoded.claims), indent=2)


def _small_code(text: str, title: str, lines: int = 8) -> CodeView:
    view = CodeView()
    named(view, title)
    view.setPlainText(text)
    view.setMinimumHeight(min(lines, max(3, text.count("\n") + 2)) * view.fontMetrics().lineSpacing())
    return view


#: most characters of an answer the exchange view shows (a token endpoint's error body may be 32 MB)
SHOWN_ANSWER = 64 * 1024
#: characters past the cut that are redacted with it, so a secret the cut splits is never half shown
_REDACT_MARGIN = 64 * 1024


def _answer_text(leg: TokenLeg) -> str:
    """Return the answer's body as shown: pretty JSON when small, else its first ``SHOWN_ANSWER`` characters."""
    body = leg.response_body
    if len(body) <= SHOWN_ANSWER:
        return redact_text(leg.response_text())
    head = redact_text(body[:SHOWN_ANSWER + _REDACT_MARGIN].decode("utf-8", errors="replace"))[:SHOWN_ANSWER]
    return (f"{head}\n… [cut: the first {SHOWN_ANSWER // 1024} KiB of a {len(body) / 1e6:.1f} MB answer are shown; "
            "the rest is left out]")


def leg_text(leg: TokenLeg) -> str:
    """Return one leg as the exchange view shows it, secrets masked (blocking: the executor formats it)."""
    request = leg.request
    shown_headers = redact_headers(dict(request.headers))
    form = [(k, "[masked: see below]" if k == "client_assertion" else v) for k, v in request.form]
    sent = leg.request_line + "\n" + "\n".join(f"{k}: {v}" for k, v in shown_headers.items()) + "\n\n" + \
        "&".join(f"{k}={v}" for k, v in form)
    decoded = "decoded client assertion\n" + _decoded_text(leg.assertion)
    if leg.proof:
        decoded += "\n\ndecoded DPoP proof\n" + _decoded_text(leg.proof)
    if leg.status is None:
        answer = f"no answer: {leg.error}"
    else:
        headers = "\n".join(f"{k}: {v}" for k, v in redact_headers(dict(leg.response_headers)).items())
        answer = f"HTTP {leg.status} ({leg.elapsed * 1000:.0f} ms)\n{headers}\n\n" + _answer_text(leg)
    return f"{sent}\n\n{decoded}\n\n── answer ──\n{answer}"


def exchange_texts(exchange: TokenExchange) -> list[str]:
    """Return each leg of ``exchange`` as shown (blocking: run in the executor, never on the GUI thread)."""
    return [leg_text(leg) for leg in exchange.legs]


class LegView(QGroupBox):
    """One POST to the token endpoint: request line, headers, form body, assertion and proof, and the answer."""

    def __init__(self, number: int, total: int, leg: TokenLeg, text: str, parent: QWidget | None = None) -> None:
        title = f"Exchange {number} of {total}"
        if leg.is_nonce_challenge:
            title += ": the server asks for a DPoP nonce"
        elif total > 1 and number == total:
            title += ": again, with the nonce in a new proof"
        super().__init__(title, parent)
        layout = QVBoxLayout(self)
        self.assertion = TokenView("client_assertion")
        self.assertion.set_value(leg.assertion or "")
        self.proof: TokenView | None = None
        if leg.proof:
            self.proof = TokenView("DPoP proof")
            self.proof.set_value(leg.proof)
        #: the leg as shown (secrets masked; ``leg_text`` made it in the executor)
        self.sent_text = text
        layout.addWidget(_small_code(self.sent_text, f"{title}: request and answer", 18))
        layout.addWidget(self.assertion)
        if self.proof is not None:
            layout.addWidget(self.proof)


#: what the panel says before a token was asked for
EMPTY_STATUS = "No token yet. Get token uses the active profile (the Local sandbox needs no set-up)."
#: what the exchange area says before an exchange
NO_EXCHANGE = "The exchange with the token endpoint shows here."


class TokenPanel(QWidget):
    """Scopes to ask for, Get token / Forget, the token's facts and the latest exchange."""

    get_requested = Signal()
    forget_requested = Signal()
    introspect_requested = Signal()
    revoke_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scopes = QLineEdit()
        self.scopes.setPlaceholderText("scopes, space-separated (default: the profile's)")
        named(self.scopes, "Scopes to ask for")
        self.get_button = QPushButton("Get token")
        self.get_button.setToolTip("Ask the profile's org for a token with these scopes (the cache first)")
        self.get_button.clicked.connect(self.get_requested)
        self.forget_button = QPushButton("Forget")
        self.forget_button.setToolTip("Drop the cached token; the next call gets a new one")
        self.forget_button.clicked.connect(self.forget_requested)
        self.introspect_button = QPushButton("Introspect")
        self.introspect_button.setToolTip("Ask the org what it says of this token (/oauth2/v1/introspect): active, "
                                          "scopes, expiry")
        self.introspect_button.clicked.connect(self.introspect_requested)
        self.revoke_button = QPushButton("Revoke")
        self.revoke_button.setToolTip("Revoke this token at the org (/oauth2/v1/revoke): calls made with it are "
                                      "refused from now on, and the next call gets a new one")
        self.revoke_button.clicked.connect(self.revoke_requested)
        self._hold_token(False)
        self.status = QLabel(EMPTY_STATUS)
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Scopes"))
        top.addWidget(self.scopes, 1)
        top.addWidget(self.get_button)
        top.addWidget(self.forget_button)
        top.addWidget(self.introspect_button)
        top.addWidget(self.revoke_button)

        self.access_token = TokenView("access token")
        self.facts = QFormLayout()
        self.kind_label = QLabel("–")
        self.kind_label.setWordWrap(True)
        self.granted_label = QLabel("–")
        self.granted_label.setWordWrap(True)
        self.asked_label = QLabel("–")
        self.asked_label.setWordWrap(True)
        self.downscoped_label = QLabel()
        self.downscoped_label.setWordWrap(True)
        # a client id and a key thumbprint are one long word: cut to the pane's width, whole in tooltip and Copy
        self.cid_label = CopyValue("client id (cid)")
        self.jkt_label = CopyValue("bound key thumbprint (cnf.jkt)")
        self.iss_label = CopyValue("issuer (iss)")
        self.aud_label = CopyValue("audience (aud)")
        self.server_check = QLabel()
        self.server_check.setWordWrap(True)
        self.granted_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.expiry = Countdown()
        self.introspection_label = QLabel("–")
        self.introspection_label.setWordWrap(True)
        self.introspection_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.addRow("Type", self.kind_label)
        self.facts.addRow("Granted (scp)", self.granted_label)
        self.facts.addRow("Asked", self.asked_label)
        self.facts.addRow("", self.downscoped_label)
        self.facts.addRow("Client (cid)", self.cid_label)
        self.facts.addRow("Bound key (cnf.jkt)", self.jkt_label)
        self.facts.addRow("Issuer (iss)", self.iss_label)
        self.facts.addRow("Audience (aud)", self.aud_label)
        self.facts.addRow("", self.server_check)
        self.facts.addRow("Expires (exp)", self.expiry)
        self.facts.addRow("Introspection", self.introspection_label)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.decode_button = QPushButton("Decode")
        self.decode_button.setCheckable(True)
        self.decode_button.setToolTip("Show the token's header and claims (decoded, not verified)")
        self.decode_button.toggled.connect(self._show_decoded)
        self.decoded = CodeView()
        self.decoded.setVisible(False)

        self.exchange_box = QWidget()
        self.exchange_layout = QVBoxLayout(self.exchange_box)
        self.exchange_layout.setContentsMargins(0, 0, 0, 0)
        self.exchange_title = QLabel(NO_EXCHANGE)
        self.exchange_title.setWordWrap(True)
        self.exchange_layout.addWidget(self.exchange_title)
        self.leg_views: list[LegView] = []
        #: the newest exchange's legs being formatted (tests await its task)
        self.exchange_request = tasks.LatestRequest()
        self.destroyed.connect(self.exchange_request.cancel)  # legs formatted for a panel gone are never shown

        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(top)
        column.addWidget(self.status)
        column.addWidget(self.access_token)
        column.addLayout(self.facts)
        column.addWidget(self.note)
        column.addWidget(self.decode_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.decoded)
        column.addWidget(self.exchange_box)
        column.addStretch(1)
        scroll = ScrollPane(body)  # Get token waits disabled for its token: the pane stays where it is
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def asked_scopes(self) -> tuple[str, ...]:
        """Return the scopes typed to ask for (none: the profile's)."""
        return tuple(self.scopes.text().split())

    def set_asked_scopes(self, scopes: tuple[str, ...] | list[str]) -> None:
        """Put ``scopes`` in the field of scopes to ask for."""
        self.scopes.setText(" ".join(scopes))

    def offer_scopes(self, scopes: tuple[str, ...]) -> None:
        """Fill the field of scopes with ``scopes`` when it is empty (what the token was asked with)."""
        if not self.scopes.text().strip():
            self.set_asked_scopes(scopes)

    def _hold_token(self, held: bool) -> None:
        """Offer Introspect and Revoke only while a token is shown."""
        self.introspect_button.setEnabled(held)
        self.revoke_button.setEnabled(held)

    def set_busy(self, busy: bool, message: str = "") -> None:
        """Say a token is on its way (Get token waits) or that it came."""
        self.get_button.setEnabled(not busy)
        self._hold_token(not busy and bool(self.access_token.value))
        if busy:
            self.status.setText(message)
            self.status.setStyleSheet("")

    def clear(self) -> None:
        """Show no token, no exchange and no scopes (another profile became active)."""
        self.set_busy(False)
        self.scopes.clear()
        self.access_token.set_value("")
        for label in (self.kind_label, self.granted_label, self.asked_label, self.cid_label, self.jkt_label,
                      self.iss_label, self.aud_label):
            label.setText(NOTHING)
        self.downscoped_label.clear()
        self.server_check.clear()
        self.decode_button.setChecked(False)
        self.decoded.clear()
        self.note.clear()
        self.expiry.stop("–")
        self.introspection_label.setText("–")
        self._hold_token(False)
        self.status.setText(EMPTY_STATUS)
        self.status.setStyleSheet("")
        self._drop_legs()
        self.exchange_title.setText(NO_EXCHANGE)
        self.exchange_title.setStyleSheet("")

    def traces(self) -> list[str]:
        """Return every value shown that came from the profile's org (token, claims, the exchange's legs)."""
        shown = [self.access_token.value, self.status.text(), self.kind_label.text(), self.granted_label.text(),
                 self.cid_label.text(), self.jkt_label.text(), self.iss_label.text(), self.aud_label.text(),
                 self.server_check.text(), self.decoded.toPlainText(), self.note.text(), self.exchange_title.text(),
                 self.introspection_label.text()]
        for view in self.leg_views:
            shown += [view.assertion.value, view.proof.value if view.proof is not None else "", view.sent_text]
        return [text for text in shown if text not in (EMPTY_STATUS, NO_EXCHANGE)]  # the idle texts name no org

    def show_outcome(self, outcome: TokenOutcome) -> None:
        """Show a token and its facts."""
        token, facts = outcome.token, outcome.facts
        self.access_token.set_value(token.access_token)
        where = "from the cache" if outcome.cached else "new from the token endpoint"
        self.status.setText(f"{token.token_type} token for {outcome.org_url}, {where}.")
        self.status.setStyleSheet(tone_style("good"))
        self.kind_label.setText(token.token_type + ("" if facts.decoded else " (opaque: nothing to decode)"))
        self.granted_label.setText(" ".join(facts.granted) or "(none)")
        self.asked_label.setText(" ".join(facts.asked))
        notes = []
        if facts.downscoped:
            notes.append("Silently downscoped: the token lacks " + ", ".join(facts.downscoped) +
                         " (asked for, not granted to the app). Grant them in the Scopes tab or Okta's admin console.")
        if facts.unasked:
            notes.append("Also carries " + ", ".join(facts.unasked) + " (not asked for).")
        self.downscoped_label.setText(" ".join(notes))
        self.downscoped_label.setStyleSheet(tone_style("error") if facts.downscoped else "")
        self.cid_label.setText(facts.client_id or "–")
        self.jkt_label.setText(facts.jkt or ("– (Bearer: not bound to a key)" if not token.is_dpop else NOTHING),
                               facts.jkt or "")
        self.expiry.start(facts.expires_at, "in {left}", "expired: the next call gets a new token")
        self.note.setText("\n".join(for_window(warning) for warning in token.warnings))
        self.introspection_label.setText("– (Introspect asks the org)")
        self._hold_token(True)
        self._show_server_check(outcome)
        self._show_decoded(self.decode_button.isChecked())

    def _show_server_check(self, outcome: TokenOutcome) -> None:
        from oktatool.core.okta.authserver import issuer_findings

        facts, server = outcome.facts, outcome.server
        self.iss_label.setText(facts.issuer or NOTHING)
        self.aud_label.setText(" ".join(facts.audience) or NOTHING)
        if server is None or not facts.decoded:
            self.server_check.clear()
            return
        findings = issuer_findings(server, facts.issuer, facts.audience)
        text = ("Not " + server.label + "'s: " + "; ".join(findings)) if findings else \
            f"iss and aud are {server.label}'s."
        if not server.is_org:
            text += " For your own APIs: Send never carries it to the Okta API; Copy, Decode or Verify it."
        self.server_check.setText(text)
        self.server_check.setStyleSheet(tone_style("error" if findings else "good"))

    def _show_decoded(self, shown: bool) -> None:
        value = self.access_token.value
        self.decoded.setPlainText(_decoded_text(value) if shown and value else "")
        self.decoded.setVisible(shown and bool(value))

    def show_failure(self, message: str) -> None:
        """Say why no token came."""
        self.status.setText(message)
        self.status.setStyleSheet(tone_style("error"))

    def forgotten(self, message: str = "Forgotten: the next Get token or call fetches a new token.") -> None:
        """Clear the token shown after Forget (or Revoke, saying ``message``)."""
        self.access_token.set_value("")
        self.decode_button.setChecked(False)
        self._show_decoded(False)
        self.expiry.stop("–")
        self.introspection_label.setText("–")
        self._hold_token(False)
        self.status.setText(message)
        self.status.setStyleSheet("")

    def show_introspection(self, lines: list[str], active: bool) -> None:
        """Show what the org's introspection endpoint said of the token, beside its decoded facts."""
        self.introspection_label.setText("\n".join(lines))
        self.introspection_label.setStyleSheet("" if active else tone_style("error"))
        self.status.setText("The org says the token is " + ("active." if active else "not active."))
        self.status.setStyleSheet(tone_style("good" if active else "error"))

    def show_exchange(self, exchange: TokenExchange) -> asyncio.Task[None]:
        """Show the legs of ``exchange`` (replacing the previous one); they are formatted in the executor."""
        self._drop_legs()
        legs = len(exchange.legs)
        title = f"{legs} exchange{'s' if legs != 1 else ''} with the token endpoint"
        if exchange.nonce_round_trip:
            title += " (DPoP nonce round trip)"
        if exchange.reason != "asked":
            title = "Token " + exchange.reason + ". " + title
        if exchange.error:
            title += f". Refused: {for_window(exchange.error)}"
        self.exchange_title.setText(title + ":")
        self.exchange_title.setStyleSheet(tone_style("error") if exchange.error else "")
        return self.exchange_request.start(self._show_legs(exchange))

    async def _show_legs(self, exchange: TokenExchange) -> None:
        texts = await tasks.run_blocking(exchange_texts, exchange)  # a 32 MB error body: never on the GUI thread
        for number, (leg, text) in enumerate(zip(exchange.legs, texts, strict=True), 1):
            view = LegView(number, len(texts), leg, text)
            self.leg_views.append(view)
            self.exchange_layout.addWidget(view)

    def _drop_legs(self) -> None:
        self.exchange_request.cancel()
        for view in self.leg_views:
            view.setParent(None)
            view.deleteLater()
        self.leg_views = []
