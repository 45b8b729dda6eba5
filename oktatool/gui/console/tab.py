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
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import CancelledError, OktaToolError
from oktatool.core.okta.exchange import TokenExchange, token_facts
from oktatool.core.okta.headers import seconds_until_retry
from oktatool.core.okta.history import HistoryEntry, HistoryStore
from oktatool.core.okta.orgkind import OrgKind, classify_org, needs_confirmation
from oktatool.gui import tasks
from oktatool.gui.console import export
from oktatool.gui.console.engine import ConsoleEngine, PastedToken, TokenOutcome, parse_body
from oktatool.gui.console.history_panel import HistoryPanel
from oktatool.gui.console.page_walk import walk_pages
from oktatool.gui.console.request_editor import RequestEditor
from oktatool.gui.console.response_view import ResponseView
from oktatool.gui.console.token_panel import TokenPanel
from oktatool.gui.settings_follow import follow_settings
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.okta.api import ApiClient, ApiResponse
    from oktatool.core.okta.scopes import ScopeCatalog
    from oktatool.core.store.settings import Profile

_BADGE_COLOURS = {OrgKind.SANDBOX: "#2e7d32", OrgKind.PREVIEW: "#b26a00", OrgKind.PRODUCTION: "#c62828"}


class ConsoleTab(QWidget):
    """Token panel, request editor, response view and history."""

    #: a token exchange the client made (from a worker thread; delivered on the GUI thread)
    exchange_arrived = Signal(str, object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        me = weakref.ref(self)  # no reference cycle through the engine or the context (GC off the GUI thread)

        def deliver(name: str, exchange: TokenExchange) -> None:
            tab = me()
            if tab is not None:
                tab.exchange_arrived.emit(name, exchange)

        self.engine = ConsoleEngine(context, listener=deliver)
        self.exchange_arrived.connect(self._on_exchange, Qt.ConnectionType.QueuedConnection)
        self.history_store = HistoryStore(context.paths.data_dir)
        self.catalog: ScopeCatalog | None = None
        self.token: TokenOutcome | None = None
        self.pasted: PastedToken | None = None
        self.request = tasks.LatestRequest()
        self.token_request = tasks.LatestRequest()
        self._cancel = threading.Event()
        self.last_response: ApiResponse | None = None
        self.fetched_all = False
        self.history_saved: asyncio.Task[None] | None = None

        self.badge = QLabel()
        self.badge.setObjectName("orgBadge")
        self.org_label = QLabel()
        self.confirm_box = QCheckBox("Confirm writes to production")
        self.confirm_box.setToolTip("Ask before a POST, PUT, PATCH or DELETE to a production org (saved per profile)")
        self.confirm_box.toggled.connect(self._confirm_toggled)
        self.pasted_label = QLabel()
        self.pasted_clear = QPushButton("Use the profile's token")
        self.pasted_clear.clicked.connect(self.clear_authorization)
        header = QHBoxLayout()
        header.addWidget(self.badge)
        header.addWidget(self.org_label, 1)
        header.addWidget(self.pasted_label)
        header.addWidget(self.pasted_clear)
        header.addWidget(self.confirm_box)

        self.editor = RequestEditor()
        self.token_panel = TokenPanel()
        self.history = HistoryPanel()
        self.response = ResponseView()
        self.left = QTabWidget()
        self.left.addTab(self.editor, "Request")
        self.left.addTab(self.token_panel, "Token")
        self.left.addTab(self.history, "History")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left)
        splitter.addWidget(self.response)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.editor.request_line)
        layout.addWidget(splitter, 1)
        self.editor.add_send_shortcuts(self)

        self.editor.send_requested.connect(self.send)
        self.editor.fetch_all_requested.connect(self.fetch_all)
        self.editor.cancel_requested.connect(self.cancel)
        self.editor.changed.connect(self._update_scope)
        self.editor.scoped_token_requested.connect(self.request_token_with_scopes)
        self.token_panel.get_requested.connect(self.get_token)
        self.token_panel.forget_requested.connect(self.forget_token)
        self.response.save_json_requested.connect(lambda: export.save_json(self))
        self.response.save_csv_requested.connect(lambda: export.save_csv(self))
        self.response.system_log_requested.connect(self.find_in_system_log)
        self.response.copy_curl_requested.connect(lambda: export.copy_curl(self))
        self.response.copy_python_requested.connect(lambda: export.copy_python(self))
        self.history.replay_requested.connect(self.replay)
        self.history.delete_requested.connect(self.delete_history)
        self.history.clear_requested.connect(self.clear_history)
        follow_settings(self, context, self._settings_changed)
        self.clear_authorization()
        self._show_profile()
        self.loading = tasks.spawn(self._load())

    # --- profile and org ------------------------------------------------------------------------------

    @property
    def profile(self) -> Profile:
        """Return the active profile."""
        return self.context.settings.settings.profile()

    def org_kind(self) -> OrgKind:
        """Return what kind of org the active profile talks to."""
        profile = self.profile
        return OrgKind.SANDBOX if profile.is_sandbox else classify_org(profile.org_url)

    def _show_profile(self) -> None:
        profile = self.profile
        self._shown_profile = profile.name
        kind = self.org_kind()
        self.badge.setText(f" {kind.label} ")
        self.badge.setStyleSheet(f"background: {_BADGE_COLOURS[kind]}; color: white; font-weight: 600; "
                                 "border-radius: 3px; padding: 2px 6px")
        where = "built-in sandbox org" if profile.is_sandbox else profile.org_url
        self.org_label.setText(f"{profile.name}: {where}" + (" · DPoP" if profile.dpop else ""))
        self.confirm_box.blockSignals(True)
        self.confirm_box.setChecked(profile.confirm_writes)
        self.confirm_box.blockSignals(False)
        self.confirm_box.setVisible(kind is OrgKind.PRODUCTION)

    def _settings_changed(self, _settings: Any) -> None:
        if self.profile.name != self._shown_profile:  # another profile: its own token, scopes and org
            self.token = None
            self.token_panel.forgotten()
            self.token_panel.scopes.clear()
            self._update_scope()
        self._show_profile()

    def profile_traces(self) -> list[str]:
        """Return the token, pasted token and last request id the tab holds (minimal; the Console's own
        session refactor lists the rest)."""
        traces = [self.token.token.access_token if self.token else "", self.pasted.token if self.pasted else "",
                  self.last_response.request_id or "" if self.last_response else ""]
        return [trace for trace in traces if trace]

    def _confirm_toggled(self, checked: bool) -> None:
        profile = self.profile
        settings = self.context.settings.settings
        self.context.save_settings(settings.with_profile(profile._replace(confirm_writes=checked)))

    async def _load(self) -> None:
        from oktatool.core.okta.scopes import ScopeCatalog

        entries = await tasks.run_blocking(self.history_store.load)
        self.history.model.set_entries(entries)
        try:
            self.catalog = await tasks.run_blocking(ScopeCatalog.load)
        except OktaToolError as exc:
            self.editor.scope_label.setText(f"No scope catalog: {plain_message(exc)}")
            return
        paths = sorted({op.path for op in self.catalog.operations})
        self.editor.set_catalog_paths(paths)
        self._update_scope()

    # --- token ----------------------------------------------------------------------------------------

    def _asked_scopes(self) -> tuple[str, ...]:
        return tuple(self.token_panel.scopes.text().split())

    def get_token(self) -> asyncio.Task[None]:
        """Get a token for the scopes typed (or the profile's), cache first."""
        self.left.setCurrentWidget(self.token_panel)
        return self.token_request.start(self._get_token(self.profile, self._asked_scopes()))

    async def _get_token(self, profile: Profile, scopes: tuple[str, ...]) -> None:
        self.token_panel.get_button.setEnabled(False)
        self.token_panel.status.setText("Getting a token…" + (" (starting the Local sandbox)"
                                                              if profile.is_sandbox else ""))
        try:
            outcome = await tasks.run_blocking(self.engine.get_token, profile, scopes)
        except OktaToolError as exc:
            self.token_panel.show_failure(plain_message(exc))
            return
        finally:
            self.token_panel.get_button.setEnabled(True)
        self.token = outcome
        if not self.token_panel.scopes.text().strip():
            self.token_panel.scopes.setText(" ".join(outcome.facts.asked))
        self.token_panel.show_outcome(outcome)
        self._update_scope()

    def forget_token(self) -> None:
        """Drop the cached token."""
        self.engine.forget(self.profile)
        self.token = None
        self.token_panel.forgotten()
        self._update_scope()

    def _on_exchange(self, profile_name: str, exchange: TokenExchange) -> None:
        if profile_name != self.profile.name:
            return
        self.token_panel.show_exchange(exchange)
        if exchange.token is not None:
            outcome = TokenOutcome(exchange.token, token_facts(exchange.token, exchange.asked), False,
                                   self.engine.org_url(profile_name))
            if exchange.reason != "asked":
                self.token = outcome
                if not self.token_panel.scopes.text().strip():
                    self.token_panel.scopes.setText(" ".join(exchange.asked))
                self.token_panel.show_outcome(outcome)
                self._update_scope()
            if exchange.reason.startswith("renewed"):
                self.response.progress.setText("The token was about to expire: a new one was fetched before "
                                               "the call (see the Token tab).")

    def request_token_with_scopes(self, scopes: list[str]) -> None:
        """Get a token that carries ``scopes`` as well as those asked for so far (the Scopes tab's offer)."""
        current = list(self._asked_scopes()) or (list(self.token.facts.asked) if self.token else [])
        wanted = list(dict.fromkeys([*current, *scopes]))
        self.token_panel.scopes.setText(" ".join(wanted))
        self.get_token()

    def use_authorization(self, token: str) -> None:
        """Send the next calls with ``token`` (``Bearer x``, ``DPoP x``, ``SSWS x`` or a bare token) instead."""
        if not token.strip():
            self.clear_authorization()
            return
        self.pasted = PastedToken.parse(token)
        self.pasted_label.setText(f"Calls use a pasted {self.pasted.scheme} token")
        self.pasted_label.show()
        self.pasted_clear.show()
        self.left.setCurrentWidget(self.editor)

    def clear_authorization(self) -> None:
        """Go back to the profile's own token."""
        self.pasted = None
        self.pasted_label.hide()
        self.pasted_clear.hide()

    def _update_scope(self) -> None:
        catalog = self.catalog
        if catalog is None:
            return
        method, path = self.editor.method.currentText(), self.editor.path.text().strip().partition("?")[0]
        if not path.startswith("/"):
            path = "/" + path
        try:
            requirement = catalog.required_scopes(method, path)
        except OktaToolError:
            self.editor.show_scope("The scope catalog does not know this endpoint.", (), ())
            return
        granted = set(self.token.facts.granted) if self.token and not self.pasted else set()
        missing = tuple(options[0] for options in requirement.alternatives
                        if granted and not any(s in granted for s in options))
        text = requirement.explain()
        if missing:
            text += " The current token lacks it."
        wanted = tuple(dict.fromkeys([*(self.token.facts.asked if self.token else ()), *missing]))
        self.editor.show_scope(text, missing, wanted)

    # --- calls ------------------------------------------------------------------------------------------

    def call_parts(self) -> tuple[str, str, Any, dict[str, str]] | None:
        """Return method, path (with the query table), parsed body and headers; None (said at the spot) if bad."""
        self.editor.show_problem("")
        method = self.editor.method.currentText()
        path = self.editor.full_path()
        if not path:
            self.editor.show_problem("Type a path, e.g. /api/v1/users.")
            return None
        placeholder = re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}", path.partition("?")[0])
        if placeholder:
            self.editor.show_problem(f"Replace {placeholder.group()} in the path with a real id.")
            return None
        try:
            body = self.editor.body_value()
        except OktaToolError as exc:
            self.editor.show_problem(plain_message(exc))
            return None
        return method, path, body, dict(self.editor.headers.pairs())

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

    async def _api(self, profile: Profile, method: str, path: str, headers: dict[str, str],
                   scopes: tuple[str, ...] = ()) -> ApiClient:
        """Return the API client for a call: ``scopes``, else the current token's, else what the endpoint needs."""
        if not scopes and self.token is not None:
            scopes = self.token.facts.asked
        if not scopes:
            try:
                scopes = await tasks.run_blocking(self.engine.scopes_for, profile, method, path)
            except OktaToolError:
                scopes = ()
        return await tasks.run_blocking(self.engine.api, profile, scopes, headers, self.pasted)

    async def _run(self, method: str, path: str, body: Any, headers: dict[str, str], *, all_pages: bool,
                   scopes: tuple[str, ...] = ()) -> None:
        if not await self._confirmed(method):
            self.response.show_failure("Not sent.")
            return
        profile = self.profile
        self._cancel = cancel = threading.Event()
        self.editor.set_busy(True)
        self.fetched_all = all_pages
        self.response.start(f"{method} {path} …" + (" (starting the Local sandbox)"
                                                   if profile.is_sandbox and self.token is None else ""))
        started = time.time()
        response: ApiResponse | None = None
        error: str | None = None
        try:
            api = await self._api(profile, method, path, headers, scopes)
            if all_pages:
                response = await walk_pages(self.response, api, method, path, body, cancel)
            else:
                response = await tasks.run_blocking(api.send, method, path, body=body, cancel=cancel)
                parsed = await tasks.run_blocking(parse_body, response.content)
                self.response.show_answer(response, parsed)
                self._rate_wait(response)
            self.last_response = response
        except (asyncio.CancelledError, CancelledError):
            error = "cancelled"
            self.response.show_failure("Cancelled." + (f" {self.response.rows.rowCount():,} rows kept."
                                                       if all_pages else ""))
        except OktaToolError as exc:
            error = exc.description
            self.response.show_failure(plain_message(exc))
        finally:
            self.editor.set_busy(False)
            self._remember(profile, method, path, body, headers, started, response, error)
        if self.token is None and not self.pasted and response is not None:
            await self._refresh_token_shown(profile, api.token_source)

    async def _refresh_token_shown(self, profile: Profile, source: Any) -> None:
        try:
            token = await tasks.run_blocking(source)
        except OktaToolError:
            return
        asked = tuple(token.scope.split())
        outcome = TokenOutcome(token, token_facts(token, asked), True, self.engine.org_url(profile.name))
        self.token = outcome
        self.token_panel.scopes.setText(" ".join(outcome.facts.granted))
        self.token_panel.show_outcome(outcome)
        self._update_scope()

    def _rate_wait(self, response: ApiResponse) -> None:
        if response.status == 429:
            wait = seconds_until_retry(response.headers, time.time())
            if wait is not None:
                self.response.show_rate_wait(time.time() + wait)

    def _remember(self, profile: Profile, method: str, path: str, body: Any, headers: dict[str, str],
                  started: float, response: ApiResponse | None, error: str | None) -> None:
        entry = HistoryEntry.safe(
            time=started, profile=profile.name, method=method, path=path,
            status=response.status if response is not None else None,
            duration_ms=(time.time() - started) * 1000, request_id=response.request_id if response else None,
            error=error, body=json.dumps(body, indent=2) if body is not None else "", headers=headers.items())
        entries = [*self.history.model.entries, entry][-self.history_store.limit:]
        self.history.model.set_entries(entries)
        self.history_saved = tasks.spawn(self._save_history(entries))

    async def _save_history(self, entries: list[HistoryEntry]) -> None:
        try:
            await tasks.run_blocking(self.history_store.save, entries)
        except OSError as exc:
            self.response.progress.setText(f"The history could not be saved: {exc.strerror}")

    # --- history ------------------------------------------------------------------------------------------

    def replay(self, entry: HistoryEntry) -> None:
        """Put a history entry back in the editor."""
        self.editor.set_request(entry.method, entry.path, entry.body, list(entry.headers))
        self.left.setCurrentWidget(self.editor)

    def delete_history(self, entries: list[HistoryEntry]) -> None:
        """Delete the given entries."""
        doomed = {id(e) for e in entries}
        kept = [e for e in self.history.model.entries if id(e) not in doomed]
        self.history.model.set_entries(kept)
        self.history_saved = tasks.spawn(self._save_history(kept))

    def clear_history(self) -> None:
        """Delete every entry."""
        self.history.model.set_entries([])
        self.history_saved = tasks.spawn(self._save_history([]))

    def history_calls(self) -> list[str]:
        """Return the selected history rows (all rows when none is selected) as ``METHOD /path``."""
        chosen = self.history.selected() or list(reversed(self.history.model.entries))
        return list(dict.fromkeys(entry.call for entry in chosen))

    def find_in_system_log(self) -> asyncio.Task[None] | None:
        """Look the request id up in the System Log (GET /api/v1/logs filtered by it)."""
        request_id = self.response.request_id.text()
        if not request_id:
            return None
        expression = f'debugContext.debugData.requestId eq "{request_id}"'
        self.editor.set_request("GET", f"/api/v1/logs?filter={quote(expression)}")
        parts = self.call_parts()
        if parts is None:
            return None
        # the lookup needs okta.logs.read: ask for it beside the current token's scopes
        asked = self.token.facts.asked if self.token is not None else ()
        scopes = () if self.pasted else tuple(dict.fromkeys([*asked, "okta.logs.read"]))
        return self.request.start(self._run(*parts, all_pages=False, scopes=scopes))

    # --- window hooks ----------------------------------------------------------------------------------------

    def copy_current(self) -> None:
        """Edit > Copy: the request as curl."""
        export.copy_curl(self)

    async def prepare_screenshot(self) -> None:
        """GET /api/v1/users on the Local sandbox, users in the table (the README picture)."""
        self.editor.set_request("GET", "/api/v1/users?limit=200")
        task = self.send()
        if task is not None:
            await task
        self.left.setCurrentWidget(self.editor)

    async def self_test(self) -> str:
        """Get a token from the in-process sandbox and make one call."""
        from oktatool.core.store.settings import Profile

        sandbox = next((p for p in self.context.settings.settings.profiles if p.is_sandbox), None) or \
            Profile(name="Local sandbox")
        outcome = await tasks.run_blocking(self.engine.get_token, sandbox, ())
        api = await tasks.run_blocking(self.engine.api, sandbox, outcome.facts.asked, {})
        response = await tasks.run_blocking(api.send, "GET", "/api/v1/users?limit=5")
        if not response.ok:
            raise RuntimeError(f"GET /api/v1/users answered {response.status}")
        return f"{outcome.token.token_type} token ({' '.join(outcome.facts.granted)}), GET /api/v1/users → " \
               f"{response.status} with {len(response.items())} users"
