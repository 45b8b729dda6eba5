"""The "Try these scopes" panel: a token with the picked scopes, and what came back against what was asked."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from oktatool.core.errors import OktaToolError, for_window
from oktatool.core.jose.jwt import format_duration
from oktatool.gui import tasks
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.okta.tokens import TokenResponse


def fetch_token(context: AppContext, scopes: list[str]) -> TokenResponse:
    """Get a fresh token for ``scopes`` as the active profile's app (blocking: run it in the executor)."""
    from oktatool.core.okta.client import OktaClient

    connection = context.connection(context.profile())
    client = OktaClient(connection)
    try:
        return client.token(scopes, use_cache=False)
    finally:
        client.session.close()


class TryTokenPanel(QWidget):
    """Ask for a token with the picked scopes and show granted against asked (downscoping shows)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.picked: list[str] = []
        self.request = tasks.LatestRequest()
        layout = QVBoxLayout(self)
        intro = QLabel("Ask the org authorization server for a token with the picked scopes, as the profile's "
                       "service app. The token itself is not shown; what it carries is.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.button = QPushButton("Get a token with these scopes")
        self.button.setObjectName("tryScopes")
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel()
        self.result.setObjectName("tryResult")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.button.clicked.connect(lambda: self.request.start(self.try_scopes()))
        self.last: TokenResponse | None = None
        self.granted: set[str] | None = None
        self.set_picked([])

    def set_granted(self, granted: list[str] | None) -> None:
        """Remember the app's granted scopes, once fetched (a refusal then names the ungranted ones)."""
        self.granted = set(granted) if granted is not None else None

    def set_picked(self, picked: list[str]) -> None:
        """Remember the picked scopes (the next try asks for them)."""
        self.picked = list(picked)
        self.button.setEnabled(bool(picked))
        self.button.setToolTip("" if picked else "Pick at least one scope first")

    async def try_scopes(self) -> None:
        """Get the token in the executor and show asked / granted / left out."""
        generation = self.request.generation
        asked = list(self.picked)
        self.result.setStyleSheet("")
        self.result.setText(f"Asking for {html.escape(' '.join(asked))}…")
        try:
            answer = await with_unlocked_store(self, self.context, fetch_token, self.context, asked)
        except OktaToolError as exc:
            if self.request.is_current(generation):
                self.last = None
                text = html.escape(plain_message(exc))
                ungranted = [s for s in asked if self.granted is not None and s not in self.granted]
                if ungranted:
                    text += (f"<br>Not granted to the app: <code>{html.escape(' '.join(ungranted))}</code> — "
                             "grant them in Grants &amp; roles, or unpick them.")
                self.result.setText(text)
                self.result.setStyleSheet(tone_style("error"))
            return
        if not self.request.is_current(generation):
            return
        self.last = answer
        granted = answer.scope.split()
        left_out = [s for s in asked if s not in granted]
        added = [s for s in granted if s not in asked]
        lines = [f"<b>{html.escape(answer.token_type)}</b> token, valid {format_duration(answer.expires_in)}",
                 f"asked: <code>{html.escape(' '.join(asked))}</code>",
                 f"granted: <code>{html.escape(' '.join(granted)) or '(none)'}</code>"]
        if left_out:
            lines.append(f"<span style='{tone_style('error')}'>left out (downscoped): "
                         f"{html.escape(' '.join(left_out))}</span> — grant them to the app (Grants &amp; roles)")
        else:
            lines.append(f"<span style='{tone_style('good')}'>every scope asked for is in the token</span>")
        if added:
            lines.append(f"also carried: {html.escape(' '.join(added))}")
        lines.extend(html.escape(for_window(w)) for w in answer.warnings)
        self.result.setText("<br>".join(lines))
