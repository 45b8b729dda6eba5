"""The Console's request tabs (a part of ConsoleTab in its own module): several requests open at once, each with
its own response, like Postman's tabs.

The tabs live in the profile's session (``ConsoleState.tabs``): the tab bar and the pages draw them. Each tab's
widgets (a ``RequestPage``) are built when the tab is first shown; a request keeps running in its own page while
another tab is shown. Every change is kept per profile in the data dir (``RequestTabsStore``; request fields
only, never a secret nor an answer), written off the GUI thread, coalesced while a write is under way; a new
session reads its profile's tabs back.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QHBoxLayout, QInputDialog, QStackedWidget, QTabWidget, QToolButton, QWidget

from oktatool.core.errors import OktaToolError
from oktatool.core.okta.request_tabs import RequestDraft, RequestTabsStore, TabSet
from oktatool.core.okta.saved_requests import Owner
from oktatool.gui import tasks
from oktatool.gui.console.request_page import RequestPage, RequestTabBar, new_tab_wanted
from oktatool.gui.console.state import RequestTab, console_state
from oktatool.gui.widgets.accessible import (
    CLOSE_TAB_KEYS,
    NEW_TAB_KEYS,
    NEXT_TAB_KEYS,
    PREVIOUS_TAB_KEYS,
    named,
    tab_action,
    with_keys,
)
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.store.settings import Profile
    from oktatool.gui.console.request_editor import RequestEditor
    from oktatool.gui.console.response_view import ResponseView
    from oktatool.gui.console.state import ConsoleState


def owner_of(profile: Profile) -> Owner:
    """Return whose tabs these are: the profile by name and org (as history and saved requests name it)."""
    return Owner(profile.name, profile.org_url)


class RequestTabsPart:
    """The tab bar over the request editor and the response, and the pages it switches between."""

    context: AppContext
    left: QTabWidget

    if TYPE_CHECKING:
        @property
        def session(self) -> ProfileSession: ...
        @property
        def state(self) -> ConsoleState: ...
        def _wire_page(self, page: RequestPage) -> None: ...
        def _update_scope(self) -> None: ...

    def _build_request_tabs(self, scope: QWidget) -> QWidget:
        """Make the tab bar (returned, with its New tab button), the three stacks and the tab shortcuts."""
        self.tabs_store = RequestTabsStore(self.context.paths.request_tabs_file)
        self.pages: dict[RequestTab, RequestPage] = {}
        #: pages released at a profile switch, bound to the next session's tabs as they are shown
        self._spare_pages: list[RequestPage] = []
        #: done when the tabs file holds the latest tabs, and when the latest read of a profile's tabs is drawn
        #: (tests await them)
        self.tabs_saved: asyncio.Future[None] | None = None
        self.tabs_restored: asyncio.Future[None] | None = None
        self._unsaved: tuple[Owner, TabSet] | None = None
        #: each profile's tabs as last read or handed to a write
        self._kept: dict[Owner, TabSet] = {}
        self.tab_bar = RequestTabBar()
        self.tab_bar.currentChanged.connect(self.show_request_tab)
        self.tab_bar.tabCloseRequested.connect(self.close_request_tab)
        self.tab_bar.close_clicked.connect(self.close_request_tab)
        self.tab_bar.tabBarDoubleClicked.connect(lambda i: self.rename_request_tab(i) if i >= 0
                                                 else self.new_request_tab())
        self.tab_bar.chosen.connect(self._tab_menu_chosen)
        self.new_tab_button = QToolButton()
        self.new_tab_button.setText("+")
        named(self.new_tab_button, "New request tab")
        self.new_tab_button.setToolTip(with_keys("New request tab", NEW_TAB_KEYS[0]))
        self.new_tab_button.clicked.connect(lambda: self.new_request_tab())
        self.line_stack, self.editor_stack, self.response_stack = QStackedWidget(), QStackedWidget(), QStackedWidget()
        for keys, text, trigger in (
                (NEW_TAB_KEYS, "New request tab", lambda: self.new_request_tab()),
                (CLOSE_TAB_KEYS, "Close the request tab", lambda: self.close_request_tab(self.state.current)),
                (NEXT_TAB_KEYS, "Next request tab", lambda: self._step_tab(1)),
                (PREVIOUS_TAB_KEYS, "Previous request tab", lambda: self._step_tab(-1))):
            tab_action(scope, keys, text, trigger)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.tab_bar, 1)
        layout.addWidget(self.new_tab_button)
        return row

    # --- what is shown ------------------------------------------------------------------------------------

    @property
    def page(self) -> RequestPage:
        """Return the shown request tab's page (built on first show)."""
        shown = self.state.shown
        assert shown is not None, "the Console draws a session's tabs as soon as it follows it"
        return self.page_of(shown)

    @property
    def editor(self) -> RequestEditor:
        """Return the shown request tab's editor."""
        return self.page.editor

    @property
    def response(self) -> ResponseView:
        """Return the shown request tab's response view."""
        return self.page.response

    def page_of(self, tab: RequestTab) -> RequestPage:
        """Return ``tab``'s page, building its widgets the first time."""
        page = self.pages.get(tab)
        if page is not None:
            return page
        if self._spare_pages:
            page = self.pages[tab] = self._spare_pages.pop()
            page.bind(tab)
        else:
            page = self.pages[tab] = RequestPage(tab)
            for stack, widget in zip((self.line_stack, self.editor_stack, self.response_stack), page.widgets(),
                                     strict=True):
                stack.addWidget(widget)
            self._wire_page(page)
            page.editor.edited.connect(lambda: self._draft_edited(page))
        return page

    def request_tab_titles(self) -> list[str]:
        """Return the tab bar's titles, in order."""
        return [self.tab_bar.tabText(i) for i in range(self.tab_bar.count())]

    def _show_tabs_for(self, session: ProfileSession) -> None:
        """Draw ``session``'s tabs (read back from the data dir the first time): the other profile's pages are
        released, to be bound to this profile's tabs as they are shown."""
        for page in self.pages.values():
            page.release()
            self._spare_pages.append(page)
        self.pages.clear()
        state = console_state(session)
        if state.tabs is None:
            state.tabs, state.current = [RequestTab(RequestDraft())], 0
            self._restore_tabs(session)
        self._redraw_bar()
        self.show_request_tab(state.current)
        self._empty_spares()

    def _empty_spares(self) -> None:
        """Empty the released pages no tab took: nothing of another profile stays in them."""
        for page in self._spare_pages:
            page.empty()

    def _restore_tabs(self, session: ProfileSession) -> None:
        """Read ``session``'s kept tabs in the executor; ``tabs_restored`` is done once they are drawn.

        No coroutine, as for the writes: the read's answer is drawn by a callback, which needs no running loop.
        """
        loop = asyncio.get_event_loop()
        self.tabs_restored = restored = loop.create_future()
        job = loop.run_in_executor(None, self.tabs_store.load, owner_of(session.profile))

        def read(done: asyncio.Future[TabSet | None]) -> None:
            try:
                self._tabs_read(session, done)
            finally:
                if not restored.done():
                    restored.set_result(None)

        job.add_done_callback(read)

    def _tabs_read(self, session: ProfileSession, done: asyncio.Future[TabSet | None]) -> None:
        notice = ""
        problem = None if done.cancelled() else done.exception()
        if isinstance(problem, OktaToolError):
            kept, notice = None, f"{plain_message(problem)}."
        elif problem is not None:
            raise problem  # a bug: the loop's exception handler reports it
        else:
            kept = None if done.cancelled() else done.result()
        if session.closed:
            return
        state = console_state(session)
        state.tabs_read = True
        if kept is not None:
            self._kept[owner_of(session.profile)] = kept
        if kept is not None and state.tabs is not None:
            restored = [RequestTab(draft) for draft in kept.drafts]
            first = state.tabs[0]
            untouched = len(state.tabs) == 1 and first.draft == RequestDraft() and first.last_response is None \
                and not self.page_of(first).editor.cancel_button.isEnabled()
            if untouched:  # the one tab shown while the file was read: the kept ones take its place
                placeholder = self.pages.pop(first)
                placeholder.release()
                self._spare_pages.append(placeholder)  # (it showed nothing of the profile: no need to empty it)
                state.tabs, state.current = restored, kept.current
            else:  # the user began meanwhile: the kept tabs come before the new work
                state.tabs, state.current = restored + state.tabs, len(restored) + state.current
            self._redraw_bar()
            self.show_request_tab(state.current)
        if notice:
            self.response.show_failure(notice)

    def _redraw_bar(self) -> None:
        """Make the tab bar name the session's tabs (titles, full requests in tooltips, the shown one)."""
        tabs = self.state.tabs or []
        bar = self.tab_bar
        bar.blockSignals(True)
        try:
            while bar.count() > len(tabs):
                bar.removeTab(bar.count() - 1)
            while bar.count() < len(tabs):
                bar.addTab("")
            for index, tab in enumerate(tabs):
                self._name_tab(index, tab)
            bar.setCurrentIndex(self.state.current)
        finally:
            bar.blockSignals(False)

    def _name_tab(self, index: int, tab: RequestTab) -> None:
        draft = tab.draft
        self.tab_bar.setTabText(index, draft.title)
        self.tab_bar.setTabToolTip(index, f"{draft.method} {draft.path}")

    def show_request_tab(self, index: int) -> None:
        """Show the request tab at ``index``: its request, its response (a request running there goes on)."""
        state = self.state
        if not state.tabs or not 0 <= index < len(state.tabs):
            return
        state.current = index
        page = self.page_of(state.tabs[index])
        for stack, widget in zip((self.line_stack, self.editor_stack, self.response_stack), page.widgets(),
                                 strict=True):
            stack.setCurrentWidget(widget)
        if self.tab_bar.currentIndex() != index:
            self.tab_bar.blockSignals(True)
            self.tab_bar.setCurrentIndex(index)
            self.tab_bar.blockSignals(False)
        self._update_scope()
        self._keep_tabs()

    def _step_tab(self, step: int) -> None:
        count = len(self.state.tabs or [])
        if count:
            self.show_request_tab((self.state.current + step) % count)

    # --- changes --------------------------------------------------------------------------------------------

    def new_request_tab(self, draft: RequestDraft | None = None, *, after: int | None = None) -> RequestPage:
        """Open a request tab (a fresh request, or ``draft``) at the end, or right ``after`` a tab; show it."""
        tabs = self.state.tabs
        assert tabs is not None
        tab = RequestTab(draft or RequestDraft())
        index = len(tabs) if after is None else after + 1
        tabs.insert(index, tab)
        self.state.current = index
        self._redraw_bar()
        self.show_request_tab(index)
        return self.page_of(tab)

    def close_request_tab(self, index: int) -> None:
        """Close the tab at ``index`` (its running request is cancelled); the last one closed leaves a fresh one."""
        state = self.state
        tabs = state.tabs
        if not tabs or not 0 <= index < len(tabs):
            return
        tab = tabs.pop(index)
        page = self.pages.pop(tab, None)
        if page is not None:
            page.close()
        if not tabs:
            tabs.append(RequestTab(RequestDraft()))
        if index < state.current or state.current >= len(tabs):
            state.current = max(0, state.current - 1)
        self._redraw_bar()
        self.show_request_tab(state.current)

    def duplicate_request_tab(self, index: int) -> RequestPage | None:
        """Open a copy of the tab at ``index`` (its request as edited, not its answer) right after it."""
        tabs = self.state.tabs
        if not tabs or not 0 <= index < len(tabs):
            return None
        draft = tabs[index].draft
        return self.new_request_tab(replace(draft, name=f"{draft.name} copy" if draft.name else ""), after=index)

    def rename_request_tab(self, index: int, name: str | None = None) -> asyncio.Task[None] | None:
        """Name the tab at ``index`` (asked for when ``name`` is None); an empty name shows METHOD + path again."""
        tabs = self.state.tabs
        if not tabs or not 0 <= index < len(tabs):
            return None
        if name is None:
            return tasks.spawn(self._ask_tab_name(self.session, tabs[index]))
        self._set_tab_name(tabs[index], name)
        return None

    async def _ask_tab_name(self, session: ProfileSession, tab: RequestTab) -> None:
        assert isinstance(self, QWidget)
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Rename request tab")
        dialog.setLabelText("Tab name (empty: method and path):")
        dialog.setTextValue(tab.draft.name or tab.draft.title)
        if await tasks.dialog_result(dialog) == QDialog.DialogCode.Accepted.value and not session.closed:
            self._set_tab_name(tab, dialog.textValue())

    def _set_tab_name(self, tab: RequestTab, name: str) -> None:
        tab.draft = replace(tab.draft, name=" ".join(name.split()))
        tabs = self.state.tabs or []
        if tab in tabs:
            self._name_tab(tabs.index(tab), tab)
            self._keep_tabs()

    def name_request_tab(self, page: RequestPage, name: str) -> None:
        """Give ``page``'s tab the name ``name`` (a saved request opened in it)."""
        self._set_tab_name(page.tab, name)

    def target_page(self, new_tab: bool | None = None) -> RequestPage:
        """Return the page to open something in: the shown tab's, or a new tab's when ``new_tab`` (or, when not
        said, while Ctrl is held)."""
        if new_tab or (new_tab is None and new_tab_wanted()):
            return self.new_request_tab()
        return self.page

    def _tab_menu_chosen(self, verb: str, index: int) -> None:
        if verb == "rename":
            self.rename_request_tab(index)
        elif verb == "duplicate":
            self.duplicate_request_tab(index)
        elif verb == "close":
            self.close_request_tab(index)
        else:
            self.new_request_tab()

    def _draft_edited(self, page: RequestPage) -> None:
        if page.closed:
            return
        page.tab.draft = page.editor.draft(page.tab.draft.name)
        tabs = self.state.tabs or []
        if page.tab in tabs:
            self._name_tab(tabs.index(page.tab), page.tab)
            self._keep_tabs()

    # --- kept in the data dir --------------------------------------------------------------------------------

    def _keep_tabs(self) -> None:
        """Write the session's tabs to the data dir (once its kept tabs were read back: never over them).

        Writes go to the executor one after another, the newest tabs last; while one is under way, changes wait
        as one. No coroutine: the chain needs no running loop to go on (a test's loop steps its tasks outside
        it), and ``tabs_saved`` resolves once nothing waits.
        """
        session = self.session
        state = console_state(session)
        if not state.tabs_read or not state.tabs:
            return
        owner, tabs = owner_of(session.profile), TabSet(tuple(t.draft for t in state.tabs), state.current)
        if self._kept.get(owner) == tabs:  # as read back or last written: nothing to write
            return
        self._kept[owner] = tabs
        self._unsaved = (owner, tabs)
        if self.tabs_saved is None or self.tabs_saved.done():
            self.tabs_saved = asyncio.get_event_loop().create_future()
            self._write_next()

    def _write_next(self) -> None:
        saved = self.tabs_saved
        assert saved is not None
        if self._unsaved is None:
            if not saved.done():
                saved.set_result(None)
            return
        owner, tabs = self._unsaved
        self._unsaved = None
        job = saved.get_loop().run_in_executor(None, self.tabs_store.save, owner, tabs)
        job.add_done_callback(self._written)

    def _written(self, job: asyncio.Future[None]) -> None:
        problem = None if job.cancelled() else job.exception()
        self._write_next()
        if isinstance(problem, OSError | OktaToolError):
            if not self.session.closed:
                said = plain_message(problem) if isinstance(problem, OktaToolError) else str(problem)
                self.response.show_failure(f"The request tabs could not be kept: {said}")
        elif problem is not None:
            raise problem  # a bug: the loop's exception handler reports it
