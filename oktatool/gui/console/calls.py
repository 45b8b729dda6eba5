"""What the Console tab does to send a request tab's call: check it, confirm a write, send or walk pages, show
the answer in that tab's own response view, keep it in the history (a part of ConsoleTab in its own module).

Every call belongs to the request tab it was started in (its ``RequestPage``) and to the session it was started
for: it writes to that page only, shown or not, and to nothing once the page or the session is closed.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from PySide6.QtWidgets import QMessageBox, QWidget

from oktatool.core.errors import CancelledError, OktaToolError, StoreLockedError
from oktatool.core.okta.headers import seconds_until_retry
from oktatool.core.okta.history import HistoryEntry
from oktatool.core.okta.orgkind import needs_confirmation
from oktatool.gui import tasks
from oktatool.gui.console.engine import items_body, parse_body
from oktatool.gui.console.page_walk import walk_pages
from oktatool.gui.console.state import PageWalk, console_state
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.okta.api import ApiClient, ApiResponse
    from oktatool.core.okta.orgkind import OrgKind
    from oktatool.core.store.settings import Profile
    from oktatool.gui.console.engine import ConsoleEngine
    from oktatool.gui.console.history_panel import HistoryPanel
    from oktatool.gui.console.request_page import RequestPage
    from oktatool.gui.console.response_view import ResponseView
    from oktatool.gui.console.saved_panel import Call
    from oktatool.gui.console.state import PastedToken, TokenOutcome
    from oktatool.gui.console.token_panel import TokenPanel


class CallsPart:
    """Send, Fetch all pages, Cancel and Find in System Log, each for the request tab it was asked in."""

    context: AppContext
    engine: ConsoleEngine
    history: HistoryPanel
    token_panel: TokenPanel

    if TYPE_CHECKING:
        @property
        def page(self) -> RequestPage: ...
        @property
        def session(self) -> ProfileSession: ...
        @property
        def profile(self) -> Profile: ...
        @property
        def token(self) -> TokenOutcome | None: ...
        @property
        def pasted(self) -> PastedToken | None: ...
        def org_kind(self) -> OrgKind: ...
        def current_call(self, page: RequestPage | None = None) -> Call | None: ...
        def fill_variables(self, method: str, path: str, body: Any, headers: dict[str, str],
                           page: RequestPage | None = None) -> tuple[str, Any, dict[str, str]] | None: ...
        def _update_scope(self) -> None: ...

    def call_parts(self, page: RequestPage | None = None) -> tuple[str, str, Any, dict[str, str]] | None:
        """Return method, path (with the query table), parsed body and headers of ``page`` (default: the shown
        tab's); None (said at the spot) if bad."""
        editor = (page or self.page).editor
        editor.show_problem("")
        method = editor.endpoint()[0]
        call = self.current_call(page)  # then {{variables}} filled from the profile's table
        filled = None if call is None else self.fill_variables(method, call[1], call[2], dict(call[3]), page)
        if filled is None:
            return None
        path = filled[0]
        if not path:
            editor.show_problem("Type a path, e.g. /api/v1/users.")
            return None
        placeholder = re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}", path.partition("?")[0])
        if placeholder:
            editor.show_problem(f"Replace {placeholder.group()} in the path with a real id.")
            return None
        return (method, *filled)

    async def _confirmed(self, method: str) -> bool:
        profile = self.profile
        if not needs_confirmation(self.org_kind(), method, confirm_writes=profile.confirm_writes):
            return True
        assert isinstance(self, QWidget)
        box = QMessageBox(QMessageBox.Icon.Warning, "Production org",
                          f"Send {method} to the production org {profile.org_url}?\nThis changes real data.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return await tasks.dialog_result(box) == QMessageBox.StandardButton.Yes

    def send(self, page: RequestPage | None = None) -> asyncio.Task[None] | None:
        """Send ``page``'s request (default: the shown tab's) once (Ctrl+Enter)."""
        page = page or self.page
        parts = self.call_parts(page)
        if parts is None:
            return None
        return page.request.start(self._run(page, *parts, all_pages=False))

    def fetch_all(self, page: RequestPage | None = None) -> asyncio.Task[None] | None:
        """Follow every rel="next" page, streaming rows into ``page``'s table (default: the shown tab's)."""
        page = page or self.page
        parts = self.call_parts(page)
        if parts is None:
            return None
        return page.request.start(self._run(page, *parts, all_pages=True))

    def cancel(self, page: RequestPage | None = None) -> None:
        """Stop ``page``'s running request or page walk (default: the shown tab's); the other tabs' go on."""
        page = page or self.page
        page.cancel.set()
        page.request.cancel()

    async def _api(self, session: ProfileSession, method: str, path: str, headers: dict[str, str],
                   scopes: tuple[str, ...] = ()) -> ApiClient:
        """Return the API client for a call: ``scopes``, else the current token's, else what the endpoint needs."""
        assert isinstance(self, QWidget)
        state = console_state(session)
        if not scopes and state.token is not None:
            scopes = state.token.facts.asked
        if not scopes:
            try:
                scopes = await with_unlocked_store(self, self.context, self.engine.scopes_for, session, method, path)
            except (CancelledError, StoreLockedError):
                raise
            except OktaToolError:
                scopes = ()
        return await with_unlocked_store(self, self.context, self.engine.api, session, scopes, headers, state.pasted)

    async def _run(self, page: RequestPage, method: str, path: str, body: Any, headers: dict[str, str], *,
                   all_pages: bool, scopes: tuple[str, ...] = ()) -> None:
        session = self.session
        view, tab = page.response, page.tab
        if not await self._confirmed(method):
            if not page.gone(session):
                view.show_failure("Not sent.")
            return
        if page.gone(session):
            return
        state = console_state(session)
        page.cancel = cancel = threading.Event()
        session.on_close(cancel.set)  # a switch stops the call's waits and retries, not only its answer
        page.editor.set_busy(True)
        tab.walk = walk = PageWalk() if all_pages else None
        view.start(f"{method} {path} …" + (" (starting the Local sandbox)"
                                          if session.profile.is_sandbox and state.token is None else ""))
        started = time.time()
        response: ApiResponse | None = None
        error: str | None = None
        api: ApiClient | None = None
        try:
            api = await self._api(session, method, path, headers, scopes)
            if walk is not None:
                response = await walk_pages(view, session, walk, api, method, path, body, cancel,
                                            gone=lambda: page.closed)
            else:
                response = await tasks.run_blocking(api.send, method, path, body=body, cancel=cancel)
                parsed = await tasks.run_blocking(parse_body, response.content)
                if page.gone(session):
                    raise CancelledError("the request tab was closed, or the active profile changed")
                view.show_answer(response, parsed)
                self._rate_wait(view, response)
                await view.all_rows_shown()
            tab.last_response = response
        except (asyncio.CancelledError, CancelledError):
            error = "cancelled"
            if not page.gone(session):
                view.show_failure("Cancelled." + (f" {view.row_count():,} rows kept." if all_pages else ""))
        except OktaToolError as exc:
            error = exc.description
            if not page.gone(session):
                view.show_failure(plain_message(exc))
        finally:
            if not page.gone(session):
                page.editor.set_busy(False)
            self._remember(session.profile, method, path, body, headers, started, response, error)
        if not session.closed and state.token is None and not state.pasted and api is not None \
                and response is not None and api.token_source is not None:
            await self._refresh_token_shown(session, api.token_source)

    async def _refresh_token_shown(self, session: ProfileSession, source: Any) -> None:
        try:
            token = await tasks.run_blocking(source)
        except OktaToolError:
            return
        if session.closed:
            return
        outcome = self.engine.outcome(session, token, tuple(token.scope.split()), True)
        console_state(session).token = outcome
        self.token_panel.set_asked_scopes(outcome.facts.granted)
        self.token_panel.show_outcome(outcome)
        self._update_scope()

    def _show_page(self, page: RequestPage, index: int) -> None:
        """Show page ``index`` of ``page``'s walk: its status, rate limit, request id and headers, then its body."""
        walk = page.tab.walk
        if walk is not None and 0 <= index < len(walk.pages):
            page.response.show_page(walk.pages[index], index + 1, len(walk.pages))
            page.page_body.start(self._show_page_body(self.session, page, walk.pages[index].data))

    async def _show_page_body(self, session: ProfileSession, page: RequestPage, items: tuple[Any, ...]) -> None:
        parsed = await tasks.run_blocking(items_body, items)  # a page can be megabytes of text: not on the GUI thread
        if not page.gone(session):
            page.response.show_page_body(parsed)

    @staticmethod
    def _rate_wait(view: ResponseView, response: ApiResponse) -> None:
        if response.status == 429:
            wait = seconds_until_retry(response.headers, time.time())
            if wait is not None:
                view.show_rate_wait(time.time() + wait)

    def _remember(self, profile: Profile, method: str, path: str, body: Any, headers: dict[str, str],
                  started: float, response: ApiResponse | None, error: str | None) -> None:
        self.history.remember(HistoryEntry.safe(
            time=started, profile=profile.name, method=method, path=path,
            status=response.status if response is not None else None,
            duration_ms=(time.time() - started) * 1000, request_id=response.request_id if response else None,
            error=error, body=json.dumps(body, indent=2) if body is not None else "", headers=headers.items(),
            org=profile.org_url))

    def find_in_system_log(self, page: RequestPage | None = None) -> asyncio.Task[None] | None:
        """Look ``page``'s request id up in the System Log (GET /api/v1/logs filtered by it), in that tab."""
        page = page or self.page
        request_id = page.response.shown_request_id()
        if not request_id:
            return None
        expression = f'debugContext.debugData.requestId eq "{request_id}"'
        page.editor.set_request("GET", f"/api/v1/logs?filter={quote(expression)}")
        parts = self.call_parts(page)
        if parts is None:
            return None
        # the lookup needs okta.logs.read: ask for it beside the current token's scopes
        token = self.token
        asked = token.facts.asked if token is not None else ()
        scopes = () if self.pasted else tuple(dict.fromkeys([*asked, "okta.logs.read"]))
        return page.request.start(self._run(page, *parts, all_pages=False, scopes=scopes))
