"""The Console tab: get a token with the active profile and call the Okta API (see the panels beside this module).

Public API for the other tabs (through ``window.show_tab("console")``): ``use_authorization(token)``,
``history_calls()`` and ``request_token_with_scopes(scopes)``.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from oktatool.core.errors import OktaToolError
from oktatool.core.okta.history import HistoryEntry, HistoryStore
from oktatool.core.okta.orgkind import OrgKind, classify_org
from oktatool.gui import tasks
from oktatool.gui.console import export
from oktatool.gui.console.auth_server_control import AuthServerControl
from oktatool.gui.console.calls import CallsPart
from oktatool.gui.console.engine import ConsoleEngine
from oktatool.gui.console.history_panel import HistoryPanel
from oktatool.gui.console.profile_bar import ProfileBar
from oktatool.gui.console.request_page import SEND_TIP, RequestPage, offer_open_in_new_tab
from oktatool.gui.console.saved_hooks import SavedRequestsPart
from oktatool.gui.console.state import ConsoleState, PastedToken, TokenOutcome, console_state
from oktatool.gui.console.tabs_part import RequestTabsPart
from oktatool.gui.console.token_checks import TokenChecks
from oktatool.gui.console.token_panel import TokenPanel
from oktatool.gui.settings_follow import follow_profile, follow_settings
from oktatool.gui.widgets.accessible import COPY_TOKEN_KEYS, RUN_KEYS, TOKEN_KEYS, main_action, tab_action
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.okta.api import ApiResponse
    from oktatool.core.okta.exchange import TokenExchange
    from oktatool.core.okta.scopes import ScopeCatalog
    from oktatool.core.store.settings import Profile


class ConsoleTab(QWidget, SavedRequestsPart, RequestTabsPart, CallsPart):
    """Token panel, request tabs (each an editor and a response view), history and saved requests: a view of the
    active profile's session.

    The token, the pasted token and the request tabs (each with its last answer and page walk) live in the
    session (``ConsoleState``); every request remembers the session and the tab it was started for and writes
    nothing once either is closed.
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
        self._catalog_paths: list[str] = []
        self.token_request = tasks.LatestRequest()

        self.bar = ProfileBar()
        self.bar.clear_pasted_requested.connect(self.clear_authorization)
        self.bar.confirm_toggled.connect(self._confirm_toggled)
        self.token_panel = TokenPanel()
        self.history = HistoryPanel(HistoryStore(context.paths.data_dir))
        tab_row = self._build_request_tabs(self)
        self.left = QTabWidget()
        self.left.addTab(self.editor_stack, "Request")
        self.left.addTab(self.token_panel, "Token")
        self.left.addTab(self.history, "History")
        self._build_saved()
        offer_open_in_new_tab(self.history.table, lambda: self._replay_selected(False),
                              lambda: self._replay_selected(True))
        offer_open_in_new_tab(self.saved.table, lambda: self._open_selected_saved(False),
                              lambda: self._open_selected_saved(True))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left)
        splitter.addWidget(self.response_stack)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        splitter.setChildrenCollapsible(False)
        self.auth_server = AuthServerControl(context, self.token_panel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.auth_server.bar)
        layout.addWidget(tab_row)
        layout.addWidget(self.line_stack)
        layout.addWidget(splitter, 1)
        tab_action(self, RUN_KEYS, SEND_TIP, lambda: self.editor.send_button.click())
        main_action(self.token_panel.get_button, self, TOKEN_KEYS, self.token_panel.get_button.toolTip())
        main_action(self.token_panel.access_token.copy_button, self, COPY_TOKEN_KEYS,
                    self.token_panel.access_token.copy_button.toolTip())

        self.token_panel.get_requested.connect(self.get_token)
        self.token_panel.forget_requested.connect(self.forget_token)
        self.token_checks = TokenChecks(self, self.engine, self.token_panel, self.token_request, self._update_scope)
        self.history.replay_requested.connect(self.replay)
        self.history.save_failed.connect(lambda said: self.response.show_progress(said))
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

    def _wire_page(self, page: RequestPage) -> None:
        """Connect a request tab's editor and response view: what they ask is done for that tab."""
        editor, view = page.editor, page.response
        editor.send_requested.connect(lambda: self.send(page))
        editor.fetch_all_requested.connect(lambda: self.fetch_all(page))
        editor.cancel_requested.connect(lambda: self.cancel(page))
        editor.changed.connect(self._update_scope)
        editor.scoped_token_requested.connect(self.request_token_with_scopes)
        editor.save_requested.connect(self.save_request)
        editor.set_catalog_paths(self._catalog_paths)
        view.save_json_requested.connect(lambda: export.save_json(self))
        view.save_csv_requested.connect(lambda: export.save_csv(self))
        view.system_log_requested.connect(lambda: self.find_in_system_log(page))
        view.copy_curl_requested.connect(lambda: export.copy_curl(self))
        view.copy_powershell_requested.connect(lambda: export.copy_powershell(self))
        view.copy_python_requested.connect(lambda: export.copy_python(self))
        view.page_chosen.connect(lambda index: self._show_page(page, index))
        view.use_as_variable_requested.connect(self.use_as_variable)

    def _reset(self, session: ProfileSession) -> None:
        """Draw ``session`` from scratch: what the tab showed of another profile (or value) goes."""
        self.token_request.cancel()
        state = console_state(session)
        self.bar.show_profile(session.profile, self.org_kind())
        self.bar.show_pasted(state.pasted)
        self.token_panel.clear()
        if state.token is not None:
            self.token_panel.show_outcome(state.token)
        self._show_tabs_for(session)
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
        self._catalog_paths = sorted({op.path for op in self.catalog.operations})
        for page in self.pages.values():
            page.editor.set_catalog_paths(self._catalog_paths)
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
        self.left.setCurrentWidget(self.editor_stack)

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

    # --- history ------------------------------------------------------------------------------------------

    def replay(self, entry: HistoryEntry, new_tab: bool | None = None) -> None:
        """Put a history entry back in the shown request tab (a new one with ``new_tab``, or Ctrl held)."""
        page = self.target_page(new_tab)
        page.editor.set_request(entry.method, entry.path, entry.body, list(entry.headers))
        self.left.setCurrentWidget(self.editor_stack)

    def _replay_selected(self, new_tab: bool) -> None:
        chosen = self.history.selected()
        if chosen:
            self.replay(chosen[0], new_tab)

    def _open_selected_saved(self, new_tab: bool) -> None:
        chosen = self.saved.selected()
        if chosen is not None:
            self.open_saved(chosen, new_tab)

    @property
    def history_saved(self) -> asyncio.Task[None] | None:
        """Return the latest save of the history file."""
        return self.history.saved

    def history_calls(self) -> list[str]:
        """Return the selected history rows (all rows when none is selected) as ``METHOD /path``."""
        return self.history.calls()

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
        self.left.setCurrentWidget(self.editor_stack)

    async def self_test(self) -> str:
        """Get a token from the in-process sandbox and make one call (in a session of its own)."""
        from oktatool.core.store.settings import Profile

        sandbox = next((p for p in self.context.settings.settings.profiles if p.is_sandbox), None) or \
            Profile(name="Local sandbox")
        return await tasks.run_blocking(self.engine.self_test, sandbox)
