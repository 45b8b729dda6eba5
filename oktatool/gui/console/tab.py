"""The Console tab: get a token with the active profile and call the Okta API (see the panels beside this module).

Public API for the other tabs (through ``window.show_tab("console")``): ``use_authorization(token)``,
``history_calls()`` and ``request_token_with_scopes(scopes)``.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QSplitter, QTabWidget, QVBoxLayout, QWidget

from oktatool.core.errors import CancelledError, OktaToolError, StoreLockedError
from oktatool.core.okta.headers import seconds_until_retry
from oktatool.core.okta.history import HistoryEntry, HistoryStore
from oktatool.core.okta.orgkind import OrgKind, classify_org, needs_confirmation
from oktatool.gui import tasks
from oktatool.gui.console import export
from oktatool.gui.console.auth_server_control import AuthServerControl
from oktatool.gui.console.engine import ConsoleEngine, items_body, parse_body
from oktatool.gui.console.history_panel import HistoryPanel
from oktatool.gui.console.page_walk import walk_pages
from oktatool.gui.console.profile_bar import ProfileBar
from oktatool.gui.console.request_editor import RequestEditor
from oktatool.gui.console.response_view import ResponseView
from oktatool.gui.console.saved_hooks import SavedRequestsPart
from oktatool.gui.console.state import ConsoleState, PageWalk, PastedToken, TokenOutcome, console_state
from oktatool.gui.console.token_checks import TokenChecks
from oktatool.gui.console.token_panel import TokenPanel
from oktatool.gui.settings_follow import follow_profile, follow_settings
from oktatool.gui.widgets.accessible import COPY_TOKEN_KEYS, RUN_KEYS, TOKEN_KEYS, main_action
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.okta.api import ApiClient, ApiResponse
    from oktatool.core.okta.exchange import TokenExchange
    from oktatool.core.okta.scopes import ScopeCatalog
    from oktatool.core.store.settings import Profile


class ConsoleTab(QWidget, SavedRequestsPart):
    """Token panel, request editor, response view and history: a view of the active profile's session.

    The token, the pasted token, the last answer and the page walk live in the session (``ConsoleState``);
    every request remembers the session it was started for and writes nothing once that session is closed.
    """

    #: a token exchange the client made for a session (from a worker thread; delivered on the GUI thread)
    exchange_arrived = Signal(object, object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        me = weakref.ref(self)  # no reference cycle through the engine or the context (GC off the GUI thread)

        def deliver(session: ProfileSession, exchange: TokenExchange) -> None:
            tab = me()
            if tab is not None:
                tab.exchange_arrived.emit(session, exchange)

        self.engine = ConsoleEngine(context, listener=deliver)
        self.exchange_arrived.connect(self._on_exchange, Qt.ConnectionType.QueuedConnection)
        self.catalog: ScopeCatalog | None = None
        self.request = tasks.LatestRequest()
        self.token_request = tasks.LatestRequest()
        self.page_body = tasks.LatestRequest()
        self._cancel = threading.Event()

        self.bar = ProfileBar()
        self.bar.clear_pasted_requested.connect(self.clear_authorization)
        self.bar.confirm_toggled.connect(self._confirm_toggled)
        self.editor = RequestEditor()
        self.token_panel = TokenPanel()
        self.history = HistoryPanel(HistoryStore(context.paths.data_dir))
        self.response = ResponseView()
        self.left = QTabWidget()
        self.left.addTab(self.editor, "Request")
        self.left.addTab(self.token_panel, "Token")
        self.left.addTab(self.history, "History")
        self._build_saved()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left)
        splitter.addWidget(self.response)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        splitter.setChildrenCollapsible(False)
        self.auth_server = AuthServerControl(context, self.token_panel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.auth_server.bar)
        layout.addWidget(self.editor.request_line)
        layout.addWidget(splitter, 1)
        main_action(self.editor.send_button, self, RUN_KEYS, "Send the request")
        main_action(self.token_panel.get_button, self, TOKEN_KEYS, self.token_panel.get_button.toolTip())
        main_action(self.token_panel.access_token.copy_button, self, COPY_TOKEN_KEYS,
                    self.token_panel.access_token.copy_button.toolTip())

        self.editor.send_requested.connect(self.send)
        self.editor.fetch_all_requested.connect(self.fetch_all)
        self.editor.cancel_requested.connect(self.cancel)
        self.editor.changed.connect(self._update_scope)
        self.editor.scoped_token_requested.connect(self.request_token_with_scopes)
        self.token_panel.get_requested.connect(self.get_token)
        self.token_panel.forget_requested.connect(self.forget_token)
        self.token_checks = TokenChecks(self, self.engine, self.token_panel, self.token_request, self._update_scope)
        self.response.save_json_requested.connect(lambda: export.save_json(self))
        self.response.save_csv_requested.connect(lambda: export.save_csv(self))
        self.response.system_log_requested.connect(self.find_in_system_log)
        self.response.copy_curl_requested.connect(lambda: export.copy_curl(self))
        self.response.copy_powershell_requested.connect(lambda: export.copy_powershell(self))
        self.response.copy_python_requested.connect(lambda: export.copy_python(self))
        self.response.page_chosen.connect(self._show_page)
        self.history.replay_requested.connect(self.replay)
        self.history.save_failed.connect(self.response.show_progress)
        follow_settings(self, context, self._settings_changed)
        follow_profile(self, context, self._reset)
        self.loading = tasks.spawn(self._load())

    # --- the session: what the tab draws ----------------------------------------------------------------

    @property
    def session(self) -> ProfileSession:
        """Return the active profile's session."""
        return self.context.session

    @property
    def state(self) -> ConsoleState:
        """Return the Console's state in the active profile's session."""
        return console_state(self.context.session)

    @property
    def profile(self) -> Profile:
        """Return the active profile."""
        return self.context.session.profile

    @property
    def token(self) -> TokenOutcome | None:
        """Return the active profile's token (None before Get token or a call)."""
        return self.state.token

    @property
    def pasted(self) -> PastedToken | None:
        """Return the Authorization pasted for the active profile, if any."""
        return self.state.pasted

    @property
    def last_response(self) -> ApiResponse | None:
        """Return the latest answer for the active profile."""
        return self.state.last_response

    def org_kind(self) -> OrgKind:
        """Return what kind of org the active profile talks to."""
        profile = self.profile
        return OrgKind.SANDBOX if profile.is_sandbox else classify_org(profile.org_url)

    def _reset(self, session: ProfileSession) -> None:
        """Draw ``session`` from scratch: what the tab showed of another profile (or value) goes."""
        self.request.cancel()
        self.token_request.cancel()
        self._cancel.set()
        self.editor.set_busy(False)
        state = console_state(session)
        self.bar.show_profile(session.profile, self.org_kind())
        self.bar.show_pasted(state.pasted)
        self.token_panel.clear()
        if state.token is not None:
            self.token_panel.show_outcome(state.token)
        self.response.clear()
        self.history.show_profile(session.profile)
        self._show_saved_for(session)
        self._update_scope()

    def profile_traces(self) -> list[str]:
        """Return every value the tab shows or would send that could belong to a profile (the contract test
        looks for the previous profile's in it): tokens, the pasted token, cid, cnf.jkt, the exchange, the
        answer's status, request id and headers, the org line and the profile's variables."""
        values = [*self.bar.traces(), *self.token_panel.traces(), *self.response.traces(), *self.state.traces(),
                  *self.saved.traces()]
        return [value for value in values if value and value != "–"]

    def _settings_changed(self, _settings: Any) -> None:
        self.bar.show_profile(self.profile, self.org_kind())

    def _confirm_toggled(self, checked: bool) -> None:
        profile = self.profile
        settings = self.context.settings.settings
        self.context.save_settings(settings.with_profile(profile._replace(confirm_writes=checked)))

    async def _load(self) -> None:
        from oktatool.core.okta.scopes import ScopeCatalog

        await asyncio.gather(self.history.load(), self.saved.load())
        try:
            self.catalog = await tasks.run_blocking(ScopeCatalog.load)
        except OktaToolError as exc:
            self.editor.show_scope(f"No scope catalog: {plain_message(exc)}", (), ())
            return
        paths = sorted({op.path for op in self.catalog.operations})
        self.editor.set_catalog_paths(paths)
        self._update_scope()

    # --- token ----------------------------------------------------------------------------------------

    def get_token(self) -> asyncio.Task[None]:
        """Get a token for the scopes typed (or the profile's), cache first."""
        self.left.setCurrentWidget(self.token_panel)
        return self.token_request.start(self._get_token(self.session, self.token_panel.asked_scopes()))

    async def _get_token(self, session: ProfileSession, scopes: tuple[str, ...]) -> None:
        self.token_panel.set_busy(True, "Getting a token…" + (" (starting the Local sandbox)"
                                                              if session.profile.is_sandbox else ""))
        try:
            outcome = await with_unlocked_store(self, self.context, self.engine.get_token, session, scopes)
        except OktaToolError as exc:
            if not session.closed:
                self.token_panel.show_failure(plain_message(exc))
            return
        finally:
            if not session.closed:
                self.token_panel.set_busy(False)
        if session.closed:  # another profile became active meanwhile: the token belongs to the old one
            return
        console_state(session).token = outcome
        self.token_panel.offer_scopes(outcome.facts.asked)
        self.token_panel.show_outcome(outcome)
        self._update_scope()

    def forget_token(self) -> None:
        """Drop the cached token."""
        self.engine.forget(self.session)
        self.state.token = None
        self.token_panel.forgotten()
        self._update_scope()

    def _on_exchange(self, session: ProfileSession, exchange: TokenExchange) -> None:
        if session.closed:  # made for a profile that is no longer active
            return
        self.token_panel.show_exchange(exchange)
        if exchange.token is not None:
            outcome = self.engine.outcome(session, exchange.token, exchange.asked, False)
            if exchange.reason != "asked":
                console_state(session).token = outcome
                self.token_panel.offer_scopes(exchange.asked)
                self.token_panel.show_outcome(outcome)
                self._update_scope()
            if exchange.reason.startswith("renewed"):
                self.response.show_progress("The token was about to expire: a new one was fetched before "
                                            "the call (see the Token tab).")

    def request_token_with_scopes(self, scopes: list[str]) -> None:
        """Get a token that carries ``scopes`` as well as those asked for so far (the Scopes tab's offer)."""
        token = self.token
        current = list(self.token_panel.asked_scopes()) or (list(token.facts.asked) if token else [])
        self.token_panel.set_asked_scopes(list(dict.fromkeys([*current, *scopes])))
        self.get_token()

    def use_authorization(self, token: str) -> None:
        """Send the next calls with ``token`` (``Bearer x``, ``DPoP x``, ``SSWS x`` or a bare token) instead.

        The token is kept in the active profile's session: it is sent only to that profile's org.
        """
        if not token.strip():
            self.clear_authorization()
            return
        self.state.pasted = PastedToken.parse(token)
        self.bar.show_pasted(self.state.pasted)
        self.left.setCurrentWidget(self.editor)

    def clear_authorization(self) -> None:
        """Go back to the profile's own token."""
        self.state.pasted = None
        self.bar.show_pasted(None)

    def _update_scope(self) -> None:
        catalog = self.catalog
        if catalog is None:
            return
        method, path = self.editor.endpoint()
        try:
            requirement = catalog.required_scopes(method, path)
        except OktaToolError:
            self.editor.show_scope("The scope catalog does not know this endpoint.", (), ())
            return
        token, pasted = self.token, self.pasted
        granted = set(token.facts.granted) if token and not pasted else set()
        missing = tuple(options[0] for options in requirement.alternatives
                        if granted and not any(s in granted for s in options))
        text = requirement.explain()
        if missing:
            text += " The current token lacks it."
        wanted = tuple(dict.fromkeys([*(token.facts.asked if token else ()), *missing]))
        self.editor.show_scope(text, missing, wanted)

    # --- calls ------------------------------------------------------------------------------------------

    def call_parts(self) -> tuple[str, str, Any, dict[str, str]] | None:
        """Return method, path (with the query table), parsed body and headers; None (said at the spot) if bad."""
        self.editor.show_problem("")
        method = self.editor.endpoint()[0]
        call = self.current_call()  # then {{variables}} filled from the profile's table
        filled = None if call is None else self.fill_variables(method, call[1], call[2], dict(call[3]))
        if filled is None:
            return None
        path = filled[0]
        if not path:
            self.editor.show_problem("Type a path, e.g. /api/v1/users.")
            return None
        placeholder = re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}", path.partition("?")[0])
        if placeholder:
            self.editor.show_problem(f"Replace {placeholder.group()} in the path with a real id.")
            return None
        return (method, *filled)

    async def _confirmed(self, method: str) -> bool:
        profile = self.profile
        if not needs_confirmation(self.org_kind(), method, confirm_writes=profile.confirm_writes):
            return True
        box = QMessageBox(QMessageBox.Icon.Warning, "Production org",
                          f"Send {method} to the production org {profile.org_url}?\nThis changes real data.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return await tasks.dialog_result(box) == QMessageBox.StandardButton.Yes

    def send(self) -> asyncio.Task[None] | None:
        """Send the request once (Ctrl+Enter)."""
        parts = self.call_parts()
        if parts is None:
            return None
        return self.request.start(self._run(*parts, all_pages=False))

    def fetch_all(self) -> asyncio.Task[None] | None:
        """Follow every rel="next" page, streaming rows into the table."""
        parts = self.call_parts()
        if parts is None:
            return None
        return self.request.start(self._run(*parts, all_pages=True))

    def cancel(self) -> None:
        """Stop the running request or page walk."""
        self._cancel.set()
        self.request.cancel()

    async def _api(self, session: ProfileSession, method: str, path: str, headers: dict[str, str],
                   scopes: tuple[str, ...] = ()) -> ApiClient:
        """Return the API client for a call: ``scopes``, else the current token's, else what the endpoint needs."""
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

    async def _run(self, method: str, path: str, body: Any, headers: dict[str, str], *, all_pages: bool,
                   scopes: tuple[str, ...] = ()) -> None:
        session = self.session
        if not await self._confirmed(method):
            if not session.closed:
                self.response.show_failure("Not sent.")
            return
        if session.closed:
            return
        state = console_state(session)
        self._cancel = cancel = threading.Event()
        session.on_close(cancel.set)  # a switch stops the call's waits and retries, not only its answer
        self.editor.set_busy(True)
        state.walk = walk = PageWalk() if all_pages else None
        self.response.start(f"{method} {path} …" + (" (starting the Local sandbox)"
                                                   if session.profile.is_sandbox and state.token is None else ""))
        started = time.time()
        response: ApiResponse | None = None
        error: str | None = None
        api: ApiClient | None = None
        try:
            api = await self._api(session, method, path, headers, scopes)
            if walk is not None:
                response = await walk_pages(self.response, session, walk, api, method, path, body, cancel)
            else:
                response = await tasks.run_blocking(api.send, method, path, body=body, cancel=cancel)
                parsed = await tasks.run_blocking(parse_body, response.content)
                if session.closed:
                    raise CancelledError("the active profile changed")
                self.response.show_answer(response, parsed)
                self._rate_wait(response)
                await self.response.all_rows_shown()
            state.last_response = response
        except (asyncio.CancelledError, CancelledError):
            error = "cancelled"
            if not session.closed:
                self.response.show_failure("Cancelled." + (f" {self.response.row_count():,} rows kept."
                                                           if all_pages else ""))
        except OktaToolError as exc:
            error = exc.description
            if not session.closed:
                self.response.show_failure(plain_message(exc))
        finally:
            if not session.closed:
                self.editor.set_busy(False)
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

    def _show_page(self, index: int) -> None:
        """Show page ``index`` of the walk: its status, rate limit, request id and headers, then its body."""
        walk = self.state.walk
        if walk is not None and 0 <= index < len(walk.pages):
            self.response.show_page(walk.pages[index], index + 1, len(walk.pages))
            self.page_body.start(self._show_page_body(self.session, walk.pages[index].data))

    async def _show_page_body(self, session: ProfileSession, items: tuple[Any, ...]) -> None:
        parsed = await tasks.run_blocking(items_body, items)  # a page can be megabytes of text: not on the GUI thread
        if not session.closed:
            self.response.show_page_body(parsed)

    def _rate_wait(self, response: ApiResponse) -> None:
        if response.status == 429:
            wait = seconds_until_retry(response.headers, time.time())
            if wait is not None:
                self.response.show_rate_wait(time.time() + wait)

    def _remember(self, profile: Profile, method: str, path: str, body: Any, headers: dict[str, str],
                  started: float, response: ApiResponse | None, error: str | None) -> None:
        self.history.remember(HistoryEntry.safe(
            time=started, profile=profile.name, method=method, path=path,
            status=response.status if response is not None else None,
            duration_ms=(time.time() - started) * 1000, request_id=response.request_id if response else None,
            error=error, body=json.dumps(body, indent=2) if body is not None else "", headers=headers.items(),
            org=profile.org_url))

    # --- history ------------------------------------------------------------------------------------------

    def replay(self, entry: HistoryEntry) -> None:
        """Put a history entry back in the editor."""
        self.editor.set_request(entry.method, entry.path, entry.body, list(entry.headers))
        self.left.setCurrentWidget(self.editor)

    @property
    def history_saved(self) -> asyncio.Task[None] | None:
        """Return the latest save of the history file."""
        return self.history.saved

    def history_calls(self) -> list[str]:
        """Return the selected history rows (all rows when none is selected) as ``METHOD /path``."""
        return self.history.calls()

    def find_in_system_log(self) -> asyncio.Task[None] | None:
        """Look the request id up in the System Log (GET /api/v1/logs filtered by it)."""
        request_id = self.response.shown_request_id()
        if not request_id:
            return None
        expression = f'debugContext.debugData.requestId eq "{request_id}"'
        self.editor.set_request("GET", f"/api/v1/logs?filter={quote(expression)}")
        parts = self.call_parts()
        if parts is None:
            return None
        # the lookup needs okta.logs.read: ask for it beside the current token's scopes
        token = self.token
        asked = token.facts.asked if token is not None else ()
        scopes = () if self.pasted else tuple(dict.fromkeys([*asked, "okta.logs.read"]))
        return self.request.start(self._run(*parts, all_pages=False, scopes=scopes))

    # --- window hooks ----------------------------------------------------------------------------------------

    def copy_current(self) -> None:
        """Edit > Copy: the request for this OS's shell (PowerShell on Windows, curl elsewhere)."""
        export.copy_default(self)

    async def prepare_screenshot(self) -> None:
        """GET /api/v1/users on the Local sandbox, users in the table (the README picture)."""
        self.editor.set_request("GET", "/api/v1/users?limit=200")
        task = self.send()
        if task is not None:
            await task
        self.left.setCurrentWidget(self.editor)

    async def self_test(self) -> str:
        """Get a token from the in-process sandbox and make one call (in a session of its own)."""
        from oktatool.core.store.settings import Profile

        sandbox = next((p for p in self.context.settings.settings.profiles if p.is_sandbox), None) or \
            Profile(name="Local sandbox")
        return await tasks.run_blocking(self.engine.self_test, sandbox)
