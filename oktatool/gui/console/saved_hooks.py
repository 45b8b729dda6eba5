"""What the Console tab does with saved requests and variables (a part of ConsoleTab kept in its own module)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from oktatool.core.errors import OktaToolError
from oktatool.core.okta.saved_requests import VARIABLE_RE, Owner, SavedRequest, fill_call, store_for
from oktatool.gui.console.saved_panel import SavedPanel
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QStackedWidget, QTabWidget

    from oktatool.context import AppContext, ProfileSession
    from oktatool.gui.console.request_page import RequestPage
    from oktatool.gui.console.saved_panel import Call


class SavedRequestsPart:
    """The Saved list beside History: Save…, open, replay, and ``{{name}}`` filled from the profile's variables."""

    context: AppContext
    left: QTabWidget
    saved: SavedPanel
    editor_stack: QStackedWidget

    if TYPE_CHECKING:
        @property
        def page(self) -> RequestPage: ...
        def send(self, page: RequestPage | None = None) -> asyncio.Task[None] | None: ...
        def target_page(self, new_tab: bool | None = None) -> RequestPage: ...
        def name_request_tab(self, page: RequestPage, name: str) -> None: ...

    def _build_saved(self) -> None:
        self.saved = SavedPanel(store_for(self.context.paths))
        self.left.insertTab(self.left.count(), self.saved, "Saved")
        self.saved.open_requested.connect(self.open_saved)
        self.saved.replay_requested.connect(self.replay_saved)

    def _show_saved_for(self, session: ProfileSession) -> None:
        self.saved.show_owner(Owner(session.profile.name, session.profile.org_url))

    def current_call(self, page: RequestPage | None = None) -> Call | None:
        """Return ``page``'s request (default: the shown tab's) as it stands ({{variables}} not filled); None (said
        at the spot) if bad."""
        editor = (page or self.page).editor
        editor.show_problem("")
        try:
            body = editor.body_value()
        except OktaToolError as exc:
            editor.show_problem(plain_message(exc))
            return None
        return editor.endpoint()[0], editor.full_path(), body, editor.headers.pairs()

    def save_request(self) -> asyncio.Task[None] | None:
        """Save… the editor's request (a name and for whom asked), without secrets."""
        call = self.current_call()
        if call is None:
            return None
        self.left.setCurrentWidget(self.saved)
        return self.saved.save_call(call)

    def open_saved(self, request: SavedRequest, new_tab: bool | None = None) -> None:
        """Put a saved request in the shown request tab (a new one with ``new_tab``, or Ctrl held), named after it;
        its {{variables}} as they are (filled when sent)."""
        page = self.target_page(new_tab)
        page.editor.set_request(request.method, request.full_path(),
                                json.dumps(request.body, indent=2) if request.body is not None else "",
                                list(request.headers))
        self.name_request_tab(page, request.name)
        self.left.setCurrentWidget(self.editor_stack)

    def replay_saved(self, request: SavedRequest, new_tab: bool | None = None) -> asyncio.Task[None] | None:
        """Open a saved request and send it."""
        self.open_saved(request, new_tab)
        return self.send()

    def use_as_variable(self, column: str, value: str) -> None:
        """Keep a value picked in the answer as a variable of the active profile (its name asked)."""
        self.left.setCurrentWidget(self.saved)
        self.saved.offer_value(column, value)

    def fill_variables(self, method: str, path: str, body: Any, headers: dict[str, str],
                       page: RequestPage | None = None) -> tuple[str, Any, dict[str, str]] | None:
        """Return the call with {{name}} filled from the profile's variables; None (said at ``page``'s editor) if
        one lacks."""
        if not any(VARIABLE_RE.search(text) for text in (path, json.dumps(body), *headers, *headers.values())):
            return path, body, headers
        try:
            return fill_call(method, path, body, headers, self.saved.values())
        except OktaToolError as exc:
            (page or self.page).editor.show_problem(plain_message(exc))
            return None
