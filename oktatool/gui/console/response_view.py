"""The Console's response view: status, time and size, rate limits and request id, the explained error,
the body as a table, a tree and text, and the headers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import for_window
from oktatool.core.shells import default_shell
from oktatool.gui.models.key_values import KeyValueModel
from oktatool.gui.models.response_rows import ResponseRowsModel, RowsFilterProxy, cell_value
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.clipboard import copy_text
from oktatool.gui.widgets.code_view import CodeView
from oktatool.gui.widgets.countdown import Countdown
from oktatool.gui.widgets.elided_cells import tip_elided_cells
from oktatool.gui.widgets.elided_label import ElidedLabel
from oktatool.gui.widgets.json_view import JsonView
from oktatool.gui.widgets.message_line import MessageLine
from oktatool.gui.widgets.row_numbers import RowNumbers
from oktatool.gui.widgets.tones import restyle, tone_style

if TYPE_CHECKING:
    from oktatool.core.okta.api import ApiResponse
    from oktatool.gui.console.engine import ParsedBody
    from oktatool.gui.console.state import PageRecord


#: bodies up to this many characters get JSON colouring in the Text view
HIGHLIGHT_LIMIT = 64 * 1024


def human_size(size: int) -> str:
    """Return ``812 B`` / ``14.2 KB`` / ``3.1 MB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


class ResponseView(QWidget):
    """Everything about the latest answer."""

    save_json_requested = Signal()
    save_csv_requested = Signal()
    system_log_requested = Signal()
    copy_curl_requested = Signal()
    copy_powershell_requested = Signal()
    copy_python_requested = Signal()
    #: the user chose which page of a page walk the status, rate, request id and headers describe (0-based)
    page_chosen = Signal(int)
    #: "Use as variable…" on a cell of the table: the column's name and the cell's whole value
    use_as_variable_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the lines above and below the views keep their height, filled or not, so that an answer, an
        # explained error or a page walk's progress never moves the views (progress wraps in two)
        self.status = ElidedLabel()  # one line; a failure's whole message goes to the explanation below
        self.status.setText("No request sent yet.")
        self.status.setObjectName("responseStatus")
        self.rate = MessageLine(1)
        self.rate.setObjectName("rateLimit")
        self.request_id = QLineEdit()
        named(self.request_id, "Request id")
        self.request_id.setReadOnly(True)
        self.request_id.setPlaceholderText("X-Okta-Request-Id")
        self.request_id.setToolTip("X-Okta-Request-Id: quote it to Okta support, or find it in the System Log")
        self.copy_id_button = QPushButton("Copy id")
        self.copy_id_button.clicked.connect(lambda: copy_text(self.request_id.text()))
        self.log_button = QPushButton("Find in System Log")
        self.log_button.setToolTip("GET /api/v1/logs filtered by this request id (needs okta.logs.read)")
        self.log_button.clicked.connect(self.system_log_requested)
        self.page = QSpinBox()
        self.page.setObjectName("pageChooser")
        self.page.setPrefix("Page ")
        self.page.setKeyboardTracking(False)
        self.page.setToolTip("Which page the status, rate limit, request id and headers describe")
        self.page.valueChanged.connect(lambda number: self.page_chosen.emit(number - 1))
        retain = self.page.sizePolicy()
        retain.setRetainSizeWhenHidden(True)  # the line keeps its height and width with or without pages
        self.page.setSizePolicy(retain)
        self.page.hide()
        self.retry_countdown = Countdown()
        self.retry_countdown.setStyleSheet(tone_style("error"))
        self.progress = MessageLine(2)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation.hide()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()

        self.rows = ResponseRowsModel(self)
        self.proxy = RowsFilterProxy(self)
        self.proxy.setSourceModel(self.rows)
        self.table = QTableView()
        named(self.table, "Response rows")
        self.table.setVerticalHeader(RowNumbers(self.table))
        tip_elided_cells(self.table)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.filter = QLineEdit()
        named(self.filter, "Filter rows")
        self.filter.setPlaceholderText("Filter rows")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.count = QLabel()
        table_page = QWidget()
        table_layout = QVBoxLayout(table_page)
        table_layout.setContentsMargins(0, 0, 0, 0)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter, 1)
        filter_row.addWidget(self.count)
        table_layout.addLayout(filter_row)
        table_layout.addWidget(self.table, 1)

        self.tree = JsonView()
        #: on the table's and the JSON tree's context menu: the value picked in the view shown
        self.use_value_action = QAction("Use as variable…", self)
        self.use_value_action.setToolTip("Keep the selected value as a {{variable}} of this profile")
        self.use_value_action.triggered.connect(self._use_selected_value)
        for view in (self.table, self.tree.tree):
            view.addAction(self.use_value_action)
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.text = CodeView()
        named(self.text, "Response text")
        self.headers = KeyValueModel(self, editable=False)
        headers_view = QTableView()
        named(headers_view, "Response headers")
        tip_elided_cells(headers_view)
        headers_view.setModel(self.headers)
        headers_view.horizontalHeader().setStretchLastSection(True)
        headers_view.verticalHeader().hide()
        headers_view.setColumnWidth(0, 200)
        self.views = QTabWidget()
        self.views.addTab(table_page, "Table")
        self.views.addTab(self.tree, "JSON")
        self.views.addTab(self.text, "Text")
        self.views.addTab(headers_view, "Headers")

        self.save_json_button = QPushButton("Save JSON…")
        self.save_json_button.clicked.connect(self.save_json_requested)
        self.save_csv_button = QPushButton("Save CSV…")
        self.save_csv_button.clicked.connect(self.save_csv_requested)
        # one button copies for this OS's shell (PowerShell on Windows, curl elsewhere); its menu offers each
        self.copy_menu = QMenu(self)
        self.copy_actions = {
            "curl": self.copy_menu.addAction("Copy as &curl"),
            "powershell": self.copy_menu.addAction("Copy as Power&Shell"),
            "python": self.copy_menu.addAction("Copy as P&ython"),
        }
        tips = {"curl": "For bash or zsh; the token appears as $OKTA_ACCESS_TOKEN: export it and paste. Headers "
                        "and body reach curl through a pipe, never its command line",
                "powershell": "Invoke-RestMethod (PowerShell 5.1 and 7); the token comes from "
                              "$env:OKTA_ACCESS_TOKEN: set it and paste",
                "python": "requests; the token comes from the OKTA_ACCESS_TOKEN environment variable"}
        for name, signal in (("curl", self.copy_curl_requested), ("powershell", self.copy_powershell_requested),
                             ("python", self.copy_python_requested)):
            self.copy_actions[name].setToolTip(tips[name])
            self.copy_actions[name].triggered.connect(signal)
        self.copy_menu.setToolTipsVisible(True)
        self.copy_button = QToolButton()
        self.copy_button.setObjectName("copyRequest")
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.copy_button.setMenu(self.copy_menu)
        self.copy_button.setDefaultAction(self.copy_actions["powershell" if default_shell() == "powershell"
                                                            else "curl"])

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.page)
        limits = QHBoxLayout()
        limits.addWidget(self.rate, 1)
        limits.addWidget(self.retry_countdown)
        ids = QHBoxLayout()
        ids.addWidget(QLabel("Request id"))
        ids.addWidget(self.request_id, 1)
        ids.addWidget(self.copy_id_button)
        ids.addWidget(self.log_button)
        for label in (self.explanation, self.note):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.notes = _notes_area(self.explanation, self.note)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.save_json_button)
        actions.addWidget(self.save_csv_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(limits)
        layout.addLayout(ids)
        layout.addWidget(self.notes)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.progress)  # the whole pane's width: a page walk's longest line fits its two lines
        layout.addLayout(actions)
        self.content = b""
        self._pending_text: str | None = None
        self.views.currentChanged.connect(lambda _i: self._fill_text())
        self.set_answer_actions(False)

    def set_answer_actions(self, enabled: bool) -> None:
        """Enable what needs an answer."""
        for button in (self.save_json_button, self.save_csv_button, self.copy_id_button, self.log_button):
            button.setEnabled(enabled)
        self.save_csv_button.setEnabled(enabled and bool(self.rows.items))
        self.copy_id_button.setEnabled(enabled and bool(self.request_id.text()))
        self.log_button.setEnabled(enabled and bool(self.request_id.text()))

    def _filter(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._count()

    def _count(self) -> None:
        total = len(self.rows.items)  # every row held, shown yet or not (they go in a batch per turn)
        shown = self.proxy.rowCount() if self.filter.text().strip() else total
        self.count.setText(f"{total:,} rows" if shown == total else f"{shown:,} of {total:,} rows")

    def clear(self) -> None:
        """Show no answer at all (another profile became active)."""
        self.start("No request sent yet.")

    def start(self, what: str) -> None:
        """Clear the previous answer and say what is under way."""
        self.page.hide()
        self.rows.clear()
        self.tree.set_value(None)
        self.set_text("")
        self.headers.set_pairs([])
        self.content = b""
        self.count.clear()
        self.status.setText(what)
        restyle(self.status, "")
        self.rate.clear()
        self.request_id.clear()
        self.retry_countdown.stop()
        self.explanation.setText("")
        self.explanation.hide()
        self.note.hide()
        self.progress.clear()
        self.set_answer_actions(False)

    def show_answer(self, response: ApiResponse, parsed: ParsedBody) -> None:
        """Show one answer (the first page when fetching all)."""
        waited = f", after {response.retries} rate-limit wait(s)" if response.retries else ""
        self._show_status(response, len(response.content), waited)
        self._rate(response)
        self.request_id.setText(response.request_id or "")
        self.headers.set_pairs(list(response.headers.items()))
        self.content = response.content
        self._explain(response, parsed)
        self.show_note(parsed.note)
        if parsed.is_json:
            self.tree.set_value(parsed.data)
            data = parsed.data
            self.rows.append_rows(data if isinstance(data, list) else [data] if isinstance(data, dict) else [],
                                  later=True)
            self.views.setCurrentIndex(0 if isinstance(data, list) else 1)
        self.set_text(parsed.text)
        self._count()
        self.set_answer_actions(True)

    def _show_status(self, response: ApiResponse, size: int, note: str = "") -> None:
        """Say what answered: method and path on the org (the org line names the org), status, time, size."""
        self.status.setText(f"{response.method} {path_on_org(response.url)} → {response.status} · "
                            f"{response.elapsed * 1000:.0f} ms · {human_size(size)}{note}")
        restyle(self.status, tone_style("good") if response.ok else tone_style("error", bold=True))

    def _rate(self, response: ApiResponse) -> None:
        limit = response.rate_limit
        if limit.limit is not None or limit.remaining is not None:
            self.rate.setText(f"Rate limit {limit.remaining if limit.remaining is not None else '?'}/"
                              f"{limit.limit if limit.limit is not None else '?'} left"
                              + (f" · resets {_clock(limit.reset)}" if limit.reset else ""))
            self.rate.setToolTip("X-Rate-Limit-Remaining / X-Rate-Limit-Limit, and X-Rate-Limit-Reset")
        else:
            self.rate.setText("Rate limit not reported")

    def _explain(self, response: ApiResponse, parsed: ParsedBody) -> None:
        """Explain an Okta error; for any other answer say what it holds (the lines are kept either way)."""
        problem = response.problem
        if problem is not None:
            hint = problem.hint()
            text, style = problem.message() + ("\n" + for_window(hint) if hint else ""), tone_style("error")
        else:
            text, style = answer_summary(response, parsed), ""
        self.explanation.setText(text)
        restyle(self.explanation, style)
        self.explanation.setVisible(bool(text))

    def show_page(self, record: PageRecord, number: int, total: int) -> None:
        """Make the status, rate limit, request id and headers describe page ``number`` of ``total`` (the page
        chooser beside the status says which)."""
        response = record.response
        self._show_status(response, record.size)
        self.request_id.setText(response.request_id or "")
        self.headers.set_pairs(list(response.headers.items()))
        self._rate(response)
        self.page.blockSignals(True)
        self.page.setRange(1, total)
        self.page.setSuffix(f" of {total}")
        self.page.setValue(number)
        self.page.blockSignals(False)
        self.page.setVisible(total > 1)
        self._count()

    def show_page_body(self, parsed: ParsedBody) -> None:
        """Show one page's body in the JSON and Text views (the table keeps every page's rows)."""
        self.show_note(parsed.note)
        self.tree.set_value(parsed.data if parsed.is_json else None)
        self.set_text(parsed.text)

    def selected_value(self) -> tuple[str, str] | None:
        """Return the value picked in the view shown (the table's current cell, the JSON tree's current row) with
        its column's or member's name; None when nothing is picked or it is not one value (an object, a list)."""
        if self.views.currentWidget() is self.tree:
            picked = self.tree.selected_member()
        else:
            index = self.proxy.mapToSource(self.table.currentIndex())
            picked = None if not index.isValid() else (
                str(self.rows.headerData(index.column(), Qt.Orientation.Horizontal)),
                cell_value(self.rows.items[index.row()], self.rows.columns[index.column()]))
        if picked is None or picked[1] is None or isinstance(picked[1], (dict, list)):
            return None
        name, value = picked
        return name, value if isinstance(value, str) else json.dumps(value)

    def _use_selected_value(self) -> None:
        picked = self.selected_value()
        if picked is not None:
            self.use_as_variable_requested.emit(*picked)

    def shown_request_id(self) -> str:
        """Return the request id shown (of the page chosen, after a page walk)."""
        return self.request_id.text()

    def traces(self) -> list[str]:
        """Return the texts shown that came from the org: status, request id, rate, explanation, headers."""
        return [self.status.text(), self.request_id.text(), self.rate.text(), self.explanation.text(),
                *(f"{name}: {value}" for name, value in self.headers.pairs())]

    def show_summary(self, text: str) -> None:
        """Say what the answer (or every page of a walk) holds, where the explained error goes."""
        self.explanation.setText(text)
        restyle(self.explanation, "")
        self.explanation.setVisible(bool(text))

    def show_progress(self, text: str) -> None:
        """Say how a page walk goes, or what an action did (the line beside the buttons)."""
        self.progress.setText(text)

    def add_rows(self, items: Sequence[Any]) -> None:
        """Append rows to the table (a page walk's next items), from the next turn of the event loop: the status and
        progress lines set in this turn paint first and the table after them, each in a frame of its own."""
        self.rows.append_rows(items, later=True)

    def row_count(self) -> int:
        """Return how many rows the table holds (shown yet or not)."""
        return len(self.rows.items)

    async def all_rows_shown(self) -> None:
        """Wait until the table shows every row it holds (or is cleared)."""
        if self.rows.showing_all():
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def finish() -> None:
            if not done.done():
                done.set_result(None)

        self.rows.all_shown.connect(finish)
        try:
            await done
        finally:
            self.rows.all_shown.disconnect(finish)
            self._count()

    def set_text(self, text: str) -> None:
        """Hold the body text; it is put in the Text view when that view is shown (big text costs layout)."""
        self._pending_text = text
        if self.views.currentWidget() is self.text:
            self._fill_text()

    def _fill_text(self) -> None:
        text = self._pending_text
        if text is None:
            return
        self._pending_text = None
        # regex colouring of every line of a big body would hold the GUI thread: colour small bodies only
        self.text.highlighter.setDocument(self.text.document() if len(text) <= HIGHLIGHT_LIMIT else None)
        self.text.setPlainText(text)

    def show_note(self, note: str | None) -> None:
        """Show (or hide) a note about the body (cut, not JSON, too deep)."""
        self.note.setText(note or "")
        self.note.setVisible(bool(note))

    def show_failure(self, text: str) -> None:
        """Say that no answer came (network, TLS, cancelled): its first line on the status line, and the
        whole message where errors are explained when there is more of it."""
        first = text.strip().splitlines()[0] if text.strip() else text
        self.status.setText(first)
        restyle(self.status, tone_style("error", bold=True))
        more = text.strip() != first
        self.explanation.setText(text.strip() if more else "")
        restyle(self.explanation, tone_style("error"))
        self.explanation.setVisible(more)

    def show_rate_wait(self, deadline: float) -> None:
        """Count down to the rate limit's reset."""
        self.retry_countdown.start(deadline, "429: the rate limit resets in {left}", "rate limit reset")

    def stop_rate_wait(self) -> None:
        """Stop the countdown (the walk goes on)."""
        self.retry_countdown.stop()


def path_on_org(url: str) -> str:
    """Return the path and query of ``url`` (``/api/v1/users?after=…``): the status line's room goes to the answer."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def answer_summary(response: ApiResponse, parsed: ParsedBody) -> str:
    """Say what a successful answer holds: how many items, and whether Okta links a next page."""
    data = parsed.data if parsed.is_json else None
    if isinstance(data, list):
        if response.next_url:
            return (f"{len(data):,} item{'s' if len(data) != 1 else ''} on this page. Okta's Link header names a "
                    'next page: Fetch all pages follows every rel="next".')
        return f"{len(data):,} item{'s' if len(data) != 1 else ''}: the whole list (no next page)."
    if isinstance(data, dict):
        return f"One object with {len(data)} member{'s' if len(data) != 1 else ''}."
    if not response.content.strip():
        return "No body."
    return ""


#: text lines kept for the explained error and the note about the body (longer ones scroll)
NOTES_LINES = 3


def _notes_area(*labels: QLabel) -> QScrollArea:
    """Return a frameless area of NOTES_LINES lines holding ``labels``; it is there when they are hidden."""
    inner = QWidget()
    box = QVBoxLayout(inner)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    for label in labels:
        box.addWidget(label)
    box.addStretch(1)
    area = QScrollArea()
    area.setObjectName("responseNotes")
    named(area, "Notes on the answer")  # a Tab stop, so that the keyboard scrolls it
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFixedHeight(labels[0].fontMetrics().lineSpacing() * NOTES_LINES)  # whole lines: none shows cut
    return area


def _clock(epoch: int) -> str:
    import time

    return time.strftime("%H:%M:%S", time.localtime(epoch))
