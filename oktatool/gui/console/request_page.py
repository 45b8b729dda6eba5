"""One Console request tab's widgets and running work, and the tab bar that names them (see tabs_part.py)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QMenu, QSizePolicy, QTabBar, QTableView, QWidget

from oktatool.gui import tasks
from oktatool.gui.console.request_editor import RequestEditor
from oktatool.gui.console.response_view import ResponseView
from oktatool.gui.widgets.accessible import RUN_KEYS, named, with_keys

if TYPE_CHECKING:
    from collections.abc import Callable

    from oktatool.context import ProfileSession
    from oktatool.gui.console.state import RequestTab

#: characters of a title a tab keeps when many tabs share the bar
MIN_TITLE_CHARS = 12
#: what Send's tooltip says (its shortcut is the Console's, pressing the shown tab's Send)
SEND_TIP = "Send the request"


class RequestPage:
    """A request tab's editor, response view and requests; ``tab`` is the session's record of it.

    A request started here writes only to this page's widgets, shown or not; once the page is closed (its tab
    closed) or its session is (another profile drawn) nothing more is written to it. A page released at a profile
    switch is bound to a tab of the next session rather than built again (building the widgets is most of a
    switch's cost): what runs in it is cancelled, and what the old session's requests learn goes nowhere.
    """

    def __init__(self, tab: RequestTab) -> None:
        self.editor = RequestEditor()
        self.editor.send_button.setToolTip(with_keys(SEND_TIP, RUN_KEYS[0]))
        self.response = ResponseView()
        self.request = tasks.LatestRequest()
        self.page_body = tasks.LatestRequest()
        self.bind(tab)

    def bind(self, tab: RequestTab) -> None:
        """Show ``tab``'s request and no answer (a new page, or a released one reused)."""
        self.tab = tab
        self.closed = False
        #: set by Cancel, by closing the tab, or by the session closing (replaced for each call)
        self.cancel = threading.Event()
        self._fill(tab.draft.method, tab.draft.path, tab.draft.body, list(tab.draft.headers))
        self.response.clear()
        #: True while the page shows nothing of any profile (emptied, waiting for a tab)
        self.is_empty = False

    def _fill(self, method: str, path: str, body: str, headers: list[tuple[str, str]]) -> None:
        """Fill the editor without a word to the tab: what it says while filled is the tab's draft, not an edit."""
        self.editor.blockSignals(True)
        try:
            self.editor.set_busy(False)
            self.editor.show_problem("")
            self.editor.set_request(method, path, body, headers)
        finally:
            self.editor.blockSignals(False)

    def gone(self, session: ProfileSession) -> bool:
        """Say whether what a request of ``session`` learns can no longer be shown here."""
        return self.closed or session.closed

    def widgets(self) -> tuple[QWidget, QWidget, QWidget]:
        """Return the request line, the editor and the response view (each goes in its own stack)."""
        return self.editor.request_line, self.editor, self.response

    def release(self) -> None:
        """Stop what runs here (the page waits, hidden, to be bound to another profile's tab; ``empty`` it if it
        is not)."""
        self.cancel.set()
        self.request.cancel()
        self.page_body.cancel()

    def empty(self) -> None:
        """Show no request and no answer (a released page that no tab took)."""
        if not self.is_empty:
            self._fill("GET", "", "", [])
            self.response.clear()
            self.is_empty = True

    def close(self) -> None:
        """Stop what runs here and let Qt delete the widgets."""
        self.closed = True
        self.cancel.set()
        self.request.cancel()
        self.page_body.cancel()
        for widget in self.widgets():
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


class RequestTabBar(QTabBar):
    """The Console's request tabs: close buttons, middle-click closes, double-click renames, a context menu."""

    #: close the tab at this index (middle-click)
    close_clicked = Signal(int)
    #: the context menu's choice: ("rename" | "duplicate" | "close" | "new", index)
    chosen = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Request tabs")
        self.setTabsClosable(True)
        self.setExpanding(False)
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self.setUsesScrollButtons(True)
        self.setDocumentMode(True)
        # shrinks below its tabs' width (titles cut to a dozen characters, then scroll buttons): New tab stays in view
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.menu: QMenu | None = None

    def minimumTabSizeHint(self, index: int) -> QSize:
        """Let a title shrink to about a dozen characters, no further: then the bar scrolls (at "GE…" a title
        says nothing)."""
        least = super().minimumTabSizeHint(index)
        whole = self.tabSizeHint(index)
        wanted = least.width() + MIN_TITLE_CHARS * self.fontMetrics().averageCharWidth()
        return QSize(min(whole.width(), wanted), least.height())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Close a tab on a middle-click, as browsers and Postman do."""
        index = self.tabAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.MiddleButton and index >= 0:
            self.close_clicked.emit(index)
            return
        super().mouseReleaseEvent(event)

    def _menu(self, pos: QPoint) -> None:
        index = self.tabAt(pos)
        menu = QMenu(self)
        for text, verb in (("Rename…", "rename"), ("Duplicate", "duplicate"), ("Close", "close")):
            action = menu.addAction(text)
            action.setEnabled(index >= 0)
            action.triggered.connect(lambda _c=False, v=verb: self.chosen.emit(v, index))
        menu.addSeparator()
        menu.addAction("New tab").triggered.connect(lambda: self.chosen.emit("new", -1))
        self.menu = menu
        menu.popup(self.mapToGlobal(pos))  # not exec(): the GUI thread's loop keeps running


def new_tab_wanted() -> bool:
    """Say whether the user holds Ctrl (⌘ on macOS) to open something in a new request tab."""
    return bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier)


def offer_open_in_new_tab(view: QTableView, open_here: Callable[[], None],
                          open_new: Callable[[], None]) -> None:
    """Give ``view`` (History, Saved) a context menu: Open, Open in new tab (the row under the pointer)."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def menu(pos: QPoint) -> None:
        index = view.indexAt(pos)
        if not index.isValid():
            return
        view.selectRow(index.row())
        menu = QMenu(view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction("Open").triggered.connect(open_here)
        menu.addAction("Open in new tab (Ctrl+double-click)").triggered.connect(open_new)
        menu.popup(view.viewport().mapToGlobal(pos))

    view.customContextMenuRequested.connect(menu)
