"""The token pane's Introspect and Revoke: ask the org about the token the pane holds, or revoke it.

Both run in the executor with the client of the session the token belongs to; an answer for a session that
closed meanwhile (another profile became active) is dropped. After a revoke the session forgets the token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from oktatool.core.errors import OktaToolError
from oktatool.gui.console.state import TokenOutcome, console_state
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from oktatool.context import AppContext, ProfileSession
    from oktatool.gui import tasks
    from oktatool.gui.console.engine import ConsoleEngine
    from oktatool.gui.console.token_panel import TokenPanel

#: what the pane says once the token is revoked
REVOKED = "Revoked: the org refuses this token from now on; the next Get token or call fetches a new one."


class TokenChecks:
    """Introspect and Revoke for ``panel``'s token, through ``request`` (latest wins with Get token)."""

    def __init__(self, parent: QWidget, engine: ConsoleEngine, panel: TokenPanel, request: tasks.LatestRequest,
                 on_revoked: Callable[[], None]) -> None:
        self.parent = parent
        self.context: AppContext = engine.context
        self.engine = engine
        self.panel = panel
        self.request = request
        self.on_revoked = on_revoked
        panel.introspect_requested.connect(self.introspect)
        panel.revoke_requested.connect(self.revoke)

    def _held(self) -> tuple[ProfileSession, TokenOutcome] | None:
        session = self.context.session
        outcome = console_state(session).token
        return (session, outcome) if outcome is not None else None

    def introspect(self) -> asyncio.Task[None] | None:
        """Ask the org's introspection endpoint about the token held; show the answer beside the token."""
        held = self._held()
        return self.request.start(self._run(*held, revoke=False)) if held else None

    def revoke(self) -> asyncio.Task[None] | None:
        """Revoke the token held at the org and forget it in the session."""
        held = self._held()
        return self.request.start(self._run(*held, revoke=True)) if held else None

    async def _run(self, session: ProfileSession, outcome: TokenOutcome, *, revoke: bool) -> None:
        self.panel.set_busy(True, "Revoking the token…" if revoke else "Asking the org about the token…")
        blocking = self.engine.revoke if revoke else self.engine.introspect
        try:
            answer = await with_unlocked_store(self.parent, self.context, blocking, session,
                                               outcome.token.access_token)
        except OktaToolError as exc:
            if not session.closed:
                self.panel.set_busy(False)
                self.panel.show_failure(plain_message(exc))
            return
        if session.closed:  # another profile became active meanwhile
            return
        self.panel.set_busy(False)
        if revoke:
            state = console_state(session)
            if state.token is outcome:
                state.token = None
            self.panel.forgotten(REVOKED)
            self.on_revoked()
        elif answer is not None:
            self.panel.show_introspection(answer.lines(), answer.active)
