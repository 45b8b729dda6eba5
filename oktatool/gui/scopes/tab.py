"""The Scopes tab: pick Okta scopes, see what each opens, find what calls need, try them, keep grants in step.

Above: the scope picker (search, filters, check boxes saved in the active profile) and the exact ``scope=``
string. Below: the highlighted scope's operations, endpoint look-ups and least privilege, a token with the
picked scopes, and the service app's grants and admin roles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError
from oktatool.gui import tasks
from oktatool.gui.settings_follow import follow_profile, follow_settings
from oktatool.gui.tab_page import KeepsCallHistory, TabHost
from oktatool.gui.widgets.accessible import TOKEN_KEYS, main_action, named
from oktatool.gui.widgets.clipboard import copy_text
from oktatool.gui.widgets.scroll_pane import ScrollPane
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    import asyncio

    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.okta.scopes import ScopeCatalog
    from oktatool.core.store.settings import Settings
    from oktatool.gui.scopes.access import AccessPanel
    from oktatool.gui.scopes.endpoints import EndpointPanel
    from oktatool.gui.scopes.operations import OperationsPanel
    from oktatool.gui.scopes.try_token import TryTokenPanel
    from oktatool.gui.widgets.scope_picker import ScopePicker


class ScopesTab(QWidget):
    """Pick scopes, see their operations, look up endpoints, try a token, manage grants and roles."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.catalog: ScopeCatalog | None = None
        self.picker: ScopePicker | None = None
        self.operations: OperationsPanel | None = None
        self.endpoints: EndpointPanel | None = None
        self.try_token: TryTokenPanel | None = None
        self.access: AccessPanel | None = None
        self._profile_names = tuple(p.name for p in context.settings.settings.profiles)
        self._layout = QVBoxLayout(self)
        self.loading = QLabel("Loading the Okta scope catalog…")
        self._layout.addWidget(self.loading)
        #: finishes when the catalog is loaded and the tab built (tests and the screenshot await it)
        self.ready: asyncio.Task[None] = tasks.spawn(self._load())

    async def _load(self) -> None:
        from oktatool.core.okta.scopes import ScopeCatalog

        try:
            catalog = await tasks.run_blocking(ScopeCatalog.load)
        except OktaToolError as exc:
            self.loading.setText(plain_message(exc))
            self.loading.setStyleSheet(tone_style("error"))
            return
        self._build(catalog)

    # construction ---------------------------------------------------------------------------------------------

    def _build(self, catalog: ScopeCatalog) -> None:
        from oktatool.gui.scopes.access import AccessPanel
        from oktatool.gui.scopes.endpoints import EndpointPanel
        from oktatool.gui.scopes.operations import OperationsPanel
        from oktatool.gui.scopes.try_token import TryTokenPanel
        from oktatool.gui.widgets.scope_picker import ScopePicker

        self.catalog = catalog
        self.loading.hide()
        self.picker = ScopePicker(catalog, self.context.session.profile.scopes, self)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.picker, 1)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("scope="))
        self.scope_string = QLineEdit()
        self.scope_string.setObjectName("scopeString")
        named(self.scope_string, "Scope parameter")
        self.scope_string.setReadOnly(True)
        self.scope_string.setPlaceholderText("tick scopes to build the scope parameter")
        self.scope_string.setToolTip("The scope parameter of the token request, exactly as sent (space-separated)")
        bar.addWidget(self.scope_string, 1)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setObjectName("copyScopes")
        self.copy_button.setToolTip("Copy the scope string")
        bar.addWidget(self.copy_button)
        left_layout.addLayout(bar)
        notice_row = QHBoxLayout()
        self.notice = QLabel()
        self.notice.setObjectName("redundantNotice")
        self.notice.setWordWrap(True)
        notice_row.addWidget(self.notice, 1)
        self.drop_reads = QPushButton("Drop redundant")
        self.drop_reads.setToolTip("Unpick each .read scope whose .manage scope is picked")
        notice_row.addWidget(self.drop_reads)
        left_layout.addLayout(notice_row)

        self.side = QTabWidget()
        self.side.setObjectName("scopeSide")
        self.operations = OperationsPanel(catalog)
        self.endpoints = EndpointPanel(catalog)
        self.try_token = TryTokenPanel(self.context)
        main_action(self.try_token.button, self, TOKEN_KEYS, "Get a token with the picked scopes")
        self.access = AccessPanel(self.context)
        self.side.addTab(self.operations, "Operations")
        # the other pages scroll when the window is small rather than squeeze their fields over each other
        self.side.addTab(ScrollPane(self.endpoints), "Endpoints")
        self.side.addTab(ScrollPane(self.try_token), "Try a token")
        self.side.addTab(ScrollPane(self.access), "Grants && roles")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([3000, 2000])
        self.splitter = splitter
        self._layout.addWidget(splitter, 1)

        self.picker.changed.connect(self._on_picked)
        self.picker.current_changed.connect(self._on_current)
        self.copy_button.clicked.connect(self.copy_current)
        self.drop_reads.clicked.connect(self.drop_redundant)
        self.endpoints.pick_requested.connect(self.pick_scopes)
        self.endpoints.show_requested.connect(self.show_scope)
        self.endpoints.history_requested.connect(self._pull_history)
        self.access.granted_changed.connect(self.picker.set_granted)
        self.access.granted_changed.connect(self.try_token.set_granted)
        follow_settings(self, self.context, self._on_settings)
        follow_profile(self, self.context, self._reset)
        self._show_picks()
        first = self.picker.picked()
        self.picker.select_scope(first[0] if first else catalog.scopes[0].name)

    # picking ----------------------------------------------------------------------------------------------

    def picked(self) -> list[str]:
        """Return the picked scopes."""
        return self.picker.picked() if self.picker is not None else []

    def pick_scopes(self, names: list[str], replace_picks: bool = True) -> None:
        """Pick ``names`` (replacing the picks, or adding to them)."""
        if self.picker is None:
            return
        self.picker.set_picked(names if replace_picks else [*self.picker.picked(), *names])

    def show_scope(self, name: str) -> None:
        """Highlight one scope and show its operations."""
        if self.picker is not None and self.operations is not None and self.picker.select_scope(name):
            self.side.setCurrentWidget(self.operations)

    def drop_redundant(self) -> None:
        """Unpick the .read scopes a picked .manage covers."""
        if self.picker is None or self.catalog is None:
            return
        redundant = {read for read, _ in self.catalog.redundant_reads(self.picker.picked())}
        self.picker.set_picked([s for s in self.picker.picked() if s not in redundant])

    def _on_picked(self) -> None:
        self._show_picks()
        picked = self.picked()
        settings = self.context.settings.settings
        profile = settings.profile()
        if tuple(picked) != tuple(profile.scopes):
            try:
                self.context.save_settings(settings.with_profile(profile._replace(scopes=tuple(picked)),
                                                                 replacing=profile.name))
            except OktaToolError as exc:
                self.notice.setText(plain_message(exc))
                self.notice.setStyleSheet(tone_style("error"))

    def _show_picks(self) -> None:
        assert self.catalog is not None
        picked = self.picked()
        self.scope_string.setText(" ".join(picked))
        self.copy_button.setEnabled(bool(picked))
        redundant = self.catalog.redundant_reads(picked)
        if redundant:
            pairs = "; ".join(f"{manage} covers {read}" for read, manage in redundant)
            self.notice.setText(f"Redundant: {pairs}. A .manage scope grants everything its .read does.")
            self.notice.setStyleSheet("")
        else:
            self.notice.clear()
        self.drop_reads.setVisible(bool(redundant))
        if self.try_token is not None:
            self.try_token.set_picked(picked)
        if self.access is not None:
            self.access.set_picked(picked)

    def _on_current(self, name: str) -> None:
        if self.operations is not None:
            self.operations.show_scope(name)

    def _on_settings(self, settings: Settings) -> None:
        names = tuple(p.name for p in settings.profiles)
        if names != self._profile_names and self.access is not None:
            self._profile_names = names
            self.access.refresh_choices()

    def _reset(self, session: ProfileSession) -> None:
        """Draw the active profile's session: its picks, and its app's grants and last try if it has them."""
        assert self.picker is not None and self.access is not None and self.try_token is not None
        self.access.follow(session)
        self.try_token.follow(session)
        granted = self.access.granted()
        self.picker.set_granted(granted)
        self.try_token.set_granted(granted)
        scopes = session.profile.scopes
        if tuple(self.picker.picked()) != tuple(s for s in scopes if self.picker.model.row_of(s) is not None):
            self.picker.set_picked(scopes)

    def profile_traces(self) -> list[str]:
        """Return the grants and roles fetched for the active profile's app and its last try's result."""
        if self.access is None or self.try_token is None:
            return []
        return self.access.profile_traces() + self.try_token.profile_traces()

    # endpoint analysis --------------------------------------------------------------------------------------

    def analyze_calls(self, calls: list[str]) -> None:
        """Show the least-privilege scopes for these calls (``METHOD PATH`` each), e.g. from the Console."""
        if self.endpoints is None:
            return
        self.endpoints.analyze(calls)
        self.side.setCurrentIndex(1)

    def _console_history(self) -> KeepsCallHistory | None:
        window = self.window()
        console = window.page("console") if isinstance(window, TabHost) else None
        return console if isinstance(console, KeepsCallHistory) else None

    def _pull_history(self) -> None:
        assert self.endpoints is not None
        history = self._console_history()
        if history is None:
            self.endpoints.say("The Console has no history to send yet.", error=True)
            return
        calls = [str(c) for c in history.history_calls()]
        if not calls:
            self.endpoints.say("The Console's history is empty: call the API there first.", error=True)
            return
        self.analyze_calls(calls)

    # window hooks ---------------------------------------------------------------------------------------------

    def copy_current(self) -> None:
        """Copy the scope string (Edit > Copy)."""
        if self.picker is not None and self.picked():
            copy_text(self.scope_string.text())
            self.notice.setText("Copied the scope string.")
            self.notice.setStyleSheet(tone_style("good"))

    def paste(self) -> None:
        """Analyse the calls on the clipboard (Edit > Paste): one ``METHOD PATH`` per line."""
        text = QGuiApplication.clipboard().text()
        if self.endpoints is not None and text.strip():
            self.analyze_calls(text.splitlines())

    async def prepare_screenshot(self) -> None:
        """Show the catalog with okta.users.read highlighted and its operations listed."""
        await self.ready
        if self.picker is None:
            return
        self.picker.set_picked(["okta.users.read", "okta.groups.read", "okta.logs.read"])
        self.show_scope("okta.users.read")

    async def self_test(self) -> str:
        """Fill the scope model and check its counts against the catalog."""
        await self.ready
        if self.picker is None or self.catalog is None:
            raise RuntimeError(self.loading.text())
        model = self.picker.model
        if model.rowCount() != len(self.catalog.scopes) or model.rowCount() == 0:
            raise RuntimeError(f"the scope model holds {model.rowCount()} rows, the catalog {len(self.catalog.scopes)}")
        assert self.operations is not None
        self.operations.show_scope("okta.users.read")
        shown = self.operations.model.rowCount()
        if shown != len(self.catalog.operations_for("okta.users.read")):
            raise RuntimeError("the operations list does not match the catalog")
        return f"{model.rowCount()} scopes in the model, okta.users.read opens {shown} operations"
