"""The "Try these scopes" panel: a token with the picked scopes, and what came back against what was asked.

The answer belongs to the profile's session it was asked for: another profile (or other picks) starts empty,
and an answer arriving after a switch goes nowhere.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from oktatool.core.errors import OktaToolError, for_window
from oktatool.core.jose.jwt import format_duration
from oktatool.gui import tasks
from oktatool.gui.widgets.accessible import TOKEN_KEYS, with_keys
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.okta.tokens import TokenResponse
    from oktatool.core.store.settings import Profile


class TriedPart:
    """The last try for a profile: the answer, and the text shown for it (a part of its session)."""

    def __init__(self) -> None:
        self.last: TokenResponse | None = None
        self.text = ""
        self.error = False


def fetch_token(context: AppContext, profile: Profile, scopes: list[str]) -> TokenResponse:
    """Get a fresh token for ``scopes`` as ``profile``'s app (blocking: run it in the executor)."""
    from oktatool.core.okta.client import OktaClient

    connection = context.connection(profile)
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
        self.session = context.session
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
        self.result = rich_label(QLabel())
        self.result.setObjectName("tryResult")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.button.clicked.connect(lambda: self.request.start(self.try_scopes()))
        self.granted: set[str] | None = None
        self.set_picked([])

    def _part(self) -> TriedPart:
        return self.session.part("scopes.try", TriedPart)

    @property
    def last(self) -> TokenResponse | None:
        """Return the last token answer for the active profile and picks."""
        return self._part().last

    def follow(self, session: ProfileSession) -> None:
        """Draw ``session``'s last try (none for another profile or other picks); a try in flight is dropped."""
        self.request.cancel()
        self.session = session
        self._show(session)

    def _show(self, session: ProfileSession, text: str | None = None, *, error: bool = False,
              answer: TokenResponse | None = None) -> None:
        """Keep ``text`` (when given) as the session's result and show the session's result."""
        if session.closed or session is not self.session:
            return
        part = self._part()
        if text is not None:
            part.text, part.error, part.last = text, error, answer
        self.result.setText(part.text)
        self.result.setStyleSheet(tone_style("error") if part.error else "")

    def profile_traces(self) -> list[str]:
        """Return the result shown for the active profile (what its token carried)."""
        return [self._part().text] if self._part().text else []

    def set_granted(self, granted: list[str] | None) -> None:
        """Remember the app's granted scopes, once fetched (a refusal then names the ungranted ones)."""
        self.granted = set(granted) if granted is not None else None

    def set_picked(self, picked: list[str]) -> None:
        """Remember the picked scopes (the next try asks for them)."""
        self.picked = list(picked)
        self.button.setEnabled(bool(picked))
        self.button.setToolTip(with_keys("Get a token with the picked scopes" if picked else
                                         "Pick at least one scope first", TOKEN_KEYS[0]))

    async def try_scopes(self) -> None:
        """Get the token in the executor and show asked / granted / left out."""
        generation = self.request.generation
        session = self.session
        asked = list(self.picked)
        self.result.setStyleSheet("")
        self.result.setText(f"Asking for {html.escape(' '.join(asked))}…")
        try:
            answer = await with_unlocked_store(self, self.context, fetch_token, self.context, session.profile, asked)
        except OktaToolError as exc:
            if self.request.is_current(generation):
                text = html.escape(plain_message(exc))
                ungranted = [s for s in asked if self.granted is not None and s not in self.granted]
                if ungranted:
                    text += (f"<br>Not granted to the app: <code>{html.escape(' '.join(ungranted))}</code> — "
                             "grant them in Grants &amp; roles, or unpick them.")
                self._show(session, text, error=True)
            return
        if not self.request.is_current(generation):
            return
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
        self._show(session, "<br>".join(lines), answer=answer)
